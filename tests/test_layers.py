"""Dependency direction ui -> app -> db, no Qt outside ui, pure domain, devices only through
app.counter, and the counter window and dialogs on app.counter alone (import-linter)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 kept, 0 broken" in result.stdout


def test_no_qt_import_anywhere_under_app():
    """Belt and braces: a plain text scan, including imports inside functions."""
    offenders = [
        str(path)
        for path in (ROOT / "app").rglob("*.py")
        if any(
            line.strip().startswith(("import PySide6", "from PySide6", "from ui", "import ui"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert offenders == []


def test_the_dialogs_contract_names_every_module_of_app_but_the_four_they_may_use():
    """A new module under app/ is forbidden to the counter window and dialogs until it is
    deliberately allowed: the contract lists all of app but counter, domain, errors, vocabulary."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    dialogs = next(c for c in contracts if "ui.dialogs" in c.get("source_modules", ()))
    allowed = {"counter", "domain", "errors", "vocabulary"}
    modules = {
        path.stem if path.is_file() else path.name
        for path in (ROOT / "app").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").exists()
    }
    forbidden = {name.removeprefix("app.") for name in dialogs["forbidden_modules"]}
    assert modules - allowed <= forbidden
    assert not allowed & forbidden
