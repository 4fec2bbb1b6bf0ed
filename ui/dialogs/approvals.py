"""Four-eyes approval rows inside an operation dialog: each approver types their user name, their
own password and (when the rule needs it) a written reason.

The widget only collects what is typed. Which roles may approve and whether the password is right
is decided by the service when the operation runs (the counter hands the rows on); its Chinese
refusal is shown in the dialog's error line.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.counter import ApprovalEntry, ApprovalSlots, CounterSession
from ui.i18n import vocabulary_text
from ui.worker import run_in_background


class _Row:
    def __init__(self, label: str):
        self.role = QLabel(label)
        self.username = QLineEdit()
        self.username.setPlaceholderText(
            QCoreApplication.translate("ApprovalsWidget", "审批人用户名")
        )
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(
            QCoreApplication.translate("ApprovalsWidget", "审批人密码")
        )
        self.reason = QLineEdit()

    def edits(self) -> list[QLineEdit]:
        return [self.username, self.password, self.reason]


class ApprovalsWidget(QWidget):
    """Rows of (approver user name, password, written reason), one per required approver.

    ``set_volume`` asks the service which roles a refund/supplement of that volume needs and
    shows one row per role; ``set_slots`` sets them directly (e.g. a card-fee waiver needs one
    team leader). Enter moves through the rows; Enter in the last field is left to the dialog,
    which confirms.
    """

    slots_changed = Signal()

    def __init__(
        self, session: CounterSession, parent: QWidget | None = None, *, volume_rule: bool = True
    ):
        super().__init__(parent)
        self.session = session
        self.rows: list[_Row] = []
        self.reasons_required = False
        self._volume_asked: int | None = None
        self._asking = 0  # look-ups of the required approvers still running
        self.rule = QLabel()  # who must approve this one
        self.rule.setWordWrap(True)
        self.rule.setObjectName("approval-rule")
        # the hall rule in words (DOMAIN.md, 气费退补管理规定; thresholds are hall settings)
        self.hint = QLabel(
            self.tr(
                "退补气均须系统管理员审批；超过500立方米另须班长、部门经理书面审批；"
                "超过1000立方米须部门经理、财务、分管副总书面审批"
            )
        )
        self.hint.setWordWrap(True)
        self.hint.setVisible(volume_rule)
        self.grid = QGridLayout()
        self.grid.addWidget(QLabel(self.tr("审批岗位")), 0, 0)
        self.grid.addWidget(QLabel(self.tr("用户名")), 0, 1)
        self.grid.addWidget(QLabel(self.tr("密码")), 0, 2)
        self.grid.addWidget(QLabel(self.tr("审批意见")), 0, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hint)
        layout.addWidget(self.rule)
        layout.addLayout(self.grid)
        self.set_slots(ApprovalSlots((self.tr("系统管理员"),), False))

    # -- rows ---------------------------------------------------------------------------------

    def set_slots(self, slots: ApprovalSlots) -> None:
        """One row per approver. Existing rows are kept with what was typed in them (the answer
        may arrive while an approver is typing); only surplus rows go."""
        self.reasons_required = slots.reasons_required
        reason_hint = (
            self.tr("书面审批意见（必填）") if slots.reasons_required else self.tr("审批意见")
        )
        while len(self.rows) > len(slots.labels):
            row = self.rows.pop()
            moved_focus = any(edit.hasFocus() for edit in row.edits())
            for widget in (row.role, *row.edits()):
                widget.removeEventFilter(self)
                self.grid.removeWidget(widget)
                widget.hide()
                widget.deleteLater()
            if moved_focus and self.rows:
                self.rows[-1].reason.setFocus()
        labels = [  # the roles in the screen's language when the service named them
            "/".join(vocabulary_text(role) for role in slots.roles[i]) if slots.roles else label
            for i, label in enumerate(slots.labels)
        ]
        for i, label in enumerate(labels):
            if i < len(self.rows):
                row = self.rows[i]
                row.role.setText(label)
            else:
                row = _Row(label)
                self.grid.addWidget(row.role, i + 1, 0)
                for column, edit in enumerate(row.edits(), start=1):
                    self.grid.addWidget(edit, i + 1, column)
                    edit.installEventFilter(self)
                self.rows.append(row)
            row.reason.setPlaceholderText(reason_hint)
        if self.rows:
            self.setFocusProxy(self.rows[0].username)
        needed = self.tr("、").join(labels)
        note = self.tr("须书面审批意见") if slots.reasons_required else ""
        self.rule.setText(self.tr("需要审批：") + needed + (self.tr("；") + note if note else ""))
        self.slots_changed.emit()

    def set_volume(self, volume: int) -> None:
        """Show the approvers a refund/supplement of ``volume`` (0.01 m³) needs (asked in the
        background: the thresholds are hall settings)."""
        if volume == self._volume_asked:
            return
        self._volume_asked = volume
        self._asking += 1
        session = self.session
        run_in_background(
            lambda: session.approval_slots(volume),
            lambda slots: self._slots_for(volume, slots),
            lambda _error: self._slots_for(volume, None),  # the service decides on submit anyway
            parent=self,
        )

    @property
    def pending(self) -> bool:
        """A look-up of the required approvers is still running."""
        return self._asking > 0

    def _slots_for(self, volume: int, slots: ApprovalSlots | None) -> None:
        self._asking -= 1
        if slots is not None and volume == self._volume_asked:  # older answers are stale
            self.set_slots(slots)

    def row_count(self) -> int:
        return len(self.rows)

    def edits(self) -> list[QLineEdit]:
        return [edit for row in self.rows for edit in row.edits()]

    # -- values -------------------------------------------------------------------------------

    def entries(self) -> tuple[ApprovalEntry, ...]:
        """What was typed (call on the GUI thread); the counter looks the names up."""
        return tuple(
            ApprovalEntry(r.username.text(), r.password.text(), r.reason.text()) for r in self.rows
        )

    def clear_passwords(self) -> None:
        for row in self.rows:
            row.password.clear()

    # -- keyboard -----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            edits = self.edits()
            if watched in edits:
                index = edits.index(watched)  # type: ignore[arg-type]
                if index + 1 < len(edits):
                    edits[index + 1].setFocus()
                    return True
            # Enter in the last field goes on to the dialog, which confirms
        return super().eventFilter(watched, event)
