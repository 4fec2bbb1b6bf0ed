"""本柜台设备: the administrator chooses this counter's card reader and receipt printer.

``DeviceSetup`` is the devices screen's front door: the PC/SC readers pcscd lists (or a typed
"pcscd not available" state), the printer kinds and models to choose from, a test slip and a
status query through the printer port, and ``save``, which checks the choice with the checks
config.toml is read with (``app.config.check_setting``, ``app.devices.printer
.check_printer_settings``), writes the counter's ``config.toml`` atomically with every other
key and comment kept, and chains the change into the audit log. Only an administrator may save
(``PermissionDenied`` otherwise, the refusal logged). The new devices are used from the next
login on (the counter's devices are composed at login).
"""

from __future__ import annotations

import logging
import tomllib
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.config import check_setting, config_path, config_text_with, write_private_text
from app.devices.printer import (
    BAUDRATES,
    DEFAULT_BAUDRATE,
    DEFAULT_PORT,
    PROFILES,
    PrinterFault,
    check_printer_settings,
    printer_from_config,
)
from app.documents.receipts import printer_test_slip
from app.errors import InvalidInput, SystemFault
from app.services.counter_devices import (
    DevicesChange,
    may_change_devices,
    record_devices_changed,
)
from app.services.security import AdminActor
from app.vocabulary import PrinterFaultReason, PrinterKind, PrinterState, ReaderKind

if TYPE_CHECKING:
    from app.context import Context
    from app.counter.session import CounterSession
    from app.services.setup import Workstation

log = logging.getLogger(__name__)

SOURCE = "设备设置"  # how the checks' messages name where the value came from
STATUS_TIMEOUT = 2.0  # seconds a network printer may take to answer the screen's query
# the device keys of config.toml this screen owns (every other key is left as it is)
DEVICE_KEYS = ("reader", "emulated_devices", "printer")


@dataclass(frozen=True)
class ReaderConfig:
    """The card reader chosen: a PC/SC reader by ``name``, the emulated devices, or none."""

    kind: ReaderKind
    name: str = ""

    def describe(self) -> str:
        if self.kind is ReaderKind.PCSC:
            return f"{self.kind.label} {self.name}"
        return self.kind.label


@dataclass(frozen=True)
class PrinterConfig:
    """The receipt printer as typed on the screen (numbers as typed text: ``save`` and the
    tests check them). Only the fields of ``kind`` are used; USB ids are hex (``04b8``)."""

    kind: PrinterKind
    host: str = ""
    port: str = ""
    vendor: str = ""
    product: str = ""
    device: str = ""
    baudrate: str = ""
    path: str = ""
    profile: str = ""


@dataclass(frozen=True)
class ReaderList:
    """What pcscd lists; ``available`` False: pcscd (or pyscard) is not there, ``message``
    says so in Chinese (the emulated devices can still be chosen)."""

    names: tuple[str, ...]
    available: bool
    message: str


@dataclass(frozen=True)
class PrinterChoices:
    """What the printer part of the screen offers."""

    kinds: tuple[PrinterKind, ...]
    profiles: tuple[str, ...]
    baudrates: tuple[int, ...]
    default_port: int
    default_baudrate: int
    default_profile: str


@dataclass(frozen=True)
class DeviceCheck:
    """The outcome of a test print or a status query: ``ok``, and what to tell (Chinese)."""

    ok: bool
    message: str
    state: PrinterState
    sent: int = 0  # bytes of the test slip sent


@dataclass(frozen=True)
class CounterDevices:
    """The devices config.toml names now (``printer`` None: no printer)."""

    reader: ReaderConfig
    printer: PrinterConfig | None


@dataclass(frozen=True)
class DevicesSaved:
    config_file: Path
    changed: bool
    message: str


