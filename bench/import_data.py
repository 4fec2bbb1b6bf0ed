"""A go-live import's files for the bench: ``write_import_files(directory, accounts, seed)``.

Valid files of all seven kinds (``app.domain.imports.FILES``), as an old charging system would
hand them over: Chinese names and addresses, resident IDs that pass GB 11643 (and belong to
nobody), about 85% IC-card accounts (maker ``gasdesk``, one active card, a few with a lost card
too), 10% post-paid accounts with a balance and most with an unpaid bill, 5% remote-read ones
with a balance; a residential card account has its 2026-01-01 ladder year's usage. Every row
reads back without an error (``tests/test_import_files.py`` checks a small set).

``python -m bench.import_data DIR [ACCOUNTS]`` writes a set and times ``read_import`` on it
(seconds, peak RSS).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import resource
import sys
import time
from pathlib import Path

from app.demo import ESTATES, GIVEN, REGIONS, ROADS, SURNAMES
from app.domain.cards import GASDESK_MAKER
from app.domain.identity import make_resident_id
from app.domain.imports import FILES
from app.vocabulary import AccountKind, AccountStatus, CardStatus, CustomerKind, IdType

SHOPS = ("餐饮", "面馆", "酒楼", "食堂", "烘焙", "洗衣")
LADDER_YEAR = dt.date(2026, 1, 1)
TODAY = dt.date(2026, 12, 1)  # every date written is on or before it


def _writer(directory: Path, name: str):  # type: ignore[no-untyped-def]
    handle = (directory / f"{name}.csv").open("w", encoding="utf-8-sig", newline="")
    writer = csv.writer(handle)
    spec = next(s for s in FILES if s.name == name)
    writer.writerow([c.name for c in spec.columns])
    return handle, writer


def write_import_files(directory: Path, accounts: int, seed: int) -> None:
    """Write ``customers.csv`` … ``bills.csv`` for ``accounts`` accounts into ``directory``."""
    rng = random.Random(seed)
    used: set[str] = set()
    directory.mkdir(parents=True, exist_ok=True)
    opened = [_writer(directory, spec.name) for spec in FILES]
    writers = {spec.name: w for spec, (_, w) in zip(FILES, opened, strict=True)}
    try:
        for n in range(accounts):
            _account(rng, n, writers, used)
    finally:
        for handle, _ in opened:
            handle.close()


def _account(rng: random.Random, n: int, w: dict, used: set[str]) -> None:  # type: ignore[type-arg]
    ref = f"K{n:07d}"
    no = f"01{n:08d}"
    pick = rng.random()
    kind = (
        AccountKind.CARD
        if pick < 0.85
        else AccountKind.POSTPAID
        if pick < 0.95
        else AccountKind.REMOTE
    )
    residential = rng.random() < 0.95  # the rest: shops and canteens (commercial)
    opened = dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(365 * 20))
    if residential:
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(365 * 60))
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        region, sequence = rng.choice(REGIONS), n % 1000
        id_number = make_resident_id(region, birth, sequence)
        while id_number in used:  # one person, one ID: the reader refuses a second customer
            sequence = (sequence + 1) % 1000
            id_number = make_resident_id(region, birth, sequence)
        used.add(id_number)
        id_type = IdType.RESIDENT_ID
        klass, size = CustomerKind.RESIDENTIAL, str(rng.choice((1, 2, 3, 3, 4, 5)))
    else:
        name = f"{rng.choice(ROADS)}{rng.choice(SHOPS)}店{n}"
        id_type, id_number = IdType.BUSINESS_LICENSE, f"9131{n:014d}"
        klass, size = CustomerKind.COMMERCIAL, ""
    address = (
        f"{rng.choice(ROADS)}{rng.randint(1, 300)}号{rng.choice(ESTATES)}"
        f"{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元"
        f"{rng.randint(1, 30)}{rng.randint(1, 4):02d}室"
    )
    phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}" if rng.random() < 0.9 else ""
    w["customers"].writerow([ref, name, klass, id_type, id_number, phone, address, size])
    count = rng.randint(1, 80) if kind is AccountKind.CARD else None
    last_on = TODAY - dt.timedelta(days=rng.randrange(300)) if count else None
    cumulative = f"{rng.randint(100, 9000)}.{rng.randrange(100):02d}" if count else ""
    w["accounts"].writerow(
        [
            no,
            ref,
            kind,
            AccountStatus.ACTIVE,
            opened.isoformat(),
            "",
            count if count is not None else "",
            last_on.isoformat() if last_on else "",
            cumulative,
        ]
    )
    initial = f"{rng.randint(0, 20)}.{rng.randrange(100):02d}"
    flow = "" if residential else f"{rng.choice((6, 10, 16, 25))}.00"
    model = "G2.5" if residential else "G6"
    w["meters"].writerow([f"JK{n:011d}", no, model, initial, opened.isoformat(), flow])
    if kind is AccountKind.CARD:
        if rng.random() < 0.03:  # a card lost before, blacklisted in the old system
            w["cards"].writerow(
                [
                    f"8{n:08d}",
                    no,
                    GASDESK_MAKER,
                    "lost",
                    opened.isoformat(),
                    max(count - 5, 0),
                    "0.00",
                ]
            )
        gas = f"{rng.choice((0, 0, 0, 20, 50))}.00"
        w["cards"].writerow(
            [f"1{n:08d}", no, GASDESK_MAKER, CardStatus.ACTIVE, opened.isoformat(), count, gas]
        )
        if residential:
            w["usage"].writerow(
                [no, LADDER_YEAR.isoformat(), f"{rng.randint(0, 340)}.{rng.randrange(100):02d}"]
            )
    else:
        balance = rng.randint(-30000, 50000)
        sign = "-" if balance < 0 else ""
        w["balances"].writerow(
            [no, f"{sign}{abs(balance) // 100}.{abs(balance) % 100:02d}", "2026-11-30"]
        )
        if kind is AccountKind.POSTPAID and rng.random() < 0.7:
            last = rng.randint(100, 5000)
            used = rng.randint(5, 60)
            amount = used * 261
            w["bills"].writerow(
                [
                    f"B202611-{n:07d}",
                    no,
                    "2026-10-20",
                    "2026-11-20",
                    f"{last}.00",
                    f"{last + used}.00",
                    f"{amount // 100}.{amount % 100:02d}",
                    "0.00",
                    "2026-12-10",
                ]
            )


def main(argv: list[str]) -> None:
    """Write a set into argv[0] (accounts: argv[1], default 100,000) and time its dry read."""
    from app.services.import_files import read_import, source_from

    directory = Path(argv[0])
    accounts = int(argv[1]) if len(argv) > 1 else 100_000
    started = time.perf_counter()
    write_import_files(directory, accounts, seed=1)
    written = time.perf_counter() - started
    started = time.perf_counter()
    data = read_import(
        source_from([directory], None),
        today=TODAY,
        makers=frozenset({GASDESK_MAKER}),
        usage_caps={CustomerKind.RESIDENTIAL: 100_000 * 100},
    )
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = sum(data.rows.values())
    print(f"written in {written:.1f} s; read {rows} rows, {len(data.accounts)} accounts importable")
    print(f"errors {len(data.errors)}, warnings {len(data.problems) - len(data.errors)}")
    print(f"read_import: {seconds:.1f} s, peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
