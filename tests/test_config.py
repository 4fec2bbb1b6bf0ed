"""Where the database is: platformdirs by default, a config file, or GASDESK_DB_URL."""

from __future__ import annotations

import subprocess
import sys
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
    config = load_config()
    expected = Path(platformdirs.user_data_dir("gasdesk")) / "gasdesk.sqlite3"
    assert config.db_url == f"sqlite:///{expected}"
    assert config.is_embedded


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
