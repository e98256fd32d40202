"""``teller-guard staff`` and ``teller-guard audit`` as a script drives them (``--pin-stdin``), and a
PIN given as an argument: one English line, exit 2, an audit event."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from teller_guard.cli import main
from teller_guard.storage.repository import Repository
from tests.factories import frozen_clock


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'branch.db'}"


@pytest.fixture
def tg(db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run ``teller-guard`` in-process with PINs on standard input; returns (status, stdout, stderr)."""

    def run(*argv: str, pins: tuple[str, ...] = ()) -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{p}\n" for p in pins)))
        status = main([*argv, "--db", db, *(["--pin-stdin"] if pins else [])], clock=frozen_clock)
        out = capsys.readouterr()
        return status, out.out, out.err.strip()

    return run


def first_run(tg) -> None:  # type: ignore[no-untyped-def]
    assert tg("staff", "add", "--id", "A001", "--name", "孙管理", "--role", "admin", pins=("703192", "703192"))[0] == 0
    for sid, name, role, pin in (
        ("T001", "王柜员", "teller", "135792"),
        ("S001", "李主管", "supervisor", "975310"),
        ("B001", "赵保卫", "security", "580136"),
    ):
        status, out, err = tg(
            "staff", "add", "--id", sid, "--name", name, "--role", role, "--as", "A001", pins=("703192", pin, pin)
        )
        assert status == 0, err
        assert "must be changed at first use" in out


def test_first_run_then_only_admins(tg, db: str) -> None:  # type: ignore[no-untyped-def]
    status, _, err = tg(
        "staff", "add", "--id", "T001", "--name", "王柜员", "--role", "teller", pins=("135792", "135792")
    )
    assert status == 2 and "there is no admin yet" in err and err.count("\n") == 0
    first_run(tg)
    status, _, err = tg("staff", "add", "--id", "A002", "--name", "钱", "--role", "admin", pins=("582046", "582046"))
    assert status == 2 and "--as ADMIN_ID" in err
    assert tg("staff", "change-pin", "--id", "B001", pins=("580136", "691357", "691357"))[0] == 0
    status, _, err = tg(
        "staff", "add", "--id", "T002", "--name", "刘", "--role", "teller", "--as", "B001", pins=("691357",)
    )
    assert status == 2 and "may not change staff accounts" in err
    status, _, err = tg(
        "staff", "add", "--id", "T002", "--name", "刘", "--role", "teller", "--as", "A001", pins=("703192", "1", "1")
    )
    assert status == 2 and "at least 6 digits" in err
    status, _, err = tg(
        "staff", "add", "--id", "T002", "--name", "刘", "--role", "teller", "--as", "A001", pins=("703192",)
    )
    assert status == 2 and "standard input ended before PIN 2" in err
    repo = Repository.open(db, frozen_clock().tzinfo, clock=frozen_clock)  # type: ignore[arg-type]
    assert [a.staff_id for a in repo.staff.all()] == ["A001", "B001", "S001", "T001"]


def test_list_disable_enable_reset_unlock_change(tg) -> None:  # type: ignore[no-untyped-def]
    first_run(tg)
    # The teller uses the PIN the admin set: refused, naming the command that changes it.
    status, _, err = tg("stats", "--staff", "T001", "--month", "2026-11", pins=("135792",))
    assert status == 2 and "teller-guard staff change-pin --id T001" in err
    assert tg("staff", "change-pin", "--id", "T001", pins=("135792", "246813", "246813"))[0] == 0
    for _ in range(5):
        assert tg("staff", "change-pin", "--id", "T001", pins=("000000", "864213", "864213"))[0] == 2
    status, _, err = tg("staff", "change-pin", "--id", "T001", pins=("246813", "864213", "864213"))
    assert status == 2 and "is locked" in err
    status, _, err = tg("staff", "list", "--as", "B001", pins=("580136",))
    assert status == 2 and "must first replace the PIN" in err  # B001 has not chosen their own PIN yet
    assert tg("staff", "change-pin", "--id", "B001", pins=("580136", "691357", "691357"))[0] == 0
    status, out, _ = tg("staff", "list", "--as", "B001", pins=("691357",))
    assert status == 0 and "T001" in out and "锁定至" in out and "待改密码" in out  # S001 still must change
    status, _, err = tg("staff", "unlock", "--id", "T001", "--as", "A001", pins=("703192",))
    assert status == 0, err
    assert tg("staff", "disable", "--id", "S001", "--as", "A001", pins=("703192",))[0] == 0
    status, out, _ = tg("staff", "list", "--as", "A001", pins=("703192",))
    assert "停用" in out and "锁定至" not in out
    assert tg("staff", "enable", "--id", "S001", "--as", "A001", pins=("703192",))[0] == 0
    assert tg("staff", "reset-pin", "--id", "T001", "--as", "A001", pins=("703192", "531246", "531246"))[0] == 0
    status, _, err = tg("staff", "change-pin", "--id", "T001", pins=("246813", "864213", "864213"))
    assert status == 2 and "wrong staff id or PIN" in err  # the old PIN is gone
    assert tg("staff", "change-pin", "--id", "T001", pins=("531246", "864213", "864213"))[0] == 0
    status, _, err = tg("staff", "disable", "--id", "A001", "--as", "A001", pins=("703192",))
    assert status == 2 and "last active admin" in err


