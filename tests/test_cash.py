"""Shifts and the cash drawer through the services (SQLite and PostgreSQL): open with a float,
sell, hand over to finance, count blind, close with over/short signed off, reports from rows.

The figures of the scenario day are SCENARIOS.md's (counter 2, 李娜, float 500.00).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from app.domain.cash import (
    CASH,
    WECHAT,
    DrawerCount,
    Payment,
    WorkCalendar,
    count_of,
)
from app.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from app.policy import save_calendar, save_setting
from app.services.reports import daily_report_data, zreport_data
from app.services.sales import PurchaseRequest, RefundRequest, purchase, refund
from app.services.security import ApprovalInput
from app.services.setup import add_user, ensure_counter
from app.services.shifts import (
    CashMoveRequest,
    CloseShiftRequest,
    CountRequest,
    HandoverRequest,
    OpenShiftRequest,
    close_shift,
    count_drawer,
    current_shift,
    drawer_status,
    expected_by_method,
    hand_over,
    move_cash,
    open_shift,
    overdue_takings,
    shift_desk,
)
from app.vocabulary import CashMovementKind
from db.models import Approval, CashMovement, CounterTransaction, Shift, ShiftCount
from tests.support import (
    PASSWORD,
    buy,
    m3,
    open_customer,
    password_hash,
    refused,
    rid,
    row_counts,
    terminals,
    unloaded,
)


def expected_cash(hall, shift_id: int) -> int:
    """The drawer's expected cash, for the test's own use (the clerk never gets it)."""
    with hall.ctx.reading() as s:
        return expected_by_method(s, shift_id)[CASH]


def count(hall, actor, amount_fen: int, approver: str | None = None, **noncash):
    approval = hall.credential(approver) if approver else None
    request = CountRequest(rid(), count_of(amount_fen), terminals(**noncash), approval)
    return count_drawer(hall.ctx, actor, request)


def close(hall, actor, explanation=None, signer=None):
    credential = hall.credential(signer) if signer else None
    return close_shift(hall.ctx, actor, CloseShiftRequest(rid(), explanation, credential))


def handover(hall, actor, amount_fen, receiver="zhaomin", **extra):
    request = HandoverRequest(rid(), count_of(amount_fen), hall.credential(receiver), **extra)
    return hand_over(hall.ctx, actor, request)


# ------------------------------------------------------------------------- the scenario day


def test_a_clerks_day_open_sell_hand_over_close(hall, clock):
    """SCENARIOS.md: float 500, sales, hand-over of 4500 at 15:30, 10.00 short at 17:30."""
    lina = hall.clerk
    shift_id = hall.shifts["lina"]
    zhang = open_customer(hall, "张秀英")
    sale = buy(hall, zhang.card_serial, volume=m3(200), tendered=60000)
    assert (sale.amount_fen, sale.change_fen, sale.payment_method) == (52200, 7800, CASH)
    assert sale.warning is None

    # sell until the drawer passes 5000.00: that sale and every later one warns
    others = [open_customer(hall, f"客户{n}", household=5) for n in range(12)]
    warned = []
    for customer in others:
        result = buy(hall, customer.card_serial, volume=m3(150))  # 391.50 each
        warned.append(result.warning is not None)
    cash = expected_cash(hall, shift_id)
    assert cash > 500000
    first = warned.index(True)
    assert all(warned[first:]) and not any(warned[:first])
    warning = buy(hall, others[0].card_serial, volume=m3(1)).warning
    assert warning == "钱箱现金已超过5000.00元，请尽快交款"
    assert drawer_status(hall.ctx, lina).message == warning

    before = expected_cash(hall, shift_id)
    slip = handover(hall, lina, 450000)
    assert slip.slip_no == "JK02-2026-00001" and slip.counterpart == "赵敏"
    assert expected_cash(hall, shift_id) == before - 450000
    assert drawer_status(hall.ctx, lina).level == "ok"

    clock.set(2026, 3, 2, 17, 30)
    counted = count(hall, lina, expected_cash(hall, shift_id) - 1000)
    line = counted.lines[0]
    assert (line.method, line.difference_fen) == (CASH, -1000)
    with refused(RuleViolation, "班长签字"):
        close(hall, lina, "找零时多找给客户10元")
    closed = close(hall, lina, "找零时多找给客户10元", "zhoujie")
    assert closed.signed_by == "周杰"
    assert [(x.method, x.difference_fen) for x in closed.over_short] == [(CASH, -1000)]

    with hall.ctx.reading() as s:
        short = s.scalars(select(CashMovement).where(CashMovement.kind == "over_short")).one()
        assert (short.amount_fen, short.drawer_fen, short.shift_id) == (-1000, -1000, shift_id)
        sign = s.scalars(select(Approval).where(Approval.cash_movement_id == short.id)).one()
        assert (sign.approver_id, sign.role) == (hall.users["zhoujie"], "team_leader")
        assert s.get(Shift, shift_id).closed_at is not None
    assert expected_cash(hall, shift_id) == 0  # counted cash went into the safe

    z = zreport_data(hall.ctx, lina, shift_id)
    assert z.closed and z.cash.counted_fen == z.cash.expected_fen - 1000
    assert z.cash.handed_over_fen == -450000 and z.cash.over_short_fen == -1000
    assert [h.slip_no for h in z.handovers] == ["JK02-2026-00001"]
    assert z.over_short[0].signed_by == "周杰" and z.over_short[0].amount_fen == -1000

    # the shift is locked: no sale, no change of its row
    with refused(RuleViolation, "请先开班"):
        buy(hall, zhang.card_serial, volume=m3(1))
    with hall.ctx.unit_of_work() as s, pytest.raises(DatabaseError, match="locked"):
        s.execute(text("UPDATE shifts SET explanation = 'x' WHERE id = :id"), {"id": shift_id})
    with hall.ctx.unit_of_work() as s, pytest.raises(DatabaseError):
        s.execute(text("DELETE FROM shifts WHERE id = :id"), {"id": shift_id})


# ------------------------------------------------------------------------- opening rules


def test_one_open_shift_per_counter_and_per_clerk(hall):
    with refused(RuleViolation, "李娜"):  # counter 2 is busy
        open_shift(hall.ctx, hall.actor("zhoujie"), OpenShiftRequest(rid(), count_of(0), "finance"))
    counter4 = ensure_counter(hall.ctx, hall.hall_id, "4")
    with refused(RuleViolation, "未交班"):  # 李娜 is still open at counter 2
        open_shift(
            hall.ctx, hall.actor("lina", counter4), OpenShiftRequest(rid(), count_of(0), "finance")
        )
    request = OpenShiftRequest(rid(), count_of(20000), "finance")
    first = open_shift(hall.ctx, hall.actor("zhoujie", counter4), request)
    assert open_shift(hall.ctx, hall.actor("zhoujie", counter4), request) == first  # a retry


def test_no_transaction_without_an_open_shift(hall):
    account = open_customer(hall)
    zhou = hall.actor("zhoujie", ensure_counter(hall.ctx, hall.hall_id, "4"))
    before = row_counts(hall.ctx)
    with refused(RuleViolation, "请先开班"):
        buy(hall, account.card_serial, volume=m3(10), actor=zhou)
    with refused(RuleViolation, "请先开班"):
        move_cash(hall.ctx, zhou, CashMoveRequest(rid(), CashMovementKind.CASH_IN, 100, "零钱"))
    assert row_counts(hall.ctx) == before


def test_a_shift_without_sales_closes_and_its_float_goes_to_the_safe_for_tomorrow(hall, clock):
    wang = hall.actor("wangfang", hall.counter2_id)
    count(hall, wang, 50000)
    closed = close(hall, wang)
    assert closed.over_short == () and closed.to_safe_fen == 50000
    clock.set(2026, 3, 3, 8, 30)
    with refused(RuleViolation, "保险柜"):
        open_shift(hall.ctx, wang, OpenShiftRequest(rid(), count_of(50001), "safe"))
    opened = open_shift(hall.ctx, wang, OpenShiftRequest(rid(), count_of(50000), "safe"))
    assert opened.float_fen == 50000 and opened.business_date == dt.date(2026, 3, 3)


def test_cash_in_and_out_move_the_expected_drawer(hall):
    shift_id = hall.shifts["lina"]
    move_cash(
        hall.ctx, hall.clerk, CashMoveRequest(rid(), CashMovementKind.CASH_IN, 20000, "补充零钱")
    )
    out = move_cash(
        hall.ctx, hall.clerk, CashMoveRequest(rid(), CashMovementKind.CASH_OUT, 3550, "购买打印纸")
    )
    assert out.amount_fen == 3550
    assert expected_cash(hall, shift_id) == 50000 + 20000 - 3550
    before = row_counts(hall.ctx)
    for bad in (
        CashMoveRequest(rid(), CashMovementKind.CASH_IN, 0, "x"),
        CashMoveRequest(rid(), CashMovementKind.CASH_OUT, -5, "x"),
        CashMoveRequest(rid(), CashMovementKind.CASH_OUT, 100, " "),
        CashMoveRequest(rid(), "gift", 100, "x"),
    ):
        with pytest.raises(InvalidInput):
            move_cash(hall.ctx, hall.clerk, bad)
    assert row_counts(hall.ctx) == before


def test_non_cash_payments_keep_their_reference_and_stay_out_of_the_drawer(hall):
    account = open_customer(hall)
    with refused(InvalidInput, "流水号"):
        purchase(
            hall.ctx,
            hall.clerk,
            PurchaseRequest(rid(), account.card_serial, m3(10), payment=Payment(WECHAT)),
        )
    sale = purchase(
        hall.ctx,
        hall.clerk,
        PurchaseRequest(
            rid(), account.card_serial, m3(10), payment=Payment(WECHAT, "4200001234202603020001")
        ),
    )
    assert (sale.payment_method, sale.payment_ref, sale.change_fen) == (
        WECHAT,
        "4200001234202603020001",
        None,
    )
    assert expected_cash(hall, hall.shifts["lina"]) == 50000
    back = refund(
        hall.ctx,
        hall.clerk,
        RefundRequest(
            rid(),
            unloaded(sale),
            "不要了",
            (ApprovalInput(hall.users["admin"], password=PASSWORD),),
        ),
    )
    assert (back.payment_method, back.payment_ref) == (WECHAT, "4200001234202603020001")
    with hall.ctx.reading() as s:
        expected = expected_by_method(s, hall.shifts["lina"])
    assert expected == {"cash": 50000, "bank_card": 0, "wechat": 0, "alipay": 0}


# ------------------------------------------------------------------------- blind count


def test_the_expected_figure_is_not_exposed_before_the_count(hall):
    """Service level: nothing the clerk can call before counting returns the drawer's figure."""
    account = open_customer(hall)
    buy(hall, account.card_serial, volume=m3(37))  # 96.57: an unmistakable figure
    lina = hall.clerk
    expected = expected_cash(hall, hall.shifts["lina"])
    assert expected == 50000 + 9657
    shown = [drawer_status(hall.ctx, lina), current_shift(hall.ctx, lina)]
    for figure in (str(expected), "596.57", "9657", "96.57"):
        assert all(figure not in repr(value) for value in shown)
    with refused(PermissionDenied, "盘点"):
        zreport_data(hall.ctx, lina, hall.shifts["lina"])
    with pytest.raises(PermissionDenied):
        daily_report_data(hall.ctx, lina, dt.date(2026, 3, 2), hall.hall_id)
    with pytest.raises(PermissionDenied):  # another clerk's shift, counted or not
        zreport_data(hall.ctx, hall.actor("wangfang", hall.counter2_id), hall.shifts["lina"])

    result = count(hall, lina, 59000)
    assert (result.lines[0].expected_fen, result.lines[0].counted_fen) == (expected, 59000)
    assert zreport_data(hall.ctx, lina, hall.shifts["lina"]).cash.expected_fen == expected


