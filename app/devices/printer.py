"""Receipt printers over python-escpos: USB, serial, network (TCP 9100) or file.

A receipt is composed into one byte job first (python-escpos's ``Dummy`` printer) and sent to the
real printer in one write, so a fault cannot leave half a job queued inside the library. Chinese
text is printed in the printer's own Chinese mode (FS &, GBK/GB18030 double-byte) when its profile
says it has one; otherwise, and for any line with characters outside GBK (rare name characters),
the line is rendered with a CJK font and printed as a raster image: never a crash, never a "?".
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.documents.receipts import Line, Receipt
from app.errors import GasDeskError
from app.vocabulary import PrinterFaultReason, PrinterState

log = logging.getLogger(__name__)

CHINESE_ON = b"\x1c\x26"  # FS &: enter double-byte (Chinese) mode
CHINESE_OFF = b"\x1c\x2e"  # FS .: leave it


@dataclass(frozen=True)
class PrinterProfile:
    """What a printer model can do."""

    name: str
    paper_mm: int = 80
    chinese_mode: bool = True  # has GB18030/GBK double-byte mode (FS &)
    cutter: bool = True
    drawer: bool = True
    native_qr: bool = True

    @property
    def width_dots(self) -> int:
        return 576 if self.paper_mm >= 80 else 384

    @property
    def columns(self) -> int:
        return 48 if self.paper_mm >= 80 else 32


PROFILES = {
    p.name: p
    for p in (
        PrinterProfile("通用80mm中文", 80),
        PrinterProfile("通用58mm中文", 58),
        PrinterProfile("通用80mm（无中文字库）", 80, chinese_mode=False, native_qr=False),
        PrinterProfile("通用58mm无切刀", 58, cutter=False, drawer=False),
    )
}


class PrinterFault(GasDeskError):
    """The printer cannot print now; the receipt stays queued. ``reason`` says why (typed: the
    queue records an interrupted job apart from one that never started)."""

    code = "printer_fault"

    def __init__(
        self,
        user_message: str,
        dev_message: str | None = None,
        reason: PrinterFaultReason = PrinterFaultReason.UNREACHABLE,
    ):
        super().__init__(user_message, dev_message)
        self.reason = reason


@dataclass(frozen=True)
class PrinterStatus:
    reachable: bool = True
    online: bool = True
    paper: str = "ok"  # ok / near_end / out
    cover_open: bool = False

    @property
    def fault(self) -> PrinterFaultReason | None:
        """What stops printing; None when it can print."""
        if not self.reachable:
            return PrinterFaultReason.UNREACHABLE
        if self.paper == "out":
            return PrinterFaultReason.PAPER_OUT
        if self.cover_open:
            return PrinterFaultReason.COVER_OPEN
        if not self.online:
            return PrinterFaultReason.OFFLINE
        return None

    @property
    def problem(self) -> str | None:
        """What stops printing, in the clerk's words; None when it can print."""
        fault = self.fault
        return fault.label if fault is not None else None

    @property
    def state(self) -> PrinterState:
        """The status bar's word for this status."""
        fault = self.fault
        return PrinterState.READY if fault is None else _STATE_OF_FAULT[fault]

    @property
    def warning(self) -> str | None:
        return "打印纸即将用完" if self.paper == "near_end" else None


_STATE_OF_FAULT = {
    PrinterFaultReason.UNREACHABLE: PrinterState.UNREACHABLE,
    PrinterFaultReason.PAPER_OUT: PrinterState.PAPER_OUT,
    PrinterFaultReason.COVER_OPEN: PrinterState.COVER_OPEN,
    PrinterFaultReason.OFFLINE: PrinterState.OFFLINE,
    PrinterFaultReason.INTERRUPTED: PrinterState.OFFLINE,
}


@cache
def _font(size: int):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    from app.fonts import find_cjk_font

    return ImageFont.truetype(str(find_cjk_font()), size)


def gbk_printable(text: str) -> bool:
    try:
        text.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def render_line(line: Line, width_dots: int):  # type: ignore[no-untyped-def]
    """A receipt line as a 1-bit image the printer prints as raster graphics."""
    from PIL import Image, ImageDraw

    size = 48 if line.big else 24
    font = _font(size)
    image = Image.new("1", (width_dots, size + 6), 1)
    draw = ImageDraw.Draw(image)
    text_width = draw.textlength(line.text, font=font)
    x = {"center": (width_dots - text_width) / 2, "right": width_dots - text_width}.get(
        line.align, 0
    )
    draw.text((max(0, x), 2), line.text, font=font, fill=0, stroke_width=1 if line.bold else 0)
    return image


def compose(receipt: Receipt, profile: PrinterProfile) -> bytes:
    """The ESC/POS bytes of one receipt for ``profile``."""
    from escpos.printer import Dummy

    job = Dummy()
    job.profile.profile_data["media"]["width"]["pixels"] = profile.width_dots  # centring, max width
    job.hw("INIT")
    for line in receipt.lines:
        if profile.chinese_mode and gbk_printable(line.text):
            job.set(
                align=line.align,
                bold=line.bold,
                double_width=line.big,
                double_height=line.big,
                normal_textsize=not line.big,
            )
            job._raw(CHINESE_ON + line.text.encode("gbk") + CHINESE_OFF + b"\n")
        else:
            job.set(align="left", normal_textsize=True)
            job.image(render_line(line, profile.width_dots), center=False)
    job.set(align="center", normal_textsize=True)
    job.qr(receipt.qr, native=profile.native_qr, size=6)
    job.set(align="left")
    if receipt.open_drawer and profile.drawer:
        job.cashdraw(2)
    if profile.cutter:
        job.cut()
    else:
        job._raw(b"\n" * 4)
    return job.output


