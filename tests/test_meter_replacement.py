"""Meter replacement (换表) through the services, on SQLite and PostgreSQL: the old meter settled
from its final reading, carry-over in instalments, overdrawn gas through the tier ladder, fees,
approvals, reversal, and the purchase count restarting on the new meter.

Figures use the scenario tariff (tests/support.py): residential 2.61 / 2.83 / 4.23 yuan per m³
at 350 and 500 m³ a ladder year (a household of 3); commercial flat 3.35 yuan per m³.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.domain.cards import CardReading
from app.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from app.policy import save_setting, store_setting
from app.services.administration import PRICE_LIST
from app.services.cards import ReplaceCardRequest, replace_card
from app.services.meters import (
    NO_METER_FEE,
    CarryOverRequest,
    ReplaceMeterRequest,
    ReverseReplacementRequest,
    carry_over_of,
    replace_meter,
    replacement_quote,
    reverse_meter_replacement,
    write_carry_over,
)
from app.services.printing import receipt_data
from app.services.queries import account_view, gas_put_on_cards, last_gas_volume, tier_usage
from app.services.sales import RefundRequest, refund
from app.services.security import ApprovalInput
from app.services.setup import add_user
from app.vocabulary import MeterStatus, TransactionKind
from db.models import Card, CounterTransaction, Meter, MeterReplacement, TransactionSegment
from tests.support import (
    PASSWORD,
    buy,
    lift_cash_limits,
    m3,
    open_customer,
    open_shift,
    password_hash,
    refused,
    rid,
    row_counts,
    terminals,
)

_numbers = iter(range(1, 10_000))


def _replace(hall, account_no, final_reading, **extra):
    n = next(_numbers)
    values = dict(
        request_id=rid(),
        account_no=account_no,
        final_reading=final_reading,
        technician="王师傅",
        new_meter_no=f"NEW{n:07d}",
        new_card_serial=f"N{n:09d}",
        new_meter_model="G2.5",
    )
    values.update(extra)
    return replace_meter(hall.ctx, extra.pop("actor", hall.clerk), ReplaceMeterRequest(**values))


def _blank(serial, count=0):
    """The new card as the reader sees it: ``count`` written and loaded, nothing pending."""
    return CardReading(serial, count, 0, count)


def _instalment(hall, serial, volume, count):
    return write_carry_over(
        hall.ctx,
        hall.clerk,
        CarryOverRequest(rid(), serial, volume, card=_blank(serial, count)),
    )


def _set_fees(hall, meter_fee_fen):
    with hall.ctx.unit_of_work() as session:
        fees = [{"code": "card_fee", "name": "补卡工本费", "amount_fen": 2000}]
        if meter_fee_fen is not None:
            fees.append({"code": "meter_fee", "name": "换表费", "amount_fen": meter_fee_fen})
        store_setting(session, PRICE_LIST, json.dumps(fees, ensure_ascii=False))
        session.commit()


def _add_managers(hall):
    for name, display, role in (
        ("sunwei", "孙伟", "department_manager"),
        ("wugang", "吴刚", "vice_president"),
    ):
        hall.users[name] = add_user(hall.ctx, name, display, role, password_hash=password_hash())


def _approve(hall, *names):
    return tuple(ApprovalInput(hall.users[n], "同意换表补气", PASSWORD) for n in names)


def test_carry_over_only_binds_the_new_meter_and_restarts_the_count(hall):
    opened = open_customer(hall)
    buy(hall, opened.card_serial, volume=m3(100))  # count 1, 100 m³ × 2.61 = 261.00
    # final reading 60 m³ on a meter installed at 0: used 60, bought 100 → carry-over 40
    done = _replace(hall, opened.account_no, m3(60))
    f = done.figures
    assert (f.used_volume, f.bought_volume) == (m3(60), m3(100))
    assert (f.carry_over_volume, f.overdrawn_volume) == (m3(40), 0)
    assert (f.meter_fee_fen, f.card_fee_fen, f.amount_fen) == (0, 0, 0)
    assert done.overdrawn is None
    assert done.replacement.amount_fen == 0
    assert done.replacement.kind == TransactionKind.METER_REPLACEMENT
    assert done.carry_over_remaining == m3(40)

    view = account_view(hall.ctx, hall.clerk, opened.account_no)
    assert view.purchase_count == 0  # the new meter's first write carries count 1
    assert view.summary.meter_no == done.new_meter_no
    assert view.summary.card_serial == done.new_card_serial
    assert view.carry_over_remaining == m3(40)
    assert [m.meter_no for m in view.meter_history] == [opened.meter_no, done.new_meter_no]
    assert view.meter_history[0].final_reading == m3(60)
    assert view.meter_history[0].carry_over_volume == m3(40)
    with hall.ctx.unit_of_work() as s:
        old = s.scalar(select(Meter).where(Meter.meter_no == opened.meter_no))
        assert (old.status, old.account_id, old.final_reading) == (
            MeterStatus.RETIRED,
            None,
            m3(60),
        )
        assert old.retired_at is not None
        row = s.scalar(select(MeterReplacement))
        assert (row.old_meter_id, row.carry_over_volume, row.technician) == (
            old.id,
            m3(40),
            "王师傅",
        )
        assert s.get(Card, row.new_card_id).serial == done.new_card_serial
        statuses = {c.serial: c.status for c in s.scalars(select(Card))}
        assert statuses[opened.card_serial] == "retired"

    # the whole carry-over with the new card: count 1, no money, no tier use
    written = _instalment(hall, done.new_card_serial, m3(40), 0)
    assert (written.kind, written.purchase_count, written.volume, written.amount_fen) == (
        TransactionKind.CARRY_OVER,
        1,
        m3(40),
        0,
    )
    assert written.segments == ()
    assert carry_over_of(hall.ctx, hall.clerk, opened.account_no) == 0
    assert tier_usage(hall.ctx, hall.clerk, opened.account_no).total_used == m3(100)
    # a maker's new card of this meter keeps this meter's gas only: 40 m³
    assert gas_put_on_cards(hall.ctx, opened.account_no) == m3(40)
    with refused(RuleViolation, "没有待写入的换表补气"):
        _instalment(hall, done.new_card_serial, m3(1), 1)


def test_overdrawn_gas_is_sold_across_the_tier_breakpoint(hall):
    opened = open_customer(hall)
    buy(hall, opened.card_serial, volume=m3(340))  # tier 1: 340 × 2.61 = 887.40
    # final reading 360: used 360, bought 340 → overdrawn 20 m³, the year's use 340 → 360:
    # 10 m³ in tier 1 × 2.61 = 26.10, 10 m³ in tier 2 × 2.83 = 28.30; total 54.40 yuan
    quote = replacement_quote(hall.ctx, hall.clerk, opened.account_no, m3(360))
    assert (quote.carry_over_volume, quote.overdrawn_volume) == (0, m3(20))
    assert quote.overdrawn_fen == 5440
    done = _replace(hall, opened.account_no, m3(360), cash_tendered_fen=10000)
    sale = done.overdrawn
    assert (sale.kind, sale.volume, sale.amount_fen) == (TransactionKind.OVERDRAWN, m3(20), 5440)
    assert [(s.tier, s.volume, s.amount_fen) for s in sale.segments] == [
        (1, m3(10), 2610),
        (2, m3(10), 2830),
    ]
    # 100.00 tendered for 54.40 and no fees: 45.60 change on the overdrawn sale's receipt
    assert (sale.cash_tendered_fen, sale.change_fen) == (10000, 4560)
    assert done.carry_over_remaining == 0
    usage = tier_usage(hall.ctx, hall.clerk, opened.account_no)
    assert usage.total_used == m3(360)
    assert [t.used for t in usage.tiers] == [m3(350), m3(10), 0]
    receipt = receipt_data(hall.ctx, sale.transaction_id)
    assert [(t.tier, t.amount_fen) for t in receipt.tiers] == [(1, 2610), (2, 2830)]
    assert done.transaction_ids == (sale.transaction_id, done.replacement.transaction_id)


def test_carry_over_in_three_instalments_prints_the_remainder(hall):
    opened = open_customer(hall)
    buy(hall, opened.card_serial, volume=m3(150))
    # used 60, bought 150 → carry-over 90, written 30 + 30 + 30 over three visits
    done = _replace(hall, opened.account_no, m3(60))
    serial = done.new_card_serial
    assert receipt_data(hall.ctx, done.replacement.transaction_id).carry_over_remaining == m3(90)
    remainders = []
    for count in range(3):  # each instalment loaded into the new meter before the next
        written = _instalment(hall, serial, m3(30), count)
        assert written.purchase_count == count + 1
        remainders.append(receipt_data(hall.ctx, written.transaction_id).carry_over_remaining)
    assert remainders == [m3(60), m3(30), 0]
    # a purchase between instalments would print the remainder too; after the last, none
    sale = buy(hall, serial, volume=m3(10), card_reading=_blank(serial, 3))
    assert sale.purchase_count == 4
    assert receipt_data(hall.ctx, sale.transaction_id).carry_over_remaining == 0
    with refused(RuleViolation, "没有待写入"):
        _instalment(hall, serial, m3(1), 4)


def test_remainder_is_on_a_purchase_receipt_and_an_instalment_cannot_exceed_it(hall):
    opened = open_customer(hall)
    buy(hall, opened.card_serial, volume=m3(100))
    done = _replace(hall, opened.account_no, m3(50))  # carry-over 50
    serial = done.new_card_serial
    sale = buy(hall, serial, volume=m3(10), card_reading=_blank(serial, 0))
    assert sale.purchase_count == 1
    assert receipt_data(hall.ctx, sale.transaction_id).carry_over_remaining == m3(50)
    with refused(RuleViolation, "超过剩余补气量50立方米"):
        _instalment(hall, serial, m3(51), 1)


def test_customer_at_fault_pays_the_meter_and_card_fees(hall):
    _set_fees(hall, 15000)  # 换表费 150.00 yuan; the card fee is the hall's 20.00
    opened = open_customer(hall)
    buy(hall, opened.card_serial, volume=m3(100))
    quote = replacement_quote(hall.ctx, hall.clerk, opened.account_no, m3(100), True)
    assert (quote.meter_fee_fen, quote.card_fee_fen, quote.amount_fen) == (15000, 2000, 17000)
    done = _replace(
        hall, opened.account_no, m3(100), customer_at_fault=True, cash_tendered_fen=20000
    )
    txn = done.replacement
    # 150.00 + 20.00 = 170.00, 200.00 tendered: 30.00 change
    assert (txn.amount_fen, txn.cash_tendered_fen, txn.change_fen) == (17000, 20000, 3000)
    assert (done.figures.meter_fee_fen, done.figures.card_fee_fen) == (15000, 2000)
    assert "表费150.00元" in txn.reason and "卡费20.00元" in txn.reason
    receipt = receipt_data(hall.ctx, txn.transaction_id)
    details = dict(receipt.details)
    assert details["表费(元)"] == "150.00" and details["卡费(元)"] == "20.00"
    assert details["旧表号"] == opened.meter_no and details["新表号"] == done.new_meter_no


def test_not_at_fault_waives_the_fees_and_a_missing_meter_fee_refuses_fault(hall):
    opened = open_customer(hall)
    buy(hall, opened.card_serial, volume=m3(100))
    with pytest.raises(RuleViolation) as refused:
        _replace(hall, opened.account_no, m3(100), customer_at_fault=True)
    assert refused.value.user_message == NO_METER_FEE
    done = _replace(hall, opened.account_no, m3(100), customer_at_fault=False)
    assert (done.replacement.amount_fen, done.figures.fees_fen) == (0, 0)


@pytest.mark.parametrize(
    ("used", "needs"),
    [
        # bought 300; the team leader threshold is 100 m³ (carry-over = 300 − used)
        (m3(201), ()),  # 99 m³ carried: below
        (m3(200), ()),  # 100 m³: at the threshold, still the clerk alone
        (m3(199.99), ("zhoujie",)),  # 100.01 m³: above, a team leader
    ],
)
def test_residential_carry_over_approval_threshold(hall, used, needs):
    lift_cash_limits(hall.ctx)
    opened = open_customer(hall)
    buy(hall, opened.card_serial, volume=m3(300))
    if needs:
        with refused(PermissionDenied, "班长"):
            _replace(hall, opened.account_no, used)
    done = _replace(hall, opened.account_no, used, approvals=_approve(hall, *needs))
    assert done.figures.carry_over_volume == m3(300) - used


@pytest.mark.parametrize(
    ("used", "needs"),
    [
        # bought 100 at 3.35; the commercial threshold set to 50 m³ (carry-over = 100 − used)
        (m3(51), ()),  # 49 m³
        (m3(50), ()),  # 50 m³: at it
        (m3(49), ("sunwei", "wugang")),  # 51 m³: department manager and vice president
    ],
)
def test_commercial_carry_over_approval_threshold(hall, used, needs):
    _add_managers(hall)
    with hall.ctx.unit_of_work() as session:
        save_setting(session, "replacement_commercial_volume", m3(50))
        session.commit()
    opened = open_customer(hall, "城东饭店", kind="commercial")
    buy(hall, opened.card_serial, volume=m3(100))
    if needs:
        with refused(PermissionDenied, "部门经理"):
            _replace(hall, opened.account_no, used, approvals=_approve(hall, "sunwei"))
        with refused(PermissionDenied, "岗位不符"):
            _replace(hall, opened.account_no, used, approvals=_approve(hall, "sunwei", "zhoujie"))
    done = _replace(hall, opened.account_no, used, approvals=_approve(hall, *needs))
    assert done.figures.carry_over_volume == m3(100) - used


def test_reversal_before_any_write_restores_the_old_meter_and_tier_usage(hall):
    _set_fees(hall, 15000)
    opened = open_customer(hall)
    buy(hall, opened.card_serial, volume=m3(340))  # count 1
    # overdrawn 20 m³ = 54.40 (see the tier test), fees 150.00 + 20.00: 224.40 paid
    done = _replace(hall, opened.account_no, m3(360), customer_at_fault=True)
    assert done.figures.amount_fen == 5440 + 17000
    with refused(PermissionDenied, "班长"):  # cash goes back: never the clerk alone
        reverse_meter_replacement(
            hall.ctx, hall.clerk, ReverseReplacementRequest(rid(), opened.account_no, "表号录错")
        )
    leader = (ApprovalInput(hall.users["zhoujie"], "核实录错", PASSWORD),)
    back = reverse_meter_replacement(
        hall.ctx,
        hall.clerk,
        ReverseReplacementRequest(rid(), opened.account_no, "表号录错", leader),
    )
    assert (back.reversal.kind, back.reversal.amount_fen) == (TransactionKind.REVERSAL, -17000)
    assert back.overdrawn_reversal.amount_fen == -5440
    assert back.overdrawn_reversal.volume == -m3(20)
    assert [(s.tier, s.volume) for s in back.overdrawn_reversal.segments] == [
        (1, -m3(10)),
        (2, -m3(10)),
    ]
    assert tier_usage(hall.ctx, hall.clerk, opened.account_no).total_used == m3(340)
    view = account_view(hall.ctx, hall.clerk, opened.account_no)
    assert view.summary.meter_no == opened.meter_no
    assert view.summary.card_serial == opened.card_serial
    assert view.purchase_count == 1
    assert view.carry_over_remaining == 0
    assert [m.meter_no for m in view.meter_history] == [opened.meter_no]
    with hall.ctx.unit_of_work() as s:
        old = s.scalar(select(Meter).where(Meter.meter_no == opened.meter_no))
        assert (old.status, old.final_reading, old.retired_at) == (MeterStatus.ACTIVE, None, None)
        new = s.scalar(select(Meter).where(Meter.meter_no == done.new_meter_no))
        assert new.account_id is None
        assert s.scalar(select(Card.status).where(Card.serial == done.new_card_serial)) == (
            "blacklisted"
        )
        reversal = s.get(CounterTransaction, back.reversal.transaction_id)
        assert reversal.reverses_id == done.replacement.transaction_id
    with refused(NotFound, "没有可撤销的换表"):
        reverse_meter_replacement(
            hall.ctx, hall.clerk, ReverseReplacementRequest(rid(), opened.account_no, "再撤")
        )
    # the old meter settles again from its own figures: a new replacement sees the same
    again = replacement_quote(hall.ctx, hall.clerk, opened.account_no, m3(360))
    assert (again.bought_volume, again.overdrawn_volume) == (m3(340), m3(20))
    # every row the replacement and its reversal wrote (meters, cards, the replacement) is
    # chained in the audit log and still matches it
    from app.services import audit
    from tests.support import AUDIT_KEY

    report = audit.verify(hall.ctx.db, AUDIT_KEY)
    assert report.ok, report.problems


def test_reversal_refused_after_a_carry_over_was_written(hall):
    opened = open_customer(hall)
    buy(hall, opened.card_serial, volume=m3(100))
    done = _replace(hall, opened.account_no, m3(60))
    _instalment(hall, done.new_card_serial, m3(10), 0)
    with refused(RuleViolation, "已写卡"):
        reverse_meter_replacement(
            hall.ctx, hall.clerk, ReverseReplacementRequest(rid(), opened.account_no, "录错")
        )


def close_clerks_shift(hall):
    """李娜 counts her drawer exactly, closes the shift and opens the next one."""
    from app.domain.cash import CASH, count_of
    from app.services.shifts import (
        CloseShiftRequest,
        CountRequest,
        close_shift,
        count_drawer,
        expected_by_method,
    )

    with hall.ctx.reading() as s:
        cash = expected_by_method(s, hall.shifts["lina"])[CASH]
    count_drawer(hall.ctx, hall.clerk, CountRequest(rid(), count_of(cash), terminals()))
    close_shift(hall.ctx, hall.clerk, CloseShiftRequest(rid()))
    hall.shifts["lina"] = open_shift(hall.ctx, hall.clerk)


def test_reversal_refused_after_the_shift_was_closed(hall):
    opened = open_customer(hall)
    buy(hall, opened.card_serial, volume=m3(100))
    _replace(hall, opened.account_no, m3(60))
    close_clerks_shift(hall)
    with refused(RuleViolation, "已结班"):
        reverse_meter_replacement(
            hall.ctx, hall.clerk, ReverseReplacementRequest(rid(), opened.account_no, "录错")
        )


def test_refund_after_replacement_gives_back_the_new_meters_purchase(hall):
    opened = open_customer(hall)
    buy(hall, opened.card_serial, volume=m3(100))  # old meter, count 1: 261.00
    done = _replace(hall, opened.account_no, m3(100))  # used all of it: nothing carried
    serial = done.new_card_serial
    with refused(RuleViolation, "只能退最后一次购气"):
        # count 0 on the new card: the old meter's purchase at count 1 is not this card's
        refund(
            hall.ctx,
            hall.clerk,
            RefundRequest(rid(), _blank(serial, 0), "退气", _approve(hall, "admin")),
        )
    sale = buy(hall, serial, volume=m3(20), card_reading=_blank(serial, 0))  # 20 × 2.61 = 52.20
    assert sale.purchase_count == 1
    back = refund(
        hall.ctx,
        hall.clerk,
        RefundRequest(rid(), CardReading(serial, 1, m3(20), 0), "退气", _approve(hall, "admin")),
    )
    assert (back.reverses_id if hasattr(back, "reverses_id") else None) is None
    assert (back.volume, back.amount_fen, back.purchase_count) == (-m3(20), -5220, 0)
    with hall.ctx.unit_of_work() as s:
        assert s.get(CounterTransaction, back.transaction_id).reverses_id == sale.transaction_id


def test_card_replacement_after_a_carry_over_carries_the_new_meters_gas(hall):
    opened = open_customer(hall)
    buy(hall, opened.card_serial, volume=m3(100))  # old meter: count 1, 100 m³
    done = _replace(hall, opened.account_no, m3(60))
    _instalment(hall, done.new_card_serial, m3(40), 0)  # new meter: count 1, 40 m³ unloaded
    # the lost card's replacement carries the carry-over at count 1, not the old purchase
    assert last_gas_volume(hall.ctx, opened.account_no) == m3(40)
    replace_card(
        hall.ctx,
        hall.clerk,
        ReplaceCardRequest(rid(), opened.account_no, "R000000001", "defect"),
    )
    assert last_gas_volume(hall.ctx, opened.account_no) == m3(40)
    assert gas_put_on_cards(hall.ctx, opened.account_no) == m3(40)


def test_closing_after_replacement_settles_the_new_meter_with_the_remainder(hall):
    from app.services.accounts import CloseAccountRequest, close_account

    opened = open_customer(hall)
    buy(hall, opened.card_serial, volume=m3(100))
    done = _replace(hall, opened.account_no, m3(60), new_initial_reading=m3(5))
    _instalment(hall, done.new_card_serial, m3(10), 0)
    # new meter credit: 10 written + 30 still owed = 40; used 12 − 5 = 7: 33 m³ unused,
    # refunded at the old purchase's price 2.61: 86.13 yuan
    closed = close_account(
        hall.ctx,
        hall.clerk,
        CloseAccountRequest(
            rid(), opened.account_no, m3(12), "搬迁", card=_blank(done.new_card_serial, 1)
        ),
    )
    assert (closed.volume, closed.amount_fen) == (-m3(33), -8613)
    with hall.ctx.unit_of_work() as s:
        segments = s.scalars(
            select(TransactionSegment).where(
                TransactionSegment.transaction_id == closed.transaction_id
            )
        ).all()
        assert [(t.tier, t.volume) for t in segments] == [(1, -m3(33))]


def test_receipts_print_the_remainder_the_replacement_figures_and_overrides(hall):
    import datetime as dt

    from app.documents.receipts import layout
    from app.vocabulary import OverrideKind
    from db.models import SaleOverride

    opened = open_customer(hall)
    buy(hall, opened.card_serial, volume=m3(100))
    done = _replace(hall, opened.account_no, m3(60))  # 40 carried over, none written
    serial = done.new_card_serial
    sale = buy(hall, serial, volume=m3(10), card_reading=_blank(serial, 0))
    with hall.ctx.unit_of_work() as s:  # what the purchase-limit override writes with a sale
        s.add(
            SaleOverride(
                transaction_id=sale.transaction_id,
                kind=OverrideKind.PURCHASE_LIMIT,
                approver_id=hall.users["zhoujie"],
                reason="冬季取暖用气",
                detail="超出限购 10 立方米",
                created_at=dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC),
            )
        )
        s.commit()
    data = receipt_data(hall.ctx, sale.transaction_id)
    assert data.overrides == ("超限购放行：冬季取暖用气（审批：周杰）",)
    assert data.carry_over_remaining == m3(40)
    text = [line.text for line in layout(data, 48).lines]
    assert any(t.startswith("换表补气余量(立方米)") and t.endswith("40") for t in text)
    assert "超限购放行：冬季取暖用气（审批：周杰）" in text

    replacement = layout(receipt_data(hall.ctx, done.replacement.transaction_id), 48)
    lines = [line.text for line in replacement.lines]
    assert lines[1] == "换表凭证"
    for label, value in (
        ("旧表号", opened.meter_no),
        ("旧表止码(立方米)", "60"),
        ("换表补气量(立方米)", "40"),
        ("新表号", done.new_meter_no),
        ("施工人员", "王师傅"),
        ("表费(元)", "0.00"),
    ):
        assert any(t.startswith(label) and t.endswith(value) for t in lines), (label, lines)


def _returned_tool_card(hall, opened, kind, cumulative, serial="T000000001"):  # type: ignore[no-untyped-def]
    """A tool card made for the account's meter and brought back (the tool-card helper's
    rows, inserted directly)."""
    import uuid

    from db.models import ToolCard, ToolCardReturn

    now = hall.clock()  # brought back now: after the account's business so far
    with hall.ctx.unit_of_work() as s:
        card = ToolCard(
            request_id=uuid.uuid4(),
            serial=serial,
            maker="xfa",
            kind=kind,
            meter_no=opened.meter_no,
            technician="王师傅",
            reason="换表转移",
            issued_by=hall.users["lina"],
            counter_id=hall.counter_id,
            issued_at=now,
        )
        s.add(card)
        s.flush()
        back = ToolCardReturn(
            tool_card_id=card.id,
            received_by=hall.users["lina"],
            returned_at=now,
            used=True,
            meter_no=opened.meter_no,
            remaining_volume=m3(35),
            cumulative_volume=cumulative,
        )
        s.add(back)
        s.commit()
        return back.id


def test_a_returned_transfer_card_is_recorded_beside_the_typed_reading(hall):
    opened = open_customer(hall)
    buy(hall, opened.card_serial, volume=m3(100))
    return_id = _returned_tool_card(hall, opened, "transfer", m3(65))
    with refused(InvalidInput, "请输入旧表止码"):  # the card's cumulative use is no reading
        _replace(hall, opened.account_no, None, tool_card_return_id=return_id)
    # typed 65: used 65 of 100 bought, carry-over 35, as the card moved 35 out of the meter
    done = _replace(hall, opened.account_no, m3(65), tool_card_return_id=return_id)
    assert (done.figures.final_reading, done.figures.carry_over_volume) == (m3(65), m3(35))
    assert done.figures.moved_out_volume == m3(35)
    with hall.ctx.unit_of_work() as s:
        assert s.scalar(select(MeterReplacement.tool_card_return_id)) == return_id


def test_the_newest_transfer_card_of_the_meter_feeds_the_replacement_unnamed(hall):
    opened = open_customer(hall)
    buy(hall, opened.card_serial, volume=m3(100))
    return_id = _returned_tool_card(hall, opened, "transfer", m3(65))
    quote = replacement_quote(hall.ctx, hall.clerk, opened.account_no, m3(65), False)
    assert (quote.moved_out_volume, quote.transfer_return_id) == (m3(35), return_id)
    done = _replace(hall, opened.account_no, m3(65))
    assert done.figures.transfer_return_id == return_id


def test_a_check_or_valve_card_or_a_stale_transfer_card_cannot_settle_a_replacement(hall):
    opened = open_customer(hall)
    for kind in ("valve_open", "check"):
        return_id = _returned_tool_card(hall, opened, kind, m3(1), serial=f"T-{kind}")
        with refused(RuleViolation, "不能用于换表结算，请使用转移卡"):
            _replace(hall, opened.account_no, m3(1), tool_card_return_id=return_id)
    stale = _returned_tool_card(hall, opened, "transfer", m3(1), serial="T-stale")
    hall.clock.advance(hours=1)
    buy(hall, opened.card_serial, volume=m3(10))  # business after the card came back
    with refused(RuleViolation, "请重新制作转移卡"):
        _replace(hall, opened.account_no, m3(1), tool_card_return_id=stale)


def test_a_first_instalment_above_the_carry_over_is_refused_before_anything_is_recorded(hall):
    opened = open_customer(hall)
    buy(hall, opened.card_serial, volume=m3(30))
    before = row_counts(hall.ctx)
    # final reading 10 of 30 bought: 20 m³ carried over, 21 asked for with the new card
    with refused(InvalidInput, "本次写入补气量不能超过换表补气量20立方米"):
        _replace(hall, opened.account_no, m3(10), first_instalment=m3(21))
    assert row_counts(hall.ctx) == before
    done = _replace(hall, opened.account_no, m3(10), first_instalment=m3(20))
    assert done.figures.carry_over_volume == m3(20)


def test_a_replacement_with_an_instalment_on_a_held_account_records_nothing(hall):
    import datetime as dt

    from app.services.inspections import InspectionEntry, record_inspection

    opened = open_customer(hall)
    buy(hall, opened.card_serial, volume=m3(30))
    hazard = InspectionEntry(opened.account_no, dt.date(2026, 3, 1), "hazard", "孙安全")
    record_inspection(hall.ctx, hall.clerk, rid(), hazard)
    before = row_counts(hall.ctx)
    with refused(RuleViolation, "须整改并安检合格后方可写卡"):
        _replace(hall, opened.account_no, m3(10), first_instalment=m3(10))
    assert row_counts(hall.ctx) == before
    # without an instalment the meter is replaced; the 20 m³ wait for the hold to clear
    done = _replace(hall, opened.account_no, m3(10))
    assert done.carry_over_remaining == m3(20)


def test_a_stock_meters_own_rated_flow_is_kept(hall):
    from db.models import Meter as MeterRow

    opened = open_customer(hall, kind="commercial")
    with hall.ctx.unit_of_work() as s:
        s.add(MeterRow(meter_no="STOCKG10", model="G10", initial_reading=0, rated_flow=1600))
        s.commit()
    _replace(hall, opened.account_no, 0, new_meter_no="STOCKG10")
    with hall.ctx.reading() as s:
        assert s.scalar(select(Meter.rated_flow).where(Meter.meter_no == "STOCKG10")) == 1600


def test_a_fraction_a_whole_m3_card_cannot_take_is_named_with_its_way_out(hall):
    """30 bought, final reading 10.37: 19.63 m³ carried over. A card that takes whole m³
    (a maker's) takes 19; the 0.63 left is refused with the reason and what happens to it."""
    opened = open_customer(hall)
    buy(hall, opened.card_serial, volume=m3(30))
    done = _replace(hall, opened.account_no, m3(10.37))
    assert done.figures.carry_over_volume == m3(19.63)
    serial = done.new_card_serial
    whole = CardReading(serial, 0, 0, 0, volume_step=m3(1))
    written = write_carry_over(hall.ctx, hall.clerk, CarryOverRequest(rid(), serial, m3(19), whole))
    assert written.volume == m3(19)
    after = CardReading(serial, 1, 0, 1, volume_step=m3(1))
    before = row_counts(hall.ctx)
    with refused(RuleViolation, "剩余换表补气0.63立方米不足此卡的最小写卡量1立方米"):
        write_carry_over(hall.ctx, hall.clerk, CarryOverRequest(rid(), serial, m3(1), after))
    assert row_counts(hall.ctx) == before
    assert carry_over_of(hall.ctx, hall.clerk, opened.account_no) == m3(0.63)
