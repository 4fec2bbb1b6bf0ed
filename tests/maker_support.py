"""A counter slot with GasDesk format v1 and two makers' cards (the C double through the host).

Maker "xfa" is the plain interface; maker "qcb" has the known header drift (yhh in WriteGasCard,
prices by pointer) and a new key after every write. Both libraries are compiled by gcc from
``app/devices/makers/double/maker_double.c``; their cards live in ``<slot dir>/com3.card``.
"""

from __future__ import annotations

from pathlib import Path

from app.counter.cards import CardOperations
from app.devices.cardreader import ChipTransport, GasCardReader
from app.devices.detect import CardSlot
from app.devices.makers.client import MakerHost
from app.devices.makers.config import maker_from
from app.devices.makers.double import DoubleSlot, build
from app.devices.makers.driver import InterfaceCardDriver
from app.devices.sle4442 import Sle4442
from tests.card_support import KEY

PORT = 3
MARKS = {"xfa": "A", "qcb": "B"}  # GasDesk's maker code → the mark the double's card carries
SEEDS = {"xfa": "FACTORY-A", "qcb": "FACTORY-B"}


def build_libraries(base: Path) -> dict[str, Path]:
    """The two makers' libraries (cached by gcc's inputs)."""
    return {
        "xfa": build(base / "xfa", "A"),
        "qcb": build(
            base / "qcb", "B", yhh_in_write=True, price_by_ptr=True, new_key_each_write=True
        ),
    }


def maker_entries(libraries: dict[str, Path]) -> list[dict[str, object]]:
    """The hall settings' list of makers, as an administrator enters it."""
    return [
        {
            "code": "xfa",
            "name": "先锋（测试）",
            "library": str(libraries["xfa"]),
            "key_seed": SEEDS["xfa"],
            "dqdm": "9A01",
            "czsx": 500,
            "messages": {"-150": "表具已锁定（厂家代码）"},
        },
        {
            "code": "qcb",
            "name": "秦川（测试）",
            "library": str(libraries["qcb"]),
            "key_seed": SEEDS["qcb"],
            "dqdm": "9A02",
            "yhh_in_write": True,
            "price_by_ptr": True,
        },
    ]


class CountingChipTransport(ChipTransport):
    """The in-process SLE4442 slot, counting the PSC presentations sent to the chip."""

    def __init__(self, chip):  # type: ignore[no-untyped-def]
        super().__init__(chip)
        self.psc_presented = 0

    def transmit(self, apdu: bytes) -> bytes:
        if len(apdu) > 1 and apdu[1] == 0x20:
            self.psc_presented += 1
        return super().transmit(apdu)


class MakerStation:
    """One counter's slot: format v1 (in-process chip) first, then maker xfa, then qcb."""

    def __init__(self, libraries: dict[str, Path], slot_dir: Path, *, timeout: float = 20.0):
        self.transport = CountingChipTransport(Sle4442.blank())
        self.transport.present = False
        self.v1 = GasCardReader(self.transport, KEY)
        self.hosts: dict[str, MakerHost] = {}
        self.drivers: dict[str, InterfaceCardDriver] = {}
        for entry in maker_entries(libraries):
            config = maker_from({**entry, "timeout": timeout}, {"port": PORT})
            host = MakerHost(Path(config.library), timeout=config.timeout)
            self.hosts[config.code] = host
            self.drivers[config.code] = InterfaceCardDriver(config, host)
        self.slot = CardSlot([self.v1, *self.drivers.values()])
        self.double = DoubleSlot(slot_dir, PORT)

    def insert_new(self, maker: str) -> None:
        """A formatted new card of ``maker`` (its factory seed as key)."""
        self.remove()
        self.double.insert_new(MARKS[maker], key=SEEDS[maker])

    def insert_card(self, data: bytes) -> None:
        """Put a maker's card back (what ``take_out`` returned)."""
        self.remove()
        self.double.insert_file(data)

    def insert_chip(self, chip: Sle4442) -> None:
        self.remove()
        self.transport.chip = chip
        self.transport.present = True

    def take_out(self) -> bytes | None:
        """Take the maker's card out of the slot (to carry it to the meter or back)."""
        return self.double.remove()

    def remove(self) -> None:
        self.double.remove()
        self.transport.present = False
        self.slot.forget()

    def counter(self, ctx) -> CardOperations:  # type: ignore[no-untyped-def]
        return CardOperations(ctx, self.slot)

    @property
    def calls(self) -> int:
        return sum(host.calls for host in self.hosts.values())

    def close(self) -> None:
        self.slot.close()
