"""A counter process that sells on (or issues, or reads) the card and dies by SIGKILL at a chosen step.

Run as ``python -m tests.card_crash_worker JSON``; used by tests/test_card_crash.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import signal
import sys
import uuid

from app.context import Context
from app.devices import cardreader
from app.devices.cardreader import GasCardReader
from app.devices.pcsc import PcscTransport
from app.services import card_counter
from app.services.actor import Actor
from app.services.card_counter import CardCounter
from app.services.cards import ReplaceCardRequest
from db.engine import open_database
from tests.card_support import KEY, READER, opening_request
from tests.support import AUDIT_KEY


def die(*_args, **_kwargs):  # type: ignore[no-untyped-def]
    os.kill(os.getpid(), signal.SIGKILL)


def main(argv: list[str]) -> None:
    job = json.loads(argv[1])
    if job["die"] == "after_pending":  # committed PENDING, card not touched
        cardreader.GasCardReader.write = die
    elif job["die"] == "after_write":  # card written and verified, COMPLETED not recorded
        card_counter.complete_card_write = die
    when = dt.datetime.fromisoformat(job["when"])
    ctx = Context(db=open_database(job["db_url"]), clock=lambda: when, audit_key=AUDIT_KEY)
    counter = CardCounter(ctx, GasCardReader(PcscTransport(READER), KEY))
    actor, request_id = Actor(*job["actor"]), uuid.UUID(job["request_id"])
    if job.get("operation") == "open":  # 开户: the issue is killed by the card (the test's)
        request = dataclasses.replace(opening_request(n=job["n"]), request_id=request_id)
        counter.open_account(actor, request)
    elif job.get("operation") == "replace":  # 补卡 onto the blank card in the reader
        request = ReplaceCardRequest(request_id, job["account_no"], job["new_serial"], "lost")
        counter.replace(actor, request)
    elif job.get("operation") == "read":  # a read, which finishes an unfinished card
        counter.read(actor)
    else:
        counter.sell(actor, request_id, volume=job["volume"])
    print("operation finished without dying", flush=True)


if __name__ == "__main__":
    main(sys.argv)
