"""Several counter processes selling to the same accounts at once (PostgreSQL and SQLite).

Afterwards: no sale lost, receipt numbers without duplicates or gaps, purchase counts 1..n per
account, and every sale priced exactly as if the sales had happened one after another.
"""

from __future__ import annotations

import time

from sqlalchemy import select

from app.domain.pricing import ladder_year_start, price_volume
from app.services.setup import add_user, ensure_counter
from app.services.tariffs import tariff_in_force
from db.models import Account, Card, CounterTransaction
from tests.concurrency_worker import sell
from tests.processes import processes
from tests.support import open_customer, open_shift, password_hash

PROCESSES = 4
SALES_EACH = 25


def test_concurrent_counters_lose_nothing_and_price_in_order(hall, database):
    accounts = [open_customer(hall, household=h) for h in (2, 3, 6)]
    cards = [a.card_serial for a in accounts]
    counter4, counter5 = (ensure_counter(hall.ctx, hall.hall_id, code) for code in ("4", "5"))
    clerks = [
        ("lina", hall.counter_id),
        ("wangfang", hall.counter2_id),
        ("chenxiao", counter4),
        ("zhoujie", counter5),
    ]
    hall.users["chenxiao"] = add_user(
        hall.ctx, "chenxiao", "陈晓", "clerk", password_hash=password_hash()
    )
    for user, counter in clerks[2:]:  # one open shift per counter
        open_shift(hall.ctx, hall.actor(user, counter))
    with processes.Pool(PROCESSES) as pool:
        start_at = time.time() + 1  # the pool's processes are forked and ready by then
        jobs = [
            (database.url, hall.clock(), (hall.users[u], c), cards, SALES_EACH, seed, start_at)
            for seed, (u, c) in enumerate(clerks)
        ]
        results = [sale for batch in pool.starmap(sell, jobs) for sale in batch]

    assert len(results) == PROCESSES * SALES_EACH
    with hall.ctx.unit_of_work() as s:
        purchases = list(
            s.scalars(
                select(CounterTransaction)
                .where(CounterTransaction.kind == "purchase")
                .order_by(CounterTransaction.id)
            )
        )
        assert len(purchases) == len(results)  # no sale lost, none doubled
        assert {p.id for p in purchases} == {r[0] for r in results}

        seqs = sorted(s.scalars(select(CounterTransaction.receipt_seq)))
        assert seqs == list(range(1, len(seqs) + 1))  # no duplicate, no missing number

        day = hall.clock().date()
        for account in s.scalars(
            select(Account).where(Account.account_no.in_([a.account_no for a in accounts]))
        ):
            sales = [p for p in purchases if p.account_id == account.id]
            card = s.scalar(select(Card).where(Card.account_id == account.id))
            expected_volume = sum(r[2] for r in results if r[1] == card.serial)
            assert sum(p.volume for p in sales) == expected_volume
            assert [p.purchase_count for p in sales] == list(range(1, len(sales) + 1))
            assert account.purchase_count == len(sales)
            # replay in commit order: each sale's tier split must be what a lone counter gets
            rule = tariff_in_force(s, "residential", day).rule
            assert (
                ladder_year_start(day, rule.ladder_start_month) == sales[0].segments[0].ladder_year
            )
            used = 0
            for p in sales:
                expected = price_volume(rule, account.customer.household_size, used, p.volume)
                assert [(x.tier, x.volume, x.amount_fen) for x in p.segments] == [
                    (e.tier, e.volume, e.amount_fen) for e in expected
                ]
                used += p.volume
            assert used > rule.breakpoints(account.customer.household_size)[-2]  # reached tier 3
