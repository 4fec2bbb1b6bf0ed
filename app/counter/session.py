"""One clerk's counter at work: the logged-in clerk, this workstation and its devices, with one
method per operation the F-keys offer (no Qt).

The counter window and its dialogs call this object only; it joins the services, the card
workflows (``CardOperations``) and the printing policy (``app.counter.receipts``). Every method
that touches the database or a device runs on a worker thread; each operation returns an
``Outcome``: its result and what it changed at the counter.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from app.context import Context
from app.counter import receipts
from app.counter.cards import (
    CardAtCounter,
    CardOperations,
    EarlierSaleCompleted,
    SaleOnCard,
    SaleVoided,
    reading_of,
)
from app.counter.compose import Devices
from app.counter.meters import MeterOperations, MeterReplacedOnCard
from app.counter.quote import PurchaseStart
from app.counter.receipts import PrintOutcome
from app.counter.tools import ToolCardMade, ToolCardOperations
from app.devices.cardreader import CardReaderError, NoCard, UnknownCard
from app.devices.printer import PrinterFault
from app.doctor import printer_state, reader_state
from app.domain.cards import GASDESK_MAKER
from app.domain.cash import DrawerCount, Payment
from app.errors import GasDeskError, InvalidInput, RuleViolation
from app.services import inspections, limits, queries, reports, shifts
from app.services.accounts import (
    CloseAccountRequest,
    OpenAccountRequest,
    OpenAccountResult,
    TransferRequest,
    close_account,
    transfer,
)
from app.services.actor import NO_SHIFT_MESSAGE, Actor
from app.services.card_writes import Settlement
from app.services.cards import ReplaceCardRequest, replacement_fee
from app.services.credentials import Credential
from app.services.directory import (
    ApprovalSlots,
    approval_slots,
    transaction_id_by_receipt,
    user_id_by_username,
)
from app.services.limits import AccountLimits, OverrideInput
from app.services.meters import (
    ReplacementFigures,
    ReplacementReversed,
    ReplaceMeterRequest,
    ReverseReplacementRequest,
    card_before_replacement,
    replacement_quote,
)
from app.services.printing import queued_jobs
from app.services.reversals import (
    ReversalQuote,
    ReversalRequest,
    earlier_reversal,
    reversal_quote,
    reverse,
)
from app.services.sales import RefundQuote, SaleResult, refund_quote
from app.services.security import ApprovalInput, LoggedIn
from app.services.setup import Workstation, hall_of_counter, hall_policy
from app.services.takeovers import TakeoverResult
from app.services.tool_cards import ToolCardView
from app.vocabulary import (
    CardWriteOutcome,
    HallMode,
    PaymentMethod,
    PrinterState,
    ReaderState,
    ToolCardKind,
    TransactionKind,
)

if TYPE_CHECKING:
    from app.counter.reports import Report
    from app.devices.makers.config import MakerConfig

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class CustomerSummary:
    """What one operation did for the customer, as the customer display shows it: this
    operation's own figures only (no name, ID or phone)."""

    kind: TransactionKind
    account_no: str
    receipt_no: str
    volume: int  # put on (> 0) or taken back from (< 0) the card, 0.01 m³
    due_fen: int  # collected (> 0) or handed back (< 0)
    tendered_fen: int | None = None
    change_fen: int | None = None

    @classmethod
    def of(cls, sale: SaleResult) -> CustomerSummary:
        return cls(
            TransactionKind(sale.kind),
            sale.account_no,
            sale.receipt_no,
            sale.volume,
            sale.amount_fen,
            sale.cash_tendered_fen,
            sale.change_fen,
        )


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """An operation's result and what it changed at the counter (for the counter window)."""

    result: T
    account_no: str | None = None  # the account to show again
    transaction_id: int | None = None  # committed: its receipt prints when the dialog closes
    receipt: PrintOutcome | None = None  # a receipt or slip printed (or queued) already
    cash_back_fen: int = 0  # cash to give back to the customer
    message: str | None = None  # the clerk's line about a print that is no receipt (Chinese)
    summary: CustomerSummary | None = None  # what the customer display shows of it

    @property
    def said(self) -> str | None:
        """What the clerk reads about a print already done: the receipt's or the slip's."""
        return self.receipt.message if self.receipt is not None else self.message


