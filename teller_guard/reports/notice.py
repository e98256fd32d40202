"""The bespoke 《防范电信诈骗告知书》: built from one intervention record, written as an A4 PDF.

A boilerplate warning is weak evidence (ANCHORS.md A2), so every notice names what the teller
saw in *this* case: the signals that fired, the suspected fraud type and what it looks like,
the risk level and the branch's advice for it. The fixed text (三个必须做到, 六个一, 八个凡是)
comes from ``rules/notice.toml`` and is identified by its version and a hash.

Two steps, each usable alone:

* :func:`build_notice` turns rules + record into a :class:`NoticeDoc` (pure, no I/O) — the
  notice's *content*;
* :func:`teller_guard.reports.pdf.notice_pdf.write_notice_pdf` paints it with the Typst
  template ``reports/pdf/templates/notice.typ`` — the notice's *rendering*.

Fonts (ECOSYSTEM.md §5): the PDF always **embeds** a CJK font
(:mod:`teller_guard.reports.pdf.fonts`: ``TELLER_GUARD_PDF_FONT`` or a well-known font such as
Debian's ``fonts-wqy-microhei``); without one no notice is written and the error says what to
install.

This module imports nothing from the UI or storage: the counter screen, the ``notice``
command and the read-only record view all call it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from teller_guard.core.models import FiredSignal
from teller_guard.core.money import format_yuan
from teller_guard.core.notice_text import notice_text_hash
from teller_guard.core.records import AcknowledgementRecord, InterventionRecord
from teller_guard.core.rules import RuleSet
from teller_guard.core.scoring import FACT_EVIDENCE, OBSERVED_BY
from teller_guard.core.vocabulary import ACK_LABELS

SIGN = "sign"
"""A notice the customer signs before the money leaves: it warns and asks for the signature."""
TAKE_HOME = "take_home"
"""A notice the customer takes home when the transfer did not go ahead: what they were told,
where to get help; nothing to declare, nothing to sign."""
TAKE_HOME_GROUPS = ("deferred", "dissuaded", "police")
"""Decision groups after which the money stays: their notice is a take-home notice."""
STAFF_EVIDENCE = frozenset({*OBSERVED_BY.values(), FACT_EVIDENCE})
"""Evidence that names who saw it (``柜员观察``) rather than what the customer said: staff-facing."""

# ---------------------------------------------------------------- the document


@dataclass(frozen=True)
class NoticeSignal:
    """One fired signal as the customer reads it."""

    label: str
    reason: str


@dataclass(frozen=True)
class NoticeTypology:
    """A suspected fraud type and what that fraud looks like."""

    label: str
    description: str
    """The 凡是…都是诈骗 line."""
    script: tuple[str, ...]
    auto_stop: bool = False


@dataclass(frozen=True)
class NoticeDoc:
    """Everything printed on one notice, already worded in Chinese (no rules lookups left)."""

    title: str
    serial: str
    preview: bool
    """A preview (``teller-guard notice``) is marked 样张 and is not for signing."""
    issued_local: str
    """Date and time in the branch's time zone, e.g. ``2026年11月25日 10:30``."""
    branch_name: str
    branch_code: str
    customer: str
    payee: str
    amount: str
    level: str
    level_word: str
    """``低风险`` / ``中风险`` / ``高风险`` / ``极高风险``."""
    score: int
    signals: tuple[NoticeSignal, ...]
    """What the staff noticed, in words for the customer (one line each, never twice)."""
    typologies: tuple[NoticeTypology, ...]
    advice: str
    intro: tuple[str, ...]
    musts: tuple[str, ...]
    six_ones: tuple[str, ...]
    eight_whenever: tuple[str, ...]
    closing: str
    declaration: tuple[str, ...]
    notice_version: str
    notice_text_hash: str
    rules_version: str
    record_uid: str
    case_hash: str
    """The first 12 hex digits of :meth:`InterventionRecord.case_hash`."""
    kind: str = SIGN
    """:data:`SIGN` or :data:`TAKE_HOME`."""
    outcome: str = ""
    """On a take-home notice: how the transfer ended (the decision's label)."""
    told: tuple[str, ...] = ()
    """On a take-home notice: what the customer was told."""
    help: tuple[str, ...] = ()
    """On a take-home notice: where to get help (110, 96110, the branch's phone)."""
    subtitle: str = ""
    reprint: bool = False
    """Written again from the logged record (the copy given to the customer was not kept): marked 补打."""

    def footer(self) -> tuple[str, str]:
        """The two lines that tie a paper copy to the logged record."""
        return (
            f"编号 {self.serial}    告知书文本 {self.notice_version}（摘要 {self.notice_text_hash[:8]}）    "
            f"规则版本 {self.rules_version}",
            f"记录 {self.record_uid}    校验码 {self.case_hash}",
        )


