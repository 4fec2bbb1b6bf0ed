"""What every operation dialog shares: keyboard-first form, inline error in the service's
Chinese words, busy indicator while the service runs off the GUI thread, one request id per
dialog (a retried submit is recognised by the service and never done twice)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_money, m3, yuan
from app.errors import GasDeskError, InvalidInput
from ui.worker import run_in_background

if TYPE_CHECKING:  # kept light: the login window shares ``error_text``
    from app.counter import AccountSummary, CounterSession, Outcome

MONEY_PATTERN = r"^\d{0,7}(\.\d{0,2})?$"
# what to collect or to hand back: never smaller than this, before confirming and after
BIG_MONEY = "font-size: 28pt; font-weight: bold"
ERROR_STYLE = "color: #b00020; font-weight: bold"


def error_label() -> QLabel:
    """The line where a dialog says, in red, why it refused (object name ``error``)."""
    label = QLabel()
    label.setObjectName("error")
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    return label


def confirm_buttons(dialog: QDialog) -> QDialogButtonBox:
    """确认 (Enter) and 取消 (Esc), wired to ``dialog.submit`` and ``dialog.reject``."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(QCoreApplication.translate("OperationDialog", "确认 (Enter)"))
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    cancel.setText(QCoreApplication.translate("OperationDialog", "取消 (Esc)"))
    buttons.accepted.connect(dialog.submit)  # type: ignore[attr-defined]
    buttons.rejected.connect(dialog.reject)
    return buttons


VOLUME_PATTERN = r"^\d{0,5}(\.\d{0,2})?$"


def error_text(error: BaseException) -> str:
    """What the clerk reads: the service's Chinese message, never a traceback."""
    if isinstance(error, GasDeskError):
        return error.user_message
    return QCoreApplication.translate("OperationDialog", "系统错误，请联系管理员（{0}）").format(
        type(error).__name__
    )


def money_edit(placeholder: str = "0.00") -> QLineEdit:
    """Amounts are typed in yuan with at most two decimals."""
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setValidator(QRegularExpressionValidator(MONEY_PATTERN, edit))
    edit.setAlignment(Qt.AlignmentFlag.AlignRight)
    return edit


def volume_edit(placeholder: str = "0") -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setValidator(QRegularExpressionValidator(VOLUME_PATTERN, edit))
    edit.setAlignment(Qt.AlignmentFlag.AlignRight)
    return edit


def _missing(what: str) -> str:
    return QCoreApplication.translate("OperationDialog", "请输入{0}").format(what)


def read_money(edit: QLineEdit, what: str, *, required: bool = True) -> int | None:
    text = edit.text().strip()
    if not text:
        if required:
            raise InvalidInput(_missing(what), f"{what} empty")
        return None
    return yuan(text)


def read_volume(edit: QLineEdit, what: str, *, required: bool = True) -> int | None:
    text = edit.text().strip()
    if not text:
        if required:
            raise InvalidInput(_missing(what), f"{what} empty")
        return None
    return m3(text)


