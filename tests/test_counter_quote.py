"""The counter's live quote prices what the sale then charges, by volume and by amount, across
tiers and for a large household; an amount below one sale step is refused with the sale's
words."""

from __future__ import annotations

import pytest

from app.counter.cards import CardAtCounter
from app.counter.quote import PurchaseStart
from app.errors import RuleViolation
from app.services.queries import account_view
from app.services.setup import hall_policy
from tests.support import buy, loaded, m3, open_customer


def start(hall, account_no: str) -> PurchaseStart:
    view = account_view(hall.ctx, hall.clerk, account_no)
    return PurchaseStart.of(CardAtCounter(None, view, None), hall_policy(hall.ctx))


@pytest.mark.parametrize("household", [3, 7])
def test_the_quote_is_what_the_sale_charges(hall, household):
    opened = open_customer(hall, household=household)
    first = start(hall, opened.account_no).quote(m3(250), None)
    sold = buy(hall, opened.card_serial, volume=m3(250))
    assert first.segments == sold.segments and first.amount_fen == sold.amount_fen
    second = start(hall, opened.account_no).quote(None, 40_000)  # by amount, across tiers
    sold = buy(hall, opened.card_serial, amount=40_000, card_reading=loaded(sold))
    assert (second.volume, second.amount_fen) == (sold.volume, sold.amount_fen)
    assert second.segments == sold.segments


def test_nothing_typed_is_no_quote_and_too_little_money_is_refused(hall):
    opened = open_customer(hall)
    quote = start(hall, opened.account_no)
    assert quote.quote(None, None) is None
    with pytest.raises(RuleViolation) as refused:
        quote.quote(None, 1)
    assert refused.value.user_message == "金额不足以购买最小售气量"


def test_a_sale_far_above_the_usual_or_the_hall_limit_is_looked_at_twice(hall):
    """Above the hall's confirmation amount (1,000.00) always; far above the account's usual
    purchase (3 × its median) once it has three purchases; an ordinary sale never."""
    opened = open_customer(hall)
    fresh = start(hall, opened.account_no)
    assert fresh.usual_amount_fen is None
    assert fresh.second_look(fresh.quote(m3(50), None)) is None
    big = fresh.quote(m3(1200), None)
    said = fresh.second_look(big)
    assert said is not None and "1200 m³" in said and "1000.00元" in said
    sold = None
    for _ in range(3):
        sold = buy(
            hall, opened.card_serial, volume=m3(20), card_reading=loaded(sold) if sold else None
        )
    usual = start(hall, opened.account_no)
    assert usual.usual_amount_fen == sold.amount_fen
    assert usual.second_look(usual.quote(m3(50), None)) is None  # 2.5 × the usual
    said = usual.second_look(usual.quote(m3(70), None))
    assert said is not None and "平时购气" in said
