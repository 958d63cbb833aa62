"""The streaming batch: read chunks, judge them in worker processes, write them back in order.

Order and memory: at most ``workers * 4`` chunks are in flight; results are written in the order
the chunks were read (a deque of futures), so output row *n* is input row *n* and memory does not
grow with the input. With one worker everything runs in this process (no pickling at all).
Workers are forked after the parent judged the first rows (so they share the rulesets it compiled),
and only when the rest of the input is large enough for processes to pay off (see PARALLEL_MIN_SECONDS).
A worker that dies (killed, out of memory) ends the batch with an error and no output file.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import sys
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import orjson

from ..errors import HazardRulesError, diag
from .progress import Progress, Summary
from .rows import judge
from .sources import Chunk, Counter, input_format, read_chunks, total_bytes
from .writers import TABULAR, open_writer, output_format, parquet_row


@dataclass(frozen=True)
class Options:
    """How to judge and what to write; the same object is sent once to every worker."""

    rules_dir: str | None = None
    edition: str | None = None
    detail: str = "summary"
    lang: str = "zh"
    out_format: str = "jsonl"


_STATE: dict = {}


def _die_with_parent() -> None:
    """A worker must not outlive the batch (``kill -9`` of the parent runs no cleanup): on Linux the
    kernel kills it (PR_SET_PDEATHSIG); elsewhere a daemon thread notices the parent is gone."""
    import os
    import signal
    import threading

    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0 and os.getppid() == parent:  # 1 = PR_SET_PDEATHSIG
            return
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def _init_pool_worker(options: Options) -> None:
    import signal

    # Ctrl-C reaches the whole process group: the parent stops the workers, they print nothing
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    _init_worker(options)


def terminate_as_interrupt() -> None:
    """SIGTERM unwinds like Ctrl-C (workers stopped, temporary output removed) instead of dying at once."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return

    def handler(signum, frame):
        _STATE["terminated"] = True  # in case the exception lands somewhere that swallows it (an at-fork hook)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def _init_worker(options: Options) -> None:
    from ..engine import Engine

    if _STATE.get("options") != options or "engine" not in _STATE:
        _STATE["engine"] = Engine(options.rules_dir)
    _STATE["options"] = options


def process_chunk(chunk: Chunk) -> tuple[object, Summary, int]:
    """Judge one chunk (in a worker): its output payload, its counts and the bytes it consumed."""
    engine, opt = _STATE["engine"], _STATE["options"]
    rows = [judge(engine, raw, chunk.header, edition=opt.edition, detail=opt.detail, lang=opt.lang) for raw in chunk.raw_rows()]
    summary = Summary()
    for r in rows:
        summary.rows += 1
        if r["ok"]:
            summary.count(r["conclusion"])
            key = f"{r['ruleset']}@{r['edition']}"
            summary.by_ruleset[key] = summary.by_ruleset.get(key, 0) + 1
        else:
            summary.errors += 1
    if opt.out_format in TABULAR:
        payload = [parquet_row(r) for r in rows]
    else:
        dumps = orjson.dumps
        payload = b"".join(dumps(r) + b"\n" for r in rows)
    return payload, summary, chunk.nbytes


def run_batch(inputs: list[str], output: str, *, workers: int = 1, options: Options = Options(),
              input_fmt: str | None = None, output_fmt: str | None = None, progress: bool = False,
              chunk_size: int = 1000) -> Summary:
    """Judge every row of ``inputs`` into ``output``; return the summary. Raises only for usage errors."""
    formats = [input_format(p, input_fmt) for p in inputs]  # unknown suffix: a usage error before any work
    out_fmt = output_format(output, output_fmt)
    options = Options(options.rules_dir, options.edition, options.detail, options.lang, out_fmt)
    writer = open_writer(output, out_fmt, inputs)
    workers = resolve_workers(workers)
    summary = Summary(workers=1)  # processes actually used; raised when the pool starts
    bar = Progress(total_bytes(inputs), progress, options.lang)
    start = time.perf_counter()
    counter = Counter()
    chunks = (c for path, fmt in zip(inputs, formats) for c in read_chunks(path, fmt, counter, chunk_size))
    try:
        _init_worker(options)
        rest = _serial_until_worth_forking(chunks, workers, writer, summary, bar, total_bytes(inputs))
        if rest is not None:
            summary.workers = workers
            _parallel(rest, workers, options, writer, summary, bar)
        writer.commit()
    except BaseException as exc:
        writer.abort()
        bar.close()
        if isinstance(exc, BrokenProcessPool):
            raise HazardRulesError(diag("worker_died", "", "一个工作进程意外退出（内存不足或被终止）；未写出任何结果文件",
                                        "a worker process died (out of memory or killed); no output file was written")) from None
        raise
    bar.close()
    summary.seconds = time.perf_counter() - start
    return summary