def test_a_pin_on_the_command_line_is_refused_and_logged(tg) -> None:  # type: ignore[no-untyped-def]
    first_run(tg)
    for flag in ("--pin", "--pin=580136", "--password"):
        argv = ["export", "--month", "2026-11", "--format", "csv", "--out", "x.csv", "--staff", "B001"]
        status, _, err = tg(*argv, *([flag, "580136"] if "=" not in flag else [flag]))
        assert status == 2 and err.count("\n") == 0
        assert "never taken from the command line" in err and "580136" not in err
        assert "teller-guard staff change-pin --id B001" in err
    status, out, _ = tg("staff", "change-pin", "--id", "B001", pins=("580136", "691357", "691357"))
    status, out, _ = tg("audit", "--as", "B001", "--json", pins=("691357",))
    events = json.loads(out)
    refused = [e for e in events if e["kind"] == "pin_in_argument"]
    assert len(refused) == 3 and all(e["staff_id"] == "B001" and e["ok"] is False for e in refused)
    assert "580136" not in out


def test_audit_shows_every_event_and_only_to_security_and_admin(tg) -> None:  # type: ignore[no-untyped-def]
    first_run(tg)
    assert tg("staff", "change-pin", "--id", "B001", pins=("580136", "691357", "691357"))[0] == 0
    assert tg("audit", "--as", "T001", pins=("135792",))[0] == 2  # must change first, and then: not their role
    assert tg("staff", "change-pin", "--id", "T001", pins=("135792", "246813", "246813"))[0] == 0
    status, _, err = tg("audit", "--as", "T001", pins=("246813",))
    assert status == 2 and "may not read the audit trail" in err
    status, out, _ = tg("audit", "--as", "B001", "--month", "2026-11", "--json", pins=("691357",))
    assert status == 0
    events = json.loads(out)
    assert {"kind", "staff_id", "at", "ok", "origin", "subject", "detail", "local_time", "label"} <= set(events[0])
    assert events[0]["at"] == "2026-11-25T02:30:00Z" and events[0]["local_time"].startswith("2026-11-25T10:30:00+08:00")
    kinds = [(e["kind"], e["staff_id"], e["ok"]) for e in events]
    assert kinds[:4] == [
        ("staff_added", "A001", True),
        ("staff_added", "A001", True),
        ("staff_added", "A001", True),
        ("staff_added", "A001", True),
    ]
    assert ("audit_read", "T001", False) in kinds and kinds[-1] == ("audit_read", "B001", True)
    assert all(e["origin"] == "cli" for e in events)
    status, out, _ = tg("audit", "--as", "B001", "--staff", "T001", "--json", pins=("691357",))
    assert status == 0 and {e["staff_id"] for e in json.loads(out)} == {"T001"}
    status, out, _ = tg("audit", "--as", "B001", "--staff", "T001", pins=("691357",))
    assert status == 0 and "修改密码" in out and "查看审计" in out and "拒绝" in out  # the Rich table
    status, out, _ = tg("audit", "--as", "B001", "--month", "2026-10", "--json", pins=("691357",))
    assert json.loads(out) == []


def test_pins_are_read_from_the_terminal_without_echo(tmp_path: Path) -> None:
    """Without --pin-stdin and without a terminal there is nowhere to ask safely: one line, exit 2."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "teller_guard",
            "staff",
            "change-pin",
            "--id",
            "T001",
            "--db",
            f"sqlite:///{tmp_path / 'x.db'}",
        ],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # no controlling terminal: getpass cannot open /dev/tty
        timeout=60,
    )
    assert proc.returncode == 2 and "--pin-stdin" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_the_demo_database_opens_with_the_demo_pin(tg, db: str) -> None:  # type: ignore[no-untyped-def]
    assert main(["demo-data", "--db", db, "--n", "30"], clock=frozen_clock) == 0
    status, out, err = tg("stats", "--staff", "demo-sec01", "--month", "2026-11", pins=("123456",))
    assert status == 0, err
    status, _, err = tg(
        "export", "--month", "2026-11", "--format", "csv", "--out", "/dev/null", "--staff", "demo-t01", pins=("123456",)
    )
    assert status == 2 and "may not export" in err
    # A real member of staff joins: from then on the demo PIN opens nothing.
    assert (
        tg(
            "staff",
            "add",
            "--id",
            "T001",
            "--name",
            "王柜员",
            "--role",
            "teller",
            "--as",
            "demo-a01",
            pins=("123456", "135792", "135792"),
        )[0]
        == 0
    )
    status, _, err = tg("stats", "--staff", "demo-sec01", "--month", "2026-11", pins=("123456",))
    assert status == 2 and "demo accounts work only in a demo database" in err
