"""The tariffs screen driven by keys (管理 → 气价管理): the versions read-only, a new ladder and
date typed in, the preview before and after, Enter to confirm; a bad value refused with its
message and no new version; a clerk never gets the screen."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from PySide6.QtCore import QDate, QRect, Qt, QThreadPool
from sqlalchemy import func, select

from app.counter import TariffDesk
from app.errors import PermissionDenied
from app.services.security import AdminActor
from app.services.tariff_admin import PriceChange, TierInput, supersede_tariff
from db.models import Tariff
from db.tables import audit_log
from tests.support import m3, refused, row_counts
from ui.dialogs.tariffs import TariffsDialog, open_tariffs

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])

WAIT = 15_000  # ms: the price change runs in the background


@pytest.fixture
def dialog(qtbot, hall):
    desk = TariffDesk.open(hall.ctx, hall.users["admin"])
    shown = TariffsDialog(desk)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    shown.close()
    QThreadPool.globalInstance().waitForDone(10_000)


def retype(qtbot, edit, text: str) -> None:
    """Focus a field, select what it holds and type over it, as a user does."""
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    if text:
        qtbot.keyClicks(edit, text)
    else:
        qtbot.keyClick(edit, Qt.Key.Key_Delete)


def versions_stored(hall) -> list[tuple[dt.date, list[int]]]:
    with hall.ctx.reading() as session:
        rows = session.scalars(select(Tariff).where(Tariff.customer_class == "residential"))
        return sorted((r.effective_from, [t.price_fen for t in r.tiers]) for r in rows)


def cell(dialog, row: int, column: int) -> str:
    return dialog.versions.item(row, column).text()


def test_the_versions_are_shown_read_only_and_past_ones_marked(qtbot, hall):
    admin = AdminActor(hall.users["admin"])
    change = PriceChange("residential", dt.date(2026, 3, 3), (TierInput(None, 300),))
    supersede_tariff(hall.ctx, admin, change)
    hall.clock.set(2026, 3, 4, 9, 0)  # the change is in force: the first version is past
    dialog = TariffsDialog(TariffDesk.open(hall.ctx, hall.users["admin"]))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.versions.rowCount() == 2
    assert [cell(dialog, r, 2) for r in range(2)] == ["现行", "已被接替（只读）"]
    assert cell(dialog, 1, 3).startswith("第1档 ≤350m³ 2.61元")
    for row in range(2):
        for column in range(4):
            assert not dialog.versions.item(row, column).flags() & Qt.ItemFlag.ItemIsEditable
    past = dialog.versions.item(1, 0)
    assert past.font().italic() and past.foreground().color().name() == "#888888"
    # the form starts from the version in force, effective tomorrow at the earliest
    assert dialog.effective.minimumDate() == QDate(2026, 3, 5)
    assert [row.price.text() for row in dialog.tier_rows] == ["3.00"]
    # or from a version chosen in the list
    dialog.versions.setFocus()
    qtbot.keyClick(dialog.versions, Qt.Key.Key_Down)
    assert dialog.versions.currentRow() == 1
    qtbot.mouseClick(dialog.draft_button, Qt.MouseButton.LeftButton)
    assert [row.price.text() for row in dialog.tier_rows] == ["2.61", "2.83", "4.23"]
    assert dialog.threshold.value() == 4


def test_a_new_ladder_is_previewed_and_confirmed_with_enter(qtbot, hall, dialog):
    assert [row.price.text() for row in dialog.tier_rows] == ["2.61", "2.83", "4.23"]
    assert [row.upper.text() for row in dialog.tier_rows] == ["350", "500", ""]
    assert not dialog.tier_rows[-1].upper.isEnabled()  # the last tier has no bound
    assert dialog.before.text() == "52.20 元"  # 20 m³ for three people, none bought yet
    assert dialog.after.text() == "52.20 元"

    for row, price in zip(dialog.tier_rows, ("3.00", "4.00", "5.00"), strict=True):
        retype(qtbot, row.price, price)
    assert dialog.after.text() == "60.00 元"
    assert dialog.difference.text() == "+7.80 元"
    retype(qtbot, dialog.typical_volume, "30")
    assert (dialog.before.text(), dialog.after.text()) == ("78.30 元", "90.00 元")

    dialog.effective.setFocus()
    qtbot.keyClick(dialog.effective, Qt.Key.Key_End)  # the day section
    for _ in range(7):
        qtbot.keyClick(dialog.effective, Qt.Key.Key_Up)
    assert dialog.effective.date() == QDate(2026, 3, 10)
    retype(qtbot, dialog.name_edit, "2026 Q2")
    assert dialog.error.text() == ""

    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.published is not None, timeout=WAIT)
    assert versions_stored(hall) == [
        (dt.date(2025, 1, 1), [261, 283, 423]),
        (dt.date(2026, 3, 10), [300, 400, 500]),
    ]
    assert "已发布新气价：2026 Q2，自2026-03-10起执行" in dialog.info.text()
    assert [cell(dialog, r, 2) for r in range(2)] == ["待生效", "现行"]
    with hall.ctx.reading() as session:
        (entry,) = session.execute(
            select(audit_log.c.data).where(audit_log.c.kind == "tariff_superseded")
        ).all()
    assert json.loads(entry.data)["tiers"] == [[m3(350), 300], [m3(500), 400], [None, 500]]


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("upper", "300", "第2档上限必须大于第1档上限"),
        ("price", "0", "第2档单价必须大于零"),
        ("price", "99", "第2档单价超出合理范围"),
        ("upper", "", "请输入第2档上限"),
    ],
)
def test_a_bad_value_shows_its_message_and_saves_nothing(qtbot, hall, dialog, field, text, message):
    before = row_counts(hall.ctx)
    edit = getattr(dialog.tier_rows[1], field)
    retype(qtbot, edit, text)
    assert message in dialog.error.text()  # at once, while typing
    assert dialog.after.text() == ""
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.working, timeout=WAIT)
    assert message in dialog.error.text()
    assert dialog.published is None
    assert row_counts(hall.ctx) == before
    assert len(versions_stored(hall)) == 1


def test_an_effective_date_today_is_refused_by_the_service(qtbot, hall, dialog):
    hall.clock.set(2026, 3, 3, 9, 0)  # the screen was opened yesterday; tomorrow is now today
    before = row_counts(hall.ctx)
    qtbot.keyClick(dialog.tier_rows[0].price, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=WAIT)
    assert "生效日期必须晚于今天" in dialog.error.text()
    assert dialog.effective.hasFocus()
    assert row_counts(hall.ctx) == before


def test_the_commercial_class_has_its_own_flat_price(qtbot, hall, dialog):
    dialog.kind.setFocus()
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)
    assert dialog.kind.currentText() == "工商业户"
    assert [row.price.text() for row in dialog.tier_rows] == ["3.35"]
    assert not dialog.threshold.isEnabled() and not dialog.extra.isEnabled()
    assert dialog.before.text() == "67.00 元"
    retype(qtbot, dialog.tier_rows[0].price, "3.50")
    assert dialog.difference.text() == "+3.00 元"


def test_a_clerk_cannot_open_it(hall, counter):
    with refused(PermissionDenied, "无权"):
        TariffDesk.for_counter(counter)
    with hall.ctx.reading() as session:
        denied = session.scalar(
            select(func.count()).where(
                audit_log.c.kind == "permission_denied",
                audit_log.c.user_id == hall.users["lina"],
            )
        )
    assert denied == 1


def test_the_screen_fits_a_maximised_1366_screen(qtbot, hall, monkeypatch):
    import ui.fitting
    from tests.test_ui_layout import clipped

    room = QRect(0, 0, 1366, 700)
    monkeypatch.setattr(ui.fitting, "available_room", lambda _window: room)
    dialog = TariffsDialog(TariffDesk.open(hall.ctx, hall.users["admin"]))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.wait(100)  # the layout settles
    assert dialog.width() <= room.width() and dialog.height() <= room.height()
    assert clipped(dialog) == []


def test_the_menu_opens_it_for_an_administrator_and_not_for_a_clerk(qtbot, hall, counter):
    from PySide6.QtWidgets import QWidget

    from app.counter import CounterSession
    from app.services.security import login
    from tests.support import PASSWORD

    parent = QWidget()
    qtbot.addWidget(parent)
    messages: list[str] = []
    open_tariffs(counter, parent, messages.append)  # 李娜, a clerk
    qtbot.waitUntil(lambda: bool(messages), timeout=WAIT)
    assert messages == ["您的岗位无权办理此业务"]
    assert parent.findChildren(TariffsDialog) == []

    user = login(hall.ctx, "admin", PASSWORD, hall.counter_id)
    administrator = CounterSession(hall.ctx, user, counter.workstation, counter.devices)
    open_tariffs(administrator, parent, messages.append)
    qtbot.waitUntil(lambda: bool(parent.findChildren(TariffsDialog)), timeout=WAIT)
    (dialog,) = parent.findChildren(TariffsDialog)
    assert dialog.isVisible() and dialog.versions.rowCount() == 1
    assert messages == ["您的岗位无权办理此业务"]
    dialog.close()
