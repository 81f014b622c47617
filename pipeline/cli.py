"""The `frontline` command: thin click wrappers, and the one place library errors become messages.

Here: the command group, the commands that start the flow (run, serve, server) and eval; the commands
over the warehouse's tables are in pipeline.table_commands.
"""

from __future__ import annotations

import sys

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipeline.errors import FrontlineError
from pipeline.settings import DEFAULT_INPUT, DEFAULT_MAX_BYTES, DEFAULT_WAREHOUSE, RUN_LOCK_TIMEOUT
from pipeline.table_commands import COMMANDS as TABLE_COMMANDS
from pipeline.table_commands import warehouse_option


class _Commands(click.Group):
    """The one place a library error becomes a message: a FrontlineError raised by any command ends
    it with `Error: <message>` and exit code 1, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except FrontlineError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=_Commands, commands=TABLE_COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """frontline: war and diplomacy events from news articles, as Parquet tables you query with SQL."""


@main.command()
@click.argument("input_dir", default=DEFAULT_INPUT, type=click.Path(file_okay=False))
@warehouse_option
@click.option("--batch-size", default=200, show_default=True, type=click.IntRange(1), help="Files per task.")
@click.option("--max-bytes", default=DEFAULT_MAX_BYTES, show_default=True, type=click.IntRange(1),
              help="Files larger than this are rejected unread.")
@click.option("--full", is_flag=True, help="Reprocess every file, not only new and changed ones.")
@click.option("--lock-timeout", default=RUN_LOCK_TIMEOUT, show_default=True, type=click.FloatRange(0),
              help="Seconds to wait for another run on the same warehouse to finish.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1),
              help="Extract on a local Dask cluster of this many worker processes.")
@click.option("--dask-address", envvar="FRONTLINE_DASK_ADDRESS",
              help="Extract on an existing Dask cluster (tcp://scheduler:8786).")
@click.option("--commit-every", default=2000, show_default=True, type=click.IntRange(1),
              help="Articles per atomic commit; a stopped run resumes from its last commit.")
@click.option("--show/--no-show", default=True, show_default=True,
              help="Print the events of this run (a screenful, then the query for the rest); --no-show prints "
                   "only the summary.")
def run(input_dir: str, warehouse: str, batch_size: int, max_bytes: int, full: bool, lock_timeout: float,
        workers: int, dask_address: str | None, commit_every: int, show: bool) -> None:
    """Run the ETL flow over INPUT_DIR (default: seeds/; a folder or s3://bucket/prefix): only new and
    changed files, unless --full. The warehouse may be s3://bucket/prefix too. Prints a summary and the
    events of this run (--no-show: the summary only).

    Example: frontline run seeds --warehouse warehouse
    """
    import signal

    from pipeline import lifetime
    from pipeline.locations import check_locations

    console = Console(width=max(Console().width, 180))
    try:
        # SIGTERM stops the run like Ctrl-C (it is recorded), and a temporary Prefect server dies
        # with this process even when it is killed outright.
        with lifetime.stop_signals():
            try:
                # Before Prefect is imported: a mistyped folder is answered at once, and a run with
                # nothing to do is recorded without starting the flow (pipeline.runs).
                check_locations(input_dir, warehouse)
                summary = None if full else _idle_summary(input_dir, warehouse, lock_timeout)
                if summary is None:
                    summary = _run_flow(console, input_dir=input_dir, warehouse=warehouse, batch_size=batch_size,
                                        max_bytes=max_bytes, full=full, lock_timeout=lock_timeout,
                                        commit_every=commit_every, workers=workers, dask_address=dask_address)
            except Exception as exc:  # a stop signal can surface as another exception (DuckDB's "Query interrupted")
                if lifetime.stop_requested() is None:
                    raise
                raise lifetime.Stopped(lifetime.stop_requested()) from exc
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
        _show_run_events(console, warehouse, summary["run_id"])


def _shell_word(text: str) -> str:
    """``text`` as one shell word, in double quotes when that needs no escapes (SQL reads better so)."""
    import re
    import shlex

    return f'"{text}"' if not re.search(r'["$`\\!]', text) else shlex.quote(text)


def _show_run_events(console: Console, warehouse: str, run_id: str) -> None:
    """The events this run added mentions to, at most a screenful, then how many more and the query."""
    from pipeline.warehousing.store import Warehouse
    from pipeline.query import rich_table, run_events_sql, run_sql

    wh = Warehouse(warehouse)
    total = run_sql(wh, f"select count(*) n from ({run_events_sql(run_id)})")["n"][0].as_py()
    if not total:
        console.print("no new events in this run")
        return
    rows = max(5, (console.height or 24) - 8)
    table = run_sql(wh, run_events_sql(run_id, limit=rows))
    title = f"events of this run ({total})" if total <= rows else f"events of this run (first {rows} of {total})"
    console.print(rich_table(table, title=title, max_cell=40, fold=False))
    if total > rows:
        console.print(f"{total - rows} more; all of them: frontline sql {_shell_word(run_events_sql(run_id))}"
                      + ("" if warehouse == DEFAULT_WAREHOUSE else f" --warehouse {_shell_word(warehouse)}"),
                      soft_wrap=True, highlight=False, markup=False)
    console.print("(--no-show skips this list)", style="dim")


def _idle_summary(input_dir: str, warehouse: str, lock_timeout: float) -> dict | None:
    """The recorded run when nothing is to do; None to run the flow, also when the check itself
    fails unexpectedly (the flow then meets the same problem, and records and reports it)."""
    from pipeline import lifetime
    from pipeline.runs import record_idle_run

    try:
        return record_idle_run(input_dir, warehouse, lock_timeout=lock_timeout)
    except FrontlineError:
        raise
    except Exception:
        if lifetime.stop_requested() is not None:
            raise
        return None


def _run_flow(console: Console, *, workers: int, dask_address: str | None, **params) -> dict:
    """Run the ETL flow against the configured Prefect API, a running `frontline server`, or a temporary
    API server started before the flow's modules are imported (it starts while they load)."""
    import os

    from pipeline.prefect_api import TemporaryApi, configured_api, recorded_server
    from pipeline.settings import prepare_process, state_dir

    prepare_process()  # Prefect's home and settings, before the temporary server or Prefect start
    temporary = None
    if not configured_api(dict(os.environ)):
        found = recorded_server(state_dir())
        if found:
            console.print(f"using the frontline server at {found.removesuffix('/api')}")
            os.environ["PREFECT_API_URL"] = found
        else:
            temporary = TemporaryApi()
            os.environ["PREFECT_API_URL"] = temporary.api_url  # Prefect reads its settings when imported
    from flows.etl import etl
    from flows.runners import task_runner
    from pipeline import progress

    if temporary is not None:
        temporary.wait(float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]))
    bar = Progress(
        TextColumn("[bold]files"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(), console=console, transient=True,
    )
    task_id = bar.add_task("files", total=None, rate="")

    def advance(done: int, total: int) -> None:
        elapsed = bar.tasks[0].elapsed or 0.0
        rate = f"{done / elapsed:.1f} files/s" if elapsed > 0 and done else ""
        bar.update(task_id, completed=done, total=total, rate=rate)

    runner = task_runner(workers, dask_address)
    flow = etl.with_options(task_runner=runner) if runner is not None else etl
    with bar, progress.reporting(advance):
        return flow(**params)


@main.command()
@click.option("--input", "input_dir", default=DEFAULT_INPUT, show_default=True, type=click.Path(file_okay=False),
              help="Folder the scheduled runs read.")
@warehouse_option
@click.option("--cron", help='Cron schedule, e.g. "*/15 * * * *".')
@click.option("--interval", type=click.IntRange(1), help="Seconds between runs (default 900 without --cron).")
@click.option("--batch-size", default=200, show_default=True, type=click.IntRange(1))
@click.option("--name", default="frontline-etl", show_default=True, help="Deployment name.")
@click.option("--api-url", envvar="PREFECT_API_URL",
              help="Prefect API to register with [default: the `frontline server` of this folder, "
                   "else http://127.0.0.1:4200/api].")
@click.option("--watch", "watch_dir", metavar="DIR",
              help="Instead of a schedule, follow DIR (a folder, or s3://bucket/prefix by polling) and load each "
                   "new or changed file within about a second, until SIGTERM or Ctrl-C.")
@click.option("--poll", type=click.FloatRange(0.05), help="With --watch: list DIR every POLL seconds instead of "
                                                          "using file-system notifications.")
def serve(input_dir: str, warehouse: str, cron: str | None, interval: int | None, batch_size: int, name: str,
          api_url: str | None, watch_dir: str | None, poll: float | None) -> None:
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
    from pipeline.locations import check_locations
    from pipeline.prefect_api import api_answers, recorded_server
    from pipeline.settings import prepare_process, state_dir

    input_dir, warehouse = str(Path(input_dir).absolute()), str(Path(warehouse).absolute())
    if not api_url:
        api_url = recorded_server(state_dir()) or "http://127.0.0.1:4200/api"
    check_locations(input_dir, warehouse)  # before Prefect is imported: answered at once
    if not api_answers(api_url, timeout=5.0):
        raise click.ClickException(f"no Prefect API answers at {api_url}; start one with `frontline server`")
    os.environ["PREFECT_API_URL"] = api_url  # before Prefect is imported
    prepare_process()
    from flows.serve import SERVED_BATCH_SIZE, SERVED_INPUT, SERVED_WAREHOUSE, scheduled_etl

    # The served runs read these from this process's environment: a run requested through the API
    # cannot point them elsewhere (the deployment has no parameters to override).
    os.environ.update({SERVED_INPUT: input_dir, SERVED_WAREHOUSE: warehouse, SERVED_BATCH_SIZE: str(batch_size)})
    scheduled_etl.serve(name=name, cron=cron, interval=interval,
                        description=f"frontline ETL over new and changed articles of {input_dir} into {warehouse}",
                        tags=["frontline"])


def _serve_watching(watch_dir: str, warehouse: str, api_url: str | None, poll: float | None) -> None:
    """`serve --watch`: the watching flow in this process, on the Prefect API given, or this folder's
    `frontline server`, when one answers (its runs show in the UI), else on a temporary one of its own."""
    import os

    from pipeline import storage
    from pipeline.prefect_api import TemporaryApi, api_answers, recorded_server
    from pipeline.settings import prepare_process, state_dir

    watch_dir, warehouse = storage.absolute(watch_dir), storage.absolute(warehouse)
    prepare_process()
    api_url = api_url or recorded_server(state_dir())
    temporary = None
    if api_url and api_answers(api_url, timeout=1.0):
        os.environ["PREFECT_API_URL"] = api_url  # before Prefect is imported
    else:
        temporary = TemporaryApi()
        os.environ["PREFECT_API_URL"] = temporary.api_url
    from flows.watch import watch_flow
    from pipeline import lifetime

    try:
        with lifetime.stop_signals():
            if temporary is not None:
                temporary.wait(float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]))
            summary = watch_flow(input_dir=watch_dir, warehouse=warehouse, poll=poll)
    except KeyboardInterrupt:  # a signal during start-up, before the flow followed anything
        click.echo("stopped before the first change was followed", err=True)
        return
    click.echo(f"stopped: {summary['runs']} runs, {summary['files']} files, {summary['mentions_new']} new event "
               f"mentions, {summary['compactions']} compactions")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=4200, show_default=True, type=click.IntRange(1, 65535))
