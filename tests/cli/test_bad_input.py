"""Every bad command-line input gets one line on stderr and exit 2, checked before any work starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from teller_guard.cli import main

GOOD_INPUT = json.dumps({"channel": "counter", "amount": 5000, "customer": {"age": 40}})


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    return err[0]


@pytest.fixture
def good_json(tmp_path: Path) -> Path:
    path = tmp_path / "in.json"
    path.write_text(GOOD_INPUT, encoding="utf-8")
    return path


def cases(tmp: Path, good: Path) -> list[tuple[list[str], str]]:
    afile = tmp / "afile"
    afile.write_text("x")
    return [
        (["stats", "--db", "mysql://u:p@h/db"], "unsupported database 'mysql'"),
        (["stats", "--db", "oracle+cx://h/db"], "unsupported database 'oracle'"),
        (["stats", "--db", "branch.db"], "not a database URL"),
        (["stats", "--db", "sqlite://"], "give the database file"),
        (["stats", "--db", f"sqlite:///{afile}/x.db"], "is a file, not a folder"),
        (["stats", "--db", f"sqlite:///{tmp}"], "is a folder, not a database file"),
        (["stats", "--db", f"sqlite:///{tmp}/{'d' * 300}.db"], "name too long"),
        (["stats", "--db", "postgresql://u@数据库.example/tg"], "must be ASCII"),
        (["stats", "--db", "postgresql://u@db:99999/tg"], "not a TCP port"),
        (["notice", "--input", str(good), "--out", str(tmp / ("n" * 300 + ".pdf"))], "name too long"),
        (["notice", "--input", str(good), "--out", str(tmp / "missing" / "n.pdf")], "does not exist"),
        (["notice", "--input", str(good), "--out", str(tmp)], "is a folder"),
        (
            ["export", "--month", "2026-10", "--format", "csv", "--out", str(afile / "x.csv"), "--staff", "B1"],
            "is a file",
        ),
        (
            ["export", "--month", "2026-10", "--format", "csv", "--out", str(tmp / "x.csv"), "--staff", "B 1"],
            "staff id",
        ),
        (["export", "--month", "2026-13", "--format", "csv", "--out", str(tmp / "x.csv")], "invalid month"),
        (["serve", "--host", "柜台.example"], "not an ASCII host name"),
        (["serve", "--host", "bad host"], "not a host name"),
        (["serve", "--port", "70000"], "not a TCP port"),
        (["demo-data", "--n", "5", "--months", "99999999999", "--db", f"sqlite:///{tmp}/d.db"], "from 1 to 120"),
        (["demo-data", "--n", "99999999999", "--db", f"sqlite:///{tmp}/d.db"], "from 1 to 10,000,000"),
        (["demo-data", "--n", "5", "--seed", "1" * 5000, "--db", f"sqlite:///{tmp}/d.db"], "not a whole number"),
        (["assess", str(tmp / "missing.json")], "cannot read"),
        (["rules", "check", "--rules", str(tmp / "nowhere")], "does not exist"),
    ]


def test_every_bad_argument_is_one_line_and_exit_2(
    tmp_path: Path, good_json: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv, words in cases(tmp_path, good_json):
        assert main(argv) == 2, argv
        line = one_line(capsys)
        assert words in line, (argv, line)
    assert not (tmp_path / "d.db").exists()  # refused before any work


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"TELLER_GUARD_DB": "mysql://x/y"}, "TELLER_GUARD_DB: unsupported database"),
        ({"TELLER_GUARD_DATA_DIR": "{afile}"}, "TELLER_GUARD_DATA_DIR: "),
        ({"TELLER_GUARD_TZ": "Mars/Olympus"}, "unknown time zone"),
    ],
)
def test_bad_settings_are_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], env: dict[str, str], words: str
) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    for key, value in env.items():
        monkeypatch.setenv(key, value.format(afile=afile))
    assert main(["db", "upgrade"]) == 2
    assert words in one_line(capsys)


def run_bytes(*argv: bytes, stdin: str = "") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable.encode(), b"-m", b"teller_guard", *argv],
        input=stdin.encode(),
        capture_output=True,
        timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def test_undecodable_bytes_in_arguments(tmp_path: Path, good_json: Path) -> None:
    out = bytes(tmp_path) + b"/n\xff.pdf"
    for argv in (
        [b"notice", b"--input", bytes(good_json), b"--out", out],
        [b"notice", b"--input", b"in\xfe.json", b"--out", bytes(tmp_path / "x.pdf")],
        [b"assess", b"\xff.json"],
        [b"stats", b"--db", b"sqlite:///" + bytes(tmp_path) + b"/\xff.db"],
    ):
        proc = run_bytes(*argv)
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        assert proc.returncode == 2 and len(err) == 1 and "not valid UTF-8" in err[0], (argv, err)
    assert list(tmp_path.iterdir()) == [good_json]


def test_a_lone_surrogate_in_a_notice_input(tmp_path: Path) -> None:
    doc = '{"channel": "counter", "amount": 5000, "customer": {"age": 70}, "purpose": "转到\\ud800安全账户"}'
    proc = run_bytes(b"notice", b"--input", b"-", b"--out", bytes(tmp_path / "n.pdf"), stdin=doc)
    err = proc.stderr.decode().strip().splitlines()
    assert proc.returncode == 2 and err == [
        "teller-guard: error: purpose: contains an invalid character (lone surrogate U+D800)"
    ]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "doc",
    [
        '{"channel": "counter", "amount": 1e26, "customer": {"age": 30}}',
        '{"channel": "counter", "amount": "' + "9" * 27 + '", "customer": {"age": 30}}',
        '{"channel": "counter", "amount": ' + "9" * 5000 + ', "customer": {"age": 30}}',
        "[" * 100_000 + "]" * 100_000,
        '{"channel": "counter", "amount": Infinity, "customer": {"age": 30}}',
    ],
    ids=["exponent", "27 digits", "5000 digits", "nested 100000", "Infinity"],
)
def test_assess_bad_numbers_and_depth(doc: str) -> None:
    proc = run_bytes(b"assess", b"-", stdin=doc)
    err = proc.stderr.decode().strip().splitlines()
    assert proc.returncode == 2 and len(err) == 1 and "Traceback" not in proc.stderr.decode(), err
    assert proc.stdout == b""
