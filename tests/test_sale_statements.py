"""A purchase is a handful of statements: counted with ``before_cursor_execute`` (deterministic,
not a timing test), the figure the bench reports as ``purchase_statements``."""

from __future__ import annotations

import uuid

from app.services.sales import PurchaseRequest, purchase
from bench.core import count_statements
from tests.support import open_customer

# SQLite: BEGIN IMMEDIATE; the sale's one read (with the hall's last receipt number); purchase
# count; the transaction (its trigger moves the receipt counter on); its segments; the audit
# notes taken, the head moved on, the entry.
# PostgreSQL: no BEGIN statement, but the request's claim, the look for an earlier submit, the
# settings, the actor, the shift's and the account's locks before the sale's read (READ
# COMMITTED: what decides is read after the locks); the receipt counter's lock in place of
# the UPDATE that took the number.
PURCHASE_STATEMENTS = {"sqlite": 8, "postgres": 14}


def test_one_purchase_runs_a_handful_of_statements(hall, backend):
    first = open_customer(hall).card_serial
    second = open_customer(hall).card_serial
    purchase(hall.ctx, hall.clerk, PurchaseRequest(uuid.uuid4(), first, volume=100))  # caches
    count, statements = count_statements(
        hall.ctx,
        lambda: purchase(hall.ctx, hall.clerk, PurchaseRequest(uuid.uuid4(), second, volume=100)),
    )
    assert count == PURCHASE_STATEMENTS[backend], "\n".join(statements)


def test_a_card_writing_purchase_adds_only_its_pending_write(hall, backend):
    first = open_customer(hall).card_serial
    second = open_customer(hall).card_serial
    purchase(hall.ctx, hall.clerk, PurchaseRequest(uuid.uuid4(), first, volume=100))
    request = PurchaseRequest(uuid.uuid4(), second, volume=100, writes_card=True)
    count, statements = count_statements(hall.ctx, lambda: purchase(hall.ctx, hall.clerk, request))
    assert count == PURCHASE_STATEMENTS[backend] + 1, "\n".join(statements)
