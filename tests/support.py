"""Test helpers shared by the suite: databases on both backends, a settable clock, a hall."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import itertools
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text

from app.context import Context
from app.domain.money import VOLUME_SCALE
from app.services.actor import Actor
from app.services.setup import (
    TariffInput,
    add_tariff,
    add_user,
    ensure_counter,
    ensure_hall,
    flat_rate,
    residential_ladder,
)
from db import migrate
from db.engine import Database, open_database
from db.models import Base

PG_URL = os.environ.get("GASDESK_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
SHANGHAI = ZoneInfo("Asia/Shanghai")
PASSWORD = "secret-1"  # every seeded user's password
AUDIT_KEY = bytes.fromhex("5e" * 32)  # the tests' audit log key


def postgres_problem() -> str | None:
    """Why PostgreSQL tests cannot run here, or None when the server answers."""
    try:
        import psycopg

        with psycopg.connect(PG_URL, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as error:  # any failure means: skip with this reason
        return f"PostgreSQL not reachable at {PG_URL}: {error}"
    return None


class FakeClock:
    """A clock the test sets: ``clock.set(2026, 3, 1, 10, 15)`` is hall (Shanghai) local time."""

    def __init__(self, when: dt.datetime | None = None):
        self.when = when or dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)

    def __call__(self) -> dt.datetime:
        return self.when

    def set(self, *parts: int) -> None:
        self.when = dt.datetime(*parts, tzinfo=SHANGHAI)

    def advance(self, **delta: float) -> None:
        self.when += dt.timedelta(**delta)


class SqliteTemplate:
    """One migrated SQLite file copied for every test: migrations run once per session."""

    def __init__(self, root: Path):
        self.root = root
        self.template = root / "template.sqlite3"
        db = open_database(f"sqlite:///{self.template}")
        migrate.upgrade(db)
        db.dispose()  # the last connection closing checkpoints the WAL into the file
        self.counter = itertools.count()

    def new(self) -> tuple[Database, str]:
        path = self.root / f"db{next(self.counter)}.sqlite3"
        shutil.copy(self.template, path)
        url = f"sqlite:///{path}"
        return open_database(url), url

    def drop(self, url: str) -> None:
        pass  # tmp_path_factory cleans up


class PostgresTemplate:
    """A migrated template database cloned per test with CREATE DATABASE ... TEMPLATE."""

    def __init__(self) -> None:
        self.admin = open_database(PG_URL)
        self.prefix = f"gasdesk_t{os.getpid()}"
        self.template = f"{self.prefix}_template"
        self._recreate(self.template)
        db = open_database(self._url(self.template))
        migrate.upgrade(db)
        db.dispose()
        self.counter = itertools.count()

    def _url(self, name: str) -> str:
        return PG_URL.rsplit("/", 1)[0] + "/" + name

    def _recreate(self, name: str, template: str | None = None) -> None:
        with self.admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            clause = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))

    def new(self) -> tuple[Database, str]:
        name = f"{self.prefix}_{next(self.counter)}"
        self._recreate(name, self.template)
        url = self._url(name)
        return open_database(url), url

    def new_empty(self) -> str:
        """The URL of a new database without any schema."""
        name = f"{self.prefix}_{next(self.counter)}"
        self._recreate(name)
        return self._url(name)

    def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        with self.admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        self.drop(self._url(self.template))
        self.admin.dispose()


# The scenario tariff (SCENARIOS.md): 2.61 / 2.83 / 4.23 yuan per m³ at 350 and 500 m³ a year,
# households above 4 people get 50 m³ more per person at each breakpoint.
SCENARIO_PRICES = (261, 283, 423)


@dataclass
class Hall:
    """A seeded hall: ids of its counters and users, and the clerk as the default actor."""

    ctx: Context
    clock: FakeClock
    hall_id: int
    counter_id: int
    counter2_id: int
    users: dict[str, int]

    shifts: dict[str, int] = field(default_factory=dict)

    @property
    def clerk(self) -> Actor:
        return Actor(self.users["lina"], self.counter_id)

    def credential(self, username: str, password: str = PASSWORD):
        from app.services.credentials import Credential

        return Credential(self.users[username], password)

    def actor(self, username: str, counter: int | None = None) -> Actor:
        return Actor(self.users[username], counter or self.counter_id)


@functools.cache
def password_hash() -> str:
    """One argon2 hash for every seeded user (hashing costs tens of milliseconds each time)."""
    from app.services.credentials import hash_password

    return hash_password(PASSWORD)


def open_shift(ctx: Context, actor: Actor, float_fen: int = 50000, source: str = "finance") -> int:
    from app.domain.cash import count_of
    from app.services.shifts import OpenShiftRequest, open_shift

    request = OpenShiftRequest(rid(), count_of(float_fen), source)
    return open_shift(ctx, actor, request).shift_id


def seed_hall(ctx: Context, clock: FakeClock, *, shifts: bool = True) -> Hall:
    """The scenario hall; with ``shifts``, 李娜 (counter 2) and 王芳 (counter 3) have each opened
    a shift with a 500.00 float, so services can be called straight away."""
    hall_id = ensure_hall(ctx, "02", "城东燃气客户服务中心")
    counter = ensure_counter(ctx, hall_id, "2")
    counter2 = ensure_counter(ctx, hall_id, "3")
    users = {
        name: add_user(ctx, name, display, role, password_hash=password_hash())
        for name, display, role in (
            ("lina", "李娜", "clerk"),
            ("wangfang", "王芳", "clerk"),
            ("admin", "王建国", "administrator"),
            ("zhoujie", "周杰", "team_leader"),
            ("zhaomin", "赵敏", "finance"),
        )
    }
    add_tariff(
        ctx,
        TariffInput(
            "residential", "居民阶梯气价", dt.date(2025, 1, 1), residential_ladder(SCENARIO_PRICES)
        ),
    )
    add_tariff(ctx, TariffInput("commercial", "工商业气价", dt.date(2025, 1, 1), flat_rate(335)))
    hall = Hall(ctx, clock, hall_id, counter, counter2, users)
    if shifts:
        hall.shifts["lina"] = open_shift(ctx, hall.clerk)
        hall.shifts["wangfang"] = open_shift(ctx, hall.actor("wangfang", counter2))
    return hall


def terminals(**totals: int) -> dict[str, int]:
    """Every non-cash terminal's total for a count, 0 unless given (none may be left out)."""
    from app.domain.cash import NON_CASH

    return {method: totals.get(method, 0) for method in NON_CASH}


