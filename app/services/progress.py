"""How a long job (an import, its dry run) reports progress and learns it was cancelled.

Shared by the inspection import and the go-live import's file reader: the UI's worker
subclasses ``ImportProgress``; a job raises ``ImportCancelled`` when asked to stop.
"""

from __future__ import annotations

from app.errors import GasDeskError


class ImportCancelled(GasDeskError):
    """The clerk stopped an import: nothing was written."""

    code = "cancelled"


class ImportProgress:
    """How an import reports its progress and learns it was cancelled (the UI's worker
    subclasses it); the default does neither."""

    def report(self, done: int, total: int) -> None:
        """``done`` of ``total`` rows checked or written."""

    def cancelled(self) -> bool:
        return False
