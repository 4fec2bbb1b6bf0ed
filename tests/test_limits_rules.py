"""The pure rules of purchase limits and safety holds (``app.domain.limits``): examples worked
by hand and properties over many dates, windows and bands."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.limits import (
    MAX_WINDOW_MONTHS,
    ClassLimits,
    InspectionStatus,
    LimitBand,
    PurchaseLimit,
    add_months,
    limit_in_force,
    next_due,
    window_start,
)
from app.errors import InvalidInput
from app.vocabulary import CustomerKind, InspectionResult

days = st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31))
months = st.integers(1, MAX_WINDOW_MONTHS)


def test_window_examples():
    assert window_start(dt.date(2026, 3, 15), 1) == dt.date(2026, 3, 1)
    assert window_start(dt.date(2026, 3, 15), 3) == dt.date(2026, 1, 1)
    assert window_start(dt.date(2026, 1, 31), 2) == dt.date(2025, 12, 1)
    assert window_start(dt.date(2026, 3, 15), 12) == dt.date(2025, 4, 1)


@given(days, months)
def test_the_window_is_whole_calendar_months_ending_with_this_one(today, n):
    start = window_start(today, n)
    assert start.day == 1 and start <= today
    months_spanned = (today.year - start.year) * 12 + today.month - start.month + 1
    assert months_spanned == n
    # the next day is in the same window, or starts the next month's window
    tomorrow = today + dt.timedelta(days=1)
    expected = start if tomorrow.month == today.month else add_months(start, 1)
    assert window_start(tomorrow, n) == expected


def test_add_months_clamps_to_the_months_last_day():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 2, 29), 24) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 3, 2), -3) == dt.date(2025, 12, 2)


@given(days, st.integers(-240, 240))
def test_add_months_moves_whole_months(day, n):
    moved = add_months(day, n)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == n
    assert moved.day == day.day or moved.day < day.day  # clamped only at a month's end


BANDS = ClassLimits(
    (
        LimitBand(CustomerKind.RESIDENTIAL, 30000),
        LimitBand(CustomerKind.COMMERCIAL, 50000, 0),
        LimitBand(CustomerKind.COMMERCIAL, 200000, 1000),
        LimitBand(CustomerKind.COMMERCIAL, 800000, 4000),
    )
)


def test_band_lookup_by_rated_flow():
    assert BANDS.limit_for(CustomerKind.RESIDENTIAL, 9999) == 30000  # flow ignored
    assert BANDS.limit_for(CustomerKind.COMMERCIAL, None) == 50000  # unknown flow: lowest band
    assert BANDS.limit_for(CustomerKind.COMMERCIAL, 999) == 50000
    assert BANDS.limit_for(CustomerKind.COMMERCIAL, 1000) == 200000  # a band starts inclusive
    assert BANDS.limit_for(CustomerKind.COMMERCIAL, 4000) == 800000
    assert ClassLimits().limit_for(CustomerKind.RESIDENTIAL, None) is None
    only_large = ClassLimits((LimitBand(CustomerKind.COMMERCIAL, 9, 1000),))
    assert only_large.limit_for(CustomerKind.COMMERCIAL, 999) is None  # below every band


@given(st.integers(0, 10**6), st.integers(0, 10**6))
def test_a_larger_meter_never_gets_a_smaller_band(low, high):
    low, high = sorted((low, high))
    assert BANDS.limit_for(CustomerKind.COMMERCIAL, low) <= BANDS.limit_for(
        CustomerKind.COMMERCIAL, high
    )


def test_limits_round_trip_and_bad_entries_are_refused():
    assert ClassLimits.from_json(BANDS.as_json()) == ClassLimits(
        tuple(sorted(BANDS.bands, key=lambda b: (b.kind, b.flow_from)))
    )
    for bad in (
        [{"kind": "household", "volume": 1}],
        [{"kind": "residential", "volume": 0}],
        [{"kind": "residential", "volume": 1, "flow_from": 5}],
        [{"kind": "commercial", "volume": 1}, {"kind": "commercial", "volume": 2}],
        {"kind": "residential"},
    ):
        with pytest.raises(InvalidInput):
            ClassLimits.from_json(bad)


@given(st.integers(1, 10**8), st.integers(-(10**8), 10**8), st.integers(1, 10**8))
def test_remaining_is_limit_minus_bought_never_negative(limit, bought, volume):
    state = PurchaseLimit(limit, bought, dt.date(2026, 3, 1), 1)
    assert state.remaining == max(0, limit - bought)
    assert state.allows(volume) == (volume <= max(0, limit - bought))


def test_unlimited_allows_everything_and_an_own_limit_wins():
    assert PurchaseLimit(None, 10**9, dt.date(2026, 3, 1), 1).allows(10**9)
    assert limit_in_force(30000, None) == (30000, False)
    assert limit_in_force(30000, 90000) == (90000, True)
    assert limit_in_force(None, 0) == (0, True)  # an own limit of 0 stops sales


def status(today, result, on, passed, opened=dt.date(2020, 5, 1), interval=24):
    return InspectionStatus.of(
        today,
        state_result=result,
        state_on=on,
        last_passed=passed,
        opened_on=opened,
        interval_months=interval,
    )


def test_due_dates_and_holds():
    never = status(dt.date(2022, 5, 2), None, None, None)
    assert never.due_on == dt.date(2022, 5, 1) and never.overdue and never.hold is None
    assert "应于2022-05-01前安检" in never.warning()
    passed = status(dt.date(2026, 3, 2), "passed", dt.date(2025, 1, 10), dt.date(2025, 1, 10))
    assert passed.due_on == dt.date(2027, 1, 10) and not passed.overdue
    assert passed.warning() is None and passed.due_within(314) and not passed.due_within(313)
    hazard = status(dt.date(2026, 3, 2), "hazard", dt.date(2026, 2, 1), dt.date(2025, 1, 10))
    assert hazard.hold == InspectionResult.HAZARD
    assert hazard.due_on == dt.date(2027, 1, 10)  # a hazard inspection does not move the date


@settings(max_examples=200)
@given(days, days, st.integers(1, 120), st.sampled_from(list(InspectionResult)))
def test_only_a_hazard_or_refusal_holds_and_due_follows_the_last_pass(
    today, passed_on, interval, result
):
    state = status(today, result, passed_on, passed_on, interval=interval)
    assert (state.hold is not None) == (result in (InspectionResult.HAZARD, "refused"))
    assert state.due_on == next_due(passed_on, dt.date(2020, 5, 1), interval)
    assert state.overdue == (today > add_months(passed_on, interval))
