"""The short run of ``bench/load_counters.py``: several counter processes, each case with a
notice serial and an acknowledgement, through the code the counter uses — 0 errors, 0 lost,
0 duplicate serials, 0 missing serials, and one unbroken evidence chain, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "load_counters.py"


def run_load(*args: str) -> dict[str, str]:
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--processes", "4", "--cases", "25", *args],
        capture_output=True,
        text=True,
        timeout=600,
    )
    figures = dict(re.findall(r"^([a-z ]+): (.+)$", proc.stdout, re.M))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return figures


def _check(figures: dict[str, str]) -> None:
    assert figures["started"].startswith("4/4")
    assert figures["errors"] == "0"
    assert figures["lost"] == "0"
    assert figures["duplicate serials"] == "0"
    assert figures["missing serials"] == "0"
    assert figures["saved"].startswith("100/100 cases")
    assert "serials still open: 0" in figures["saved"]
    assert re.match(r"p50 [\d.]+ ms\s+p99 [\d.]+ ms", figures["save latency"])
    assert figures["chain"].startswith("intact, 100 links, 100 records"), figures["chain"]


@pytest.mark.slow
def test_four_counters_on_a_new_sqlite_file(tmp_path: Path) -> None:
    figures = run_load("--db", f"sqlite:///{tmp_path / 'load.db'}")
    _check(figures)
    assert "integrity_check: ok" in figures["saved"]


@pytest.mark.slow
def test_four_counters_on_a_new_postgresql_database(pg_database: str) -> None:
    _check(run_load("--db", pg_database))
