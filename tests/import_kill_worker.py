"""An import process that dies by SIGKILL inside a chunk's transaction (its writes made, not
committed), for tests/test_import_writer.py: the next run of the same files must end as an
uninterrupted import would."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal

from app.context import Context
from app.services import imports
from app.services.security import AdminActor
from db.engine import open_database
from tests.import_records import digests, records
from tests.processes import processes
from tests.support import AUDIT_KEY


def start(job: dict, output_path: str) -> multiprocessing.process.BaseProcess:
    process = processes.Process(target=_run, args=(job, output_path), name="import-kill")
    process.start()
    return process


def _run(job: dict, output_path: str) -> None:
    with open(output_path, "w") as output:
        os.dup2(output.fileno(), 1)
        os.dup2(output.fileno(), 2)
    run(job)


def run(job: dict) -> None:
    """Import ``job["accounts"]`` accounts in chunks of ``job["chunk"]``, dying inside chunk
    number ``job["die_in_chunk"]`` (1-based) after its rows are written."""
    follow = imports._follow_account_numbers
    chunks = {"n": 0}

    def dying(*args, **kwargs):  # type: ignore[no-untyped-def]
        chunks["n"] += 1
        follow(*args, **kwargs)
        if chunks["n"] == job["die_in_chunk"]:
            os.kill(os.getpid(), signal.SIGKILL)

    imports._follow_account_numbers = dying
    when = dt.datetime.fromisoformat(job["when"])
    ctx = Context(db=open_database(job["db_url"]), clock=lambda: when, audit_key=AUDIT_KEY)
    admin = AdminActor(job["admin"])
    plan = imports.plan_import(ctx, admin, records(job["accounts"]), digests())
    imports.run_import(ctx, admin, plan, chunk=job["chunk"])
    print("import finished without dying", flush=True)
