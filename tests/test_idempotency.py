"""A retried submit with the same request id returns the first result and writes nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import pytest

from app.errors import Conflict
from app.services.accounts import ContractInput, OpenAccountRequest, open_account
from app.services.cards import ReplaceCardRequest, replace_card
from app.services.sales import PurchaseRequest, purchase
from tests.support import customer_input, m3, open_customer, row_counts


def test_retried_purchase_returns_the_first_result_and_writes_nothing(hall):
    account = open_customer(hall)
    request = PurchaseRequest(
        uuid.uuid4(), account.card_serial, volume=m3(200), cash_tendered_fen=60000
    )
    first = purchase(hall.ctx, hall.clerk, request)
    before = row_counts(hall.ctx)
    hall.clock.advance(minutes=3)  # a retry later, even after a price change, is the same sale
    again = purchase(hall.ctx, hall.clerk, request)
    assert again == first
    assert row_counts(hall.ctx) == before


def test_retry_with_different_figures_still_returns_the_first_sale(hall):
    # the request id names the sale; a client must not reuse it for another one
    account = open_customer(hall)
    request = PurchaseRequest(uuid.uuid4(), account.card_serial, volume=m3(10))
    first = purchase(hall.ctx, hall.clerk, request)
    before = row_counts(hall.ctx)
    assert purchase(hall.ctx, hall.clerk, dataclasses.replace(request, volume=m3(99))) == first
    assert row_counts(hall.ctx) == before


def test_request_id_of_another_kind_is_a_conflict(hall):
    account = open_customer(hall)
    sale = purchase(
        hall.ctx, hall.clerk, PurchaseRequest(uuid.uuid4(), account.card_serial, m3(10))
    )
    before = row_counts(hall.ctx)
    with pytest.raises(Conflict):
        replace_card(
            hall.ctx,
            hall.clerk,
            ReplaceCardRequest(sale.request_id, account.account_no, "SLE0000600", "lost"),
        )
    assert row_counts(hall.ctx) == before


def test_retried_account_opening_opens_one_account(hall):
    request = OpenAccountRequest(
        uuid.uuid4(),
        customer_input("孙丽"),
        meter_no="18A0005555",
        card_serial="SLE0005555",
        contract=ContractInput("HT-2026-05555", dt.date(2026, 3, 2)),
    )
    first = open_account(hall.ctx, hall.clerk, request)
    before = row_counts(hall.ctx)
    assert open_account(hall.ctx, hall.clerk, request) == first
    assert row_counts(hall.ctx) == before


def test_concurrent_duplicate_submits_make_one_sale(hall):
    """Two counters' threads submitting the same request at once: one sale, same answer."""
    from concurrent.futures import ThreadPoolExecutor

    account = open_customer(hall)
    request = PurchaseRequest(uuid.uuid4(), account.card_serial, volume=m3(10))
    before = row_counts(hall.ctx)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: purchase(hall.ctx, hall.clerk, request), range(8)))
    assert len({r.transaction_id for r in results}) == 1
    after = row_counts(hall.ctx)
    assert after["counter_transactions"] == before["counter_transactions"] + 1
    assert after["transaction_segments"] == before["transaction_segments"] + 1
