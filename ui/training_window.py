"""培训设备: a window of its own beside the counter window, usable while an operation dialog is
open (the dialogs are modal to the counter window only). Insert a blank card, insert or pull out
the card, put it into the loaded account's simulated meter; the same for a card of the training
maker (the common interface's double) where training offers one; switch on the faults a clerk
must learn, and read the emulated printer's paper."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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

METER_OUTCOMES = {
    "loaded": QT_TRANSLATE_NOOP("TrainingWindow", "燃气表已充值"),
    "tool_done": QT_TRANSLATE_NOOP("TrainingWindow", "工具卡已执行，表内数据已写到卡上"),
    "refused_tool_used": QT_TRANSLATE_NOOP("TrainingWindow", "此工具卡已使用过，表不接受"),
    "refused_other_meter": QT_TRANSLATE_NOOP("TrainingWindow", "不是本表的卡，表不接受"),
}
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
        rows = QVBoxLayout(devices)
        row = QHBoxLayout()
        for button in (self.blank_button, self.card_button, self.meter_button):
            row.addWidget(button)
        rows.addLayout(row)
        # the training maker's card beside the GasDesk card (one card in the slot at a time)
        maker = self.training.maker
        self.maker_new_button = QPushButton(self.tr("插入新厂家卡"))
        self.maker_new_button.setObjectName("maker-new")
        self.maker_card_button = QPushButton()
        self.maker_card_button.setObjectName("maker-card")
        self.maker_meter_button = QPushButton(self.tr("厂家卡插入燃气表"))
        self.maker_meter_button.setObjectName("maker-meter")
        self.maker_new_button.clicked.connect(self.insert_new_maker_card)
        self.maker_card_button.clicked.connect(self.toggle_maker_card)
        self.maker_meter_button.clicked.connect(self.load_maker_meter)
        # a tool card as the maker's own tool software makes it (the interface cannot)
        self.maker_tool_button = QPushButton(self.tr("插入厂家检查卡"))
        self.maker_tool_button.setObjectName("maker-tool")
        self.maker_tool_button.clicked.connect(self.insert_maker_check_card)
        self.maker_note = QLabel()
        self.maker_note.setObjectName("maker-note")
        self.maker_note.setWordWrap(True)
        maker_row = QHBoxLayout()
        if maker is not None:
            self.maker_note.setText(self.tr("厂家卡：{name}").format(name=maker.name))
            maker_row.addWidget(self.maker_note)
            for button in self._maker_buttons():
                maker_row.addWidget(button)
        else:
            self.maker_note.setText(self.training.maker_unavailable or "")
            self.maker_note.setVisible(bool(self.training.maker_unavailable))
            maker_row.addWidget(self.maker_note, 1)
            for button in self._maker_buttons():
                button.setVisible(False)
        rows.addLayout(maker_row)
        rows.addWidget(self.state)

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
        training = self.training
        chip = training.chip_present
        self.card_button.setText(self.tr("拔出卡") if chip else self.tr("插入卡"))
        if training.maker is not None:
            in_slot = training.maker_card_present
            self.maker_card_button.setText(
                self.tr("拔出厂家卡") if in_slot else self.tr("插入厂家卡")
            )
        if training.maker_card_present:
            state = self.tr("读卡器中有卡（厂家卡：{name}）").format(name=training.maker.name)
        elif chip:
            state = self.tr("读卡器中有卡")
        else:
            state = self.tr("读卡器中无卡")
        self.state.setText(state)
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
        if self.training.chip_present:
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

    # ------------------------------------------------------------------ the maker's card

    def insert_new_maker_card(self) -> None:
        self.training.insert_new_maker_card()
        self.update_state()
        self._say(self.tr("已插入新厂家卡（{name}）").format(name=self.training.maker.name))

    def _maker_buttons(self) -> tuple[QPushButton, ...]:
        return (
            self.maker_new_button,
            self.maker_card_button,
            self.maker_meter_button,
            self.maker_tool_button,
        )

    def insert_maker_check_card(self) -> None:
        """A check card of the training maker for the loaded account's meter."""
        meter_no = self.meter_no()
        if not meter_no:
            self._say(self.tr("请先加载一个有燃气表的账户"))
            return
        serial = self.training.insert_maker_tool_card("check", meter_no)
        self.update_state()
        self._say(
            self.tr("已插入厂家检查卡 {serial}（表号 {meter}）").format(
                serial=serial, meter=meter_no
            )
        )

    def toggle_maker_card(self) -> None:
        if self.training.maker_card_present:
            self.training.remove_maker_card()
            self.update_state()
            self._say(self.tr("已拔出厂家卡"))
        elif self.training.reinsert_maker_card():
            self.update_state()
            self._say(self.tr("已插入厂家卡"))
        else:
            self._say(self.tr("手中没有厂家卡，请先插入新厂家卡"))

    def load_maker_meter(self) -> None:
        meter_no = self.meter_no()
        if not meter_no:
            self._say(self.tr("请先加载一个有燃气表的账户"))
            return
        self.maker_meter_button.setEnabled(False)
        run_in_background(
            lambda: self.training.load_maker_into_meter(meter_no),
            self._maker_meter_done,
            self._maker_meter_failed,
            parent=self,
        )

    def _maker_meter_done(self, load: Any) -> None:
        self.maker_meter_button.setEnabled(True)
        self.update_state()
        self._say(self.tr("燃气表：{outcome}").format(outcome=load.message))

    def _maker_meter_failed(self, error: Exception) -> None:
        self.maker_meter_button.setEnabled(True)
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
