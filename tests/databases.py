"""Test databases handed out quickly: PostgreSQL ones reused, the seeded hall restored.

``CREATE DATABASE ... TEMPLATE`` and ``DROP DATABASE`` cost about a second together on a small
machine (every block of the catalogs is copied and written to the WAL), a third of the suite's
time. A PostgreSQL database a test has finished with is kept instead and, for the next test,
emptied and given the wanted rows and sequence positions back, with triggers off (they refuse
deletes and note writes for the audit log). It is kept only when its schema, triggers,
functions, grants and settings are still the template's, compared by a catalog fingerprint; a
test that changed any of them (a planted trigger, a dropped guard) gets its database dropped.

``seed_hall`` costs a few hundred milliseconds and most tests start from it: the hall is seeded
once per session and backend, and its rows are restored (PostgreSQL) or its file copied
(SQLite) for every test that asks for ``hall``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

import psycopg
from psycopg import sql

from db.engine import Database, open_database
from tests.support import PostgresTemplate, SqliteTemplate

T = TypeVar("T")

FINGERPRINT = """
SELECT md5(string_agg(entry, E'\\n' ORDER BY entry)) FROM (
  SELECT concat_ws('|', 'db', datconnlimit, datallowconn, datdba, datacl)
    FROM pg_database WHERE datname = current_database()
  UNION ALL SELECT concat_ws('|', 'ns', nspname, nspowner, nspacl)
    FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
  UNION ALL SELECT concat_ws('|', 'rel', n.nspname, c.relname, c.relkind, c.relowner,
                             c.relrowsecurity, c.relacl, c.reloptions)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
      AND c.relpersistence <> 't'
  UNION ALL SELECT concat_ws('|', 'col', c.oid::regclass, a.attname,
                             format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
                             a.attgenerated, pg_get_expr(d.adbin, d.adrelid), a.attacl)
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
      AND c.relpersistence <> 't' AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL SELECT concat_ws('|', 'con', conrelid::regclass, conname,
                             pg_get_constraintdef(oid), condeferrable, condeferred, convalidated)
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
  UNION ALL SELECT concat_ws('|', 'idx', pg_get_indexdef(indexrelid), indisvalid) FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL SELECT concat_ws('|', 'trg', tgrelid::regclass, tgname, tgenabled,
                             pg_get_triggerdef(oid))
    FROM pg_trigger WHERE NOT tgisinternal
  UNION ALL SELECT concat_ws('|', 'fn', oid::regprocedure, md5(prosrc), proconfig, prosecdef,
                             proowner, proacl)
    FROM pg_proc WHERE pronamespace NOT IN ('pg_catalog'::regnamespace,
                                            'information_schema'::regnamespace)
  UNION ALL SELECT concat_ws('|', 'rule', schemaname, tablename, rulename, definition)
    FROM pg_rules
  UNION ALL SELECT concat_ws('|', 'policy', polrelid::regclass, polname, polcmd, polpermissive,
                             pg_get_expr(polqual, polrelid), pg_get_expr(polwithcheck, polrelid))
    FROM pg_policy
  UNION ALL SELECT concat_ws('|', 'seq', seqrelid::regclass, seqtypid, seqstart, seqincrement,
                             seqmax, seqmin, seqcache, seqcycle)
    FROM pg_sequence
  UNION ALL SELECT concat_ws('|', 'ext', extname, extversion) FROM pg_extension
  UNION ALL SELECT concat_ws('|', 'event', evtname, evtenabled) FROM pg_event_trigger
  UNION ALL SELECT concat_ws('|', 'setting', setrole, setconfig) FROM pg_db_role_setting
    WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
  UNION ALL SELECT concat_ws('|', 'lo', count(*)) FROM pg_largeobject_metadata
  UNION ALL SELECT concat_ws('|', 'pub', pubname) FROM pg_publication
) AS catalog(entry)
"""
TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
SEQUENCES = (
    "SELECT format('%I', sequencename) FROM pg_sequences WHERE schemaname = 'public' "
    "ORDER BY sequencename"
)


def _dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


class Contents:
    """Every row of a database (as JSON per table) and the position of every sequence."""

    def __init__(self, url: str) -> None:
        with psycopg.connect(_dsn(url), autocommit=True) as conn:
            self.tables = [name for (name,) in conn.execute(TABLES)]
            self.rows: dict[str, str] = {}
            for table in self.tables:
                query = sql.SQL("SELECT json_agg(t) FROM {} AS t").format(sql.Identifier(table))
                rows = conn.execute(query).fetchone()[0]
                if rows:
                    self.rows[table] = json.dumps(rows)
            self.sequences = {
                name: conn.execute(
                    sql.SQL("SELECT last_value, is_called FROM {}").format(sql.SQL(name))
                ).fetchone()
                for (name,) in conn.execute(SEQUENCES)
            }

    def load(self, url: str) -> None:
        """Make ``url``'s rows and sequences these (its schema must be the one they came from)."""
        with psycopg.connect(_dsn(url), autocommit=True) as conn, conn.transaction():
            conn.execute("SET LOCAL lock_timeout = '5s'")
            # no triggers: the append-only guards, the audit capture and the foreign keys
            conn.execute("SET LOCAL session_replication_role = replica")
            for table in self.tables:
                conn.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
            for table, rows in self.rows.items():
                conn.execute(
                    sql.SQL(
                        "INSERT INTO {0} OVERRIDING SYSTEM VALUE "
                        "SELECT * FROM json_populate_recordset(NULL::{0}, %s)"
                    ).format(sql.Identifier(table)),
                    (rows,),
                )
            for name, (last_value, is_called) in self.sequences.items():
                conn.execute("SELECT setval(%s, %s, %s)", (name, last_value, is_called))


