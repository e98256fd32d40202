"""The risk engine: pure functions from an :class:`AssessmentInput` to an explained :class:`Assessment`.

Every point on the score comes from a fired signal with its evidence and a plain-Chinese
reason. Weights are never negative and bands never weigh less as they grow, so adding an
observation, a larger amount or an older customer can never lower the score.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from teller_guard.core.errors import InputError
from teller_guard.core.models import Assessment, AssessmentInput, FiredSignal, SuspectedTypology
from teller_guard.core.money import format_yuan, yuan_to_fen
from teller_guard.core.rules import RuleSet
from teller_guard.core.schema import LEVELS
from teller_guard.core.text import TextScan, normalise

_RANK = {lv: i for i, lv in enumerate(LEVELS)}


class _Fired:
    """Signals fired so far, each once, with all of its evidence."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self.evidence: dict[str, list[str]] = {}

    def add(self, sid: str, evidence: str) -> None:
        items = self.evidence.setdefault(sid, [])
        if evidence and evidence not in items:
            items.append(evidence)

    def build(self) -> list[FiredSignal]:
        out = []
        for sid, ev in self.evidence.items():
            sig = self.rules.signals[sid]
            evidence = "；".join(ev)
            out.append(
                FiredSignal(
                    id=sid,
                    label=sig.label,
                    category=sig.category,
                    points=sig.weight,
                    evidence=evidence,
                    reason=sig.reason.format(evidence=evidence or sig.label),
                )
            )
        out.sort(key=lambda s: -s.points)
        return out


def _texts(rules: RuleSet, inp: AssessmentInput) -> dict[str, str]:
    texts = {"purpose": inp.purpose, "payee_relation": inp.payee_relation, "notes": inp.notes}
    for item_id, value in inp.answers.items():
        item = rules.item(inp.channel, item_id)
        if item is not None and item.kind == "text" and isinstance(value, str) and value.strip():
            fld = item.text_field or "notes"
            texts[fld] = (texts[fld] + "；" + value) if texts[fld] else value
    return texts


def _answers(rules: RuleSet, inp: AssessmentInput, fired: _Fired, asserted: dict[str, str]) -> None:
    for item_id, value in inp.answers.items():
        item = rules.item(inp.channel, item_id)
        if item is None:
            raise InputError(f"answers.{item_id}", f"no such item in the {inp.channel} checklist")
        if item.kind == "choice":
            opt = next((o for o in item.options if o.id == value), None)
            if opt is None:
                choices = ", ".join(o.id for o in item.options)
                raise InputError(f"answers.{item_id}", f"unknown option {value!r} (expected one of: {choices})")
            evidence = f"{item.step}·{opt.label}"
            for sid in opt.raises:
                fired.add(sid, evidence)
            if opt.typology:
                asserted.setdefault(opt.typology, evidence)
        elif item.kind in ("yesno", "reminder"):
            if not isinstance(value, bool):
                raise InputError(f"answers.{item_id}", "must be true or false")
            for sid in item.raises_on_yes if value else item.raises_on_no:
                fired.add(sid, f"{item.step}·{item.prompt}" if value else f"{item.step}·{item.prompt}：否")
        elif not isinstance(value, str):
            raise InputError(f"answers.{item_id}", "must be text")


def _purpose_checks(rules: RuleSet, inp: AssessmentInput, scan: TextScan, fired: _Fired) -> None:
    def category(text: str) -> tuple[str, str, Decimal | None] | None:
        norm = normalise(text)
        for p in rules.purposes:
            m = p.regex.search(norm)
            if m:
                return p.label, m.group(0), p.typical_max_yuan
        return None

    now = category(inp.purpose) if inp.purpose.strip() else None
    if now is not None:
        label, phrase, cap = now
        if cap is not None and inp.amount > cap and "amount_purpose_mismatch" in rules.signals:
            fired.add(
                "amount_purpose_mismatch",
                f"用途“{phrase}”，金额 {format_yuan(yuan_to_fen(inp.amount))} 超出常见范围 {format_yuan(yuan_to_fen(cap))}",
            )
    if "purpose_changed" in rules.signals:
        for earlier in inp.previous_purposes:
            before = category(earlier) if earlier.strip() else None
            if before and now and before[0] != now[0]:
                fired.add("purpose_changed", f"“{before[1]}”→“{now[1]}”")