def test_a_count_older_than_the_last_operation_must_be_redone(hall):
    account = open_customer(hall)
    count(hall, hall.clerk, 50000)
    buy(hall, account.card_serial, volume=m3(10))
    with refused(RuleViolation, "重新盘点"):
        close(hall, hall.clerk)
    count(hall, hall.clerk, 50000 + 2610, approver="zhoujie")  # the figure was shown: 班长
    assert close(hall, hall.clerk).over_short == ()


def test_a_recount_after_the_reveal_needs_a_team_leader(hall):
    """Issue 13 item 6: once a count answered with the expected figures, counting again to
    match them needs a 班长's (or a manager's) password; without it nothing is written."""
    lina = hall.clerk
    first = count(hall, lina, 49000)  # 10.00 short: the expected 500.00 is now on screen
    assert first.lines[0].expected_fen == 50000
    before = row_counts(hall.ctx)
    for approver, error, message in (
        (None, RuleViolation, "班长审批"),
        ("wangfang", PermissionDenied, "无此权限"),  # a clerk
        ("zhaomin", PermissionDenied, "无此权限"),  # finance
        ("lina", PermissionDenied, "本人"),
    ):
        with refused(error, message):
            count(hall, lina, 50000, approver)
    wrong = CountRequest(
        rid(),
        count_of(50000),
        terminals(),
        dataclasses.replace(hall.credential("zhoujie"), password="nope"),
    )
    with refused(PermissionDenied, "密码错误"):
        count_drawer(hall.ctx, lina, wrong)
    assert row_counts(hall.ctx) == before
    assert close(hall, lina, "少收", "zhoujie").count.count_id == first.count_id  # still the first

    # a new shift: its first count is blind again and needs nobody
    open_shift(hall.ctx, lina, OpenShiftRequest(rid(), count_of(50000), "finance"))
    counted = count(hall, lina, 50000)
    again = CountRequest(rid(), count_of(50000), terminals(), hall.credential("zhoujie"))
    recount = count_drawer(hall.ctx, lina, again)
    assert recount.count_id > counted.count_id and recount.balanced
    assert count_drawer(hall.ctx, lina, again) == recount  # a retried submit: no third row
    with hall.ctx.reading() as s:
        stored = s.scalars(select(ShiftCount).where(ShiftCount.shift_id == recount.shift_id))
        assert [row.id for row in stored] == [counted.count_id, recount.count_id]
    assert close(hall, lina).count.count_id == recount.count_id


