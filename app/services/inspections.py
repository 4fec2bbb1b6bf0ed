"""Safety inspections (安检): results entered at the counter from an inspector's sheet, imported
in bulk from the inspection team's file (CSV or XLSX), and the list of accounts due.

An import is all or nothing: every row is checked first and the first bad one is refused with
its row number, nothing written. Each row's request id is derived from its content
(``row_request_id``), so importing the same file again adds nothing (rows already there are
counted as such). The rules of due dates and holds: ``app.domain.limits``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from app.context import Context
from app.domain.limits import InspectionStatus, add_months
from app.errors import GasDeskError, InvalidInput, NotFound, RuleViolation
from app.policy import load_policy
from app.services import audit
from app.services.actor import Actor, OnDuty, resolve_actor
from app.services.boundary import AccountNo, Note, Text, service
from app.services.limits import (
    INSPECTION_COLUMNS,
    LAST_PASSED,
    AccountLimits,
    inspection_of,
    limits_in,
)
from app.services.locks import account_by_no
from app.services.progress import ImportCancelled, ImportProgress
from app.services.unit_of_work import Earlier, run_once, submitted_in
from app.vocabulary import InspectionResult, InspectionSource
from db.engine import connection_of
from db.tables import accounts, customers, inspections

OPERATION = "inspections"
IMPORT_NAMESPACE = uuid.UUID("8f5e2c1a-58a4-4c1e-9d43-2a6f7b0e1d01")
CHUNK = 500  # rows per statement of an import (and per progress step)
Inspector = Annotated[str, Text("安检员", 50, required=True, name=True)]

# the sheet's columns, as the inspection team's file heads them
HEADERS = ("户号", "安检日期", "安检结果", "安检员", "备注")


@dataclass(frozen=True)
class InspectionEntry:
    """One result from an inspector's sheet."""

    account_no: AccountNo
    inspected_on: dt.date
    result: Annotated[str, Text("安检结果", 20, required=True)]  # an InspectionResult
    inspector: Inspector
    note: Note | None = None


_RESULTS = {member.label: member for member in InspectionResult} | {
    str(member): member for member in InspectionResult
}


def result_of(text: str) -> InspectionResult:
    """An inspection result from its stored value or its Chinese name (合格 …)."""
    try:
        return _RESULTS[str(text or "").strip()]
    except KeyError:
        names = "、".join(m.label for m in InspectionResult)
        raise InvalidInput(f"安检结果应为{names}之一", f"bad result {text!r}") from None


def _check_entry(entry: InspectionEntry, today: dt.date) -> InspectionResult:
    if entry.inspected_on > today:
        raise InvalidInput("安检日期不能晚于今天", f"inspected on {entry.inspected_on}")
    return result_of(entry.result)


def _row(entry: InspectionEntry, account_id: int, request_id, source, actor_id, now) -> dict:  # type: ignore[no-untyped-def, type-arg]
    return {
        "request_id": request_id,
        "account_id": account_id,
        "inspected_on": entry.inspected_on,
        "result": result_of(entry.result),
        "inspector": entry.inspector,
        "note": entry.note or None,
        "source": source,
        "recorded_by": actor_id,
        "recorded_at": now,
    }


def _event(on_duty: OnDuty, kind: str, data: dict) -> audit.Event:  # type: ignore[type-arg]
    return audit.Event(kind, on_duty.user_id, on_duty.counter_id, on_duty.hall_id, data=data)


_ACCOUNT_OF = select(inspections.c.account_id).where(inspections.c.id == bindparam("id"))


def _replay(session: Session, row_id: int) -> AccountLimits:
    account_id = connection_of(session).execute(_ACCOUNT_OF, {"id": row_id}).scalar_one()
    return limits_in(session, session.info["context"], account_id)


_EARLIER = Earlier(submitted_in(inspections.c.request_id), _replay)


@service
def record_inspection(
    ctx: Context, actor: Actor, request_id: uuid.UUID, entry: InspectionEntry
) -> AccountLimits:
    """Enter one result at the counter; returns the account's state after it (a passed
    result clears a hold, a hazard or a refusal holds its sales)."""

    def work(session: Session) -> AccountLimits:
        on_duty = resolve_actor(session, actor, OPERATION)
        result = _check_entry(entry, ctx.today())
        account = account_by_no(session, entry.account_no)
        row = _row(
            entry, account.id, request_id, InspectionSource.COUNTER, on_duty.user_id, ctx.now()
        )
        connection_of(session).execute(insert(inspections), row)
        data = {"account": account.account_no, "result": str(result)}
        audit.record(session, ctx, _event(on_duty, "inspection_recorded", data))
        return limits_in(session, ctx, account.id)

    return run_once(ctx, request_id, _EARLIER, work)


