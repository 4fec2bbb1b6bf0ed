"""The customer-facing monitor: what is being sold, for how much, and the change."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from app.domain.money import format_money, format_volume


class CustomerDisplay(QWidget):
    """A second top-level window. ``show_quote`` while the clerk types, ``show_done`` after the
    sale, ``clear`` when the counter is idle. Volumes in 0.01 m³, money in fen."""

    def __init__(self, *, training: bool = False, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(self.tr("GasDesk 客户显示屏"))
        self.resize(640, 400)
        layout = QVBoxLayout(self)
        if training:
            banner = QLabel(self.tr("培训模式 · 所有业务无效"))
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
        for key, label in (
            ("account", self.tr("户号")),
            ("volume", self.tr("购气量 (m³)")),
            ("amount", self.tr("金额 (元)")),
            ("tendered", self.tr("实收 (元)")),
            ("change", self.tr("找零 (元)")),
        ):
            value = QLabel()
            value.setObjectName(f"display-{key}")
            value.setStyleSheet("font-size: 20pt")
            self.values[key] = value
            caption = QLabel(label)
            caption.setStyleSheet("font-size: 16pt")
            form.addRow(caption, value)
        layout.addLayout(form)
        layout.addStretch(1)
        self.clear()

    def text(self) -> str:
        """Everything shown, as one string (for checks and logs)."""
        parts = [self.headline.text()]
        parts += [f"{key}={label.text()}" for key, label in self.values.items()]
        return " ".join(parts)

    def _show(
        self,
        headline: str,
        account_no: str,
        volume: int | None,
        amount_fen: int | None,
        tendered_fen: int | None,
        change_fen: int | None,
    ) -> None:
        self.headline.setText(headline)
        self.values["account"].setText(account_no or "")
        self.values["volume"].setText(format_volume(volume) if volume else "")
        self.values["amount"].setText(format_money(amount_fen) if amount_fen else "")
        self.values["tendered"].setText(
            format_money(tendered_fen) if tendered_fen is not None else ""
        )
        self.values["change"].setText(format_money(change_fen) if change_fen is not None else "")

    def show_quote(
        self,
        account_no: str,
        volume: int | None,
        amount_fen: int | None,
        tendered_fen: int | None = None,
        change_fen: int | None = None,
    ) -> None:
        self._show(
            self.tr("请核对购气量和金额"), account_no, volume, amount_fen, tendered_fen, change_fen
        )

    def show_done(
        self,
        account_no: str,
        volume: int | None,
        amount_fen: int | None,
        tendered_fen: int | None = None,
        change_fen: int | None = None,
    ) -> None:
        self._show(
            self.tr("购气成功，谢谢惠顾"), account_no, volume, amount_fen, tendered_fen, change_fen
        )

    def clear(self) -> None:
        self._show(self.tr("欢迎光临"), "", None, None, None, None)
