"""Load benchmark of ``hazardrules serve`` (not a test): determinations/s and latency under 1, 8, 64 clients.

Starts the service on the loopback interface only (127.0.0.1, a free port, a scratch SQLite ledger
unless --db is given), creates an inspector token, then for each concurrency level sends shipped
fixture records to ``POST /v1/determinations`` from that many concurrent keep-alive connections (asyncio),
bounded by --requests per level and --seconds per level, whichever comes first. In the same run it
times the library call the service wraps (``Engine.evaluate`` + the JSON the service returns) and
prints the ratio. Every served determination is also written to the decision log, so the figures
include that database write.

    python benchmarks/serve_load.py                       # 1, 8, 64 clients, one worker
    python benchmarks/serve_load.py --workers 2 --requests 4000 --seconds 30

Client and server share the machine: on a small machine the client's own CPU use lowers the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _records() -> list[bytes]:
    import orjson

    from hazardrules import Engine, load_yaml

    engine = Engine(ROOT / "rulesets")
    out = []
    for path in sorted((ROOT / "fixtures").glob("*/*.yaml")):
        if path.name.endswith(".expected.yaml"):
            continue
        record = _as_json(load_yaml(path).data)
        try:
            engine.evaluate(record)
        except Exception:  # noqa: BLE001 - fixtures that expect an error are not load
            continue
        out.append(orjson.dumps(record))
    return out


def _as_json(value):
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def library_rate(bodies: list[bytes], seconds: float) -> float:
    """Determinations/s of the library call the service makes (parse, evaluate, render the same JSON)."""
    import orjson

    from hazardrules import Engine

    engine = Engine(ROOT / "rulesets")
    for b in bodies:
        engine.evaluate(orjson.loads(b))  # compile outside the timing
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for b in bodies:
            det = engine.evaluate(orjson.loads(b), where="body")
            orjson.dumps(det.to_dict("zh"), option=orjson.OPT_INDENT_2)
            n += 1
    return n / (time.perf_counter() - start)


class _Connection:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams: the load generator shares the machine
    with the service, so it must cost far less CPU per request than the service does (httpx costs
    about as much as a /healthz answer, which would measure the client)."""

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token
        self.reader = self.writer = None

    async def open(self):
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def post(self, path: str, body: bytes) -> int:
        head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {self.token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        self.writer.write(head + body)
        status_line = await self.reader.readline()
        length, chunked = 0, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
        if chunked:
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        else:
            await self.reader.readexactly(length)
        return int(status_line.split()[1])

    def close(self):
        self.writer.close()


async def _drive(port: int, token: str, bodies: list[bytes], clients: int, requests: int, seconds: float):
    latencies: list[float] = []
    errors = 0
    sent = 0
    deadline = time.perf_counter() + seconds
    conns = [_Connection(port, token) for _ in range(clients)]
    await asyncio.gather(*(c.open() for c in conns))

    async def worker(conn):
        nonlocal sent, errors
        while sent < requests and time.perf_counter() < deadline:
            body = bodies[sent % len(bodies)]
            sent += 1
            t0 = time.perf_counter()
            status = await conn.post("/v1/determinations", body)
            latencies.append(time.perf_counter() - t0)
            errors += status != 200

    start = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in conns))
    elapsed = time.perf_counter() - start
    for c in conns:
        c.close()
    return latencies, errors, elapsed


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", default="1,8,64", help="concurrency levels (default 1,8,64)")
    ap.add_argument("--requests", type=int, default=2000, help="at most this many requests per level")
    ap.add_argument("--seconds", type=float, default=20.0, help="at most this long per level")
    ap.add_argument("--workers", type=int, default=1, help="service worker processes")
    ap.add_argument("--db", default=None, help="ledger URL (default: a scratch SQLite file)")
    args = ap.parse_args()

    from hazardrules.supervision.access import create_token
    from hazardrules.supervision.ledger import Ledger

    scratch = tempfile.mkdtemp(prefix="hz-serve-bench-")
    db = args.db or f"sqlite:///{scratch}/ledger.sqlite"
    with Ledger(db) as ledger:
        token, _ = create_token(ledger.engine, name=f"bench-{os.getpid()}-{time.time_ns()}", role="inspector",
                                region_code=None, created_by="benchmark")
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    server = subprocess.Popen([sys.executable, "-c", "from hazardrules.cli import main; main()", "--rules", str(ROOT / "rulesets"), "serve",
                               "--db", db, "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
                               "--no-access-log"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        import httpx

        for _ in range(600):
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None:
                print(server.stderr.read().decode(), file=sys.stderr)
                return 1
            time.sleep(0.2)
        bodies = _records()
        lib = library_rate(bodies, 5.0)
        print(f"records: {len(bodies)} shipped fixtures; workers: {args.workers}; ledger: "
              f"{'scratch SQLite' if not args.db else 'given'}; library: {lib:,.0f} determinations/s (one thread)")
        print(f"{'clients':>7} {'requests':>8} {'errors':>6} {'det/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'library/service':>16}")
        asyncio.run(_drive(port, token, bodies, 4, 200, 5))  # warm-up: connections, first requests
        for clients in (int(c) for c in args.clients.split(",")):
            lat, errors, elapsed = asyncio.run(_drive(port, token, bodies, clients, args.requests, args.seconds))
            lat.sort()
            rate = len(lat) / elapsed
            p50 = statistics.median(lat) * 1000
            p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
            print(f"{clients:>7} {len(lat):>8} {errors:>6} {rate:>9,.0f} {p50:>8.2f} {p99:>8.2f} {lib / rate:>15.1f}x")
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
