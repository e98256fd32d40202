"""Narrative detection measured on held-out phrasings written by people who never saw the
lexicon (``tests/data/heldout_cases*.toml``): real reported cases in the customers' own words,
and benign cases that use the same words innocently.

Each corpus was first measured untouched, then used to widen the word families (never to
add single-sentence special cases):

| corpus | first, untouched | after widening |
| --- | --- | --- |
| heldout_cases.toml (89 cases) | typology recall 67%, 2 of 25 benign flagged | 100%, 0 of 25 |
| heldout_cases_2.toml (77 cases) | typology recall 65%, 3 of 23 benign flagged | 100%, 0 of 23 |
| heldout_cases_3.toml (73 cases) | typology recall 64%, 1 of 22 benign flagged | kept untouched |

The third corpus is deliberately never tuned on: it is the honest figure for phrasings nobody
has seen (64% of fraud narratives named by text alone; 36 of its 51 fraud cases reach at least
the medium level from the words alone, before any teller observation). Its floor guards that
number; the floors of the first two keep the widened families from regressing.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from teller_guard.core.models import AssessmentInput
from teller_guard.core.rules import RuleSet
from teller_guard.core.scoring import assess

DATA = Path(__file__).parents[1] / "data"
FLOORS = {
    "heldout_cases.toml": (0.95, 0.05),
    "heldout_cases_2.toml": (0.95, 0.05),
    "heldout_cases_3.toml": (0.60, 0.10),
}
"""corpus → (minimum recall over expected typologies, maximum share of benign cases flagged)"""


def evaluate(rules: RuleSet, path: Path) -> tuple[float, float, list[str]]:
    cases = tomllib.loads(path.read_text(encoding="utf-8"))["case"]
    hit = total = flagged = benign = 0
    misses: list[str] = []
    for c in cases:
        inp = AssessmentInput(
            channel="counter",
            amount=Decimal(20000),
            purpose=c["purpose"],
            payee_relation=c["payee_relation"],
            notes=c["notes"],
        )
        got = {t.id for t in assess(rules, inp).typologies}
        expected = set(c["expect"])
        if not expected:
            benign += 1
            if got:
                flagged += 1
                misses.append(f"{c['id']} benign but flagged {sorted(got)}")
            continue
        total += len(expected)
        hit += len(expected & got)
        if expected - got:
            misses.append(f"{c['id']} missed {sorted(expected - got)}")
    return hit / total, flagged / benign, misses


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_heldout_recall_and_false_alarms(rules: RuleSet, name: str) -> None:
    path = DATA / name
    assert path.exists(), f"missing corpus {name}"
    recall, false_alarms, misses = evaluate(rules, path)
    min_recall, max_false = FLOORS[name]
    print(f"{name}: recall {recall:.1%}, benign flagged {false_alarms:.1%}; " + "; ".join(misses))
    assert recall >= min_recall, misses
    assert false_alarms <= max_false, misses
