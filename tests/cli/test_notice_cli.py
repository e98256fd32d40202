"""`teller-guard notice`: an assess input in, a preview notice PDF out; bad input exits 2 with one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require_tool
from tests.factories.notices import ID_NUMBER, POLICE


def notice(
    tmp_path: Path, payload: str | None, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    src = tmp_path / "in.json"
    if payload is not None:
        src.write_text(payload, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "teller_guard", "notice", "--input", str(src), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def test_happy_path_writes_a_preview_notice(tmp_path: Path) -> None:
    out = tmp_path / "notice.pdf"
    proc = notice(tmp_path, json.dumps({**POLICE, "date": "2026-11-25"}, ensure_ascii=False), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:5] == b"%PDF-"
    serial = proc.stdout.split("serial ")[1].split()[0]
    assert serial.startswith("PREVIEW-BR0001-")
    text = subprocess.run([require_tool("pdftotext"), str(out), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert "样张" in flat  # a preview can never pass for a notice issued at the counter
    assert serial in flat
    assert "冒充公检法" in flat and "凡是自称公检法要求汇款的，都是诈骗。" in flat
    assert ID_NUMBER not in flat and ID_NUMBER[6:14] not in flat
    case = proc.stdout.split("case ")[1].split()[0]
    assert len(case) == 12 and case in flat


@pytest.mark.parametrize(
    "payload,args,message",
    [
        ('{"channel": "counter", "amount": 100, "customer": {"age": 30}, "colour": 1}', (), "colour: unknown key"),
        ("{not json", (), "input: not valid JSON"),
        ('{"channel": "counter", "amount": -1, "customer": {"age": 30}}', (), "amount: must not be negative"),
        (None, (), "input: cannot read"),
        (
            '{"channel": "counter", "amount": 1, "customer": {"age": 30}}',
            ("--out", "/nonexistent/dir/x.pdf"),
            "does not exist",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, payload: str | None, args: tuple[str, ...], message: str
) -> None:
    proc = notice(tmp_path, payload, *(args or ("--out", str(tmp_path / "x.pdf"))))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("teller-guard: error:") and message in lines[0]
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_a_missing_font_override_is_an_error_not_a_silent_fallback(tmp_path: Path) -> None:
    proc = notice(
        tmp_path,
        '{"channel": "counter", "amount": 1, "customer": {"age": 30}}',
        "--out",
        str(tmp_path / "x.pdf"),
        env={"TELLER_GUARD_PDF_FONT": str(tmp_path / "nope.ttf")},
    )
    assert proc.returncode == 2
    assert (
        proc.stderr.strip() == f"teller-guard: error: TELLER_GUARD_PDF_FONT: no such font file: {tmp_path / 'nope.ttf'}"
    )