def server(host: str, port: int) -> None:
    """Start a Prefect server (API and UI) whose state lives in the project's .frontline/ folder; runs
    started from this folder use it. No analytics are sent.

    Example: frontline server --port 4299   (then open http://127.0.0.1:4299)
    """
    import os
    import shutil
    import sys
    from pathlib import Path

    from pipeline.prefect_api import client_host, server_environment, unprotected_exposure, write_server_record
    from pipeline.settings import state_dir

    problem = unprotected_exposure(host, dict(os.environ))
    if problem:
        raise click.UsageError(problem)
    os.environ.update(server_environment(host, port, state_dir(), dict(os.environ)))
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
    # exec keeps this process id: the record names the server process itself.
    api_url = f"http://{client_host(host)}:{port}/api"
    write_server_record(state_dir(), api_url, os.getpid())
    click.echo(f"frontline: runs started with the state folder {state_dir()} use this server ({api_url}) "
               "without configuration; its database and UI files are in " + os.environ["PREFECT_HOME"])
    prefect = shutil.which("prefect", path=str(Path(sys.executable).parent)) or "prefect"
    os.execvp(prefect, [prefect, "server", "start", "--host", host, "--port", str(port)])


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

    from pipeline.evaluate.evaluation import evaluate_folder, evaluation_json, evaluation_text

    evaluation = evaluate_folder(gold_file, input_dir)
    if as_json:
        click.echo(json.dumps(evaluation_json(evaluation, show_errors), indent=2, default=str))
    else:
        click.echo(evaluation_text(evaluation, show_errors))


def _reasons(by_reason: dict[str, int]) -> str:
    return f" ({', '.join(f'{k}: {v}' for k, v in sorted(by_reason.items()))})" if by_reason else ""


if __name__ == "__main__":
    sys.exit(main())
