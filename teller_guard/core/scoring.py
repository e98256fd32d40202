"""The risk engine: pure functions from an :class:`AssessmentInput` to an explained :class:`Assessment`.

Every point on the score comes from a fired signal with its evidence and a plain-Chinese
reason. Weights are never negative and bands never weigh less as they grow, so adding an
observation, a larger amount or an older customer can never lower the score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from teller_guard.core.errors import InputError
from teller_guard.core.limits import check_amount
from teller_guard.core.models import Assessment, AssessmentInput, FiredSignal, SuspectedTypology
from teller_guard.core.money import format_yuan, yuan_to_fen
from teller_guard.core.rules import PurposeCategory, RuleSet
from teller_guard.core.schema import LEVELS, Level, TypologyDef
from teller_guard.core.similarity import bigrams
from teller_guard.core.text import TextScan, normalise

_RANK: dict[str, int] = {lv: i for i, lv in enumerate(LEVELS)}
OBSERVED_BY = {"counter": "柜员观察", "atm": "现场观察"}
"""The evidence of an observation, by channel (how a record tells an observation from a word or an answer)."""
FACT_EVIDENCE = "交易信息"
"""The evidence of a transaction fact given to the engine."""


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


def _categories(rules: RuleSet, text: str) -> list[tuple[PurposeCategory, str]]:
    """The purpose categories a stated purpose names, each with the phrase that named it."""
    if not text.strip():
        return []
    norm = normalise(text)
    return [(p, m.group(0)) for p in rules.purposes if (m := p.regex.search(norm))]


def _chosen_category(rules: RuleSet, inp: AssessmentInput) -> tuple[PurposeCategory, str] | None:
    """The category of the 用途 option the teller chose, when the answers carry one."""
    for item_id, value in inp.answers.items():
        item = rules.item(inp.channel, item_id)
        if item is None or item.text_field != "purpose" or not isinstance(value, str):
            continue
        for p in rules.purposes:
            if value in p.options:
                label = next((o.label for o in item.options if o.id == value), value)
                return p, label
    return None


def _people(rules: RuleSet, text: str) -> set[str]:
    """Who a stated purpose says the money is for (the lexicon's beneficiary words)."""
    norm = normalise(text)
    return {hit[2] for c in rules.beneficiaries for hit in rules.concepts[c].finditer(norm)}


def _dice(a: str, b: str) -> float:
    ga, gb = bigrams(normalise(a)), bigrams(normalise(b))
    if not ga or not gb:
        return 1.0 if normalise(a) == normalise(b) else 0.0
    return 2 * len(ga & gb) / (len(ga) + len(gb))


def story_change(rules: RuleSet, before: str, now: str) -> str | None:
    """Evidence that two stated purposes tell different stories, or None when one restates the other.

    Different purpose categories (买车 → 彩礼); the same category for someone else (给儿子买房 →
    给女儿买房); or, when either has no known category, words that share almost nothing.
    """
    if not before.strip() or not now.strip():
        return None
    said = f"“{_quote(before)}”→“{_quote(now)}”"
    was, now_cats = _categories(rules, before), _categories(rules, now)
    if was and now_cats:
        if not {p.id for p, _ in was} & {p.id for p, _ in now_cats}:
            return said
        who_was, who_now = _people(rules, before), _people(rules, now)
        if who_was and who_now and not who_was & who_now:
            return f"{said}（为谁用钱变了）"
        return None
    if _dice(before, now) < rules.story_change_below:
        return said
    return None


def _quote(text: str, limit: int = 24) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _purpose_checks(rules: RuleSet, inp: AssessmentInput, fired: _Fired, scan: TextScan) -> None:
    """一核对 against the stated purpose: the amount, the payee, and a story that changes."""
    cats = _categories(rules, inp.purpose)
    chosen = _chosen_category(rules, inp)
    if chosen and all(p.id != chosen[0].id for p, _ in cats):
        cats.append(chosen)
    check = rules.purpose_check
    if cats and "amount_purpose_mismatch" in rules.signals:
        # Several purposes named: the most generous range applies.
        cat, phrase = max(cats, key=lambda c: c[0].typical_max_yuan)
        if inp.amount > cat.typical_max_yuan:
            beyond = (
                f"用途“{phrase}”，金额 {format_yuan(yuan_to_fen(inp.amount))} 超出常见范围 "
                f"{format_yuan(yuan_to_fen(cat.typical_max_yuan))}"
            )
            fired.add("amount_purpose_mismatch", beyond)
            if check.far_signal and inp.amount > cat.typical_max_yuan * check.far_beyond:
                fired.add(check.far_signal, beyond)
    _payee_against_purpose(rules, cats, inp, fired, scan)
    if "purpose_changed" in rules.signals:
        for earlier in inp.previous_purposes:
            evidence = story_change(rules, earlier, inp.purpose)
            if evidence:
                fired.add("purpose_changed", evidence)


def _payee_against_purpose(
    rules: RuleSet, cats: list[tuple[PurposeCategory, str]], inp: AssessmentInput, fired: _Fired, scan: TextScan
) -> None:
    """A purpose paid to an institution (学费, 医药费 …) whose payee answer names one of its staff or
    a person's own account, and no institution, contradicts itself (老师的个人卡 for 学费)."""
    check = rules.purpose_check
    paid_in = [(c, phrase) for c, phrase in cats if c.institution]
    if not paid_in or "payee_name_mismatch" not in rules.signals or not inp.payee_relation.strip():
        return
    fld = "payee_relation"
    if any(scan.says(c, fld) for c in check.institution):
        return
    said = scan.texts.get(fld, "")
    for cat, _ in paid_in:
        if (cat.staff and cat.staff.search(said)) or any(scan.says(c, fld) for c in check.person):
            fired.add(
                "payee_name_mismatch",
                f"用途“{_quote(inp.purpose)}”的钱应付给机构账户，收款人却是“{_quote(inp.payee_relation)}”",
            )
            return


def _similar_scripts(rules: RuleSet, scan: TextScan, found: dict[str, str], fired: _Fired) -> list[tuple[str, str]]:
    """The similarity cue: typologies whose exemplar script the words resemble (not already named).

    Returns the typologies to name (similar enough, and not ruled out by a benign context).
    """
    index, sid = rules.scripts, rules.similarity_signal
    if index is None or sid is None or not scan.texts:
        return []
    named: list[tuple[str, str]] = []
    matches = index.match(scan.texts.values(), skip=found)
    for tid, m in sorted(matches.items(), key=lambda kv: -kv[1].similarity):
        matcher = rules.typology_matcher[tid]
        if scan.benign(matcher):
            continue
        if matcher.neutralise:
            again = index.match([scan.blanked(f, matcher.neutralise) for f in scan.texts]).get(tid)
            if again is None:
                continue
            m = again
        evidence = f"与「{_quote(m.exemplar)}」话术相似"
        fired.add(sid, evidence)
        if rules.name_at is not None and m.similarity >= rules.name_at:
            named.append((tid, evidence))
    return named


def _given(
    fired: _Fired, ids: Iterable[str], known: Mapping[str, object], field: str, what: str, evidence: str
) -> None:
    """Fire signals given as ids (observations, transaction facts), refusing ids the rules do not know."""
    for sid in sorted(ids):
        if sid not in known:
            raise InputError(field, f"unknown {what} {sid!r} (expected one of: {', '.join(sorted(known))})")
        fired.add(sid, evidence)


def _suspected(t: TypologyDef, evidence: str, auto_stop: bool) -> SuspectedTypology:
    return SuspectedTypology(
        id=t.id,
        label=t.label,
        auto_stop=auto_stop,
        description=t.description,
        script=tuple(t.script),
        evidence=evidence,
    )


def assess(rules: RuleSet, inp: AssessmentInput) -> Assessment:
    """Score one transfer and explain every point.

    Raises:
        InputError: an unknown observation, checklist item or option, or an amount above the
            limit (:func:`~teller_guard.core.limits.check_amount`).
    """
    check_amount(inp.amount)
    fired = _Fired(rules)
    _given(fired, inp.observations, rules.observable, "observations", "observation", OBSERVED_BY[inp.channel])
    _given(fired, inp.facts, rules.facts, "facts", "transaction fact", FACT_EVIDENCE)

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
    _purpose_checks(rules, inp, fired, scan)

    scan.holding = frozenset(cid for cid, _, matcher, _ in rules.contexts if scan.match(matcher))
    found: dict[str, str] = dict(asserted)
    for tid, matcher in rules.typology_matchers:
        if tid not in found and (evidence := scan.match(matcher)):
            found[tid] = evidence
    typologies = []
    for tid, evidence in found.items():
        t = rules.typologies[tid]
        fired.add(t.signal, evidence)
        typologies.append(_suspected(t, evidence, t.auto_stop))
    # Named by resemblance alone: the script for the teller, but neither the typology's own
    # weight nor an automatic stop; only the low-weight similarity signal adds points.
    for tid, evidence in _similar_scripts(rules, scan, found, fired):
        typologies.append(_suspected(rules.typologies[tid], evidence, False))
    typologies.sort(
        key=lambda t: (not t.auto_stop, t.id not in found, -rules.signals[rules.typologies[t.id].signal].weight)
    )

    benign = _benign_contexts(rules, scan, fired)
    signals = fired.build()
    return _conclude(rules, signals, typologies, age, benign)


def _benign_contexts(rules: RuleSet, scan: TextScan, fired: _Fired) -> tuple[str, ...]:
    """Drop the signals a benign context explains; say which context and what it explained."""
    notes = []
    for cid, label, matcher, explains in rules.contexts:
        gone = [sid for sid in explains if sid in fired.evidence]
        if gone and cid in scan.holding and (evidence := scan.match(matcher)):
            for sid in gone:
                del fired.evidence[sid]
            names = "、".join(rules.signals[sid].label for sid in gone)
            notes.append(f"{label}（{evidence}）：不计{names}")
    return tuple(notes)


def _conclude(
    rules: RuleSet,
    signals: list[FiredSignal],
    typologies: list[SuspectedTypology],
    age: int | None,
    benign: tuple[str, ...] = (),
) -> Assessment:
    score = min(100, sum(s.points for s in signals))
    level: Level = "low"
    # The level the score reached but whose ``requires`` did not hold, and what to tell the teller.
    short_of: tuple[Level, str | None] | None = None
    for lv in rules.policy.level:
        if score >= lv.min_score:
            if lv.requires and not _holds(rules, lv.requires, signals):
                short_of = (lv.id, lv.unmet)
                break
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
    if short_of and short_of[1] and _RANK[level] < _RANK[short_of[0]]:
        actions.insert(0, short_of[1])
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
        benign_contexts=benign,
    )


def _holds(rules: RuleSet, required: Iterable[str], signals: Iterable[FiredSignal]) -> bool:
    """One of the ``required`` signals fired, or a typology's own signal (a story recognised from the
    words or answers; the similarity cue names by resemblance and never counts)."""
    wanted = set(required) | rules.typology_signals
    return any(s.id in wanted for s in signals)


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
