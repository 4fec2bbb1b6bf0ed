"""F12 报表: the shift's Z-report, the hall's daily and monthly reports, previewed as text and
exported as PDF, CSV or XLSX; the Z-report also prints on the counter's receipt printer
(打印, Ctrl+P). The save dialog is Qt's own, in the counter's language, opening in the user's
documents folder (``ui.files``).

Reports are read and rendered off the GUI thread with a busy indicator. 取消 abandons a report
being generated: the query cannot be interrupted, so the worker runs to its end, but its result
(or error) is dropped because it carries an older generation number than the dialog's.
Hall reports (日报, 月报) are for team leaders, managers and finance; a clerk reads the service's
refusal inline.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtGui import QFontDatabase, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QWidget,
)

from app.counter import CounterSession, ShiftInfo
from app.counter.reports import FORMATS, Report, ReportKind
from app.errors import GasDeskError, RuleViolation
from ui.base import OperationDialog
from ui.files import ask_save_path
from ui.worker import run_in_background

Z, DAILY, MONTHLY = ReportKind.Z, ReportKind.DAILY, ReportKind.MONTHLY

# Asked for where to save an export: (dialog title, suggested file name, filter) → path or None
SavePath = Callable[[str, str, str], str | None]


class ReportsDialog(OperationDialog):
    """Choose a report (tabs), Enter generates it into the preview, then export it.

    ``save_path`` chooses where an export goes (default: a QFileDialog); tests pass their own.
    """

    def __init__(
        self,
        session: CounterSession,
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
        self.shifts: list[ShiftInfo] = []

        self.tabs = QTabWidget()
        z_tab = QWidget()
        z_form = QFormLayout(z_tab)
        self.shift_combo = QComboBox()
        z_form.addRow(self.tr("班次"), self.shift_combo)
        daily_tab = QWidget()
        daily_form = QFormLayout(daily_tab)
        today = session.today()
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
        self.print_button = QPushButton(self.tr("打印 (Ctrl+P)"))
        self.print_button.setObjectName("print-report")
        self.print_button.setAutoDefault(False)
        self.print_button.setEnabled(False)
        self.print_button.setShortcut(QKeySequence("Ctrl+P"))
        self.print_button.setToolTip(
            self.tr("在本柜台的凭证打印机打印交班报表；日报、月报请导出PDF后用办公打印机打印")
        )
        self.print_button.clicked.connect(self.print_report)
        exports.addWidget(self.print_button)
        exports.addStretch(1)
        exports.addWidget(self.cancel_button)
        layout = self.layout()
        layout.insertWidget(layout.indexOf(self.info), self.preview)  # type: ignore[attr-defined]
        layout.insertLayout(layout.indexOf(self.busy) + 1, exports)  # type: ignore[attr-defined]
        self.buttons.button(self.buttons.StandardButton.Ok).setText(self.tr("生成报表 (Enter)"))
        self.buttons.button(self.buttons.StandardButton.Cancel).setText(self.tr("关闭 (Esc)"))
        self.shift_combo.setEnabled(False)
        self._start(session.counter_shifts, self._shifts_loaded)

    # -- choosing ---------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        return self.tab_kinds[self.tabs.currentIndex()]

    def select(self, kind: str) -> None:
        self.tabs.setCurrentIndex(self.tab_kinds.index(kind))

    def _shifts_loaded(self, loaded: tuple[list[ShiftInfo], int | None]) -> None:
        self.shifts, preselect = loaded
        self.shift_combo.clear()
        for info in self.shifts:
            end = self.tr("未交班") if info.closed_at is None else self.tr("已交班")
            opened = self.session.local_time(info.opened_at)
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
        session = self.session
        if self.kind == Z:
            shift_id = self.shift_combo.currentData()
            if shift_id is None:
                raise RuleViolation(self.tr("本柜台今天没有班次"), "no shift to report")
            name = self.tr("交班报表-班次{0}").format(shift_id)
            return lambda: session.z_report(int(shift_id), name)
        if self.kind == DAILY:
            day = self.date_edit.date().toPython()
            name = self.tr("日报-{0}").format(f"{day:%Y-%m-%d}")
            return lambda: session.daily_report(day, name)  # type: ignore[arg-type]
        year, month = self.year_spin.value(), self.month_spin.value()
        name = self.tr("月报-{0}-{1:02d}").format(year, month)
        return lambda: session.monthly_report(year, month, name)

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
                not self.working and self.report is not None and self.report.exports_to(fmt)
            )
        self.print_button.setEnabled(not self.working and self._printable() is not None)

    def _printable(self) -> int | None:
        """The shift whose generated Z-report the receipt printer can print, if any."""
        report = self.report
        if report is None or report.kind != Z:
            return None
        return getattr(report.data, "shift_id", None)

    def _generated(self, report: Report) -> None:
        self.report = report
        self.preview.setPlainText(report.text)
        if self._printable() is not None:
            self.info.setText(self.tr("报表已生成，可打印（Ctrl+P）或导出PDF"))
        else:
            self.info.setText(self.tr("报表已生成，可导出PDF、CSV或XLSX"))
        self._update_exports()

    def reject(self) -> None:
        self.generation += 1  # a report still running is of no use once the dialog is closed
        super().reject()

    # -- printing ---------------------------------------------------------------------------

    def print_report(self) -> None:
        """The generated Z-report on the counter's printer; a fault is said (print again)."""
        shift_id = self._printable()
        if self.working or shift_id is None:
            return
        session = self.session
        self.error.clear()
        self.info.setText(self.tr("正在打印…"))
        self._start(lambda: session.print_zreport(shift_id), self._report_printed)

    def _report_printed(self, message: str) -> None:
        self.info.setText(message)

    # -- exporting --------------------------------------------------------------------------

    def export(self, fmt: str) -> None:
        report = self.report
        if self.working or report is None or not report.exports_to(fmt):
            return
        path = self.save_path(self.tr("导出报表"), f"{report.name}.{fmt}", FORMATS[fmt])
        if not path:
            return
        session = self.session
        self.error.clear()
        self.info.setText(self.tr("正在导出…"))
        self._start(lambda: session.export_report(report, fmt, path), self._exported)

    def _exported(self, path: Path) -> None:
        self.info.setText(self.tr("已导出：{0}").format(str(path)))

    def _ask_save_path(self, title: str, suggested: str, name_filter: str) -> str | None:
        return ask_save_path(self, title, suggested, name_filter)
