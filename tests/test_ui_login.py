"""Start-up screens offscreen: login, the idle lock screen, the English translator, first run."""

from __future__ import annotations

import tomllib

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QWidget

from app.config import LocalConfig
from app.services.security import login
from tests.support import PASSWORD


def hall_config(tmp_path, **extra) -> LocalConfig:
    """The scenario hall (code 02), counter 2, emulated devices with a training card key."""
    return LocalConfig(
        data_dir=tmp_path,
        db_url="sqlite://",
        hall_code="02",
        counter_code="2",
        training=True,
        extra=dict(extra),
    )


def start_flow(qtbot, qapp, hall, tmp_path):
    from app.counter.compose import devices_from_config
    from ui.app import StartupFlow

    flow = StartupFlow(hall.ctx, hall_config(tmp_path), qapp, devices_from_config, autologin="")
    flow.show_login()
    qtbot.addWidget(flow.login_window)
    return flow


def type_login(qtbot, window, username: str, password: str) -> None:
    window.username.clear()
    window.password.clear()
    qtbot.keyClicks(window.username, username)
    qtbot.keyClicks(window.password, password)
    qtbot.keyClick(window.password, Qt.Key.Key_Return)


def test_login_with_enter_opens_the_counter_window(qtbot, qapp, hall, tmp_path):
    flow = start_flow(qtbot, qapp, hall, tmp_path)
    try:
        window = flow.login_window
        assert window.counter.text() == "2号柜台"
        assert window.password.echoMode() == window.password.EchoMode.Password
        type_login(qtbot, window, "lina", PASSWORD)
        qtbot.waitUntil(lambda: flow.counter_window is not None, timeout=10_000)
        qtbot.addWidget(flow.counter_window)
        assert flow.counter_window.isVisible()
        assert not window.isVisible()
        assert flow.session.user.username == "lina"
        assert flow.session.actor.counter_id == hall.counter_id
        assert flow.session.devices.training is not None
        assert flow.idle_lock is not None
    finally:
        flow.close()


def test_wrong_password_inline_then_locked_out(qtbot, qapp, hall, tmp_path):
    flow = start_flow(qtbot, qapp, hall, tmp_path)
    window = flow.login_window
    type_login(qtbot, window, "lina", "wrong-password")
    qtbot.waitUntil(lambda: "用户名或密码错误" in window.error.text(), timeout=5000)
    assert window.password.text() == ""
    for _ in range(4):  # login_max_failures = 5
        type_login(qtbot, window, "lina", "wrong-password")
        qtbot.waitUntil(lambda: not window.busy, timeout=5000)
    type_login(qtbot, window, "lina", PASSWORD)  # locked out: the same words, no way in
    qtbot.waitUntil(lambda: not window.busy, timeout=5000)
    assert window.error.text() == "用户名或密码错误"
    assert flow.counter_window is None


def test_empty_fields_are_refused_inline(qtbot, qapp, hall, tmp_path):
    flow = start_flow(qtbot, qapp, hall, tmp_path)
    window = flow.login_window
    qtbot.keyClick(window.username, Qt.Key.Key_Return)  # moves on to the password
    assert window.password.hasFocus() or window.error.text() == ""
    qtbot.keyClick(window.password, Qt.Key.Key_Return)
    assert window.error.text() == "请输入用户名和密码"


def test_idle_lock_only_the_same_clerk_unlocks(qtbot, counter, clock):
    from ui.lock_screen import IdleLockController

    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    controller = IdleLockController(window, counter, interval_ms=3_600_000)
    try:
        clock.advance(minutes=2)
        controller.check()
        assert controller.screen is None
        qtbot.keyClick(window, Qt.Key.Key_A)  # input resets the idle time
        clock.advance(minutes=4)
        controller.check()
        assert controller.screen is None
        clock.advance(minutes=5)
        controller.check()
        screen = controller.screen
        assert screen is not None and screen.isVisible() and screen.isModal()
        screen.reject()  # Esc does nothing
        screen.close()
        assert screen.isVisible()

        screen.username.setText("wangfang")
        qtbot.keyClicks(screen.password, PASSWORD)
        qtbot.keyClick(screen.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "只有本人或班长可以解锁" in screen.error.text(), timeout=5000)
        assert controller.screen is screen and controller.lock.locked

        screen.username.setText("lina")
        with qtbot.waitSignal(controller.unlocked, timeout=5000) as unlocked:
            qtbot.keyClicks(screen.password, PASSWORD)
            qtbot.keyClick(screen.password, Qt.Key.Key_Return)
        assert unlocked.args[0].username == "lina"
        assert controller.screen is None
        assert not controller.lock.is_locked(clock())
    finally:
        controller.stop()


