"""The go-live import: what the files would change (dry run), the real run in resumable chunks,
and the rollback of a batch by a reversing batch.

A batch is identified by the hashes of its files and mapping (``content_hash``): the same files
again find their batch (completed: nothing to do; running: resumed where it stopped). Accounts
are written whole, in chunks of ``CHUNK`` accounts per transaction: an interrupted run (power
cut, kill -9) leaves whole accounts only, and the next run of the same files skips them by
their number. Imported figures are opening rows (``opening_usage``, ``opening_entries``) of the
batch, never counter transactions: nothing imported is takings of a shift or on a Z-report.
Every batch is one audit event at its start and one at its end (files, hashes, rows); its rows
are chained like every audited row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Column, Table, delete, func, insert, select, update
from sqlalchemy.orm import Session

from app.context import Context
from app.domain.cards import GASDESK_MAKER
from app.domain.imports import (
    AccountBundle,
    ImportData,
    Problem,
    bundles,
)
from app.domain.limits import ClassLimits
from app.domain.pricing import ladder_year_start
from app.errors import Conflict, InvalidInput, NotFound, RuleViolation
from app.policy import load_card_makers, load_class_limits
from app.services import audit
from app.services.boundary import service
from app.services.import_files import FileDigest, file_digests, read_import, source_from
from app.services.ledger import next_number
from app.services.progress import ImportCancelled, ImportProgress
from app.services.security import AdminActor, require_administrator
from app.services.tariffs import tariff_in_force
from app.vocabulary import (
    AccountStatus,
    CardStatus,
    CustomerKind,
    ImportBatchKind,
    ImportBatchStatus,
    MeterStatus,
    OpeningEntryKind,
)
from db.engine import connection_of
from db.models import Base, Hall
from db.search import search_text_for
from db.tables import (
    accounts,
    cards,
    customers,
    import_batches,
    imported_accounts,
    imported_cards,
    meters,
    opening_entries,
    opening_usage,
    sequences,
)

OPERATION = "import_data"
CHUNK = 1000  # accounts per transaction: a kill -9 loses at most one chunk's work
LOOKUP = 500  # keys per IN (...) look-up
# usage in one ladder year no household burns: the cap where the hall set no purchase limit
RESIDENTIAL_USAGE_CAP = 10_000 * 100


def content_hash(digests: Iterable[FileDigest]) -> str:
    """The identity of a set of files: the same files (and mapping) give the same hash."""
    parts = sorted(f"{d.name}:{d.sha256}" for d in digests)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class BatchView:
    batch_no: str
    kind: ImportBatchKind
    status: ImportBatchStatus
    accounts_total: int
    accounts_done: int
    started_at: dt.datetime
    finished_at: dt.datetime | None
    files: tuple[dict[str, object], ...]
    reverses: str | None = None


class ImportPlan:
    """What a run of these files would do: the problems (file and database), the accounts it
    would add and those already in GasDesk as the files have them.

    A plain class, not a dataclass: made by ``dry_run`` from records the reader checked, it is
    handed back to ``run_import`` as it is (the boundary checks its type, not its 100,000
    accounts again)."""

    def __init__(
        self,
        data: ImportData,
        digests: tuple[FileDigest, ...],
        content_hash: str,
        problems: list[Problem],
        new: list[AccountBundle],
        already: int,
        earlier: BatchView | None,
    ) -> None:
        self.data = data
        self.digests = digests
        self.content_hash = content_hash
        self.problems = problems
        self.new = new
        self.already = already  # accounts the database holds as the files have them
        self.earlier = earlier  # a batch of these very files

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.error]

    def summary(self) -> dict[str, int]:
        return {
            **{f"rows:{name}": count for name, count in self.data.rows.items()},
            "errors": len(self.errors),
            "warnings": len(self.problems) - len(self.errors),
            "new_accounts": len(self.new),
            "already_imported": self.already,
        }


@dataclass(frozen=True)
class ImportOutcome:
    """What a run or a rollback did."""

    batch: BatchView | None  # None: nothing to do (every account already imported)
    added: int  # accounts written by this run
    skipped_rows: int = 0  # rows with errors skipped (--skip-bad-rows)
    resumed: bool = False
    already: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)


def usage_caps(session: Session) -> dict[str, int]:
    """The most gas an account of each class can have bought in a ladder year: the hall's
    purchase limit of the class (its largest band), else for residential customers
    ``RESIDENTIAL_USAGE_CAP``; commercial customers without a limit have none."""
    limits: ClassLimits = load_class_limits(session)
    caps: dict[str, int] = {}
    for band in limits.bands:
        caps[band.kind] = max(caps.get(band.kind, 0), band.volume)
    caps.setdefault(CustomerKind.RESIDENTIAL, RESIDENTIAL_USAGE_CAP)
    return caps


def hall_makers(session: Session) -> frozenset[str]:
    """The maker codes a card in the files may name: GasDesk's own and the hall's makers."""
    return frozenset({GASDESK_MAKER, *(str(e.get("code")) for e in load_card_makers(session))})


def _batch_view(row) -> BatchView:  # type: ignore[no-untyped-def]
    return BatchView(
        batch_no=row.batch_no,
        kind=ImportBatchKind(row.kind),
        status=ImportBatchStatus(row.status),
        accounts_total=row.accounts_total,
        accounts_done=row.accounts_done,
        started_at=row.started_at,
        finished_at=row.finished_at,
        files=tuple(json.loads(row.files)),
    )


def _earlier_batch(session: Session, digest: str):  # type: ignore[no-untyped-def]
    """The newest import batch of these files that still stands (not rolled back)."""
    return (
        connection_of(session)
        .execute(
            select(import_batches)
            .where(
                import_batches.c.content_hash == digest,
                import_batches.c.kind == ImportBatchKind.IMPORT,
                import_batches.c.status != ImportBatchStatus.ROLLED_BACK,
            )
            .order_by(import_batches.c.id.desc())
            .limit(1)
        )
        .first()
    )


def _chunks(items: Sequence, size: int) -> Iterable[Sequence]:  # type: ignore[type-arg]
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _in_db(session: Session, column, keys: Iterable[str]) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The rows whose ``column`` is one of ``keys``, by key."""
    conn = connection_of(session)
    found: dict[str, object] = {}
    table = column.table
    for chunk in _chunks(sorted(set(keys)), LOOKUP):
        for row in conn.execute(select(table).where(column.in_(chunk))):
            found[row._mapping[column.name]] = row
    return found