def test_every_terminal_total_must_be_entered(hall):
    """A non-cash total left out is refused with the terminal's name, never taken as agreeing;
    0 is an entry."""
    lina = hall.clerk
    before = row_counts(hall.ctx)
    for left_out, label in (("bank_card", "银行卡"), ("wechat", "微信"), ("alipay", "支付宝")):
        totals = {m: 0 for m in terminals() if m != left_out}
        with refused(InvalidInput, f"请填写{label}终端合计"):
            count_drawer(hall.ctx, lina, CountRequest(rid(), count_of(50000), totals))
        with refused(InvalidInput, "非现金合计"):
            count_drawer(
                hall.ctx, lina, CountRequest(rid(), count_of(50000), {**totals, left_out: None})
            )
    with refused(InvalidInput, "请填写银行卡终端合计"):
        count_drawer(hall.ctx, lina, CountRequest(rid(), count_of(50000)))
    assert row_counts(hall.ctx) == before
    result = count(hall, lina, 50000)  # all three entered as 0
    assert result.balanced and [line.counted_fen for line in result.lines] == [50000, 0, 0, 0]


def test_the_shift_desk_suggests_float_and_receiver_and_never_a_drawer_figure(hall):
    """What F11 and F10 start from: the last float's notes, the usual finance user, whether the
    expected figures were shown; never what the drawer should hold."""
    lina = hall.clerk
    account = open_customer(hall)
    buy(hall, account.card_serial, volume=m3(37))  # 96.57 in the drawer
    desk = shift_desk(hall.ctx, lina)
    assert desk.shift is not None and desk.shift.shift_id == hall.shifts["lina"]
    assert (desk.counted, desk.float_count, desk.receiver) == (False, None, "zhaomin")
    for figure in ("59657", "596.57", "9657", "96.57"):
        assert figure not in repr(desk)

    count(hall, lina, 59657)
    assert shift_desk(hall.ctx, lina).counted  # a recount now needs a team leader
    close(hall, lina)
    desk = shift_desk(hall.ctx, lina)
    assert desk.shift is None and not desk.counted
    assert desk.float_count == count_of(50000)  # the seeded float's notes: 5 × 100元

    # two finance users: nobody is guessed until one of them has taken a hand-over
    hall.users["qianfeng"] = add_user(hall.ctx, "qianfeng", "钱峰", "finance", password=PASSWORD)
    assert shift_desk(hall.ctx, lina).receiver is None
    opened = open_shift(hall.ctx, lina, OpenShiftRequest(rid(), count_of(30000), "safe"))
    assert shift_desk(hall.ctx, lina).float_count is None  # open: nothing to suggest
    handover(hall, lina, 10000, receiver="qianfeng")
    assert shift_desk(hall.ctx, lina).receiver == "qianfeng"
    count(hall, lina, 20000)
    close(hall, lina)
    assert shift_desk(hall.ctx, lina).float_count == count_of(30000)  # the latest float
    assert opened.float_fen == 30000


