"""The case ledger: SQLAlchemy 2 over SQLite (default file) or PostgreSQL (by URL).

Writes are event-sourced and guarded three ways, so that nothing is lost and nothing is doubled:

1. every step is checked by :func:`lifecycle.apply` against the state *replayed from the events*;
2. the ``cases`` row carries a ``version``; a step updates it ``WHERE version = <what we read>``,
   so a writer that lost a race updates no row and gets :class:`ConflictError`;
3. ``(case_id, seq)`` is unique, so two appends of the same next step cannot both commit.

All of a step's writes happen in one transaction: a process killed in the middle leaves the
previous state intact (SQLite rolls the journal back, PostgreSQL aborts the transaction).
The schema is migrated with Alembic on open (:mod:`.migrations`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone

import orjson
from sqlalchemy import create_engine, event, func, insert, make_url, select, update
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError

from . import migrations
from .errors import CaseNotFound, ConflictError, LedgerError, TransitionError, error
from .lifecycle import OPEN_STATES, CaseState, Event, apply, replay
from .schema import case_events, cases, inspections

DEFAULT_URL = "sqlite:///hazardrules.sqlite"


SUPPORTED_SCHEMES = ("sqlite", "postgresql+psycopg")


def resolve_url(url: str | None) -> str:
    """``--db`` value, else ``$HAZARDRULES_DB``, else ``./hazardrules.sqlite``; a bare path means SQLite."""
    url = url or os.environ.get("HAZARDRULES_DB") or DEFAULT_URL
    if "://" not in url:
        url = "sqlite:///" + url
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _json(value) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


@dataclass
class Hooks:
    """Test seams: called between the read and the write, and just before commit."""

    before_write: object = None
    before_commit: object = None


@dataclass(frozen=True, slots=True)
class Opening:
    """One finding to open as a case (built by :func:`hazardrules.supervision.open_cases`)."""

    natural_key: str
    record_id: str
    ruleset: str
    edition: str | None
    ruleset_version: str | None
    digest: str | None
    rule: str
    cite: str | None
    title: str | None
    hazard_class: str
    source: str
    enterprise: dict
    found_on: date
    finding: dict
    facts: dict
    decision: object  # routing.Decision
    separate_reviewer: bool
    tier: dict | None = None  # control tier of the determination at this inspection
    jurisdiction: str | None = None  # which jurisdiction's policy routed it, and how it was chosen
    classification: dict | None = None  # a finding recorded by hand: general/major, the reason, who
    on_spot: bool = False  # a general hazard rectified on the spot: opened and closed in one step


class Ledger:
    """One database; cheap to create, holds a connection pool. Use as a context manager."""

    def __init__(self, url: str | None = None, *, migrate: bool = True, create: bool = True):
        """``create=False``: the ledger must already exist (commands that only read or move cases);
        a missing file or an empty database is then an error saying "no ledger at …", never a fresh
        empty ledger that would report 动态清零 on nothing."""
        self.url = resolve_url(url)
        scheme = self.url.split("://", 1)[0]
        if scheme not in SUPPORTED_SCHEMES:
            shown = self.url.split("@")[-1] if "@" in self.url else self.url  # never print a password
            raise error(LedgerError, shown, f"不支持的案件库：{scheme}；可用 sqlite:///文件 或 postgresql://用户@主机/库",
                        f"unsupported case ledger: {scheme}; use sqlite:///FILE or postgresql://USER@HOST/DB")
        try:
            shown = make_url(self.url).render_as_string(hide_password=True)  # never print a password
        except (ArgumentError, ValueError) as exc:  # a malformed URL (bad port, stray characters)
            raise error(LedgerError, "--db", f"案件库 URL 无效：{exc}", f"invalid case ledger URL: {exc}") from None
        if not create:
            _must_exist(self.url, shown)
        try:
            if self.url.startswith("sqlite"):
                self.engine = create_engine(self.url, connect_args={"timeout": 30})
                event.listen(self.engine, "connect", _sqlite_pragmas)
            else:
                self.engine = create_engine(self.url, pool_pre_ping=True)
            if not create:
                with self.engine.connect() as conn:
                    empty = migrations.current(conn) is None
                if empty:
                    self.engine.dispose()
                    raise _no_ledger(shown)
            if migrate:
                migrations.upgrade(self.engine)
        except (OperationalError, DBAPIError) as exc:
            raise error(LedgerError, shown, f"无法打开案件库：{exc.orig}",
                        f"cannot open the case ledger: {exc.orig}") from None
        except (ArgumentError, ValueError) as exc:  # a malformed URL (bad port, stray characters)
            raise error(LedgerError, "--db", f"案件库 URL 无效：{exc}", f"invalid case ledger URL: {exc}") from None

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- opening ------------------------------------------------------------------------------
    def last_closures(self, keys: list[tuple[str | None, str | None, str]]) -> dict[tuple, date]:
        """Date of the latest 销号 of each ``(credit_code, name, rule)``: matched by credit code when
        there is one, else by enterprise name; keys never closed are absent. One query."""
        rules = sorted({k[2] for k in keys})
        if not rules:
            return {}
        with self.engine.connect() as conn:
            rows = conn.execute(select(cases.c.credit_code, cases.c.enterprise_name, cases.c.rule,
                                       func.max(cases.c.closed_on))
                                .where(cases.c.rule.in_(rules), cases.c.closed_on.is_not(None))
                                .group_by(cases.c.credit_code, cases.c.enterprise_name, cases.c.rule)).all()
        out: dict[tuple, date] = {}
        for code, name, rule, closed in rows:
            for key in ((code, None, rule), (None, name, rule)):
                if key[0] or key[1]:
                    out[key] = max(out.get(key, closed), closed)
        return {k: out[(k[0], None, k[2]) if k[0] else (None, k[1], k[2])] for k in keys
                if ((k[0], None, k[2]) if k[0] else (None, k[1], k[2])) in out}

    def open_many(self, openings: list[Opening], *, actor: str, inspections_rows: list[dict] = ()) -> list[tuple[int, bool]]:
        """Open cases (one transaction); a finding already in the ledger is left as it is."""
        _check_actor(actor)
        try:
            return self._open_many(openings, actor, inspections_rows)
        except IntegrityError:  # another process opened one of these findings at the same moment
            raise error(ConflictError, "open_cases", "另一进程同时为相同记录立案，本次未写入任何内容；重新运行即可（立案可重复执行）",
                        "another process opened cases for the same records at the same moment; nothing was "
                        "written — run again (opening is idempotent)") from None

    def _open_many(self, openings, actor, inspections_rows):
        now = datetime.now(timezone.utc)
        out: list[tuple[int, bool]] = []
        with self.engine.begin() as conn:
            keys = [o.natural_key for o in openings]
            existing = dict(conn.execute(select(cases.c.natural_key, cases.c.id)
                                         .where(cases.c.natural_key.in_(keys))).all()) if keys else {}
            for row in inspections_rows:
                seen = conn.execute(select(inspections.c.id).where(inspections.c.record_id == row["record_id"],
                                                                   inspections.c.ruleset == row["ruleset"],
                                                                   inspections.c.enterprise_key == row["enterprise_key"])).first()
                if seen is None:
                    conn.execute(insert(inspections).values(**row))
            stored = {k: (f, d) for k, f, d in conn.execute(
                select(cases.c.natural_key, cases.c.finding, cases.c.found_on).where(cases.c.natural_key.in_(keys)))} \
                if keys else {}
            conflicts = [o for o in openings if o.natural_key in stored
                         and (orjson.loads(stored[o.natural_key][0]) != orjson.loads(_json(o.finding))
                              or stored[o.natural_key][1] != o.found_on)]
            if conflicts:  # the same enterprise, record and rule, other facts: never merged in silence
                o = conflicts[0]
                raise error(ConflictError, f"record {o.record_id}",
                            f"记录 {o.record_id}（{o.rule}）此前已以不同内容提交并立案（案件 #{existing[o.natural_key]}）；"
                            f"更正请用新的记录编号，或在原案件上办理；本次未写入任何内容（共 {len(conflicts)} 处冲突）",
                            f"record {o.record_id} ({o.rule}) was submitted before with different content and has case "
                            f"#{existing[o.natural_key]}; submit a correction under a new record id or act on that case; "
                            f"nothing was written ({len(conflicts)} conflicts)")
            for o in openings:
                if o.natural_key in existing:
                    out.append((existing[o.natural_key], False))
                    continue
                d = o.decision
                routing = dict(d.to_dict(), separate_reviewer=o.separate_reviewer, tier=o.tier,
                               jurisdiction_text=o.jurisdiction)
                evs = [  # 立案 (with the routing decision), 双重交办, 整改期限
                    Event(1, "opened", actor, o.found_on, {
                        "level": d.level, "facts": o.facts, "policy": d.policy, "policy_digest": d.policy_digest,
                        "reasoner": d.reasoner, "fired": [r["id"] for r in d.fired], "hazard_class": o.hazard_class,
                        **({"classification": o.classification} if o.classification else {}),
                        **({"level_reason": d.level_reason, "needs": list(d.needs)} if d.level_reason else {})}),
                    Event(2, "assigned", actor, o.found_on, {"targets": list(d.targets)}),
                ]
                if o.on_spot:  # 一般隐患 fixed on the spot: closed at once, no deadline
                    evs.append(Event(3, "rectified_on_spot", actor, o.found_on, {}))
                elif d.deadline is not None:  # no deadline while the level or the jurisdiction's rule is undetermined
                    evs.append(Event(3, "deadline_set", actor, o.found_on, {"deadline": d.deadline.isoformat(),
                                                                            "days": d.deadline_days}))
                state = replay(evs)  # the cached row is, by construction, the fold of the events
                case_id = conn.execute(insert(cases).values(
                    natural_key=o.natural_key, record_id=o.record_id, ruleset=o.ruleset, edition=o.edition,
                    ruleset_version=o.ruleset_version, digest=o.digest, rule=o.rule, cite=o.cite, title=o.title,
                    hazard_class=o.hazard_class, source=o.source, enterprise_name=o.enterprise.get("name"),
                    credit_code=o.enterprise.get("credit_code"), region_code=o.enterprise.get("region_code"),
                    policy=d.policy, policy_version=d.policy_version, found_on=o.found_on, state=state.state,
                    level=state.level, deadline=state.deadline, closed_on=state.closed_on, version=state.seq,
                    finding=_json(o.finding), routing=_json(routing))).inserted_primary_key[0]
                conn.execute(insert(case_events), [
                    dict(case_id=case_id, seq=e.seq, kind=e.kind, actor=e.actor, on_date=e.on, recorded_at=now,
                         data=_json(e.data)) for e in evs])
                existing[o.natural_key] = case_id
                out.append((case_id, True))
        return out

    # -- reading ------------------------------------------------------------------------------
    def case_row(self, case_id: int, conn=None) -> dict:
        """The ``cases`` row of ``case_id`` as a dict, or :class:`CaseNotFound`."""
        def read(c):
            return c.execute(select(cases).where(cases.c.id == case_id)).mappings().first()
        row = read(conn) if conn is not None else _with(self.engine, read)
        if row is None:
            raise error(CaseNotFound, str(case_id), f"案件 {case_id} 不存在（用 hazardrules case list 查看）",
                        f"no case {case_id} in the ledger (see hazardrules case list)")
        if conn is not None:  # a transition: it checks the cached version itself and replays the events
            return dict(row)
        return _with(self.engine, lambda c: _replayed(c, [dict(row)]))[0]

    def events(self, case_id: int, conn=None) -> list[Event]:
        """The case's append-only history, in order."""
        def read(c):
            rows = c.execute(select(case_events).where(case_events.c.case_id == case_id)
                             .order_by(case_events.c.seq)).mappings().all()
            return [Event(r["seq"], r["kind"], r["actor"], r["on_date"], orjson.loads(r["data"])) for r in rows]
        return read(conn) if conn is not None else _with(self.engine, read)

    def history(self, case_id: int) -> list[dict]:
        """Events with their recording time, for ``case show``."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(case_events).where(case_events.c.case_id == case_id)
                                .order_by(case_events.c.seq)).mappings().all()
        return [dict(r, data=orjson.loads(r["data"])) for r in rows]

    def list_cases(self, *, state: str | None = None, open_only: bool = False, region: str | None = None,
                   limit: int | None = None) -> list[dict]:
        """Cases with state, level, deadline and closing date replayed from their events.

        The events are the one source of truth: the cached columns of ``cases`` serve the
        optimistic-concurrency check only, so an edited ``cases.state`` cannot make this list and
        ``report`` (which replays too) disagree. Filters apply to the replayed state.
        """
        q = select(cases).order_by(cases.c.id)
        if region:
            q = q.where(cases.c.region_code.startswith(region))
        with self.engine.connect() as conn:
            rows = _replayed(conn, [dict(r) for r in conn.execute(q).mappings().all()])
        if state:
            rows = [r for r in rows if r["state"] == state]
        if open_only:
            rows = [r for r in rows if r["state"] in OPEN_STATES]
        return rows[:limit] if limit else rows

    # -- moving a case ------------------------------------------------------------------------
    def append(self, case_id: int, steps: list[tuple[str, dict]], *, actor: str, on: date,
               hooks: Hooks | None = None) -> CaseState:
        """Append one or more events atomically; return the new state. Nothing is written on error."""
        _check_actor(actor)
        hooks = hooks or Hooks()
        try:
            with self.engine.begin() as conn:
                row = self.case_row(case_id, conn)
                state = replay(self.events(case_id, conn))
                separate = orjson.loads(row["routing"]).get("separate_reviewer", False)
                new_events = []
                for kind, data in steps:
                    ev = Event(state.seq + 1, kind, actor, on, data)
                    try:
                        state = apply(state, ev, separate_reviewer=separate)
                    except TransitionError as exc:  # say which case
                        raise TransitionError([replace(d, where=d.where or f"case {case_id}")
                                               for d in exc.diagnostics]) from None
                    new_events.append(ev)
                if hooks.before_write:
                    hooks.before_write()
                done = conn.execute(update(cases).where(cases.c.id == case_id, cases.c.version == row["version"])
                                    .values(state=state.state, level=state.level, deadline=state.deadline,
                                            closed_on=state.closed_on, version=row["version"] + len(new_events)))
                if done.rowcount != 1:
                    raise _conflict(case_id)
                now = datetime.now(timezone.utc)
                conn.execute(insert(case_events), [
                    dict(case_id=case_id, seq=e.seq, kind=e.kind, actor=e.actor, on_date=e.on, recorded_at=now,
                         data=_json(e.data)) for e in new_events])
                if hooks.before_commit:
                    hooks.before_commit()
        except IntegrityError:
            raise _conflict(case_id) from None
        except OperationalError as exc:
            if "locked" in str(exc.orig).lower() or "deadlock" in str(exc.orig).lower():
                raise _conflict(case_id) from None
            raise
        return state

    def state(self, case_id: int, *, until: date | None = None) -> CaseState:
        """The state rebuilt from the events alone (optionally as of a date)."""
        self.case_row(case_id)
        return replay(self.events(case_id), until=until)


def _no_ledger(shown: str) -> LedgerError:
    return error(LedgerError, shown, f"没有案件库：{shown}（案件库由 check --open-cases 或 case add 建立；请检查 --db / HAZARDRULES_DB）",
                 f"no ledger at {shown} (a ledger is created by check --open-cases or case add; check --db / HAZARDRULES_DB)")


def _must_exist(url: str, shown: str) -> None:
    """A SQLite ledger file must exist before a command that only reads or moves cases opens it."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database
        if path and path != ":memory:" and not os.path.exists(path):
            raise _no_ledger(shown)


