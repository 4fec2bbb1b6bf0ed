"""receipt numbers checked and counted by the database

Revision ID: 0008
Revises: 0007

A trigger on ``counter_transactions`` refuses a receipt number that is not the next of its
hall's year and moves the hall's receipt counter on with the row (``db.guards``). The writer
reads the counter in the read it makes anyway, so a sale no longer spends a statement taking
its number. DDL only: the counters already equal the highest receipt of every hall and year
(both were written together until now).
"""

from db.guards import add_receipt_numbering, drop_receipt_numbering

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_receipt_numbering()


def downgrade() -> None:
    drop_receipt_numbering()