def test_a_denomination_count_adds_up_and_rejects_nonsense():
    drawn = DrawerCount({10000: 45, 5000: 1, 1000: 2, 50: 3}, coins_fen=7).checked()
    assert drawn.total_fen == 450000 + 5000 + 2000 + 150 + 7
    assert DrawerCount.from_json(drawn.as_json()) == drawn
    assert count_of(452157).total_fen == 452157
    for bad in (
        DrawerCount({10000: -1}),
        DrawerCount({3000: 1}),
        DrawerCount({100: 1.5}),
        DrawerCount({}, coins_fen=-1),
        DrawerCount({10000: 10**6}),
    ):
        with pytest.raises(InvalidInput):
            bad.checked()


# ------------------------------------------------------------------------- over/short sign-off


def test_over_short_needs_an_explanation_and_a_team_leaders_password(hall):
    lina = hall.clerk
    count(hall, lina, 50000 + 2000)  # 20.00 over (长款)
    before = row_counts(hall.ctx)
    attempts = [
        ({}, InvalidInput, "长短款说明"),
        ({"explanation": "多收"}, RuleViolation, "班长签字"),
        ({"explanation": "多收", "signer": "wangfang"}, PermissionDenied, "无此权限"),
        ({"explanation": "多收", "signer": "zhaomin"}, PermissionDenied, "无此权限"),
    ]
    for kwargs, error, message in attempts:
        with refused(error, message):
            close(hall, lina, **kwargs)
    wrong = CloseShiftRequest(
        rid(), "多收", dataclasses.replace(hall.credential("zhoujie"), password="nope")
    )
    with refused(PermissionDenied, "密码错误"):
        close_shift(hall.ctx, lina, wrong)
    assert row_counts(hall.ctx) == before  # nothing written by any refused close

    # a team leader counting their own drawer cannot sign their own difference
    counter4 = ensure_counter(hall.ctx, hall.hall_id, "4")
    zhou = hall.actor("zhoujie", counter4)
    open_shift(hall.ctx, zhou, OpenShiftRequest(rid(), count_of(10000), "finance"))
    count(hall, zhou, 9000)
    with refused(PermissionDenied, "本人"):
        close(hall, zhou, "少了", "zhoujie")

    request = CloseShiftRequest(rid(), "多收客户20元，已登记待退", hall.credential("zhoujie"))
    closed = close_shift(hall.ctx, lina, request)
    assert close_shift(hall.ctx, lina, request) == closed  # a retried close
    assert [x.difference_fen for x in closed.over_short] == [2000]
    z = zreport_data(hall.ctx, hall.actor("zhoujie", counter4), hall.shifts["lina"])
    assert z.cash.over_short_fen == 2000 and z.cash.to_safe_fen == -52000
    cash = z.cash
    assert (
        cash.float_fen
        + cash.cash_in_fen
        + cash.cash_out_fen
        + cash.cash_received_fen
        + cash.cash_paid_fen
        + cash.handed_over_fen
        == cash.expected_fen
    )
    assert cash.expected_fen + cash.over_short_fen == cash.counted_fen == -cash.to_safe_fen


