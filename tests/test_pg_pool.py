"""The reused PostgreSQL test databases are the migrated template again, or are not reused."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.context import Context
from tests.support import AUDIT_KEY, SHANGHAI, FakeClock, row_counts, seed_hall

pytestmark = pytest.mark.postgres


def _state(db) -> tuple:  # type: ignore[no-untyped-def]
    """Every table's rows, the audit chain head and the next id of every sequence-fed table."""
    ctx = Context(db=db, clock=FakeClock(), tz=SHANGHAI, audit_key=AUDIT_KEY)
    with db.engine.connect() as conn:
        head = conn.execute(text("SELECT seq, mac FROM audit_head")).all()
        log = conn.execute(text("SELECT count(*) FROM audit_log")).scalar()
        sequences = conn.execute(
            text("SELECT sequencename, last_value FROM pg_sequences ORDER BY 1")
        ).all()
    return row_counts(ctx), head, log, sequences


def test_a_used_database_comes_back_as_the_template(postgres_template):
    db, url = postgres_template.new()
    fresh = _state(db)
    clock = FakeClock()
    seed_hall(Context(db=db, clock=clock, tz=SHANGHAI, audit_key=AUDIT_KEY), clock)
    assert _state(db) != fresh
    db.dispose()
    postgres_template.drop(url)

    assert url in postgres_template.spare
    again, again_url = postgres_template.new()
    try:
        assert again_url == url
        assert _state(again) == fresh
        clock = FakeClock()
        seed_hall(Context(db=again, clock=clock, tz=SHANGHAI, audit_key=AUDIT_KEY), clock)
    finally:
        again.dispose()
        postgres_template.drop(again_url)


def test_a_database_with_a_changed_schema_is_dropped_not_reused(postgres_template):
    db, url = postgres_template.new()
    with db.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER cash_movements_append_only ON cash_movements"))
    db.dispose()
    postgres_template.drop(url)
    assert url not in postgres_template.spare
    with postgres_template.template.admin.engine.connect() as conn:
        name = url.rsplit("/", 1)[1]
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        assert exists.first() is None
