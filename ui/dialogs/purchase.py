"""购气 (F1): sell gas onto the card in the reader, by volume or by amount.

When the dialog opens the counter re-reads the card and fetches the account's tier usage and
the sale step once (``CounterSession.start_purchase``), in the background; the counter's quote
(``PurchaseStart.quote``, the domain's pricing) is shown live and mirrored on the customer
display. The sale itself is ``CounterSession.purchase`` (crash-safe card write) off the GUI
thread.

Keys: Enter moves from the volume (or amount) to the cash taken and confirms there; F5 is exact
cash (a deliberate key, never assumed from an empty field); Ctrl+1 … Ctrl+7 are the preset
buttons. A sale the counter finds unusually large (``PurchaseStart.second_look``) is shown once
more and needs the same confirming key again.

限购 and 安检: the account's remaining purchase limit is shown live under the quote, with a hold
or an overdue inspection; a sale above the limit or on a held account opens the team leader's
override (user name, password, reason: ``OverrideEntry``), sent with the same one call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.counter import (
    CounterSession,
    Outcome,
    OverrideEntry,
    PurchaseStart,
    Quote,
    SaleOnCard,
)
from app.domain.cash import Payment
from app.domain.limits import OverrideNeeded
from app.domain.money import format_money, format_volume
from app.domain.takeover import TakeoverFigures, TakeoverNeeded
from app.errors import GasDeskError, InvalidInput
from app.vocabulary import PaymentMethod
from ui.base import (
    BIG_MONEY,
    OperationDialog,
    money_edit,
    read_money,
    read_volume,
    volume_edit,
)
from ui.worker import run_in_background

PRESET_VOLUMES = (10, 20, 50, 100)  # m³
PRESET_AMOUNTS = (100, 200, 500)  # yuan
RED = "color: #b00020; font-weight: bold"
BIG_RED = BIG_MONEY + "; color: #b00020"
PRESET_KEYS = tuple(Qt.Key(Qt.Key.Key_1.value + i) for i in range(7))  # with Ctrl


class PurchaseDialog(OperationDialog):
    def __init__(
        self, session: CounterSession, account_no: str | None = None, parent: QWidget | None = None
    ):
        super().__init__(session, self.tr("F1 购气"), parent)
        self.account_no = account_no
        self.display = getattr(parent, "customer_display", None)
        self.context: PurchaseStart | None = None
        self.takeover_dialog: QWidget | None = None  # 旧卡接管 asked over the sale
        self.sale: SaleOnCard | None = None
        self.quote: Quote | None = None
        self.setMinimumWidth(520)

        # what is on the card (above the form)
        self.card_label = QLabel(self.tr("正在读卡…"))
        self.card_label.setObjectName("card")
        self.card_label.setWordWrap(True)
        self.layout().insertWidget(1 if session.training else 0, self.card_label)

        self.volume = volume_edit()
        self.volume.setObjectName("volume")
        self.amount = money_edit()
        self.amount.setObjectName("amount")
        self.method = QComboBox()
        for method in PaymentMethod:
            self.method.addItem(self.tr(method.label), method.value)
        self.reference = QLineEdit()
        self.reference.setObjectName("reference")
        self.reference.setMaxLength(64)
        self.reference.setPlaceholderText(self.tr("非现金付款的交易流水号"))
        self.tendered = money_edit(self.tr("客户付款正好请按 F5"))
        self.tendered.setObjectName("tendered")
        self.form.addRow(self.tr("购气量 (m³)"), self.volume)
        self.form.addRow(self.tr("或购气金额 (元)"), self.amount)
        self.form.addRow(self.tr("付款方式"), self.method)
        self.form.addRow(self.tr("交易流水号"), self.reference)
        self.form.addRow(self.tr("实收现金 (元)"), self.tendered)

        presets = QHBoxLayout()
        self.presets: list[QPushButton] = []
        for number, m3 in enumerate(PRESET_VOLUMES, start=1):
            button = QPushButton(self.tr("{n} m³ (Ctrl+{k})").format(n=m3, k=number))
            button.clicked.connect(lambda _c=False, v=m3: self.preset_volume(v))
            self.presets.append(button)
        for number, yuan in enumerate(PRESET_AMOUNTS, start=len(PRESET_VOLUMES) + 1):
            button = QPushButton(self.tr("{n} 元 (Ctrl+{k})").format(n=yuan, k=number))
            button.clicked.connect(lambda _c=False, a=yuan: self.preset_amount(a))
            self.presets.append(button)
        self.exact_button = QPushButton(self.tr("现金正好 (F5)"))
        self.exact_button.setObjectName("exact-cash")
        self.exact_button.clicked.connect(self.exact_cash)
        for button in (*self.presets, self.exact_button):
            button.setAutoDefault(False)
            presets.addWidget(button)
        self.preset_buttons = presets
        self._looked: tuple[object, ...] | None = None  # the sale shown once more
        self.layout().insertLayout(self.layout().indexOf(self.info), presets)

        self.quote_label = QLabel()
        self.quote_label.setObjectName("quote")
        self.quote_label.setWordWrap(True)
        self.change_label = QLabel()
        self.change_label.setObjectName("change")
        self.change_label.setStyleSheet(BIG_MONEY)
        self.result_label = QLabel()
        self.result_label.setObjectName("result")
        self.result_label.setWordWrap(True)
        self.warning = QLabel()
        self.warning.setObjectName("warning")
        self.warning.setStyleSheet(RED)
        self.warning.setWordWrap(True)
        self.limit_label = QLabel()
        self.limit_label.setObjectName("limit")
        self.limit_label.setWordWrap(True)
        self.hold_label = QLabel()
        self.hold_label.setObjectName("hold")
        self.hold_label.setStyleSheet(RED)
        self.hold_label.setWordWrap(True)
        self.override_box = self._override_box()
        index = self.layout().indexOf(self.info)
        for offset, widget in enumerate(
            (
                self.quote_label,
                self.limit_label,
                self.hold_label,
                self.override_box,
                self.change_label,
                self.result_label,
                self.warning,
            )
        ):
            self.layout().insertWidget(index + offset, widget)

        # typing in one of volume/amount clears the other
        self.volume.textEdited.connect(lambda _t: self.amount.clear())
        self.amount.textEdited.connect(lambda _t: self.volume.clear())
        for edit in (self.volume, self.amount, self.tendered):
            edit.textChanged.connect(lambda _t: self.update_quote())
        self.method.currentIndexChanged.connect(lambda _i: self._method_changed())
        self._method_changed()
        self.volume.setFocus()

        self.set_working(True)
        self.busy.setVisible(True)
        run_in_background(
            session.start_purchase,
            self._context_ready,
            self._context_failed,
            parent=self,
        )

    def _override_box(self) -> QWidget:
        """班长放行: shown only when the sale needs it (limit exceeded, safety hold)."""
        box = QWidget()
        box.setObjectName("override")
        form = QFormLayout(box)
        form.setContentsMargins(0, 0, 0, 0)
        self.override_user = QLineEdit()
        self.override_user.setObjectName("override-user")
        self.override_password = QLineEdit()
        self.override_password.setObjectName("override-password")
        self.override_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.override_reason = QLineEdit()
        self.override_reason.setObjectName("override-reason")
        self.override_reason.setMaxLength(200)
        form.addRow(self.tr("放行班长用户名"), self.override_user)
        form.addRow(self.tr("班长密码"), self.override_password)
        form.addRow(self.tr("放行原因"), self.override_reason)
        box.setVisible(False)
        return box

    def _show_override(self, needed: bool) -> None:
        if needed and not self.override_box.isVisible():
            self.override_box.setVisible(True)
        elif not needed and self.override_box.isVisible() and not self._override_typed():
            self.override_box.setVisible(False)

    def _override_typed(self) -> bool:
        return bool(self.override_user.text().strip())

    def override_entry(self) -> OverrideEntry | None:
        """The team leader's override as typed, when the box is shown and filled in."""
        if not self.override_box.isVisible() or not self._override_typed():
            return None
        return OverrideEntry(
            self.override_user.text().strip(),
            self.override_password.text(),
            self.override_reason.text().strip(),
        )

    def update_limits(self, quote: Quote | None) -> None:
        """限购 remaining and 安检 state, live with the quote."""
        if self.context is None:
            self.limit_label.clear()
            self.hold_label.clear()
            return
        text, over = self.context.limit_line(quote)
        self.limit_label.setText(self.tr(text))
        self.limit_label.setStyleSheet(RED if over else "")
        hold, _held = self.context.hold_line()
        self.hold_label.setText(self.tr(hold) if hold else "")
        self._show_override(self.context.needs_override(quote))

    # ------------------------------------------------------------------ loading

    def _context_ready(self, context: PurchaseStart) -> None:
        self.set_working(False)
        card = context.card
        self.report_settlement(card.settlement)
        if card.image is None:
            self.error.setText(self.tr("这是一张空白卡，尚未发卡"))
            return
        if card.account is None:
            self.error.setText(self.tr("卡内户号未登记"))
            return
        self.context = context
        summary = card.account.summary
        if self.account_no is not None and self.account_no != summary.account_no:
            self.info.setText(
                self.tr("注意：读卡器中的卡属于 {card}，不是已加载的 {loaded}").format(
                    card=summary.account_no, loaded=self.account_no
                )
            )
        self.account_no = summary.account_no
        self.show_customer(summary, card.image.serial)
        self.card_label.setText(
            self.tr("户号 {account}　{name}　卡号 {serial}　购气次数 {count}").format(
                account=summary.account_no,
                name=summary.customer_name,
                serial=card.image.serial,
                count=card.image.purchase_count,
            )
        )
        self.update_quote()

    def _context_failed(self, error: Exception) -> None:
        self.set_working(False)
        self.card_label.clear()  # the error says why (no card, no shift, a reader fault)
        self.show_error(error)
        if isinstance(error, TakeoverNeeded):  # an old system's card: the team leader first
            self._ask_takeover(error.figures)

    def _ask_takeover(self, figures: TakeoverFigures) -> None:
        """旧卡接管 over the sale; once taken over the card is read again and the sale goes on."""
        from ui.dialogs.takeover import TakeoverDialog

        dialog = TakeoverDialog(self.session, figures, self)
        self.takeover_dialog = dialog

        def finished(code: int) -> None:
            self.takeover_dialog = None
            dialog.deleteLater()
            if dialog.outcome is None:
                return
            self.error.clear()
            self.set_working(True)
            run_in_background(
                self.session.start_purchase,
                self._context_ready,
                self._context_failed,
                parent=self,
            )

        dialog.finished.connect(finished)
        dialog.open()

    # ------------------------------------------------------------------ inputs

    def preset_volume(self, m3: int) -> None:
        if self.sale is not None:
            return
        self.amount.clear()
        self.volume.setText(str(m3))
        self.tendered.setFocus()

    def preset_amount(self, yuan: int) -> None:
        if self.sale is not None:
            return
        self.volume.clear()
        self.amount.setText(str(yuan))
        self.tendered.setFocus()

    def payment_method(self) -> PaymentMethod:
        return PaymentMethod(self.method.currentData())

    def _method_changed(self) -> None:
        cash = self.payment_method() is PaymentMethod.CASH
        self.reference.setEnabled(not cash)
        self.tendered.setEnabled(cash)
        if cash:
            self.reference.clear()
        else:
            self.tendered.clear()
        self.update_quote()

    def _next_field(self, current: QWidget) -> QWidget | None:
        """Enter: from volume or amount to the money taken, from there it confirms; with the
        team leader's override open, through its fields first (the reason confirms)."""
        if current in (self.volume, self.amount):
            return self.tendered if self.payment_method() is PaymentMethod.CASH else self.reference
        chain = (self.override_user, self.override_password, self.override_reason)
        if self.override_box.isVisible():
            if current in (self.tendered, self.reference) and not self._override_typed():
                return self.override_user
            if current in chain[:-1]:
                return chain[chain.index(current) + 1]
        return None

    # ------------------------------------------------------------------ live quote

    def compute_quote(self) -> Quote | None:
        """The counter's tier split for what is typed, or None (nothing typed, not loaded)."""
        if self.context is None:
            return None
        volume = read_volume(self.volume, self.tr("购气量"), required=False)
        amount = read_money(self.amount, self.tr("购气金额"), required=False)
        return self.context.quote(volume, amount)

    def update_quote(self) -> None:
        if self.sale is not None:
            return
        try:
            quote = self.compute_quote()
            tendered = read_money(self.tendered, self.tr("实收现金"), required=False)
        except GasDeskError as error:
            self.quote = None
            self.quote_label.setText(error.user_message)
            self.change_label.clear()
            self.show_due(None)
            return
        self.quote = quote
        self.update_limits(quote)
        if quote is None:
            self.quote_label.setText(
                self.tr("请输入购气量或金额") if self.context is not None else ""
            )
            self.change_label.clear()
            self.show_due(None)
            if self.display is not None:
                self.display.welcome()
            return
        lines = [
            self.tr("第{tier}档 {volume} m³ × {price} 元/m³ = {amount} 元").format(
                tier=s.tier,
                volume=format_volume(s.volume),
                price=format_money(s.price_fen),
                amount=format_money(s.amount_fen),
            )
            for s in quote.segments
        ]
        lines.append(
            self.tr("合计 {volume} m³，应收 {amount} 元").format(
                volume=format_volume(quote.volume), amount=format_money(quote.amount_fen)
            )
        )
        self.quote_label.setText("\n".join(lines))
        self.show_due(quote.amount_fen)  # 应收, as large as the change
        change = None
        if self.payment_method() is PaymentMethod.CASH and tendered is not None:
            change = quote.change_for(tendered)
            if change < 0:
                self.change_label.setStyleSheet(BIG_RED)
                self.change_label.setText(
                    self.tr("实收不足，还差 {short} 元").format(short=format_money(-change))
                )
                change = None
            else:
                self.change_label.setStyleSheet(BIG_MONEY)
                self.change_label.setText(
                    self.tr("找零 {change} 元").format(change=format_money(change))
                )
        else:
            self.change_label.clear()
        if self.display is not None:
            self.display.show_quote(
                self.account_no or "",
                quote.volume,
                quote.amount_fen,
                tendered if change is not None else None,
                change,
            )

    # ------------------------------------------------------------------ the sale

    def work(self) -> Callable[[], Any]:
        if self.context is None or self.context.card.account is None:
            raise InvalidInput(self.tr("请插入燃气卡"), "no card read")
        volume = read_volume(self.volume, self.tr("购气量"), required=False)
        amount = read_money(self.amount, self.tr("购气金额"), required=False)
        if not volume and not amount:
            raise InvalidInput(self.tr("请输入购气量或购气金额"), "nothing to sell")
        tendered = read_money(self.tendered, self.tr("实收现金"), required=False)
        if tendered is None and self.payment_method() is PaymentMethod.CASH:
            # exact cash is a deliberate key, never what an empty field means
            raise InvalidInput(
                self.tr("请输入实收现金；客户付款正好请按 F5"), "cash tendered empty"
            )
        payment = Payment(self.payment_method(), self.reference.text().strip() or None).checked()
        session, request_id, override = self.session, self.request_id, self.override_entry()
        return lambda: session.purchase(
            request_id,
            volume=volume,
            amount_fen=amount,
            cash_tendered_fen=tendered,
            payment=payment,
            override=override,
        )

    def _failed(self, error: Exception) -> None:
        super()._failed(error)
        if isinstance(error, OverrideNeeded):  # the service's figures: the team leader's turn
            self.override_box.setVisible(True)
            self.override_user.setFocus()

    def exact_cash(self) -> None:
        """F5: the customer paid exactly what is due (cash), then confirm."""
        if self.completed or self.working:
            return
        if self.payment_method() is PaymentMethod.CASH:
            try:
                quote = self.compute_quote()
            except GasDeskError as error:
                self.show_error(error)
                return
            if quote is None:
                self.show_error(InvalidInput(self.tr("请输入购气量或购气金额"), "nothing to sell"))
                return
            self.tendered.setText(format_money(quote.amount_fen).replace(",", ""))
        self.submit()

    def submit(self) -> None:
        if not self.completed and not self.working and self._second_look_needed():
            return
        super().submit()

    def _second_look_needed(self) -> bool:
        """An unusually large sale is shown once more; the same confirming key again sells."""
        if self.context is None:
            return False
        try:
            quote = self.compute_quote()
        except GasDeskError:
            return False  # the sale's own check names what is wrong
        said = self.context.second_look(quote) if quote is not None else None
        if said is None:
            return False
        typed = (
            self.volume.text(),
            self.amount.text(),
            self.tendered.text(),
            self.method.currentIndex(),
        )
        if self._looked == typed:
            return False
        self._looked = typed
        self.warning.setStyleSheet(BIG_RED)
        self.warning.setText(said)
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        ctrl = event.modifiers() == Qt.KeyboardModifier.ControlModifier
        if event.key() == Qt.Key.Key_F5 and not ctrl:
            self.exact_cash()
            return
        if ctrl and event.key() in PRESET_KEYS:
            index = PRESET_KEYS.index(Qt.Key(event.key()))
            if index < len(self.presets):
                self.presets[index].click()
            return
        super().keyPressEvent(event)

    def done_ok(self, result: Outcome[SaleOnCard]) -> None:
        self.keep(result)
        self.sale = result.result
        self.result_value = result.result
        sale = self.sale.sale
        self.quote_label.setText(
            "\n".join(
                self.tr("第{tier}档 {volume} m³ × {price} 元/m³ = {amount} 元").format(
                    tier=s.tier,
                    volume=format_volume(s.volume),
                    price=format_money(s.price_fen),
                    amount=format_money(s.amount_fen),
                )
                for s in sale.segments
            )
        )
        text = self.tr("购气成功　凭证号 {receipt}\n购气量 {volume} m³　金额 {amount} 元").format(
            receipt=sale.receipt_no,
            volume=format_volume(sale.volume),
            amount=format_money(sale.amount_fen),
        )
        if sale.cash_tendered_fen is not None:
            text += self.tr("\n实收 {tendered} 元　找零 {change} 元").format(
                tendered=format_money(sale.cash_tendered_fen),
                change=format_money(sale.change_fen or 0),
            )
        self.result_label.setText(text)
        self.show_money(self.tr("已收 {0} 元").format(format_money(sale.amount_fen)))
        if sale.cash_tendered_fen is not None:
            self.change_label.setStyleSheet(BIG_MONEY)
            self.change_label.setText(
                self.tr("找零 {change} 元").format(change=format_money(sale.change_fen or 0))
            )
        else:
            self.change_label.clear()
        self.warning.setStyleSheet(RED)
        said = [sale.warning or "", *sale.overrides]
        self.warning.setText("\n".join(self.tr(line) for line in said if line))
        if sale.limit_remaining is not None:
            self.limit_label.setStyleSheet("")
            self.limit_label.setText(
                self.tr("本期限购剩余 {volume} m³").format(
                    volume=format_volume(sale.limit_remaining)
                )
            )
        self.override_box.setVisible(False)
        for button in (*self.presets, self.exact_button):
            button.setEnabled(False)
        self.show_completed(self.tr("按 Enter 完成"))

    def cancelled(self) -> None:
        if self.display is not None:
            self.display.welcome()
