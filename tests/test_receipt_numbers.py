"""Receipt numbers are the database's to check: the next of the hall's year or no row at all,
and the hall's receipt counter moves on with the row that took the number (migration 0008)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import DatabaseError

from app.services.ledger import last_receipt, receipt_counter
from db.tables import sequences, transactions
from tests.support import buy, m3, open_customer


def _newest(session):
    return session.execute(select(transactions).order_by(transactions.c.id.desc())).mappings()


def _counter(session, hall_code: str, year: int) -> int | None:
    name = receipt_counter(hall_code, year)
    return session.scalar(select(sequences.c.last_value).where(sequences.c.name == name))


def _copy_with_number(row, seq: int) -> dict:
    copied = {key: value for key, value in row.items() if key != "id"}
    hall_code = row["receipt_no"].split("-")[0]
    copied.update(
        request_id=uuid.uuid4(),
        receipt_seq=seq,
        receipt_no=f"{hall_code}-{row['receipt_year']}-{seq:06d}",
    )
    return copied


def test_the_counter_is_the_highest_receipt_after_each_operation(hall):
    account = open_customer(hall)  # 开户: the hall's first receipt creates its counter
    for volume in (m3(3), m3(7)):
        buy(hall, account.card_serial, volume=volume)
    with hall.ctx.reading() as s:
        seqs = sorted(s.scalars(select(transactions.c.receipt_seq)))
        newest = _newest(s).first()
        code = newest["receipt_no"].split("-")[0]
        assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) >= 3
        assert _counter(s, code, newest["receipt_year"]) == seqs[-1]


@pytest.mark.parametrize("step", [2, 5, -1])
def test_a_number_that_is_not_the_next_is_refused_and_nothing_changes(hall, step):
    """A gap (next + 1 …) or a number from the past: the row is refused by the database itself,
    whoever writes it, and the counter stays where it was."""
    account = open_customer(hall)
    buy(hall, account.card_serial, volume=m3(2))
    with hall.ctx.reading() as s:
        newest = dict(_newest(s).first())
        code = newest["receipt_no"].split("-")[0]
        before = _counter(s, code, newest["receipt_year"])
    with hall.ctx.unit_of_work() as s, pytest.raises(DatabaseError) as refused:
        s.connection().execute(insert(transactions), _copy_with_number(newest, before + step))
    assert "out of sequence" in str(refused.value) or "UNIQUE" in str(refused.value).upper()
    if step > 1:
        assert "out of sequence" in str(refused.value)
    with hall.ctx.reading() as s:
        assert _counter(s, code, newest["receipt_year"]) == before
        assert (
            s.scalar(select(transactions.c.id).order_by(transactions.c.id.desc())) == (newest["id"])
        )


def test_a_counter_on_the_release_before_still_numbers_its_sale(hall):
    """The release before took the number with an UPDATE of the counter, then inserted: while a
    hall upgrades counter by counter, such a row is let through and the numbers stay gapless."""
    account = open_customer(hall)
    buy(hall, account.card_serial, volume=m3(2))
    with hall.ctx.reading() as s:
        newest = dict(_newest(s).first())
        code = newest["receipt_no"].split("-")[0]
        name = receipt_counter(code, newest["receipt_year"])
    with hall.ctx.unit_of_work() as s:
        conn = s.connection()
        taken = conn.execute(
            update(sequences)
            .where(sequences.c.name == name)
            .values(last_value=sequences.c.last_value + 1)
            .returning(sequences.c.last_value)
        ).scalar_one()
        conn.execute(insert(transactions), _copy_with_number(newest, taken))
        assert last_receipt(s, name) == taken
        s.rollback()  # the row was written behind the audit's back: not kept
    buy(hall, account.card_serial, volume=m3(2))  # and the next sale is numbered on from there
    with hall.ctx.reading() as s:
        seqs = sorted(s.scalars(select(transactions.c.receipt_seq)))
        assert seqs == list(range(1, len(seqs) + 1))


def test_the_trigger_is_in_the_schema_on_every_backend(hall, backend):
    with hall.ctx.reading() as s:
        if backend == "sqlite":
            query = (
                "SELECT count(*) FROM sqlite_master WHERE name = 'counter_transactions_numbered'"
            )
        else:
            query = "SELECT count(*) FROM pg_trigger WHERE tgname = 'counter_transactions_numbered'"
        assert s.execute(text(query)).scalar() == 1
