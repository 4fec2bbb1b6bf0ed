"""Core metrics: purchase service cost against a bare insert, its statements, its time on a
PostgreSQL server; account lookups at scale."""

from __future__ import annotations

import datetime as dt
import os
import random
import secrets
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import event

from app.context import Context
from app.demo import random_customer, seed_hall
from app.services.actor import Actor
from app.services.queries import find_accounts
from app.services.sales import PurchaseRequest, purchase
from bench.common import Metric, fresh_context, median, open_bench_shift, percentile, timed
from db import migrate
from db.engine import open_database
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


def count_statements(ctx: Context, call) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    """The SQL statements ``call()`` sends to the database (``before_cursor_execute``: one per
    statement the driver runs, a multi-row INSERT once; BEGIN IMMEDIATE included, COMMIT is
    the driver's own call and not a statement)."""
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(ctx.db.engine, "before_cursor_execute", seen)
    try:
        call()
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", seen)
    return len(statements), statements


def purchase_statements(directory: Path, quick: bool) -> list[Metric]:
    """Statements per purchase() through the service on SQLite (the bench's sale: 1 m³ by
    volume, cash, no card write), the most over a few sales after the first."""
    ctx = fresh_context(directory, "statements.sqlite3")
    _, counters, users = seed_hall(ctx)
    actor = Actor(users["lina"], counters[0])
    cards = _bulk_accounts(ctx, 10, seed=3)
    open_bench_shift(ctx, actor)
    purchase(ctx, actor, PurchaseRequest(uuid.uuid4(), cards[0], volume=100))  # warm caches
    counts = [
        count_statements(
            ctx,
            lambda card=card: purchase(ctx, actor, PurchaseRequest(uuid.uuid4(), card, volume=100)),
        )[0]
        for card in cards[1:]
    ]
    ctx.db.dispose()
    return [
        Metric(
            "purchase_statements",
            max(counts),
            "stmt",
            "<= 8",
            "SQL statements per purchase() on SQLite, BEGIN IMMEDIATE included "
            f"(min {min(counts)}, max of {len(counts)} sales)",
        )
    ]


PG_SERVER = os.environ.get("GASDESK_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def purchase_pg_ms(directory: Path, quick: bool) -> list[Metric]:
    """Median wall time of purchase() on the PostgreSQL server at 127.0.0.1, in a database of
    its own made for the run and dropped after it; skipped with a note when none answers."""
    import psycopg
    from psycopg import sql

    name = f"gasdesk_bench_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=3) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        note = f"skipped: no PostgreSQL answers at {PG_SERVER} ({type(error).__name__})"
        return [Metric("purchase_pg_ms", None, "ms", "reported", note)]
    url = PG_SERVER.rsplit("/", 1)[0] + f"/{name}"
    try:
        db = open_database(url)
        migrate.upgrade(db)
        ctx = Context(db=db, tz=ZoneInfo("Asia/Shanghai"), audit_key=secrets.token_bytes(32))
        _, counters, users = seed_hall(ctx)
        actor = Actor(users["lina"], counters[0])
        open_bench_shift(ctx, actor)
        cards = _opened_accounts(ctx, actor, 20)
        rounds = 100 if quick else 500
        for i in range(10):  # warm up caches and the connection pool
            purchase(ctx, actor, PurchaseRequest(uuid.uuid4(), cards[i % len(cards)], volume=100))
        times = [
            timed(
                lambda i=i: purchase(
                    ctx, actor, PurchaseRequest(uuid.uuid4(), cards[i % len(cards)], volume=100)
                )
            )
            * 1e3
            for i in range(rounds)
        ]
        statements = count_statements(
            ctx, lambda: purchase(ctx, actor, PurchaseRequest(uuid.uuid4(), cards[0], volume=100))
        )[0]
        db.dispose()
    finally:
        with psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=3) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
    return [
        Metric(
            "purchase_pg_ms",
            round(median(times), 2),
            "ms",
            "reported",
            f"median of {rounds} purchase() on {PG_SERVER.rsplit('@', 1)[-1]}, p95 "
            f"{percentile(times, 95):.2f} ms, {statements} statements per sale",
        )
    ]


def _opened_accounts(ctx: Context, actor: Actor, count: int) -> list[str]:
    """Accounts opened through the service (any backend); returns their card serials."""
    from app.services.accounts import ContractInput, OpenAccountRequest, open_account

    rng = random.Random(17)
    serials = []
    for n in range(count):
        opened = open_account(
            ctx,
            actor,
            OpenAccountRequest(
                request_id=uuid.uuid4(),
                customer=random_customer(rng, n),
                meter_no=f"18P{n:07d}",
                card_serial=f"PG{n:010d}",
                contract=ContractInput(f"HT-PG-{n:05d}", dt.date(2026, 1, 1)),
                meter_model="G2.5",
            ),
        )
        serials.append(opened.card_serial)
    return serials


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
    seen_ids: set[str] = set()
    for offset in range(0, count, batch):
        customers, accounts, meters, cards = [], [], [], []
        for n in range(start + offset + 1, start + min(offset + batch, count) + 1):
            c = random_customer(rng, n)
            while c.id_number in seen_ids:  # one customer per ID (customers UNIQUE, 0007)
                c = random_customer(rng, n)
            seen_ids.add(c.id_number)
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