# ---------------------------------------------------------------- bulk import


@dataclass(frozen=True)
class ImportResult:
    added: int
    already: int  # rows an earlier import of the same sheet wrote


def row_request_id(entry: InspectionEntry) -> uuid.UUID:
    """The request id of an imported row, from its content: the same row imported twice is
    the same request."""
    key = "\0".join(
        (
            entry.account_no,
            entry.inspected_on.isoformat(),
            str(result_of(entry.result)),
            entry.inspector,
            entry.note or "",
        )
    )
    return uuid.uuid5(IMPORT_NAMESPACE, key)


def _parse_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    try:  # 2026-03-01, 2026-3-1, 2026/3/1, 2026.3.1 or 20260301
        return dt.datetime.strptime(text, "%Y-%m-%d" if "-" in text else "%Y%m%d").date()
    except ValueError:
        raise InvalidInput("安检日期格式不正确（应为 2026-03-01）", f"bad date {value!r}") from None


def entry_of(cells: Sequence[object]) -> InspectionEntry:
    """One sheet row (户号, 安检日期, 安检结果, 安检员, 备注) as an entry, checked like a
    counter entry."""
    values = [*cells, *[None] * (len(HEADERS) - len(cells))][: len(HEADERS)]
    account_no, on, result, inspector, note = values
    entry = InspectionEntry(
        str(account_no or "").strip(),
        _parse_date(on),
        str(result_of(str(result or ""))),
        str(inspector or "").strip(),
        str(note).strip() if note is not None and str(note).strip() else None,
    )
    return _checked_entry(entry)


@service
def _checked_entry(entry: InspectionEntry) -> InspectionEntry:
    """The boundary's checks of one entry (户号, names, lengths)."""
    if not entry.account_no:
        raise InvalidInput("请填写户号", "empty account_no")
    return entry


