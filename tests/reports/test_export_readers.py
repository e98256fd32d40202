"""The exports opened by an independent reader, LibreOffice (headless), as a security officer would:
the CSV has exactly one row per intervention, the XLSX renders its dates, numbers and native
charts (the PDF rendering is kept in tests/artifacts for a person to look at)."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from teller_guard.core.rules import RuleSet
from teller_guard.reports.export import DETAIL_HEADERS, export_month
from teller_guard.storage.repository import Repository
from tests.conftest import require_tool
from tests.factories.stats import STAFF, seed

pytestmark = pytest.mark.slow
ARTIFACTS = Path(__file__).parents[1] / "artifacts"
NOW = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
OFFICER = next(s for s in STAFF if s.role == "security")


def soffice(tmp_path: Path, *args: str) -> None:
    """LibreOffice headless with a profile of its own (parallel tests never share one)."""
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [require_tool("soffice"), f"-env:UserInstallation={profile}", "--headless", *args],
        check=True,
        capture_output=True,
        timeout=180,
    )


@pytest.fixture
def exported(repo: Repository, rules: RuleSet, tmp_path: Path) -> dict[str, Path]:
    seed(repo)
    out = {}
    for fmt in ("csv", "xlsx"):
        out[fmt] = export_month(
            repo.engine,
            "2026-11",
            fmt,  # type: ignore[arg-type]
            tmp_path / f"台账-2026-11.{fmt}",
            staff=OFFICER,
            rules=rules,
            zone=repo.tz,
            now=NOW,
        ).path
    return out


def test_libreoffice_reads_the_csv_as_one_row_per_intervention(exported: dict[str, Path], tmp_path: Path) -> None:
    conv = tmp_path / "csv-in-lo"
    # 44 = comma, 34 = double quote, 76 = UTF-8, 1 = start at the first line: how a person opens it.
    soffice(tmp_path, "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", str(conv), str(exported["csv"]))
    ws = openpyxl.load_workbook(conv / "台账-2026-11.xlsx").active
    rows = [r for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]
    assert tuple(rows[0]) == DETAIL_HEADERS
    assert len(rows) == 1 + 6  # the header and one row per intervention: no fact lines, no blank line
    assert all(len(r) == len(DETAIL_HEADERS) for r in rows)
    amount = DETAIL_HEADERS.index("金额（元）")
    assert sum(float(r[amount]) for r in rows[1:]) == 194000.0  # LibreOffice reads the amounts as numbers


def test_libreoffice_renders_the_xlsx_with_dates_numbers_and_charts(exported: dict[str, Path], tmp_path: Path) -> None:
    conv = tmp_path / "xlsx-in-lo"
    soffice(tmp_path, "--convert-to", "pdf", "--outdir", str(conv), str(exported["xlsx"]))
    pdf = conv / "台账-2026-11.pdf"
    text = subprocess.run([require_tool("pdftotext"), str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert "核查笔数" in flat and "+200.0%" in flat and "+500.0%" in flat  # 环比/同比 as % formats
    assert "139,000.00" in flat  # the amount protected, a number with a money format
    assert "2026-11-0101:30:00" in flat  # a real date shown in full (no ### for a narrow column)
    assert "###" not in flat
    assert "近12个月核查笔数" in flat and "涉诈类型与处置结果" in flat  # the native charts' titles
    # Keep the rendering for a person to look at.
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob("xlsx-in-libreoffice-*.png"):
        old.unlink()
    subprocess.run(
        [require_tool("pdftoppm"), "-r", "60", "-png", str(pdf), str(ARTIFACTS / "xlsx-in-libreoffice")], check=True
    )
    assert len(list(ARTIFACTS.glob("xlsx-in-libreoffice-*.png"))) >= 3
