"""The makers' configuration, the interface's count rule and the settlement by count and gas
(pure parts), and the hall settings' list of makers (service)."""

from __future__ import annotations

import pytest

from app.devices.makers.config import DEFAULT_TIMEOUT, maker_from
from app.domain.cards import CardReading, CountRule, next_count, write_landed
from app.errors import InvalidInput, PermissionDenied
from app.services.administration import card_makers, change_card_makers
from app.services.security import AdminActor

# heavy (processes, the CLI, randomized days): in the suite's second half beside the PC/SC stack
pytestmark = pytest.mark.slow

ENTRY = {"code": "xfa", "name": "先锋", "library": "C:\\GasDesk\\makers\\xf.dll"}


def test_a_counters_own_key_seed_overrides_the_halls():
    assert maker_from({**ENTRY, "key_seed": "HALL"}).key_seed == "HALL"
    assert maker_from({**ENTRY, "key_seed": "HALL"}, {"key_seed": "LOCAL"}).key_seed == "LOCAL"


def test_a_maker_entry_with_its_counters_port():
    maker = maker_from({**ENTRY, "dqdm": "9A1B", "messages": {"-150": "表具锁定"}}, {"port": 4})
    assert (maker.code, maker.port, maker.baud, maker.dqdm) == ("xfa", 4, 9600, "9A1B")
    assert maker.messages == {-150: "表具锁定"} and maker.timeout == DEFAULT_TIMEOUT
    assert maker.variant == {"yhh_in_write": False, "price_by_ptr": False}


@pytest.mark.parametrize(
    ("change", "local", "text"),
    [
        ({"code": "GasDesk"}, None, "厂家代码无效"),
        ({"code": "gasdesk"}, None, "厂家代码无效"),  # GasDesk's own format is not a maker
        ({"library": " "}, None, "动态库路径"),
        ({"dqdm": "9AIO"}, None, "地区代码"),  # no I or O
        ({"dqdm": "8A00"}, None, "地区代码"),
        ({"klx": "1"}, None, "卡类型"),
        ({"czsx": -1}, None, "充值上限"),
        ({"timeout": 0}, None, "超时"),
        ({"messages": {"x": "y"}}, None, "错误代码表"),
        ({}, {"port": 0}, "串口号"),
        ({}, {"baud": 300}, "波特率"),
        ({"encoding": "klingon"}, None, "文字编码"),
        ({"yhh_in_write": "false"}, None, "接口变体"),
    ],
)
def test_a_bad_maker_entry_is_refused_in_chinese(change, local, text):
    with pytest.raises(InvalidInput) as error:
        maker_from({**ENTRY, **change}, local)
    assert text in error.value.user_message


def test_the_interfaces_count_rises_only_on_an_empty_card():
    assert next_count(CountRule.RISES_WHEN_EMPTY, 0, 0) == 1  # the first purchase sets 1
    assert next_count(CountRule.RISES_WHEN_EMPTY, 0, 2000) == 1
    assert next_count(CountRule.RISES_WHEN_EMPTY, 4, 0) == 5
    assert next_count(CountRule.RISES_WHEN_EMPTY, 4, 2000) == 4  # gas still on the card
    assert next_count(CountRule.ALWAYS_RISES, 4, 2000) == 5


def _landed(count, gas, loaded, *, before=(3, 0), after=(4, 2000)):  # type: ignore[no-untyped-def]
    return write_landed(
        CardReading("C1", count, gas, loaded),
        previous_count=before[0],
        previous_volume=before[1],
        target_count=after[0],
        target_volume=after[1],
    )