class OperationDialog(QDialog):
    """A guided operation: fill the form, Enter confirms, Esc cancels.

    Subclasses add fields to ``self.form`` and implement ``work()``, which reads the fields (on
    the GUI thread) and returns the one counter call to run in the background; ``done_ok``
    receives its result on the GUI thread. ``outcome`` is what the operation changed (the
    counter window reloads the account and prints the receipt); ``result_value`` what it did.
    """

    # an operation committed (its Outcome): the counter window prints its receipt and shows it
    # on the customer display at once, while the done screen is still up
    committed = Signal(object)

    def __init__(self, session: CounterSession, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.request_id = session.new_request()
        self.result_value: Any = None
        self.outcome: Outcome[Any] | None = None
        if session.demo:  # every window of the demo hall says so
            title += self.tr("（演示模式）")
        self.setWindowTitle(title)
        # modal to the counter window only: the training window stays usable beside it
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.completed = False  # the done screen is up: Enter and Esc close
        self.reprint: Callable[[], None] | None = None  # F9 on the done screen, when offered
        self._discard_asked = False
        self.form = QFormLayout()
        self.error = error_label()
        self.info = QLabel()
        self.info.setWordWrap(True)
        # who the operation acts on, in large type: name, address, account and card
        self.customer_header = QLabel()
        self.customer_header.setObjectName("customer-header")
        self.customer_header.setWordWrap(True)
        self.customer_header.setStyleSheet(
            "font-size: 18pt; font-weight: bold; padding: 4px; background: #eef3ff"
        )
        self.customer_header.setVisible(False)
        self.money = QLabel()
        self.money.setObjectName("money")
        self.money.setStyleSheet(BIG_MONEY)
        self.money.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.money.setVisible(False)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # indeterminate: the service is working
        self.busy.setVisible(False)
        self.buttons = confirm_buttons(self)
        layout = QVBoxLayout(self)
        if session.training:
            banner = QLabel(self.tr("培训模式 · 所有业务无效"))
            banner.setObjectName("training-banner")
            banner.setStyleSheet(
                "background: #ffcc00; color: #000; padding: 4px; font-weight: bold"
            )
            banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(banner)
        layout.addWidget(self.customer_header)
        layout.addLayout(self.form)
        layout.addWidget(self.money)
        layout.addWidget(self.info)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.working = False
        self.reprint_button: QPushButton | None = None

    def show_customer(self, summary: AccountSummary, card_serial: str | None = None) -> None:
        """Name the customer this operation acts on (from the loaded account or the card read)."""
        serial = card_serial or summary.card_serial or self.tr("无")
        self.customer_header.setText(
            self.tr("{name}　户号 {account}　卡号 {card}\n{address}").format(
                name=summary.customer_name,
                account=summary.account_no,
                card=serial,
                address=summary.address,
            )
        )
        self.customer_header.setVisible(True)

    def show_money(self, text: str) -> None:
        """What to collect or hand back, in large type (empty: nothing to show)."""
        self.money.setText(text)
        self.money.setVisible(bool(text))

    def show_due(self, due_fen: int | None) -> None:
        """Money due from (> 0) or to (< 0) the customer, in large type."""
        if due_fen is None:
            self.show_money("")
        elif due_fen > 0:
            self.show_money(self.tr("应收 {0} 元").format(format_money(due_fen)))
        elif due_fen < 0:
            self.show_money(self.tr("应退 {0} 元").format(format_money(-due_fen)))
        else:
            self.show_money(self.tr("无需收退款"))

    def show_completed(self, text: str, *, reprint: Callable[[], None] | None = None) -> None:
        """The done screen: the fields are locked, Enter (and Esc) close; a reprint, when
        offered, has its own key (F9), so a habitual Enter never prints twice."""
        self.completed = True
        self.reprint = reprint
        self.info.setText(text)
        for field in self._fields():
            field.setEnabled(False)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("完成 (Enter)"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setVisible(False)
        if reprint is not None and self.reprint_button is None:
            self.reprint_button = self.buttons.addButton(
                self.tr("重新打印 (F9)"), QDialogButtonBox.ButtonRole.ActionRole
            )
            self.reprint_button.setAutoDefault(False)
            self.reprint_button.clicked.connect(self._reprint)
        ok.setFocus()

    def _reprint(self) -> None:
        if self.completed and self.reprint is not None and not self.working:
            self.reprint()

    def filled(self) -> bool:
        """Something the clerk typed would be lost by closing now."""
        lines = any(
            edit.isEnabled()
            and edit.echoMode() != QLineEdit.EchoMode.Password
            and edit.isModified()
            and bool(edit.text().strip())
            for edit in self.findChildren(QLineEdit)
        )
        return lines or any(
            edit.isEnabled() and bool(edit.toPlainText().strip())
            for edit in self.findChildren(QPlainTextEdit)
        )

    # -- to implement -----------------------------------------------------------------------

    def work(self) -> Callable[[], Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    def done_ok(self, result: Any) -> None:
        self.keep(result)
        self.accept()

    def keep(self, result: Any) -> None:
        """Keep what the counter answered: an ``Outcome`` (its result and what changed) or a
        bare result (a step that changed nothing yet)."""
        from app.counter import Outcome

        if isinstance(result, Outcome):
            self.outcome = result
            self.result_value = result.result
            self.committed.emit(result)
        else:
            self.result_value = result

    # -- mechanics --------------------------------------------------------------------------

    def submit(self) -> None:
        if self.completed:  # the result is on screen: Enter closes
            self.accept()
            return
        if self.working:
            return
        self._discard_asked = False
        self.error.clear()
        try:
            job = self.work()
        except Exception as error:  # a bad field: shown inline, never lost in a Qt slot
            self.show_error(error)
            return
        self.set_working(True)
        run_in_background(job, self._finished, self._failed, parent=self)

    def _finished(self, result: Any) -> None:
        self.set_working(False)
        self.done_ok(result)

    def _failed(self, error: Exception) -> None:
        from app.counter import EarlierSaleCompleted, SaleVoided

        self.set_working(False)
        self.show_error(error)
        if isinstance(error, SaleVoided):  # that operation is over: the next submit is new
            self.request_id = self.session.new_request()
        elif isinstance(error, EarlierSaleCompleted):  # an earlier one completed: print it
            self.print_earlier(error.settlement.sale.transaction_id)

    def report_settlement(self, settlement: Any) -> None:
        """A card read settled an interrupted write: tell the clerk (the void's cash goes back
        to the customer); a completed one's receipt prints now."""
        from app.counter import EarlierSaleCompleted, settlement_error

        if settlement is None:
            return
        said = settlement_error(settlement)
        self.error.setText(said.user_message)
        if isinstance(said, EarlierSaleCompleted):
            self.print_earlier(settlement.sale.transaction_id)

    def print_earlier(self, transaction_id: int) -> None:
        session = self.session
        run_in_background(
            lambda: session.print_receipt(transaction_id),
            lambda printed: self.info.setText(printed.message),
            lambda error: self.info.setText(error_text(error)),
            parent=self,
        )

    def reject(self) -> None:
        if self.completed:  # done: closing is accepting what was done
            self.accept()
            return
        # while the service runs the operation may commit: the dialog stays to show the result
        if self.working:
            return
        if self.filled() and not self._discard_asked:
            # a filled form is never thrown away by one stray Esc
            self._discard_asked = True
            self.error.setText(self.tr("已填写的内容尚未办理。再按 Esc 放弃，或继续填写"))
            return
        self.cancelled()
        super().reject()

    def cancelled(self) -> None:
        """Hook: the clerk gave the operation up (nothing was done)."""

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        if self.working:
            event.ignore()
            return
        super().closeEvent(event)

    def show_error(self, error: BaseException) -> None:
        self.error.setText(error_text(error))

    def set_working(self, working: bool) -> None:
        self.working = working
        self.busy.setVisible(working)
        self.buttons.setEnabled(not working)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_F9:
            self._reprint()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focused = self.focusWidget()
            # Enter in a field moves on to the next field; in the last one it confirms
            if isinstance(focused, QLineEdit) and self._next_field(focused) is not None:
                self._next_field(focused).setFocus()  # type: ignore[union-attr]
                return
            self.submit()
            return
        super().keyPressEvent(event)

    def _fields(self) -> list[QWidget]:
        fields = [
            self.form.itemAt(i, QFormLayout.ItemRole.FieldRole).widget()
            for i in range(self.form.rowCount())
            if self.form.itemAt(i, QFormLayout.ItemRole.FieldRole) is not None
        ]
        return [f for f in fields if f is not None]

    def _next_field(self, current: QWidget) -> QWidget | None:
        fields = [f for f in self._fields() if f.isEnabled() and f.isVisible()]
        if current in fields:
            index = fields.index(current)
            if index + 1 < len(fields):
                return fields[index + 1]
        return None
