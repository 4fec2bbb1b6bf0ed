"""The audit chain covers every row that sets a price, grants a right or moves money or gas
(SQLite and PostgreSQL): each forgery an intruder with database access made, and which
``gasdesk admin audit verify`` used to pass, is now found; tariffs are append-only.

The intruder works on a connection of their own, not through a GasDesk unit of work.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import DBAPIError

from app.domain.cash import count_of
from app.services import audit
from app.services.security import (
    AdminActor,
    change_setting,
    reset_password,
    set_user_active,
)
from app.services.setup import TariffInput, add_tariff, residential_ladder
from app.services.shifts import CloseShiftRequest, CountRequest, close_shift, count_drawer
from db.models import Base, CashMovement, TransactionSegment
from tests.support import AUDIT_KEY, buy, m3, open_customer, rid, terminals

CAPTURE_TRIGGERS = {"sqlite": "{table}_audit_insert", "postgresql": "{table}_audit_capture"}


def intruder(ctx, statement: str, *, drop_guards: str | None = None, **params) -> None:
    """Run SQL behind GasDesk's back; ``drop_guards`` names a table whose guarding triggers
    (append-only, shift lock, audit capture) are switched off first."""
    with ctx.db.engine.begin() as conn:
        if drop_guards and conn.dialect.name == "sqlite":
            names = conn.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
                {"t": drop_guards},
            ).scalars()
            for name in list(names):
                if "search" not in name:
                    conn.execute(text(f"DROP TRIGGER {name}"))
        elif drop_guards:
            conn.execute(text(f"ALTER TABLE {drop_guards} DISABLE TRIGGER USER"))
        conn.execute(text(statement), params)


def intruder_insert(ctx, table, values: dict) -> None:
    with ctx.db.engine.begin() as conn:
        conn.execute(insert(table), values)


def verified(ctx) -> audit.AuditReport:
    return audit.verify(ctx.db, AUDIT_KEY)


def broken(ctx, *fragments: str) -> audit.AuditReport:
    report = verified(ctx)
    assert not report.ok, "the forgery was not found"
    text_ = " | ".join(report.problems)
    for fragment in fragments:
        assert fragment in text_, text_
    return report


@pytest.fixture
def morning(hall):
    """Two customers, three sales, one closed shift (王芳's): a verified, untouched day."""
    account = open_customer(hall)
    sales = [buy(hall, account.card_serial, volume=m3(v)) for v in (10, 20, 30)]
    other = hall.actor("wangfang", hall.counter2_id)
    count_drawer(hall.ctx, other, CountRequest(rid(), count_of(50000), terminals()))
    close_shift(hall.ctx, other, CloseShiftRequest(rid()))
    report = verified(hall.ctx)
    assert report.ok, report.problems
    return account, sales


def _copy_of(ctx, table, row_id: int, **changes) -> dict:
    with ctx.reading() as s:
        row = dict(s.execute(select(table).where(table.c.id == row_id)).mappings().one())
    row.update(changes)
    return row


@pytest.mark.parametrize("forged_id", [0, -5, 10_000])
def test_a_forged_cash_row_with_any_id_is_found(hall, morning, forged_id):
    movements = CashMovement.__table__
    with hall.ctx.reading() as s:
        first = s.scalar(select(movements.c.id).order_by(movements.c.id).limit(1))
    forged = _copy_of(
        hall.ctx, movements, first, id=forged_id, request_id=uuid.uuid4(), slip_no=None
    )
    forged["drawer_fen"] = forged["amount_fen"] = -90000
    intruder_insert(hall.ctx, movements, forged)
    broken(hall.ctx, "cash_movements", "without an audit entry", str(forged_id))


def test_a_forged_tier_segment_is_found(hall, morning):
    """+500 m³ of tier usage would move the customer into tier 3 at the next sale."""
    _, sales = morning
    segments = TransactionSegment.__table__
    with hall.ctx.reading() as s:
        seg = s.scalar(
            select(segments.c.id).where(segments.c.transaction_id == sales[0].transaction_id)
        )
    forged = _copy_of(hall.ctx, segments, seg, id=None, volume=m3(500), amount_fen=0)
    del forged["id"]
    intruder_insert(hall.ctx, segments, forged)
    broken(hall.ctx, "transaction_segments", "without an audit entry")


def test_tariffs_are_append_only_and_an_edited_price_is_found(hall, morning):
    for table in ("tariff_tiers", "tariffs"):
        with pytest.raises(DBAPIError):
            intruder(hall.ctx, f"UPDATE {table} SET id = id")
        with pytest.raises(DBAPIError):
            intruder(hall.ctx, f"DELETE FROM {table}")
    intruder(hall.ctx, "UPDATE tariff_tiers SET price_fen = 1", drop_guards="tariff_tiers")
    broken(hall.ctx, "tariff_tiers:", "was changed (price_fen)")


def test_a_clerk_made_administrator_is_found(hall, morning):
    intruder(
        hall.ctx,
        "UPDATE users SET role = 'administrator' WHERE id = :id",
        drop_guards="users",
        id=hall.users["lina"],
    )
    broken(hall.ctx, f"users:{hall.users['lina']} was changed (role)")


def test_a_replaced_password_hash_is_found_and_not_copied_into_the_log(hall, morning):
    from app.services.credentials import hash_password

    intruder(
        hall.ctx,
        "UPDATE users SET password_hash = :h WHERE id = :id",
        drop_guards="users",
        h=hash_password("the intruder's own"),
        id=hall.users["admin"],
    )
    broken(hall.ctx, f"users:{hall.users['admin']} was changed (password_hash)")
    with hall.ctx.reading() as s:
        stored = s.scalar(text("SELECT password_hash FROM users LIMIT 1"))
        assert not s.scalar(
            text("SELECT count(*) FROM audit_log WHERE data LIKE :h"), {"h": f"%{stored}%"}
        )


def test_a_reactivated_user_is_found(hall, morning):
    admin = AdminActor(hall.users["admin"])
    set_user_active(hall.ctx, admin, hall.users["wangfang"], False)
    assert verified(hall.ctx).ok
    intruder(hall.ctx, "UPDATE users SET active = true WHERE id = :id", id=hall.users["wangfang"])
    broken(hall.ctx, f"users:{hall.users['wangfang']} was changed (active)")


@pytest.mark.parametrize(
    "key", ["card_fee_fen", "approval_second_level_volume", "drawer_stop_limit_fen"]
)
def test_changed_or_added_settings_are_found(hall, morning, key):
    admin = AdminActor(hall.users["admin"])
    change_setting(hall.ctx, admin, "card_fee_fen", 3000)
    assert verified(hall.ctx).ok
    if key == "card_fee_fen":  # a setting the log knows, changed
        intruder(hall.ctx, "UPDATE settings SET value = '1' WHERE key = :k", k=key)
        broken(hall.ctx, f"settings:{key} was changed (value)")
    else:  # a setting written behind the log's back
        intruder(hall.ctx, "INSERT INTO settings (key, value) VALUES (:k, '999999999')", k=key)
        broken(hall.ctx, "settings", "without an audit entry", key)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("business_date", dt.date(2026, 1, 1)),
        ("payment_ref", "forged"),
        ("cash_tendered_fen", 10_000_000),
        ("counter_id", None),  # another counter of the hall
        ("created_at", dt.datetime(2026, 1, 1, tzinfo=dt.UTC)),
        ("reason", "anything"),
    ],
)
def test_every_column_of_a_sale_is_audited(hall, morning, column, value):
    _, sales = morning
    if column == "counter_id":
        value = hall.counter2_id
    if isinstance(value, dt.datetime) and "sqlite" in str(hall.ctx.db.engine.url):
        value = value.replace(tzinfo=None)
    intruder(
        hall.ctx,
        f"UPDATE counter_transactions SET {column} = :v WHERE id = :id",
        drop_guards="counter_transactions",
        v=value,
        id=sales[2].transaction_id,
    )
    broken(hall.ctx, f"counter_transactions:{sales[2].transaction_id} was changed ({column})")


