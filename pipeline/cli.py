"""The `frontline` command: thin wrappers that turn library errors into messages."""

from __future__ import annotations

import sys

import click
from rich.console import Console

from pipeline.errors import FrontlineError
from pipeline.ingest import DEFAULT_MAX_BYTES
from pipeline.settings import DEFAULT_INPUT, DEFAULT_WAREHOUSE

warehouse_option = click.option(
    "--warehouse", "-w", default=DEFAULT_WAREHOUSE, show_default=True, type=click.Path(file_okay=False),
    help="Warehouse directory (Parquet tables + frontline.duckdb).",
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
@click.option("--show/--no-show", default=True, show_default=True, help="Print the extracted events.")
def run(input_dir: str, warehouse: str, batch_size: int, max_bytes: int, show: bool) -> None:
    """Run the ETL flow over INPUT_DIR (default: seeds/).

    Example: frontline run seeds --warehouse warehouse
    """
    from flows.etl import etl  # imported here: Prefect settings must be in place first

    console = Console(width=max(Console().width, 180))
    try:
        summary = etl(input_dir=input_dir, warehouse=warehouse, batch_size=batch_size, max_bytes=max_bytes)
    except FrontlineError as exc:
        raise click.ClickException(str(exc)) from None
    added = summary["added"]
    console.print(
        f"[bold]run {summary['run_id']}[/]: {summary['files_seen']} files, "
        f"{summary['articles_read']} articles read, {added.get('articles', 0)} new, "
        f"{summary['rejects']} rejected {summary['rejects_by_reason'] or ''}, "
        f"{added.get('event_mentions', 0)} new event mentions"
    )
    if show:
        from pipeline.load import Warehouse
        from pipeline.query import EVENTS_SQL, rich_table, run_sql

        table = run_sql(Warehouse(warehouse), EVENTS_SQL)
        console.print(rich_table(table, title=f"event mentions in {warehouse} ({table.num_rows})"))


@main.command()
@click.argument("query")
@warehouse_option
def sql(query: str, warehouse: str) -> None:
    """Run a read-only SQL QUERY over the warehouse and print the result.

    Example: frontline sql "select event_type, count(*) from event_mentions group by 1"
    """
    from pipeline.load import Warehouse
    from pipeline.query import rich_table, run_sql

    try:
        table = run_sql(Warehouse(warehouse), query)
    except FrontlineError as exc:
        raise click.ClickException(str(exc)) from None
    Console(width=max(Console().width, 160)).print(rich_table(table))


if __name__ == "__main__":
    sys.exit(main())
