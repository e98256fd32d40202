"""`ruff check` with the configuration in pyproject.toml: clean, so CI enforces it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_check_is_clean() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


def test_ruff_bans_the_real_clock_outside_core_clock(tmp_path: Path) -> None:
    """The banned-API rule is live: reading the real time in app code is an error naming the clock."""
    probe = tmp_path / "teller_guard" / "ui" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text("from datetime import UTC, datetime\n\nstamp = datetime.now(UTC)\n")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--no-cache",
            "--output-format",
            "concise",
            "--config",
            str(ROOT / "pyproject.toml"),
            str(probe),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1
    assert "TID251" in out.stdout and "core/clock.py" in out.stdout


def test_ruff_format_leaves_every_file_as_it_is() -> None:
    """`ruff format --check`: the code is in the house format, so a diff shows only what changed."""
    out = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
