"""The two device ports of a counter: a card reader and a receipt printer.

``app.counter`` talks to these protocols only; the implementations are named after their
technology (``GasCardReader`` over PC/SC or an in-process chip, ``EscposReceiptPrinter`` over
USB, serial, TCP or the ESC/POS emulator). Card drivers: GasDesk format v1 (``GasCardReader``)
and the makers' cards through the 2012 common interface (``app.devices.makers.driver``), asked
in the hall's order by ``app.devices.detect.CardSlot`` (docs/card-drivers.md).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Protocol

from app.vocabulary import CardClaim, PrinterState, ToolCardKind

if TYPE_CHECKING:
    from app.devices.cardreader import CardRead
    from app.documents.receipts import Receipt
    from app.domain.cards import CardImage, CardIssue
    from app.domain.toolcards import ToolCardImage, ToolCardOrder


class CardKeys(Protocol):
    """Where the per-card keys some makers return after a write are kept (never in logs)."""

    def key_for(self, maker: str, serial: str) -> str | None: ...

    def remember(self, maker: str, serial: str, key: str) -> None: ...


class CardReader(Protocol):
    """One reader slot with the driver of one card family (or a slot asking several drivers,
    ``app.devices.detect.CardSlot``): the card port of a counter.

    ``lock`` is held by the counter for a whole card operation (read, settle, write, read-back)
    so that a background poll never interleaves with a sale. Volumes are 0.01 m³.
    """

    maker: str  # the maker code accounts record for cards of this driver ("gasdesk": format v1)
    lock: threading.RLock

    def claims(self) -> CardClaim:
        """Whose card is in the slot, asked without presenting any password."""
        ...

    def read(self) -> CardRead: ...

    def card_token(self) -> tuple[bool, object] | None:
        """(card present, which insertion) without talking to the card; None: cannot tell.
        Raises ReaderUnplugged (or NoReader) when the reader itself is gone."""
        ...

    def forget(self) -> None:
        """The card left the slot: the next operation connects afresh."""
        ...

    def use_keys(self, keys: CardKeys) -> None:
        """Where per-card keys are kept (drivers without them ignore it)."""
        ...

    def require_unlockable(self, read: CardRead) -> None: ...

    def write_gas(self, read: CardRead, *, purchase_count: int, pending_volume: int) -> None:
        """A purchase or supplement (``pending_volume`` > 0) or a refund (0) onto the card."""
        ...

    def issue_card(self, read: CardRead, issue: CardIssue) -> CardImage:
        """A blank (or maker's new) card becomes an account's card; the image it now holds."""
        ...

    def unfinished_issue(self, read: CardRead) -> tuple[str, str]:
        """(card serial, account number) a card whose issue stopped half-way carries."""
        ...

    def finish_issue_card(self, read: CardRead, issue: CardIssue) -> str:
        """Complete an issue that stopped half-way (``read.unfinished``); how its PSC was
        known (format v1: ``GasCardReader.finish_issue``)."""
        ...

    def format_card(self, read: CardRead) -> None:
        """Turn the account's card back into a blank (new) card of its maker."""
        ...

    def tool_kinds(self) -> frozenset[ToolCardKind]:
        """The tool cards (工具卡) this driver can make (empty: none; its maker's tool cards are
        still read: ``read`` returns one with ``tool`` and ``tool_card``)."""
        ...

    def make_tool_card(self, read: CardRead, order: ToolCardOrder) -> ToolCardImage:
        """The blank card read (or a tool card whose making stopped half-way) becomes the tool
        card ``order`` describes; what it now carries. NotSupportedByCard (Chinese message)
        for a kind the driver cannot make."""
        ...


class ReceiptPrinter(Protocol):
    """A receipt printer: its state, and one receipt printed or a ``PrinterFault`` raised."""

    name: str

    @property
    def columns(self) -> int: ...

    def state(self) -> PrinterState: ...

    def print_receipt(self, receipt: Receipt) -> int:
        """Print one receipt; the bytes sent. Raises PrinterFault (with its ``reason``)."""
        ...
