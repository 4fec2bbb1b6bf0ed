"""Shift and drawer dialogs: 开班/交班 (F11), 现金存取 (F9), 交款 (F10).

The close is a blind count: the clerk counts the drawer by denomination and enters the
terminals' non-cash totals before anything shows what the shift should hold; only the service's
answer to the recorded count (``count_drawer``) brings the expected figures to the screen; a
recount after that needs a team leader (the service refuses it otherwise). The money counted or
handed over stands in large type before confirming and on the done screen; on a done screen
Enter closes and F9 prints again. Every service, login check and print runs off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QButtonGroup,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.counter import (
    CashMoveRequest,
    CounterSession,
    CountRequest,
    CountResult,
    Moved,
    OpenShiftRequest,
    Outcome,
    ShiftClosed,
    ShiftDesk,
    ShiftInfo,
    ShiftOpened,
)
from app.domain.cash import DENOMINATIONS, MAX_PIECES, DrawerCount
from app.domain.money import format_money
from app.errors import GasDeskError, InvalidInput, RuleViolation
from app.vocabulary import CashMovementKind, FloatSource, PaymentMethod
from ui.base import OperationDialog, money_edit, read_money
from ui.i18n import denomination_text, vocabulary_text

NON_CASH = tuple(method for method in PaymentMethod if method is not PaymentMethod.CASH)
RED = QColor("#b00020")


class DenominationCountWidget(QWidget):
    """Cash counted note by note: one spin box per denomination (100元 … 1角) and one coin total
    in yuan; the running total is shown under them. ``changed`` carries the total in fen."""

    changed = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.spins: dict[int, QSpinBox] = {}
        grid = QGridLayout()
        for index, face in enumerate(DENOMINATIONS):
            spin = QSpinBox()
            spin.setRange(0, MAX_PIECES)
            spin.setSuffix(self.tr(" 张"))
            spin.setAlignment(Qt.AlignmentFlag.AlignRight)
            spin.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
            spin.setObjectName(f"pieces-{face}")
            spin.valueChanged.connect(self._update)
            self.spins[face] = spin
            row, column = divmod(index, 2)
            grid.addWidget(QLabel(denomination_text(face)), row, column * 2)
            grid.addWidget(spin, row, column * 2 + 1)
        self.coins = money_edit()
        self.coins.setObjectName("coins")
        self.coins.textChanged.connect(self._update)
        coins_row = len(DENOMINATIONS) // 2 + len(DENOMINATIONS) % 2
        grid.addWidget(QLabel(self.tr("硬币合计（元）")), coins_row, 0)
        grid.addWidget(self.coins, coins_row, 1)
        self.total_label = QLabel()
        self.total_label.setObjectName("count-total")
        self.total_label.setStyleSheet("font-weight: bold")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)
        layout.addWidget(self.total_label)
        self._update()

    def fields(self) -> list[QWidget]:
        """The entry fields in keyboard order (Enter moves from one to the next)."""
        return [*(self.spins[face] for face in DENOMINATIONS), self.coins]

    def _coins_fen(self) -> int | None:
        try:
            return read_money(self.coins, self.tr("硬币合计"), required=False) or 0
        except GasDeskError:
            return None

    def total_fen(self) -> int | None:
        """The counted total, or None while the coin field holds no valid amount."""
        coins = self._coins_fen()
        if coins is None:
            return None
        return sum(face * spin.value() for face, spin in self.spins.items()) + coins

    def _update(self) -> None:
        total = self.total_fen()
        shown = self.tr("（硬币金额无效）") if total is None else format_money(total)
        self.total_label.setText(self.tr("清点合计：{0} 元").format(shown))
        if total is not None:
            self.changed.emit(total)

    def count(self) -> DrawerCount:
        """The count as the services take it; InvalidInput when the coin field is wrong."""
        coins = read_money(self.coins, self.tr("硬币合计"), required=False) or 0
        pieces = {face: spin.value() for face, spin in self.spins.items()}
        return DrawerCount(pieces, coins).checked()

    def clear(self) -> None:
        for spin in self.spins.values():
            spin.setValue(0)
        self.coins.clear()

    def fill(self, count: DrawerCount) -> None:
        """Show a suggested count (the clerk checks it against the notes and corrects it)."""
        for face, spin in self.spins.items():
            spin.setValue(count.pieces.get(face, 0))
        self.coins.setText(format_money(count.coins_fen) if count.coins_fen else "")


def password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def read_confirmer(user: QLineEdit, password: QLineEdit, who: str) -> tuple[str, str]:
    name = user.text().strip()
    if not name:
        message = QCoreApplication.translate("ShiftDialog", "请{0}输入用户名和密码确认")
        raise InvalidInput(message.format(who), f"{who}: no username")
    if not password.text():
        message = QCoreApplication.translate("ShiftDialog", "请{0}输入密码")
        raise InvalidInput(message.format(who), f"{who}: no password")
    return name, password.text()


class KeyboardDialog(OperationDialog):
    """An operation dialog whose Enter walks through ``fields()`` (spin boxes included) and
    confirms in the last one, or when the focus is elsewhere."""

    printing = False  # a slip or report is on its way to the printer

    def fields(self) -> Sequence[QWidget]:
        return []

    def print_again(self, job: Callable[[], str], said: Callable[[str], None]) -> None:
        """A document printed again off the GUI thread, one at a time; ``said`` shows the
        counter's message (printed, or queued and why)."""
        if self.printing:
            return
        from ui.worker import run_in_background

        self.printing = True

        def done(text: str) -> None:
            self.printing = False
            said(text)

        def failed(error: Exception) -> None:
            self.printing = False
            self.show_error(error)

        run_in_background(job, done, failed, parent=self)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt's name
        super().showEvent(event)
        QTimer.singleShot(0, self.focus_first)

    def focus_first(self) -> None:
        """The clerk types at once: focus on the first field, its contents selected."""
        fields = [f for f in self.fields() if f.isEnabled() and f.isVisibleTo(self)]
        if fields:
            fields[0].setFocus()
            if isinstance(fields[0], QAbstractSpinBox | QLineEdit):
                fields[0].selectAll()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if self.completed:  # the done screen: Enter closes, F9 prints again (OperationDialog)
            super().keyPressEvent(event)
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            following = self._following(self.focusWidget())
            if following is not None:
                following.setFocus()
                if isinstance(following, QAbstractSpinBox):
                    following.selectAll()
                return
            self.submit()
            return
        super().keyPressEvent(event)

    def _following(self, focused: QWidget | None) -> QWidget | None:
        fields = [f for f in self.fields() if f.isEnabled() and f.isVisibleTo(self)]
        widget = focused
        while widget is not None and widget not in fields:
            widget = widget.parentWidget()
        if widget is None:
            return None
        index = fields.index(widget)
        return fields[index + 1] if index + 1 < len(fields) else None


