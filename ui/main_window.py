"""The counter window (first cut): account search with results as you type."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QTimer
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QMainWindow,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.context import Context
from app.errors import GasDeskError
from app.services.queries import AccountSummary, find_accounts
from app.services.setup import DeskInfo
from ui.worker import run_in_background

COLUMNS = (
    QT_TRANSLATE_NOOP("MainWindow", "户号"),
    QT_TRANSLATE_NOOP("MainWindow", "姓名"),
    QT_TRANSLATE_NOOP("MainWindow", "电话"),
    QT_TRANSLATE_NOOP("MainWindow", "地址"),
    QT_TRANSLATE_NOOP("MainWindow", "表号"),
    QT_TRANSLATE_NOOP("MainWindow", "卡号"),
    QT_TRANSLATE_NOOP("MainWindow", "状态"),
)


class MainWindow(QMainWindow):
    def __init__(self, ctx: Context, desk: DeskInfo, *, training: bool = False):
        super().__init__()
        self.ctx = ctx
        title = self.tr("GasDesk 燃气营业厅柜台系统")
        if desk.hall_name:
            title += f" — {desk.hall_name} {desk.counter_name}"
        if training:
            title += self.tr("（培训模式）")
        self.setWindowTitle(title)
        self.resize(1000, 640)

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("输入户号、卡号、表号、电话、证件号或姓名/地址"))
        self.results = QTableWidget(0, len(COLUMNS))
        self.results.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.results.horizontalHeader().setStretchLastSection(True)
        self.message = QLabel()

        layout = QVBoxLayout()
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        layout.addWidget(self.message)
        central = QWidget()
        central.setLayout(layout)
        self.setCentralWidget(central)
        self.statusBar().showMessage(self.tr("共 %n 户", "", desk.accounts))

        self._debounce = QTimer(self, singleShot=True, interval=200)
        self._debounce.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        self._query = ""

    def _run_search(self) -> None:
        query = self.search.text().strip()
        self._query = query
        if not query:
            self.show_results([])
            return
        run_in_background(
            lambda: find_accounts(self.ctx, query),
            lambda rows, q=query: self.show_results(rows) if q == self._query else None,
            self.show_error,
            parent=self,
        )

    def show_results(self, rows: list[AccountSummary]) -> None:
        self.results.setRowCount(len(rows))
        for r, row in enumerate(rows):
            values = (
                row.account_no,
                row.customer_name,
                row.phone or "",
                row.address,
                row.meter_no or "",
                row.card_serial or "",
                self.tr("正常") if row.status == "active" else self.tr("已销户"),
            )
            for c, value in enumerate(values):
                self.results.setItem(r, c, QTableWidgetItem(value))
        self.message.setText(self.tr("找到 %n 户", "", len(rows)) if self._query else "")

    def show_error(self, error: Exception) -> None:
        text = error.user_message if isinstance(error, GasDeskError) else str(error)
        self.message.setText(text)
