"""The shape of every file in ``rules/``: strict pydantic models (unknown keys are errors).

Imported only to validate a rules folder (``rules check``, or a load the rules cache could not
answer: :mod:`teller_guard.core.rules`). A validated model is then turned into the plain
dataclass of the same name in :mod:`teller_guard.core.schema` (:func:`to_runtime`), which is
what the engine and the app read: building these ~40 model classes costs more than importing
pydantic itself, and ``assess`` must start without either.
"""

from __future__ import annotations

import string
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator, model_validator

from teller_guard.core import schema
from teller_guard.core.schema import (
    CORRECTION_FIELDS,
    LEVELS,
    PLACEHOLDER_RE,
    STOPPED_WORDS,
    TEXT_FIELDS,
    Category,
    Channel,
    CorrectionField,
    Level,
    TextField,
)

__all__ = ["CORRECTION_FIELDS", "LEVELS", "PLACEHOLDER_RE", "STOPPED_WORDS", "TEXT_FIELDS", "Category", "Channel"]

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=48)]
Text = Annotated[str, Field(min_length=1)]
Source = Annotated[str, Field(min_length=1, description="seed `file:line`, or 'branch policy' / 'common practice'")]


class Strict(BaseModel):
    """Base for rule-file models: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# ---------------------------------------------------------------- signals.toml


class SignalDef(Strict):
    """One risk signal: what it is called, what it weighs, and how to explain it."""

    id: Id
    label: Text
    """Short Chinese label shown in lists (e.g. ``边打电话边办理``)."""
    weight: int = Field(ge=0, le=100)
    """Points this signal adds to the 0–100 score."""
    category: Category
    reason: Text
    """Plain-Chinese reason shown to the teller; may use ``{evidence}``."""
    source: Source
    observable: bool = False
    """The teller or lobby staff can tick it directly (二看 observations)."""
    fact: bool = False
    """A fact about the transaction the teller or the core system knows (an early break of a fixed
    deposit, the whole balance …): given as ``facts`` to ``assess`` or answered at the counter."""
    min_level: Level | None = None
    """When this signal fires, the level is at least this (a floor, never a ceiling)."""
    notice: Text | None = None
    """What the customer reads on the notice instead of ``reason`` (which speaks to staff). When
    absent the notice prints ``reason`` without staff-only evidence such as ``柜员观察``."""

    @model_validator(mode="after")
    def _observed_or_fact(self) -> SignalDef:
        if self.observable and self.fact:
            raise ValueError("a signal is either observed (observable) or a transaction fact (fact), not both")
        return self

    @field_validator("reason")
    @classmethod
    def _only_evidence_placeholder(cls, value: str) -> str:
        for _, name, _, _ in string.Formatter().parse(value):
            if name is not None and name != "evidence":
                raise ValueError(f"unknown placeholder {{{name}}}; only {{evidence}} is allowed")
        return value


class SignalsFile(Strict):
    signal: list[SignalDef] = Field(min_length=1)


# ---------------------------------------------------------------- lexicon.toml


class ConceptDef(Strict):
    """A named idea the customer may express in many words (e.g. ``authority`` = 公安/民警/检察官…)."""

    id: Id
    terms: list[Text] = []
    """Literal phrases, matched after normalisation (full-width→half-width, 帐→账)."""
    patterns: list[Text] = []
    """Regular expressions; ``{other_concept}`` expands to that concept's terms."""

    @model_validator(mode="after")
    def _not_empty(self) -> ConceptDef:
        if not self.terms and not self.patterns:
            raise ValueError("a concept needs at least one term or pattern")
        return self


class TextRuleDef(Strict):
    """Raise a signal when what the customer said expresses all concepts of any clause."""

    signal: Id
    fields: list[TextField] = list(TEXT_FIELDS)
    match: list[list[Id]] = Field(min_length=1)
    """Any clause may match; a clause matches when every concept in it is present."""
    neutralise: list[Text] = []
    """Regexes blanked out before matching: benign mentions that must not count."""
    unless: list[Id] = []
    """Concepts (or lexicon contexts) that show the story is benign (paid in person against an
    official notice, met in person long ago): when any of them holds, the rule does not fire."""


