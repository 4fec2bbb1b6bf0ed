"""培训设备: a window of its own beside the counter window, usable while an operation dialog is
open (the dialogs are modal to the counter window only). Insert a blank card, insert or pull out
the card, put it into the loaded account's simulated meter, switch on the faults a clerk must
learn, and read the emulated printer's paper."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QFontMetrics, QGuiApplication
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.counter import CounterSession
from app.vocabulary import TrainingFault
from ui.base import error_text
from ui.worker import run_in_background

METER_OUTCOMES = {"loaded": QT_TRANSLATE_NOOP("TrainingWindow", "燃气表已充值")}
# the devices are looked at this often: a card pulled by a fault, a slip or a Z-report printed
# by a dialog all show without the counter having to tell this window
POLL_MS = 300


class TrainingWindow(QWidget):
    """A second top-level window, only built when ``session.devices.training`` is not None;
    ``beside``: the counter window it is placed next to when that one is shown."""

    message = Signal(str)  # what happened, for the counter window's status area
    changed = Signal()  # a device changed: the counter window refreshes its status bar

    def __init__(
        self,
        session: CounterSession,
        meter_no: Callable[[], str | None],
        *,
        beside: QWidget | None = None,
    ):
        # no close button: the trainee needs it for the whole session, the counter closes it
        super().__init__(
            None,
            Qt.WindowType.Window
            | Qt.WindowType.CustomizeWindowHint
            | Qt.WindowType.WindowTitleHint
            | Qt.WindowType.WindowMinimizeButtonHint,
        )
        if session.devices.training is None:
            raise ValueError("TrainingWindow needs training devices")
        self.setObjectName("training-window")
        self.setWindowTitle(
            self.tr("GasDesk 演示设备（演示模式）") if session.demo else self.tr("GasDesk 培训设备")
        )
        self.session = session
        self.training = session.devices.training
        self.meter_no = meter_no
        self._paper_length = -1

        words = self.tr("培训模式 · 所有业务无效")
        if session.demo:
            words = self.tr("演示模式 · 所有业务无效")
        banner = QLabel(words)
        banner.setObjectName("training-banner")
        banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        banner.setStyleSheet("background: #ffcc00; color: #000; padding: 4px; font-weight: bold")

        devices = QGroupBox(self.tr("读卡器与燃气表"))
        self.blank_button = QPushButton(self.tr("插入空白卡"))
        self.card_button = QPushButton()
        self.meter_button = QPushButton(self.tr("插入燃气表"))
        self.blank_button.clicked.connect(self.insert_blank)
        self.card_button.clicked.connect(self.toggle_card)
        self.meter_button.clicked.connect(self.load_meter)
        self.state = QLabel()
        self.state.setObjectName("training-state")
        row = QHBoxLayout(devices)
        for button in (self.blank_button, self.card_button, self.meter_button):
            row.addWidget(button)
        row.addWidget(self.state, 1)

        faults = QGroupBox(self.tr("故障演练（可在业务进行中切换）"))
        grid = QGridLayout(faults)
        self.fault_buttons: dict[TrainingFault, QPushButton] = {}
        for index, fault in enumerate(TrainingFault):
            button = QPushButton(self.tr(fault.label))
            button.setObjectName(f"fault-{fault.value}")
            button.setCheckable(True)
            button.setStyleSheet("QPushButton:checked { background: #b00020; color: white }")
            button.toggled.connect(lambda on, fault=fault: self.set_fault(fault, on))
            grid.addWidget(button, index // 2, index % 2)
            self.fault_buttons[fault] = button

        self.last = QLabel()
        self.last.setObjectName("training-message")
        self.last.setWordWrap(True)

        paper = QGroupBox(self.tr("收据预览"))
        self.preview = QPlainTextEdit()
        self.preview.setObjectName("receipt-preview")
        self.preview.setReadOnly(True)
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview.setPlaceholderText(self.tr("收据预览（打印后刷新）"))
        self.preview.setMinimumWidth(self.paper_width())
        inner = QVBoxLayout(paper)
        inner.addWidget(self.preview)

        layout = QVBoxLayout(self)
        layout.addWidget(banner)
        layout.addWidget(devices)
        layout.addWidget(faults)
        layout.addWidget(self.last)
        layout.addWidget(paper, 1)
        self.resize(self.sizeHint().width(), 720)

        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self.poll)
        self._timer.start()
        self._beside = beside
        if beside is not None:
            beside.installEventFilter(self)
        self.update_state()
        self.refresh_receipts()

    # ------------------------------------------------------------------ placement

    def paper_width(self) -> int:
        """Pixels the preview needs for one full printed line (no wrap, no side scrolling):
        the paper's characters per line, a CJK character taking two."""
        columns = self.training.paper_columns
        metrics = QFontMetrics(self.preview.font())
        text = max(
            metrics.horizontalAdvance("0" * columns),
            metrics.horizontalAdvance("中" * (columns // 2)),
        )
        margins = 2 * (self.preview.frameWidth() + int(self.preview.document().documentMargin()))
        return text + margins + self.preview.verticalScrollBar().sizeHint().width() + 4

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self._beside and event.type() == QEvent.Type.Show:
            self.place_beside(watched)  # type: ignore[arg-type]
            self.show()
        return super().eventFilter(watched, event)

    def place_beside(self, window: QWidget) -> None:
        """To the right of the counter window, inside its screen (over its edge when the
        counter window fills the screen: this is a window of its own)."""
        screen = window.screen() or QGuiApplication.primaryScreen()
        frame = window.frameGeometry()
        spot = QPoint(frame.right() + 1, frame.top())
        if screen is not None:
            area = screen.availableGeometry()
            spot.setX(max(area.left(), min(spot.x(), area.right() - self.width())))
            spot.setY(max(area.top(), min(spot.y(), area.bottom() - self.height())))
        self.move(spot)

    # ------------------------------------------------------------------ devices

    def card_present(self) -> bool:
        return self.training.card_present

    def poll(self) -> None:
        """The emulators as they are now (cheap, in memory)."""
        self.update_state()
        self.refresh_receipts()

    def update_state(self) -> None:
        present = self.card_present()
        self.card_button.setText(self.tr("拔出卡") if present else self.tr("插入卡"))
        self.state.setText(self.tr("读卡器中有卡") if present else self.tr("读卡器中无卡"))
        on = self.training.faults()
        for fault, button in self.fault_buttons.items():
            if button.isChecked() != (fault in on):  # a pulled card's switch goes off by itself
                button.blockSignals(True)
                button.setChecked(fault in on)
                button.blockSignals(False)

    def _say(self, text: str) -> None:
        self.last.setText(text)
        self.message.emit(text)
        self.changed.emit()

    def set_fault(self, fault: TrainingFault, on: bool) -> None:
        self.training.set_fault(fault, on)
        label = self.tr(fault.label)
        said = self.tr("已开启故障：{0}") if on else self.tr("已关闭故障：{0}")
        self._say(said.format(label))

    def insert_blank(self) -> None:
        self.training.insert_blank_card()
        self.update_state()
        self._say(self.tr("已插入空白卡"))

    def toggle_card(self) -> None:
        if self.card_present():
            self.training.remove()
            self.update_state()
            self._say(self.tr("已拔出卡"))
        else:
            self.training.reinsert()
            self.update_state()
            self._say(self.tr("已插入卡"))

    def load_meter(self) -> None:
        meter_no = self.meter_no()
        if not meter_no:
            self._say(self.tr("请先加载一个有燃气表的账户"))
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
        self._say(self.tr("燃气表：{outcome}").format(outcome=text))

    def _meter_failed(self, error: Exception) -> None:
        self.meter_button.setEnabled(True)
        self._say(error_text(error))

    # ------------------------------------------------------------------ paper

    def refresh_receipts(self) -> None:
        """Show the emulator's decoded paper when something new came out."""
        length = self.training.paper_length()
        if length == self._paper_length:
            return
        self._paper_length = length
        transcript = self.training.paper()
        if transcript != self.preview.toPlainText():
            self.preview.setPlainText(transcript)
            bar = self.preview.verticalScrollBar()
            bar.setValue(bar.maximum())

    def shut(self) -> None:
        """The counter window closes: stop looking at the devices, close."""
        self._timer.stop()
        if self._beside is not None:
            self._beside.removeEventFilter(self)
        self.close()
