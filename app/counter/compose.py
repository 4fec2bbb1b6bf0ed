"""The composition root of a counter's devices: real or training devices from configuration.

Called once, from ``main.py`` (through ``ui.app.run_gui``) after a login, and by the tests. In
training mode (培训模式) and in the demo hall of a first run (演示模式) the devices are the
emulators: an SLE4442 card in an in-process reader that the trainee "inserts" with a button, a
gas meter to load it into, and the ESC/POS emulator on loopback whose decoded paper the window
previews; in training mode, where gcc is there, also the card of a training maker (the common
interface's double, built into the data folder) and that maker's meters. Otherwise the PC/SC
reader named by ``reader`` (card family ``card_family``, default SLE4442) and the ``[printer]``
table; a device that cannot be set up is left out with a warning, the counter still works
without it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from app.config import LocalConfig
from app.context import Context
from app.devices.cardreader import ChipTransport, GasCardReader, card_reader
from app.devices.ports import CardReader, ReceiptPrinter
from app.devices.printer import printer_from_config
from app.domain.cardformat import CardKey
from app.vocabulary import TrainingFault

if TYPE_CHECKING:
    from app.devices.escpos.emulator import EscposEmulator
    from app.devices.makers.double import DoubleSlot
    from app.devices.makers.meter import InterfaceMeterSimulator, MeterLoad
    from app.devices.meter import GasMeterSimulator
    from app.devices.sle4442 import Sle4442

log = logging.getLogger(__name__)

# training mode's one maker of the common interface: the maker double, compiled by gcc
TRAINING_MAKER_CODE = "demo"
TRAINING_MAKER_NAME = "演示厂家"
TRAINING_MAKER_SEED = "DEMO-FACTORY"
TRAINING_MAKER_PORT = 1


@dataclass
class TrainingMakerCard:
    """The training maker's card: the double's reader slot (what its library reads), the card
    in the trainee's hand while it is out of the reader, and the maker's household meters."""

    code: str
    name: str
    slot: DoubleSlot
    meter_slot: DoubleSlot  # where a meter reads the card put into it
    key_seed: str
    held: bytes | None = None
    meters: dict[str, InterfaceMeterSimulator] = field(default_factory=dict)

    @property
    def present(self) -> bool:
        return self.slot.path.is_file()


@dataclass
class TrainingDevices:
    """The emulated reader slot, meters and printer of training mode. The slot takes one card
    at a time: a GasDesk format v1 card (the chip) or, where gcc built the double, a card of
    the training maker (``maker``; None: ``maker_unavailable`` says why)."""

    transport: ChipTransport
    emulator: EscposEmulator
    key: CardKey
    meters: dict[str, GasMeterSimulator] = field(default_factory=dict)
    reader: CardReader | None = None  # told when the card changes, like a real slot event
    maker: TrainingMakerCard | None = None
    maker_unavailable: str | None = None  # why training offers the GasDesk card only

    def _changed(self) -> None:
        if self.reader is not None:
            self.reader.forget()

    @property
    def card_present(self) -> bool:
        """Any card in the reader (the chip or the maker's)."""
        return self.chip_present or self.maker_card_present

    @property
    def chip_present(self) -> bool:
        return bool(self.transport.present)

    @property
    def maker_card_present(self) -> bool:
        return self.maker is not None and self.maker.present

    def insert_blank_card(self) -> None:
        from app.devices.sle4442 import Sle4442

        self.insert(Sle4442.blank())

    def insert(self, chip: Sle4442) -> None:
        self._maker_card_out()
        self.transport.chip = chip
        self.transport.present = True
        self._changed()

    def reinsert(self) -> None:
        """Put the card that was taken out back into the reader."""
        self.insert(self.transport.chip)

    def remove(self) -> Sle4442:
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
            return meter.insert(self.transport.chip).outcome
        finally:
            self.transport.present = was_present
            self._changed()

    # ---------------------------------------------------------------- the maker's card

    def _maker(self) -> TrainingMakerCard:
        if self.maker is None:
            from app.errors import RuleViolation

            raise RuleViolation(
                self.maker_unavailable or "培训模式未提供厂家卡", "no training maker"
            )
        return self.maker

    def _maker_card_out(self) -> None:
        """The maker's card leaves the slot into the trainee's hand (another card goes in)."""
        if self.maker is not None and self.maker.present:
            self.maker.held = self.maker.slot.remove()

    def insert_new_maker_card(self) -> None:
        """A formatted new card of the training maker (the one in hand is put away)."""
        maker = self._maker()
        self.transport.present = False
        maker.held = None
        maker.slot.insert_new(maker.code, key=maker.key_seed)
        self._changed()

    def insert_maker_tool_card(self, tool: str, meter_no: str) -> str:
        """A tool card of the training maker for ``meter_no``, as the maker's own tool software
        makes it (the interface cannot): ``tool`` is the double's kind (``check``, ...);
        returns its number."""
        maker = self._maker()
        self.transport.present = False
        maker.held = None
        import uuid

        serial = f"TK{uuid.uuid4().hex[:8].upper()}"  # new in every training session too
        maker.slot.insert_tool(maker.code, tool, key=maker.key_seed, kh=serial, tm=meter_no)
        self._changed()
        return serial

    def remove_maker_card(self) -> None:
        """Take the maker's card out of the reader (kept in hand, to carry to the meter)."""
        self._maker_card_out()
        self._changed()

    def reinsert_maker_card(self) -> bool:
        """Put the maker's card in hand back into the reader; False: none in hand."""
        maker = self._maker()
        if maker.held is None:
            return False
        self.transport.present = False
        maker.slot.insert_file(maker.held)
        maker.held = None
        self._changed()
        return True

    def load_maker_into_meter(self, meter_no: str) -> MeterLoad:
        """Put the maker's card (in the reader or in hand) into the maker's meter ``meter_no``
        and back where it was; what the meter did."""
        from app.devices.makers.meter import InterfaceMeterSimulator, MeterLoad, MeterOutcome

        maker = self._maker()
        in_reader = maker.present
        card = maker.slot.remove() if in_reader else maker.held
        if card is None:
            return MeterLoad(MeterOutcome.REFUSED_NO_CARD, 0, "没有厂家卡可插入燃气表")
        meter = maker.meters.get(meter_no)
        if meter is None:
            meter = maker.meters[meter_no] = InterfaceMeterSimulator(meter_no, maker.code)
        maker.meter_slot.insert_file(card)
        try:
            return meter.insert(maker.meter_slot)
        finally:
            back = maker.meter_slot.remove() or card
            if in_reader:
                maker.slot.insert_file(back)
            else:
                maker.held = back
            self._changed()

    def set_fault(self, fault: TrainingFault, on: bool) -> None:
        """Switch one trainee fault on or off, in the emulator that has it (the reader slot,
        the chip's answers, the printer's status): the counter meets it as it meets a real one."""
        transport = self.transport
        if fault is TrainingFault.CARD_PULLED:
            transport.pull_at_next_write = on
        elif fault is TrainingFault.WRITE_IGNORED:
            transport.ignore_writes = on
        elif fault is TrainingFault.PAPER_OUT:
            self.emulator.set_state(paper_out=on)
        elif fault is TrainingFault.PRINTER_OFFLINE:
            self.emulator.set_state(offline=on)
        elif fault is TrainingFault.READER_UNPLUGGED:
            transport.unplugged = on
            self._changed()  # a reader unplugged (or back) has lost its card session
        else:  # pragma: no cover - every member is handled above
            raise ValueError(fault)

    def faults(self) -> frozenset[TrainingFault]:
        """The faults on now (a pulled card is off again once it was pulled)."""
        transport, emulator = self.transport, self.emulator
        on = {
            TrainingFault.CARD_PULLED: transport.pull_at_next_write,
            TrainingFault.WRITE_IGNORED: transport.ignore_writes,
            TrainingFault.PAPER_OUT: emulator.paper_out,
            TrainingFault.PRINTER_OFFLINE: emulator.offline,
            TrainingFault.READER_UNPLUGGED: transport.unplugged,
        }
        return frozenset(fault for fault, active in on.items() if active)

    def paper(self) -> str:
        """What the emulated printer has printed so far, as text."""
        return self.emulator.transcript()

    def paper_length(self) -> int:
        """How many lines and marks are on the paper (cheap: tells when to refresh a preview)."""
        return self.emulator.printed_count

    @property
    def paper_columns(self) -> int:
        """Characters per line of the emulated paper (font A is 12 dots wide)."""
        return self.emulator.width_dots // 12

    def close(self) -> None:
        self.emulator.stop()


@dataclass
class Devices:
    """The counter's devices behind their ports; None: not configured."""

    reader: CardReader | None = None
    printer: ReceiptPrinter | None = None
    training: TrainingDevices | None = None

    def close(self) -> None:
        from app.devices.detect import CardSlot

        if isinstance(self.reader, CardSlot):  # its makers' host processes end with it
            self.reader.close()
        if self.training is not None:
            self.training.close()


def training_devices(key: CardKey, data_dir: Path | None = None) -> Devices:
    """Emulated reader and printer for 培训模式 (and for the UI tests). With ``data_dir`` (the
    counter's data folder) the reader also takes the training maker's cards, where gcc can
    build the maker double into ``data_dir / "makers"``; without gcc the GasDesk card only,
    and the log says why."""
    from app.devices.escpos.emulator import EscposEmulator
    from app.devices.sle4442 import Sle4442

    transport = ChipTransport(Sle4442.blank())
    transport.present = False
    emulator = EscposEmulator()
    port = emulator.start()
    printer = printer_from_config(
        {"type": "network", "host": "127.0.0.1", "port": port, "profile": "通用80mm中文"}
    )
    chip_reader = GasCardReader(transport, key)
    training = TrainingDevices(transport, emulator, key)
    reader: CardReader = chip_reader
    if data_dir is not None:
        try:
            training.maker, driver = training_maker(Path(data_dir) / "makers")
        except Exception as error:  # no gcc, a build that failed: the GasDesk card only
            from app.errors import GasDeskError

            said = error.user_message if isinstance(error, GasDeskError) else str(error)
            training.maker_unavailable = f"培训模式不提供厂家卡：{said}"
            log.warning("training offers the GasDesk card only: %s (%s)", said, error)
        else:
            from app.devices.detect import CardSlot

            reader = CardSlot([chip_reader, driver])
    training.reader = reader
    return Devices(reader, printer, training)


def training_maker(base: Path) -> tuple[TrainingMakerCard, CardReader]:
    """The training maker: the double built into ``base`` (gcc), its host reading the slot
    ``base / "slot"`` (``GASDESK_MAKER_DOUBLE_DIR`` in the host's environment), its driver."""
    from app.devices.makers.client import MakerHost
    from app.devices.makers.config import maker_from
    from app.devices.makers.double import ENV_DIR, DoubleSlot, build
    from app.devices.makers.driver import InterfaceCardDriver

    library = build(base / "lib", TRAINING_MAKER_CODE)
    slot_dir = base / "slot"
    slot = DoubleSlot(slot_dir, TRAINING_MAKER_PORT)
    slot.remove()  # the reader starts empty, as the chip's does
    slot.clear_faults()
    config = maker_from(
        {
            "code": TRAINING_MAKER_CODE,
            "name": TRAINING_MAKER_NAME,
            "library": str(library),
            "key_seed": TRAINING_MAKER_SEED,
            "timeout": 20,
        },
        {"port": TRAINING_MAKER_PORT},
    )
    # the slot dir is set before the host starts (its library reads it); the double is built
    # for this interpreter, never for the 32-bit host Python of makers' DLLs
    host = MakerHost.for_maker(config, python=None, env={ENV_DIR: str(slot_dir)})
    maker = TrainingMakerCard(
        config.code,
        config.name,
        slot,
        DoubleSlot(slot_dir / "meter", TRAINING_MAKER_PORT),
        config.key_seed,
    )
    return maker, InterfaceCardDriver(config, host)


def devices_for_hall(config: LocalConfig, ctx: Context) -> Devices:
    """``devices_from_config`` with the hall's card makers from its settings (none in training
    and demo mode: their cards are the emulators')."""
    from app.services.administration import card_makers

    makers = () if config.mode.emulated else card_makers(ctx)
    return devices_from_config(config, makers)


def maker_drivers(config: LocalConfig, makers: Sequence[Mapping[str, object]]) -> list[CardReader]:
    """The drivers of the hall's card makers (common interface), in the hall's order, with this
    counter's ``[makers.<code>]`` port and baud rate; a maker that cannot be set up is left out
    with a warning (its cards are then "unknown" at this counter)."""

    from app.devices.makers.client import MakerHost
    from app.devices.makers.config import counter_maker
    from app.devices.makers.driver import InterfaceCardDriver

    drivers: list[CardReader] = []
    for entry in makers:
        try:
            maker = counter_maker(entry, config.extra)
            drivers.append(InterfaceCardDriver(maker, MakerHost.for_maker(maker)))
        except Exception as error:  # a bad entry must not take the other makers down
            log.warning("card maker %r not available: %s", entry.get("code"), error)
    return drivers


def devices_from_config(
    config: LocalConfig, makers: Sequence[Mapping[str, object]] = ()
) -> Devices:
    """Training and demo mode (or ``emulated_devices`` in config.toml): the emulators.
    Otherwise the configured reader and printer, each left out (with a warning) when it cannot
    be set up. With card makers configured for the hall (``makers``: the hall settings' list),
    the card port is a slot asking GasDesk format v1 first, then each maker in order."""
    from app.cardkey import load_card_key

    if config.mode.emulated or config.extra.get("emulated_devices"):
        # a training key (utility TRNG) even outside training mode: emulated cards never pass
        # as real ones
        key = load_card_key(dataclasses.replace(config, training=True))
        # training mode offers the training maker's card too (the demo hall: GasDesk cards)
        return training_devices(key, config.data_dir if config.training else None)
    devices = Devices()
    reader_name = config.extra.get("reader")
    if reader_name:
        family = str(config.extra.get("card_family", GasCardReader.family))
        try:
            from app.devices.pcsc import PcscTransport

            key = load_card_key(config)
            transport = PcscTransport(str(reader_name))
            try:
                devices.reader = card_reader(family, transport, key)
            except Exception:
                transport.close()
                raise
        except Exception as error:  # no key, no pyscard, no driver: work without a reader
            log.warning("card reader %r not available: %s", reader_name, error)
    drivers = maker_drivers(config, makers)
    if drivers:
        from app.devices.detect import CardSlot

        own = [devices.reader] if devices.reader is not None else []
        devices.reader = CardSlot([*own, *drivers])
    printer = config.extra.get("printer")
    if isinstance(printer, dict):
        try:
            devices.printer = printer_from_config(printer)
        except Exception as error:  # a bad [printer] table: receipts wait in the queue
            log.warning("receipt printer not available: %s", error)
    return devices
