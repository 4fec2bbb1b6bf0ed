"""Property tests through the services: refund after purchase restores cash and tier usage."""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.services.queries import tier_usage
from app.services.sales import RefundRequest, refund
from app.services.security import ApprovalInput
from db.models import CounterTransaction
from tests.support import PASSWORD, buy, lift_cash_limits, m3, open_customer, unloaded


def cash_total(ctx, account_no):
    from db.models import Account

    with ctx.unit_of_work() as s:
        account_id = s.scalar(select(Account.id).where(Account.account_no == account_no))
        return s.scalar(
            select(func.coalesce(func.sum(CounterTransaction.amount_fen), 0)).where(
                CounterTransaction.account_id == account_id
            )
        )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    household=st.integers(1, 8),
    before=st.integers(0, 700),
    by_volume=st.booleans(),
    volume=st.integers(1, 400),
    # at least one step even at the tier-3 price; at most 498 m³ even at the tier-1 price, so the
    # refund stays under approval_second_level_volume (one approver, the administrator)
    amount=st.integers(500, 130_000),
)
def test_refund_after_purchase_restores_cash_and_tier_usage(
    hall, household, before, by_volume, volume, amount
):
    lift_cash_limits(hall.ctx)  # many sales into one drawer
    account = open_customer(hall, household=household)
    if before:
        buy(hall, account.card_serial, volume=m3(before))
    cash_before = cash_total(hall.ctx, account.account_no)
    usage_before = tier_usage(hall.ctx, hall.clerk, account.account_no)
    sale = buy(
        hall,
        account.card_serial,
        volume=m3(volume) if by_volume else None,
        amount=None if by_volume else amount,
    )
    back = refund(
        hall.ctx,
        hall.clerk,
        RefundRequest(
            uuid.uuid4(),
            unloaded(sale),
            "退气",
            (ApprovalInput(hall.users["admin"], password=PASSWORD),),
        ),
    )
    assert back.amount_fen == -sale.amount_fen
    assert cash_total(hall.ctx, account.account_no) == cash_before
    assert tier_usage(hall.ctx, hall.clerk, account.account_no) == usage_before
