"""工具卡 at the counter: make a tool card for a technician and a meter, and read one back.

Making joins the card port and the services in this order: check the request (kind, meter,
technician, reason: refused before anything is written), read the card, write the tool card
through the card's driver, and only then record the issue (``issue_tool_card``). No row ever
claims a card that was not made. A card pulled mid-write is left half made: retried (same
request id, or a new one) the read finds it, the driver finishes it as the tool card it started
(its number stays) and the issue is recorded then; a card made whose record did not commit is
recorded by the retry without being written again. A maker whose library cannot make tool cards
(the 2012 interface) has its own tool software make them: such a card put in the reader is
recorded the same way. Reading back records what the card brought from the meter. Runs on a
worker thread, never on the GUI thread.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from app.context import Context
from app.counter.cards import _one_at_a_time
from app.devices.cardreader import CardRead, CardReaderError
from app.devices.ports import CardReader
from app.domain import cardformat
from app.domain.toolcards import ToolCardImage, ToolCardOrder
from app.errors import RuleViolation
from app.services.actor import Actor
from app.services.tool_cards import (
    IssueToolCardRequest,
    ToolCardBack,
    ToolCardView,
    check_tool_card,
    issue_tool_card,
    outstanding_tool_cards,
    record_tool_card_return,
)
from app.vocabulary import ToolCardKind

NOT_BLANK = "请放入一张空白卡制作工具卡"


def tool_serial(request_id: uuid.UUID) -> str:
    """The number a new tool card carries: "T" and 11 hex digits of its request id (a retry
    of the request makes the same number; it fits format v1's 12 bytes)."""
    return "T" + request_id.hex[:11].upper()


@dataclass(frozen=True)
class ToolCardMade:
    """A tool card issued: its record, and whether this call wrote the card (False: the card
    was already made, by an interrupted try or by its maker's tool software)."""

    issued: ToolCardView
    written: bool


class ToolCardOperations:
    """The tool-card workflows of one counter's card port."""

    def __init__(self, ctx: Context, reader: CardReader):
        self.ctx = ctx
        self.reader = reader

    def kinds(self) -> tuple[ToolCardKind, ...]:
        """The tool cards the card in the reader can become, in the hall's order: what its
        driver can make (no card: any driver's); for an unused tool card made elsewhere (by its
        maker's tool software), the kind it carries (any, when the card cannot tell)."""
        with self.reader.lock:
            can = self.reader.tool_kinds()
            if not can:
                try:
                    made = self.reader.read().tool_card
                except CardReaderError:
                    made = None
                if made is not None and not made.used:
                    can = (
                        frozenset(ToolCardKind) if made.kind is ToolCardKind.OTHER else {made.kind}
                    )
        return tuple(
            kind for kind in ToolCardKind if kind in can and kind is not ToolCardKind.OTHER
        )

    @_one_at_a_time
    def make(
        self,
        actor: Actor,
        request_id: uuid.UUID,
        *,
        kind: ToolCardKind,
        meter_no: str,
        technician: str,
        reason: str,
        parameters: Mapping[str, int] | None = None,
    ) -> ToolCardMade:
        """Make the tool card on the blank card in the reader and record its issue."""
        draft = IssueToolCardRequest(
            request_id=request_id,
            serial=tool_serial(request_id),
            maker="pending",  # the card's maker is known once it is read
            kind=kind,
            meter_no=meter_no,
            technician=technician,
            reason=reason,
            parameters=dict(parameters or {}),
        )
        check_tool_card(self.ctx, actor, draft)  # refused here: nothing is written
        read = self.reader.read()
        # the request as checked by the service (numbers normalised the way it stores them)
        order = ToolCardOrder(draft.serial, kind, meter_no.strip().upper(), draft.parameters)
        made, written = self._card_for(read, order)
        req = dataclasses.replace(draft, serial=made.serial, maker=read.maker)
        return ToolCardMade(issue_tool_card(self.ctx, actor, req), written)

    def _card_for(self, read: CardRead, order: ToolCardOrder) -> tuple[ToolCardImage, bool]:
        """The tool card ``order`` asks, made on the card read (or already on it)."""
        if read.tool_card is not None:
            if not read.tool_card.fulfils(order):
                used = "已使用过，" if read.tool_card.used else ""
                raise cardformat.WrongCardType(
                    f"读卡器中是{read.tool_card.kind.label}（{read.tool_card.serial}），"
                    f"{used}不能作为本次的工具卡，{NOT_BLANK}",
                    f"tool card {read.tool_card} does not fulfil {order}",
                )
            return read.tool_card, False  # made before: its issue is what is missing
        if read.unfinished is not None and read.tool is not None:
            # a tool card whose making stopped half-way: finished with the number it carries
            serial, _ = self.reader.unfinished_issue(read)
            order = ToolCardOrder(serial, order.kind, order.meter_no, order.parameters)
        elif not read.blank:
            raise cardformat.WrongCardType(NOT_BLANK, "not a blank card")
        # a driver refuses a kind it cannot make (NotSupportedByCard, in its own words)
        return self.reader.make_tool_card(read, order), True

    @_one_at_a_time
    def read_back(self, actor: Actor) -> ToolCardView:
        """Read the tool card in the reader and record its return with what it brought back."""
        read = self.reader.read()
        if read.tool is None:
            raise cardformat.WrongCardType("读卡器中不是工具卡，请插入要归还的工具卡", "no tool")
        card = read.tool_card
        if card is None:
            raise RuleViolation(
                "此工具卡制作未完成（写卡中断），不能归还：请在“制作工具卡”中重新制作",
                "unfinished tool card",
            )
        back = ToolCardBack(card.serial, read.maker, card.kind, card.state)
        return record_tool_card_return(self.ctx, actor, back)

    def outstanding(self, actor: Actor) -> list[ToolCardView]:
        return outstanding_tool_cards(self.ctx, actor)
