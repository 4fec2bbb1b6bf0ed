"""Account life cycle at the counter: opening (开户), ownership transfer (过户), closing (销户)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.context import Context
from app.domain.cards import GASDESK_MAKER, CardReading
from app.domain.cash import Payment
from app.domain.identity import (
    normalize_identifier,
    normalize_phone,
    normalize_resident_id,
    phone_problem,
    resident_id_problem,
)
from app.domain.money import format_volume, segment_amount
from app.domain.pricing import Segment, ladder_year_start, price_volume, total_amount
from app.errors import Conflict, InvalidInput, NotFound, RuleViolation, field_of
from app.policy import HallPolicy, load_policy
from app.services.actor import Actor, resolve_actor
from app.services.boundary import (
    AccountNo,
    Address,
    CardSerial,
    ContractNo,
    IdNumber,
    MakerCode,
    MeterModel,
    MeterNo,
    PersonName,
    Phone,
    ProxyIdNumber,
    ProxyName,
    ProxyRelation,
    Reason,
    column_length,
    require_text,
    service,
)
from app.services.ledger import earlier_transaction, next_number, record_transaction
from app.services.locks import (
    CardAccount,
    account_by_no,
    claim_identity,
    lock_meter,
    lock_shift,
    pending_write_of,
    require_active,
    require_card_account,
    require_card_taken_over,
    require_no_pending_write,
)
from app.services.meter_periods import (
    current_replacement,
    imported_purchase,
    in_current_period,
    meter_credit,
)
from app.services.sales import (
    SaleResult,
    check_card_reading,
    check_charge,
    check_tendered,
    checked_payment,
    sale_result,
    settle_payment,
)
from app.services.shifts import check_cash_sale
from app.services.tariffs import ladder_usage, tariff_in_force
from app.services.unit_of_work import run_once
from app.vocabulary import CardStatus, CustomerKind, IdType, TransactionKind
from db.models import (
    Account,
    Card,
    Contract,
    CounterTransaction,
    Customer,
    Meter,
    OwnershipChange,
)
from db.search import search_text_for

ID_TYPES = IdType.labels()  # value → Chinese label (the dialogs' list, the documents)
MAX_HOUSEHOLD = 30
# column bounds, read from the models so they cannot drift
NAME_LENGTH = column_length(Customer.name)
ID_LENGTH = column_length(Customer.id_number)
ADDRESS_LENGTH = column_length(Customer.address)
CONTRACT_LENGTH = column_length(Contract.number)
RELATION_LENGTH = column_length(Contract.proxy_relation)
SERIAL_LENGTH = min(column_length(Card.serial), column_length(Meter.meter_no))
ASCII_ID_TYPES = ("business_license", "passport")
_ASCII_ID = re.compile(r"[0-9A-Z]+")


@dataclass(frozen=True)
class CustomerInput:
    kind: str  # "residential" (民用) or "commercial" (工商业)
    name: PersonName
    id_type: str  # a key of ID_TYPES
    id_number: IdNumber
    phone: Phone | None
    address: Address
    household_size: int = 1


@dataclass(frozen=True)
class ContractInput:
    """供用气合同; proxy (代办人) fields all present or all absent."""

    number: ContractNo
    signed_on: dt.date
    proxy_name: ProxyName | None = None
    proxy_id_number: ProxyIdNumber | None = None
    proxy_relation: ProxyRelation | None = None


def _clean_customer(data: CustomerInput) -> CustomerInput:
    if data.kind not in CustomerKind.labels():
        raise InvalidInput(
            "用户类型无效（民用户或工商业户）", f"bad kind {data.kind!r}", field="kind"
        )
    with field_of("name"):
        name = require_text(data.name, "姓名/单位名称", max_length=NAME_LENGTH, name=True)
    if data.id_type not in ID_TYPES:
        raise InvalidInput("证件类型无效", f"bad id type {data.id_type!r}", field="id_type")
    # every document number: NFKC, no white space, upper case (so exact search finds it)
    id_number = normalize_resident_id(data.id_number or "")
    if data.id_type == "resident_id":
        problem = resident_id_problem(id_number)
        if problem:
            raise InvalidInput(problem, f"invalid resident id {id_number!r}", field="id_number")
    else:
        with field_of("id_number"):
            id_number = require_text(id_number, "证件号码", max_length=ID_LENGTH)
        if data.id_type in ASCII_ID_TYPES and not _ASCII_ID.fullmatch(id_number):
            raise InvalidInput(
                f"{ID_TYPES[data.id_type]}号码只能包含数字和字母",
                f"bad id {id_number!r}",
                field="id_number",
            )
    phone = normalize_phone(data.phone) if data.phone else None
    if phone:
        problem = phone_problem(phone)
        if problem:
            raise InvalidInput(problem, f"invalid phone {phone!r}", field="phone")
    with field_of("address"):
        address = require_text(data.address, "用气地址", max_length=ADDRESS_LENGTH)
    size = data.household_size
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_HOUSEHOLD:
        raise InvalidInput(
            f"家庭人口应在1到{MAX_HOUSEHOLD}之间",
            f"bad household size {size!r}",
            field="household_size",
        )
    return CustomerInput(data.kind, name, data.id_type, id_number, phone, address, size)


def _clean_contract(data: ContractInput | None, *, required: bool) -> ContractInput | None:
    if data is None:
        if required:
            raise InvalidInput(
                "民用户须签订供用气合同，请填写合同编号", "contract required", field="number"
            )
        return None
    with field_of("number"):
        number = require_text(data.number, "合同编号", max_length=CONTRACT_LENGTH)
    if not isinstance(data.signed_on, dt.date):
        raise InvalidInput("请填写合同签订日期", "signed_on missing", field="signed_on")
    proxy = (data.proxy_name, data.proxy_id_number, data.proxy_relation)
    if any(proxy):
        names = ("proxy_name", "proxy_id_number", "proxy_relation")
        blank = [
            n for n, p in zip(names, proxy, strict=True) if not (isinstance(p, str) and p.strip())
        ]
        if blank:
            raise InvalidInput(
                "代办人须填写姓名、身份证号和与户主关系", "incomplete proxy", field=blank[0]
            )
        proxy_id = normalize_resident_id(data.proxy_id_number or "")
        problem = resident_id_problem(proxy_id)
        if problem:
            raise InvalidInput(
                "代办人" + problem, f"invalid proxy id {proxy_id!r}", field="proxy_id_number"
            )
        with field_of("proxy_name"):
            proxy_name = require_text(
                data.proxy_name, "代办人姓名", max_length=NAME_LENGTH, name=True
            )
        with field_of("proxy_relation"):
            relation = require_text(data.proxy_relation, "与户主关系", max_length=RELATION_LENGTH)
        return ContractInput(number, data.signed_on, proxy_name, proxy_id, relation)
    return ContractInput(number, data.signed_on)


def check_serial(value: str, what: str) -> str:
    """A card or meter number: NFKC, no white space, ASCII letters, digits and ``-`` only."""
    if not isinstance(value, str):
        raise InvalidInput(f"{what}无效，请重新输入", f"{what}: not a str: {value!r}")
    text = require_text(normalize_identifier(value).upper(), what, max_length=SERIAL_LENGTH)
    if not text.isascii() or not text.replace("-", "").isalnum():
        raise InvalidInput(f"{what}只能包含字母和数字", f"bad {what} {text!r}")
    return text


def _customer_row(session: Session, ctx: Context, data: CustomerInput) -> Customer:
    """The registered customer with this ID, or a new one. Never rewrites an existing customer.

    The ID is claimed first, so a customer registered by a racing counter is found here, not
    created twice (the UNIQUE index on the ID stays the last line: the loser gets a Conflict).
    """
    claim_identity(session, "customer", f"{data.id_type}\0{data.id_number}")
    existing = session.scalar(
        select(Customer).where(
            Customer.id_type == data.id_type, Customer.id_number == data.id_number
        )
    )
    if existing is not None:
        if existing.name != data.name:
            raise Conflict(
                "该证件号已登记为其他姓名，请核对证件",
                f"id {data.id_number} registered as {existing.name!r}",
                field="id_number",
            )
        return existing
    customer = Customer(
        kind=data.kind,
        name=data.name,
        id_type=data.id_type,
        id_number=data.id_number,
        phone=data.phone,
        address=data.address,
        household_size=data.household_size,
        search_text=search_text_for(data.name, data.address),
        created_at=ctx.now(),
    )
    session.add(customer)
    session.flush()
    return customer


def _contract_row(
    session: Session, account: Account, customer: Customer, data: ContractInput | None
) -> Contract | None:
    if data is None:
        return None
    if session.scalar(select(Contract.id).where(Contract.number == data.number)):
        raise Conflict("合同编号已存在", f"contract {data.number} exists", field="number")
    contract = Contract(
        account_id=account.id,
        customer_id=customer.id,
        number=data.number,
        signed_on=data.signed_on,
        proxy_name=data.proxy_name,
        proxy_id_number=data.proxy_id_number,
        proxy_relation=data.proxy_relation,
    )
    session.add(contract)
    session.flush()
    return contract


def new_card(
    session: Session, ctx: Context, account: Account, serial: str, maker: str = GASDESK_MAKER
) -> Card:
    """Register a card of ``maker`` for the account; the serial must never have been used (by
    any maker: a card number names one card in the hall)."""
    if session.scalar(select(Card.id).where(Card.serial == serial)):
        raise Conflict("该卡号已被使用，请换一张新卡", f"card {serial} already registered")
    card = Card(
        serial=serial, account_id=account.id, status="active", issued_at=ctx.now(), maker=maker
    )
    session.add(card)
    session.flush()
    return card


def require_same_maker(account: Account, maker: str) -> None:
    """A new card for an account is of the maker its meter takes: the maker of the card it
    replaces (another maker's card needs another meter: a meter replacement)."""
    for card in account.cards:
        if card.status == "active" and card.maker != maker:
            raise RuleViolation(
                "新卡与原卡不是同一厂家的卡，燃气表不会接受；请放入同一厂家的空白卡（更换厂家需换表）",
                f"account {account.account_no}: card of {card.maker}, new card of {maker}",
            )


def retire_cards(ctx: Context, account: Account, status: str) -> list[str]:
    """Take the account's active cards out of use; returns their serials."""
    serials = []
    for card in account.cards:
        if card.status == "active":
            card.status = status
            card.status_changed_at = ctx.now()
            serials.append(card.serial)
    return serials


@dataclass(frozen=True)
class OpenAccountRequest:
    request_id: uuid.UUID
    customer: CustomerInput
    meter_no: MeterNo
    card_serial: CardSerial
    contract: ContractInput | None = None
    meter_model: MeterModel = ""
    initial_reading: int = 0  # the meter's register when installed (0.01 m³)
    card_maker: MakerCode = GASDESK_MAKER  # the maker of the card in the reader
    # the meter's rated flow (0.01 m³/h): a commercial meter's purchase-limit band
    rated_flow: int | None = None


@dataclass(frozen=True)
class OpenAccountResult:
    transaction_id: int
    request_id: uuid.UUID
    receipt_no: str
    account_no: str
    customer_id: int
    customer_name: str
    meter_no: str
    card_serial: str
    contract_no: str | None


def _open_result(session: Session, transaction_id: int) -> OpenAccountResult:
    txn = session.get(CounterTransaction, transaction_id)
    account = session.get(Account, txn.account_id)
    contract = session.scalar(
        select(Contract).where(Contract.account_id == account.id).order_by(Contract.id).limit(1)
    )
    return OpenAccountResult(
        transaction_id=txn.id,
        request_id=txn.request_id,
        receipt_no=txn.receipt_no,
        account_no=account.account_no,
        customer_id=account.customer_id,
        customer_name=account.customer.name,
        meter_no=account.meter.meter_no,
        card_serial=session.get(Card, txn.card_id).serial,
        contract_no=contract.number if contract else None,
    )


@service
def open_account(ctx: Context, actor: Actor, req: OpenAccountRequest) -> OpenAccountResult:
    """Register the customer (or reuse them), bind the meter, sign the contract, issue a card."""

    def work(session: Session) -> OpenAccountResult:
        customer_data = _clean_customer(req.customer)
        contract_data = _clean_contract(
            req.contract, required=customer_data.kind == CustomerKind.RESIDENTIAL
        )
        with field_of("meter_no"):
            meter_no = check_serial(req.meter_no, "表号")
        with field_of("card_serial"):
            card_serial = check_serial(req.card_serial, "卡号")
        reading = req.initial_reading
        with field_of("initial_reading"):
            if not isinstance(reading, int) or isinstance(reading, bool) or reading < 0:
                raise InvalidInput("表底数不能为负", f"bad initial reading {reading!r}")
            check_reading_maximum(reading, load_policy(session))
        with field_of("rated_flow"):
            rated_flow = check_rated_flow(req.rated_flow)
        on_duty = resolve_actor(session, actor, "open_account")
        lock_shift(session, on_duty)  # the shift first, then the account (one lock order)

        meter = lock_meter(session, meter_no)  # decided after the lock: bound meanwhile?
        with field_of("initial_reading"):
            check_reused_meter_reading(meter, reading)
        customer = _customer_row(session, ctx, customer_data)
        seq = next_number(session, f"account:{on_duty.hall_code}")
        account = Account(
            account_no=f"{on_duty.hall_code}{seq:08d}",
            hall_id=on_duty.hall_id,
            customer_id=customer.id,
            status="active",
            purchase_count=0,
            opened_at=ctx.now(),
        )
        session.add(account)
        session.flush()
        if meter is None:
            meter = Meter(meter_no=meter_no, model=req.meter_model or "")
            session.add(meter)
        meter.account_id = account.id
        meter.initial_reading = reading
        meter.installed_at = ctx.now()
        if rated_flow is not None:
            meter.rated_flow = rated_flow
        _contract_row(session, account, customer, contract_data)
        with field_of("card_serial"):
            card = new_card(session, ctx, account, card_serial, req.card_maker)
        recorded = record_transaction(
            session,
            ctx,
            on_duty,
            request_id=req.request_id,
            kind=TransactionKind.OPENING,
            account_id=account.id,
            card_id=card.id,
            purchase_count=0,
            meter_reading=reading,
        )
        return _open_result(session, recorded.id)

    return run_once(
        ctx, req.request_id, earlier_transaction(TransactionKind.OPENING, _open_result), work
    )


def check_reused_meter_reading(meter: Meter | None, reading: int) -> None:
    """A meter already registered is free (its account closed) and its register never runs
    backwards: the new account starts at or above the last known reading, which the closing
    left on the meter, so the next owner never pays for the earlier owner's gas."""
    if meter is None:
        return
    if meter.account_id is not None:
        raise Conflict(
            "该燃气表已绑定其他户号", f"meter {meter.meter_no} already bound", field="meter_no"
        )
    if reading < meter.initial_reading:
        raise InvalidInput(
            f"表底数不能小于该表上次销户时的读数{format_volume(meter.initial_reading)}立方米",
            f"initial reading {reading} below the meter's last reading {meter.initial_reading}",
            last_reading=meter.initial_reading,
        )


MAX_RATED_FLOW = 100_000 * 100  # 100,000 m³/h: beyond any meter a hall sells gas through


def check_rated_flow(value: object) -> int | None:
    """A meter's rated flow (0.01 m³/h) as typed: None (not given) or a positive figure."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_RATED_FLOW:
        raise InvalidInput("额定流量须大于0且不超过100000立方米/小时", f"bad rated flow {value!r}")
    return value


def check_reading_maximum(reading: int, policy: HallPolicy) -> None:
    """No meter register shows more than the hall's absolute maximum."""
    if reading > policy.max_meter_reading:
        raise InvalidInput(
            f"表读数超过上限{format_volume(policy.max_meter_reading)}立方米，请核对读数",
            f"reading {reading} above {policy.max_meter_reading}",
        )


_LAST_READING = (
    select(CounterTransaction.meter_reading, CounterTransaction.created_at)
    .where(
        CounterTransaction.account_id == bindparam("account_id"),
        CounterTransaction.meter_reading.is_not(None),
        # the meter bound now: a replacement's reading is the old meter's final one
        in_current_period(CounterTransaction.account_id),
    )
    .order_by(CounterTransaction.meter_reading.desc(), CounterTransaction.id.desc())
    .limit(1)
)


def check_site_reading(
    session: Session, ctx: Context, account: Account, reading: object, policy: HallPolicy
) -> int:
    """A meter reading taken on site (transfer, closing), within what the meter can show.

    Never below the installation reading or an earlier reading; never above the hall's absolute
    maximum; never more above the last known reading than the meter can plausibly have passed
    since: all gas put on the account's cards (a prepaid meter may have burnt it) plus
    ``max_daily_use_volume`` per day since that reading, at least ``min_use_allowance_volume``.
    """
    if not isinstance(reading, int) or isinstance(reading, bool) or reading < 0:
        raise InvalidInput("表读数无效", f"bad reading {reading!r}")
    check_reading_maximum(reading, policy)
    initial = account.meter.initial_reading if account.meter else 0
    last = session.connection().execute(_LAST_READING, {"account_id": account.id}).first()
    replaced = current_replacement(session, account.id)
    floor, since = initial, replaced.created_at if replaced is not None else account.opened_at
    if last is not None and last.meter_reading >= floor:
        floor, since = last.meter_reading, last.created_at
    if reading < floor:
        raise InvalidInput("表读数小于上次记录的读数", f"reading {reading} below {floor}")
    days = max(1, math.ceil((ctx.now() - since) / dt.timedelta(days=1)))
    allowance = max(policy.min_use_allowance_volume, policy.max_daily_use_volume * days)
    plausible = max(floor, initial + meter_credit(session, account.id)) + allowance
    if reading > plausible:
        raise InvalidInput(
            f"表读数不合理：自上次读数以来用气量超出该表可能的用气量"
            f"（读数最多{format_volume(plausible)}立方米），请核对读数",
            f"reading {reading} above plausible {plausible} (floor {floor} since {since})",
        )
    return reading


@dataclass(frozen=True)
class TransferRequest:
    """过户: the new owner takes over the account from a meter reading taken on site."""

    request_id: uuid.UUID
    account_no: AccountNo
    new_owner: CustomerInput
    contract: ContractInput | None
    meter_reading: int
    # a new card for the new owner; the old one is blacklisted
    new_card_serial: CardSerial | None = None
    new_card_maker: MakerCode = GASDESK_MAKER


@service
def transfer(ctx: Context, actor: Actor, req: TransferRequest) -> SaleResult:
    def work(session: Session) -> SaleResult:
        owner_data = _clean_customer(req.new_owner)
        contract_data = _clean_contract(
            req.contract, required=owner_data.kind == CustomerKind.RESIDENTIAL
        )
        with field_of("new_card_serial"):
            card_serial = (
                check_serial(req.new_card_serial, "新卡号") if req.new_card_serial else None
            )
        on_duty = resolve_actor(session, actor, "transfer")
        lock_shift(session, on_duty)  # the shift first, then the account (one lock order)
        account = account_by_no(session, req.account_no, lock=True)
        require_active(account.status, account.account_no)
        require_card_account(account)
        require_no_pending_write(pending_write_of(session, account.id), account.account_no)
        with field_of("meter_reading"):
            reading = check_site_reading(
                session, ctx, account, req.meter_reading, load_policy(session)
            )
        previous_owner = account.customer_id
        owner = _customer_row(session, ctx, owner_data)
        if owner.id == previous_owner:
            raise RuleViolation("新户主与原户主相同，无需过户", "transfer to the same customer")
        contract = _contract_row(session, account, owner, contract_data)
        account.customer_id = owner.id
        card_id = None
        if card_serial:
            with field_of("new_card_serial"):
                require_same_maker(account, req.new_card_maker)
            retire_cards(ctx, account, "blacklisted")
            with field_of("new_card_serial"):
                card_id = new_card(session, ctx, account, card_serial, req.new_card_maker).id
        recorded = record_transaction(
            session,
            ctx,
            on_duty,
            request_id=req.request_id,
            kind=TransactionKind.TRANSFER,
            account_id=account.id,
            card_id=card_id,
            purchase_count=account.purchase_count,
            meter_reading=reading,
        )
        session.add(
            OwnershipChange(
                transaction_id=recorded.id,
                account_id=account.id,
                from_customer_id=previous_owner,
                to_customer_id=owner.id,
                contract_id=contract.id if contract else None,
            )
        )
        return sale_result(session, recorded.id)

    return run_once(
        ctx, req.request_id, earlier_transaction(TransactionKind.TRANSFER, sale_result), work
    )


@dataclass(frozen=True)
class CloseAccountRequest:
    """销户 from the final meter reading taken on site."""

    request_id: uuid.UUID
    account_no: AccountNo
    final_reading: int
    reason: Reason
    cash_tendered_fen: int | None = None  # when the customer owes a supplementary payment
    card: CardReading | None = None  # the card, when the customer brought it
    payment: Payment = Payment()  # how the balance is paid or paid back


def unused_gas_value(
    session: Session, ctx: Context, account: Account, volume: int
) -> list[tuple[dt.date, Segment]]:
    """Value ``volume`` of unused gas at the prices it was bought, newest purchases first.

    Gas from supplements (补气) was free and is given back at no charge. The result is a list of
    negative segments that restore tier usage in the ladder years the gas was bought in. Gas
    the old system sold (``imported_purchase``: left in the imported meter, or carried over
    from it to a new one) comes after GasDesk's own purchases: its prices are not in the
    import, so it is valued at today's tariff, taken back from the top of this ladder year's
    usage (``_opening_value``).
    """
    voided = select(CounterTransaction.reverses_id).where(
        CounterTransaction.account_id == account.id, CounterTransaction.kind == TransactionKind.VOID
    )
    refunded = select(CounterTransaction.reverses_id).where(
        CounterTransaction.account_id == account.id,
        CounterTransaction.kind == TransactionKind.REFUND,
        CounterTransaction.id.not_in(voided),  # a voided refund gave nothing back
    )
    gone = voided.union(refunded)  # purchases that were voided or really refunded
    credits = session.scalars(
        select(CounterTransaction)
        .where(
            CounterTransaction.account_id == account.id,
            CounterTransaction.kind.in_((TransactionKind.PURCHASE, TransactionKind.SUPPLEMENT)),
            CounterTransaction.id.not_in(gone),
        )
        .order_by(CounterTransaction.id.desc())
    )
    result: list[tuple[dt.date, Segment]] = []
    left = volume
    for txn in credits:
        if left == 0:
            break
        if txn.kind == TransactionKind.SUPPLEMENT:
            left -= min(left, txn.volume)
            continue
        for row in sorted(txn.segments, key=lambda r: -r.tier):
            take = min(left, row.volume)
            if take:
                amount = segment_amount(take, row.price_fen)
                result.append((row.ladder_year, Segment(row.tier, -take, row.price_fen, -amount)))
                left -= take
    if left and left <= imported_purchase(session, account.id):
        result.extend(_opening_value(session, ctx, account, left, result))
        left = 0
    if left:  # more gas unused than was ever put on the cards: the records disagree
        raise RuleViolation(
            "剩余气量超过购气记录，无法结算，请联系班长核查", f"{left} unvalued on {account.id}"
        )
    return result


def _opening_value(
    session: Session,
    ctx: Context,
    account: Account,
    volume: int,
    taken: list[tuple[dt.date, Segment]],
) -> list[tuple[dt.date, Segment]]:
    """Unused gas the old system sold, as negative segments at today's tariff: from the top of
    this ladder year's usage (net of what ``taken`` gives back already) down through its tiers;
    what this year's usage cannot hold was bought in an earlier year, at its first tier."""
    tariff = tariff_in_force(session, account.customer.kind, ctx.today())
    rule = tariff.rule
    year = ladder_year_start(ctx.today(), rule.ladder_start_month)
    used = ladder_usage(session, account.id, year) + sum(
        segment.volume for on, segment in taken if on == year
    )
    inside = min(volume, max(0, used))
    result: list[tuple[dt.date, Segment]] = []
    if inside:
        size = account.customer.household_size
        for segment in price_volume(rule, size, used - inside, inside):
            result.append((year, segment.reversed()))
    earlier = volume - inside
    if earlier:
        price = rule.tiers[0].price_fen
        before = ladder_year_start(year - dt.timedelta(days=1), rule.ladder_start_month)
        amount = segment_amount(earlier, price)
        result.append((before, Segment(1, -earlier, price, -amount)))
    return result


def price_owed_gas(
    session: Session, ctx: Context, account: Account, volume: int
) -> tuple[int, list[tuple[dt.date, Segment]]]:
    """Gas used beyond the credit (销户, 换表 overdrawn gas), priced like a purchase through the
    tier ladder at today's tariff: the tariff's id and the segments (they count as tier use)."""
    today = ctx.today()
    tariff = tariff_in_force(session, account.customer.kind, today)
    rule = tariff.rule
    year = ladder_year_start(today, rule.ladder_start_month)
    usage = ladder_usage(session, account.id, year)
    priced = price_volume(rule, account.customer.household_size, usage, volume)
    return tariff.id, [(year, s) for s in priced]


NO_CARD_MESSAGE = (
    "该户卡内可能还有未插表的气量，销户须读取该户的燃气卡；卡已遗失的，请先办理挂失补卡"
)


def _check_closing_card(account: Account, reading: CardReading | None) -> None:
    """A closing refunds the gas the meter has not used: the gas must not also stay on a card
    the meter would still accept. The reading, when given, must be the account's active card
    with the account's purchase count (the purchase rule, ``check_card_reading``) and show no
    purchase waiting to be loaded. Without a reading the closing is refused while the account
    has an active card that may carry gas (any purchase count above zero): the records never
    know whether the last purchase reached the meter. A lost card is blacklisted first (补卡),
    and the new card is read."""
    active = [card for card in account.cards if card.status == "active"]
    if reading is None:
        if active and account.purchase_count > 0:
            raise RuleViolation(NO_CARD_MESSAGE, f"closing {account.account_no} without its card")
        return
    if not active:
        raise RuleViolation("该户没有在用的燃气卡，请收回此卡", "closing card but no active card")
    if reading.has_unloaded_purchase:
        raise RuleViolation(
            "卡内还有未插表的气量，请先退气或插表后再销户", "unloaded purchase on the card"
        )
    card = active[0]
    check_card_reading(
        CardAccount(
            card.id,
            card.serial,
            account.id,
            account.account_no,
            account.status,
            account.purchase_count,
            account.customer.kind,
            account.customer.household_size,
            None,
            card.maker,
        ),
        reading,
    )


@service
def close_account(ctx: Context, actor: Actor, req: CloseAccountRequest) -> SaleResult:
    """Close the account and settle: refund unused gas, or charge for gas used beyond credit.

    Gas credited = everything put on the account's cards for the meter bound now, net of
    refunds, with carried-over gas not yet written (``meter_periods.meter_credit``); gas used =
    final reading − that meter's installation reading. Unused gas is refunded at the prices it
    was bought at (newest first); gas used beyond the credit is charged like a purchase at
    today's tariff.
    """

    def work(session: Session) -> SaleResult:
        with field_of("reason"):
            reason = require_text(req.reason, "销户原因")
        with field_of("cash_tendered_fen"):
            check_tendered(req.cash_tendered_fen)
        payment = checked_payment(req.payment)
        on_duty = resolve_actor(session, actor, "close_account")
        lock_shift(session, on_duty)  # the shift first, then the account (one lock order)
        account = account_by_no(session, req.account_no, lock=True)
        require_active(account.status, account.account_no)
        require_card_account(account)
        require_no_pending_write(pending_write_of(session, account.id), account.account_no)
        if account.meter is None:
            raise NotFound("该户没有绑定燃气表", f"account {account.account_no} has no meter")
        policy = load_policy(session)
        with field_of("final_reading"):
            reading = check_site_reading(session, ctx, account, req.final_reading, policy)
        used = reading - account.meter.initial_reading
        credited = meter_credit(session, account.id)  # the meter bound now
        balance = credited - used  # > 0: unused gas to refund; < 0: gas owed
        tariff_id = None
        if balance > 0:
            segments = unused_gas_value(session, ctx, account, balance)
        elif balance < 0:
            tariff_id, segments = price_owed_gas(session, ctx, account, -balance)
        else:
            segments = []
        amount = total_amount([s for _, s in segments])
        check_charge(policy, amount_fen=amount, volume=max(-balance, 0), what="销户补缴")
        with field_of("cash_tendered_fen"):
            tendered, change = settle_payment(amount, req.cash_tendered_fen, payment, policy)
        warning = check_cash_sale(session, on_duty, payment, amount, policy)
        _check_closing_card(account, req.card)  # after the input checks: bad input says so first
        if req.card is not None:  # an old system's card is checked against its import first
            active = next(c for c in account.cards if c.status == CardStatus.ACTIVE)
            require_card_taken_over(session, active.id, active.serial)
        retire_cards(ctx, account, "retired")
        account.status = "closed"
        account.closed_at = ctx.now()
        account.meter.account_id = None  # the meter can serve a new account
        # its final register is where the next account starts (check_reused_meter_reading)
        account.meter.initial_reading = reading
        recorded = record_transaction(
            session,
            ctx,
            on_duty,
            request_id=req.request_id,
            kind=TransactionKind.CLOSING,
            account_id=account.id,
            segments=segments,
            amount_fen=amount,
            volume=-balance,
            purchase_count=account.purchase_count,
            tariff_id=tariff_id,
            cash_tendered_fen=tendered,
            change_fen=change,
            reason=reason,
            meter_reading=reading,
            payment_method=payment.method,
            payment_ref=payment.reference,
        )
        return dataclasses.replace(sale_result(session, recorded.id), warning=warning)

    return run_once(
        ctx, req.request_id, earlier_transaction(TransactionKind.CLOSING, sale_result), work
    )
