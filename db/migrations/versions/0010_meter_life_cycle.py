"""meter life cycle: meter replacement, tool cards, safety inspections, purchase limits

Revision ID: 0010
Revises: 0009

``meters`` gains its status (active / retired), final reading, retirement and installation
times and rated flow (a commercial meter's purchase-limit band). ``meter_replacements`` keeps
each 换表 with the figures that settle it; ``tool_cards`` and ``tool_card_returns`` log every
tool card made and what it brought back; ``inspections`` the safety inspections (安检) of an
account; ``account_limits`` an account's own purchase limit (限购); ``sale_overrides`` a team
leader's override of a limit or a hold for one sale. All new tables are append-only and in
the audit chain.
"""

import sqlalchemy as sa
from alembic import op

from db.guards import add_append_only_triggers, add_audit_capture

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

NEW_TABLES = [
    "tool_cards",
    "tool_card_returns",
    "meter_replacements",
    "inspections",
    "account_limits",
    "sale_overrides",
]
RECAPTURED = {"meters": "id"}  # its columns changed: capture it anew
CAPTURED = {name: "id" for name in NEW_TABLES}


def upgrade() -> None:
    op.add_column(
        "meters",
        sa.Column("status", sa.String(length=10), nullable=False, server_default="active"),
    )
    op.add_column("meters", sa.Column("final_reading", sa.BigInteger(), nullable=True))
    op.add_column("meters", sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("meters", sa.Column("installed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("meters", sa.Column("rated_flow", sa.BigInteger(), nullable=True))
    op.create_table(
        "tool_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("serial", sa.String(length=30), nullable=False),
        sa.Column("maker", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("meter_no", sa.String(length=30), nullable=False),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("accounts.id"), nullable=True),
        sa.Column("technician", sa.String(length=50), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("parameters", sa.Text(), nullable=True),
        sa.Column("issued_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("counter_id", sa.Integer(), sa.ForeignKey("counters.id"), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_id"),
    )
    op.create_index("ix_tool_cards_serial", "tool_cards", ["serial"])
    op.create_index("ix_tool_cards_account_id", "tool_cards", ["account_id"])
    op.create_table(
        "tool_card_returns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tool_card_id", sa.Integer(), sa.ForeignKey("tool_cards.id"), nullable=False),
        sa.Column("received_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.Column("meter_no", sa.String(length=30), nullable=True),
        sa.Column("remaining_volume", sa.BigInteger(), nullable=True),
        sa.Column("cumulative_volume", sa.BigInteger(), nullable=True),
        sa.Column("meter_status", sa.Integer(), nullable=True),
        sa.Column("state", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tool_card_id"),
    )
    op.create_table(
        "meter_replacements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "transaction_id", sa.Integer(), sa.ForeignKey("counter_transactions.id"), nullable=False
        ),
        sa.Column(
            "overdrawn_transaction_id",
            sa.Integer(),
            sa.ForeignKey("counter_transactions.id"),
            nullable=True,
        ),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("old_meter_id", sa.Integer(), sa.ForeignKey("meters.id"), nullable=False),
        sa.Column("new_meter_id", sa.Integer(), sa.ForeignKey("meters.id"), nullable=False),
        sa.Column("new_card_id", sa.Integer(), sa.ForeignKey("cards.id"), nullable=True),
        sa.Column("technician", sa.String(length=50), nullable=False),
        sa.Column("final_reading", sa.BigInteger(), nullable=False),
        sa.Column("old_initial_reading", sa.BigInteger(), nullable=False),
        sa.Column("bought_volume", sa.BigInteger(), nullable=False),
        sa.Column("used_volume", sa.BigInteger(), nullable=False),
        sa.Column("carry_over_volume", sa.BigInteger(), nullable=False),
        sa.Column("overdrawn_volume", sa.BigInteger(), nullable=False),
        sa.Column("customer_at_fault", sa.Boolean(), nullable=False),
        sa.Column("meter_fee_fen", sa.BigInteger(), nullable=False),
        sa.Column("card_fee_fen", sa.BigInteger(), nullable=False),
        sa.Column(
            "tool_card_return_id",
            sa.Integer(),
            sa.ForeignKey("tool_card_returns.id"),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("transaction_id"),
    )
    op.create_index("ix_meter_replacements_account_id", "meter_replacements", ["account_id"])
    op.create_table(
        "inspections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("inspector", sa.String(length=50), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("recorded_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_id"),
    )
    op.create_index("ix_inspections_account_id", "inspections", ["account_id"])
    op.create_table(
        "account_limits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("volume", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("set_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_account_limits_account_id", "account_limits", ["account_id"])
    op.create_table(
        "sale_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "transaction_id", sa.Integer(), sa.ForeignKey("counter_transactions.id"), nullable=False
        ),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("approver_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sale_overrides_transaction_id", "sale_overrides", ["transaction_id"])
    add_append_only_triggers(NEW_TABLES)
    add_audit_capture({**RECAPTURED, **CAPTURED})


def downgrade() -> None:
    # a table's triggers go with it; the meters' SQLite capture names its columns, so it is
    # dropped before them and made again after (PostgreSQL's capture is column-blind)
    for table in reversed(NEW_TABLES):
        op.drop_table(table)
    if op.get_bind().dialect.name == "sqlite":
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS meters_audit_{event}")
    for column in ("rated_flow", "installed_at", "retired_at", "final_reading", "status"):
        op.drop_column("meters", column)
    add_audit_capture(RECAPTURED)
