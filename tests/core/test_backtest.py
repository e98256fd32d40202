"""Re-scoring past cases with a draft ruleset: what it rebuilds, what it counts."""

from __future__ import annotations

import shutil
from pathlib import Path

from teller_guard.core.backtest import backtest, case_from_corpus, case_from_record
from teller_guard.core.corpus import load_corpus
from teller_guard.core.rules import RuleSet, load_rules, shipped_rules_dir
from teller_guard.core.scoring import assess
from tests.factories import counter_record

DATA = Path(__file__).resolve().parent.parent / "data"


def _draft(tmp_path: Path, *edits: tuple[str, str, str]) -> RuleSet:
    """A copy of the shipped rules with (file, old, new) edits."""
    folder = tmp_path / "draft"
    shutil.copytree(shipped_rules_dir(), folder)
    for name, old, new in edits:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return load_rules(folder)


def _log(rules: RuleSet) -> list:
    return [
        counter_record(rules, amount="3000", answers={"purpose": "living", "relation": "child"}, minutes_ago=90),
        counter_record(
            rules,
            amount="60000",
            answers={"look_phone": True, "look_nervous": True, "relation": "unknown"},
            minutes_ago=60,
            customer_age=72,
            said={"purpose": "电话里的警官让我把钱转到安全账户"},
        ),
        counter_record(
            rules, amount="20000", answers={"look_phone": True}, minutes_ago=30, said={"purpose": "给儿子买房"}
        ),
    ]


def test_a_logged_case_is_rebuilt_as_it_was_scored(rules: RuleSet) -> None:
    for rec in _log(rules):
        case = case_from_record(rec, rules)
        assert case is not None
        again = assess(rules, case.input)
        assert (again.score, again.level, again.signals) == (rec.score, rec.level, rec.signals)
    truths = [case_from_record(r, rules).truth for r in _log(rules)]  # type: ignore[union-attr]
    assert truths == ["genuine", "fraud", "genuine"]  # proceed / police / proceed_warned


def test_the_same_rules_change_nothing(rules: RuleSet) -> None:
    cases = [case_from_record(r, rules) for r in _log(rules)]
    cases += [case_from_corpus(c, "heldout_cases_4.toml") for c in load_corpus(DATA / "heldout_cases_4.toml")]
    result = backtest(rules, rules, [c for c in cases if c is not None])
    assert result.cases == 104 and result.changes == []
    assert result.levels_before == result.levels_after
    assert result.frauds == 77 and result.genuine == 27


def test_a_lighter_phone_weight_shows_who_it_would_miss(rules: RuleSet, tmp_path: Path) -> None:
    # A branch that drops both the phone weight and the promise it kept (policy.toml [calibration]).
    draft = _draft(
        tmp_path,
        ("signals.toml", 'label = "边打电话边办理"\nweight = 30', 'label = "边打电话边办理"\nweight = 5'),
        ("policy.toml", "behaviours_for = { medium = 2, high = 3 }\n", ""),
    )
    corpus = [case_from_corpus(c, "c4") for c in load_corpus(DATA / "heldout_cases_4.toml")]
    result = backtest(rules, draft, corpus)
    assert result.down and not result.up
    assert result.frauds_held[1] < result.frauds_held[0]
    assert result.crossed("fraud", 2, upward=False), "some confirmed fraud drops below 高"
    data = result.as_dict()
    assert data["moved_down"] == len(result.down) and data["moved_up"] == 0
    assert set(data["confirmed_frauds"]["no_longer_held"]) == {c.ref for c in result.crossed("fraud", 2, upward=False)}
    assert data["holds"]["after"] < data["holds"]["before"]
    every = sum(v["before"] for v in data["levels"].values())  # type: ignore[union-attr]
    assert every == result.cases == 101


def test_inputs_a_draft_no_longer_knows_are_counted_not_fatal(rules: RuleSet, tmp_path: Path) -> None:
    draft = _draft(
        tmp_path,
        (
            "signals.toml",
            'label = "首次向该收款人转账"\nweight = 5\ncategory = "transaction"\nfact = true',
            'label = "首次向该收款人转账"\nweight = 5\ncategory = "transaction"',
        ),
    )
    corpus = [case_from_corpus(c, "c4") for c in load_corpus(DATA / "heldout_cases_4.toml")]
    result = backtest(rules, draft, corpus)
    assert result.dropped["fact new_payee"] > 0