# ---------------------------------------------------------------- 开班 / 交班


class ShiftDialog(KeyboardDialog):
    """F11 开班/交班: opens a shift when the clerk has none, otherwise closes the open one.

    Modes: ``loading`` (asking the service for the clerk's shift) → ``open`` (opening float) or
    ``count`` (blind count) → ``review`` (expected against counted, sign-off) → ``closed``
    (the done screen: the Z-report prints at once, F9 prints it again).

    A float suggested from the last one is a check, not a form: Enter opens the shift from any
    note (Tab moves between them to correct one). Without a suggestion Enter walks the notes.
    """

    def __init__(self, session: CounterSession, account_no: str | None = None, parent=None):
        super().__init__(session, self.tr("开班/交班"), parent)
        self.setWindowTitle(self.tr("开班/交班"))
        self.mode = "loading"
        self.shift: ShiftInfo | None = None
        self.count_result: CountResult | None = None
        self.closed: ShiftClosed | None = None
        self.opened: ShiftOpened | None = None
        self.float_suggested = False
        self.recount_needed = False  # the expected figures were shown: a 班长 approves a recount
        self.count_request = session.new_request()
        self.close_request = session.new_request()
        self.pages = QStackedWidget()
        self.form.addRow(self.pages)
        self.loading_page = QLabel(self.tr("正在读取班次…"))
        self.pages.addWidget(self.loading_page)
        self._build_open_page()
        self._build_count_page()
        self._build_review_page()
        self._build_closed_page()
        self._show_page(self.loading_page)
        self.set_working(True)
        self._run(session.shift_desk, self._loaded)

    # -- pages ------------------------------------------------------------------------------

    def _build_open_page(self) -> None:
        self.open_page = QWidget()
        form = QFormLayout(self.open_page)
        self.open_hint = QLabel(self.tr("开班：请按面额清点备用金"))
        self.open_hint.setWordWrap(True)
        form.addRow(self.open_hint)
        self.float_count = DenominationCountWidget()
        self.float_count.changed.connect(self._show_float)
        form.addRow(self.tr("备用金"), self.float_count)
        self.source_buttons = QButtonGroup(self)
        sources = QHBoxLayout()
        self.source_radios: dict[FloatSource, QRadioButton] = {}
        for source in FloatSource:
            radio = QRadioButton(self.tr(source.label))
            self.source_radios[source] = radio
            self.source_buttons.addButton(radio)
            sources.addWidget(radio)
        self.source_radios[FloatSource.SAFE].setChecked(True)
        form.addRow(self.tr("备用金来源"), sources)
        self.pages.addWidget(self.open_page)

    def _build_count_page(self) -> None:
        self.count_page = QWidget()
        form = QFormLayout(self.count_page)
        hint = QLabel(self.tr("交班盘点：请按面额清点钱箱现金，并填写各终端的非现金合计"))
        hint.setWordWrap(True)
        form.addRow(hint)
        self.drawer_count = DenominationCountWidget()
        self.drawer_count.changed.connect(self._show_counted)
        form.addRow(self.tr("钱箱现金"), self.drawer_count)
        self.noncash: dict[str, QLineEdit] = {}
        for method in NON_CASH:
            edit = money_edit(self.tr("必填，没有收款填 0"))
            edit.setObjectName(f"noncash-{method}")
            self.noncash[method] = edit
            form.addRow(self.tr("{0}终端合计（元）").format(vocabulary_text(method)), edit)
        # after the expected figures were shown, a recount is approved by a team leader
        self.recount_box = QWidget()
        recount = QFormLayout(self.recount_box)
        recount.setContentsMargins(0, 0, 0, 0)
        self.recount_hint = QLabel(self.tr("应有金额已显示过：重新盘点须经班长审批"))
        self.recount_hint.setStyleSheet("color: #b00020; font-weight: bold")
        self.recount_user = QLineEdit()
        self.recount_user.setPlaceholderText(self.tr("班长用户名"))
        self.recount_password = password_edit()
        recount.addRow(self.recount_hint)
        recount.addRow(self.tr("审批班长"), self.recount_user)
        recount.addRow(self.tr("班长密码"), self.recount_password)
        self.recount_box.setVisible(False)
        form.addRow(self.recount_box)
        self.pages.addWidget(self.count_page)

    def _build_review_page(self) -> None:
        self.review_page = QWidget()
        layout = QVBoxLayout(self.review_page)
        layout.addWidget(QLabel(self.tr("盘点结果（应有与实点）")))
        self.table = QTableWidget(len(PaymentMethod), 5)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("付款方式"),
                self.tr("应有（元）"),
                self.tr("实点（元）"),
                self.tr("差额（元）"),
                "",
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().setVisible(False)
        layout.addWidget(self.table)
        self.difference = QLabel()
        self.difference.setObjectName("difference")
        self.difference.setWordWrap(True)
        layout.addWidget(self.difference)
        self.sign_off = QWidget()
        form = QFormLayout(self.sign_off)
        form.setContentsMargins(0, 0, 0, 0)
        self.explanation = QLineEdit()
        self.explanation.setMaxLength(500)
        self.explanation.setPlaceholderText(self.tr("长短款原因"))
        self.leader_user = QLineEdit()
        self.leader_user.setPlaceholderText(self.tr("班长用户名"))
        self.leader_password = password_edit()
        form.addRow(self.tr("长短款说明"), self.explanation)
        form.addRow(self.tr("班长用户名"), self.leader_user)
        form.addRow(self.tr("班长密码"), self.leader_password)
        layout.addWidget(self.sign_off)
        self.recount_button = QPushButton(self.tr("重新盘点（须班长审批）"))
        self.recount_button.setAutoDefault(False)
        self.recount_button.clicked.connect(self.recount)
        layout.addWidget(self.recount_button)
        self.pages.addWidget(self.review_page)

    def _build_closed_page(self) -> None:
        self.closed_page = QLabel()
        self.closed_page.setObjectName("closed-summary")
        self.closed_page.setWordWrap(True)
        self.pages.addWidget(self.closed_page)

    def _show_page(self, page: QWidget) -> None:
        self.pages.setCurrentWidget(page)
        for index in range(self.pages.count()):
            self.pages.widget(index).setVisible(self.pages.widget(index) is page)

    def fields(self) -> Sequence[QWidget]:
        if self.mode == "open":
            return self.float_count.fields()
        if self.mode == "count":
            recount = [self.recount_user, self.recount_password] if self.recount_needed else []
            return [*self.drawer_count.fields(), *self.noncash.values(), *recount]
        if self.mode == "review":
            return [self.explanation, self.leader_user, self.leader_password]
        return []

    def _following(self, focused: QWidget | None) -> QWidget | None:
        if self.mode == "open" and self.float_suggested:
            return None  # a suggested float is checked, not typed: Enter opens the shift
        return super()._following(focused)

    def _focus_first(self) -> None:
        self.focus_first()

    def _ok_text(self, text: str) -> None:
        self.buttons.button(self.buttons.StandardButton.Ok).setText(text)

    def _show_float(self, total_fen: int) -> None:
        if self.mode == "open":
            self.show_money(self.tr("备用金 {0} 元").format(format_money(total_fen)))

    def _show_counted(self, total_fen: int) -> None:
        if self.mode == "count":  # the clerk's own figure, never the expected one
            self.show_money(self.tr("实点现金 {0} 元").format(format_money(total_fen)))

    # -- background -------------------------------------------------------------------------

    def _run(self, job: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        from ui.worker import run_in_background

        def done(result: Any) -> None:
            self.set_working(False)
            on_done(result)

        run_in_background(job, done, self._failed, parent=self)

    def _loaded(self, desk: ShiftDesk) -> None:
        shift = self.shift = desk.shift
        if shift is None:
            self.mode = "open"
            self.setWindowTitle(self.tr("开班"))
            self._ok_text(self.tr("开班 (Enter)"))
            if desk.float_count is not None and desk.float_count.total_fen:
                self.float_suggested = True
                self.float_count.fill(desk.float_count)
                self.open_hint.setText(
                    self.tr("开班：已按上次备用金预填，核对无误按 Enter 开班（Tab 切换面额修改）")
                )
            self._show_float(self.float_count.total_fen() or 0)
            self._show_page(self.open_page)
        else:
            self.mode = "count"
            self.setWindowTitle(self.tr("交班"))
            self.info.setText(
                self.tr("{0} · {1} 班次 {2}").format(
                    shift.counter_name, shift.clerk_name, shift.shift_id
                )
            )
            self._ok_text(self.tr("确认盘点 (Enter)"))
            self._show_count_page(desk.counted)
        self._focus_first()

    def _show_count_page(self, revealed: bool) -> None:
        self.recount_needed = revealed
        self.recount_box.setVisible(revealed)
        self._show_page(self.count_page)
        self._show_counted(self.drawer_count.total_fen() or 0)

    # -- steps ------------------------------------------------------------------------------

    def work(self) -> Callable[[], Any]:
        session = self.session
        if self.mode == "open":
            opening = OpenShiftRequest(
                self.request_id, self.float_count.count(), self._float_source()
            )
            return lambda: session.open_shift(opening)
        if self.mode == "count":
            # a terminal left empty is passed as missing: the service refuses it by name
            noncash = {
                method: amount
                for method, edit in self.noncash.items()
                if (
                    amount := read_money(
                        edit, vocabulary_text(PaymentMethod(method)), required=False
                    )
                )
                is not None
            }
            recount_by = None
            if self.recount_needed:
                recount_by = read_confirmer(
                    self.recount_user, self.recount_password, self.tr("班长")
                )
            count = CountRequest(self.count_request, self.drawer_count.count(), noncash)
            return lambda: session.count_drawer(count, recount_by)
        if self.mode == "review":
            return self._close_job()
        raise RuleViolation(self.tr("正在读取班次，请稍候"), f"submit in mode {self.mode}")

    def show_error(self, error: BaseException) -> None:
        super().show_error(error)
        if self.mode == "count":  # a terminal total left empty: that field gets the focus
            empty = [edit for edit in self.noncash.values() if not edit.text().strip()]
            if empty and isinstance(error, InvalidInput):
                empty[0].setFocus()

    def _float_source(self) -> FloatSource:
        return next(source for source, radio in self.source_radios.items() if radio.isChecked())

    def _close_job(self) -> Callable[[], Any]:
        assert self.count_result is not None
        explanation = self.explanation.text().strip() or None
        sign_off: tuple[str, str] | None = None
        if not self.count_result.balanced:
            if explanation is None:
                raise InvalidInput(self.tr("请填写长短款说明"), "over/short without explanation")
            if not self.leader_user.text().strip():
                raise RuleViolation(
                    self.tr("长短款须经班长签字确认"), "over/short without sign-off"
                )
            sign_off = read_confirmer(self.leader_user, self.leader_password, self.tr("班长"))
        session, request_id = self.session, self.close_request
        return lambda: session.close_shift(request_id, explanation, sign_off)

    def done_ok(self, result: Any) -> None:
        if self.mode == "open":
            self.keep(result)
            self.opened = self.result_value
            self.accept()
        elif self.mode == "count":
            self._show_review(result)
        elif self.mode == "review":
            self._show_closed(result)

    def _differences(self, lines: Sequence[Any]) -> list[str]:
        return [
            self.tr("{0}{1} {2} 元").format(
                self.tr(PaymentMethod.label_of(line.method)),
                self.tr("长款") if line.difference_fen > 0 else self.tr("短款"),
                format_money(abs(line.difference_fen)),
            )
            for line in lines
            if line.difference_fen
        ]

    def _show_review(self, result: CountResult) -> None:
        self.count_result = result
        self.mode = "review"
        self.recount_needed = True  # the expected figures are on screen from now on
        for row, line in enumerate(result.lines):
            difference = line.difference_fen
            if difference > 0:
                note = self.tr("长款")
            elif difference < 0:
                note = self.tr("短款")
            else:
                note = self.tr("相符")
            cells = (
                self.tr(PaymentMethod.label_of(line.method)),
                format_money(line.expected_fen),
                format_money(line.counted_fen),
                format_money(difference),
                note,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if difference and column >= 3:
                    item.setForeground(QBrush(RED))
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        counted = self.tr("实点现金 {0} 元").format(format_money(result.cash.total_fen))
        if result.balanced:
            self.difference.setStyleSheet("color: #1b5e20; font-weight: bold")
            self.difference.setText(self.tr("盘点相符，无长短款"))
            self.show_money(counted)
        else:
            parts = [
                self.tr("{0}{1} {2} 元").format(
                    self.tr(PaymentMethod.label_of(line.method)),
                    self.tr("长款") if line.difference_fen > 0 else self.tr("短款"),
                    format_money(line.difference_fen),
                )
                for line in result.lines
                if line.difference_fen
            ]
            self.difference.setStyleSheet("color: #b00020; font-weight: bold")
            self.difference.setText(
                self.tr("{0}；须填写说明并由班长签字确认").format(self.tr("，").join(parts))
            )
            self.show_money("\n".join([counted, *self._differences(result.lines)]))
        self.sign_off.setVisible(not result.balanced)
        self._ok_text(self.tr("确认交班 (Enter)"))
        self._show_page(self.review_page)
        self._focus_first()

    def recount(self) -> None:
        """Count again (after a miscount): a new count row, approved by a team leader since the
        expected figures were shown; the close uses the latest one."""
        if self.working or self.mode != "review":
            return
        self.count_request = self.session.new_request()
        self.count_result = None
        self.mode = "count"
        self.error.clear()
        self._ok_text(self.tr("确认盘点 (Enter)"))
        self._show_count_page(True)
        self._focus_first()

    def _show_closed(self, outcome: Outcome[ShiftClosed]) -> None:
        self.keep(outcome)
        self.closed = result = outcome.result
        self.mode = "closed"
        lines = [self.tr("班次 {0} 已交班。").format(result.shift_id)]
        if result.to_safe_fen:
            lines.append(
                self.tr("现金 {0} 元已存入保险柜。").format(format_money(result.to_safe_fen))
            )
        for line in result.over_short:
            kind = self.tr("长款") if line.difference_fen > 0 else self.tr("短款")
            lines.append(
                self.tr("{0}{1} {2} 元（签字：{3}）").format(
                    self.tr(PaymentMethod.label_of(line.method)),
                    kind,
                    format_money(line.difference_fen),
                    result.signed_by or "",
                )
            )
        lines.append(self.tr("交班报表（Z报表）随即打印；按 F9 重新打印，按 Enter 关闭。"))
        self.closed_page.setText("\n".join(lines))
        money = [self.tr("存入保险柜 {0} 元").format(format_money(result.to_safe_fen))]
        self.show_money("\n".join([*money, *self._differences(result.over_short)]))
        self._show_page(self.closed_page)
        self.show_completed(self.tr("正在打印交班报表…"), reprint=self.print_zreport)
        self.print_zreport()

    def print_zreport(self) -> None:
        """The Z-report of the closed shift (again); the message says whether it printed."""
        if self.closed is None:
            return
        session, shift_id = self.session, self.closed.shift_id
        self.print_again(lambda: session.print_zreport(shift_id), self.info.setText)


# ---------------------------------------------------------------- 现金存取


class CashMoveDialog(KeyboardDialog):
    """F9 现金存取: cash put into the drawer (change, float top-up) or taken out, with a reason."""

    def __init__(self, session: CounterSession, account_no: str | None = None, parent=None):
        super().__init__(session, self.tr("现金存取"), parent)
        self.setWindowTitle(self.tr("现金存取"))
        kinds = QHBoxLayout()
        self.kind_group = QButtonGroup(self)
        self.cash_in = QRadioButton(self.tr("现金存入"))
        self.cash_out = QRadioButton(self.tr("现金支出"))
        for radio in (self.cash_in, self.cash_out):
            self.kind_group.addButton(radio)
            kinds.addWidget(radio)
        self.cash_in.setChecked(True)
        self.form.addRow(self.tr("类型"), kinds)
        self.amount = money_edit()
        self.amount.textChanged.connect(self._show_amount)
        self.cash_in.toggled.connect(self._show_amount)
        self.reason = QLineEdit()
        self.reason.setMaxLength(200)
        self.form.addRow(self.tr("金额（元）"), self.amount)
        self.form.addRow(self.tr("原因"), self.reason)
        self.amount.setFocus()

    def fields(self) -> Sequence[QWidget]:
        return [self.amount, self.reason]

    def _kind_text(self) -> str:
        return self.tr("存入") if self.cash_in.isChecked() else self.tr("支出")

    def _show_amount(self, *_: object) -> None:
        try:
            amount = read_money(self.amount, self.tr("金额"), required=False)
        except GasDeskError:
            amount = None
        if amount:
            self.show_money(self.tr("{0} {1} 元").format(self._kind_text(), format_money(amount)))
        else:
            self.show_money("")

    def work(self) -> Callable[[], Any]:
        kind = CashMovementKind.CASH_IN if self.cash_in.isChecked() else CashMovementKind.CASH_OUT
        amount = read_money(self.amount, self.tr("金额"))
        reason = self.reason.text().strip()
        if not reason:
            raise InvalidInput(self.tr("请填写原因"), "cash move without reason")
        request = CashMoveRequest(self.request_id, kind, amount, reason)
        session = self.session
        return lambda: session.move_cash(request)

    def done_ok(self, result: Outcome[Moved]) -> None:
        self.keep(result)
        moved = result.result
        self.cash_in.setEnabled(False)
        self.cash_out.setEnabled(False)
        self.show_money(
            self.tr("已{0} {1} 元").format(self._kind_text(), format_money(moved.amount_fen))
        )
        self.show_completed(
            self.tr("现金{0}已登记：{1} 元，原因：{2}").format(
                self._kind_text(), format_money(moved.amount_fen), self.reason.text().strip()
            )
        )


# ---------------------------------------------------------------- 交款


class HandoverDialog(KeyboardDialog):
    """F10 交款: the clerk counts the cash handed to finance by denomination; the finance user
    confirms with their own login name and password; the 交款单 prints at once.

    Enter in the notes goes on to the finance user (Tab moves between the notes), then to the
    password, then confirms; the usual finance user is suggested. The amount is never filled in
    from the drawer's figure: that would tell the clerk what the blind count must find.
    After the hand-over the done screen shows the slip number and amount; Enter closes, F9 prints
    the slip again (e.g. after a printer fault).
    """

    def __init__(self, session: CounterSession, account_no: str | None = None, parent=None):
        super().__init__(session, self.tr("交款"), parent)
        self.setWindowTitle(self.tr("交款"))
        self.moved: Moved | None = None
        self.count = DenominationCountWidget()
        self.count.changed.connect(self._show_amount)
        self.form.addRow(self.tr("交款现金"), self.count)
        self.note = QLineEdit()
        self.note.setMaxLength(200)
        self.finance_user = QLineEdit()
        self.finance_user.setPlaceholderText(self.tr("财务用户名"))
        self.finance_password = password_edit()
        self.form.addRow(self.tr("备注"), self.note)
        self.form.addRow(self.tr("收款财务"), self.finance_user)
        self.form.addRow(self.tr("财务密码"), self.finance_password)
        self.buttons.button(self.buttons.StandardButton.Ok).setText(self.tr("确认交款 (Enter)"))
        self._show_amount(0)
        from ui.worker import run_in_background

        run_in_background(session.shift_desk, self._suggest, lambda error: None, parent=self)

    def _suggest(self, desk: ShiftDesk) -> None:
        """The usual finance user, unless the clerk typed one already."""
        if desk.receiver and not self.finance_user.text() and self.moved is None:
            self.finance_user.setText(desk.receiver)

    def fields(self) -> Sequence[QWidget]:
        if self.moved is not None:
            return []
        # the note is optional: reached with Tab, never on the way to the confirmation
        return [*self.count.fields(), self.finance_user, self.finance_password]

    def _following(self, focused: QWidget | None) -> QWidget | None:
        widget = focused
        while widget is not None and widget is not self.count:
            widget = widget.parentWidget()
        if widget is self.count:  # the notes are counted: on to finance
            self.finance_user.selectAll()
            return self.finance_user
        return super()._following(focused)

    def _show_amount(self, total_fen: int) -> None:
        if self.moved is None:
            self.show_money(self.tr("交款 {0} 元").format(format_money(total_fen)))

    def work(self) -> Callable[[], Any]:
        session = self.session
        count = self.count.count()
        if count.total_fen <= 0:
            raise InvalidInput(self.tr("交款金额必须大于零"), "empty hand-over")
        receiver = read_confirmer(self.finance_user, self.finance_password, self.tr("财务人员"))
        request_id, note = self.request_id, self.note.text().strip()
        return lambda: session.hand_over(request_id, count, note, receiver)

    def done_ok(self, result: Outcome[Moved]) -> None:
        self.keep(result)
        moved, printed = result.result, result.message or ""
        self.moved = moved
        self.show_money(self.tr("已交款 {0} 元").format(format_money(moved.amount_fen)))
        self.summary = self.tr("交款成功：交款单号 {0}，金额 {1} 元，收款财务 {2}。").format(
            moved.slip_no, format_money(moved.amount_fen), moved.counterpart or ""
        )
        self.show_completed(f"{self.summary}\n{printed}", reprint=self.print_slip)

    def print_slip(self) -> None:
        """The 交款单 again; the message says whether it printed."""
        if self.moved is None:
            return
        session, movement_id = self.session, self.moved.movement_id
        self.print_again(
            lambda: session.print_handover_slip(movement_id),
            lambda text: self.info.setText(f"{self.summary}\n{text}"),
        )