def rid() -> uuid.UUID:
    return uuid.uuid4()


def m3(value: float) -> int:
    """Whole or fractional m³ to 0.01 m³ units, for readable test figures."""
    return round(value * VOLUME_SCALE)


AUDIT_TABLES = ("audit_log", "audit_head")


def row_counts(ctx: Context) -> dict[str, int]:
    """Rows in every business table: 'nothing written' means this is unchanged. The audit log is
    left out: a refused operation logs its security event there (tested on its own)."""
    with ctx.unit_of_work() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
            if table.name not in AUDIT_TABLES
        }


_serials = itertools.count(1)


def customer_input(name: str = "张秀英", household: int = 3, kind: str = "residential", **extra):
    from app.domain.identity import make_resident_id
    from app.services.accounts import CustomerInput

    n = next(_serials)
    values = dict(
        kind=kind,
        name=name,
        id_type="resident_id" if kind == "residential" else "business_license",
        id_number=make_resident_id("310104", dt.date(1970, 1, 1) + dt.timedelta(days=n), n % 1000)
        if kind == "residential"
        else f"91310000MA1K{n:06d}",
        phone=f"139{n:08d}",
        address=f"解放路{n}号",
        household_size=household,
    )
    values.update(extra)
    return CustomerInput(**values)


def open_customer(
    hall: Hall, name: str = "张秀英", household: int = 3, kind="residential", actor=None, **extra
):
    """Open an account through the service, as the clerk; unique meter, card and contract."""
    from app.services.accounts import ContractInput, OpenAccountRequest, open_account

    n = next(_serials)
    return open_account(
        hall.ctx,
        actor or hall.clerk,
        OpenAccountRequest(
            request_id=rid(),
            customer=customer_input(name, household, kind, **extra),
            meter_no=f"18A{n:07d}",
            card_serial=f"C{n:09d}",
            contract=ContractInput(f"HT-2026-{n:05d}", dt.date(2026, 1, 5)),
        ),
    )


def buy(
    hall: Hall, card: str, *, volume=None, amount=None, tendered=None, actor=None, card_reading=None
):
    from app.services.sales import PurchaseRequest, purchase

    return purchase(
        hall.ctx,
        actor or hall.clerk,
        PurchaseRequest(
            request_id=rid(),
            card_serial=card,
            volume=volume,
            amount_fen=amount,
            cash_tendered_fen=tendered,
            card=card_reading,
        ),
    )


def unloaded(sale) -> CardReading:  # noqa: F821
    """The card right after ``sale`` was written: the meter has not taken it yet."""
    from app.domain.cards import CardReading

    return CardReading(sale.card_serial, sale.purchase_count, sale.volume, sale.purchase_count - 1)


def loaded(sale) -> CardReading:  # noqa: F821
    """The card after the customer put it into the meter: purchase taken."""
    from app.domain.cards import CardReading

    return CardReading(sale.card_serial, sale.purchase_count, 0, sale.purchase_count)


def lift_cash_limits(ctx: Context) -> None:
    """For tests that sell far more than one drawer may hold: no warning, no stop."""
    from app.policy import save_setting

    with ctx.unit_of_work() as session:
        save_setting(session, "drawer_warn_limit_fen", 10**12)
        save_setting(session, "drawer_stop_limit_fen", 10**12)
        session.commit()


@contextlib.contextmanager
def refused(kind: type[Exception], fragment: str):
    """Expect a service error of ``kind`` whose Chinese user message contains ``fragment``."""
    import pytest

    with pytest.raises(kind) as error:
        yield error
    assert fragment in error.value.user_message, error.value.user_message


ROOT = Path(__file__).resolve().parents[1]


def gasdesk(tmp_path: Path, *args: str, config: str = "", timeout: float = 180):
    """Run ``main.py`` as a process on a data dir of its own under ``tmp_path`` (embedded
    SQLite unless ``config`` names a database)."""
    import subprocess
    import sys

    config_file = tmp_path / ("config.toml" if config else "absent.toml")
    if config:  # no file at all is a fresh machine: nothing configured
        config_file.write_text(config, encoding="utf-8")
    env = {
        **os.environ,
        "GASDESK_DATA_DIR": str(tmp_path / "data"),
        "GASDESK_CONFIG": str(config_file),
        "QT_QPA_PLATFORM": "offscreen",
    }
    env.pop("GASDESK_DB_URL", None)
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=tmp_path,
    )
