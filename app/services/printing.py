"""The persistent print queue and what a receipt says (docs: issue "Receipts and documents").

A committed transaction is never rolled back or blocked by the printer: its receipt becomes a
print job. A job prints once as the original; every later copy is a new job marked 重印 with its
number. Every attempt, printed or failed, is recorded. The printer itself is driven by
``app.counter.receipts``; nothing here touches a device.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, insert, select

from app.context import Context
from app.documents.receipts import Receipt, ReceiptData, TierLine, layout
from app.errors import NotFound
from app.policy import load_receipt_notices
from app.services.actor import Actor, resolve_actor
from app.services.boundary import ReceiptNo, service
from app.services.meter_periods import carry_over_remaining
from app.services.meters import replacement_details
from app.vocabulary import OverrideKind, PaymentMethod, TransactionKind
from db.models import OwnershipChange, PrintAttempt, PrintJob
from db.tables import (
    accounts,
    approvals_table,
    cards,
    counters,
    customers,
    halls,
    sale_overrides,
    segments_table,
    tariffs,
    transactions,
    users,
)

jobs_table = PrintJob.__table__
attempts_table = PrintAttempt.__table__

CASH_KINDS = {  # transactions that move cash, so their original opens the drawer
    TransactionKind.PURCHASE,
    TransactionKind.REFUND,
    TransactionKind.CARD_REPLACEMENT,
    TransactionKind.CLOSING,
    TransactionKind.VOID,
    TransactionKind.METER_REPLACEMENT,
    TransactionKind.OVERDRAWN,
    TransactionKind.REVERSAL,
}


changes = OwnershipChange.__table__
_OWNER_AFTER = (  # the owner from the latest transfer up to this transaction
    select(changes.c.to_customer_id)
    .where(
        changes.c.account_id == transactions.c.account_id,
        changes.c.transaction_id <= transactions.c.id,
    )
    .order_by(changes.c.transaction_id.desc())
    .limit(1)
    .scalar_subquery()
)
_OWNER_BEFORE = (  # else the owner before the first later transfer
    select(changes.c.from_customer_id)
    .where(
        changes.c.account_id == transactions.c.account_id,
        changes.c.transaction_id > transactions.c.id,
    )
    .order_by(changes.c.transaction_id)
    .limit(1)
    .scalar_subquery()
)
# a receipt names the customer who owned the account when the transaction happened
_OWNER = func.coalesce(_OWNER_AFTER, _OWNER_BEFORE, accounts.c.customer_id)

_TXN = (
    select(
        transactions,
        accounts.c.account_no,
        customers.c.name.label("customer_name"),
        customers.c.id_number,
        cards.c.serial.label("card_serial"),
        users.c.display_name.label("clerk_name"),
        counters.c.name.label("counter_name"),
        halls.c.name.label("hall_name"),
        tariffs.c.name.label("tariff_name"),
    )
    .join_from(transactions, accounts, accounts.c.id == transactions.c.account_id)
    .join(customers, customers.c.id == _OWNER)
    .join(users, users.c.id == transactions.c.operator_id)
    .join(counters, counters.c.id == transactions.c.counter_id)
    .join(halls, halls.c.id == transactions.c.hall_id)
    .outerjoin(cards, cards.c.id == transactions.c.card_id)
    .outerjoin(tariffs, tariffs.c.id == transactions.c.tariff_id)
    .where(transactions.c.id == bindparam("transaction_id"))
)


@service
def receipt_data(
    ctx: Context,
    transaction_id: int,
    *,
    copy_no: int = 0,
) -> ReceiptData:
    """What the receipt of a transaction says, from its rows (the same text on every copy)."""
    with ctx.reading() as session:
        conn = session.connection()
        row = conn.execute(_TXN, {"transaction_id": transaction_id}).first()
        if row is None:
            raise NotFound("没有这笔业务", f"transaction {transaction_id} not found")
        tiers = conn.execute(
            select(segments_table)
            .where(segments_table.c.transaction_id == transaction_id)
            .order_by(segments_table.c.ladder_year, segments_table.c.tier)
        ).all()
        approvers = conn.execute(
            select(users.c.display_name)
            .join(approvals_table, approvals_table.c.approver_id == users.c.id)
            .where(approvals_table.c.transaction_id == transaction_id)
            .order_by(approvals_table.c.id)
        ).scalars()
        notices = load_receipt_notices(session)
        overrides = conn.execute(
            select(sale_overrides.c.kind, sale_overrides.c.reason, users.c.display_name)
            .join(users, users.c.id == sale_overrides.c.approver_id)
            .where(sale_overrides.c.transaction_id == transaction_id)
            .order_by(sale_overrides.c.id)
        ).all()
        method = PaymentMethod(row.payment_method) if row.payment_method else None
        cash = method is PaymentMethod.CASH
        return ReceiptData(
            kind=row.kind,
            hall_name=row.hall_name,
            counter_name=row.counter_name,
            clerk_name=row.clerk_name,
            receipt_no=row.receipt_no,
            printed_for=row.created_at.astimezone(ctx.tz),
            account_no=row.account_no,
            customer_name=row.customer_name,
            id_number=row.id_number,
            card_serial=row.card_serial,
            purchase_count=row.purchase_count,
            volume=row.volume,
            amount_fen=row.amount_fen,
            cash_tendered_fen=row.cash_tendered_fen,
            change_fen=row.change_fen,
            tariff_name=row.tariff_name,
            tiers=tuple(TierLine(t.tier, t.volume, t.price_fen, t.amount_fen) for t in tiers),
            reason=row.reason,
            approvers=tuple(approvers),
            meter_reading=row.meter_reading,
            notices=tuple(notices),
            reprint_no=copy_no,
            mode=ctx.mode,
            opens_drawer=copy_no == 0 and row.kind in CASH_KINDS and cash,
            payment_method=method.label if method is not None else None,
            payment_ref=row.payment_ref,
            details=replacement_details(session, row),
            carry_over_remaining=carry_over_remaining(session, row.account_id, row.id),
            overrides=tuple(
                f"{OverrideKind.label_of(kind)}：{reason}（审批：{name}）"
                for kind, reason, name in overrides
            ),
        )


_JOB = (
    select(jobs_table, transactions.c.receipt_no)
    .join(transactions, transactions.c.id == jobs_table.c.transaction_id)
    .where(jobs_table.c.id == bindparam("job_id"))
)
_PRINTED = select(attempts_table.c.job_id).where(attempts_table.c.outcome == "printed")


def _new_job(ctx: Context, actor: Actor, transaction_id: int, copy_no: int) -> int:
    with ctx.unit_of_work() as session:
        resolve_actor(session, actor, "print")
        job_id = (
            session.connection()
            .execute(
                insert(jobs_table).returning(jobs_table.c.id),
                {
                    "transaction_id": transaction_id,
                    "copy_no": copy_no,
                    "requested_at": ctx.now(),
                    "requested_by": actor.user_id,
                    "counter_id": actor.counter_id,
                },
            )
            .scalar_one()
        )
        session.commit()
        return job_id


@dataclass(frozen=True)
class QueuedJob:
    """One print job of the queue: which receipt, which copy, printed already or not."""

    job_id: int
    transaction_id: int
    receipt_no: str
    copy_no: int
    printed: bool


@service
def queued_job(ctx: Context, job_id: int) -> QueuedJob:
    """A job with its receipt number and whether an attempt printed it."""
    with ctx.reading() as session:
        conn = session.connection()
        job = conn.execute(_JOB, {"job_id": job_id}).one()
        done = conn.execute(_PRINTED.where(attempts_table.c.job_id == job_id)).first()
        return QueuedJob(job_id, job.transaction_id, job.receipt_no, job.copy_no, done is not None)


@service
def job_receipt(ctx: Context, transaction_id: int, copy_no: int, columns: int) -> Receipt:
    """A receipt copy laid out for a printer of ``columns`` characters."""
    return layout(receipt_data(ctx, transaction_id, copy_no=copy_no), columns)


@service
def record_attempt(
    ctx: Context, job_id: int, outcome: str, printer: str, detail: str | None, sent: int
) -> None:
    """One attempt at a job: ``printed``, ``failed`` or ``interrupted`` (may be incomplete)."""
    with ctx.unit_of_work() as session:
        session.connection().execute(
            insert(attempts_table),
            {
                "job_id": job_id,
                "attempted_at": ctx.now(),
                "outcome": outcome,
                "printer": printer,
                "detail": detail,
                "bytes_sent": sent,
            },
        )
        session.commit()


@service
def queue_original(ctx: Context, actor: Actor, transaction_id: int) -> int:
    """The job of a committed transaction's original receipt (made once); its id."""
    with ctx.reading() as session:
        resolve_actor(session, actor, "print")
        existing = session.connection().execute(
            select(jobs_table.c.id).where(
                jobs_table.c.transaction_id == transaction_id, jobs_table.c.copy_no == 0
            )
        )
        job_id = existing.scalar()
    if job_id is None:
        job_id = _new_job(ctx, actor, transaction_id, 0)
    return job_id


