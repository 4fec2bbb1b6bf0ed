"""The reports' tables, as rows of typed cells (``layout.Table``): the same table is printed on
the PDF and written to CSV/XLSX (``app.documents.export``); and the blocks the PDF reports share
(totals, over/short with explanations, the receipt number range).
"""

from __future__ import annotations

from collections.abc import Sequence

from app.documents.data import (
    CashSummary,
    DailyReportData,
    DayLine,
    GroupTotal,
    HandoverLine,
    HeldLine,
    KindTotal,
    MethodCount,
    MonthlyReportData,
    OverShortLine,
    PaymentTotal,
    ShiftLine,
    TierTotal,
    Totals,
    cash_items,
    over_short_label,
    signer,
)
from app.documents.layout import (
    Cell,
    Column,
    Money,
    Row,
    Sheet,
    Table,
    Volume,
    chinese_number,
    or_dash,
)
from app.domain.money import format_money, format_volume
from app.vocabulary import TransactionKind

TOTAL_LABEL = "合计"
OVERDUE_NOTE = "超过两个工作日，须立即上交"

Summed = type[int] | type[Money] | type[Volume]


def tier_label(tier: int) -> str:
    """第一阶梯 ... 第十阶梯, then 第11阶梯."""
    return f"第{chinese_number(tier)}阶梯" if 0 < tier <= 10 else f"第{tier}阶梯"


def _number(cell: Cell) -> int:
    if isinstance(cell, Money | Volume | int):
        return int(cell)
    raise TypeError(f"not a figure: {cell!r}")


def _total(rows: Sequence[Row], *kinds: Summed | None) -> Row:
    """The total row of ``rows``: 合计, then per further column the sum as ``kind`` (int, Money
    or Volume), or nothing where ``kind`` is None."""
    return (
        TOTAL_LABEL,
        *(
            None if kind is None else kind(sum(_number(row[i]) for row in rows))
            for i, kind in enumerate(kinds, start=1)
        ),
    )


def _table(
    columns: tuple[Column, ...], rows: Sequence[Row], *kinds: Summed | None, empty: str
) -> Table:
    """A table whose total row sums the columns as ``kinds`` say (the columns after the last
    kind are left empty); no total row when there are no rows."""
    kinds += (None,) * (len(columns) - 1 - len(kinds))
    return Table(columns, tuple(rows), _total(rows, *kinds) if rows else None, empty)


def kinds_table(kinds: Sequence[KindTotal], total: Totals) -> Table:
    return Table(
        (
            Column("业务类型", 140),
            Column("笔数", 90, "right"),
            Column("气量（m³）", 140, "right"),
            Column("金额（元）", 141, "right"),
        ),
        tuple(
            (TransactionKind.label_of(k.kind), k.count, Volume(k.volume), Money(k.amount_fen))
            for k in kinds
        ),
        (TOTAL_LABEL, total.count, Volume(total.volume), Money(total.amount_fen)),
    )


def payments_table(payments: Sequence[PaymentTotal]) -> Table:
    return _table(
        (
            Column("收款方式", 111),
            Column("笔数", 70, "right"),
            Column("收入（元）", 110, "right"),
            Column("支出（元）", 110, "right"),
            Column("净额（元）", 110, "right"),
        ),
        [
            (p.method, p.count, Money(p.received_fen), Money(p.paid_fen), Money(p.net_fen))
            for p in payments
        ],
        int,
        Money,
        Money,
        Money,
        empty="（无）",
    )


def tiers_table(tiers: Sequence[TierTotal]) -> Table:
    rows = tuple(
        (tier_label(t.tier), Money(t.price_fen), Volume(t.volume), Money(t.amount_fen))
        for t in tiers
    )
    return Table(
        (
            Column("阶梯", 140),
            Column("单价（元/m³）", 90, "right"),
            Column("气量（m³）", 140, "right"),
            Column("金额（元）", 141, "right"),
        ),
        rows,
        _total(rows, None, Volume, Money),
        "（无分阶梯计价的业务）",
    )


