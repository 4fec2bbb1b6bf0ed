"""Where the database is: platformdirs by default, a config file, or GASDESK_DB_URL."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import platformdirs
import pytest

from app.config import load_config
from app.errors import InvalidInput
from db import migrate

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in ("GASDESK_DB_URL", "GASDESK_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GASDESK_CONFIG", str(tmp_path / "config.toml"))
    return tmp_path


def test_default_is_sqlite_in_the_user_data_dir(clean_env):
    """A configured hall without db_url: gasdesk.sqlite3; nothing configured at all: the demo
    hall's own demo.sqlite3 beside it, so demo sales never land in a hall's database."""
    (clean_env / "config.toml").write_text('hall_code = "03"\n', encoding="utf-8")
    config = load_config()
    expected = Path(platformdirs.user_data_dir("gasdesk")) / "gasdesk.sqlite3"
    assert config.db_url == f"sqlite:///{expected}"
    assert config.is_embedded and not config.demo
    (clean_env / "config.toml").unlink()
    demo = load_config()
    assert demo.demo and demo.db_url == f"sqlite:///{expected.with_name('demo.sqlite3')}"
    assert demo.is_embedded


def test_config_file_names_the_database_and_counter(clean_env):
    (clean_env / "config.toml").write_text(
        'db_url = "postgresql://gasdesk@hall-server/gasdesk"\nhall_code = "03"\ncounter_code = "4"\n',
        encoding="utf-8",
    )
    config = load_config()
    assert config.db_url == "postgresql://gasdesk@hall-server/gasdesk"
    assert (config.hall_code, config.counter_code) == ("03", "4")
    assert not config.is_embedded


def test_environment_overrides_the_file(clean_env, monkeypatch):
    (clean_env / "config.toml").write_text('db_url = "sqlite:///x.db"\n', encoding="utf-8")
    monkeypatch.setenv("GASDESK_DB_URL", "postgresql://other/db")
    assert load_config().db_url == "postgresql://other/db"
    # training mode never touches the configured database
    assert load_config(training=True).db_url.endswith("training.sqlite3")


def test_broken_config_file_is_a_clear_error(clean_env):
    (clean_env / "config.toml").write_text("db_url = [unterminated", encoding="utf-8")
    with pytest.raises(InvalidInput) as error:
        load_config()
    assert "配置文件" in error.value.user_message


@pytest.mark.postgres
def test_cli_upgrades_a_postgresql_database_given_by_url(postgres_template, tmp_path):
    url = postgres_template.new_empty()
    try:
        result = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "admin", "db", "upgrade"],
            env={
                "GASDESK_DB_URL": url,
                "GASDESK_DATA_DIR": str(tmp_path),
                "PATH": "/usr/bin:/bin",
                "GASDESK_CONFIG": str(tmp_path / "none.toml"),
            },
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert f"schema revision: {migrate.head_revision()}" in result.stdout
    finally:
        postgres_template.drop(url)


# ------------------------------------------------------------------------- private files


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.fixture
def open_umask():
    """The default umask of a desktop session (files 0644, folders 0755)."""
    import os

    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_the_log_dir_and_every_log_file_are_private(tmp_path, open_umask):
    import logging

    from app.logging_setup import setup_logging

    data_dir = tmp_path / "data"
    (data_dir / "logs").mkdir(parents=True, mode=0o755)
    old = data_dir / "logs" / "gasdesk.log.1"  # left by an older version, world-readable
    old.write_text("old\n")
    old.chmod(0o644)
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        path = setup_logging(data_dir)
        handler = next(h for h in root.handlers if h not in before and hasattr(h, "doRollover"))
        logging.getLogger("test").warning("a line with a customer's name")
        handler.doRollover()  # the new current file is made by the handler too
        logging.getLogger("test").warning("after the rollover")
        handler.flush()
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
                handler.close()
    assert (mode(data_dir), mode(data_dir / "logs")) == (0o700, 0o700)
    files = sorted((data_dir / "logs").glob("gasdesk.log*"))
    assert path in files and len(files) == 3
    assert {f.name: mode(f) for f in files} == dict.fromkeys((f.name for f in files), 0o600)


def test_the_first_run_writes_config_toml_private(tmp_path, open_umask):
    """db_url may carry a PostgreSQL password: the wizard's config.toml is 0600 in a 0700
    folder, also when it merges into an existing world-readable file."""
    from types import SimpleNamespace

    from ui.first_run import FirstRunWizard

    target = tmp_path / "conf" / "gasdesk" / "config.toml"
    wizard = SimpleNamespace(
        config_file=target, local_values=lambda: {"hall_code": "07", "counter_code": "2"}
    )
    FirstRunWizard.write_config(wizard)  # type: ignore[arg-type]
    assert (mode(target.parent), mode(target)) == (0o700, 0o600)
    target.write_text('db_url = "postgresql://gas:secret@db/hall"\n')
    target.chmod(0o644)
    FirstRunWizard.write_config(wizard)  # type: ignore[arg-type]
    assert mode(target) == 0o600
    assert tomllib.loads(target.read_text()) == {
        "db_url": "postgresql://gas:secret@db/hall",
        "hall_code": "07",
        "counter_code": "2",
    }
    assert [p.name for p in target.parent.iterdir()] == ["config.toml"]  # no temporary left


# ------------------------------------------------------------------------- the config schema


def test_every_key_of_the_schema_refuses_a_wrong_type_naming_the_key(clean_env):
    from app.config import SCHEMA

    wrong = {"text": "[1]", "path": "5", "int": "1.5", "number": '"4"', "flag": '"yes"'}
    wrong["table"] = '"x"'
    for key, setting in SCHEMA.items():
        (clean_env / "config.toml").write_text(f"{key} = {wrong[setting.kind]}\n")
        with pytest.raises(InvalidInput) as error:
            load_config()
        assert f"{key} 的值无效" in error.value.user_message, key


def test_key_files_are_strings_and_relative_ones_live_in_the_data_dir(clean_env, monkeypatch):
    from app.auditkey import audit_key_path
    from app.cardkey import card_key_path

    data_dir = clean_env / "data"
    monkeypatch.setenv("GASDESK_DATA_DIR", str(data_dir))
    monkeypatch.chdir(clean_env)  # not where a relative key file may end up
    (clean_env / "config.toml").write_text(
        'audit_key_file = "keys/audit"\ncard_key_file = "/srv/keys/card.toml"\n'
    )
    config = load_config()
    assert audit_key_path(config) == data_dir / "keys" / "audit"
    assert card_key_path(config) == Path("/srv/keys/card.toml")


def test_numbers_must_be_finite_and_in_range(clean_env):
    for text in ("inf", "nan", "-1", "0", "1e400", "100000"):
        (clean_env / "config.toml").write_text(f"backup_every_hours = {text}\n")
        with pytest.raises(InvalidInput, match="backup_every_hours"):
            load_config()
    for text in ("0", "-1", "99999999999999999999", "true"):
        (clean_env / "config.toml").write_text(f"backup_keep = {text}\n")
        with pytest.raises(InvalidInput, match="backup_keep"):
            load_config()
    (clean_env / "config.toml").write_text("backup_keep = 7\nbackup_every_hours = 0.5\n")
    assert load_config().extra == {"backup_keep": 7, "backup_every_hours": 0.5}


def test_control_characters_are_refused_in_the_environment_too(clean_env, monkeypatch):
    monkeypatch.setenv("GASDESK_DB_URL", "sqlite:////tmp/x\x01.db")
    with pytest.raises(InvalidInput) as error:
        load_config()
    assert "环境变量 GASDESK_DB_URL 中 db_url 的值无效：含有控制字符" in error.value.user_message


def test_an_unknown_key_is_warned_about(clean_env, caplog):
    (clean_env / "config.toml").write_text('bakup_dir = "/srv/b"\ncounter_code = "3"\n')
    with caplog.at_level("WARNING"):
        config = load_config()
    assert config.counter_code == "3"
    assert any("bakup_dir" in r.getMessage() for r in caplog.records)
    assert config.warnings and "bakup_dir" in config.warnings[0]
