"""one customer per identity document: UNIQUE (id_type, id_number)

Revision ID: 0007
Revises: 0006

Two counters registering the same person at the same instant could create two customers for
one ID. DDL only (no row of an audited table is written). A database that already holds
duplicates stops the upgrade with the duplicates named: which of them is the real customer is
the hall's decision (merge them by hand), never the migration's.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_DUPLICATES = sa.text(
    "SELECT id_type, id_number, count(*) AS n FROM customers"
    " GROUP BY id_type, id_number HAVING count(*) > 1 ORDER BY id_type, id_number"
)


class DuplicateCustomers(RuntimeError):
    """The upgrade found customers sharing one identity document."""


def upgrade() -> None:
    duplicates = op.get_bind().execute(_DUPLICATES).all()
    if duplicates:
        listed = "; ".join(f"{row.id_type} {row.id_number} ({row.n}x)" for row in duplicates)
        raise DuplicateCustomers(
            "migration 0007 stopped: customers share an identity document, merge them first"
            f" (customers.id_type, customers.id_number): {listed}"
        )
    # a plain CREATE INDEX, never a batch table copy: that would rewrite every customer row
    op.create_index("uq_customers_identity", "customers", ["id_type", "id_number"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_customers_identity", table_name="customers")
