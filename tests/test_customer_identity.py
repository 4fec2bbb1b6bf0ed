"""One customer per identity document, in the schema (migration 0007; issue 11 items 4, 5).

The services claim the ID before they look it up; the UNIQUE index is the last line. A database
that already holds two customers for one ID stops the upgrade, naming them, and stays as it was.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from db import migrate
from db.models import Customer

ROW = {
    "kind": "residential",
    "name": "王五",
    "id_type": "resident_id",
    "id_number": "11010519491231002X",
    "address": "解放路1号",
    "household_size": 1,
    "search_text": "",
    "created_at": dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
}


def test_the_schema_refuses_a_second_customer_for_one_id(database):
    with database.engine.begin() as conn:
        conn.execute(insert(Customer.__table__), ROW)
    with pytest.raises(IntegrityError), database.engine.begin() as conn:
        conn.execute(insert(Customer.__table__), {**ROW, "name": "王五二"})


def test_the_upgrade_stops_naming_customers_that_share_an_id(database):
    migrate.downgrade(database, "0006")
    with database.engine.begin() as conn:
        conn.execute(insert(Customer.__table__), [ROW, {**ROW, "name": "王五二"}])
    with pytest.raises(RuntimeError, match="11010519491231002X"):
        migrate.upgrade(database)
    assert migrate.current_revision(database) == "0006"  # stopped, nothing half done