def _problem(record, file: str, column: str, value: str, reason: str) -> Problem:  # type: ignore[no-untyped-def]
    """A problem of ``record``'s row, in the file the record came from."""
    return Problem(record.source.file, record.source.row, column, value, reason)


def check_against_database(
    session: Session, ctx: Context, data: ImportData
) -> tuple[list[Problem], list[AccountBundle], int]:
    """The database's side of the dry run: numbers GasDesk holds already (the same account as
    imported before is skipped; anything else is a problem), identity documents registered to
    someone else, ladder years that are not the tariff's. Returns the problems, the bundles
    to write and how many accounts are already in."""
    problems: list[Problem] = []
    found = bundles(data)
    known_accounts = _in_db(session, accounts.c.account_no, (b.account.account_no for b in found))
    imported = set()
    if known_accounts:
        conn = connection_of(session)
        for chunk in _chunks(sorted(known_accounts), LOOKUP):
            imported.update(
                conn.execute(
                    select(imported_accounts.c.account_no)
                    .join(import_batches, import_batches.c.id == imported_accounts.c.batch_id)
                    .where(
                        imported_accounts.c.account_no.in_(chunk),
                        import_batches.c.status != ImportBatchStatus.ROLLED_BACK,
                    )
                ).scalars()
            )
    known_cards = _in_db(session, cards.c.serial, (c.card_no for b in found for c in b.cards))
    known_meters = _in_db(session, meters.c.meter_no, (b.meter.meter_no for b in found if b.meter))
    known_people = _people(session, (b.customer for b in found))
    ladder_starts: dict[tuple[str, dt.date], int] = {}
    new: list[AccountBundle] = []
    already = 0
    seen_before: list[tuple[object, AccountBundle]] = []
    for bundle in found:
        account = bundle.account
        no = account.account_no
        if no in known_accounts:
            existing = known_accounts[no]
            if no in imported and _same_account(session, existing, bundle):
                already += 1
                seen_before.append((existing, bundle))
            else:
                problems.append(
                    _problem(
                        account,
                        "accounts",
                        "account_no",
                        no,
                        "户号已存在于系统中，且与文件内容不同",
                    )
                )
            continue
        bad = []
        for card in bundle.cards:
            if card.card_no in known_cards:
                bad.append(_problem(card, "cards", "card_no", card.card_no, "卡号已在系统中登记"))
        if bundle.meter is not None and bundle.meter.meter_no in known_meters:
            bad.append(
                _problem(
                    bundle.meter, "meters", "meter_no", bundle.meter.meter_no, "表号已在系统中登记"
                )
            )
        person = known_people.get((bundle.customer.id_type, bundle.customer.id_number))
        if person is not None:
            problems.extend(_same_person(bundle.customer, person, bad))
        for usage in bundle.usage:
            kind = bundle.customer.customer_class
            month = ladder_starts.get((kind, usage.ladder_year))
            if month is None:
                try:
                    rule = tariff_in_force(session, kind, usage.ladder_year).rule
                    month = rule.ladder_start_month
                except RuleViolation:
                    month = 0
                ladder_starts[(kind, usage.ladder_year)] = month
            if month == 0:
                bad.append(
                    _problem(
                        usage,
                        "usage",
                        "ladder_year",
                        str(usage.ladder_year),
                        "该日期没有适用的气价",
                    )
                )
            elif ladder_year_start(usage.ladder_year, month) != usage.ladder_year:
                bad.append(
                    _problem(
                        usage,
                        "usage",
                        "ladder_year",
                        str(usage.ladder_year),
                        f"阶梯年度应从{month}月1日开始",
                    )
                )
        if bad:
            problems.extend(bad)
            problems.append(
                _problem(account, "accounts", "account_no", no, "本户有错误行，整户不导入")
            )
            continue
        new.append(bundle)
    problems.extend(_changed_figures(session, seen_before))
    return problems, new, already


def _same_person(record, person, bad: list[Problem]) -> list[Problem]:  # type: ignore[no-untyped-def]
    """The file's customer against the one GasDesk holds with the same identity document: a
    different name, class or household size (they decide the tariff and the tier breakpoints)
    is an error in ``bad``; a different phone or address is a warning returned (GasDesk's is
    kept)."""
    differs = [
        (column, shown)
        for column, shown, ours, theirs in (
            ("name", "姓名", person.name, record.name),
            ("customer_class", "客户类别", person.kind, record.customer_class),
            ("household_size", "家庭人口", person.household_size, record.household_size),
        )
        if ours != theirs
    ]
    for column, shown in differs:
        value = str(getattr(record, column))
        bad.append(
            Problem(
                record.source.file,
                record.source.row,
                column,
                value,
                f"证件号码已登记为客户“{person.name}”，{shown}与系统不同",
            )
        )
    notes = []
    for column, ours, theirs in (
        ("phone", person.phone, record.phone),
        ("address", person.address, record.address),
    ):
        if ours != theirs:
            notes.append(
                Problem(
                    record.source.file,
                    record.source.row,
                    column,
                    str(theirs or ""),
                    f"该客户已在系统中，沿用系统中的{'电话' if column == 'phone' else '地址'}",
                    error=False,
                )
            )
    return notes


