"""The tariff in force for a customer class on a day, and an account's tier usage in a ladder
year (summed from its segment rows and its imported opening rows: nothing stores a running
total)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, bindparam, func, select
from sqlalchemy.orm import Session

from app.domain.pricing import TariffRule, Tier
from app.errors import RuleViolation
from db.tables import accounts, opening_usage, segments_table, tariff_tiers, tariffs


@dataclass(frozen=True)
class TariffInForce:
    id: int
    name: str
    rule: TariffRule


_TIERS = (
    select(tariff_tiers.c.upper, tariff_tiers.c.price_fen)
    .where(tariff_tiers.c.tariff_id == bindparam("tariff_id"))
    .order_by(tariff_tiers.c.tier_no)
)


def tariff_in_force(session: Session, customer_class: str, day: dt.date) -> TariffInForce:
    """The tariff of the class in force on ``day``. Rules are cached: tariffs are never edited."""
    conn = session.connection()
    row = conn.execute(_TARIFF, {"customer_class": customer_class, "day": day}).first()
    return tariff_in(session, customer_class, day, row)


def in_force_id(customer_class, day) -> ColumnElement[int]:  # type: ignore[no-untyped-def]
    """The id of the tariff of ``customer_class`` (a column or a value) in force on ``day``,
    for wider reads that join the tariff (the sale's)."""
    later = tariffs.alias("in_force")
    return (
        select(later.c.id)
        .where(later.c.customer_class == customer_class, later.c.effective_from <= day)
        .order_by(later.c.effective_from.desc())
        .limit(1)
        .scalar_subquery()
    )


_TARIFF = select(tariffs).where(
    tariffs.c.id == in_force_id(bindparam("customer_class"), bindparam("day"))
)


def tariff_in(session: Session, customer_class: str, day: dt.date, row) -> TariffInForce:  # type: ignore[no-untyped-def]
    """The tariff a read found (columns ``id``, ``name``, ``ladder_start_month``,
    ``household_threshold``, ``extra_per_member``; None: none in force), with its rule, cached:
    tariffs are never edited."""
    if row is None or row.id is None:
        raise RuleViolation(
            "没有适用的气价，请联系管理员设置", f"no {customer_class} tariff in force on {day}"
        )
    cache = session.info.get("db_cache")
    key = ("tariff_rule", row.id)
    rule = cache.get(key) if cache is not None else None
    if rule is None:
        tiers = session.connection().execute(_TIERS, {"tariff_id": row.id}).all()
        rule = TariffRule(
            tiers=tuple(Tier(t.upper, t.price_fen) for t in tiers),
            ladder_start_month=row.ladder_start_month,
            household_threshold=row.household_threshold,
            extra_per_member=row.extra_per_member,
        )
        if cache is not None:
            cache[key] = rule
    return TariffInForce(row.id, row.name, rule)


_numbered = accounts.alias("usage_account")  # an alias: the sale's read correlates ``accounts``


def opening_of(account_id, ladder_year) -> Select:  # type: ignore[no-untyped-def, type-arg]
    """The volume an import opened ``account_id``'s ``ladder_year`` with (bought before
    GasDesk; net of a rolled-back batch's negated rows)."""
    return (
        select(func.coalesce(func.sum(opening_usage.c.volume), 0))
        .select_from(
            opening_usage.join(_numbered, _numbered.c.account_no == opening_usage.c.account_no)
        )
        .where(_numbered.c.id == account_id, opening_usage.c.ladder_year == ladder_year)
    )


def usage_of(account_id, ladder_year) -> ColumnElement[int]:  # type: ignore[no-untyped-def]
    """The volume bought on ``account_id`` in ``ladder_year`` (values or columns, for wider
    reads such as the sale's, which it correlates with), net of refunds: the segment rows and
    the imported opening."""
    bought = select(func.coalesce(func.sum(segments_table.c.volume), 0)).where(
        segments_table.c.account_id == account_id, segments_table.c.ladder_year == ladder_year
    )
    return bought.scalar_subquery() + opening_of(account_id, ladder_year).scalar_subquery()


_USAGE = select(usage_of(bindparam("account_id"), bindparam("ladder_year")))


def ladder_usage(session: Session, account_id: int, ladder_year: dt.date) -> int:
    """Volume bought on the account in the ladder year, net of refunds, from the segment rows."""
    # PostgreSQL sums bigint as numeric (Decimal): volumes stay int everywhere
    return int(
        session.connection()
        .execute(_USAGE, {"account_id": account_id, "ladder_year": ladder_year})
        .scalar_one()
    )
