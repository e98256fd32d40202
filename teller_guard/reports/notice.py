"""The bespoke 《防范电信诈骗告知书》: built from one intervention record, written as an A4 PDF.

A boilerplate warning is weak evidence (ANCHORS.md A2), so every notice names what the teller
saw in *this* case: the signals that fired, the suspected fraud type and what it looks like,
the risk level and the branch's advice for it. The fixed text (三个必须做到, 六个一, 八个凡是)
comes from ``rules/notice.toml`` and is identified by its version and a hash.

Three steps, each usable alone:

* :func:`build_notice` turns rules + record into a :class:`NoticeDoc` (pure, no I/O);
* :func:`layout_notice` places that document on A4 pages as drawing operations;
* :func:`write_notice_pdf` paints the pages into a PDF.

Fonts (ECOSYSTEM.md §5): the PDF **embeds** a CJK TrueType font when one is found, so it
reads the same on any machine. ``TELLER_GUARD_PDF_FONT`` names a font file (``path`` or
``path#index`` for a collection); otherwise the well-known paths in :data:`FONT_CANDIDATES`
are tried in order (WenQuanYi Micro Hei first, as installed by Debian's
``fonts-wqy-microhei``). When none is found — or ``TELLER_GUARD_PDF_FONT=standard`` — the
PDF uses the standard Adobe-GB1 font ``STSong-Light`` (not embedded): every PDF reader with
Chinese support (Adobe Reader, poppler with ``poppler-data``, browsers) substitutes its own
宋体, but a reader without any CJK font shows empty boxes.

This module imports nothing from the UI or storage: the counter screen, the ``notice``
command and the read-only record view all call it.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from teller_guard.core.money import format_yuan
from teller_guard.core.notice_text import notice_text_hash
from teller_guard.core.records import AcknowledgementRecord, InterventionRecord
from teller_guard.core.rules import RuleSet
from teller_guard.core.vocabulary import ACK_LABELS
from teller_guard.files import write_atomic

FONT_ENV = "TELLER_GUARD_PDF_FONT"
"""Environment variable naming the CJK font to embed (``path``, ``path#index`` or ``standard``)."""

STANDARD_FONT = "STSong-Light"
"""The non-embedded Adobe-GB1 font used when no CJK font file is available."""

FONT_CANDIDATES: tuple[tuple[str, int, str], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0, "WenQuanYi Micro Hei"),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, "WenQuanYi Zen Hei"),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2, "Noto Sans CJK SC"),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2, "Noto Serif CJK SC"),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0, "AR PL UMing"),
    ("C:/Windows/Fonts/simsun.ttc", 0, "SimSun"),
    ("C:/Windows/Fonts/msyh.ttc", 0, "Microsoft YaHei"),
)
"""Well-known CJK font files, tried in order: (path, index in the collection, name).
Noto CJK collections hold JP first; index 2 is Simplified Chinese."""