class EscposReceiptPrinter:
    """A receipt printer reached through a python-escpos connection (the ``ReceiptPrinter``
    port; the ESC/POS emulator of training mode is reached the same way, over TCP)."""

    def __init__(self, connect: Callable[[], object], profile: PrinterProfile, *, name: str = ""):
        self._connect = connect
        self.profile = profile
        self.name = name or profile.name
        # one connection at a time: a status poll must not open a second one mid-receipt
        self.lock = threading.RLock()

    def _open(self):  # type: ignore[no-untyped-def]
        try:
            printer = self._connect()
            printer.open()
            return printer
        except Exception as error:  # every transport fails in its own way
            raise PrinterFault("未连接打印机，请检查打印机电源和连接", str(error)) from error

    @property
    def columns(self) -> int:
        return self.profile.columns

    def status(self) -> PrinterStatus:
        with self.lock:
            return self._status()

    def state(self) -> PrinterState:
        """The printer's state for the status bar (asks the printer)."""
        try:
            return self.status().state
        except PrinterFault:
            return PrinterState.UNREACHABLE

    def _status(self) -> PrinterStatus:
        """DLE EOT status; file printers cannot answer and are always taken as ready."""
        if not _answers_status(self._connect()):
            return PrinterStatus()
        try:
            printer = self._open()
        except PrinterFault:
            return PrinterStatus(reachable=False, online=False)
        try:
            from escpos.constants import RT_STATUS

            online = printer.is_online()
            paper = {2: "ok", 1: "near_end", 0: "out"}.get(printer.paper_status(), "out")
            cause = printer.query_status(RT_STATUS + b"\x02")  # DLE EOT 2: offline cause
            cover_open = bool(cause and cause[0] & 0x04)
            return PrinterStatus(True, online, paper, cover_open)
        except Exception as error:  # a printer that does not answer is not usable
            log.warning("printer status query failed: %s", error)
            return PrinterStatus(reachable=False, online=False)
        finally:
            _close(printer)

    def print_receipt(self, receipt: Receipt) -> int:
        """Print one receipt; returns the bytes sent. Raises PrinterFault when it cannot."""
        with self.lock:
            return self._print(receipt)

    def _print(self, receipt: Receipt) -> int:
        before = self.status()
        if before.fault is not None:
            raise PrinterFault(before.fault.label, f"{self.name}: {before}", before.fault)
        data = compose(receipt, self.profile)
        printer = self._open()
        try:
            printer._raw(data)
        except Exception as error:
            raise PrinterFault(
                "打印失败，请检查打印机", f"{self.name}: {error}", PrinterFaultReason.UNREACHABLE
            ) from error
        finally:
            _close(printer)
        after = self.status()
        if after.fault is not None:  # it stopped during the job: the receipt may be incomplete
            raise PrinterFault(
                after.fault.label + "（本张可能未打完整）",
                f"{self.name}: {after}",
                PrinterFaultReason.INTERRUPTED,
            )
        return len(data)


def _answers_status(printer) -> bool:  # type: ignore[no-untyped-def]
    """File printers write to a file or device node and cannot be asked anything."""
    from escpos.printer import File

    return not isinstance(printer, File)


def _close(printer) -> None:  # type: ignore[no-untyped-def]
    try:
        printer.close()
    except Exception as error:  # closing a dead connection: nothing left to free
        log.debug("closing printer: %s", error)


def network_printer(host: str, port: int = 9100, timeout: float = 5.0) -> Callable[[], object]:
    import socket

    from escpos.printer import Network

    class _Network(Network):
        # python-escpos 3.1 leaves the socket of a refused connection open;
        # create_connection closes it itself when connecting fails.
        def open(self, raise_not_found: bool = True) -> None:
            self.device = socket.create_connection((self.host, self.port), self.timeout)

    return lambda: _Network(host, port=port, timeout=timeout)


def file_printer(path: str | Path) -> Callable[[], object]:
    from escpos.printer import File

    return lambda: File(str(path))


def usb_printer(vendor: int, product: int) -> Callable[[], object]:
    from escpos.printer import Usb

    return lambda: Usb(vendor, product)


def serial_printer(device: str, baudrate: int = 9600) -> Callable[[], object]:
    from escpos.printer import Serial

    return lambda: Serial(devfile=device, baudrate=baudrate)


def printer_from_config(values: dict[str, object], *, timeout: float = 5.0) -> EscposReceiptPrinter:
    """Build the configured printer: {"type": "network"|"file"|"usb"|"serial", ..., "profile"};
    ``timeout``: how long a network printer is given to answer."""
    profile = PROFILES.get(str(values.get("profile", "通用80mm中文")))
    if profile is None:  # a configuration error, raised while composing the counter
        raise PrinterFault("未知的打印机型号", f"profile {values.get('profile')!r}")
    kind = values.get("type")
    if kind == "network":
        connect = network_printer(
            str(values["host"]), int(values.get("port", 9100)), timeout=timeout
        )
    elif kind == "file":
        connect = file_printer(str(values["path"]))
    elif kind == "usb":
        connect = usb_printer(int(str(values["vendor"]), 0), int(str(values["product"]), 0))
    elif kind == "serial":
        connect = serial_printer(str(values["device"]), int(values.get("baudrate", 9600)))
    else:
        raise PrinterFault("打印机配置错误", f"printer type {kind!r}")
    return EscposReceiptPrinter(connect, profile, name=str(values.get("name", "")))
