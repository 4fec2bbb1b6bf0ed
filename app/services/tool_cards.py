"""Tool cards (工具卡): issued for a technician and a meter with a reason, and returned with
what the meter wrote onto them. Every issue and return is a row (append-only) and an audit entry.

The counter (``app.counter.tools``) checks an issue here before it writes the card
(``check_tool_card``), records it only once the card is made (``issue_tool_card``), and records
what a card brought back when it is read at the counter (``record_tool_card_return``). The
account view carries ``tool_cards_of`` (the tool cards issued for the account's meter, and
the newest check card's state); ``outstanding_tool_cards`` lists the cards not yet back.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.context import Context
from app.domain.toolcards import SETUP_PARAMETERS, MeterState
from app.errors import InvalidInput, NotFound, RuleViolation
from app.services import audit
from app.services.actor import Actor, resolve_actor
from app.services.boundary import (
    NOTE_LENGTH,
    CardSerial,
    Limit,
    MakerCode,
    MeterNo,
    Text,
    column_length,
    service,
)
from app.services.limits import require_no_hold
from app.services.locks import lock_meter
from app.services.unit_of_work import Earlier, run_once, submitted_in
from app.vocabulary import MeterStatus, ToolCardKind
from db.models import Account, Meter, ToolCard, ToolCardReturn, User
from db.tables import tool_cards

OPERATION = "tool_cards"  # the permission (app.services.permissions)
Technician = Annotated[
    str, Text("维修人员", column_length(ToolCard.technician), name=True, required=True)
]
ToolReason = Annotated[str, Text("制卡原因", NOTE_LENGTH, required=True)]
MAX_SETUP_VOLUME = 99_999_999  # 0.01 m³: what a card's uint32 field and a meter take


@dataclass(frozen=True)
class IssueToolCardRequest:
    """One tool card for a technician and a meter, with the reason it is made.

    ``serial`` and ``maker`` are the card's (the counter knows them from the card it made);
    ``parameters`` only for a set-up card (``SETUP_PARAMETERS``, 0.01 m³)."""

    request_id: uuid.UUID
    serial: CardSerial
    maker: MakerCode
    kind: str  # ToolCardKind
    meter_no: MeterNo
    technician: Technician
    reason: ToolReason
    parameters: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ToolCardView:
    """One tool card issued, and its return when it came back."""

    tool_card_id: int
    serial: str
    maker: str
    kind: ToolCardKind
    meter_no: str
    account_no: str | None
    technician: str
    reason: str
    parameters: Mapping[str, int]
    issued_at: dt.datetime
    issued_by: str
    returned_at: dt.datetime | None = None
    used: bool | None = None  # None: not back yet
    state: MeterState | None = None  # what it brought back

    @property
    def outstanding(self) -> bool:
        return self.returned_at is None


@dataclass(frozen=True)
class AccountToolCards:
    """What the account panel shows: the tool cards issued for the account's meters (newest
    first) and the newest state a check card brought back (None: none came back yet)."""

    issued: list[ToolCardView]
    last_check: ToolCardView | None


# ---------------------------------------------------------------- checks


def _kind(kind: str) -> ToolCardKind:
    try:
        return ToolCardKind(kind)
    except ValueError:
        raise InvalidInput(
            "请选择工具卡类型", f"bad tool card kind {kind!r}", field="kind"
        ) from None


def _parameters(kind: ToolCardKind, parameters: Mapping[str, int]) -> dict[str, int]:
    """A set-up card's parameters, each named and within the card's range; none for the rest."""
    if kind is not ToolCardKind.SETUP:
        if parameters:
            raise InvalidInput(
                f"{kind.label}不带设置参数", f"parameters for {kind}", field="parameters"
            )
        return {}
    missing = [label for name, label in SETUP_PARAMETERS.items() if name not in parameters]
    unknown = sorted(set(parameters) - set(SETUP_PARAMETERS))
    if missing or unknown:
        raise InvalidInput(
            f"设置卡请填写：{'、'.join(SETUP_PARAMETERS.values())}",
            f"missing {missing}, unknown {unknown}",
            field="parameters",
        )
    for name, value in parameters.items():
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 <= value <= MAX_SETUP_VOLUME
        ):
            raise InvalidInput(
                f"{SETUP_PARAMETERS[name]}超出范围", f"{name}={value!r}", field="parameters"
            )
    return {name: parameters[name] for name in SETUP_PARAMETERS}


def _known_meter(session: Session, meter_no: str, *, lock: bool) -> Meter:
    """The meter of ``meter_no`` (held with ``lock``): a tool card is made for a known meter."""
    meter = (
        lock_meter(session, meter_no)
        if lock
        else session.scalar(select(Meter).where(Meter.meter_no == meter_no))
    )
    if meter is None:
        raise NotFound(f"表号 {meter_no} 不存在，请核对表号", f"meter {meter_no!r} unknown")
    return meter


def _meter_account(session: Session, meter_no: str, *, lock: bool) -> tuple[Meter, Account]:
    """The meter in use and the account it serves."""
    meter = _known_meter(session, meter_no, lock=lock)
    if meter.status != MeterStatus.ACTIVE or meter.account_id is None:
        raise RuleViolation(
            f"表号 {meter_no} 已拆除或未绑定用户，不能制作工具卡", f"meter {meter_no} not in use"
        )
    account = session.get(Account, meter.account_id)
    assert account is not None
    return meter, account


def _checked(
    session: Session, ctx: Context, req: IssueToolCardRequest, *, lock: bool
) -> tuple[ToolCardKind, dict[str, int], Account | None]:
    kind = _kind(req.kind)
    if kind is ToolCardKind.OTHER:
        raise InvalidInput("请选择具体的工具卡类型", "kind other", field="kind")
    parameters = _parameters(kind, req.parameters)
    if kind is ToolCardKind.CLEAR:
        return kind, parameters, _clearable(session, req.meter_no, lock=lock)
    _meter, account = _meter_account(session, req.meter_no, lock=lock)
    if kind is ToolCardKind.VALVE_OPEN:  # gas flows again: never past a safety hold
        require_no_hold(session, ctx, account.id)
    return kind, parameters, account


def _clearable(session: Session, meter_no: str, *, lock: bool) -> None:
    """A clear card (清零卡) resets a meter's gas and purchase count: only for a meter that
    serves nobody (in stock, or its account closed); a meter in use would lose the gas paid
    for on it and refuse the account's next card."""
    meter = _known_meter(session, meter_no, lock=lock)
    if meter.account_id is not None:
        raise RuleViolation(
            f"表号 {meter_no} 正在使用，不能制作清零卡（清零会抹去表内余气和购气次数），"
            "请先换表或销户",
            f"meter {meter_no} serves account {meter.account_id}",
        )


