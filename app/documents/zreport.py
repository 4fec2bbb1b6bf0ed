"""营业员交班报表 (Z-report): one shift of one clerk at one counter, as a PDF."""

from __future__ import annotations

from collections.abc import Sequence

from app.documents.data import GuardedRow, ZReportData, signer
from app.documents.layout import Column, Sheet, time_text
from app.documents.tables import (
    cash_table,
    denominations_table,
    handovers_table,
    kinds_table,
    methods_table,
    payments_table,
    print_over_short,
    print_totals,
    receipt_range,
    tiers_table,
)
from app.domain.money import format_money, format_volume
from app.vocabulary import TransactionKind

ZREPORT_TITLE = "营业员交班报表（Z报表）"
INTERIM_MARK = "未交班 · 临时报表"

_DETAIL_COLUMNS = (
    Column("序号", 38, "right"),
    Column("票据号", 94),
    Column("时间", 104),
    Column("业务类型", 55),
    Column("户号", 76),
    Column("气量（m³）", 68, "right"),
    Column("金额（元）", 76, "right"),
)


def _guarded_table(sheet: Sheet, guarded: Sequence[GuardedRow]) -> None:
    sheet.table(
        (
            Column("票据号", 86),
            Column("时间", 46),
            Column("类型", 32),
            Column("户号", 60),
            Column("气量（m³）", 50, "right"),
            Column("金额（元）", 56, "right"),
            Column("审批人", 111),
            Column("原因", 70),
        ),
        [
            (
                g.receipt_no,
                g.created_at.strftime("%H:%M:%S"),
                TransactionKind.label_of(g.kind),
                g.account_no,
                format_volume(g.volume),
                format_money(g.amount_fen),
                "、".join(signer(a.name, a.role) for a in g.approvers) or "—",
                g.reason or "",
            )
            for g in guarded
        ],
        size=8,
    )


def _shift_no(shift_id: int | None) -> str:
    return "—" if shift_id is None else str(shift_id)


def zreport(data: ZReportData) -> bytes:
    """营业员交班报表 (Z-report) of one shift as PDF bytes; an open shift is marked interim."""
    label = f"营业员交班报表 · {data.clerk_name} · {data.counter_name}"
    title = ZREPORT_TITLE
    if not data.closed:
        label = f"{INTERIM_MARK} · {label}"
        title = f"{title}（{INTERIM_MARK}）"
    sheet = Sheet(title, label, mode=data.mode)
    sheet.title(data.hall_name, ZREPORT_TITLE)
    if not data.closed:
        sheet.mark(f"【{INTERIM_MARK}】")
    sheet.pairs(
        [
            ("柜台", data.counter_name),
            ("营业员", data.clerk_name),
            ("班次号", _shift_no(data.shift_id)),
        ]
    )
    sheet.pairs([("统计时段", f"{time_text(data.start)} 至 {time_text(data.end)}")])
    sheet.pairs([("打印时间", time_text(data.printed_at))])

    sheet.section("班次信息")
    sheet.grid(
        [
            [
                ("班次号", _shift_no(data.shift_id)),
                ("状态", "已交班" if data.closed else "未交班（临时报表）"),
            ],
            [
                ("开班时间", time_text(data.start)),
                ("交班时间", time_text(data.end) if data.closed else "—（未交班）"),
            ],
            [("柜台", data.counter_name), ("营业员", data.clerk_name)],
        ]
    )
    for heading, table in (
        ("按业务类型汇总", kinds_table(data.kinds, data.total)),
        ("按收款方式汇总", payments_table(data.payments)),
        ("按阶梯汇总（已扣除退气、作废）", tiers_table(data.tiers)),
    ):
        sheet.section(heading)
        sheet.put(table)
    sheet.section("退气、补气及审批明细")
    _guarded_table(sheet, data.guarded)
    for heading, table in (
        ("钱箱现金", cash_table(data.cash)),
        ("现金盘点（按面额）", denominations_table(data.cash)),
        ("各付款方式核对（应收、实点、差额）", methods_table(data.methods)),
        ("交款明细", handovers_table(data.handovers)),
    ):
        sheet.section(heading)
        sheet.put(table)
    sheet.section("长短款")
    print_over_short(sheet, data.over_short)

    sheet.section("票据号段")
    receipts = receipt_range(data.first_receipt, data.last_receipt, data.total.count, clerk=True)
    sheet.paragraph(receipts, 9.5)

    sheet.section("总计")
    print_totals(sheet, data.total)
    sheet.pairs(
        [
            ("累计总额", f"{format_money(data.grand_total_fen)} 元"),
            ("盘点次数", f"{data.counts_taken} 次"),
            ("审计链", audit_line(data)),
        ],
        9.5,
        columns=3,
    )
    sheet.signatures(["营业员签字", "班长复核", "财务签收"])

    sheet.section("交易明细")
    rows = [
        (
            str(i),
            d.receipt_no,
            d.created_at.strftime("%m-%d %H:%M:%S"),
            TransactionKind.label_of(d.kind),
            d.account_no,
            format_volume(d.volume),
            format_money(d.amount_fen),
        )
        for i, d in enumerate(data.details, start=1)
    ]
    sheet.table(_DETAIL_COLUMNS, rows, size=8, row_height=12.5)
    return sheet.finish()


def audit_line(data: ZReportData) -> str:
    """第N条 · <mac prefix>: what ``gasdesk admin audit verify --expect-count N --expect-mac``
    takes from the paper."""
    if data.audit_entries is None:
        return "—"
    return f"第{data.audit_entries}条 {data.audit_head or ''}".strip()
