"""connection_of: the hot path's shortcut to a unit of work's connection is that transaction's
own connection, and never outlives it."""

from __future__ import annotations

from sqlalchemy import text

from db.engine import connection_of


def test_the_unit_of_works_own_connection(ctx):
    with ctx.unit_of_work() as session:
        assert connection_of(session) is session.connection()
        assert connection_of(session).execute(text("SELECT 1")).scalar_one() == 1


def test_a_later_transaction_of_the_session_gets_its_own_connection(ctx):
    with ctx.unit_of_work() as session:
        connection_of(session)
        session.commit()
        second = connection_of(session)  # begins the next transaction, as connection() does
        assert second is session.connection()
        assert second.in_transaction()
        session.rollback()
        third = connection_of(session)
        assert third is session.connection()
        assert third.in_transaction()


def test_not_begun_yet_is_begun_as_by_session_connection(ctx):
    with ctx.unit_of_work() as session:
        assert session.get_transaction() is None or not session.in_transaction()
        connection = connection_of(session)
        assert session.in_transaction()
        assert connection is session.connection()
