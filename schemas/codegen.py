"""The record dataclasses of ``pipeline/records.py``, written from the table declarations.

A column is declared once, in ``schemas/<table>.toml``; its record field (name, order, type,
optionality) follows from it. After changing a declaration, run ``python -m schemas.codegen``;
``tests/test_schemas.py`` fails while ``pipeline/records.py`` differs from what this writes.
"""

from __future__ import annotations

import sys

from schemas import SCHEMA_DIR, SchemaError, TableSchema, table_schemas

RECORDS_PATH = SCHEMA_DIR.parent / "pipeline" / "records.py"
BEGIN = "# --- generated from schemas/*.toml by `python -m schemas.codegen`; do not edit by hand ---\n"
END = "# --- end of generated records ---\n"

# Declared type -> the Python type of a record field holding it.
PYTHON_TYPES = {
    "string": "str",
    "int32": "int",
    "int64": "int",
    "float64": "float",
    "bool": "bool",
    "date": "date",
    "timestamp": "datetime",
    "list<string>": "tuple[str, ...]",
}


def record_source(schema: TableSchema) -> str:
    """One frozen dataclass: a field per stored column (the partition column is derived on load)."""
    if not schema.record:
        raise SchemaError(f"{schema.name}: the declaration names no record (add record = \"...\")")
    lines = ["@dataclass(frozen=True)", f"class {schema.record}:",
             f'    """A row of ``{schema.name}`` (schemas/{schema.name}.toml)."""', "",
             f'    table: ClassVar[str] = "{schema.name}"', ""]
    for column in schema.data_columns:
        optional = " | None" if column.nullable else ""
        lines.append(f"    {column.name}: {PYTHON_TYPES[column.type]}{optional}")
    return "\n".join(lines) + "\n"


def records_source(schemas: dict[str, TableSchema]) -> str:
    """Every table's dataclass, and ``RECORD_TYPES`` listing them, between the markers."""
    classes = "\n\n".join(record_source(s) for s in schemas.values())
    names = ", ".join(s.record for s in schemas.values())
    return f"{BEGIN}\n\n{classes}\n\nRECORD_TYPES = ({names})\n{END}"


def with_generated_records(text: str, schemas: dict[str, TableSchema]) -> str:
    """``text`` (the records module) with its generated part replaced by the declarations' records."""
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + records_source(schemas) + text[end:]


def main() -> int:
    text = RECORDS_PATH.read_text(encoding="utf-8")
    new = with_generated_records(text, table_schemas())
    if new != text:
        RECORDS_PATH.write_text(new, encoding="utf-8")
        print(f"rewrote the records in {RECORDS_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
