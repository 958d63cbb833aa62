"""Speed and memory of supervision routing and the case ledger.

Run: ``python -m pytest benchmarks/bench_supervision.py --benchmark-enable``
(soak, on demand: ``HAZARDRULES_SOAK=1 python -m pytest benchmarks/bench_supervision.py -k soak -s``).

- ``routing``: routing decisions per second without a database (Router.route_opening: fact
  completion and validation, the reasoner, level/targets/deadline), for each reasoner;
- ``ledger``: cases routed *and* written per second on a SQLite file (build_openings + open_many,
  one transaction per batch of 200 findings), and on PostgreSQL (compiled reasoner) when reachable;
- soak: 200,000 routings through the durable_rules host in one process; prints RSS every 20,000 and
  fails if RSS grows by more than 25 MB after warm-up (a leak would grow with the count).
"""

import os
import resource
from datetime import date
from itertools import count
from pathlib import Path

import pytest

from hazardrules.supervision import facts as facts_mod
from hazardrules.supervision.context import Settings
from hazardrules.supervision.ledger import Ledger
from hazardrules.supervision.policy import load_policies
from hazardrules.supervision.routing import Router
from hazardrules.supervision.service import build_openings

ROOT = Path(__file__).resolve().parents[1]
FOUND = date(2026, 8, 14)
SECTORS = ["coal-mine", "fire", "construction", "hazardous-chemicals", "power", "industry-trade"]


def _requests(n=1000):
    out = []
    for i in range(n):
        ent = {"potential_deaths": i % 13, "ownership": ["private", "central", "local"][i % 3],
               "cross_city_impact": i % 17 == 0}
        out.append(facts_mod.finding_facts(sector=SECTORS[i % len(SECTORS)], rule=f"r{i % 50}",
                                           hazard_class="major" if i % 4 else "general", enterprise=ent,
                                           found_by=["county", "city", "self_check"][i % 3], found_on=FOUND,
                                           prior_close=date(2026, 1, 1) if i % 9 == 0 else None))
    return out


@pytest.fixture(scope="module")
def policy():
    return load_policies(ROOT / "rulesets")["inner-mongolia"]


def _route_all(router, reqs):
    for r in reqs:
        router.route_opening(r, FOUND)


@pytest.mark.parametrize("kind", ["compiled", "durable"])
@pytest.mark.benchmark(group="routing")
def test_routing_decisions(benchmark, policy, kind):
    router = Router(policy, kind=kind)
    reqs = _requests(1000)
    benchmark.extra_info["decisions_per_round"] = len(reqs)
    benchmark(_route_all, router, reqs)


class _F:
    def __init__(self, rule, kind):
        self.rule, self.kind, self.cite, self.title, self.group, self.evidence, self.units = (
            rule, kind, "第四条", "测试", "1", {"annual_output_t": 1330000}, [])


class _D:
    def __init__(self, rid, findings):
        self.record_id, self.ruleset, self.edition, self.version, self.digest = rid, "coal-mine", "2026", "1", "sha256:x"
        self.inspection_date, self.findings = FOUND, findings
        self.conclusion = "major_hazard" if any(f.kind == "major" for f in findings) else "no_major_hazard"
        self.enterprise = {"name": f"企业{rid}", "credit_code": "91350100M000100Y43", "region_code": "150602"}


@pytest.mark.parametrize("kind", ["compiled", "durable"])
@pytest.mark.benchmark(group="ledger")
def test_cases_routed_and_written_sqlite(benchmark, tmp_path, kind):
    os.environ["HAZARDRULES_REASONER"] = kind
    ledger = Ledger(f"sqlite:///{tmp_path / 'bench.sqlite'}")
    ids = count()

    def batch():  # 50 records x 4 findings = 200 cases, all new
        dets = [_D(f"B{next(ids)}", [_F(f"coal26.{j}.1", "major" if j % 2 else "violation") for j in range(4)])
                for _ in range(50)]
        openings, insp = build_openings(dets, ledger, FOUND, settings=Settings.resolve(reasoner=kind))
        ledger.open_many(openings, actor="bench", inspections_rows=insp)

    benchmark.extra_info["cases_per_round"] = 200
    benchmark.pedantic(batch, rounds=10, iterations=1, warmup_rounds=1)
    ledger.close()
    os.environ.pop("HAZARDRULES_REASONER", None)


@pytest.fixture
def pg_bench_url():
    """A fresh PostgreSQL database on 127.0.0.1:5432 (skipped when the server is not there)."""
    import uuid

    psycopg = pytest.importorskip("psycopg")
    admin = os.environ.get("HAZARDRULES_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"hz_bench_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    yield admin.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.benchmark(group="ledger")
def test_cases_routed_and_written_postgresql(benchmark, pg_bench_url):
    ledger = Ledger(pg_bench_url)
    ids = count()

    def batch():
        dets = [_D(f"P{next(ids)}", [_F(f"coal26.{j}.1", "major" if j % 2 else "violation") for j in range(4)])
                for _ in range(50)]
        openings, insp = build_openings(dets, ledger, FOUND, settings=Settings.resolve(reasoner="compiled"))
        ledger.open_many(openings, actor="bench", inspections_rows=insp)

    benchmark.extra_info["cases_per_round"] = 200
    benchmark.pedantic(batch, rounds=10, iterations=1, warmup_rounds=1)
    ledger.close()


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.skipif(not os.environ.get("HAZARDRULES_SOAK"), reason="soak runs on demand: HAZARDRULES_SOAK=1")
def test_soak_200k_durable_routings(policy):
    import time

    router = Router(policy, kind="durable")
    reqs = _requests(1000)
    samples = []
    start = time.perf_counter()
    for i in range(200_000):
        router.route_opening(reqs[i % 1000], FOUND)
        if (i + 1) % 20_000 == 0:
            samples.append(_rss_mb())
            print(f"{i + 1:>7} routings  RSS {samples[-1]:.1f} MB  {time.perf_counter() - start:.1f} s", flush=True)
    elapsed = time.perf_counter() - start
    print(f"200000 routings in {elapsed:.1f} s = {200_000 / elapsed:.0f}/s; RSS {samples[0]:.1f} -> {samples[-1]:.1f} MB;"
          f" durable fallbacks {router.reasoner.fallbacks}")
    assert samples[-1] - samples[0] < 25, samples
