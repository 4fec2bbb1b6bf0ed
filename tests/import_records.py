"""Import records built in code (as the file reader returns them), for the writer's tests."""

from __future__ import annotations

import datetime as dt

from app.domain.identity import make_resident_id
from app.domain.imports import (
    AccountRecord,
    BalanceRecord,
    BillRecord,
    CardRecord,
    CustomerRecord,
    ImportData,
    MeterRecord,
    Source,
    UsageRecord,
)
from app.services.import_files import FileDigest
from app.vocabulary import AccountKind, AccountStatus, CardStatus, CustomerKind, IdType

NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴刚"]


def records(
    count: int,
    *,
    start: int = 1,
    usage: int = 34000,  # 0.01 m³: 340 m³ this ladder year
    count_on_card: int = 27,
    maker: str = "gasdesk",
    ladder_year: dt.date = dt.date(2026, 1, 1),
    postpaid: int = 0,
) -> ImportData:
    """``count`` card accounts (and ``postpaid`` post-paid ones with a balance and a bill),
    numbered from ``start``: each with its customer, meter, card and ladder-year usage."""
    data = ImportData({}, {}, {}, {}, {}, {}, {}, [], {})
    row = 1
    for n in range(start, start + count + postpaid):
        row += 1
        ref = f"K{n:06d}"
        no = f"88{n:08d}"
        kind = AccountKind.CARD if n < start + count else AccountKind.POSTPAID
        data.customers[ref] = CustomerRecord(
            Source("customers.csv", row),
            ref,
            NAMES[n % len(NAMES)],
            CustomerKind.RESIDENTIAL,
            IdType.RESIDENT_ID,
            make_resident_id("110101", dt.date(1980, 1, 1) + dt.timedelta(days=n % 9000), n % 1000),
            f"138{n:08d}",
            f"解放路{n}号",
            3,
        )
        data.accounts[no] = AccountRecord(
            Source("accounts.csv", row),
            no,
            ref,
            kind,
            AccountStatus.ACTIVE,
            dt.date(2015, 6, 1),
            None,
            count_on_card if kind == AccountKind.CARD else None,
            dt.date(2026, 11, 20) if kind == AccountKind.CARD else None,
            312000,
        )
        data.meters[no] = MeterRecord(
            Source("meters.csv", row), f"MT{n:08d}", no, "G2.5", 0, dt.date(2015, 6, 1), None
        )
        if kind == AccountKind.CARD:
            data.cards[no] = [
                CardRecord(
                    Source("cards.csv", row),
                    f"OC{n:08d}",
                    no,
                    maker,
                    CardStatus.ACTIVE,
                    dt.date(2015, 6, 1),
                    count_on_card,
                    0,
                )
            ]
        else:
            data.balances[no] = BalanceRecord(
                Source("balances.csv", row), no, 3560, dt.date(2026, 11, 30)
            )
            data.bills[no] = [
                BillRecord(
                    Source("bills.csv", row),
                    f"B-{n:06d}",
                    no,
                    dt.date(2026, 10, 20),
                    dt.date(2026, 11, 20),
                    120000,
                    123500,
                    9135,
                    0,
                    dt.date(2026, 12, 10),
                )
            ]
        if usage:
            data.usage[no] = [UsageRecord(Source("usage.csv", row), no, ladder_year, usage)]
    for name in ("customers", "accounts", "meters", "cards", "usage", "balances", "bills"):
        data.rows[name] = row - 1
    return data


def digests(tag: str = "a") -> list[FileDigest]:
    """File digests standing for one set of files (``tag`` makes another set)."""
    return [
        FileDigest(name, f"{name}.csv", (tag + name).encode().hex().ljust(64, "0")[:64], 100)
        for name in ("customers", "accounts", "meters", "cards", "usage")
    ]