def _of_sale(result: SaleResult) -> Outcome[SaleResult]:
    back = -result.amount_fen if result.amount_fen < 0 else 0
    return Outcome(
        result,
        result.account_no,
        result.transaction_id,
        cash_back_fen=back,
        summary=CustomerSummary.of(result),
    )


@dataclass(frozen=True)
class ApprovalEntry:
    """One approver's row as typed: user name, own password, written reason."""

    username: str
    password: str
    reason: str


@dataclass(frozen=True)
class OverrideEntry:
    """A team leader's override of a purchase limit or a safety hold as typed: user name, own
    password, reason."""

    username: str
    password: str
    reason: str


@dataclass(frozen=True)
class CounterStatus:
    """Everything the status bar shows, read in the background."""

    reader: ReaderState
    printer: PrinterState | None  # None: not asked (a receipt is printing)
    database_error: str | None  # None: the database answers
    shift: shifts.ShiftInfo | None
    drawer: shifts.DrawerStatus | None
    queued: int = 0  # receipts of this counter waiting in the print queue


@dataclass(frozen=True)
class CardPoll:
    """A look at the reader: which card is in (a change with present=True is a new card), and
    what reading it found (the card, its account, an interrupted write it settled)."""

    token: tuple[bool, object] | None
    read: CardAtCounter | None = None
    error: Exception | None = None

    @property
    def unknown_card(self) -> bool:
        """A card is in the reader and no configured maker claims it (``error`` says so)."""
        return isinstance(self.error, UnknownCard)


def settlement_error(settlement: Settlement) -> SaleVoided | EarlierSaleCompleted:
    """What the clerk must hear about an interrupted write a card read just decided."""
    if settlement.outcome == CardWriteOutcome.VOIDED:
        return SaleVoided(settlement)
    return EarlierSaleCompleted(settlement)


