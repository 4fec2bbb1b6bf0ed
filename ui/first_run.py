"""First run (首次运行): a hall without any user gets this wizard instead of the login window.

Pages: the hall, its counters (and which one this workstation is), tariffs, this counter's
devices (or emulated ones), the administrator and the first users. Each page checks its fields
inline before going on. Finishing writes the hall-wide part to the database (hall, counters,
tariffs, users, through the services) and the local part to ``config.toml`` (hall and counter
code, reader, printer), keeping whatever else the file already says.

An unconfigured start still seeds the demo hall (main.py): this wizard is for a configured
workstation (config.toml or GASDESK_DB_URL) whose database has no users yet.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.config import LocalConfig, config_path, write_private_text
from app.context import Context
from app.vocabulary import CustomerKind, Role
from ui.base import error_text

log = logging.getLogger(__name__)

CODE = re.compile(r"^[0-9A-Za-z]{1,8}$")
PRICE = re.compile(r"^\d{1,3}(\.\d{1,2})?$")
MIN_PASSWORD = 8
ROLE_BY_NAME = {role.label: role for role in Role}  # the wizard's users are typed by 岗位
PRINTER_TYPES = ("", "network", "file")


def _yuan_to_fen(text: str) -> int:
    whole, _, frac = text.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def toml_text(values: dict[str, object]) -> str:
    """Plain TOML for the config: top-level keys first, then one table per dict."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in values.items() if not isinstance(v, dict)]
    for key, table in values.items():
        if isinstance(table, dict):
            lines += ["", f"[{key}]"]
            lines += [f"{k} = {_toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


@dataclass
class NewUser:
    username: str
    display_name: str
    role: str
    password: str


@dataclass
class Setup:
    """What the wizard collected."""

    hall_code: str = ""
    hall_name: str = ""
    counters: list[str] = field(default_factory=list)
    counter_code: str = ""
    standard_tariffs: bool = True
    ladder: tuple[int, int, int] = (261, 283, 423)
    flat: int = 335
    emulated: bool = False
    reader: str = ""
    printer: dict[str, object] = field(default_factory=dict)
    admin: NewUser | None = None
    users: list[NewUser] = field(default_factory=list)


class _Page(QWizardPage):
    def __init__(self, title: str, hint: str = ""):
        super().__init__()
        self.setTitle(title)
        if hint:
            self.setSubTitle(hint)
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)

    def refuse(self, text: str, widget: QWidget | None = None) -> bool:
        self.error.setText(text)
        if widget is not None:
            widget.setFocus()
        return False

    def accept_page(self) -> bool:
        self.error.clear()
        return True

    @property
    def setup(self) -> Setup:
        return self.wizard().setup  # type: ignore[attr-defined]


class HallPage(_Page):
    def __init__(self) -> None:
        super().__init__(self.tr("营业厅"), self.tr("本营业厅的名称和代码（代码印在户号和收据上）"))
        self.name = QLineEdit()
        self.code = QLineEdit()
        self.code.setPlaceholderText("01")
        self.form.addRow(self.tr("营业厅名称"), self.name)
        self.form.addRow(self.tr("营业厅代码"), self.code)

    def validatePage(self) -> bool:
        name, code = self.name.text().strip(), self.code.text().strip()
        if not name:
            return self.refuse(self.tr("请输入营业厅名称"), self.name)
        if len(name) > 100:
            return self.refuse(self.tr("营业厅名称不能超过100个字"), self.name)
        if not CODE.match(code):
            return self.refuse(self.tr("营业厅代码为1至8位字母或数字"), self.code)
        self.setup.hall_name, self.setup.hall_code = name, code
        return self.accept_page()


class CountersPage(_Page):
    def __init__(self) -> None:
        super().__init__(self.tr("柜台"), self.tr("营业厅的全部柜台编号，以及本机是哪个柜台"))
        self.counters = QLineEdit("1,2,3")
        self.this_counter = QLineEdit("1")
        self.form.addRow(self.tr("柜台编号（逗号分隔）"), self.counters)
        self.form.addRow(self.tr("本机柜台编号"), self.this_counter)

    def validatePage(self) -> bool:
        codes = [c.strip() for c in re.split(r"[,，\s]+", self.counters.text()) if c.strip()]
        if not codes:
            return self.refuse(self.tr("请至少输入一个柜台编号"), self.counters)
        bad = [c for c in codes if not CODE.match(c)]
        if bad:
            return self.refuse(self.tr("柜台编号为1至8位字母或数字：") + bad[0], self.counters)
        if len(set(codes)) != len(codes):
            return self.refuse(self.tr("柜台编号不能重复"), self.counters)
        this = self.this_counter.text().strip()
        if this not in codes:
            return self.refuse(self.tr("本机柜台编号必须是上面的柜台之一"), self.this_counter)
        self.setup.counters, self.setup.counter_code = codes, this
        return self.accept_page()


