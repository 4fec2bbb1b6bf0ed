"""tamper-evident audit log and its chain head

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from db.guards import add_append_only_triggers, drop_append_only_triggers

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=True),
        sa.Column("counter_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("ref", sa.String(length=60), nullable=True),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("seq", name=op.f("uq_audit_log_seq")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_user_kind", ["user_id", "kind", "seq"], unique=False)
    add_append_only_triggers(["audit_log"])
    # the chain starts empty: entry 1 is chained to the empty mac
    op.execute("INSERT INTO audit_head (id, seq, mac) VALUES (1, 0, '')")


def downgrade() -> None:
    drop_append_only_triggers(["audit_log"])
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_user_kind")

    op.drop_table("audit_log")
    op.drop_table("audit_head")
