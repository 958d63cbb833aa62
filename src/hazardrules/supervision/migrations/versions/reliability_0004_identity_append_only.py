"""Case identity includes the enterprise; append-only for every statement kind; inspections too.

1. A case was keyed ``ruleset|record_id|rule``: a second enterprise using the same record number
   opened no case and its inspection was not counted. The key is now a SHA-256 of
   ``[ruleset, enterprise key, record_id, rule]`` (fixed length: long names no longer overflow the
   column on PostgreSQL), where the enterprise key is ``cc:<统一社会信用代码>`` or, without one, a
   hash of name and region (``service.enterprise_key``). ``inspections`` gains ``enterprise_key``
   and is unique per (record, ruleset, enterprise).
2. ``case_events`` refused UPDATE and DELETE only. On SQLite ``REPLACE INTO``/``INSERT OR REPLACE``
   deletes the old row without firing DELETE triggers, so an INSERT trigger now refuses a row whose
   id or (case_id, seq) is taken; on PostgreSQL a statement trigger refuses TRUNCATE. The same
   guarantees now cover ``inspections`` (the report's denominator) and deleting ``cases`` rows.

Revision ID: reliability_0004
Revises: serve_0003
"""
import hashlib

import orjson
import sqlalchemy as sa
from alembic import op

revision = "reliability_0004"
down_revision = "serve_0003"
branch_labels = None
depends_on = None


def _enterprise_key(credit_code, name, region) -> str:  # the same as service.enterprise_key
    if credit_code:
        return f"cc:{credit_code}"
    if name:
        return "nr:" + hashlib.sha256(f"{name}\x00{region or ''}".encode()).hexdigest()[:40]
    return "-"


def _natural_key(ruleset, ekey, record_id, rule) -> str:  # the same as service.natural_key
    return "v2:" + hashlib.sha256(orjson.dumps([ruleset, ekey, record_id, rule])).hexdigest()


_SQLITE_GUARDS = {
    # table: (statements refused here, what a replacing INSERT would collide on)
    "case_events": ((), "id = NEW.id OR (case_id = NEW.case_id AND seq = NEW.seq)"),  # UPDATE/DELETE: 0002
    "inspections": (("UPDATE", "DELETE"), "id = NEW.id OR (record_id = NEW.record_id AND ruleset = NEW.ruleset "
                                          "AND enterprise_key = NEW.enterprise_key)"),
    "cases": (("DELETE",), "id = NEW.id OR natural_key = NEW.natural_key"),  # its cache columns are updated
}


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    with op.batch_alter_table("inspections") as batch:
        batch.add_column(sa.Column("enterprise_key", sa.String(64), nullable=False, server_default="-"))
        batch.drop_constraint("uq_inspections_record", type_="unique")
        batch.create_unique_constraint("uq_inspections_record", ["record_id", "ruleset", "enterprise_key"])
    meta = sa.MetaData()
    inspections = sa.Table("inspections", meta, autoload_with=bind)
    cases = sa.Table("cases", meta, autoload_with=bind)
    for row in bind.execute(sa.select(inspections.c.id, inspections.c.credit_code, inspections.c.enterprise_name,
                                      inspections.c.region_code)).all():
        bind.execute(sa.update(inspections).where(inspections.c.id == row.id)
                     .values(enterprise_key=_enterprise_key(row.credit_code, row.enterprise_name, row.region_code)))
    for row in bind.execute(sa.select(cases.c.id, cases.c.ruleset, cases.c.record_id, cases.c.rule, cases.c.credit_code,
                                      cases.c.enterprise_name, cases.c.region_code)).all():
        ekey = _enterprise_key(row.credit_code, row.enterprise_name, row.region_code)
        bind.execute(sa.update(cases).where(cases.c.id == row.id)
                     .values(natural_key=_natural_key(row.ruleset, ekey, row.record_id, row.rule)))
    if sqlite:
        for table, (verbs, collides) in _SQLITE_GUARDS.items():
            message = f"{table} is append-only"
            for verb in verbs:
                op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{message}'); END")
            op.execute(f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
                       f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {collides}) "
                       f"BEGIN SELECT RAISE(ABORT, '{message}'); END")
        return
    for table in ("case_events", "inspections", "cases"):
        op.execute(f"CREATE FUNCTION {table}_guard() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN RAISE EXCEPTION '{table} is append-only'; END $$")
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_guard()")
    op.execute("CREATE TRIGGER inspections_append_only BEFORE UPDATE OR DELETE ON inspections "
               "FOR EACH ROW EXECUTE FUNCTION inspections_guard()")
    op.execute("CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases FOR EACH ROW EXECUTE FUNCTION cases_guard()")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in ("case_events_no_replace", "inspections_no_update", "inspections_no_delete", "inspections_no_replace",
                     "cases_no_delete", "cases_no_replace"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER cases_no_delete ON cases")
        op.execute("DROP TRIGGER inspections_append_only ON inspections")
        for table in ("case_events", "inspections", "cases"):
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
            op.execute(f"DROP FUNCTION {table}_guard()")
    with op.batch_alter_table("inspections") as batch:
        batch.drop_constraint("uq_inspections_record", type_="unique")
        batch.create_unique_constraint("uq_inspections_record", ["record_id", "ruleset"])
        batch.drop_column("enterprise_key")
