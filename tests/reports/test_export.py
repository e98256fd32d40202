"""The monthly export read back: CSV (csv module), XLSX (openpyxl), PDF (pdftotext); the
checksum, the same totals in all three, masking, permission and atomic writes."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import subprocess
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from teller_guard.cli import main
from teller_guard.core.permissions import EXPORT_ROLES, can_export
from teller_guard.core.records import Staff
from teller_guard.core.rules import RuleSet
from teller_guard.core.vocabulary import ACK_LABELS
from teller_guard.reports import export as export_mod
from teller_guard.reports.export import (
    DETAIL_HEADERS,
    ExportError,
    export_month,
    scrub,
    verify_csv,
)
from teller_guard.storage.repository import Repository
from tests.conftest import require_tool
from tests.factories.pdf import assert_inside_margins_and_cjk_breaks
from tests.factories.stats import (
    SECRET_ACCOUNT,
    SECRET_CARD,
    SECRET_ID,
    SECRET_NAME,
    SECRET_PAYEE,
    STAFF,
    seed,
)

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
OFFICER = next(s for s in STAFF if s.role == "security")
SECRETS = (SECRET_NAME, SECRET_PAYEE, SECRET_ID, SECRET_CARD, SECRET_ACCOUNT, "6222 0212 3456 7890 123")


@pytest.fixture
def seeded(repo: Repository) -> Repository:
    seed(repo)
    return repo


def export(repo: Repository, rules: RuleSet, fmt: str, out: Path, **kw: object) -> export_mod.ExportResult:
    return export_month(
        repo.engine,
        "2026-11",
        fmt,  # type: ignore[arg-type]
        out,
        staff=OFFICER,
        rules=rules,
        zone=ZONE,
        now=NOW,
        **kw,  # type: ignore[arg-type]
    )


def read_csv(path: Path) -> tuple[list[list[str]], dict[str, str]]:
    """The CSV's rows (data only) and the facts its manifest states, as people read them."""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    manifest = json.loads(path.with_name(path.stem + ".manifest.json").read_text(encoding="utf-8"))
    return rows, {**manifest["facts_text"], **manifest["totals_text"]}


def test_csv_detail_rows_match_the_database(seeded: Repository, rules: RuleSet, tmp_path: Path) -> None:
    result = export(seeded, rules, "csv", tmp_path / "台账.csv")
    rows, facts = read_csv(result.path)
    assert tuple(rows[0]) == DETAIL_HEADERS
    detail = rows[1:]
    assert len(detail) == result.rows == 6 == int(facts["明细行数"])
    assert all(len(r) == len(DETAIL_HEADERS) for r in rows)  # data only: no fact lines after the rows
    col = {h: i for i, h in enumerate(DETAIL_HEADERS)}
    assert sum(Decimal(r[col["金额（元）"]]) for r in detail) == Decimal("194000.00")
    assert sum(Decimal(r[col["避免损失金额（元）"]]) for r in detail) == Decimal("139000.00")
    first = detail[0]
    assert first[col["时间（本地）"]] == "2026-11-01 01:30:00"  # local time, not UTC
    assert first[col["客户（脱敏）"]] == "张**" and first[col["年龄段"]] == "70-79岁"
    assert first[col["结果"]] == "劝阻成功" and first[col["签署情况"]] == ACK_LABELS["refused"]
    assert first[col["风险信号"]] == "老年客户" and first[col["等级"]] == "极高"
    police = next(r for r in detail if r[col["结果"]] == "停止办理并报警")
    assert police[col["报警回执号"]] == "JJ2026111500012" and police[col["渠道"]] == "自助设备"
    abandoned = next(r for r in detail if r[col["结果"]] == "中途放弃")
    assert abandoned[col["签署情况"]] == "无告知书"
    assert facts["报告期"] == "2026-11" and facts["导出人"] == "S001 王保卫（安全保卫）"
    assert facts["导出时间"] == "2026-12-02 09:00:00 Asia/Shanghai"
    assert facts["避免损失金额"] == "¥139,000.00" and facts["核查笔数"] == "6"


