"""The hall's data in the go-live import's shape (``gasdesk admin export``): seven CSV files or
one XLSX workbook whose columns are exactly ``app.domain.imports.FILES``, so that the files
import again (a round trip) and a hall can leave GasDesk with its data.

The files hold personal data: every customer's name, identity document number, phone and
address, in full (it is the hall's own data leaving with it). Only an administrator exports,
and every export is recorded in the audit log with its files and row counts.

Everything is read in ONE read transaction (a snapshot: REPEATABLE READ on PostgreSQL, a WAL
read transaction on SQLite), streamed in server-side batches (``yield_per``) and written row by
row: a hall of 100,000 accounts is never in memory. Each file is written under a temporary name
and renamed only when every file is complete, so a cancelled or failed export leaves no file.

What each column is (where GasDesk keeps it otherwise than the file names it):

- customers: ``customer_ref`` = ``C`` + the customer's id; customers with at least one account.
- accounts: ``opened_on`` / ``closed_on`` are the hall's local dates of ``opened_at`` /
  ``closed_at``. ``last_purchase_count`` is the account's purchase count (the count on its
  card: the count of its last gas-writing transaction that stands, a refund or void having
  stepped it back); ``last_purchase_on`` the business date of that transaction in the current
  meter's period (``sales.GAS_WRITE_KINDS``; empty when there is none, e.g. an imported
  account without a sale since: the import keeps no date). ``cumulative_purchased`` is what a
  card keeps as its cumulative purchase (ljgql): the volumes of the current meter's period of
  purchase, supplement, carry-over (换表补气), refund and void rows (``queries.gas_put_on_cards``:
  refunds and voids are negative, a voided refund positive) and, for a closed account, its
  closing's settlement (unused gas taken back, gas used beyond the credit sold), plus the
  imported account's own ``cumulative_purchased`` while the imported meter is still bound (no
  meter replacement since).
- meters: the active meter bound to each account.
- cards: every card of each account; ``purchase_count`` of the active card is the account's,
  of another card the count of the last transaction on it (else the count it was imported
  with, else 0). ``gas_on_card`` is 0: GasDesk cannot know whether its last write reached the
  meter. The one exception is a card imported and never seen at a counter since (no takeover,
  no transaction on it): it still carries what the import said it carried.
- usage: per account, the current ladder year of its class's tariff in force today and the
  volume bought in it (``tariffs.usage_of``: sale segments net of refunds AND imported opening
  usage); only nonzero rows.
- balances and bills: the opening entries (``opening_entries``) no rollback reversed; the
  balance is the sum of the account's live balance rows, dated by the newest.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TextIO

from sqlalchemy import (
    Date,
    Select,
    and_,
    case,
    exists,
    false,
    func,
    literal,
    select,
)
from sqlalchemy.engine import Connection, Row
from sqlalchemy.orm import Session

from app.context import Context
from app.domain.imports import FILES, FileSpec
from app.domain.money import VOLUME_SCALE, format_money
from app.domain.pricing import ladder_year_start
from app.errors import Conflict, InvalidInput, RuleViolation
from app.services import audit
from app.services.boundary import Text, service
from app.services.inspections import ImportCancelled, ImportProgress
from app.services.meter_periods import period_start
from app.services.sales import GAS_WRITE_KINDS
from app.services.security import AdminActor, require_administrator
from app.services.tariffs import tariff_in_force, usage_of
from app.vocabulary import (
    CardStatus,
    CustomerKind,
    ImportBatchKind,
    ImportBatchStatus,
    MeterStatus,
    OpeningEntryKind,
    TransactionKind,
)
from db.engine import connection_of
from db.tables import (
    accounts,
    card_takeovers,
    cards,
    customers,
    import_batches,
    imported_cards,
    meters,
    opening_entries,
    transactions,
)

log = logging.getLogger(__name__)

OPERATION = "import_data"  # 数据导入/导出: the same administrators
BATCH = 1000  # rows fetched per server-side batch (and per progress step)
ENCODINGS = ("utf-8-sig", "gb18030")  # Excel opens both; GB18030 for older Chinese tools
WORKBOOK = "gasdesk-export.xlsx"
Encoding = Annotated[str, Text("文件编码", 20, required=True)]


@dataclass(frozen=True)
class ExportedFile:
    """One file (or sheet) written: its name in ``FILES``, where it is, how many data rows."""

    name: str
    path: Path
    rows: int


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote, in ``FILES`` order (an XLSX export: every sheet in one path)."""

    files: tuple[ExportedFile, ...]

    @property
    def rows(self) -> dict[str, int]:
        return {f.name: f.rows for f in self.files}


