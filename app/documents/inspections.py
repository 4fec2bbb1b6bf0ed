"""The inspection team's list of accounts due for a safety inspection (应安检户清单), as a
table for the preview and the CSV/XLSX exports (``app.documents.export``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.documents import export
from app.documents.layout import Column, Table


@dataclass(frozen=True)
class DueListData:
    """The due list as asked for: today, the days ahead, and the accounts (each with
    ``account_no``, ``name``, ``address`` and an ``InspectionStatus`` as ``status``)."""

    today: dt.date
    within_days: int
    accounts: Sequence[Any]


COLUMNS = (
    Column("户号", 22),
    Column("户名", 20),
    Column("地址", 50),
    Column("上次安检", 22),
    Column("结果", 16),
    Column("应安检日期", 22),
    Column("逾期天数", 12, "right"),
    Column("限制购气", 16),
)


def due_table(data: DueListData) -> Table:
    """One row per account, the most overdue first (as the service sorted them)."""
    rows = []
    for due in data.accounts:
        status = due.status
        late = (data.today - status.due_on).days
        rows.append(
            (
                due.account_no,
                due.name,
                due.address,
                status.last_on,
                status.last_result.label if status.last_result else "未安检",
                status.due_on,
                late if late > 0 else None,
                status.hold.label if status.hold else None,
            )
        )
    return Table(COLUMNS, tuple(rows))


def due_sections(data: DueListData) -> list[export.Section]:
    return [("应安检户", due_table(data))]


def due_list_csv(data: DueListData) -> bytes:
    title = ["应安检户清单", data.today.isoformat(), f"逾期及{data.within_days}天内到期"]
    return export.to_csv(title, due_sections(data))


def due_list_xlsx(data: DueListData) -> bytes:
    printed = dt.datetime.combine(data.today, dt.time())
    return export.to_xlsx(due_sections(data), printed)
