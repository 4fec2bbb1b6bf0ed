"""print queue

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from db.guards import add_append_only_triggers, drop_append_only_triggers

APPEND_ONLY = ["print_jobs", "print_attempts"]


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "print_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=False),
        sa.Column("copy_no", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["counter_id"], ["counters.id"], name=op.f("fk_print_jobs_counter_id_counters")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["users.id"], name=op.f("fk_print_jobs_requested_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["counter_transactions.id"],
            name=op.f("fk_print_jobs_transaction_id_counter_transactions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_print_jobs")),
        sa.UniqueConstraint("transaction_id", "copy_no", name=op.f("uq_print_jobs_transaction_id")),
    )
    op.create_table(
        "print_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("printer", sa.String(length=100), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("bytes_sent", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"], ["print_jobs.id"], name=op.f("fk_print_attempts_job_id_print_jobs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_print_attempts")),
    )
    with op.batch_alter_table("print_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_print_attempts_job_id"), ["job_id"], unique=False)

    add_append_only_triggers(APPEND_ONLY)


def downgrade() -> None:
    drop_append_only_triggers(APPEND_ONLY)
    with op.batch_alter_table("print_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_print_attempts_job_id"))

    op.drop_table("print_attempts")
    op.drop_table("print_jobs")