def test_a_non_cash_difference_is_its_own_row_too(hall):
    account = open_customer(hall)
    purchase(
        hall.ctx,
        hall.clerk,
        PurchaseRequest(rid(), account.card_serial, m3(10), payment=Payment(WECHAT, "WX1")),
    )
    result = count(hall, hall.clerk, 50000, wechat=2000)  # the terminal says 20.00, not 26.10
    assert [(x.method, x.difference_fen) for x in result.lines if x.difference_fen] == [
        (WECHAT, -610)
    ]
    closed = close(hall, hall.clerk, "微信退款未入账", "zhoujie")
    assert [(x.method, x.difference_fen) for x in closed.over_short] == [(WECHAT, -610)]
    with hall.ctx.reading() as s:
        row = s.scalars(select(CashMovement).where(CashMovement.kind == "over_short")).one()
        assert (row.payment_method, row.amount_fen, row.drawer_fen) == (WECHAT, -610, 0)


# ------------------------------------------------------------------------- limits


def test_drawer_limits_warn_then_stop_cash_and_a_hand_over_clears_them(hall):
    with hall.ctx.unit_of_work() as s:
        save_setting(s, "drawer_warn_limit_fen", 100000)  # 1000.00
        save_setting(s, "drawer_stop_limit_fen", 150000)  # 1500.00
        s.commit()
    account = open_customer(hall, household=6)
    # float 500.00; each sale of 100 m³ is 261.00
    first = buy(hall, account.card_serial, volume=m3(100))  # drawer 761.00
    assert first.warning is None and drawer_status(hall.ctx, hall.clerk).level == "ok"
    second = buy(hall, account.card_serial, volume=m3(100))  # 1022.00: above the warning
    assert second.warning == "钱箱现金已超过1000.00元，请尽快交款"
    assert drawer_status(hall.ctx, hall.clerk).level == "warn"
    buy(hall, account.card_serial, volume=m3(100))  # 1283.00
    # the stop limit holds for the drawer after the charge: 1283.00 + 261.00 would be 1544.00
    before = row_counts(hall.ctx)
    with refused(RuleViolation, "1500.00元上限"):
        buy(hall, account.card_serial, volume=m3(100))
    assert row_counts(hall.ctx) == before
    fourth = buy(hall, account.card_serial, volume=m3(50))  # 130.50: 1413.50, under the stop
    assert fourth.warning and expected_cash(hall, hall.shifts["lina"]) == 50000 + 3 * 26100 + 13050
    assert drawer_status(hall.ctx, hall.clerk).level == "warn"
    # non-cash payment still works above the stop
    purchase(
        hall.ctx,
        hall.clerk,
        PurchaseRequest(rid(), account.card_serial, m3(1), payment=Payment("bank_card", "POS1")),
    )
    handover(hall, hall.clerk, 120000)
    assert drawer_status(hall.ctx, hall.clerk).level == "ok"
    assert buy(hall, account.card_serial, volume=m3(1)).warning is None


