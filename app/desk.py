"""One counter at work: the logged-in clerk, the context and the counter's devices (no Qt).

The window talks to this object and to the services, never to a device. In training mode
(培训模式) the devices are the emulators: an SLE4442 card in an in-process reader that the
trainee "inserts" with a button, a gas meter to load it into, and the ESC/POS emulator on
loopback whose decoded paper the window previews.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field

from app.config import LocalConfig
from app.context import Context
from app.devices.cardreader import CardReaderError, ChipTransport, GasCardReader
from app.devices.printer import EscposReceiptPrinter, PrinterFault, printer_from_config
from app.domain.cardformat import CardKey
from app.services.actor import Actor
from app.services.card_counter import CardCounter
from app.services.security import LoggedIn
from app.services.setup import DeskInfo

log = logging.getLogger(__name__)


@dataclass
class TrainingDevices:
    """The emulated reader slot, meter and printer of training mode."""

    transport: ChipTransport
    emulator: object  # app.devices.escpos_emulator.EscposEmulator
    key: CardKey
    meters: dict[str, object] = field(default_factory=dict)
    reader: GasCardReader | None = None  # told when the card changes, like a real slot event

    def _changed(self) -> None:
        if self.reader is not None:
            self.reader.forget()

    def insert_blank_card(self) -> None:
        from app.devices.sle4442 import Sle4442

        self.insert(Sle4442.blank())

    def insert(self, chip) -> None:  # type: ignore[no-untyped-def]
        self.transport.chip = chip
        self.transport.present = True
        self._changed()

    def remove(self) -> object | None:
        """Take the card out of the reader; returns the chip (to put into a meter)."""
        self.transport.present = False
        self._changed()
        return self.transport.chip

    def load_into_meter(self, meter_no: str) -> str:
        """Put the card into the customer's (simulated) meter; returns what the meter did."""
        from app.devices.meter import GasMeterSimulator

        meter = self.meters.get(meter_no)
        if meter is None:
            meter = self.meters[meter_no] = GasMeterSimulator(meter_no, self.key)
        was_present = self.transport.present
        self.transport.present = False
        try:
            return meter.insert(self.transport.chip).outcome  # type: ignore[attr-defined]
        finally:
            self.transport.present = was_present
            self._changed()

    def close(self) -> None:
        self.emulator.stop()  # type: ignore[attr-defined]


@dataclass
class Devices:
    reader: GasCardReader | None = None
    printer: EscposReceiptPrinter | None = None
    training: TrainingDevices | None = None

    def close(self) -> None:
        if self.training is not None:
            self.training.close()


def training_devices(key: CardKey) -> Devices:
    """Emulated reader and printer for 培训模式 (and for the UI tests)."""
    from app.devices.escpos_emulator import EscposEmulator
    from app.devices.sle4442 import Sle4442

    transport = ChipTransport(Sle4442.blank())
    transport.present = False
    emulator = EscposEmulator()
    port = emulator.start()
    printer = printer_from_config(
        {"type": "network", "host": "127.0.0.1", "port": port, "profile": "通用80mm中文"}
    )
    reader = GasCardReader(transport, key)
    return Devices(reader, printer, TrainingDevices(transport, emulator, key, reader=reader))


def devices_from_config(config: LocalConfig) -> Devices:
    """Training mode (or ``emulated_devices`` in config.toml): the emulators. Otherwise the PC/SC
    reader named by ``reader`` and the ``[printer]`` table; a device that cannot be set up is
    left out with a warning, the counter still works without it."""
    from app.cardkey import load_card_key

    if config.training or config.extra.get("emulated_devices"):
        # a training key (utility TRNG) even outside training mode: emulated cards never pass
        # as real ones
        return training_devices(load_card_key(dataclasses.replace(config, training=True)))
    devices = Devices()
    reader_name = config.extra.get("reader")
    if reader_name:
        try:
            from app.devices.cardreader import GasCardReader
            from app.devices.pcsc import PcscTransport

            devices.reader = GasCardReader(PcscTransport(str(reader_name)), load_card_key(config))
        except Exception as error:  # no key, no pyscard: work without a reader
            log.warning("card reader %r not available: %s", reader_name, error)
    printer = config.extra.get("printer")
    if isinstance(printer, dict):
        try:
            from app.devices.printer import printer_from_config

            devices.printer = printer_from_config(printer)
        except Exception as error:  # a bad [printer] table: receipts wait in the queue
            log.warning("receipt printer not available: %s", error)
    return devices


@dataclass
class DeskSession:
    """The clerk logged in at this counter, with the counter's devices."""

    ctx: Context
    user: LoggedIn
    desk: DeskInfo
    devices: Devices
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def actor(self) -> Actor:
        if self.desk.counter_id is None:
            raise RuntimeError("this workstation has no counter configured")
        return Actor(self.user.user_id, self.desk.counter_id)

    @property
    def hall_id(self) -> int:
        """The hall of this counter (for the hall's reports)."""
        if self.desk.hall_id is not None:
            return self.desk.hall_id
        from app.services.setup import hall_of_counter

        return hall_of_counter(self.ctx, self.actor.counter_id)

    @property
    def training(self) -> bool:
        return self.ctx.training

    @property
    def card_counter(self) -> CardCounter | None:
        if self.devices.reader is None:
            return None
        return CardCounter(self.ctx, self.devices.reader)

    @staticmethod
    def new_request() -> uuid.UUID:
        """A request id made before the first submit, so a retried submit is recognised."""
        return uuid.uuid4()

    def print_transaction(self, transaction_id: int) -> str:
        """Print a transaction's receipt through the queue; the clerk's message (Chinese)."""
        from app.services.printing import print_receipt

        if self.devices.printer is None:
            return "未配置打印机，收据已加入打印队列"
        outcome = print_receipt(self.ctx, self.actor, self.devices.printer, transaction_id)
        return outcome.message

    def card_token(self) -> tuple[bool, object] | None:
        """(card present, which insertion) without touching the card; None when the reader
        cannot tell (then the window reads the card to find out)."""
        if self.devices.reader is None:
            return None
        token = getattr(self.devices.reader.transport, "card_token", None)
        try:
            return token() if token is not None else None
        except CardReaderError:
            return None

    def reader_state(self) -> str:
        """读卡器 status text for the status bar."""
        if self.devices.reader is None:
            return "未配置"
        token = self.card_token()
        if token is None:
            return "正常"
        return "有卡" if token[0] else "就绪"

    def printer_state(self) -> str:
        if self.devices.printer is None:
            return "未配置"
        try:
            status = self.devices.printer.status()
        except PrinterFault as error:
            return error.user_message
        return status.problem or "正常"
