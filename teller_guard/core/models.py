"""Domain objects for one assessment: what goes into the engine and what comes out.

Plain frozen dataclasses (no pydantic: ``assess`` starts without it). Each checks its values
when built, as the models they replace did: a wrong value raises ``ValueError``; sequences and
amounts are normalised (a list of observations becomes a frozenset, ``"100"`` a ``Decimal``).
A record (:class:`teller_guard.core.records.InterventionRecord`, pydantic) holds
:class:`FiredSignal` as a field and serialises it as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from teller_guard.core.schema import LEVELS, Channel, Level

_PYDANTIC_STRICT_KEYS: dict[str, Any] = {"extra": "forbid"}
"""How pydantic reads these when a record holds them: unknown keys are errors, as before."""


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomerFacts:
    """What the engine knows about the customer. The ID number itself is never here."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _PYDANTIC_STRICT_KEYS

    age: int | None = None
    sex: str | None = None
    """``"M"``/``"F"`` when derived from the ID number; unknown otherwise."""

    def __post_init__(self) -> None:
        if self.age is not None and (isinstance(self.age, bool) or not 0 <= self.age <= 130):
            raise ValueError(f"customer age must be 0 to 130, not {self.age!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class AssessmentInput:
    """Everything the engine scores. Built by the UI on every keystroke or by ``assess`` from JSON."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _PYDANTIC_STRICT_KEYS

    channel: Channel
    amount: Decimal
    """Yuan, exact to the fen."""
    customer: CustomerFacts = field(default_factory=CustomerFacts)
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
    answers: dict[str, bool | str] = field(default_factory=dict)
    """Checklist item id → option id (choice), bool (yes/no, reminder) or text."""
    on_date: date | None = None

    def __post_init__(self) -> None:
        if self.channel not in ("counter", "atm"):
            raise ValueError(f'channel must be "counter" or "atm", not {self.channel!r}')
        given: object = self.amount
        if isinstance(given, Decimal):
            amount = given
        elif isinstance(given, int | str) and not isinstance(given, bool):
            try:
                amount = Decimal(given)
            except ArithmeticError:
                raise ValueError(f"amount is not a number of yuan: {given!r}") from None
            _set(self, "amount", amount)
        else:
            raise ValueError(f"amount must be a Decimal, a whole number or a numeric string, not {given!r}")
        if not amount.is_finite() or amount < 0:
            raise ValueError(f"amount must be a finite number of yuan, 0 or more, not {amount}")
        _set(self, "previous_purposes", tuple(self.previous_purposes))
        _set(self, "observations", frozenset(self.observations))
        _set(self, "facts", frozenset(self.facts))


@dataclass(frozen=True, slots=True, kw_only=True)
class FiredSignal:
    """One reason the score went up, explained."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _PYDANTIC_STRICT_KEYS

    id: str
    label: str
    category: str
    points: int
    evidence: str
    """What made it fire: the phrase matched, the age, the amount, the answer."""
    reason: str
    """The plain-Chinese explanation with the evidence filled in."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SuspectedTypology:
    id: str
    label: str
    auto_stop: bool
    description: str
    script: tuple[str, ...]
    evidence: str

    def __post_init__(self) -> None:
        _set(self, "script", tuple(self.script))


@dataclass(frozen=True, slots=True, kw_only=True)
class Assessment:
    """The engine's answer: a score, a level, and every reason behind them."""

    score: int
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

    def __post_init__(self) -> None:
        if isinstance(self.score, bool) or not 0 <= self.score <= 100:
            raise ValueError(f"score must be 0 to 100, not {self.score!r}")
        if self.level not in LEVELS:
            raise ValueError(f"unknown level {self.level!r}")
        for name in ("signals", "typologies", "actions", "benign_contexts"):
            _set(self, name, tuple(getattr(self, name)))

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
