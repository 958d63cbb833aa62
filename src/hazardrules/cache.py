"""The compiled-ruleset cache: a ruleset's compiled editions, stored in the user's cache directory.

Compiling coal-mine (two editions, seven YAML files) costs far more than the rest of a ``check``; a
cache hit replaces YAML loading, schema validation, type checking and code generation by one read.

- **Key**: the engine version (package version, the Python version and a digest of the package's own
  source, so an edited compiler never reuses old output) and, for every YAML file of the ruleset, its
  path as shown in messages and the SHA-256 of its bytes. Any edit — even of formatting, since
  messages carry line numbers — gives a new key; a stale entry is never read.
- **Where**: ``$HAZARDRULES_CACHE_DIR``, else ``$XDG_CACHE_HOME/hazardrules``, else
  ``~/.cache/hazardrules``. ``HAZARDRULES_CACHE=off`` turns the cache off.
- **Trust**: an entry is a pickle, and unpickling runs code, so it is read only from a directory and a
  file owned by the current user that nobody else can write (no group/other write bit, no symlink).
  Anything else is ignored (and not written to). Where POSIX ownership cannot be checked, no cache.
- **Atomic**: written to a private temporary file in the same directory, then renamed over the entry.
- **Unreadable** (truncated, wrong format, unpickling fails): ignored; the ruleset is compiled and the
  entry rewritten.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path

MAGIC = b"hazardrules-compiled-cache 1\n"
_engine_version: str | None = None


def enabled() -> bool:
    return os.environ.get("HAZARDRULES_CACHE", "on").lower() not in ("off", "0", "no", "false") and hasattr(os, "geteuid")


def cache_dir() -> Path:
    env = os.environ.get("HAZARDRULES_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "hazardrules"


def engine_version() -> str:
    """Package version + Python version + digest of the package's source files."""
    global _engine_version
    if _engine_version is None:
        from . import __version__

        h = hashlib.sha256(f"{__version__}|{sys.version}|{pickle.HIGHEST_PROTOCOL}".encode())
        package = Path(__file__).resolve().parent
        for path in sorted(package.rglob("*.py")):
            h.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
        _engine_version = h.hexdigest()
    return _engine_version


def ruleset_key(files: list[tuple[str, bytes]]) -> str:
    """The cache key of a ruleset from its files (shown path, bytes) and the engine version."""
    h = hashlib.sha256(engine_version().encode())
    for shown, data in sorted(files):
        h.update(shown.encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()


def _private(st: os.stat_result, kind) -> bool:
    """Owned by us, of the expected kind, writable by nobody else."""
    return kind(st.st_mode) and st.st_uid == os.geteuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _trusted_dir(create: bool) -> Path | None:
    directory = cache_dir()
    try:
        if create:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.lstat(directory)
    except OSError:
        return None
    return directory if _private(st, stat.S_ISDIR) else None


def _entry(directory: Path, name: str, key: str) -> Path:
    return directory / f"{name}-{key[:40]}.pickle"


def load(name: str, key: str):
    """The cached object for ``key``, or None when absent, stale, unreadable or not trustworthy."""
    if not enabled():
        return None
    directory = _trusted_dir(create=False)
    if directory is None:
        return None
    try:
        fd = os.open(_entry(directory, name, key), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            if not _private(os.fstat(handle.fileno()), stat.S_ISREG):
                return None
            blob = handle.read()
        head = MAGIC + key.encode() + b"\n"
        if not blob.startswith(head):
            return None
        return pickle.loads(blob[len(head):])
    except Exception:  # noqa: BLE001 — any unreadable entry is a miss; the caller compiles and rewrites it
        return None


def store(name: str, key: str, value) -> bool:
    """Write the entry atomically; drop older entries of the same name. False when not written."""
    if not enabled():
        return False
    directory = _trusted_dir(create=True)
    if directory is None:
        return False
    try:
        blob = MAGIC + key.encode() + b"\n" + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 — an object that cannot be pickled is simply not cached
        return False
    target = _entry(directory, name, key)
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{name}-", suffix=".tmp")  # mode 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(blob)
            os.replace(tmp, target)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        return False
    for old in directory.glob(f"{name}-*.pickle"):
        if old != target:
            try:
                old.unlink()
            except OSError:
                pass
    return True
