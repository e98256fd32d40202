"""Paint a worded notice (:class:`teller_guard.reports.notice.NoticeDoc`) as an A4 PDF.

The content — which signals, which fraud type, which fixed text — is decided by
:func:`teller_guard.reports.notice.build_notice`; this module only hands that document to
``templates/notice.typ`` and writes the file atomically.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from teller_guard.reports.pdf.fonts import CjkFont

if TYPE_CHECKING:
    from teller_guard.reports.notice import NoticeDoc

LEVEL_COLOURS: dict[str, tuple[str, str]] = {
    "low": ("#e1f2e4", "#1e6e32"),
    "medium": ("#fff3cd", "#8c5f00"),
    "high": ("#fadec8", "#aa4600"),
    "critical": ("#c8141e", "#ffffff"),
}
"""Banner (background, text) per level; the level word is always printed, colour is never the only cue."""


def _bare(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def _banner(doc: NoticeDoc) -> list[dict[str, Any]]:
    if doc.typologies:
        t = doc.typologies[0]
        lines = [
            (
                f"【{doc.level_word}】本行判断：您这笔转账疑似「{t.label}」"
                + ("" if t.label.endswith("诈骗") else "诈骗"),
                14,
                True,
            ),
            (t.description, 12.5, True),
        ]
        others = "、".join(x.label for x in doc.typologies[1:])
        if others:
            lines.append((f"同时疑似：{others}", 11, False))
    elif doc.signals:
        lines = [(f"【{doc.level_word}】本行工作人员在本次转账中注意到 {len(doc.signals)} 项风险提示", 13, True)]
    else:
        lines = [(f"【{doc.level_word}】本次转账未发现明显风险信号", 13, True)]
    if doc.kind != "take_home":  # a take-home notice says what the customer was told instead
        lines.append((f"本行建议：{doc.advice}", 11, False))
    return [{"text": text, "size": size, "bold": bold} for text, size, bold in lines if text]


def notice_data(doc: NoticeDoc) -> dict[str, Any]:
    """The document as the template reads it."""
    fill, ink = LEVEL_COLOURS.get(doc.level, LEVEL_COLOURS["medium"])
    data = asdict(doc)
    data["facts"] = [
        ("日期", doc.issued_local),
        ("网点", doc.branch_name),
        ("客户", doc.customer),
        ("金额", doc.amount),
        ("收款人", doc.payee),
        ("风险等级", doc.level_word),
    ]
    data["banner"] = {"fill": fill, "ink": ink, "lines": _banner(doc)}
    for t, raw in zip(data["typologies"], doc.typologies, strict=True):
        # The script often opens with the same 凡是 line as the description: print it once.
        t["script_lines"] = [line for line in raw.script if _bare(line) != _bare(raw.description)]
    data["six_ones_text"] = "；".join(doc.six_ones) + "。"
    data["eight_short"] = [
        line.removeprefix("凡是").removesuffix("，都是诈骗").removesuffix("的") for line in doc.eight_whenever
    ]
    data["footer"] = list(doc.footer())
    return data


def write_notice_pdf(
    doc: NoticeDoc, path: str | Path, *, font: CjkFont | None = None, created: datetime | None = None
) -> Path:
    """Write the notice as an A4 PDF at ``path`` (atomically) and return the path.

    Args:
        doc: the worded notice.
        path: where to write; parent folders are created.
        font: the font to embed; default :func:`teller_guard.reports.pdf.fonts.find_cjk_font`.
        created: the PDF creation date (the issue time, so a re-print is byte-identical).

    Raises:
        FontError: no CJK font, or ``TELLER_GUARD_PDF_FONT`` names a missing file.
        OSError: the file cannot be written.
    """
    from teller_guard.files import write_atomic
    from teller_guard.reports.pdf.render import render

    return write_atomic(Path(path), render("notice.typ", notice_data(doc), font=font, created=created))
