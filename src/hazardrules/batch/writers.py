"""Output writers: JSONL, Parquet or an Excel workbook, written to a temporary file and renamed only when complete.

A batch that fails (interrupted, a worker process killed) leaves no partial output file: the
temporary file is removed and the previous output, if any, is untouched. ``-`` writes JSONL to
standard output (streamed, so not atomic).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import orjson

from ..errors import LoadError, diag

OUTPUT_FORMATS = ("jsonl", "parquet", "xlsx")
TABULAR = ("parquet", "xlsx")  # formats fed flat rows (parquet_row), not JSON lines
_PARQUET_KEYS = ("row", "where", "ok", "record_id", "ruleset", "edition", "version", "digest", "inspection_date",
                 "major_hazard", "conclusion", "fired", "undetermined", "error", "message", "message_en", "detail")


def output_format(path: str, forced: str | None = None) -> str:
    if forced:
        return forced
    if path == "-":
        return "jsonl"
    suffix = Path(path).suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".xlsx":
        return "xlsx"
    raise LoadError(diag("unknown_format", path, "不支持的输出类型：应为 .jsonl、.parquet 或 .xlsx（或用 --output-format 指定）",
                         "unsupported output type: expected .jsonl, .parquet or .xlsx (or give --output-format)"))


def parquet_row(row: dict) -> dict:
    """An output row flattened to the fixed Parquet schema (the rest goes to ``detail`` as JSON)."""
    out = {k: row.get(k) for k in _PARQUET_KEYS[:-1]}
    if out["fired"] is None and row.get("ok"):
        out["fired"] = [f["rule"] for f in row.get("findings", ())]
        out["undetermined"] = [u["rule"] for u in row.get("undetermined", ())]
    rest = {k: v for k, v in row.items() if k not in _PARQUET_KEYS}
    out["detail"] = orjson.dumps(rest).decode() if rest else None
    return out


def refuse_output_among_inputs(output: str, inputs: list[str], *, option: str = "-o") -> None:
    """The output must not be one of the inputs (same file by device and inode, whatever the path
    spelling or links): writing it would replace the records being judged with their results."""
    if output == "-":
        return
    try:
        out = os.stat(output)
    except OSError:
        return  # does not exist yet: cannot be an input
    for path in inputs:
        try:
            st = os.stat(path)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) == (out.st_dev, out.st_ino):
            raise LoadError(diag("output_is_input", output, f"输出文件就是输入文件 {path}（{option}）；会覆盖待判定的记录，请换一个输出文件名",
                                 f"the output is the input {path} ({option}); it would replace the records being judged: "
                                 "choose another output file"))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def clean_stale_temporaries(target: Path) -> list[Path]:
    """Remove ``.NAME.PID.*.tmp`` files left by a batch that was killed (its PID no longer runs)."""
    removed = []
    directory = target.parent if str(target.parent) else Path(".")
    for tmp in directory.glob(f".{target.name}.*.tmp"):
        pid = tmp.name[len(target.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and not _pid_alive(int(pid)):
            try:
                tmp.unlink()
                removed.append(tmp)
            except OSError:
                pass
    return removed


class _Atomic:
    def __init__(self, path: str):
        self.path = path
        target = Path(path)
        if target.is_dir():
            raise LoadError(diag("output_is_dir", path, "输出路径是一个目录", "the output path is a directory"))
        directory = target.parent if str(target.parent) else Path(".")
        if not directory.is_dir():
            raise LoadError(diag("output_dir_missing", path, f"输出目录不存在：{directory}", f"the output directory does not exist: {directory}"))
        clean_stale_temporaries(target)
        # the PID in the name lets the next run tell a killed batch's leftover from a running one's file
        fd, self.tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=directory)
        os.close(fd)

    def commit(self) -> None:
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        try:
            os.unlink(self.tmp)
        except FileNotFoundError:
            pass


class JsonlWriter:
    """Appends JSONL blobs; ``commit`` renames the finished file into place."""

    def __init__(self, path: str):
        self.atomic = None if path == "-" else _Atomic(path)
        self.handle = sys.stdout.buffer if path == "-" else open(self.atomic.tmp, "wb", buffering=1 << 20)

    def write(self, payload) -> None:
        self.handle.write(payload)

    def commit(self) -> None:
        self.handle.flush()
        if self.atomic:
            self.handle.close()
            self.atomic.commit()

    def abort(self) -> None:
        if self.atomic:
            self.handle.close()
            self.atomic.abort()


class ParquetWriter:
    """Writes each chunk's rows as a row group of a Parquet file with a fixed schema."""

    def __init__(self, path: str):
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ModuleNotFoundError:
            raise LoadError(diag("parquet_unavailable", path, "写 Parquet 需要 pyarrow：pip install 'hazardrules[columnar]'",
                                 "writing Parquet needs pyarrow: pip install 'hazardrules[columnar]'")) from None
        if path == "-":
            raise LoadError(diag("parquet_stdout", path, "Parquet 不能写到标准输出，请给出文件名", "Parquet cannot go to standard output; give a file name"))
        self.pa = pa
        s, lst = pa.string(), pa.list_(pa.string())
        self.schema = pa.schema([("row", pa.int64()), ("where", s), ("ok", pa.bool_()), ("record_id", s), ("ruleset", s),
                                 ("edition", s), ("version", s), ("digest", s), ("inspection_date", s),
                                 ("major_hazard", pa.bool_()), ("conclusion", s), ("fired", lst), ("undetermined", lst), ("error", s),
                                 ("message", s), ("message_en", s), ("detail", s)])
        self.atomic = _Atomic(path)
        self.writer = pq.ParquetWriter(self.atomic.tmp, self.schema, compression="zstd")

    def write(self, payload) -> None:
        if payload:
            self.writer.write_table(self.pa.Table.from_pylist(payload, schema=self.schema))

    def write_table(self, table) -> None:
        self.writer.write_table(table.cast(self.schema) if table.schema != self.schema else table)

    def commit(self) -> None:
        self.writer.close()
        self.atomic.commit()

    def abort(self) -> None:
        try:
            self.writer.close()
        finally:
            self.atomic.abort()


def open_writer(path: str, fmt: str, inputs: list[str] = ()):
    refuse_output_among_inputs(path, list(inputs))
    if fmt == "xlsx":
        from .xlsx_writer import XlsxWriter

        return XlsxWriter(path, _Atomic)
    return ParquetWriter(path) if fmt == "parquet" else JsonlWriter(path)
