"""A randomized day: three clerks, more than 1000 transactions with refunds, card fees, non-cash
payments, cash in/out and hand-overs, then blind counts (some wrong) and closes.

Every figure of every Z-report and of the daily and monthly reports is checked against sums the
test makes itself from the raw rows (plain SQL, not the report code), and each drawer's expected
cash against float + cash in − cash out + cash takings − cash refunds − hand-overs.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict

import pytest
from sqlalchemy import text

from app.domain.cash import CASH, NON_CASH, PAYMENT_METHODS, Payment, count_of
from app.services.cards import ReplaceCardRequest, replace_card
from app.services.reports import daily_report_data, monthly_report_data, zreport_data
from app.services.sales import PurchaseRequest, RefundRequest, purchase, refund
from app.services.security import ApprovalInput
from app.services.setup import add_user, ensure_counter
from app.services.shifts import (
    CashMoveRequest,
    CloseShiftRequest,
    CountRequest,
    HandoverRequest,
    close_shift,
    count_drawer,
    expected_by_method,
    hand_over,
    move_cash,
)
from app.vocabulary import CashMovementKind
from tests.support import PASSWORD, m3, open_customer, open_shift, password_hash, rid, unloaded

TRANSACTIONS = 1000
DAY = dt.date(2026, 3, 2)

# heavy (processes, the CLI, randomized days): in the suite's second half beside the PC/SC stack
pytestmark = pytest.mark.slow


def rows(ctx, table: str) -> list[dict]:
    with ctx.reading() as s:
        return [dict(r._mapping) for r in s.execute(text(f"SELECT * FROM {table} ORDER BY id"))]


def run_the_day(hall, rng: random.Random) -> dict[str, int]:
    """Returns clerk username → shift id."""
    counter4 = ensure_counter(hall.ctx, hall.hall_id, "4")
    hall.users["chenxiao"] = add_user(
        hall.ctx, "chenxiao", "陈晓", "clerk", password_hash=password_hash()
    )
    hall.shifts["chenxiao"] = open_shift(hall.ctx, hall.actor("chenxiao", counter4), 30000)
    actors = {
        "lina": hall.clerk,
        "wangfang": hall.actor("wangfang", hall.counter2_id),
        "chenxiao": hall.actor("chenxiao", counter4),
    }
    accounts = [open_customer(hall, f"客户{n}", household=rng.randint(1, 6)) for n in range(40)]
    cards = {a.account_no: a.card_serial for a in accounts}
    serials = iter(f"NEW{n:07d}" for n in range(10_000))
    finance = hall.credential("zhaomin")
    approve = (ApprovalInput(hall.users["admin"], "同意", PASSWORD),)
    made = len(accounts)
    minute = 0
    while made < TRANSACTIONS:
        minute += 1
        hall.clock.set(2026, 3, 2, 8 + minute // 120 % 10, minute % 60, minute % 47)
        who = rng.choice(list(actors))
        actor = actors[who]
        account = rng.choice(accounts)
        roll = rng.random()
        if roll < 0.04:
            reason = rng.choice(("lost", "damaged", "defect"))
            method = rng.choice((CASH, CASH, "wechat"))
            payment = Payment(method, None if method == CASH else f"WX{minute}")
            result = replace_card(
                hall.ctx,
                actor,
                ReplaceCardRequest(
                    rid(), account.account_no, next(serials), reason, payment=payment
                ),
            )
            cards[account.account_no] = result.card_serial
            made += 1
            continue
        if roll < 0.07:
            kind = rng.choice((CashMovementKind.CASH_IN, CashMovementKind.CASH_OUT))
            amount = rng.randint(1, 300) * 100
            move_cash(hall.ctx, actor, CashMoveRequest(rid(), kind, amount, "备用零钱/杂项支出"))
            continue
        method = rng.choice((CASH,) * 7 + NON_CASH)
        payment = Payment(method, None if method == CASH else f"REF{minute:06d}")
        by_amount = rng.random() < 0.3
        sale = purchase(
            hall.ctx,
            actor,
            PurchaseRequest(
                rid(),
                cards[account.account_no],
                volume=None if by_amount else m3(rng.randint(5, 120)),
                amount_fen=rng.randint(2000, 40000) if by_amount else None,
                cash_tendered_fen=None,
                payment=payment,
            ),
        )
        made += 1
        if rng.random() < 0.1:  # the customer changes their mind before loading the meter
            refund(hall.ctx, actor, RefundRequest(rid(), unloaded(sale), "客户退气", approve))
            made += 1
        if sale.warning:  # above 5000.00: hand most of the drawer to finance
            amount = rng.randint(30, 45) * 10000
            hand_over(hall.ctx, actor, HandoverRequest(rid(), count_of(amount), finance))
    hall.clock.set(2026, 3, 2, 18, 0)
    for who, actor in actors.items():
        with hall.ctx.reading() as s:
            expected = expected_by_method(s, hall.shifts[who])
        miscount = rng.choice((0, 0, -1000, 500))
        noncash = {m: expected[m] for m in NON_CASH}
        count_drawer(
            hall.ctx, actor, CountRequest(rid(), count_of(expected[CASH] + miscount), noncash)
        )
        explanation = "点钞差错" if miscount else None
        signer = hall.credential("zhoujie") if miscount else None
        close_shift(hall.ctx, actor, CloseShiftRequest(rid(), explanation, signer))
    return dict(hall.shifts)


def sums(txns: list[dict]) -> tuple[int, int, int, int, int]:
    amounts = [t["amount_fen"] for t in txns]
    return (
        len(txns),
        sum(t["volume"] for t in txns),
        sum(amounts),
        sum(a for a in amounts if a > 0),
        sum(a for a in amounts if a < 0),
    )


def test_a_randomized_day_adds_up_to_the_rows(hall, tmp_path):
    shifts = run_the_day(hall, random.Random(20260302))
    txns = rows(hall.ctx, "counter_transactions")
    moves = rows(hall.ctx, "cash_movements")
    segs = rows(hall.ctx, "transaction_segments")
    counted = rows(hall.ctx, "shift_counts")
    assert len(txns) >= TRANSACTIONS
    kinds = {t["kind"] for t in txns}
    assert {"purchase", "refund", "card_replacement", "opening"} <= kinds
    assert {"cash_in", "cash_out", "handover", "over_short", "safe_deposit"} <= {
        m["kind"] for m in moves
    }
    leader = hall.actor("zhoujie")
    seg_by_txn = defaultdict(list)
    for seg in segs:
        seg_by_txn[seg["transaction_id"]].append(seg)

    for who, shift_id in shifts.items():
        mine = [t for t in txns if t["shift_id"] == shift_id]
        moved = [m for m in moves if m["shift_id"] == shift_id]

        def moved_sum(kind, moved=moved):
            return sum(m["amount_fen"] for m in moved if m["kind"] == kind)

        cash = [t["amount_fen"] for t in mine if t["payment_method"] == CASH]
        expected = (
            moved_sum("float")
            + moved_sum("cash_in")
            - moved_sum("cash_out")
            + sum(a for a in cash if a > 0)
            + sum(a for a in cash if a < 0)  # refunds, negative
            - moved_sum("handover")
        )
        count = [c for c in counted if c["shift_id"] == shift_id][-1]
        assert json.loads(count["expected"])[CASH] == expected, who

        z = zreport_data(hall.ctx, leader, shift_id)
        assert z.closed
        assert z.cash.expected_fen == expected
        assert z.cash.counted_fen == count["cash_fen"]
        assert z.cash.over_short_fen == count["cash_fen"] - expected
        assert z.cash.to_safe_fen == -count["cash_fen"]
        total = z.total
        assert (
            total.count,
            total.volume,
            total.amount_fen,
            total.received_fen,
            total.paid_fen,
        ) == (sums(mine))
        by_kind = {k.kind: (k.count, k.volume, k.amount_fen) for k in z.kinds}
        for kind in {t["kind"] for t in mine} | set(by_kind):
            assert by_kind.get(kind, (0, 0, 0)) == sums([t for t in mine if t["kind"] == kind])[:3]
        by_method = {p.method: (p.received_fen, p.paid_fen) for p in z.payments}
        for method, label in PAYMENT_METHODS.items():
            paid = sums([t for t in mine if t["payment_method"] == method])
            assert by_method[label] == (paid[3], paid[4]), (who, method)
        tiers = defaultdict(lambda: [0, 0])
        for t in mine:
            for seg in seg_by_txn[t["id"]]:
                tiers[(seg["tier"], seg["price_fen"])][0] += seg["volume"]
                tiers[(seg["tier"], seg["price_fen"])][1] += seg["amount_fen"]
        assert {(x.tier, x.price_fen): [x.volume, x.amount_fen] for x in z.tiers} == dict(tiers)
        assert [h.amount_fen for h in z.handovers] == [
            m["amount_fen"] for m in moved if m["kind"] == "handover"
        ]
        numbers = sorted((t["receipt_year"], t["receipt_seq"], t["receipt_no"]) for t in mine)
        assert (z.first_receipt, z.last_receipt) == (numbers[0][2], numbers[-1][2])
        assert z.grand_total_fen == sum(
            t["amount_fen"]
            for t in txns
            if t["counter_id"] == z_counter(txns, shift_id) and t["shift_id"] <= shift_id
        )

    daily = daily_report_data(hall.ctx, leader, DAY, hall.hall_id)
    total = daily.total
    assert (total.count, total.volume, total.amount_fen, total.received_fen, total.paid_fen) == (
        sums(txns)
    )
    names = {"lina": "李娜", "wangfang": "王芳", "chenxiao": "陈晓"}
    by_clerk = {
        g.name: (g.count, g.volume, g.amount_fen, g.received_fen, g.paid_fen) for g in daily.clerks
    }
    for who, name in names.items():
        assert by_clerk[name] == sums([t for t in txns if t["operator_id"] == hall.users[who]])
    assert sum(h.amount_fen for h in daily.handovers) == sum(m["finance_fen"] for m in moves)
    assert sorted(x.amount_fen for x in daily.over_short) == sorted(
        m["amount_fen"] for m in moves if m["kind"] == "over_short"
    )
    assert daily.drawer_cash_fen == 0  # every shift closed: the cash is in the safe
    assert daily.safe_cash_fen == sum(m["safe_fen"] for m in moves)
    assert daily.safe_cash_fen == sum(
        c["cash_fen"] for c in counted if c["id"] in last_counts(counted)
    )
    held = sum(h.amount_fen for h in daily.held)  # takings not yet with finance
    floats = sum(m["amount_fen"] for m in moves if m["kind"] == "float")
    assert held == daily.safe_cash_fen - floats

    check_exports(daily, txns, moves, tmp_path)

    monthly = monthly_report_data(hall.ctx, leader, 2026, 3, hall.hall_id)
    (day_line,) = monthly.days
    assert (day_line.count, day_line.volume, day_line.amount_fen) == sums(txns)[:3]
    assert day_line.cash_fen == sum(t["amount_fen"] for t in txns if t["payment_method"] == CASH)
    assert (
        day_line.handed_over_fen == monthly.handed_over_fen == sum(m["finance_fen"] for m in moves)
    )
    assert monthly.total == daily.total and monthly.payments == daily.payments


def z_counter(txns: list[dict], shift_id: int) -> int:
    return next(t["counter_id"] for t in txns if t["shift_id"] == shift_id)


def last_counts(counted: list[dict]) -> set[int]:
    latest: dict[int, int] = {}
    for c in counted:
        latest[c["shift_id"]] = c["id"]
    return set(latest.values())


def check_exports(daily, txns, moves, tmp_path) -> None:
    """The XLSX and CSV exports carry the row sums (read back, not taken from the data object)."""
    from decimal import Decimal

    from openpyxl import load_workbook

    from app.documents.export import daily_report_csv, daily_report_xlsx

    path = tmp_path / "daily.xlsx"
    path.write_bytes(daily_report_xlsx(daily))
    book = load_workbook(path)

    def fen(value) -> int:
        return int(Decimal(str(value)) * 100)

    methods = [r for r in book["按收款方式汇总"].iter_rows(min_row=2, values_only=True)]
    by_label = {r[0]: r for r in methods}
    for method, label in PAYMENT_METHODS.items():
        paid = sums([t for t in txns if t["payment_method"] == method])
        assert (by_label[label][1], fen(by_label[label][2]), fen(by_label[label][3])) == (
            len([t for t in txns if t["payment_method"] == method and t["amount_fen"]]),
            paid[3],
            paid[4],
        ), label
    handed = [r for r in book["交款"].iter_rows(min_row=2, values_only=True) if r[0] != "合计"]
    amounts = [fen(v) for r in handed for v in r[-1:] if v is not None]
    assert sum(amounts) == sum(m["finance_fen"] for m in moves)
    csv_text = daily_report_csv(daily).decode("utf-8-sig")
    assert f"{sum(t['amount_fen'] for t in txns) / 100:.2f}" in csv_text