def assess(rules: RuleSet, inp: AssessmentInput) -> Assessment:
    """Score one transfer and explain every point.

    Raises:
        InputError: an unknown observation, checklist item or option.
    """
    fired = _Fired(rules)
    observable = rules.observable
    for obs in sorted(inp.observations):
        if obs not in observable:
            raise InputError(
                "observations",
                f"unknown observation {obs!r} (expected one of: {', '.join(sorted(observable))})",
            )
        fired.add(obs, "柜员观察" if inp.channel == "counter" else "现场观察")

    age = inp.customer.age
    if age is not None:
        band = next((b for b in reversed(rules.policy.age_band) if age >= b.min_age), None)
        if band:
            fired.add(band.signal, f"{age}岁（{band.label}）")
    amount_band = next((b for b in reversed(rules.policy.amount_band) if inp.amount >= b.min_yuan), None)
    if amount_band:
        fired.add(amount_band.signal, f"{format_yuan(yuan_to_fen(inp.amount))}（{amount_band.label}）")

    asserted: dict[str, str] = {}
    _answers(rules, inp, fired, asserted)

    scan = TextScan.of(_texts(rules, inp), rules.concepts, rules.negation)
    for sid, matcher in rules.text_rules:
        evidence = scan.match(matcher)
        if evidence:
            fired.add(sid, evidence)
    _purpose_checks(rules, inp, scan, fired)

    found: dict[str, str] = dict(asserted)
    for tid, matcher in rules.typology_matchers:
        if tid not in found and (evidence := scan.match(matcher)):
            found[tid] = evidence
    typologies = []
    for tid, evidence in found.items():
        t = rules.typologies[tid]
        fired.add(t.signal, evidence)
        typologies.append(
            SuspectedTypology(
                id=t.id,
                label=t.label,
                auto_stop=t.auto_stop,
                description=t.description,
                script=tuple(t.script),
                evidence=evidence,
            )
        )
    typologies.sort(key=lambda t: (not t.auto_stop, -rules.signals[rules.typologies[t.id].signal].weight))

    signals = fired.build()
    return _conclude(rules, signals, typologies, age)


def _conclude(
    rules: RuleSet, signals: list[FiredSignal], typologies: list[SuspectedTypology], age: int | None
) -> Assessment:
    score = min(100, sum(s.points for s in signals))
    level = "low"
    for lv in rules.policy.level:
        if score >= lv.min_score:
            level = lv.id
    for s in signals:
        floor = rules.signals[s.id].min_level
        if floor and _RANK[floor] > _RANK[level]:
            level = floor
    if any(t.auto_stop for t in typologies):
        level = "critical"
    # Keep the number and the word telling the same story when a floor lifted the level.
    score = max(score, rules.levels[level].min_score)
    lv = rules.levels[level]
    actions: list[str] = list(lv.actions)
    for t in typologies:
        for a in rules.typologies[t.id].actions:
            if a not in actions:
                actions.append(a)
    return Assessment(
        score=score,
        level=level,
        level_label=lv.label,
        action=lv.action,
        signals=tuple(signals),
        typologies=tuple(typologies),
        actions=tuple(actions),
        rules_version=rules.version,
        customer_age=age,
    )


def level_rank(level: str) -> int:
    """0 for low … 3 for critical."""
    return _RANK[level]


def answers_from(mapping: Mapping[str, object]) -> dict[str, bool | str]:
    """Coerce a JSON answers object, refusing values the engine cannot read."""
    out: dict[str, bool | str] = {}
    for k, v in mapping.items():
        if not isinstance(v, bool | str):
            raise InputError(f"answers.{k}", "must be an option id, true/false, or text")
        out[str(k)] = v
    return out
