"""培训模式 controls: insert a blank card, insert or pull out the card, put it into the loaded
account's simulated meter, and the ESC/POS emulator's paper as text."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.counter import CounterSession
from ui.base import error_text
from ui.worker import run_in_background

METER_OUTCOMES = {"loaded": QT_TRANSLATE_NOOP("TrainingPanel", "燃气表已充值")}


class TrainingPanel(QWidget):
    """Only built when ``session.devices.training`` is not None."""

    message = Signal(str)  # what happened, for the window's status area

    def __init__(
        self,
        session: CounterSession,
        meter_no: Callable[[], str | None],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        if session.devices.training is None:
            raise ValueError("TrainingPanel needs training devices")
        self.session = session
        self.training = session.devices.training
        self.meter_no = meter_no

        box = QGroupBox(self.tr("培训设备"))
        self.blank_button = QPushButton(self.tr("插入空白卡"))
        self.card_button = QPushButton()
        self.meter_button = QPushButton(self.tr("插入燃气表"))
        self.blank_button.clicked.connect(self.insert_blank)
        self.card_button.clicked.connect(self.toggle_card)
        self.meter_button.clicked.connect(self.load_meter)
        self.state = QLabel()
        buttons = QHBoxLayout()
        for button in (self.blank_button, self.card_button, self.meter_button):
            buttons.addWidget(button)
        buttons.addWidget(self.state, 1)

        self.preview = QPlainTextEdit()
        self.preview.setObjectName("receipt-preview")
        self.preview.setReadOnly(True)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview.setPlaceholderText(self.tr("收据预览（打印后刷新）"))

        inner = QVBoxLayout(box)
        inner.addLayout(buttons)
        inner.addWidget(QLabel(self.tr("收据预览")))
        inner.addWidget(self.preview)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(box)
        self.update_state()
        self.refresh_receipts()

    def card_present(self) -> bool:
        return self.training.card_present

    def update_state(self) -> None:
        present = self.card_present()
        self.card_button.setText(self.tr("拔出卡") if present else self.tr("插入卡"))
        self.state.setText(self.tr("读卡器中有卡") if present else self.tr("读卡器中无卡"))

    def insert_blank(self) -> None:
        self.training.insert_blank_card()
        self.update_state()
        self.message.emit(self.tr("已插入空白卡"))

    def toggle_card(self) -> None:
        if self.card_present():
            self.training.remove()
            self.message.emit(self.tr("已拔出卡"))
        else:
            self.training.reinsert()
            self.message.emit(self.tr("已插入卡"))
        self.update_state()

    def load_meter(self) -> None:
        meter_no = self.meter_no()
        if not meter_no:
            self.message.emit(self.tr("请先加载一个有燃气表的账户"))
            return
        self.meter_button.setEnabled(False)
        run_in_background(
            lambda: self.training.load_into_meter(meter_no),
            self._meter_done,
            self._meter_failed,
            parent=self,
        )

    def _meter_done(self, outcome: str) -> None:
        self.meter_button.setEnabled(True)
        text = self.tr(METER_OUTCOMES.get(outcome, outcome))
        self.message.emit(self.tr("燃气表：{outcome}").format(outcome=text))

    def _meter_failed(self, error: Exception) -> None:
        self.meter_button.setEnabled(True)
        self.message.emit(error_text(error))

    def refresh_receipts(self) -> None:
        """Show the emulator's decoded paper (cheap, in memory)."""
        transcript = self.training.paper()
        if transcript != self.preview.toPlainText():
            self.preview.setPlainText(transcript)
            bar = self.preview.verticalScrollBar()
            bar.setValue(bar.maximum())
