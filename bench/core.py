"""Core metrics: purchase service cost against a bare insert; account lookups at scale."""

from __future__ import annotations

import random
import time
import uuid
from pathlib import Path

from app.demo import random_customer, seed_hall
from app.services.actor import Actor
from app.services.queries import find_accounts
from app.services.sales import PurchaseRequest, purchase
from bench.common import Metric, fresh_context, median, open_bench_shift, percentile, timed
from db.search import search_text_for


def purchase_service_ratio(directory: Path, quick: bool) -> list[Metric]:
    """Median wall time of purchase() over one bare INSERT + COMMIT, same file and pragmas."""
    ctx = fresh_context(directory, "purchase.sqlite3")
    _, counters, users = seed_hall(ctx)
    actor = Actor(users["lina"], counters[0])
    cards = _bulk_accounts(ctx, 200, seed=7)
    open_bench_shift(ctx, actor)
    rounds = 300 if quick else 2000

    raw = ctx.db.engine.raw_connection()  # the engine's connect hook applied the same pragmas
    cursor = raw.cursor()
    cursor.execute("CREATE TABLE bench_bare (id INTEGER PRIMARY KEY, request TEXT, amount INTEGER)")

    def bare() -> None:
        cursor.execute("BEGIN IMMEDIATE")
        cursor.execute(
            "INSERT INTO bench_bare (request, amount) VALUES (?, ?)", (uuid.uuid4().hex, 522)
        )
        cursor.execute("COMMIT")

    def sale(i: int) -> None:
        card = cards[i % len(cards)]
        purchase(ctx, actor, PurchaseRequest(uuid.uuid4(), card, volume=100))

    for i in range(20):  # warm up caches and the connection pool
        bare()
        sale(i)
    bare_times: list[float] = []
    sale_times: list[float] = []
    for i in range(rounds):  # interleaved, so drift on the machine hits both alike
        bare_times.append(timed(bare))
        sale_times.append(timed(lambda i=i: sale(i)))
    raw.close()
    ctx.db.dispose()
    ratio = median(sale_times) / median(bare_times)
    return [
        Metric(
            "purchase_service_ratio",
            round(ratio, 2),
            "x",
            "<= 3",
            f"purchase {median(sale_times) * 1e3:.2f} ms vs bare insert+commit "
            f"{median(bare_times) * 1e3:.2f} ms (medians of {rounds})",
        ),
    ]


def _bulk_accounts(ctx, count: int, seed: int, hall_id: int = 1) -> list[str]:
    """Insert ``count`` customers/accounts/meters/cards in bulk; returns card serials.

    Bypasses the services on purpose: a million accounts through open_account would take hours,
    and lookups only need the rows, the indexes and the search table to be as the services
    leave them.
    """
    rng = random.Random(seed)
    raw = ctx.db.engine.raw_connection()
    cursor = raw.cursor()
    cursor.execute("SELECT coalesce(max(id), 0) FROM accounts")
    start = cursor.fetchone()[0]
    now = "2026-01-05 09:00:00.000000"
    batch = 20_000
    serials = []
    for offset in range(0, count, batch):
        customers, accounts, meters, cards = [], [], [], []
        for n in range(start + offset + 1, start + min(offset + batch, count) + 1):
            c = random_customer(rng, n)
            customers.append(
                (
                    n,
                    c.kind,
                    c.name,
                    c.id_type,
                    c.id_number,
                    c.phone,
                    c.address,
                    c.household_size,
                    search_text_for(c.name, c.address),
                    now,
                )
            )
            accounts.append((n, f"01{n:08d}", hall_id, n, "active", 0, now))
            meters.append((n, f"18B{n:07d}", "G2.5", 0, n))
            serial = f"BC{n:010d}"
            cards.append((n, serial, n, "active", now))
            serials.append(serial)
        cursor.execute("BEGIN IMMEDIATE")
        cursor.executemany(
            "INSERT INTO customers (id, kind, name, id_type, id_number, phone, address, "
            "household_size, search_text, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            customers,
        )
        cursor.executemany(
            "INSERT INTO accounts (id, account_no, hall_id, customer_id, status, purchase_count, "
            "opened_at) VALUES (?,?,?,?,?,?,?)",
            accounts,
        )
        cursor.executemany(
            "INSERT INTO meters (id, meter_no, model, initial_reading, account_id) "
            "VALUES (?,?,?,?,?)",
            meters,
        )
        cursor.executemany(
            "INSERT INTO cards (id, serial, account_id, status, issued_at) VALUES (?,?,?,?,?)",
            cards,
        )
        cursor.execute("COMMIT")
    cursor.execute("ANALYZE")
    raw.close()
    return serials


def lookup_latency(directory: Path, quick: bool) -> list[Metric]:
    """p95 of find_accounts() by exact keys and by name substring over many accounts."""
    size = 50_000 if quick else 1_000_000
    ctx = fresh_context(directory, "lookup.sqlite3")
    _, counters, users = seed_hall(ctx)
    actor = Actor(users["lina"], counters[0])  # a clerk looks up (the role check is timed too)
    started = time.perf_counter()
    _bulk_accounts(ctx, size, seed=11)
    build_s = time.perf_counter() - started
    rng = random.Random(5)
    samples = 200 if quick else 500

    with ctx.unit_of_work() as s:
        from sqlalchemy import text

        rows = s.execute(
            text(
                "SELECT a.account_no, c.serial, cu.phone, cu.id_number, cu.name FROM accounts a "
                "JOIN cards c ON c.account_id = a.id JOIN customers cu ON cu.id = a.customer_id "
                "WHERE a.id IN ("
                + ",".join(str(rng.randint(1, size)) for _ in range(samples))
                + ")"
            )
        ).all()
    exact_keys = [row[rng.randrange(4)] for row in rows]
    name_keys = []
    for row in rows:
        name = row[4]
        length = rng.choice((1, 2, 2, len(name)))
        at = rng.randrange(len(name) - min(length, len(name)) + 1)
        name_keys.append(name[at : at + length])

    for key in exact_keys[:20] + name_keys[:20]:  # warm the page cache
        find_accounts(ctx, actor, key)
    exact = [timed(lambda k=k: find_accounts(ctx, actor, k)) * 1e3 for k in exact_keys]
    names = [timed(lambda k=k: find_accounts(ctx, actor, k)) * 1e3 for k in name_keys]
    assert all(find_accounts(ctx, actor, k) for k in exact_keys[:10]), (
        "exact lookups must find rows"
    )
    ctx.db.dispose()
    scope = f"{size:,} accounts" + (" (--quick: smaller data set)" if quick else "")
    return [
        Metric(
            "lookup_exact_p95_ms",
            round(percentile(exact, 95), 2),
            "ms",
            "<= 5",
            f"户号/card/phone/ID via find_accounts, {len(exact)} queries, {scope}; "
            f"built in {build_s:.0f} s",
        ),
        Metric(
            "lookup_name_p95_ms",
            round(percentile(names, 95), 2),
            "ms",
            "<= 50",
            f"name substrings of 1-3 characters, first 50 results, {len(names)} queries, {scope}",
        ),
    ]
