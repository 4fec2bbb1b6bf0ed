"""Shift and drawer dialogs: 开班/交班 (F11), 现金存取 (F9), 交款 (F10).

The close is a blind count: the clerk counts the drawer by denomination and enters the
terminals' non-cash totals before anything shows what the shift should hold; only the service's
answer to the recorded count (``count_drawer``) brings the expected figures to the screen.
Every service, login check and print runs off the GUI thread (``OperationDialog.submit``).
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

from app.desk import DeskSession
from app.domain.cash import (
    DENOMINATION_NAMES,
    DENOMINATIONS,
    MAX_PIECES,
    NON_CASH,
    PAYMENT_METHODS,
    DrawerCount,
)
from app.domain.money import format_money
from app.errors import GasDeskError, InvalidInput, RuleViolation
from app.services import shifts as shift_service
from app.services.credentials import Credential
from app.services.directory import user_id_by_username
from app.services.printing import print_handover_slip, print_zreport
from app.vocabulary import CashMovementKind, FloatSource
from ui.base import OperationDialog, error_text, money_edit, read_money

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
            grid.addWidget(QLabel(DENOMINATION_NAMES[face]), row, column * 2)
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


def password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def confirmer_credential(
    session: DeskSession, username: str, password: str
) -> Callable[[], Credential]:
    """A second person's login name and password as a Credential (in the background); the
    service that receives it checks the password and role and logs a refusal."""

    def check() -> Credential:
        return Credential(user_id_by_username(session.ctx, username), password)

    return check


def read_confirmer(user: QLineEdit, password: QLineEdit, who: str) -> tuple[str, str]:
    name = user.text().strip()
    if not name:
        message = QCoreApplication.translate("ShiftDialog", "请{0}输入用户名和密码确认")
        raise InvalidInput(message.format(who), f"{who}: no username")
    if not password.text():
        message = QCoreApplication.translate("ShiftDialog", "请{0}输入密码")
        raise InvalidInput(message.format(who), f"{who}: no password")
    return name, password.text()


def printer_label(session: DeskSession) -> str:
    printer = session.devices.printer
    if printer is None:
        return QCoreApplication.translate("ShiftDialog", "未配置打印机")
    return str(printer.name)


class KeyboardDialog(OperationDialog):
    """An operation dialog whose Enter walks through ``fields()`` (spin boxes included) and
    confirms in the last one, or when the focus is elsewhere."""

    def fields(self) -> Sequence[QWidget]:
        return []

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
    (offer to print the Z-report).
    """

    def __init__(self, session: DeskSession, account_no: str | None = None, parent=None):
        super().__init__(session, self.tr("开班/交班"), parent)
        self.setWindowTitle(self.tr("开班/交班"))
        self.mode = "loading"
        self.shift: shift_service.ShiftInfo | None = None
        self.count_result: shift_service.CountResult | None = None
        self.closed: shift_service.ShiftClosed | None = None
        self.opened: shift_service.ShiftOpened | None = None
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
        ctx, actor = session.ctx, session.actor
        self._run(lambda: shift_service.current_shift(ctx, actor), self._loaded)

    # -- pages ------------------------------------------------------------------------------

    def _build_open_page(self) -> None:
        self.open_page = QWidget()
        form = QFormLayout(self.open_page)
        form.addRow(QLabel(self.tr("开班：请按面额清点备用金")))
        self.float_count = DenominationCountWidget()
        form.addRow(self.tr("备用金"), self.float_count)
        self.source_buttons = QButtonGroup(self)
        sources = QHBoxLayout()
        self.source_radios: dict[str, QRadioButton] = {}
        for key, label in FloatSource.labels().items():
            radio = QRadioButton(self.tr(label))
            self.source_radios[key] = radio
            self.source_buttons.addButton(radio)
            sources.addWidget(radio)
        self.source_radios["safe"].setChecked(True)
        form.addRow(self.tr("备用金来源"), sources)
        self.pages.addWidget(self.open_page)

    def _build_count_page(self) -> None:
        self.count_page = QWidget()
        form = QFormLayout(self.count_page)
        hint = QLabel(self.tr("交班盘点：请按面额清点钱箱现金，并填写各终端的非现金合计"))
        hint.setWordWrap(True)
        form.addRow(hint)
        self.drawer_count = DenominationCountWidget()
        form.addRow(self.tr("钱箱现金"), self.drawer_count)
        self.noncash: dict[str, QLineEdit] = {}
        for method in NON_CASH:
            edit = money_edit(self.tr("未填视为与系统一致"))
            edit.setObjectName(f"noncash-{method}")
            self.noncash[method] = edit
            form.addRow(self.tr("{0}终端合计（元）").format(PAYMENT_METHODS[method]), edit)
        self.pages.addWidget(self.count_page)

    def _build_review_page(self) -> None:
        self.review_page = QWidget()
        layout = QVBoxLayout(self.review_page)
        layout.addWidget(QLabel(self.tr("盘点结果（应有与实点）")))
        self.table = QTableWidget(len(PAYMENT_METHODS), 5)
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
        self.recount_button = QPushButton(self.tr("重新盘点"))
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
            return [*self.drawer_count.fields(), *self.noncash.values()]
        if self.mode == "review":
            return [self.explanation, self.leader_user, self.leader_password]
        return []

    def _focus_first(self) -> None:
        self.focus_first()

    def _ok_text(self, text: str) -> None:
        self.buttons.button(self.buttons.StandardButton.Ok).setText(text)

    # -- background -------------------------------------------------------------------------

    def _run(self, job: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        from ui.worker import run_in_background

        def done(result: Any) -> None:
            self.set_working(False)
            on_done(result)

        run_in_background(job, done, self._failed, parent=self)

    def _loaded(self, shift: shift_service.ShiftInfo | None) -> None:
        self.shift = shift
        if shift is None:
            self.mode = "open"
            self.setWindowTitle(self.tr("开班"))
            self._ok_text(self.tr("开班 (Enter)"))
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
            self._show_page(self.count_page)
        self._focus_first()

    # -- steps ------------------------------------------------------------------------------

    def work(self) -> Callable[[], Any]:
        ctx, actor = self.session.ctx, self.session.actor
        if self.mode == "open":
            request = shift_service.OpenShiftRequest(
                self.request_id, self.float_count.count(), self._float_source()
            )
            return lambda: shift_service.open_shift(ctx, actor, request)
        if self.mode == "count":
            noncash = {
                method: amount
                for method, edit in self.noncash.items()
                if (amount := read_money(edit, PAYMENT_METHODS[method], required=False)) is not None
            }
            count = shift_service.CountRequest(
                self.count_request, self.drawer_count.count(), noncash
            )
            return lambda: shift_service.count_drawer(ctx, actor, count)
        if self.mode == "review":
            return self._close_job()
        if self.mode == "closed":
            return self._print_job()
        raise RuleViolation(self.tr("正在读取班次，请稍候"), f"submit in mode {self.mode}")

    def _float_source(self) -> str:
        return next(key for key, radio in self.source_radios.items() if radio.isChecked())

    def _close_job(self) -> Callable[[], Any]:
        ctx, actor = self.session.ctx, self.session.actor
        assert self.count_result is not None
        explanation = self.explanation.text().strip() or None
        confirm: Callable[[], Credential] | None = None
        if not self.count_result.balanced:
            if explanation is None:
                raise InvalidInput(self.tr("请填写长短款说明"), "over/short without explanation")
            if not self.leader_user.text().strip():
                raise RuleViolation(
                    self.tr("长短款须经班长签字确认"), "over/short without sign-off"
                )
            name, password = read_confirmer(self.leader_user, self.leader_password, self.tr("班长"))
            confirm = confirmer_credential(self.session, name, password)
        request_id = self.close_request

        def close() -> shift_service.ShiftClosed:
            sign_off = confirm() if confirm is not None else None
            request = shift_service.CloseShiftRequest(request_id, explanation, sign_off)
            return shift_service.close_shift(ctx, actor, request)

        return close

    def _print_job(self) -> Callable[[], Any]:
        ctx, actor, printer = self.session.ctx, self.session.actor, self.session.devices.printer
        assert self.closed is not None
        shift_id = self.closed.shift_id
        if printer is None:
            raise RuleViolation(self.tr("未配置打印机，无法打印交班报表"), "no printer")
        return lambda: print_zreport(ctx, actor, shift_id, printer)

    def done_ok(self, result: Any) -> None:
        if self.mode == "open":
            self.opened = result
            self.result_value = result
            self.accept()
        elif self.mode == "count":
            self._show_review(result)
        elif self.mode == "review":
            self._show_closed(result)
        elif self.mode == "closed":
            self.info.setText(
                self.tr("交班报表已在打印机“{0}”打印").format(printer_label(self.session))
            )
            self._ok_text(self.tr("再打印一份 (Enter)"))

    def _show_review(self, result: shift_service.CountResult) -> None:
        self.count_result = result
        self.mode = "review"
        for row, line in enumerate(result.lines):
            difference = line.difference_fen
            if difference > 0:
                note = self.tr("长款")
            elif difference < 0:
                note = self.tr("短款")
            else:
                note = self.tr("相符")
            cells = (
                PAYMENT_METHODS[line.method],
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
        if result.balanced:
            self.difference.setStyleSheet("color: #1b5e20; font-weight: bold")
            self.difference.setText(self.tr("盘点相符，无长短款"))
        else:
            parts = [
                self.tr("{0}{1} {2} 元").format(
                    PAYMENT_METHODS[line.method],
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
        self.sign_off.setVisible(not result.balanced)
        self._ok_text(self.tr("确认交班 (Enter)"))
        self._show_page(self.review_page)
        self._focus_first()

    def recount(self) -> None:
        """Count again (after a miscount): a new count row; the close uses the latest one."""
        if self.working or self.mode != "review":
            return
        self.count_request = self.session.new_request()
        self.count_result = None
        self.mode = "count"
        self.error.clear()
        self._ok_text(self.tr("确认盘点 (Enter)"))
        self._show_page(self.count_page)
        self._focus_first()

    def _show_closed(self, result: shift_service.ShiftClosed) -> None:
        self.closed = result
        self.result_value = result
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
                    PAYMENT_METHODS[line.method],
                    kind,
                    format_money(line.difference_fen),
                    result.signed_by or "",
                )
            )
        lines.append(self.tr("按 Enter 打印交班报表（Z报表），按 Esc 关闭。"))
        self.closed_page.setText("\n".join(lines))
        self._ok_text(self.tr("打印交班报表 (Enter)"))
        self.buttons.button(self.buttons.StandardButton.Cancel).setText(self.tr("关闭 (Esc)"))
        self._show_page(self.closed_page)
        self.buttons.button(self.buttons.StandardButton.Ok).setFocus()

    def reject(self) -> None:
        if self.mode == "closed":  # the shift is closed whatever happens to the print
            self.accept()
            return
        super().reject()


# ---------------------------------------------------------------- 现金存取


class CashMoveDialog(KeyboardDialog):
    """F9 现金存取: cash put into the drawer (change, float top-up) or taken out, with a reason."""

    def __init__(self, session: DeskSession, account_no: str | None = None, parent=None):
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
        self.reason = QLineEdit()
        self.reason.setMaxLength(200)
        self.form.addRow(self.tr("金额（元）"), self.amount)
        self.form.addRow(self.tr("原因"), self.reason)
        self.amount.setFocus()

    def fields(self) -> Sequence[QWidget]:
        return [self.amount, self.reason]

    def work(self) -> Callable[[], Any]:
        kind = CashMovementKind.CASH_IN if self.cash_in.isChecked() else CashMovementKind.CASH_OUT
        amount = read_money(self.amount, self.tr("金额"))
        reason = self.reason.text().strip()
        if not reason:
            raise InvalidInput(self.tr("请填写原因"), "cash move without reason")
        request = shift_service.CashMoveRequest(self.request_id, kind, amount, reason)
        ctx, actor = self.session.ctx, self.session.actor
        return lambda: shift_service.move_cash(ctx, actor, request)


# ---------------------------------------------------------------- 交款


class HandoverDialog(KeyboardDialog):
    """F10 交款: the clerk counts the cash handed to finance by denomination; the finance user
    confirms with their own login name and password; the 交款单 prints at once.

    After the hand-over the dialog stays open with the slip number and amount; Enter prints the
    slip again (e.g. after a printer fault), Esc closes.
    """

    def __init__(self, session: DeskSession, account_no: str | None = None, parent=None):
        super().__init__(session, self.tr("交款"), parent)
        self.setWindowTitle(self.tr("交款"))
        self.moved: shift_service.Moved | None = None
        self.count = DenominationCountWidget()
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

    def fields(self) -> Sequence[QWidget]:
        if self.moved is not None:
            return []
        return [*self.count.fields(), self.note, self.finance_user, self.finance_password]

    def work(self) -> Callable[[], Any]:
        ctx, actor = self.session.ctx, self.session.actor
        printer = self.session.devices.printer
        if self.moved is not None:  # the hand-over is done: print its slip again
            movement_id = self.moved.movement_id
            return lambda: (self.moved, self._print(movement_id, printer))
        count = self.count.count()
        if count.total_fen <= 0:
            raise InvalidInput(self.tr("交款金额必须大于零"), "empty hand-over")
        name, password = read_confirmer(
            self.finance_user, self.finance_password, self.tr("财务人员")
        )
        confirm = confirmer_credential(self.session, name, password)
        request_id, note = self.request_id, self.note.text().strip()

        def hand_over() -> tuple[shift_service.Moved, str]:
            request = shift_service.HandoverRequest(request_id, count, confirm(), note=note)
            moved = shift_service.hand_over(ctx, actor, request)
            return moved, self._print(moved.movement_id, printer)

        return hand_over

    def _print(self, movement_id: int, printer) -> str:  # type: ignore[no-untyped-def]
        """Runs in the background; a printer fault never undoes the hand-over."""
        if printer is None:
            return self.tr("未配置打印机，交款单未打印")
        try:
            print_handover_slip(self.session.ctx, self.session.actor, movement_id, printer)
        except GasDeskError as error:
            return self.tr("交款单打印失败：{0}（按 Enter 重新打印）").format(error_text(error))
        return self.tr("交款单已在打印机“{0}”打印").format(printer.name)

    def done_ok(self, result: Any) -> None:
        moved, printed = result
        self.moved = self.result_value = moved
        self.count.setEnabled(False)
        for edit in (self.note, self.finance_user, self.finance_password):
            edit.setEnabled(False)
        self.info.setText(
            self.tr("交款成功：交款单号 {0}，金额 {1} 元，收款财务 {2}。\n{3}").format(
                moved.slip_no, format_money(moved.amount_fen), moved.counterpart or "", printed
            )
        )
        self.buttons.button(self.buttons.StandardButton.Ok).setText(self.tr("重新打印 (Enter)"))
        self.buttons.button(self.buttons.StandardButton.Cancel).setText(self.tr("关闭 (Esc)"))
        self.buttons.button(self.buttons.StandardButton.Ok).setFocus()

    def reject(self) -> None:
        if self.moved is not None:  # the hand-over is recorded: closing is not cancelling
            self.accept()
            return
        super().reject()
