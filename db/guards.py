"""DDL shared by migrations: append-only triggers and the customer search index.

Kept as plain functions of the table names so each migration states exactly which tables it
guards; the functions themselves never change meaning once a migration uses them.
"""

from __future__ import annotations

from alembic import op

PG_REFUSE_FUNCTION = """
CREATE OR REPLACE FUNCTION gasdesk_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'gasdesk: % is append-only (write a reversing row)', TG_TABLE_NAME;
END $$;
"""


def add_append_only_triggers(tables: list[str]) -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_REFUSE_FUNCTION)
    for table in tables:
        if dialect == "sqlite":
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'gasdesk: {table} is append-only'); END"
                )
        elif dialect == "postgresql":
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION gasdesk_refuse_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION gasdesk_refuse_change()"
            )


def drop_append_only_triggers(tables: list[str]) -> None:
    dialect = op.get_bind().dialect.name
    for table in tables:
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")


def add_customer_search() -> None:
    """Full-text index over ``customers.search_text`` (characters separated by spaces).

    Chinese names are two or three characters, too short for trigram indexes, so each character
    is its own token and a phrase query finds any substring (see ``db.search``).
    """
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE customer_search USING fts5(search_text, content='customers', "
            "content_rowid='id', tokenize='unicode61')"
        )
        op.execute(
            "CREATE TRIGGER customers_search_ai AFTER INSERT ON customers BEGIN "
            "INSERT INTO customer_search(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
        op.execute(
            "CREATE TRIGGER customers_search_ad AFTER DELETE ON customers BEGIN "
            "INSERT INTO customer_search(customer_search, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); END"
        )
        op.execute(
            "CREATE TRIGGER customers_search_au AFTER UPDATE OF search_text ON customers BEGIN "
            "INSERT INTO customer_search(customer_search, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); "
            "INSERT INTO customer_search(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
    elif dialect == "postgresql":
        op.execute(
            "CREATE INDEX ix_customers_search ON customers "
            "USING gin (to_tsvector('simple', search_text))"
        )


def drop_customer_search() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("customers_search_ai", "customers_search_ad", "customers_search_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS customer_search")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_customers_search")


def add_shift_lock() -> None:
    """A closed shift is locked: no column of it changes again, and no shift is ever deleted."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER shifts_locked BEFORE UPDATE ON shifts WHEN old.closed_at IS NOT NULL "
            "BEGIN SELECT RAISE(ABORT, 'gasdesk: shift is closed and locked'); END"
        )
        op.execute(
            "CREATE TRIGGER shifts_no_delete BEFORE DELETE ON shifts "
            "BEGIN SELECT RAISE(ABORT, 'gasdesk: shifts are never deleted'); END"
        )
    elif dialect == "postgresql":
        op.execute(
            """
            CREATE OR REPLACE FUNCTION gasdesk_shift_lock() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' OR OLD.closed_at IS NOT NULL THEN
                    RAISE EXCEPTION 'gasdesk: shift % is closed and locked', OLD.id;
                END IF;
                RETURN NEW;
            END $$;
            """
        )
        op.execute(
            "CREATE TRIGGER shifts_locked BEFORE UPDATE OR DELETE ON shifts "
            "FOR EACH ROW EXECUTE FUNCTION gasdesk_shift_lock()"
        )


def drop_shift_lock() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS shifts_locked")
        op.execute("DROP TRIGGER IF EXISTS shifts_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS shifts_locked ON shifts")


# Capture triggers of the audited tables (the registry is app.services.audit.COVERED; a migration
# names its tables explicitly so its meaning never changes). Each note carries the row as the
# database itself renders it to JSON, so the writer chains exactly what verify later reads.
PG_CAPTURE_FUNCTION = """
CREATE OR REPLACE FUNCTION gasdesk_audit_capture() RETURNS trigger LANGUAGE plpgsql
SET timezone TO 'UTC' AS $$
DECLARE
    -- a write made inside another trigger is never GasDesk's (it has no such trigger): its
    -- note gets no txid, so no unit of work chains it and verify reports it
    tx bigint := CASE WHEN pg_trigger_depth() = 1 THEN txid_current() END;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO audit_pending (tbl, pk, txid)
        VALUES (TG_TABLE_NAME, to_jsonb(OLD) ->> TG_ARGV[0], tx);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO audit_pending (tbl, pk, txid, figures)
        VALUES (TG_TABLE_NAME, to_jsonb(NEW) ->> TG_ARGV[0], tx, to_jsonb(NEW)::text);
    END IF;
    RETURN NULL;
END $$;
"""


def row_json(dialect: str, columns: list[str], row: str) -> str:
    """SQL rendering the row ``row`` (NEW, OLD or a table alias) as JSON text, the same way in
    the capture triggers and in ``verify`` (PostgreSQL: run with timezone UTC)."""
    if dialect == "sqlite":
        pairs = ", ".join(f"'{name}', {row}.{name}" for name in columns)
        return f"json_object({pairs})"
    return f"to_jsonb({row})::text"


def _columns(table: str) -> list[str]:
    import sqlalchemy as sa

    return [column["name"] for column in sa.inspect(op.get_bind()).get_columns(table)]


def add_audit_capture(tables: dict[str, str]) -> None:
    """Every insert, update or delete of these tables leaves a note in ``audit_pending``: the
    table, the row's key and its figures (none: deleted).

    The writer's unit of work chains its notes' figures and removes the notes before it
    commits (``app.services.audit``); a write behind GasDesk's back leaves its note, or with the
    triggers dropped none, and ``gasdesk admin audit verify`` finds the row matching no entry
    either way. A migration adding a column to one of these tables must add the capture again.
    """
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_CAPTURE_FUNCTION)
    for table, pk in tables.items():
        if dialect == "sqlite":
            new = row_json(dialect, _columns(table), "NEW")
            note_old = f"INSERT INTO audit_pending (tbl, pk) VALUES ('{table}', OLD.{pk});"
            note_new = (
                f"INSERT INTO audit_pending (tbl, pk, figures) VALUES ('{table}', NEW.{pk}, {new});"
            )
            for event, body in (
                ("INSERT", note_new),
                ("UPDATE", note_old + " " + note_new),
                ("DELETE", note_old),
            ):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_audit_{event.lower()}")
                op.execute(
                    f"CREATE TRIGGER {table}_audit_{event.lower()} AFTER {event} ON {table} "
                    f"BEGIN {body} END"
                )
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_audit_capture ON {table}")
            op.execute(
                f"CREATE TRIGGER {table}_audit_capture AFTER INSERT OR UPDATE OR DELETE "
                f"ON {table} FOR EACH ROW EXECUTE FUNCTION gasdesk_audit_capture('{pk}')"
            )


def note_existing_rows(tables: dict[str, str], txid: int) -> None:
    """Note every row already in these tables (with ``txid``), to be adopted into the chain."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("SET LOCAL timezone TO 'UTC'")
    for table, pk in tables.items():
        figures = row_json(dialect, _columns(table), "t")
        op.execute(
            f"INSERT INTO audit_pending (tbl, pk, txid, figures) "
            f"SELECT '{table}', CAST(t.{pk} AS VARCHAR(100)), {txid}, {figures} FROM {table} t"
        )


def drop_audit_capture(tables: dict[str, str]) -> None:
    dialect = op.get_bind().dialect.name
    for table in tables:
        if dialect == "sqlite":
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_audit_{event}")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_audit_capture ON {table}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS gasdesk_audit_capture()")


# the name of the hall's receipt counter of the new row's year (as ``ledger.receipt_counter``)
RECEIPT_SEQUENCE = (
    "'receipt:' || (SELECT code FROM halls WHERE id = NEW.hall_id) || ':' || NEW.receipt_year"
)


def add_receipt_numbering() -> None:
    """A transaction's receipt number is the next of its hall's year, or the insert fails; the
    hall's receipt counter (``number_sequences``) moves on with the row that took the number.

    The writer reads the counter and inserts ``last + 1`` under its lock (SQLite: the write
    transaction; PostgreSQL: the counter row, ``FOR UPDATE``), so a sale takes its number
    without a statement of its own and the counter never disagrees with the receipts. A number
    the counter already shows is let through: a counter still on the release before (which
    takes its number with an UPDATE first) keeps selling while a hall upgrades counter by
    counter; the UNIQUE receipt number refuses a second use of it.
    """
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        name = RECEIPT_SEQUENCE
        op.execute(
            "CREATE TRIGGER counter_transactions_numbered AFTER INSERT ON counter_transactions "
            "BEGIN "
            "SELECT RAISE(ABORT, 'gasdesk: receipt number out of sequence') WHERE NEW.receipt_seq "
            f"- coalesce((SELECT last_value FROM number_sequences WHERE name = {name}), 0) "
            "NOT IN (0, 1); "
            f"INSERT OR IGNORE INTO number_sequences (name, last_value) VALUES ({name}, 0); "
            f"UPDATE number_sequences SET last_value = NEW.receipt_seq WHERE name = {name}; "
            "END"
        )
    elif dialect == "postgresql":
        op.execute(
            """
            CREATE OR REPLACE FUNCTION gasdesk_receipt_numbered() RETURNS trigger
            LANGUAGE plpgsql AS $$
            DECLARE
                counter text := 'receipt:' || (SELECT code FROM halls WHERE id = NEW.hall_id)
                    || ':' || NEW.receipt_year;
            BEGIN
                INSERT INTO number_sequences (name, last_value) VALUES (counter, 0)
                    ON CONFLICT (name) DO NOTHING;
                UPDATE number_sequences SET last_value = NEW.receipt_seq
                    WHERE name = counter AND last_value IN (NEW.receipt_seq - 1, NEW.receipt_seq);
                IF NOT FOUND THEN
                    RAISE EXCEPTION 'gasdesk: receipt number % out of sequence', NEW.receipt_no;
                END IF;
                RETURN NULL;
            END $$;
            """
        )
        op.execute(
            "CREATE TRIGGER counter_transactions_numbered AFTER INSERT ON counter_transactions "
            "FOR EACH ROW EXECUTE FUNCTION gasdesk_receipt_numbered()"
        )


def drop_receipt_numbering() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS counter_transactions_numbered")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS counter_transactions_numbered ON counter_transactions")
        op.execute("DROP FUNCTION IF EXISTS gasdesk_receipt_numbered()")
