"""Counter operations of a meter replacement (换表): the quote, the replacement with the new
meter's card issued on the blank card in the reader (and, in one go, the first carry-over
instalment), later carry-over instalments (写换表补气) on the card, and the reversal.

Card writes go through the card port exactly like sales (``CardOperations``, docs/sale-
protocol.md): the instalment is committed with a PENDING card write, written through the
card's driver (format v1 or a maker's card through the 2012 interface), and settled by the
card's purchase count when the write failed or the counter died. Runs on a worker thread.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass

from app.context import Context
from app.counter.cards import (
    CardOperations,
    EarlierSaleCompleted,
    SaleOnCard,
    SaleVoided,
    reading_of,
)
from app.domain.cards import GASDESK_MAKER
from app.errors import RuleViolation
from app.services.actor import Actor
from app.services.meters import (
    CarryOverRequest,
    MeterReplaced,
    ReplacementFigures,
    ReplacementReversed,
    ReplaceMeterRequest,
    ReverseReplacementRequest,
    carry_over_of,
    replace_meter,
    replacement_quote,
    reverse_meter_replacement,
    write_carry_over,
)
from app.vocabulary import CardWriteOutcome, TransactionKind


@dataclass(frozen=True)
class MeterReplacedOnCard:
    """A replacement with its new card issued, and the carry-over written with it (if any)."""

    replaced: MeterReplaced
    carry_over: SaleOnCard | None
    carry_over_remaining: int  # still to write on later visits (0.01 m³)

    @property
    def transaction_ids(self) -> tuple[int, ...]:
        """Every receipt, in order: overdrawn sale, replacement, first instalment."""
        extra = (self.carry_over.sale.transaction_id,) if self.carry_over else ()
        return (*self.replaced.transaction_ids, *extra)


def first_instalment_id(request_id: uuid.UUID) -> uuid.UUID:
    """The request id of the instalment written with the new card (a retry finds it)."""
    return uuid.uuid5(request_id, TransactionKind.CARRY_OVER)


class MeterOperations:
    """换表 at one counter, on its card reader (through ``CardOperations``)."""

    def __init__(self, ctx: Context, cards: CardOperations):
        self.ctx = ctx
        self.cards = cards

    def quote(
        self,
        actor: Actor,
        account_no: str,
        final_reading: int | None,
        customer_at_fault: bool,
        tool_card_return_id: int | None = None,
    ) -> ReplacementFigures:
        """Used, bought, carry-over, overdrawn and fees at ``final_reading`` (nothing written)."""
        return replacement_quote(
            self.ctx, actor, account_no, final_reading, customer_at_fault, tool_card_return_id
        )

    def replace(
        self,
        actor: Actor,
        req: ReplaceMeterRequest,
        carry_over_now: int = 0,
        reuse_card: bool = False,
    ) -> MeterReplacedOnCard:
        """Record the replacement, issue the blank card in the reader as the new meter's card
        (count 0), then write ``carry_over_now`` of the carry-over onto it (count 1). With
        ``reuse_card`` the account's own card in the reader is formatted and issued again
        instead (a maker's card; format v1 cards cannot be made blank). Safe to repeat with the
        same request after a failure: the replacement replays, a card already formatted or
        issued is taken as it is, the instalment replays."""
        with self.cards.reader.lock:
            maker, formats = self._card_to_issue(actor, req, reuse_card)
            replaced = replace_meter(
                self.ctx,
                actor,
                dataclasses.replace(req, new_card_maker=maker, first_instalment=carry_over_now),
            )
            if formats:  # the old card is retired now: it may be formatted
                self.cards.format_card(actor)
            self.cards.issue(actor, req.account_no)
            written = None
            if carry_over_now:
                written = self._write(actor, first_instalment_id(req.request_id), carry_over_now)
            remaining = carry_over_of(self.ctx, actor, req.account_no)
        return MeterReplacedOnCard(replaced, written, remaining)

    def _card_to_issue(
        self, actor: Actor, req: ReplaceMeterRequest, reuse_card: bool
    ) -> tuple[str, bool]:
        """The maker of the card the new meter gets, and whether it is to be formatted first
        (the account's own card, re-initialised)."""
        issuing = (req.new_card_serial or "").strip().upper()
        if reuse_card:
            at = self.cards.read(actor)
            if at.settlement is not None:  # an interrupted write was just decided: clerk first
                if at.settlement.outcome == CardWriteOutcome.VOIDED:
                    raise SaleVoided(at.settlement)
                raise EarlierSaleCompleted(at.settlement)
            if at.image is not None and at.image.serial != issuing:
                if at.image.account_no != req.account_no:
                    raise RuleViolation(
                        "读卡器中的卡不是该户的卡", f"card {at.image.serial} in the reader"
                    )
                if at.maker == GASDESK_MAKER:
                    raise RuleViolation(
                        "本公司格式的燃气卡不能重新初始化，请放入空白卡为新表发新卡",
                        "format v1 cards cannot be formatted",
                    )
                return at.maker, True
        # a blank card, or the new card this replacement issued already (a retry)
        return self.cards.require_blank(actor, req.new_card_serial, "new_card_serial"), False

    def write_carry_over(self, actor: Actor, request_id: uuid.UUID, volume: int) -> SaleOnCard:
        """写换表补气: ``volume`` of the remaining carry-over onto the card in the reader."""
        with self.cards.reader.lock:
            return self._write(actor, request_id, volume)

    def _write(self, actor: Actor, request_id: uuid.UUID, volume: int) -> SaleOnCard:
        read = self.cards.fresh_read(actor)
        self.cards.require_count_rule(read)
        result = write_carry_over(
            self.ctx,
            actor,
            CarryOverRequest(
                request_id,
                read.image.serial,
                volume,
                card=reading_of(read.image),
                writes_card=True,
            ),
        )
        return self.cards.write_then_complete(actor, read, result)

    def remaining(self, actor: Actor, account_no: str) -> int:
        """The carry-over still to write for the account (0.01 m³)."""
        return carry_over_of(self.ctx, actor, account_no)

    def reverse(self, actor: Actor, req: ReverseReplacementRequest) -> ReplacementReversed:
        """撤销换表 (no card is touched: the new card is blacklisted, the old one active again)."""
        return reverse_meter_replacement(self.ctx, actor, req)