def _outstanding_id(session: Session, maker: str, serial: str) -> int | None:
    """The newest issue of this card still out (no return), or None."""
    query = (
        select(ToolCard.id)
        .outerjoin(ToolCardReturn, ToolCardReturn.tool_card_id == ToolCard.id)
        .where(ToolCard.serial == serial, ToolCard.maker == maker, ToolCardReturn.id.is_(None))
        .order_by(ToolCard.id.desc())
        .limit(1)
    )
    return session.scalar(query)


@service
def check_tool_card(ctx: Context, actor: Actor, req: IssueToolCardRequest) -> str | None:
    """Before the card is written: the kind, the parameters, the technician, the reason and the
    meter (known; in use, or serving nobody for a clear card) are right; the account number
    the meter serves (None: a clear card for a meter in stock)."""
    with ctx.reading() as session:
        resolve_actor(session, actor, OPERATION)
        _kind_, _parameters_, account = _checked(session, ctx, req, lock=False)
        return account.account_no if account is not None else None


# ---------------------------------------------------------------- issue and return


@service
def issue_tool_card(ctx: Context, actor: Actor, req: IssueToolCardRequest) -> ToolCardView:
    """Record a tool card made (once per request id): who, for which meter and account, why."""

    def work(session: Session) -> ToolCardView:
        on_duty = resolve_actor(session, actor, OPERATION)
        kind, parameters, account = _checked(session, ctx, req, lock=True)
        if _outstanding_id(session, req.maker, req.serial) is not None:
            raise RuleViolation(
                f"工具卡 {req.serial} 已发出尚未归还，请先读卡登记归还",
                f"tool card {req.serial} is out",
            )
        row = ToolCard(
            request_id=req.request_id,
            serial=req.serial,
            maker=req.maker,
            kind=kind.value,
            meter_no=req.meter_no,
            account_id=account.id if account is not None else None,
            technician=req.technician,
            reason=req.reason,
            parameters=json.dumps(parameters, sort_keys=True) if parameters else None,
            issued_by=on_duty.user_id,
            counter_id=on_duty.counter_id,
            issued_at=ctx.now(),
        )
        session.add(row)
        session.flush()
        event = audit.Event(
            "tool_card_issued",
            on_duty.user_id,
            on_duty.counter_id,
            ref=f"tool_card:{row.id}",
            data={
                "serial": req.serial,
                "maker": req.maker,
                "kind": kind.value,
                "meter_no": req.meter_no,
                "account_no": account.account_no if account is not None else None,
                "technician": req.technician,
            },
        )
        audit.record(session, ctx, event)
        return _view(session, row.id)

    return run_once(ctx, req.request_id, _EARLIER_ISSUE, work)


