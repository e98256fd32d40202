"""Domain objects for one assessment: what goes into the engine and what comes out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from teller_guard.core.schema import Channel, Level


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CustomerFacts(Frozen):
    """What the engine knows about the customer. The ID number itself is never here."""

    age: int | None = Field(default=None, ge=0, le=130)
    sex: str | None = None
    """``"M"``/``"F"`` when derived from the ID number; unknown otherwise."""


class AssessmentInput(Frozen):
    """Everything the engine scores. Built by the UI on every keystroke or by ``assess`` from JSON."""

    channel: Channel
    amount: Decimal = Field(ge=0)
    """Yuan, exact to the fen."""
    customer: CustomerFacts = CustomerFacts()
    purpose: str = ""
    """The stated purpose, as the customer said it."""
    previous_purposes: tuple[str, ...] = ()
    """Purposes the customer stated earlier in this case (a cover story that changes)."""
    payee_relation: str = ""
    """Who the payee is to the customer, as they said it."""
    notes: str = ""
    """Anything else the customer said (where the account came from, who called …)."""
    observations: frozenset[str] = frozenset()
    """Observed signal ids (on_phone, nervous, reading_instructions, …)."""
    facts: frozenset[str] = frozenset()
    """Transaction facts (signal ids with ``fact = true``: fixed_deposit_early_break, whole_balance, …)."""
    answers: dict[str, bool | str] = {}
    """Checklist item id → option id (choice), bool (yes/no, reminder) or text."""
    on_date: date | None = None


class FiredSignal(Frozen):
    """One reason the score went up, explained."""

    id: str
    label: str
    category: str
    points: int
    evidence: str
    """What made it fire: the phrase matched, the age, the amount, the answer."""
    reason: str
    """The plain-Chinese explanation with the evidence filled in."""


class SuspectedTypology(Frozen):
    id: str
    label: str
    auto_stop: bool
    description: str
    script: tuple[str, ...]
    evidence: str


class Assessment(Frozen):
    """The engine's answer: a score, a level, and every reason behind them."""

    score: int = Field(ge=0, le=100)
    level: Level
    level_label: str
    action: str
    signals: tuple[FiredSignal, ...]
    typologies: tuple[SuspectedTypology, ...]
    actions: tuple[str, ...]
    rules_version: str
    customer_age: int | None = None
    benign_contexts: tuple[str, ...] = ()
    """Benign contexts recognised, each with what it explained away (收款方为机构对公账户且有单据：不计…)."""

    def signal_ids(self) -> list[str]:
        return [s.id for s in self.signals]

    def to_json_dict(self) -> dict[str, object]:
        """The machine interface's output shape (see ``teller-guard assess``)."""
        return {
            "score": self.score,
            "level": self.level,
            "level_label": self.level_label,
            "signals": [
                {
                    "id": s.id,
                    "label": s.label,
                    "points": s.points,
                    "evidence": s.evidence,
                    "reason": s.reason,
                }
                for s in self.signals
            ],
            "typologies": [{"id": t.id, "label": t.label, "auto_stop": t.auto_stop} for t in self.typologies],
            "actions": list(self.actions),
            "rules_version": self.rules_version,
            "customer_age": self.customer_age,
            "benign_contexts": list(self.benign_contexts),
        }
