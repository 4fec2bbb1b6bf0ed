"""Tariff administration (调价): the versions of each customer class, a price change as a new
version from a later date, and what a typical purchase costs before and after it.

A tariff is never edited: the tables are append-only (migration 0006 refuses any update or
delete), so a price change is always a new version whose ``effective_from`` is after today; the
sale reads the version in force by ``effective_from <= today`` (``app.services.tariffs``). Only
an administrator publishes one; the refusal of anyone else is a security event. The new rows go
through the normal session, so the audit capture chains them, and the change itself is an audit
entry naming the version it supersedes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.context import Context
from app.domain.money import format_money, format_volume, m3
from app.domain.pricing import Segment, TariffRule, Tier, price_volume, total_amount
from app.errors import Conflict, InvalidInput, RuleViolation
from app.services import audit
from app.services.boundary import require_text, service
from app.services.security import AdminActor, require_administrator
from app.services.setup import TariffName
from app.vocabulary import CustomerKind, TariffStatus, tier_name
from db.models import Tariff, TariffTier

MANAGE_TARIFFS = "manage_tariffs"
MAX_TIERS = 6
# 30.00 yuan per m³: about ten times any city's gas price; a price above it is a typo
MAX_PRICE_FEN = 3000
MAX_UPPER = m3(100_000)  # an annual breakpoint beyond 100 000 m³ is a typo
MAX_HOUSEHOLD_THRESHOLD = 20
MAX_EXTRA_PER_MEMBER = m3(1000)
MAX_LEAD_DAYS = 366  # a change dated further ahead is most likely a mistyped year
MAX_TYPICAL_VOLUME = m3(100_000)
MAX_HOUSEHOLD = 50

TARIFF_SUPERSEDED = "tariff_superseded"  # the audit event of a price change


# ---------------------------------------------------------------- requests


@dataclass(frozen=True)
class TierInput:
    """One step of a new ladder: it ends at ``upper`` (annual volume, 0.01 m³) or, the last
    step only, never (None); ``price_fen`` is the price of one m³ in fen."""

    upper: int | None
    price_fen: int


@dataclass(frozen=True)
class PriceChange:
    """A new tariff version for ``customer_class`` from ``effective_from`` (after today).
    ``name`` defaults to the class and the date; the household rule (large households get every
    breakpoint raised by ``extra_per_member`` per member above ``household_threshold``) is for
    residential ladders only."""

    customer_class: str
    effective_from: dt.date
    tiers: tuple[TierInput, ...]
    name: TariffName | None = None
    ladder_start_month: int = 1
    household_threshold: int = 0
    extra_per_member: int = 0


TYPICAL_VOLUME = m3(20)
TYPICAL_HOUSEHOLD = 3


@dataclass(frozen=True)
class TypicalPurchase:
    """The purchase a preview prices: ``volume`` bought by a household of ``household_size``
    that has bought ``used`` earlier in the ladder year (default: 20 m³, three people, none)."""

    volume: int = TYPICAL_VOLUME
    household_size: int = TYPICAL_HOUSEHOLD
    used: int = 0


# ---------------------------------------------------------------- views


@dataclass(frozen=True)
class TariffVersion:
    """One stored version of a class's tariff, and where it stands today. Every version is
    read-only; a past one (``TariffStatus.PAST``) is no longer used for any sale."""

    id: int
    customer_class: CustomerKind
    name: str
    effective_from: dt.date
    rule: TariffRule
    status: TariffStatus
    created_at: dt.datetime


@dataclass(frozen=True)
class ClassTariffs:
    """The versions of one customer class, newest first."""

    customer_class: CustomerKind
    versions: tuple[TariffVersion, ...]

    @property
    def current(self) -> TariffVersion | None:
        """The version in force today (None: the class has none yet)."""
        return next((v for v in self.versions if v.status is TariffStatus.CURRENT), None)


@dataclass(frozen=True)
class TariffOverview:
    """Every class's versions as of ``today`` (the hall's business date)."""

    today: dt.date
    classes: tuple[ClassTariffs, ...]

    def of(self, customer_class: str) -> ClassTariffs:
        kind = CustomerKind(customer_class)
        return next(c for c in self.classes if c.customer_class is kind)


@dataclass(frozen=True)
class PricedPurchase:
    """The typical purchase under one version: its tier split and what it costs."""

    tariff_name: str
    segments: tuple[Segment, ...]

    @property
    def amount_fen(self) -> int:
        return total_amount(self.segments)


@dataclass(frozen=True)
class PricePreview:
    """The typical purchase under the version in force today (``before``; None when the class
    has none) and under the new one (``after``)."""

    typical: TypicalPurchase
    before: PricedPurchase | None
    after: PricedPurchase

    @property
    def difference_fen(self) -> int | None:
        """How much more (negative: less) the purchase costs after the change."""
        return None if self.before is None else self.after.amount_fen - self.before.amount_fen


# ---------------------------------------------------------------- pure checks


def _bad(message: str, field: str) -> InvalidInput:
    return InvalidInput(message, f"price change refused: {field}", field=field)


def customer_kind(value: str) -> CustomerKind:
    try:
        return CustomerKind(value)
    except ValueError:
        raise _bad("用户类别无效", "customer_class") from None


def rule_of(change: PriceChange) -> TariffRule:
    """The pricing rule of ``change``, its ladder checked with the hall's words (pure): one to
    ``MAX_TIERS`` steps, prices above zero, within the sane range and never lower up the
    ladder, breakpoints ascending, only the last step open-ended; a household rule only for
    residential ladders, and then complete."""
    kind = customer_kind(change.customer_class)
    tiers = change.tiers
    if not tiers:
        raise _bad("请至少填写一档气价", "tiers")
    if len(tiers) > MAX_TIERS:
        raise _bad(f"气价最多{MAX_TIERS}档", "tiers")
    previous: TierInput | None = None
    for n, tier in enumerate(tiers, start=1):
        name = tier_name(n)
        if tier.price_fen <= 0:
            raise _bad(f"{name}单价必须大于零", "price_fen")
        if tier.price_fen > MAX_PRICE_FEN:
            limit = format_money(MAX_PRICE_FEN)
            raise _bad(f"{name}单价超出合理范围（最高{limit}元/立方米）", "price_fen")
        if previous is not None and tier.price_fen < previous.price_fen:
            raise _bad(f"{name}单价不能低于{tier_name(n - 1)}单价", "price_fen")
        if n == len(tiers):
            if tier.upper is not None:
                raise _bad("最后一档不设上限（用气量超过上一档后都按最后一档计价）", "upper")
        else:
            if tier.upper is None:
                raise _bad(f"请填写{name}的年用气量上限（只有最后一档不设上限）", "upper")
            if tier.upper <= 0:
                raise _bad(f"{name}上限必须大于零", "upper")
            if tier.upper > MAX_UPPER:
                limit = format_volume(MAX_UPPER)
                raise _bad(f"{name}上限超出合理范围（最高{limit}立方米）", "upper")
            if previous is not None and previous.upper is not None and tier.upper <= previous.upper:
                raise _bad(f"{name}上限必须大于{tier_name(n - 1)}上限（阶梯分界量须递增）", "upper")
        previous = tier
    if not 1 <= change.ladder_start_month <= 12:
        raise _bad("阶梯年度起始月份应在1到12月之间", "ladder_start_month")
    threshold, extra = change.household_threshold, change.extra_per_member
    if kind is CustomerKind.COMMERCIAL and (threshold or extra):
        raise _bad("工商业户不适用多人口调整", "household_threshold")
    if not 0 <= threshold <= MAX_HOUSEHOLD_THRESHOLD:
        raise _bad(
            f"基准人口应在0到{MAX_HOUSEHOLD_THRESHOLD}人之间（0：不调整）", "household_threshold"
        )
    if not 0 <= extra <= MAX_EXTRA_PER_MEMBER:
        limit = format_volume(MAX_EXTRA_PER_MEMBER)
        raise _bad(f"每增加一人的气量应在0到{limit}立方米之间", "extra_per_member")
    if threshold and not extra:
        raise _bad("设置了基准人口时，请填写每增加一人增加的气量", "extra_per_member")
    if extra and not threshold:
        raise _bad("填写了每人增加的气量时，请设置基准人口", "household_threshold")
    return TariffRule(
        tiers=tuple(Tier(t.upper, t.price_fen) for t in tiers),
        ladder_start_month=change.ladder_start_month,
        household_threshold=threshold,
        extra_per_member=extra,
    )


def check_effective_date(day: dt.date, today: dt.date) -> None:
    """A change takes effect after today: a version in force (today's) is never changed."""
    if day <= today:
        raise RuleViolation(
            "生效日期必须晚于今天：已生效的气价不能修改，只能由新版本接替",
            f"effective date {day} is not after {today}",
            field="effective_from",
        )
    if day > today + dt.timedelta(days=MAX_LEAD_DAYS):
        raise _bad("生效日期最远为一年以后，请检查年份", "effective_from")


def version_name(change: PriceChange) -> str:
    """The name a new version is stored with (the typed one, or class and date)."""
    if change.name:
        return require_text(change.name, "气价名称", max_length=100)
    kind = customer_kind(change.customer_class)
    return f"{kind.label}气价（{change.effective_from.isoformat()}起）"


def compare_prices(
    current: TariffVersion | None, name: str, rule: TariffRule, typical: TypicalPurchase
) -> PricePreview:
    """The typical purchase priced by ``app.domain.pricing`` under ``current`` and ``rule``."""
    if not 0 < typical.volume <= MAX_TYPICAL_VOLUME:
        raise _bad("典型购气量应大于零且不超过100000立方米", "volume")
    if not 1 <= typical.household_size <= MAX_HOUSEHOLD:
        raise _bad(f"家庭人口应在1到{MAX_HOUSEHOLD}人之间", "household_size")
    if not 0 <= typical.used <= MAX_TYPICAL_VOLUME:
        raise _bad("年内已购气量应在0到100000立方米之间", "used")

    def priced(version_name: str, version_rule: TariffRule) -> PricedPurchase:
        segments = price_volume(version_rule, typical.household_size, typical.used, typical.volume)
        return PricedPurchase(version_name, segments)

    before = None if current is None else priced(current.name, current.rule)
    return PricePreview(typical, before, priced(name, rule))


# ---------------------------------------------------------------- reads


def _rule(row: Tariff) -> TariffRule:
    return TariffRule(
        tiers=tuple(Tier(t.upper, t.price_fen) for t in row.tiers),
        ladder_start_month=row.ladder_start_month,
        household_threshold=row.household_threshold,
        extra_per_member=row.extra_per_member,
    )


def _versions(rows: Sequence[Tariff], kind: CustomerKind, today: dt.date) -> ClassTariffs:
    ordered = sorted((r for r in rows if r.customer_class == kind), key=lambda r: r.effective_from)
    in_force = [r for r in ordered if r.effective_from <= today]
    current_id = in_force[-1].id if in_force else None
    versions = []
    for row in reversed(ordered):
        if row.effective_from > today:
            status = TariffStatus.FUTURE
        elif row.id == current_id:
            status = TariffStatus.CURRENT
        else:
            status = TariffStatus.PAST
        versions.append(
            TariffVersion(
                row.id, kind, row.name, row.effective_from, _rule(row), status, row.created_at
            )
        )
    return ClassTariffs(kind, tuple(versions))


def _overview(session: Session, today: dt.date) -> TariffOverview:
    rows = session.scalars(select(Tariff).options(selectinload(Tariff.tiers))).all()
    return TariffOverview(today, tuple(_versions(rows, kind, today) for kind in CustomerKind))


@service
def tariff_overview(ctx: Context, actor: AdminActor) -> TariffOverview:
    """Every customer class's tariff versions (past, in force, future): administrators only."""
    with ctx.reading() as session:
        require_administrator(session, actor, MANAGE_TARIFFS)
        return _overview(session, ctx.today())


@service
def price_preview(
    ctx: Context, actor: AdminActor, change: PriceChange, typical: TypicalPurchase
) -> PricePreview:
    """What ``typical`` costs under the class's version in force today and under ``change``."""
    with ctx.reading() as session:
        require_administrator(session, actor, MANAGE_TARIFFS)
        rule = rule_of(change)
        current = _overview(session, ctx.today()).of(change.customer_class).current
        return compare_prices(current, version_name(change), rule, typical)


# ---------------------------------------------------------------- the price change


def _same_day(kind: CustomerKind, day: dt.date, what: str) -> Conflict:
    # the tables are append-only: a version, even one not yet in force, is never replaced
    return Conflict(
        f"{kind.label}在{day.isoformat()}已有气价版本，气价版本不能修改或撤回，请选择其他生效日期",
        f"{what} already starts on {day}",
        field="effective_from",
    )


@service
def supersede_tariff(ctx: Context, actor: AdminActor, change: PriceChange) -> TariffVersion:
    """Publish ``change`` as a new version of its class from its effective date (after today):
    administrators only, the ladder checked, one version per class and date; audited with the
    version it supersedes. Nothing is written when anything is refused."""
    with ctx.unit_of_work() as session:
        require_administrator(session, actor, MANAGE_TARIFFS)
        today = ctx.today()
        kind = customer_kind(change.customer_class)
        rule = rule_of(change)
        check_effective_date(change.effective_from, today)
        name = version_name(change)
        clash = session.scalar(
            select(Tariff.id).where(
                Tariff.customer_class == kind, Tariff.effective_from == change.effective_from
            )
        )
        if clash is not None:
            raise _same_day(kind, change.effective_from, f"tariff {clash}")
        before = _overview(session, today).of(kind)
        superseded = before.current
        tariff = Tariff(
            customer_class=kind.value,
            name=name,
            effective_from=change.effective_from,
            ladder_start_month=rule.ladder_start_month,
            household_threshold=rule.household_threshold,
            extra_per_member=rule.extra_per_member,
            created_at=ctx.now(),
            tiers=[
                TariffTier(tier_no=n, upper=t.upper, price_fen=t.price_fen)
                for n, t in enumerate(rule.tiers, start=1)
            ],
        )
        session.add(tariff)
        try:
            session.flush()
        except IntegrityError as error:  # another administrator published that day meanwhile
            raise _same_day(kind, change.effective_from, "a concurrent change") from error
        event = audit.Event(
            TARIFF_SUPERSEDED,
            actor.user_id,
            ref=f"tariffs:{tariff.id}",
            data={
                "customer_class": kind.value,
                "name": name,
                "effective_from": change.effective_from.isoformat(),
                "supersedes": None if superseded is None else superseded.id,
                "tiers": [[t.upper, t.price_fen] for t in rule.tiers],
                "ladder_start_month": rule.ladder_start_month,
                "household_threshold": rule.household_threshold,
                "extra_per_member": rule.extra_per_member,
            },
        )
        audit.record(session, ctx, event)
        version = TariffVersion(
            tariff.id,
            kind,
            name,
            change.effective_from,
            rule,
            TariffStatus.FUTURE,
            tariff.created_at,
        )
        session.commit()
        return version
