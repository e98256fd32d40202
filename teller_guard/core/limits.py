"""Limits on what the app accepts from people and machines, checked before the work starts.

Every value that comes in (an amount typed at the counter, a JSON document for ``assess``, a
date, a text field) is checked here against a bound the branch can name, so that a slip of the
finger or a hostile file gets one clear line instead of a hang, a traceback or a wrong record.
Each check raises :class:`InputError` naming the field; nothing here imports more than core.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from teller_guard.core.errors import InputError

MAX_AMOUNT_YUAN = Decimal("100000000")
"""The largest amount a counter or lobby case may carry: ¥100,000,000 (policy). A larger
transfer is not a personal remittance the checklists are written for, and a typo of a few
extra digits must not reach the log or the statistics."""

MAX_AMOUNT_CHARS = 32
"""An amount as typed (with separators, ¥ and 元) is never longer than this."""

MAX_JSON_BYTES = 1_000_000
"""An ``assess`` / ``notice`` input document: 1 MB at most (one case is a few hundred bytes)."""

MAX_JSON_DEPTH = 16
"""Objects and arrays nested deeper than this are refused before parsing (the input is 3 deep)."""

MAX_JSON_NUMBER_CHARS = 40
"""A JSON number longer than this is refused before it is converted (no 5,000-digit integers)."""

MAX_TEXT_CHARS = 2_000
"""One text field (what the customer said, a note): a long conversation fits, a file does not."""

MAX_LIST_ITEMS = 200
"""Observations, earlier purposes, answers: a case never has more."""

EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2099, 12, 31)
"""Dates a case may carry (``date`` in the JSON input, months in reports)."""


class AmountTooLarge(InputError):
    """An amount above :data:`MAX_AMOUNT_YUAN` (the UI words this one in Chinese)."""


def amount_limit_label() -> str:
    """``¥100,000,000.00``: the limit as people read it."""
    return f"¥{MAX_AMOUNT_YUAN:,.2f}"


def check_amount_text(text: str, field: str = "amount") -> str:
    """Refuse amount text that no one could mean: too long, an exponent, inf/nan.

    Returns the text with separators, ``¥`` and ``元`` removed, ready for :class:`Decimal`.
    """
    if len(text) > MAX_AMOUNT_CHARS:
        raise InputError(field, f"too long for an amount ({len(text)} characters; at most {MAX_AMOUNT_CHARS})")
    cleaned = text.strip().replace(",", "").replace("，", "").replace("¥", "").replace("元", "")
    if any(c in cleaned for c in "eE"):
        raise InputError(field, f"write the amount in plain figures, not with an exponent: {text!r}")
    if any(c.isalpha() for c in cleaned):
        raise InputError(field, f"not a number: {text!r}")
    return cleaned


def check_amount(amount: Decimal, field: str = "amount") -> Decimal:
    """Refuse non-finite, negative and over-limit amounts (exactly, before any rounding)."""
    if not amount.is_finite():
        raise InputError(field, "must be a finite number")
    if amount.is_signed() and amount != 0:
        raise InputError(field, "must not be negative")
    if amount.adjusted() > MAX_AMOUNT_YUAN.adjusted() or amount > MAX_AMOUNT_YUAN:
        raise AmountTooLarge(field, f"above the limit of {amount_limit_label()} for one case")
    return amount


def check_date(value: date, field: str = "date") -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise InputError(field, f"out of range (from {EARLIEST_DATE} to {LATEST_DATE})")
    return value


def check_text(value: str, field: str, *, limit: int = MAX_TEXT_CHARS) -> str:
    """Refuse text that is too long or not valid Unicode (a lone surrogate cannot be stored or printed)."""
    if len(value) > limit:
        raise InputError(field, f"too long ({len(value):,} characters; at most {limit:,})")
    bad = first_surrogate(value)
    if bad is not None:
        raise InputError(field, f"contains an invalid character (lone surrogate U+{ord(bad):04X})")
    if "\x00" in value:
        raise InputError(field, "contains a NUL character")
    return value


def first_surrogate(value: str) -> str | None:
    """The first lone surrogate in ``value`` (text that cannot be encoded as UTF-8), or None."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return value[exc.start]
    return None


def check_json_document(text: str, field: str = "input") -> None:
    """Size and nesting depth of a JSON document, checked in one linear pass before parsing.

    ``json.loads`` recurses once per level (a deeply nested document raises RecursionError)
    and converts every integer literal however long; both are bounded here first.
    """
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_JSON_BYTES:
        raise InputError(field, f"too large ({size:,} bytes; at most {MAX_JSON_BYTES:,})")
    depth = 0
    in_string = False
    escaped = False
    number = 0
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch in "0123456789+-.eE":
            number += 1
            if number > MAX_JSON_NUMBER_CHARS:
                raise InputError(field, f"a number longer than {MAX_JSON_NUMBER_CHARS} characters")
            continue
        number = 0
        if ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise InputError(field, f"nested more than {MAX_JSON_DEPTH} levels deep")
        elif ch in "]}":
            depth -= 1


def amount_problem_zh(exc: InputError) -> str:
    """What a teller reads under an amount field that was refused."""
    if isinstance(exc, AmountTooLarge):
        return f"金额超过单笔上限 {amount_limit_label()}：请核对金额（是否多打了位数）"
    return "金额格式不对：请输入元，最多两位小数"
