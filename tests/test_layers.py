"""The domain never imports the UI: core, storage, reports and `assess` load without Textual."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

FORBIDDEN_FOR_CORE = ("textual", "rich", "sqlmodel", "sqlalchemy")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
        check=True,
        capture_output=True,
        text=True,
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "module",
    [
        "teller_guard.core",
        "teller_guard.core.scoring",
        "teller_guard.core.case",
        "teller_guard.core.closing",
        "teller_guard.core.jsonio",
        "teller_guard.core.backtest",
        "teller_guard.core.corpus",
        "teller_guard.core.similarity",
    ],
)
def test_core_imports_no_ui_and_no_storage(module: str) -> None:
    loaded = _modules_after(f"import {module}")
    bad = [m for m in loaded if m.split(".")[0] in FORBIDDEN_FOR_CORE]
    assert bad == [], f"{module} pulled in {bad}"


@pytest.mark.parametrize(
    "module",
    [
        "teller_guard.storage",
        "teller_guard.reports",
        "teller_guard.cli",
        "teller_guard.commands",
        "teller_guard.commands.backtest",
    ],
)
def test_storage_reports_and_cli_import_no_textual(module: str) -> None:
    loaded = _modules_after(f"import {module}")
    assert not [m for m in loaded if m.split(".")[0] == "textual"]


def test_assess_command_runs_without_textual() -> None:
    code = (
        "import io, sys\n"
        'sys.stdin = io.StringIO(\'{"channel": "counter", "amount": 100, "customer": {"age": 30}}\')\n'
        "from teller_guard.cli import main\n"
        "rc = main(['assess'])\n"
        "assert rc == 0, rc\n"
    )
    loaded = _modules_after(code)
    assert "teller_guard.core.scoring" in loaded  # it really scored
    assert not [m for m in loaded if m.split(".")[0] == "textual"]
