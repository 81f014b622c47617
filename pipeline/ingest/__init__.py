"""Ingest: input bytes -> Article and Reject records (``parse``, ``formats``, ``ids``), files read
through a Source (``read``), and which files a run must process (``plan``)."""
