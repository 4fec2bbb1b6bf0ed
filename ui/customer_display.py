"""The customer-facing monitor: what is being sold, for how much, and the change; after each
operation that operation's own summary; a welcome screen when the counter is idle."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from app.counter import CustomerSummary
from app.domain.money import format_money, format_volume
from app.vocabulary import TransactionKind

# seconds a finished operation stays on the customer's screen before the welcome returns
SUMMARY_SECONDS = 60

HEADLINES = {
    TransactionKind.PURCHASE: QT_TRANSLATE_NOOP("CustomerDisplay", "购气成功，谢谢惠顾"),
    TransactionKind.REFUND: QT_TRANSLATE_NOOP("CustomerDisplay", "退气完成，请收好退款"),
    TransactionKind.SUPPLEMENT: QT_TRANSLATE_NOOP("CustomerDisplay", "补气完成"),
    TransactionKind.CARD_REPLACEMENT: QT_TRANSLATE_NOOP("CustomerDisplay", "补卡完成"),
    TransactionKind.OPENING: QT_TRANSLATE_NOOP("CustomerDisplay", "开户完成，欢迎使用"),
    TransactionKind.TRANSFER: QT_TRANSLATE_NOOP("CustomerDisplay", "过户完成"),
    TransactionKind.CLOSING: QT_TRANSLATE_NOOP("CustomerDisplay", "销户完成"),
    TransactionKind.VOID: QT_TRANSLATE_NOOP("CustomerDisplay", "本笔业务已作废"),
}


class CustomerDisplay(QWidget):
    """A second top-level window. ``show_quote`` while the clerk types, ``show_summary`` after
    an operation, ``welcome`` when the card leaves, the shift closes or after a time-out.
    Volumes in 0.01 m³, money in fen. It never shows a name, an ID or a phone number."""

    def __init__(
        self, *, training: bool = False, demo: bool = False, parent: QWidget | None = None
    ):
        super().__init__(parent, Qt.WindowType.Window)
        title = self.tr("GasDesk 客户显示屏")
        self.setWindowTitle(title + (self.tr("（演示模式）") if demo and not training else ""))
        self.resize(640, 400)
        layout = QVBoxLayout(self)
        if training or demo:
            words = self.tr("培训模式 · 所有业务无效")
            if not training:
                words = self.tr("演示模式 · 所有业务无效")
            banner = QLabel(words)
            banner.setObjectName("training-banner")
            banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
            banner.setStyleSheet("background: #ffcc00; color: #000; padding: 6px; font-size: 18pt")
            layout.addWidget(banner)
        self.headline = QLabel()
        self.headline.setObjectName("headline")
        self.headline.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.headline.setStyleSheet("font-size: 22pt; font-weight: bold")
        layout.addWidget(self.headline)
        form = QFormLayout()
        self.values: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        for key in ("account", "receipt", "volume", "amount", "tendered", "change"):
            value = QLabel()
            value.setObjectName(f"display-{key}")
            value.setStyleSheet("font-size: 20pt")
            self.values[key] = value
            caption = QLabel()
            caption.setStyleSheet("font-size: 16pt")
            self.captions[key] = caption
            form.addRow(caption, value)
        layout.addLayout(form)
        layout.addStretch(1)
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(SUMMARY_SECONDS * 1000)
        self.idle.timeout.connect(self.welcome)
        self.welcome()

    def text(self) -> str:
        """Everything shown, as one string (for checks and logs)."""
        parts = [self.headline.text()]
        parts += [
            f"{self.captions[key].text()}={label.text()}"
            for key, label in self.values.items()
            if label.text()
        ]
        return " ".join(parts)

    def _show(self, headline: str, rows: dict[str, tuple[str, str]]) -> None:
        self.headline.setText(headline)
        for key, value in self.values.items():
            caption, text = rows.get(key, ("", ""))
            self.captions[key].setText(caption)
            value.setText(text)

    def show_quote(
        self,
        account_no: str,
        volume: int | None,
        amount_fen: int | None,
        tendered_fen: int | None = None,
        change_fen: int | None = None,
    ) -> None:
        """The sale being typed: volume and 应收, and the change once cash is handed over."""
        self.idle.stop()
        rows = {"account": (self.tr("户号"), account_no)}
        if volume:
            rows["volume"] = (self.tr("购气量 (m³)"), format_volume(volume))
        if amount_fen:
            rows["amount"] = (self.tr("应收 (元)"), format_money(amount_fen))
        if tendered_fen is not None:
            rows["tendered"] = (self.tr("实收 (元)"), format_money(tendered_fen))
        if change_fen is not None:
            rows["change"] = (self.tr("找零 (元)"), format_money(change_fen))
        self._show(self.tr("请核对购气量和金额"), rows)

    def show_summary(self, summary: CustomerSummary) -> None:
        """One operation's own figures: what was paid or handed back, the volume, the receipt."""
        rows = {
            "account": (self.tr("户号"), summary.account_no),
            "receipt": (self.tr("凭证号"), summary.receipt_no),
        }
        if summary.volume > 0:
            rows["volume"] = (self.tr("气量 (m³)"), format_volume(summary.volume))
        elif summary.volume < 0:
            rows["volume"] = (self.tr("退回气量 (m³)"), format_volume(-summary.volume))
        if summary.due_fen > 0:
            rows["amount"] = (self.tr("收款 (元)"), format_money(summary.due_fen))
        elif summary.due_fen < 0:
            rows["amount"] = (self.tr("退款 (元)"), format_money(-summary.due_fen))
        if summary.tendered_fen is not None and summary.due_fen > 0:
            rows["tendered"] = (self.tr("实收 (元)"), format_money(summary.tendered_fen))
            rows["change"] = (self.tr("找零 (元)"), format_money(summary.change_fen or 0))
        self._show(self.tr(HEADLINES[summary.kind]), rows)
        self.idle.start()

    def welcome(self) -> None:
        """Nobody's figures: the card left, the shift closed or the screen timed out."""
        self.idle.stop()
        self._show(self.tr("欢迎光临"), {})
