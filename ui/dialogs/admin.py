"""The 管理 screens: users, hall settings (parameters, working-day calendar, receipt notice
lines), the price list (价目表), and the own-password change every role may open.

Fields, layout and one ``AdminDesk`` call per action, run off the GUI thread; the services check
every value and refuse anyone but the administrator, the screens only show their Chinese words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.counter import (
    AdminDesk,
    CalendarView,
    Fee,
    LimitForm,
    SettingView,
    UserRow,
    fee_range,
    shown_in_unit,
)
from app.domain.money import format_money, m3, yuan
from app.errors import InvalidInput
from app.vocabulary import CalendarDay, CustomerKind, Role, SettingUnit
from ui.base import confirm_buttons, error_text
from ui.i18n import vocabulary_text
from ui.worker import run_in_background

ERROR_STYLE = "color: #b00020; font-weight: bold"


class AdminScreen(QDialog):
    """What the admin screens share: an inline error line, a note line, a busy flag, and
    ``call`` running one desk call in the background."""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.working = False
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.note = QLabel()
        self.note.setObjectName("note")
        self.note.setWordWrap(True)

    def call(self, job: Callable[[], Any], done: Callable[[Any], None]) -> None:
        if self.working:
            return
        self.working = True
        self.error.clear()
        self.note.clear()

        def finished(result: Any) -> None:
            self.working = False
            done(result)

        def failed(error: Exception) -> None:
            self.working = False
            self.error.setText(error_text(error))

        run_in_background(job, finished, failed, parent=self)

    def show_error(self, error: Exception) -> None:
        self.error.setText(error_text(error))

    def close_buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭 (Esc)"))
        buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        return buttons


def push_button(text: str) -> QPushButton:
    """A button that Enter in a field never presses: Enter belongs to the field's own action."""
    button = QPushButton(text)
    button.setAutoDefault(False)
    button.setDefault(False)
    return button


def password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


# ---------------------------------------------------------------- own password


class ChangePasswordDialog(AdminScreen):
    """The new password twice (and the old one, unless the login just proved it); ``change``
    is the one call, ``change(old, new)``. ``forced``: the administrator set the password, the
    counter opens only after this."""

    def __init__(
        self,
        change: Callable[[str, str], None],
        parent: QWidget | None = None,
        *,
        old_password: str | None = None,
        forced: bool = False,
    ):
        super().__init__(self.tr("修改密码"), parent)
        self.change = change
        self.known_old = old_password
        self.old = password_edit()
        self.new = password_edit()
        self.again = password_edit()
        form = QFormLayout()
        if old_password is None:
            form.addRow(self.tr("原密码"), self.old)
        form.addRow(self.tr("新密码"), self.new)
        form.addRow(self.tr("再次输入新密码"), self.again)
        layout = QVBoxLayout(self)
        if forced:
            heading = QLabel(self.tr("您的密码由管理员设置，请先设置自己的新密码再进入柜台"))
            heading.setWordWrap(True)
            layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.error)
        self.buttons = confirm_buttons(self)
        layout.addWidget(self.buttons)
        self.old.returnPressed.connect(self.new.setFocus)
        self.new.returnPressed.connect(self.again.setFocus)
        self.again.returnPressed.connect(self.submit)
        (self.old if old_password is None else self.new).setFocus()

    def submit(self) -> None:
        if self.working:
            return
        old = self.known_old if self.known_old is not None else self.old.text()
        new = self.new.text()
        if not new:
            self.error.setText(self.tr("请输入新密码"))
            self.new.setFocus()
            return
        if new != self.again.text():
            self.error.setText(self.tr("两次输入的新密码不一致"))
            self.again.clear()
            self.again.setFocus()
            return
        change = self.change
        self.call(lambda: change(old, new), lambda _none: self.accept())


# ---------------------------------------------------------------- users

USER_COLUMNS = (
    QT_TRANSLATE_NOOP("UsersDialog", "用户名"),
    QT_TRANSLATE_NOOP("UsersDialog", "姓名"),
    QT_TRANSLATE_NOOP("UsersDialog", "岗位"),
    QT_TRANSLATE_NOOP("UsersDialog", "状态"),
    QT_TRANSLATE_NOOP("UsersDialog", "下次登录须改密码"),
)


