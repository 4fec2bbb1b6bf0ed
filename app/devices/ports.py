"""The two device ports of a counter: a card reader and a receipt printer.

``app.counter`` talks to these protocols only; the implementations are named after their
technology (``GasCardReader`` over PC/SC or an in-process chip, ``EscposReceiptPrinter`` over
USB, serial, TCP or the ESC/POS emulator). Card families are registered by name in
``CARD_DRIVERS`` (``app.devices.cards``): the next drivers (makers' cards through the 2012
common interface) plug in there behind the same ``CardReader`` port.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Protocol

from app.vocabulary import PrinterState

if TYPE_CHECKING:
    from app.devices.cardreader import CardRead
    from app.documents.receipts import Receipt
    from app.domain.cardformat import CardKey


class CardReader(Protocol):
    """One reader slot with the driver of one card family.

    ``lock`` is held by the counter for a whole card operation (read, settle, write, read-back)
    so that a background poll never interleaves with a sale.
    """

    family: str  # the driver's name in CARD_DRIVERS, e.g. "sle4442"
    key: CardKey
    lock: threading.RLock

    def read(self) -> CardRead: ...

    def card_token(self) -> tuple[bool, object] | None:
        """(card present, which insertion) without talking to the card; None: cannot tell.
        Raises ReaderUnplugged (or NoReader) when the reader itself is gone."""
        ...

    def forget(self) -> None:
        """The card left the slot: the next operation connects afresh."""
        ...

    def require_unlockable(self, read: CardRead) -> None: ...

    def write(self, read: CardRead, new_memory: bytes) -> None: ...

    def issue(self, read: CardRead, new_memory: bytes, serial: str) -> None: ...

    def finish_issue(self, read: CardRead, new_memory: bytes, serial: str) -> str: ...


class ReceiptPrinter(Protocol):
    """A receipt printer: its state, and one receipt printed or a ``PrinterFault`` raised."""

    name: str

    @property
    def columns(self) -> int: ...

    def state(self) -> PrinterState: ...

    def print_receipt(self, receipt: Receipt) -> int:
        """Print one receipt; the bytes sent. Raises PrinterFault (with its ``reason``)."""
        ...