def test_a_closed_shift_rewritten_after_dropping_its_trigger_is_found(hall, morning):
    shift = hall.shifts["wangfang"]
    intruder(
        hall.ctx,
        "UPDATE shifts SET explanation = 'forged', closed_at = NULL WHERE id = :id",
        drop_guards="shifts",
        id=shift,
    )
    broken(hall.ctx, f"shifts:{shift} was changed (closed_at, explanation)")


def test_a_deleted_row_is_found(hall, morning):
    _, sales = morning
    intruder(
        hall.ctx,
        "DELETE FROM transaction_segments WHERE transaction_id = :id",
        drop_guards="transaction_segments",
        id=sales[0].transaction_id,
    )
    broken(hall.ctx, "transaction_segments:", "was deleted")


def test_a_row_inserted_with_the_triggers_on_is_not_laundered_by_the_next_sale(hall, morning):
    """The capture trigger notes the intruder's row too; the next GasDesk commit must not chain
    it as its own."""
    account, _ = morning
    movements = CashMovement.__table__
    with hall.ctx.reading() as s:
        first = s.scalar(select(movements.c.id).order_by(movements.c.id).limit(1))
    forged = _copy_of(hall.ctx, movements, first, request_id=uuid.uuid4(), slip_no=None)
    del forged["id"]
    intruder_insert(hall.ctx, movements, forged)
    buy(hall, account.card_serial, volume=m3(5))
    broken(hall.ctx, "cash_movements", "without an audit entry")


