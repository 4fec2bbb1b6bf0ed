"""Purchase limits (限购) and safety holds (安检) at the counter, through the services, on both
databases. The hall's residential tier 1 costs 2.61 yuan/m³ (261 fen), commercial 3.35."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.domain.limits import ClassLimits, LimitBand, OverrideNeeded
from app.errors import InvalidInput, PermissionDenied, RuleViolation
from app.services.credentials import Credential
from app.services.inspections import InspectionEntry, record_inspection
from app.services.limits import (
    AccountLimitRequest,
    OverrideInput,
    account_limits,
    change_class_limits,
    set_account_limit,
)
from app.services.sales import (
    PurchaseRequest,
    RefundRequest,
    SupplementRequest,
    purchase,
    refund,
    supplement,
)
from app.services.security import AdminActor, ApprovalInput
from app.vocabulary import CustomerKind, InspectionResult, OverrideKind
from db.models import AccountLimit, AuditEntry, Meter, SaleOverride
from tests.support import (
    PASSWORD,
    buy,
    lift_cash_limits,
    m3,
    open_customer,
    refused,
    rid,
    row_counts,
    unloaded,
)

RESIDENTIAL_100 = ClassLimits((LimitBand(CustomerKind.RESIDENTIAL, m3(100)),))


def set_limits(hall, limits: ClassLimits = RESIDENTIAL_100) -> None:
    change_class_limits(hall.ctx, AdminActor(hall.users["admin"]), limits)


def set_window(hall, months: int) -> None:
    from app.policy import save_setting

    with hall.ctx.unit_of_work() as session:
        save_setting(session, "purchase_limit_window_months", months)
        session.commit()


def remaining(hall, account_no: str) -> int | None:
    return account_limits(hall.ctx, hall.clerk, account_no).limit.remaining


def leader_override(hall, reason: str = "客户急需用气，班长核实") -> OverrideInput:
    return OverrideInput(Credential(hall.users["zhoujie"], PASSWORD), reason)


def sell(hall, card: str, *, volume=None, amount=None, override=None):
    request = PurchaseRequest(rid(), card, volume=volume, amount_fen=amount, override=override)
    return purchase(hall.ctx, hall.clerk, request)


def inspect(hall, account_no: str, on: dt.date, result: InspectionResult):
    entry = InspectionEntry(account_no, on, result, "孙安全")
    return record_inspection(hall.ctx, hall.clerk, rid(), entry)


# ---------------------------------------------------------------- limits


def test_no_limit_configured_is_unlimited(hall):
    account = open_customer(hall)
    sale = buy(hall, account.card_serial, volume=m3(1000))
    assert sale.limit_remaining is None
    assert remaining(hall, account.account_no) is None


def test_within_and_exactly_at_the_limit_sell(hall):
    set_limits(hall)
    account = open_customer(hall)
    first = buy(hall, account.card_serial, volume=m3(60))
    assert first.limit_remaining == m3(40)  # 100 − 60 m³
    assert remaining(hall, account.account_no) == m3(40)
    second = buy(hall, account.card_serial, volume=m3(40))  # exactly the rest
    assert second.limit_remaining == 0
    assert remaining(hall, account.account_no) == 0


def test_over_the_limit_by_one_step_is_refused_with_what_remains(hall):
    set_limits(hall)
    account = open_customer(hall)
    buy(hall, account.card_serial, volume=m3(60))
    before = row_counts(hall.ctx)
    with refused(OverrideNeeded, "购买气量超出限购气量，本期剩余可购 40 立方米") as error:
        buy(hall, account.card_serial, volume=m3(41))  # one 1 m³ step over
    assert error.value.details["kinds"] == (OverrideKind.PURCHASE_LIMIT,)
    assert error.value.details["remaining"] == m3(40)
    assert row_counts(hall.ctx) == before


def test_a_sale_by_amount_respects_the_limit_after_tier_pricing(hall):
    set_limits(hall)
    account = open_customer(hall)
    buy(hall, account.card_serial, volume=m3(60))
    # 40 m³ × 2.61 = 104.40 yuan buys exactly the rest; one more m³ (2.61) does not
    before = row_counts(hall.ctx)
    with refused(OverrideNeeded, "本期剩余可购 40 立方米"):
        sell(hall, account.card_serial, amount=10440 + 261)
    assert row_counts(hall.ctx) == before
    sale = sell(hall, account.card_serial, amount=10440)
    assert (sale.volume, sale.amount_fen, sale.limit_remaining) == (m3(40), 10440, 0)


def test_the_window_rolls_over_with_the_calendar_month(hall):
    set_limits(hall)
    account = open_customer(hall)
    buy(hall, account.card_serial, volume=m3(100))  # 2026-03-02
    hall.clock.set(2026, 3, 31, 23, 50)
    with refused(OverrideNeeded, "本期剩余可购 0 立方米"):
        buy(hall, account.card_serial, volume=m3(1))
    hall.clock.set(2026, 4, 1, 8, 30)  # a one-month window: April starts afresh
    assert remaining(hall, account.account_no) == m3(100)
    set_window(hall, 2)  # March and April: the 100 m³ of March count again
    assert account_limits(hall.ctx, hall.clerk, account.account_no).limit.window_from == (
        dt.date(2026, 3, 1)
    )
    assert remaining(hall, account.account_no) == 0
    hall.clock.set(2026, 5, 1, 8, 30)  # April and May
    assert remaining(hall, account.account_no) == m3(100)


def test_refunds_count_back_supplements_never_count(hall):
    set_limits(hall)
    account = open_customer(hall)
    sale = buy(hall, account.card_serial, volume=m3(70))
    approvals = (ApprovalInput(hall.users["admin"], "同意", PASSWORD),)
    refund(hall.ctx, hall.clerk, RefundRequest(rid(), unloaded(sale), "客户退气", approvals))
    assert remaining(hall, account.account_no) == m3(100)  # 70 bought, 70 refunded
    supplement(
        hall.ctx,
        hall.clerk,
        SupplementRequest(rid(), account.card_serial, m3(30), "表具故障补气", approvals),
    )
    assert remaining(hall, account.account_no) == m3(100)  # a supplement is no purchase


def test_a_voided_refund_counts_the_purchase_again(hall):
    """A refund whose card write never landed is voided: the gas stayed on the card, so the
    purchase counts against the limit again (100 bought, refunded, refund voided: 0 left)."""
    from app.services.card_writes import settle_card

    set_limits(hall)
    account = open_customer(hall)
    sale = buy(hall, account.card_serial, volume=m3(100))
    approvals = (ApprovalInput(hall.users["admin"], "同意", PASSWORD),)
    refund(
        hall.ctx,
        hall.clerk,
        RefundRequest(rid(), unloaded(sale), "客户退气", approvals, writes_card=True),
    )
    assert remaining(hall, account.account_no) == m3(100)  # while the refund stands
    settled = settle_card(hall.ctx, hall.clerk, unloaded(sale))  # the card still has the 100
    assert settled.outcome == "voided"
    assert remaining(hall, account.account_no) == 0
    with refused(OverrideNeeded, "本期剩余可购 0 立方米"):
        buy(hall, account.card_serial, volume=m3(1))


def test_an_account_limit_replaces_the_class_limit_and_goes_back(hall):
    set_limits(hall)
    account = open_customer(hall)
    buy(hall, account.card_serial, volume=m3(90))
    leader = hall.actor("zhoujie")
    own = set_account_limit(
        hall.ctx, leader, AccountLimitRequest(account.account_no, m3(300), "家庭人口多，用气量大")
    )
    assert (own.limit.limit, own.limit.own, own.limit.remaining) == (m3(300), True, m3(210))
    buy(hall, account.card_serial, volume=m3(200))  # 90 + 200 = 290 ≤ 300
    assert remaining(hall, account.account_no) == m3(10)
    back = set_account_limit(
        hall.ctx, leader, AccountLimitRequest(account.account_no, None, "恢复按类别限购")
    )
    assert (back.limit.limit, back.limit.own, back.limit.remaining) == (m3(100), False, 0)
    with hall.ctx.unit_of_work() as session:
        rows = session.scalars(select(AccountLimit).order_by(AccountLimit.id)).all()
        entries = session.scalars(
            select(AuditEntry.ref)
            .where(AuditEntry.kind == "account_limit_set")
            .order_by(AuditEntry.seq)
        ).all()
    assert [(r.volume, r.reason, r.set_by) for r in rows] == [
        (m3(300), "家庭人口多，用气量大", hall.users["zhoujie"]),
        (None, "恢复按类别限购", hall.users["zhoujie"]),
    ]
    assert entries == [f"account_limits:{r.id}" for r in rows]


def test_a_clerk_cannot_set_an_account_limit(hall):
    account = open_customer(hall)
    with pytest.raises(PermissionDenied):
        set_account_limit(
            hall.ctx, hall.clerk, AccountLimitRequest(account.account_no, m3(300), "客户要求")
        )


def test_a_team_leader_overrides_the_limit_with_a_reason_logged(hall):
    set_limits(hall)
    account = open_customer(hall)
    buy(hall, account.card_serial, volume=m3(60))
    sale = sell(hall, account.card_serial, volume=m3(50), override=leader_override(hall))
    assert sale.volume == m3(50)
    assert sale.overrides == ("超限购放行：本次50立方米，本期剩余40立方米",)
    with hall.ctx.unit_of_work() as session:
        [row] = session.scalars(select(SaleOverride)).all()
        assert (row.transaction_id, row.kind, row.approver_id) == (
            sale.transaction_id,
            OverrideKind.PURCHASE_LIMIT,
            hall.users["zhoujie"],
        )
        assert row.reason == "客户急需用气，班长核实"
        entries = session.scalars(select(AuditEntry).where(AuditEntry.kind == "sale_override"))
        [entry] = entries.all()
        assert entry.ref == f"sale_overrides:{row.id}"
        assert "客户急需用气" in entry.data


def test_an_override_needs_the_leaders_right_password_and_role(hall):
    set_limits(hall)
    account = open_customer(hall)
    buy(hall, account.card_serial, volume=m3(100))
    before = row_counts(hall.ctx)
    wrong = OverrideInput(Credential(hall.users["zhoujie"], "wrong-password"), "客户急需")
    with pytest.raises(PermissionDenied):
        sell(hall, account.card_serial, volume=m3(1), override=wrong)
    clerk = OverrideInput(Credential(hall.users["wangfang"], PASSWORD), "客户急需")
    with refused(PermissionDenied, "无此权限"):
        sell(hall, account.card_serial, volume=m3(1), override=clerk)
    assert row_counts(hall.ctx) == before


def _open_commercial(hall, name: str, rated_flow: int | None):  # type: ignore[no-untyped-def]
    from app.services.accounts import OpenAccountRequest, open_account
    from tests.support import customer_input

    n = next(_commercial)
    return open_account(
        hall.ctx,
        hall.clerk,
        OpenAccountRequest(
            rid(),
            customer_input(name, kind="commercial"),
            f"GS{n:08d}",
            f"G{n:09d}",
            rated_flow=rated_flow,
        ),
    )


_commercial = iter(range(1, 10_000))


def test_commercial_limits_follow_the_meters_rated_flow_band(hall):
    bands = ClassLimits(
        (
            LimitBand(CustomerKind.RESIDENTIAL, m3(100)),
            LimitBand(CustomerKind.COMMERCIAL, m3(500), 0),  # below 10 m³/h
            LimitBand(CustomerKind.COMMERCIAL, m3(2000), 1000),  # 10 m³/h and up
        )
    )
    set_limits(hall, bands)
    lift_cash_limits(hall.ctx)  # 1500 m³ × 3.35 is more than a drawer holds
    # the meters' rated flows as the clerk types them at opening: 4 and 10 m³/h
    small = _open_commercial(hall, "城东小吃店", rated_flow=400)
    large = _open_commercial(hall, "城东大酒店", rated_flow=1000)
    assert remaining(hall, small.account_no) == m3(500)
    assert remaining(hall, large.account_no) == m3(2000)
    sale = buy(hall, large.card_serial, volume=m3(1500))
    assert sale.limit_remaining == m3(500)
    with refused(OverrideNeeded, "本期剩余可购 500 立方米"):
        buy(hall, small.card_serial, volume=m3(501))


# ---------------------------------------------------------------- safety holds


def test_an_overdue_inspection_warns_at_every_sale(hall):
    account = open_customer(hall)
    inspect(hall, account.account_no, dt.date(2024, 1, 10), InspectionResult.PASSED)
    sale = buy(hall, account.card_serial, volume=m3(10))  # due 2026-01-10, today 2026-03-02
    assert sale.inspection_overdue_since == dt.date(2026, 1, 10)
    assert "该户安检已逾期（应于2026-01-10前安检）" in sale.warning
    again = buy(hall, account.card_serial, volume=m3(10))
    assert "安检已逾期" in again.warning


def test_a_never_inspected_account_is_due_from_its_opening(hall):
    account = open_customer(hall)  # opened 2026-03-02, every 24 months
    status = account_limits(hall.ctx, hall.clerk, account.account_no).inspection
    assert (status.last_on, status.due_on, status.overdue) == (None, dt.date(2028, 3, 2), False)
    assert buy(hall, account.card_serial, volume=m3(10)).warning is None


@pytest.mark.parametrize(
    ("result", "label"),
    [(InspectionResult.HAZARD, "存在隐患"), (InspectionResult.REFUSED, "拒绝安检")],
)
def test_a_hazard_or_a_refusal_blocks_sales(hall, result, label):
    account = open_customer(hall)
    after = inspect(hall, account.account_no, dt.date(2026, 3, 1), result)
    assert after.inspection.hold == result
    before = row_counts(hall.ctx)
    with refused(OverrideNeeded, f"该户安检结果为“{label}”（2026-03-01）") as error:
        buy(hall, account.card_serial, volume=m3(10))
    assert error.value.details["kinds"] == (OverrideKind.SAFETY_HOLD,)
    assert row_counts(hall.ctx) == before


def test_a_hold_stops_supplements_and_carry_over_writes_until_cleared(hall):
    """Gas onto a held account's card without a sale is refused too, and flows again once a
    passed inspection clears the hold."""
    from app.services.meters import CarryOverRequest, write_carry_over
    from tests.test_meter_replacement import _replace

    account = open_customer(hall)
    buy(hall, account.card_serial, volume=m3(30))
    done = _replace(hall, account.account_no, m3(10))  # 20 m³ carried over to the new meter
    inspect(hall, account.account_no, dt.date(2026, 3, 1), InspectionResult.HAZARD)
    approvals = (ApprovalInput(hall.users["admin"], "同意", PASSWORD),)
    supplement_request = SupplementRequest(
        rid(), done.new_card_serial, m3(5), "表具故障补气", approvals
    )
    carry = CarryOverRequest(rid(), done.new_card_serial, m3(5))
    before = row_counts(hall.ctx)
    with refused(RuleViolation, "须整改并安检合格后方可写卡"):
        supplement(hall.ctx, hall.clerk, supplement_request)
    with refused(RuleViolation, "须整改并安检合格后方可写卡"):
        write_carry_over(hall.ctx, hall.clerk, carry)
    assert row_counts(hall.ctx) == before
    inspect(hall, account.account_no, dt.date(2026, 3, 2), InspectionResult.PASSED)
    assert write_carry_over(hall.ctx, hall.clerk, carry).volume == m3(5)
    assert supplement(hall.ctx, hall.clerk, supplement_request).volume == m3(5)


def test_nobody_home_neither_blocks_nor_clears(hall):
    account = open_customer(hall)
    inspect(hall, account.account_no, dt.date(2026, 2, 1), InspectionResult.HAZARD)
    inspect(hall, account.account_no, dt.date(2026, 3, 1), InspectionResult.NOBODY_HOME)
    with refused(OverrideNeeded, "存在隐患"):
        buy(hall, account.card_serial, volume=m3(10))


def test_a_team_leader_overrides_a_hold_with_a_reason_logged(hall):
    account = open_customer(hall)
    inspect(hall, account.account_no, dt.date(2026, 3, 1), InspectionResult.HAZARD)
    sale = sell(hall, account.card_serial, volume=m3(10), override=leader_override(hall))
    assert sale.overrides == ("安检限制放行：存在隐患（2026-03-01）",)
    with hall.ctx.unit_of_work() as session:
        [row] = session.scalars(select(SaleOverride)).all()
        assert (row.kind, row.transaction_id) == (OverrideKind.SAFETY_HOLD, sale.transaction_id)


def test_one_override_covers_a_hold_and_the_limit_together(hall):
    set_limits(hall)
    account = open_customer(hall)
    inspect(hall, account.account_no, dt.date(2026, 3, 1), InspectionResult.REFUSED)
    with refused(OverrideNeeded, "本期剩余可购 100 立方米；该户安检结果为“拒绝安检”"):
        buy(hall, account.card_serial, volume=m3(120))
    sale = sell(hall, account.card_serial, volume=m3(120), override=leader_override(hall))
    with hall.ctx.unit_of_work() as session:
        kinds = session.scalars(
            select(SaleOverride.kind).where(SaleOverride.transaction_id == sale.transaction_id)
        ).all()
    assert sorted(kinds) == [OverrideKind.PURCHASE_LIMIT, OverrideKind.SAFETY_HOLD]


def test_a_newer_passed_inspection_clears_the_hold(hall):
    account = open_customer(hall)
    inspect(hall, account.account_no, dt.date(2026, 2, 20), InspectionResult.HAZARD)
    cleared = inspect(hall, account.account_no, dt.date(2026, 3, 2), InspectionResult.PASSED)
    assert cleared.inspection.hold is None
    assert cleared.inspection.due_on == dt.date(2028, 3, 2)
    assert buy(hall, account.card_serial, volume=m3(10)).volume == m3(10)


def test_an_entered_result_is_idempotent_and_never_dated_ahead(hall):
    from app.errors import InvalidInput

    account = open_customer(hall)
    request = rid()
    entry = InspectionEntry(account.account_no, dt.date(2026, 3, 1), InspectionResult.PASSED, "孙")
    record_inspection(hall.ctx, hall.clerk, request, entry)
    counts = row_counts(hall.ctx)
    record_inspection(hall.ctx, hall.clerk, request, entry)
    assert row_counts(hall.ctx) == counts
    ahead = InspectionEntry(account.account_no, dt.date(2026, 3, 3), InspectionResult.PASSED, "孙")
    with refused(InvalidInput, "安检日期不能晚于今天"):
        record_inspection(hall.ctx, hall.clerk, rid(), ahead)


@pytest.mark.parametrize(("months", "bought"), [(1, 0), (2, 0), (3, 20), (4, 30), (36, 30)])
def test_the_databases_window_is_the_domains(hall, months, bought):
    set_limits(hall)
    set_window(hall, months)
    account = open_customer(hall)
    hall.clock.set(2025, 12, 31, 23, 30)  # the last day of December, hall time
    buy(hall, account.card_serial, volume=m3(10))
    hall.clock.set(2026, 1, 1, 0, 30)  # the first of January
    buy(hall, account.card_serial, volume=m3(20))
    hall.clock.set(2026, 3, 2, 9, 0)
    found = account_limits(hall.ctx, hall.clerk, account.account_no).limit
    # 1-2 months: from March/February 1 (neither); 3: from January 1 (the 20); 4 and more:
    # from December 1 (both)
    assert (found.bought, found.window_months) == (m3(bought), months)


def test_a_rated_flow_is_checked_and_a_replacement_keeps_or_changes_it(hall):
    from app.services.meters import ReplaceMeterRequest, replace_meter

    bands = ClassLimits(
        (
            LimitBand(CustomerKind.COMMERCIAL, m3(500), 0),
            LimitBand(CustomerKind.COMMERCIAL, m3(2000), 1000),
        )
    )
    set_limits(hall, bands)
    before = row_counts(hall.ctx)
    for bad in (0, -5, 100_000 * 100 + 1):
        with refused(InvalidInput, "额定流量须大于0"):
            _open_commercial(hall, "城东大酒店", rated_flow=bad)
    with refused(InvalidInput, "额定流量无效"):  # not a number at all: the boundary's
        _open_commercial(hall, "城东大酒店", rated_flow="10")
    assert row_counts(hall.ctx) == before
    large = _open_commercial(hall, "城东大酒店", rated_flow=1000)
    # like for like: the new meter keeps the old one's 10 m³/h band
    replace_meter(
        hall.ctx,
        hall.clerk,
        ReplaceMeterRequest(rid(), large.account_no, 0, "王师傅", "GSNEW00001", "GNEW000001"),
    )
    assert remaining(hall, large.account_no) == m3(2000)
    with hall.ctx.reading() as session:
        assert (
            session.scalar(select(Meter.rated_flow).where(Meter.meter_no == "GSNEW00001")) == 1000
        )
    # a smaller meter (2.5 m³/h) puts the account in the lower band
    replace_meter(
        hall.ctx,
        hall.clerk,
        ReplaceMeterRequest(
            rid(), large.account_no, 0, "王师傅", "GSNEW00002", "GNEW000002", new_rated_flow=250
        ),
    )
    assert remaining(hall, large.account_no) == m3(500)
