"""PostgreSQL: two counters opening accounts at the same instant (issue 11, items 4 and 5).

Both openings are in flight before either commits (the test holds the account number sequence
they both need); afterwards one meter is bound to one account, every active account has its
meter, and one person is one customer.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from app.services.accounts import (
    CloseAccountRequest,
    ContractInput,
    OpenAccountRequest,
    TransferRequest,
    close_account,
)
from db.models import Account, Customer, Meter
from tests.support import customer_input, open_customer
from tests.test_twin_submits import _race

POSTGRES = [pytest.param("postgres", marks=pytest.mark.postgres)]
SEQUENCE_ROW = "SELECT name FROM number_sequences WHERE name = :id FOR UPDATE"
OPEN = "app.services.accounts:open_account"


def _opening(customer, meter_no: str, n: int) -> OpenAccountRequest:
    return OpenAccountRequest(
        uuid.uuid4(),
        customer,
        meter_no,
        f"RACE{n:06d}",
        ContractInput(f"HT-RACE-{n:04d}", dt.date(2026, 1, 5)),
    )


def _counters(hall) -> list[tuple[int, int]]:
    return [(hall.users["lina"], hall.counter_id), (hall.users["wangfang"], hall.counter2_id)]


@pytest.mark.parametrize("backend", POSTGRES)
def test_two_openings_of_one_free_meter_bind_it_once(hall, database):
    before = open_customer(hall)
    close_account(
        hall.ctx, hall.clerk, CloseAccountRequest(uuid.uuid4(), before.account_no, 0, "搬家")
    )
    submits = [
        (actor, OPEN, _opening(customer_input(name), before.meter_no, n))
        for n, (actor, name) in enumerate(zip(_counters(hall), ("王五", "赵六"), strict=True))
    ]
    answers = _race(hall, database, submits, SEQUENCE_ROW, "account:02")

    assert sorted(a[0] for a in answers) == ["ok", "typed"], answers
    refused = next(a for a in answers if a[0] == "typed")
    assert refused[1:] == ("Conflict", "该燃气表已绑定其他户号")
    with hall.ctx.reading() as s:
        unmetered = s.scalars(
            select(Account.account_no).where(
                Account.status == "active",
                ~Account.id.in_(select(Meter.account_id).where(Meter.account_id.is_not(None))),
            )
        ).all()
        assert unmetered == []  # no account was left without its meter
        assert (
            s.scalar(
                select(func.count()).select_from(Meter).where(Meter.meter_no == before.meter_no)
            )
            == 1
        )


@pytest.mark.parametrize("backend", POSTGRES)
def test_two_openings_for_one_new_person_register_one_customer(hall, database):
    person = customer_input("王五")
    submits = [
        (actor, OPEN, _opening(person, f"RACEMETER{n}", n))
        for n, actor in enumerate(_counters(hall))
    ]
    answers = _race(hall, database, submits, SEQUENCE_ROW, "account:02")

    assert [a[0] for a in answers] == ["ok", "ok"], answers  # the second found the first's row
    with hall.ctx.reading() as s:
        same = s.scalars(select(Customer.id).where(Customer.id_number == person.id_number)).all()
        assert len(same) == 1
        assert (
            s.scalar(
                select(func.count()).select_from(Account).where(Account.customer_id == same[0])
            )
            == 2
        )


@pytest.mark.parametrize("backend", POSTGRES)
def test_two_transfers_to_one_new_person_register_one_customer(hall, database):
    person = customer_input("王五")
    accounts = [open_customer(hall, name=name) for name in ("张三", "李四")]
    submits = [
        (
            actor,
            "app.services.accounts:transfer",
            TransferRequest(
                uuid.uuid4(),
                account.account_no,
                person,
                ContractInput(f"HT-XFER-{n}", dt.date(2026, 2, 1)),
                0,
            ),
        )
        for n, (actor, account) in enumerate(zip(_counters(hall), accounts, strict=True))
    ]
    answers = _race(hall, database, submits, SEQUENCE_ROW, "receipt:02:2026")

    assert [a[0] for a in answers] == ["ok", "ok"], answers
    with hall.ctx.reading() as s:
        same = s.scalars(select(Customer.id).where(Customer.id_number == person.id_number)).all()
        assert len(same) == 1
