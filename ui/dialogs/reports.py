"""F12 报表: the shift's Z-report, the hall's daily and monthly reports, previewed as text and
exported as PDF, CSV or XLSX.

Reports are read and rendered off the GUI thread with a busy indicator. 取消 abandons a report
being generated: the query cannot be interrupted, so the worker runs to its end, but its result
(or error) is dropped because it carries an older generation number than the dialog's.
Hall reports (日报, 月报) are for team leaders, managers and finance; a clerk reads the service's
refusal inline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QWidget,
)

from app.desk import DeskSession
from app.documents import export
from app.documents.hall_reports import daily_report, monthly_report
from app.documents.layout import Table, cell_text
from app.documents.receipts import display_width, zreport_receipt
from app.documents.zreport import zreport
from app.errors import GasDeskError, RuleViolation
from app.services import reports as report_service
from app.services import shifts as shift_service
from ui.base import OperationDialog
from ui.worker import run_in_background

Z, DAILY, MONTHLY = "z", "daily", "monthly"
FORMATS = {"pdf": "PDF (*.pdf)", "csv": "CSV (*.csv)", "xlsx": "Excel (*.xlsx)"}

# Asked for where to save an export: (dialog title, suggested file name, filter) → path or None
SavePath = Callable[[str, str, str], str | None]


@dataclass(frozen=True)
class Report:
    """A generated report: its kind, the service's data object and the preview text."""

    kind: str
    data: Any
    text: str
    name: str  # file name stem: 日报-2026-03-02


def counter_shifts(session: DeskSession) -> tuple[list[shift_service.ShiftInfo], int | None]:
    """This counter's shifts of today (and the clerk's open shift, if older), and the one to
    preselect: the open shift, else the last one. Runs in the background."""
    ctx, actor = session.ctx, session.actor
    current = shift_service.current_shift(ctx, actor)
    day = shift_service.shifts_of_day(ctx, actor, ctx.today())
    found = [s for s in day if s.counter_id == actor.counter_id]
    if current is not None and all(s.shift_id != current.shift_id for s in found):
        found.append(current)
    if current is not None:
        return found, current.shift_id
    return found, found[-1].shift_id if found else None


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


def z_job(session: DeskSession, shift_id: int) -> Callable[[], Report]:
    ctx, actor = session.ctx, session.actor

    def make() -> Report:
        data = report_service.zreport_data(ctx, actor, shift_id)
        text = "\n".join(line.text for line in zreport_receipt(data, 48).lines)
        name = QCoreApplication.translate("ReportsDialog", "交班报表-班次{0}").format(shift_id)
        return Report(Z, data, text, name)

    return make


def daily_job(session: DeskSession, day: dt.date) -> Callable[[], Report]:
    ctx, actor = session.ctx, session.actor

    def make() -> Report:
        data = report_service.daily_report_data(ctx, actor, day, session.hall_id)
        text = sections_text(export.daily_sections(data))
        name = QCoreApplication.translate("ReportsDialog", "日报-{0}").format(f"{day:%Y-%m-%d}")
        return Report(DAILY, data, text, name)

    return make


def monthly_job(session: DeskSession, year: int, month: int) -> Callable[[], Report]:
    ctx, actor = session.ctx, session.actor

    def make() -> Report:
        data = report_service.monthly_report_data(ctx, actor, year, month, session.hall_id)
        text = sections_text(export.monthly_sections(data))
        name = QCoreApplication.translate("ReportsDialog", "月报-{0}-{1:02d}").format(year, month)
        return Report(MONTHLY, data, text, name)

    return make


RENDERERS: dict[tuple[str, str], Callable[[Any], bytes]] = {
    (Z, "pdf"): zreport,
    (DAILY, "pdf"): daily_report,
    (DAILY, "csv"): export.daily_report_csv,
    (DAILY, "xlsx"): export.daily_report_xlsx,
    (MONTHLY, "pdf"): monthly_report,
    (MONTHLY, "csv"): export.monthly_report_csv,
    (MONTHLY, "xlsx"): export.monthly_report_xlsx,
}