# ---------------------------------------------------------------- cell formats


def volume_cell(units: int | None) -> str:
    """0.01 m³ as the import reads it: m³ with exactly two decimals, no separators."""
    if units is None:
        return ""
    units = int(units)  # PostgreSQL sums bigint as numeric
    sign = "-" if units < 0 else ""
    whole, part = divmod(abs(units), VOLUME_SCALE)
    return f"{sign}{whole}.{part:02d}"


def money_cell(fen: int | None) -> str:
    """Fen as yuan with two decimals (``format_money``)."""
    return "" if fen is None else format_money(int(fen))


def date_cell(day: dt.date | None) -> str:
    return "" if day is None else day.isoformat()


def _local_day(ctx: Context, moment: dt.datetime | None) -> str:
    """A stored time as the hall's local date (what the clerk's screen shows)."""
    return "" if moment is None else ctx.local(moment).date().isoformat()


# ---------------------------------------------------------------- the statements

_ACCOUNT_CUSTOMER = exists().where(accounts.c.customer_id == customers.c.id)

_CUSTOMERS = (
    select(
        customers.c.id,
        customers.c.name,
        customers.c.kind,
        customers.c.id_type,
        customers.c.id_number,
        customers.c.phone,
        customers.c.address,
        customers.c.household_size,
    )
    .where(_ACCOUNT_CUSTOMER)
    .order_by(customers.c.id)
)

# gas put on a card (purchase, supplement, carry-over) and taken back or voided: what a card
# keeps as its cumulative purchase (queries.gas_put_on_cards); 销户 settles the meter: unused
# gas taken back (negative), gas used beyond the credit sold (positive)
_CUMULATIVE_KINDS = (
    *GAS_WRITE_KINDS,
    TransactionKind.REFUND,
    TransactionKind.VOID,
    TransactionKind.CLOSING,
)


def _live_batch() -> Any:
    """The condition on ``import_batches`` of an import not rolled back."""
    return and_(
        import_batches.c.kind == ImportBatchKind.IMPORT,
        import_batches.c.status != ImportBatchStatus.ROLLED_BACK,
    )


