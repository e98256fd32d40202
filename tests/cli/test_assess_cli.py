"""`teller-guard assess`: one JSON object in, one out; bad input exits 2 with one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from teller_guard.core.idcard import check_digit


def run(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "teller_guard", "assess", *args], input=stdin, capture_output=True, text=True, timeout=60
    )


def an_id(born: str = "19520310") -> str:
    first17 = "330106" + born + "022"
    return first17 + check_digit(first17)


def test_the_documented_example() -> None:
    payload = {
        "channel": "counter",
        "amount": 35000,
        "customer": {"id_number": an_id()},
        "purpose": "朋友说这个平台稳赚不赔，先转过去",
        "payee_relation": "不清楚，是平台给的账号",
        "observations": ["on_phone", "hurried"],
        "date": "2026-11-25",
    }
    proc = run(json.dumps(payload, ensure_ascii=False))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) >= {"score", "level", "signals", "typologies", "actions", "rules_version"}
    assert out["level"] == "critical" and 0 <= out["score"] <= 100
    assert out["customer_age"] == 74
    ids = {s["id"] for s in out["signals"]}
    assert {"on_phone", "hurried", "elderly_senior", "payee_unknown", "account_from_caller"} <= ids
    assert {"investment"} <= {t["id"] for t in out["typologies"]}
    assert all({"id", "label", "points", "evidence"} <= set(s) for s in out["signals"])
    assert an_id() not in proc.stdout


def test_reads_a_file_and_answers(tmp_path: Path) -> None:
    f = tmp_path / "in.json"
    f.write_text(
        json.dumps(
            {
                "channel": "atm",
                "amount": "5000.50",
                "customer": {"age": 35},
                "answers": {"business": "transfer_told", "look_notes": True},
            }
        ),
        encoding="utf-8",
    )
    proc = run("", str(f))
    assert proc.returncode == 0, proc.stderr
    ids = {s["id"] for s in json.loads(proc.stdout)["signals"]}
    assert {"remote_instruction", "account_from_caller", "reading_instructions"} <= ids


@pytest.mark.parametrize(
    ("stdin", "field"),
    [
        ("this is not json", "input"),
        ("[1, 2]", "input"),
        ('{"channel": "branch", "amount": 1, "customer": {"age": 30}}', "channel"),
        ('{"channel": "counter", "amount": 1, "customer": {"age": 30}, "observations": ["sweating"]}', "observations"),
        ('{"channel": "counter", "amount": -5, "customer": {"age": 30}}', "amount"),
        ('{"channel": "counter", "amount": "lots", "customer": {"age": 30}}', "amount"),
        ('{"channel": "counter", "amount": 1.005, "customer": {"age": 30}}', "amount"),
        ('{"channel": "counter", "amount": 1, "customer": {"id_number": "110105194912310021"}}', "customer.id_number"),
        ('{"channel": "counter", "amount": 1}', "customer"),
        (
            '{"channel": "counter", "amount": 1, "customer": {"age": 30}, "answers": {"purpose": "lottery"}}',
            "answers.purpose",
        ),
        ('{"channel": "counter", "amount": 1, "customer": {"age": 30}, "colour": "red"}', "colour"),
        ('{"channel": "counter", "amount": 1, "customer": {"age": 30}, "date": "yesterday"}', "date"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_field(stdin: str, field: str) -> None:
    proc = run(stdin)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"teller-guard: error: {field}")
    assert "Traceback" not in proc.stderr


def test_missing_file_is_one_line() -> None:
    proc = run("", "/nonexistent/in.json")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "cannot read" in proc.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "--month", "2026-13", "--format", "csv", "--out", "x"],
        ["demo-data", "--n", "zero"],
        ["frobnicate"],
        ["serve", "--port", "99999"],
        ["stats", "--db", "nonsense://x", "--staff", "S001"],
        ["export", "--month", "2026-11", "--format", "csv", "--out", "x", "--staff", "S001", "--pin", "135792"],
        ["staff", "list"],
        ["db", "upgrade", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/x"],
    ],
)
def test_bad_cli_input_is_one_line_exit_2(argv: list[str]) -> None:
    proc = subprocess.run([sys.executable, "-m", "teller_guard", *argv], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_bad_time_zone_setting_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELLER_GUARD_TZ", "Mars/Olympus")
    proc = run('{"channel": "counter", "amount": 1, "customer": {"age": 30}}')
    assert proc.returncode == 2 and "TELLER_GUARD_TZ" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_transaction_facts_are_part_of_the_contract() -> None:
    payload = {
        "channel": "counter",
        "amount": "180000",
        "customer": {"age": 45},
        "purpose": "装修",
        "payee_relation": "装修公司",
        "facts": ["fixed_deposit_early_break", "whole_balance", "new_payee"],
        "date": "2026-11-25",
    }
    proc = run(json.dumps(payload, ensure_ascii=False))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    ids = {s["id"] for s in out["signals"]}
    assert {"fixed_deposit_early_break", "whole_balance", "new_payee"} <= ids
    assert out["benign_contexts"] == []

    bad = run(json.dumps({**payload, "facts": ["paid_in_gold"]}))
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "facts" in bad.stderr
    assert "Traceback" not in bad.stderr