def _digits(text: str) -> int | str:
    """A number typed into a field (full-width digits too); the text itself when it is none,
    for the check to refuse with its message."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    return int(cleaned) if cleaned.isascii() and cleaned.isdigit() else cleaned


def printer_table(printer: PrinterConfig) -> dict[str, object]:
    """The ``[printer]`` table for ``printer``, checked as config.toml's is (``InvalidInput``
    naming the field)."""
    values: dict[str, object] = {"type": printer.kind.value}
    if printer.profile:
        values["profile"] = printer.profile
    if printer.kind is PrinterKind.NETWORK:
        values["host"] = printer.host
        if printer.port.strip():
            values["port"] = _digits(printer.port)
    elif printer.kind is PrinterKind.USB:
        values.update(vendor=printer.vendor, product=printer.product)
    elif printer.kind is PrinterKind.SERIAL:
        values["device"] = printer.device
        if printer.baudrate.strip():
            values["baudrate"] = _digits(printer.baudrate)
    else:
        values["path"] = printer.path
    return check_printer_settings(values, source=SOURCE)


def describe_printer(table: Mapping[str, object] | None) -> str:
    """One line for the audit log and the screen: kind, where, model."""
    if not table:
        return "无打印机"
    kind = PrinterKind.label_of(str(table.get("type")))
    profile = table.get("profile", next(iter(PROFILES)))  # printer_from_config's default
    where = {
        PrinterKind.NETWORK: f"{table.get('host')}:{table.get('port', DEFAULT_PORT)}",
        PrinterKind.USB: f"{table.get('vendor')}:{table.get('product')}",
        PrinterKind.SERIAL: f"{table.get('device')} {table.get('baudrate', DEFAULT_BAUDRATE)}",
        PrinterKind.FILE: str(table.get("path")),
    }.get(str(table.get("type")), "")
    return f"{kind} {where}（{profile}）" if profile else f"{kind} {where}"


def _printer_config(table: object) -> PrinterConfig | None:
    """The screen's fields for a ``[printer]`` table as config.toml has it (None: none or one
    of an unknown type)."""
    if not isinstance(table, dict) or table.get("type") not in set(PrinterKind):
        return None

    def text(key: str) -> str:
        value = table.get(key)
        if key in ("vendor", "product") and isinstance(value, int):
            return f"{value:04x}"
        return "" if value is None else str(value)

    return PrinterConfig(
        PrinterKind(table["type"]),
        host=text("host"),
        port=text("port"),
        vendor=text("vendor").lower().removeprefix("0x"),
        product=text("product").lower().removeprefix("0x"),
        device=text("device"),
        baudrate=text("baudrate"),
        path=text("path"),
        profile=text("profile"),
    )


def _pcsc_readers() -> list[str]:
    from app.devices.pcsc import list_readers

    return list_readers()


class DeviceSetup:
    """This counter's devices screen, for the administrator ``user_id`` logged in here.

    ``config_file``: the counter's config.toml (default ``app.config.config_path()``);
    ``list_readers``: how the PC/SC reader names are asked for (default: pcscd through
    pyscard; it raises a ``GasDeskError`` when the service is not there)."""

    def __init__(
        self,
        ctx: Context,
        user_id: int,
        workstation: Workstation | None = None,
        *,
        config_file: Path | None = None,
        list_readers: Callable[[], list[str]] | None = None,
        status_timeout: float = STATUS_TIMEOUT,
    ):
        self.ctx = ctx
        self.actor = AdminActor(user_id)
        self.workstation = workstation
        self.config_file = config_file or config_path()
        self._list_readers = list_readers or _pcsc_readers
        self.status_timeout = status_timeout

    @classmethod
    def for_session(cls, session: CounterSession, config_file: Path | None = None) -> DeviceSetup:
        """The devices screen of the counter ``session`` works at (its logged-in user)."""
        return cls(session.ctx, session.user.user_id, session.workstation, config_file=config_file)

    @classmethod
    def of(cls, source: object) -> DeviceSetup:
        """``source`` itself when it is a ``DeviceSetup``; else the screen of whoever
        ``source`` holds as ``ctx`` and ``user`` (a ``CounterSession``, the 管理 menu's desk),
        at its ``workstation`` when it has one."""
        if isinstance(source, DeviceSetup):
            return source
        ctx, user = getattr(source, "ctx", None), getattr(source, "user", None)
        if ctx is None or user is None:
            raise TypeError(f"no devices screen for {source!r}: it holds no ctx and user")
        return cls(ctx, user.user_id, getattr(source, "workstation", None))

    # ------------------------------------------------------------------ what there is

    def readers(self) -> ReaderList:
        """The readers pcscd lists now; never raises for a missing pcscd (a typed state)."""
        from app.errors import GasDeskError

        try:
            names = tuple(self._list_readers())
        except GasDeskError as error:
            return ReaderList((), False, error.user_message)
        if not names:
            return ReaderList((), True, "智能卡服务（pcscd）正在运行，但没有找到读卡器，请检查连接")
        return ReaderList(names, True, f"找到 {len(names)} 个读卡器")

    @property
    def printer_choices(self) -> PrinterChoices:
        profiles = tuple(PROFILES)
        return PrinterChoices(
            tuple(PrinterKind), profiles, BAUDRATES, DEFAULT_PORT, DEFAULT_BAUDRATE, profiles[0]
        )

    def _values(self) -> tuple[str, dict[str, object]]:
        """config.toml's text and values now (empty when there is no file yet)."""
        path = self.config_file
        try:
            text = path.read_text(encoding="utf-8") if path.exists() else ""
        except (OSError, UnicodeDecodeError) as error:
            raise SystemFault(f"无法读取配置文件 {path}：{error}", f"{path}: {error}") from error
        try:
            return text, tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise InvalidInput(
                f"配置文件格式错误：{path}（{error}），请先修正文件", f"{path}: {error}"
            ) from error

    def current(self) -> CounterDevices:
        """The reader and printer config.toml names now (the screen starts from them)."""
        _, values = self._values()
        if values.get("emulated_devices") is True:
            reader = ReaderConfig(ReaderKind.EMULATED)
        elif isinstance(values.get("reader"), str) and values["reader"]:
            reader = ReaderConfig(ReaderKind.PCSC, str(values["reader"]))
        else:
            reader = ReaderConfig(ReaderKind.NONE)
        return CounterDevices(reader, _printer_config(values.get("printer")))

    # ------------------------------------------------------------------ the printer port

    def _printer(self, printer: PrinterConfig):  # type: ignore[no-untyped-def]
        table = printer_table(printer)
        return table, printer_from_config(table, timeout=self.status_timeout)

    def test_print(self, printer: PrinterConfig) -> DeviceCheck:
        """Print a short test slip on ``printer`` (as typed, not yet saved): the outcome, or
        ``InvalidInput`` for a value that would not be saved either. Runs off the GUI thread."""
        table, port = self._printer(printer)
        hall_name, counter_name = self._names()
        slip = printer_test_slip(
            hall_name,
            counter_name,
            self.ctx.local(self.ctx.now()),
            describe_printer(table),
            port.columns,
        )
        try:
            sent = port.print_receipt(slip)
        except PrinterFault as fault:
            return DeviceCheck(False, fault.user_message, _state_of(fault.reason))
        except Exception as error:  # a USB or serial library refusing the device
            log.warning("test print on %s failed: %s", describe_printer(table), error)
            return DeviceCheck(False, "无法连接打印机，请检查设置和连接", PrinterState.UNREACHABLE)
        said = f"测试页已打印（已发送 {sent} 字节），请查看打印效果"
        return DeviceCheck(True, said, PrinterState.READY, sent)

    def _names(self) -> tuple[str, str]:
        """The hall and counter the test slip names (config.toml's codes without a workstation)."""
        if self.workstation is not None:
            return self.workstation.hall_name, self.workstation.counter_name
        _, values = self._values()
        return f"营业厅 {values.get('hall_code', '01')}", f"{values.get('counter_code', '1')}号柜台"

    def printer_status(self, printer: PrinterConfig) -> DeviceCheck:
        """Ask ``printer`` for its status (a short time-out: an unreachable printer is said at
        once). A device file cannot answer: it is taken as ready, and the message says so."""
        table, port = self._printer(printer)
        if table["type"] == PrinterKind.FILE:
            return DeviceCheck(
                True, "设备文件打印机不能回答状态查询；请用测试打印检查", PrinterState.READY
            )
        try:
            status = port.status()
        except Exception as error:  # the transport failed before asking anything
            log.warning("status of %s failed: %s", describe_printer(table), error)
            return DeviceCheck(False, "无法连接打印机，请检查设置和连接", PrinterState.UNREACHABLE)
        if status.problem is not None:
            return DeviceCheck(False, status.problem, status.state)
        message = "打印机正常，可以打印" + (f"（{status.warning}）" if status.warning else "")
        return DeviceCheck(True, message, status.state)

    # ------------------------------------------------------------------ saving

    def _changes(self, reader: ReaderConfig, printer: PrinterConfig | None) -> dict[str, object]:
        """config.toml's device keys for the choice (None: key removed), checked."""
        changes: dict[str, object | None] = {key: None for key in DEVICE_KEYS}
        if reader.kind is ReaderKind.PCSC:
            name = check_setting("reader", reader.name.strip(), source=SOURCE)
            if not name:
                raise InvalidInput("请选择读卡器", "no reader chosen", field="reader")
            changes["reader"] = name
        elif reader.kind is ReaderKind.EMULATED:
            changes["emulated_devices"] = check_setting("emulated_devices", True, source=SOURCE)
        if printer is not None:
            changes["printer"] = check_setting("printer", printer_table(printer), source=SOURCE)
        return changes  # type: ignore[return-value]

    def save(self, reader: ReaderConfig, printer: PrinterConfig | None) -> DevicesSaved:
        """Write the choice into config.toml and audit it. Bad input: ``InvalidInput`` and the
        file unchanged; not an administrator: ``PermissionDenied`` (logged), file unchanged."""
        changes = self._changes(reader, printer)
        may_change_devices(self.ctx, self.actor)
        old_text, old_values = self._values()
        if old_values.get("printer") is not None and isinstance(changes["printer"], dict):
            name = old_values["printer"].get("name")  # type: ignore[union-attr]
            if name and "name" not in changes["printer"]:  # the screen does not edit it
                changes["printer"]["name"] = name  # type: ignore[index]
        new_text = config_text_with(old_text, changes)  # type: ignore[arg-type]
        new_values = tomllib.loads(new_text)
        old_reader, new_reader = self._reader_text(old_values), self._reader_text(new_values)
        old_printer = describe_printer(old_values.get("printer"))  # type: ignore[arg-type]
        new_printer = describe_printer(new_values.get("printer"))  # type: ignore[arg-type]
        path = self.config_file
        existed = path.exists()
        if all(old_values.get(key) == new_values.get(key) for key in DEVICE_KEYS):
            return DevicesSaved(path, False, "设备设置没有变化")
        try:
            write_private_text(path, new_text)
        except OSError as error:
            raise SystemFault(f"无法写入配置文件 {path}：{error}", f"{path}: {error}") from error
        change = DevicesChange(
            str(new_values.get("counter_code", "1")),
            str(path),
            old_reader,
            new_reader,
            old_printer,
            new_printer,
        )
        try:
            record_devices_changed(self.ctx, self.actor, change)
        except BaseException:
            # unaudited, the change must not stay: the file goes back to what it said
            if existed:
                write_private_text(path, old_text)
            else:
                path.unlink(missing_ok=True)
            raise
        log.info("counter devices changed in %s: %s; %s", path, new_reader, new_printer)
        return DevicesSaved(path, True, f"已保存到 {path}，重新登录后生效")

    @staticmethod
    def _reader_text(values: Mapping[str, object]) -> str:
        if values.get("emulated_devices") is True:
            return ReaderConfig(ReaderKind.EMULATED).describe()
        if values.get("reader"):
            return ReaderConfig(ReaderKind.PCSC, str(values["reader"])).describe()
        return ReaderConfig(ReaderKind.NONE).describe()


def _state_of(reason: PrinterFaultReason) -> PrinterState:
    return {
        PrinterFaultReason.PAPER_OUT: PrinterState.PAPER_OUT,
        PrinterFaultReason.COVER_OPEN: PrinterState.COVER_OPEN,
        PrinterFaultReason.OFFLINE: PrinterState.OFFLINE,
        PrinterFaultReason.INTERRUPTED: PrinterState.OFFLINE,
    }.get(reason, PrinterState.UNREACHABLE)
