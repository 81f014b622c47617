"""The `frontline` commands over the warehouse's tables: sql, events, export, report, compact, repair.

Thin click wrappers: the library does the work and raises FrontlineError, which the command group in
pipeline.cli turns into a message. None of them imports Prefect.
"""

from __future__ import annotations

import click
from rich.console import Console

from pipeline.settings import DEFAULT_WAREHOUSE

warehouse_option = click.option(
    "--warehouse", "-w", default=DEFAULT_WAREHOUSE, show_default=True, type=click.Path(file_okay=False),
    help="Warehouse folder (Parquet tables + frontline.duckdb) or s3://bucket/prefix.",
)


@click.command()
@warehouse_option
@click.option("--output", "-o", default="report.html", show_default=True, type=click.Path(dir_okay=False))
def report(warehouse: str, output: str) -> None:
    """Write one self-contained HTML report: timeline, map, latest events, filters (opens offline).

    Example: frontline report --output report.html
    """
    from pathlib import Path

    from pipeline.html_report import write_report
    from pipeline.warehousing.store import Warehouse

    n = write_report(Warehouse(warehouse), Path(output))
    click.echo(f"wrote {output} ({n} events)")


@click.command()
@warehouse_option
def compact(warehouse: str) -> None:
    """Merge small Parquet files into large ones (atomic; rows unchanged). Run it now and then.

    Example: frontline compact --warehouse warehouse
    """
    from pipeline.warehousing.store import Warehouse

    report = Warehouse(warehouse).compact()
    for table, (before, after) in sorted(report.items()):
        click.echo(f"{table}: {before} files -> {after}")


@click.command()
@warehouse_option
def repair(warehouse: str) -> None:
    """Restore a lost or damaged manifest from the kept ones, quarantine Parquet files that cannot be read,
    rebuild the catalog. Safe to run on a healthy warehouse (it then only checks it).

    Example: frontline repair --warehouse warehouse
    """
    from pipeline.warehousing.files import QUARANTINE
    from pipeline.warehousing.store import Warehouse

    report = Warehouse(warehouse).repair()
    if report.restored is not None:
        click.echo(f"{report.problem}\nrestored the manifest of snapshot {report.restored} from the kept copies")
    for rel, why in sorted(report.quarantined.items()):
        click.echo(f"quarantined {rel} ({why}) to {QUARANTINE}/")
    if report.quarantined:
        click.echo("the rows of those files are gone from the tables; `frontline run --full` reads the input "
                   "again and restores them")
    if report.restored is None and not report.quarantined:
        click.echo(f"{warehouse}: the manifest and every Parquet file read back whole; the catalog was rebuilt")


@click.command()
@click.argument("query")
@warehouse_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "jsonl", "parquet"]), default="table",
              show_default=True, help="How to print or write the result.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
def sql(query: str, warehouse: str, fmt: str, output: str | None) -> None:
    """Run a read-only SQL QUERY over the warehouse and print or write the result.

    Example: frontline sql "select event_type, count(*) from events group by 1" --format csv -o counts.csv
    """
    from pipeline.warehousing.store import Warehouse
    from pipeline.query import rich_table, run_sql, write_result

    table = run_sql(Warehouse(warehouse), query)
    if fmt == "table" and not output:
        Console(width=max(Console().width, 160)).print(rich_table(table))
    else:
        write_result(table, "csv" if fmt == "table" else fmt, output)


def _date_option(value: str | None, name: str):
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD", param_hint=name) from None


@click.command()
@warehouse_option
@click.option("--type", "event_type", help="OFFENSIVE, TALKS, CEASEFIRE_PROPOSAL, SURRENDER_DEMAND ...")
@click.option("--actor", help="Actor id (RUS_PUTIN) or part of a name, as agent or target.")
@click.option("--since", help="Events whose own date period ends on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Events whose own date period starts on or before this date (YYYY-MM-DD).")
@click.option("--undated", is_flag=True, help="Also list events with no date of their own (listed last).")
@click.option("--place", help="A country (name or ISO code), a region, or part of a place's name in any "
              "spelling the gazetteer knows; matches the events in it.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "jsonl", "parquet"]), default="table",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False))
def events(warehouse: str, event_type: str | None, actor: str | None, since: str | None, until: str | None,
           undated: bool, place: str | None, limit: int, fmt: str, output: str | None) -> None:
    """List events (one row per real-world event) with filters, no SQL needed. An event matches
    --since/--until when its own date period overlaps them; events with no date are listed only with
    --undated, never at their publication date.

    Example: frontline events --type OFFENSIVE --actor RUS --since 2025-03-01 --place Ukraine
    """
    from pipeline.warehousing.store import Warehouse
    from pipeline.query import (EventFilter, events_query, place_filter_terms, rich_table, run_sql, undated_not_listed,
                                write_result)

    f = EventFilter(event_type, actor, _date_option(since, "--since"), _date_option(until, "--until"), place, limit,
                    undated)
    terms = place_filter_terms(place) if place else None
    query, params = events_query(f, terms)
    table = run_sql(Warehouse(warehouse), query, params)
    if fmt == "table" and not output:
        title = f"{table.num_rows} events"
        if not undated:  # say how many undated events the other filters would have listed
            n = undated_not_listed(Warehouse(warehouse), f, terms)
            title += f" ({n} undated not listed: add --undated)" if n else ""
        Console(width=max(Console().width, 180)).print(rich_table(table, title=title))
    else:
        write_result(table, "csv" if fmt == "table" else fmt, output)


@click.command(name="export")
@warehouse_option
@click.option("--format", "fmt", type=click.Choice(["acled", "plover"]), required=True,
              help="Whose column layout: ACLED's or PLOVER's.")
@click.option("--file-format", type=click.Choice(["csv", "jsonl", "parquet"]), default="csv", show_default=True)
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False), help="File to write.")
def export(warehouse: str, fmt: str, file_format: str, output: str) -> None:
    """Write the dated events that happened (asserted or claimed) as a flat file with ACLED's or PLOVER's
    column names; the README says what each column holds and what is approximate.

    Example: frontline export --format acled -o events_acled.csv
    """
    from pipeline.interop_export import exported_events
    from pipeline.warehousing.store import Warehouse
    from pipeline.query import write_result

    table = exported_events(Warehouse(warehouse), fmt)
    write_result(table, file_format, output)
    click.echo(f"wrote {output} ({table.num_rows} events, {fmt} columns)")


COMMANDS = (sql, events, export, report, compact, repair)
