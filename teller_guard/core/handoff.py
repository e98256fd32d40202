"""A lobby case continued at the counter: what the lobby recorded holds at the counter.

The lobby's answers become the counter's where the counter asks the same thing (a yes/no item
that raises the same signal), so the customer is not asked twice; every signal the lobby
fired that the counter has not (yet) fired itself is carried with the lobby as its evidence;
and the counter's level never falls below the lobby's unless the teller records why
(:func:`hold_lobby_level`). Pure: no storage, no UI.
"""

from __future__ import annotations

from dataclasses import replace

from teller_guard.core.models import Assessment, FiredSignal
from teller_guard.core.records import InterventionRecord
from teller_guard.core.rules import RuleSet
from teller_guard.core.scoring import level_rank

LOBBY_EVIDENCE = "大堂记录"
"""The evidence of a signal carried from the lobby's record."""
HELD_SIGNAL = "lobby_level"
"""The signal that says the lobby's level holds (``signals.toml``; it weighs nothing)."""
MIN_LOWER_REASON = 4
"""A reason for going below the lobby's level must say something."""


def carried_answers(rules: RuleSet, lobby: InterventionRecord) -> dict[str, bool]:
    """Counter yes/no items the lobby already answered: each counter item raising a signal the
    lobby fired (on its 二看 or from the customer's answers) is answered 是."""
    fired = {s.id for s in lobby.signals} | set(lobby.observations)
    out: dict[str, bool] = {}
    for item in rules.checklist_for("counter").item:
        if item.kind == "yesno" and item.raises_on_yes and set(item.raises_on_yes) <= fired:
            out[item.id] = True
    return out


def hold_lobby_level(
    rules: RuleSet,
    assessment: Assessment,
    *,
    lobby_level: str,
    lobby_score: int,
    lobby_signals: tuple[FiredSignal, ...],
    lobby_staff: str,
    lowered_reason: str | None = None,
) -> Assessment:
    """The counter's assessment with the lobby's record kept.

    Every lobby signal the counter has not fired is added with ``大堂记录`` as its evidence and
    no points of its own (the counter did not see it; the lobby's level is what holds). Unless
    the teller recorded a reason (at least :data:`MIN_LOWER_REASON` characters), the level and
    score are lifted to the lobby's, with a line saying so.
    """
    have = {s.id for s in assessment.signals}
    carried = tuple(
        replace(
            s,
            points=0,
            evidence=f"{LOBBY_EVIDENCE}（{lobby_staff}）：{s.evidence}" if s.evidence else LOBBY_EVIDENCE,
        )
        for s in lobby_signals
        if s.id not in have and s.id != HELD_SIGNAL
    )
    signals = assessment.signals + carried
    lowered = len((lowered_reason or "").strip()) >= MIN_LOWER_REASON
    if lowered or level_rank(assessment.level) >= level_rank(lobby_level) or lobby_level not in rules.levels:
        return replace(assessment, signals=signals)
    lv = rules.levels[lobby_level]
    sdef = rules.signals[HELD_SIGNAL]
    evidence = f"大堂 {lobby_staff} 评估 {lv.label} {lobby_score} 分"
    held = FiredSignal(
        id=HELD_SIGNAL,
        label=sdef.label,
        category=sdef.category,
        points=0,
        evidence=evidence,
        reason=sdef.reason.format(evidence=evidence),
    )
    actions = list(lv.actions) + [a for a in assessment.actions if a not in lv.actions]
    return replace(
        assessment,
        signals=(*signals, held),
        level=lv.id,
        level_label=lv.label,
        action=lv.action,
        score=max(assessment.score, lobby_score),
        actions=tuple(actions),
    )
