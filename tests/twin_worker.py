"""A counter process submitting one request, imported by spawn (tests/test_twin_submits.py).

The same request id is submitted by two such processes at once, as a clerk's double click or a
client's retry after a lost answer would: both must get the first submit's result.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib

from app.context import Context
from app.errors import GasDeskError
from app.services.actor import Actor
from db.engine import open_database
from tests.support import AUDIT_KEY


def submit(url: str, when: dt.datetime, actor: tuple[int, int], call: str, request, out) -> None:  # type: ignore[no-untyped-def]
    """Run ``call`` ("module:function") with ``request``; put ("ok", repr(result)), ("typed",
    class, message) or ("untyped", repr) on ``out``."""
    module, name = call.split(":")
    service = getattr(importlib.import_module(module), name)
    db = open_database(url)
    ctx = Context(db=db, clock=lambda: when, audit_key=AUDIT_KEY)
    try:
        out.put(("ok", _plain(service(ctx, Actor(*actor), request))))
    except GasDeskError as error:
        out.put(("typed", type(error).__name__, error.user_message))
    except Exception as error:  # noqa: BLE001 - reported to the test, which fails on it
        out.put(("untyped", repr(error)))
    finally:
        db.dispose()


def _plain(value):  # type: ignore[no-untyped-def]
    """The result as comparable plain data; times as UTC instants (a replay reads them back from
    the database in another zone than the first answer computed them)."""
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return repr(value)
