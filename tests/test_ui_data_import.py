"""管理 → 数据导入 offscreen, by keyboard, in Chinese: the templates' dry run, the import, the
batch listed and rolled back; a long dry run cancelled; a clerk has no such screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from app.counter import AdminDesk
from app.services.security import login
from db.models import Account
from tests.support import PASSWORD
from tests.test_ui_accounts import WAIT, show, type_text
from tests.test_ui_admin import admin_window  # noqa: F401 - fixture
from ui.dialogs.data_import import DataImportDialog

pytestmark = pytest.mark.usefixtures("qapp")
DOCS = Path(__file__).resolve().parent.parent / "docs" / "import"


def press(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    """The keyboard's way to a button: focus it and press Space."""
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)


def idle(qtbot, screen) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not screen.working, timeout=WAIT)


def accounts(hall) -> int:
    with hall.ctx.reading() as s:
        return s.scalar(select(func.count()).select_from(Account))


def test_dry_run_import_and_rollback_by_keyboard(qtbot, hall, admin_window):  # noqa: F811
    hall.clock.set(2026, 12, 6, 9, 0)  # the templates' dates are of late 2026
    admin_window.admin_actions["data_import"].trigger()
    qtbot.waitUntil(lambda: isinstance(admin_window.current_dialog, DataImportDialog), timeout=WAIT)
    screen = admin_window.current_dialog
    screen.confirm = lambda text: "回退批次" in text
    assert screen.windowTitle() == "数据导入"
    before = accounts(hall)
    type_text(qtbot, screen.files, str(DOCS))
    press(qtbot, screen.check_button)
    idle(qtbot, screen)
    assert "可导入 2 户" in screen.summary.text() and "错误 0 个" in screen.summary.text()
    assert screen.problems.rowCount() == 0 and accounts(hall) == before
    assert screen.import_button.isEnabled()
    press(qtbot, screen.import_button)
    idle(qtbot, screen)
    assert "本次写入 2 户" in screen.note.text(), screen.error.text()
    assert accounts(hall) == before + 2
    qtbot.waitUntil(lambda: screen.batches.rowCount() == 1, timeout=WAIT)
    assert screen.batches.item(0, 2).text() == "已完成"
    screen.batches.selectRow(0)
    press(qtbot, screen.rollback_button)
    idle(qtbot, screen)
    assert "已回退" in screen.note.text(), screen.error.text()
    qtbot.waitUntil(lambda: screen.batches.rowCount() == 2, timeout=WAIT)
    assert accounts(hall) == before
    qtbot.keyClick(screen, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: admin_window.current_dialog is None, timeout=WAIT)


def test_errors_are_listed_and_a_long_dry_run_can_be_cancelled(qtbot, hall, tmp_path):
    from bench.import_data import write_import_files

    desk = AdminDesk(hall.ctx, login(hall.ctx, "admin", PASSWORD, hall.counter_id))
    screen = show(qtbot, DataImportDialog(desk))
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "customers.csv").write_text("customer_ref,name\nK1,张三\n", encoding="utf-8")
    type_text(qtbot, screen.files, str(bad))
    press(qtbot, screen.check_button)
    idle(qtbot, screen)
    assert screen.problems.rowCount() > 0
    assert screen.problems.item(0, 5).text() == "错误"
    assert "修正文件" in screen.note.text()
    big = tmp_path / "big"
    big.mkdir()
    write_import_files(big, 20_000, seed=3)
    screen.files.clear()
    type_text(qtbot, screen.files, str(big))
    press(qtbot, screen.check_button)
    assert screen.cancel_button.isVisible()
    press(qtbot, screen.cancel_button)
    idle(qtbot, screen)
    assert "取消" in screen.error.text()
    assert not screen.cancel_button.isVisible()
