"""SQLAlchemy 2 models of the hall's records.

Money is integer fen, volume integer 0.01 m³ (``app.domain.money``). Tables whose class derives
from ``AppendOnly`` hold money, gas or evidence: rows are only ever inserted. The session refuses
to flush an update or delete of them (``db.session``) and the migrations add database triggers
that refuse it too; corrections are new, reversing rows.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class AppendOnly:
    """Marker: rows of this table are never updated or deleted."""


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Timestamps are stored in UTC and always come back timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):  # type: ignore[no-untyped-def]
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime: pass an aware datetime")
            value = value.astimezone(dt.UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):  # type: ignore[no-untyped-def]
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


Money = BigInteger  # fen
Volume = BigInteger  # 0.01 m³
Timestamp = UtcDateTime()


class Hall(Base):
    __tablename__ = "halls"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(100))


class Counter(Base):
    __tablename__ = "counters"
    __table_args__ = (UniqueConstraint("hall_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    code: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(50))
    hall: Mapped[Hall] = relationship()


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class Setting(Base):
    """Hall-wide business settings shared by every counter (sale step, fees, thresholds)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class NumberSequence(Base):
    """Gapless counters (receipt numbers per hall and year, account numbers per hall).

    Moved on inside the same transaction as the row that uses the number, so the number and the
    row commit or vanish together and concurrent counters queue on the row: account and
    hand-over numbers by an UPDATE (``ledger.next_number``), receipt numbers by the trigger on
    ``counter_transactions`` that also refuses any number but the next (migration 0008).
    """

    __tablename__ = "number_sequences"
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    last_value: Mapped[int] = mapped_column(BigInteger)