def test_hand_over_needs_a_finance_users_own_password(hall):
    before = row_counts(hall.ctx)
    for receiver, error in (("zhoujie", "无此权限"), ("lina", "本人")):
        with refused(PermissionDenied, error):
            handover(hall, hall.clerk, 10000, receiver=receiver)
    wrong = HandoverRequest(
        rid(), count_of(10000), dataclasses.replace(hall.credential("zhaomin"), password="x")
    )
    with refused(PermissionDenied, "密码错误"):
        hand_over(hall.ctx, hall.clerk, wrong)
    with refused(InvalidInput, "大于零"):
        handover(hall, hall.clerk, 0)
    assert row_counts(hall.ctx) == before
    request = HandoverRequest(rid(), count_of(10000), hall.credential("zhaomin"))
    first = hand_over(hall.ctx, hall.clerk, request)
    assert hand_over(hall.ctx, hall.clerk, request) == first  # a retry: one row, one slip
    second = handover(hall, hall.clerk, 5000)
    assert (first.slip_no, second.slip_no) == ("JK02-2026-00001", "JK02-2026-00002")
    with pytest.raises(Conflict):
        move_cash(
            hall.ctx,
            hall.clerk,
            CashMoveRequest(request.request_id, CashMovementKind.CASH_IN, 1, "x"),
        )