def test_a_rewritten_rows_entry_breaks_the_chain(hall, morning):
    _, sales = morning
    row_key = f"counter_transactions:{sales[1].transaction_id}"
    with hall.ctx.reading() as s:
        for entry in s.execute(text("SELECT seq, data FROM audit_log ORDER BY seq")):
            if row_key in json.loads(entry.data).get("rows", {}):
                seq = entry.seq
    intruder(
        hall.ctx,
        "UPDATE counter_transactions SET amount_fen = 1 WHERE id = :id",
        drop_guards="counter_transactions",
        id=sales[1].transaction_id,
    )
    intruder(
        hall.ctx,
        "UPDATE audit_log SET data = replace(data, :old, :new) WHERE seq = :seq",
        drop_guards="audit_log",
        old=f'"amount_fen":{sales[1].amount_fen}',
        new='"amount_fen":1',
        seq=seq,
    )
    report = broken(hall.ctx, f"entry {seq}", "mac does not match")
    assert report.first_broken == seq


def test_a_day_of_every_kind_of_write_verifies(hall, morning):
    """Settings, passwords, users, tariffs, sales and closes through the services: each write is
    chained by the unit of work that made it, so the untouched database verifies."""
    admin = AdminActor(hall.users["admin"])
    change_setting(hall.ctx, admin, "card_fee_fen", 2500)
    reset_password(hall.ctx, admin, hall.users["wangfang"], "another-Passw0rd!")
    set_user_active(hall.ctx, admin, hall.users["zhaomin"], False)
    add_tariff(
        hall.ctx,
        TariffInput(
            "residential", "新气价", dt.date(2026, 7, 1), residential_ladder((270, 290, 430))
        ),
    )
    account = open_customer(hall, "李四")
    buy(hall, account.card_serial, amount=10000)
    report = verified(hall.ctx)
    assert report.ok, report.problems
    with hall.ctx.reading() as s:
        assert not s.scalar(text("SELECT count(*) FROM audit_pending"))


def test_every_table_is_either_covered_or_left_out_with_a_reason():
    """A new table holding money, gas, a price or a right must join the registry."""
    tables = {table.name for table in Base.metadata.sorted_tables}
    covered, left_out = set(audit.COVERED), set(audit.NOT_COVERED) - {"alembic_version"}
    assert not covered & left_out
    assert tables == covered | left_out, tables ^ (covered | left_out)
    money_like = {
        table.name
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if column.name.endswith(("_fen", "volume", "reading", "_count"))
        or column.name in ("role", "password_hash", "active", "status", "value", "price_fen")
        or any(fk.column.table.name == "tariffs" for fk in column.foreign_keys)
    }
    assert money_like <= covered, money_like - covered


def test_every_covered_table_has_its_capture_trigger(database):
    dialect = database.engine.dialect.name
    with database.engine.connect() as conn:
        if dialect == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        else:
            query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
        names = set(conn.execute(text(query)).scalars())
    expected = {CAPTURE_TRIGGERS[dialect].format(table=table) for table in audit.COVERED}
    assert expected <= names, expected - names


