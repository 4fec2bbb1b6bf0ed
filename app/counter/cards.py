"""Counter operations that touch the customer's card: read, sell, refund, supplement, issue,
open, replace, transfer and close with the card.

Each joins the card port (``app.devices.ports.CardReader``: format v1, a maker's card through
the 2012 interface, or the slot that asks each configured driver) and the services in the order
the crash-safe sale protocol needs (docs/sale-protocol.md): read the card and settle whatever
was left pending, commit the transaction as PENDING, write the card through its driver, then
record the write completed. A failure after the commit leaves the sale PENDING;
the next read of the card settles it by its purchase count. Runs on a worker thread, never on
the GUI thread.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import uuid
from dataclasses import dataclass

from app.context import Context
from app.devices.cardreader import CardRead, CardReaderError, CardTimeout, NoCard
from app.devices.ports import CardReader
from app.domain import cardformat
from app.domain.cards import GASDESK_MAKER, CardImage, CardIssue, CardReading, next_count
from app.domain.cash import Payment
from app.domain.takeover import TakeoverNeeded
from app.errors import GasDeskError, InvalidInput, NotFound, RuleViolation
from app.services import audit
from app.services.accounts import (
    CloseAccountRequest,
    OpenAccountRequest,
    OpenAccountResult,
    TransferRequest,
    close_account,
    open_account,
    transfer,
)
from app.services.actor import Actor, resolve_actor
from app.services.card_keys import card_key, remember_card_key
from app.services.card_writes import Settlement, complete_card_write, settle_card, write_state
from app.services.cards import (
    ReplaceCardRequest,
    check_formattable,
    record_formatted,
    replace_card,
)
from app.services.credentials import Credential
from app.services.limits import OverrideInput
from app.services.queries import (
    AccountView,
    account_view,
    cards_replaced_on_meter,
    gas_put_on_cards,
    last_gas_volume,
)
from app.services.sales import (
    GAS_WRITE_KINDS,
    PurchaseRequest,
    RefundRequest,
    SaleResult,
    SupplementRequest,
    purchase,
    refund,
    supplement,
)
from app.services.security import ApprovalInput
from app.services.takeovers import TakeoverRequest, TakeoverResult, take_over_card, takeover_due
from app.vocabulary import CardWriteOutcome, ToolCardKind

log = logging.getLogger(__name__)


class SaleUnsettled(GasDeskError):
    """The card write was interrupted and the card is not readable now: re-insert to settle."""

    code = "sale_unsettled"


class SaleVoided(GasDeskError):
    """The card write did not land: the sale was voided and the cash must be given back."""

    code = "sale_voided"

    def __init__(self, settlement: Settlement):
        amount = settlement.sale.amount_fen
        from app.domain.money import format_money

        message = (
            f"写卡未成功，本笔已作废，请退还客户 {format_money(amount)} 元"
            if amount > 0
            else "写卡未成功，本笔已作废"
        )
        super().__init__(message, f"transaction {settlement.sale.transaction_id} voided")
        self.settlement = settlement


class EarlierSaleCompleted(GasDeskError):
    """Reading the card completed an earlier, interrupted operation: print it, then go on."""

    code = "earlier_sale_completed"

    def __init__(self, settlement: Settlement):
        receipt = settlement.sale.receipt_no
        super().__init__(
            f"上一笔业务（凭证号 {receipt}）已按卡内数据确认完成，请打印凭证后再办理新业务",
            f"transaction {settlement.sale.transaction_id} completed by card read",
        )
        self.settlement = settlement


def reading_of(image: CardImage) -> CardReading:
    return image.reading()


@dataclass(frozen=True)
class CardAtCounter:
    """What the counter knows after reading the card in the reader."""

    image: CardImage | None  # None: a blank card (or a maker's new card, or a tool card)
    account: AccountView | None
    settlement: Settlement | None  # a pending write this read decided
    maker: str = GASDESK_MAKER
    tool: ToolCardKind | None = None  # a maker's tool card: nothing is sold on it
    taken_over: TakeoverResult | None = None  # an old system's card taken over by this read


class _StoredCardKeys:
    """The per-card keys of makers' cards, kept by the services (``card_keys``)."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def key_for(self, maker: str, serial: str) -> str | None:
        return card_key(self.ctx, maker, serial)

    def remember(self, maker: str, serial: str, key: str) -> None:
        if not remember_card_key(self.ctx, maker, serial, key):
            log.warning("a key returned by card %s of %s has no registered card", serial, maker)


