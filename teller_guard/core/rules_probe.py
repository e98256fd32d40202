"""The probe behind ``rules check``: time every pattern and score sample cases, bounded in time.

Loading the rules already refuses patterns and templates that could hang or crash scoring
(:mod:`teller_guard.core.rules_guard`); the probe then tries the loaded rules for real, on the
longest texts the input allows and on a sample case for every checklist option, so a problem
the static checks cannot see is still reported (with its file and key) before a branch uses
the rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import partial

from teller_guard.core.errors import RuleProblem
from teller_guard.core.limits import MAX_AMOUNT_YUAN, MAX_TEXT_CHARS
from teller_guard.core.models import AssessmentInput, CustomerFacts
from teller_guard.core.rules import RuleSet
from teller_guard.core.rules_guard import probe
from teller_guard.core.scoring import assess


def patterns_of(rules: RuleSet) -> Iterator[tuple[str, str, str]]:
    """Every compiled pattern scoring runs, with the file and key it came from."""
    for cid, concept in rules.concepts.items():
        for part, rx in (("terms", concept.words), ("patterns", concept.shapes)):
            if rx is not None:
                yield "lexicon.toml", f"concept({cid}).{part}", rx.pattern
    for sid, matcher in rules.text_rules:
        for j, lazy in enumerate(matcher.neutralise):
            yield "lexicon.toml", f"text_rule({sid}).neutralise[{j}]", lazy.pattern
    for tid, matcher in rules.typology_matchers:
        for j, lazy in enumerate(matcher.neutralise):
            yield "typologies.toml", f"typology({tid}).neutralise[{j}]", lazy.pattern
    for p in rules.purposes:
        yield "lexicon.toml", f"purpose({p.id})", p.regex.pattern


def _long_text(rules: RuleSet) -> str:
    """Every term the lexicon knows, run together up to the longest text the input allows."""
    words = "，".join(
        p for c in rules.concepts.values() if c.words is not None for p in c.words.pattern.split("|")[:3] if p.isalnum()
    )
    words = words or "安全账户"
    return (words * (MAX_TEXT_CHARS // max(1, len(words)) + 1))[:MAX_TEXT_CHARS]


def sample_cases(rules: RuleSet) -> Iterator[tuple[str, Callable[[], object]]]:
    """One scoring run per checklist option (and all yes, all no), with long texts and the largest amount."""
    text = _long_text(rules)
    observations = frozenset(rules.observable)
    for channel in ("counter", "atm"):
        checklist = rules.checklist_for(channel)
        base: dict[str, bool | str] = {}
        for item in checklist.item:
            if item.kind in ("yesno", "reminder"):
                base[item.id] = True
            elif item.kind == "text":
                base[item.id] = text
        variants: list[tuple[str, dict[str, bool | str]]] = [(f"{channel}: every yes", base)]
        variants.append((f"{channel}: every no", {k: (False if isinstance(v, bool) else v) for k, v in base.items()}))
        for item in checklist.item:
            for opt in item.options:
                variants.append((f"{channel}: {item.id}={opt.id}", {**base, item.id: opt.id}))
        for name, answers in variants:
            for amount in (Decimal("0.01"), MAX_AMOUNT_YUAN):
                inp = AssessmentInput(
                    channel=channel,
                    amount=amount,
                    customer=CustomerFacts(age=95),
                    purpose=text,
                    previous_purposes=(text[:200], "生活费"),
                    payee_relation=text,
                    notes=text,
                    observations=observations,
                    answers=answers,
                )
                yield f"{name}, ¥{amount:,}", partial(assess, rules, inp)


def probe_rules(rules: RuleSet) -> list[RuleProblem]:
    """Every problem the probe finds (empty when the rules are safe to score with)."""
    return probe(patterns_of(rules), lambda: sample_cases(rules))
