"""Setting up a hall: the hall itself, its counters, users and tariffs (administrator tasks)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from sqlalchemy import func, select

from app.context import Context
from app.domain.pricing import TariffRule, Tier
from app.errors import Conflict, InvalidInput
from app.services.boundary import (
    DisplayName,
    Password,
    Text,
    Username,
    column_length,
    require_text,
    service,
)
from app.services.credentials import hash_password
from app.vocabulary import CustomerKind, Role
from db.models import Account, Counter, Hall, Tariff, TariffTier, User

Code = Annotated[str, Text("代码", column_length(Hall.code))]
HallName = Annotated[str, Text("营业厅名称", column_length(Hall.name), name=True)]
CounterName = Annotated[str, Text("柜台名称", column_length(Counter.name))]
TariffName = Annotated[str, Text("气价名称", column_length(Tariff.name))]


@service
def ensure_hall(ctx: Context, code: Code, name: HallName) -> int:
    """The hall with ``code``, created if missing; returns its id."""
    code = require_text(code, "营业厅代码", max_length=8)
    with ctx.unit_of_work() as session:
        hall = session.scalar(select(Hall).where(Hall.code == code))
        if hall is None:
            hall = Hall(code=code, name=require_text(name, "营业厅名称", max_length=100))
            session.add(hall)
            session.commit()
        return hall.id


@service
def ensure_counter(ctx: Context, hall_id: int, code: Code, name: CounterName | None = None) -> int:
    code = require_text(code, "柜台编号", max_length=8)
    with ctx.unit_of_work() as session:
        counter = session.scalar(
            select(Counter).where(Counter.hall_id == hall_id, Counter.code == code)
        )
        if counter is None:
            counter = Counter(hall_id=hall_id, code=code, name=name or f"{code}号柜台")
            session.add(counter)
            session.commit()
        return counter.id


@service
def add_user(
    ctx: Context,
    username: Username,
    display_name: DisplayName,
    role: str,
    *,
    password: Password | None = None,
    password_hash: str | None = None,
) -> int:
    """Register a user, with a password (hashed here) or an argon2 hash made earlier."""
    if password is not None:
        password_hash = hash_password(password)
    username = require_text(username, "用户名", max_length=50)
    display_name = require_text(display_name, "姓名", max_length=50)
    if role not in Role.labels():
        raise InvalidInput("角色无效", f"unknown role {role!r}")
    with ctx.unit_of_work() as session:
        if session.scalar(select(User.id).where(User.username == username)):
            raise Conflict("用户名已存在", f"user {username} exists")
        user = User(
            username=username,
            display_name=display_name,
            role=role,
            active=True,
            password_hash=password_hash,
            created_at=ctx.now(),
        )
        session.add(user)
        session.commit()
        return user.id


@dataclass(frozen=True)
class TariffInput:
    customer_class: str
    name: TariffName
    effective_from: dt.date
    rule: TariffRule


@service
def add_tariff(ctx: Context, data: TariffInput) -> int:
    """Publish a tariff version. Tariffs are never edited: a price change is a new version."""
    if data.customer_class not in CustomerKind.labels():
        raise InvalidInput("用户类型无效", f"bad class {data.customer_class!r}")
    name = require_text(data.name, "气价名称", max_length=100)
    with ctx.unit_of_work() as session:
        clash = session.scalar(
            select(Tariff.id).where(
                Tariff.customer_class == data.customer_class,
                Tariff.effective_from == data.effective_from,
            )
        )
        if clash:
            raise Conflict("该日期已有同类气价", f"tariff for {data.effective_from} exists")
        tariff = Tariff(
            customer_class=data.customer_class,
            name=name,
            effective_from=data.effective_from,
            ladder_start_month=data.rule.ladder_start_month,
            household_threshold=data.rule.household_threshold,
            extra_per_member=data.rule.extra_per_member,
            created_at=ctx.now(),
            tiers=[
                TariffTier(tier_no=n, upper=t.upper, price_fen=t.price_fen)
                for n, t in enumerate(data.rule.tiers, start=1)
            ],
        )
        session.add(tariff)
        session.commit()
        return tariff.id


def residential_ladder(
    prices: tuple[int, int, int], *, start_month: int = 1, threshold: int = 4, extra: int = 5000
) -> TariffRule:
    """A three-tier residential ladder at 350 / 500 m³ a year (the common city pattern)."""
    return TariffRule(
        tiers=(Tier(35000, prices[0]), Tier(50000, prices[1]), Tier(None, prices[2])),
        ladder_start_month=start_month,
        household_threshold=threshold,
        extra_per_member=extra,
    )


def flat_rate(price_fen: int) -> TariffRule:
    return TariffRule(tiers=(Tier(None, price_fen),))


@service
def hall_is_empty(ctx: Context) -> bool:
    """True on a fresh database: no hall has been set up."""
    with ctx.unit_of_work() as session:
        return session.scalar(select(Hall.id).limit(1)) is None


@dataclass(frozen=True)
class Workstation:
    """What this PC is set up as: the hall and counter named in its configuration."""

    hall_name: str
    counter_name: str
    counter_id: int | None
    accounts: int
    hall_id: int | None = None


@service
def this_workstation(ctx: Context, hall_code: str, counter_code: str) -> Workstation:
    """This PC's hall and counter, by the codes in its configuration (names for the title)."""
    with ctx.reading() as session:
        hall = session.scalar(select(Hall).where(Hall.code == hall_code))
        if hall is None:
            hall = session.scalar(select(Hall).order_by(Hall.id).limit(1))
        counter = None
        if hall is not None:
            counter = session.scalar(
                select(Counter).where(Counter.hall_id == hall.id, Counter.code == counter_code)
            )
        accounts = session.scalar(select(func.count(Account.id)))
        return Workstation(
            hall_name=hall.name if hall else "",
            counter_name=counter.name if counter else "",
            counter_id=counter.id if counter else None,
            accounts=accounts,
            hall_id=hall.id if hall else None,
        )


@service
def hall_of_counter(ctx: Context, counter_id: int) -> int:
    """The hall a counter belongs to."""
    with ctx.reading() as session:
        counter = session.get(Counter, counter_id)
        if counter is None:
            raise InvalidInput("柜台不存在", f"counter {counter_id} not found")
        return counter.hall_id


@service
def hall_has_users(ctx: Context) -> bool:
    """False on a database where nobody can log in yet: the first-run wizard's cue."""
    with ctx.reading() as session:
        return bool(session.scalar(select(func.count(User.id))))


@service
def hall_policy(ctx: Context):  # type: ignore[no-untyped-def]
    """The hall's settings as stored now (sale step, limits, thresholds)."""
    from app.policy import load_policy

    with ctx.reading() as session:
        return load_policy(session)
