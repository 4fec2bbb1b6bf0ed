"""go-live import: import batches, what they created, opening usage and money, card takeovers

Revision ID: 0011
Revises: 0010

``accounts`` gains its kind (card / post-paid / remote-read; every existing account is a card
account). ``import_batches`` records each import and rollback with its files' hashes and
progress; ``imported_accounts`` and ``imported_cards`` what a batch created and what the old
system said of each card; ``opening_usage`` the ladder-year gas bought before GasDesk;
``opening_entries`` the opening balances and unpaid bills; ``card_takeovers`` each imported
card's first visit. All but the batches are append-only; all are in the audit chain.
"""

import sqlalchemy as sa
from alembic import op

from db.guards import add_append_only_triggers, add_audit_capture

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

APPEND_ONLY = [
    "imported_accounts",
    "imported_cards",
    "opening_usage",
    "opening_entries",
    "card_takeovers",
]
NEW_TABLES = ["import_batches", *APPEND_ONLY]
RECAPTURED = {"accounts": "id"}  # its columns changed: capture it anew
CAPTURED = {name: "id" for name in NEW_TABLES}


def upgrade() -> None:
    op.add_column(
        "accounts", sa.Column("kind", sa.String(length=10), nullable=False, server_default="card")
    )
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_no", sa.String(length=30), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("files", sa.Text(), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("reverses_id", sa.Integer(), sa.ForeignKey("import_batches.id"), nullable=True),
        sa.Column("accounts_total", sa.Integer(), nullable=False),
        sa.Column("accounts_done", sa.Integer(), nullable=False),
        sa.Column("started_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("batch_no"),
    )
    op.create_index("ix_import_batches_content_hash", "import_batches", ["content_hash"])
    op.create_table(
        "imported_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), sa.ForeignKey("import_batches.id"), nullable=False),
        sa.Column("account_no", sa.String(length=20), nullable=False),
        sa.Column("customer_created", sa.Boolean(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("meter_no", sa.String(length=30), nullable=True),
        sa.Column("cumulative_purchased", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("batch_id", "account_no"),
    )
    op.create_index("ix_imported_accounts_account_no", "imported_accounts", ["account_no"])
    op.create_table(
        "imported_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), sa.ForeignKey("import_batches.id"), nullable=False),
        sa.Column("account_no", sa.String(length=20), nullable=False),
        sa.Column("serial", sa.String(length=30), nullable=False),
        sa.Column("maker", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("purchase_count", sa.Integer(), nullable=False),
        sa.Column("gas_on_card", sa.BigInteger(), nullable=False),
        sa.Column("cumulative_purchased", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_imported_cards_serial", "imported_cards", ["serial"])
    op.create_table(
        "opening_usage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), sa.ForeignKey("import_batches.id"), nullable=False),
        sa.Column("account_no", sa.String(length=20), nullable=False),
        sa.Column("ladder_year", sa.Date(), nullable=False),
        sa.Column("volume", sa.BigInteger(), nullable=False),
        sa.Column("reverses_id", sa.Integer(), sa.ForeignKey("opening_usage.id"), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_opening_usage_account", "opening_usage", ["account_no", "ladder_year"])
    op.create_table(
        "opening_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), sa.ForeignKey("import_batches.id"), nullable=False),
        sa.Column("account_no", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("paid_fen", sa.BigInteger(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("bill_no", sa.String(length=40), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("last_reading", sa.BigInteger(), nullable=True),
        sa.Column("this_reading", sa.BigInteger(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("reverses_id", sa.Integer(), sa.ForeignKey("opening_entries.id"), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_opening_entries_account", "opening_entries", ["account_no", "kind"])
    op.create_table(
        "card_takeovers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("card_id", sa.Integer(), sa.ForeignKey("cards.id"), nullable=False),
        sa.Column(
            "imported_card_id", sa.Integer(), sa.ForeignKey("imported_cards.id"), nullable=False
        ),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("read_count", sa.Integer(), nullable=False),
        sa.Column("read_gas", sa.BigInteger(), nullable=False),
        sa.Column("imported_count", sa.Integer(), nullable=False),
        sa.Column("imported_gas", sa.BigInteger(), nullable=False),
        sa.Column("matched", sa.Boolean(), nullable=False),
        sa.Column("approver_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("operator_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("counter_id", sa.Integer(), sa.ForeignKey("counters.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_id"),
        sa.UniqueConstraint("card_id"),
    )
    op.create_index("ix_card_takeovers_account_id", "card_takeovers", ["account_id"])
    add_append_only_triggers(APPEND_ONLY)
    add_audit_capture({**RECAPTURED, **CAPTURED})


def downgrade() -> None:
    # a table's triggers go with it; the accounts' SQLite capture names its columns, so it is
    # dropped before the column and made again after (PostgreSQL's capture is column-blind)
    for table in reversed(NEW_TABLES):
        op.drop_table(table)
    if op.get_bind().dialect.name == "sqlite":
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS accounts_audit_{event}")
    op.drop_column("accounts", "kind")
    add_audit_capture(RECAPTURED)