def _conflict(case_id: int) -> ConflictError:
    return error(ConflictError, str(case_id), f"案件 {case_id} 刚被其他操作更新，本次未写入任何内容；请查看最新状态后重试",
                 f"case {case_id} was changed by someone else at the same time; nothing was written — "
                 "look at its new state and retry")


def _check_actor(actor) -> None:
    if not isinstance(actor, str) or not actor.strip() or "\x00" in actor or len(actor) > 120:
        raise error(LedgerError, "--by", "操作人应为 1–120 个字符的文字，且不含 NUL 字符",
                    "the actor must be text of 1-120 characters without NUL characters")


def _with(engine, fn):
    with engine.connect() as conn:
        return fn(conn)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _replayed(conn, rows: list[dict]) -> list[dict]:
    """``rows`` of ``cases`` with state, level, deadline and closed_on folded from their events."""
    if not rows:
        return rows
    ids = [r["id"] for r in rows]
    by_case: dict[int, list[Event]] = {i: [] for i in ids}
    for i in range(0, len(ids), 500):  # bounded IN lists
        for r in conn.execute(select(case_events).where(case_events.c.case_id.in_(ids[i:i + 500]))
                              .order_by(case_events.c.case_id, case_events.c.seq)).mappings():
            by_case[r["case_id"]].append(Event(r["seq"], r["kind"], r["actor"], r["on_date"], orjson.loads(r["data"])))
    for row in rows:
        state = replay(by_case[row["id"]])
        row.update(state=state.state, level=state.level, deadline=state.deadline, closed_on=state.closed_on)
    return rows