def test_counters_selling_at_once_each_chain_their_own_rows(hall, database):
    """Four counter processes on shared cards: every rows entry holds its own sale's rows only
    (PostgreSQL tells notes apart by transaction, SQLite by the writer's mark), nothing is left
    noted, and the whole database verifies."""
    import time

    from app.services.setup import add_user, ensure_counter
    from tests.concurrency_worker import sell
    from tests.processes import processes
    from tests.support import open_shift, password_hash

    cards = [open_customer(hall, household=h).card_serial for h in (2, 3)]
    counters = [ensure_counter(hall.ctx, hall.hall_id, code) for code in ("4", "5")]
    hall.users["chenxiao"] = add_user(
        hall.ctx, "chenxiao", "陈晓", "clerk", password_hash=password_hash()
    )
    clerks = [
        ("lina", hall.counter_id),
        ("wangfang", hall.counter2_id),
        ("chenxiao", counters[0]),
        ("zhoujie", counters[1]),
    ]
    for user, counter in clerks[2:]:
        open_shift(hall.ctx, hall.actor(user, counter))
    with processes.Pool(len(clerks)) as pool:
        start_at = time.time() + 1  # the pool's processes are forked and ready by then
        jobs = [
            (database.url, hall.clock(), (hall.users[user], counter), cards, 12, seed, start_at)
            for seed, (user, counter) in enumerate(clerks)
        ]
        sales = [sale for batch in pool.starmap(sell, jobs) for sale in batch]
    assert len(sales) == 48

    report = verified(hall.ctx)
    assert report.ok, report.problems
    with hall.ctx.reading() as s:
        assert not s.scalar(text("SELECT count(*) FROM audit_pending"))
        counter_of = dict(s.execute(text("SELECT id, counter_id FROM counter_transactions")).all())
        chained = 0
        for entry in s.execute(text("SELECT counter_id, data FROM audit_log")):
            keys = json.loads(entry.data).get("rows", {})
            sold = [int(k.split(":")[1]) for k in keys if k.startswith("counter_transactions:")]
            assert len(sold) <= 1, keys  # one sale per unit of work, never a neighbour's
            for txn in sold:
                assert counter_of[txn] == entry.counter_id
                chained += 1
    assert chained == len(counter_of)


def test_rows_older_than_the_coverage_are_adopted_once_on_upgrade(database, clock):
    """A hall upgraded from before the audit log (revision 0004): its existing rows are
    chained by the first start with the key (``adopt_existing``), so verify passes and later
    forgeries are still found. The rows are written by today's code and the schema taken back
    under them (today's models no longer fit a schema that old)."""
    from app.context import Context
    from db import migrate
    from tests.support import SHANGHAI, seed_hall

    ctx = Context(db=database, clock=clock, tz=SHANGHAI, audit_key=AUDIT_KEY)
    hall = seed_hall(ctx, clock)
    account = open_customer(hall)
    buy(hall, account.card_serial, volume=m3(10))
    migrate.downgrade(database, "0004")
    migrate.upgrade(database)
    report = verified(ctx)
    assert not report.ok and "without an audit entry" in " ".join(report.problems)
    assert audit.adopt_existing(ctx) > 0
    assert audit.adopt_existing(ctx) == 0  # once
    report = verified(ctx)
    assert report.ok, report.problems
    intruder(ctx, "UPDATE tariff_tiers SET price_fen = 2", drop_guards="tariff_tiers")
    broken(ctx, "tariff_tiers:", "was changed (price_fen)")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE users SET role = 'administrator' WHERE username = 'lina'",
        "INSERT INTO settings (key, value) VALUES ('card_fee_fen', '1')",
    ],
)
def test_hand_written_sql_inside_a_unit_of_work_is_not_chained_as_gasdesk_s(
    hall, morning, statement
):
    """GasDesk never writes audited rows with text(): such a write, even on GasDesk's own
    session, stays noted as nobody's and verify reports it."""
    with hall.ctx.unit_of_work() as s:
        s.execute(text(statement))
        s.commit()
    broken(hall.ctx, "users:" if "users" in statement else "settings")
