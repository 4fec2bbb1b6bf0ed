"""The counter window: search, the loaded account, one button per F-key operation, the card
reader watched in the background, and the status bar (reader, printer, database, shift, drawer).

Everything that touches the database or a device runs through ``run_in_background``.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.desk import DeskSession
from app.devices.cardreader import NoCard
from app.services.card_counter import CardAtCounter, EarlierSaleCompleted, SaleVoided
from app.services.queries import AccountSummary, AccountView, account_view, find_accounts
from app.services.shifts import DrawerStatus, ShiftInfo, current_shift, drawer_status
from app.vocabulary import DrawerLevel
from ui.account_panel import AccountPanel
from ui.base import error_text
from ui.customer_display import CustomerDisplay
from ui.operations import OPERATIONS, Operation
from ui.worker import run_in_background

log = logging.getLogger(__name__)

RESULT_COLUMNS = (
    QT_TRANSLATE_NOOP("CounterWindow", "户号"),
    QT_TRANSLATE_NOOP("CounterWindow", "姓名"),
    QT_TRANSLATE_NOOP("CounterWindow", "电话"),
    QT_TRANSLATE_NOOP("CounterWindow", "地址"),
    QT_TRANSLATE_NOOP("CounterWindow", "表号"),
    QT_TRANSLATE_NOOP("CounterWindow", "卡号"),
    QT_TRANSLATE_NOOP("CounterWindow", "状态"),
)
SEARCH_DELAY_MS = 250
CARD_POLL_MS = 1000
STATUS_REFRESH_MS = 3000
RED = "color: #b00020; font-weight: bold"


@dataclass(frozen=True)
class StatusSnapshot:
    reader: str
    printer: str | None  # None: not asked (a receipt is printing)
    database: str
    database_ok: bool
    shift: ShiftInfo | None
    drawer: DrawerStatus | None


def status_snapshot(session: DeskSession, *, ask_printer: bool) -> StatusSnapshot:
    """Runs in the background: everything the status bar shows."""
    reader = session.reader_state()
    printer = session.printer_state() if ask_printer else None
    try:
        shift = current_shift(session.ctx, session.actor)
        drawer = drawer_status(session.ctx, session.actor)
    except Exception as error:  # shown as the database state, never raised
        log.warning("status refresh failed: %s", error)
        return StatusSnapshot(reader, printer, error_text(error), False, None, None)
    database = QCoreApplication.translate("CounterWindow", "正常", "status bar")
    return StatusSnapshot(reader, printer, database, True, shift, drawer)


@dataclass(frozen=True)
class CardPoll:
    token: tuple | None  # (present, identity): a change with present=True means a new card
    read: CardAtCounter | None = None
    error: Exception | None = None


def card_token(session: DeskSession) -> tuple | None:
    """Cheap presence check (no APDU): (present, which insertion); None: unknown."""
    return session.card_token()


def poll_card(session: DeskSession, last: tuple | None) -> CardPoll:
    """Runs in the background: read (and settle) the card when a new one is in the reader."""
    counter = session.card_counter
    if counter is None:
        return CardPoll((False, None))
    token = card_token(session)
    if token is not None and (not token[0] or token == last):
        return CardPoll(token)
    try:
        read = counter.read(session.actor)
    except NoCard:
        return CardPoll((False, None))
    except Exception as error:
        return CardPoll(token or (True, f"error:{type(error).__name__}"), error=error)
    if token is None:  # the reader cannot tell presence: the card's serial tells a new card
        token = (True, read.image.serial if read.image is not None else "blank")
    return CardPoll(token, read)


def transaction_of(result: Any) -> int | None:
    """The transaction a dialog recorded (its result, or its ``.sale``), if any."""
    for candidate in (result, getattr(result, "sale", None)):
        tid = getattr(candidate, "transaction_id", None)
        if isinstance(tid, int):
            return tid
    return None


class CounterWindow(QMainWindow):
    """The main window of a counter; ``CounterWindow(session)``."""

    def __init__(self, session: DeskSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.current_dialog: QWidget | None = None
        self.account: AccountView | None = None
        self.card_token: tuple | None = None
        self._closing = False
        self._query = ""
        self._printing = 0
        self._polling = False
        self._refreshing = False
        self.results_rows: list[AccountSummary] = []

        self.setWindowTitle(
            self.tr("GasDesk 燃气营业厅 — {hall} {counter} — 营业员 {clerk}").format(
                hall=session.desk.hall_name,
                counter=session.desk.counter_name,
                clerk=session.user.display_name,
            )
            + (self.tr("（培训模式）") if session.training else "")
        )
        self.resize(1200, 760)

        central = QWidget()
        layout = QVBoxLayout(central)
        self.training_banner: QLabel | None = None
        if session.training:
            self.training_banner = QLabel(self.tr("培训模式 · 所有业务无效"))
            self.training_banner.setObjectName("training-banner")
            self.training_banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.training_banner.setStyleSheet(
                "background: #ffcc00; color: #000; padding: 4px; font-weight: bold"
            )
            layout.addWidget(self.training_banner)

        # search
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(
            self.tr("输入户号、卡号、表号、姓名、电话、证件号或地址（Enter 加载，Esc 清除）")
        )
        self.search.setClearButtonEnabled(True)
        self.search.installEventFilter(self)
        self.results = QTableWidget(0, len(RESULT_COLUMNS))
        self.results.setObjectName("results")
        self.results.setHorizontalHeaderLabels([self.tr(c) for c in RESULT_COLUMNS])
        self.results.horizontalHeader().setStretchLastSection(True)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.activated.connect(lambda index: self.load_result(index.row()))
        self.results.doubleClicked.connect(lambda index: self.load_result(index.row()))
        self.results.installEventFilter(self)
        self.results.setMaximumHeight(180)
        layout.addWidget(self.search)
        layout.addWidget(self.results)

        # account and (training) devices
        self.account_panel = AccountPanel()
        self.training_panel = None
        if session.devices.training is not None:
            from ui.training_panel import TrainingPanel

            self.training_panel = TrainingPanel(
                session, lambda: self.account.summary.meter_no if self.account else None
            )
            self.training_panel.message.connect(self.show_message)
            splitter = QSplitter()
            splitter.addWidget(self.account_panel)
            splitter.addWidget(self.training_panel)
            splitter.setStretchFactor(0, 3)
            splitter.setStretchFactor(1, 1)
            layout.addWidget(splitter, 1)
        else:
            layout.addWidget(self.account_panel, 1)

        # action bar: one button and one window-wide F-key per operation
        bar = QHBoxLayout()
        self.operation_buttons: dict[str, QPushButton] = {}
        self.operation_actions: dict[str, QAction] = {}
        for op in OPERATIONS:
            button = QPushButton(f"{op.key} {self.tr(op.name)}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard stays in the search
            button.clicked.connect(lambda _checked=False, op=op: self.open_operation(op))
            bar.addWidget(button)
            self.operation_buttons[op.key] = button
            action = QAction(self.tr(op.name), self)
            action.setShortcut(QKeySequence(op.key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, op=op: self.open_operation(op))
            self.addAction(action)
            self.operation_actions[op.key] = action
        layout.addLayout(bar)
        self.setCentralWidget(central)

        # status bar
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.status_labels: dict[str, QLabel] = {}
        status = self.statusBar()
        status.addWidget(self.message, 1)
        for key, caption in (
            ("reader", self.tr("读卡器")),
            ("printer", self.tr("打印机")),
            ("database", self.tr("数据库")),
            ("shift", self.tr("班次")),
            ("drawer", self.tr("钱箱")),
        ):
            label = QLabel(self.tr("{caption}：{text}").format(caption=caption, text="…"))
            label.setObjectName(f"status-{key}")
            label.setProperty("caption", caption)
            self.status_labels[key] = label
            status.addPermanentWidget(label)

        # the customer's monitor
        self.customer_display = CustomerDisplay(training=session.training)
        self.customer_display.show()

        # background work on timers
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self._card_timer = QTimer(self, interval=CARD_POLL_MS)
        self._card_timer.timeout.connect(self.poll_card)
        self._status_timer = QTimer(self, interval=STATUS_REFRESH_MS)
        self._status_timer.timeout.connect(self.refresh_status)
        self._card_timer.start()
        self._status_timer.start()
        QTimer.singleShot(0, self.poll_card)
        QTimer.singleShot(0, self.refresh_status)
        self.search.setFocus()

    # ------------------------------------------------------------------ messages

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(RED if error else "")
        self.message.setText(text)

    def _set_status(self, key: str, text: str, *, warn: bool = False) -> None:
        label = self.status_labels[key]
        label.setText(
            self.tr("{caption}：{text}").format(caption=label.property("caption"), text=text)
        )
        label.setStyleSheet(RED if warn else "")

    # ------------------------------------------------------------------ search

    def run_search(self) -> None:
        query = self.search.text().strip()
        self._query = query
        if not query:
            self.show_results([])
            return
        ctx, actor = self.session.ctx, self.session.actor
        run_in_background(
            lambda: find_accounts(ctx, actor, query),
            lambda rows, q=query: self.show_results(rows) if q == self._query else None,
            lambda error: self.show_message(error_text(error), error=True),
            parent=self,
        )

    def show_results(self, rows: list[AccountSummary]) -> None:
        if self._closing:
            return
        self.results_rows = list(rows)
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
        if rows:
            self.results.selectRow(0)
        if self._query:
            self.show_message(self.tr("找到 %n 户", "", len(rows)))

    def load_result(self, row: int) -> None:
        if 0 <= row < len(self.results_rows):
            self.load_account(self.results_rows[row].account_no)

    def clear_search(self) -> None:
        self._search_timer.stop()
        self._query = ""
        self.search.clear()
        self.show_results([])
        self.search.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key == Qt.Key.Key_Escape:
                self.clear_search()
                return True
            if watched is self.search:
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    current = self.results.currentRow()
                    self.load_result(current if current >= 0 else 0)
                    return True
                if key == Qt.Key.Key_Down and self.results.rowCount():
                    self.results.setFocus()
                    if self.results.currentRow() < 0:
                        self.results.selectRow(0)
                    return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ account

    def load_account(self, account_no: str) -> None:
        ctx, actor = self.session.ctx, self.session.actor
        self._load_seq = ticket = getattr(self, "_load_seq", 0) + 1

        def shown(view: AccountView) -> None:
            if ticket == self._load_seq:  # an older, slower load never replaces a newer one
                self.show_account(view)

        run_in_background(
            lambda: account_view(ctx, actor, account_no),
            shown,
            lambda error: self.show_message(error_text(error), error=True),
            parent=self,
        )

    def show_account(self, view: AccountView) -> None:
        if self._closing:
            return
        self.account = view
        self.account_panel.show_account(view)
        self.show_message(
            self.tr("已加载 {account} {name}").format(
                account=view.summary.account_no, name=view.summary.customer_name
            )
        )

    @property
    def current_account_no(self) -> str | None:
        return self.account.summary.account_no if self.account is not None else None

    # ------------------------------------------------------------------ card reader

    def poll_card(self) -> None:
        if self._polling or self._closing or self.current_dialog is not None:
            return  # an operation dialog owns the reader while it is open
        self._polling = True
        session, last = self.session, self.card_token
        run_in_background(
            lambda: poll_card(session, last), self._card_polled, self._poll_failed, parent=self
        )

    def _poll_failed(self, error: Exception) -> None:
        self._polling = False
        if not self._closing:
            self.show_message(error_text(error), error=True)

    def _card_polled(self, poll: CardPoll) -> None:
        self._polling = False
        if self._closing:
            return
        last, self.card_token = self.card_token, poll.token
        if self.training_panel is not None:
            self.training_panel.update_state()
        if poll.token == last or poll.token is None or not poll.token[0]:
            return
        if poll.error is not None:
            self.show_message(error_text(poll.error), error=True)
            return
        read = poll.read
        if read is None:
            return
        if read.image is None:
            self.show_message(self.tr("读卡器中是空白卡（尚未发卡）"), error=True)
            return
        if read.account is not None:
            self.show_account(read.account)
        if read.settlement is not None:
            self._settled_on_read(read)

    def _settled_on_read(self, read: CardAtCounter) -> None:
        settlement = read.settlement
        if settlement.outcome == "voided":
            self.show_message(SaleVoided(settlement).user_message, error=True)
            return
        self.show_message(EarlierSaleCompleted(settlement).user_message, error=True)
        self.print_receipt(settlement.sale.transaction_id)

    # ------------------------------------------------------------------ operations

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        # the F-keys are window shortcuts; this catches one delivered straight to the window
        name = QKeySequence(event.key()).toString()
        op = next((op for op in OPERATIONS if op.key == name), None)
        if op is not None:
            self.open_operation(op)
            return
        if event.key() == Qt.Key.Key_Escape:
            self.clear_search()
            return
        super().keyPressEvent(event)

    def open_operation(self, op: Operation) -> None:
        if self.current_dialog is not None:
            return
        account_no = self.current_account_no
        if op.needs_account and account_no is None:
            self.show_message(
                self.tr("请先读卡或查询并加载账户，再办理{name}").format(name=self.tr(op.name)),
                error=True,
            )
            return
        try:
            dialog_class = op.dialog_class()
        except (ImportError, AttributeError) as error:
            log.info("operation %s not available: %s", op.key, error)
            self.show_message(self.tr("{name}：功能尚未开放").format(name=self.tr(op.name)))
            return
        try:
            dialog = dialog_class(self.session, account_no, self)
        except Exception as error:
            log.exception("cannot open %s", op.target)
            self.show_message(error_text(error), error=True)
            return
        self.current_dialog = dialog
        dialog.finished.connect(lambda code, d=dialog: self._dialog_finished(d, code))
        dialog.open()

    def _dialog_finished(self, dialog: Any, code: int) -> None:
        self.current_dialog = None
        dialog.deleteLater()
        if self._closing:
            return
        result = getattr(dialog, "result_value", None)
        tid = transaction_of(result)
        accepted = code == 1
        if accepted or tid is not None:
            account_no = (
                getattr(result, "account_no", None)
                or getattr(getattr(result, "sale", None), "account_no", None)
                or self.current_account_no
            )
            if isinstance(account_no, str):
                self.load_account(account_no)
            self.refresh_status()
        if tid is not None:
            self.print_receipt(tid)
        self.search.setFocus()

    # ------------------------------------------------------------------ printing

    def print_receipt(self, transaction_id: int) -> None:
        self._printing += 1
        session = self.session
        run_in_background(
            lambda: session.print_transaction(transaction_id),
            self._printed,
            self._print_failed,
            parent=self,
        )

    def _printed(self, message: str) -> None:
        self._printing -= 1
        if self._closing:
            return
        self.show_message(message)
        if self.training_panel is not None:
            self.training_panel.refresh_receipts()

    def _print_failed(self, error: Exception) -> None:
        self._printing -= 1
        if not self._closing:
            self.show_message(error_text(error), error=True)

    # ------------------------------------------------------------------ status bar

    def refresh_status(self) -> None:
        if self._refreshing or self._closing:
            return
        self._refreshing = True
        session, ask_printer = self.session, self._printing == 0
        run_in_background(
            lambda: status_snapshot(session, ask_printer=ask_printer),
            self._status_done,
            self._status_failed,
            parent=self,
        )

    def _status_failed(self, error: Exception) -> None:
        self._refreshing = False
        if not self._closing:
            self._set_status("database", error_text(error), warn=True)

    def _status_done(self, snap: StatusSnapshot) -> None:
        self._refreshing = False
        if self._closing:
            return
        self._set_status("reader", snap.reader)
        if snap.printer is not None:
            self._set_status("printer", snap.printer, warn=snap.printer not in ("正常", "未配置"))
        self._set_status("database", snap.database, warn=not snap.database_ok)
        if snap.database_ok:
            if snap.shift is None:
                self._set_status("shift", self.tr("未开班"), warn=True)
            else:
                opened = snap.shift.opened_at
                if opened.tzinfo is None:  # SQLite hands back naive UTC
                    opened = opened.replace(tzinfo=dt.UTC)
                opened = opened.astimezone(self.session.ctx.tz)
                self._set_status(
                    "shift", self.tr("已开班（{time}）").format(time=opened.strftime("%H:%M"))
                )
            drawer = snap.drawer
            if drawer is None or drawer.shift_id is None:
                self._set_status("drawer", self.tr("—"))
            elif drawer.level == DrawerLevel.OK:
                self._set_status("drawer", self.tr("正常", "status bar"))
            else:
                message = self.tr(drawer.message) if drawer.message else self.tr("请交款")
                self._set_status("drawer", message, warn=True)
            if drawer is not None and drawer.overdue:
                label = self.status_labels["drawer"]
                label.setToolTip(self.tr("有超过期限未交财务的现金，请尽快交款"))
        if self.training_panel is not None:
            self.training_panel.update_state()

    # ------------------------------------------------------------------ closing

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self._closing = True
        self._card_timer.stop()
        self._status_timer.stop()
        self._search_timer.stop()
        self.customer_display.close()
        super().closeEvent(event)
