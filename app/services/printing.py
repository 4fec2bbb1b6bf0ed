"""Printing receipts through a persistent queue (docs: issue "Receipts and documents").

A committed transaction is never rolled back or blocked by the printer: its receipt becomes a
print job; a printer fault leaves the job queued (the clerk sees it) and it prints when the fault
clears or on request. A job prints once as the original; every later copy is a new job marked
重印 with its number. Every attempt, printed or failed, is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, insert, select

from app.context import Context
from app.devices.printer import EscposReceiptPrinter, PrinterFault
from app.documents.receipts import ReceiptData, TierLine, layout
from app.domain.cash import CASH, PAYMENT_METHODS
from app.errors import NotFound
from app.policy import load_receipt_notices
from app.services.actor import Actor, resolve_actor
from app.services.boundary import ReceiptNo, service
from db.models import OwnershipChange, PrintAttempt, PrintJob
from db.tables import (
    accounts,
    approvals_table,
    cards,
    counters,
    customers,
    halls,
    segments_table,
    tariffs,
    transactions,
    users,
)

jobs_table = PrintJob.__table__
attempts_table = PrintAttempt.__table__

CASH_KINDS = {"purchase", "refund", "card_replacement", "closing", "void"}


@dataclass(frozen=True)
class PrintOutcome:
    job_id: int
    receipt_no: str
    copy_no: int
    printed: bool
    message: str  # for the clerk (Chinese)


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
            training=ctx.training,
            opens_drawer=copy_no == 0 and row.kind in CASH_KINDS and row.payment_method == CASH,
            payment_method=PAYMENT_METHODS.get(row.payment_method) if row.payment_method else None,
            payment_ref=row.payment_ref,
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


def _record_attempt(
    ctx: Context, job_id: int, outcome: str, printer: str, detail: str | None, sent: int
) -> None:
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
def print_job(ctx: Context, printer: EscposReceiptPrinter, job_id: int) -> PrintOutcome:
    """Try one queued job now; a fault is recorded and reported, never raised."""
    with ctx.reading() as session:
        job = session.connection().execute(_JOB, {"job_id": job_id}).one()
        done = session.connection().execute(_PRINTED.where(attempts_table.c.job_id == job_id))
        if done.first() is not None:
            return PrintOutcome(job_id, job.receipt_no, job.copy_no, True, "已打印")
    receipt = layout(
        receipt_data(ctx, job.transaction_id, copy_no=job.copy_no), printer.profile.columns
    )
    try:
        sent = printer.print_receipt(receipt)
    except PrinterFault as fault:
        outcome = "interrupted" if "未打完整" in fault.user_message else "failed"
        _record_attempt(ctx, job_id, outcome, printer.name, str(fault), 0)
        message = f"{fault.user_message}：凭证 {job.receipt_no} 已加入待打印队列"
        return PrintOutcome(job_id, job.receipt_no, job.copy_no, False, message)
    _record_attempt(ctx, job_id, "printed", printer.name, None, sent)
    return PrintOutcome(job_id, job.receipt_no, job.copy_no, True, "凭证已打印")


@service
def print_receipt(
    ctx: Context, actor: Actor, printer: EscposReceiptPrinter, transaction_id: int
) -> PrintOutcome:
    """Queue the original receipt of a committed transaction and try to print it now."""
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
    return print_job(ctx, printer, job_id)


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
def print_queued(ctx: Context, actor: Actor, printer: EscposReceiptPrinter) -> list[PrintOutcome]:
    """Print this counter's queued jobs, oldest first; stops at the first fault."""
    with ctx.reading() as session:
        resolve_actor(session, actor, "print")
    outcomes = []
    for job_id, _receipt_no, _copy in queued_jobs(ctx, actor.counter_id):
        outcome = print_job(ctx, printer, job_id)
        outcomes.append(outcome)
        if not outcome.printed:
            break
    return outcomes


@service
def reprint(
    ctx: Context, actor: Actor, printer: EscposReceiptPrinter, receipt_no: ReceiptNo
) -> PrintOutcome:
    """重印: a new copy marked with its reprint number (the original is never printed twice)."""
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
    return print_job(ctx, printer, _new_job(ctx, actor, txn_id, copies + 1))


@service
def print_zreport(ctx: Context, actor: Actor, shift_id: int, printer: EscposReceiptPrinter) -> int:
    """Print the shift's Z-report on the counter's receipt printer; returns the bytes sent.

    Regenerated from the rows each time (a closed shift's report never changes), so a failed
    print is simply printed again. Raises PrinterFault when the printer cannot print.
    """
    from app.documents.receipts import zreport_receipt
    from app.services.reports import zreport_data

    data = zreport_data(ctx, actor, shift_id)
    return printer.print_receipt(zreport_receipt(data, printer.profile.columns))


@service
def print_handover_slip(
    ctx: Context, actor: Actor, movement_id: int, printer: EscposReceiptPrinter
) -> int:
    """Print the 交款单 of a hand-over (again, if the first copy failed)."""
    from app.documents.receipts import handover_slip
    from app.services.reports import handover_slip_data

    with ctx.reading() as session:
        resolve_actor(session, actor, "print")  # an active user at a known counter
    data = handover_slip_data(ctx, movement_id)
    return printer.print_receipt(handover_slip(data, printer.profile.columns))