class ReportsDialog(OperationDialog):
    """Choose a report (tabs), Enter generates it into the preview, then export it.

    ``save_path`` chooses where an export goes (default: a QFileDialog); tests pass their own.
    """

    def __init__(
        self,
        session: DeskSession,
        account_no: str | None = None,
        parent: QWidget | None = None,
        *,
        save_path: SavePath | None = None,
    ):
        super().__init__(session, self.tr("报表"), parent)
        self.setWindowTitle(self.tr("报表"))
        self.save_path: SavePath = save_path or self._ask_save_path
        self.generation = 0  # bumped by every start and every cancel: older results are dropped
        self.report: Report | None = None
        self.shifts: list[shift_service.ShiftInfo] = []

        self.tabs = QTabWidget()
        z_tab = QWidget()
        z_form = QFormLayout(z_tab)
        self.shift_combo = QComboBox()
        z_form.addRow(self.tr("班次"), self.shift_combo)
        daily_tab = QWidget()
        daily_form = QFormLayout(daily_tab)
        today = session.ctx.today()
        self.date_edit = QDateEdit(QDate(today.year, today.month, today.day))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        daily_form.addRow(self.tr("营业日期"), self.date_edit)
        monthly_tab = QWidget()
        monthly_form = QFormLayout(monthly_tab)
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(today.year)
        self.month_spin = QSpinBox()
        self.month_spin.setRange(1, 12)
        self.month_spin.setValue(today.month)
        monthly_form.addRow(self.tr("年份"), self.year_spin)
        monthly_form.addRow(self.tr("月份"), self.month_spin)
        self.tabs.addTab(z_tab, self.tr("交班报表(Z)"))
        self.tabs.addTab(daily_tab, self.tr("日报"))
        self.tabs.addTab(monthly_tab, self.tr("月报"))
        self.tab_kinds = (Z, DAILY, MONTHLY)
        self.form.addRow(self.tabs)

        self.preview = QPlainTextEdit()
        self.preview.setObjectName("preview")
        self.preview.setReadOnly(True)
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview.setMinimumSize(640, 360)
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel_generation)
        self.export_buttons: dict[str, QPushButton] = {}
        exports = QHBoxLayout()
        for fmt, label in (
            ("pdf", self.tr("导出PDF")),
            ("csv", self.tr("导出CSV")),
            ("xlsx", self.tr("导出XLSX")),
        ):
            button = QPushButton(label)
            button.setAutoDefault(False)
            button.setEnabled(False)
            button.clicked.connect(lambda _checked=False, f=fmt: self.export(f))
            self.export_buttons[fmt] = button
            exports.addWidget(button)
        exports.addStretch(1)
        exports.addWidget(self.cancel_button)
        layout = self.layout()
        layout.insertWidget(layout.indexOf(self.info), self.preview)  # type: ignore[attr-defined]
        layout.insertLayout(layout.indexOf(self.busy) + 1, exports)  # type: ignore[attr-defined]
        self.buttons.button(self.buttons.StandardButton.Ok).setText(self.tr("生成报表 (Enter)"))
        self.buttons.button(self.buttons.StandardButton.Cancel).setText(self.tr("关闭 (Esc)"))
        self.shift_combo.setEnabled(False)
        self._start(lambda: counter_shifts(session), self._shifts_loaded)

    # -- choosing ---------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        return self.tab_kinds[self.tabs.currentIndex()]

    def select(self, kind: str) -> None:
        self.tabs.setCurrentIndex(self.tab_kinds.index(kind))

    def _shifts_loaded(self, loaded: tuple[list[shift_service.ShiftInfo], int | None]) -> None:
        self.shifts, preselect = loaded
        self.shift_combo.clear()
        for info in self.shifts:
            end = self.tr("未交班") if info.closed_at is None else self.tr("已交班")
            opened = info.opened_at.astimezone(self.session.ctx.tz)
            self.shift_combo.addItem(
                self.tr("班次 {0} · {1} · {2:%m-%d %H:%M} 开班 · {3}").format(
                    info.shift_id, info.clerk_name, opened, end
                ),
                info.shift_id,
            )
            if info.shift_id == preselect:
                self.shift_combo.setCurrentIndex(self.shift_combo.count() - 1)
        self.shift_combo.setEnabled(bool(self.shifts))

    def work(self) -> Callable[[], Report]:
        if self.kind == Z:
            shift_id = self.shift_combo.currentData()
            if shift_id is None:
                raise RuleViolation(self.tr("本柜台今天没有班次"), "no shift to report")
            return z_job(self.session, int(shift_id))
        if self.kind == DAILY:
            day = self.date_edit.date().toPython()
            return daily_job(self.session, day)  # type: ignore[arg-type]
        return monthly_job(self.session, self.year_spin.value(), self.month_spin.value())

    # -- running ----------------------------------------------------------------------------

    def submit(self) -> None:
        if self.working:
            return
        self.error.clear()
        self.info.clear()
        try:
            job = self.work()
        except GasDeskError as error:
            self.show_error(error)
            return
        self.report = None
        self.preview.clear()
        self._update_exports()
        self.info.setText(self.tr("正在生成报表…"))
        self._start(job, self._generated)

    def _start(self, job: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        self.generation += 1
        token = self.generation
        self.set_working(True)

        def done(result: Any) -> None:
            if token != self.generation:  # cancelled: the worker finished, its result is dropped
                return
            self.set_working(False)
            on_done(result)

        def failed(error: Exception) -> None:
            if token != self.generation:
                return
            self.set_working(False)
            self.info.clear()
            self.show_error(error)

        run_in_background(job, done, failed, parent=self)

    def cancel_generation(self) -> None:
        """Abandon the running job. It cannot be stopped midway (a database query, a PDF being
        drawn): it finishes in the background and its result is ignored."""
        if not self.working:
            return
        self.generation += 1
        self.set_working(False)
        self.info.setText(self.tr("已取消"))

    def set_working(self, working: bool) -> None:
        super().set_working(working)
        self.cancel_button.setVisible(working)
        self.tabs.setEnabled(not working)
        self._update_exports()

    def _update_exports(self) -> None:
        for fmt, button in self.export_buttons.items():
            button.setEnabled(
                not self.working
                and self.report is not None
                and (self.report.kind, fmt) in RENDERERS
            )

    def _generated(self, report: Report) -> None:
        self.report = report
        self.preview.setPlainText(report.text)
        self.info.setText(self.tr("报表已生成，可导出PDF、CSV或XLSX"))
        self._update_exports()

    def reject(self) -> None:
        self.generation += 1  # a report still running is of no use once the dialog is closed
        super().reject()

    # -- exporting --------------------------------------------------------------------------

    def export(self, fmt: str) -> None:
        report = self.report
        if self.working or report is None or (report.kind, fmt) not in RENDERERS:
            return
        path = self.save_path(self.tr("导出报表"), f"{report.name}.{fmt}", FORMATS[fmt])
        if not path:
            return
        render = RENDERERS[(report.kind, fmt)]
        target = Path(path)

        def write() -> Path:
            try:
                target.write_bytes(render(report.data))
            except OSError as error:
                message = self.tr("无法保存文件：{0}").format(error.strerror)
                raise RuleViolation(message, str(error)) from error
            return target

        self.error.clear()
        self.info.setText(self.tr("正在导出…"))
        self._start(write, self._exported)

    def _exported(self, path: Path) -> None:
        self.info.setText(self.tr("已导出：{0}").format(str(path)))

    def _ask_save_path(self, title: str, suggested: str, name_filter: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self, title, suggested, name_filter)
        return path or None
