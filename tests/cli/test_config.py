"""Configuration: environment variables, flags that win over them, the installation secret."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from teller_guard.config import Settings
from teller_guard.core.rules import shipped_rules_dir


def test_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TELLER_GUARD_DATA_DIR", str(tmp_path))
    s = Settings()
    assert s.db_url == f"sqlite:///{tmp_path / 'teller_guard.db'}"
    assert s.rules == shipped_rules_dir() and s.tz == "Asia/Shanghai"


def test_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TELLER_GUARD_DB", "sqlite:////tmp/x.db")
    monkeypatch.setenv("TELLER_GUARD_RULES", str(tmp_path))
    monkeypatch.setenv("TELLER_GUARD_TZ", "Asia/Urumqi")
    s = Settings()
    assert (s.db_url, s.rules, s.tz) == ("sqlite:////tmp/x.db", tmp_path, "Asia/Urumqi")


def test_flags_win_over_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TELLER_GUARD_DB", f"sqlite:///{tmp_path / 'env.db'}")
    flag_db = tmp_path / "flag.db"
    proc = subprocess.run(
        [sys.executable, "-m", "teller_guard", "db", "upgrade", "--db", f"sqlite:///{flag_db}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert flag_db.exists() and not (tmp_path / "env.db").exists()


def test_secret_is_created_once_and_private(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path / "d")
    first = s.secret()
    assert len(first) == 32 and s.secret() == first
    mode = stat.S_IMODE(os.stat(tmp_path / "d" / "secret.key").st_mode)
    assert mode == 0o600


def test_python_dash_m_is_the_same_command() -> None:
    a = subprocess.run([sys.executable, "-m", "teller_guard", "--version"], capture_output=True, text=True, timeout=60)
    assert a.returncode == 0 and a.stdout.startswith("teller-guard ")


def test_the_fast_pin_hash_is_refused_outside_the_test_suite(tmp_path: Path) -> None:
    """A weak PIN hash set by mistake on a branch PC must stop the app, not quietly weaken every PIN."""
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    env.update(TELLER_GUARD_PIN_HASH="insecure-fast-for-tests", TELLER_GUARD_DATA_DIR=str(tmp_path))
    proc = subprocess.run(
        [sys.executable, "-m", "teller_guard", "rules", "check"], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "TELLER_GUARD_PIN_HASH" in proc.stderr and "test suite only" in proc.stderr