def test_checksum_is_over_the_canonical_csv_detail_rows(seeded: Repository, rules: RuleSet, tmp_path: Path) -> None:
    result = export(seeded, rules, "csv", tmp_path / "m.csv")
    rows, facts = read_csv(result.path)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    assert hashlib.sha256(buf.getvalue().encode()).hexdigest() == result.sha256 == facts["校验值"]
    assert verify_csv(result.path)[0]
    # The documented shell recipe gives the same digest.
    shell = subprocess.run(
        f"tail -c +4 '{result.path}' | sha256sum",
        shell=True,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[0]
    assert shell == result.sha256
    # A changed amount is caught.
    # sha256sum -c checks the CSV and its manifest as files.
    check = subprocess.run(["sha256sum", "-c", "m.sha256"], cwd=tmp_path, capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout.count(": OK") == 2, check.stdout
    manifest = json.loads((tmp_path / "m.manifest.json").read_text(encoding="utf-8"))
    assert manifest["checksum"]["sha256"] == result.sha256 and manifest["rows"] == 6
    assert manifest["chain_head"] is None and manifest["exported_by"]["staff_id"] == "S001"
    assert manifest["totals"]["protected_fen"] == 13_900_000
    # A changed amount is caught by both.
    result.path.write_bytes(result.path.read_bytes().replace(b"88000.00", b"8800.00", 1))
    assert not verify_csv(result.path)[0]
    check = subprocess.run(["sha256sum", "-c", "m.sha256"], cwd=tmp_path, capture_output=True, text=True)
    assert check.returncode != 0 and "m.csv: FAILED" in check.stdout


def test_xlsx_reads_back_with_the_same_rows_totals_and_checksum(
    seeded: Repository, rules: RuleSet, tmp_path: Path
) -> None:
    csv_result = export(seeded, rules, "csv", tmp_path / "m.csv")
    result = export(seeded, rules, "xlsx", tmp_path / "m.xlsx")
    assert result.sha256 == csv_result.sha256
    wb = openpyxl.load_workbook(result.path, read_only=False)
    assert wb.sheetnames == ["汇总", "趋势", "涉诈类型", "明细"]
    detail = wb["明细"]
    values = list(detail.iter_rows(values_only=True))
    assert tuple(values[0]) == DETAIL_HEADERS and len(values) == 7
    assert detail.freeze_panes == "A2"
    assert detail.auto_filter.ref == "A1:X7"
    col = DETAIL_HEADERS.index("金额（元）")
    assert all(isinstance(r[col], int | float) for r in values[1:])  # numbers, not text
    assert detail.cell(row=2, column=col + 1).number_format == "#,##0.00"
    assert sum(Decimal(str(r[col])) for r in values[1:]) == Decimal("194000.00")
    when = DETAIL_HEADERS.index("时间（本地）")
    assert values[1][when] == datetime(2026, 11, 1, 1, 30)  # noqa: DTZ001 - openpyxl reads a cell as a naive local time
    assert detail.cell(row=2, column=when + 1).number_format == "yyyy-mm-dd hh:mm:ss"
    csv_rows, _ = read_csv(csv_result.path)
    for x_row, c_row in zip(values[1:], csv_rows[1:], strict=True):
        for k, (x, c) in enumerate(zip(x_row, c_row, strict=True)):
            if k in export_mod.MONEY_COLUMNS:
                assert Decimal(str(x)).quantize(Decimal("0.01")) == Decimal(c), DETAIL_HEADERS[k]
            elif k == when:
                assert x.isoformat(" ") == c
            elif k in export_mod.INT_COLUMNS:
                assert x == int(c)
            else:
                assert str(x if x is not None else "") == c, DETAIL_HEADERS[k]
    summary = wb["汇总"]
    lines = [r[0] for r in summary.iter_rows(values_only=True) if r and r[0]]
    assert f"校验值：{result.sha256}" in lines and "明细行数：6" in lines and "报告期：2026-11" in lines
    rows = {r[1]: r for r in summary.iter_rows(values_only=True) if r and r[1]}
    assert rows["避免损失金额（元）"][2:4] == (139000.0, 20000.0)  # numbers
    assert rows["核查笔数"][2:] == (6, 2, 2.0, 1, 5.0)  # type: ignore[comparison-overlap]  # 环比 +200% and 同比 +500% as ratios
    pct = next(
        c for c in summary[next(r for r in range(1, 60) if summary.cell(r, 2).value == "核查笔数")] if c.column == 5
    )
    assert pct.number_format.startswith("+0.0%")
    trend = list(wb["趋势"].iter_rows(values_only=True))
    assert trend[0] == ("月份", "核查笔数", "劝阻及报警笔数", "避免损失金额（元）") and len(trend) == 13
    assert trend[-1] == ("2026-11", 6, 3, 139000.0)
    # Native charts: two on the trend sheet, one on the fraud types.
    assert len(wb["趋势"]._charts) == 2 and len(wb["涉诈类型"]._charts) == 1


def test_pdf_states_the_same_totals_and_typical_cases(seeded: Repository, rules: RuleSet, tmp_path: Path) -> None:
    csv_result = export(seeded, rules, "csv", tmp_path / "m.csv")
    result = export(seeded, rules, "pdf", tmp_path / "m.pdf")
    assert result.sha256 == csv_result.sha256
    fonts = subprocess.run(
        [require_tool("pdffonts"), str(result.path)], check=True, capture_output=True, text=True
    ).stdout
    assert "yes" in fonts.splitlines()[-1]  # the CJK font is embedded
    pdf_text = subprocess.run(
        [require_tool("pdftotext"), str(result.path), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = re.sub(r"\s+", "", pdf_text)
    for key, value in csv_result.facts.totals.as_text().items():
        assert key in flat and value in flat, key
    assert result.sha256 in flat and "明细行数6" in flat
    assert "典型案例" in flat and "案例一" in flat and "案例三" in flat and "案例四" not in flat
    # The highest level first: the critical dissuasion (A) opens the cases.
    assert flat.index("极高（90分）") < flat.index("高（60分）")
    assert_inside_margins_and_cjk_breaks(result.path)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_no_identity_leaves_the_branch(seeded: Repository, rules: RuleSet, tmp_path: Path, fmt: str) -> None:
    result = export(seeded, rules, fmt, tmp_path / f"m.{fmt}")
    if fmt == "csv":
        content = result.path.read_text(encoding="utf-8-sig")
    elif fmt == "xlsx":
        wb = openpyxl.load_workbook(result.path)
        content = "\n".join(
            str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None
        )
    else:
        content = subprocess.run(
            [require_tool("pdftotext"), str(result.path), "-"], check=True, capture_output=True, text=True
        ).stdout
    flat = re.sub(r"\s+", "", content)
    for secret in SECRETS:
        assert secret.replace(" ", "") not in flat, secret
    assert not re.search(r"(?<![0-9a-f])\d{17}[\dX](?![0-9a-f])", content)  # no ID-shaped number
    assert "[证件号]" in flat and "****0123" in flat  # the customer's words, scrubbed
    if fmt != "pdf":
        assert "张**" in flat and "****1234" in flat


def test_scrub_rules() -> None:
    assert scrub(f"身份证 {SECRET_ID} 卡号6222-0212-3456-7890") == "身份证 [证件号] 卡号****7890"
    assert scrub("电话 138 0013 8000，转 5万") == "电话 138****8000，转 5万"
    assert scrub("我叫欧阳娜娜\n他叫王五") == "我叫欧*** 他叫王*"
    assert scrub("20260101") == "****0101"
    assert scrub("1234567") == "1234567"  # seven digits are not an account
    assert scrub("旧身份证 110101500101123") == "旧身份证 [证件号]"


def test_only_export_roles_may_export(seeded: Repository, rules: RuleSet, tmp_path: Path) -> None:
    assert (
        {r for r in ("teller", "lobby", "guard", "supervisor", "security", "admin", None) if can_export(r)}
        == set(EXPORT_ROLES)
        == {"security", "supervisor", "admin"}
    )
    teller = Staff(staff_id="T001", name="柜员一", role="teller")
    with pytest.raises(ExportError):
        export_month(seeded.engine, "2026-11", "csv", tmp_path / "x.csv", staff=teller, rules=rules, zone=ZONE, now=NOW)
    assert not (tmp_path / "x.csv").exists()


def test_cli_export_checks_the_staff_and_their_pin(
    seeded: Repository, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = seeded.engine.url.render_as_string(hide_password=False)
    out = tmp_path / "out.xlsx"
    base = ["export", "--db", db, "--month", "2026-11", "--format", "xlsx", "--out", str(out), "--pin-stdin"]

    def run(*argv: str, pins: str = "135792\n") -> tuple[int, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(pins))
        status = main([*base, *argv])
        captured = capsys.readouterr()
        return status, captured.err.strip() + captured.out

    status, err = run("--staff", "NOPE")
    assert status == 2 and err.count("\n") == 0 and "wrong staff id or PIN" in err
    status, err = run("--staff", "T001")
    assert status == 2 and "may not export" in err
    status, err = run("--staff", "S001", pins="999999\n")
    assert status == 2 and "wrong staff id or PIN" in err
    assert main([*base]) == 2 and "--staff" in capsys.readouterr().err
    assert not out.exists()
    status, printed = run("--staff", "S001")
    assert status == 0 and out.exists() and "6 rows" in printed
    kinds = [(e.kind, e.staff_id, e.ok) for e in seeded.audit_events()]
    assert kinds == [
        ("export_refused", None, False),
        ("export_refused", "T001", False),
        ("export_refused", "S001", False),
        ("export", "S001", True),
    ]
    done = seeded.audit_events(kind="export")[0]
    assert done.subject == "2026-11" and done.detail["format"] == "xlsx" and done.detail["rows"] == 6
    assert len(str(done.detail["sha256"])) == 64 and done.origin == "cli"


def test_cli_stats_prints_the_month_for_a_reader(
    seeded: Repository, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = seeded.engine.url.render_as_string(hide_password=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("135792\n135792\n"))
    assert main(["stats", "--db", db, "--month", "2026-11", "--staff", "T001", "--pin-stdin"]) == 2
    assert "may not read the branch statistics" in capsys.readouterr().err
    assert main(["stats", "--db", db, "--month", "2026-11", "--staff", "S001", "--pin-stdin"]) == 0
    out = capsys.readouterr().out
    assert "核查笔数" in out and "¥139,000.00" in out and "+200.0%" in out
    assert [(e.kind, e.staff_id, e.ok) for e in seeded.audit_events()] == [
        ("stats_read", "T001", False),
        ("stats_read", "S001", True),
    ]


def test_an_interrupted_export_leaves_no_file(
    seeded: Repository, rules: RuleSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "m.xlsx"
    target.write_bytes(b"the previous, complete export")
    real = export_mod.ledger_rows

    def failing(*args: object, **kw: object):  # type: ignore[no-untyped-def]
        for n, row in enumerate(real(*args, **kw)):  # type: ignore[arg-type]
            if n == 3:
                raise OSError("disk full")
            yield row

    monkeypatch.setattr(export_mod, "ledger_rows", failing)
    for fmt, name in (("xlsx", "m.xlsx"), ("csv", "new.csv")):
        with pytest.raises(OSError, match="disk full"):
            export(seeded, rules, fmt, tmp_path / name)
    assert target.read_bytes() == b"the previous, complete export"
    assert not (tmp_path / "new.csv").exists() and not (tmp_path / "new.manifest.json").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_progress_is_reported(seeded: Repository, rules: RuleSet, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    export(seeded, rules, "csv", tmp_path / "m.csv", progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (6, 6)


def test_a_lobby_to_counter_pair_is_one_ledger_row_showing_the_lobby_step(
    seeded: Repository, rules: RuleSet, tmp_path: Path
) -> None:
    from tests.factories.stats import lobby_pair

    lobby_uid, counter_uid = lobby_pair(seeded)
    result = export(seeded, rules, "csv", tmp_path / "m.csv")
    rows, facts = read_csv(result.path)
    uids = [r[0] for r in rows[1:]]
    assert counter_uid in uids and lobby_uid not in uids and result.rows == 7 == int(facts["明细行数"])
    counter = rows[1 + uids.index(counter_uid)]
    assert counter[DETAIL_HEADERS.index("大堂转入")] == f"{lobby_uid} L001 ATM01"