def _accounts_statement() -> Select:  # type: ignore[type-arg]
    last = transactions.alias("export_last_gas")
    put = transactions.alias("export_put_on_cards")
    # each period_start correlates with the table right around it (an account two levels
    # up would not be correlated: the subquery would read every account's replacements)
    since = period_start(accounts.c.id)
    last_on = (
        select(last.c.business_date)
        .where(
            last.c.account_id == accounts.c.id,
            last.c.purchase_count == accounts.c.purchase_count,
            last.c.kind.in_(GAS_WRITE_KINDS),
            last.c.id > period_start(last.c.account_id),
        )
        .order_by(last.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    put_on_cards = (
        select(func.coalesce(func.sum(put.c.volume), 0))
        .where(
            put.c.account_id == accounts.c.id,
            put.c.kind.in_(_CUMULATIVE_KINDS),
            put.c.id > period_start(put.c.account_id),
        )
        .scalar_subquery()
    )
    held = cards.alias("export_held")
    imported = (
        select(imported_cards.c.cumulative_purchased)
        # through the account's cards: imported_cards is indexed by serial, not by account
        .select_from(
            held.join(imported_cards, imported_cards.c.serial == held.c.serial).join(import_batches)
        )
        .where(
            held.c.account_id == accounts.c.id,
            imported_cards.c.account_no == accounts.c.account_no,
            imported_cards.c.cumulative_purchased.is_not(None),
            _live_batch(),
        )
        .order_by(imported_cards.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    # the imported figure is the imported meter's: a meter replacement starts from nothing
    opening = case((since == 0, func.coalesce(imported, 0)), else_=0)
    return select(
        accounts.c.account_no,
        accounts.c.customer_id,
        accounts.c.kind,
        accounts.c.status,
        accounts.c.opened_at,
        accounts.c.closed_at,
        accounts.c.purchase_count,
        last_on.label("last_purchase_on"),
        (put_on_cards + opening).label("cumulative"),
    ).order_by(accounts.c.id)


_METERS = (
    select(
        meters.c.meter_no,
        accounts.c.account_no,
        meters.c.model,
        meters.c.initial_reading,
        meters.c.installed_at,
        meters.c.rated_flow,
    )
    .join(accounts, accounts.c.id == meters.c.account_id)
    .where(meters.c.status == MeterStatus.ACTIVE)
    .order_by(accounts.c.id)
)


def _cards_statement() -> Select:  # type: ignore[type-arg]
    on_card = transactions.alias("export_on_card")
    # by account too: the (account_id, id) index finds a card's rows (card_id has none)
    on_card_of_account = and_(
        on_card.c.account_id == cards.c.account_id, on_card.c.card_id == cards.c.id
    )
    last_count = (
        select(on_card.c.purchase_count)
        .where(on_card_of_account, on_card.c.purchase_count.is_not(None))
        .order_by(on_card.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    used = exists().where(on_card_of_account)
    taken_over = exists().where(card_takeovers.c.card_id == cards.c.id)

    def imported(column):  # type: ignore[no-untyped-def]
        # the card as the newest import not rolled back recorded it (found by its serial)
        return (
            select(column)
            .select_from(imported_cards.join(import_batches))
            .where(
                imported_cards.c.serial == cards.c.serial,
                imported_cards.c.account_no == accounts.c.account_no,
                _live_batch(),
            )
            .order_by(imported_cards.c.id.desc())
            .limit(1)
            .scalar_subquery()
        )

    imported_count = imported(imported_cards.c.purchase_count)
    imported_gas = imported(imported_cards.c.gas_on_card)
    count = case(
        (cards.c.status == CardStatus.ACTIVE, accounts.c.purchase_count),
        else_=func.coalesce(last_count, imported_count, 0),
    )
    # a card imported and not seen at a counter since carries what the import said it did
    gas = case((~used & ~taken_over, func.coalesce(imported_gas, 0)), else_=0)
    return (
        select(
            cards.c.serial,
            accounts.c.account_no,
            cards.c.maker,
            cards.c.status,
            cards.c.issued_at,
            count.label("purchase_count"),
            gas.label("gas_on_card"),
        )
        .join(accounts, accounts.c.id == cards.c.account_id)
        .order_by(accounts.c.id, cards.c.id)
    )


def _usage_statement(years: dict[str, dt.date]) -> Select:  # type: ignore[type-arg]
    """Nonzero usage of each account in its class's current ladder year (``years``)."""
    if not years:  # no tariff in force at all: no ladder, no usage
        return select(accounts.c.account_no, accounts.c.id, accounts.c.id).where(false())
    year = case(
        *((customers.c.kind == kind, literal(start, Date)) for kind, start in years.items()),
        else_=None,
    )
    per_account = (
        select(
            accounts.c.id.label("id"),
            accounts.c.account_no.label("account_no"),
            year.label("ladder_year"),
            usage_of(accounts.c.id, year).label("volume"),
        )
        .join(customers, customers.c.id == accounts.c.customer_id)
        .where(customers.c.kind.in_(list(years)))
        .subquery("export_usage")
    )
    return (
        select(per_account.c.account_no, per_account.c.ladder_year, per_account.c.volume)
        .where(per_account.c.volume != 0)
        .order_by(per_account.c.id)
    )


_reversing = opening_entries.alias("export_reversing")
_LIVE_ENTRY = and_(
    opening_entries.c.reverses_id.is_(None),
    # a reversing row is the same account's (its index finds it; reverses_id has none)
    ~exists().where(
        _reversing.c.account_no == opening_entries.c.account_no,
        _reversing.c.reverses_id == opening_entries.c.id,
    ),
)

_BALANCES = (
    select(
        accounts.c.account_no,
        func.sum(opening_entries.c.amount_fen).label("balance"),
        func.max(opening_entries.c.as_of).label("as_of"),
    )
    .join(accounts, accounts.c.account_no == opening_entries.c.account_no)
    .where(opening_entries.c.kind == OpeningEntryKind.BALANCE, _LIVE_ENTRY)
    .group_by(accounts.c.id, accounts.c.account_no)
    .order_by(accounts.c.id)
)

_BILLS = (
    select(
        opening_entries.c.bill_no,
        accounts.c.account_no,
        opening_entries.c.period_start,
        opening_entries.c.as_of,
        opening_entries.c.last_reading,
        opening_entries.c.this_reading,
        opening_entries.c.amount_fen,
        opening_entries.c.paid_fen,
        opening_entries.c.due_on,
    )
    .join(accounts, accounts.c.account_no == opening_entries.c.account_no)
    .where(opening_entries.c.kind == OpeningEntryKind.BILL, _LIVE_ENTRY)
    .order_by(accounts.c.id, opening_entries.c.id)
)


# ---------------------------------------------------------------- rows of each file

Cells = Sequence[str]


@dataclass(frozen=True)
class _Part:
    """How one file's rows come out of the database: its statement and the row's cells."""

    spec: FileSpec
    statement: Select  # type: ignore[type-arg]
    cells: Callable[[Row[Any]], Cells]


def _parts(ctx: Context, session: Session) -> list[_Part]:
    local = lambda moment: _local_day(ctx, moment)  # noqa: E731
    years = _ladder_years(ctx, session)
    spec = {s.name: s for s in FILES}
    return [
        _Part(
            spec["customers"],
            _CUSTOMERS,
            lambda r: (
                f"C{r.id}",
                r.name,
                r.kind,
                r.id_type,
                r.id_number,
                r.phone or "",
                r.address or "",
                str(r.household_size),
            ),
        ),
        _Part(
            spec["accounts"],
            _accounts_statement(),
            lambda r: (
                r.account_no,
                f"C{r.customer_id}",
                r.kind,
                r.status,
                local(r.opened_at),
                local(r.closed_at),
                str(r.purchase_count),
                date_cell(r.last_purchase_on),
                volume_cell(r.cumulative),
            ),
        ),
        _Part(
            spec["meters"],
            _METERS,
            lambda r: (
                r.meter_no,
                r.account_no,
                r.model or "",
                volume_cell(r.initial_reading),
                local(r.installed_at),
                volume_cell(r.rated_flow),
            ),
        ),
        _Part(
            spec["cards"],
            _cards_statement(),
            lambda r: (
                r.serial,
                r.account_no,
                r.maker,
                CardStatus(r.status).value,
                local(r.issued_at),
                str(int(r.purchase_count)),
                volume_cell(r.gas_on_card),
            ),
        ),
        _Part(
            spec["usage"],
            _usage_statement(years),
            lambda r: (r.account_no, date_cell(r.ladder_year), volume_cell(r.volume)),
        ),
        _Part(
            spec["balances"],
            _BALANCES,
            lambda r: (r.account_no, money_cell(r.balance), date_cell(r.as_of)),
        ),
        _Part(
            spec["bills"],
            _BILLS,
            lambda r: (
                r.bill_no or "",
                r.account_no,
                date_cell(r.period_start),
                date_cell(r.as_of),
                volume_cell(r.last_reading),
                volume_cell(r.this_reading),
                money_cell(r.amount_fen),
                money_cell(r.paid_fen),
                date_cell(r.due_on),
            ),
        ),
    ]


def _ladder_years(ctx: Context, session: Session) -> dict[str, dt.date]:
    """Each class's current ladder year (from its tariff in force today); a class without a
    tariff has no ladder, so no usage rows."""
    today = ctx.today()
    years = {}
    for kind in CustomerKind:
        try:
            tariff = tariff_in_force(session, kind, today)
        except RuleViolation:
            continue
        years[str(kind)] = ladder_year_start(today, tariff.rule.ladder_start_month)
    return years


def _count(conn: Connection, statement: Select) -> int:  # type: ignore[type-arg]
    counted = select(func.count()).select_from(statement.order_by(None).subquery())
    return int(conn.execute(counted).scalar_one())


def _rows(conn: Connection, part: _Part) -> Iterator[Cells]:
    # yield_per: a server-side cursor on PostgreSQL, batches of BATCH rows from SQLite's
    result = conn.execute(part.statement.execution_options(yield_per=BATCH))
    try:
        for row in result:
            yield part.cells(row)
    finally:
        result.close()


# ---------------------------------------------------------------- writers


class _Sink:
    """Where one export's rows go: a sheet per file (or a file per sheet), written under
    temporary names that ``finish`` renames and ``discard`` removes."""

    def open(self, spec: FileSpec) -> None:
        raise NotImplementedError

    def write(self, cells: Cells) -> None:
        raise NotImplementedError

    def finish(self) -> dict[str, Path]:
        raise NotImplementedError

    def discard(self) -> None:
        raise NotImplementedError


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.part")


class _CsvSink(_Sink):
    def __init__(self, directory: Path, encoding: str):
        self.directory = directory
        self.encoding = encoding
        self.paths: dict[str, Path] = {}
        self.handle: TextIO | None = None
        self.writer: Any = None

    def open(self, spec: FileSpec) -> None:
        self._close()
        path = self.directory / f"{spec.name}.csv"
        self.paths[spec.name] = path
        self.handle = open(_temporary(path), "w", encoding=self.encoding, newline="")  # noqa: SIM115
        self.writer = csv.writer(self.handle)
        self.writer.writerow([c.name for c in spec.columns])

    def write(self, cells: Cells) -> None:
        self.writer.writerow(cells)

    def _close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None

    def finish(self) -> dict[str, Path]:
        self._close()
        for path in self.paths.values():
            os.replace(_temporary(path), path)
        return dict(self.paths)

    def discard(self) -> None:
        self._close()
        for path in self.paths.values():
            with contextlib.suppress(FileNotFoundError):
                _temporary(path).unlink()


class _XlsxSink(_Sink):
    """One workbook, a sheet per file, every cell text (an account number keeps its leading
    zeros, a volume its two decimals: the cells are exactly the CSV's)."""

    def __init__(self, directory: Path):
        from openpyxl import Workbook

        self.path = directory / WORKBOOK
        self.workbook = Workbook(write_only=True)  # rows go to disk as they are appended
        self.sheet: Any = None
        self.sheets: list[Any] = []
        self.names: list[str] = []

    def open(self, spec: FileSpec) -> None:
        self.sheet = self.workbook.create_sheet(spec.name)
        self.sheets.append(self.sheet)
        self.names.append(spec.name)
        self.sheet.append([c.name for c in spec.columns])

    def write(self, cells: Cells) -> None:
        self.sheet.append(list(cells))

    def finish(self) -> dict[str, Path]:
        temporary = _temporary(self.path)
        self.workbook.save(temporary)
        os.replace(temporary, self.path)
        return {name: self.path for name in self.names}

    def discard(self) -> None:
        # a write-only sheet streams its rows into a temporary file of openpyxl's own (removed
        # only when the process ends): finish it and remove it now, it holds personal data
        for sheet in self.sheets:
            if not sheet.closed:
                sheet.close()
            spooled = getattr(sheet._writer, "out", None)
            if isinstance(spooled, str):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(spooled)
        with contextlib.suppress(FileNotFoundError):
            _temporary(self.path).unlink()


# ---------------------------------------------------------------- the entry


def _targets(directory: Path, xlsx: bool) -> list[Path]:
    if xlsx:
        return [directory / WORKBOOK]
    return [directory / f"{spec.name}.csv" for spec in FILES]


def _prepare(directory: Path, xlsx: bool) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise RuleViolation(f"无法创建导出目录：{directory}", str(error)) from error
    present = [p.name for p in _targets(directory, xlsx) if p.exists()]
    if present:  # an earlier export is never overwritten: the files hold personal data
        raise Conflict(
            f"导出目录中已有导出文件：{'、'.join(present)}，请换一个目录",
            f"{directory}: {present} exist",
        )


@service
def export_hall(
    ctx: Context,
    admin: AdminActor,
    directory: Path,
    *,
    xlsx: bool = False,
    encoding: Encoding = "utf-8-sig",
    progress: ImportProgress | None = None,
) -> ExportResult:
    """Write the hall's customers, accounts, meters, cards, ladder usage, opening balances and
    bills into ``directory`` in the import's format (seven CSV files in ``encoding``, or one
    XLSX workbook with a sheet each). Administrators only; the files hold personal data.

    ``progress`` hears rows written of rows to write and may cancel: ``ImportCancelled`` is
    raised and no file is left behind. An existing export in ``directory`` is refused
    (``Conflict``), never overwritten."""
    if encoding not in ENCODINGS:
        raise InvalidInput(
            f"文件编码应为 {' 或 '.join(ENCODINGS)}", f"encoding {encoding!r}", field="encoding"
        )
    progress = progress or ImportProgress()
    with ctx.reading() as session:
        if session.get_bind().dialect.name == "postgresql":
            # one snapshot for all seven files: a sale committed meanwhile is in none of them
            # (set before the transaction's first statement)
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        require_administrator(session, admin, OPERATION)
        conn = connection_of(session)
        parts = _parts(ctx, session)
        _prepare(directory, xlsx)
        total = sum(_count(conn, part.statement) for part in parts)
        sink: _Sink = _XlsxSink(directory) if xlsx else _CsvSink(directory, encoding)
        written: dict[str, int] = {}
        done = 0
        try:
            progress.report(0, total)
            for part in parts:
                if progress.cancelled():
                    raise ImportCancelled("已取消导出，未留下任何文件", "export cancelled")
                sink.open(part.spec)
                rows = 0
                for cells in _rows(conn, part):
                    sink.write(cells)
                    rows += 1
                    done += 1
                    if done % BATCH == 0:
                        progress.report(done, total)
                        if progress.cancelled():
                            raise ImportCancelled("已取消导出，未留下任何文件", "export cancelled")
                written[part.spec.name] = rows
            paths = sink.finish()
        except OSError as error:  # a full disk, a directory taken away: nothing left behind
            sink.discard()
            raise RuleViolation(
                f"无法写入导出文件：{error.strerror or error}，未留下任何文件", str(error)
            ) from error
        except BaseException:  # cancelled, Ctrl-C, a database fault
            sink.discard()
            raise
        progress.report(done, total)
    result = ExportResult(tuple(ExportedFile(name, paths[name], written[name]) for name in written))
    data = {
        "directory": str(directory),
        "format": "xlsx" if xlsx else f"csv/{encoding}",
        "rows": result.rows,
    }
    audit.record_alone(ctx, audit.Event("hall_exported", admin.user_id, data=data))
    log.info("hall exported to %s: %s", directory, result.rows)
    return result
