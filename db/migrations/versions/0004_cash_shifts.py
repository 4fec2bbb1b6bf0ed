"""cash: shifts, drawer counts, cash movements; payment method and shift on transactions

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from db.guards import (
    add_append_only_triggers,
    add_shift_lock,
    drop_append_only_triggers,
    drop_shift_lock,
)

APPEND_ONLY = ["shift_counts", "cash_movements"]


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("open_request_id", sa.Uuid(), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.Column("clerk_id", sa.Integer(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("close_request_id", sa.Uuid(), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["clerk_id"], ["users.id"], name=op.f("fk_shifts_clerk_id_users")),
        sa.ForeignKeyConstraint(
            ["closed_by"], ["users.id"], name=op.f("fk_shifts_closed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["counter_id"], ["counters.id"], name=op.f("fk_shifts_counter_id_counters")
        ),
        sa.ForeignKeyConstraint(["hall_id"], ["halls.id"], name=op.f("fk_shifts_hall_id_halls")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shifts")),
        sa.UniqueConstraint("close_request_id", name=op.f("uq_shifts_close_request_id")),
        sa.UniqueConstraint("open_request_id", name=op.f("uq_shifts_open_request_id")),
    )
    with op.batch_alter_table("shifts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shifts_business_date"), ["business_date"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_shifts_counter_id"), ["counter_id"], unique=False)
        batch_op.create_index(
            "uq_shifts_open_clerk",
            ["clerk_id"],
            unique=True,
            sqlite_where=sa.text("closed_at IS NULL"),
            postgresql_where=sa.text("closed_at IS NULL"),
        )
        batch_op.create_index(
            "uq_shifts_open_counter",
            ["counter_id"],
            unique=True,
            sqlite_where=sa.text("closed_at IS NULL"),
            postgresql_where=sa.text("closed_at IS NULL"),
        )

    op.create_table(
        "cash_movements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=True),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("payment_method", sa.String(length=12), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("drawer_fen", sa.BigInteger(), nullable=False),
        sa.Column("safe_fen", sa.BigInteger(), nullable=False),
        sa.Column("finance_fen", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("denominations", sa.Text(), nullable=True),
        sa.Column("counterpart_id", sa.Integer(), nullable=True),
        sa.Column("slip_no", sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(
            ["counter_id"], ["counters.id"], name=op.f("fk_cash_movements_counter_id_counters")
        ),
        sa.ForeignKeyConstraint(
            ["counterpart_id"], ["users.id"], name=op.f("fk_cash_movements_counterpart_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["hall_id"], ["halls.id"], name=op.f("fk_cash_movements_hall_id_halls")
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["users.id"], name=op.f("fk_cash_movements_operator_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"], ["shifts.id"], name=op.f("fk_cash_movements_shift_id_shifts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cash_movements")),
        sa.UniqueConstraint("request_id", name=op.f("uq_cash_movements_request_id")),
        sa.UniqueConstraint("slip_no", name=op.f("uq_cash_movements_slip_no")),
    )
    with op.batch_alter_table("cash_movements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cash_movements_business_date"), ["business_date"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_cash_movements_shift_id"), ["shift_id"], unique=False)

    op.create_table(
        "shift_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=False),
        sa.Column("counted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("counted_by", sa.Integer(), nullable=False),
        sa.Column("cash_fen", sa.BigInteger(), nullable=False),
        sa.Column("denominations", sa.Text(), nullable=False),
        sa.Column("noncash", sa.Text(), nullable=False),
        sa.Column("expected", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["counted_by"], ["users.id"], name=op.f("fk_shift_counts_counted_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"], ["shifts.id"], name=op.f("fk_shift_counts_shift_id_shifts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_counts")),
        sa.UniqueConstraint("request_id", name=op.f("uq_shift_counts_request_id")),
    )
    with op.batch_alter_table("shift_counts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shift_counts_shift_id"), ["shift_id"], unique=False)

    drop_append_only_triggers(["approvals"])  # rebuilt by the batch copy, re-added below
    with op.batch_alter_table("approvals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cash_movement_id", sa.Integer(), nullable=True))
        batch_op.alter_column("transaction_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(
            batch_op.f("ix_approvals_cash_movement_id"), ["cash_movement_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_approvals_cash_movement_id_cash_movements"),
            "cash_movements",
            ["cash_movement_id"],
            ["id"],
        )

    # counter_transactions is referenced by other tables and guarded by triggers: columns are
    # added in place (a batch copy would drop and rebuild it)
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE counter_transactions ADD COLUMN shift_id INTEGER "
            "CONSTRAINT fk_counter_transactions_shift_id_shifts REFERENCES shifts (id)"
        )
    else:
        op.add_column("counter_transactions", sa.Column("shift_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_counter_transactions_shift_id_shifts"),
            "counter_transactions",
            "shifts",
            ["shift_id"],
            ["id"],
        )
    op.add_column(
        "counter_transactions", sa.Column("payment_method", sa.String(length=12), nullable=True)
    )
    op.add_column(
        "counter_transactions", sa.Column("payment_ref", sa.String(length=64), nullable=True)
    )
    op.create_index(
        "ix_counter_transactions_shift_cash",
        "counter_transactions",
        ["shift_id", "payment_method", "amount_fen"],
    )
    add_append_only_triggers(APPEND_ONLY + ["approvals"])
    add_shift_lock()


def downgrade() -> None:
    drop_shift_lock()
    drop_append_only_triggers(APPEND_ONLY + ["approvals"])
    op.drop_index("ix_counter_transactions_shift_cash", "counter_transactions")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(
            op.f("fk_counter_transactions_shift_id_shifts"),
            "counter_transactions",
            type_="foreignkey",
        )
    for column in ("payment_ref", "payment_method", "shift_id"):
        op.drop_column("counter_transactions", column)

    with op.batch_alter_table("approvals", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_approvals_cash_movement_id_cash_movements"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_approvals_cash_movement_id"))
        batch_op.alter_column("transaction_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("cash_movement_id")
    add_append_only_triggers(["approvals"])

    with op.batch_alter_table("shift_counts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shift_counts_shift_id"))

    op.drop_table("shift_counts")
    with op.batch_alter_table("cash_movements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cash_movements_shift_id"))
        batch_op.drop_index(batch_op.f("ix_cash_movements_business_date"))

    op.drop_table("cash_movements")
    with op.batch_alter_table("shifts", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_shifts_open_counter",
            sqlite_where=sa.text("closed_at IS NULL"),
            postgresql_where=sa.text("closed_at IS NULL"),
        )
        batch_op.drop_index(
            "uq_shifts_open_clerk",
            sqlite_where=sa.text("closed_at IS NULL"),
            postgresql_where=sa.text("closed_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_shifts_counter_id"))
        batch_op.drop_index(batch_op.f("ix_shifts_business_date"))

    op.drop_table("shifts")
