"""居民身份证号码 (GB 11643-1999): checksum, birth date, age, sex, and masking.

The full number is never kept: the engine derives the age and sex from it, and storage
keeps only a keyed hash (for repeat-visit checks), so nothing stored can rebuild it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date

from teller_guard.core.errors import InputError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CODES = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")


@dataclass(frozen=True)
class IdFacts:
    """What teller_guard keeps from an ID number: never the number itself."""

    birth_date: date
    sex: str
    """``"M"`` or ``"F"`` (the 17th digit: odd is male)."""


def check_digit(first17: str) -> str:
    """Return the GB 11643 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CODES[total % 11]


def normalise_id(raw: str) -> str:
    """Strip spaces and upper-case a trailing x."""
    return re.sub(r"\s+", "", raw).upper()


def parse_id_number(raw: str, field: str = "customer.id_number", today: date | None = None) -> IdFacts:
    """Validate an 18-digit ID number and return its birth date and sex.

    Raises:
        InputError: wrong length or characters, a wrong check digit, an impossible birth
            date, or a birth date after ``today``.
    """
    number = normalise_id(raw)
    if not _ID_RE.match(number):
        raise InputError(field, "must be an 18-character 居民身份证号码 (17 digits and a digit or X)")
    if check_digit(number[:17]) != number[17]:
        raise InputError(field, "wrong check digit (GB 11643); please re-read the ID card")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InputError(field, "contains an impossible birth date") from None
    if born.year < 1890 or (today is not None and born > today):
        raise InputError(field, "birth date is out of range")
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return IdFacts(birth_date=born, sex=sex)


def age_on(born: date, day: date) -> int:
    """Whole years from ``born`` to ``day`` (a 29 February birthday turns over on 1 March)."""
    years = day.year - born.year
    if (day.month, day.day) < (born.month, born.day):
        years -= 1
    return years


def mask_id(raw: str) -> str:
    """Show only the last four characters: ``**************123X``."""
    number = normalise_id(raw)
    return "*" * max(len(number) - 4, 0) + number[-4:]


def customer_ref(raw: str, secret: bytes) -> str:
    """A keyed hash of the ID number for repeat-visit checks.

    A plain hash of an ID number can be reversed by trying every birth date and region code,
    so the hash is keyed with the installation secret, which never leaves the data dir.
    """
    return hmac.new(secret, normalise_id(raw).encode(), hashlib.sha256).hexdigest()[:24]
