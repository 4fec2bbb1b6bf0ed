"""The hall's own reports as PDFs: 营业厅日报 (one business date) and 营业厅月报 (one month)."""

from __future__ import annotations

from app.documents.data import DailyReportData, MonthlyReportData
from app.documents.layout import Sheet, date_text, time_text
from app.documents.tables import (
    OVERDUE_NOTE,
    days_table,
    hall_tables,
    handovers_table,
    held_table,
    print_over_short,
    print_totals,
    receipt_range,
    shifts_table,
)
from app.domain.money import format_money


def _hall_sections(sheet: Sheet, data: DailyReportData | MonthlyReportData) -> None:
    for heading, table in hall_tables(data):
        sheet.section(heading)
        sheet.put(table)


def daily_report(data: DailyReportData) -> bytes:
    """营业厅日报 as PDF bytes."""
    day = date_text(data.business_date)
    label = f"营业厅日报 · {data.hall_name} · {day}"
    sheet = Sheet("营业厅日报", label, mode=data.mode)
    sheet.title(data.hall_name, "营业厅日报")
    sheet.pairs([("营业日期", day), ("打印时间", time_text(data.printed_at))])

    _hall_sections(sheet, data)
    sheet.section("总计")
    total = data.total
    print_totals(sheet, total)
    receipts = receipt_range(data.first_receipt, data.last_receipt, total.count, clerk=False)
    sheet.paragraph(f"票据号段：{receipts}", 9.5)

    sheet.section("班次")
    sheet.put(shifts_table(data.shifts))
    sheet.section("交款")
    sheet.put(handovers_table(data.handovers))
    sheet.section("长短款")
    print_over_short(sheet, data.over_short)
    sheet.section("库存现金")
    sheet.pairs(
        [
            ("钱箱现金（未交班）", f"{format_money(data.drawer_cash_fen)} 元"),
            ("保险柜现金", f"{format_money(data.safe_cash_fen)} 元"),
            ("合计", f"{format_money(data.drawer_cash_fen + data.safe_cash_fen)} 元"),
        ],
        9.5,
    )
    sheet.section("未交财务的收入")
    sheet.put(held_table(data.held))
    overdue = [date_text(h.business_date) for h in data.held if h.overdue]
    if overdue:
        sheet.paragraph(f"注意：{'、'.join(overdue)} 的收入{OVERDUE_NOTE}。", 9.5)
    sheet.signatures(["制表", "营业厅负责人", "财务"])
    return sheet.finish()


def month_title(year: int, month: int) -> str:
    return f"营业厅月报 {year}年{month:02d}月"


def monthly_report(data: MonthlyReportData) -> bytes:
    """营业厅月报 as PDF bytes: the month's days, then its totals grouped like the daily report."""
    title = month_title(data.year, data.month)
    label = f"营业厅月报 · {data.hall_name} · {data.year}年{data.month:02d}月"
    sheet = Sheet(title, label, mode=data.mode)
    sheet.title(data.hall_name, title)
    sheet.pairs(
        [("统计月份", f"{data.year}年{data.month:02d}月"), ("打印时间", time_text(data.printed_at))]
    )

    sheet.section("按日汇总")
    sheet.put(days_table(data.days), size=8.5)
    _hall_sections(sheet, data)
    sheet.section("交款与长短款")
    over_short = sum(o.amount_fen for o in data.over_short)
    sheet.pairs(
        [
            ("交款合计", f"{format_money(data.handed_over_fen)} 元"),
            ("长短款合计", f"{format_money(over_short)} 元"),
        ],
        9.5,
        columns=3,
    )
    print_over_short(sheet, data.over_short)
    sheet.section("总计")
    print_totals(sheet, data.total)
    sheet.signatures(["制表", "营业厅负责人", "财务"])
    return sheet.finish()