class UsersDialog(AdminScreen):
    """The users: the list, add one, disable/enable the selected one, reset its password."""

    def __init__(self, desk: AdminDesk, parent: QWidget | None = None):
        super().__init__(self.tr("用户管理"), parent)
        self.desk = desk
        self.rows: list[UserRow] = []
        self.table = QTableWidget(0, len(USER_COLUMNS))
        self.table.setObjectName("users")
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in USER_COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)

        self.username = QLineEdit()
        self.display_name = QLineEdit()
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(vocabulary_text(role), role)
        self.password = password_edit()
        self.add_button = push_button(self.tr("添加用户"))
        add_form = QFormLayout()
        add_form.addRow(self.tr("用户名"), self.username)
        add_form.addRow(self.tr("姓名"), self.display_name)
        add_form.addRow(self.tr("岗位"), self.role)
        add_form.addRow(self.tr("初始密码"), self.password)
        add_form.addRow("", self.add_button)

        self.toggle_button = push_button(self.tr("停用/启用选中用户"))
        self.reset_password = password_edit()
        self.reset_button = push_button(self.tr("重置选中用户的密码"))
        selected = QGridLayout()
        selected.addWidget(self.toggle_button, 0, 0, 1, 2)
        selected.addWidget(QLabel(self.tr("新密码")), 1, 0)
        selected.addWidget(self.reset_password, 1, 1)
        selected.addWidget(self.reset_button, 2, 0, 1, 2)

        side = QVBoxLayout()
        side.addWidget(QLabel(self.tr("添加用户（首次登录须修改密码）")))
        side.addLayout(add_form)
        side.addSpacing(12)
        side.addWidget(QLabel(self.tr("选中的用户")))
        side.addLayout(selected)
        side.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.table, 1)
        body.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addWidget(self.close_buttons())
        self.resize(900, 480)

        self.username.returnPressed.connect(self.display_name.setFocus)
        self.display_name.returnPressed.connect(self.role.setFocus)
        self.password.returnPressed.connect(self.add_user)
        self.add_button.clicked.connect(self.add_user)
        self.toggle_button.clicked.connect(self.toggle_selected)
        self.reset_password.returnPressed.connect(self.reset_selected)
        self.reset_button.clicked.connect(self.reset_selected)
        self.refresh()

    def refresh(self) -> None:
        desk = self.desk
        self.call(desk.users, self.show_users)

    def show_users(self, rows: tuple[UserRow, ...]) -> None:
        self.rows = list(rows)
        self.table.setRowCount(len(rows))
        for r, user in enumerate(rows):
            cells = (
                user.username,
                user.display_name,
                vocabulary_text(user.role),
                self.tr("启用") if user.active else self.tr("已停用"),
                self.tr("是") if user.must_change_password else "",
            )
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def selected_user(self) -> UserRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def select(self, username: str) -> None:
        """Make ``username`` the selected row (as a click on it would)."""
        for r, user in enumerate(self.rows):
            if user.username == username:
                self.table.selectRow(r)
                self.table.setCurrentCell(r, 0)

    def add_user(self) -> None:
        desk = self.desk
        username, name = self.username.text(), self.display_name.text()
        role, password = self.role.currentData(), self.password.text()

        def added(result: Any) -> None:
            self.username.clear()
            self.display_name.clear()
            self.password.clear()
            self.refresh_then(self.tr("已添加用户 {0}").format(result.username))

        self.call(lambda: desk.add_user(username, name, role, password), added)

    def refresh_then(self, note: str) -> None:
        desk = self.desk

        def shown(rows: tuple[UserRow, ...]) -> None:
            self.show_users(rows)
            self.note.setText(note)

        self.call(desk.users, shown)

    def toggle_selected(self) -> None:
        user = self.selected_user()
        if user is None:
            self.error.setText(self.tr("请先在列表中选中一个用户"))
            return
        desk, active = self.desk, not user.active
        note = (self.tr("已启用 {0}") if active else self.tr("已停用 {0}")).format(user.username)
        self.call(
            lambda: desk.set_user_active(user.user_id, active),
            lambda _none: self.refresh_then(note),
        )

    def reset_selected(self) -> None:
        user = self.selected_user()
        if user is None:
            self.error.setText(self.tr("请先在列表中选中一个用户"))
            return
        desk, password = self.desk, self.reset_password.text()
        note = self.tr("已重置 {0} 的密码，下次登录须修改").format(user.username)

        def done(_none: None) -> None:
            self.reset_password.clear()
            self.refresh_then(note)

        self.call(lambda: desk.reset_password(user.user_id, password), done)


# ---------------------------------------------------------------- hall settings