class PostgresPool(Generic[T]):
    """``PostgresTemplate``'s ``new``/``drop``, with finished databases kept and reused."""

    def __init__(self, template: PostgresTemplate) -> None:
        self.template = template
        self.spare: list[str] = []  # databases with the template's schema, rows left by a test
        url = template._url(template.template)
        with psycopg.connect(_dsn(url), autocommit=True) as conn:
            self.fingerprint = conn.execute(FINGERPRINT).fetchone()[0]
            # turning triggers off takes a superuser; without one every test gets a clone
            self.reuse = conn.execute(
                "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
            ).fetchone()[0]
        self.migrated = Contents(url)  # the migrations' rows: the chain head, the version
        self.seeded: tuple[Contents, T] | None = None

    def new(self, contents: Contents | None = None) -> tuple[Database, str]:
        """A migrated database (holding ``contents`` instead, when given)."""
        contents = contents or self.migrated
        while self.spare:
            url = self.spare.pop()
            try:
                contents.load(url)
            except psycopg.Error:
                self.template.drop(url)  # whatever went wrong, a fresh clone is the safe answer
                continue
            return open_database(url), url
        db, url = self.template.new()
        if contents is not self.migrated:
            contents.load(url)
        return db, url

    def new_seeded(self, seed: Callable[[Database], T]) -> tuple[Database, str, T]:
        """A database holding what ``seed`` writes into a migrated one, and what it returned;
        ``seed`` runs once, later databases get a copy of its rows."""
        if self.seeded is None or not self.reuse:
            db, url = self.new()
            record = seed(db)
            self.seeded = (Contents(url), record)
            return db, url, record
        contents, record = self.seeded
        db, url = self.new(contents)
        return db, url, record

    def new_empty(self) -> str:
        return self.template.new_empty()

    def drop(self, url: str) -> None:
        if self.reuse and self._reusable(url):
            self.spare.append(url)
        else:
            self.template.drop(url)

    def _reusable(self, url: str) -> bool:
        try:
            with psycopg.connect(_dsn(url), autocommit=True) as conn:
                # a connection a test left open (a worker, an engine not disposed) holds locks
                conn.execute(
                    "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                if conn.execute("SELECT count(*) FROM pg_prepared_xacts").fetchone()[0]:
                    return False
                return conn.execute(FINGERPRINT).fetchone()[0] == self.fingerprint
        except psycopg.Error:
            return False

    def close(self) -> None:
        for url in self.spare:
            self.template.drop(url)
        self.spare.clear()
        self.template.close()


class SqlitePool(Generic[T]):
    """``SqliteTemplate``'s ``new``/``drop``, and a seeded copy made once and copied on."""

    def __init__(self, template: SqliteTemplate) -> None:
        self.template = template
        self.seeded: tuple[Path, T] | None = None

    def new(self) -> tuple[Database, str]:
        return self.template.new()

    def new_seeded(self, seed: Callable[[Database], T]) -> tuple[Database, str, T]:
        """As ``PostgresPool.new_seeded``: the seeded file is copied for every later test."""
        if self.seeded is None:
            db, url = self.new()
            record = seed(db)
            db.dispose()  # the last connection closing checkpoints the WAL into the file
            master = self.template.root / "seeded.sqlite3"
            shutil.copy(url.removeprefix("sqlite:///"), master)
            self.seeded = (master, record)
            return open_database(url), url, record
        master, record = self.seeded
        path = self.template.root / f"db{next(self.template.counter)}.sqlite3"
        shutil.copy(master, path)
        url = f"sqlite:///{path}"
        return open_database(url), url, record

    def drop(self, url: str) -> None:
        self.template.drop(url)
