"""The warehouse, the only writer of Parquet files and of the DuckDB catalog: see ``store``."""
