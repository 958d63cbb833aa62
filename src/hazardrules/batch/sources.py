"""Streaming readers: JSONL, CSV and Parquet files as chunks of raw rows, never the whole file.

A reader yields :class:`Chunk` objects of at most ``size`` rows. A chunk holds raw material only
(JSONL lines as bytes, CSV cells as text, Parquet rows as dicts, a checklist workbook as its path) so it pickles cheaply to a worker
process, which parses and judges it. Every input row becomes exactly one :class:`RawRow`; a row the
reader itself cannot read (a CSV line with a broken quote or bad UTF-8, an unreadable Parquet row
group) becomes a row carrying its error, so nothing is dropped. Progress is reported in bytes read.

Row conventions for tabular input (CSV, Parquet): the envelope columns ``ruleset``, ``edition``,
``record_id``, ``inspection_date``; ``enterprise.<key>`` columns build ``enterprise``; a ``facts``
column (a JSON object, or a Parquet struct) gives facts; every other column is a fact of the same
name (``facts.<name>`` is accepted too). An empty CSV cell means "not recorded". A list-of-units
fact in CSV is a JSON array in its cell.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Diagnostic, LoadError, diag

FORMATS = ("jsonl", "csv", "parquet", "xlsx")


@dataclass(slots=True)
class RawRow:
    """One input row before parsing: its ordinal, where it came from, and its raw content."""

    row: int  # 1-based ordinal over all inputs of the batch
    where: str  # "file:line" (JSONL/CSV) or "file#row" (Parquet)
    kind: str  # "json" (bytes) | "csv" (list of str) | "dict" (Parquet row) | "error" (Diagnostic)
    data: object


@dataclass(slots=True)
class Chunk:
    """Rows as plain tuples ``(row, position, kind, data)`` (cheap to pickle); see :meth:`raw_rows`."""

    path: str = ""
    sep: str = ":"  # ":" line numbers (JSONL/CSV), "#" row numbers (Parquet)
    rows: list[tuple] = field(default_factory=list)
    header: tuple[str, ...] | None = None  # CSV only
    nbytes: int = 0  # input bytes this chunk consumed (for progress/ETA)

    def add(self, row: int, pos: int | None, kind: str, data) -> None:
        self.rows.append((row, pos, kind, data))

    def raw_rows(self):
        path, sep = self.path, self.sep
        for row, pos, kind, data in self.rows:
            yield RawRow(row, path if pos is None else f"{path}{sep}{pos}", kind, data)


def input_format(path: str, forced: str | None = None) -> str:
    """The format of an input file: ``forced``, else from its suffix."""
    if forced:
        return forced
    suffix = Path(path).suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix == ".xlsx":
        return "xlsx"
    raise LoadError(diag("unknown_format", path, "不支持的输入类型：应为 .jsonl、.ndjson、.csv、.parquet 或 .xlsx 检查表（或用 --input-format 指定）",
                         "unsupported input type: expected .jsonl, .ndjson, .csv, .parquet or an .xlsx checklist (or give --input-format)"))


def expand_inputs(paths: list[str]) -> list[str]:
    """Inputs with each folder replaced by the Excel checklists in it (sorted by name, subfolders included).

    Excel's own lock files (``~$name.xlsx``) and hidden files are not checklists and are left out; a folder
    with no checklist at all is an error, never an empty batch.
    """
    out: list[str] = []
    for path in paths:
        p = Path(path)
        if not p.is_dir():
            out.append(path)
            continue
        found = sorted(str(f) for f in p.rglob("*.xlsx")
                       if f.is_file() and not f.name.startswith(("~$", ".")))
        if not found:
            raise LoadError(diag("no_checklists", path, "文件夹中没有 .xlsx 检查表",
                                 "the folder holds no .xlsx checklist"))
        out += found
    return out


def total_bytes(paths: list[str]) -> int:
    return sum(os.path.getsize(p) for p in paths if os.path.isfile(p))


class Counter:
    """Hands out row ordinals across all input files."""

    def __init__(self) -> None:
        self.n = 0

    def next(self) -> int:
        self.n += 1
        return self.n


def read_chunks(path: str, fmt: str, counter: Counter, size: int = 1000) -> Iterator[Chunk]:
    """Chunks of raw rows from one file; an unreadable file yields one error row naming it."""
    try:
        if fmt == "jsonl":
            yield from _jsonl(path, counter, size)
        elif fmt == "csv":
            yield from _csv(path, counter, size)
        elif fmt == "xlsx":  # a filled checklist is one record; the worker reads it (it needs the field table)
            if not os.path.isfile(path):
                open(path, "rb").close()  # the same OSError (missing, a directory, no permission) as other inputs
            chunk = Chunk(path, nbytes=os.path.getsize(path))
            chunk.add(counter.next(), None, "xlsx", path)
            yield chunk
        else:
            yield from _parquet(path, counter, size)
    except OSError as exc:  # missing file, directory, permission: the file itself is the bad "row"
        zh = "文件不存在" if isinstance(exc, FileNotFoundError) else f"无法读取文件：{exc.strerror or exc}"
        en = "file not found" if isinstance(exc, FileNotFoundError) else f"cannot read the file: {exc.strerror or exc}"
        chunk = Chunk(path)
        chunk.add(counter.next(), None, "error", diag("file_unreadable", path, zh, en))
        yield chunk


def _jsonl(path: str, counter: Counter, size: int) -> Iterator[Chunk]:
    with open(path, "rb") as handle:
        chunk = Chunk(path)
        for lineno, line in enumerate(handle, 1):
            chunk.nbytes += len(line)
            if not line.strip():
                continue  # blank lines are not records
            counter.n += 1
            chunk.rows.append((counter.n, lineno, "json", line))
            if len(chunk.rows) >= size:
                yield chunk
                chunk = Chunk(path)
        if chunk.rows or chunk.nbytes:
            yield chunk


def _csv(path: str, counter: Counter, size: int) -> Iterator[Chunk]:
    raw = open(path, "rb")
    with raw:
        # surrogateescape keeps undecodable bytes so the row that holds them can be reported, not the file
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
        dialect = csv.excel_tab if path.lower().endswith(".tsv") else csv.excel
        reader = csv.reader(text, dialect)
        try:
            header = next(reader)
        except StopIteration:
            return  # an empty file has no rows
        except csv.Error as exc:
            chunk = Chunk(path)
            chunk.add(counter.next(), 1, "error", diag("csv_syntax", f"{path}:1", f"CSV 表头无法读取：{exc}",
                                                       f"cannot read the CSV header: {exc}"))
            yield chunk
            return
        header = tuple(h.strip() for h in header)
        bad_header = _check_header(header, path)
        if bad_header is not None:
            chunk = Chunk(path)
            chunk.add(counter.next(), 1, "error", bad_header)
            yield chunk
            return
        chunk = Chunk(path, header=header)
        last_pos = 0
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                chunk.add(counter.next(), start, "error",
                          diag("csv_syntax", f"{path}:{start}", f"CSV 语法错误：{exc}", f"CSV syntax error: {exc}"))
                continue
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue  # blank line
            chunk.add(counter.next(), start, "csv", cells)
            if len(chunk.rows) >= size:
                pos = raw.tell()
                chunk.nbytes, last_pos = pos - last_pos, pos
                yield chunk
                chunk = Chunk(path, header=header)
        if chunk.rows:
            chunk.nbytes = max(0, raw.tell() - last_pos)
            yield chunk


def _check_header(header: tuple[str, ...], path: str) -> Diagnostic | None:
    seen = set()
    for i, name in enumerate(header, 1):
        if not name:
            return diag("csv_header", f"{path}:1", f"CSV 表头第 {i} 列没有名称", f"CSV header column {i} has no name")
        if name in seen:
            return diag("csv_header", f"{path}:1", f"CSV 表头列名 “{name}” 重复", f"CSV header repeats the column '{name}'")
        seen.add(name)
    return None  # a missing ruleset column is each row's error (nothing is dropped)


def _parquet(path: str, counter: Counter, size: int) -> Iterator[Chunk]:
    try:
        import pyarrow.parquet as pq
    except ModuleNotFoundError:
        chunk = Chunk(path)
        chunk.add(counter.next(), None, "error", diag(
            "parquet_unavailable", path, "读取 Parquet 需要 pyarrow：pip install 'hazardrules[columnar]'",
            "reading Parquet needs pyarrow: pip install 'hazardrules[columnar]'"))
        yield chunk
        return
    try:
        pf = pq.ParquetFile(path)
        total_rows = pf.metadata.num_rows
    except OSError:
        raise
    except Exception as exc:  # pyarrow raises ArrowInvalid & co. for a file that is not Parquet
        chunk = Chunk(path)
        chunk.add(counter.next(), None, "error",
                  diag("parquet_unreadable", path, f"不是可读的 Parquet 文件：{exc}", f"not a readable Parquet file: {exc}"))
        yield chunk
        return
    file_size = os.path.getsize(path)
    done = 0
    for group in range(pf.num_row_groups):
        group_rows = pf.metadata.row_group(group).num_rows
        try:
            table = pf.read_row_group(group)
        except Exception as exc:  # a damaged row group: each of its rows gets the error, the rest goes on
            chunk = Chunk(path, "#")
            for i in range(group_rows):
                where = f"{path}#{done + i + 1}"
                chunk.add(counter.next(), done + i + 1, "error", diag(
                    "parquet_unreadable", where, f"Parquet 行组 {group} 无法读取：{exc}", f"Parquet row group {group} is unreadable: {exc}"))
            yield chunk
            done += group_rows
            continue
        for batch in table.to_batches(size):
            rows = batch.to_pylist()
            chunk = Chunk(path, "#", nbytes=int(file_size * len(rows) / max(1, total_rows)))
            for r in rows:
                done += 1
                chunk.add(counter.next(), done, "dict", r)
            yield chunk
