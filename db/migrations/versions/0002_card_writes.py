"""card writes

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from db.guards import add_append_only_triggers, drop_append_only_triggers

APPEND_ONLY = ["card_writes", "card_write_outcomes"]


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "card_writes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("previous_count", sa.Integer(), nullable=False),
        sa.Column("target_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_card_writes_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["card_id"], ["cards.id"], name=op.f("fk_card_writes_card_id_cards")
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["counter_transactions.id"],
            name=op.f("fk_card_writes_transaction_id_counter_transactions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_writes")),
        sa.UniqueConstraint("transaction_id", name=op.f("uq_card_writes_transaction_id")),
    )
    with op.batch_alter_table("card_writes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_card_writes_account_id"), ["account_id"], unique=False)

    op.create_table(
        "card_write_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_write_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("evidence", sa.String(length=20), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_by", sa.Integer(), nullable=False),
        sa.Column("void_transaction_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["card_write_id"],
            ["card_writes.id"],
            name=op.f("fk_card_write_outcomes_card_write_id_card_writes"),
        ),
        sa.ForeignKeyConstraint(
            ["settled_by"], ["users.id"], name=op.f("fk_card_write_outcomes_settled_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["void_transaction_id"],
            ["counter_transactions.id"],
            name=op.f("fk_card_write_outcomes_void_transaction_id_counter_transactions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_write_outcomes")),
        sa.UniqueConstraint("card_write_id", name=op.f("uq_card_write_outcomes_card_write_id")),
    )

    add_append_only_triggers(APPEND_ONLY)


def downgrade() -> None:
    drop_append_only_triggers(APPEND_ONLY)
    op.drop_table("card_write_outcomes")
    with op.batch_alter_table("card_writes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_writes_account_id"))

    op.drop_table("card_writes")
