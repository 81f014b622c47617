"""A warehouse loaded from a folder of articles without Prefect, with every table filled: what a run
would leave behind (articles, mentions, events, rejects, files and a runs row), in one commit."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from pipeline.events.assign import assign_events
from pipeline.extract import extract_mentions
from pipeline.ingest.plan import file_states
from pipeline.ingest.read import read_folder
from pipeline.sources import input_root
from pipeline.warehousing.store import Warehouse
from pipeline.records import Article, Event, FileState, Mention, Reject, Run, to_arrow

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def load_folder(src: Path, wh_dir: Path, run_id: str = "r1") -> Warehouse:
    read = read_folder(src, run_id=run_id, now=NOW)
    mentions, events = assign_events(extract_mentions(read.articles, run_id=run_id),
                                           {a.article_id: a.outlet for a in read.articles})
    files = file_states(read.files, ((a.source_path, a.article_id) for a in read.articles),
                        (r.source_path for r in read.rejects), root=input_root(src), run_id=run_id, now=NOW)
    reasons: dict[str, int] = {}
    for r in read.rejects:
        reasons[r.reason] = reasons.get(r.reason, 0) + 1
    run = Run(run_id=run_id, started_at=NOW, finished_at=NOW, status="completed", input_dir=str(src), full=False,
              files_seen=len(files), files_new=len(files), files_changed=0, files_unchanged=0,
              articles_read=len(read.articles), articles_new=len(read.articles), articles_removed=0,
              rejects=len(read.rejects), rejects_by_reason=json.dumps(reasons, sort_keys=True),
              mentions_new=len(mentions), mentions_removed=0, events=len(events), message=None)
    wh = Warehouse(wh_dir)
    wh.commit({"articles": to_arrow(read.articles, Article), "event_mentions": to_arrow(mentions, Mention),
               "events": to_arrow(events, Event), "rejects": to_arrow(read.rejects, Reject),
               "files": to_arrow(files, FileState), "runs": to_arrow([run], Run)})
    return wh