def _people(session: Session, records) -> dict[tuple[str, str], object]:  # type: ignore[no-untyped-def]
    conn = connection_of(session)
    wanted = sorted({(r.id_type, r.id_number) for r in records})
    found: dict[tuple[str, str], object] = {}
    by_type: dict[str, list[str]] = {}
    for id_type, number in wanted:
        by_type.setdefault(id_type, []).append(number)
    for id_type, numbers in by_type.items():
        for chunk in _chunks(numbers, LOOKUP):
            for row in conn.execute(
                select(
                    customers.c.id,
                    customers.c.id_type,
                    customers.c.id_number,
                    customers.c.name,
                    customers.c.kind,
                    customers.c.household_size,
                    customers.c.phone,
                    customers.c.address,
                ).where(customers.c.id_type == id_type, customers.c.id_number.in_(chunk))
            ):
                found[(row.id_type, row.id_number)] = row
    return found


def _same_account(session: Session, existing, bundle: AccountBundle) -> bool:  # type: ignore[no-untyped-def]
    """Whether the account GasDesk holds is the one the files describe (imported before): the
    same customer document, meter and cards."""
    conn = connection_of(session)
    person = conn.execute(
        select(customers.c.id_type, customers.c.id_number).where(
            customers.c.id == existing.customer_id
        )
    ).one()
    if (person.id_type, person.id_number) != (bundle.customer.id_type, bundle.customer.id_number):
        return False
    meter = conn.execute(
        select(meters.c.meter_no).where(meters.c.account_id == existing.id)
    ).scalar()
    active = bundle.account.status == AccountStatus.ACTIVE
    if bundle.meter is not None and active and meter != bundle.meter.meter_no:
        return False
    serials = set(
        conn.execute(select(cards.c.serial).where(cards.c.account_id == existing.id)).scalars()
    )
    return serials == {c.card_no for c in bundle.cards}


def _changed_figures(
    session: Session, seen: Sequence[tuple[object, AccountBundle]]
) -> list[Problem]:
    """A warning for each account imported before that the database holds with other figures
    than the files now: its purchase count, opening usage per ladder year, opening money (read
    500 accounts at a time, not per account)."""
    conn = connection_of(session)
    warnings = []
    for part in _chunks(list(seen), LOOKUP):
        numbers = [bundle.account.account_no for _, bundle in part]
        usage: dict[str, dict[dt.date, int]] = {}
        for no, year, volume in conn.execute(
            select(
                opening_usage.c.account_no,
                opening_usage.c.ladder_year,
                func.sum(opening_usage.c.volume),
            )
            .where(opening_usage.c.account_no.in_(numbers))
            .group_by(opening_usage.c.account_no, opening_usage.c.ladder_year)
        ):
            if int(volume):
                usage.setdefault(no, {})[year] = int(volume)
        money = dict(
            conn.execute(
                select(opening_entries.c.account_no, func.sum(opening_entries.c.amount_fen))
                .where(opening_entries.c.account_no.in_(numbers))
                .group_by(opening_entries.c.account_no)
            ).all()
        )
        for existing, bundle in part:
            no = bundle.account.account_no
            changed = []
            if existing.purchase_count != _account_count(bundle):  # type: ignore[attr-defined]
                changed.append(f"购气次数（系统{existing.purchase_count}次）")  # type: ignore[attr-defined]
            if usage.get(no, {}) != {u.ladder_year: u.volume for u in bundle.usage if u.volume}:
                changed.append("阶梯年度已购气量")
            ours = (bundle.balance.balance_fen if bundle.balance else 0) + sum(
                b.amount_fen for b in bundle.bills
            )
            if int(money.get(no) or 0) != ours:
                changed.append("期初余额或欠费")
            if changed:
                warnings.append(
                    Problem(
                        bundle.account.source.file,
                        bundle.account.source.row,
                        "account_no",
                        no,
                        f"该户已导入过，文件中的{'、'.join(changed)}与系统不同，不再导入"
                        "（如需更正，请回退原批次后重新导入）",
                        error=False,
                    )
                )
    return warnings


def plan_import(
    ctx: Context,
    admin: AdminActor,
    data: ImportData,
    digests: Sequence[FileDigest],
) -> ImportPlan:
    """The dry run's verdict on files already read: the file problems and the database's. Writes
    nothing."""
    with ctx.reading() as session:
        require_administrator(session, admin, OPERATION)
        digest = content_hash(digests)
        earlier = _earlier_batch(session, digest)
        db_problems, new, already = check_against_database(session, ctx, data)
    return ImportPlan(
        data=data,
        digests=tuple(digests),
        content_hash=digest,
        problems=[*data.problems, *db_problems],
        new=new,
        already=already,
        earlier=_batch_view(earlier) if earlier is not None else None,
    )


def write_plan_report(plan: ImportPlan, path: Path) -> None:
    """The dry run's problems (the files' and the database's) as an XLSX report."""
    from app.services.import_files import write_report

    write_report(path, plan.problems, plan.data.rows, files=plan.data.files)


