"""The rules as the engine and the app read them: plain frozen dataclasses, no pydantic.

The files in ``rules/`` are validated strictly by the pydantic models of
:mod:`teller_guard.core.rules_schema` (imported only when a rules folder is validated: ``rules
check``, or a load the rules cache could not answer), which then build these. Each class here
has exactly the fields of the model of the same name there (a test keeps them so); what each
field means is documented on the model. Building these is cheap and they pickle, so
``teller-guard assess`` starts without building a single pydantic model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

Level = Literal["low", "medium", "high", "critical"]
LEVELS: tuple[Level, ...] = ("low", "medium", "high", "critical")
Channel = Literal["counter", "atm"]
Category = Literal["behaviour", "profile", "transaction", "narrative"]
TextField = Literal["purpose", "payee_relation", "notes"]
TEXT_FIELDS: tuple[TextField, ...] = ("purpose", "payee_relation", "notes")
DecisionGroup = Literal["proceeded", "warned", "deferred", "dissuaded", "police", "handoff"]
Role = Literal["teller", "lobby", "guard", "supervisor"]
ItemKind = Literal["choice", "yesno", "text", "reminder"]
MachineKind = Literal["atm", "self_service"]
TakeHomeGroup = Literal["deferred", "dissuaded", "police"]
CorrectionField = Literal["police_ref", "decision", "amount_protected"]
CORRECTION_FIELDS: tuple[CorrectionField, ...] = ("police_ref", "decision", "amount_protected")

STOPPED_WORDS = ("停止办理", "已停止", "暂缓办理")
"""Words that tell the customer the transfer did not go ahead: never on a notice they sign to proceed."""

PLACEHOLDER_RE = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


# ---------------------------------------------------------------- signals.toml


@dataclass(frozen=True, slots=True, kw_only=True)
class SignalDef:
    """One risk signal: what it is called, what it weighs, and how to explain it."""

    id: str
    label: str
    weight: int
    category: Category
    reason: str
    source: str
    observable: bool = False
    fact: bool = False
    min_level: Level | None = None
    notice: str | None = None


# ---------------------------------------------------------------- lexicon.toml


@dataclass(frozen=True, slots=True, kw_only=True)
class PurposeCheckDef:
    """How the payee answer and the amount are checked against the stated purpose (一核对)."""

    far_beyond: Decimal = Decimal(2)
    far_signal: str | None = None
    person: list[str] = field(default_factory=list)
    institution: list[str] = field(default_factory=list)


# ------------------------------------------------------------- typologies.toml


@dataclass(frozen=True, slots=True, kw_only=True)
class TypologyDef:
    """A fraud narrative (DOMAIN.md §4): how it reveals itself and what to say back."""

    id: str
    label: str
    signal: str
    auto_stop: bool = False
    description: str
    match: list[list[str]]
    neutralise: list[str] = field(default_factory=list)
    unless: list[str] = field(default_factory=list)
    script: list[str]
    exemplars: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    source: str


# ---------------------------------------------------------------- policy.toml


@dataclass(frozen=True, slots=True, kw_only=True)
class LevelDef:
    id: Level
    label: str
    min_score: int
    action: str
    actions: list[str]
    requires: list[str] = field(default_factory=list)
    unmet: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BandDef:
    signal: str
    label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AgeBand(BandDef):
    min_age: int


@dataclass(frozen=True, slots=True, kw_only=True)
class AmountBand(BandDef):
    min_yuan: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionDef:
    """A way an intervention can end (counter decision or lobby outcome)."""

    id: str
    label: str
    channels: list[Channel]
    group: DecisionGroup
    needs_supervisor_at: list[Level] = field(default_factory=list)
    records_amount_protected: bool = False
    records_police: bool = False
    allowed_at: list[Level] = field(default_factory=lambda: list(LEVELS))


@dataclass(frozen=True, slots=True, kw_only=True)
class CalibrationDef:
    behaviours_for: dict[Level, int] = field(default_factory=dict)
    age_and_amount_below: Level | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MetaDef:
    name: str
    edition: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AccessDef:
    """Sign-in and approval policy (``[access]`` in policy.toml); the defaults apply when absent."""

    max_failed_pins: int = 5
    lockout_minutes: int = 15
    idle_lock_minutes: int = 10
    orphaned_after_minutes: int = 30
    admin_may_approve: bool = False
    min_pin_digits: int = 6
    min_passphrase_length: int = 10


@dataclass(frozen=True, slots=True, kw_only=True)
class NoticePolicyDef:
    """Branch policy on the 《防范电信诈骗告知书》 (``[notice]`` in policy.toml)."""

    low_risk_signs: bool = True
    source: str = "002_f7b983d4df25ac30.txt:9"


@dataclass(frozen=True, slots=True, kw_only=True)
class CorrectionPolicyDef:
    """Who may correct a closed record (``[corrections]`` in policy.toml)."""

    teller_may: list[CorrectionField] = field(default_factory=lambda: ["police_ref"])


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyFile:
    meta: MetaDef
    level: list[LevelDef]
    age_band: list[AgeBand]
    amount_band: list[AmountBand]
    decision: list[DecisionDef]
    calibration: CalibrationDef | None = None
    access: AccessDef = field(default_factory=AccessDef)
    notice: NoticePolicyDef = field(default_factory=NoticePolicyDef)
    corrections: CorrectionPolicyDef = field(default_factory=CorrectionPolicyDef)


# ---------------------------------------------------------------- checklists/*.toml


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionDef:
    id: str
    label: str
    raises: list[str] = field(default_factory=list)
    typology: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemDef:
    id: str
    step: str
    prompt: str
    kind: ItemKind
    options: list[OptionDef] = field(default_factory=list)
    free_text: bool = False
    text_field: TextField | None = None
    raises_on_yes: list[str] = field(default_factory=list)
    raises_on_no: list[str] = field(default_factory=list)
    wording: str | None = None
    key: str | None = None
    source: str
    branch_editable: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ChecklistFile:
    id: str
    label: str
    channel: Channel
    roles: list[Role]
    source: str
    item: list[ItemDef]
    mandatory: dict[Level, list[str]] = field(default_factory=dict)


# ---------------------------------------------------------------- notice.toml


@dataclass(frozen=True, slots=True, kw_only=True)
class TakeHomeDef:
    title: str
    told: dict[TakeHomeGroup, list[str]]
    help: list[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class NoticeFile:
    """The 《防范电信诈骗告知书》 text, versioned; the bespoke parts are filled per case."""

    version: str
    title: str
    intro: list[str]
    musts: list[str]
    six_ones: list[str]
    eight_whenever: list[str]
    closing: str
    declaration: list[str]
    level_advice: dict[Level, str]
    proceed_advice: dict[Level, str]
    take_home: TakeHomeDef
    sources: list[str]


# ---------------------------------------------------------------- branch.toml


@dataclass(frozen=True, slots=True, kw_only=True)
class MachineDef:
    id: str
    label: str
    kind: MachineKind
    location: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class BranchFile:
    code: str
    name: str
    machines: list[MachineDef] = field(default_factory=list)
    atm_delay_reminder: str | None = None
    atm_delay_reminder_source: str | None = None
    phone: str | None = None
    printer: str | None = None


RUNTIME_TYPES: tuple[type, ...] = (
    SignalDef,
    PurposeCheckDef,
    TypologyDef,
    LevelDef,
    BandDef,
    AgeBand,
    AmountBand,
    DecisionDef,
    CalibrationDef,
    MetaDef,
    AccessDef,
    NoticePolicyDef,
    CorrectionPolicyDef,
    PolicyFile,
    OptionDef,
    ItemDef,
    ChecklistFile,
    TakeHomeDef,
    NoticeFile,
    MachineDef,
    BranchFile,
)
"""Every class here that a validated model is turned into (by class name)."""