class ContextDef(Strict):
    """A benign context (paid to an institution's account against a document …): while it holds,
    the signals it explains do not count. It never explains an observation or a typology."""

    id: Id
    label: Text
    """How the context reads to the teller (收款方为机构对公账户且有单据)."""
    fields: list[TextField] = list(TEXT_FIELDS)
    match: list[list[Id]] = Field(min_length=1)
    explains: list[Id] = Field(min_length=1)


class PurposeDef(Strict):
    """A purpose category, used to spot a cover story that changes and an amount that does not fit."""

    id: Id
    label: Text
    terms: list[Text] = Field(min_length=1)
    typical_max_yuan: Decimal = Field(gt=0)
    """The top of what this purpose usually costs one family in one transfer; above it the purpose
    does not explain the amount and ``amount_purpose_mismatch`` fires. Every purpose has one: a
    coached customer names an ordinary purpose, and only its range can give the story away."""
    options: list[Id] = []
    """Checklist options (the 用途 list) that mean this purpose, so a choice alone is classified."""
    patterns: list[Text] = []
    """Regular expressions for the shapes of the purpose (还同学钱 = 还 … 钱); ``{concept}`` expands."""
    institution: bool = False
    """Paid to an institution (a school, a hospital, the tax office): a payee answer naming one of
    its ``staff`` or a person's own account, and no institution, contradicts the purpose."""
    staff: list[Text] = []
    """The institution's people, who are never paid personally for this purpose (老师, 医生 …)."""

    @model_validator(mode="after")
    def _staff_of_an_institution(self) -> PurposeDef:
        if self.staff and not self.institution:
            raise ValueError("`staff` belongs to a purpose paid to an institution (institution = true)")
        return self


class PurposeCheckDef(Strict):
    """How the payee answer and the amount are checked against the stated purpose (一核对)."""

    far_beyond: Decimal = Field(default=Decimal(2), gt=1)
    """An amount above this many times the purpose's typical maximum is far beyond it."""
    far_signal: Id | None = None
    """Raised (besides ``amount_purpose_mismatch``) when the amount is far beyond the purpose."""
    person: list[Id] = []
    """Concepts that say the payee is a person's own account (个人卡, 户名是个人)."""
    institution: list[Id] = []
    """Concepts that say the payee is an institution (学校, 医院, 对公账户): then no contradiction."""


class SimilarityDef(Strict):
    """The complementary similarity cue: what the customer said against each typology's exemplar scripts."""

    signal: Id
    """The (low-weight) signal raised when a script is recognised (reason: 与「…」话术相似)."""
    min_similarity: float = Field(gt=0, le=1)
    """Share of a script's distinctive character pairs the customer's words must contain."""
    min_shared: int = Field(default=3, ge=1, le=20)
    """At least this many distinct character pairs in common (a short script is not matched by one word)."""
    name_at: float | None = Field(default=None, gt=0, le=1)
    """At or above this similarity the typology is also named (with its script for the teller),
    without its own weight: only the low-weight similarity signal adds points."""


class LexiconFile(Strict):
    negators: list[Text] = []
    """Words that, right before a term, cancel it (``没有人打电话`` is not a phone call)."""
    negation_window: int = Field(default=2, ge=0, le=6)
    """How many characters may stand between a negator and the term it cancels."""
    concept: list[ConceptDef] = Field(min_length=1)
    text_rule: list[TextRuleDef] = []
    context: list[ContextDef] = []
    purpose: list[PurposeDef] = []
    beneficiaries: list[Id] = []
    """Concepts that say who the money is for (``family``, ``acquaintance`` …): the same purpose
    for someone else (给儿子买房 → 给女儿买房) is a story that changed."""
    story_change_below: float = Field(default=0.2, ge=0, le=1)
    """Two stated purposes of no known category whose character-pair similarity is below this tell
    different stories (``purpose_changed``); a purpose restated in other words stays above it."""
    similarity: SimilarityDef | None = None
    purpose_check: PurposeCheckDef = PurposeCheckDef()


# ------------------------------------------------------------- typologies.toml


