"""Shared fixtures: the shipped rules, a real SQLite file per test, a frozen clock, and a
throwaway PostgreSQL cluster for the tests that are about PostgreSQL.

An autouse fixture points ``TELLER_GUARD_DATA_DIR`` at a temporary folder, so no test ever
touches the developer's own database or secret.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from teller_guard.config import Settings
from teller_guard.core.rules import RuleSet, load_rules, shipped_rules_dir
from teller_guard.storage.repository import Repository

FROZEN_NOW = datetime(2026, 11, 25, 2, 30, tzinfo=UTC)
"""10:30 Beijing time on a weekday: the clock every UI test and snapshot sees."""


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("TELLER_GUARD_DATA_DIR", str(data))
    for var in ("TELLER_GUARD_DB", "TELLER_GUARD_RULES", "TELLER_GUARD_TZ"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_rules(shipped_rules_dir())


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped rules folder, for tests that break it on purpose."""
    dest = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), dest)
    return dest


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, db=f"sqlite:///{tmp_path / 'teller_guard.db'}")


@pytest.fixture
def repo(settings: Settings) -> Repository:
    """A repository on a real SQLite file (WAL, migrated)."""
    return Repository.open(settings.db_url, settings.zone)


@pytest.fixture
def frozen_clock() -> datetime:
    return FROZEN_NOW


# ---------------------------------------------------------------- PostgreSQL


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A throwaway PostgreSQL cluster (initdb in a temp dir, fsync off), dropped afterwards.

    Needs Debian's ``postgresql`` package; fails loudly (never skips) when it is missing.
    """
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not bins:
        pytest.fail("PostgreSQL is not installed: apt-get install postgresql (.ci/run does this)")
    pgbin = bins[-1].parent
    data = Path(tempfile.mkdtemp(prefix="tg-pg-"))
    as_root = os.geteuid() == 0
    if as_root:
        shutil.chown(data, "postgres", "postgres")

    def pg(*cmd: str) -> None:
        full = [str(pgbin / cmd[0]), *cmd[1:]]
        if as_root:
            full = ["su", "postgres", "-c", " ".join(f"'{c}'" for c in full)]
        subprocess.run(full, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    port = _free_port()
    pg(
        "initdb",
        "-D",
        str(data),
        "-U",
        "postgres",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        "--auth=trust",
        "-N",
    )
    pg(
        "pg_ctl",
        "-D",
        str(data),
        "-l",
        str(data / "server.log"),
        "-w",
        "-o",
        f"-c listen_addresses=127.0.0.1 -p {port} -k {data} -c fsync=off",
        "start",
    )
    try:
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "-qc",
                "CREATE DATABASE teller_guard",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/teller_guard"
    finally:
        pg("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(data, ignore_errors=True)