class TariffPage(_Page):
    def __init__(self) -> None:
        super().__init__(self.tr("气价"), self.tr("气价以后可以发布新版本，不能修改"))
        self.standard = QCheckBox(
            self.tr("使用示例气价：居民阶梯 2.61 / 2.83 / 4.23 元，工商业 3.35 元（每立方米）")
        )
        self.standard.setChecked(True)
        self.tiers = [QLineEdit(p) for p in ("2.61", "2.83", "4.23")]
        self.flat = QLineEdit("3.35")
        self.form.addRow(self.standard)
        for label, edit in zip(
            (
                self.tr("居民第一阶梯（元）"),
                self.tr("居民第二阶梯（元）"),
                self.tr("居民第三阶梯（元）"),
            ),
            self.tiers,
            strict=True,
        ):
            self.form.addRow(label, edit)
        self.form.addRow(self.tr("工商业气价（元）"), self.flat)
        self.standard.toggled.connect(self._toggle)
        self._toggle(True)

    def _toggle(self, standard: bool) -> None:
        for edit in (*self.tiers, self.flat):
            edit.setEnabled(not standard)

    def validatePage(self) -> bool:
        self.setup.standard_tariffs = self.standard.isChecked()
        if self.setup.standard_tariffs:
            self.setup.ladder, self.setup.flat = (261, 283, 423), 335
            return self.accept_page()
        for edit in (*self.tiers, self.flat):
            text = edit.text().strip()
            if not PRICE.match(text) or _yuan_to_fen(text) <= 0:
                return self.refuse(self.tr("请输入有效的价格（元，最多两位小数）"), edit)
        prices = [_yuan_to_fen(e.text().strip()) for e in self.tiers]
        if not prices[0] < prices[1] < prices[2]:
            return self.refuse(self.tr("阶梯价格必须逐级升高"), self.tiers[1])
        self.setup.ladder = (prices[0], prices[1], prices[2])
        self.setup.flat = _yuan_to_fen(self.flat.text().strip())
        return self.accept_page()


class DevicesPage(_Page):
    def __init__(self) -> None:
        super().__init__(self.tr("设备"), self.tr("本机的读卡器和收据打印机"))
        self.real = QRadioButton(self.tr("连接真实设备"))
        self.emulated = QRadioButton(self.tr("培训模式：使用模拟读卡器和打印机"))
        self.real.setChecked(True)
        self.reader = QLineEdit()
        self.reader.setPlaceholderText(self.tr("留空则使用第一个读卡器"))
        self.printer_type = QComboBox()
        for kind, label in zip(
            PRINTER_TYPES,
            (self.tr("无打印机"), self.tr("网络打印机"), self.tr("设备文件")),
            strict=True,
        ):
            self.printer_type.addItem(label, kind)
        self.printer_type.setCurrentIndex(1)
        self.target = QLineEdit()
        self.target.setPlaceholderText(self.tr("网络打印机的地址，或设备文件路径"))
        self.form.addRow(self.real)
        self.form.addRow(self.emulated)
        self.form.addRow(self.tr("读卡器名称"), self.reader)
        self.form.addRow(self.tr("打印机类型"), self.printer_type)
        self.form.addRow(self.tr("打印机地址"), self.target)
        self.emulated.toggled.connect(self._toggle)

    def _toggle(self, emulated: bool) -> None:
        for widget in (self.reader, self.printer_type, self.target):
            widget.setEnabled(not emulated)

    def validatePage(self) -> bool:
        setup = self.setup
        setup.emulated = self.emulated.isChecked()
        setup.reader, setup.printer = "", {}
        if setup.emulated:
            return self.accept_page()
        kind = self.printer_type.currentData()
        target = self.target.text().strip()
        if kind and not target:
            return self.refuse(self.tr("请输入打印机地址"), self.target)
        if kind == "network":
            setup.printer = {"type": "network", "host": target, "profile": "通用80mm中文"}
        elif kind == "file":
            setup.printer = {"type": "file", "path": target, "profile": "通用80mm中文"}
        setup.reader = self.reader.text().strip()
        return self.accept_page()


