"""Two processes moving the same case at once, and a process killed mid-transition (SQLite, PostgreSQL)."""

import multiprocessing as mp
import os
import signal
from datetime import date

from hazardrules.supervision import open_cases
from hazardrules.supervision.ledger import Hooks, Ledger
from hazardrules.supervision.lifecycle import replay

CTX = mp.get_context("fork")
ON = date(2026, 8, 20)


def _mover(url, case_id, actor, barrier, results):
    """Read the case, wait until the other process has read it too, then try to write."""
    try:
        with Ledger(url) as led:
            led.append(case_id, [("rectification_reported", {"note": actor})], actor=actor, on=ON,
                       hooks=Hooks(before_write=lambda: barrier.wait(timeout=20)))
        results.put((actor, "ok"))
    except Exception as exc:  # noqa: BLE001 - report whatever happened to the parent
        results.put((actor, getattr(exc, "code", type(exc).__name__)))


def test_two_processes_one_wins_one_conflicts(db_url, det, finding):
    cid = open_cases([det("RACE", [finding("coal26.4.1")])], db_url, ON)[0]["case"]
    barrier, results = CTX.Barrier(2), CTX.Queue()
    procs = [CTX.Process(target=_mover, args=(db_url, cid, who, barrier, results)) for who in ("甲", "乙")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    outcome = dict(results.get(timeout=5) for _ in procs)
    assert sorted(outcome.values()) == ["conflict", "ok"], outcome
    winner = next(who for who, res in outcome.items() if res == "ok")
    with Ledger(db_url) as led:
        events = led.events(cid)
        row = led.case_row(cid)
    # nothing lost, nothing doubled: exactly the winner's step was appended, and the cache agrees
    assert [(e.kind, e.actor) for e in events[3:]] == [("rectification_reported", winner)]
    assert (row["state"], row["version"]) == ("reported", replay(events).seq) == ("reported", 4)


def _killed(url, case_id):
    with Ledger(url) as led:
        led.append(case_id, [("rectification_reported", {}), ], actor="企业", on=ON,
                   hooks=Hooks(before_commit=lambda: os.kill(os.getpid(), signal.SIGKILL)))


def test_killed_mid_transition_leaves_previous_state(db_url, det, finding):
    cid = open_cases([det("KILL", [finding("coal26.4.1")])], db_url, ON)[0]["case"]
    p = CTX.Process(target=_killed, args=(db_url, cid))
    p.start()
    p.join(60)
    assert p.exitcode == -signal.SIGKILL
    with Ledger(db_url) as led:
        assert [e.kind for e in led.events(cid)] == ["opened", "assigned", "deadline_set"]
        row = led.case_row(cid)
        assert (row["state"], row["version"]) == ("assigned", 3)
        # the database is usable: the same step now succeeds
        state = led.append(cid, [("rectification_reported", {})], actor="企业", on=ON)
    assert state.state == "reported"
