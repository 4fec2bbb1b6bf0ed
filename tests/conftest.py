"""Fixtures: every service test runs on SQLite and on PostgreSQL (skipped when unreachable)."""

from __future__ import annotations

import os

import pytest

from app.context import Context
from tests.pcsc_fixtures import pcsc_stack, virtual_card  # noqa: E402, F401
from tests.pg_pool import PostgresPool
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
from tests.ui_support import desk  # noqa: E402, F401

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    return SqliteTemplate(tmp_path_factory.mktemp("sqlite"))


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


@pytest.fixture
def database(request, backend):
    """A fresh, migrated database on the parametrised backend."""
    template = request.getfixturevalue(f"{backend}_template")
    db, url = template.new()
    db.url = url  # type: ignore[attr-defined]
    yield db
    db.dispose()
    template.drop(url)


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def ctx(database, clock):
    return Context(db=database, clock=clock, tz=SHANGHAI, audit_key=AUDIT_KEY)


@pytest.fixture
def hall(ctx, clock) -> Hall:
    return seed_hall(ctx, clock)


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