def test_english_translator(qapp):
    from ui.i18n import install_translator

    assert install_translator(qapp, "zh_CN") is None
    translator = install_translator(qapp, "en")
    assert translator is not None
    try:
        assert QCoreApplication.translate("LoginWindow", "登录") == "Log in"
        assert QCoreApplication.translate("LockScreen", "解锁") == "Unlock"
    finally:
        qapp.removeTranslator(translator)


def test_first_run_wizard_sets_up_the_hall(qtbot, ctx, tmp_path):
    from app.services.setup import hall_has_users, this_workstation
    from ui.first_run import FirstRunWizard

    config_file = tmp_path / "conf" / "config.toml"
    config_file.parent.mkdir()
    config_file.write_text('db_url = "sqlite:///x.sqlite3"\n', encoding="utf-8")
    config = LocalConfig(data_dir=tmp_path, db_url="sqlite://")
    assert not hall_has_users(ctx)
    wizard = FirstRunWizard(ctx, config, config_file=config_file)
    qtbot.addWidget(wizard)
    wizard.show()

    page = wizard.hall_page
    wizard.next()  # empty: refused inline
    assert wizard.currentPage() is page and page.error.text() == "请输入营业厅名称"
    page.name.setText("城西营业厅")
    page.code.setText("0 3")
    wizard.next()
    assert wizard.currentPage() is page and "1至8位" in page.error.text()
    page.code.setText("03")
    wizard.next()

    page = wizard.counters_page
    assert wizard.currentPage() is page
    page.counters.setText("1, 2")
    page.this_counter.setText("5")
    wizard.next()
    assert "必须是上面的柜台之一" in page.error.text()
    page.this_counter.setText("2")
    wizard.next()

    page = wizard.tariff_page
    page.standard.setChecked(False)
    page.tiers[1].setText("2.00")
    wizard.next()
    assert page.error.text() == "阶梯价格必须逐级升高"
    page.standard.setChecked(True)
    wizard.next()

    page = wizard.devices_page
    page.target.clear()
    wizard.next()
    assert page.error.text() == "请输入打印机地址"
    page.target.setText("192.168.1.50")
    page.reader.setText("ACS ACR39U 00 00")
    wizard.next()

    page = wizard.users_page
    page.display_name.setText("王建国")
    page.password.setText("admin-pass-1")
    page.confirm.setText("admin-pass-2")
    wizard.next()
    wizard.accept()
    assert wizard.isVisible() and page.error.text() == "两次输入的密码不一致"
    page.confirm.setText("admin-pass-1")
    page.users.setPlainText("lina,李娜,营业员,clerk-pass-1\nzhoujie,周杰,厨师,leader-pass-1")
    wizard.accept()
    assert "第2行" in page.error.text() and "岗位应为" in page.error.text()
    page.users.setPlainText("lina,李娜,营业员,clerk-pass-1\nzhoujie,周杰,班长,leader-pass-1")
    wizard.accept()
    assert wizard.result() == FirstRunWizard.DialogCode.Accepted, page.error.text()

    assert hall_has_users(ctx)
    assert login(ctx, "admin", "admin-pass-1").role == "administrator"
    assert login(ctx, "zhoujie", "leader-pass-1").role == "team_leader"
    workstation = this_workstation(ctx, "03", "2")
    assert workstation.hall_name == "城西营业厅" and workstation.counter_name == "2号柜台"
    written = tomllib.loads(config_file.read_text(encoding="utf-8"))
    assert written == {
        "db_url": "sqlite:///x.sqlite3",
        "hall_code": "03",
        "counter_code": "2",
        "reader": "ACS ACR39U 00 00",
        "printer": {"type": "network", "host": "192.168.1.50", "profile": "通用80mm中文"},
    }
    wizard.apply_to(config)
    assert (config.hall_code, config.counter_code) == ("03", "2")
    assert config.extra["reader"] == "ACS ACR39U 00 00"
