"""The daily and monthly reports as spreadsheets: CSV (UTF-8 with a BOM, so that Excel reads the
Chinese right) and XLSX (openpyxl, one sheet per section).

The tables are the PDF's own (``app.documents.tables``: ``hall_tables``, ``days_table`` ...), rows
of typed cells. Money (``Money``, fen) becomes yuan: a number with two decimals in XLSX (number
format ``0.00``), the same figure as text in CSV; volumes (``Volume``, 0.01 m³) become m³ the same
way. Nothing is rounded: every figure is the one in the data. A table's total row comes last,
marked 合计 in its first or second column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal

from app.documents.data import DailyReportData, MonthlyReportData, Totals
from app.documents.hall_reports import month_title
from app.documents.layout import Cell, Column, Money, Row, Table, Volume, cell_text
from app.documents.receipts import display_width
from app.documents.tables import (
    days_table,
    hall_tables,
    handovers_table,
    held_table,
    over_short_table,
    shifts_table,
)
from app.vocabulary import HallMode

MONEY_FORMAT = "0.00"
VOLUME_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"

Section = tuple[str, Table]  # (name: the sheet's name, at most 31 characters; the table)


def _sheet_name(heading: str) -> str:
    """按阶梯汇总（已扣除退气、作废） → 按阶梯汇总."""
    return heading.split("（")[0]


def _summary(name: str, head: list[Row], total: Totals, tail: list[Row], mode: HallMode) -> Section:
    """The report's first sheet: what it covers and its totals, one (项目, 内容) pair a row."""
    rows: list[Row] = [
        *head,
        *([(mode.label, mode.mark)] if mode.mark else []),
        ("业务笔数", total.count),
        ("净售气量（m³）", Volume(total.volume)),
        ("收入合计（元）", Money(total.received_fen)),
        ("支出合计（元）", Money(total.paid_fen)),
        ("净收入（元）", Money(total.amount_fen)),
        *tail,
    ]
    return name, Table((Column("项目", 0), Column("内容", 0)), tuple(rows))


def daily_sections(data: DailyReportData) -> list[Section]:
    """The daily report's tables, in the order of the PDF."""
    summary = _summary(
        "日报",
        [
            ("营业厅", data.hall_name),
            ("营业日期", data.business_date),
            ("打印时间", data.printed_at),
        ],
        data.total,
        [
            ("起始票据号", data.first_receipt),
            ("截止票据号", data.last_receipt),
            ("钱箱现金（未交班，元）", Money(data.drawer_cash_fen)),
            ("保险柜现金（元）", Money(data.safe_cash_fen)),
        ],
        data.mode,
    )
    return [
        summary,
        *((_sheet_name(heading), table) for heading, table in hall_tables(data)),
        ("班次", shifts_table(data.shifts)),
        ("交款", handovers_table(data.handovers)),
        ("长短款", over_short_table(data.over_short)),
        ("未交财务的收入", held_table(data.held)),
    ]


def monthly_sections(data: MonthlyReportData) -> list[Section]:
    """The monthly report's tables, in the order of the PDF."""
    summary = _summary(
        "月报",
        [
            ("营业厅", data.hall_name),
            ("统计月份", f"{data.year}-{data.month:02d}"),
            ("打印时间", data.printed_at),
        ],
        data.total,
        [
            ("交款合计（元）", Money(data.handed_over_fen)),
            ("长短款合计（元）", Money(sum(o.amount_fen for o in data.over_short))),
        ],
        data.mode,
    )
    return [
        summary,
        ("按日", days_table(data.days)),
        *((_sheet_name(heading), table) for heading, table in hall_tables(data)),
        ("长短款", over_short_table(data.over_short)),
    ]


def _rows(table: Table) -> tuple[Row, ...]:
    return table.rows if table.total is None else (*table.rows, table.total)


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------


def to_csv(title: Sequence[str], sections: Sequence[Section]) -> bytes:
    """One CSV: a title line, then per section a blank line, 【its name】, its header row and
    its rows. UTF-8 with a BOM and CRLF line ends, as Excel expects."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(title)
    for name, table in sections:
        writer.writerow([])
        writer.writerow([f"【{name}】"])
        writer.writerow(table.titles)
        writer.writerows([cell_text(c) for c in row] for row in _rows(table))
    return buffer.getvalue().encode("utf-8-sig")


# --------------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------------


def _xlsx_cell(cell: Cell) -> tuple[object, str | None]:
    """The value openpyxl writes and its number format."""
    if isinstance(cell, Money):  # exact: 552235 → Decimal("5522.35")
        return Decimal(cell.fen).scaleb(-2), MONEY_FORMAT
    if isinstance(cell, Volume):
        return Decimal(cell.units).scaleb(-2), VOLUME_FORMAT
    if isinstance(cell, dt.datetime):  # hall local time; Excel has no time zones
        return cell.replace(tzinfo=None), TIME_FORMAT
    if isinstance(cell, dt.date):
        return cell, DATE_FORMAT
    return cell, None


def to_xlsx(sections: Sequence[Section], printed_at: dt.datetime) -> bytes:
    """One workbook, a sheet per section with a bold, frozen header row and a bold total row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.creator = "GasDesk"
    workbook.properties.created = printed_at.replace(tzinfo=None)
    bold = Font(bold=True)
    for name, table in sections:
        sheet = workbook.create_sheet(name)
        sheet.append(table.titles)
        for row in _rows(table):
            values = [_xlsx_cell(c) for c in row]
            sheet.append([value for value, _ in values])
            for column, (_, number_format) in enumerate(values, start=1):
                if number_format:
                    sheet.cell(sheet.max_row, column).number_format = number_format
        for row_index in (1, sheet.max_row) if table.total is not None else (1,):
            for cell in sheet[row_index]:
                cell.font = bold
        sheet.freeze_panes = "A2"
        for index, title in enumerate(table.titles):
            texts = [title, *(cell_text(row[index]) for row in _rows(table))]
            width = max(display_width(text) for text in texts) + 2
            sheet.column_dimensions[get_column_letter(index + 1)].width = min(60, width)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# The reports
# --------------------------------------------------------------------------------------------


def _title(*parts: str, mode: HallMode) -> list[str]:
    return [*parts, mode.mark] if mode.mark else list(parts)


def daily_report_csv(data: DailyReportData) -> bytes:
    """营业厅日报 as CSV bytes (UTF-8 with BOM)."""
    day = data.business_date.strftime("%Y-%m-%d")
    title = _title("营业厅日报", data.hall_name, day, mode=data.mode)
    return to_csv(title, daily_sections(data))


def daily_report_xlsx(data: DailyReportData) -> bytes:
    """营业厅日报 as XLSX bytes."""
    return to_xlsx(daily_sections(data), data.printed_at)


def monthly_report_csv(data: MonthlyReportData) -> bytes:
    """营业厅月报 as CSV bytes (UTF-8 with BOM)."""
    title = _title(month_title(data.year, data.month), data.hall_name, mode=data.mode)
    return to_csv(title, monthly_sections(data))


def monthly_report_xlsx(data: MonthlyReportData) -> bytes:
    """营业厅月报 as XLSX bytes."""
    return to_xlsx(monthly_sections(data), data.printed_at)
