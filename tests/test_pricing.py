"""Tier pricing rules, computed by hand (pure domain, no database)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.money import format_money, format_volume, m3, segment_amount, yuan
from app.domain.pricing import (
    Segment,
    TariffRule,
    Tier,
    ladder_year_start,
    price_volume,
    total_amount,
    total_volume,
    volume_for_amount,
)
from app.errors import InvalidInput
from app.services.setup import flat_rate, residential_ladder

LADDER = residential_ladder((261, 283, 423), threshold=4, extra=m3(50))
STEP = m3(1)


def seg(tier, volume_m3, price, amount_yuan):
    return Segment(tier, m3(volume_m3), price, yuan(amount_yuan))


# (case, household size, used m³ this year, bought m³, expected segments)
BY_VOLUME = [
    ("within tier 1", 3, 0, 200, [seg(1, 200, 261, "522.00")]),
    ("up to the breakpoint exactly", 3, 150, 200, [seg(1, 200, 261, "522.00")]),
    ("starting at the breakpoint", 3, 350, 10, [seg(2, 10, 283, "28.30")]),
    ("crossing one breakpoint", 3, 340, 20, [seg(1, 10, 261, "26.10"), seg(2, 10, 283, "28.30")]),
    (
        "crossing two breakpoints",
        3,
        300,
        300,
        [seg(1, 50, 261, "130.50"), seg(2, 150, 283, "424.50"), seg(3, 100, 423, "423.00")],
    ),
    ("all in tier 3", 3, 600, 5, [seg(3, 5, 423, "21.15")]),
    (
        "household of 4: no bonus",
        4,
        300,
        100,
        [seg(1, 50, 261, "130.50"), seg(2, 50, 283, "141.50")],
    ),
    ("household of 5: +50 m³", 5, 300, 100, [seg(1, 100, 261, "261.00")]),
    (
        "household of 6: +100 m³",
        6,
        400,
        100,
        [seg(1, 50, 261, "130.50"), seg(2, 50, 283, "141.50")],
    ),
]


@pytest.mark.parametrize(("case", "household", "used", "bought", "expected"), BY_VOLUME)
def test_price_by_volume(case, household, used, bought, expected):
    assert list(price_volume(LADDER, household, m3(used), m3(bought))) == expected, case


def test_rounding_is_half_up_per_segment():
    # 0.5 m³ × 2.61 = 1.305 → 1.31 and 0.5 m³ × 2.83 = 1.415 → 1.42: 2.73 in all,
    # where rounding the whole (2.72) would give a different figure.
    segments = price_volume(LADDER, 3, m3(349.5), m3(1))
    assert [s.amount_fen for s in segments] == [131, 142]
    assert total_amount(segments) == 273
    assert segment_amount(m3(0.3), 283) == 85  # 0.849 → 0.85


# (case, used m³, amount paid in yuan, expected m³, expected price in yuan)
BY_AMOUNT = [
    ("within tier 1", 0, "100.00", 38, "99.18"),
    ("scenario: 300 yuan across 350 m³", 340, "300.00", 106, "297.78"),
    ("across two breakpoints", 490, "100.00", 26, "95.98"),
    ("amount buys exactly whole steps", 0, "26.10", 10, "26.10"),
    ("less than one step", 0, "2.00", 0, "0.00"),
]


@pytest.mark.parametrize(("case", "used", "paid", "volume", "price"), BY_AMOUNT)
def test_price_by_amount(case, used, paid, volume, price):
    segments = volume_for_amount(LADDER, 3, m3(used), yuan(paid), STEP)
    assert total_volume(segments) == m3(volume), case
    assert total_amount(segments) == yuan(price), case


def test_commercial_flat_price_ignores_usage():
    rule = flat_rate(335)
    assert total_amount(price_volume(rule, 1, m3(100_000), m3(1000))) == yuan("3350.00")


def test_ladder_year_start_month():
    assert ladder_year_start(dt.date(2026, 3, 1), 1) == dt.date(2026, 1, 1)
    assert ladder_year_start(dt.date(2026, 3, 1), 7) == dt.date(2025, 7, 1)
    assert ladder_year_start(dt.date(2026, 7, 1), 7) == dt.date(2026, 7, 1)


@pytest.mark.parametrize(
    ("rule_args", "message"),
    [
        (((),), "至少需要一个阶梯"),
        (((Tier(100, 261), Tier(50, 283), Tier(None, 423)),), "递增"),
        (((Tier(None, 261), Tier(None, 283)),), "只有最后一个阶梯"),
        (((Tier(100, 0), Tier(None, 283)),), "必须大于零"),
        (((Tier(100, 261),),), "最后一个阶梯不能有上限"),
        (((Tier(None, 261),), 13), "月份"),
    ],
)
def test_bad_tariff_rules_are_refused(rule_args, message):
    with pytest.raises(InvalidInput) as error:
        TariffRule(*rule_args)
    assert message in error.value.user_message


def test_money_parsing_and_formatting():
    assert yuan("522") == 52200
    assert yuan("0.05") == 5
    assert format_money(-1234) == "-12.34"
    assert format_money(7800) == "78.00"
    assert format_volume(m3(106)) == "106"
    assert format_volume(m3(0.5)) == "0.50"
    for bad in ("1.234", "abc", "NaN", "inf"):
        with pytest.raises(InvalidInput):
            yuan(bad)
    with pytest.raises(InvalidInput):
        m3("1.001")


households = st.integers(min_value=1, max_value=10)
usage = st.integers(min_value=0, max_value=m3(2000))
amounts = st.integers(min_value=1, max_value=yuan("20000"))
steps = st.sampled_from([1, 10, 50, m3(1), m3(5)])


@given(households, usage, amounts, steps)
def test_by_amount_never_overcharges_and_one_more_step_would(household, used, amount, step):
    segments = volume_for_amount(LADDER, household, used, amount, step)
    bought = total_volume(segments)
    assert bought % step == 0
    assert total_amount(segments) <= amount
    one_more = total_amount(price_volume(LADDER, household, used, bought + step))
    assert one_more > amount


@given(households, usage, st.integers(min_value=1, max_value=m3(3000)))
def test_segments_add_up_and_stay_in_their_tiers(household, used, volume):
    segments = price_volume(LADDER, household, used, volume)
    assert total_volume(segments) == volume
    assert [s.tier for s in segments] == sorted({s.tier for s in segments})
    breakpoints = LADDER.breakpoints(household)
    start = used
    for s in segments:
        upper = breakpoints[s.tier - 1]
        lower = 0 if s.tier == 1 else breakpoints[s.tier - 2]
        assert lower <= start and (upper is None or start + s.volume <= upper)
        start += s.volume