# ------------------------------------------------------------------------- takings held too long


def test_takings_held_over_two_working_days_are_flagged_until_handed_over(hall, clock):
    with hall.ctx.unit_of_work() as s:  # Tuesday 2026-03-03 is a holiday in this calendar
        save_calendar(s, WorkCalendar(holidays=frozenset({dt.date(2026, 3, 3)})))
        s.commit()
    account = open_customer(hall)
    buy(hall, account.card_serial, volume=m3(100))  # Monday 2 March: 261.00 taken
    count(hall, hall.clerk, 50000 + 26100)
    close(hall, hall.clerk)  # into the safe overnight
    wang = hall.actor("wangfang", hall.counter2_id)
    count(hall, wang, 50000)
    close(hall, wang)

    clock.set(2026, 3, 5, 8, 30)  # Thursday: Wednesday and Thursday are 2 working days
    assert overdue_takings(hall.ctx, hall.hall_id) == []
    clock.set(2026, 3, 6, 8, 30)  # Friday: three working days
    overdue = overdue_takings(hall.ctx, hall.hall_id)
    assert [(h.business_date, h.amount_fen) for h in overdue] == [(dt.date(2026, 3, 2), 26100)]
    opened = open_shift(hall.ctx, hall.clerk, OpenShiftRequest(rid(), count_of(0), "safe"))
    assert opened.overdue == tuple(overdue)  # shown when the clerk opens the shift
    daily = daily_report_data(hall.ctx, hall.actor("zhoujie"), dt.date(2026, 3, 6), hall.hall_id)
    assert [(h.business_date, h.overdue) for h in daily.held] == [(dt.date(2026, 3, 2), True)]
    assert daily.safe_cash_fen == 2 * 50000 + 26100

    handover(hall, hall.clerk, 26100, source="safe")
    assert overdue_takings(hall.ctx, hall.hall_id) == []
    with refused(RuleViolation, "保险柜"):
        handover(hall, hall.clerk, 100001, source="safe")


# ------------------------------------------------------------------------- regeneration


def test_a_closed_shifts_zreport_regenerates_identically(hall, clock):
    from app.documents.zreport import zreport

    account = open_customer(hall)
    buy(hall, account.card_serial, volume=m3(30))
    handover(hall, hall.clerk, 5000)
    count(hall, hall.clerk, 50000 + 7830 - 5000 - 100)
    close(hall, hall.clerk, "点钞差错", "zhoujie")
    leader = hall.actor("zhoujie")
    first = zreport_data(hall.ctx, leader, hall.shifts["lina"])
    pdf = zreport(first)

    clock.advance(days=3)  # later: other shifts sell, the clock moves on
    wang = hall.actor("wangfang", hall.counter2_id)
    buy(hall, account.card_serial, volume=m3(5), actor=wang)
    again = zreport_data(hall.ctx, leader, hall.shifts["lina"])
    assert again == first
    assert zreport(again) == pdf


def test_demo_user_hash_is_argon2id():
    assert password_hash().startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_transactions_carry_their_shift(hall):
    account = open_customer(hall)
    sale = buy(hall, account.card_serial, volume=m3(10))
    with hall.ctx.reading() as s:
        txn = s.get(CounterTransaction, sale.transaction_id)
        assert txn.shift_id == hall.shifts["lina"] and txn.payment_method == CASH
        opening = s.scalars(
            select(CounterTransaction).where(CounterTransaction.kind == "opening")
        ).first()
        assert opening.shift_id == hall.shifts["lina"] and opening.payment_method is None


def test_add_user_hashes_a_given_password(ctx):
    user_id = add_user(ctx, "qianfeng", "钱峰", "finance", password="caiwu-2026")
    from db.models import User

    with ctx.reading() as s:
        assert s.get(User, user_id).password_hash.startswith("$argon2id$")
    with refused(InvalidInput, "密码至少"):
        add_user(ctx, "short", "短", "clerk", password="123")
