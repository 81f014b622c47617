"""Table identity check: python -m bench.identity WAREHOUSE [WAREHOUSE ...]

Prints, for each table of each warehouse, its row count and a digest of its rows, so two builds of
the same input by two versions of the code can be compared line by line (a restructuring must not
change a single row). Columns that differ between any two runs by design are left out: timestamps,
run ids, and the absolute input location (``input_root``, ``input_dir``, ``file_id``, which hashes it).
Rows are digested in sorted order, so the order files were written in does not matter.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import duckdb

TABLES = ("articles", "event_mentions", "events", "files", "rejects", "runs")
VOLATILE = {"run_id", "input_root", "input_dir", "file_id", "message"}


def table_digests(warehouse: Path) -> dict[str, tuple[int, str]]:
    """Row count and sha256 (first 16 hex digits) of each table's stable columns."""
    con = duckdb.connect(str(warehouse / "frontline.duckdb"), read_only=True)
    try:
        out = {}
        for table in TABLES:
            described = con.execute(f"DESCRIBE {table}").fetchall()
            columns = [name for name, kind, *_ in described
                       if name not in VOLATILE and "TIMESTAMP" not in kind.upper()]
            listed = ", ".join(f'"{c}"' for c in columns)
            rows = con.execute(f"SELECT {listed} FROM {table} ORDER BY ALL").fetchall()
            digest = hashlib.sha256()
            for row in rows:
                digest.update(repr(row).encode())
                digest.update(b"\n")
            out[table] = (len(rows), digest.hexdigest()[:16])
        return out
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouses", nargs="+", type=Path)
    args = parser.parse_args(argv)
    digests = [table_digests(w) for w in args.warehouses]
    same = True
    for table in TABLES:
        cells = [f"{d[table][0]:>6} {d[table][1]}" for d in digests]
        if len({d[table] for d in digests}) > 1:
            same = False
        print(f"{table:<15} " + "   ".join(cells))
    if len(digests) > 1:
        print("identical" if same else "DIFFERENT")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
