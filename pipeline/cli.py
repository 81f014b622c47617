"""The `frontline` command: thin wrappers that turn library errors into messages."""

from __future__ import annotations

import sys

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipeline.errors import FrontlineError
from pipeline.ingest import DEFAULT_MAX_BYTES
from pipeline.settings import DEFAULT_INPUT, DEFAULT_WAREHOUSE

warehouse_option = click.option(
    "--warehouse", "-w", default=DEFAULT_WAREHOUSE, show_default=True, type=click.Path(file_okay=False),
    help="Warehouse folder (Parquet tables + frontline.duckdb) or s3://bucket/prefix.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """frontline: war and diplomacy events from news articles, as Parquet tables you query with SQL."""


@main.command()
@click.argument("input_dir", default=DEFAULT_INPUT, type=click.Path(file_okay=False))
@warehouse_option
@click.option("--batch-size", default=200, show_default=True, type=click.IntRange(1), help="Files per task.")
@click.option("--max-bytes", default=DEFAULT_MAX_BYTES, show_default=True, type=click.IntRange(1),
              help="Files larger than this are rejected unread.")
@click.option("--full", is_flag=True, help="Reprocess every file, not only new and changed ones.")
@click.option("--lock-timeout", default=60.0, show_default=True, type=click.FloatRange(0),
              help="Seconds to wait for another run on the same warehouse to finish.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1),
              help="Extract on a local Dask cluster of this many worker processes.")
@click.option("--dask-address", envvar="FRONTLINE_DASK_ADDRESS",
              help="Extract on an existing Dask cluster (tcp://scheduler:8786).")
@click.option("--commit-every", default=2000, show_default=True, type=click.IntRange(1),
              help="Articles per atomic commit; a stopped run resumes from its last commit.")
@click.option("--show/--no-show", default=True, show_default=True, help="Print the extracted events.")
def run(input_dir: str, warehouse: str, batch_size: int, max_bytes: int, full: bool, lock_timeout: float,
        workers: int, dask_address: str | None, commit_every: int, show: bool) -> None:
    """Run the ETL flow over INPUT_DIR (default: seeds/; a folder or s3://bucket/prefix): only new and
    changed files, unless --full. The warehouse may be s3://bucket/prefix too.

    Example: frontline run seeds --warehouse warehouse
    """
    from flows.etl import etl, task_runner  # imported here: Prefect settings must be in place first
    from pipeline import lifetime, progress

    console = Console(width=max(Console().width, 180))
    bar = Progress(
        TextColumn("[bold]files"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(), console=console, transient=True,
    )
    task_id = bar.add_task("files", total=None, rate="")

    def advance(done: int, total: int) -> None:
        elapsed = bar.tasks[0].elapsed or 0.0
        rate = f"{done / elapsed:.1f} files/s" if elapsed > 0 and done else ""
        bar.update(task_id, completed=done, total=total, rate=rate)

    import signal

    try:
        # SIGTERM stops the run like Ctrl-C (it is recorded), and the temporary Prefect server dies
        # with this process even when it is killed outright.
        with lifetime.stop_signals():
            try:
                lifetime.start_temporary_prefect_api()
                runner = task_runner(workers, dask_address)
                flow = etl.with_options(task_runner=runner) if runner is not None else etl
                with bar, progress.reporting(advance):
                    summary = flow(input_dir=input_dir, warehouse=warehouse, batch_size=batch_size,
                                   max_bytes=max_bytes, full=full, lock_timeout=lock_timeout, commit_every=commit_every)
            except Exception as exc:  # a stop signal can surface as another exception (DuckDB's "Query interrupted")
                if lifetime.stop_requested() is None:
                    raise
                raise lifetime.Stopped(lifetime.stop_requested()) from exc
    except FrontlineError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (lifetime.Stopped)
        signum = exc.signum if isinstance(exc, lifetime.Stopped) else signal.SIGINT
        click.echo(f"stopped by {signal.Signals(signum).name}: the run is recorded as interrupted; the next run "
                   "resumes after its last commit", err=True)
        sys.exit(128 + signum)
    console.print(
        f"[bold]run {summary['run_id']}[/]: {summary['files_seen']} files "
        f"({summary['files_new']} new, {summary['files_changed']} changed, {summary['files_unchanged']} unchanged), "
        f"{summary['articles_read']} articles read, {summary['articles_new']} new, "
        f"{summary['articles_removed']} replaced, "
        f"{summary['rejects']} rejected{_reasons(summary['rejects_by_reason'])}, "
        f"{summary['mentions_new']} new event mentions"
    )
    if summary.get("message"):
        console.print(summary["message"])
    if show:
        from pipeline.load import Warehouse
        from pipeline.query import EVENTS_SQL, rich_table, run_sql

        table = run_sql(Warehouse(warehouse), EVENTS_SQL)
        console.print(rich_table(table, title=f"event mentions in {warehouse} ({table.num_rows})"))


@main.command()
@click.option("--input", "input_dir", default=DEFAULT_INPUT, show_default=True, type=click.Path(file_okay=False),
              help="Folder the scheduled runs read.")
@warehouse_option
@click.option("--cron", help='Cron schedule, e.g. "*/15 * * * *".')
@click.option("--interval", type=click.IntRange(1), help="Seconds between runs (default 900 without --cron).")
@click.option("--batch-size", default=200, show_default=True, type=click.IntRange(1))
@click.option("--name", default="frontline-etl", show_default=True, help="Deployment name.")
@click.option("--api-url", envvar="PREFECT_API_URL", default="http://127.0.0.1:4200/api", show_default=True,
              help="Prefect API to register with (start one with `frontline server`).")
@click.option("--watch", "watch_dir", metavar="DIR",
              help="Instead of a schedule, follow DIR (a folder, or s3://bucket/prefix by polling) and load each "
                   "new or changed file within about a second, until SIGTERM or Ctrl-C.")
@click.option("--poll", type=click.FloatRange(0.05), help="With --watch: list DIR every POLL seconds instead of "
                                                          "using file-system notifications.")
def serve(input_dir: str, warehouse: str, cron: str | None, interval: int | None, batch_size: int, name: str,
          api_url: str, watch_dir: str | None, poll: float | None) -> None:
    """Serve the ETL flow as a Prefect deployment on a schedule, or follow a folder (--watch), until interrupted.

    Example: frontline serve --input /data/articles --warehouse warehouse --cron "*/15 * * * *"
    Example: frontline serve --watch /data/articles --warehouse warehouse
    """
    import os
    from pathlib import Path

    if watch_dir is not None:
        if cron or interval:
            raise click.UsageError("--watch follows the folder as files arrive: give no --cron or --interval")
        return _serve_watching(watch_dir, warehouse, api_url, poll)
    if poll is not None:
        raise click.UsageError("--poll goes with --watch")
    if cron and interval:
        raise click.UsageError("give --cron or --interval, not both")
    if not cron and not interval:
        interval = 900
    input_dir, warehouse = str(Path(input_dir).absolute()), str(Path(warehouse).absolute())
    os.environ["PREFECT_API_URL"] = api_url  # before Prefect is imported
    from flows.etl import SERVED_BATCH_SIZE, SERVED_INPUT, SERVED_WAREHOUSE, check_locations, scheduled_etl
    from flows.serve import api_is_up

    try:
        check_locations(input_dir, warehouse)
    except FrontlineError as exc:
        raise click.ClickException(str(exc)) from None
    if not api_is_up(api_url):
        raise click.ClickException(f"no Prefect API answers at {api_url}; start one with `frontline server`")
    # The served runs read these from this process's environment: a run requested through the API
    # cannot point them elsewhere (the deployment has no parameters to override).
    os.environ.update({SERVED_INPUT: input_dir, SERVED_WAREHOUSE: warehouse, SERVED_BATCH_SIZE: str(batch_size)})
    scheduled_etl.serve(name=name, cron=cron, interval=interval,
                        description=f"frontline ETL over new and changed articles of {input_dir} into {warehouse}",
                        tags=["frontline"])


def _serve_watching(watch_dir: str, warehouse: str, api_url: str, poll: float | None) -> None:
    """`serve --watch`: the watching flow in this process, on the Prefect API at ``api_url`` when one
    answers there (its runs show in the UI), else on a temporary one of its own."""
    import os
    from pathlib import Path

    from flows.serve import api_is_up
    from pipeline import storage

    if not storage.is_remote(watch_dir):
        watch_dir = str(Path(watch_dir).absolute())
    if not storage.is_remote(warehouse):
        warehouse = str(Path(warehouse).absolute())
    if api_is_up(api_url, timeout=1.0):
        os.environ["PREFECT_API_URL"] = api_url  # before Prefect is imported
    else:
        os.environ.pop("PREFECT_API_URL", None)
    from flows.watch import watch_flow
    from pipeline import lifetime

    try:
        with lifetime.stop_signals():
            lifetime.start_temporary_prefect_api()
            summary = watch_flow(input_dir=watch_dir, warehouse=warehouse, poll=poll)
    except FrontlineError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:  # a signal during start-up, before the flow followed anything
        click.echo("stopped before the first change was followed", err=True)
        return
    click.echo(f"stopped: {summary['runs']} runs, {summary['files']} files, {summary['mentions_new']} new event "
               f"mentions, {summary['compactions']} compactions")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=4200, show_default=True, type=click.IntRange(1, 65535))
def server(host: str, port: int) -> None:
    """Start a Prefect server (API and UI) whose state lives in the project's .frontline/ folder.

    Example: frontline server --port 4200   (then open http://127.0.0.1:4200)
    """
    import os
    import shutil
    import sys
    from pathlib import Path

    from flows.serve import unprotected_exposure

    problem = unprotected_exposure(host, dict(os.environ))
    if problem:
        raise click.UsageError(problem)
    os.environ["PREFECT_UI_ENABLED"] = "true"
    prefect = shutil.which("prefect", path=str(Path(sys.executable).parent)) or "prefect"
    os.execvp(prefect, [prefect, "server", "start", "--host", host, "--port", str(port)])


@main.command()
@warehouse_option
@click.option("--output", "-o", default="report.html", show_default=True, type=click.Path(dir_okay=False))
def report(warehouse: str, output: str) -> None:
    """Write one self-contained HTML report: timeline, map, latest events, filters (opens offline).

    Example: frontline report --output report.html
    """
    from pathlib import Path

    from pipeline.html_report import write_report
    from pipeline.load import Warehouse

    try:
        n = write_report(Warehouse(warehouse), Path(output))
    except FrontlineError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {output} ({n} events)")


@main.command()
@warehouse_option
def compact(warehouse: str) -> None:
    """Merge small Parquet files into large ones (atomic; rows unchanged). Run it now and then.

    Example: frontline compact --warehouse warehouse
    """
    from pipeline.load import Warehouse

    try:
        report = Warehouse(warehouse).compact()
    except FrontlineError as exc:
        raise click.ClickException(str(exc)) from None
    for table, (before, after) in sorted(report.items()):
        click.echo(f"{table}: {before} files -> {after}")


@main.command()
@warehouse_option
def repair(warehouse: str) -> None:
    """Restore a lost or damaged manifest from the kept ones, quarantine Parquet files that cannot be read,
    rebuild the catalog. Safe to run on a healthy warehouse (it then only checks it).

    Example: frontline repair --warehouse warehouse
    """
    from pipeline.load import QUARANTINE, Warehouse

    try:
        report = Warehouse(warehouse).repair()
    except FrontlineError as exc:
        raise click.ClickException(str(exc)) from None
    if report.restored is not None:
        click.echo(f"{report.problem}\nrestored the manifest of snapshot {report.restored} from the kept copies")
    for rel, why in sorted(report.quarantined.items()):
        click.echo(f"quarantined {rel} ({why}) to {QUARANTINE}/")
    if report.quarantined:
        click.echo("the rows of those files are gone from the tables; `frontline run --full` reads the input "
                   "again and restores them")
    if report.restored is None and not report.quarantined:
        click.echo(f"{warehouse}: the manifest and every Parquet file read back whole; the catalog was rebuilt")


@main.command(name="eval")
@click.argument("gold_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--input", "input_dir", required=True, type=click.Path(exists=True, file_okay=False),
              help="Folder with the articles the gold file annotates.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--errors", "show_errors", is_flag=True,
              help="Also list, per article, the gold events missed and the predicted events no gold supports.")
def eval_command(gold_file: str, input_dir: str, as_json: bool, show_errors: bool) -> None:
    """Score extraction against GOLD_FILE (JSON Lines): per mention and per event, with confidence calibration.

    Mentions are clustered into events exactly as a run would (one article at a time counts at event level).
    Both gold layouts are read: ours (tests/data/dev) and the real-news one (article, type, sentence, ...).

    Example: frontline eval tests/data/dev/gold.jsonl --input tests/data/dev/articles --errors
    """
    import json
    from datetime import datetime, timezone
    from pathlib import Path

    from pipeline import ingest
    from pipeline.dedup import assign_events
    from pipeline.evaluate import (GoldError, file_key, format_article_errors, format_event_scores, format_scores,
                                   load_gold, score, score_events)
    from pipeline.extract import extract_mentions

    try:
        gold = load_gold(Path(gold_file))
    except GoldError as exc:
        raise click.ClickException(str(exc)) from None
    root = Path(input_dir)
    read = ingest.read_files(ingest.discover_files(root), root, run_id="eval", now=datetime.now(timezone.utc))
    keys = {a.article_id: file_key(a) for a in read.articles}
    mentions, _ = assign_events(extract_mentions(read.articles, run_id="eval"),
                                {a.article_id: a.outlet for a in read.articles})
    predicted = [(keys[m.article_id], m) for m in mentions]
    scores = score(gold, predicted)
    events = score_events(gold, predicted)
    if as_json:
        out = scores.to_json()
        out["errors"] = out["errors"] if show_errors else []
        out["events"] = events.to_json()
        if show_errors:
            out["events"]["errors_by_article"] = events.errors_by_article()
        out["articles"] = len(read.articles)
        click.echo(json.dumps(out, indent=2, default=str))
        return
    click.echo(f"{len(read.articles)} articles, {len(gold)} gold events, {len(mentions)} predicted mentions\n")
    click.echo(format_scores(scores))
    click.echo("")
    click.echo(format_event_scores(events))
    if show_errors:
        click.echo("")
        click.echo(format_article_errors(events))


def _reasons(by_reason: dict[str, int]) -> str:
    return f" ({', '.join(f'{k}: {v}' for k, v in sorted(by_reason.items()))})" if by_reason else ""


@main.command()
@click.argument("query")
@warehouse_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "jsonl", "parquet"]), default="table",
              show_default=True, help="How to print or write the result.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
def sql(query: str, warehouse: str, fmt: str, output: str | None) -> None:
    """Run a read-only SQL QUERY over the warehouse and print or write the result.

    Example: frontline sql "select event_type, count(*) from events group by 1" --format csv -o counts.csv
    """
    from pipeline.load import Warehouse
    from pipeline.query import rich_table, run_sql, write_result

    try:
        table = run_sql(Warehouse(warehouse), query)
        if fmt == "table" and not output:
            Console(width=max(Console().width, 160)).print(rich_table(table))
        else:
            write_result(table, "csv" if fmt == "table" else fmt, output)
    except FrontlineError as exc:
        raise click.ClickException(str(exc)) from None


def _date_option(value: str | None, name: str):
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD", param_hint=name) from None


@main.command()
@warehouse_option
@click.option("--type", "event_type", help="OFFENSIVE, TALKS, CEASEFIRE_PROPOSAL, SURRENDER_DEMAND ...")
@click.option("--actor", help="Actor id (RUS_PUTIN) or part of a name, as agent or target.")
@click.option("--since", help="Events on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Events on or before this date (YYYY-MM-DD).")
@click.option("--place", help="Part of a place or region name, or an ISO3 country code.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "jsonl", "parquet"]), default="table",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False))
def events(warehouse: str, event_type: str | None, actor: str | None, since: str | None, until: str | None,
           place: str | None, limit: int, fmt: str, output: str | None) -> None:
    """List events (one row per real-world event) with filters, no SQL needed.

    Example: frontline events --type OFFENSIVE --actor RUS --since 2025-03-01 --place Kursk
    """
    from pipeline.load import Warehouse
    from pipeline.query import EventFilter, events_query, rich_table, run_sql, write_result

    f = EventFilter(event_type, actor, _date_option(since, "--since"), _date_option(until, "--until"), place, limit)
    query, params = events_query(f)
    try:
        table = run_sql(Warehouse(warehouse), query, params)
        if fmt == "table" and not output:
            Console(width=max(Console().width, 180)).print(rich_table(table, title=f"{table.num_rows} events"))
        else:
            write_result(table, "csv" if fmt == "table" else fmt, output)
    except FrontlineError as exc:
        raise click.ClickException(str(exc)) from None


if __name__ == "__main__":
    sys.exit(main())
