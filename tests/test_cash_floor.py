"""No cash movement takes a drawer or the safe below zero (issue 11, item 2; both backends).

Every way cash leaves a drawer or the safe is tried one fen beyond what the rows say is there
(refused, nothing written) and exactly at it (allowed): cash out, hand-over from the drawer and
from the safe, a float from the safe, a refund and a void paid back in cash. On PostgreSQL
several processes withdraw from one drawer at once: the check runs under the drawer's lock.
"""

from __future__ import annotations

import time

import pytest

from app.domain.cards import CardReading
from app.domain.cash import CASH, count_of
from app.errors import RuleViolation
from app.services.card_writes import settle_card
from app.services.cash_checks import safe_cash
from app.services.sales import PurchaseRequest, RefundRequest, purchase, refund
from app.services.security import ApprovalInput
from app.services.shifts import (
    CashMoveRequest,
    CloseShiftRequest,
    CountRequest,
    HandoverRequest,
    OpenShiftRequest,
    close_shift,
    count_drawer,
    expected_by_method,
    hand_over,
    move_cash,
    open_shift,
)
from app.vocabulary import CashMovementKind
from tests.concurrency_worker import drawer_withdrawals
from tests.processes import processes
from tests.support import PASSWORD, m3, open_customer, refused, rid, row_counts, terminals, unloaded

DRAWER_SHORT = "钱箱现金不足"
SAFE_SHORT = "保险柜现金不足"


def drawer(hall, shift_id: int) -> int:
    with hall.ctx.reading() as s:
        return expected_by_method(s, shift_id)[CASH]


def safe(hall) -> int:
    with hall.ctx.reading() as s:
        return safe_cash(s, hall.hall_id)


def handover(hall, amount_fen: int, source: str = "drawer"):
    request = HandoverRequest(rid(), count_of(amount_fen), hall.credential("zhaomin"), source)
    return hand_over(hall.ctx, hall.clerk, request)


def cash_out(hall, amount_fen: int):
    return move_cash(
        hall.ctx, hall.clerk, CashMoveRequest(rid(), CashMovementKind.CASH_OUT, amount_fen, "支出")
    )


def refused_unchanged(hall, fragment: str, call) -> None:  # type: ignore[no-untyped-def]
    before = row_counts(hall.ctx)
    with refused(RuleViolation, fragment):
        call()
    assert row_counts(hall.ctx) == before


def test_a_hand_over_from_the_drawer_cannot_exceed_the_drawer(hall):
    shift_id = hall.shifts["lina"]
    assert drawer(hall, shift_id) == 50000
    refused_unchanged(hall, DRAWER_SHORT, lambda: handover(hall, 10_000_000))  # the report's
    refused_unchanged(hall, DRAWER_SHORT, lambda: handover(hall, 50001))
    handover(hall, 50000)  # all of it is fine
    assert drawer(hall, shift_id) == 0
    refused_unchanged(hall, DRAWER_SHORT, lambda: handover(hall, 10))


def test_a_cash_out_cannot_exceed_the_drawer(hall):
    shift_id = hall.shifts["lina"]
    refused_unchanged(hall, DRAWER_SHORT, lambda: cash_out(hall, 50001))
    move_cash(
        hall.ctx, hall.clerk, CashMoveRequest(rid(), CashMovementKind.CASH_IN, 1000, "补充零钱")
    )
    cash_out(hall, 51000)
    assert drawer(hall, shift_id) == 0
    refused_unchanged(hall, DRAWER_SHORT, lambda: cash_out(hall, 1))


def test_the_safe_pays_out_no_more_than_it_holds(hall, clock):
    wang = hall.actor("wangfang", hall.counter2_id)
    count_drawer(hall.ctx, wang, CountRequest(rid(), count_of(50000), terminals()))
    close_shift(hall.ctx, wang, CloseShiftRequest(rid()))  # 500.00 into the safe
    assert safe(hall) == 50000
    refused_unchanged(hall, SAFE_SHORT, lambda: handover(hall, 50001, "safe"))
    handover(hall, 20000, "safe")
    # a float from the safe: one fen more than is left is refused, exactly what is left is not
    request = OpenShiftRequest(rid(), count_of(30001), "safe")
    refused_unchanged(hall, SAFE_SHORT, lambda: open_shift(hall.ctx, wang, request))
    open_shift(hall.ctx, wang, OpenShiftRequest(rid(), count_of(30000), "safe"))
    assert safe(hall) == 0
    refused_unchanged(hall, SAFE_SHORT, lambda: handover(hall, 10, "safe"))


def test_a_refund_paid_in_cash_cannot_exceed_the_drawer(hall):
    shift_id = hall.shifts["lina"]
    zhang = open_customer(hall)
    sale = purchase(hall.ctx, hall.clerk, PurchaseRequest(rid(), zhang.card_serial, m3(100)))
    handover(hall, drawer(hall, shift_id))  # the takings went to finance: the drawer is empty
    approvals = (ApprovalInput(hall.users["admin"], password=PASSWORD),)
    request = RefundRequest(rid(), unloaded(sale), "不要了", approvals)
    refused_unchanged(hall, DRAWER_SHORT, lambda: refund(hall.ctx, hall.clerk, request))
    move_cash(
        hall.ctx,
        hall.clerk,
        CashMoveRequest(rid(), CashMovementKind.CASH_IN, sale.amount_fen, "退款备用"),
    )
    back = refund(hall.ctx, hall.clerk, request)
    assert back.amount_fen == -sale.amount_fen and drawer(hall, shift_id) == 0


def test_a_void_paid_back_in_cash_cannot_exceed_the_drawer(hall):
    shift_id = hall.shifts["lina"]
    zhang = open_customer(hall)
    request = PurchaseRequest(rid(), zhang.card_serial, m3(50), writes_card=True)
    sale = purchase(hall.ctx, hall.clerk, request)
    handover(hall, drawer(hall, shift_id))
    not_written = CardReading(zhang.card_serial, sale.purchase_count - 1, 0, 0)
    refused_unchanged(hall, DRAWER_SHORT, lambda: settle_card(hall.ctx, hall.clerk, not_written))
    move_cash(
        hall.ctx,
        hall.clerk,
        CashMoveRequest(rid(), CashMovementKind.CASH_IN, sale.amount_fen, "退款备用"),
    )
    assert settle_card(hall.ctx, hall.clerk, not_written).outcome == "voided"
    assert drawer(hall, shift_id) == 0


WITHDRAWERS = 3
TRIES = 4


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
def test_withdrawals_racing_on_one_drawer_never_spend_the_same_cash_twice(hall, database):
    """Three processes of the clerk take 100.00 at a time out of a 500.00 drawer."""
    shift_id = hall.shifts["lina"]
    lina = (hall.users["lina"], hall.counter_id)
    with processes.Pool(WITHDRAWERS) as pool:
        start_at = time.time() + 1  # the pool's processes are forked and ready by then
        jobs = [(database.url, lina, hall.users, TRIES, start_at)] * WITHDRAWERS
        results = [r for batch in pool.starmap(drawer_withdrawals, jobs) for r in batch]
    assert sum(r[0] == "ok" for r in results) == 5  # exactly the five notes there were
    refusals = [r for r in results if r[0] != "ok"]
    assert all(r[:2] == ("typed", "RuleViolation") and DRAWER_SHORT in r[2] for r in refusals)
    assert drawer(hall, shift_id) == 0
