"""The evidence chain: an untouched log verifies; each tampering a database user can do without
the installation key makes ``teller-guard verify`` exit 1 naming the record (SQLite and
PostgreSQL)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from teller_guard.cli import main
from teller_guard.core.audit import AuditEvent
from teller_guard.storage import chain
from teller_guard.storage.db import make_engine
from teller_guard.storage.repository import Repository
from tests.conftest import require_tool
from tests.factories import frozen_clock
from tests.factories.records import SHANGHAI, T0, record

CHILDREN = ("answer", "fired_signal", "decision", "acknowledgement")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'branch.db'}"
    return str(request.getfixturevalue("pg_database"))


def filled(url: str, n: int = 6) -> tuple[Repository, list[str]]:
    """A log of ``n`` cases and two audit events, written through the repository."""
    repo = Repository.open(url, SHANGHAI, clock=frozen_clock)
    uids = []
    for i in range(n):
        rec = record(T0 + timedelta(minutes=i), amount_fen=100_000 * (i + 1))
        repo.save_intervention(rec)
        uids.append(rec.uid)
        if i in (1, 3):
            repo.record_audit(
                AuditEvent(at=T0 + timedelta(minutes=i, seconds=5), kind="sign_in", staff_id="T001", origin="terminal")
            )
    return repo, uids


def verify(url: str, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    status = main(["verify", "--db", url, *extra], clock=frozen_clock)
    out = capsys.readouterr()
    lines = (out.out + out.err).strip().splitlines()
    assert len(lines) == 1, lines
    return status, lines[0]


@pytest.fixture
def raw(url: str) -> Iterator[object]:
    """What a database user without the key can do: triggers off, any SQL."""
    engine = create_engine(url.replace("postgresql+psycopg", "postgresql+psycopg"))

    class Raw:
        def __call__(self, *sql: str, **params: object) -> list[tuple[object, ...]]:
            out: list[tuple[object, ...]] = []
            with engine.begin() as conn:
                if conn.dialect.name == "sqlite":
                    names = [r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='trigger'")]
                    for name in names:
                        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
                else:
                    for table in ("intervention", *CHILDREN, "audit_event", "chain_link"):
                        conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
                for statement in sql:
                    result = conn.execute(text(statement), params)
                    if result.returns_rows:
                        out = [tuple(r) for r in result]
            return out

    yield Raw()
    engine.dispose()


def test_an_untouched_log_verifies_and_its_head_is_accepted(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    repo, uids = filled(url)
    status, line = verify(url, capsys)
    assert status == 0, line
    head = repo.chain_head()
    assert head is not None and head.seq == 8 and head.kind == "intervention" and head.ref == uids[-1]
    assert line.startswith("verify: intact — 8 links, 8 records, head 8:") and head.mac[:16] in line
    assert verify(url, capsys, "--against", head.head)[0] == 0
    assert verify(url, capsys, "--against", f"7:{head.mac[:16]}")[0] == 1  # not link 7's MAC


def test_a_bad_head_argument_is_one_line_and_exit_2(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    filled(url, 1)
    status, line = verify(url, capsys, "--against", "head")
    assert status == 2 and "invalid chain head" in line


def test_links_are_written_with_the_row_and_chain_in_order(url: str) -> None:
    repo, uids = filled(url, 3)
    with repo.engine.connect() as conn:
        links = conn.execute(text("SELECT seq, kind, ref, prev_mac, mac FROM chain_link ORDER BY seq")).all()
    assert [(s, k) for s, k, *_ in links] == [
        (1, "intervention"),
        (2, "intervention"),
        (3, "audit"),
        (4, "intervention"),
    ]
    assert [r for _, k, r, *_ in links if k == "intervention"] == uids
    assert links[0][3] == "0" * 64
    assert all(links[i][3] == links[i - 1][4] for i in range(1, len(links)))


def test_edit_an_amount_after_dropping_the_trigger(url: str, raw: object, capsys: pytest.CaptureFixture[str]) -> None:
    _, uids = filled(url)
    raw("UPDATE intervention SET amount_protected_fen = 88800000 WHERE uid = :u", u=uids[2])  # type: ignore[operator]
    status, line = verify(url, capsys)
    assert status == 1
    assert f"changed — intervention {uids[2]}" in line and "link 4" in line and "4 links after it" in line


def test_edit_a_child_row(url: str, raw: object, capsys: pytest.CaptureFixture[str]) -> None:
    _, uids = filled(url)
    raw(  # type: ignore[operator]
        "UPDATE answer SET said = '客户说是自己的钱' WHERE intervention_id = (SELECT id FROM intervention WHERE uid = :u)",
        u=uids[0],
    )
    status, line = verify(url, capsys)
    assert status == 1 and f"changed — intervention {uids[0]}" in line


def test_delete_a_case(url: str, raw: object, capsys: pytest.CaptureFixture[str]) -> None:
    _, uids = filled(url)
    victim = f"(SELECT id FROM intervention WHERE uid = '{uids[3]}')"
    raw(
        *(f"DELETE FROM {t} WHERE intervention_id = {victim}" for t in CHILDREN),
        f"DELETE FROM intervention WHERE uid = '{uids[3]}'",
    )  # type: ignore[operator]
    status, line = verify(url, capsys)
    assert status == 1 and f"missing — intervention {uids[3]}" in line


def test_delete_a_case_and_its_link(url: str, raw: object, capsys: pytest.CaptureFixture[str]) -> None:
    repo, uids = filled(url)
    seq = repo.engine.connect().execute(text("SELECT seq FROM chain_link WHERE ref = :u"), {"u": uids[3]}).scalar()
    victim = f"(SELECT id FROM intervention WHERE uid = '{uids[3]}')"
    raw(  # type: ignore[operator]
        *(f"DELETE FROM {t} WHERE intervention_id = {victim}" for t in CHILDREN),
        f"DELETE FROM intervention WHERE uid = '{uids[3]}'",
        f"DELETE FROM chain_link WHERE ref = '{uids[3]}'",
    )
    status, line = verify(url, capsys)
    assert status == 1 and f"BROKEN at link {seq}: missing" in line


def test_insert_a_forged_case(url: str, raw: object, capsys: pytest.CaptureFixture[str]) -> None:
    _, uids = filled(url)
    cols = [c for c in chain.INTERVENTION_COLUMNS if c not in ("uid", "amount_protected_fen")]
    raw(  # type: ignore[operator]
        f"INSERT INTO intervention (id, uid, amount_protected_fen, {', '.join(cols)}) "
        f"SELECT 100, 'forged0000000000000000000000000f', 88800000, {', '.join(cols)} FROM intervention WHERE uid = :u",
        u=uids[0],
    )
    status, line = verify(url, capsys)
    assert status == 1 and "not on the chain — intervention forged0000000000000000000000000f" in line


def test_insert_a_forged_case_with_a_forged_link(url: str, raw: object, capsys: pytest.CaptureFixture[str]) -> None:
    repo, uids = filled(url)
    head = repo.chain_head()
    assert head is not None
    cols = [c for c in chain.INTERVENTION_COLUMNS if c != "uid"]
    raw(  # type: ignore[operator]
        f"INSERT INTO intervention (id, uid, {', '.join(cols)}) "
        f"SELECT 100, 'forged0000000000000000000000000f', {', '.join(cols)} FROM intervention WHERE uid = :u",
        u=uids[0],
    )
    forged = chain.link_mac(
        b"x" * 32, head.seq + 1, "intervention", "forged0000000000000000000000000f", head.at, "0" * 64, head.mac, None
    )
    raw(  # type: ignore[operator]
        "INSERT INTO chain_link (seq, kind, ref, at, key_id, digest, prev_mac, mac) "
        "SELECT seq + 1, kind, 'forged0000000000000000000000000f', at, key_id, digest, mac, :m FROM chain_link WHERE seq = :s",
        m=forged,
        s=head.seq,
    )
    status, line = verify(url, capsys)
    assert (
        status == 1
        and f"BROKEN at link {head.seq + 1}: inserted — intervention forged0000000000000000000000000f" in line
    )


def test_reorder_two_cases(url: str, raw: object, capsys: pytest.CaptureFixture[str]) -> None:
    _, uids = filled(url)
    ids = dict(raw("SELECT uid, id FROM intervention"))  # type: ignore[operator]
    a, b = ids[uids[1]], ids[uids[2]]
    steps = []
    for table, column in (("intervention", "id"), *((t, "intervention_id") for t in CHILDREN)):
        steps += [
            f"UPDATE {table} SET {column} = -1 WHERE {column} = {a}",
            f"UPDATE {table} SET {column} = {a} WHERE {column} = {b}",
            f"UPDATE {table} SET {column} = {b} WHERE {column} = -1",
        ]
    raw(*steps)  # type: ignore[operator]
    status, line = verify(url, capsys)
    assert status == 1 and f"reordered — intervention {uids[1]}" in line


def test_reorder_two_links(url: str, raw: object, capsys: pytest.CaptureFixture[str]) -> None:
    filled(url)
    raw(  # type: ignore[operator]
        "UPDATE chain_link SET seq = -1 WHERE seq = 5",
        "UPDATE chain_link SET seq = 5 WHERE seq = 6",
        "UPDATE chain_link SET seq = 6 WHERE seq = -1",
    )
    status, line = verify(url, capsys)
    assert status == 1 and "BROKEN at link 5: reordered" in line


def test_truncate_and_rebuild_without_the_key(url: str, raw: object, capsys: pytest.CaptureFixture[str]) -> None:
    repo, uids = filled(url)
    raw(  # type: ignore[operator]
        "UPDATE intervention SET amount_fen = 1 WHERE uid = :u", "DELETE FROM chain_link", u=uids[4]
    )
    # The forger rebuilds every link with the canonical form (it is documented) but a key of
    # their own: they do not hold the installation's.
    with repo.engine.begin() as conn:
        app = chain.Appender(conn, chain.chain_key(b"forger's own secret"), T0)
        for kind in chain.READERS:
            for _, ref, digest in chain.records_after(conn, kind):
                app.add(kind, ref, digest)
        app.flush()
    status, line = verify(url, capsys)
    assert status == 1 and "BROKEN at link 1: changed" in line and "unknown key" in line


def test_edit_an_audit_event(url: str, raw: object, capsys: pytest.CaptureFixture[str]) -> None:
    repo, _ = filled(url)
    event_id = repo.audit_events()[1].id
    raw("UPDATE audit_event SET staff_id = 'S999' WHERE id = :i", i=event_id)  # type: ignore[operator]
    status, line = verify(url, capsys)
    assert status == 1 and f"changed — audit event {event_id}" in line


def test_counters_writing_at_once_get_one_unbroken_chain(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    Repository.open(url, SHANGHAI, clock=frozen_clock).engine.dispose()
    errors: list[BaseException] = []

    def counter(k: int) -> None:
        repo = Repository(make_engine(url), SHANGHAI, clock=frozen_clock)
        try:
            for i in range(8):
                repo.save_intervention(record(T0 + timedelta(minutes=i), staff_id=f"T00{k}"))
                if i % 3 == 0:
                    repo.record_audit(AuditEvent(at=T0, kind="sign_in", staff_id=f"T00{k}", origin="terminal"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            repo.engine.dispose()

    threads = [threading.Thread(target=counter, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    status, line = verify(url, capsys)
    assert status == 0 and "44 links, 44 records" in line, line


def test_quick_verify_sees_a_recent_edit(url: str, raw: object) -> None:
    repo, uids = filled(url)
    assert repo.quick_verify() is None
    raw("UPDATE intervention SET amount_fen = 1 WHERE uid = :u", u=uids[-1])  # type: ignore[operator]
    broken = repo.quick_verify()
    assert broken is not None and broken.kind == "changed" and uids[-1] in broken.record


def test_a_log_from_before_the_chain_is_sealed_on_upgrade(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from alembic import command

    from teller_guard.storage.db import alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    with engine.connect() as conn:
        command.upgrade(alembic_config(engine, conn), "0006")
        conn.commit()
    old = Repository(engine, SHANGHAI, clock=frozen_clock)
    with pytest.raises(Exception, match="chain_link"):  # a 0006 database has no chain yet
        old.save_intervention(record())
    engine.dispose()
    # Rows written by the version before the chain (raw, as it did: no link).
    cols = ", ".join(f'"{c}"' for c in chain.INTERVENTION_COLUMNS)
    db = sqlite3.connect(tmp_path / "old.db")
    values = [record(T0).uid, "counter", "closed", "2026-10-31 17:30:00.000000", "2026-10-31 17:31:00.000000", "2026-11-01",
              "2026-11", "BR0001", "T001", "teller", None, 500000, 70, "F", None, None, None, None, None, "", "[]", "",
              "", "", 10, "low", "x", "", "", "", None, None, 0, None, None, None, None, "{}", 60, "h" * 64, None, "{}"]  # fmt: skip
    db.execute(f"INSERT INTO intervention ({cols}) VALUES ({', '.join('?' * len(values))})", values)
    db.commit()
    db.close()
    status, line = verify(url, capsys)  # migrated to 0007 by opening, not sealed yet
    assert status == 1 and "NOT SEALED" in line and "db upgrade" in line
    assert main(["db", "upgrade", "--db", url]) == 0
    assert "1 records already in the log sealed" in capsys.readouterr().out
    status, line = verify(url, capsys)
    assert status == 0 and "2 links, 1 records" in line
    repo = Repository.open(url, SHANGHAI, clock=frozen_clock)
    repo.save_intervention(record(T0 + timedelta(hours=1)))
    with repo.engine.connect() as conn:
        kinds = [r[0] for r in conn.execute(text("SELECT kind FROM chain_link ORDER BY seq"))]
        note = conn.execute(text("SELECT note FROM chain_link WHERE seq = 1")).scalar()
    assert kinds == ["sealed", "intervention", "intervention"]
    assert note is not None and note.startswith("sealed on upgrade: 1 interventions")
    assert verify(url, capsys)[0] == 0


def test_emptying_the_chain_does_not_get_the_log_resealed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    repo, uids = filled(url, 2)
    db = sqlite3.connect(tmp_path / "b.db")
    db.execute("DROP TRIGGER chain_link_no_delete")
    db.execute("DELETE FROM chain_link")
    db.commit()
    db.close()
    repo.save_intervention(record(T0 + timedelta(hours=2)))
    status, line = verify(url, capsys)
    assert status == 1 and "BROKEN at link 1" in line and f"intervention {uids[0]}" in line


def test_a_demo_database_verifies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["demo-data", "--db", url, "--n", "300", "--months", "2"], clock=frozen_clock) == 0
    status, line = verify(url, capsys)
    assert status == 0 and "300 links, 300 records" in line, line


@pytest.mark.postgres
def test_a_demo_database_on_postgresql_verifies(pg_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo-data", "--db", pg_database, "--n", "200", "--months", "2"], clock=frozen_clock) == 0
    status, line = verify(pg_database, capsys)
    assert status == 0 and "200 links, 200 records" in line, line


def test_a_copy_verifies_only_with_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    filled(url, 2)
    assert verify(url, capsys)[0] == 0
    other = tmp_path / "elsewhere"
    other.mkdir()
    monkeypatch.setenv("TELLER_GUARD_DATA_DIR", str(other))  # another machine: another secret
    status, line = verify(url, capsys)
    assert status == 1 and "unknown key" in line
    shutil.rmtree(other)


def test_the_monthly_export_states_the_chain_head_and_verify_accepts_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import json

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["demo-data", "--db", url, "--n", "200", "--months", "2"], clock=frozen_clock) == 0
    month = frozen_clock().astimezone(SHANGHAI).strftime("%Y-%m")
    heads = {}
    for fmt in ("csv", "xlsx", "pdf"):
        monkeypatch.setattr("sys.stdin", io.StringIO("123456\n"))
        out = tmp_path / f"ledger.{fmt}"
        argv = [
            "export",
            "--db",
            url,
            "--month",
            month,
            "--format",
            fmt,
            "--out",
            str(out),
            "--staff",
            "demo-sec01",
            "--pin-stdin",
        ]
        capsys.readouterr()
        assert main(argv, clock=frozen_clock) == 0
        heads[fmt] = capsys.readouterr().out.split("chain head ")[1].strip()
    manifest = json.loads((tmp_path / "ledger.manifest.json").read_text(encoding="utf-8"))
    assert manifest["chain_head"] == heads["csv"]
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "ledger.xlsx", read_only=True)
    cells = [str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
    assert any(heads["xlsx"] in c and "证据链链头" in c for c in cells), "the XLSX summary states the head"
    cover = subprocess.run(
        [require_tool("pdftotext"), "-l", "1", str(tmp_path / "ledger.pdf"), "-"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    assert "证据链链头" in cover and heads["pdf"] in cover, "the PDF's first page states the head"
    # the export's own audit event moved the head on; the printed heads are still links of the chain
    for head in heads.values():
        status, line = verify(url, capsys, "--against", head)
        assert status == 0 and f"printed head {head} is on the chain" in line


def test_terminal_codes_in_a_forged_record_are_shown_not_run(
    url: str, raw: object, capsys: pytest.CaptureFixture[str]
) -> None:
    _, uids = filled(url, 2)
    cols = [c for c in chain.INTERVENTION_COLUMNS if c != "uid"]
    raw(  # type: ignore[operator]
        f"INSERT INTO intervention (id, uid, {', '.join(cols)}) "
        f"SELECT 100, :forged, {', '.join(cols)} FROM intervention WHERE uid = :u",
        u=uids[0],
        forged="\x1b]0;owned\x07\x1b[2J",
    )
    status, line = verify(url, capsys)
    assert status == 1 and "\x1b" not in line and "\x07" not in line
    assert "not on the chain — intervention \\x1b]0;owned\\x07\\x1b[2J" in line


def test_purge_replaces_old_free_text_and_the_chain_still_verifies(
    url: str, raw: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import date

    repo = Repository.open(url, SHANGHAI, clock=frozen_clock)
    old = record(T0 - timedelta(days=6 * 365), purpose_text="给儿子还赌债", notes_text="客户很紧张")
    new = record(T0, purpose_text="交房租")
    repo.save_intervention(old)
    repo.save_intervention(new)
    assert repo.purge_free_text(date(2021, 1, 1)) == 1
    assert repo.purge_free_text(date(2021, 1, 1)) == 0  # nothing left to purge
    got, kept = repo.get(old.uid), repo.get(new.uid)
    assert got is not None and kept is not None
    assert got.purpose_text == chain.TOMBSTONE and got.notes_text == chain.TOMBSTONE
    assert all(a.said in ("", chain.TOMBSTONE) for a in got.answers)
    assert got.amount_fen == old.amount_fen and kept.purpose_text == "交房租"
    status, line = verify(url, capsys)
    assert status == 0 and "3 links, 2 records" in line, line
    assert repo.quick_verify() is None
    with repo.engine.connect() as conn:
        kinds = [r[0] for r in conn.execute(text("SELECT kind FROM chain_link ORDER BY seq"))]
    assert kinds == ["intervention", "intervention", "purge"]
    # The purged text cannot be edited again, nor a kept case dressed up as purged.
    raw("UPDATE intervention SET purpose_text = '改过' WHERE uid = :u", u=old.uid)  # type: ignore[operator]
    status, line = verify(url, capsys)
    assert status == 1 and f"changed — intervention {old.uid}" in line


def test_purge_needs_an_admin_and_is_audited(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["demo-data", "--db", url, "--n", "60", "--months", "12"], clock=frozen_clock) == 0
    cut = (frozen_clock() - timedelta(days=180)).astimezone(SHANGHAI).date().isoformat()
    monkeypatch.setattr("sys.stdin", io.StringIO("123456\n"))
    assert (
        main(["db", "purge", "--db", url, "--before", cut, "--staff", "demo-t01", "--pin-stdin"], clock=frozen_clock)
        == 2
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("123456\n"))
    capsys.readouterr()
    assert (
        main(["db", "purge", "--db", url, "--before", cut, "--staff", "demo-a01", "--pin-stdin"], clock=frozen_clock)
        == 0
    )
    out = capsys.readouterr().out
    assert "replaced by a tombstone" in out and not out.startswith("free text of 0 ")
    repo = Repository.open(url, SHANGHAI, clock=frozen_clock)
    events = repo.audit_events(kind="purge")  # the admin's authorisation, then what was purged
    assert all(e.subject == cut and e.staff_id == "demo-a01" for e in events if e.ok)
    assert int(events[-1].detail["cases"]) > 0
    status, line = verify(url, capsys)
    assert status == 0, line
    assert main(["db", "purge", "--db", url, "--before", "2021-02-30", "--staff", "demo-a01"]) == 2


def test_a_record_copied_past_its_validators_is_still_scrubbed_on_save(repo: Repository) -> None:
    rec = record().model_copy(update={"notes_text": "客户卡号 6222 0202 0011 2233 445"})  # model_copy skips validation
    assert "6222" in rec.notes_text
    repo.save_intervention(rec)
    got = repo.get(rec.uid)
    assert got is not None and got.notes_text == "客户卡号 ****3445"
