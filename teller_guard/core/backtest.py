"""Re-score past cases with a draft ruleset and say what would change (``rules backtest``).

A branch tunes its rules with evidence: every logged intervention (rebuilt from its record)
and every labelled corpus case is scored with the rules in force and with the draft, and the
differences are counted the way a branch cares about them — cases whose level moves, confirmed
frauds (the customer was dissuaded, or the police were called) that the draft would catch or
miss, how many more warnings tellers would give, and ordinary cases the draft would flag.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from teller_guard.core.case import CaseState
from teller_guard.core.corpus import CorpusCase, compatible
from teller_guard.core.errors import InputError
from teller_guard.core.models import AssessmentInput
from teller_guard.core.records import InterventionRecord
from teller_guard.core.rules import RuleSet
from teller_guard.core.schema import LEVELS
from teller_guard.core.scoring import assess, level_rank

Truth = Literal["fraud", "genuine"]
CONFIRMED_FRAUD = frozenset({"dissuaded", "police"})
"""Decision groups that confirm a fraud: 劝阻成功 (the customer gave up) and 报警."""
WENT_AHEAD = frozenset({"proceeded", "warned"})
"""Decision groups where the customer went ahead: counted as genuine (benign) cases."""
WARN = level_rank("medium")
HOLD = level_rank("high")


@dataclass(frozen=True)
class BacktestCase:
    ref: str
    """The record's uid, or the corpus case id."""
    source: str
    """``log`` or the corpus file name."""
    input: AssessmentInput
    truth: Truth | None


def case_from_record(rec: InterventionRecord, rules: RuleSet) -> BacktestCase | None:
    """A logged intervention as a backtest case (None when its inputs cannot be rebuilt)."""
    try:
        inp = CaseState.from_record(rec).to_input(rules, on=rec.closed_at.date())
    except InputError:
        return None
    group = rec.decision.group if rec.decision and rec.status == "closed" else None
    truth: Truth | None = "fraud" if group in CONFIRMED_FRAUD else "genuine" if group in WENT_AHEAD else None
    return BacktestCase(rec.uid, "log", inp, truth)


def case_from_corpus(case: CorpusCase, source: str) -> BacktestCase:
    return BacktestCase(case.id, source, case.input, "fraud" if case.fraud else "genuine")


@dataclass(frozen=True)
class Change:
    """One case whose level or named typologies differ between the two rulesets."""

    ref: str
    source: str
    truth: Truth | None
    before: str
    after: str
    before_score: int
    after_score: int
    before_typologies: tuple[str, ...]
    after_typologies: tuple[str, ...]

    @property
    def moved(self) -> int:
        return level_rank(self.after) - level_rank(self.before)

    def as_dict(self) -> dict[str, object]:
        return {
            "ref": self.ref,
            "source": self.source,
            "truth": self.truth,
            "before": {"level": self.before, "score": self.before_score, "typologies": list(self.before_typologies)},
            "after": {"level": self.after, "score": self.after_score, "typologies": list(self.after_typologies)},
        }


