"""Typed errors raised by services.

Each error carries a Chinese message for the clerk (``user_message``) and an English message for
the log and the developer (``str(error)``). The UI shows ``user_message`` (or a translation keyed
by ``code``) and never builds sentences from the English text.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class GasDeskError(Exception):
    """Base of every error a service raises on purpose."""

    code = "error"

    def __init__(
        self,
        user_message: str,
        dev_message: str | None = None,
        *,
        field: str | None = None,
        **details: object,
    ):
        super().__init__(dev_message or user_message)
        self.user_message = user_message
        self.details = details
        # the input field at fault (a request field name such as "id_number"), when known:
        # the form focuses and marks it
        self.field = field


class InvalidInput(GasDeskError):
    """The caller's input is malformed or out of range; nothing was written."""

    code = "invalid_input"


class NotFound(GasDeskError):
    """The account, card, customer or user asked for does not exist."""

    code = "not_found"


class RuleViolation(GasDeskError):
    """The input is well formed but a hall rule forbids the operation."""

    code = "rule_violation"


class Conflict(GasDeskError):
    """The operation clashes with stored state (duplicate number, reused request id...)."""

    code = "conflict"


class PermissionDenied(GasDeskError):
    """The acting user may not do this."""

    code = "permission_denied"


class SystemFault(GasDeskError):
    """The machine, not the input: configuration, database server, disk. Nothing was written."""

    code = "system_fault"


class DiskFull(SystemFault):
    """The database's disk is full; the operation was rolled back."""

    code = "disk_full"


class Contended(Conflict):
    """Another counter held the rows this operation needed (a deadlock, a serialization failure
    or a busy database) and the bounded retries ran out; nothing was written, trying again is
    safe."""

    code = "contended"


@contextmanager
def field_of(name: str) -> Iterator[None]:
    """An error raised inside (a malformed value, or one that clashes with what is stored, such
    as a card number in use) names ``name`` as the failing field, unless a check nearer the
    value already named one."""
    try:
        yield
    except (InvalidInput, Conflict) as error:
        if error.field is None and not isinstance(error, Contended):  # busy rows: no field
            error.field = name
        raise
