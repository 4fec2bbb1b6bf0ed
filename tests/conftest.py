"""Fixtures: every service test runs on SQLite and on PostgreSQL (skipped when unreachable)."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from app.context import Context
from tests.databases import PostgresPool, SqlitePool
from tests.pcsc_fixtures import pcsc_stack, virtual_card  # noqa: E402, F401
from tests.support import (
    AUDIT_KEY,
    SHANGHAI,
    FakeClock,
    Hall,
    PostgresTemplate,
    SqliteTemplate,
    postgres_problem,
    seed_hall,
)
from tests.ui_support import counter, window  # noqa: E402, F401

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.hookimpl(tryfirst=True)  # before ``-m`` selects: the stack's tests all carry ``pcsc``
def pytest_collection_modifyitems(items):  # type: ignore[no-untyped-def]
    """Every test that uses the PC/SC stack is marked ``pcsc`` (installer/setup.sh runs those in
    a process of their own, beside the rest)."""
    for item in items:
        uses_stack = "pcsc_stack" in item.fixturenames
        station = getattr(item, "callspec", None) and item.callspec.params.get("station")
        if (uses_stack or station == "pcsc") and item.get_closest_marker("pcsc") is None:
            item.add_marker(pytest.mark.pcsc)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """Migrated SQLite files: copies of one migrated (or one seeded) file."""
    return SqlitePool(SqliteTemplate(tmp_path_factory.mktemp("sqlite")))


@pytest.fixture(scope="session")
def postgres_template():
    """Migrated PostgreSQL databases: cloned from a template, reset and reused after a test."""
    problem = postgres_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"CI must have PostgreSQL: {problem}")
        pytest.skip(problem)
    pool = PostgresPool(PostgresTemplate())
    yield pool
    pool.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request):
    return request.param


@dataclass(frozen=True)
class SeededHall:
    """What ``seed_hall`` returned, less the context: the ids of its rows."""

    hall_id: int
    counter_id: int
    counter2_id: int
    users: dict[str, int]
    shifts: dict[str, int]


def _seed_hall(db) -> SeededHall:  # type: ignore[no-untyped-def]
    """``seed_hall`` with the ``ctx`` and ``clock`` fixtures' defaults."""
    clock = FakeClock()
    hall = seed_hall(Context(db=db, clock=clock, tz=SHANGHAI, audit_key=AUDIT_KEY), clock)
    return SeededHall(hall.hall_id, hall.counter_id, hall.counter2_id, hall.users, hall.shifts)


@pytest.fixture
def database(request, backend):
    """A fresh, migrated database on the parametrised backend; for a test that asks for
    ``hall``, with the hall already in it (seeded once per session, then copied)."""
    template = request.getfixturevalue(f"{backend}_template")
    seeded = None
    if "hall" in request.fixturenames:
        db, url, seeded = template.new_seeded(_seed_hall)
    else:
        db, url = template.new()
    db.url = url  # type: ignore[attr-defined]
    db.seeded_hall = seeded  # type: ignore[attr-defined]
    yield db
    _wait_for_workers()
    db.dispose()
    template.drop(url)


def _wait_for_workers() -> None:
    """Let the screens' worker jobs (``ui.worker``, Qt's global thread pool) finish before the
    test's database goes: a job still holding a session would otherwise keep a connection that
    the drop terminates, and that connection, collected during a later test, warns there."""
    import sys

    qt_core = sys.modules.get("PySide6.QtCore")
    if qt_core is not None:
        qt_core.QThreadPool.globalInstance().waitForDone(10_000)


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def ctx(database, clock):
    return Context(db=database, clock=clock, tz=SHANGHAI, audit_key=AUDIT_KEY)


@pytest.fixture
def hall(ctx, clock, database) -> Hall:
    """The scenario hall (``seed_hall``), restored into the test's database."""
    seeded = database.seeded_hall
    # the copy is of a hall seeded at the default time; a test that moved the clock first
    # would need its own seeding
    assert clock() == FakeClock()(), "the hall is seeded at FakeClock's default time"
    return Hall(
        ctx,
        clock,
        seeded.hall_id,
        seeded.counter_id,
        seeded.counter2_id,
        dict(seeded.users),
        dict(seeded.shifts),
    )


@pytest.fixture(params=["inprocess", pytest.param("pcsc", marks=pytest.mark.pcsc)])
def station(request):
    """A card reader slot: in-process chip, or pyscard → pcscd → vpcd → emulated card."""
    from tests.card_support import Station

    if request.param == "pcsc":
        request.getfixturevalue("pcsc_stack")
        station = Station("pcsc", request.getfixturevalue("virtual_card"))
    else:
        station = Station("inprocess")
    yield station
    station.close()


@pytest.fixture
def emulator():
    """The ESC/POS printer emulator on a loopback port of its own (``emulator.port``)."""
    from app.devices.escpos.emulator import EscposEmulator

    printer = EscposEmulator()
    printer.port = printer.start()
    yield printer
    printer.stop()