@dataclass
class CounterSession:
    """The clerk logged in at this counter, with the counter's devices."""

    ctx: Context
    user: LoggedIn
    workstation: Workstation
    devices: Devices
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    # ------------------------------------------------------------------ who and where

    @property
    def actor(self) -> Actor:
        if self.workstation.counter_id is None:
            raise RuntimeError("this workstation has no counter configured")
        return Actor(self.user.user_id, self.workstation.counter_id)

    @property
    def hall_id(self) -> int:
        """The hall of this counter (for the hall's reports)."""
        if self.workstation.hall_id is not None:
            return self.workstation.hall_id
        return hall_of_counter(self.ctx, self.actor.counter_id)

    @property
    def training(self) -> bool:
        return self.ctx.training

    @property
    def demo(self) -> bool:
        """The demo hall (演示模式): emulated devices, every screen and receipt marked."""
        return self.ctx.mode is HallMode.DEMO

    def today(self) -> dt.date:
        return self.ctx.today()

    def local_time(self, moment: dt.datetime) -> dt.datetime:
        """A stored time in the hall's time zone."""
        return self.ctx.local(moment)

    @staticmethod
    def new_request() -> uuid.UUID:
        """A request id made before the first submit, so a retried submit is recognised."""
        return uuid.uuid4()

    # ------------------------------------------------------------------ devices

    @property
    def cards(self) -> CardOperations:
        """The card workflows; the one "no reader" refusal of the counter."""
        if self.devices.reader is None:
            raise RuleViolation("本柜台未配置读卡器", "no card reader")
        return CardOperations(self.ctx, self.devices.reader)

    @property
    def has_reader(self) -> bool:
        return self.devices.reader is not None

    @property
    def printer_name(self) -> str | None:
        printer = self.devices.printer
        return printer.name if printer is not None else None

    def _maker_configs(self) -> dict[str, MakerConfig]:
        """This counter's makers of the common interface, by maker code (none without a slot)."""
        from app.devices.detect import CardSlot
        from app.devices.makers.driver import InterfaceCardDriver

        reader = self.devices.reader
        drivers = reader.drivers if isinstance(reader, CardSlot) else ()
        return {d.maker: d.config for d in drivers if isinstance(d, InterfaceCardDriver)}

    def maker_name(self, maker: str) -> str | None:
        """The display name of ``maker``'s cards at this counter (the hall's name for it);
        None for GasDesk's own format v1 (the screens call it 本公司卡). In memory only."""
        if maker == GASDESK_MAKER:
            return None
        config = self._maker_configs().get(maker)
        return config.name if config is not None else maker

    def maker_ports(self) -> dict[str, dict[str, int]]:
        """This counter's port and baud rate per maker code (from its makers' drivers)."""
        return {
            code: {"port": config.port, "baud": config.baud}
            for code, config in self._maker_configs().items()
        }

    def card_token(self) -> tuple[bool, object] | None:
        """(card present, which insertion) without touching the card; None when the reader
        cannot tell (then a poll reads the card to find out)."""
        if self.devices.reader is None:
            return None
        return self.devices.reader.card_token()

    def reader_state(self) -> ReaderState:
        """The status bar's reader state: the check ``gasdesk admin doctor`` makes too."""
        return reader_state(self.devices.reader)

    def printer_state(self) -> PrinterState:
        """The status bar's printer state: the check ``gasdesk admin doctor`` makes too."""
        return printer_state(self.devices.printer)

    def status(self, *, ask_printer: bool) -> CounterStatus:
        """The status bar's figures; a database fault is reported, never raised."""
        reader = self.reader_state()
        printer = self.printer_state() if ask_printer else None
        try:
            shift = shifts.current_shift(self.ctx, self.actor)
            drawer = shifts.drawer_status(self.ctx, self.actor)
            queued = self.queued_receipts()
        except Exception as error:  # shown as the database state
            log.warning("status refresh failed: %s", error)
            text = error.user_message if isinstance(error, GasDeskError) else type(error).__name__
            return CounterStatus(reader, printer, text, None, None)
        return CounterStatus(reader, printer, None, shift, drawer, queued)

    def poll_card(self, last: tuple[bool, object] | None) -> CardPoll:
        """Read (and settle) the card when a new one is in the reader."""
        if self.devices.reader is None:
            return CardPoll((False, None))
        try:
            token = self.card_token()
        except CardReaderError as error:  # the reader is gone: said once, until it is back
            return CardPoll((True, f"error:{type(error).__name__}"), error=error)
        if token is not None and (not token[0] or token == last):
            return CardPoll(token)
        try:
            read = self.cards.read(self.actor)
        except NoCard:
            return CardPoll((False, None))
        except Exception as error:
            return CardPoll(token or (True, f"error:{type(error).__name__}"), error=error)
        if token is None:  # the reader cannot tell presence: the card's serial tells a new card
            token = (True, read.image.serial if read.image is not None else "blank")
        return CardPoll(token, read)

    def settle_left_card(self) -> Settlement | None:
        """After login: a card left in the reader settles the write it was left with."""
        if self.devices.reader is None:
            return None
        return self.cards.settle_inserted(self.actor)

    def read_card(self) -> CardAtCounter:
        """Read the inserted card (settling any interrupted write of its account)."""
        return self.cards.read(self.actor)

    def take_over_card(
        self, request_id: uuid.UUID, username: str, password: str, reason: str
    ) -> Outcome[TakeoverResult]:
        """接管 the old system's card in the reader whose figures differ from the import (or
        whose number was not on record): the team leader's login and the reason; the account's
        purchase count then follows the card."""
        approval = self.credential(username, password) if username.strip() else None
        done = self.cards.take_over(self.actor, request_id, approval, reason)
        said = f"已接管旧系统卡 {done.card_serial}（购气次数 {done.purchase_count}），可以办理业务"
        return Outcome(done, done.account_no, message=said)

    def format_card(self) -> str:
        """格式化旧卡: the card in the reader, no longer in use, becomes a new card of its maker
        (the active card of an open account is refused); the card number it had."""
        return self.cards.format_card(self.actor)

    # ------------------------------------------------------------------ tool cards (工具卡)

    @property
    def tools(self) -> ToolCardOperations:
        if self.devices.reader is None:
            raise RuleViolation("本柜台未配置读卡器", "no card reader")
        return ToolCardOperations(self.ctx, self.devices.reader)

    def tool_card_kinds(self) -> tuple[ToolCardKind, ...]:
        """The tool cards the card in the reader can become (no card: any configured driver's)."""
        return self.tools.kinds()

    def make_tool_card(
        self,
        request_id: uuid.UUID,
        kind: ToolCardKind,
        meter_no: str,
        technician: str,
        reason: str,
        parameters: dict[str, int] | None = None,
    ) -> Outcome[ToolCardMade]:
        """制作工具卡 on the blank card in the reader, recorded once the card is made."""
        made = self.tools.make(
            self.actor,
            request_id,
            kind=kind,
            meter_no=meter_no,
            technician=technician,
            reason=reason,
            parameters=parameters,
        )
        return Outcome(made, made.issued.account_no)

    def read_tool_card(self) -> Outcome[ToolCardView]:
        """工具卡回读: the tool card in the reader is returned with what it brought back."""
        back = self.tools.read_back(self.actor)
        return Outcome(back, back.account_no)

    def outstanding_tool_cards(self) -> list[ToolCardView]:
        return self.tools.outstanding(self.actor)

    def start_on_card(self) -> CardAtCounter:
        """退气/补气 start: the open shift (请先开班), then the card in the reader."""
        self.require_shift()
        return self.read_card()

    # ------------------------------------------------------------------ look-ups

    def find_accounts(self, text: str) -> list[queries.AccountSummary]:
        return queries.find_accounts(self.ctx, self.actor, text)

    def account(self, account_no: str) -> queries.AccountView:
        return queries.account_view(self.ctx, self.actor, account_no)

    def approval_slots(self, volume: int) -> ApprovalSlots:
        """Who must approve a refund/supplement of ``volume`` (hall settings)."""
        return approval_slots(self.ctx, volume)

    def approvals(self, rows: tuple[ApprovalEntry, ...]) -> tuple[ApprovalInput, ...]:
        """Typed approver rows with user ids; rows without a user name are skipped (the service
        then says which approvers are missing)."""
        return tuple(
            ApprovalInput(
                user_id_by_username(self.ctx, row.username),
                row.reason.strip() or None,
                row.password,
            )
            for row in rows
            if row.username.strip()
        )

    def credential(self, username: str, password: str) -> Credential:
        """A second person's login at this counter; the service that takes it checks it."""
        return Credential(user_id_by_username(self.ctx, username), password)

    # ------------------------------------------------------------------ F1 购气

    def require_shift(self) -> shifts.ShiftInfo:
        """The clerk's open shift at this counter: every money operation starts by asking, so
        F1, F4 and F5 say 请先开班 before they ask for a card (the services refuse the same
        way when they commit)."""
        shift = shifts.current_shift(self.ctx, self.actor)
        if shift is None:
            raise RuleViolation(NO_SHIFT_MESSAGE, f"user {self.user.user_id}: no open shift")
        return shift

    def start_purchase(self) -> PurchaseStart:
        """The open shift, then re-read the card in the reader (settling any pending write)
        and the sale step."""
        self.require_shift()
        card = self.read_card()
        found = card.account.limits if card.account is not None else None  # read with it
        return PurchaseStart.of(card, hall_policy(self.ctx), found)

    def purchase(
        self,
        request_id: uuid.UUID,
        *,
        volume: int | None,
        amount_fen: int | None,
        cash_tendered_fen: int | None,
        payment: Payment,
        override: OverrideEntry | None = None,
    ) -> Outcome[SaleOnCard]:
        """购气 on the inserted card: commit, write the card, settle. ``override``: a team
        leader lets the sale past its purchase limit or safety hold (限购/安检)."""
        self.require_shift()
        if payment.method != PaymentMethod.CASH:
            cash_tendered_fen = None
        sold = self.cards.sell(
            self.actor,
            request_id,
            volume=volume or None,
            amount_fen=None if volume else amount_fen,
            cash_tendered_fen=cash_tendered_fen,
            payment=payment,
            override=self.override(override) if override is not None else None,
        )
        return Outcome(
            sold,
            sold.sale.account_no,
            sold.sale.transaction_id,
            summary=CustomerSummary.of(sold.sale),
        )

    # ------------------------------------------------------------------ 限购 and 安检

    def override(self, entry: OverrideEntry) -> OverrideInput:
        """A team leader's override as typed: their login and their reason."""
        return OverrideInput(self.credential(entry.username, entry.password), entry.reason)

    def account_limits(self, account_no: str) -> AccountLimits:
        """The account's purchase limit (limit, window, bought, remaining) and inspection
        state (last date and result, next due date, hold)."""
        return limits.account_limits(self.ctx, self.actor, account_no)

    def set_account_limit(self, account_no: str, volume: int | None, reason: str) -> AccountLimits:
        """An account's own purchase limit (None: back to its class's); team leaders."""
        request = limits.AccountLimitRequest(account_no, volume, reason)
        return limits.set_account_limit(self.ctx, self.actor, request)

    def record_inspection(
        self, request_id: uuid.UUID, entry: inspections.InspectionEntry
    ) -> AccountLimits:
        """One result from an inspector's sheet, entered at the counter."""
        return inspections.record_inspection(self.ctx, self.actor, request_id, entry)

    def import_inspections(
        self, path: str, progress: inspections.ImportProgress | None = None
    ) -> inspections.ImportResult:
        """The inspection team's sheet (CSV or XLSX), all or nothing."""
        return inspections.import_inspections(self.ctx, self.actor, Path(path), progress)

    def due_inspections(self, within_days: int, name: str) -> Report:
        """应安检户清单: overdue or due within ``within_days`` days, to preview and export."""
        from app.counter.reports import due_list

        found = inspections.due_inspections(self.ctx, self.actor, within_days)
        return due_list(found, self.today(), within_days, name)

    # ------------------------------------------------------------------ F2 F3 F6 F7 accounts

    def open_account(self, req: OpenAccountRequest) -> Outcome[OpenAccountResult]:
        """开户 and 开卡 on the blank card in the reader."""
        self.require_shift()  # before the card is looked at
        opened = self.cards.open_account(self.actor, req)
        return Outcome(
            opened,
            opened.account_no,
            opened.transaction_id,
            summary=CustomerSummary(
                TransactionKind.OPENING, opened.account_no, opened.receipt_no, 0, 0
            ),
        )

    def replace_card(
        self, req: ReplaceCardRequest, approvals: tuple[ApprovalEntry, ...] | None
    ) -> Outcome[SaleResult]:
        """补卡 onto the blank card in the reader; ``approvals`` when the fee is waived."""
        self.require_shift()  # before the card is looked at
        resolved = self.approvals(approvals) if approvals is not None else ()
        result = self.cards.replace(self.actor, dataclasses.replace(req, approvals=resolved))
        return _of_sale(result)

    def replacement_fee(self, reason_code: str, waive: bool) -> int:
        """The card fee a 补卡 for this reason costs, in fen (0 when waived or not the
        customer's fault), from the hall's settings as stored now."""
        return replacement_fee(hall_policy(self.ctx), reason_code, waived=waive)

    def transfer(self, req: TransferRequest) -> Outcome[SaleResult]:
        """过户; with a new card serial the blank card in the reader is issued too."""
        self.require_shift()
        if req.new_card_serial:
            return _of_sale(self.cards.transfer(self.actor, req))
        return _of_sale(transfer(self.ctx, self.actor, req))

    def close_account(self, req: CloseAccountRequest) -> Outcome[SaleResult]:
        """销户 from the final reading, with the card when it is in the reader."""
        self.require_shift()  # before the card is looked at
        if self.devices.reader is None:
            return _of_sale(close_account(self.ctx, self.actor, req))
        return _of_sale(self.cards.close_account(self.actor, req))

    # ------------------------------------------------------------------ F4 F5 on the card

    def refund_quote(self, card: CardAtCounter) -> RefundQuote:
        """What a refund of the card just read would give back (shown before approval)."""
        if card.image is None:
            raise RuleViolation("读卡器中是空白卡", "refund quote of a blank card")
        return refund_quote(self.ctx, self.actor, reading_of(card.image))

    def refund(
        self, request_id: uuid.UUID, reason: str, approvals: tuple[ApprovalEntry, ...]
    ) -> Outcome[SaleResult]:
        """退气: the unloaded last purchase comes off the card, the money goes back."""
        self.require_shift()
        done = self.cards.refund(self.actor, request_id, reason, self.approvals(approvals))
        return _of_sale(done.sale)

    def supplement(
        self,
        request_id: uuid.UUID,
        volume: int,
        reason: str,
        approvals: tuple[ApprovalEntry, ...],
    ) -> Outcome[SaleResult]:
        """补气 onto the inserted card."""
        self.require_shift()
        done = self.cards.supplement(
            self.actor, request_id, volume, reason, self.approvals(approvals)
        )
        return _of_sale(done.sale)

    # ------------------------------------------------------------------ 撤销

    def _require_in_reader(self, serial: str | None) -> None:
        """The old card a reversal gives back its use must be here, in the reader."""
        if self.devices.reader is None:
            raise RuleViolation("没有读卡器，无法核对原卡", "no reader to check the old card")
        held = self.cards.serial_in_reader()
        if serial is None or held != serial:
            raise RuleViolation(
                f"请将原卡（卡号 {serial}）放入读卡器" if serial else "该户没有可恢复的原卡",
                f"reader holds {held!r}, old card {serial!r}",
            )

    def reversal_quote(self, receipt_no: str) -> ReversalQuote:
        """What reversing the operation of ``receipt_no`` would pay back and restore."""
        return reversal_quote(self.ctx, self.actor, receipt_no)

    def reverse(
        self,
        request_id: uuid.UUID,
        receipt_no: str,
        reason: str,
        approvals: tuple[ApprovalEntry, ...],
        *,
        old_card_in_hand: bool = False,
    ) -> Outcome[SaleResult]:
        """撤销 an operation of this shift (a card replacement, or a meter replacement with its
        overdrawn sale); ``old_card_in_hand``: a card replacement's old card is in the reader
        and becomes the account's card again (checked here)."""
        self.require_shift()
        earlier = earlier_reversal(self.ctx, self.actor, request_id)  # a retry replays
        if earlier is not None:
            kind, account_no, old_serial = earlier.kind, earlier.account_no, None
        else:
            quote = self.reversal_quote(receipt_no)
            kind, account_no, old_serial = quote.kind, quote.account_no, quote.old_card_serial
        if kind == TransactionKind.METER_REPLACEMENT:
            done = self.reverse_meter_replacement(request_id, account_no, reason, approvals)
            return dataclasses.replace(done, result=done.result.reversal)  # type: ignore[arg-type]
        if old_card_in_hand and earlier is None:
            self._require_in_reader(old_serial)
        req = ReversalRequest(
            request_id,
            receipt_no,
            reason,
            self.approvals(approvals),
            old_card_in_hand=old_card_in_hand,
        )
        return _of_sale(reverse(self.ctx, self.actor, req))

    # ------------------------------------------------------------------ 换表 meter replacement

    @property
    def meters(self) -> MeterOperations:
        """The meter replacement workflows (on this counter's card reader)."""
        return MeterOperations(self.ctx, self.cards)

    def replacement_quote(
        self,
        account_no: str,
        final_reading: int | None,
        customer_at_fault: bool,
        tool_card_return_id: int | None = None,
    ) -> ReplacementFigures:
        """换表 quote: used, bought, carry-over, overdrawn gas and fees (the dialog's live view)."""
        return replacement_quote(
            self.ctx, self.actor, account_no, final_reading, customer_at_fault, tool_card_return_id
        )

    def replacement_approval_slots(self, volume: int, customer_kind: str) -> ApprovalSlots:
        """Who must approve a replacement carrying ``volume`` over (hall settings)."""
        return approval_slots(self.ctx, volume, customer_kind)

    def _print_all_but_last(self, ids: tuple[int, ...]) -> PrintOutcome | None:
        """Several receipts of one operation: all but the last print now (the last prints when
        the dialog closes, like every operation's)."""
        printed = None
        for transaction_id in ids[:-1]:
            printed = self.print_receipt(transaction_id)
        return printed

    def replace_meter(
        self,
        req: ReplaceMeterRequest,
        approvals: tuple[ApprovalEntry, ...] = (),
        carry_over_now: int = 0,
        reuse_card: bool = False,
    ) -> Outcome[MeterReplacedOnCard]:
        """换表: record it, issue the blank card in the reader as the new meter's card (with
        ``reuse_card``: the account's own maker card, formatted), and write ``carry_over_now``
        of the carry-over with it. Receipts: the overdrawn sale, the replacement (fees), the
        instalment."""
        self.require_shift()  # before the card is looked at
        req = dataclasses.replace(req, approvals=self.approvals(approvals))
        done = self.meters.replace(self.actor, req, carry_over_now, reuse_card)
        ids = done.transaction_ids
        figures = done.replaced.figures
        main = done.replaced.replacement
        written = done.carry_over.sale.volume if done.carry_over else 0
        return Outcome(
            done,
            main.account_no,
            ids[-1],
            receipt=self._print_all_but_last(ids),
            summary=CustomerSummary(
                TransactionKind.METER_REPLACEMENT,
                main.account_no,
                main.receipt_no,
                written,
                figures.amount_fen,
                main.cash_tendered_fen,
                main.change_fen,
            ),
        )

    def carry_over_remaining(self, account_no: str) -> int:
        """The carry-over still to write for the account (0.01 m³)."""
        return self.meters.remaining(self.actor, account_no)

    def write_carry_over(self, request_id: uuid.UUID, volume: int) -> Outcome[SaleOnCard]:
        """写换表补气: an instalment of the carry-over onto the card in the reader."""
        self.require_shift()
        done = self.meters.write_carry_over(self.actor, request_id, volume)
        return Outcome(
            done,
            done.sale.account_no,
            done.sale.transaction_id,
            summary=CustomerSummary.of(done.sale),
        )

    def reverse_meter_replacement(
        self,
        request_id: uuid.UUID,
        account_no: str,
        reason: str,
        approvals: tuple[ApprovalEntry, ...] = (),
    ) -> Outcome[ReplacementReversed]:
        """撤销换表 in the shift it was made in, before anything was written for the new meter;
        the old card must be in the reader (it becomes the account's card again; a card
        re-initialised for the new meter is gone, and so is the way back)."""
        self.require_shift()
        if earlier_reversal(self.ctx, self.actor, request_id) is None:  # a retry replays
            serial, restorable = card_before_replacement(self.ctx, self.actor, account_no)
            if serial is not None and not restorable:
                raise RuleViolation(
                    "原卡已重新初始化为新表的卡（或已不在使用），不能撤销换表",
                    f"{account_no}: card {serial} before the replacement is gone",
                )
            self._require_in_reader(serial)
        req = ReverseReplacementRequest(request_id, account_no, reason, self.approvals(approvals))
        done = self.meters.reverse(self.actor, req)
        ids = done.transaction_ids
        back = -sum(r.amount_fen for r in (done.reversal, done.overdrawn_reversal) if r is not None)
        return Outcome(
            done,
            account_no,
            ids[-1],
            receipt=self._print_all_but_last(ids),
            cash_back_fen=back,
            summary=CustomerSummary.of(done.reversal),
        )

    # ------------------------------------------------------------------ F8 and the queue

    def print_receipt(self, transaction_id: int) -> PrintOutcome:
        """The original receipt of a committed transaction: printed, or queued and said so."""
        return receipts.print_receipt(self.ctx, self.actor, self.devices.printer, transaction_id)

    def reprint(self, receipt_no: str | None, account_no: str | None) -> Outcome[PrintOutcome]:
        """重印 a receipt by number, or the latest of the loaded account."""
        receipt = (receipt_no or "").strip()
        if not receipt:
            if not account_no:
                raise InvalidInput("请输入凭证号", "receipt number empty")
            recent = queries.history(self.ctx, self.actor, account_no, limit=1)
            if not recent:
                raise InvalidInput("该户还没有可重印的业务", f"{account_no}: no history")
            receipt = recent[0].receipt_no
        transaction_id_by_receipt(self.ctx, receipt)  # 没有这张凭证 before a print job is made
        printed = receipts.reprint(self.ctx, self.actor, self.devices.printer, receipt)
        return Outcome(printed, account_no, receipt=printed)

    def queued_receipts(self) -> int:
        """How many receipts of this counter wait in the print queue."""
        return len(queued_jobs(self.ctx, self.actor.counter_id))

    def print_queued(self) -> str:
        """Print this counter's queued receipts now; the clerk's message (Chinese)."""
        outcomes = receipts.print_queued(self.ctx, self.actor, self.devices.printer)
        if not outcomes:
            return "没有待打印的凭证"
        printed = sum(1 for o in outcomes if o.printed)
        if outcomes[-1].printed:
            return f"已打印待打印凭证 {printed} 张"
        return f"已打印 {printed} 张；{outcomes[-1].message}"

    # ------------------------------------------------------------------ F9 F10 F11 cash

    def current_shift(self) -> shifts.ShiftInfo | None:
        return shifts.current_shift(self.ctx, self.actor)

    def open_shift(self, req: shifts.OpenShiftRequest) -> Outcome[shifts.ShiftOpened]:
        return Outcome(shifts.open_shift(self.ctx, self.actor, req))

    def shift_desk(self) -> shifts.ShiftDesk:
        """The clerk's shift and what F11/F10 suggest (the float, the finance user)."""
        return shifts.shift_desk(self.ctx, self.actor)

    def count_drawer(
        self, req: shifts.CountRequest, recount_by: tuple[str, str] | None = None
    ) -> shifts.CountResult:
        """The blind count recorded; only now the expected figures come back. ``recount_by``:
        the team leader's (user name, password) approving a recount after that."""
        if recount_by is not None:
            req = dataclasses.replace(req, recount_approval=self.credential(*recount_by))
        return shifts.count_drawer(self.ctx, self.actor, req)

    def close_shift(
        self,
        request_id: uuid.UUID,
        explanation: str | None,
        sign_off: tuple[str, str] | None,
    ) -> Outcome[shifts.ShiftClosed]:
        """交班; ``sign_off`` is the team leader's (user name, password) when the count differs."""
        credential = self.credential(*sign_off) if sign_off is not None else None
        request = shifts.CloseShiftRequest(request_id, explanation, credential)
        return Outcome(shifts.close_shift(self.ctx, self.actor, request))

    def print_zreport(self, shift_id: int) -> str:
        """The Z-report on the counter's printer; the clerk's message (never raises a fault)."""
        return self._print_document(
            "交班报表",
            "按 F9 重新打印",
            lambda: receipts.print_zreport(self.ctx, self.actor, shift_id, self.devices.printer),
        )

    def _print_document(self, what: str, again: str, send: Callable[[], object]) -> str:
        """A document regenerated from the rows (Z-report, 交款单) sent to the printer: the
        clerk's message; a fault is said, never raised (printing it again is safe)."""
        try:
            send()
        except PrinterFault as fault:
            return f"{what}未打印：{fault.user_message}（{again}）"
        return f"{what}已在打印机“{self.printer_name}”打印"

    def move_cash(self, req: shifts.CashMoveRequest) -> Outcome[shifts.Moved]:
        self.require_shift()
        return Outcome(shifts.move_cash(self.ctx, self.actor, req))

    def hand_over(
        self, request_id: uuid.UUID, count: DrawerCount, note: str, receiver: tuple[str, str]
    ) -> Outcome[shifts.Moved]:
        """交款 to the finance user who confirms with ``receiver`` (user name, password); the
        交款单 prints at once (a printer fault never undoes the hand-over)."""
        self.require_shift()  # before the receiver's name is looked up
        request = shifts.HandoverRequest(request_id, count, self.credential(*receiver), note=note)
        moved = shifts.hand_over(self.ctx, self.actor, request)
        return Outcome(moved, message=self.print_handover_slip(moved.movement_id))

    def print_handover_slip(self, movement_id: int) -> str:
        """The 交款单 (again); the clerk's message."""
        printer = self.devices.printer
        return self._print_document(
            "交款单",
            "按 F9 重新打印",
            lambda: receipts.print_handover_slip(self.ctx, self.actor, movement_id, printer),
        )

    # ------------------------------------------------------------------ F12 reports

    def counter_shifts(self) -> tuple[list[shifts.ShiftInfo], int | None]:
        """This counter's shifts of today (and the clerk's open shift, if older), and the one
        to preselect: the open shift, else the last one."""
        current = shifts.current_shift(self.ctx, self.actor)
        day = shifts.shifts_of_day(self.ctx, self.actor, self.today())
        found = [s for s in day if s.counter_id == self.actor.counter_id]
        if current is not None and all(s.shift_id != current.shift_id for s in found):
            found.append(current)
        if current is not None:
            return found, current.shift_id
        return found, found[-1].shift_id if found else None

    # the PDF documents (reportlab) are imported when first asked for, not when the counter
    # window opens

    def z_report(self, shift_id: int, name: str) -> Report:
        from app.counter.reports import z_report

        return z_report(reports.zreport_data(self.ctx, self.actor, shift_id), name)

    def daily_report(self, day: dt.date, name: str) -> Report:
        from app.counter.reports import daily_report

        data = reports.daily_report_data(self.ctx, self.actor, day, self.hall_id)
        return daily_report(data, name)

    def monthly_report(self, year: int, month: int, name: str) -> Report:
        from app.counter.reports import monthly_report

        data = reports.monthly_report_data(self.ctx, self.actor, year, month, self.hall_id)
        return monthly_report(data, name)

    @staticmethod
    def export_report(report: Report, fmt: str, path: str) -> Path:
        from app.counter.reports import export_report

        return export_report(report, fmt, Path(path))

    def opening_form(self, account_no: str, path: str) -> Path:
        """The 开户申请表 of an account as a PDF file (to print and sign)."""
        from app.documents.opening_form import account_opening_form

        target = Path(path)
        pdf = account_opening_form(reports.opening_form_data(self.ctx, account_no))
        try:
            target.write_bytes(pdf)
        except OSError as error:
            raise RuleViolation(f"无法保存文件：{error.strerror}", str(error)) from error
        return target

    def close(self) -> None:
        self.devices.close()
