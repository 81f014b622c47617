"""A run's summary as Markdown, for the Prefect UI (an artifact) and for people."""

from __future__ import annotations

import json

from pipeline.records import Mention, Run

TOP_EVENTS = 10


def top_events(mentions: list[Mention], n: int = TOP_EVENTS) -> list[Mention]:
    """The mentions most worth a look first: asserted before hedged, then by confidence."""
    rank = {"asserted": 0, "claimed": 1, "proposed": 1, "denied": 2, "hypothetical": 3}
    return sorted(mentions, key=lambda m: (rank.get(m.modality, 4), -m.confidence, m.source_path))[:n]


def _cell(value: object) -> str:
    return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")


def run_markdown(run: Run, top: list[Mention]) -> str:
    reasons = json.loads(run.rejects_by_reason or "{}")
    lines = [
        f"# frontline run `{run.run_id}`: {run.status}",
        "",
        f"Input `{run.input_dir}`, {'full reprocess' if run.full else 'new and changed files only'}; "
        f"{(run.finished_at - run.started_at).total_seconds():.1f} s.",
        "",
        "| files seen | new | changed | unchanged (skipped) | articles read | new articles | replaced | rejects | new mentions | removed mentions | events |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        f"| {run.files_seen} | {run.files_new} | {run.files_changed} | {run.files_unchanged} | {run.articles_read} "
        f"| {run.articles_new} | {run.articles_removed} | {run.rejects} | {run.mentions_new} | {run.mentions_removed} "
        f"| {run.events if run.events is not None else 'unchanged'} |",
        "",
    ]
    if reasons:
        lines += ["Rejects by reason: " + ", ".join(f"`{k}` {v}" for k, v in sorted(reasons.items())), ""]
    if run.message:
        lines += [f"> {run.message}", ""]
    if top:
        lines += [
            "## Top new events",
            "",
            "| type | modality | agent | target | location | date | confidence | source | evidence |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for m in top:
            date = f"{m.event_date} ({m.date_precision})" if m.event_date else ""
            lines.append(
                f"| {m.event_type} | {m.modality} | {_cell(m.agent)} | {_cell(m.target)} | {_cell(m.location)} "
                f"| {date} | {m.confidence:.2f} | {_cell(m.source_path)} | {_cell(m.sentence[:160])} |"
            )
    else:
        lines.append("No new events in this run.")
    return "\n".join(lines) + "\n"
