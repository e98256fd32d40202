"""Atomic files: temporary names carry the writer's pid; what a dead writer left is swept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from teller_guard.files import atomic_path, sweep_stale, write_atomic


def dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(proc.stdout)


def test_a_dead_writers_files_are_swept_and_a_live_ones_kept(tmp_path: Path) -> None:
    dead = dead_pid()
    part = tmp_path / f".ledger.xlsx.{dead}-abc123.part"
    part.write_bytes(b"half a ledger")
    scratch = tmp_path / f".ledger.xlsx.{dead}-q1w2e3-tmp.part"
    scratch.mkdir()
    (scratch / "tmpk2j3").write_text("rows of the ledger")
    mine = tmp_path / f".other.csv.{os.getpid()}-xyz.part"
    mine.write_bytes(b"being written")
    unrelated = tmp_path / ".hidden"
    unrelated.write_text("not ours")
    assert sorted(p.name for p in sweep_stale(tmp_path)) == sorted([part.name, scratch.name])
    assert not part.exists() and not scratch.exists() and mine.exists() and unrelated.exists()


def test_the_next_write_in_a_folder_sweeps_it(tmp_path: Path) -> None:
    stale = tmp_path / f".notice.pdf.{dead_pid()}-zzz.part"
    stale.write_bytes(b"%PDF-1.7 half")
    write_atomic(tmp_path / "notice.pdf", b"%PDF-1.7 whole %%EOF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notice.pdf"]


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "ledger.csv"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("disk full")
    assert list(tmp_path.iterdir()) == []


def test_age_is_measured_by_the_file_systems_clock_not_the_processs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wall clock set 400 days ahead (or moved by NTP) does not make a live writer's file stale;
    a live pid's file really a day old is swept (the pid may have been reused)."""
    import time

    fresh = tmp_path / f".ledger.csv.{os.getpid()}-fresh.part"
    fresh.write_bytes(b"being written")
    aged = tmp_path / f".ledger.pdf.{os.getpid()}-aged.part"
    aged.write_bytes(b"left long ago")
    two_days_ago = fresh.stat().st_mtime - 2 * 24 * 3600
    os.utime(aged, (two_days_ago, two_days_ago))
    real_time = time.time  # noqa: TID251 - the process clock set 400 days wrong, to show it is not used
    monkeypatch.setattr(time, "time", lambda: real_time() + 400 * 24 * 3600)
    assert [p.name for p in sweep_stale(tmp_path)] == [aged.name]
    assert fresh.exists() and not aged.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [fresh.name]  # the clock probe is gone
