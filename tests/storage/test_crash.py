"""kill -9 in the middle of writing: an export, a notice, demo data. No half file under the final
name, nothing left behind after the next start, and the database still whole
(``PRAGMA integrity_check``). The kill moments are fractions of a full run timed first, so the
test holds on a busy machine as on an idle one."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from teller_guard.cli import main
from teller_guard.core.accounts import DEMO_PIN


def cli(*argv: str, stdin: str | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "teller_guard", *argv],
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def timed_run(*argv: str, stdin: str | None = None) -> float:
    started = time.perf_counter()
    proc = cli(*argv, stdin=stdin)
    _, err = proc.communicate(input=stdin.encode() if stdin is not None else None, timeout=600)
    assert proc.returncode == 0, err.decode()
    return time.perf_counter() - started


def kill_at(delay: float, *argv: str, stdin: str | None = None) -> None:
    proc = cli(*argv, stdin=stdin)
    if stdin is not None:
        assert proc.stdin is not None
        proc.stdin.write(stdin.encode())
        proc.stdin.close()
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture(scope="module")
def ledger_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("ledger") / "demo.db"
    assert main(["demo-data", "--n", "6000", "--months", "1", "--db", f"sqlite:///{path}"]) == 0
    with sqlite3.connect(path) as db:
        month = db.execute("SELECT local_month FROM intervention GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[
            0
        ]
    return path, str(month)


@pytest.mark.slow
@pytest.mark.xdist_group("crash_ledger")  # one worker builds ledger_db for both formats
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_killed_export_leaves_no_half_file(tmp_path: Path, ledger_db: tuple[Path, str], fmt: str) -> None:
    db, month = ledger_db
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / f"ledger.{fmt}"
    argv = (
        "export",
        "--db",
        f"sqlite:///{db}",
        "--month",
        month,
        "--format",
        fmt,
        "--out",
        str(out),
        "--staff",
        "demo-sec01",
        "--pin-stdin",
    )
    pin = f"{DEMO_PIN}\n"  # the documented demo PIN of demo-data's staff
    full = timed_run(*argv, stdin=pin)
    reference = out.read_bytes()
    out.unlink()
    for fraction in (0.35, 0.6, 0.8, 0.95):
        kill_at(full * fraction, *argv, stdin=pin)
        if out.exists():  # only ever the whole file: it is renamed into place when complete
            assert out.read_bytes()[:4] == reference[:4] and out.stat().st_size > len(reference) // 2
            out.unlink()
    timed_run(*argv, stdin=pin)  # the next start
    assert out.exists() and leftovers(folder) == []
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.slow
def test_a_killed_notice_leaves_no_half_pdf(tmp_path: Path) -> None:
    doc = json.dumps({"channel": "counter", "amount": 80000, "customer": {"age": 76}, "purpose": "公安说转到安全账户"})
    out = tmp_path / "notice.pdf"
    argv = ("notice", "--input", "-", "--out", str(out))
    full = timed_run(*argv, stdin=doc)
    out.unlink()
    for fraction in (0.5, 0.7, 0.85, 0.95):
        kill_at(full * fraction, *argv, stdin=doc)
        if out.exists():
            data = out.read_bytes()
            assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
            out.unlink()
    timed_run(*argv, stdin=doc)
    assert out.exists() and leftovers(tmp_path) == []


@pytest.mark.slow
def test_killed_demo_data_leaves_the_database_whole(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    url = f"sqlite:///{path}"
    for delay in (1.5, 3.0, 5.0):
        kill_at(delay, "demo-data", "--n", "200000", "--db", url)
        if path.exists():
            with sqlite3.connect(path) as db:
                assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                if "intervention" in tables:  # one transaction: all of a run or none of it
                    assert db.execute("SELECT count(*) FROM intervention").fetchone()[0] in (0, 200000)
    assert main(["demo-data", "--n", "50", "--db", url]) == 0  # the next start
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM intervention").fetchone()[0] == 50
    assert leftovers(tmp_path) == []
