"""Forgeries the first audit coverage let through (SQLite and PostgreSQL): a relabelled note
adopted at start, a planted trigger's writes chained as GasDesk's, notes inserted ahead with a
future txid, the newest entries cut off with the head re-pointed, and values verify could not
render. Each is now found by ``verify`` and none of them makes it fail with an exception.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.services import audit
from tests.support import AUDIT_KEY, buy, m3, open_customer
from tests.test_audit_coverage import broken, intruder, verified


@pytest.fixture
def started(hall):
    """A hall after a start (the coverage entry written) and one verified sale."""
    audit.adopt_existing(hall.ctx)
    account = open_customer(hall)
    buy(hall, account.card_serial, volume=m3(10))
    assert verified(hall.ctx).ok
    return account


def _role(hall, user: str) -> str:
    with hall.ctx.reading() as s:
        return s.scalar(text("SELECT role FROM users WHERE username = :u"), {"u": user})


@pytest.mark.parametrize("restarted_before", [True, False])
def test_a_relabelled_note_is_never_adopted(hall, restarted_before):
    """Whether or not a start already adopted: a note relabelled as pre-coverage stays noted."""
    if restarted_before:
        audit.adopt_existing(hall.ctx)
    account = open_customer(hall)
    buy(hall, account.card_serial, volume=m3(10))
    lina = hall.users["lina"]
    intruder(hall.ctx, f"UPDATE users SET role = 'administrator' WHERE id = {lina}")
    intruder(hall.ctx, "UPDATE audit_pending SET txid = -1")
    assert audit.adopt_existing(hall.ctx) == 0  # the next start
    assert audit.adopt_existing(hall.ctx) == 0
    broken(hall.ctx, f"users:{lina} was changed (role)", "never chained")


def _plant(ctx, body: str) -> None:
    with ctx.db.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(
                text(
                    f"CREATE TRIGGER zz_evil AFTER INSERT ON counter_transactions BEGIN {body}; END"
                )
            )
        else:
            conn.execute(
                text(
                    "CREATE FUNCTION zz_evil() RETURNS trigger LANGUAGE plpgsql AS "
                    f"$$ BEGIN {body}; RETURN NULL; END $$"
                )
            )
            conn.execute(
                text(
                    "CREATE TRIGGER zz_evil AFTER INSERT ON counter_transactions "
                    "FOR EACH ROW EXECUTE FUNCTION zz_evil()"
                )
            )


def _unplant(ctx) -> None:
    with ctx.db.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER zz_evil"))
        else:
            conn.execute(text("DROP TRIGGER zz_evil ON counter_transactions"))
            conn.execute(text("DROP FUNCTION zz_evil()"))


def test_a_planted_trigger_is_reported_while_it_is_there(hall, started):
    _plant(hall.ctx, "UPDATE settings SET value = value WHERE key = 'nothing'")
    broken(hall.ctx, "trigger counter_transactions:zz_evil: not one of GasDesk's")
    _unplant(hall.ctx)
    assert verified(hall.ctx).ok


def test_a_dropped_guard_is_reported(hall, started):
    with hall.ctx.db.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER users_audit_update"))
        else:
            conn.execute(text("DROP TRIGGER users_audit_capture ON users"))
    broken(hall.ctx, "trigger users:users_audit_", "missing")


def test_a_planted_trigger_s_writes_are_not_chained_as_the_sale_s(hall, started):
    """The trigger promotes a clerk inside an ordinary sale and is dropped afterwards."""
    lina = hall.users["lina"]
    _plant(hall.ctx, f"UPDATE users SET role = 'administrator' WHERE id = {lina}")
    buy(hall, started.card_serial, volume=m3(5))
    _unplant(hall.ctx)
    assert _role(hall, "lina") == "administrator"
    broken(hall.ctx, f"users:{lina} was changed (role)")


@pytest.mark.postgres
def test_notes_inserted_ahead_with_future_txids_are_not_chained(hall, started):
    """PostgreSQL: an intruder promotes a clerk with the triggers off and inserts the row's note
    for each of the next txids; the next sale must not chain it."""
    if hall.ctx.db.engine.dialect.name != "postgresql":
        pytest.skip("txids are PostgreSQL's")
    other = hall.users["wangfang"]
    with hall.ctx.db.engine.begin() as conn:
        conn.execute(text("ALTER TABLE users DISABLE TRIGGER USER"))
        conn.execute(text(f"UPDATE users SET role = 'administrator' WHERE id = {other}"))
        conn.execute(text("ALTER TABLE users ENABLE TRIGGER USER"))
        conn.execute(text("SET LOCAL timezone TO 'UTC'"))
        conn.execute(
            text(
                "INSERT INTO audit_pending (tbl, pk, txid, figures) "
                "SELECT 'users', u.id::text, txid_current() + n, to_jsonb(u)::text "
                f"FROM users u, generate_series(1, 200) n WHERE u.id = {other}"
            )
        )
    buy(hall, started.card_serial, volume=m3(5))
    with hall.ctx.reading() as s:
        chained = s.scalar(
            text("SELECT count(*) FROM audit_log WHERE data LIKE :row"),
            {"row": f'%"users:{other}"%'},
        )
    assert chained == 1  # the user's creation, never the forged note
    broken(hall.ctx, f"users:{other} was changed (role)")


def test_cutting_the_newest_entries_and_repointing_the_head_is_found(hall, started):
    """The newest entry is a security event (no rows): cut off, nothing but the head shows it
    (lockouts are read from the log, so this would unlock a user)."""
    lina = hall.users["lina"]
    audit.record_alone(hall.ctx, audit.Event("login_failed", user_id=lina, data={"n": 5}))
    assert verified(hall.ctx).ok
    with hall.ctx.db.engine.begin() as conn:
        last = conn.execute(text("SELECT max(seq) FROM audit_log")).scalar_one()
    intruder(hall.ctx, f"DELETE FROM audit_log WHERE seq = {last}", drop_guards="audit_log")
    intruder(
        hall.ctx,
        "UPDATE audit_head SET seq = (SELECT max(seq) FROM audit_log), "
        "mac = (SELECT mac FROM audit_log ORDER BY seq DESC LIMIT 1)",
    )
    broken(hall.ctx, "chain head tag does not match")


def test_the_head_tag_follows_every_entry(hall, started):
    with hall.ctx.reading() as s:
        seq, mac, tag = s.execute(text("SELECT seq, mac, tag FROM audit_head")).one()
    assert tag == audit.head_tag(AUDIT_KEY, seq, mac)


@pytest.mark.parametrize(
    "value",
    ["X'41'", "99999999999999999999999", "1.5", "-0.0", "'text'", "X''", "1e308"],
)
@pytest.mark.parametrize("column", ["display_name", "active", "created_at"])
def test_verify_never_crashes_on_hostile_values(hall, started, column, value):
    """SQLite stores any type in any column (the capture trigger dropped first): found, no
    exception. (PostgreSQL refuses such values itself.)"""
    if hall.ctx.db.engine.dialect.name != "sqlite":
        pytest.skip("only SQLite lets a column hold another type")
    lina = hall.users["lina"]
    intruder(
        hall.ctx, f"UPDATE users SET {column} = {value} WHERE id = {lina}", drop_guards="users"
    )
    report = verified(hall.ctx)
    assert not report.ok
    assert report.problems


def test_verify_reports_an_unreadable_log_entry(hall, started):
    intruder(
        hall.ctx,
        "UPDATE audit_log SET at = 'not a time' WHERE seq = 1"
        if hall.ctx.db.engine.dialect.name == "sqlite"
        else "UPDATE audit_log SET data = 'x' WHERE seq = 1",
        drop_guards="audit_log",
    )
    assert not verified(hall.ctx).ok


def test_a_start_warns_of_a_planted_trigger_and_does_not_chain_it(hall, started, caplog):
    _plant(hall.ctx, "UPDATE settings SET value = value WHERE key = 'nothing'")
    with caplog.at_level("WARNING", logger="app.services.audit"):
        assert audit.adopt_existing(hall.ctx) == 0  # the next start
    assert "counter_transactions:zz_evil" in caplog.text
    broken(hall.ctx, "trigger counter_transactions:zz_evil: not one of GasDesk's")
