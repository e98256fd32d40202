"""Faults: a busy database is retried, a full disk or a read-only database is one clear line
(CLI exit 2; a Chinese message in the app), a dropped server connection costs one reconnect.
Nothing is recorded as saved when it was not."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, text

from teller_guard.storage import retry
from teller_guard.storage.db import make_engine
from teller_guard.storage.faults import classify, teller_message
from teller_guard.storage.repository import Repository
from tests.factories import frozen_clock
from tests.factories.faults import full_disk_engine
from tests.factories.records import SHANGHAI, record


def test_a_full_disk_is_recognised_and_nothing_is_saved(repo: Repository) -> None:
    url = str(repo.engine.url)
    pages = {"max": 0}
    full = Repository(full_disk_engine(url, pages), SHANGHAI, clock=frozen_clock)
    rec = record(notes_text="很长的备注" * 4000)  # needs new pages
    with pytest.raises(Exception) as err:
        full.save_intervention(rec)
    fault = classify(err.value)
    assert fault is not None and fault.kind == "disk_full"
    assert "磁盘已满" in teller_message(err.value)
    assert repo.get(rec.uid) is None


def test_a_read_only_database_is_recognised(tmp_path: Path, template_db: Path) -> None:
    path = tmp_path / "ro.db"
    path.write_bytes(template_db.read_bytes())
    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    with pytest.raises(Exception) as err, engine.begin() as conn:
        conn.execute(text("INSERT INTO db_meta (key, value) VALUES ('x', 'y')"))
    fault = classify(err.value)
    assert fault is not None and fault.kind == "read_only"
    assert fault.line.startswith("database: the database is read-only")


def test_a_locked_database_is_transient(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, timeout=0)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    other = sqlite3.connect(path, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as err:
        other.execute("INSERT INTO t VALUES (1)")
    holder.rollback()
    assert retry.transient_kind(err.value) == "busy"
    assert "繁忙" in teller_message(err.value)


def test_retry_runs_the_work_again_with_jittered_waits() -> None:
    calls: list[int] = []
    waits: list[float] = []
    seen: list[str] = []

    def work() -> str:
        calls.append(1)
        if len(calls) < 4:
            raise sqlite3.OperationalError("database is locked")
        return "saved"

    result = retry.run_with_retry(
        work, sleep=waits.append, jitter=lambda: 0.5, on_retry=lambda n, kind, exc: seen.append(kind)
    )
    assert result == "saved" and len(calls) == 4 and seen == ["busy"] * 3
    assert waits == sorted(waits) and all(0 < w <= retry.MAX_DELAY for w in waits)


def test_retry_gives_up_after_its_budget_and_never_retries_a_real_error() -> None:
    now = [0.0]

    def sleep(s: float) -> None:
        now[0] += s

    def busy() -> None:
        raise sqlite3.OperationalError("database is locked")

    with pytest.raises(sqlite3.OperationalError):
        retry.run_with_retry(busy, budget=2.0, sleep=sleep, jitter=lambda: 1.0, clock=lambda: now[0])
    assert 1.0 <= now[0] <= 2.0
    calls = []

    def broken() -> None:
        calls.append(1)
        raise ValueError("a bug")

    with pytest.raises(ValueError):
        retry.run_with_retry(broken)
    assert calls == [1]


def test_a_save_waits_out_another_counters_long_write(repo: Repository) -> None:
    """Another counter holds the write lock longer than the driver's own busy wait: the save is
    retried (with jitter) and lands; no "database is locked" reaches the teller."""
    url = str(repo.engine.url)
    impatient = make_engine(url)

    @event.listens_for(impatient, "connect")
    def _short(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA busy_timeout = 20")

    counter = Repository(impatient, SHANGHAI, clock=frozen_clock)
    path = url.removeprefix("sqlite:///")
    holder = sqlite3.connect(path, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.8, holder.rollback)
    release.start()
    before = sum(retry.retries.values())
    rec = record()
    counter.save_intervention(rec)
    release.join()
    assert repo.get(rec.uid) == rec
    assert sum(retry.retries.values()) > before


def test_cli_on_a_full_disk_is_one_line_and_exit_2(tiny_disk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from teller_guard.cli import main

    url = f"sqlite:///{tiny_disk / 'demo.db'}"
    assert main(["demo-data", "--n", "3000", "--db", url]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "disk holding the database is full" in err[0], err
    with sqlite3.connect(tiny_disk / "demo.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM intervention").fetchone()[0] == 0  # all or nothing


def test_a_dropped_server_connection_costs_at_most_one_retry(pg_database: str) -> None:
    """What a counter sees when PostgreSQL restarts: every pooled connection is dropped; the next
    save reconnects (pre-ping) and lands."""
    repo = Repository.open(pg_database, SHANGHAI, clock=frozen_clock)
    repo.save_intervention(record())
    name = pg_database.rsplit("/", 1)[1]
    admin = create_engine(pg_database.rsplit("/", 1)[0] + "/teller_guard", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        killed = conn.execute(
            text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :d"), {"d": name}
        ).scalar()
    admin.dispose()
    assert killed >= 1
    before = retry.retries["connection"]
    rec = record(uid="after-restart")
    started = time.perf_counter()
    repo.save_intervention(rec)
    assert repo.get(rec.uid) == rec
    assert retry.retries["connection"] - before <= 1
    assert time.perf_counter() - started < 10
    repo.engine.dispose()
