"""A case being worked: the form state shared by the counter and lobby flows.

:class:`CaseState` is what a draft stores (as JSON) on every change, what the engine reads
on every keystroke (:meth:`CaseState.to_input`), and what becomes the logged
:class:`~teller_guard.core.records.InterventionRecord` when the case closes. It holds only
minimised personal data: the ID number is reduced to age, sex, a keyed hash and its last four
characters the moment it is entered; names and account numbers are stored masked.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from teller_guard.core.closing import NOT_ASKED_KEY, not_asked
from teller_guard.core.errors import InputError
from teller_guard.core.idcard import age_on, customer_ref, mask_id, parse_id_number
from teller_guard.core.models import Assessment, AssessmentInput, CustomerFacts, FiredSignal
from teller_guard.core.money import parse_yuan, yuan_to_fen
from teller_guard.core.records import (
    AcknowledgementRecord,
    AnswerRecord,
    DecisionRecord,
    InterventionRecord,
    TypologyRef,
    mask_account,
    mask_name,
    new_uid,
)
from teller_guard.core.rules import RuleSet
from teller_guard.core.schema import Channel
from teller_guard.core.scoring import OBSERVED_BY


class CaseState(BaseModel):
    """Everything entered so far in one intervention (mutable while the case is open)."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    draft_id: str = Field(default_factory=new_uid)
    uid: str = Field(default_factory=new_uid)
    """The uid the logged record will carry (printed on the notice before the case closes)."""
    channel: Channel = "counter"
    staff_id: str = ""
    staff_role: str = "teller"
    machine_id: str | None = None
    started_at: datetime | None = None
    """When the first thing was entered (set by the screen from the app's clock); ``None`` while blank."""

    amount: str = ""
    """The amount as typed (yuan); parsed exactly when scored."""
    business: str = ""
    """转账 / 汇款 (counter) — the channel detail."""
    customer_age: int | None = None
    customer_sex: str | None = None
    customer_ref: str | None = None
    id_masked: str | None = None
    customer_name_masked: str | None = None
    payee_name_masked: str | None = None
    payee_account_masked: str | None = None
    payee_ref: str | None = None

    answers: dict[str, bool | str] = {}
    """Checklist item id → option id / bool / text."""
    said: dict[str, str] = {}
    """Checklist item id → what the customer actually said."""
    purpose_history: list[str] = []
    """Earlier stated purposes, when the customer's story changed."""
    step_seconds: dict[str, int] = {}
    handoff_from_uid: str | None = None
    handoff_level: str | None = None
    """The lobby's level: the counter's does not fall below it (:func:`teller_guard.core.handoff.hold_lobby_level`)."""
    handoff_score: int = 0
    handoff_staff: str = ""
    handoff_signals: list[FiredSignal] = []
    """What the lobby's record fired, carried to the counter's."""
    handoff_lowered_reason: str | None = None
    """Why the teller went below the lobby's level (logged in ``extra``); none: the lobby's level holds."""
    corrects_uid: str | None = None
    correction_reason: str | None = None
    notice_serial: str | None = None
    observations: list[str] = []
    """Facts recorded by the process rather than ticked in a checklist item (e.g. ``refused_notice``)."""
    extra: dict[str, str] = {}
    """Logged with the record as-is (e.g. the case hash printed on the notice)."""

    @classmethod
    def from_record(cls, rec: InterventionRecord) -> CaseState:
        """The case as it was entered, rebuilt from its logged record (to score it again).

        The answers and what the customer said come back item by item; observations recorded
        by the process (a refused notice) come back from the signals whose evidence is an
        observation. Nothing personal beyond what the record holds.
        """
        observed = set(OBSERVED_BY.values())
        return cls(
            uid=rec.uid,
            channel=rec.channel,
            staff_id=rec.staff_id,
            staff_role=rec.staff_role,
            machine_id=rec.machine_id,
            started_at=rec.started_at,
            amount=f"{rec.amount_fen // 100}.{rec.amount_fen % 100:02d}",
            customer_age=rec.customer_age,
            customer_sex=rec.customer_sex,
            answers={a.item_id: a.value for a in rec.answers if a.value is not None},
            said={a.item_id: a.said for a in rec.answers if a.said},
            purpose_history=list(rec.previous_purposes),
            observations=[s.id for s in rec.signals if observed & set(s.evidence.split("；"))],
        )

    # ------------------------------------------------------------ entering personal data
    def set_id_number(self, raw: str, secret: bytes, today: date) -> None:
        """Derive age, sex and a keyed hash from an ID number, and forget the number.

        Raises:
            InputError: the number fails the GB 11643 checks.
        """
        facts = parse_id_number(raw, today=today)
        self.customer_age = age_on(facts.birth_date, today)
        self.customer_sex = facts.sex
        self.customer_ref = customer_ref(raw, secret)
        self.id_masked = mask_id(raw)

    def set_customer_name(self, name: str) -> None:
        self.customer_name_masked = mask_name(name)

    def set_payee(self, name: str | None = None, account: str | None = None, secret: bytes | None = None) -> None:
        """Keep the payee's name and account only masked (and the account as a keyed hash)."""
        if name is not None:
            self.payee_name_masked = mask_name(name)
        if account is not None:
            digits = "".join(ch for ch in account if ch.isalnum())
            self.payee_account_masked = mask_account(digits)
            if secret and digits:
                self.payee_ref = customer_ref(digits, secret)

    def set_purpose_text(self, item_id: str, text: str) -> None:
        """Record what the customer said; if a stated purpose is replaced, keep the old one."""
        old = self.said.get(item_id, "").strip()
        if (
            old
            and text.strip()
            and old != text.strip()
            and not text.strip().startswith(old)
            and not old.startswith(text.strip())
        ):
            self.purpose_history = [*self.purpose_history, old]
        self.said = {**self.said, item_id: text}

    # ------------------------------------------------------------ scoring
    def amount_yuan(self) -> Decimal:
        return parse_yuan(self.amount or "0")

    def texts(self, rules: RuleSet) -> dict[str, str]:
        """What the customer said, routed to the engine's purpose / payee_relation / notes."""
        out = {"purpose": "", "payee_relation": "", "notes": ""}
        for item in rules.checklist_for(self.channel).item:
            parts: list[str] = []
            # The chosen purpose or relation reads like the customer's own answer ("给子女或亲属"),
            # but an option describing *how* the account came ("电话/短信/网络提供") already raises
            # its signals and would only feed the narrative rules words the customer never said.
            if item.kind == "choice" and item.id in self.answers and item.text_field in ("purpose", "payee_relation"):
                opt = next((o for o in item.options if o.id == self.answers[item.id]), None)
                if opt is not None:
                    parts.append(opt.label)
            said = self.said.get(item.id, "").strip()
            if said:
                parts.append(said)
            fld = item.text_field or ("notes" if said else None)
            if fld and parts:
                out[fld] = "；".join(p for p in [out[fld], *parts] if p)
        return out

    def to_input(self, rules: RuleSet, on: date | None = None) -> AssessmentInput:
        """The engine's input for the case as it stands (cheap: called on every keystroke).

        Raises:
            InputError: the amount is not a valid number of yuan.
        """
        texts = self.texts(rules)
        kinds = {i.id: i.kind for i in rules.checklist_for(self.channel).item}
        answers = {k: v for k, v in self.answers.items() if k in kinds and v is not None and v != ""}
        # Text items go to the engine through `texts`, not twice through answers.
        answers = {k: v for k, v in answers.items() if not isinstance(v, str) or kinds[k] == "choice"}
        return AssessmentInput(
            channel=self.channel,
            amount=self.amount_yuan(),
            customer=CustomerFacts(age=self.customer_age, sex=self.customer_sex),
            purpose=texts["purpose"],
            previous_purposes=tuple(self.purpose_history),
            payee_relation=texts["payee_relation"],
            notes=texts["notes"],
            observations=frozenset(self.observations),
            answers=answers,
            on_date=on,
        )

    def record_refusal(self, printed: InterventionRecord) -> None:
        """The customer refused to sign the notice: keep it as a risk fact for re-scoring, and keep
        the case hash that was printed, so the paper copy still matches the logged record."""
        self.extra = {**self.extra, "notice_case_hash": printed.case_hash()}
        if "refused_notice" not in self.observations:
            self.observations = [*self.observations, "refused_notice"]

    def lower_than_lobby(self, reason: str) -> None:
        """The teller's reason for going below the lobby's level (kept with the record)."""
        self.handoff_lowered_reason = reason.strip()
        self.extra = {**self.extra, "lobby_level_lowered": reason.strip()}

    def held(self, rules: RuleSet, assessment: Assessment) -> Assessment:
        """``assessment`` with the lobby's record kept, for a case continued from the lobby."""
        if not self.handoff_level:
            return assessment
        from teller_guard.core.handoff import hold_lobby_level

        return hold_lobby_level(
            rules,
            assessment,
            lobby_level=self.handoff_level,
            lobby_score=self.handoff_score,
            lobby_signals=tuple(self.handoff_signals),
            lobby_staff=self.handoff_staff,
            lowered_reason=self.handoff_lowered_reason,
        )

    # ------------------------------------------------------------ closing
    def to_record(
        self,
        rules: RuleSet,
        assessment: Assessment,
        *,
        decision: DecisionRecord | None,
        acknowledgement: AcknowledgementRecord | None = None,
        closed_at: datetime,
        status: Literal["closed", "abandoned"] = "closed",
    ) -> InterventionRecord:
        """The record to log when the case closes (or is abandoned), stamped ``closed_at``."""
        now = closed_at
        answers = tuple(
            AnswerRecord(item_id=k, value=v, said=self.said.get(k, ""), answered_at=now)
            for k, v in self.answers.items()
        ) + tuple(
            AnswerRecord(item_id=k, value=None, said=s, answered_at=now)
            for k, s in self.said.items()
            if k not in self.answers and s
        )
        texts = self.texts(rules)
        observed = tuple(sorted(s.id for s in assessment.signals if rules.signals[s.id].observable))
        try:
            amount_fen = yuan_to_fen(self.amount_yuan())
        except InputError:
            amount_fen = 0
        return InterventionRecord(
            uid=self.uid,
            channel=self.channel,
            status=status,
            started_at=self.started_at or now,
            closed_at=now,
            branch_code=rules.branch.code,
            staff_id=self.staff_id,
            staff_role=self.staff_role,
            machine_id=self.machine_id,
            amount_fen=amount_fen,
            customer_age=self.customer_age,
            customer_sex=self.customer_sex,
            customer_ref=self.customer_ref,
            customer_name_masked=self.customer_name_masked,
            payee_name_masked=self.payee_name_masked,
            payee_account_masked=self.payee_account_masked,
            payee_ref=self.payee_ref,
            purpose_text=texts["purpose"],
            previous_purposes=tuple(self.purpose_history),
            payee_relation_text=texts["payee_relation"],
            notes_text=texts["notes"],
            observations=observed,
            answers=answers,
            score=assessment.score,
            level=assessment.level,
            rules_version=assessment.rules_version,
            signals=assessment.signals,
            typologies=tuple(TypologyRef(id=t.id, label=t.label) for t in assessment.typologies),
            decision=decision,
            acknowledgement=acknowledgement,
            handoff_from_uid=self.handoff_from_uid,
            corrects_uid=self.corrects_uid,
            correction_reason=self.correction_reason,
            step_seconds=dict(self.step_seconds),
            # "Not asked" is never "no": the questions without an answer are listed by id.
            extra={
                **self.extra,
                NOT_ASKED_KEY: ",".join(i.id for i in not_asked(rules, self.channel, self.answers, self.said)),
            },
        )