@service
def dry_run(
    ctx: Context,
    admin: AdminActor,
    paths: list[Path],
    mapping: Path | None = None,
    *,
    progress: ImportProgress | None = None,
) -> ImportPlan:
    """Read and check the files (a directory, CSV files or one workbook) and what the database
    holds: the plan a real run carries out. Writes nothing."""
    makers, caps = read_context(ctx, admin)
    source = source_from(list(paths), mapping)
    data = read_import(source, today=ctx.today(), makers=makers, usage_caps=caps, progress=progress)
    return plan_import(ctx, admin, data, file_digests(source))


@service
def read_context(ctx: Context, admin: AdminActor) -> tuple[frozenset[str], dict[str, int]]:
    """What reading the files needs from the database: the hall's makers and the usage caps."""
    with ctx.reading() as session:
        require_administrator(session, admin, OPERATION)
        return hall_makers(session), usage_caps(session)


def _the_hall(session: Session, hall_code: str | None, hall_id: int | None = None) -> Hall:
    halls = session.scalars(select(Hall).order_by(Hall.id)).all()
    if hall_id is not None:
        chosen = [h for h in halls if h.id == hall_id]
        if not chosen:
            raise NotFound("营业厅不存在", f"no hall {hall_id}")
        return chosen[0]
    if hall_code is not None:
        chosen = [h for h in halls if h.code == hall_code]
        if not chosen:
            raise NotFound("营业厅不存在", f"no hall {hall_code}")
        return chosen[0]
    if len(halls) != 1:
        raise InvalidInput(
            "系统中有多个营业厅（或没有），请指定导入到哪个营业厅", f"{len(halls)} halls"
        )
    return halls[0]


@service
def run_import(
    ctx: Context,
    admin: AdminActor,
    plan: ImportPlan,
    *,
    skip_bad_rows: bool = False,
    hall_code: str | None = None,
    hall_id: int | None = None,
    progress: ImportProgress | None = None,
    chunk: int = CHUNK,
) -> ImportOutcome:
    """Write the plan's accounts, ``chunk`` accounts per transaction, as one batch.

    Refused while the dry run finds errors, unless ``skip_bad_rows`` (the rows with errors and
    their accounts are left out and listed in the batch). The same files imported again: a
    completed batch does nothing, a running one is resumed; accounts GasDesk already holds as
    the files have them are skipped. Another batch still running is refused (finish or roll it
    back first)."""
    progress = progress or ImportProgress()
    errors = plan.errors
    if errors and not skip_bad_rows:
        raise RuleViolation(
            f"试导入发现{len(errors)}个错误，请修正文件，或用 --skip-bad-rows 跳过有错误的行",
            f"{len(errors)} errors in the dry run",
            problems=[f"{p.file} 第{p.row}行 {p.column}: {p.reason}" for p in errors[:20]],
        )
    with ctx.unit_of_work() as session:
        user = require_administrator(session, admin, OPERATION)
        hall = _the_hall(session, hall_code, hall_id)
        hall_id, code = hall.id, hall.code
        conn = connection_of(session)
        batch_seq = _take_batch_number(session, ctx)  # also queues two starting imports
        earlier = _earlier_batch(session, plan.content_hash)  # as it is now, not at the dry run
        if earlier is not None and earlier.status == ImportBatchStatus.COMPLETED:
            return ImportOutcome(
                _batch_view(earlier),
                0,
                already=plan.already,
                notes=("这批文件已经导入过，无需再导入",),
            )
        running = conn.execute(
            select(import_batches)
            .where(import_batches.c.status == ImportBatchStatus.RUNNING)
            .order_by(import_batches.c.id.desc())
            .limit(1)
        ).first()
        if running is not None and running.kind == ImportBatchKind.ROLLBACK:
            raise Conflict(
                f"回退批次{running.batch_no}尚未完成：请再次回退它所回退的导入批次",
                f"rollback {running.batch_no} is running",
            )
        if running is not None and running.content_hash != plan.content_hash:
            raise Conflict(
                f"另一批导入（{running.batch_no}）尚未完成：请先续导完成或回退它",
                f"batch {running.batch_no} is running",
            )
        resumed = running is not None
        if not plan.new and not resumed:
            return ImportOutcome(
                None, 0, already=plan.already, notes=("文件中的户都已在系统中，无需导入",)
            )
        if running is None:
            batch_id, batch_no = _start_batch(session, ctx, user.id, plan, skip_bad_rows, batch_seq)
        else:
            batch_id, batch_no = running.id, running.batch_no
            audit.record(
                session,
                ctx,
                audit.Event(
                    "import_resumed",
                    user.id,
                    ref=f"import_batches:{batch_id}",
                    data={"batch_no": batch_no, "done": running.accounts_done},
                ),
            )
        session.commit()
    todo = plan.new
    added = 0
    total = len(todo)
    customers_by_ref: dict[str, int] = {}
    for done, part in enumerate(_chunks(todo, chunk)):
        if progress.cancelled():
            raise ImportCancelled(
                f"已取消导入：已导入的{added}户保留，用同样的文件再次导入即可续导",
                f"import cancelled after {added} accounts",
            )

        def work(session: Session, part=part) -> tuple[int, dict[str, int]]:
            # a try that lost a race rolled back: its customers are not there, start afresh
            known = dict(customers_by_ref)
            written = _write_chunk(session, ctx, batch_id, hall_id, code, part, known)
            return written, known

        written, known = ctx.transaction(work)
        customers_by_ref.update(known)
        added += written
        progress.report(min((done + 1) * chunk, total), total)
    with ctx.unit_of_work() as session:
        conn = connection_of(session)
        ended = conn.execute(
            update(import_batches)
            .where(
                import_batches.c.id == batch_id,
                import_batches.c.status == ImportBatchStatus.RUNNING,
            )
            .values(status=ImportBatchStatus.COMPLETED, finished_at=ctx.now())
        )
        if ended.rowcount != 1:  # rolled back while its last chunk was written
            raise Conflict("这批导入已被回退，未完成", f"batch {batch_no} rolled back meanwhile")
        row = conn.execute(select(import_batches).where(import_batches.c.id == batch_id)).one()
        audit.record(
            session,
            ctx,
            audit.Event(
                "import_completed",
                admin.user_id,
                ref=f"import_batches:{batch_id}",
                data={"batch_no": batch_no, "accounts": row.accounts_done, "added_now": added},
            ),
        )
        session.commit()
    skipped = len({(p.file, p.row) for p in errors}) if skip_bad_rows else 0
    return ImportOutcome(_batch_view(row), added, skipped, resumed=resumed, already=plan.already)


