"""管理 → 本柜台设备: the administrator chooses this counter's card reader and receipt printer.

The reader is one of the PC/SC readers pcscd lists (刷新 asks again), the emulated devices or
none; when pcscd is not there the screen says so and the emulated devices can still be chosen.
The printer is a network printer (host, port), a USB printer (vendor and product id, hex), a
serial printer (device, baud rate) or a device file (path), with its model; only the fields of
the chosen kind are shown. 测试打印 prints a test slip and 查询状态 asks the printer for its status,
both with the fields as typed (nothing saved); 保存 writes config.toml. Every action is one call
of ``app.counter.DeviceSetup``, run off the GUI thread; its outcome or its Chinese error shows
under the fields (a field at fault gets the focus).

``DevicesDialog(source, parent)``: ``source`` is a ``DeviceSetup`` (tests pass their own), or
what the counter window holds — its ``CounterSession``, or the 管理 menu's desk (anything with
``ctx`` and ``user``; ``DeviceSetup.of``) — for the logged-in user (the service refuses anyone
but an administrator's save).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.counter import (
    CounterDevices,
    CounterSession,
    DeviceCheck,
    DeviceSetup,
    DevicesSaved,
    PrinterConfig,
    ReaderConfig,
    ReaderList,
)
from app.errors import GasDeskError
from app.vocabulary import PrinterKind, ReaderKind
from ui.base import error_text
from ui.i18n import vocabulary_text
from ui.worker import run_in_background

OK_STYLE = "color: #1b5e20; font-weight: bold"
ERROR_STYLE = "color: #b00020; font-weight: bold"


class DevicesDialog(QDialog):
    """本柜台设备 for ``source`` (see the module docstring for how the counter window opens it)."""

    # the counter window's 管理 menu: the counter's own session, so a test slip names the real
    # hall and counter
    desk_for = staticmethod(DeviceSetup.for_session)

    def __init__(
        self, source: DeviceSetup | CounterSession | object, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setup = setup = DeviceSetup.of(source)
        self.working = False
        self.saving = False  # only a save under way keeps the screen open
        self.setWindowTitle(self.tr("本柜台设备"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        choices = setup.printer_choices

        self.reader = QComboBox()
        self.reader.setObjectName("reader")
        self.refresh = QPushButton(self.tr("刷新"))
        self.refresh.setAutoDefault(False)
        self.reader_note = QLabel()
        self.reader_note.setObjectName("reader-note")
        self.reader_note.setWordWrap(True)
        reader_row = QHBoxLayout()
        reader_row.addWidget(self.reader, 1)
        reader_row.addWidget(self.refresh)

        self.printer_kind = QComboBox()
        self.printer_kind.setObjectName("printer-kind")
        self.printer_kind.addItem(self.tr("无打印机"), None)
        for kind in choices.kinds:
            self.printer_kind.addItem(vocabulary_text(kind), kind)
        self.host = QLineEdit()
        self.host.setPlaceholderText("192.168.1.50")
        self.port = QLineEdit()
        self.port.setPlaceholderText(str(choices.default_port))
        self.vendor = QLineEdit()
        self.vendor.setPlaceholderText("04b8")
        self.product = QLineEdit()
        self.product.setPlaceholderText("0202")
        self.device = QLineEdit()
        self.device.setPlaceholderText("/dev/ttyS0")
        self.baudrate = QComboBox()
        for rate in choices.baudrates:
            self.baudrate.addItem(str(rate), rate)
        self.baudrate.setCurrentIndex(choices.baudrates.index(choices.default_baudrate))
        self.path = QLineEdit()
        self.path.setPlaceholderText("/dev/usb/lp0")
        self.profile = QComboBox()
        for profile in choices.profiles:
            self.profile.addItem(profile, profile)

        self.form = QFormLayout()
        self.form.addRow(self.tr("读卡器"), reader_row)
        self.form.addRow("", self.reader_note)
        self.form.addRow(self.tr("打印机类型"), self.printer_kind)
        self.form.addRow(self.tr("打印机地址"), self.host)
        self.form.addRow(self.tr("端口"), self.port)
        self.form.addRow(self.tr("厂商编号（十六进制）"), self.vendor)
        self.form.addRow(self.tr("产品编号（十六进制）"), self.product)
        self.form.addRow(self.tr("串口设备"), self.device)
        self.form.addRow(self.tr("波特率"), self.baudrate)
        self.form.addRow(self.tr("设备文件路径"), self.path)
        self.form.addRow(self.tr("打印机型号"), self.profile)
        # the fields each kind needs; the others are hidden
        self.fields_of: dict[PrinterKind | None, tuple[QWidget, ...]] = {
            None: (),
            PrinterKind.NETWORK: (self.host, self.port, self.profile),
            PrinterKind.USB: (self.vendor, self.product, self.profile),
            PrinterKind.SERIAL: (self.device, self.baudrate, self.profile),
            PrinterKind.FILE: (self.path, self.profile),
        }
        # a check's ``field`` (config.toml's key) → the widget to put right
        self.field_widgets: dict[str, QWidget] = {
            "reader": self.reader,
            "type": self.printer_kind,
            "host": self.host,
            "port": self.port,
            "vendor": self.vendor,
            "product": self.product,
            "device": self.device,
            "baudrate": self.baudrate,
            "path": self.path,
            "profile": self.profile,
        }

        self.outcome = QLabel()
        self.outcome.setObjectName("outcome")
        self.outcome.setWordWrap(True)
        self.test_button = QPushButton(self.tr("测试打印"))
        self.status_button = QPushButton(self.tr("查询状态"))
        self.save_button = QPushButton(self.tr("保存"))
        self.close_button = QPushButton(self.tr("关闭"))
        for button in (self.test_button, self.status_button, self.close_button):
            button.setAutoDefault(False)
        self.save_button.setDefault(True)
        buttons = QHBoxLayout()
        for button in (self.test_button, self.status_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.outcome)
        layout.addLayout(buttons)

        self.printer_kind.currentIndexChanged.connect(self._show_fields)
        self.refresh.clicked.connect(self.list_readers)
        self.test_button.clicked.connect(self.test_print)
        self.status_button.clicked.connect(self.query_status)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        self._show_fields()
        self._set_working(True)
        run_in_background(
            lambda: (setup.current(), setup.readers()),
            self._loaded,
            self._failed,
            parent=self,
        )

    # ------------------------------------------------------------------ fields

    def chosen_kind(self) -> PrinterKind | None:
        """The printer kind chosen (Qt hands item data back as a plain string)."""
        data = self.printer_kind.currentData()
        return None if data is None else PrinterKind(data)

    def _show_fields(self) -> None:
        shown = self.fields_of[self.chosen_kind()]
        for widgets in self.fields_of.values():
            for widget in widgets:
                self.form.setRowVisible(widget, widget in shown)
        for button in (self.test_button, self.status_button):
            button.setEnabled(bool(shown) and not self.working)

    def _fill_readers(self, listed: ReaderList, chosen: ReaderConfig | None) -> None:
        kept = chosen if chosen is not None else self.reader.currentData()
        self.reader.clear()
        for name in listed.names:
            self.reader.addItem(name, ReaderConfig(ReaderKind.PCSC, name))
        if (
            isinstance(kept, ReaderConfig)
            and kept.kind is ReaderKind.PCSC
            and kept.name not in listed.names
        ):  # configured, but not plugged in now: still offered as it is
            self.reader.addItem(self.tr("{0}（未连接）").format(kept.name), kept)
        for kind in (ReaderKind.EMULATED, ReaderKind.NONE):
            self.reader.addItem(vocabulary_text(kind), ReaderConfig(kind))
        # findData cannot compare Python objects: the configured reader is looked up here
        items = [self.reader.itemData(i) for i in range(self.reader.count())]
        self.reader.setCurrentIndex(items.index(kept) if kept in items else 0)
        self.reader_note.setText(listed.message)
        self.reader_note.setStyleSheet("" if listed.available else ERROR_STYLE)

    def _fill_printer(self, printer: PrinterConfig | None) -> None:
        self.printer_kind.setCurrentIndex(
            max(self.printer_kind.findData(printer.kind if printer else None), 0)
        )
        if printer is None:
            return
        for edit, value in (
            (self.host, printer.host),
            (self.port, printer.port),
            (self.vendor, printer.vendor),
            (self.product, printer.product),
            (self.device, printer.device),
            (self.path, printer.path),
        ):
            edit.setText(value)
        if printer.baudrate:
            self.baudrate.setCurrentIndex(max(self.baudrate.findText(printer.baudrate), 0))
        if printer.profile:
            self.profile.setCurrentIndex(max(self.profile.findData(printer.profile), 0))

    def chosen_reader(self) -> ReaderConfig:
        chosen = self.reader.currentData()
        return chosen if isinstance(chosen, ReaderConfig) else ReaderConfig(ReaderKind.NONE)

    def chosen_printer(self) -> PrinterConfig | None:
        kind = self.chosen_kind()
        if kind is None:
            return None
        return PrinterConfig(
            kind,
            host=self.host.text(),
            port=self.port.text(),
            vendor=self.vendor.text(),
            product=self.product.text(),
            device=self.device.text(),
            baudrate=self.baudrate.currentText(),
            path=self.path.text(),
            profile=str(self.profile.currentData() or ""),
        )

    # ------------------------------------------------------------------ actions

    def list_readers(self) -> None:
        setup = self.setup
        self._run(setup.readers, lambda listed: self._fill_readers(listed, None))

    def test_print(self) -> None:
        printer = self.chosen_printer()
        if printer is not None:
            self._run(lambda: self.setup.test_print(printer), self._checked)

    def query_status(self) -> None:
        printer = self.chosen_printer()
        if printer is not None:
            self._run(lambda: self.setup.printer_status(printer), self._checked)

    def save(self) -> None:
        reader, printer = self.chosen_reader(), self.chosen_printer()
        if self.working:
            return
        self.saving = True
        self._run(lambda: self.setup.save(reader, printer), self._saved)

    # ------------------------------------------------------------------ outcomes

    def _run(self, job: Callable[[], Any], done: Callable[[Any], None]) -> None:
        if self.working:
            return
        self._set_working(True)
        self.outcome.setText(self.tr("请稍候……"))
        self.outcome.setStyleSheet("")

        def finished(result: Any) -> None:
            self._set_working(False)
            done(result)

        run_in_background(job, finished, self._failed, parent=self)

    def _loaded(self, loaded: tuple[CounterDevices, ReaderList]) -> None:
        current, listed = loaded
        self._set_working(False)
        self._fill_readers(listed, current.reader)
        self._fill_printer(current.printer)

    def _checked(self, check: DeviceCheck) -> None:
        self._say(check.message, ok=check.ok)

    def _saved(self, saved: DevicesSaved) -> None:
        self.saving = False
        self._say(saved.message, ok=True)

    def _failed(self, error: Exception) -> None:
        self.saving = False
        self._set_working(False)
        self._say(error_text(error), ok=False)
        field = error.field if isinstance(error, GasDeskError) else None
        widget = self.field_widgets.get(field or "")
        if widget is not None:
            widget.setFocus()

    def _say(self, text: str, *, ok: bool) -> None:
        self.outcome.setText(text)
        self.outcome.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)

    def _set_working(self, working: bool) -> None:
        self.working = working
        for button in (self.refresh, self.save_button):
            button.setEnabled(not working)
        self._show_fields()

    def reject(self) -> None:
        if not self.saving:  # a save under way finishes on screen
            super().reject()
