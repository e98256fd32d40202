"""`teller-guard rules backtest`: a draft ruleset against the log (a real demo database) and corpus files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from teller_guard.cli import main
from teller_guard.core.rules import shipped_rules_dir
from tests.factories import frozen_clock

CORPUS = Path(__file__).resolve().parent.parent / "data" / "heldout_cases_4.toml"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('backtest') / 'demo.db'}"
    assert main(["demo-data", "--db", url, "--n", "800", "--seed", "4"], clock=frozen_clock) == 0
    return url


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    """A draft that makes 神色慌张 weigh as much as being on the phone."""
    folder = tmp_path / "draft"
    shutil.copytree(shipped_rules_dir(), folder)
    path = folder / "signals.toml"
    text = path.read_text(encoding="utf-8")
    old = 'label = "神色慌张"\nweight = 20'
    assert old in text
    path.write_text(text.replace(old, 'label = "神色慌张"\nweight = 35'), encoding="utf-8")
    return folder


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:  # type: ignore[type-arg]
    assert main(["rules", "backtest", *args, "--json"], clock=frozen_clock) == 0
    return json.loads(capsys.readouterr().out)


def test_the_log_with_the_rules_in_force_changes_nothing(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(capsys, "--rules", str(shipped_rules_dir()), "--db", demo_db)
    assert out["cases"] == 800 and out["changes"] == [] and out["moved_up"] == out["moved_down"] == 0
    assert out["confirmed_frauds"]["count"] > 0 and out["genuine"]["count"] > 0


def test_a_draft_over_the_log_says_what_moves(demo_db: str, draft: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(capsys, "--rules", str(draft), "--db", demo_db)
    assert out["moved_up"] > 0 and out["moved_down"] == 0
    assert out["warnings"]["after"] >= out["warnings"]["before"]
    assert out["holds"]["after"] > out["holds"]["before"]
    frauds = out["confirmed_frauds"]
    assert frauds["held"]["after"] >= frauds["held"]["before"] and frauds["newly_missed"] == []
    changed = {c["ref"] for c in out["changes"]}
    assert set(out["genuine"]["newly_flagged"]) <= changed
    for c in out["changes"]:
        assert c["after"]["score"] >= c["before"]["score"]


def test_the_table_speaks_chinese_and_lists_the_changed_cases(
    demo_db: str, draft: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["rules", "backtest", "--rules", str(draft), "--db", demo_db, "--limit", "5"], clock=frozen_clock) == 0
    out = capsys.readouterr().out
    for words in ("规则回测", "风险等级 高", "确认诈骗", "需加强提示", "等级上调", "变化的案例"):
        assert words in out, words
    assert "列出前 5 笔" in out


def test_a_corpus_file_alone(draft: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(capsys, "--rules", str(draft), "--corpus", str(CORPUS))
    assert out["cases"] == 101
    assert {c["source"] for c in out["changes"]} <= {"heldout_cases_4.toml"}
    assert out["confirmed_frauds"]["count"] == 76 and out["genuine"]["count"] == 25


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rules", "backtest"], "--rules DRAFT_DIR is required"),
        (["rules", "backtest", "--rules", "RULES", "--db", "sqlite:////nonexistent/x.db"], "no such file"),
        (["rules", "backtest", "--rules", "RULES", "--corpus", "/nonexistent.toml"], "--corpus"),
        (["rules", "backtest", "--rules", "/nonexistent-rules"], "does not exist"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = [str(shipped_rules_dir()) if a == "RULES" else a for a in args]
    assert main(args, clock=frozen_clock) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