def _take_batch_number(session: Session, ctx: Context) -> int:
    """The next batch number of the year; its row lock queues two imports or rollbacks that
    start at once (PostgreSQL), so each sees the other's batch."""
    return next_number(session, f"import:{ctx.now().astimezone(ctx.tz):%Y}")


def _start_batch(
    session: Session,
    ctx: Context,
    user_id: int,
    plan: ImportPlan,
    skip_bad_rows: bool,
    seq: int,
) -> tuple[int, str]:
    now = ctx.now()
    batch_no = f"IMP-{now.astimezone(ctx.tz):%Y%m%d}-{seq:04d}"
    files = [
        {
            "role": d.name,
            "name": d.file_name,
            "sha256": d.sha256,
            "size": d.size,
            "rows": plan.data.rows.get(d.name, 0),
        }
        for d in plan.digests
    ]
    skipped = sorted({(p.file, p.row or 0) for p in plan.errors}) if skip_bad_rows else []
    batch_id = _insert_batch(
        session,
        ctx,
        user_id,
        {
            "batch_no": batch_no,
            "kind": ImportBatchKind.IMPORT,
            "content_hash": plan.content_hash,
            "files": json.dumps(files, ensure_ascii=False),
            "options": json.dumps(
                {"skip_bad_rows": skip_bad_rows, "skipped": [f"{f}:{r}" for f, r in skipped]},
                ensure_ascii=False,
            ),
            "accounts_total": len(plan.new),
        },
        "import_started",
        {"files": files, "accounts": len(plan.new), "skipped_rows": len(skipped)},
    )
    return batch_id, batch_no


def _insert_batch(
    session: Session,
    ctx: Context,
    user_id: int,
    values: dict[str, object],
    event: str,
    data: dict[str, object],
) -> int:
    """A new batch row, running, with the audit event of its start (its number in ``data``)."""
    batch_id = (
        connection_of(session)
        .execute(
            insert(import_batches)
            .values(
                status=ImportBatchStatus.RUNNING,
                accounts_done=0,
                started_by=user_id,
                started_at=ctx.now(),
                **values,
            )
            .returning(import_batches.c.id)
        )
        .scalar_one()
    )
    audit.record(
        session,
        ctx,
        audit.Event(
            event,
            user_id,
            ref=f"import_batches:{batch_id}",
            data={"batch_no": values["batch_no"], **data},
        ),
    )
    return batch_id


def _local_midnight(ctx: Context, day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time(), tzinfo=ctx.tz).astimezone(dt.UTC)