def groups_table(title: str, groups: Sequence[GroupTotal], total: Totals) -> Table:
    """The transactions of each clerk or counter; ``title`` heads the name column."""
    return Table(
        (
            Column(title, 111),
            Column("笔数", 50, "right"),
            Column("气量（m³）", 80, "right"),
            Column("收入（元）", 90, "right"),
            Column("支出（元）", 90, "right"),
            Column("净额（元）", 90, "right"),
        ),
        tuple(
            (
                g.name,
                g.count,
                Volume(g.volume),
                Money(g.received_fen),
                Money(g.paid_fen),
                Money(g.amount_fen),
            )
            for g in groups
        ),
        (
            TOTAL_LABEL,
            total.count,
            Volume(total.volume),
            Money(total.received_fen),
            Money(total.paid_fen),
            Money(total.amount_fen),
        ),
    )


def hall_tables(data: DailyReportData | MonthlyReportData) -> list[tuple[str, Table]]:
    """By clerk, counter, kind, payment method and tier, with their headings: the daily and the
    monthly report."""
    return [
        ("按营业员汇总", groups_table("营业员", data.clerks, data.total)),
        ("按柜台汇总", groups_table("柜台", data.counters, data.total)),
        ("按业务类型汇总", kinds_table(data.kinds, data.total)),
        ("按收款方式汇总", payments_table(data.payments)),
        ("按阶梯汇总（已扣除退气、作废）", tiers_table(data.tiers)),
    ]


def cash_table(cash: CashSummary | None) -> Table:
    rows = () if cash is None else cash_items(cash)
    return Table(
        (Column("项目", 150), Column("金额（元）", 150, "right"), Column("说明", 211)),
        tuple((label, "—" if fen is None else Money(fen), note) for label, fen, note in rows),
        empty="（无钱箱记录）",
    )


def denominations_table(cash: CashSummary | None) -> Table:
    return _table(
        (Column("面额", 170), Column("张数", 170, "right"), Column("金额（元）", 171, "right")),
        [(d.name, d.pieces or None, Money(d.amount_fen)) for d in cash.denominations]
        if cash is not None
        else [],
        None,
        Money,
        empty="（未盘点）",
    )


def methods_table(methods: Sequence[MethodCount]) -> Table:
    return _table(
        (
            Column("付款方式", 131),
            Column("应收（元）", 125, "right"),
            Column("实点（元）", 125, "right"),
            Column("差额（元）", 130, "right"),
        ),
        [
            (m.method, Money(m.expected_fen), Money(m.counted_fen), Money(m.difference_fen))
            for m in methods
        ],
        Money,
        Money,
        Money,
        empty="（未盘点）",
    )


def handovers_table(handovers: Sequence[HandoverLine]) -> Table:
    return _table(
        (
            Column("交款单号", 105),
            Column("时间", 110),
            Column("来源", 45),
            Column("交款人", 70),
            Column("收款人（财务）", 80),
            Column("金额（元）", 101, "right"),
        ),
        [
            (h.slip_no, h.handed_at, h.source, h.clerk_name, h.receiver_name, Money(h.amount_fen))
            for h in handovers
        ],
        None,
        None,
        None,
        None,
        Money,
        empty="（无交款）",
    )


def over_short_table(lines: Sequence[OverShortLine]) -> Table:
    """Differences found at close; the explanation is the last column (the PDF prints it in full
    under the table)."""
    rows = tuple(
        (
            i,
            o.clerk_name,
            o.counter_name,
            o.method,
            over_short_label(o.amount_fen),
            Money(o.amount_fen),
            signer(o.signed_by, o.signed_role),
            o.explanation,
        )
        for i, o in enumerate(lines, start=1)
    )
    net = sum(o.amount_fen for o in lines)
    return Table(
        (
            Column("序号", 30, "right"),
            Column("营业员", 66),
            Column("柜台", 66),
            Column("付款方式", 55),
            Column("类型", 45),
            Column("金额（元）", 75, "right"),
            Column("签字人", 174),
            Column("说明", 0),
        ),
        rows,
        (None, TOTAL_LABEL, None, None, over_short_label(net), Money(net), None, None)
        if rows
        else None,
        "（无长短款）",
    )


