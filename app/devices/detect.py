"""The counter's card slot: whose card is in the reader, asked of each configured driver.

A hall configures its card drivers in order (GasDesk format v1 and each maker through the 2012
common interface, ``app.devices.makers``). When a card is read, every driver is asked in that
order whether the card is its own, without any password presentation (format v1: the ATR and the
header; an interface maker: ``CheckGasCard``). The first that claims it reads it and later
writes it; a tool card is reported as a tool card; a card nobody claims is refused with "unknown
card" before any driver has presented a PSC to it. The slot is itself a ``CardReader``, so the
counter's card workflows do not know how many drivers there are.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from app.devices.cardreader import (
    CardRead,
    CardReaderError,
    NoCard,
    ReaderUnplugged,
    UnknownCard,
)
from app.devices.ports import CardKeys, CardReader
from app.domain.cards import CardImage, CardIssue
from app.domain.toolcards import ToolCardImage, ToolCardOrder
from app.vocabulary import CardClaim, ToolCardKind

log = logging.getLogger(__name__)

UNKNOWN_CARD_MESSAGE = "无法识别此卡：不是本厅已配置厂家的燃气卡（未知卡或未配置的厂家）"


class CardSlot:
    """One reader slot asking ``drivers`` in order; implements the ``CardReader`` port."""

    maker = "slot"

    def __init__(self, drivers: Sequence[CardReader]):
        if not drivers:
            raise ValueError("a card slot needs at least one driver")
        makers = [driver.maker for driver in drivers]
        if len(set(makers)) != len(makers):
            raise ValueError(f"two drivers for one maker: {makers}")
        self.drivers = tuple(drivers)
        # one card operation at a time across every driver of the slot
        self.lock = threading.RLock()
        self.claimed: list[tuple[str, CardClaim]] = []  # the last detection's answers, in order

    def driver(self, maker: str) -> CardReader:
        """The driver of ``maker`` (UnknownCard when the hall has none configured)."""
        for driver in self.drivers:
            if driver.maker == maker:
                return driver
        raise UnknownCard(UNKNOWN_CARD_MESSAGE, f"no driver for maker {maker!r}")

    def detect(self) -> tuple[CardReader, CardClaim]:
        """The driver owning the card in the slot and what it is (card or tool card).

        NoCard when every driver sees no card; UnknownCard when a card is there but no driver
        claims it. Only claims are asked: nothing here presents a password.
        """
        with self.lock:
            answers: list[tuple[str, CardClaim]] = []
            failures: list[CardReaderError] = []
            self.claimed = answers
            for driver in self.drivers:
                try:
                    claim = driver.claims()
                except ReaderUnplugged:
                    raise
                except CardReaderError as error:
                    # one maker's library or port failing must not stop the others' cards
                    log.warning("card driver %s could not answer: %s", driver.maker, error)
                    failures.append(error)
                    continue
                answers.append((driver.maker, claim))
                if claim in (CardClaim.CARD, CardClaim.TOOL):
                    return driver, claim
            if failures:
                raise failures[0]  # the card may be the failing maker's: say what failed
            if all(claim is CardClaim.NO_CARD for _maker, claim in answers):
                raise NoCard("请插入燃气卡", "no driver sees a card")
            raise UnknownCard(UNKNOWN_CARD_MESSAGE, f"claims: {answers}")

    def claims(self) -> CardClaim:
        try:
            return self.detect()[1]
        except NoCard:
            return CardClaim.NO_CARD
        except UnknownCard:
            return CardClaim.NOT_MINE

    def read(self) -> CardRead:
        with self.lock:
            driver, _claim = self.detect()
            return driver.read()

    def card_token(self) -> tuple[bool, object] | None:
        """The first driver that sees a card tells which; None when one cannot tell."""
        seen: tuple[bool, object] | None = (False, None)
        for driver in self.drivers:
            try:
                token = driver.card_token()
            except ReaderUnplugged:
                raise
            except CardReaderError as error:  # one maker's library failing: the poll reads
                log.warning("card driver %s cannot tell presence: %s", driver.maker, error)
                token = None
            if token is None:
                seen = None
            elif token[0]:
                return token  # each driver's own token (an insertion, or its maker code)
        return seen

    def forget(self) -> None:
        for driver in self.drivers:
            driver.forget()

    def close(self) -> None:
        """End the drivers' host processes (makers' libraries)."""
        for driver in self.drivers:
            close = getattr(driver, "close", None)  # only makers' drivers hold a process
            if close is not None:
                close()

    def use_keys(self, keys: CardKeys) -> None:
        for driver in self.drivers:
            driver.use_keys(keys)

    # every operation on a card read goes to the driver that read it
    def require_unlockable(self, read: CardRead) -> None:
        self.driver(read.maker).require_unlockable(read)

    def write_gas(self, read: CardRead, *, purchase_count: int, pending_volume: int) -> None:
        self.driver(read.maker).write_gas(
            read, purchase_count=purchase_count, pending_volume=pending_volume
        )

    def issue_card(self, read: CardRead, issue: CardIssue) -> CardImage:
        return self.driver(read.maker).issue_card(read, issue)

    def unfinished_issue(self, read: CardRead) -> tuple[str, str]:
        return self.driver(read.maker).unfinished_issue(read)

    def finish_issue_card(self, read: CardRead, issue: CardIssue) -> str:
        return self.driver(read.maker).finish_issue_card(read, issue)

    def format_card(self, read: CardRead) -> None:
        self.driver(read.maker).format_card(read)

    def tool_kinds(self) -> frozenset[ToolCardKind]:
        """What the driver of the card in the slot can make; with no card, what any can."""
        with self.lock:
            try:
                driver, _claim = self.detect()
            except NoCard:
                kinds: frozenset[ToolCardKind] = frozenset()
                for each in self.drivers:
                    kinds |= each.tool_kinds()
                return kinds
            return driver.tool_kinds()

    def make_tool_card(self, read: CardRead, order: ToolCardOrder) -> ToolCardImage:
        return self.driver(read.maker).make_tool_card(read, order)
