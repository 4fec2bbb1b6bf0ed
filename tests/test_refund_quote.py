"""退气's quote: what a refund of the card's last purchase gives back, before the approvers
sign, is what the refund then records; a quote refuses what the refund refuses and writes
nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from app.errors import RuleViolation
from app.services.sales import RefundRequest, refund, refund_quote
from app.services.security import ApprovalInput
from app.vocabulary import PaymentMethod
from tests.support import PASSWORD, buy, loaded, m3, open_customer, rid, row_counts, unloaded


def test_the_quote_is_what_the_refund_gives_back(hall):
    opened = open_customer(hall)
    sale = buy(hall, opened.card_serial, volume=m3(50))
    before = row_counts(hall.ctx)
    quote = refund_quote(hall.ctx, hall.clerk, unloaded(sale))
    assert row_counts(hall.ctx) == before  # a look, nothing written
    assert (quote.volume, quote.amount_fen, quote.payment_method) == (
        m3(50),
        sale.amount_fen,
        PaymentMethod.CASH,
    )
    approval = ApprovalInput(hall.users["admin"], None, PASSWORD)
    done = refund(
        hall.ctx, hall.clerk, RefundRequest(rid(), unloaded(sale), "客户退气", (approval,))
    )
    assert (done.volume, done.amount_fen) == (-quote.volume, -quote.amount_fen)


def test_a_purchase_in_the_meter_has_no_quote(hall):
    opened = open_customer(hall)
    sale = buy(hall, opened.card_serial, volume=m3(20))
    with pytest.raises(RuleViolation) as refused:
        refund_quote(hall.ctx, hall.clerk, loaded(sale))
    assert "已插表" in refused.value.user_message
