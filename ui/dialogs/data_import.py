"""数据导入: the go-live import from an old system at the 管理 menu — choose the files (and a
mapping), 试导入 (dry run: every problem listed, nothing written), 导入, the batches with their
回退 (rollback).

Fields, layout and one ``AdminDesk`` call per action, each off the GUI thread with a progress
bar (rows per second, time left) and a 取消 button; the rules live in the services.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.counter import AdminDesk, BatchView, ImportPlan
from ui.base import error_text
from ui.dialogs.admin import AdminScreen, push_button
from ui.i18n import vocabulary_text
from ui.progress import ProgressRelay, RelayedProgress
from ui.worker import run_in_background

SHOWN_PROBLEMS = 1000  # the table's rows; the XLSX report holds every one

AskPaths = Callable[[str], Sequence[str]]  # kind ("dir", "files", "mapping", "report") → paths
Confirm = Callable[[str], bool]


class DataImportDialog(AdminScreen):
    """The import screen. ``ask`` chooses files (default: QFileDialog) and ``confirm`` asks
    before a rollback (default: a message box); tests pass their own."""

    def __init__(
        self,
        desk: AdminDesk,
        parent: QWidget | None = None,
        *,
        ask: AskPaths | None = None,
        confirm: Confirm | None = None,
    ):
        super().__init__(self.tr("数据导入"), parent)
        self.desk = desk
        self.ask = ask or self._ask
        self.confirm = confirm or self._confirm
        self.plan: ImportPlan | None = None
        self.running: RelayedProgress | None = None
        self.started = 0.0

        self.files = QLineEdit()
        self.files.setObjectName("files")
        self.files.setPlaceholderText(self.tr("目录、CSV 文件或一个 XLSX 工作簿（多个用 ; 分隔）"))
        self.mapping = QLineEdit()
        self.mapping.setObjectName("mapping")
        self.mapping.setPlaceholderText(self.tr("旧系统的字段映射文件 (TOML)，可不填"))
        choose_dir = push_button(self.tr("选择目录…"))
        choose_dir.clicked.connect(lambda: self._choose("dir"))
        choose_files = push_button(self.tr("选择文件…"))
        choose_files.clicked.connect(lambda: self._choose("files"))
        choose_mapping = push_button(self.tr("选择映射文件…"))
        choose_mapping.clicked.connect(lambda: self._choose("mapping"))
        self.skip = QCheckBox(self.tr("跳过有错误的行（整户跳过，列入问题清单）"))
        self.skip.setObjectName("skip")
        self.check_button = push_button(self.tr("试导入（只检查）"))
        self.check_button.setObjectName("dry_run")
        self.check_button.clicked.connect(self.dry_run)
        self.import_button = push_button(self.tr("导入"))
        self.import_button.setObjectName("import")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.run_import)
        self.report_button = push_button(self.tr("保存问题清单…"))
        self.report_button.setEnabled(False)
        self.report_button.clicked.connect(self.save_report)
        self.cancel_button = push_button(self.tr("取消"))
        self.cancel_button.setObjectName("cancel")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.speed = QLabel()
        self.speed.setObjectName("speed")
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.problems = _table(
            [
                self.tr("文件"),
                self.tr("行"),
                self.tr("列"),
                self.tr("值"),
                self.tr("原因"),
                self.tr("级别"),
            ]
        )
        self.problems.setObjectName("problems")
        self.batches = _table(
            [
                self.tr("批次"),
                self.tr("类型"),
                self.tr("状态"),
                self.tr("户数"),
                self.tr("开始时间"),
            ]
        )
        self.batches.setObjectName("batches")
        self.rollback_button = push_button(self.tr("回退所选批次…"))
        self.rollback_button.setObjectName("rollback")
        self.rollback_button.clicked.connect(self.rollback)
        self.relay = ProgressRelay(self)
        self.relay.moved.connect(self._moved)

        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("导入文件")), 0, 0)
        grid.addWidget(self.files, 0, 1)
        grid.addWidget(choose_dir, 0, 2)
        grid.addWidget(choose_files, 0, 3)
        grid.addWidget(QLabel(self.tr("映射文件")), 1, 0)
        grid.addWidget(self.mapping, 1, 1)
        grid.addWidget(choose_mapping, 1, 2)
        grid.addWidget(self.skip, 2, 1)
        actions = QGridLayout()
        for column, button in enumerate(
            (self.check_button, self.import_button, self.report_button, self.cancel_button)
        ):
            actions.addWidget(button, 0, column)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addLayout(actions)
        layout.addWidget(self.progress)
        layout.addWidget(self.speed)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems, 2)
        layout.addWidget(QLabel(self.tr("导入批次")))
        layout.addWidget(self.batches, 1)
        layout.addWidget(self.rollback_button)
        layout.addWidget(self.error)
        layout.addWidget(self.note)
        layout.addWidget(self.close_buttons())
        self.resize(980, 720)
        self.files.setFocus()
        self.refresh_batches()

    # ------------------------------------------------------------------ choosing files

    def _ask(self, kind: str) -> Sequence[str]:
        if kind == "dir":
            path = QFileDialog.getExistingDirectory(self, self.tr("选择导入文件所在目录"))
            return [path] if path else []
        if kind == "files":
            paths, _ = QFileDialog.getOpenFileNames(
                self, self.tr("选择导入文件"), "", self.tr("导入文件 (*.csv *.xlsx)")
            )
            return paths
        if kind == "mapping":
            path, _ = QFileDialog.getOpenFileName(
                self, self.tr("选择映射文件"), "", self.tr("映射文件 (*.toml)")
            )
            return [path] if path else []
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("保存问题清单"), self.tr("导入问题清单.xlsx"), "Excel (*.xlsx)"
        )
        return [path] if path else []

    def _confirm(self, text: str) -> bool:
        answer = QMessageBox.question(self, self.tr("回退导入"), text)
        return answer == QMessageBox.StandardButton.Yes

    def _choose(self, kind: str) -> None:
        chosen = list(self.ask(kind))
        if not chosen:
            return
        if kind == "mapping":
            self.mapping.setText(chosen[0])
        else:
            self.files.setText("; ".join(chosen))
        self.plan = None
        self.import_button.setEnabled(False)

    def _paths(self) -> list[str]:
        return [p.strip() for p in self.files.text().split(";") if p.strip()]

    # ------------------------------------------------------------------ the long calls

    def _start(self, job: Callable[[RelayedProgress], Any], done: Callable[[Any], None]) -> None:
        if self.working:
            return
        self.working = True
        self.error.clear()
        self.note.clear()
        self.running = progress = RelayedProgress(self.relay)
        self.started = time.monotonic()
        self._busy(True)

        def finished(result: Any) -> None:
            self.working = False
            self._busy(False)
            done(result)

        def failed(error: Exception) -> None:
            self.working = False
            self._busy(False)
            self.error.setText(error_text(error))
            self.refresh_batches()

        run_in_background(lambda: job(progress), finished, failed, parent=self)

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.progress.setRange(0, 0)
        self.cancel_button.setVisible(busy)
        for button in (self.check_button, self.rollback_button, self.report_button):
            button.setEnabled(not busy)
        self.import_button.setEnabled(not busy and self.plan is not None)
        if not busy:
            self.report_button.setEnabled(self.plan is not None)

    def _moved(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        elapsed = time.monotonic() - self.started
        if done and elapsed > 0:
            rate = done / elapsed
            left = (total - done) / rate if rate else 0
            self.speed.setText(
                self.tr("{done}/{total}，每秒 {rate:.0f}，约剩 {left:.0f} 秒").format(
                    done=done, total=total, rate=rate, left=left
                )
            )

    def cancel(self) -> None:
        if self.running is not None:
            self.running.stop.set()

    # ------------------------------------------------------------------ actions

    def dry_run(self) -> None:
        paths, mapping, desk = self._paths(), self.mapping.text().strip() or None, self.desk
        if not paths:
            self.error.setText(self.tr("请选择要导入的文件或目录"))
            return
        self.plan = None
        self._start(lambda progress: desk.import_dry_run(paths, mapping, progress), self.show_plan)

    def show_plan(self, plan: ImportPlan) -> None:
        self.plan = plan
        errors = len(plan.errors)
        self.summary.setText(
            self.tr(
                "可导入 {new} 户，已在系统中 {already} 户；错误 {errors} 个，警告 {warnings} 个"
            ).format(
                new=len(plan.new),
                already=plan.already,
                errors=errors,
                warnings=len(plan.problems) - errors,
            )
        )
        shown = plan.problems[:SHOWN_PROBLEMS]
        self.problems.setRowCount(len(shown))
        for row, problem in enumerate(shown):
            level = self.tr("错误") if problem.error else self.tr("警告")
            cells = (
                problem.file,
                "" if problem.row is None else str(problem.row),
                problem.column or "",
                problem.value,
                problem.reason,
                level,
            )
            for column, text in enumerate(cells):
                self.problems.setItem(row, column, QTableWidgetItem(text))
        self.import_button.setEnabled(True)
        self.report_button.setEnabled(True)
        if errors and not self.skip.isChecked():
            self.note.setText(self.tr("有错误：修正文件后重新试导入，或勾选「跳过有错误的行」"))

    def run_import(self) -> None:
        plan, skip, desk = self.plan, self.skip.isChecked(), self.desk
        if plan is None:
            return
        self._start(lambda progress: desk.run_import(plan, skip, progress), self.imported)

    def imported(self, outcome: Any) -> None:
        self.plan = None
        self.import_button.setEnabled(False)
        notes = list(outcome.notes)
        if outcome.batch is not None:
            notes.append(
                self.tr("批次 {batch}：本次写入 {added} 户，共 {done} 户").format(
                    batch=outcome.batch.batch_no,
                    added=outcome.added,
                    done=outcome.batch.accounts_done,
                )
            )
        self.note.setText("；".join(notes))
        self.refresh_batches()

    def save_report(self) -> None:
        plan, desk = self.plan, self.desk
        chosen = list(self.ask("report"))
        if plan is None or not chosen:
            return
        path = chosen[0]
        self.call(
            lambda: desk.write_import_report(plan, path),
            lambda _none: self.note.setText(self.tr("问题清单已保存到 {path}").format(path=path)),
        )

    def refresh_batches(self) -> None:
        desk = self.desk
        run_in_background(
            desk.import_batches,
            self.show_batches,
            lambda error: self.error.setText(error_text(error)),
            parent=self,
        )

    def show_batches(self, batches: Sequence[BatchView]) -> None:
        self.batches.setRowCount(len(batches))
        for row, batch in enumerate(batches):
            started = self.desk.ctx.local(batch.started_at).strftime("%Y-%m-%d %H:%M")
            cells = (
                batch.batch_no,
                vocabulary_text(batch.kind),
                vocabulary_text(batch.status),
                f"{batch.accounts_done}/{batch.accounts_total}",
                started,
            )
            for column, text in enumerate(cells):
                self.batches.setItem(row, column, QTableWidgetItem(text))

    def rollback(self) -> None:
        row = self.batches.currentRow()
        item = self.batches.item(row, 0) if row >= 0 else None
        if item is None:
            self.error.setText(self.tr("请先在列表中选择要回退的导入批次"))
            return
        batch_no, desk = item.text(), self.desk
        if not self.confirm(
            self.tr(
                "回退批次 {batch}：删除它导入的户、表、卡和客户，期初数据以冲销行抵消。继续？"
            ).format(batch=batch_no)
        ):
            return

        def done(outcome: Any) -> None:
            self.note.setText(
                self.tr("已回退 {batch}（回退批次 {reversal}）").format(
                    batch=batch_no, reversal=outcome.batch.batch_no
                )
            )
            self.refresh_batches()

        self._start(lambda progress: desk.rollback_import(batch_no, progress), done)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setStretchLastSection(True)
    return table
