"""Streaming batch judgement: many records in, exactly one output row per record out, in order.

``run_batch(["a.jsonl", "b.csv"], "out.jsonl", workers=2)`` reads JSONL, CSV and Parquet inputs in
chunks (never the whole file), judges them with the Python back end in worker processes, and writes
JSONL or Parquet atomically. A bad row yields an error object with its row number and what is wrong;
it never stops the batch. The columnar back end (``hazardrules.columnar``) judges whole files at once.
"""

from .progress import Summary
from .runner import Options, run_batch

__all__ = ["Options", "Summary", "run_batch"]
