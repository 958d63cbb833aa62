"""The ledger's tables (SQLAlchemy 2 Core). Alembic migrations in ``migrations/`` create them;
keep the two in step (a test compares the migrated schema with this metadata).

- ``cases``: one row per hazard case; ``state``/``level``/``deadline`` are a cache of the events,
  ``version`` is the optimistic-concurrency counter every transition checks and bumps.
- ``case_events``: append-only history, ``(case_id, seq)`` unique, so two writers cannot both
  append the same next step.
- ``inspections``: one row per checked record of an enterprise (the denominator of 每千次检查发现重大隐患数量).

``case_events`` and ``inspections`` are append-only and ``cases`` rows are never deleted: the
database refuses every statement kind that could rewrite them (migrations 0002, reliability_0004;
see docs/security.md for the grants the database user must not have).
"""

from __future__ import annotations

from sqlalchemy import (Column, Date, DateTime, ForeignKey, Integer, MetaData, String, Table, Text,
                        UniqueConstraint)

metadata = MetaData()

cases = Table(
    "cases", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("natural_key", String(300), nullable=False, unique=True),  # v2:sha256([ruleset, enterprise, record_id, rule])
    Column("record_id", String(200), nullable=False),
    Column("ruleset", String(80), nullable=False),
    Column("edition", String(40)),
    Column("ruleset_version", String(40)),
    Column("digest", String(80)),
    Column("rule", String(120), nullable=False),
    Column("cite", String(200)),
    Column("title", String(300)),
    Column("hazard_class", String(10), nullable=False),  # major | general
    Column("source", String(20), nullable=False),  # self_check | inspection | report
    Column("enterprise_name", String(300)),
    Column("credit_code", String(18), index=True),
    Column("region_code", String(6), index=True),
    Column("policy", String(80), nullable=False),
    Column("policy_version", String(40)),
    Column("found_on", Date, nullable=False),
    Column("state", String(20), nullable=False, index=True),
    Column("level", String(10), nullable=False),
    Column("deadline", Date),
    Column("closed_on", Date),
    Column("version", Integer, nullable=False),
    Column("finding", Text, nullable=False),  # JSON: evidence, units, group
    Column("routing", Text, nullable=False),  # JSON: the decision at opening
)

case_events = Table(
    "case_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("on_date", Date, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("data", Text, nullable=False),  # JSON
    UniqueConstraint("case_id", "seq", name="uq_case_events_case_seq"),
)

inspections = Table(
    "inspections", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(200), nullable=False),
    Column("ruleset", String(80), nullable=False),
    Column("inspection_date", Date, nullable=False),
    Column("source", String(20), nullable=False),
    Column("credit_code", String(18)),
    Column("region_code", String(6)),
    Column("enterprise_name", String(300)),
    Column("major_count", Integer, nullable=False),
    Column("general_count", Integer, nullable=False),
    Column("enterprise_key", String(64), nullable=False, server_default="-"),  # service.enterprise_key
    Column("conclusion", String(20)),  # major_hazard / no_major_hazard / incomplete; NULL before supervision_0006
    UniqueConstraint("record_id", "ruleset", "enterprise_key", name="uq_inspections_record"),
)

# -- the HTTP service (``hazardrules serve``) ------------------------------------------------------
# ``api_tokens``: who may call the service; only a SHA-256 of each token's secret is stored.
# ``decision_log``: one row per determination served, append-only like ``case_events`` (migration
# serve_0003 installs the triggers), so "which rules judged this record" stays answerable.

api_tokens = Table(
    "api_tokens", metadata,
    Column("id", String(24), primary_key=True),  # the public part of the token (hzr_<id>_<secret>)
    Column("name", String(120), nullable=False, unique=True),  # the actor recorded on case events
    Column("role", String(20), nullable=False),  # inspector | regulator | admin
    Column("region_code", String(6)),  # scope: this region and below; NULL = national
    Column("secret_sha256", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(120), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

decision_log = Table(
    "decision_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False, index=True),
    Column("token_id", String(24), nullable=False),
    Column("record_id", String(200), index=True),
    Column("record_sha256", String(64), nullable=False, index=True),  # of the record's canonical JSON
    Column("ruleset", String(80), nullable=False),
    Column("edition", String(40), nullable=False),
    Column("version", String(40), nullable=False),
    Column("digest", String(80), nullable=False),
    Column("conclusion", String(20), nullable=False),  # major_hazard | no_major_hazard | incomplete
    Column("fired", Text, nullable=False),  # JSON list of rule ids
    Column("region_code", String(6), index=True),  # of the inspected enterprise, for regional queries
)

# 16号令 第十四条: an enterprise's quarterly and annual hazard statistics, one row per submitted report
enterprise_reports = Table(
    "enterprise_reports", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("enterprise_key", String(300), nullable=False),  # credit code, else name
    Column("credit_code", String(18)),
    Column("enterprise_name", String(300)),
    Column("region_code", String(6)),
    Column("period", String(6), nullable=False),  # 2026Q3 | 2026
    Column("kind", String(10), nullable=False),  # quarterly | annual
    Column("submitted_on", Date, nullable=False),
    Column("actor", String(120), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("enterprise_key", "period", name="uq_enterprise_reports_period"),
)
