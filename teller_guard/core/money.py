"""Exact money: amounts are Decimal yuan at the edges and integer fen inside."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from teller_guard.core.errors import InputError
from teller_guard.core.limits import check_amount, check_amount_text

FEN_PER_YUAN = 100


def parse_yuan(value: object, field: str = "amount") -> Decimal:
    """Parse an amount in yuan exactly.

    Accepts int, Decimal or a numeric string (``"35000"``, ``"1,200.50"``); floats are refused
    because they cannot carry money exactly (JSON input is parsed with Decimal floats).

    Raises:
        InputError: not a number, negative, more than two decimal places, written with an
            exponent or too many figures, or above :data:`~teller_guard.core.limits.MAX_AMOUNT_YUAN`
            (:class:`~teller_guard.core.limits.AmountTooLarge`).
    """
    if isinstance(value, bool) or value is None:
        raise InputError(field, "must be a number of yuan")
    if isinstance(value, float):
        raise InputError(field, "must be exact (integer fen); do not pass a binary float")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        text = check_amount_text(value, field)
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise InputError(field, f"not a number: {value!r}") from None
    else:
        raise InputError(field, "must be a number of yuan")
    check_amount(amount, field)
    if amount != amount.quantize(Decimal("0.01")):
        raise InputError(field, "at most two decimal places (fen)")
    return amount.quantize(Decimal("0.01"))


def yuan_to_fen(amount: Decimal) -> int:
    """Convert exact yuan to integer fen."""
    return int(amount * FEN_PER_YUAN)


def fen_to_yuan(fen: int) -> Decimal:
    """Convert integer fen to exact yuan."""
    return (Decimal(fen) / FEN_PER_YUAN).quantize(Decimal("0.01"))


def format_yuan(fen: int) -> str:
    """Format fen as ``¥35,000.00`` for people to read."""
    return f"¥{fen_to_yuan(fen):,.2f}"
