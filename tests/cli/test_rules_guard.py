"""`rules check` guarantees: rules it passes cannot crash or hang scoring. The crashing and
hanging rules are refused with their file and key, every problem at once."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from teller_guard.cli import main
from teller_guard.core.errors import RulesError
from teller_guard.core.rules import load_rules
from teller_guard.core.rules_guard import checklist_problems, pattern_problems, template_problems


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture drift: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _concept(rules: Path, cid: str, pattern: str) -> None:
    text = (rules / "lexicon.toml").read_text(encoding="utf-8")
    toml_pattern = pattern.replace("\\", "\\\\")
    (rules / "lexicon.toml").write_text(
        text.replace("[[concept]]", f'[[concept]]\nid = "{cid}"\npatterns = ["{toml_pattern}"]\n\n[[concept]]', 1),
        encoding="utf-8",
    )


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("(.*)*x", "repeat inside a repeat"),
        ("(a+)+b", "repeat inside a repeat"),
        ("(?:[一二]{1,9})*", "repeat inside a repeat"),
        ("(?:我|我们)+说", "branches can start with the same character"),
        (".*转.*账", "2 unbounded repeats"),
        ("(?=安全)账户", "lookarounds"),
        ("(?<!不)认识", "lookarounds"),
        ("(钱)\\1", "back-references"),
    ],
)
def test_patterns_that_can_hang_are_refused(pattern: str, words: str) -> None:
    assert any(words in p for p in pattern_problems(pattern)), pattern_problems(pattern)


@pytest.mark.parametrize(
    "pattern",
    [  # the shapes the rules use (issue 12's patterns among them)
        "(?:接到|来了|打来|收到)[^，。,.;；]{0,4}(?:电话|视频|微信|短信)",
        "差[一二三四五六七八九十两几\\d]+(?:万|千)",
        "(?:天|周|个月)后?(?:给|返|还)[^，。,.]{0,2}[一二三四五六七八九十两百千万\\d]",
        "(?:俺|我|咱|我家|俺家)(?:儿|娃|孩|闺女|妮儿|丫头)",
        "(?:ab){2,5}",
    ],
)
def test_the_patterns_branches_write_pass(pattern: str) -> None:
    assert pattern_problems(pattern) == []


@pytest.mark.parametrize(
    ("template", "words"),
    [
        ("{evidence:d}", "without a format spec"),
        ("{evidence!r}", "without a format spec"),
        ("{evidence:>999999999}", "without a format spec"),
        ("{evidence.upper}", "unknown placeholder"),
        ("{0}", "unknown placeholder"),
        ("客户说{", "not a valid template"),
    ],
)
def test_templates_that_crash_are_refused(template: str, words: str) -> None:
    assert any(words in p for p in template_problems(template))


def test_the_issue_rules_are_refused_with_every_problem(rules_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The three from the report: {evidence:d}, (.*)*x, a counter checklist cut to 3 of its items."""
    _edit(rules_copy / "signals.toml", 'reason = "', 'reason = "{evidence:d}')
    _concept(rules_copy, "evil", "(.*)*x")
    counter = rules_copy / "checklists" / "counter.toml"
    items = counter.read_text(encoding="utf-8").split("[[item]]")
    counter.write_text("[[item]]".join(items[:4]), encoding="utf-8")

    started = time.perf_counter()
    assert main(["--rules", str(rules_copy), "rules", "check"]) == 2
    assert time.perf_counter() - started < 30
    err = capsys.readouterr().err
    expected = [
        r"signals\.toml: signal\[0\]\(\w+\)\.reason: write \{evidence\} without a format spec",
        r"lexicon\.toml: concept\[0\]\(evil\)\.patterns\[0\]: a repeat inside a repeat",
        r"checklists/counter\.toml: item: mandatory item 'look_phone' \(二看",
        r"checklists/counter\.toml: item: mandatory item 'check_holder' \(一核对",
    ]
    missing = [pat for pat in expected if not re.search(pat, err)]
    assert not missing, f"not reported: {missing}\n---\n{err}"
    assert "Traceback" not in err


def test_mandatory_items_keep_their_step_and_signal(rules_copy: Path) -> None:
    lobby = rules_copy / "checklists" / "lobby.toml"
    _edit(lobby, 'id = "look_phone"\nstep = "二看"', 'id = "look_phone"\nstep = "一问"')
    _edit(
        lobby,
        'id = "remind_verify"\nstep = "三提醒"\nprompt = "提醒客户与家人或熟人核实"\nkind = "reminder"',
        'id = "remind_verify"\nstep = "三提醒"\nprompt = "提醒客户与家人或熟人核实"\nkind = "yesno"',
    )
    _edit(lobby, 'raises_on_yes = ["reading_instructions"]', 'raises_on_yes = ["nervous"]')
    with pytest.raises(RulesError) as exc:
        load_rules(rules_copy)
    keys = {(p.file, p.key) for p in exc.value.problems}
    assert ("checklists/lobby.toml", "item[2](look_phone).step") in keys
    assert ("checklists/lobby.toml", "item[3](look_notes).raises_on_yes") in keys
    assert ("checklists/lobby.toml", "item[5](remind_verify).kind") in keys


def test_every_counter_item_the_seeds_name_is_required() -> None:
    assert [key for key, _ in checklist_problems("counter", [])] == ["item"] * 10
    assert [key for key, _ in checklist_problems("atm", [])] == ["item"] * 7


def test_amount_thresholds_are_range_checked(rules_copy: Path) -> None:
    _edit(rules_copy / "policy.toml", "min_yuan = ", "min_yuan = 1000000000000 # ")
    with pytest.raises(RulesError) as exc:
        load_rules(rules_copy)
    assert any(p.key.startswith("amount_band[0].min_yuan") and "100,000,000" in p.message for p in exc.value.problems)


def test_the_probe_catches_a_slow_pattern_the_static_checks_allow(
    rules_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    slow = "[^，]{0,900}[^。]{0,900}[^；]{0,900}！"  # no unbounded or nested repeat, still cubic
    assert pattern_problems(slow) == []
    _concept(rules_copy, "slow", slow)
    load_rules(rules_copy)  # loads: only the probe can tell
    started = time.perf_counter()
    assert main(["--rules", str(rules_copy), "rules", "check"]) == 2
    assert time.perf_counter() - started < 30
    err = capsys.readouterr().err
    assert re.search(r"lexicon\.toml: concept\(slow\)\.patterns: matching takes more than", err), err


@pytest.mark.slow  # the probe times every pattern on the longest texts
def test_shipped_rules_pass_the_probe(capsys: pytest.CaptureFixture[str]) -> None:
    started = time.perf_counter()
    assert main(["rules", "check"]) == 0
    assert "rules OK" in capsys.readouterr().out
    assert time.perf_counter() - started < 20