def _write_chunk(
    session: Session,
    ctx: Context,
    batch_id: int,
    hall_id: int,
    hall_code: str,
    part: Sequence[AccountBundle],
    customers_by_ref: dict[str, int],
) -> int:
    """Write whole accounts (customer, account, meter, cards, what the batch created, opening
    rows); accounts already there (an earlier, interrupted run of this batch) are skipped."""
    conn = connection_of(session)
    # the batch row first (PostgreSQL: locked till commit): a batch rolled back meanwhile stops
    # the import here, and a rollback's last step waits for this chunk
    still = conn.execute(
        update(import_batches)
        .where(
            import_batches.c.id == batch_id,
            import_batches.c.status == ImportBatchStatus.RUNNING,
        )
        .values(accounts_done=import_batches.c.accounts_done)
    )
    if still.rowcount != 1:
        raise Conflict("这批导入已被回退或已结束，不再写入", f"batch {batch_id} not running")
    there = set(
        conn.execute(
            select(accounts.c.account_no).where(
                accounts.c.account_no.in_([b.account.account_no for b in part])
            )
        ).scalars()
    )
    part = [b for b in part if b.account.account_no not in there]
    if not part:
        return 0
    _recheck(session, part)
    now = ctx.now()
    # customers: one per identity document, reused when GasDesk (or this batch) has them
    wanted = {}
    for b in part:
        if b.customer.customer_ref not in customers_by_ref:
            wanted[(b.customer.id_type, b.customer.id_number)] = b.customer
    people = _people(session, wanted.values())
    created_refs = set()
    fresh = []
    for key, record in wanted.items():
        if key in people:
            customers_by_ref[record.customer_ref] = people[key].id  # type: ignore[attr-defined]
        else:
            fresh.append(record)
    if fresh:
        # plain multi-row inserts, the ids read back by their unique keys: an INSERT …
        # RETURNING in parameter order runs row by row on both backends
        conn.execute(
            insert(customers),
            [
                {
                    "kind": r.customer_class,
                    "name": r.name,
                    "id_type": r.id_type,
                    "id_number": r.id_number,
                    "phone": r.phone,
                    "address": r.address,
                    "household_size": r.household_size,
                    "search_text": search_text_for(r.name, r.address),
                    "created_at": now,
                }
                for r in fresh
            ],
        )
        made = _people(session, fresh)
        for record in fresh:
            customers_by_ref[record.customer_ref] = made[(record.id_type, record.id_number)].id  # type: ignore[attr-defined]
            created_refs.add(record.customer_ref)
    conn.execute(
        insert(accounts),
        [
            {
                "account_no": b.account.account_no,
                "hall_id": hall_id,
                "customer_id": customers_by_ref[b.customer.customer_ref],
                "status": b.account.status,
                "kind": b.account.account_kind,
                "purchase_count": _account_count(b),
                "opened_at": _local_midnight(ctx, b.account.opened_on),
                "closed_at": _local_midnight(ctx, b.account.closed_on),
            }
            for b in part
        ],
    )
    numbered = dict(
        conn.execute(
            select(accounts.c.account_no, accounts.c.id).where(
                accounts.c.account_no.in_([b.account.account_no for b in part])
            )
        ).all()
    )
    account_ids = [numbered[b.account.account_no] for b in part]
    meter_rows, card_rows, imported, cards_imported, usage_rows, money_rows = [], [], [], [], [], []
    for b, account_id in zip(part, account_ids, strict=True):
        no = b.account.account_no
        active = b.account.status == AccountStatus.ACTIVE
        if b.meter is not None and active:  # a closed account's meter was freed by its closing
            meter_rows.append(
                {
                    "meter_no": b.meter.meter_no,
                    "model": b.meter.model,
                    "initial_reading": b.meter.initial_reading,
                    "account_id": account_id,
                    "status": MeterStatus.ACTIVE,
                    "installed_at": _local_midnight(ctx, b.meter.installed_on),
                    "rated_flow": b.meter.rated_flow,
                }
            )
        for card in b.cards:
            card_rows.append(
                {
                    "serial": card.card_no,
                    "account_id": account_id,
                    "status": card.status,
                    "maker": card.maker,
                    "issued_at": _local_midnight(ctx, card.issued_on) or now,
                }
            )
            cards_imported.append(
                {
                    "batch_id": batch_id,
                    "account_no": no,
                    "serial": card.card_no,
                    "maker": card.maker,
                    "status": card.status,
                    "purchase_count": card.purchase_count,
                    "gas_on_card": card.gas_on_card,
                    "cumulative_purchased": b.account.cumulative_purchased,
                }
            )
        imported.append(
            {
                "batch_id": batch_id,
                "account_no": no,
                "customer_created": b.customer.customer_ref in created_refs,
                "source_row": b.account.source.row,
                "meter_no": b.meter.meter_no if b.meter is not None and active else None,
                "cumulative_purchased": b.account.cumulative_purchased,
            }
        )
        for usage in b.usage:
            usage_rows.append(
                {
                    "batch_id": batch_id,
                    "account_no": no,
                    "ladder_year": usage.ladder_year,
                    "volume": usage.volume,
                }
            )
        if b.balance is not None:
            money_rows.append(
                {
                    "batch_id": batch_id,
                    "account_no": no,
                    "kind": OpeningEntryKind.BALANCE,
                    "amount_fen": b.balance.balance_fen,
                    "paid_fen": 0,
                    "as_of": b.balance.as_of,
                    "bill_no": None,
                    "period_start": None,
                    "last_reading": None,
                    "this_reading": None,
                    "due_on": None,
                }
            )
        for bill in b.bills:
            money_rows.append(
                {
                    "batch_id": batch_id,
                    "account_no": no,
                    "kind": OpeningEntryKind.BILL,
                    "amount_fen": bill.amount_fen,
                    "paid_fen": bill.paid_fen,
                    "as_of": bill.period_end,
                    "bill_no": bill.bill_no,
                    "period_start": bill.period_start,
                    "last_reading": bill.last_reading,
                    "this_reading": bill.this_reading,
                    "due_on": bill.due_on,
                }
            )
    for table, rows in (
        (meters, meter_rows),
        (cards, card_rows),
        (imported_accounts, imported),
        (imported_cards, cards_imported),
        (opening_usage, usage_rows),
        (opening_entries, money_rows),
    ):
        if rows:
            conn.execute(insert(table), rows)
    conn.execute(
        update(import_batches)
        .where(import_batches.c.id == batch_id)
        .values(accounts_done=import_batches.c.accounts_done + len(part))
    )
    _follow_account_numbers(session, hall_code, part)
    return len(part)


def _recheck(session: Session, part: Sequence[AccountBundle]) -> None:
    """The dry run's numbers checked again under the write lock: a card or meter registered at
    a counter since (the plan may be hours old) stops the chunk with a clear word, not a
    constraint error; the chunks before it stay, the same files resume after a new dry run."""
    serials = [c.card_no for b in part for c in b.cards]
    taken = _in_db(session, cards.c.serial, serials)
    if taken:
        first = sorted(taken)[0]
        raise Conflict(
            f"卡号{first}在试导入之后已在系统中登记：请重新试导入（已导入的户保留）",
            f"card {first} registered since the dry run",
        )
    numbers = [b.meter.meter_no for b in part if b.meter is not None]
    taken = _in_db(session, meters.c.meter_no, numbers)
    if taken:
        first = sorted(taken)[0]
        raise Conflict(
            f"表号{first}在试导入之后已在系统中登记：请重新试导入（已导入的户保留）",
            f"meter {first} registered since the dry run",
        )


def _account_count(bundle: AccountBundle) -> int:
    """The account's purchase count: its active card's (the card decides the next write),
    else the old system's last purchase count."""
    for card in bundle.cards:
        if card.status == CardStatus.ACTIVE:
            return card.purchase_count
    return bundle.account.last_purchase_count or 0


