"""F12 报表 at the counter: the shift's Z-report and the hall's daily and monthly reports, as
preview text and as PDF, CSV or XLSX files. Runs on a worker thread."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from app.documents import export, inspections
from app.documents.hall_reports import daily_report as daily_pdf
from app.documents.hall_reports import monthly_report as monthly_pdf
from app.documents.layout import Table, cell_text
from app.documents.receipts import display_width, zreport_receipt
from app.documents.zreport import zreport as zreport_pdf
from app.errors import RuleViolation


class ReportKind(StrEnum):
    Z = "z"
    DAILY = "daily"
    MONTHLY = "monthly"
    DUE_INSPECTIONS = "due_inspections"


FORMATS = {"pdf": "PDF (*.pdf)", "csv": "CSV (*.csv)", "xlsx": "Excel (*.xlsx)"}


@dataclass(frozen=True)
class Report:
    """A generated report: its kind, the service's data object and the preview text."""

    kind: ReportKind
    data: Any
    text: str
    name: str  # file name stem: 日报-2026-03-02

    def exports_to(self, fmt: str) -> bool:
        return (self.kind, fmt) in RENDERERS


RENDERERS: dict[tuple[str, str], Callable[[Any], bytes]] = {
    (ReportKind.Z, "pdf"): zreport_pdf,
    (ReportKind.DAILY, "pdf"): daily_pdf,
    (ReportKind.DAILY, "csv"): export.daily_report_csv,
    (ReportKind.DAILY, "xlsx"): export.daily_report_xlsx,
    (ReportKind.MONTHLY, "pdf"): monthly_pdf,
    (ReportKind.MONTHLY, "csv"): export.monthly_report_csv,
    (ReportKind.MONTHLY, "xlsx"): export.monthly_report_xlsx,
    (ReportKind.DUE_INSPECTIONS, "csv"): inspections.due_list_csv,
    (ReportKind.DUE_INSPECTIONS, "xlsx"): inspections.due_list_xlsx,
}


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def table_text(name: str, table: Table) -> str:
    """One report table as aligned plain text (preview only; the exports are the real thing)."""
    rows = [table.titles, *(tuple(cell_text(c) for c in row) for row in table.rows)]
    if table.total is not None:
        rows.append(tuple(cell_text(c) for c in table.total))
    widths = [max(display_width(row[i]) for row in rows) + 2 for i in range(len(table.titles))]
    lines = [f"【{name}】"]
    lines += ["".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    if not table.rows:
        lines.append(table.empty)
    return "\n".join(line.rstrip() for line in lines)


def sections_text(sections: list[export.Section]) -> str:
    return "\n\n".join(table_text(name, table) for name, table in sections)


def z_report(data: Any, name: str) -> Report:
    text = "\n".join(line.text for line in zreport_receipt(data, 48).lines)
    return Report(ReportKind.Z, data, text, name)


def daily_report(data: Any, name: str) -> Report:
    return Report(ReportKind.DAILY, data, sections_text(export.daily_sections(data)), name)


def monthly_report(data: Any, name: str) -> Report:
    return Report(ReportKind.MONTHLY, data, sections_text(export.monthly_sections(data)), name)


def due_list(accounts: Any, today: dt.date, within_days: int, name: str) -> Report:
    """应安检户清单: the accounts overdue or due within ``within_days`` days."""
    data = inspections.DueListData(today, within_days, tuple(accounts))
    return Report(
        ReportKind.DUE_INSPECTIONS, data, sections_text(inspections.due_sections(data)), name
    )


def export_report(report: Report, fmt: str, target: Path) -> Path:
    """Write the report as ``fmt`` to ``target``; a file that cannot be written is refused.

    Written beside the target and renamed over it: the file under its name is never half
    written (a clerk, or a watcher of the folder, may open it the moment it appears)."""
    render = RENDERERS[(report.kind, fmt)]
    partial = target.with_name(f".{target.name}.part")
    try:
        partial.write_bytes(render(report.data))
        os.replace(partial, target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise RuleViolation(f"无法保存文件：{error.strerror}", str(error)) from error
    return target


def day_name(day: dt.date) -> str:
    return f"{day:%Y-%m-%d}"
