"""The domain never imports the UI: core, storage, reports and `assess` load without Textual."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

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
        "teller_guard.demo",
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


def test_import_contracts_hold() -> None:
    """`lint-imports` with the contracts in pyproject.toml: the layers, and who may import Textual."""
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True))",
        ],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout
    # every package of ours is named by the layers contract, so a new one cannot slip past it
    layered = {"__main__", "cli", "commands", "ui", "reports", "identity", "demo", "storage", "core"}
    helpers = {"config", "files", "printing", "cli_args", "rules_cache", "__init__"}
    ours = {
        p.stem if p.is_file() else p.name
        for p in (root / "teller_guard").iterdir()
        if (p.suffix == ".py" or (p / "__init__.py").exists())
    }
    assert ours - layered - helpers == set(), "add the new package to [tool.importlinter] in pyproject.toml"


def test_layers_contract_catches_an_arrow_the_wrong_way(tmp_path: Path) -> None:
    """The contract is live: a storage module that imports the UI breaks it."""
    root = Path(__file__).resolve().parents[1]
    pkg = tmp_path / "teller_guard"
    shutil.copytree(root / "teller_guard", pkg, ignore=shutil.ignore_patterns("__pycache__", "*.ttf", "*.otf"))
    (pkg / "storage" / "wrong_way.py").write_text("from teller_guard.ui import app\n")
    shutil.copy(root / "pyproject.toml", tmp_path / "pyproject.toml")
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True))",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    assert out.returncode != 0
    assert "teller_guard.storage.wrong_way -> teller_guard.ui.app" in out.stdout


def test_no_test_module_imports_another() -> None:
    """Shared builders live in tests/factories (or a conftest, or tests/ui/helpers.py), never in a
    test module another test imports: a test module's fixtures and collection would come along."""
    import ast

    root = Path(__file__).resolve().parents[1]
    offenders = []
    for path in sorted((root / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(n.startswith("tests.") and n.rsplit(".", 1)[-1].startswith("test_") for n in names):
                offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert offenders == []


def test_no_pydantic_plugin_is_loaded(tmp_path: Path) -> None:
    """A package that declares a pydantic plugin would see every value validated (PINs, the
    customer's words): teller_guard turns plugins off before pydantic looks for them."""
    dist = tmp_path / "spy-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: spy\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[pydantic]\nspy = spy:plugin\n")
    marker = tmp_path / "loaded"
    (tmp_path / "spy.py").write_text(f"open({str(marker)!r}, 'w').close()\nplugin = object()\n")
    code = "import {}\nfrom pydantic.plugin._loader import get_plugins\nprint(len(list(get_plugins())))"
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    env["PYTHONPATH"] = str(tmp_path)
    # Without teller_guard the plugin is found and imported: the test would see one.
    bare = subprocess.run([sys.executable, "-c", code.format("pydantic")], capture_output=True, text=True, env=env)
    assert bare.stdout.split() == ["1"] and marker.exists(), bare.stderr
    marker.unlink()
    ours = subprocess.run(
        [sys.executable, "-c", code.format("teller_guard.core.records")], capture_output=True, text=True, env=env
    )
    assert ours.stdout.split() == ["0"] and not marker.exists(), ours.stderr
