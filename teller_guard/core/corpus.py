"""Labelled cases for measuring detection: held-out corpora and ``rules backtest --corpus``.

A corpus is a TOML file of ``[[case]]`` tables in the ``assess`` contract's shape (``channel``,
``amount``, ``age`` or ``customer``, ``purpose``, ``payee_relation``, ``notes``,
``observations``, ``facts``, ``previous_purposes``, ``answers``) plus the truth: ``fraud``
(true/false), ``cover_story`` (the customer first gave an ordinary purpose) and ``expect``
(typology ids the words should name; ``other:<id>`` for a fraud outside the catalogue; ``[]``
for a genuine case, where no typology may be named). Older corpora hold only the three texts
and ``expect``: they are read as a counter transfer of ¥20,000 by a customer of unknown age,
and ``fraud`` is whether anything is expected.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from teller_guard.core.errors import InputError
from teller_guard.core.jsonio import parse_input
from teller_guard.core.models import Assessment, AssessmentInput
from teller_guard.core.rules import RuleSet
from teller_guard.core.scoring import assess, level_rank

_TRUTH_KEYS = {"id", "fraud", "cover_story", "expect", "source", "note", "title", "age"}
DEFAULT_DATE = date(2026, 1, 1)
"""Corpus cases are scored on a fixed day (only an ID number's age depends on it)."""


@dataclass(frozen=True)
class CorpusCase:
    id: str
    input: AssessmentInput
    fraud: bool
    expect: tuple[str, ...] = ()
    cover_story: bool = False


class CorpusError(ValueError):
    """A corpus file that cannot be read, naming the file, the case and the problem."""


def load_corpus(path: Path, on: date = DEFAULT_DATE) -> list[CorpusCase]:
    """Read a corpus file (full contract or the older three-text shape).

    Raises:
        CorpusError: the file is unreadable or a case is malformed (every problem listed).
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise CorpusError(f"{path}: not valid TOML: {exc}") from None
    raw = data.get("case")
    if not isinstance(raw, list) or not raw:
        raise CorpusError(f"{path}: no [[case]] tables")
    cases: list[CorpusCase] = []
    problems: list[str] = []
    for n, c in enumerate(raw):
        cid = str(c.get("id", f"#{n + 1}")) if isinstance(c, dict) else f"#{n + 1}"
        try:
            cases.append(_case(c, cid, on))
        except (InputError, ValueError, TypeError) as exc:
            problems.append(f"{path.name}: case {cid}: {exc}")
    if problems:
        raise CorpusError("\n".join(problems))
    return cases


def _case(c: Any, cid: str, on: date) -> CorpusCase:
    if not isinstance(c, dict):
        raise ValueError("must be a table")
    expect = c.get("expect", [])
    if not isinstance(expect, list) or not all(isinstance(e, str) for e in expect):
        raise ValueError("expect: must be a list of typology ids")
    contract = {k: v for k, v in c.items() if k not in _TRUTH_KEYS}
    contract.setdefault("channel", "counter")
    contract.setdefault("amount", 20000)
    if "customer" not in contract and c.get("age") is not None:
        contract["customer"] = {"age": c["age"]}
    inp = parse_input(contract, on, require_customer=False)
    fraud = c.get("fraud", bool(expect))
    if not isinstance(fraud, bool):
        raise ValueError("fraud: must be true or false")
    cover = c.get("cover_story", False)
    return CorpusCase(cid, inp, fraud, tuple(expect), bool(cover))


def compatible(rules: RuleSet, inp: AssessmentInput) -> tuple[AssessmentInput, list[str]]:
    """The input without observations, facts and answers these rules do not know (and what was dropped).

    Lets an older or a draft ruleset score a case written for a newer contract.
    """
    dropped = [f"observation {o}" for o in sorted(inp.observations) if o not in rules.observable]
    dropped += [f"fact {f}" for f in sorted(inp.facts) if f not in rules.facts]
    answers = {}
    for k, v in inp.answers.items():
        item = rules.item(inp.channel, k)
        if item is None or (item.kind == "choice" and not any(o.id == v for o in item.options)):
            dropped.append(f"answer {k}")
        else:
            answers[k] = v
    if not dropped:
        return inp, []
    return (
        replace(
            inp,
            observations=frozenset(o for o in inp.observations if o in rules.observable),
            facts=frozenset(f for f in inp.facts if f in rules.facts),
            answers=answers,
        ),
        dropped,
    )


@dataclass
class CorpusScore:
    """How a ruleset does on one corpus: recall at each level, the right story, false namings."""

    frauds: int = 0
    frauds_medium: int = 0
    frauds_high: int = 0
    story_cases: int = 0
    """Frauds whose words tell the story (no cover story) and whose expected typology is in the catalogue."""
    story_named: int = 0
    expected_ids: int = 0
    expected_ids_named: int = 0
    outside_catalogue: int = 0
    """Frauds whose expected story is outside the catalogue (``other:…``) only."""
    cover: int = 0
    """Cover-story frauds (an ordinary purpose a fraudster coached): caught by level, not named."""
    cover_medium: int = 0
    cover_high: int = 0
    told: int = 0
    """Frauds whose words tell the story, outside the catalogue (``other:…``) included."""
    told_named: int = 0
    """… whose expected typology is named (for ``other:…``: any typology named)."""
    genuine: int = 0
    genuine_high: int = 0
    genuine_critical: int = 0
    genuine_named: int = 0
    misses: list[str] = field(default_factory=list)

    def share(self, part: int, whole: int) -> float:
        return part / whole if whole else 0.0

    @property
    def recall_medium(self) -> float:
        return self.share(self.frauds_medium, self.frauds)

    @property
    def recall_high(self) -> float:
        return self.share(self.frauds_high, self.frauds)

    @property
    def story_rate(self) -> float:
        return self.share(self.story_named, self.story_cases)

    @property
    def typology_recall(self) -> float:
        return self.share(self.expected_ids_named, self.expected_ids)

    @property
    def genuine_high_rate(self) -> float:
        return self.share(self.genuine_high, self.genuine)

    @property
    def false_naming_rate(self) -> float:
        return self.share(self.genuine_named, self.genuine)

    def as_dict(self) -> dict[str, object]:
        return {
            "frauds": self.frauds,
            "frauds_medium": self.frauds_medium,
            "frauds_high": self.frauds_high,
            "story_cases": self.story_cases,
            "story_named": self.story_named,
            "outside_catalogue": self.outside_catalogue,
            "cover": self.cover,
            "cover_medium": self.cover_medium,
            "cover_high": self.cover_high,
            "told": self.told,
            "told_named": self.told_named,
            "genuine": self.genuine,
            "genuine_high": self.genuine_high,
            "genuine_critical": self.genuine_critical,
            "genuine_named": self.genuine_named,
        }

    def summary(self) -> str:
        return (
            f"frauds {self.frauds}: 中+ {self.frauds_medium} ({self.recall_medium:.0%}), "
            f"高+ {self.frauds_high} ({self.recall_high:.0%}); story named {self.story_named}/{self.story_cases} "
            f"({self.story_rate:.0%}); cover {self.cover}: 中+ {self.cover_medium}, 高+ {self.cover_high}; "
            f"any story named {self.told_named}/{self.told}; genuine {self.genuine}: 高+ {self.genuine_high}, "
            f"极高 {self.genuine_critical}, named {self.genuine_named}"
        )


def score_corpus(rules: RuleSet, cases: Sequence[CorpusCase]) -> CorpusScore:
    """Score every case and tally the figures the README reports."""
    out = CorpusScore()
    for case in cases:
        inp, _ = compatible(rules, case.input)
        tally(out, rules, case, assess(rules, inp))
    return out


def tally(out: CorpusScore, rules: RuleSet, case: CorpusCase, result: Assessment) -> None:
    named = {t.id for t in result.typologies}
    rank = level_rank(result.level)
    if not case.fraud:
        out.genuine += 1
        out.genuine_high += rank >= level_rank("high")
        out.genuine_critical += result.level == "critical"
        if named:
            out.genuine_named += 1
            out.misses.append(f"{case.id}: genuine but named {sorted(named)}")
        if rank >= level_rank("high"):
            out.misses.append(f"{case.id}: genuine at {result.level} ({result.score})")
        return
    out.frauds += 1
    out.frauds_medium += rank >= level_rank("medium")
    out.frauds_high += rank >= level_rank("high")
    if rank < level_rank("medium"):
        out.misses.append(f"{case.id}: fraud at {result.level} ({result.score})")
    if case.cover_story:
        out.cover += 1
        out.cover_medium += rank >= level_rank("medium")
        out.cover_high += rank >= level_rank("high")
    known = {e for e in case.expect if e in rules.typologies}
    if case.expect and not case.cover_story:
        out.told += 1
        out.told_named += bool(known & named) if known else bool(named)
    out.expected_ids += len(known)
    out.expected_ids_named += len(known & named)
    if case.expect and not known:
        out.outside_catalogue += 1
    if known and not case.cover_story:
        out.story_cases += 1
        if known & named:
            out.story_named += 1
        else:
            out.misses.append(f"{case.id}: expected {sorted(known)}, named {sorted(named)}")


def load_corpora(paths: Iterable[Path]) -> dict[str, list[CorpusCase]]:
    return {p.name: load_corpus(p) for p in paths}