class NoticeFontError(Exception):
    """``TELLER_GUARD_PDF_FONT`` names a font that cannot be used."""


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
) -> NoticeDoc:
    """Word the bespoke notice for one intervention.

    Args:
        rules: the rules in force (notice text, levels, typologies, branch).
        record: the case as assessed (a provisional record is fine: the decision and the
            acknowledgement are not printed and not part of ``case_hash``).
        serial: the notice serial (``<branch>-<YYYYMMDD>-<nnnn>`` or ``PREVIEW-…``).
        issued_at: when the notice is printed (aware; shown in the branch's time zone).
        tz: the branch's time zone.
        preview: mark the notice as a sample not to be signed.

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

    typologies: list[NoticeTypology] = []
    for ref in record.typologies:
        t = rules.typologies.get(ref.id)
        if t is None:  # the rules changed since the case was assessed: print what was logged
            typologies.append(NoticeTypology(label=ref.label, description="", script=()))
        else:
            typologies.append(
                NoticeTypology(label=t.label, description=t.description, script=tuple(t.script), auto_stop=t.auto_stop)
            )

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
        signals=tuple(NoticeSignal(label=s.label, reason=s.reason) for s in record.signals),
        typologies=tuple(typologies),
        advice=n.level_advice[record.level],
        intro=tuple(n.intro),
        musts=tuple(n.musts),
        six_ones=tuple(_strip_end(x) for x in n.six_ones),
        eight_whenever=tuple(_strip_end(x) for x in n.eight_whenever),
        closing=n.closing,
        declaration=tuple(n.declaration),
        notice_version=n.version,
        notice_text_hash=notice_text_hash(rules),
        rules_version=record.rules_version,
        record_uid=record.uid,
        case_hash=record.case_hash()[:12],
    )


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


# ---------------------------------------------------------------- fonts


@dataclass(frozen=True)
class NoticeFont:
    """The font a notice is written with."""

    name: str
    path: Path | None
    """``None`` for the standard, non-embedded ``STSong-Light``."""
    index: int = 0

    @property
    def embedded(self) -> bool:
        return self.path is not None


def find_cjk_font(env: Mapping[str, str] | None = None) -> NoticeFont:
    """Choose the notice font: the override, else the first well-known CJK font found, else standard.

    Raises:
        NoticeFontError: ``TELLER_GUARD_PDF_FONT`` names a file that does not exist.
    """
    env = os.environ if env is None else env
    override = env.get(FONT_ENV, "").strip()
    if override.lower() == "standard":
        return NoticeFont(STANDARD_FONT, None)
    if override:
        raw, _, idx = override.partition("#")
        path = Path(raw).expanduser()
        if not path.is_file():
            raise NoticeFontError(f"{FONT_ENV}: no such font file: {raw}")
        try:
            index = int(idx) if idx else 0
        except ValueError:
            raise NoticeFontError(f"{FONT_ENV}: collection index must be a number: {idx!r}") from None
        return NoticeFont(path.stem, path, index)
    for raw, index, name in FONT_CANDIDATES:
        if Path(raw).is_file():
            return NoticeFont(name, Path(raw), index)
    return NoticeFont(STANDARD_FONT, None)


# ---------------------------------------------------------------- layout

PAGE_W, PAGE_H = 210.0, 297.0  # A4, millimetres
MARGIN = 16.0
FOOTER_H = 12.0
PT = 25.4 / 72  # one point in millimetres

Colour = tuple[int, int, int]
BLACK: Colour = (0, 0, 0)
GREY: Colour = (90, 90, 90)
WHITE: Colour = (255, 255, 255)

LEVEL_COLOURS: dict[str, tuple[Colour, Colour]] = {
    "low": ((225, 242, 228), (30, 110, 50)),
    "medium": ((255, 243, 205), (140, 95, 0)),
    "high": ((250, 222, 200), (170, 70, 0)),
    "critical": ((200, 20, 30), WHITE),
}
"""Banner (background, text) per level; the level word is always printed, colour is never the only cue."""


@dataclass(frozen=True)
class TextOp:
    x: float
    y: float
    """Baseline, millimetres from the top."""
    text: str
    size: float
    colour: Colour = BLACK
    bold: bool = False


@dataclass(frozen=True)
class RectOp:
    x: float
    y: float
    w: float
    h: float
    fill: Colour | None = None
    stroke: Colour | None = None


@dataclass(frozen=True)
class LineOp:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: Colour = GREY


Op = TextOp | RectOp | LineOp
Measure = Callable[[str, float], float]
"""Width in millimetres of ``text`` at ``size`` points."""

_NO_LINE_START = set("，。；：、）》”’！？,.;:)!?")


def standard_measure(text: str, size: float) -> float:
    """Widths for ``STSong-Light`` as this module declares them: ASCII half an em, the rest one em."""
    ems = sum(0.5 if " " <= ch <= "~" else 1.0 for ch in text)
    return ems * size * PT


def wrap(text: str, size: float, width: float, measure: Measure) -> list[str]:
    """Break ``text`` into lines no wider than ``width``.

    Chinese breaks between any two characters, except that closing punctuation never starts a
    line; runs of ASCII letters and digits (serials, amounts) are kept whole when they fit.
    """
    lines: list[str] = []
    line = ""
    tokens: list[str] = []
    for ch in text:
        if tokens and ch.isascii() and ch.isalnum() and tokens[-1][-1:].isascii() and tokens[-1][-1:].isalnum():
            tokens[-1] += ch
        else:
            tokens.append(ch)
    for tok in tokens:
        candidate = line + tok
        if not line or measure(candidate, size) <= width or (tok in _NO_LINE_START and len(tok) == 1):
            line = candidate
            continue
        lines.append(line.rstrip())
        line = tok.lstrip()
        while measure(line, size) > width and len(line) > 1:  # a token longer than the line
            cut = len(line)
            while cut > 1 and measure(line[:cut], size) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line:
        lines.append(line.rstrip())
    return lines or [""]


@dataclass
class _Pager:
    measure: Measure
    pages: list[list[Op]] = field(default_factory=lambda: [[]])
    y: float = MARGIN

    @property
    def ops(self) -> list[Op]:
        return self.pages[-1]

    def room(self, height: float) -> None:
        """Start a new page unless ``height`` more millimetres fit above the footer."""
        if self.y + height > PAGE_H - MARGIN - FOOTER_H:
            self.pages.append([])
            self.y = MARGIN

    def text(
        self,
        text: str,
        size: float,
        *,
        x: float = MARGIN,
        width: float = PAGE_W - 2 * MARGIN,
        colour: Colour = BLACK,
        bold: bool = False,
        indent: str = "",
        gap: float = 1.2,
    ) -> None:
        """Wrapped text from the cursor; continuation lines hang under ``indent``."""
        lead = size * PT * 1.45
        hang = self.measure(indent, size) if indent else 0.0
        lines = wrap(indent + text, size, width, self.measure)
        for i, line in enumerate(lines):
            self.room(lead)
            dx = hang if i and indent else 0.0
            self.ops.append(TextOp(x + dx, self.y + size * PT * 1.05, line, size, colour, bold))
            self.y += lead
        self.y += gap

    def heading(self, text: str, size: float = 12.5) -> None:
        self.room(size * PT * 3.5)  # keep a heading with its first line
        self.y += 1.5
        self.text(text, size, bold=True, gap=0.8)

    def banner(self, lines: Sequence[tuple[str, float, bool]], fill: Colour, colour: Colour) -> None:
        """A filled box holding the bespoke verdict."""
        pad = 3.5
        width = PAGE_W - 2 * MARGIN - 2 * pad
        wrapped = [(wrap(t, s, width, self.measure), s, b) for t, s, b in lines]
        height = sum(len(ls) * s * PT * 1.45 for ls, s, _ in wrapped) + 2 * pad
        self.room(height)
        self.ops.append(RectOp(MARGIN, self.y, PAGE_W - 2 * MARGIN, height, fill=fill))
        y = self.y + pad
        for ls, s, b in wrapped:
            for line in ls:
                self.ops.append(TextOp(MARGIN + pad, y + s * PT * 1.05, line, s, colour, b))
                y += s * PT * 1.45
        self.y += height + 3


def _bare(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def layout_notice(doc: NoticeDoc, measure: Measure) -> list[list[Op]]:
    """Place the notice on A4 pages; returns one list of drawing operations per page."""
    p = _Pager(measure)
    full = PAGE_W - 2 * MARGIN

    # Title block
    title = f"《{doc.title}》"
    p.ops.append(TextOp((PAGE_W - measure(title, 19)) / 2, p.y + 19 * PT, title, 19, bold=True))
    p.y += 19 * PT * 1.7
    if doc.preview:
        mark = "样张 · 预览用，不作签署"
        p.ops.append(TextOp((PAGE_W - measure(mark, 10)) / 2, p.y + 10 * PT, mark, 10, (200, 20, 30), True))
        p.y += 10 * PT * 1.6
    p.ops.append(TextOp(MARGIN, p.y + 9.5 * PT, f"{doc.branch_name}（{doc.branch_code}）", 9.5, GREY))
    serial = f"编号：{doc.serial}"
    p.ops.append(TextOp(PAGE_W - MARGIN - measure(serial, 10), p.y + 10 * PT, serial, 10, bold=True))
    p.y += 10 * PT * 1.6
    p.ops.append(LineOp(MARGIN, p.y, PAGE_W - MARGIN, p.y, BLACK))
    p.y += 2.5

    # The transfer, two columns
    facts = [
        ("日期", doc.issued_local),
        ("网点", doc.branch_name),
        ("客户", doc.customer),
        ("金额", doc.amount),
        ("收款人", doc.payee),
        ("风险等级", doc.level_word),
    ]
    col = full / 2
    for i in range(0, len(facts), 2):
        for j, (k, v) in enumerate(facts[i : i + 2]):
            p.ops.append(TextOp(MARGIN + j * col, p.y + 10.5 * PT, f"{k}：", 10.5, GREY))
            p.ops.append(
                TextOp(MARGIN + j * col + measure("风险等级：", 10.5), p.y + 10.5 * PT, v, 10.5, bold=k == "风险等级")
            )
        p.y += 10.5 * PT * 1.6
    p.y += 2

    # The bespoke verdict: what this notice is about, in one glance
    fill, ink = LEVEL_COLOURS.get(doc.level, LEVEL_COLOURS["medium"])
    if doc.typologies:
        t = doc.typologies[0]
        others = "、".join(x.label for x in doc.typologies[1:])
        lines = [
            (
                f"【{doc.level_word}】本行判断：您这笔转账疑似「{t.label}」"
                + ("" if t.label.endswith("诈骗") else "诈骗"),
                14,
                True,
            ),
            (t.description, 12.5, True),
        ]
        if others:
            lines.append((f"同时疑似：{others}", 11, False))
        lines.append((f"本行建议：{doc.advice}", 11, False))
    elif doc.signals:
        lines = [
            (f"【{doc.level_word}】本行工作人员在本次转账中注意到 {len(doc.signals)} 项风险提示", 13, True),
            (f"本行建议：{doc.advice}", 11, False),
        ]
    else:
        lines = [
            (f"【{doc.level_word}】本次转账未发现明显风险信号", 13, True),
            (f"本行建议：{doc.advice}", 11, False),
        ]
    p.banner(lines, fill, ink)

    # 一、signals
    p.heading("一、本行工作人员在本次业务中注意到")
    if doc.signals:
        for i, s in enumerate(doc.signals, 1):
            p.text(s.reason, 10.5, indent=f"{i}. ")
    else:
        p.text("未发现需要特别提示的风险信号。以下防骗要点仍请您阅读并牢记。", 10.5, colour=GREY)

    # 二、suspected fraud types
    number = iter("二三四五")
    if doc.typologies:
        p.heading(f"{next(number)}、疑似诈骗类型：这类骗局是这样的")
        for t in doc.typologies:
            p.text(f"「{t.label}」" + ("：一律是诈骗，本行已停止办理" if t.auto_stop else ""), 11, bold=True, gap=0.4)
            if t.description:
                p.text(t.description, 10.5, indent="    ", gap=0.4)
            for line in t.script:
                if _bare(line) != _bare(t.description):  # the script often opens with the same 凡是 line
                    p.text(line, 10.5, indent="    · ", gap=0.4)
            p.y += 1

    # Fixed text
    p.heading(f"{next(number)}、请您牢记")
    for line in doc.intro:
        p.text(line, 9.5)
    p.text("三个必须做到：", 10, bold=True, gap=0.3)
    for i, line in enumerate(doc.musts, 1):
        p.text(line, 9.5, indent=f"{i}. ", gap=0.3)
    p.text("六个一：", 10, bold=True, gap=0.3)
    p.text("；".join(doc.six_ones) + "。", 9.5, indent="    ")
    p.text("八个凡是（凡是以下情形，都是诈骗）：", 10, bold=True, gap=0.3)
    for i in range(0, len(doc.eight_whenever), 2):
        for j, line in enumerate(doc.eight_whenever[i : i + 2]):
            short = line.removeprefix("凡是").removesuffix("，都是诈骗").removesuffix("的")
            p.room(9.5 * PT * 1.5)
            p.ops.append(TextOp(MARGIN + 4 + j * full / 2, p.y + 9.5 * PT, f"· 凡是{short}", 9.5))
        p.y += 9.5 * PT * 1.5
    p.y += 1.5
    p.banner([(doc.closing, 11, True)], (235, 235, 235), BLACK)

    # Declaration and signature lines
    p.room(52)
    p.heading("客户声明")
    for line in doc.declaration:
        p.text(line, 10.5, indent="□ ", gap=0.6)
    p.y += 5
    p.ops.append(TextOp(MARGIN, p.y + 11 * PT, "客户签字：", 11))
    p.ops.append(LineOp(MARGIN + measure("客户签字：", 11), p.y + 11 * PT + 1, MARGIN + 85, p.y + 11 * PT + 1))
    p.ops.append(TextOp(MARGIN + 95, p.y + 11 * PT, "日期：      年    月    日", 11))
    p.y += 11
    p.ops.append(TextOp(MARGIN, p.y + 11 * PT, "经办柜员：", 11))
    p.ops.append(LineOp(MARGIN + measure("经办柜员：", 11), p.y + 11 * PT + 1, MARGIN + 85, p.y + 11 * PT + 1))
    p.ops.append(TextOp(MARGIN + 95, p.y + 11 * PT, "本告知书一式两份，客户与网点各留存一份。", 9, GREY))
    p.y += 8

    # Footer on every page: serial, versions, record and case hash
    total = len(p.pages)
    for n, ops in enumerate(p.pages, 1):
        y = PAGE_H - MARGIN - FOOTER_H + 4
        ops.append(LineOp(MARGIN, y, PAGE_W - MARGIN, y))
        first, second = doc.footer()
        footer_lines = [*wrap(first, 7.5, full, measure), *wrap(f"{second}    第 {n}/{total} 页", 7.5, full, measure)]
        for row, line in enumerate(footer_lines):
            ops.append(TextOp(MARGIN, y + 3.5 + row * 3.4, line, 7.5, GREY))
    return p.pages


# ---------------------------------------------------------------- painting


def _fpdf_bytes(doc: NoticeDoc, font: NoticeFont, created: datetime | None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(f"{doc.title} {doc.serial}")
    pdf.set_creator("teller_guard")
    if created is not None:
        pdf.set_creation_date(created)
    pdf.add_font("zh", "", str(font.path), collection_font_number=font.index)

    def measure(text: str, size: float) -> float:
        pdf.set_font("zh", size=size)
        return float(pdf.get_string_width(text))

    for ops in layout_notice(doc, measure):
        pdf.add_page()
        for op in ops:
            if isinstance(op, RectOp):
                if op.fill:
                    pdf.set_fill_color(*op.fill)
                if op.stroke:
                    pdf.set_draw_color(*op.stroke)
                style = ("F" if op.fill else "") + ("D" if op.stroke else "")
                pdf.rect(op.x, op.y, op.w, op.h, style=style or "D")
            elif isinstance(op, LineOp):
                pdf.set_draw_color(*op.colour)
                pdf.set_line_width(0.3)
                pdf.line(op.x1, op.y1, op.x2, op.y2)
            else:
                pdf.set_font("zh", size=op.size)
                pdf.set_text_color(*op.colour)
                if op.bold:
                    # The CJK fonts ship one weight: bold is fill plus a thin outline. The text
                    # render mode is graphics state, so it is scoped (q … Q) or it leaks onward.
                    with pdf.local_context(text_mode="FILL_STROKE", line_width=0.18, draw_color=op.colour):
                        pdf.text(op.x, op.y, op.text)
                else:
                    pdf.text(op.x, op.y, op.text)
    return bytes(pdf.output())


def _pdf_string(text: str) -> str:
    # ASCII-only info strings; Chinese goes in as UTF-16BE hex.
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


_STANDARD_SUBSTITUTES = {0x00B7: 0x30FB, 0x2022: 0x30FB}
"""Characters UniGB-UCS2-H has no glyph for (the middle dot, the bullet) → one it has (・)."""


def _standard_bytes(doc: NoticeDoc) -> bytes:
    """A small hand-written PDF using the standard, non-embedded ``STSong-Light`` (UniGB-UCS2-H)."""
    k = 72 / 25.4

    def rgb(c: Colour) -> str:
        return " ".join(f"{v / 255:.3f}" for v in c)

    pages = layout_notice(doc, standard_measure)
    objects: list[bytes] = []

    def add(body: str | bytes) -> int:
        objects.append(body.encode("latin-1") if isinstance(body, str) else body)
        return len(objects)

    catalog = add("")  # filled in once the pages are known
    pages_id = add("")
    font_id = add(
        f"<< /Type /Font /Subtype /Type0 /BaseFont /{STANDARD_FONT} /Encoding /UniGB-UCS2-H "
        f"/DescendantFonts [{len(objects) + 2} 0 R] >>"
    )
    add(
        f"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /{STANDARD_FONT} "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
        f"/FontDescriptor {len(objects) + 2} 0 R /DW 1000 /W [1 95 500] >>"
    )
    add(
        f"<< /Type /FontDescriptor /FontName /{STANDARD_FONT} /Flags 6 /FontBBox [-25 -254 1000 880] "
        "/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"
    )
    kids: list[int] = []
    for ops in pages:
        out: list[str] = []
        for op in ops:
            if isinstance(op, RectOp):
                y = (PAGE_H - op.y - op.h) * k
                paint = "f" if op.fill and not op.stroke else ("B" if op.fill else "S")
                if op.fill:
                    out.append(f"{rgb(op.fill)} rg")
                if op.stroke:
                    out.append(f"{rgb(op.stroke)} RG")
                out.append(f"{op.x * k:.2f} {y:.2f} {op.w * k:.2f} {op.h * k:.2f} re {paint}")
            elif isinstance(op, LineOp):
                out.append(
                    f"{rgb(op.colour)} RG 0.85 w {op.x1 * k:.2f} {(PAGE_H - op.y1) * k:.2f} m "
                    f"{op.x2 * k:.2f} {(PAGE_H - op.y2) * k:.2f} l S"
                )
            else:
                text = op.text.translate(_STANDARD_SUBSTITUTES)
                hexed = text.encode("utf-16-be", errors="replace").hex().upper()
                mode = f"2 Tr {rgb(op.colour)} RG 0.5 w" if op.bold else "0 Tr"
                out.append(
                    f"BT /F1 {op.size:.2f} Tf {rgb(op.colour)} rg {mode} "
                    f"{op.x * k:.2f} {(PAGE_H - op.y) * k:.2f} Td <{hexed}> Tj ET"
                )
        stream = zlib.compress("\n".join(out).encode("latin-1"))
        content = add(f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode() + stream + b"\nendstream")
        kids.append(
            add(
                f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {PAGE_W * k:.2f} {PAGE_H * k:.2f}] "
                f"/Resources << /Font << /F1 {font_id} 0 R >> >> /Contents {content} 0 R >>"
            )
        )
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode()
    objects[pages_id - 1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{i} 0 R' for i in kids)}] /Count {len(kids)} >>".encode()
    )
    info = add(f"<< /Title {_pdf_string(doc.title + ' ' + doc.serial)} /Creator (teller_guard) >>")

    buf = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(buf))
        buf += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(buf)
    buf += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        buf += f"{off:010d} 00000 n \n".encode()
    buf += (
        f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R /Info {info} 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(buf)


def write_notice_pdf(
    doc: NoticeDoc, path: str | Path, *, font: NoticeFont | None = None, created: datetime | None = None
) -> Path:
    """Write the notice as an A4 PDF at ``path`` (atomically) and return the path.

    Args:
        doc: the worded notice.
        path: where to write; parent folders are created.
        font: the font to use; default :func:`find_cjk_font`.
        created: the PDF creation date (the issue time, so a re-print is byte-identical).

    Raises:
        NoticeFontError: ``TELLER_GUARD_PDF_FONT`` names a missing file.
        OSError: the file cannot be written.
    """
    font = font or find_cjk_font()
    data = _fpdf_bytes(doc, font, created) if font.embedded else _standard_bytes(doc)
    return write_atomic(Path(path), data)
