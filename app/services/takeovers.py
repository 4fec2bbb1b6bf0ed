"""Taking over an old system's card at its first visit (接管, issue 17).

The go-live import records each card as the old system had it (``imported_cards``): its count
and the gas on it not yet in the meter. The first time the card is in the reader, its count and
gas as read are compared with those figures: equal, the card is taken over and sold on as any
other; different, only a team leader's approval with a reason takes it over, and the account's
purchase count then follows the card (the count the meter expects next is the card's). A card
whose number the old system recorded wrong is found by its account number (the card's image
carries it), always with a team leader, and its number on record is corrected to the card's.

Until it is taken over, no gas goes onto the card (``locks.require_taken_over``, checked in the
sale's one read). Every takeover is one ``card_takeovers`` row (one per card), audited in its
own transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Row, bindparam, exists, insert, select, update
from sqlalchemy.orm import Session

from app.context import Context
from app.domain.cards import CardReading
from app.domain.identity import normalize_identifier
from app.domain.takeover import TakeoverFigures, TakeoverNeeded
from app.errors import InvalidInput, NotFound, RuleViolation
from app.services import audit
from app.services.actor import Actor, resolve_actor
from app.services.boundary import AccountNo, CardSerial, Reason, require_text, service
from app.services.credentials import Credential, confirm_credential
from app.services.limits import OVERRIDE_ROLES
from app.services.locks import CardAccount, card_and_account, card_as_seen
from app.services.permissions import LOOK_UP
from app.services.unit_of_work import Earlier, run_once, submitted_in
from app.vocabulary import CardStatus, ImportBatchStatus
from db.engine import connection_of
from db.tables import accounts, card_takeovers, cards, import_batches, imported_cards, users

TAKE_OVER = "settle_card"  # the permission a card read at the counter needs


@dataclass(frozen=True)
class ImportedCardFigures:
    """A card as the old system recorded it (one ``imported_cards`` row)."""

    imported_card_id: int
    batch_id: int
    account_no: str
    serial: str
    maker: str
    status: str  # CardStatus as imported
    purchase_count: int
    gas_on_card: int  # 0.01 m³ not yet in the meter
    cumulative_purchased: int | None


@dataclass(frozen=True)
class TakeoverRequest:
    """The card in the reader taken over: as read, and (when its figures differ from the import
    or it was found by its account number) a team leader's approval with a reason.
    ``account_no``: the account number the card's image carries, to find a card whose number
    the old system recorded wrong."""

    request_id: uuid.UUID
    card_serial: CardSerial
    reading: CardReading
    approval: Credential | None = None
    reason: Reason | None = None
    account_no: AccountNo | None = None


@dataclass(frozen=True)
class TakeoverResult:
    """A card taken over: the figures compared, who approved it and why, and the account's
    purchase count now (the card's)."""

    takeover_id: int
    request_id: uuid.UUID
    account_no: str
    card_serial: str  # as the card carries it (and the records, from now on)
    maker: str
    matched: bool
    read_count: int
    read_gas: int
    imported_count: int
    imported_gas: int
    approver_id: int | None
    approver_name: str | None
    reason: str | None
    corrected_from: str | None  # the number on record before (a match by account number)
    purchase_count: int


_LIVE = (import_batches.c.status == ImportBatchStatus.COMPLETED) | (
    import_batches.c.status == ImportBatchStatus.RUNNING
)
_TAKEN = exists().where(card_takeovers.c.card_id == cards.c.id)
_IMPORTED = select(imported_cards).join(
    import_batches, import_batches.c.id == imported_cards.c.batch_id
)
_PENDING = (
    _IMPORTED.join(
        cards,
        (cards.c.serial == imported_cards.c.serial) & (cards.c.maker == imported_cards.c.maker),
    )
    .where(cards.c.id == bindparam("card_id"), _LIVE, ~_TAKEN)
    .order_by(imported_cards.c.id.desc())
    .limit(1)
)
# an account's imported card of one maker still waiting, its card on record active: what a card
# whose number is not on record is matched with (its image's account number)
_BY_ACCOUNT = (
    select(imported_cards, cards.c.serial.label("card_serial"))
    .join(import_batches, import_batches.c.id == imported_cards.c.batch_id)
    .join(
        cards,
        (cards.c.serial == imported_cards.c.serial) & (cards.c.maker == imported_cards.c.maker),
    )
    .join(accounts, accounts.c.id == cards.c.account_id)
    .where(
        imported_cards.c.account_no == bindparam("account_no"),
        accounts.c.account_no == bindparam("account_no"),
        imported_cards.c.maker == bindparam("maker"),
        cards.c.status == CardStatus.ACTIVE,
        _LIVE,
        ~_TAKEN,
    )
    .order_by(imported_cards.c.id.desc())
    .limit(1)
)


def _figures(row: Row) -> ImportedCardFigures:  # type: ignore[type-arg]
    return ImportedCardFigures(
        row.id,
        row.batch_id,
        row.account_no,
        row.serial,
        row.maker,
        row.status,
        row.purchase_count,
        row.gas_on_card,
        row.cumulative_purchased,
    )


def pending_takeover(session: Session, card_id: int) -> ImportedCardFigures | None:
    """The imported figures of card ``card_id`` while it waits for its takeover (None: it never
    came from an import, its batch was rolled back, or it was taken over already)."""
    row = connection_of(session).execute(_PENDING, {"card_id": card_id}).first()
    return None if row is None else _figures(row)


def _check_reading(reading: object) -> CardReading:
    if not isinstance(reading, CardReading):
        raise InvalidInput("读卡结果无效", f"not a CardReading: {reading!r}")
    return reading


@dataclass(frozen=True)
class _Found:
    """The card on record a takeover is of, with its imported figures."""

    card_serial: str  # on record
    imported: ImportedCardFigures
    figures: TakeoverFigures
    card: CardAccount | None  # locked with its account (None: only looked at)


def _find(
    session: Session, reading: CardReading, account_no: str | None, *, lock: bool
) -> _Found | None:
    """The card on record the card as read is, and its import, when it waits for a takeover:
    by its number and maker; a number not on record by the image's account number. None: no
    takeover is due (never imported, or taken over already). A blacklisted card (the old
    system had it as lost) is refused as everywhere (``locks.card_account_in``)."""
    serial = normalize_identifier(reading.serial or "")
    try:
        card = card_and_account(session, serial) if lock else card_as_seen(session, serial)
    except NotFound:
        if not account_no:
            raise
        conn = connection_of(session)
        params = {"account_no": normalize_identifier(account_no), "maker": reading.maker}
        row = conn.execute(_BY_ACCOUNT, params).first()
        if row is None:
            raise
        imported = _figures(row)
        if lock:
            # the card on record, locked with its account (refused if no longer usable), and
            # still waiting once locked: another counter may have taken it over meanwhile
            card = card_and_account(session, row.card_serial)
            if card.pending_takeover is None:
                return None
            imported = pending_takeover(session, card.card_id) or imported
        figures = _takeover_figures(reading, imported, True)
        return _Found(row.card_serial, imported, figures, card if lock else None)
    if card.maker != reading.maker:
        raise RuleViolation(
            "卡片厂家与系统记录不符，请联系班长",
            f"card {card.serial} read by {reading.maker}, registered as {card.maker}",
        )
    if card.pending_takeover is None:  # read with the card (``locks.PENDING_TAKEOVER``)
        return None
    imported = pending_takeover(session, card.card_id)
    if imported is None:
        return None
    figures = _takeover_figures(reading, imported, False)
    return _Found(card.serial, imported, figures, card if lock else None)


def _takeover_figures(
    reading: CardReading, imported: ImportedCardFigures, by_account: bool
) -> TakeoverFigures:
    return TakeoverFigures(
        account_no=imported.account_no,
        serial=normalize_identifier(reading.serial),
        maker=reading.maker,
        read_count=reading.purchase_count,
        read_gas=reading.pending_volume,
        imported_count=imported.purchase_count,
        imported_gas=imported.gas_on_card,
        recorded_serial=imported.serial,
        by_account=by_account,
    )


@service
def takeover_due(
    ctx: Context, actor: Actor, reading: CardReading, account_no: AccountNo | None = None
) -> TakeoverFigures | None:
    """What a takeover of the card as read would compare (None: the card needs none). Decides
    nothing: the counter asks it on every card read, ``take_over_card`` decides under lock."""
    reading = _check_reading(reading)
    with ctx.reading() as session:
        resolve_actor(session, actor, LOOK_UP)
        found = _find(session, reading, account_no, lock=False)
        return None if found is None else found.figures


_RESULT = (
    select(
        card_takeovers,
        accounts.c.account_no,
        accounts.c.purchase_count.label("account_count"),
        cards.c.serial.label("card_serial"),
        cards.c.maker,
        imported_cards.c.serial.label("imported_serial"),
        users.c.display_name.label("approver_name"),
    )
    .join_from(card_takeovers, accounts, accounts.c.id == card_takeovers.c.account_id)
    .join(cards, cards.c.id == card_takeovers.c.card_id)
    .join(imported_cards, imported_cards.c.id == card_takeovers.c.imported_card_id)
    .outerjoin(users, users.c.id == card_takeovers.c.approver_id)
    .where(card_takeovers.c.id == bindparam("takeover_id"))
)


def takeover_result(session: Session, takeover_id: int) -> TakeoverResult:
    """A recorded takeover, rebuilt from its row (a retried submit gets the first's result)."""
    row = connection_of(session).execute(_RESULT, {"takeover_id": takeover_id}).one()
    return TakeoverResult(
        takeover_id=row.id,
        request_id=row.request_id,
        account_no=row.account_no,
        card_serial=row.card_serial,
        maker=row.maker,
        matched=row.matched,
        read_count=row.read_count,
        read_gas=row.read_gas,
        imported_count=row.imported_count,
        imported_gas=row.imported_gas,
        approver_id=row.approver_id,
        approver_name=row.approver_name,
        reason=row.reason,
        corrected_from=row.imported_serial if row.imported_serial != row.card_serial else None,
        purchase_count=row.account_count,
    )


_EARLIER = Earlier(submitted_in(card_takeovers.c.request_id), takeover_result)
_SET_COUNT = (
    update(accounts)
    .where(accounts.c.id == bindparam("account_id"))
    .values(purchase_count=bindparam("count"))
)
_SET_SERIAL = (
    update(cards).where(cards.c.id == bindparam("card_id")).values(serial=bindparam("serial"))
)


@service
def take_over_card(ctx: Context, actor: Actor, req: TakeoverRequest) -> TakeoverResult:
    """接管: the imported card in the reader becomes GasDesk's, its figures as read checked
    against the import (``TakeoverNeeded`` without a team leader when they differ or the card
    was found by its account number); the account's count follows the card."""
    reading = _check_reading(req.reading)
    if normalize_identifier(reading.serial or "") != req.card_serial:
        raise InvalidInput(
            "读卡结果与所选卡不符", f"read {reading.serial}, asked {req.card_serial}"
        )

    def work(session: Session) -> TakeoverResult:
        on_duty = resolve_actor(session, actor, TAKE_OVER)
        found = _find(session, reading, req.account_no, lock=True)
        if found is None:
            raise RuleViolation(
                "此卡不是待接管的旧系统卡（未导入或已接管），无需接管",
                f"card {req.card_serial} has no pending takeover",
            )
        figures, card = found.figures, found.card
        assert card is not None  # found under lock
        approver_id = reason = None
        if figures.needs_approval:
            if req.approval is None:
                raise TakeoverNeeded(figures)
            reason = require_text(req.reason, "接管原因")
            approver_id = confirm_credential(
                session,
                req.approval,
                roles=OVERRIDE_ROLES,
                not_user=on_duty.user_id,
                what="核准班长",
            ).user_id
        conn = connection_of(session)
        if figures.by_account:
            # the number as the card carries it is the one on record from now on
            conn.execute(_SET_SERIAL, {"card_id": card.card_id, "serial": figures.serial})
            reason = f"{reason}（卡号更正：{found.card_serial}→{figures.serial}）"
        if card.purchase_count != reading.purchase_count:
            # the meter takes the next purchase only at the card's count + 1
            conn.execute(
                _SET_COUNT, {"account_id": card.account_id, "count": reading.purchase_count}
            )
        row = {
            "request_id": req.request_id,
            "card_id": card.card_id,
            "imported_card_id": found.imported.imported_card_id,
            "account_id": card.account_id,
            "read_count": figures.read_count,
            "read_gas": figures.read_gas,
            "imported_count": figures.imported_count,
            "imported_gas": figures.imported_gas,
            "matched": not figures.needs_approval,
            "approver_id": approver_id,
            "reason": reason,
            "operator_id": on_duty.user_id,
            "counter_id": on_duty.counter_id,
            "created_at": ctx.now(),
        }
        takeover_id = conn.execute(
            insert(card_takeovers).returning(card_takeovers.c.id), row
        ).scalar_one()
        event = audit.Event(
            "card_takeover",
            on_duty.user_id,
            on_duty.counter_id,
            on_duty.hall_id,
            f"card_takeovers:{takeover_id}",
            {
                "card": figures.serial,
                "account_no": figures.account_no,
                "matched": row["matched"],
                "read": [figures.read_count, figures.read_gas],
                "imported": [figures.imported_count, figures.imported_gas],
                "approver": approver_id,
                "corrected_from": found.card_serial if figures.by_account else None,
            },
        )
        audit.record(session, ctx, event)
        return takeover_result(session, takeover_id)

    return run_once(ctx, req.request_id, _EARLIER, work)
