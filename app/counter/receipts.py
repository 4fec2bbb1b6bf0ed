"""The counter's printing policy: receipts through the queue, documents on request.

One rule for every print: a printer that is not configured or not able to print never undoes
or blocks what was committed. A receipt's job stays queued and the clerk is told so (it prints
when the fault clears, on request: ``print_queued``); a Z-report or 交款单 is regenerated from
the rows, so it is simply printed again. The queue rows live in ``app.services.printing``.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.context import Context
from app.devices.ports import ReceiptPrinter
from app.devices.printer import PrinterFault
from app.services.actor import Actor
from app.services.printing import (
    check_printing,
    handover_slip_of,
    job_receipt,
    queue_copy,
    queue_original,
    queued_job,
    queued_jobs,
    record_attempt,
    zreport_receipt_of,
)
from app.vocabulary import PrinterFaultReason

NO_PRINTER = "未配置打印机"


@dataclass(frozen=True)
class PrintOutcome:
    """One receipt job tried: printed, or left queued with the clerk's message (Chinese)."""

    job_id: int
    receipt_no: str
    copy_no: int
    printed: bool
    message: str


def print_job(ctx: Context, printer: ReceiptPrinter | None, job_id: int) -> PrintOutcome:
    """Try one queued job now; no printer or a fault leaves it queued, never raised."""
    job = queued_job(ctx, job_id)
    if job.printed:
        return PrintOutcome(job_id, job.receipt_no, job.copy_no, True, "已打印")
    if printer is None:
        message = f"{NO_PRINTER}：凭证 {job.receipt_no} 已加入待打印队列"
        return PrintOutcome(job_id, job.receipt_no, job.copy_no, False, message)
    receipt = job_receipt(ctx, job.transaction_id, job.copy_no, printer.columns)
    try:
        sent = printer.print_receipt(receipt)
    except PrinterFault as fault:
        interrupted = fault.reason is PrinterFaultReason.INTERRUPTED
        outcome = "interrupted" if interrupted else "failed"
        record_attempt(ctx, job_id, outcome, printer.name, str(fault), 0)
        message = f"{fault.user_message}：凭证 {job.receipt_no} 已加入待打印队列"
        return PrintOutcome(job_id, job.receipt_no, job.copy_no, False, message)
    record_attempt(ctx, job_id, "printed", printer.name, None, sent)
    return PrintOutcome(job_id, job.receipt_no, job.copy_no, True, "凭证已打印")


def print_receipt(
    ctx: Context, actor: Actor, printer: ReceiptPrinter | None, transaction_id: int
) -> PrintOutcome:
    """Queue the original receipt of a committed transaction and try to print it now."""
    return print_job(ctx, printer, queue_original(ctx, actor, transaction_id))


def print_queued(ctx: Context, actor: Actor, printer: ReceiptPrinter | None) -> list[PrintOutcome]:
    """Print this counter's queued jobs, oldest first; stops at the first that does not print."""
    check_printing(ctx, actor)
    outcomes = []
    for job_id, _receipt_no, _copy in queued_jobs(ctx, actor.counter_id):
        outcome = print_job(ctx, printer, job_id)
        outcomes.append(outcome)
        if not outcome.printed:
            break
    return outcomes


def reprint(
    ctx: Context, actor: Actor, printer: ReceiptPrinter | None, receipt_no: str
) -> PrintOutcome:
    """重印: a new copy marked with its reprint number (the original is never printed twice)."""
    return print_job(ctx, printer, queue_copy(ctx, actor, receipt_no))


def _printer(printer: ReceiptPrinter | None) -> ReceiptPrinter:
    if printer is None:
        raise PrinterFault(NO_PRINTER, "no printer configured")
    return printer


def print_zreport(ctx: Context, actor: Actor, shift_id: int, printer: ReceiptPrinter | None) -> int:
    """Print the shift's Z-report on the counter's receipt printer; returns the bytes sent.

    Raises PrinterFault when it cannot print (a closed shift's report never changes, so a
    failed print is simply printed again)."""
    printer = _printer(printer)
    return printer.print_receipt(zreport_receipt_of(ctx, actor, shift_id, printer.columns))


def print_handover_slip(
    ctx: Context, actor: Actor, movement_id: int, printer: ReceiptPrinter | None
) -> int:
    """Print the 交款单 of a hand-over (again, if the first copy failed); the bytes sent."""
    printer = _printer(printer)
    return printer.print_receipt(handover_slip_of(ctx, actor, movement_id, printer.columns))
