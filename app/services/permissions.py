"""Who may do what: the roles each operation allows, checked at the service layer (the UI only
mirrors it). A refusal is a security event, logged after the refused operation rolled back."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.errors import PermissionDenied
from app.services import audit
from app.vocabulary import Role

COUNTER_ROLES = frozenset({Role.CLERK, Role.TEAM_LEADER})  # a 班长 is a senior clerk
# who reads the hall's cash figures (the administrator runs the system, not the money)
REPORT_ROLES = frozenset(
    {Role.TEAM_LEADER, Role.DEPARTMENT_MANAGER, Role.FINANCE, Role.VICE_PRESIDENT}
)

LOOK_UP = "look_up"  # find and show accounts, the own shift and drawer level: every role

# operation → roles allowed to do it. Approving is not here: it depends on the volume
# (``security.required_approvals``) and is checked on each approver's own credential.
PERMISSIONS: dict[str, frozenset[str]] = {
    "open_account": COUNTER_ROLES,
    "purchase": COUNTER_ROLES,
    "refund": COUNTER_ROLES,
    "supplement": COUNTER_ROLES,
    "replace_card": COUNTER_ROLES,
    "reverse": COUNTER_ROLES,  # 撤销 within the own shift, with a team leader's approval
    "replace_meter": COUNTER_ROLES,  # 换表, its carry-over instalments and its reversal
    "format_card": COUNTER_ROLES,
    "transfer": COUNTER_ROLES,
    "close_account": COUNTER_ROLES,
    "settle_card": COUNTER_ROLES,
    "tool_cards": COUNTER_ROLES,  # 工具卡: issue one for a technician, record its return
    "print": COUNTER_ROLES,
    "shift": COUNTER_ROLES,  # open, cash in/out, hand over, count, close
    "hall_reports": REPORT_ROLES,
    LOOK_UP: COUNTER_ROLES | REPORT_ROLES | {Role.ADMINISTRATOR},
    "view_identity": frozenset({Role.TEAM_LEADER, Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR}),
    "manage_users": frozenset({Role.ADMINISTRATOR}),
    "manage_settings": frozenset({Role.ADMINISTRATOR}),
    "manage_tariffs": frozenset({Role.ADMINISTRATOR}),
    "import_data": frozenset(
        {Role.ADMINISTRATOR}
    ),  # 数据导入/导出, the go-live import  # 调价: publish a new tariff version
    # 限购: an account's own limit; 安检: results from the inspectors' sheets, the due list
    "set_account_limit": frozenset({Role.TEAM_LEADER, Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR}),
    "inspections": COUNTER_ROLES | frozenset({Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR}),
    "unlock_any_counter": frozenset(
        {Role.TEAM_LEADER, Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR}
    ),
}


def allowed(role: str, operation: str) -> bool:
    return role in PERMISSIONS[operation]


def permission_refused(
    session: Session, user_id: int, counter_id: int | None, role: str, operation: str
) -> PermissionDenied:
    """The refusal of ``operation`` to ``role``, its event logged after the rollback."""
    return audit.refused(
        session,
        PermissionDenied("您的岗位无权办理此业务", f"role {role} may not {operation}"),
        audit.Event(
            "permission_denied", user_id, counter_id, data={"operation": operation, "role": role}
        ),
    )


def require_permission(
    session: Session, user_id: int, counter_id: int | None, role: str, operation: str
) -> None:
    if not allowed(role, operation):
        raise permission_refused(session, user_id, counter_id, role, operation)