def _strip_end(line: str) -> str:
    return line.rstrip("；;。")


def build_notice(
    rules: RuleSet,
    record: InterventionRecord,
    *,
    serial: str,
    issued_at: datetime,
    tz: ZoneInfo | str = "Asia/Shanghai",
    preview: bool = False,
    decision: str | None = None,
    reprint: bool = False,
) -> NoticeDoc:
    """Word the bespoke notice for one intervention.

    The notice says what happened: before a transfer goes ahead (a proceed decision, or none
    yet) it warns and asks for the signature; after a deferral, a dissuasion or a police case
    it is a take-home notice — what the customer was told, where to get help — with no
    declaration to sign. Only customer-facing words are printed (a signal's ``notice`` or its
    reason without staff-only evidence), each line once.

    Args:
        rules: the rules in force (notice text, levels, typologies, branch).
        record: the case as assessed (a provisional record is fine: the decision and the
            acknowledgement are not printed and not part of ``case_hash``).
        serial: the notice serial (``<branch>-<YYYYMMDD>-<nnnn>`` or ``PREVIEW-…``).
        issued_at: when the notice is printed (aware; shown in the branch's time zone).
        tz: the branch's time zone.
        preview: mark the notice as a sample not to be signed.
        decision: the decision id the notice is printed for; default the record's own decision
            (none: a notice to sign).

    Raises:
        ValueError: ``issued_at`` is naive.
    """
    if issued_at.tzinfo is None:
        raise ValueError("issued_at must be timezone-aware")
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    local = issued_at.astimezone(zone)
    n = rules.notice
    level = rules.levels.get(record.level)
    level_word = f"{level.label if level else record.level}风险"

    customer = record.customer_name_masked or "（未登记姓名）"
    if record.customer_age is not None:
        customer += f"（{record.customer_age} 岁）"
    payee_parts = [p for p in (record.payee_name_masked, record.payee_account_masked) if p]
    payee = "  ".join(payee_parts) if payee_parts else "（未登记）"

    decision_id = decision or (record.decision.decision if record.decision else None)
    d = rules.decisions.get(decision_id) if decision_id else None
    group = d.group if d else (record.decision.group if record.decision else None)
    take_home = group in TAKE_HOME_GROUPS
    printed_typologies = {ref.id for ref in record.typologies if ref.id in rules.typologies}
    story_signals = {rules.typologies[t].signal for t in printed_typologies}

    typologies: list[NoticeTypology] = []
    for ref in record.typologies:
        t = rules.typologies.get(ref.id)
        if t is None:  # the rules changed since the case was assessed: print what was logged
            typologies.append(NoticeTypology(label=ref.label, description="", script=()))
        else:
            typologies.append(
                NoticeTypology(label=t.label, description=t.description, script=tuple(t.script), auto_stop=t.auto_stop)
            )

    told_by_group = {str(k): v for k, v in n.take_home.told.items()}  # keyed by the decision's group
    return NoticeDoc(
        title=n.title,
        serial=serial,
        preview=preview,
        issued_local=f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}",
        branch_name=rules.branch.name,
        branch_code=rules.branch.code,
        customer=customer,
        payee=payee,
        amount=format_yuan(record.amount_fen),
        level=record.level,
        level_word=level_word,
        score=record.score,
        signals=customer_signals(rules, record.signals, skip=story_signals),
        typologies=tuple(typologies),
        advice=(n.level_advice if take_home else n.proceed_advice)[record.level],
        intro=tuple(n.intro),
        musts=tuple(n.musts),
        six_ones=tuple(_strip_end(x) for x in n.six_ones),
        eight_whenever=tuple(_strip_end(x) for x in n.eight_whenever),
        closing=n.closing,
        declaration=() if take_home else tuple(n.declaration),
        notice_version=n.version,
        notice_text_hash=notice_text_hash(rules),
        rules_version=record.rules_version,
        record_uid=record.uid,
        case_hash=record.case_hash()[:12],
        kind=TAKE_HOME if take_home else SIGN,
        outcome=(d.label if d else record.decision.label if record.decision else "") if take_home else "",
        told=tuple(told_by_group.get(group, ())) if take_home and group else (),
        help=_help_lines(rules) if take_home else (),
        subtitle=n.take_home.title if take_home else "",
        reprint=reprint,
    )


def _help_lines(rules: RuleSet) -> tuple[str, ...]:
    lines = list(rules.notice.take_home.help)
    if rules.branch.phone:
        lines.append(f"{rules.branch.name}联系电话：{rules.branch.phone}")
    return tuple(lines)


