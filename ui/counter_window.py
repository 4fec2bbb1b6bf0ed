"""The counter window: search, the loaded account, one button per F-key operation, the card
reader watched in the background, and the status bar (reader, printer, database, shift, drawer).

Everything that touches the database or a device runs through ``run_in_background``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.counter import (
    AccountSummary,
    AccountView,
    AdminDesk,
    CardAtCounter,
    CardPoll,
    CounterSession,
    CounterStatus,
    EarlierSaleCompleted,
    Outcome,
    PrintOutcome,
    ShiftClosed,
    settlement_error,
)
from app.domain.money import format_money
from app.domain.takeover import TakeoverFigures, TakeoverNeeded
from app.vocabulary import DrawerLevel, PrinterState
from ui.account_panel import AccountPanel
from ui.base import error_text
from ui.customer_display import CustomerDisplay
from ui.fitting import keep_fitted
from ui.i18n import FONT_SCALES, apply_font_scale, vocabulary_text
from ui.operations import MENU_OPERATIONS, OPERATIONS, TOOL_CARD_OPERATIONS, Operation
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
FKEY_COLUMNS = 6  # the F-key bar in two rows: every label fits a 1366 px screen in English


# Asked for where to save a file: (dialog title, suggested file name, filter) → path or None
SavePath = Callable[[str, str, str], str | None]
# Told the font scale the clerk chose (per cent; None: from the screen), to keep it
FontScaleSaver = Callable[[int | None], None]


LOCK_KEY = "Ctrl+L"
LOGOUT_KEY = "Ctrl+Shift+L"


class MessageLine(QLabel):
    """The status bar's message: always one line, so a message appearing never moves the
    layout; a long one is elided on screen and whole in the tooltip (``text()`` is whole)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(self.fontMetrics().lineSpacing() + 4)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self.setToolTip(text)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, rect.width()
        )
        painter = QPainter(self)
        self.style().drawItemText(
            painter,
            rect,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            self.palette(),
            self.isEnabled(),
            shown,
            self.foregroundRole(),
        )