_EARLIER_ISSUE = Earlier(submitted_in(tool_cards.c.request_id), lambda s, i: _view(s, i))


@dataclass(frozen=True)
class ToolCardBack:
    """A tool card read at the counter: which card, and what it brought back (None: unused)."""

    serial: CardSerial
    maker: MakerCode
    kind: str  # ToolCardKind as the card tells it (OTHER: the card cannot tell)
    state: MeterState | None


@service
def record_tool_card_return(ctx: Context, actor: Actor, back: ToolCardBack) -> ToolCardView:
    """The card's outstanding issue is returned with what it brought back; reading the same
    card again returns the recorded return (nothing is written twice)."""

    def work(session: Session) -> ToolCardView:
        on_duty = resolve_actor(session, actor, OPERATION)
        issue_id = _outstanding_id(session, back.maker, back.serial)
        if issue_id is None:
            latest = session.scalar(
                select(ToolCard.id)
                .where(ToolCard.serial == back.serial, ToolCard.maker == back.maker)
                .order_by(ToolCard.id.desc())
                .limit(1)
            )
            if latest is None:
                raise NotFound(
                    f"工具卡 {back.serial} 没有发放记录，请先登记发放",
                    f"tool card {back.maker}/{back.serial} never issued",
                )
            return _view(session, latest)  # returned already: what was recorded then
        issued = session.get(ToolCard, issue_id, with_for_update=True)
        assert issued is not None
        kind = _kind(back.kind)
        if kind not in (ToolCardKind.OTHER, ToolCardKind(issued.kind)):
            raise RuleViolation(
                f"卡上是{kind.label}，与发放记录（{ToolCardKind(issued.kind).label}）不符，请联系班长",
                f"tool card {back.serial}: {kind} != {issued.kind}",
            )
        state = back.state
        if state is not None and state.meter_no and state.meter_no != issued.meter_no:
            raise RuleViolation(
                f"工具卡带回的是表 {state.meter_no} 的数据，"
                f"不是发放时的表 {issued.meter_no}，请联系班长",
                f"tool card {back.serial}: meter {state.meter_no} != {issued.meter_no}",
            )
        row = ToolCardReturn(
            tool_card_id=issued.id,
            received_by=on_duty.user_id,
            returned_at=ctx.now(),
            used=state is not None,
            meter_no=(state.meter_no or issued.meter_no) if state is not None else None,
            remaining_volume=state.remaining_volume if state is not None else None,
            cumulative_volume=state.cumulative_volume if state is not None else None,
            meter_status=state.meter_status if state is not None else None,
            state=json.dumps(state.as_json(), sort_keys=True, ensure_ascii=False)
            if state is not None
            else None,
        )
        session.add(row)
        session.flush()
        event = audit.Event(
            "tool_card_returned",
            on_duty.user_id,
            on_duty.counter_id,
            ref=f"tool_card:{issued.id}",
            data={"serial": back.serial, "maker": back.maker, "used": state is not None},
        )
        audit.record(session, ctx, event)
        return _view(session, issued.id)

    return ctx.transaction(work)


