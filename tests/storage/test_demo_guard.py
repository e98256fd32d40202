"""demo-data writes only to a new database or one it marked as demo, never to one that is, or
may be, the branch's (the embedded default, the one TELLER_GUARD_DB names)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from teller_guard.cli import main
from teller_guard.config import Settings
from teller_guard.storage.db import make_engine
from teller_guard.storage.db_meta import DEMO, purpose
from teller_guard.storage.repository import Repository
from tests.factories.records import SHANGHAI


def _count(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT count(*) FROM intervention").fetchone()[0])


def _err(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def test_the_configured_branch_database_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    branch = tmp_path / "branch.db"
    Repository.open(f"sqlite:///{branch}", SHANGHAI).engine.dispose()  # set up, no cases yet
    monkeypatch.setenv("TELLER_GUARD_DB", f"sqlite:///{branch}")
    assert main(["demo-data", "--n", "20"]) == 2
    assert "TELLER_GUARD_DB names it" in _err(capsys)
    assert main(["demo-data", "--n", "20", "--db", f"sqlite:///{tmp_path}/./branch.db"]) == 2  # same file, spelt apart
    assert "TELLER_GUARD_DB names it" in _err(capsys)
    assert _count(branch) == 0


def test_the_embedded_database_named_explicitly_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    embedded = Settings().data_dir / "teller_guard.db"
    Repository.open(f"sqlite:///{embedded}", SHANGHAI).engine.dispose()
    assert main(["demo-data", "--n", "20", "--db", f"sqlite:///{embedded}"]) == 2
    assert "the embedded default" in _err(capsys)
    assert _count(embedded) == 0


def test_a_new_configured_database_is_filled_and_marked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = tmp_path / "training.db"
    monkeypatch.setenv("TELLER_GUARD_DB", f"sqlite:///{demo}")
    assert main(["demo-data", "--n", "30"]) == 0
    assert main(["demo-data", "--n", "30", "--seed", "2"]) == 0  # marked demo: a second run adds
    assert _count(demo) == 60
    engine = make_engine(f"sqlite:///{demo}")
    assert purpose(engine) == DEMO
    capsys.readouterr()


def test_a_configured_database_on_postgresql_is_refused(
    pg_database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Repository.open(pg_database, SHANGHAI).engine.dispose()
    monkeypatch.setenv("TELLER_GUARD_DB", pg_database)
    assert main(["demo-data", "--n", "20"]) == 2
    assert "not marked as demo" in _err(capsys)