def resolve_workers(workers: int | str | None) -> int:
    """``auto`` (or None): one process per core, at most 8; a number: that many at most."""
    if workers in (None, "auto"):
        return max(1, min(os.cpu_count() or 1, 8))
    return max(1, int(workers))


# Workers pay off only when the work left outlasts starting them (forking, their first chunks, the
# ordered hand-back): the batch judges in this process first and starts the pool only when, at the rate
# measured so far, what is left of the input would take longer than PARALLEL_MIN_SECONDS. So a small file
# never pays for processes, with ``--workers 2`` as with ``auto``.
PARALLEL_MIN_SECONDS = 1.0
_MEASURE_SECONDS = 0.2  # judge in-process at least this long before estimating


def _serial_until_worth_forking(chunks, workers: int, writer, summary: Summary, bar: Progress, total: int):
    """Judge chunks in this process; return the remaining chunks once a pool would pay off, else None (all done).

    The rate is measured after the first chunk, which also pays for loading its rulesets."""
    consumed, since, measured = 0, None, 0
    for chunk in chunks:
        _collect(process_chunk(chunk), writer, summary, bar)
        consumed += chunk.nbytes
        if workers <= 1:
            continue
        if since is None:
            since, measured = time.perf_counter(), 0
            continue
        measured += chunk.nbytes
        elapsed = time.perf_counter() - since
        if elapsed < _MEASURE_SECONDS:
            continue
        if total <= 0:  # a stream of unknown length (stdin): enough has arrived to make processes worthwhile
            return _chain_first(chunks)
        left = total - consumed
        if measured > 0 and left > 0 and elapsed * left / measured > PARALLEL_MIN_SECONDS:
            return _chain_first(chunks)
    return None


def _chain_first(chunks):
    """The rest of the chunk stream, or None when it is already exhausted."""
    try:
        first = next(chunks)
    except StopIteration:
        return None
    return itertools.chain((first,), chunks)


def _parallel(chunks, workers: int, options: Options, writer, summary: Summary, bar: Progress) -> None:
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_pool_worker, initargs=(options,))
    try:
        pending: deque = deque()
        limit = workers * 4
        for chunk in chunks:
            pending.append(pool.submit(process_chunk, chunk))
            while len(pending) >= limit or (pending and pending[0].done()):
                _collect(pending.popleft().result(), writer, summary, bar)
        while pending:
            _collect(pending.popleft().result(), writer, summary, bar)
    except BaseException:
        # interrupted or failed: stop the workers now rather than finishing the queued chunks
        _stop_workers(pool)
        raise
    pool.shutdown(wait=True)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers and make sure its manager thread can still finish.

    A worker killed while sending its result leaves half a message in the result pipe; the pool's manager thread
    then waits forever for the rest, and the interpreter's exit (which joins that thread) hangs. Once every worker
    is gone, closing our own copy of the pipe's write end turns that wait into end-of-file, which the pool handles
    as a broken pool and shuts down. The queue is taken before ``shutdown()``, which drops the pool's reference."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    result_queue = getattr(pool, "_result_queue", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        proc.terminate()
    for proc in processes:
        proc.join(5)
        if proc.is_alive():
            proc.kill()
            proc.join(5)
    writer = getattr(result_queue, "_writer", None)
    if writer is not None and not any(proc.is_alive() for proc in processes):
        writer.close()


def _collect(result, writer, summary: Summary, bar: Progress) -> None:
    if _STATE.get("terminated"):
        raise KeyboardInterrupt
    payload, counts, nbytes = result
    writer.write(payload)
    summary.add(counts)
    bar.update(counts.rows, nbytes)


def stderr_is_tty() -> bool:
    return sys.stderr.isatty()
