"""makers' cards: each card records its maker; writes keep the gas; per-card maker keys

Revision ID: 0009
Revises: 0008

``cards.maker`` is the maker code of the driver that owns the card (``gasdesk`` for GasDesk's
own format v1, which every existing card is). ``card_writes.previous_volume`` and
``target_volume`` keep the gas on the card before and after a write, so a read of the card
settles it by its count and its gas (docs/sale-protocol.md); rows written before this revision
have none and are settled by the count alone. ``card_keys`` keeps the key some makers' cards
return after every write (append-only: the newest row of a card is its key); it is not in the
audit chain, whose figures are readable, and never in a log.
"""

import sqlalchemy as sa
from alembic import op

from db.guards import add_append_only_triggers, add_audit_capture, drop_append_only_triggers

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

RECAPTURED = {"cards": "id", "card_writes": "id"}  # their columns changed: capture them anew


def upgrade() -> None:
    # a plain ADD COLUMN with a constant default (never a batch copy of the cards table)
    op.add_column(
        "cards",
        sa.Column("maker", sa.String(length=20), nullable=False, server_default="gasdesk"),
    )
    op.add_column("card_writes", sa.Column("previous_volume", sa.BigInteger(), nullable=True))
    op.add_column("card_writes", sa.Column("target_volume", sa.BigInteger(), nullable=True))
    op.create_table(
        "card_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), sa.ForeignKey("cards.id"), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_card_keys_card_id", "card_keys", ["card_id"])
    add_append_only_triggers(["card_keys"])
    add_audit_capture(RECAPTURED)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # its capture triggers name the columns
        for table in RECAPTURED:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_audit_{event}")
    drop_append_only_triggers(["card_keys"])
    op.drop_index("ix_card_keys_card_id", table_name="card_keys")
    op.drop_table("card_keys")
    op.drop_column("card_writes", "target_volume")
    op.drop_column("card_writes", "previous_volume")
    op.drop_column("cards", "maker")
    add_audit_capture(RECAPTURED)
