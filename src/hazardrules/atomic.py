"""Writing a file all or nothing: a temporary file beside the target, renamed over it on success.

A reader never sees half a workbook or half a PDF, and a failure leaves the old file (or none) in place.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[str]:
    """Yield a temporary path in the target's directory; rename it to ``target`` when the block succeeds."""
    from .errors import LoadError, diag

    target = Path(target)
    directory = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise LoadError(diag("output_is_dir", str(target), "输出路径是一个目录，请给出文件名",
                             "the output path is a directory; give a file name"))
    if not directory.is_dir():
        raise LoadError(diag("output_dir_missing", str(target), f"输出目录不存在：{directory}（请先创建）",
                             f"the output directory does not exist: {directory} (create it first)"))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:  # no permission, read-only file system, disk full
        raise LoadError(diag("output_unwritable", str(target), f"无法在 {directory} 中写入文件：{exc.strerror or exc}",
                             f"cannot write a file in {directory}: {exc.strerror or exc}")) from None
    os.close(fd)
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; the result is an ordinary file
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