# Lobby observations carry over to the counter item that asks the same thing.
_HANDOFF_LOOKS = {
    "nervous": "look_nervous",
    "on_phone": "look_phone",
    "reading_instructions": "look_notes",
}


def case_from_handoff(
    rules: RuleSet, lobby: InterventionRecord, *, staff_id: str, staff_role: str = "teller"
) -> CaseState:
    """Open a counter case that continues a lobby case, so the customer is not asked twice.

    The amount, the customer's age, what they said at the machine and what the lobby staff
    saw (二看) are carried over; the counter's own questions are still asked where the lobby
    did not cover them.
    """
    from teller_guard.core.handoff import carried_answers

    counter = rules.checklist_for("counter")
    counter_items = {i.id for i in counter.item}
    answers: dict[str, bool | str] = dict(carried_answers(rules, lobby))
    for sid in lobby.observations:
        item = _HANDOFF_LOOKS.get(sid)
        if item in counter_items:
            answers[item] = True
    said: dict[str, str] = {}
    lobby_said = " ".join(a.said for a in lobby.answers if a.said).strip()
    if lobby.purpose_text or lobby_said:
        said["purpose"] = lobby_said or lobby.purpose_text
    amount = f"{lobby.amount_fen / 100:.2f}" if lobby.amount_fen else ""
    return CaseState(
        channel="counter",
        staff_id=staff_id,
        staff_role=staff_role,
        amount=amount,
        customer_age=lobby.customer_age,
        customer_sex=lobby.customer_sex,
        customer_ref=lobby.customer_ref,
        customer_name_masked=lobby.customer_name_masked,
        payee_name_masked=lobby.payee_name_masked,
        payee_account_masked=lobby.payee_account_masked,
        payee_ref=lobby.payee_ref,
        answers=answers,
        said=said,
        handoff_from_uid=lobby.uid,
        handoff_level=lobby.level,
        handoff_score=lobby.score,
        handoff_staff=lobby.staff_id,
        handoff_signals=list(lobby.signals),
    )