def read_sheet(path: Path) -> list[tuple[int, list[object]]]:
    """The data rows of an inspection sheet (CSV in UTF-8 or GBK, or XLSX: its first sheet),
    with their row numbers in the file; the header row (户号 …) is skipped, blank rows too."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            from openpyxl import load_workbook

            workbook = load_workbook(path, read_only=True, data_only=True)
            try:
                rows = [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
            finally:
                workbook.close()
        elif suffix == ".csv":
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("gb18030")
            rows = [list(r) for r in csv.reader(io.StringIO(text))]
        else:
            raise InvalidInput("只能导入 CSV 或 XLSX 文件", f"unsupported file {path.name}")
    except OSError as error:
        raise RuleViolation(f"无法读取文件：{error.strerror}", str(error)) from error
    except (ValueError, KeyError) as error:  # openpyxl: not a workbook
        raise InvalidInput("文件格式不正确，无法读取", f"{path.name}: {error}") from error
    numbered = [(n, row) for n, row in enumerate(rows, start=1)]
    if numbered and str(numbered[0][1][0] or "").strip() == HEADERS[0]:
        numbered = numbered[1:]
    return [(n, row) for n, row in numbered if any(str(c or "").strip() for c in row)]


def _at_row(number: int, error: GasDeskError) -> InvalidInput:
    return InvalidInput(f"第{number}行：{error.user_message}", f"row {number}: {error}")


@service
def import_inspections(
    ctx: Context, actor: Actor, path: Path, progress: ImportProgress | None = None
) -> ImportResult:
    """Import an inspection sheet: every row checked, then all written in one transaction (or
    nothing, with the first bad row named); rows imported before are not added again."""
    progress = progress or ImportProgress()
    numbered = read_sheet(path)
    if not numbered:
        raise InvalidInput("文件中没有安检记录", f"{path.name}: no rows")
    today = ctx.today()
    entries: list[tuple[int, InspectionEntry]] = []
    for number, cells in numbered:
        try:
            entry = entry_of(cells)
            _check_entry(entry, today)
        except GasDeskError as error:
            raise _at_row(number, error) from error
        entries.append((number, entry))

    def work(session: Session) -> ImportResult:
        on_duty = resolve_actor(session, actor, OPERATION)
        conn = connection_of(session)
        wanted = sorted({entry.account_no for _, entry in entries})
        ids: dict[str, int] = {}
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            found = select(accounts.c.account_no, accounts.c.id).where(
                accounts.c.account_no.in_(chunk)
            )
            ids.update(dict(conn.execute(found).all()))
        # a sheet that stored 户号 as a number lost its leading zeros (0200000001 → 200000001)
        bare = {no.lstrip("0"): no for no in wanted if no not in ids and no.isdigit()}
        for start in range(0, len(bare), CHUNK):
            chunk = sorted(bare)[start : start + CHUNK]
            unpadded = func.ltrim(accounts.c.account_no, "0")
            found = select(unpadded, accounts.c.id).where(unpadded.in_(chunk))
            matches: dict[str, list[int]] = {}
            for key, account_id in conn.execute(found).all():
                matches.setdefault(key, []).append(account_id)
            for key, account_ids in matches.items():
                if len(account_ids) == 1:  # two accounts differing only in leading zeros: ask
                    ids[bare[key]] = account_ids[0]
        for number, entry in entries:
            if entry.account_no not in ids:
                raise _at_row(number, NotFound("户号不存在", f"account {entry.account_no}"))
        requests = [(row_request_id(entry), number, entry) for number, entry in entries]
        seen: set[uuid.UUID] = set()
        added = already = 0
        now = ctx.now()
        for start in range(0, len(requests), CHUNK):
            if progress.cancelled():
                raise ImportCancelled("已取消导入，未写入任何记录", "import cancelled")
            chunk = requests[start : start + CHUNK]
            stored = conn.execute(
                select(inspections.c.request_id).where(
                    inspections.c.request_id.in_([r for r, _, _ in chunk])
                )
            )
            seen.update(stored.scalars())
            rows = []
            for request_id, _number, entry in chunk:
                if request_id in seen:
                    already += 1
                    continue
                seen.add(request_id)  # the same row twice in one file: once
                rows.append(
                    _row(
                        entry,
                        ids[entry.account_no],
                        request_id,
                        InspectionSource.IMPORT,
                        on_duty.user_id,
                        now,
                    )
                )
            if rows:
                conn.execute(insert(inspections), rows)
                added += len(rows)
            progress.report(min(start + CHUNK, len(requests)), len(requests))
        data = {"file": path.name, "added": added, "already": already}
        audit.record(session, ctx, _event(on_duty, "inspections_imported", data))
        return ImportResult(added, already)

    return ctx.transaction(work, attempts=1)


# ---------------------------------------------------------------- the due list


@dataclass(frozen=True)
class DueAccount:
    """One line of the inspection team's list."""

    account_no: str
    name: str
    address: str
    status: InspectionStatus


@service
def due_inspections(ctx: Context, actor: Actor, within_days: int) -> list[DueAccount]:
    """Active accounts whose inspection is overdue or due within ``within_days`` days, the
    most overdue first."""
    if not isinstance(within_days, int) or not 0 <= within_days <= 366:
        raise InvalidInput("天数应在0到366之间", f"bad days {within_days!r}")
    today = ctx.today()
    with ctx.reading() as session:
        resolve_actor(session, actor, OPERATION)
        policy = load_policy(session)
        # a loose bound in SQL (month ends, the time zone), the exact rule in Python below
        latest = add_months(
            today + dt.timedelta(days=within_days + 4), -policy.inspection_interval_months
        )
        base = func.coalesce(LAST_PASSED, func.date(accounts.c.opened_at))
        query = (
            select(
                accounts.c.account_no, customers.c.name, customers.c.address, *INSPECTION_COLUMNS
            )
            .join_from(accounts, customers, customers.c.id == accounts.c.customer_id)
            .where(accounts.c.status == "active", base <= latest)
        )
        found = []
        for row in connection_of(session).execute(query):
            status = inspection_of(row, ctx, policy, today)
            if status.due_within(within_days):
                found.append(DueAccount(row.account_no, row.name, row.address, status))
    return sorted(found, key=lambda d: (d.status.due_on, d.account_no))
