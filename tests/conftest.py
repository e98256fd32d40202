"""Shared fixtures: the shipped rules, a real SQLite file per test, a frozen clock, and a
throwaway PostgreSQL cluster for the tests that are about PostgreSQL.

An autouse fixture points ``TELLER_GUARD_DATA_DIR`` at a temporary folder, so no test ever
touches the developer's own database or secret. The schema is migrated once per test session
into a template file; each test gets its own copy (a real SQLite file, WAL, at head).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from teller_guard.config import Settings
from teller_guard.core.rules import RuleSet, load_rules, shipped_rules_dir
from teller_guard.storage.db import make_engine, migrate
from teller_guard.storage.repository import Repository
from tests.factories import FROZEN_NOW, frozen_clock

DEBIAN_PACKAGE_OF = {
    "pdftotext": "poppler-utils",
    "pdftoppm": "poppler-utils",
    "pdffonts": "poppler-utils",
    "tmux": "tmux",
    "chromium": "chromium",
    "rsvg-convert": "librsvg2-bin",
    "soffice": "libreoffice-calc-nogui",
    "psql": "postgresql",
    "lp": "cups-client",
    "lpadmin": "cups-client",
    "lpstat": "cups-client",
    "cupsd": "cups",
}
"""The Debian package ``.ci/run`` installs for each system tool a test calls."""


def require_tool(name: str) -> str:
    """The path of a system tool a test needs; fail (never skip) naming the package to install."""
    path = shutil.which(name)
    if path is None:
        package = DEBIAN_PACKAGE_OF.get(name, name)
        pytest.fail(f"{name} is not installed: .ci/run must install the Debian package {package!r}")
    return path


def require_debian_data(path: str, package: str) -> Path:
    """A data file from a Debian package a test reads through a tool; fail naming the package."""
    found = Path(path)
    if not found.exists():
        pytest.fail(f"{path} is missing: .ci/run must install the Debian package {package!r}")
    return found


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: two workers per usable CPU. Many tests spend their time waiting — on a
    tmux pane, a killed child process, PostgreSQL, Chromium, Pilot's idle checks — so one
    worker per CPU leaves the CPUs half idle (3:47 against 2:53 for the suite on 2 CPUs)."""
    return 2 * len(os.sched_getaffinity(0))


@pytest.fixture(scope="session")
def _warm_rules_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped rules' cache file, written once per worker (teller_guard/rules_cache.py)."""
    from teller_guard.rules_cache import cache_file, load_rules_cached

    cache = tmp_path_factory.mktemp("rules-cache")
    load_rules_cached(shipped_rules_dir(), cache)
    built = cache_file(shipped_rules_dir(), cache)
    assert built.exists(), "the shipped rules were not cached"
    return built


@pytest.fixture(autouse=True)
def _isolated_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, _warm_rules_cache: Path
) -> None:
    data = tmp_path_factory.mktemp("data")
    # The shipped rules' cache, as any data folder has it after the first command: each command
    # a test runs in a process of its own would otherwise validate the rules again (≈0.2 s).
    # Tests about the cache itself use folders of their own (tests/cli/test_rules_cache.py).
    (data / "cache").mkdir(mode=0o700)
    shutil.copy2(_warm_rules_cache, data / "cache" / _warm_rules_cache.name)
    monkeypatch.setenv("TELLER_GUARD_DATA_DIR", str(data))
    for var in ("TELLER_GUARD_DB", "TELLER_GUARD_RULES", "TELLER_GUARD_TZ", "TELLER_GUARD_SESSION_CLIENT"):
        monkeypatch.delenv(var, raising=False)
    # Cheap argon2id parameters for the suite (hundreds of PINs); the production default is
    # untouched, and tests/identity checks that the default is the RFC 9106 set.
    monkeypatch.setenv("TELLER_GUARD_PIN_HASH", "insecure-fast-for-tests")


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


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per session (copied for each test)."""
    path = tmp_path_factory.mktemp("template") / "teller_guard.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with engine.connect() as conn:  # fold the WAL into the file, so one file is the whole database
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def repo(settings: Settings, template_db: Path) -> Repository:
    """A repository on a real SQLite file of its own (WAL, at head), on the frozen clock."""
    target = settings.data_dir / "teller_guard.db"
    shutil.copyfile(template_db, target)
    return Repository(make_engine(settings.db_url), settings.zone, clock=frozen_clock)


@pytest.fixture
def now() -> datetime:
    """The frozen instant every test sees as now."""
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


@pytest.fixture
def pg_database(pg_url: str) -> Iterator[str]:
    """A new, empty database of its own in the throwaway cluster (its URL); dropped afterwards."""
    import uuid

    from sqlalchemy import create_engine, text

    name = f"tg_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield pg_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 2 MB file system (tmpfs), unmounted afterwards: a disk that fills up (needs root, as CI runs)."""
    import subprocess

    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode:
        pytest.fail(f"these tests mount a small tmpfs and need root: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses the throwaway PostgreSQL is a ``postgres`` test, whether or not it says so."""
    for item in items:
        if {"pg_url", "pg_database"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)