def test_a_write_is_settled_by_the_cards_count_and_gas():
    assert _landed(4, 2000, 3) is True  # as targeted
    assert _landed(4, 0, 4) is True  # targeted, and the meter has taken the gas since
    assert _landed(3, 0, 3) is False  # as before
    assert _landed(4, 500, 3) is None  # the count moved, the gas is another figure
    assert _landed(4, 0, 3) is None  # no gas, yet the meter has not taken count 4
    assert _landed(3, 700, 2) is None  # the count as before, the gas is not
    assert _landed(7, 0, 7) is None  # neither
    # a refund: count back by one, gas taken off
    assert _landed(3, 0, 3, before=(4, 2000), after=(3, 0)) is True
    assert _landed(4, 2000, 3, before=(4, 2000), after=(3, 0)) is False
    # a refund that did not land, its gas since taken by the meter: not landed either
    assert _landed(4, 0, 4, before=(4, 2000), after=(3, 0)) is False
    # written before the gas was recorded (migration 0009): the count alone decides
    assert write_landed(
        CardReading("C1", 4, 123, 0),
        previous_count=3,
        previous_volume=None,
        target_count=4,
        target_volume=None,
    )


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_halls_makers_are_saved_by_an_administrator_only(hall):
    admin = AdminActor(hall.users["admin"])
    assert card_makers(hall.ctx) == ()
    entries = ({**ENTRY, "dqdm": "9A01"}, {"code": "qcb", "library": "qc.dll"})
    assert change_card_makers(hall.ctx, admin, entries) == ("xfa", "qcb")
    assert [entry["code"] for entry in card_makers(hall.ctx)] == ["xfa", "qcb"]
    with pytest.raises(InvalidInput):  # two entries for one maker: nothing saved
        change_card_makers(hall.ctx, admin, (ENTRY, ENTRY))
    with pytest.raises(PermissionDenied):
        change_card_makers(hall.ctx, AdminActor(hall.users["lina"]), ())
    assert [entry["code"] for entry in card_makers(hall.ctx)] == ["xfa", "qcb"]


def _run(tmp_path, *args: str, stdin: str = "", **env: str):  # type: ignore[no-untyped-def]
    """``main.py`` on a live counter's data dir (a config.toml with its makers' port)."""
    import os
    import subprocess
    import sys

    from tests.support import ROOT

    config = tmp_path / "config.toml"
    if not config.exists():
        config.write_text("[makers.xfa]\nport = 3\n", encoding="utf-8")
    environment = {
        **os.environ,
        "GASDESK_DATA_DIR": str(tmp_path / "data"),
        "GASDESK_CONFIG": str(config),
        "GASDESK_MAKER_DOUBLE_DIR": str(tmp_path / "slot"),
        "QT_QPA_PLATFORM": "offscreen",
        **env,
    }
    environment.pop("GASDESK_DB_URL", None)
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
    )


def test_an_administrator_loads_the_makers_and_the_doctor_asks_each_library(tmp_path):
    import json

    from app.devices.makers.double import build

    library = build(tmp_path / "lib", "A")
    assert _run(tmp_path, "admin", "demo", "--customers", "1").returncode == 0
    makers = tmp_path / "makers.json"
    makers.write_text(
        json.dumps([{**ENTRY, "library": str(library), "key_seed": "SEED-A"}]), encoding="utf-8"
    )
    wrong = _run(tmp_path, "admin", "makers", "load", str(makers), "--user", "admin", stdin="x\n")
    assert wrong.returncode == 2 and "用户名或密码" in wrong.stderr, wrong.stderr
    loaded = _run(
        tmp_path, "admin", "makers", "load", str(makers), "--user", "admin", stdin="gasdesk\n"
    )
    assert loaded.returncode == 0, loaded.stderr
    shown = json.loads(_run(tmp_path, "admin", "makers", "show").stdout)
    assert [entry["library"] for entry in shown] == [str(library)]
    assert shown[0]["key_seed"] == "***"  # the seed is not printed

    doctor = _run(tmp_path, "admin", "doctor")
    line = next(line for line in doctor.stdout.splitlines() if " makers: " in line)
    assert line.startswith("✓ OK") and "先锋（COM3，无卡）" in line, doctor.stdout

    makers.write_text(json.dumps([{**ENTRY, "library": "/nowhere/xf.so"}]), encoding="utf-8")
    _run(tmp_path, "admin", "makers", "load", str(makers), "--user", "admin", stdin="gasdesk\n")
    doctor = _run(tmp_path, "admin", "doctor")
    line = next(line for line in doctor.stdout.splitlines() if " makers: " in line)
    assert line.startswith("✗ FAIL") and "/nowhere/xf.so" in line, doctor.stdout


def test_a_bad_makers_file_saves_nothing(tmp_path):
    import json

    assert _run(tmp_path, "admin", "demo", "--customers", "1").returncode == 0
    makers = tmp_path / "makers.json"
    makers.write_text(json.dumps([{**ENTRY, "dqdm": "9AOO"}]), encoding="utf-8")
    refused = _run(
        tmp_path, "admin", "makers", "load", str(makers), "--user", "admin", stdin="gasdesk\n"
    )
    assert refused.returncode == 2 and "地区代码" in refused.stderr
    assert json.loads(_run(tmp_path, "admin", "makers", "show").stdout) == []
