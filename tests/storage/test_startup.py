"""Start-up on a shared database: the schema version read cheaply, migrations under a lock,
eight counters starting at once on a new database, a kill mid-migration, a newer schema."""

from __future__ import annotations

import json
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from teller_guard.cli import main
from teller_guard.storage.db import VERSIONS, current_revision, head_revision, make_engine, migrate
from teller_guard.storage.faults import SchemaTooNew
from teller_guard.storage.repository import Repository
from tests.factories.records import SHANGHAI


def test_the_head_is_the_highest_file_and_the_chain_is_linear() -> None:
    from alembic.script import ScriptDirectory

    from teller_guard.storage.db import alembic_config

    script = ScriptDirectory.from_config(alembic_config(None))  # type: ignore[arg-type]
    assert script.get_heads() == [head_revision()]
    files = sorted(p for p in VERSIONS.glob("*.py") if p.name[:4].isdigit())
    previous = None
    for path in files:
        source = path.read_text(encoding="utf-8")
        revision = re.search(r'^revision = "(\w+)"', source, re.M)
        down = re.search(r"^down_revision = (None|\"\w+\")", source, re.M)
        assert revision and revision.group(1) == path.name[:4], f"{path.name}: revision must be its file prefix"
        assert down and down.group(1) == (f'"{previous}"' if previous else "None"), f"{path.name}: chain not linear"
        previous = revision.group(1)


def test_a_database_at_head_starts_without_alembic(template_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "at_head.db"
    path.write_bytes(template_db.read_bytes())
    code = (
        "import sys, json; from zoneinfo import ZoneInfo\n"
        "from teller_guard.storage.repository import Repository\n"
        f"Repository.open('sqlite:///{path}', ZoneInfo('Asia/Shanghai'))\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('alembic'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert json.loads(out.strip().splitlines()[-1]) == []


START = """
import sys, time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo
from teller_guard.core.records import Staff
from teller_guard.storage.repository import Repository
url, start, who = sys.argv[1], float(sys.argv[2]), sys.argv[3]
while time.time() < start:
    time.sleep(0.002)
repo = Repository.open(url, ZoneInfo("Asia/Shanghai"))
repo.staff.add(Staff(staff_id=who, name="柜员" + who), "argon2id-hash-of-" + who, at=datetime.now(UTC), must_change=False)
print(repo.get_staff(who).staff_id)
"""


def start_together(url: str, n: int) -> list[subprocess.CompletedProcess[str]]:
    start = time.time() + 2.5  # noqa: TID251 - every interpreter is up and waiting: they open the database at once
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", START, url, str(start), f"T{k:03d}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(n)
    ]
    done = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    return done


@pytest.mark.slow
def test_eight_counters_start_together_on_a_new_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new_branch.db'}"
    results = start_together(url, 8)
    assert [r.returncode for r in results] == [0] * 8, [r.stderr[-500:] for r in results if r.returncode]
    assert sorted(r.stdout.strip() for r in results) == [f"T{k:03d}" for k in range(8)]
    assert current_revision(make_engine(url)) == head_revision()


@pytest.mark.slow
def test_eight_counters_start_together_on_a_new_postgresql_database(pg_database: str) -> None:
    results = start_together(pg_database, 8)
    assert [r.returncode for r in results] == [0] * 8, [r.stderr[-500:] for r in results if r.returncode]
    engine = make_engine(pg_database)
    assert current_revision(engine) == head_revision()
    engine.dispose()


MIGRATE = """
import sys
from teller_guard.storage.db import make_engine, migrate
migrate(make_engine(sys.argv[1]))
print("migrated", flush=True)
"""


@pytest.mark.slow
def test_a_kill_mid_migration_leaves_the_schema_whole(tmp_path: Path) -> None:
    """SIGKILL at many moments of a first migration: the file is either untouched or at head,
    never half-built, and the next start completes it."""
    seen = set()
    for k, delay in enumerate((0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.5, 2.0)):
        path = tmp_path / f"kill{k}.db"
        proc = subprocess.Popen([sys.executable, "-c", MIGRATE, f"sqlite:///{path}"], stdout=subprocess.PIPE)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if not path.exists():
            seen.add("no file")
            continue
        db = sqlite3.connect(path)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        version = (
            db.execute("SELECT version_num FROM alembic_version").fetchone() if "alembic_version" in tables else None
        )
        db.close()
        if version is None:
            assert tables == set(), f"half a schema after a kill at {delay} s: {sorted(tables)}"
            seen.add("untouched")
        else:
            assert version[0] == head_revision()
            seen.add("at head")
        repo = Repository.open(f"sqlite:///{path}", SHANGHAI)  # the next start
        assert current_revision(repo.engine) == head_revision()
        repo.engine.dispose()
    assert seen  # (which outcomes a loaded machine shows varies; each must be whole)


def test_a_newer_schema_is_refused_in_one_line(
    tmp_path: Path, template_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "newer.db"
    path.write_bytes(template_db.read_bytes())
    with sqlite3.connect(path) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(SchemaTooNew, match="9999"):
        Repository.open(f"sqlite:///{path}", SHANGHAI)
    with pytest.raises(SchemaTooNew):
        migrate(make_engine(f"sqlite:///{path}"))
    assert main(["db", "upgrade", "--db", f"sqlite:///{path}"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "newer than this teller_guard" in err[0]