class Tariff(AppendOnly, Base):
    """A tariff version: never edited, a price change is a new version from its date."""

    __tablename__ = "tariffs"
    __table_args__ = (UniqueConstraint("customer_class", "effective_from"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_class: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    ladder_start_month: Mapped[int] = mapped_column(Integer)
    household_threshold: Mapped[int] = mapped_column(Integer, default=0)
    extra_per_member: Mapped[int] = mapped_column(Volume, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    tiers: Mapped[list[TariffTier]] = relationship(
        order_by="TariffTier.tier_no", cascade="all, delete-orphan"
    )


class TariffTier(AppendOnly, Base):
    __tablename__ = "tariff_tiers"
    __table_args__ = (UniqueConstraint("tariff_id", "tier_no"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tariff_id: Mapped[int] = mapped_column(ForeignKey("tariffs.id"))
    tier_no: Mapped[int] = mapped_column(Integer)
    upper: Mapped[int | None] = mapped_column(Volume)
    price_fen: Mapped[int] = mapped_column(Money)


class Customer(Base):
    __tablename__ = "customers"
    # one customer per identity document: two counters registering the same person at once
    # cannot create two (migration 0007)
    __table_args__ = (Index("uq_customers_identity", "id_type", "id_number", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # residential / commercial
    name: Mapped[str] = mapped_column(String(100))
    id_type: Mapped[str] = mapped_column(String(20))
    id_number: Mapped[str] = mapped_column(String(40), index=True)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    household_size: Mapped[int] = mapped_column(Integer, default=1)
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class Account(Base):
    """户号: the supply account. ``purchase_count`` mirrors the count on the account's card."""

    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_no: Mapped[str] = mapped_column(String(20), unique=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    status: Mapped[str] = mapped_column(String(10))  # AccountStatus
    # 0011: AccountKind (card / post-paid / remote-read); GasDesk opens card accounts
    kind: Mapped[str] = mapped_column(String(10), default="card", server_default="card")
    purchase_count: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    closed_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    customer: Mapped[Customer] = relationship()
    meter: Mapped[Meter | None] = relationship(back_populates="account", uselist=False)
    cards: Mapped[list[Card]] = relationship(back_populates="account", order_by="Card.id")


class Meter(Base):
    """A gas meter. The meter bound to an account has its ``account_id``; a meter replaced
    (换表) is retired: no account, its final reading and retirement kept (``meter_replacements``
    names the account it served)."""

    __tablename__ = "meters"
    id: Mapped[int] = mapped_column(primary_key=True)
    meter_no: Mapped[str] = mapped_column(String(30), unique=True)
    model: Mapped[str] = mapped_column(String(50), default="")
    initial_reading: Mapped[int] = mapped_column(Volume, default=0)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), unique=True)
    # 0010: the life cycle (MeterStatus), and the rated flow (0.01 m³/h) that puts a
    # commercial meter in a purchase-limit band
    status: Mapped[str] = mapped_column(String(10), default="active", server_default="active")
    final_reading: Mapped[int | None] = mapped_column(Volume)
    retired_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    installed_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    rated_flow: Mapped[int | None] = mapped_column(Volume)
    account: Mapped[Account | None] = relationship(back_populates="meter")


class Card(Base):
    __tablename__ = "cards"
    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(30), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    status: Mapped[str] = mapped_column(String(12))  # active / blacklisted / retired
    # the maker code of the card's driver (app.domain.cards.GASDESK_MAKER: format v1)
    maker: Mapped[str] = mapped_column(String(20), default="gasdesk", server_default="gasdesk")
    issued_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    status_changed_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    account: Mapped[Account] = relationship(back_populates="cards")


class Contract(Base):
    """供用气合同, with the proxy (代办人) who signed on the owner's behalf, if any."""

    __tablename__ = "contracts"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    number: Mapped[str] = mapped_column(String(50), unique=True)
    signed_on: Mapped[dt.date] = mapped_column(Date)
    proxy_name: Mapped[str | None] = mapped_column(String(100))
    proxy_id_number: Mapped[str | None] = mapped_column(String(40))
    proxy_relation: Mapped[str | None] = mapped_column(String(50))


class CounterTransaction(AppendOnly, Base):
    """One counter operation, money and gas signed from the hall's point of view, with its receipt
    number.

    ``amount_fen`` > 0: the customer pays; < 0: the hall pays back. ``volume`` > 0: gas put on
    the account's card; < 0: gas taken back. ``request_id`` is generated by the client before the
    first submit, so a retried submit finds the first row instead of making a second one.
    """

    __tablename__ = "counter_transactions"
    __table_args__ = (
        Index("ix_counter_transactions_account_created", "account_id", "id"),
        # covers the drawer sum of a shift checked on every cash sale (no table visits)
        Index("ix_counter_transactions_shift_cash", "shift_id", "payment_method", "amount_fen"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"))
    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    business_date: Mapped[dt.date] = mapped_column(Date, index=True)
    amount_fen: Mapped[int] = mapped_column(Money, default=0)
    volume: Mapped[int] = mapped_column(Volume, default=0)
    purchase_count: Mapped[int | None] = mapped_column(Integer)
    tariff_id: Mapped[int | None] = mapped_column(ForeignKey("tariffs.id"))
    cash_tendered_fen: Mapped[int | None] = mapped_column(Money)
    change_fen: Mapped[int | None] = mapped_column(Money)
    reason: Mapped[str | None] = mapped_column(Text)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("counter_transactions.id"))
    # the clerk's open shift the money went through, and how it was paid (None: no money)
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shifts.id"))
    payment_method: Mapped[str | None] = mapped_column(String(12))
    payment_ref: Mapped[str | None] = mapped_column(String(64))
    meter_reading: Mapped[int | None] = mapped_column(Volume)
    # The receipt number: gapless per hall and year (``NumberSequence``), unique across counters.
    receipt_year: Mapped[int] = mapped_column(Integer)
    receipt_seq: Mapped[int] = mapped_column(Integer)
    receipt_no: Mapped[str] = mapped_column(String(30), unique=True)
    segments: Mapped[list[TransactionSegment]] = relationship(order_by="TransactionSegment.tier")
    approvals: Mapped[list[Approval]] = relationship(order_by="Approval.id")


class TransactionSegment(AppendOnly, Base):
    """The part of a transaction priced at one tier of one ladder year."""

    __tablename__ = "transaction_segments"
    __table_args__ = (Index("ix_transaction_segments_usage", "account_id", "ladder_year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("counter_transactions.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    ladder_year: Mapped[dt.date] = mapped_column(Date)
    tier: Mapped[int] = mapped_column(Integer)
    volume: Mapped[int] = mapped_column(Volume)
    price_fen: Mapped[int] = mapped_column(Money)
    amount_fen: Mapped[int] = mapped_column(Money)


class Approval(AppendOnly, Base):
    """Who approved a refund, supplement, over/short or other guarded operation, in which role,
    and why: a counter transaction or a cash movement (exactly one of the two)."""

    __tablename__ = "approvals"
    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("counter_transactions.id"), index=True
    )
    cash_movement_id: Mapped[int | None] = mapped_column(
        ForeignKey("cash_movements.id"), index=True
    )
    approver_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    approved_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class Shift(Base):
    """班次: one clerk at one counter from opening to close.

    The only columns that ever change are the closing ones, once (a trigger refuses any change
    to a closed shift and any delete). At most one open shift per counter and per clerk (partial
    unique indexes). Money is never stored here: the drawer is the sum of the shift's rows.
    """

    __tablename__ = "shifts"
    __table_args__ = (
        Index(
            "uq_shifts_open_counter",
            "counter_id",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
        Index(
            "uq_shifts_open_clerk",
            "clerk_id",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    open_request_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"), index=True)
    clerk_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    business_date: Mapped[dt.date] = mapped_column(Date, index=True)
    opened_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    closed_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    close_request_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)
    explanation: Mapped[str | None] = mapped_column(Text)


class ShiftCount(AppendOnly, Base):
    """A blind count of the drawer at close: cash by denomination, non-cash totals by method.

    A recount adds a row; the close compares against the shift's latest count."""

    __tablename__ = "shift_counts"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), index=True)
    counted_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    counted_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    cash_fen: Mapped[int] = mapped_column(Money)
    denominations: Mapped[str] = mapped_column(Text)  # JSON: face value (fen) → pieces, coins
    noncash: Mapped[str] = mapped_column(Text)  # JSON: payment method → counted fen
    # JSON: payment method → expected fen when counted; the close refuses a stale count
    expected: Mapped[str] = mapped_column(Text)


class CashMovement(AppendOnly, Base):
    """Cash moved without a customer: float, cash in/out, hand-over to finance, safe, over/short.

    ``drawer_fen``, ``safe_fen`` and ``finance_fen`` are the signed effect on the shift's drawer,
    the hall's safe and finance: a hand-over from the drawer is drawer −a, finance +a. The
    drawer's expected cash is the sum of its movements plus the shift's cash transactions.
    ``amount_fen`` is the figure printed (signed for over/short: + 长款, − 短款).
    """

    __tablename__ = "cash_movements"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"))
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shifts.id"), index=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    business_date: Mapped[dt.date] = mapped_column(Date, index=True)
    payment_method: Mapped[str] = mapped_column(String(12), default="cash")
    amount_fen: Mapped[int] = mapped_column(Money)
    drawer_fen: Mapped[int] = mapped_column(Money, default=0)
    safe_fen: Mapped[int] = mapped_column(Money, default=0)
    finance_fen: Mapped[int] = mapped_column(Money, default=0)
    reason: Mapped[str | None] = mapped_column(Text)
    denominations: Mapped[str | None] = mapped_column(Text)
    counterpart_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    slip_no: Mapped[str | None] = mapped_column(String(30), unique=True)


class OwnershipChange(AppendOnly, Base):
    """过户 evidence: who owned the account before and after, and under which contract."""

    __tablename__ = "ownership_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("counter_transactions.id"), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    from_customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    to_customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))


class CardWrite(AppendOnly, Base):
    """A card write the counter started for a transaction (PENDING until it has an outcome).

    The card's purchase count decides it: ``target_count`` on the card means the write landed,
    ``previous_count`` means it did not (docs/sale-protocol.md).
    """

    __tablename__ = "card_writes"
    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("counter_transactions.id"), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"))
    previous_count: Mapped[int] = mapped_column(Integer)
    target_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    # the gas on the card before and after the write (0.01 m³; None: recorded before 0009)
    previous_volume: Mapped[int | None] = mapped_column(Volume)
    target_volume: Mapped[int | None] = mapped_column(Volume)


class CardWriteOutcome(AppendOnly, Base):
    """How a card write ended: completed, or voided (the money given back by a void row)."""

    __tablename__ = "card_write_outcomes"
    id: Mapped[int] = mapped_column(primary_key=True)
    card_write_id: Mapped[int] = mapped_column(ForeignKey("card_writes.id"), unique=True)
    outcome: Mapped[str] = mapped_column(String(10))  # completed / voided
    evidence: Mapped[str] = mapped_column(String(20))  # verified / card_count
    settled_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    settled_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    void_transaction_id: Mapped[int | None] = mapped_column(ForeignKey("counter_transactions.id"))


class MakerCardKey(AppendOnly, Base):
    """The key a maker's card returned after a write (some makers change it every write): the
    newest row of a card is the key its next write presents. Not audited, never logged."""

    __tablename__ = "card_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), index=True)
    secret: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class MeterReplacement(AppendOnly, Base):
    """换表: one meter replaced by another on an account, with the figures that settle it.

    ``transaction_id`` is the counter transaction of kind ``meter_replacement`` (its fees);
    ``overdrawn_transaction_id`` the sale of the overdrawn gas, when there was any. Carried-over
    gas is written to the card by later ``carry_over`` transactions; what remains is the
    carry-over less their volumes (``app.services.meters``).
    """

    __tablename__ = "meter_replacements"
    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("counter_transactions.id"), unique=True)
    overdrawn_transaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("counter_transactions.id")
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    old_meter_id: Mapped[int] = mapped_column(ForeignKey("meters.id"))
    new_meter_id: Mapped[int] = mapped_column(ForeignKey("meters.id"))
    new_card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"))
    technician: Mapped[str] = mapped_column(String(50))
    final_reading: Mapped[int] = mapped_column(Volume)
    old_initial_reading: Mapped[int] = mapped_column(Volume)
    bought_volume: Mapped[int] = mapped_column(Volume)  # loaded or on the card for the old meter
    used_volume: Mapped[int] = mapped_column(Volume)  # final − initial reading
    carry_over_volume: Mapped[int] = mapped_column(Volume)  # max(0, bought − used)
    overdrawn_volume: Mapped[int] = mapped_column(Volume)  # max(0, used − bought)
    customer_at_fault: Mapped[bool] = mapped_column(Boolean)
    meter_fee_fen: Mapped[int] = mapped_column(Money)  # the fees the replacement charged
    card_fee_fen: Mapped[int] = mapped_column(Money)
    tool_card_return_id: Mapped[int | None] = mapped_column(ForeignKey("tool_card_returns.id"))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class ToolCard(AppendOnly, Base):
    """工具卡: a tool card made at the counter for a technician and a meter, with a reason."""

    __tablename__ = "tool_cards"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    serial: Mapped[str] = mapped_column(String(30), index=True)
    maker: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))  # ToolCardKind
    meter_no: Mapped[str] = mapped_column(String(30))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    technician: Mapped[str] = mapped_column(String(50))
    reason: Mapped[str] = mapped_column(Text)
    parameters: Mapped[str | None] = mapped_column(Text)  # JSON: what a set-up card carries
    issued_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"))
    issued_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class ToolCardReturn(AppendOnly, Base):
    """A tool card brought back to the counter and what it brought back from the meter."""

    __tablename__ = "tool_card_returns"
    id: Mapped[int] = mapped_column(primary_key=True)
    tool_card_id: Mapped[int] = mapped_column(ForeignKey("tool_cards.id"), unique=True)
    received_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    returned_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    used: Mapped[bool] = mapped_column(Boolean)  # the meter took it (False: came back unused)
    meter_no: Mapped[str | None] = mapped_column(String(30))
    remaining_volume: Mapped[int | None] = mapped_column(Volume)
    cumulative_volume: Mapped[int | None] = mapped_column(Volume)
    meter_status: Mapped[int | None] = mapped_column(Integer)  # fault bits as the card has them
    state: Mapped[str | None] = mapped_column(Text)  # JSON: every field the card brought back


class Inspection(AppendOnly, Base):
    """安检: one safety inspection's result for an account (the newest is its status)."""

    __tablename__ = "inspections"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    inspected_on: Mapped[dt.date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(String(20))  # InspectionResult
    inspector: Mapped[str] = mapped_column(String(50))
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10))  # InspectionSource
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class AccountLimit(AppendOnly, Base):
    """An account's own purchase limit (限购), replacing its class's; the newest row holds
    (``volume`` None: back to the class limit)."""

    __tablename__ = "account_limits"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    volume: Mapped[int | None] = mapped_column(Volume)
    reason: Mapped[str] = mapped_column(Text)
    set_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class SaleOverride(AppendOnly, Base):
    """A team leader's override of a purchase limit or a safety hold for one sale."""

    __tablename__ = "sale_overrides"
    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("counter_transactions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # OverrideKind
    approver_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    detail: Mapped[str] = mapped_column(Text)  # what was overridden, as the receipt prints it
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class ImportBatch(Base):
    """One go-live import (or the rollback of one): its files (name, SHA-256, rows) and how far
    it got. ``content_hash`` over the files and the mapping makes the same import found again
    (done: nothing to do; running: resumed). Updated as it goes, and in the audit chain."""

    __tablename__ = "import_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_no: Mapped[str] = mapped_column(String(30), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # ImportBatchKind
    status: Mapped[str] = mapped_column(String(12))  # ImportBatchStatus
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    files: Mapped[str] = mapped_column(Text)  # JSON [{"name", "sha256", "rows"}]
    options: Mapped[str] = mapped_column(Text)  # JSON: skipped rows, mapping file
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    accounts_total: Mapped[int] = mapped_column(Integer, default=0)
    accounts_done: Mapped[int] = mapped_column(Integer, default=0)
    started_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    finished_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)


class ImportedAccount(AppendOnly, Base):
    """An account an import batch created (by its number: a rollback deletes the account, this
    record stays), and whether the batch created its customer too."""

    __tablename__ = "imported_accounts"
    __table_args__ = (UniqueConstraint("batch_id", "account_no"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"))
    account_no: Mapped[str] = mapped_column(String(20), index=True)
    customer_created: Mapped[bool] = mapped_column(Boolean)
    source_row: Mapped[int] = mapped_column(Integer)  # its row in the accounts file
    # the meter it came with and the gas bought for that meter in the old system: the credit
    # a closing or a meter replacement settles against while that meter is still bound
    meter_no: Mapped[str | None] = mapped_column(String(30))
    cumulative_purchased: Mapped[int | None] = mapped_column(Volume)


class ImportedCard(AppendOnly, Base):
    """A card as the old system recorded it: what its first visit is checked against (接管)."""

    __tablename__ = "imported_cards"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"))
    account_no: Mapped[str] = mapped_column(String(20))
    serial: Mapped[str] = mapped_column(String(30), index=True)
    maker: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12))  # CardStatus as imported
    purchase_count: Mapped[int] = mapped_column(Integer)
    gas_on_card: Mapped[int] = mapped_column(Volume)
    cumulative_purchased: Mapped[int | None] = mapped_column(Volume)


class OpeningUsage(AppendOnly, Base):
    """Gas an account bought in a ladder year before GasDesk (an import's opening row): priced
    in no sale, counted by the tier ladder. A rollback adds the negated row."""

    __tablename__ = "opening_usage"
    __table_args__ = (Index("ix_opening_usage_account", "account_no", "ladder_year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"))
    account_no: Mapped[str] = mapped_column(String(20))
    ladder_year: Mapped[dt.date] = mapped_column(Date)
    volume: Mapped[int] = mapped_column(Volume)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("opening_usage.id"))


class OpeningEntry(AppendOnly, Base):
    """A post-paid or remote-read account's opening balance or unpaid bill from the old system
    (OpeningEntryKind), with the import's batch. Never takings of a shift. A rollback adds the
    negated row."""

    __tablename__ = "opening_entries"
    __table_args__ = (Index("ix_opening_entries_account", "account_no", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"))
    account_no: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(10))  # OpeningEntryKind
    amount_fen: Mapped[int] = mapped_column(Money)  # balance: + credit, − owed; bill: billed
    paid_fen: Mapped[int] = mapped_column(Money, default=0)  # bill: paid already
    as_of: Mapped[dt.date] = mapped_column(Date)  # balance: its date; bill: the reading date
    bill_no: Mapped[str | None] = mapped_column(String(40))
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    last_reading: Mapped[int | None] = mapped_column(Volume)
    this_reading: Mapped[int | None] = mapped_column(Volume)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("opening_entries.id"))


class CardTakeover(AppendOnly, Base):
    """An imported card's first visit (接管): its count and gas as read against the imported
    figures; a mismatch taken over only with a team leader's approval and reason."""

    __tablename__ = "card_takeovers"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), unique=True)
    imported_card_id: Mapped[int] = mapped_column(ForeignKey("imported_cards.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    read_count: Mapped[int] = mapped_column(Integer)
    read_gas: Mapped[int] = mapped_column(Volume)
    imported_count: Mapped[int] = mapped_column(Integer)
    imported_gas: Mapped[int] = mapped_column(Volume)
    matched: Mapped[bool] = mapped_column(Boolean)
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class PrintJob(AppendOnly, Base):
    """A receipt to print: the original (copy 0) or the n-th reprint (重印) of a transaction."""

    __tablename__ = "print_jobs"
    __table_args__ = (UniqueConstraint("transaction_id", "copy_no"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("counter_transactions.id"))
    copy_no: Mapped[int] = mapped_column(Integer)  # 0 original, n reprint
    requested_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"))


class PrintAttempt(AppendOnly, Base):
    """One try at printing a job: printed, or failed with the printer's problem."""

    __tablename__ = "print_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("print_jobs.id"), index=True)
    attempted_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    outcome: Mapped[str] = mapped_column(String(12))  # printed / failed / interrupted
    printer: Mapped[str] = mapped_column(String(100))
    detail: Mapped[str | None] = mapped_column(Text)
    bytes_sent: Mapped[int] = mapped_column(Integer, default=0)


class AuditEntry(AppendOnly, Base):
    """One entry of the tamper-evident audit log: every business and security event.

    ``mac`` = HMAC-SHA256(key, previous entry's mac + this entry's fields); the key lives outside
    the database (``app.auditkey``). ``seq`` runs 1, 2, 3 ... without gaps, so an edited,
    reordered or deleted entry breaks the chain at that place (``app.services.audit.verify``).
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_user_kind", "user_id", "kind", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    at: Mapped[dt.datetime] = mapped_column(Timestamp)
    kind: Mapped[str] = mapped_column(String(40))
    hall_id: Mapped[int | None] = mapped_column(Integer)
    counter_id: Mapped[int | None] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(Integer)
    ref: Mapped[str | None] = mapped_column(String(60))  # "table:id" of the row it is about
    data: Mapped[str] = mapped_column(Text)  # canonical JSON
    mac: Mapped[str] = mapped_column(String(64))


class AuditPending(Base):
    """Rows a transaction wrote to an audited table, noted by the capture triggers (table, key,
    the row's figures as JSON rendered by the database).

    The writer chains the rows' figures and removes its notes before it commits; ``txid`` tells
    a PostgreSQL writer its own notes (-1: rows that predate the audit coverage, adopted once).
    """

    __tablename__ = "audit_pending"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(primary_key=True)
    tbl: Mapped[str] = mapped_column(String(40))
    pk: Mapped[str] = mapped_column(String(100))
    txid: Mapped[int | None] = mapped_column(BigInteger, index=True)
    figures: Mapped[str | None] = mapped_column(Text)  # the row as JSON; none: deleted


class AuditHead(Base):
    """The chain head (one row): the last entry's seq and mac, taken with a row lock by every
    writer so entries are numbered and chained in commit order."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    mac: Mapped[str] = mapped_column(String(64))
    # keyed tag of (seq, mac): a head re-pointed at an older entry does not match it
    tag: Mapped[str | None] = mapped_column(String(64))


APPEND_ONLY_TABLES = tuple(
    mapper.class_.__tablename__
    for mapper in Base.registry.mappers
    if issubclass(mapper.class_, AppendOnly)
)