def read_setting(view: SettingView, text: str) -> int:
    """What the administrator typed, in the setting's stored units (the range is the
    service's to check)."""
    text = text.strip()
    if view.unit is SettingUnit.MONEY:
        return yuan(text)
    if view.unit is SettingUnit.VOLUME:
        return m3(text)
    if not text.isascii() or not text.isdigit():
        raise InvalidInput(f"“{view.label}”请输入整数", f"{view.key}: {text!r}")
    return int(text)


def read_date(text: str) -> dt.date:
    """A date typed as YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as error:
        raise InvalidInput(
            QCoreApplication.translate("HallSettingsDialog", "请按 YYYY-MM-DD 输入日期"),
            f"bad date {text!r}",
        ) from error


class HallSettingsDialog(AdminScreen):
    """Three pages: the parameters (each with its unit and range), the working-day calendar
    (holidays and make-up workdays), and the receipt notice lines."""

    def __init__(self, desk: AdminDesk, parent: QWidget | None = None):
        super().__init__(self.tr("营业厅设置"), parent)
        self.desk = desk
        self.views: dict[str, SettingView] = {}
        self.edits: dict[str, QLineEdit] = {}
        self.tabs = QTabWidget()

        # parameters
        self.settings_page = QWidget()
        self.settings_grid = QGridLayout(self.settings_page)
        self.save_settings_button = push_button(self.tr("保存参数"))
        self.save_settings_button.clicked.connect(self.save_settings)
        self.tabs.addTab(self.settings_page, self.tr("参数"))

        # calendar
        calendar_page = QWidget()
        self.day = QLineEdit()
        self.day.setObjectName("calendar-day")
        self.day.setPlaceholderText(self.tr("日期，如 2026-10-01"))
        self.day.returnPressed.connect(self.add_day)
        self.day_kind = QComboBox()
        for kind in CalendarDay:
            self.day_kind.addItem(vocabulary_text(kind), kind)
        self.add_day_button = push_button(self.tr("添加日期"))
        self.days = QListWidget()
        self.days.setObjectName("calendar-days")
        self.remove_day_button = push_button(self.tr("删除选中日期"))
        picker = QHBoxLayout()
        picker.addWidget(self.day)
        picker.addWidget(self.day_kind)
        picker.addWidget(self.add_day_button)
        calendar_layout = QVBoxLayout(calendar_page)
        calendar_layout.addWidget(
            QLabel(
                self.tr("周六、周日休息；节假日休息，调休上班日照常营业（交款期限按工作日计算）")
            )
        )
        calendar_layout.addLayout(picker)
        calendar_layout.addWidget(self.days, 1)
        calendar_layout.addWidget(self.remove_day_button)
        self.add_day_button.clicked.connect(self.add_day)
        self.remove_day_button.clicked.connect(self.remove_day)
        self.tabs.addTab(calendar_page, self.tr("工作日历"))

        # receipt notices
        notices_page = QWidget()
        self.notices = QPlainTextEdit()
        self.notices.setObjectName("notices")
        self.save_notices_button = push_button(self.tr("保存提示语"))
        notices_layout = QVBoxLayout(notices_page)
        notices_layout.addWidget(QLabel(self.tr("每行一条，最多6行，每行最多24字")))
        notices_layout.addWidget(self.notices, 1)
        notices_layout.addWidget(self.save_notices_button)
        self.save_notices_button.clicked.connect(self.save_notices)
        self.tabs.addTab(notices_page, self.tr("凭证提示语"))
        self.tabs.addTab(self._limits_page(), self.tr("限购"))

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addWidget(self.close_buttons())
        self.resize(720, 560)
        self.load()

    def load(self) -> None:
        desk = self.desk
        self.call(
            lambda: (desk.settings(), desk.calendar(), desk.notices(), desk.purchase_limits()),
            lambda loaded: self.show_loaded(*loaded),
        )

    def show_loaded(
        self,
        views: tuple[SettingView, ...],
        calendar: CalendarView,
        notices: tuple[str, ...],
        limits: tuple[LimitForm, ...] = (),
    ) -> None:
        self.show_settings(views)
        self.show_calendar(calendar)
        self.notices.setPlainText("\n".join(notices))
        self.show_limits(limits)

    # ------------------------------------------------------------------ 限购

    def _limits_page(self) -> QWidget:
        """One row per class (and, for commercial meters, per rated-flow band); a class
        without a row is unlimited. The window is the parameter 限购周期（月）."""
        page = QWidget()
        self.limits_table = QTableWidget(0, 3)
        self.limits_table.setObjectName("purchase-limits")
        self.limits_table.setHorizontalHeaderLabels(
            [self.tr("客户类别"), self.tr("额定流量起点 (m³/h)"), self.tr("限购气量 (m³)")]
        )
        self.limits_table.horizontalHeader().setStretchLastSection(True)
        self.limit_rows: list[tuple[QComboBox, QLineEdit, QLineEdit]] = []
        add = push_button(self.tr("添加限购"))
        remove = push_button(self.tr("删除选中限购"))
        save = push_button(self.tr("保存限购"))
        add.clicked.connect(lambda: self.add_limit(LimitForm("residential", "", ""), focus=True))
        remove.clicked.connect(self.remove_limit)
        save.clicked.connect(self.save_limits)
        buttons = QHBoxLayout()
        for button in (add, remove, save):
            buttons.addWidget(button)
        layout = QVBoxLayout(page)
        hint = QLabel(
            self.tr(
                "每个周期（参数“限购周期（月）”：本月及之前的月份）内可购气量；未设置的类别不限购。"
                "工商业户按表具额定流量分档：每档从所填流量起，到下一档为止"
            )
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.limits_table, 1)
        layout.addLayout(buttons)
        return page

    def show_limits(self, forms: tuple[LimitForm, ...]) -> None:
        self.limits_table.setRowCount(0)
        self.limit_rows.clear()
        for form in forms:
            self.add_limit(form)

    def add_limit(self, form: LimitForm, *, focus: bool = False) -> None:
        row = self.limits_table.rowCount()
        self.limits_table.insertRow(row)
        kind = QComboBox()
        for member in CustomerKind:
            kind.addItem(vocabulary_text(member), member.value)
        kind.setCurrentIndex(max(0, kind.findData(form.kind)))
        flow, volume = QLineEdit(form.flow_from), QLineEdit(form.volume)
        for edit in (flow, volume):
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        volume.setObjectName(f"limit-volume-{row}")
        volume.returnPressed.connect(self.save_limits)
        for column, widget in enumerate((kind, flow, volume)):
            self.limits_table.setCellWidget(row, column, widget)
        self.limit_rows.append((kind, flow, volume))
        if focus:
            kind.setFocus()

    def remove_limit(self) -> None:
        row = self.limits_table.currentRow()
        if row < 0:
            self.error.setText(self.tr("请选中要删除的限购"))
            return
        self.limits_table.removeRow(row)
        del self.limit_rows[row]

    def save_limits(self) -> None:
        forms = [
            LimitForm(str(kind.currentData()), flow.text(), volume.text())
            for kind, flow, volume in self.limit_rows
        ]
        desk = self.desk

        def saved(kept: tuple[LimitForm, ...]) -> None:
            self.show_limits(kept)
            self.note.setText(self.tr("限购已保存"))

        self.call(lambda: desk.save_purchase_limits(forms), saved)

    def show_settings(self, views: tuple[SettingView, ...]) -> None:
        first = not self.edits
        for row, view in enumerate(views):
            self.views[view.key] = view
            if first:
                edit = QLineEdit()
                edit.setObjectName(f"setting-{view.key}")
                edit.setAlignment(Qt.AlignmentFlag.AlignRight)
                edit.returnPressed.connect(self.save_settings)
                self.edits[view.key] = edit
                self.settings_grid.addWidget(QLabel(view.label), row, 0)
                self.settings_grid.addWidget(edit, row, 1)
                self.settings_grid.addWidget(QLabel(vocabulary_text(view.unit)), row, 2)
                hint = QLabel(self.tr("范围 {0}").format(view.range_text))
                hint.setObjectName(f"range-{view.key}")
                self.settings_grid.addWidget(hint, row, 3)
            self.edits[view.key].setText(shown_in_unit(view.value, view.unit))
        if first:
            self.settings_grid.addWidget(self.save_settings_button, len(views), 1)

    def save_settings(self) -> None:
        try:
            values = {key: read_setting(self.views[key], e.text()) for key, e in self.edits.items()}
        except InvalidInput as error:
            self.show_error(error)
            return
        desk = self.desk

        def saved(_changed: tuple[str, ...]) -> None:
            self.call(desk.settings, self.settings_saved)

        self.call(lambda: desk.save_settings(values), saved)

    def settings_saved(self, views: tuple[SettingView, ...]) -> None:
        self.show_settings(views)
        self.note.setText(self.tr("参数已保存"))

    def show_calendar(self, calendar: CalendarView) -> None:
        self.days.clear()
        marked = [(d, CalendarDay.HOLIDAY) for d in calendar.holidays] + [
            (d, CalendarDay.WORKDAY) for d in calendar.workdays
        ]
        for day, kind in sorted(marked):
            item = QListWidgetItem(f"{day.isoformat()}  {vocabulary_text(kind)}")
            item.setData(Qt.ItemDataRole.UserRole, day)
            self.days.addItem(item)

    def add_day(self) -> None:
        try:
            day = read_date(self.day.text())
        except InvalidInput as error:
            self.show_error(error)
            return
        kind, desk = self.day_kind.currentData(), self.desk
        self.call(lambda: desk.mark_day(day, kind), self.show_calendar)

    def remove_day(self) -> None:
        item = self.days.currentItem()
        if item is None:
            self.error.setText(self.tr("请先选中要删除的日期"))
            return
        day, desk = item.data(Qt.ItemDataRole.UserRole), self.desk
        self.call(lambda: desk.mark_day(day, None), self.show_calendar)

    def save_notices(self) -> None:
        lines, desk = self.notices.toPlainText().splitlines(), self.desk

        def saved(kept: tuple[str, ...]) -> None:
            self.notices.setPlainText("\n".join(kept))
            self.note.setText(self.tr("提示语已保存"))

        self.call(lambda: desk.save_notices(lines), saved)


# ---------------------------------------------------------------- price list

FEE_COLUMNS = (
    QT_TRANSLATE_NOOP("PriceListDialog", "收费代码"),
    QT_TRANSLATE_NOOP("PriceListDialog", "收费名称"),
    QT_TRANSLATE_NOOP("PriceListDialog", "金额（元）"),
)


class PriceListDialog(AdminScreen):
    """The fees the hall charges, one row each (code, name, amount in yuan); the card fee is
    the first row, its code and name fixed. Saved all or nothing."""

    def __init__(self, desk: AdminDesk, parent: QWidget | None = None):
        super().__init__(self.tr("价目表"), parent)
        self.desk = desk
        self.table = QTableWidget(0, len(FEE_COLUMNS))
        self.table.setObjectName("fees")
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in FEE_COLUMNS])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.edits: list[tuple[QLineEdit, QLineEdit, QLineEdit]] = []
        low, high = fee_range()
        hint = QLabel(
            self.tr(
                "每项金额 {low}–{high} 元；代码以小写字母开头，只含小写字母、数字和下划线"
            ).format(low=format_money(low), high=format_money(high))
        )
        hint.setWordWrap(True)
        self.add_button = push_button(self.tr("添加收费项"))
        self.remove_button = push_button(self.tr("删除选中收费项"))
        self.save_button = push_button(self.tr("保存价目表"))
        row = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.save_button):
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addWidget(self.close_buttons())
        self.resize(640, 420)
        self.add_button.clicked.connect(lambda: self.add_row(Fee("", "", 0), focus=True))
        self.remove_button.clicked.connect(self.remove_selected)
        self.save_button.clicked.connect(self.save)
        self.call(desk.price_list, self.show_fees)

    def show_fees(self, fees: tuple[Fee, ...]) -> None:
        self.table.setRowCount(0)
        self.edits.clear()
        for fee in fees:
            self.add_row(fee)

    def add_row(self, fee: Fee, *, focus: bool = False) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        code, name = QLineEdit(fee.code), QLineEdit(fee.name)
        amount = QLineEdit(format_money(fee.amount_fen) if fee.code else "")
        amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        amount.setObjectName(f"amount-{fee.code or row}")
        amount.returnPressed.connect(self.save)
        if row == 0:  # the card fee: what card replacement charges, always there
            code.setReadOnly(True)
            name.setReadOnly(True)
        for column, edit in enumerate((code, name, amount)):
            self.table.setCellWidget(row, column, edit)
        self.edits.append((code, name, amount))
        if focus:
            code.setFocus()

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if row <= 0:
            self.error.setText(self.tr("请选中要删除的收费项（补卡工本费不能删除）"))
            return
        self.table.removeRow(row)
        del self.edits[row]

    def save(self) -> None:
        try:
            fees = [
                Fee(code.text().strip(), name.text().strip(), yuan(amount.text().strip() or "0"))
                for code, name, amount in self.edits
            ]
        except InvalidInput as error:
            self.show_error(error)
            return
        desk = self.desk

        def saved(kept: tuple[Fee, ...]) -> None:
            self.show_fees(kept)
            self.note.setText(self.tr("价目表已保存"))

        self.call(lambda: desk.save_price_list(fees), saved)
