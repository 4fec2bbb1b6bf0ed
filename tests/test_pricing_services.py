"""The hand-computed pricing table through the purchase service, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from app.domain.money import yuan
from app.services.queries import tier_usage
from app.services.sales import RefundRequest, refund
from app.services.security import ApprovalInput
from app.services.setup import TariffInput, add_tariff, residential_ladder
from tests.support import PASSWORD, buy, lift_cash_limits, m3, open_customer, unloaded

# (case, household, m³ bought before, request, expected m³, expected yuan, tendered, change)
TABLE = [
    ("within tier 1 (scenario 08:40)", 3, 0, {"volume": m3(200)}, 200, "522.00", "600.00", "78.00"),
    ("up to the breakpoint exactly", 3, 150, {"volume": m3(200)}, 200, "522.00", None, "0.00"),
    ("starting at the breakpoint", 3, 350, {"volume": m3(10)}, 10, "28.30", None, "0.00"),
    ("crossing one breakpoint", 3, 340, {"volume": m3(20)}, 20, "54.40", "60.00", "5.60"),
    ("crossing two breakpoints", 3, 300, {"volume": m3(300)}, 300, "978.00", "1000.00", "22.00"),
    (
        "by amount across 350 m³ (scenario)",
        3,
        340,
        {"amount": yuan("300")},
        106,
        "297.78",
        "300.00",
        "2.22",
    ),
    (
        "by amount across two breakpoints",
        3,
        490,
        {"amount": yuan("100")},
        26,
        "95.98",
        "100.00",
        "4.02",
    ),
    ("by amount within tier 1", 3, 0, {"amount": yuan("100")}, 38, "99.18", "100.00", "0.82"),
    ("large household of 6", 6, 400, {"volume": m3(100)}, 100, "272.00", None, "0.00"),
    ("household of 5 stays in tier 1", 5, 300, {"volume": m3(100)}, 100, "261.00", None, "0.00"),
    ("household of 5 crossing two", 5, 390, {"volume": m3(200)}, 200, "619.80", "620.00", "0.20"),
    ("household of 6 by amount", 6, 440, {"amount": yuan("100")}, 36, "99.68", "100.00", "0.32"),
    ("all in tier 3", 3, 600, {"volume": m3(5)}, 5, "21.15", "50.00", "28.85"),
    (
        "by amount buys exact whole steps",
        3,
        0,
        {"amount": yuan("26.10")},
        10,
        "26.10",
        None,
        "0.00",
    ),
    ("by amount in tier 3", 3, 700, {"amount": yuan("50")}, 11, "46.53", "50.00", "3.47"),
]


@pytest.mark.parametrize(
    ("case", "household", "before", "request_", "volume", "price", "tendered", "change"), TABLE
)
def test_purchase_pricing_table(
    hall, case, household, before, request_, volume, price, tendered, change
):
    account = open_customer(hall, household=household)
    if before:
        buy(hall, account.card_serial, volume=m3(before))
    sale = buy(
        hall,
        account.card_serial,
        volume=request_.get("volume"),
        amount=request_.get("amount"),
        tendered=yuan(tendered) if tendered else None,
    )
    assert sale.volume == m3(volume), case
    assert sale.amount_fen == yuan(price), case
    assert sale.change_fen == yuan(change), case
    assert sum(s.amount_fen for s in sale.segments) == sale.amount_fen
    assert tier_usage(hall.ctx, hall.clerk, account.account_no).total_used == m3(before + volume)


def test_scenario_receipt_split_and_purchase_count(hall):
    account = open_customer(hall)
    sale = buy(hall, account.card_serial, volume=m3(200), tendered=yuan("600"))
    assert [(s.tier, s.volume, s.price_fen) for s in sale.segments] == [(1, m3(200), 261)]
    assert sale.purchase_count == 1
    assert sale.receipt_no.startswith("02-2026-")


def test_price_change_applies_from_its_effective_date(hall):
    add_tariff(
        hall.ctx,
        TariffInput(
            "residential",
            "居民阶梯气价（7月调价）",
            dt.date(2026, 7, 1),
            residential_ladder((271, 293, 433)),
        ),
    )
    account = open_customer(hall)
    hall.clock.set(2026, 6, 30, 23, 50)
    assert buy(hall, account.card_serial, volume=m3(10)).amount_fen == yuan("26.10")
    hall.clock.set(2026, 7, 1, 0, 5)  # Shanghai time: already the new tariff's day
    after = buy(hall, account.card_serial, volume=m3(345))
    # usage carries across the price change inside the ladder year: 340 m³ left in tier 1
    assert [(s.tier, s.volume, s.price_fen) for s in after.segments] == [
        (1, m3(340), 271),
        (2, m3(5), 293),
    ]
    assert after.amount_fen == yuan("921.40") + yuan("14.65")
    assert after.tariff_name == "居民阶梯气价（7月调价）"


def test_new_ladder_year_starts_from_zero(hall):
    account = open_customer(hall)
    hall.clock.set(2025, 12, 31, 16, 0)
    buy(hall, account.card_serial, volume=m3(400))
    hall.clock.set(2026, 1, 1, 9, 0)
    sale = buy(hall, account.card_serial, volume=m3(10))
    assert [(s.tier, s.volume) for s in sale.segments] == [(1, m3(10))]
    assert sale.amount_fen == yuan("26.10")


def test_commercial_flat_price(hall):
    lift_cash_limits(hall.ctx)  # 10,050.00 yuan in one drawer
    account = open_customer(hall, name="城东餐饮有限公司", kind="commercial")
    buy(hall, account.card_serial, volume=m3(2000))
    sale = buy(hall, account.card_serial, volume=m3(1000))
    assert sale.amount_fen == yuan("3350.00")
    assert [s.tier for s in sale.segments] == [1]


def test_refund_restores_tier_usage_in_the_tiers_it_came_from(hall):
    account = open_customer(hall)
    buy(hall, account.card_serial, volume=m3(340))
    sale = buy(hall, account.card_serial, volume=m3(20))
    assert tier_usage(hall.ctx, hall.clerk, account.account_no).total_used == m3(360)
    back = refund(
        hall.ctx,
        hall.clerk,
        RefundRequest(
            uuid.uuid4(),
            unloaded(sale),
            "客户不需要了",
            (ApprovalInput(hall.users["admin"], password=PASSWORD),),
        ),
    )
    assert back.amount_fen == -yuan("54.40")
    assert [(s.tier, s.volume) for s in back.segments] == [(1, -m3(10)), (2, -m3(10))]
    usage = tier_usage(hall.ctx, hall.clerk, account.account_no)
    assert usage.total_used == m3(340)
    assert [t.used for t in usage.tiers] == [m3(340), 0, 0]
    # the same purchase again costs the same: the ladder is exactly where it was
    again = buy(hall, account.card_serial, volume=m3(20))
    assert again.amount_fen == yuan("54.40")
    assert again.purchase_count == sale.purchase_count