class CounterWindow(QMainWindow):
    """The main window of a counter; ``CounterWindow(session)``. ``font_scale`` is the
    workstation's (None: from the screen); ``save_font_scale`` keeps the 字号 menu's choice.

    ``lock_requested`` (Ctrl+L) asks the idle lock to lock now; ``logout_requested`` (Ctrl+Shift+L,
    confirmed) asks the start-up flow to close the counter and show the login again."""

    lock_requested = Signal()
    logout_requested = Signal()

    def __init__(
        self,
        session: CounterSession,
        parent: QWidget | None = None,
        *,
        save_path: SavePath | None = None,
        font_scale: int | None = None,
        save_font_scale: FontScaleSaver | None = None,
    ):
        super().__init__(parent)
        self.session = session
        self.save_path: SavePath = save_path or self._ask_save_path
        self.font_scale = font_scale
        self.save_font_scale = save_font_scale
        self.current_dialog: QWidget | None = None
        self.account: AccountView | None = None
        self.card_token: tuple | None = None
        self._closing = False
        self.logout_box: QMessageBox | None = None
        self._query = ""
        self._printing = 0
        self._receipted: set[int] = set()  # transactions whose receipt was sent to print
        self._polling = False
        self._refreshing = False
        self.results_rows: list[AccountSummary] = []
        # after an operation the card in the reader is read again (although it is the same
        # card) for what it now holds: (that card's token, the operation's account)
        self._reread: tuple[tuple | None, str | None] | None = None
        self.last_receipt: PrintOutcome | None = None

        self.setWindowTitle(
            self.tr("GasDesk 燃气营业厅 — {hall} {counter} — 营业员 {clerk}").format(
                hall=session.workstation.hall_name,
                counter=session.workstation.counter_name,
                clerk=session.user.display_name,
            )
            + (self.tr("（培训模式）") if session.training else "")
            + (self.tr("（演示模式）") if session.demo else "")
        )
        self.resize(1200, 760)  # until shown maximised (ui.app)

        central = QWidget()
        layout = QVBoxLayout(central)
        self.training_banner: QLabel | None = None
        if session.training or session.demo:
            self.training_banner = QLabel(
                self.tr("演示模式 · 所有业务无效")
                if session.demo
                else self.tr("培训模式 · 所有业务无效")
            )
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
        # whose card is in the reader: GasDesk's own, a maker's, a tool card, an unknown card
        self.card_owner = QLabel(self.tr("读卡器中无卡"))
        self.card_owner.setObjectName("card-owner")
        self.card_owner.setWordWrap(True)
        layout.addWidget(self.card_owner)

        # the account; the training devices in a window of their own (usable during a dialog)
        self.account_panel = AccountPanel()
        # a screen too small for the chosen type scrolls the account, never the F-keys away
        account_area = QScrollArea()
        account_area.setObjectName("account-area")
        account_area.setWidgetResizable(True)
        account_area.setFrameShape(QFrame.Shape.NoFrame)
        account_area.setWidget(self.account_panel)
        layout.addWidget(account_area, 1)
        self.training_window = None
        if session.devices.training is not None:
            from ui.training_window import TrainingWindow

            self.training_window = TrainingWindow(
                session,
                lambda: self.account.summary.meter_no if self.account else None,
                beside=self,
            )
            self.training_window.message.connect(self.show_message)
            self.training_window.changed.connect(self.refresh_status)

        # action bar: one button and one window-wide F-key per operation, in two rows
        bar = QGridLayout()
        self.operation_buttons: dict[str, QPushButton] = {}
        self.operation_actions: dict[str, QAction] = {}
        for index, op in enumerate(OPERATIONS):
            button = QPushButton(f"{op.key} {self.tr(op.name)}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard stays in the search
            button.clicked.connect(lambda _checked=False, op=op: self.open_operation(op))
            bar.addWidget(button, index // FKEY_COLUMNS, index % FKEY_COLUMNS)
            self.operation_buttons[op.key] = button
            action = QAction(self.tr(op.name), self)
            action.setShortcut(QKeySequence(op.key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, op=op: self.open_operation(op))
            self.addAction(action)
            self.operation_actions[op.key] = action
        layout.addLayout(bar)
        self.lock_action = QAction(self.tr("锁定柜台"), self)
        self.lock_action.setShortcut(QKeySequence(LOCK_KEY))
        self.lock_action.triggered.connect(self.lock_counter)
        self.logout_action = QAction(self.tr("注销"), self)
        self.logout_action.setShortcut(QKeySequence(LOGOUT_KEY))
        self.logout_action.triggered.connect(self.log_out)
        for action in (self.lock_action, self.logout_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
        self.setCentralWidget(central)
        self._add_view_menu()
        self._add_business_menu()
        self._add_card_menu()
        self._add_admin_menu()

        # status bar
        self.message = MessageLine()
        self.message.setObjectName("message")
        self.status_labels: dict[str, QLabel] = {}
        # two rows, so nothing is squeezed off a 1366 px screen in English: the message with
        # the buttons for it; the states of the reader, printer, database, shift and drawer
        status_area = QWidget()
        status_area.setObjectName("status-area")
        rows = QVBoxLayout(status_area)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(2)
        message_row, states_row = QHBoxLayout(), QHBoxLayout()
        rows.addLayout(message_row)
        rows.addLayout(states_row)
        states_row.addStretch(1)
        states_row.setSpacing(16)  # one state from the next, at a glance
        self.statusBar().addWidget(status_area, 1)
        message_row.addWidget(self.message, 1)
        self.queue_button = QPushButton(self.tr("补打待打印凭证"))
        self.queue_button.setObjectName("print-queued")
        self.queue_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.queue_button.clicked.connect(self.print_queued)
        message_row.addWidget(self.queue_button)
        self.form_button = QPushButton(self.tr("开户申请表"))
        self.form_button.setObjectName("opening-form")
        self.form_button.setToolTip(self.tr("导出已加载账户的开户申请表（PDF），打印后由客户签字"))
        self.form_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.form_button.setEnabled(False)
        self.form_button.clicked.connect(self.export_opening_form)
        message_row.addWidget(self.form_button)
        for key, caption in (
            ("receipt", self.tr("凭证")),
            ("reader", self.tr("读卡器")),
            ("printer", self.tr("打印机")),
            ("database", self.tr("数据库")),
            ("shift", self.tr("班次")),
            ("drawer", self.tr("钱箱")),
        ):
            text = self.tr("—") if key == "receipt" else "…"
            label = QLabel(self.tr("{caption}：{text}").format(caption=caption, text=text))
            label.setObjectName(f"status-{key}")
            label.setProperty("caption", caption)
            self.status_labels[key] = label
            states_row.addWidget(label)
        if session.demo:  # the demo hall says so in the status bar too
            demo_label = QLabel(self.tr("演示模式"))
            demo_label.setObjectName("status-demo")
            demo_label.setStyleSheet("background: #ffcc00; color: #000; padding: 0 6px")
            states_row.insertWidget(1, demo_label)

        # the customer's monitor
        self.customer_display = CustomerDisplay(training=session.training, demo=session.demo)
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
        QTimer.singleShot(0, self.settle_left_card)
        QTimer.singleShot(0, self.refresh_status)
        self.search.setFocus()

    # ------------------------------------------------------------------ font size

    def _add_view_menu(self) -> None:
        """显示 → 字号: the workstation's font scale, applied at once and kept."""
        menu = self.menuBar().addMenu(self.tr("显示"))
        sizes = menu.addMenu(self.tr("字号"))
        group = QActionGroup(self)
        self.font_scale_actions: dict[int | None, QAction] = {}
        for scale in (None, *FONT_SCALES):
            action = QAction(self.tr("自动（按屏幕）") if scale is None else f"{scale}%", self)
            action.setCheckable(True)
            action.setChecked(scale == self.font_scale)
            action.triggered.connect(lambda _checked=False, scale=scale: self.set_font_scale(scale))
            group.addAction(action)
            sizes.addAction(action)
            self.font_scale_actions[scale] = action

    # ------------------------------------------------------------------ 业务 and cards

    def _add_business_menu(self) -> None:
        """业务: the operations without a function key, each opened like an F-key's."""
        self.menu_actions: dict[str, QAction] = {}
        self._add_operations(self.menuBar().addMenu(self.tr("业务")), MENU_OPERATIONS)

    def _add_operations(self, menu: Any, operations: tuple[Operation, ...]) -> None:
        """One action per operation, with its shortcut, opened through ``open_operation`` (the
        loaded account reloads when it is done)."""
        for op in operations:
            action = menu.addAction(self.tr(op.name))
            action.setShortcut(QKeySequence(op.key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, op=op: self.open_operation(op))
            self.menu_actions[op.key] = action

    def _add_card_menu(self) -> None:
        """卡片: 格式化旧卡 (a replaced or closed account's maker card back to a new card) and
        the tool cards (工具卡)."""
        menu = self.menuBar().addMenu(self.tr("卡片"))
        self.format_card_action = menu.addAction(self.tr("格式化旧卡"))
        self.format_card_action.triggered.connect(self.format_card)
        self.format_box: QMessageBox | None = None
        menu.addSeparator()
        self._add_operations(menu, TOOL_CARD_OPERATIONS)

    def _question(self, title: str, text: str, yes_label: str) -> tuple[QMessageBox, object]:
        """A yes / cancel question (Enter answers yes, Esc cancels), not yet opened."""
        box = QMessageBox(
            QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, self
        )
        yes = box.addButton(yes_label, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("取消 (Esc)"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(yes)
        return box, yes

    def format_card(self) -> None:
        """After a question, the card in the reader is formatted (off the GUI thread)."""
        if self.current_dialog is not None or self.format_box is not None:
            return
        box, yes = self._question(
            self.tr("格式化旧卡"),
            self.tr("将读卡器中的旧卡格式化为厂家新卡？\n在用的燃气卡不能格式化。"),
            self.tr("格式化 (Enter)"),
        )
        self.format_box = box
        session = self.session

        def answered(_code: int) -> None:
            self.format_box = None
            if box.clickedButton() is not yes:
                return
            run_in_background(
                session.format_card,
                lambda serial: self.show_message(self.tr("卡号 {0} 已格式化为新卡").format(serial)),
                lambda error: self.show_message(error_text(error), error=True),
                parent=self,
            )

        box.finished.connect(answered)
        box.open()

    # ------------------------------------------------------------------ administration

    def _add_admin_menu(self) -> None:
        """管理: 修改密码 for everyone; users, hall settings, price list (and the screens of
        other issues) only for the administrator — the services refuse anyone else anyway."""
        self.admin_desk = AdminDesk.of(self.session)
        self.admin_menu = menu = self.menuBar().addMenu(self.tr("管理"))
        self.password_action = menu.addAction(self.tr("修改密码"))
        self.password_action.triggered.connect(self.change_own_password)
        screens = (
            ("users", self.tr("用户"), "ui.dialogs.admin", "UsersDialog"),
            ("settings", self.tr("营业厅设置"), "ui.dialogs.admin", "HallSettingsDialog"),
            ("price_list", self.tr("价目表"), "ui.dialogs.admin", "PriceListDialog"),
            ("tariffs", self.tr("价格/调价"), "ui.dialogs.tariffs", "TariffsDialog"),
            ("devices", self.tr("本柜台设备"), "ui.dialogs.devices", "DevicesDialog"),
            ("makers", self.tr("卡片厂家"), "ui.dialogs.makers", "CardMakersDialog"),
            ("data_import", self.tr("数据导入"), "ui.dialogs.data_import", "DataImportDialog"),
        )
        self.admin_actions: dict[str, QAction] = {}
        administers = self.admin_desk.administers
        if administers:
            menu.addSeparator()
        for key, name, module, class_name in screens:
            action = menu.addAction(name)
            action.setVisible(administers)
            action.setEnabled(administers)
            action.triggered.connect(
                lambda _checked=False, n=name, m=module, c=class_name: self.open_admin_screen(
                    n, m, c
                )
            )
            self.admin_actions[key] = action

    def open_admin_screen(self, name: str, module: str, class_name: str) -> None:
        """An administration screen, imported when opened (a screen of an issue not merged yet
        says so)."""
        if self.current_dialog is not None or not self.admin_desk.administers:
            return
        import importlib

        try:
            dialog_class = getattr(importlib.import_module(module), class_name)
        except (ImportError, AttributeError) as error:
            log.info("admin screen %s not available: %s", class_name, error)
            self.show_message(self.tr("{name}：功能尚未开放").format(name=name))
            return
        # a screen's desk (``desk_for``) may read the database first: off the GUI thread
        desk_for = getattr(dialog_class, "desk_for", None)
        session, admin_desk = self.session, self.admin_desk

        def opened(desk: Any) -> None:
            if self._closing or self.current_dialog is not None:
                return
            try:
                dialog = dialog_class(desk, self)
            except Exception as error:
                log.exception("cannot open %s", class_name)
                self.show_message(error_text(error), error=True)
                return
            self._open_tool(dialog)

        run_in_background(
            (lambda: desk_for(session)) if desk_for is not None else (lambda: admin_desk),
            opened,
            lambda error: self.show_message(error_text(error), error=True),
            parent=self,
        )

    def change_own_password(self) -> None:
        if self.current_dialog is not None:
            return
        from ui.dialogs.admin import ChangePasswordDialog

        dialog = ChangePasswordDialog(self.admin_desk.change_own_password, self)
        self._open_tool(dialog, self.tr("密码已修改"))

    def _open_tool(self, dialog: Any, accepted: str = "") -> None:
        """A 管理 screen over the counter (one at a time); ``accepted``: the line to show when
        it closes accepted."""
        self.current_dialog = dialog

        def finished(code: int) -> None:
            self.current_dialog = None
            dialog.deleteLater()
            if code == 1 and accepted:
                self.show_message(accepted)
            self.search.setFocus()

        dialog.finished.connect(finished)
        keep_fitted(dialog)
        dialog.open()

    def set_font_scale(self, scale: int | None) -> None:
        """The application font at ``scale`` per cent (None: from the screen), kept for the
        next start."""
        self.font_scale = scale
        self.font_scale_actions[scale].setChecked(True)
        applied = apply_font_scale(QApplication.instance(), scale)
        try:
            if self.save_font_scale is not None:
                self.save_font_scale(scale)
        except Exception as error:  # a read-only config file: the size still applies now
            log.warning("font scale not saved: %s", error)
            self.show_message(
                self.tr("字号已改为 {0}%，但未能保存：{1}").format(applied, error_text(error)),
                error=True,
            )
            return
        self.show_message(self.tr("字号已改为 {0}%").format(applied))

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
        session = self.session
        run_in_background(
            lambda: session.find_accounts(query),
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

    def highlighted_account(self) -> AccountSummary | None:
        """The search row the clerk is looking at, if the list shows any."""
        row = self.results.currentRow()
        if self.results.rowCount() == 0 or not 0 <= row < len(self.results_rows):
            return None
        return self.results_rows[row]

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
        session = self.session
        self._load_seq = ticket = getattr(self, "_load_seq", 0) + 1

        def shown(view: AccountView) -> None:
            if ticket == self._load_seq:  # an older, slower load never replaces a newer one
                self.show_account(view)

        run_in_background(
            lambda: session.account(account_no),
            shown,
            lambda error: self.show_message(error_text(error), error=True),
            parent=self,
        )

    def show_account(self, view: AccountView, pending_volume: int | None = None) -> None:
        """``pending_volume``: the gas a card read found still on this account's card."""
        if self._closing:
            return
        self.account = view
        self.account_panel.show_account(view, pending_volume)
        self.form_button.setEnabled(True)
        self.show_message(
            self.tr("已加载 {account} {name}").format(
                account=view.summary.account_no, name=view.summary.customer_name
            )
        )

    @property
    def current_account_no(self) -> str | None:
        return self.account.summary.account_no if self.account is not None else None

    # ------------------------------------------------------------------ card reader

    def settle_left_card(self) -> None:
        """After login: a card left in the reader settles its pending write, then polling
        starts."""
        self._polling = True
        session = self.session

        def settled(settlement: Any) -> None:
            self._polling = False
            if self._closing:
                return
            if settlement is not None:
                self._report_settlement(settlement)
            self.poll_card()

        def failed(error: Exception) -> None:
            self._polling = False
            if not self._closing:
                self.poll_card()  # the poll reads the card again and says what is wrong

        run_in_background(session.settle_left_card, settled, failed, parent=self)

    def poll_card(self) -> None:
        if self._polling or self._closing or self.current_dialog is not None:
            return  # an operation dialog owns the reader while it is open
        self._polling = True
        session, last = self.session, self.card_token
        if self._reread is not None:
            last = None  # read the card although it is the same one: an operation wrote it
        run_in_background(
            lambda: session.poll_card(last), self._card_polled, self._poll_failed, parent=self
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
        if self.training_window is not None:
            self.training_window.update_state()
        self.show_card_owner(poll)
        if last is not None and last[0] and (poll.token is None or not poll.token[0]):
            self.customer_display.welcome()  # the card left: nobody's figures stay up
        reread = self._reread
        if reread is not None and poll.token != reread[0]:
            self._reread = None  # the card left or another came: the usual path below
        elif reread is not None and (poll.read is not None or poll.error is not None):
            self._reread = None
            self._card_reread(poll, reread[1])
            return
        if poll.token == last or poll.token is None or not poll.token[0]:
            return
        if poll.error is not None:
            self.show_message(error_text(poll.error), error=True)
            if isinstance(poll.error, TakeoverNeeded):  # an old system's card: the team leader
                self.open_takeover(poll.error.figures)
            return
        read = poll.read
        if read is None:
            return
        if read.tool is not None:
            self.show_message(self.card_owner_text(read), error=True)
            return
        if read.image is None:
            self.show_message(self.tr("读卡器中是空白卡（尚未发卡）"), error=True)
            return
        if read.account is not None:
            self.show_account(read.account, read.image.pending_volume)
        if read.taken_over is not None:  # an old system's card, its figures the import's
            self.show_message(
                self.tr("旧系统卡已接管：卡号 {serial}，购气次数 {count}，与导入记录一致").format(
                    serial=read.taken_over.card_serial, count=read.taken_over.purchase_count
                )
            )
        if read.settlement is not None:
            self._report_settlement(read.settlement)

    def show_card_owner(self, poll: CardPoll) -> None:
        """The card line: no card, whose card it is, or why it cannot be read (an unknown
        card's message); kept as it is while the same card stays in without a new read."""
        if not self.session.has_reader:
            self.card_owner.setText(self.tr("本柜台未配置读卡器"))
            self.card_owner.setStyleSheet("")
        elif poll.token is None or not poll.token[0]:
            self.card_owner.setText(self.tr("读卡器中无卡"))
            self.card_owner.setStyleSheet("")
        elif poll.error is not None:
            self.card_owner.setText(error_text(poll.error))
            self.card_owner.setStyleSheet(RED)
        elif poll.read is not None:
            self.card_owner.setText(self.card_owner_text(poll.read))
            self.card_owner.setStyleSheet(RED if poll.read.tool is not None else "")

    def card_owner_text(self, read: CardAtCounter) -> str:
        """Whose card was read: the maker's name (本公司卡 for GasDesk's own), a tool card."""
        name = self.session.maker_name(read.maker)
        owner = name if name is not None else self.tr("本公司卡")
        if read.tool is not None:
            return self.tr("工具卡（{maker}）— 不能办理业务").format(maker=owner)
        if read.image is None:
            return self.tr("读卡器中：{owner}（新卡，尚未发卡）").format(owner=owner)
        return self.tr("读卡器中：{owner}，卡号 {serial}").format(
            owner=owner, serial=read.image.serial
        )

    def _card_reread(self, poll: CardPoll, account_no: str | None) -> None:
        """The same card read again after an operation: what it holds now, shown when it is
        the card of the account the operation was for (it never loads another customer)."""
        read = poll.read
        if poll.error is not None or read is None or read.image is None:
            return
        if read.settlement is not None:
            self._report_settlement(read.settlement)
        same = read.image.account_no == account_no == self.current_account_no
        if same and read.account is not None:
            self.show_account(read.account, read.image.pending_volume)

    def _report_settlement(self, settlement: Any) -> None:
        """A read decided an interrupted write: the void's cash goes back, a completed one's
        receipt prints now."""
        said = settlement_error(settlement)
        self.show_message(said.user_message, error=True)
        if isinstance(said, EarlierSaleCompleted):
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
        highlighted = self.highlighted_account()
        if op.for_customer and highlighted is not None and highlighted.account_no != account_no:
            # the clerk is looking at one customer in the list and another is loaded: never
            # act on the one they are not looking at
            loaded = self.account.summary.customer_name if self.account is not None else None
            self.show_message(
                (
                    self.tr("搜索列表选中的是 {name}（{account}），已加载的是 {loaded}：").format(
                        name=highlighted.customer_name,
                        account=highlighted.account_no,
                        loaded=loaded,
                    )
                    if loaded
                    else self.tr("搜索列表选中的是 {name}（{account}），尚未加载：").format(
                        name=highlighted.customer_name, account=highlighted.account_no
                    )
                )
                + self.tr("请按 Enter 加载选中的账户后再办理{name}，或按 Esc 清除搜索").format(
                    name=self.tr(op.name)
                ),
                error=True,
            )
            return
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
        if op.needs_account and self.account is not None:
            dialog.show_customer(self.account.summary)
        self.current_dialog = dialog
        dialog.committed.connect(self._committed)
        keep_fitted(dialog)  # a long header or approval rule is never cut at the bottom
        dialog.finished.connect(lambda code, d=dialog: self._dialog_finished(d, code))
        dialog.open()

    def open_takeover(self, figures: TakeoverFigures) -> None:
        """旧卡接管: the old system's card in the reader differs from its import (or its number
        was not on record): the team leader approves it here."""
        if self.current_dialog is not None:
            return
        from ui.dialogs.takeover import TakeoverDialog

        dialog = TakeoverDialog(self.session, figures, self)
        self.current_dialog = dialog
        keep_fitted(dialog)
        dialog.finished.connect(lambda code, d=dialog: self._dialog_finished(d, code))
        dialog.open()

    def _committed(self, outcome: Outcome[Any]) -> None:
        """An operation is done: the customer sees its own figures and its receipt prints now,
        not when the clerk closes the done screen."""
        if outcome.transaction_id is None or outcome.transaction_id in self._receipted:
            return  # told and printed once, when it committed
        self._receipted.add(outcome.transaction_id)
        if outcome.summary is not None:
            self.customer_display.show_summary(outcome.summary)
        back = outcome.cash_back_fen
        note = self.tr("请退还客户 {0} 元").format(format_money(back)) if back else ""
        self.print_receipt(outcome.transaction_id, note)

    def _dialog_finished(self, dialog: Any, code: int) -> None:
        self.current_dialog = None
        dialog.deleteLater()
        if self._closing:
            return
        outcome = dialog.outcome
        if code == 1 or outcome is not None:
            account_no = outcome.account_no if outcome is not None else None
            account_no = account_no or self.current_account_no
            # the operation may have written the card: read again what it holds now
            self.account_panel.forget_card()
            if self.card_token is not None and self.card_token[0]:
                self._reread = (self.card_token, account_no)
            if account_no is not None:
                self.load_account(account_no)
            if self._query:  # the list shows what the operation changed (a replaced card…)
                self.run_search()
            self.refresh_status()
        if outcome is not None and isinstance(outcome.result, ShiftClosed):
            self.customer_display.welcome()
        if outcome is not None and outcome.transaction_id is not None:
            self._committed(outcome)  # nothing again if it was told when it committed
        elif outcome is not None and outcome.said:
            if outcome.receipt is not None:
                self._receipt_status(outcome.receipt)
            self.show_message(outcome.said)
        self.search.setFocus()

    # ------------------------------------------------------------------ printing

    def print_receipt(self, transaction_id: int, note: str = "") -> None:
        """The receipt of a committed transaction: printed, or queued (the clerk reads which);
        ``note`` goes before that line (e.g. the cash to give back)."""
        self._printing += 1
        session = self.session
        run_in_background(
            lambda: session.print_receipt(transaction_id),
            lambda printed: self._receipt_printed(printed, note),
            self._print_failed,
            parent=self,
        )

    def _receipt_printed(self, printed: PrintOutcome, note: str) -> None:
        self._receipt_status(printed)
        self._printed(f"{note}　{printed.message}" if note else printed.message)

    def _receipt_status(self, printed: PrintOutcome) -> None:
        """The status bar says whether the last receipt came out of the printer."""
        if self._closing:
            return
        self.last_receipt = printed
        if printed.printed:
            self._set_status("receipt", self.tr("{0} 已打印").format(printed.receipt_no))
        else:
            self._set_status(
                "receipt", self.tr("{0} 未打印（待打印）").format(printed.receipt_no), warn=True
            )
        self.status_labels["receipt"].setToolTip(printed.message)

    def print_queued(self) -> None:
        """补打: this counter's queued receipts print now (after a printer fault is cleared)."""
        self._printing += 1
        self.queue_button.setEnabled(False)
        session = self.session

        def done(message: str) -> None:
            self.queue_button.setEnabled(True)
            self._printed(message)
            self.refresh_status()

        def failed(error: Exception) -> None:
            self.queue_button.setEnabled(True)
            self._print_failed(error)

        run_in_background(session.print_queued, done, failed, parent=self)

    def export_opening_form(self) -> None:
        """开户申请表 of the loaded account as a PDF, to print and have signed."""
        account_no = self.current_account_no
        if account_no is None:
            return
        path = self.save_path(
            self.tr("导出开户申请表"),
            self.tr("开户申请表-{0}.pdf").format(account_no),
            "PDF (*.pdf)",
        )
        if not path:
            return
        session = self.session
        run_in_background(
            lambda: session.opening_form(account_no, path),
            lambda saved: self.show_message(self.tr("已导出：{0}").format(str(saved))),
            lambda error: self.show_message(error_text(error), error=True),
            parent=self,
        )

    def _ask_save_path(self, title: str, suggested: str, name_filter: str) -> str | None:
        from ui.files import ask_save_path

        return ask_save_path(self, title, suggested, name_filter)

    def _printed(self, message: str) -> None:
        self._printing -= 1
        if self._closing:
            return
        self.show_message(message)
        if self.training_window is not None:
            self.training_window.refresh_receipts()

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
            lambda: session.status(ask_printer=ask_printer),
            self._status_done,
            self._status_failed,
            parent=self,
        )

    def _status_failed(self, error: Exception) -> None:
        self._refreshing = False
        if not self._closing:
            self._set_status("database", error_text(error), warn=True)

    def _status_done(self, snap: CounterStatus) -> None:
        self._refreshing = False
        if self._closing:
            return
        self._set_status("reader", vocabulary_text(snap.reader))
        if snap.printer is not None:
            fine = snap.printer in (PrinterState.READY, PrinterState.NOT_CONFIGURED)
            self._set_status("printer", vocabulary_text(snap.printer), warn=not fine)
        if snap.database_error is not None:
            self._set_status("database", snap.database_error, warn=True)
        else:
            self._set_status("database", self.tr("正常", "status bar"))
            self.queue_button.setText(
                self.tr("补打待打印凭证（{0}）").format(snap.queued)
                if snap.queued
                else self.tr("补打待打印凭证")
            )
            self.queue_button.setStyleSheet(RED if snap.queued else "")
            last = self.last_receipt
            if last is not None and not last.printed and not snap.queued:
                # the queue is empty: the receipt that had not printed has printed since
                self._set_status("receipt", self.tr("{0} 已补打").format(last.receipt_no))
            if snap.shift is None:
                self._set_status("shift", self.tr("未开班"), warn=True)
            else:
                opened = self.session.local_time(snap.shift.opened_at)
                self._set_status(
                    "shift", self.tr("已开班（{time}）").format(time=opened.strftime("%H:%M"))
                )
            drawer = snap.drawer
            label = self.status_labels["drawer"]
            label.setToolTip("")
            if drawer is None or drawer.shift_id is None:
                self._set_status("drawer", self.tr("—"))
            elif drawer.level == DrawerLevel.OK:
                self._set_status("drawer", self.tr("正常", "status bar"))
            else:
                # the level's short words here (the bar stays one line); the limit in the tip
                self._set_status("drawer", vocabulary_text(DrawerLevel(drawer.level)), warn=True)
                label.setToolTip(self.tr(drawer.message) if drawer.message else "")
            if drawer is not None and drawer.overdue:
                label.setToolTip(self.tr("有超过期限未交财务的现金，请尽快交款"))
        if self.training_window is not None:
            self.training_window.update_state()

    # ------------------------------------------------------------------ lock and log-out

    def lock_counter(self) -> None:
        """Ctrl+L: the clerk leaves the counter; the lock screen covers it at once."""
        self.lock_requested.emit()

    def log_out(self) -> None:
        """Ctrl+Shift+L: after a question, back to the login (the shift stays open)."""
        if self.current_dialog is not None:
            self.show_message(self.tr("请先完成或关闭当前业务，再注销"), error=True)
            return
        if self._printing:  # the printer is the session's: it closes at the log-out
            self.show_message(self.tr("正在打印凭证，请稍候再注销"), error=True)
            return
        box, yes = self._question(
            self.tr("注销"),
            self.tr("注销并返回登录界面？\n班次不会交班，重新登录后可继续办理。"),
            self.tr("注销 (Enter)"),
        )
        self.logout_box = box

        def answered(_code: int) -> None:
            self.logout_box = None
            if box.clickedButton() is yes:
                self.logout_requested.emit()

        box.finished.connect(answered)
        box.open()

    # ------------------------------------------------------------------ closing

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self._closing = True
        self._card_timer.stop()
        self._status_timer.stop()
        self._search_timer.stop()
        self.customer_display.close()
        if self.training_window is not None:
            self.training_window.shut()
        super().closeEvent(event)
