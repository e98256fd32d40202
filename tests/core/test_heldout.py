"""Detection measured on held-out cases written by people who never saw the rules
(``tests/data/heldout_cases*.toml``), on the whole ``assess`` contract: the level each case
reaches, not only the typology named.

Each corpus was measured untouched first, then (except the sealed ones) used to widen the word
families and calibrate the weights — never to add single-sentence special cases. Corpora 1–3
hold the customer's words only (scored as a ¥20,000 counter transfer of unknown age); 4–7 are
full cases (channel, amount, age, words, observations, transaction facts) with frauds told in
words, cover-story frauds and genuine cases built to tempt a keyword engine; 6 and 7 are in the
short-field style of real intervention reports (two-word purposes, notes empty half the time).
Probe corpus 8 was written by the round-2 engineer before tuning, in the same style.

| corpus | untouched (engine) | after round 2 |
| --- | --- | --- |
| 1–2 | typology recall 67% / 65% (0.1.0) | 100% / 100% (tuned on) |
| 3 | story named 67%, 中+ 71%, 高+ 49% (0.1.0) | 76%, 80%, 80% (tuned on since 0.2) |
| 4 | 中+ 92%, 高+ 79%, story 85%; genuine 高+ 5/25 (0.1.0) | 100%, 100%, 100%; 2/25 (tuned on) |
| 5 | 中+ 89%, 高+ 61%, story 69%; genuine 高+ 1/25 (0.1.0) | 95%, 87%, 80%; 1/25 — never read |
| 6 | 中+ 77%, 高+ 49%, story 53%; genuine 高+ 3/35, 极高 1 (0.1.0) | 99%, 94%, 100%; 3/35, 极高 0 (tuned on) |
| 7 | 中+ 78%, 高+ 36%, story 49%; genuine 高+ 3/35, 极高 1 (0.1.0) | 94%, 75%, 79%; 3/35, 极高 0 — never read |
| 8 | 中+ 92%, 高+ 62%, story 80%; genuine 高+ 1/18 (round 1) | 96%, 85%, 90%; 0/18 (misses seen) |

Corpora 5 and 7 are sealed: nobody working on the rules reads their cases, and their tests print
aggregates only (no case id, no words); their floors guard the honest figure. The floors of the
others keep what tuning gained from regressing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from teller_guard.core.corpus import load_corpus, score_corpus
from teller_guard.core.rules import RuleSet
from tests.heldout_aggregates import aggregates

DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Floor:
    medium: float
    """Least share of frauds reaching 中."""
    high: float
    """Least share of frauds reaching 高."""
    story: float
    """Least share of story frauds (no cover story) whose story is named."""
    genuine_high: float
    """Most share of genuine cases reaching 高 (none may reach 极高)."""
    genuine_named: float
    """Most share of genuine cases a typology is named for."""
    cover_high: float = 0.0
    """Least share of cover-story frauds reaching 高."""


SEALED = frozenset({"heldout_cases_5.toml", "heldout_cases_7.toml"})
"""Never read: their tests print counts only (tests.heldout_aggregates), never a case."""

FLOORS = {
    "heldout_cases.toml": Floor(medium=1.0, high=0.65, story=0.97, genuine_high=0.04, genuine_named=0.04),
    "heldout_cases_2.toml": Floor(medium=1.0, high=0.65, story=0.97, genuine_high=0.05, genuine_named=0.05),
    "heldout_cases_3.toml": Floor(medium=0.78, high=0.64, story=0.72, genuine_high=0.05, genuine_named=0.05),
    "heldout_cases_4.toml": Floor(medium=0.98, high=0.95, story=0.97, genuine_high=0.12, genuine_named=0.04),
    "heldout_cases_5.toml": Floor(medium=0.93, high=0.85, story=0.78, genuine_high=0.08, genuine_named=0.08),
    "heldout_cases_6.toml": Floor(
        medium=0.97, high=0.92, story=0.97, genuine_high=0.09, genuine_named=0.03, cover_high=0.80
    ),
    "heldout_cases_7.toml": Floor(
        medium=0.92, high=0.73, story=0.76, genuine_high=0.12, genuine_named=0.03, cover_high=0.55
    ),
    "probes_short_8.toml": Floor(medium=0.92, high=0.80, story=0.85, genuine_high=0.06, genuine_named=0.06),
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_heldout_levels_stories_and_false_alarms(rules: RuleSet, name: str) -> None:
    path = DATA / name
    assert path.exists(), f"missing corpus {name}"
    score = score_corpus(rules, load_corpus(path))
    floor = FLOORS[name]
    report = aggregates(name, score) if name in SEALED else f"{name}: {score.summary()}\n" + "\n".join(score.misses)
    print(report)
    assert score.frauds and score.genuine, report
    assert score.recall_medium >= floor.medium, report
    assert score.recall_high >= floor.high, report
    assert score.story_rate >= floor.story, report
    assert score.genuine_critical == 0, report
    assert score.genuine_high_rate <= floor.genuine_high, report
    assert score.false_naming_rate <= floor.genuine_named, report
    assert score.share(score.cover_high, score.cover) >= floor.cover_high, report


def test_the_full_corpora_carry_the_whole_contract() -> None:
    """Corpora 4–7 exercise observations, both channels, unknown ages and cover stories (4 and 5
    transaction facts too; 6 and 7 say them in the customer's words)."""
    for name in ("heldout_cases_4.toml", "heldout_cases_5.toml", "heldout_cases_6.toml", "heldout_cases_7.toml"):
        cases = load_corpus(DATA / name)
        assert len(cases) >= 100
        assert {c.input.channel for c in cases} == {"counter", "atm"}
        assert any(c.input.observations for c in cases)
        assert name in ("heldout_cases_6.toml", "heldout_cases_7.toml") or any(c.input.facts for c in cases)
        assert any(c.input.customer.age is None for c in cases)
        assert sum(c.cover_story for c in cases) >= 15


def test_the_sealed_corpora_print_counts_only(rules: RuleSet) -> None:
    """The aggregate harness names no case and quotes no words (how a sealed corpus is measured)."""
    for name in sorted(SEALED):
        cases = load_corpus(DATA / name)
        line = aggregates(name, score_corpus(rules, cases))
        assert "frauds" in line and "genuine" in line
        assert not any(c.id in line for c in cases)
        assert not any(len(t) > 3 and t in line for c in cases for t in (c.input.purpose, c.input.payee_relation))
