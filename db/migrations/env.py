"""Alembic environment: the engine comes from the caller (``db.migrate``), never from an ini."""

from alembic import context

from db.models import Base

config = context.config
engine = config.attributes["engine"]


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    """The customer search index lives outside the models (db/guards.py)."""
    return not (name or "").startswith(("customer_search", "ix_customers_search"))


with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