def customer_line(rules: RuleSet, signal: FiredSignal) -> str:
    """One fired signal as the customer reads it: the signal's ``notice`` wording, or its reason
    with only the customer's own words as evidence (never ``柜员观察``, nor a checklist answer
    such as ``二看·对用途、收款人含糊其辞``, which is how staff name their own steps)."""
    sdef = rules.signals.get(signal.id)
    if sdef is not None and sdef.notice:
        return sdef.notice
    steps = {f"{i.step}·" for c in rules.checklists.values() for i in c.item}
    said = "；".join(
        e
        for e in signal.evidence.split("；")
        if e and e not in STAFF_EVIDENCE and not any(e.startswith(step) for step in steps)
    )
    if sdef is None:
        return signal.reason if said == signal.evidence else signal.label
    if said:
        return sdef.reason.format(evidence=said)
    return sdef.reason.replace("（{evidence}）", "").replace("{evidence}", "").format()


def customer_signals(
    rules: RuleSet, signals: Iterable[FiredSignal], *, skip: Iterable[str] = ()
) -> tuple[NoticeSignal, ...]:
    """The fired signals as notice lines: customer-facing, each line once, ``skip`` left out (the
    signals of a fraud type the notice explains in its own section)."""
    skipped = set(skip)
    seen: set[str] = set()
    out: list[NoticeSignal] = []
    for s in signals:
        if s.id in skipped:
            continue
        line = customer_line(rules, s)
        key = "".join(ch for ch in line if ch.isalnum())
        if key in seen:
            continue
        seen.add(key)
        out.append(NoticeSignal(label=s.label, reason=line))
    return tuple(out)


def issue_notice(
    rules: RuleSet,
    record: InterventionRecord,
    *,
    serial: str,
    issued_at: datetime,
    tz: ZoneInfo | str,
    folder: Path,
    decision: str | None = None,
    font: NoticeFont | None = None,
    reprint: bool = False,
) -> Path:
    """Word and write the notice of ``record`` as ``<folder>/<serial>.pdf`` (the counter's
    notices folder); a reprint with the same serial and issue time is the same document.

    Raises:
        FontError: no CJK font.
        OSError: the file cannot be written.
    """
    doc = build_notice(rules, record, serial=serial, issued_at=issued_at, tz=tz, decision=decision, reprint=reprint)
    return write_notice_pdf(doc, folder / f"{serial}.pdf", font=font, created=issued_at)


TAKE_HOME_KEY = "take_home_notice"
"""``InterventionRecord.extra`` key: the serial of the take-home notice the customer was given."""


# ---------------------------------------------------------------- acknowledgement, for other screens


def refusal_fact(ack: AcknowledgementRecord | None) -> str | None:
    """The risk fact a refusal to sign stands for, in Chinese; ``None`` unless the customer refused."""
    if ack is None or ack.method != "refused":
        return None
    why = f"（{ack.reason.strip()}）" if ack.reason and ack.reason.strip() else ""
    return f"客户拒绝在《防范电信诈骗告知书》上签字{why}：已被告知风险仍坚持转账，须重点关注"


def acknowledgement_lines(ack: AcknowledgementRecord | None, *, tz: ZoneInfo | str = "Asia/Shanghai") -> list[str]:
    """How the customer acknowledged the notice, as lines for a read-only view or a report.

    A missing acknowledgement is stated, never left blank.
    """
    if ack is None:
        return ["告知书：未记录签署情况"]
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    at = ack.at.astimezone(zone)
    method = ACK_LABELS.get(ack.method, ack.method)
    if ack.method == "screen" and ack.signer_masked:
        method += f"（签名：{ack.signer_masked}）"
    lines = [
        f"告知书编号：{ack.notice_serial}",
        f"签署情况：{method}",
        f"见证柜员：{ack.witness_staff_id}",
        f"时间：{at:%Y-%m-%d %H:%M}",
        f"告知书文本：{ack.notice_version}（摘要 {ack.notice_text_hash[:8]}）",
    ]
    if ack.supervisor_id:
        lines.append(f"复核主管：{ack.supervisor_id}")
    if ack.method == "override" and ack.reason:
        lines.append(f"放行理由：{ack.reason}")
    fact = refusal_fact(ack)
    if fact:
        lines.append(f"风险事实：{fact}")
    return lines


# ---------------------------------------------------------------- rendering (re-exported)

from teller_guard.reports.pdf.fonts import CjkFont as NoticeFont  # noqa: E402
from teller_guard.reports.pdf.fonts import FontError as NoticeFontError  # noqa: E402
from teller_guard.reports.pdf.fonts import find_cjk_font  # noqa: E402
from teller_guard.reports.pdf.notice_pdf import write_notice_pdf  # noqa: E402

__all__ = [
    "NoticeDoc",
    "NoticeFont",
    "NoticeFontError",
    "acknowledgement_lines",
    "build_notice",
    "find_cjk_font",
    "issue_notice",
    "notice_text_hash",
    "refusal_fact",
    "write_notice_pdf",
]
