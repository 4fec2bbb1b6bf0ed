"""The administrator's changes to a counter's devices (card reader, receipt printer): who may
make them, and their audit entry.

The devices live in the counter's own ``config.toml``, not in the database, so the file is
written by ``app.counter.devices``; these entries check the administrator's role before it is
written (a refusal is a security event) and chain what changed into the audit log after.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from app.context import Context
from app.services import audit
from app.services.boundary import Text, service
from app.services.security import AdminActor, require_administrator

DEVICES_CHANGED = "counter_devices_changed"
SETTING = "manage_settings"  # the counter's devices are settings of the administrator's


@dataclass(frozen=True)
class DevicesChange:
    """This counter's reader and printer before and after, as the devices screen describes
    them (``None``: none configured)."""

    counter_code: Annotated[str, Text("柜台编号", 20, required=True)]
    config_file: Annotated[str, Text("配置文件", 1000, required=True)]
    reader_before: Annotated[str, Text("原读卡器设置", 300)] | None = None
    reader_after: Annotated[str, Text("新读卡器设置", 300)] | None = None
    printer_before: Annotated[str, Text("原打印机设置", 1200)] | None = None
    printer_after: Annotated[str, Text("新打印机设置", 1200)] | None = None


@service
def may_change_devices(ctx: Context, actor: AdminActor) -> None:
    """Refused (``PermissionDenied``, the refusal logged) unless ``actor`` is an active
    administrator: asked before the file is touched."""
    with ctx.reading() as session:
        require_administrator(session, actor, SETTING)


@service
def record_devices_changed(ctx: Context, actor: AdminActor, req: DevicesChange) -> None:
    """Chain the change of this counter's devices into the audit log (the role checked again,
    in the same unit of work as the entry)."""
    change = req
    with ctx.unit_of_work() as session:
        require_administrator(session, actor, SETTING)
        event = audit.Event(
            DEVICES_CHANGED,
            actor.user_id,
            ref=f"config:{change.counter_code}",
            data={
                "counter_code": change.counter_code,
                "config_file": change.config_file,
                "reader": {"old": change.reader_before, "new": change.reader_after},
                "printer": {"old": change.printer_before, "new": change.printer_after},
            },
        )
        audit.record(session, ctx, event)
        session.commit()
