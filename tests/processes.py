"""Separate processes for the tests that race counters or kill one: forked, not spawned.

A spawned Python imports SQLAlchemy, the models and the services again, a second or more per
process on a small machine, and the race tests start dozens of them. ``processes`` forks each
one from a fork server that imported the workers' modules once; every process still has its
own interpreter state, database connections and PC/SC context (the server opens none), so a
race between them is a race between counters.
"""

from __future__ import annotations

import multiprocessing

# imported once by the fork server; a module missing here is imported by each child instead
PRELOAD = [
    "tests.concurrency_worker",
    "tests.twin_worker",
    "tests.card_crash_worker",
    "tests.import_kill_worker",
    "smartcard.System",
    "smartcard.scard",
    "smartcard.Exceptions",
]

processes = multiprocessing.get_context("forkserver")
processes.set_forkserver_preload(PRELOAD)