@dataclass
class Backtest:
    """What a draft ruleset changes, against the rules in force, over a set of past cases."""

    base_version: str
    draft_version: str
    cases: int = 0
    levels_before: Counter[str] = field(default_factory=Counter)
    levels_after: Counter[str] = field(default_factory=Counter)
    changes: list[Change] = field(default_factory=list)
    frauds: int = 0
    frauds_warned: tuple[int, int] = (0, 0)
    """Confirmed frauds at 中 or above, before and after."""
    frauds_held: tuple[int, int] = (0, 0)
    """Confirmed frauds at 高 or above, before and after."""
    genuine: int = 0
    genuine_held: tuple[int, int] = (0, 0)
    genuine_named: tuple[int, int] = (0, 0)
    dropped: Counter[str] = field(default_factory=Counter)
    """Inputs the draft does not know (an observation, a fact or an answer it removed), by name."""

    @property
    def up(self) -> list[Change]:
        return [c for c in self.changes if c.moved > 0]

    @property
    def down(self) -> list[Change]:
        return [c for c in self.changes if c.moved < 0]

    def crossed(self, truth: Truth, threshold: int, *, upward: bool) -> list[Change]:
        """Cases of one truth that cross a level threshold in one direction."""
        return [
            c
            for c in self.changes
            if c.truth == truth
            and (
                level_rank(c.before) < threshold <= level_rank(c.after)
                if upward
                else level_rank(c.after) < threshold <= level_rank(c.before)
            )
        ]

    @property
    def newly_named_genuine(self) -> list[Change]:
        return [c for c in self.changes if c.truth == "genuine" and set(c.after_typologies) - set(c.before_typologies)]

    def at_least(self, counts: Counter[str], rank: int) -> int:
        return sum(n for lv, n in counts.items() if level_rank(lv) >= rank)

    def as_dict(self) -> dict[str, object]:

        def refs(changes: list[Change]) -> list[str]:
            return [c.ref for c in changes]

        return {
            "base_rules": self.base_version,
            "draft_rules": self.draft_version,
            "cases": self.cases,
            "levels": {lv: {"before": self.levels_before[lv], "after": self.levels_after[lv]} for lv in LEVELS},
            "moved_up": len(self.up),
            "moved_down": len(self.down),
            "warnings": {
                "before": self.at_least(self.levels_before, WARN),
                "after": self.at_least(self.levels_after, WARN),
            },
            "holds": {
                "before": self.at_least(self.levels_before, HOLD),
                "after": self.at_least(self.levels_after, HOLD),
            },
            "confirmed_frauds": {
                "count": self.frauds,
                "warned": {"before": self.frauds_warned[0], "after": self.frauds_warned[1]},
                "held": {"before": self.frauds_held[0], "after": self.frauds_held[1]},
                "newly_caught": refs(self.crossed("fraud", WARN, upward=True)),
                "newly_missed": refs(self.crossed("fraud", WARN, upward=False)),
                "newly_held": refs(self.crossed("fraud", HOLD, upward=True)),
                "no_longer_held": refs(self.crossed("fraud", HOLD, upward=False)),
            },
            "genuine": {
                "count": self.genuine,
                "held": {"before": self.genuine_held[0], "after": self.genuine_held[1]},
                "named": {"before": self.genuine_named[0], "after": self.genuine_named[1]},
                "newly_flagged": refs(self.crossed("genuine", HOLD, upward=True)),
                "newly_named": refs(self.newly_named_genuine),
            },
            "dropped_inputs": dict(self.dropped),
            "changes": [c.as_dict() for c in self.changes],
        }


def backtest(base: RuleSet, draft: RuleSet, cases: Iterable[BacktestCase]) -> Backtest:
    """Score every case with both rulesets and tally the differences."""
    out = Backtest(base.version, draft.version)
    fw = fh = gh = gn = (0, 0)
    for case in cases:
        b_inp, _ = compatible(base, case.input)
        d_inp, dropped = compatible(draft, case.input)
        before, after = assess(base, b_inp), assess(draft, d_inp)
        out.cases += 1
        out.dropped.update(dropped)
        out.levels_before[before.level] += 1
        out.levels_after[after.level] += 1
        rb, ra = level_rank(before.level), level_rank(after.level)
        tb = tuple(t.id for t in before.typologies)
        ta = tuple(t.id for t in after.typologies)
        if case.truth == "fraud":
            out.frauds += 1
            fw = (fw[0] + (rb >= WARN), fw[1] + (ra >= WARN))
            fh = (fh[0] + (rb >= HOLD), fh[1] + (ra >= HOLD))
        elif case.truth == "genuine":
            out.genuine += 1
            gh = (gh[0] + (rb >= HOLD), gh[1] + (ra >= HOLD))
            gn = (gn[0] + bool(tb), gn[1] + bool(ta))
        if rb != ra or set(tb) != set(ta):
            out.changes.append(
                Change(case.ref, case.source, case.truth, before.level, after.level, before.score, after.score, tb, ta)
            )
    out.frauds_warned, out.frauds_held, out.genuine_held, out.genuine_named = fw, fh, gh, gn
    return out
