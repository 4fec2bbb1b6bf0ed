"""A card serial the card's layout cannot hold is refused at the counter before anything is
recorded (it used to fail with a ValueError while the blank card was written)."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from app.domain import cardformat
from app.errors import InvalidInput
from db.models import Account, CounterTransaction
from tests.card_support import opening_request


def _counts(hall) -> tuple[int, int]:
    with hall.ctx.reading() as s:
        accounts = s.scalar(select(func.count()).select_from(Account))
        rows = s.scalar(select(func.count()).select_from(CounterTransaction))
    return accounts, rows


@pytest.mark.parametrize("serial", ["SLE0000000012", "卡号SLE01"])
def test_an_opening_with_a_serial_the_card_cannot_hold_is_refused_and_records_nothing(
    counter, hall, serial
):
    counter.devices.training.insert_blank_card()
    before = _counts(hall)
    request = dataclasses.replace(opening_request(n=7), card_serial=serial)
    with pytest.raises(InvalidInput) as refused:
        counter.cards.open_account(counter.actor, request)
    assert f"本卡最多 {cardformat.SERIAL_LENGTH} 位" in refused.value.user_message
    assert refused.value.field == "card_serial"
    assert _counts(hall) == before
    # the blank card is still blank and the right serial opens the account
    opened = counter.cards.open_account(counter.actor, opening_request(n=7))
    assert opened.account_no


def test_the_longest_serial_that_fits_is_taken():
    assert cardformat.serial_fits("S" * cardformat.SERIAL_LENGTH)
    assert not cardformat.serial_fits("S" * (cardformat.SERIAL_LENGTH + 1))