class TypologyDef(Strict):
    """A fraud narrative (DOMAIN.md §4): how it reveals itself and what to say back."""

    id: Id
    label: Text
    signal: Id
    """The signal raised when this typology is detected (it carries the weight)."""
    auto_stop: bool = False
    """Always fraud (e.g. 安全账户): the level is always ``critical``."""
    description: Text
    """What this fraud looks like, in one line (printed on the notice: 凡是…都是诈骗)."""
    match: list[list[Id]] = Field(min_length=1)
    neutralise: list[Text] = []
    unless: list[Id] = []
    """Concepts or lexicon contexts that show a benign story; when any holds the typology does not fire."""
    script: list[Text] = Field(min_length=1)
    """Short lines for the teller to say back (六个一 / 八个凡是 / 三不一要)."""
    exemplars: list[Text] = []
    """How the fraudster's script usually sounds in a victim's mouth, written from DOMAIN.md §3–§5
    and the public typology descriptions (never from reports of real interventions): matched
    by character pairs as a low-weight cue when the word families miss."""
    actions: list[Text] = []
    """Extra recommended actions for this fraud (e.g. 拨打 12333 核实)."""
    source: Source


class TypologiesFile(Strict):
    typology: list[TypologyDef] = Field(min_length=1)


# ---------------------------------------------------------------- policy.toml


class LevelDef(Strict):
    id: Level
    label: Text
    """One Chinese word for the level (低 / 中 / 高 / 极高) so colour is never the only cue."""
    min_score: int = Field(ge=0, le=100)
    action: Text
    """The headline action (放行并提示 …)."""
    actions: list[Text] = Field(min_length=1)
    requires: list[Id] = []
    """Signals (ids) of a fraud story: the score alone reaches this level only when one of them
    fired or a typology was recognised from the words or answers (never by resemblance alone).
    极高 (stop and call the police) needs a story, not only a pile of behaviours. Short of it the
    case stays one level below and ``unmet`` is said first. A signal's ``min_level`` or an
    auto-stop typology still lifts a case to the level."""
    unmet: Text | None = None
    """What the teller is told when the score reached this level but ``requires`` did not hold."""

    @model_validator(mode="after")
    def _unmet_with_requires(self) -> LevelDef:
        if self.requires and not self.unmet:
            raise ValueError("a level that requires story signals needs `unmet` (what the teller is told)")
        return self


class BandDef(Strict):
    signal: Id
    label: Text


class AgeBand(BandDef):
    min_age: int = Field(ge=0, le=130)


class AmountBand(BandDef):
    min_yuan: Decimal = Field(ge=0)


class DecisionDef(Strict):
    """A way an intervention can end (counter decision or lobby outcome)."""

    id: Id
    label: Text
    channels: list[Channel] = Field(min_length=1)
    group: Literal["proceeded", "warned", "deferred", "dissuaded", "police", "handoff"]
    """How statistics count it (提示后办理 / 暂缓 / 劝阻成功 / 报警 / 带至柜台)."""
    needs_supervisor_at: list[Level] = []
    """At these levels the decision needs a supervisor's id and a reason."""
    records_amount_protected: bool = False
    records_police: bool = False
    allowed_at: list[Level] = list(LEVELS)


class CalibrationDef(Strict):
    """Promises about the weights, checked whenever the rules are loaded (a branch that edits a
    weight learns at once if it breaks one)."""

    behaviours_for: dict[Level, int] = {}
    """Level → how many observed warning behaviours (``category = "behaviour"``, observable)
    reach it at any age: the lightest that many must add up to the level's ``min_score``."""
    age_and_amount_below: Level | None = None
    """The heaviest age band and amount band together stay below this level: an ordinary
    transfer is never lifted by who the customer is and how much alone."""


class MetaDef(Strict):
    name: Text
    edition: Text
    """Human edition label (the content hash is the real version)."""


class AccessDef(Strict):
    """Sign-in and approval policy (``[access]`` in policy.toml): the branch's to tune, within limits
    that keep a PIN worth having."""

    max_failed_pins: int = Field(default=5, ge=3, le=10)
    """Wrong PINs in a row (sign-in, lock screen, approval, CLI) that lock the account."""
    lockout_minutes: int = Field(default=15, ge=5, le=1440)
    """How long a locked account stays locked (an admin can unlock it sooner)."""
    idle_lock_minutes: int = Field(default=10, ge=1, le=120)
    """Minutes without a key or a tap after which the app locks (the same staff re-enters the PIN)."""
    orphaned_after_minutes: int = Field(default=30, ge=5, le=1440)
    """A case another member of staff left open this long is offered to a supervisor signing in
    at the counter (resume it, or log it as abandoned), so it always reaches the log."""
    admin_may_approve: bool = False
    """Whether a 管理员 may give a supervisor's approval (主管 always may)."""
    min_pin_digits: int = Field(default=6, ge=6, le=32)
    """Shortest all-digit PIN."""
    min_passphrase_length: int = Field(default=10, ge=8, le=128)
    """Shortest PIN that is not all digits (a passphrase)."""