def _follow_account_numbers(
    session: Session, hall_code: str, part: Sequence[AccountBundle]
) -> None:
    """Imported numbers in GasDesk's own form (a hall's code + 8 digits) move that hall's
    account sequence past them, so an account opened later never gets an imported number."""
    conn = connection_of(session)
    codes = session.info.setdefault("import_hall_codes", None) or list(
        conn.execute(select(Hall.code)).scalars()
    )
    session.info["import_hall_codes"] = codes
    highest: dict[str, int] = {}
    for b in part:
        no = b.account.account_no
        for code in codes:
            rest = no[len(code) :]
            if no.startswith(code) and len(rest) == 8 and rest.isdigit() and rest.isascii():
                highest[code] = max(highest.get(code, 0), int(rest))
    for code, value in highest.items():
        name = f"account:{code}"
        current = conn.execute(
            select(sequences.c.last_value).where(sequences.c.name == name)
        ).scalar()
        if current is None:
            conn.execute(insert(sequences).values(name=name, last_value=value))
        elif current < value:
            conn.execute(update(sequences).where(sequences.c.name == name).values(last_value=value))


@service
def list_batches(ctx: Context, admin: AdminActor) -> list[BatchView]:
    """Every import and rollback batch, newest first."""
    with ctx.reading() as session:
        require_administrator(session, admin, OPERATION)
        conn = connection_of(session)
        rows = conn.execute(select(import_batches).order_by(import_batches.c.id.desc())).all()
        numbers = {row.id: row.batch_no for row in rows}
        return [
            BatchView(**{**_batch_view(row).__dict__, "reverses": numbers.get(row.reverses_id)})
            for row in rows
        ]


@service
def rollback_import(
    ctx: Context,
    admin: AdminActor,
    batch_no: str,
    *,
    progress: ImportProgress | None = None,
    chunk: int = CHUNK,
) -> ImportOutcome:
    """Undo an import batch by a reversing batch: its accounts, meters, cards and the customers
    it created are deleted, its opening rows get their negated twins (append-only), and it is
    marked rolled back. Refused once any of its accounts has business at a counter (a sale, a
    card taken over). Runs in chunks; an interrupted rollback is resumed by running it again."""
    progress = progress or ImportProgress()
    with ctx.unit_of_work() as session:
        user = require_administrator(session, admin, OPERATION)
        conn = connection_of(session)
        batch = conn.execute(
            select(import_batches).where(import_batches.c.batch_no == batch_no)
        ).first()
        if batch is None or batch.kind != ImportBatchKind.IMPORT:
            raise NotFound("没有这个导入批次", f"no import batch {batch_no}")
        if batch.status == ImportBatchStatus.ROLLED_BACK:
            raise RuleViolation("这批导入已经回退过了", f"batch {batch_no} already rolled back")
        numbers = list(
            conn.execute(
                select(imported_accounts.c.account_no).where(
                    imported_accounts.c.batch_id == batch.id
                )
            ).scalars()
        )
        _refuse_business(session, numbers)
        reversal = conn.execute(
            select(import_batches).where(
                import_batches.c.reverses_id == batch.id,
                import_batches.c.status == ImportBatchStatus.RUNNING,
            )
        ).first()
        if reversal is None:
            now = ctx.now()
            seq = next_number(session, f"import:{now.astimezone(ctx.tz):%Y}")
            reversal_no = f"RBK-{now.astimezone(ctx.tz):%Y%m%d}-{seq:04d}"
            reversal_id = _insert_batch(
                session,
                ctx,
                user.id,
                {
                    "batch_no": reversal_no,
                    "kind": ImportBatchKind.ROLLBACK,
                    "content_hash": batch.content_hash,
                    "files": batch.files,
                    "options": json.dumps({"reverses": batch_no}),
                    "reverses_id": batch.id,
                    "accounts_total": len(numbers),
                },
                "import_rollback_started",
                {"reverses": batch_no, "accounts": len(numbers)},
            )
        else:
            reversal_id, reversal_no = reversal.id, reversal.batch_no
        session.commit()
    total = len(numbers)
    for done, part in enumerate(_chunks(numbers, chunk)):
        if progress.cancelled():
            raise ImportCancelled(
                "已取消回退：再次回退同一批次即可继续", f"rollback of {batch_no} cancelled"
            )
        ctx.transaction(
            lambda session, part=part: _undo_chunk(session, batch.id, reversal_id, part)
        )
        progress.report(min((done + 1) * chunk, total), total)

    def finish(session: Session) -> None:
        conn = connection_of(session)
        now = ctx.now()
        # the import's row first: a chunk still being written (a batch rolled back while its
        # import runs) commits before this or finds the batch rolled back and stops
        conn.execute(
            update(import_batches)
            .where(import_batches.c.id == batch.id)
            .values(status=ImportBatchStatus.ROLLED_BACK, finished_at=batch.finished_at or now)
        )
        seen = set(numbers)  # compared here: 100,000 numbers are no statement's parameters
        late = [
            no
            for no in conn.execute(
                select(imported_accounts.c.account_no).where(
                    imported_accounts.c.batch_id == batch.id
                )
            ).scalars()
            if no not in seen
        ]
        for part in _chunks(late, LOOKUP):
            _undo_chunk(session, batch.id, reversal_id, part)
        conn.execute(
            update(import_batches)
            .where(import_batches.c.id == reversal_id)
            .values(status=ImportBatchStatus.COMPLETED, finished_at=now)
        )
        audit.record(
            session,
            ctx,
            audit.Event(
                "import_rolled_back",
                admin.user_id,
                ref=f"import_batches:{reversal_id}",
                data={"batch_no": reversal_no, "reverses": batch_no, "accounts": total},
            ),
        )

    ctx.transaction(finish)
    with ctx.reading() as session:
        row = (
            connection_of(session)
            .execute(select(import_batches).where(import_batches.c.id == reversal_id))
            .one()
        )
    return ImportOutcome(
        BatchView(**{**_batch_view(row).__dict__, "reverses": batch_no}), 0, already=total
    )


