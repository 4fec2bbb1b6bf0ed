"""A counter's card station for tests: the reader over the real PC/SC stack or in-process."""

from __future__ import annotations

import datetime as dt
import uuid

from app.counter.cards import CardOperations as CardCounter
from app.devices.cardreader import ChipTransport, GasCardReader
from app.devices.sle4442 import Sle4442
from app.domain import cardformat
from app.domain.cardformat import CardKey
from app.services.accounts import ContractInput, OpenAccountRequest
from tests.support import customer_input

KEY = CardKey(b"gasdesk-test-card-key-0000000001", b"CDRQ")
OTHER_UTILITY = CardKey(b"another-utility-card-key-0000002", b"XYRQ")
READER = "Virtual PCD 00 00"


class Station:
    """One reader slot; ``insert`` puts an emulated chip in it, ``remove`` pulls it out."""

    def __init__(self, kind: str, virtual_card=None):  # type: ignore[no-untyped-def]
        self.kind = kind
        self._make_card = virtual_card
        self.card = None
        if kind == "pcsc":
            from app.devices.pcsc import PcscTransport

            self.transport = PcscTransport(READER)
        else:
            self.transport = ChipTransport(Sle4442.blank())
            self.transport.present = False
        self.reader = GasCardReader(self.transport, KEY)

    def insert(self, chip: Sle4442, **faults) -> None:
        self.remove()
        if self.kind == "pcsc":
            from app.devices.pcsc import wait_for_card

            self.card = self._make_card(chip, **faults)
            self.card.insert()
            assert wait_for_card(READER, present=True), "pcscd did not see the card"
        else:
            self.transport.chip = chip
            self.transport.present = True

    def remove(self) -> None:
        if self.kind == "pcsc":
            if self.card is not None:
                from app.devices.pcsc import wait_for_card

                self.card.remove()
                self.card = None
                assert wait_for_card(READER, present=False), "pcscd did not see the removal"
        else:
            self.transport.present = False
        self.reader.forget()

    def counter(self, ctx) -> CardCounter:  # type: ignore[no-untyped-def]
        return CardCounter(ctx, self.reader)

    def close(self) -> None:
        self.remove()
        if self.kind == "pcsc":
            self.transport.close()


def opening_request(name: str = "张秀英", n: int = 1, **customer) -> OpenAccountRequest:
    return OpenAccountRequest(
        request_id=uuid.uuid4(),
        customer=customer_input(name, **customer),
        meter_no=f"18A{n:07d}",
        card_serial=f"SLE{n:07d}",
        contract=ContractInput(f"HT-2026-C{n:04d}", dt.date(2026, 3, 1)),
    )


def foreign_card() -> Sle4442:
    """A card issued by another utility (its own key and code)."""
    memory = cardformat.issued(
        Sle4442.blank().memory,
        OTHER_UTILITY,
        serial="XY00000001",
        account_no="9900000001",
        meter_no="XY-METER-1",
        purchase_count=3,
    )
    return Sle4442(memory, psc=OTHER_UTILITY.psc("XY00000001"))


# The APDUs of a card issue, in order (``GasCardReader.issue``): each is a place to interrupt it.
ISSUE_STEPS = (
    "present_factory",
    "data",
    "meter_area",
    "mac",
    "stage_changing",
    "change_psc",
    "stage_changed",
    "protect",
    "stage_done",
)
# The APDUs that finish an issue stopped in the unknown state with the factory PSC
# (``GasCardReader.finish_issue``): the chip is asked, refuses, and the issue goes on.
FINISH_STEPS = ("present_derived",) + ISSUE_STEPS[:1] + ISSUE_STEPS[4:]
_STAGES = {
    cardformat.STAGE_PSC_CHANGING: "stage_changing",
    cardformat.STAGE_PSC_CHANGED: "stage_changed",
    cardformat.STAGE_DONE: "stage_done",
}


def issue_step(apdu: bytes) -> str | None:
    """Which step of an issue (or of the finish of one) ``apdu`` is (None: a read, or a sale's
    write); a presentation of any other PSC than the factory one is ``present_derived``."""
    if len(apdu) < 5 or apdu[0] != 0xFF:
        return None
    ins, address = apdu[1], apdu[3]
    if ins == 0x20:
        return "present_factory" if apdu[5:8] == cardformat.FACTORY_PSC else "present_derived"
    if ins == 0xD2:
        return "change_psc"
    if ins == 0xD1:
        return "protect"
    if ins != 0xD0:
        return None
    if address == cardformat.ISSUE_STAGE:
        return _STAGES.get(apdu[5])
    return {
        0x04: "data",
        cardformat.ISSUE_STAGE + 1: "meter_area",
        cardformat.MAC.start: "mac",
    }.get(address)


class WatchedChip(Sle4442):
    """An SLE4442 that remembers every PSC presented to it: (right?, tries left before)."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.presented: list[tuple[bool, int]] = []

    def _present_psc(self, p1: int, p2: int, lc: int, body: bytes) -> bytes:
        self.presented.append((body == self._psc, self._tries_left))
        return super()._present_psc(p1, p2, lc, body)

    @property
    def wrong_presentations(self) -> int:
        return sum(1 for right, _ in self.presented if not right)