class NoticePolicyDef(Strict):
    """Branch policy on the 《防范电信诈骗告知书》 (``[notice]`` in policy.toml)."""

    low_risk_signs: StrictBool = True
    """A low-risk remittance customer also reads and signs the notice before the money leaves.
    The seeds apply the procedure to every personal remittance (002_f7b983d4df25ac30.txt:9);
    a branch may set ``false``: then a low-risk case closes without a notice. At medium risk
    and above the customer always signs (or the refusal or a supervisor's override is recorded)."""
    source: Source = "002_f7b983d4df25ac30.txt:9"


class CorrectionPolicyDef(Strict):
    """Who may correct a closed record (``[corrections]`` in policy.toml). A correction is a new
    record naming the old one; a supervisor may correct any field; a teller only their own
    records, only these fields, and any other field with a supervisor's approval on the spot."""

    teller_may: list[CorrectionField] = ["police_ref"]
    """Fields a teller corrects on their own record without a supervisor (a late police receipt number)."""

    @field_validator("teller_may")
    @classmethod
    def _no_repeats(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a field is listed twice")
        return value


class PolicyFile(Strict):
    meta: MetaDef
    level: list[LevelDef] = Field(min_length=4, max_length=4)
    age_band: list[AgeBand] = Field(min_length=1)
    amount_band: list[AmountBand] = Field(min_length=1)
    decision: list[DecisionDef] = Field(min_length=1)
    calibration: CalibrationDef | None = None
    access: AccessDef = AccessDef()
    """Sign-in, lock-out and approval policy (defaults when the table is absent)."""
    notice: NoticePolicyDef = NoticePolicyDef()
    """Who signs the notice (defaults when the table is absent: every remittance customer)."""
    corrections: CorrectionPolicyDef = CorrectionPolicyDef()
    """Who may correct which field of a closed record."""


# ---------------------------------------------------------------- checklists/*.toml


class OptionDef(Strict):
    id: Id
    label: Text
    raises: list[Id] = []
    typology: Id | None = None
    """Choosing this option asserts the typology directly (e.g. 用途: 转入“安全账户”)."""


class ItemDef(Strict):
    id: Id
    step: Text
    """The checklist step this item belongs to (三问 / 二看 / 一核对 / 一问 / 三提醒)."""
    prompt: Text
    kind: Literal["choice", "yesno", "text", "reminder"]
    options: list[OptionDef] = []
    free_text: bool = False
    """Also record what the customer actually said (fed to narrative detection)."""
    text_field: TextField | None = None
    """Which engine text the free text feeds (purpose, payee_relation, notes)."""
    raises_on_yes: list[Id] = []
    raises_on_no: list[Id] = []
    wording: str | None = None
    """For reminders: the exact words to say."""
    key: Annotated[str, Field(max_length=1)] | None = None
    """One-key shortcut for yes/no items (the 二看 observations)."""
    source: Source
    branch_editable: bool = False
    """The seeds give only a label here; this is the common-practice wording, the branch's to change."""

    @model_validator(mode="after")
    def _shape(self) -> ItemDef:
        if self.kind == "choice" and not self.options:
            raise ValueError("a choice item needs options")
        if self.kind != "choice" and self.options:
            raise ValueError(f"a {self.kind} item cannot have options")
        if self.kind not in ("yesno", "reminder") and (self.raises_on_yes or self.raises_on_no):
            raise ValueError("raises_on_yes/raises_on_no only apply to yesno and reminder items")
        if self.kind == "reminder" and not self.wording:
            raise ValueError("a reminder item needs its exact wording")
        return self


class ChecklistFile(Strict):
    id: Id
    label: Text
    channel: Channel
    roles: list[Literal["teller", "lobby", "guard", "supervisor"]] = Field(min_length=1)
    source: Source
    item: list[ItemDef] = Field(min_length=1)
    mandatory: dict[Level, list[Text]] = {}
    """Level → the steps (三问, 二看 …) every question of which must be asked before a case at
    that level closes with the money leaving; short of it the teller records why. A level not
    listed has no mandatory step. (Steps must exist: checked with the other cross-file rules.)"""


# ---------------------------------------------------------------- notice.toml


class TakeHomeDef(Strict):
    """The take-home notice: what the customer was told, per way the transfer ended."""

    title: Text
    """Printed under the notice title, e.g. （客户留存联）."""
    told: dict[Literal["deferred", "dissuaded", "police"], list[Text]]
    """Decision group → what the customer was told, in order (every group must be present)."""
    help: list[Text] = Field(min_length=1)
    """Where to get help (110, 96110); the branch's phone from ``branch.toml`` is added."""

    @field_validator("told")
    @classmethod
    def _every_outcome(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        missing = [g for g in ("deferred", "dissuaded", "police") if not value.get(g)]
        if missing:
            raise ValueError(f"missing what the customer is told for: {', '.join(missing)}")
        return value


class NoticeFile(Strict):
    """The 《防范电信诈骗告知书》 text, versioned; the bespoke parts are filled per case."""

    version: Text
    title: Text
    intro: list[Text] = Field(min_length=1)
    musts: list[Text] = Field(min_length=1)
    six_ones: list[Text] = Field(min_length=1)
    eight_whenever: list[Text] = Field(min_length=1)
    closing: Text
    declaration: list[Text] = Field(min_length=1)
    """The customer's declaration on a notice signed before the money leaves (never on a
    take-home notice: a customer whose transfer was stopped declares nothing)."""
    level_advice: dict[Level, Text]
    """本行建议 on a take-home notice (the transfer was deferred, given up or stopped)."""
    proceed_advice: dict[Level, Text]
    """本行建议 on a notice signed before the transfer goes ahead: it warns, and never says the
    bank stopped the transfer."""
    take_home: TakeHomeDef
    """The notice a customer takes home when the transfer did not go ahead."""
    sources: list[Source] = Field(min_length=1)

    @field_validator("level_advice", "proceed_advice")
    @classmethod
    def _all_levels(cls, value: dict[str, str]) -> dict[str, str]:
        missing = [lv for lv in LEVELS if lv not in value]
        if missing:
            raise ValueError(f"missing advice for level(s): {', '.join(missing)}")
        return value

    @field_validator("proceed_advice")
    @classmethod
    def _proceed_goes_ahead(cls, value: dict[str, str]) -> dict[str, str]:
        for level, text in value.items():
            if any(word in text for word in STOPPED_WORDS):
                raise ValueError(f"{level}: a notice signed before the transfer goes ahead cannot say it was stopped")
        return value


# ---------------------------------------------------------------- branch.toml


class MachineDef(Strict):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,16}$")]
    label: Text
    kind: Literal["atm", "self_service"]
    location: str = ""


class BranchFile(Strict):
    code: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")]
    name: Text
    machines: list[MachineDef] = []
    atm_delay_reminder: str | None = None
    """Optional PBOC 24-hour delayed-arrival reminder (branch policy, 银发〔2016〕261号)."""
    atm_delay_reminder_source: str | None = None
    phone: Annotated[str, Field(pattern=r"^[0-9][0-9 ()+-]{2,30}$")] | None = None
    """The branch's telephone, printed on the take-home notice."""
    printer: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,127}$")] | None = None
    """The CUPS queue notices are printed on (``lp -d``); none: notices are only saved as PDF."""


# ---------------------------------------------------------------- to the runtime types


_RUNTIME: dict[str, type] = {cls.__name__: cls for cls in schema.RUNTIME_TYPES}


def to_runtime(value: Any) -> Any:
    """A validated model (and what it holds) as the plain dataclasses of :mod:`teller_guard.core.schema`
    (same class name, same fields; lists, dicts and scalars as validated)."""
    if isinstance(value, BaseModel):
        cls = _RUNTIME[type(value).__name__]
        return cls(**{name: to_runtime(getattr(value, name)) for name in type(value).model_fields})
    if isinstance(value, list):
        return [to_runtime(v) for v in value]
    if isinstance(value, dict):
        return {k: to_runtime(v) for k, v in value.items()}
    return value


class AccessOnlyFile(BaseModel):
    """policy.toml as far as :func:`teller_guard.core.rules.load_access` reads it (the rest is
    checked by :func:`teller_guard.core.rules.load_rules`)."""

    access: AccessDef = AccessDef()