# ---------------------------------------------------------------- views


def _state_of(text: str | None, meter_no: str | None) -> MeterState | None:
    if text is None:
        return None
    data = json.loads(text)
    known = ("meter_no", "remaining_volume", "cumulative_volume", "meter_status", "loaded_count")
    return MeterState(
        meter_no=data.get("meter_no") or meter_no or "",
        remaining_volume=data.get("remaining_volume"),
        cumulative_volume=data.get("cumulative_volume"),
        meter_status=data.get("meter_status"),
        loaded_count=data.get("loaded_count"),
        extra={key: value for key, value in data.items() if key not in known},
    )


_VIEW = (
    select(ToolCard, ToolCardReturn, Account.account_no, User.display_name)
    .outerjoin(ToolCardReturn, ToolCardReturn.tool_card_id == ToolCard.id)
    .outerjoin(Account, Account.id == ToolCard.account_id)
    .join(User, User.id == ToolCard.issued_by)
)


def _views(session: Session, query) -> list[ToolCardView]:  # type: ignore[no-untyped-def]
    views = []
    for card, back, account_no, issuer in session.execute(query).all():
        views.append(
            ToolCardView(
                tool_card_id=card.id,
                serial=card.serial,
                maker=card.maker,
                kind=ToolCardKind(card.kind),
                meter_no=card.meter_no,
                account_no=account_no,
                technician=card.technician,
                reason=card.reason,
                parameters=json.loads(card.parameters) if card.parameters else {},
                issued_at=card.issued_at,
                issued_by=issuer,
                returned_at=back.returned_at if back is not None else None,
                used=back.used if back is not None else None,
                state=_state_of(back.state, back.meter_no) if back is not None else None,
            )
        )
    return views


def _view(session: Session, tool_card_id: int) -> ToolCardView:
    return _views(session, _VIEW.where(ToolCard.id == tool_card_id))[0]


def tool_cards_of(session: Session, account_id: int, limit: int = 20) -> AccountToolCards:
    """The account's tool cards (newest first) and its newest returned check, read inside the
    caller's session (the account view reads them with the rest)."""
    mine = _VIEW.where(ToolCard.account_id == account_id).order_by(ToolCard.id.desc())
    issued = _views(session, mine.limit(limit))
    checks = _views(
        session,
        mine.where(ToolCard.kind == ToolCardKind.CHECK.value, ToolCardReturn.used.is_(True)).limit(
            1
        ),
    )
    return AccountToolCards(issued, checks[0] if checks else None)


@service
def outstanding_tool_cards(ctx: Context, actor: Actor, limit: Limit = 100) -> list[ToolCardView]:
    """Tool cards issued and not yet returned, oldest first (who has which card out)."""
    with ctx.reading() as session:
        resolve_actor(session, actor, "look_up")
        query = _VIEW.where(ToolCardReturn.id.is_(None)).order_by(ToolCard.id).limit(limit)
        return _views(session, query)