@service
def queued_jobs(ctx: Context, counter_id: int) -> list[tuple[int, str, int]]:
    """This counter's jobs not printed yet, oldest first: (job id, receipt number, copy number).

    Each counter prints only its own queue: its drawer, its customer, its printer.
    """
    with ctx.reading() as session:
        rows = session.connection().execute(
            select(jobs_table.c.id, transactions.c.receipt_no, jobs_table.c.copy_no)
            .join(transactions, transactions.c.id == jobs_table.c.transaction_id)
            .where(jobs_table.c.id.not_in(_PRINTED), jobs_table.c.counter_id == counter_id)
            .order_by(jobs_table.c.id)
        )
        return [tuple(r) for r in rows]


@service
def check_printing(ctx: Context, actor: Actor) -> None:
    """An active user at a known counter (before printing anything for them)."""
    with ctx.reading() as session:
        resolve_actor(session, actor, "print")


@service
def queue_copy(ctx: Context, actor: Actor, receipt_no: ReceiptNo) -> int:
    """重印: a new job for the next copy of a receipt (marked with its reprint number)."""
    with ctx.reading() as session:
        conn = session.connection()
        txn_id = conn.execute(
            select(transactions.c.id).where(transactions.c.receipt_no == receipt_no.strip())
        ).scalar()
        if txn_id is None:
            raise NotFound("没有这张凭证", f"receipt {receipt_no!r} not found")
        copies = conn.execute(
            select(func.coalesce(func.max(jobs_table.c.copy_no), 0)).where(
                jobs_table.c.transaction_id == txn_id
            )
        ).scalar_one()
    return _new_job(ctx, actor, txn_id, copies + 1)


@service
def zreport_receipt_of(ctx: Context, actor: Actor, shift_id: int, columns: int) -> Receipt:
    """The shift's Z-report as a receipt, regenerated from the rows (a closed shift's report
    never changes, so a failed print is simply printed again)."""
    from app.documents.receipts import zreport_receipt
    from app.services.reports import zreport_data

    return zreport_receipt(zreport_data(ctx, actor, shift_id), columns)


@service
def handover_slip_of(ctx: Context, actor: Actor, movement_id: int, columns: int) -> Receipt:
    """The 交款单 of a hand-over as a receipt."""
    from app.documents.receipts import handover_slip
    from app.services.reports import handover_slip_data

    with ctx.reading() as session:
        resolve_actor(session, actor, "print")  # an active user at a known counter
    return handover_slip(handover_slip_data(ctx, movement_id), columns)
