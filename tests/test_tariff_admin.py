"""Tariff administration (调价) through the services, on SQLite and PostgreSQL: a new version
from a later date, refusals that write nothing, the administrator only, the audit entry, and a
price change effective tomorrow priced by the purchase itself (fake clock)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from app.domain.money import yuan
from app.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from app.services import audit
from app.services.security import AdminActor
from app.services.tariff_admin import (
    TARIFF_SUPERSEDED,
    PriceChange,
    TierInput,
    TypicalPurchase,
    price_preview,
    supersede_tariff,
    tariff_overview,
)
from app.vocabulary import CustomerKind, TariffStatus
from db.tables import audit_log
from tests.support import AUDIT_KEY, SCENARIO_PRICES, buy, m3, open_customer, refused, row_counts

TODAY = dt.date(2026, 3, 2)  # FakeClock's default day
TOMORROW = TODAY + dt.timedelta(days=1)


BOUNDS = (m3(350), m3(500))  # the scenario ladder's breakpoints


def ladder(*prices: int, bounds=BOUNDS) -> tuple[TierInput, ...]:
    uppers = (*bounds, None)
    return tuple(TierInput(u, p) for u, p in zip(uppers, prices, strict=True))


def change(day=TOMORROW, tiers=None, **extra) -> PriceChange:
    values = dict(household_threshold=4, extra_per_member=m3(50))
    values.update(extra)
    tiers = ladder(300, 400, 500) if tiers is None else tiers
    return PriceChange("residential", day, tiers, **values)


def admin(hall) -> AdminActor:
    return AdminActor(hall.users["admin"])


def events(hall, kind: str) -> list:
    with hall.ctx.reading() as session:
        return session.execute(select(audit_log).where(audit_log.c.kind == kind)).all()


def test_supersede_adds_a_future_version_and_keeps_the_current_one(hall):
    version = supersede_tariff(hall.ctx, admin(hall), change(name="居民阶梯气价（3月调价）"))
    assert version.status is TariffStatus.FUTURE
    assert version.effective_from == TOMORROW
    assert [t.price_fen for t in version.rule.tiers] == [300, 400, 500]
    residential = tariff_overview(hall.ctx, admin(hall)).of(CustomerKind.RESIDENTIAL)
    assert [(v.name, v.status) for v in residential.versions] == [
        ("居民阶梯气价（3月调价）", TariffStatus.FUTURE),
        ("居民阶梯气价", TariffStatus.CURRENT),
    ]
    assert residential.current.rule.tiers[0].price_fen == SCENARIO_PRICES[0]

    hall.clock.set(2026, 3, 3, 8, 0)  # the new version's day: the old one is past, read-only
    residential = tariff_overview(hall.ctx, admin(hall)).of(CustomerKind.RESIDENTIAL)
    assert [v.status for v in residential.versions] == [TariffStatus.CURRENT, TariffStatus.PAST]
    commercial = tariff_overview(hall.ctx, admin(hall)).of(CustomerKind.COMMERCIAL)
    assert [v.status for v in commercial.versions] == [TariffStatus.CURRENT]


def test_the_change_is_audited_with_the_version_it_supersedes(hall):
    current = tariff_overview(hall.ctx, admin(hall)).of(CustomerKind.RESIDENTIAL).current
    version = supersede_tariff(hall.ctx, admin(hall), change())
    (entry,) = events(hall, TARIFF_SUPERSEDED)
    assert entry.user_id == hall.users["admin"]
    assert entry.ref == f"tariffs:{version.id}"
    data = json.loads(entry.data)
    assert data["supersedes"] == current.id
    assert data["effective_from"] == TOMORROW.isoformat()
    assert data["tiers"] == [[m3(350), 300], [m3(500), 400], [None, 500]]
    report = audit.verify(hall.ctx.db, AUDIT_KEY)  # the new rows are chained by the capture
    assert report.ok, report


@pytest.mark.parametrize("day", [TODAY, TODAY - dt.timedelta(days=1), dt.date(2025, 1, 1)])
def test_a_version_in_force_or_past_is_never_changed(hall, day):
    before = row_counts(hall.ctx)
    with refused(RuleViolation, "生效日期必须晚于今天") as error:
        supersede_tariff(hall.ctx, admin(hall), change(day=day))
    assert error.value.field == "effective_from"
    assert row_counts(hall.ctx) == before
    assert not events(hall, TARIFF_SUPERSEDED)


BAD_LADDERS = [
    (ladder(300, 400, 500, bounds=(m3(500), m3(350))), "第2档上限必须大于第1档上限"),
    (ladder(0, 400, 500), "第1档单价必须大于零"),
    (ladder(300, 400, 5000), "第3档单价超出合理范围"),
    (ladder(300, 280, 500), "第2档单价不能低于第1档单价"),
    ((TierInput(m3(350), 300), TierInput(m3(500), 400)), "最后一档不设上限"),
    ((TierInput(None, 300), TierInput(None, 400)), "请填写第1档的年用气量上限"),
    ((), "请至少填写一档气价"),
]


@pytest.mark.parametrize(("tiers", "message"), BAD_LADDERS)
def test_a_bad_ladder_is_refused_with_its_message_and_nothing_saved(hall, tiers, message):
    before = row_counts(hall.ctx)
    with refused(InvalidInput, message):
        supersede_tariff(hall.ctx, admin(hall), change(tiers=tiers))
    assert row_counts(hall.ctx) == before
    assert not events(hall, TARIFF_SUPERSEDED)


def test_a_household_rule_is_for_residential_ladders_only(hall):
    commercial = PriceChange("commercial", TOMORROW, (TierInput(None, 350),), household_threshold=4)
    with refused(InvalidInput, "工商业户不适用多人口调整"):
        supersede_tariff(hall.ctx, admin(hall), commercial)
    with refused(InvalidInput, "请填写每增加一人增加的气量"):
        supersede_tariff(hall.ctx, admin(hall), change(extra_per_member=0))
    flat = supersede_tariff(
        hall.ctx, admin(hall), PriceChange("commercial", TOMORROW, (TierInput(None, 350),))
    )
    assert flat.name == "工商业户气价（2026-03-03起）"


def test_one_version_per_class_and_date(hall):
    supersede_tariff(hall.ctx, admin(hall), change())
    before = row_counts(hall.ctx)
    with refused(Conflict, "已有气价版本，气价版本不能修改或撤回") as error:
        supersede_tariff(hall.ctx, admin(hall), change(tiers=ladder(310, 410, 510)))
    assert error.value.field == "effective_from"
    assert row_counts(hall.ctx) == before


def test_a_future_version_is_followed_by_a_later_one_and_each_prices_its_own_days(hall):
    supersede_tariff(hall.ctx, admin(hall), change(name="三月"))
    supersede_tariff(
        hall.ctx,
        admin(hall),
        change(day=dt.date(2026, 4, 1), name="四月", tiers=ladder(310, 410, 510)),
    )
    residential = tariff_overview(hall.ctx, admin(hall)).of(CustomerKind.RESIDENTIAL)
    assert [(v.name, v.status) for v in residential.versions] == [
        ("四月", TariffStatus.FUTURE),
        ("三月", TariffStatus.FUTURE),
        ("居民阶梯气价", TariffStatus.CURRENT),
    ]
    account = open_customer(hall)
    hall.clock.set(2026, 3, 31, 9, 0)
    assert buy(hall, account.card_serial, volume=m3(10)).tariff_name == "三月"
    hall.clock.set(2026, 4, 1, 9, 0)
    assert buy(hall, account.card_serial, volume=m3(10)).amount_fen == yuan("31.00")


def test_a_clerk_is_refused_and_the_refusal_is_logged(hall):
    clerk = AdminActor(hall.users["lina"])
    before = row_counts(hall.ctx)
    with refused(PermissionDenied, "无权"):
        supersede_tariff(hall.ctx, clerk, change())
    with refused(PermissionDenied, "无权"):
        tariff_overview(hall.ctx, clerk)
    with refused(PermissionDenied, "无权"):
        price_preview(hall.ctx, clerk, change(), TypicalPurchase())
    assert row_counts(hall.ctx) == before
    denied = [json.loads(e.data) for e in events(hall, "permission_denied")]
    assert [d["operation"] for d in denied] == ["manage_tariffs"] * 3
    assert not events(hall, TARIFF_SUPERSEDED)


def test_the_preview_prices_a_typical_purchase_before_and_after(hall):
    preview = price_preview(hall.ctx, admin(hall), change(), TypicalPurchase())
    assert preview.before.amount_fen == yuan("52.20")  # 20 m³ at 2.61
    assert preview.after.amount_fen == yuan("60.00")  # 20 m³ at 3.00
    assert preview.difference_fen == yuan("7.80")
    crossing = price_preview(
        hall.ctx, admin(hall), change(), TypicalPurchase(m3(20), 3, used=m3(340))
    )
    assert [(s.tier, s.volume) for s in crossing.after.segments] == [(1, m3(10)), (2, m3(10))]
    assert crossing.after.amount_fen == yuan("70.00")


def test_a_price_change_effective_tomorrow_prices_tomorrows_sale_only(hall):
    supersede_tariff(hall.ctx, admin(hall), change(name="居民阶梯气价（3月调价）"))
    account = open_customer(hall)
    today = buy(hall, account.card_serial, volume=m3(10))
    assert today.amount_fen == yuan("26.10")  # the old 2.61
    assert today.tariff_name == "居民阶梯气价"
    hall.clock.set(2026, 3, 2, 23, 59)
    assert buy(hall, account.card_serial, volume=m3(10)).amount_fen == yuan("26.10")
    hall.clock.set(2026, 3, 3, 0, 1)  # Shanghai time: the new version's day
    tomorrow = buy(hall, account.card_serial, volume=m3(10))
    assert tomorrow.amount_fen == yuan("30.00")
    assert tomorrow.tariff_name == "居民阶梯气价（3月调价）"