def shifts_table(shifts: Sequence[ShiftLine]) -> Table:
    return Table(
        (
            Column("营业员", 70),
            Column("柜台", 70),
            Column("开班时间", 110),
            Column("交班时间", 110),
            Column("状态", 50),
            Column("钱箱现金（元）", 101, "right"),
        ),
        tuple(
            (
                s.clerk_name,
                s.counter_name,
                s.opened_at,
                s.closed_at,
                "已交班" if s.closed_at else "未交班",
                None if s.closed_at else Money(s.cash_fen),
            )
            for s in shifts
        ),
        empty="（无班次）",
    )


def held_table(held: Sequence[HeldLine]) -> Table:
    return _table(
        (
            Column("营业日期", 110),
            Column("金额（元）", 110, "right"),
            Column("已持有（工作日）", 100, "right"),
            Column("状态", 191),
        ),
        [
            (
                h.business_date,
                Money(h.amount_fen),
                h.working_days_held,
                OVERDUE_NOTE if h.overdue else "待交财务",
            )
            for h in held
        ],
        Money,
        empty="（无：各营业日收入均已交财务）",
    )


def days_table(days: Sequence[DayLine]) -> Table:
    return _table(
        (
            Column("营业日期", 70),
            Column("笔数", 45, "right"),
            Column("气量（m³）", 70, "right"),
            Column("金额（元）", 66, "right"),
            Column("现金（元）", 66, "right"),
            Column("非现金（元）", 66, "right"),
            Column("交款（元）", 66, "right"),
            Column("长短款（元）", 62, "right"),
        ),
        [
            (
                d.business_date,
                d.count,
                Volume(d.volume),
                Money(d.amount_fen),
                Money(d.cash_fen),
                Money(d.noncash_fen),
                Money(d.handed_over_fen),
                Money(d.over_short_fen),
            )
            for d in days
        ],
        int,
        Volume,
        Money,
        Money,
        Money,
        Money,
        Money,
        empty="（本月无营业日）",
    )


# --------------------------------------------------------------------------------------------
# Blocks every PDF report prints
# --------------------------------------------------------------------------------------------


def print_over_short(sheet: Sheet, lines: Sequence[OverShortLine]) -> None:
    """The differences, then each one's explanation in full (a table cell would cut it)."""
    sheet.put(over_short_table(lines).without_last_column())
    for i, o in enumerate(lines, start=1):
        sheet.paragraph(f"（{i}）说明：{or_dash(o.explanation)}", 9, indent=6)


def receipt_range(first: str | None, last: str | None, count: int, *, clerk: bool) -> str:
    if first is None:
        return "无票据"
    text = f"起始票据号 {first}，截止票据号 {last}，共 {count} 张"
    if clerk:  # receipt numbers are shared by the hall's counters
        text += "（号段内其余票据由其他营业员或柜台开具）"
    return text


def print_totals(sheet: Sheet, total: Totals) -> None:
    """The 总计 block of every report: all payment methods together."""
    sheet.pairs(
        [
            ("业务笔数", f"{total.count} 笔"),
            ("净售气量", f"{format_volume(total.volume)} m³"),
            ("收入合计", f"{format_money(total.received_fen)} 元"),
        ],
        9.5,
    )
    sheet.pairs(
        [
            ("支出合计", f"{format_money(total.paid_fen)} 元"),
            ("净收入", f"{format_money(total.amount_fen)} 元"),
        ],
        9.5,
        columns=3,
    )
