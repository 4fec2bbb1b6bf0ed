"""Engine and session set-up for SQLite (embedded default) and PostgreSQL (a hall's server).

Every SQLite connection gets WAL, synchronous=FULL, foreign keys and a busy timeout, and every
transaction starts with BEGIN IMMEDIATE: a counter that reads tier usage and then writes a sale
must hold the write lock from the first read, or two counters could price against the same usage.
On PostgreSQL the services lock the account row (SELECT ... FOR UPDATE) for the same reason.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from db.models import AppendOnly

log = logging.getLogger(__name__)

SQLITE_PRAGMAS = (
    ("journal_mode", "WAL"),
    ("synchronous", "FULL"),
    ("foreign_keys", "ON"),
    ("busy_timeout", "30000"),
)


READ_ONLY = "gasdesk_read_only"


class AppendOnlyViolation(RuntimeError):
    """Code tried to update or delete a money/gas/evidence row. Always a programming error."""


@dataclass
class Database:
    """An engine plus the session factories the services use.

    ``sessions`` write (BEGIN IMMEDIATE on SQLite); ``readers`` only read and start deferred
    transactions, so lookups never queue behind another counter's sale. ``cache`` holds values
    derived from immutable rows (tariff rules), per database.
    """

    engine: Engine
    sessions: sessionmaker[Session]
    readers: sessionmaker[Session]
    cache: dict[object, object] = field(default_factory=dict)

    def dispose(self) -> None:
        self.engine.dispose()


def normalize_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's "begin" event issue BEGIN itself; pysqlite's own implicit BEGIN
        # would be DEFERRED. https://docs.sqlalchemy.org/en/20/dialects/sqlite.html#serializable-isolation-savepoints-transactional-ddl
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for name, value in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {name}={value}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def open_database(url: str, *, echo: bool = False) -> Database:
    """Create the engine and session factory for ``url`` (no schema changes here)."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30})
        _configure_sqlite(engine)
    else:
        engine = create_engine(url, echo=echo, pool_pre_ping=True)
    cache: dict[object, object] = {}
    info = {"db_cache": cache}  # every session sees the same per-database cache
    sessions = sessionmaker(engine, expire_on_commit=False, info=info)
    readers = sessionmaker(
        engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False, info=info
    )
    return Database(engine, sessions, readers, cache)


_CONNECTION = "gasdesk_connection"  # session.info: (root transaction, its connection)


@event.listens_for(Session, "after_begin")
def _remember_connection(session: Session, transaction: SessionTransaction, connection) -> None:  # type: ignore[no-untyped-def]
    if transaction.parent is None:
        session.info[_CONNECTION] = (transaction, connection)


def connection_of(session: Session) -> Connection:
    """``session.connection()``, without its machinery on every statement of a hot path: the
    connection the session's current transaction began on (remembered at its start, valid only
    while that very transaction is the session's), else whatever ``session.connection()`` says."""
    held = session.info.get(_CONNECTION)
    if held is not None and held[0] is session.get_transaction() and held[0].is_active:
        return held[1]
    return session.connection()


@event.listens_for(Session, "before_flush")
def _refuse_append_only_changes(session, _context, _instances):  # type: ignore[no-untyped-def]
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AppendOnly) and (obj in session.deleted or session.is_modified(obj)):
            raise AppendOnlyViolation(
                f"{type(obj).__name__} rows are append-only; write a reversing row instead"
            )
