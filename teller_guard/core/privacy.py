"""Personal data out of free text, and text made safe for a terminal: the one scrubber.

:func:`scrub` is applied to free text (the customer's words, notes, refusal words, correction
reasons) before it is written to the database, drafts included, and again by exports and
notices. It replaces

- ID numbers (居民身份证: 18 characters, the last a digit or X, or the old 15 digits; with or
  without spaces or hyphens) by ``[证件号]``;
- mobile numbers (11 digits starting 1[3-9], optionally ``+86``/``86`` first, with or without
  separators) by the first three and last four digits: ``138****5678``;
- landline numbers (``0`` + area code + 7–8 digits, with or without a hyphen) by
  ``0xx****1234``: area code kept, the last four digits kept;
- any other run of 8 or more digits, separators allowed (card and account numbers) by
  ``****1234`` (the last four);
- on export and notices, a name after a cue (我叫, 姓名 …) by its masked form (张*).

Shorter digit runs (amounts, dates written 2026-01-05, ages) are left alone. Scrubbing is
idempotent: scrubbed text scrubs to itself.

:func:`safe_line` makes any text one printable line for a terminal: control characters
(escape sequences included) are shown as ``\\xNN`` and Rich markup brackets are escaped, so a
customer's words or a tampered record can never drive the terminal.
"""

from __future__ import annotations

import re

_SEP = r"[ \t\-\u3000]?"
_DIGIT_RUN = re.compile(r"(?<![0-9])(?:\+?86" + _SEP + r")?\d(?:" + _SEP + r"\d){7,}(?:" + _SEP + r"[Xx])?(?![0-9])")
_SEPARATORS = re.compile(r"[\s\-\u3000+]")
_NAME_CUE = re.compile(r"([我他她人]叫|名叫|叫做|姓名[是为:：]?|名字[是叫][:：]?|本人)\s*([\u4e00-\u9fff·]{2,4})")
_TRIGGER = re.compile(r"\d|叫|姓名|名字|本人|[\x00-\x1f\x7f\u2028\u2029]")
CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0[1-9]\d{1,2}\d{7,8}")
_ID18 = re.compile(r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]")
_ID15 = re.compile(r"[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}")

ID_MASK = "[证件号]"


def _mask_name(name: str) -> str:
    return name[0] + "*" * (len(name) - 1)


_DATE = re.compile(r"(?:19|20)\d\d([-/.])(?:0[1-9]|1[0-2])\1(?:0[1-9]|[12]\d|3[01])")


def _digit_run(m: re.Match[str]) -> str:
    if _DATE.fullmatch(m.group(0)):
        return m.group(0)  # a date written with separators, not a number
    compact = _SEPARATORS.sub("", m.group(0))
    if compact.startswith("86") and len(compact) == 13 and _MOBILE.fullmatch(compact[2:]):
        compact = compact[2:]
    if _ID18.fullmatch(compact) or _ID15.fullmatch(compact) or (len(compact) == 18 and compact[-1] in "Xx"):
        return ID_MASK
    if _MOBILE.fullmatch(compact):
        return f"{compact[:3]}****{compact[-4:]}"
    if _LANDLINE.fullmatch(compact) and len(compact) <= 12:
        area = 3 if compact[1] in "12" else 4
        return f"{compact[:area]}****{compact[-4:]}"
    if len(compact) in (15, 18) and compact[:-1].isdigit():
        return ID_MASK
    return "****" + compact.rstrip("Xx")[-4:]


def scrub(text: str | None, *, one_line: bool = True, names: bool = True) -> str:
    """Free text without ID, phone, card or account numbers or a cued name (see the module).

    ``one_line``: control characters and line breaks become spaces (exports); ``False`` keeps
    line breaks (text stored as typed) but still drops other control characters. ``names``:
    also mask a name after a cue (exports and notices; storage keeps the words, whose cues
    also occur in ordinary sentences such as 亲人本人打电话).
    """
    if not text:
        return ""
    if _TRIGGER.search(text) is None:  # the common case: nothing to mask
        return text.strip() if one_line else text
    text = CONTROL.sub(" ", text) if one_line else re.sub(r"[\x00-\x09\x0b-\x1f\x7f\u2028\u2029]+", " ", text)
    text = _DIGIT_RUN.sub(_digit_run, text)
    if names:
        text = _NAME_CUE.sub(lambda m: m.group(1) + _mask_name(m.group(2)), text)
    return text.strip() if one_line else text


def has_personal_numbers(text: str) -> bool:
    """Whether ``text`` still holds something :func:`scrub` would mask (a digit run of 8+)."""
    return any(m.group(0) != _digit_run(m) for m in _DIGIT_RUN.finditer(text))


def safe_line(text: str, *, rich: bool = False) -> str:
    """``text`` as one printable line: control characters shown as ``\\xNN``; with ``rich``,
    ``[`` escaped too, for text printed through Rich."""
    out = CONTROL.sub(lambda m: "".join(f"\\x{ord(c):02x}" for c in m.group(0)), text)
    return out.replace("[", "\\[") if rich else out
