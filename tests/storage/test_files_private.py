"""Owner-only files (0600) and folders (0700) for the database, its WAL, the key, exports; the key
created once when eight processes start at once; exports refuse symlinks and devices and
neutralise spreadsheet formulas."""

from __future__ import annotations

import csv
import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from teller_guard.cli import main
from teller_guard.config import Settings
from teller_guard.files import NotARegularFile, write_atomic
from teller_guard.reports.export import export_month
from teller_guard.storage.repository import Repository
from tests.factories import frozen_clock
from tests.factories.records import SHANGHAI, T0, record

ROOT = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_eight_first_starts_at_once_make_one_key(tmp_path: Path) -> None:
    data = tmp_path / "fresh" / "data"
    code = "from teller_guard.config import Settings; import sys; sys.stdout.write(Settings().secret().hex())"
    env = {**os.environ, "TELLER_GUARD_DATA_DIR": str(data)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code], env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(8)
    ]
    keys = [p.communicate(timeout=120)[0].decode() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert len(set(keys)) == 1 and len(keys[0]) == 64
    assert (data / "secret.key").read_bytes().hex() == keys[0]
    assert mode(data / "secret.key") == 0o600 and mode(data) == 0o700
    assert [p.name for p in data.iterdir()] == ["secret.key"]  # no temporary file left


def test_a_truncated_key_is_refused_not_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "secret.key").write_bytes(b"")
    with pytest.raises(ValueError, match="not a 32-byte key"):
        Settings(data_dir=tmp_path).secret()
    assert (tmp_path / "secret.key").read_bytes() == b""
    monkeypatch.setenv("TELLER_GUARD_DATA_DIR", str(tmp_path))
    assert main(["verify", "--db", f"sqlite:///{tmp_path / 'b.db'}"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a 32-byte key" in err[0]


def test_database_wal_and_export_are_owner_only(tmp_path: Path, rules: object) -> None:
    data = tmp_path / "new-data"
    url = f"sqlite:///{data / 'teller_guard.db'}"
    repo = Repository.open(url, SHANGHAI, clock=frozen_clock)
    repo.save_intervention(record())
    db = data / "teller_guard.db"
    assert mode(data) == 0o700
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-writer.lock")):
        assert path.exists() and mode(path) == 0o600, path
    out = data / "exports" / "ledger.csv"
    from teller_guard.core.records import Staff

    export_month(
        repo.engine, T0.astimezone(SHANGHAI).strftime("%Y-%m"), "csv", out,
        staff=Staff(staff_id="B001", name="赵保卫", role="security"), rules=rules, zone=SHANGHAI, now=T0,  # type: ignore[arg-type]
    )  # fmt: skip
    assert mode(out.parent) == 0o700
    written = list(out.parent.iterdir())
    assert len(written) == 3 and all(mode(p) == 0o600 for p in written), written


def test_exports_refuse_symlinks_and_devices(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "ledger.csv"
    link.symlink_to(victim)
    with pytest.raises(NotARegularFile, match="symbolic link"):
        write_atomic(link, b"data")
    assert victim.read_text() == "keep me" and link.is_symlink()
    with pytest.raises(NotARegularFile, match="not a regular file"):
        write_atomic(Path("/dev/null"), b"data")
    assert not list(tmp_path.glob(".*.part"))


def test_the_export_command_refuses_a_device_or_a_link_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["demo-data", "--db", db, "--n", "20"], clock=frozen_clock) == 0
    (tmp_path / "link.csv").symlink_to(tmp_path / "elsewhere.csv")
    for out, why in (("/dev/null", "not a regular file"), (str(tmp_path / "link.csv"), "symbolic link")):
        monkeypatch.setattr("sys.stdin", io.StringIO("123456\n"))
        capsys.readouterr()
        argv = ["export", "--db", db, "--month", "2026-10", "--format", "csv", "--out", out]
        assert main([*argv, "--staff", "demo-sec01", "--pin-stdin"], clock=frozen_clock) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and why in err[0], err
    assert not (tmp_path / "elsewhere.csv").exists()


def test_formulas_in_customer_words_are_neutralised(tmp_path: Path, repo: Repository, rules: object) -> None:
    from openpyxl import load_workbook

    from teller_guard.core.records import Staff

    words = ['=HYPERLINK("http://x","点")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]
    for k, w in enumerate(words):
        repo.save_intervention(record(T0.replace(minute=k), purpose_text=w, payee_relation_text="=1+2"))
    month = T0.astimezone(SHANGHAI).strftime("%Y-%m")
    staff = Staff(staff_id="B001", name="赵保卫", role="security")
    out = tmp_path / "x.csv"
    export_month(repo.engine, month, "csv", out, staff=staff, rules=rules, zone=SHANGHAI, now=T0)  # type: ignore[arg-type]
    cells = [c for row in csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=1+2" in cells and any(c.startswith("'=HYPERLINK") for c in cells)
    xlsx = tmp_path / "x.xlsx"
    export_month(repo.engine, month, "xlsx", xlsx, staff=staff, rules=rules, zone=SHANGHAI, now=T0)  # type: ignore[arg-type]
    book = load_workbook(xlsx)
    texts = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [t for t in texts if t[:1] in ("=", "+", "@", "\t", "\r")]
    assert "'=1+2" in texts