@dataclass(frozen=True)
class SaleOnCard:
    sale: SaleResult
    settlement: Settlement


def _one_at_a_time(method):  # type: ignore[no-untyped-def]
    """Hold the reader for the whole operation (read, settle, write, read-back)."""

    @functools.wraps(method)
    def locked(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        with self.reader.lock:
            return method(self, *args, **kwargs)

    return locked


class CardOperations:
    """The card operations of one counter: one reader, one utility key."""

    def __init__(self, ctx: Context, reader: CardReader):
        self.ctx = ctx
        self.reader = reader
        reader.use_keys(_StoredCardKeys(ctx))

    def _read_card(self, actor: Actor) -> CardRead:
        """Read the card; a card whose issue stopped half-way is finished first, so every
        caller sees a blank or a properly issued card."""
        read = self.reader.read()
        if read.unfinished is None or read.tool is not None:
            return read  # a tool card half made is finished by the tool-card workflow only
        self._finish_issue(actor, read)
        return self.reader.read()

    def _finish_issue(self, actor: Actor, read: CardRead) -> None:
        serial, account_no = self.reader.unfinished_issue(read)
        try:
            issue = self._card_issue(actor, account_no, serial)
        except NotFound as error:
            raise RuleViolation(
                "此卡发卡未完成，且系统中没有与之对应的有效卡，请联系班长",
                f"unfinished card {serial!r} for {account_no!r}: {error}",
            ) from error
        psc_by = self.reader.finish_issue_card(read, issue)
        with self.ctx.unit_of_work() as session:
            resolve_actor(session, actor, "settle_card")
            event = audit.Event(
                "card_issue_completed",
                actor.user_id,
                actor.counter_id,
                ref=f"card:{serial}",
                data={
                    "account_no": account_no,
                    "evidence": "card_state",
                    "psc_found": read.unfinished,
                    "psc_asked": psc_by == "asked",
                    "psc_by": psc_by,
                },
            )
            audit.record(session, self.ctx, event)
            session.commit()
        log.info("unfinished issue of card %s finished (%s)", serial, read.unfinished)

    def _card_issue(self, actor: Actor, account_no: str, serial: str) -> CardIssue:
        """What the account's active card ``serial`` is issued with (NotFound if none): the
        account's purchase count and its unloaded last purchase carried forward."""
        view = account_view(self.ctx, actor, account_no)
        if view.summary.card_serial != serial:
            raise NotFound("该户没有此卡", f"{serial!r} is not the active card of {account_no}")
        return CardIssue(
            serial=serial,
            account_no=account_no,
            meter_no=view.summary.meter_no or "",
            purchase_count=view.purchase_count,
            pending_volume=last_gas_volume(self.ctx, account_no),
            cumulative_purchased=gas_put_on_cards(self.ctx, account_no),
            # the cards before this one on the same meter (a new meter's first card opens it)
            replacements=cards_replaced_on_meter(self.ctx, account_no),
        )

    def _read_and_settle(self, actor: Actor) -> tuple[CardRead, Settlement | None]:
        read = self._read_card(actor)
        if read.image is None:
            return read, None
        settlement = settle_card(self.ctx, actor, reading_of(read.image))
        return read, settlement

    @_one_at_a_time
    def read(self, actor: Actor) -> CardAtCounter:
        """Read the inserted card, settle any pending write of its account, load the account.

        An old system's card at its first visit is taken over first (接管): at once when its
        count and gas are the import's, else ``TakeoverNeeded`` with both figures (a team
        leader approves it through ``take_over``)."""
        read = self._read_card(actor)
        if read.image is None:
            return CardAtCounter(None, None, None, read.maker, read.tool)
        taken = self._take_over_if_due(actor, read.image)
        settlement = settle_card(self.ctx, actor, reading_of(read.image))
        view = account_view(self.ctx, actor, read.image.account_no)
        return CardAtCounter(read.image, view, settlement, read.maker, taken_over=taken)

    def _take_over_if_due(self, actor: Actor, image: CardImage) -> TakeoverResult | None:
        """The takeover of an imported card whose figures match (None: none was due)."""
        due = takeover_due(self.ctx, actor, reading_of(image), image.account_no or None)
        if due is None:
            return None
        if due.needs_approval:
            raise TakeoverNeeded(due)
        request = TakeoverRequest(
            uuid.uuid4(), image.serial, reading_of(image), account_no=image.account_no or None
        )
        return take_over_card(self.ctx, actor, request)

    @_one_at_a_time
    def take_over(
        self,
        actor: Actor,
        request_id: uuid.UUID,
        approval: Credential | None,
        reason: str | None,
    ) -> TakeoverResult:
        """接管 the old system's card in the reader with a team leader's approval and reason
        (its figures differ from the import, or its number was not on record)."""
        read = self._read_card(actor)
        if read.image is None:
            raise cardformat.BlankCard("这是一张空白卡，尚未发卡", "blank card")
        image = read.image
        request = TakeoverRequest(
            request_id,
            image.serial,
            reading_of(image),
            approval,
            reason,
            account_no=image.account_no or None,
        )
        return take_over_card(self.ctx, actor, request)

    @_one_at_a_time
    def settle_inserted(self, actor: Actor) -> Settlement | None:
        """After login: settle the write pending on a card left in the reader (None: no card,
        or nothing pending)."""
        try:
            _read, settlement = self._read_and_settle(actor)
        except NoCard:
            return None
        return settlement

    def _write_then_complete(self, actor: Actor, read: CardRead, result: SaleResult) -> SaleOnCard:
        state = write_state(self.ctx, result.transaction_id)
        if state != "pending":  # a retried submit of a sale already settled: never write again
            return self._settled(actor, result)
        if read.image.serial != result.card_serial:
            # a retried submit with another customer's card in the reader: never write it
            raise RuleViolation(
                f"读卡器中的卡不是本笔业务的卡（应为 {result.card_serial}），请插入正确的卡",
                f"{result.receipt_no} is for {result.card_serial}, read {read.image.serial}",
            )
        loads_gas = result.kind in GAS_WRITE_KINDS
        pending_volume = result.volume if loads_gas else 0
        try:
            self.reader.write_gas(
                read, purchase_count=result.purchase_count, pending_volume=pending_volume
            )
        except CardReaderError as error:
            log.warning("card write for %s failed: %s", result.receipt_no, error)
            return self._settle_after_failure(actor, result, error)
        settlement = complete_card_write(self.ctx, actor, result.transaction_id)
        return SaleOnCard(result, settlement)

    def _settled(self, actor: Actor, result: SaleResult) -> SaleOnCard:
        settlement = complete_card_write(self.ctx, actor, result.transaction_id)
        if settlement.outcome == CardWriteOutcome.VOIDED:
            raise SaleVoided(settlement)
        return SaleOnCard(result, settlement)

    def _settle_after_failure(
        self, actor: Actor, result: SaleResult, error: CardReaderError
    ) -> SaleOnCard:
        """Read the card once more: if it is still there its count settles the sale now.

        Not after a time-out: the card stopped answering, and asking it again would only make
        the clerk wait a second time-out before hearing what to do.
        """
        if isinstance(error, CardTimeout):
            raise SaleUnsettled(
                "卡片无响应，写卡中断，本笔业务尚未确认。请取出卡片重新插入，系统将按卡内购气次数"
                "自动确认（写入成功则完成出票，未成功则作废并退还现金）",
                f"{result.receipt_no}: {error}",
            ) from error
        try:
            read, settlement = self._read_and_settle(actor)
        except GasDeskError as again:
            raise SaleUnsettled(
                "写卡中断，本笔业务尚未确认。请客户重新插卡，系统将按卡内购气次数自动确认"
                "（写入成功则完成出票，未成功则作废并退还现金）",
                f"{result.receipt_no}: {error}; re-read failed: {again}",
            ) from error
        if settlement is None or settlement.sale.transaction_id != result.transaction_id:
            raise RuleViolation("写卡状态异常，请联系班长", f"{result.receipt_no}: {read}")
        if settlement.outcome == CardWriteOutcome.VOIDED:
            raise SaleVoided(settlement)
        return SaleOnCard(result, settlement)

    def _fresh_read(self, actor: Actor) -> CardRead:
        read, settlement = self._read_and_settle(actor)
        if settlement is not None:
            # an earlier operation was just decided by this read: the clerk must act on it
            # (give the cash back, or print its receipt) before starting anything new
            if settlement.outcome == CardWriteOutcome.VOIDED:
                raise SaleVoided(settlement)
            raise EarlierSaleCompleted(settlement)
        if read.tool is not None:
            raise cardformat.WrongCardType(
                f"这是{read.tool.label}（工具卡），不能办理此业务，请插入用户卡",
                f"tool card {read.tool}",
            )
        if read.image is None:
            raise cardformat.BlankCard("这是一张空白卡，尚未发卡", "blank card")
        self.reader.require_unlockable(read)  # before the sale is committed, not after
        return read

    @staticmethod
    def _require_count_rule(read: CardRead) -> None:
        """More gas goes onto the card only where its count rule makes the count rise by one:
        the crash-safe settlement tells a landed write by its count (docs/sale-protocol.md)."""
        image = read.image
        count = next_count(image.count_rule, image.purchase_count, image.pending_volume)
        if count != image.purchase_count + 1:
            raise RuleViolation(
                "卡内还有气量未插表，请先将卡插入燃气表后再购气",
                f"card {image.serial}: its count would not rise ({image.count_rule})",
            )

    @_one_at_a_time
    def sell(
        self,
        actor: Actor,
        request_id: uuid.UUID,
        *,
        volume: int | None = None,
        amount_fen: int | None = None,
        cash_tendered_fen: int | None = None,
        payment: Payment | None = None,
        override: OverrideInput | None = None,
    ) -> SaleOnCard:
        """购气 on the inserted card; ``override``: a team leader's past a limit or a hold."""
        read = self._fresh_read(actor)
        self._require_count_rule(read)
        result = purchase(
            self.ctx,
            actor,
            PurchaseRequest(
                request_id=request_id,
                card_serial=read.image.serial,
                volume=volume,
                amount_fen=amount_fen,
                cash_tendered_fen=cash_tendered_fen,
                card=reading_of(read.image),
                writes_card=True,
                payment=payment or Payment(),
                override=override,
            ),
        )
        return self._write_then_complete(actor, read, result)

    @_one_at_a_time
    def refund(
        self,
        actor: Actor,
        request_id: uuid.UUID,
        reason: str,
        approvals: tuple[ApprovalInput, ...],
    ) -> SaleOnCard:
        """退气: take the unloaded last purchase off the card and give the money back."""
        read = self._fresh_read(actor)
        result = refund(
            self.ctx,
            actor,
            RefundRequest(request_id, reading_of(read.image), reason, approvals, writes_card=True),
        )
        return self._write_then_complete(actor, read, result)

    @_one_at_a_time
    def supplement(
        self,
        actor: Actor,
        request_id: uuid.UUID,
        volume: int,
        reason: str,
        approvals: tuple[ApprovalInput, ...],
    ) -> SaleOnCard:
        """补气 onto the inserted card."""
        read = self._fresh_read(actor)
        self._require_count_rule(read)
        result = supplement(
            self.ctx,
            actor,
            SupplementRequest(
                request_id,
                read.image.serial,
                volume,
                reason,
                approvals,
                card=reading_of(read.image),
                writes_card=True,
            ),
        )
        return self._write_then_complete(actor, read, result)

    @_one_at_a_time
    def issue(self, actor: Actor, account_no: str) -> CardImage:
        """Personalise the blank card in the reader as the account's active card.

        Used after opening, replacement and transfer; safe to call again after a failure: a
        card already carrying this account's serial is accepted as issued.
        """
        view = account_view(self.ctx, actor, account_no)
        serial = view.summary.card_serial
        if serial is None:
            raise NotFound("该户没有有效的卡", f"account {account_no} has no active card")
        read = self._read_card(actor)  # an earlier attempt that stopped half-way is finished
        if read.image is not None:
            if read.image.serial == serial and read.image.account_no == account_no:
                return read.image
            raise cardformat.WrongCardType("读卡器中不是空白卡，请放入空白卡", "not blank")
        if not read.blank:
            raise cardformat.WrongCardType("读卡器中不是空白卡，请放入空白卡", "a tool card")
        return self.reader.issue_card(read, self._card_issue(actor, account_no, serial))

    @staticmethod
    def _require_fitting(serial: str | None, field: str) -> None:
        """The serial a blank card is to carry fits the card's layout: refused before anything
        is recorded, never found out while the card is written."""
        if serial and not cardformat.serial_fits(serial):
            raise InvalidInput(
                f"卡号过长：本卡最多 {cardformat.SERIAL_LENGTH} 位字母或数字",
                f"serial {serial!r} does not fit the card format",
                field=field,
            )

    def _require_blank(self, actor: Actor, issuing: str, field: str = "card_serial") -> str:
        """A blank card, or the card this very operation started issuing (a retry after the
        issue stopped half-way: the read finishes it, the service replays the operation);
        returns the maker code the card is of."""
        self._require_fitting(issuing, field)
        read = self._read_card(actor)
        self.reader.require_unlockable(read)
        if read.tool is not None:
            raise cardformat.WrongCardType("这是工具卡，请放入一张空白卡", f"tool card {read.tool}")
        if read.image is not None and read.image.serial != (issuing or "").strip():
            raise cardformat.WrongCardType(
                "请放入一张空白卡", f"card {read.image.serial} in reader"
            )
        return read.maker

    # the steps the meter replacement's card operations join too (app.counter.meters)
    fresh_read = _fresh_read
    require_count_rule = _require_count_rule
    write_then_complete = _write_then_complete
    require_blank = _require_blank

    @_one_at_a_time
    def open_account(self, actor: Actor, req: OpenAccountRequest) -> OpenAccountResult:
        """开户 and 开卡: the blank card in the reader becomes the new account's card."""
        maker = self._require_blank(actor, req.card_serial)
        opened = open_account(self.ctx, actor, dataclasses.replace(req, card_maker=maker))
        self.issue(actor, opened.account_no)
        return opened

    @_one_at_a_time
    def replace(self, actor: Actor, req: ReplaceCardRequest) -> SaleResult:
        """补卡: blacklist the old card, issue the blank one carrying the purchase count forward."""
        maker = self._require_blank(actor, req.new_card_serial, "new_card_serial")
        result = replace_card(self.ctx, actor, dataclasses.replace(req, new_card_maker=maker))
        self.issue(actor, req.account_no)
        return result

    @_one_at_a_time
    def transfer(self, actor: Actor, req: TransferRequest) -> SaleResult:
        """过户, and with a new card serial the blank card in the reader becomes the account's
        card (a retry returns the recorded transfer and finishes the card)."""
        if req.new_card_serial:
            maker = self._require_blank(actor, req.new_card_serial, "new_card_serial")
            req = dataclasses.replace(req, new_card_maker=maker)
        result = transfer(self.ctx, actor, req)
        if req.new_card_serial:
            self.issue(actor, req.account_no)  # safe to repeat after a failed write
        return result

    @_one_at_a_time
    def close_account(self, actor: Actor, req: CloseAccountRequest) -> SaleResult:
        """销户 with the account's card in the reader when the customer brought it: the card's
        unloaded gas is part of the settlement. No card in the reader closes without it."""
        card = None
        try:
            read, settlement = self._read_and_settle(actor)
        except NoCard:
            read, settlement = None, None
        if settlement is not None:  # an interrupted write was just decided: the clerk first
            if settlement.outcome == CardWriteOutcome.VOIDED:
                raise SaleVoided(settlement)
            raise EarlierSaleCompleted(settlement)
        if read is not None and read.image is not None and read.image.account_no == req.account_no:
            card = reading_of(read.image)
        return close_account(self.ctx, actor, dataclasses.replace(req, card=card))

    @_one_at_a_time
    def format_card(self, actor: Actor) -> str:
        """格式化: a card no longer in use (replaced, of a closed account, or never registered)
        becomes a new card of its maker, to be issued again; returns the card number it had.
        The active card of an open account is refused before the card is touched."""
        read = self._read_card(actor)
        if read.image is None:
            raise RuleViolation("此卡是新卡（空白卡），无需格式化", "card already blank")
        serial = read.image.serial
        registered_for = check_formattable(self.ctx, actor, read.maker, serial)
        # a replaced card's gas went onto its replacement, a closed account's was settled;
        # the gas on a card this hall never registered is nobody's to wipe
        if registered_for is None and read.image.reading().has_unloaded_purchase:
            raise RuleViolation(
                "此卡未在本系统登记且卡内还有未插表的气量，不能格式化，请联系班长",
                f"unregistered card {serial} holds {read.image.pending_volume}",
            )
        self.reader.format_card(read)
        record_formatted(self.ctx, actor, read.maker, serial)
        return serial

    @_one_at_a_time
    def serial_in_reader(self) -> str | None:
        """The number of the card in the reader (None: a blank card), read as it is: nothing
        is settled, so a card out of use (blacklisted, replaced) reads too."""
        read = self.reader.read()
        return read.image.serial if read.image is not None else None
