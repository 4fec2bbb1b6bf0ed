"""Closing an account reads the account's own card, or refuses (issue 11, items 1 and 2).

A closing refunds the gas the meter has not used. When that gas is still on a card the meter
would accept, the customer would keep both the money and the gas: a card reading that is not
the account's card, or has another purchase count, or no reading at all while the last purchase
may be on the card, is refused, and nothing is written.
"""

from __future__ import annotations

import dataclasses

import pytest

from app.domain.cards import CardReading
from app.errors import InvalidInput, RuleViolation
from app.services.accounts import CloseAccountRequest, close_account
from app.services.cards import ReplaceCardRequest, replace_card
from tests.support import buy, loaded, m3, open_customer, rid, row_counts, unloaded


def _close(hall, account_no: str, card: CardReading | None):
    request = CloseAccountRequest(rid(), account_no, 0, "搬家", card=card)
    return close_account(hall.ctx, hall.clerk, request)


def _refused(hall, account_no: str, card: CardReading | None, error: type, fragment: str):
    before = row_counts(hall.ctx)
    with pytest.raises(error) as raised:
        _close(hall, account_no, card)
    assert fragment in raised.value.user_message
    assert row_counts(hall.ctx) == before  # nothing written, no refund booked


def test_closing_with_another_accounts_empty_card_is_refused(hall):
    a, b = open_customer(hall), open_customer(hall)
    buy(hall, a.card_serial, volume=m3(100))  # on A's card, not yet in the meter
    _refused(hall, a.account_no, CardReading(b.card_serial, 0, 0, 0), InvalidInput, "不符")


def test_closing_with_the_cards_earlier_state_is_refused(hall):
    a = open_customer(hall)
    first = buy(hall, a.card_serial, volume=m3(10))
    buy(hall, a.card_serial, volume=m3(10), card_reading=loaded(first))
    # a reading of the card from before the second purchase: not what the card holds now
    _refused(hall, a.account_no, loaded(first), RuleViolation, "购气次数")


def test_closing_without_the_card_is_refused_while_gas_may_be_on_it(hall):
    a = open_customer(hall)
    sale = buy(hall, a.card_serial, volume=m3(100))
    _refused(hall, a.account_no, None, RuleViolation, "须读取该户的燃气卡")
    _refused(hall, a.account_no, unloaded(sale), RuleViolation, "未插表")
    closed = _close(hall, a.account_no, loaded(sale))  # the meter took it: refunded once
    assert closed.amount_fen == -26100


def test_closing_without_a_card_is_allowed_when_nothing_was_ever_put_on_it(hall):
    a = open_customer(hall)
    assert _close(hall, a.account_no, None).amount_fen == 0


def test_a_replaced_cards_account_closes_from_the_new_card(hall):
    a = open_customer(hall)
    sale = buy(hall, a.card_serial, volume=m3(10))
    replace_card(
        hall.ctx, hall.clerk, ReplaceCardRequest(rid(), a.account_no, "NEWCARD001", "damaged")
    )
    old = loaded(sale)
    _refused(hall, a.account_no, old, InvalidInput, "不符")  # the blacklisted card
    new = dataclasses.replace(old, serial="NEWCARD001")
    assert _close(hall, a.account_no, new).amount_fen == -2610