BUSINESS_LABELS = {
    "counter_transactions": "柜台业务",
    "card_takeovers": "旧卡接管",
    "card_writes": "写卡",
    "account_limits": "限购设置",
    "inspections": "安检记录",
    "tool_cards": "工具卡",
    "contracts": "合同",
    "meter_replacements": "换表",
    "ownership_changes": "过户",
    "sale_overrides": "放行记录",
}


def _references(targets: tuple[Table, ...], skip: tuple[Table, ...]) -> list[tuple[Table, Column]]:
    """(table, column) of every foreign key onto ``targets`` but from the tables in ``skip``;
    a table that names the first target (the account) is asked by that column only (indexed),
    not also by its card or meter columns."""
    found = []
    for table in Base.metadata.sorted_tables:
        if table in skip:
            continue
        keys = [key for key in table.foreign_keys if key.column.table in targets]
        direct = [key for key in keys if key.column.table is targets[0]]
        for key in direct or keys:
            found.append((table, key.parent))
    return found


def _refuse_business(session: Session, numbers: Sequence[str]) -> None:
    """A batch is rolled back only while its accounts hold nothing but what it wrote: any row
    elsewhere that names one of them, its cards or its meter (a sale, a takeover, a limit, an
    inspection, a tool card, a contract …) refuses the rollback, in Chinese, before a delete."""
    for part in _chunks(numbers, LOOKUP):
        found = _business_in(session, part)
        if found is not None:
            if len(part) > 1:  # which account: asked again one by one (the refusal only)
                found = next(f for no in part if (f := _business_in(session, [no])) is not None)
            no, table = found
            raise RuleViolation(
                f"户号{no}已在系统中办理过业务（{BUSINESS_LABELS.get(table, table)}），"
                "这批导入不能再回退",
                f"{table} references account {no} of the batch",
            )


def _business_in(session: Session, numbers: Sequence[str]) -> tuple[str, str] | None:
    """(an account number of ``numbers``, the table) of a row naming one of those accounts,
    their cards or meters; None when nothing does."""
    conn = connection_of(session)
    ids = select(accounts.c.id).where(accounts.c.account_no.in_(numbers))
    chosen = {
        accounts: ids,
        cards: select(cards.c.id).where(cards.c.account_id.in_(ids)),
        meters: select(meters.c.id).where(meters.c.account_id.in_(ids)),
    }
    for table, column in _REFERENCES:
        target = next(iter(column.foreign_keys)).column.table
        if conn.execute(select(column).where(column.in_(chosen[target])).limit(1)).first():
            return numbers[0], table.name
    return None


_REFERENCES = _references((accounts, cards, meters), (accounts, cards, meters))
_CUSTOMER_REFERENCES = _references((customers,), (accounts,))


def _undo_chunk(session: Session, batch_id: int, reversal_id: int, numbers: Sequence[str]) -> None:
    conn = connection_of(session)
    _refuse_business(session, numbers)  # checked again under the write lock
    rows = conn.execute(
        select(accounts.c.id, accounts.c.account_no, accounts.c.customer_id).where(
            accounts.c.account_no.in_(numbers)
        )
    ).all()
    account_ids = [r.id for r in rows]
    for table, column in ((opening_usage, opening_usage.c), (opening_entries, opening_entries.c)):
        originals = conn.execute(
            select(table).where(column.batch_id == batch_id, column.account_no.in_(numbers))
        ).all()
        # negated once, whichever reversal of the batch did it (a rollback run again)
        done = set(
            conn.execute(
                select(column.reverses_id).where(
                    column.reverses_id.in_([row.id for row in originals])
                )
            ).scalars()
        )
        negated = []
        for row in originals:
            if row.id in done:
                continue
            values = dict(row._mapping)
            values.pop("id")
            values["batch_id"] = reversal_id
            values["reverses_id"] = row.id
            if table is opening_usage:
                values["volume"] = -row.volume
            else:
                values["amount_fen"] = -row.amount_fen
                values["paid_fen"] = -row.paid_fen
            negated.append(values)
        if negated:
            conn.execute(insert(table), negated)
    if account_ids:
        conn.execute(delete(cards).where(cards.c.account_id.in_(account_ids)))
        conn.execute(delete(meters).where(meters.c.account_id.in_(account_ids)))
        conn.execute(delete(accounts).where(accounts.c.id.in_(account_ids)))
        # their customers go too once nothing names them any more (a customer reused from
        # GasDesk or shared with another batch keeps its other accounts)
        owners = sorted({r.customer_id for r in rows})
        orphans = delete(customers).where(
            customers.c.id.in_(owners),
            customers.c.id.not_in(select(accounts.c.customer_id)),
        )
        for _table, column in _CUSTOMER_REFERENCES:
            # NOT IN over a NULL would keep every customer: only the rows that name one
            orphans = orphans.where(
                customers.c.id.not_in(select(column).where(column.is_not(None)))
            )
        conn.execute(orphans)
    conn.execute(
        update(import_batches)
        .where(import_batches.c.id == reversal_id)
        .values(accounts_done=import_batches.c.accounts_done + len(numbers))
    )