class UsersPage(_Page):
    def __init__(self) -> None:
        super().__init__(
            self.tr("管理员和用户"),
            self.tr("系统管理员管理用户和设置；其他用户每行一个：用户名,姓名,岗位,密码"),
        )
        self.username = QLineEdit("admin")
        self.display_name = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.users = QPlainTextEdit()
        self.users.setPlaceholderText(self.tr("lina,李娜,营业员,初始密码"))
        self.form.addRow(self.tr("管理员用户名"), self.username)
        self.form.addRow(self.tr("管理员姓名"), self.display_name)
        self.form.addRow(self.tr("密码"), self.password)
        self.form.addRow(self.tr("确认密码"), self.confirm)
        self.form.addRow(self.tr("其他用户"), self.users)

    def validatePage(self) -> bool:
        username = self.username.text().strip()
        name = self.display_name.text().strip()
        password = self.password.text()
        if not username:
            return self.refuse(self.tr("请输入管理员用户名"), self.username)
        if not name:
            return self.refuse(self.tr("请输入管理员姓名"), self.display_name)
        if len(password) < MIN_PASSWORD:
            return self.refuse(self.tr("密码至少8位"), self.password)
        if password != self.confirm.text():
            return self.refuse(self.tr("两次输入的密码不一致"), self.confirm)
        users: list[NewUser] = []
        seen = {username}
        for number, line in enumerate(self.users.toPlainText().splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in re.split(r"[,，]", line)]
            where = self.tr("第%1行：").replace("%1", str(number))
            if len(parts) != 4 or not all(parts):
                return self.refuse(where + self.tr("格式应为 用户名,姓名,岗位,密码"), self.users)
            user_name, display, role_name, user_password = parts
            if user_name in seen:
                return self.refuse(where + self.tr("用户名重复"), self.users)
            if role_name not in ROLE_BY_NAME:
                roles = "、".join(ROLE_BY_NAME)
                return self.refuse(where + self.tr("岗位应为：") + roles, self.users)
            if len(user_password) < MIN_PASSWORD:
                return self.refuse(where + self.tr("密码至少8位"), self.users)
            seen.add(user_name)
            users.append(NewUser(user_name, display, ROLE_BY_NAME[role_name], user_password))
        self.setup.admin = NewUser(username, name, Role.ADMINISTRATOR, password)
        self.setup.users = users
        try:
            self.wizard().commit()  # type: ignore[attr-defined]
        except Exception as error:  # the service's words, inline
            log.exception("first-run setup failed")
            return self.refuse(error_text(error))
        return self.accept_page()


class FirstRunWizard(QWizard):
    """``config_file`` defaults to ``app.config.config_path()`` (tests pass a tmp path)."""

    def __init__(
        self,
        ctx: Context,
        config: LocalConfig,
        *,
        config_file: Path | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.config = config
        self.config_file = config_file or config_path()
        self.setup = Setup()
        self.setWindowTitle(self.tr("GasDesk 首次运行设置"))
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.hall_page = HallPage()
        self.counters_page = CountersPage()
        self.tariff_page = TariffPage()
        self.devices_page = DevicesPage()
        self.users_page = UsersPage()
        for page in (
            self.hall_page,
            self.counters_page,
            self.tariff_page,
            self.devices_page,
            self.users_page,
        ):
            self.addPage(page)
        self.admin_id: int | None = None

    def commit(self) -> None:
        """Write the database part, then config.toml. Runs once, on the last page."""
        from app.errors import Conflict
        from app.services.security import AdminActor, create_first_administrator, create_user
        from app.services.setup import (
            TariffInput,
            add_tariff,
            ensure_counter,
            ensure_hall,
            flat_rate,
            residential_ladder,
        )

        setup, ctx = self.setup, self.ctx
        assert setup.admin is not None
        hall_id = ensure_hall(ctx, setup.hall_code, setup.hall_name)
        for code in setup.counters:
            ensure_counter(ctx, hall_id, code)
        year = ctx.now().year
        tariffs = (
            TariffInput(
                CustomerKind.RESIDENTIAL,
                f"居民阶梯气价（{year}）",
                dt.date(year, 1, 1),
                residential_ladder(setup.ladder),
            ),
            TariffInput(
                CustomerKind.COMMERCIAL,
                f"工商业气价（{year}）",
                dt.date(year, 1, 1),
                flat_rate(setup.flat),
            ),
        )
        for tariff in tariffs:
            with contextlib.suppress(Conflict):  # a retried finish: already published
                add_tariff(ctx, tariff)
        if self.admin_id is None:
            admin = setup.admin
            self.admin_id = create_first_administrator(
                ctx, admin.username, admin.display_name, admin.password
            )
        for user in setup.users:
            with contextlib.suppress(Conflict):  # a retried finish: created the first time
                create_user(
                    ctx,
                    AdminActor(self.admin_id),
                    user.username,
                    user.display_name,
                    user.role,
                    user.password,
                )
        self.write_config()
        log.info(
            "first run: hall %s set up, config written to %s", setup.hall_code, self.config_file
        )

    def local_values(self) -> dict[str, object]:
        setup = self.setup
        values: dict[str, object] = {
            "hall_code": setup.hall_code,
            "counter_code": setup.counter_code,
        }
        if setup.emulated:
            values["emulated_devices"] = True
        if setup.reader:
            values["reader"] = setup.reader
        if setup.printer:
            values["printer"] = dict(setup.printer)
        return values

    def write_config(self) -> None:
        """Merge into the existing file (db_url, data_dir... stay); device keys are replaced."""
        existing: dict[str, object] = {}
        if self.config_file.exists():
            existing = tomllib.loads(self.config_file.read_text(encoding="utf-8"))
        for key in ("emulated_devices", "reader", "printer"):
            existing.pop(key, None)
        existing.update(self.local_values())
        write_private_text(self.config_file, toml_text(existing))  # 0600: db_url, passwords

    def apply_to(self, config: LocalConfig) -> None:
        """Bring the running configuration in line with what was written."""
        values = self.local_values()
        config.hall_code = str(values.pop("hall_code"))
        config.counter_code = str(values.pop("counter_code"))
        for key in ("emulated_devices", "reader", "printer"):
            config.extra.pop(key, None)
        config.extra.update(values)
