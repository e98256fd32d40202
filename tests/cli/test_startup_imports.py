"""What the CLI loads: `--help`, `--version` and a wrong argument answer from the standard library
alone; `assess` loads no database, terminal-table or UI library (the timings: bench/bench_cli.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "pydantic",
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "rich",
    "textual",
    "teller_guard.config",
    "teller_guard.commands",
)


def _run(argv: list[str], stdin: str = "") -> tuple[int, str, str, set[str]]:
    code = (
        "import sys, json, atexit\n"
        "atexit.register(lambda: sys.__stderr__.write('\\nMODULES ' + json.dumps(sorted(sys.modules))))\n"
        "from teller_guard.cli import main\n"
        f"sys.argv = ['teller-guard', *{argv!r}]\n"
        "sys.exit(main())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], input=stdin, capture_output=True, text=True)
    err, _, modules = out.stderr.rpartition("\nMODULES ")
    return out.returncode, out.stdout, err, set(json.loads(modules))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


@pytest.mark.parametrize("argv", [["--help"], ["-h"], ["assess", "--help"], ["staff", "add", "--help"], ["--version"]])
def test_help_and_version_load_nothing_heavy(argv: list[str]) -> None:
    rc, out, err, modules = _run(argv)
    assert rc == 0, err
    assert "teller-guard" in out
    assert _heavy(modules) == []
    if "--help" in argv or "-h" in argv:
        assert "示例 / example" in out  # an example per command, and the help in both languages
        assert "·" in out


def test_every_command_has_a_bilingual_help_line_and_an_example() -> None:
    from teller_guard.cli import COMMANDS, EXAMPLES

    for name, (_, help_text) in COMMANDS.items():
        zh, _, en = help_text.partition(" · ")
        assert zh and en and any("\u4e00" <= c <= "\u9fff" for c in zh), name
        assert EXAMPLES[name].startswith("teller-guard " + name) or f"| teller-guard {name}" in EXAMPLES[name], name


@pytest.mark.parametrize(
    "argv", [["--no-such-flag"], ["frobnicate"], ["assess", "--bogus"], ["export", "--month", "2026-13"]]
)
def test_a_wrong_argument_is_one_line_before_anything_heavy(argv: list[str]) -> None:
    rc, out, err, modules = _run(argv)
    assert rc == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("teller-guard: error: ")
    assert _heavy(modules) == []


def test_assess_loads_no_database_table_or_ui_library() -> None:
    rc, out, err, modules = _run(["assess"], stdin='{"channel": "counter", "amount": 100, "customer": {"age": 30}}')
    assert rc == 0, err
    assert json.loads(out)["level"] in ("low", "medium", "high", "critical")
    assert [m for m in modules if m.split(".")[0] in ("sqlalchemy", "sqlmodel", "alembic", "rich", "textual")] == []


def test_assess_on_a_cache_hit_builds_no_pydantic_model() -> None:
    """The first `assess` validates the rules (pydantic) and caches them; the next one reads the
    cache and builds no model at all: neither pydantic nor the validating schema is imported."""
    case = '{"channel": "counter", "amount": 35000, "customer": {"age": 72}, "purpose": "朋友说这个平台稳赚不赔"}'
    shutil.rmtree(Path(os.environ["TELLER_GUARD_DATA_DIR"]) / "cache")  # a data folder never used yet
    rc, first, err, modules = _run(["assess"], stdin=case)
    assert rc == 0, err
    assert "teller_guard.core.rules_schema" in modules  # a miss validates, as always
    rc, again, err, modules = _run(["assess"], stdin=case)
    assert rc == 0, err
    assert again == first
    validating = ("pydantic", "pydantic_core", "annotated_types", "teller_guard.core.rules_schema", "tomllib")
    assert [m for m in modules if m.split(".")[0] in validating or m in validating] == []
    assert "teller_guard.rules_cache" in modules


def test_a_wrong_argument_with_a_control_character_is_shown_escaped() -> None:
    """A plain wrong flag is printed as it is, without loading the escaping code; one holding a
    terminal control sequence is shown as ``\\x1b`` (never sent to the terminal)."""
    rc, out, err, modules = _run(["--no-such-flag"])
    assert rc == 2 and "teller_guard.core.privacy" not in modules
    rc, out, err, modules = _run(["--no-such\x1b[2J-flag"])
    assert rc == 2 and out == ""
    assert "\x1b" not in err and "\\x1b[2J" in err
    assert len(err.strip().splitlines()) == 1
    assert _heavy(modules) == []
