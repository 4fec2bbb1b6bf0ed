"""audit coverage: every write of a price, right or money row is chained; tariffs append-only

Revision ID: 0006
Revises: 0005

``audit_pending`` is where the capture triggers note the rows a transaction wrote; the writer
chains their figures and clears its notes before it commits. Rows that exist before this
revision are noted with ``txid`` -1 so the first start with the audit key adopts them into the
chain (``app.services.audit.adopt_existing``); that start records the adoption in the chain, and
no later note is ever adopted. ``audit_head.tag`` is a keyed tag of the head's seq and mac, so
the head cannot be re-pointed at an older entry without the key.
"""

import sqlalchemy as sa
from alembic import op

from db.guards import (
    add_append_only_triggers,
    add_audit_capture,
    drop_append_only_triggers,
    drop_audit_capture,
    note_existing_rows,
)

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COVERED = {
    "counter_transactions": "id",
    "transaction_segments": "id",
    "approvals": "id",
    "cash_movements": "id",
    "shift_counts": "id",
    "shifts": "id",
    "tariffs": "id",
    "tariff_tiers": "id",
    "settings": "key",
    "users": "id",
    "card_writes": "id",
    "card_write_outcomes": "id",
    "accounts": "id",
    "cards": "id",
    "meters": "id",
    "customers": "id",
    "ownership_changes": "id",
}
APPEND_ONLY = ["tariffs", "tariff_tiers"]
ADOPT = -1  # txid of the notes for rows older than this revision


def upgrade() -> None:
    op.create_table(
        "audit_pending",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tbl", sa.String(length=40), nullable=False),
        sa.Column("pk", sa.String(length=100), nullable=False),
        sa.Column("txid", sa.BigInteger(), nullable=True),
        sa.Column("figures", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_pending")),
        sqlite_autoincrement=True,  # ids never reused: a writer's mark stays meaningful
    )
    # a PostgreSQL writer finds its own notes by txid among other writers' dead ones
    op.create_index(op.f("ix_audit_pending_txid"), "audit_pending", ["txid"], unique=False)
    op.add_column("audit_head", sa.Column("tag", sa.String(length=64), nullable=True))
    note_existing_rows(COVERED, ADOPT)
    add_audit_capture(COVERED)
    add_append_only_triggers(APPEND_ONLY)


def downgrade() -> None:
    drop_append_only_triggers(APPEND_ONLY)
    drop_audit_capture(COVERED)
    op.drop_index(op.f("ix_audit_pending_txid"), table_name="audit_pending")
    op.drop_table("audit_pending")
    with op.batch_alter_table("audit_head") as batch:
        batch.drop_column("tag")
