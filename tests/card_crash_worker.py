"""A counter process that sells on (or issues, or reads) the card and dies by SIGKILL at a chosen step.

``start`` forks it from the fork server of ``tests.processes``, so each kill costs a fork
instead of a Python start and its imports (about a second each on two cores); the child is
still a process of its own, with its own database and PC/SC connections, killed by SIGKILL.
Used by tests/test_card_crash.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing
import os
import signal
import uuid

from app.context import Context
from app.counter import cards as card_counter
from app.counter.cards import CardOperations as CardCounter
from app.counter.meters import MeterOperations
from app.devices import cardreader
from app.devices.cardreader import GasCardReader
from app.devices.pcsc import PcscTransport
from app.services.actor import Actor
from app.services.cards import ReplaceCardRequest
from app.services.meters import ReplaceMeterRequest
from db.engine import open_database
from tests.card_support import KEY, opening_request
from tests.processes import processes
from tests.support import AUDIT_KEY


def die(*_args, **_kwargs):  # type: ignore[no-untyped-def]
    os.kill(os.getpid(), signal.SIGKILL)


def start(job: dict, output_path: str) -> multiprocessing.process.BaseProcess:
    """Start a counter process running ``job``; its stdout and stderr go to ``output_path``."""
    process = processes.Process(target=_run, args=(job, output_path), name="card-crash-counter")
    process.start()
    return process


def _run(job: dict, output_path: str) -> None:
    with open(output_path, "w") as output:
        os.dup2(output.fileno(), 1)
        os.dup2(output.fileno(), 2)
    run(job)


def _reader(job: dict):  # type: ignore[no-untyped-def]
    """The card port of the dying counter: a PC/SC reader, or a maker's card through its
    library's host process (``maker``: its hall-settings entry, ``slot_dir``: the double's)."""
    if "maker" not in job:
        return GasCardReader(PcscTransport(job["reader"]), KEY)
    from pathlib import Path

    from app.devices.makers.client import MakerHost
    from app.devices.makers.config import maker_from
    from app.devices.makers.driver import InterfaceCardDriver

    os.environ["GASDESK_MAKER_DOUBLE_DIR"] = job["slot_dir"]
    config = maker_from(job["maker"], {"port": job["port"]})
    return InterfaceCardDriver(config, MakerHost(Path(config.library), timeout=60))


def meter_request(job: dict) -> ReplaceMeterRequest:
    """The replacement a job describes (the test retries it with the same request id)."""
    return ReplaceMeterRequest(
        uuid.UUID(job["request_id"]),
        job["account_no"],
        job["final_reading"],
        "王师傅",
        job["new_meter_no"],
        job["new_serial"],
    )


def run(job: dict) -> None:
    """The counter's side of one case: patch in the death, then do the operation."""
    if job["die"] == "after_pending":  # committed PENDING, card not touched
        cardreader.GasCardReader.write = die
        from app.devices.makers.driver import InterfaceCardDriver

        InterfaceCardDriver.write_gas = die
    elif job["die"] == "after_write":  # card written and verified, COMPLETED not recorded
        card_counter.complete_card_write = die
    elif job["die"] == "at_issue":  # a maker's new card about to be written (换表's new card)
        from app.devices.makers.driver import InterfaceCardDriver

        InterfaceCardDriver.issue_card = die
    when = dt.datetime.fromisoformat(job["when"])
    ctx = Context(db=open_database(job["db_url"]), clock=lambda: when, audit_key=AUDIT_KEY)
    counter = CardCounter(ctx, _reader(job))
    actor, request_id = Actor(*job["actor"]), uuid.UUID(job["request_id"])
    if job.get("operation") == "open":  # 开户: the issue is killed by the card (the test's)
        request = dataclasses.replace(opening_request(n=job["n"]), request_id=request_id)
        counter.open_account(actor, request)
    elif job.get("operation") == "replace":  # 补卡 onto the blank card in the reader
        request = ReplaceCardRequest(request_id, job["account_no"], job["new_serial"], "lost")
        counter.replace(actor, request)
    elif job.get("operation") == "read":  # a read, which finishes an unfinished card
        counter.read(actor)
    elif job.get("operation") == "meter_replace":  # 换表 onto the new card in the reader
        MeterOperations(ctx, counter).replace(actor, meter_request(job), job["carry_now"])
    elif job.get("operation") == "carry_over":  # 写换表补气 on the card in the reader
        MeterOperations(ctx, counter).write_carry_over(actor, request_id, job["volume"])
    else:
        counter.sell(actor, request_id, volume=job["volume"])
    print("operation finished without dying", flush=True)
