"""安检: enter a result from an inspector's sheet, import the inspection team's file, export the
list of accounts due.

The entry form is typed at the keyboard (Enter moves on field by field, the note confirms);
each entry is one ``CounterSession.record_inspection`` call, and the form stays open for the next
sheet. An import (``CounterSession.import_inspections``) and the due list
(``CounterSession.due_inspections``, exported with ``export_report``) run off the GUI thread;
an import shows its progress and can be cancelled (nothing is written then).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.counter import CounterSession, InspectionEntry
from app.errors import InvalidInput
from app.vocabulary import InspectionResult
from ui.base import OperationDialog
from ui.progress import ProgressRelay, RelayedProgress
from ui.worker import run_in_background

# Asked for a file: (dialog title, suggested name or folder, filter) → path or None
AskPath = Callable[[str, str, str], str | None]


class InspectionsDialog(OperationDialog):
    """安检结果录入, 导入, 应安检清单. ``open_path``/``save_path`` choose files (default: a
    QFileDialog); tests pass their own."""

    def __init__(
        self,
        session: CounterSession,
        account_no: str | None = None,
        parent: QWidget | None = None,
        *,
        open_path: AskPath | None = None,
        save_path: AskPath | None = None,
    ):
        super().__init__(session, self.tr("安检"), parent)
        self.open_path = open_path or self._ask_open
        self.save_path = save_path or self._ask_save
        self.account = QLineEdit(account_no or "")
        self.account.setObjectName("account")
        self.date = QLineEdit(session.today().isoformat())
        self.date.setObjectName("date")
        self.date.setPlaceholderText("2026-03-01")
        self.result = QComboBox()
        self.result.setObjectName("result")
        for member in InspectionResult:
            self.result.addItem(self.tr(member.label), member.value)
        self.inspector = QLineEdit()
        self.inspector.setObjectName("inspector")
        self.inspector.setMaxLength(50)
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.form.addRow(self.tr("户号"), self.account)
        self.form.addRow(self.tr("安检日期"), self.date)
        self.form.addRow(self.tr("安检结果"), self.result)
        self.form.addRow(self.tr("安检员"), self.inspector)
        self.form.addRow(self.tr("备注"), self.note)
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)

        tools = QHBoxLayout()
        self.import_button = QPushButton(self.tr("导入安检结果 (CSV/XLSX)…"))
        self.import_button.clicked.connect(self.import_file)
        self.cancel_import = QPushButton(self.tr("取消导入"))
        self.cancel_import.setVisible(False)
        self.cancel_import.clicked.connect(self._cancel)
        self.days = QSpinBox()
        self.days.setRange(0, 366)
        self.days.setValue(30)
        self.days.setSuffix(self.tr(" 天内到期"))
        self.export_button = QPushButton(self.tr("导出应安检清单…"))
        self.export_button.clicked.connect(self.export_due)
        for widget in (self.import_button, self.cancel_import, self.days, self.export_button):
            if isinstance(widget, QPushButton):
                widget.setAutoDefault(False)
            tools.addWidget(widget)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.relay = ProgressRelay(self)
        self.relay.moved.connect(self._moved)
        self.running: RelayedProgress | None = None
        layout = self.layout()
        index = layout.indexOf(self.info)
        layout.insertWidget(index, self.status)
        layout.insertLayout(index + 1, tools)
        layout.insertWidget(index + 2, self.progress)
        (self.date if account_no else self.account).setFocus()

    # ------------------------------------------------------------------ one result

    def work(self) -> Callable[[], Any]:
        try:
            day = dt.date.fromisoformat(self.date.text().strip())
        except ValueError:
            raise InvalidInput(
                self.tr("安检日期格式不正确（应为 2026-03-01）"), "bad date"
            ) from None
        entry = InspectionEntry(
            self.account.text().strip(),
            day,
            str(self.result.currentData()),
            self.inspector.text().strip(),
            self.note.text().strip() or None,
        )
        session, request_id = self.session, self.request_id
        return lambda: session.record_inspection(request_id, entry)

    def done_ok(self, result: Any) -> None:
        status = result.inspection
        last = status.last_result.label if status.last_result else ""
        text = self.tr("已录入 {account}：{result}，下次安检 {due}").format(
            account=result.account_no, result=self.tr(last), due=status.due_on.isoformat()
        )
        if status.hold is not None:
            text += self.tr("（限制购气，须整改合格）")
        self.status.setText(text)
        # the next sheet: a new request, the same inspector and date
        self.request_id = self.session.new_request()
        self.account.clear()
        self.note.clear()
        self.account.setFocus()

    def _next_field(self, current: QWidget) -> QWidget | None:
        if current is self.date:
            return self.result
        return super()._next_field(current)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.focusWidget() is self.result
        ):
            self.inspector.setFocus()  # a combo box is no QLineEdit: Enter moves on here
            return
        super().keyPressEvent(event)

    # ------------------------------------------------------------------ import

    def _ask_open(self, title: str, where: str, filters: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self, title, where, filters)
        return path or None

    def _ask_save(self, title: str, name: str, filters: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self, title, name, filters)
        return path or None

    def import_file(self) -> None:
        if self.working:
            return
        path = self.open_path(self.tr("导入安检结果"), "", self.tr("安检结果 (*.csv *.xlsx)"))
        if not path:
            return
        self.error.clear()
        self.running = progress = RelayedProgress(self.relay)
        self._busy(True)
        session = self.session

        def done(result: Any) -> None:
            self._busy(False)
            self.status.setText(
                self.tr("导入完成：新增 {added} 条，已导入过 {already} 条").format(
                    added=result.added, already=result.already
                )
            )

        def failed(error: Exception) -> None:
            self._busy(False)
            self.show_error(error)

        run_in_background(
            lambda: session.import_inspections(path, progress), done, failed, parent=self
        )

    def _moved(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _cancel(self) -> None:
        if self.running is not None:
            self.running.stop.set()

    def _busy(self, busy: bool) -> None:
        self.set_working(busy)
        self.progress.setVisible(busy)
        self.progress.setRange(0, 0)
        self.cancel_import.setVisible(busy)
        self.import_button.setEnabled(not busy)
        self.export_button.setEnabled(not busy)

    # ------------------------------------------------------------------ the due list

    def export_due(self) -> None:
        if self.working:
            return
        days = self.days.value()
        name = self.tr("应安检户清单-{day}").format(day=self.session.today().isoformat())
        path = self.save_path(
            self.tr("导出应安检清单"), f"{name}.xlsx", "Excel (*.xlsx);;CSV (*.csv)"
        )
        if not path:
            return
        fmt = "csv" if path.lower().endswith(".csv") else "xlsx"
        session = self.session
        self.error.clear()
        self.set_working(True)

        def job() -> Any:
            report = session.due_inspections(days, name)
            session.export_report(report, fmt, path)
            return report

        def done(report: Any) -> None:
            self.set_working(False)
            self.status.setText(
                self.tr("已导出 {count} 户到 {path}").format(
                    count=len(report.data.accounts), path=path
                )
            )

        def failed(error: Exception) -> None:
            self.set_working(False)
            self.show_error(error)

        run_in_background(job, done, failed, parent=self)
