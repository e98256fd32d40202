"""ID numbers (GB 11643) and exact money."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from teller_guard.core.errors import InputError
from teller_guard.core.idcard import age_on, check_digit, customer_ref, mask_id, parse_id_number
from teller_guard.core.money import format_yuan, parse_yuan, yuan_to_fen


def make_id(region: str, born: str, seq: str) -> str:
    first17 = region + born + seq
    return first17 + check_digit(first17)


def test_known_valid_number_with_x() -> None:
    facts = parse_id_number("11010519491231002X")
    assert facts.birth_date == date(1949, 12, 31) and facts.sex == "F"


@pytest.mark.parametrize("bad", ["110105194912310021", "11010519491231002", "1101051949123100XX", "abc", ""])
def test_wrong_numbers_are_refused(bad: str) -> None:
    with pytest.raises(InputError) as exc:
        parse_id_number(bad)
    assert exc.value.field == "customer.id_number"


def test_impossible_and_future_birth_dates() -> None:
    with pytest.raises(InputError, match="impossible birth date"):
        parse_id_number(make_id("110105", "19490231", "001"))
    with pytest.raises(InputError, match="out of range"):
        parse_id_number(make_id("110105", "20300101", "001"), today=date(2026, 11, 25))


def test_sex_from_the_17th_digit_and_lowercase_x() -> None:
    male = make_id("310101", "19600101", "013")
    assert parse_id_number(male).sex == "M"
    assert parse_id_number("11010519491231002x").birth_date == date(1949, 12, 31)


def test_age_turns_over_on_the_birthday() -> None:
    born = date(1956, 11, 25)
    assert age_on(born, date(2026, 11, 24)) == 69
    assert age_on(born, date(2026, 11, 25)) == 70
    assert age_on(date(1960, 2, 29), date(2026, 2, 28)) == 65
    assert age_on(date(1960, 2, 29), date(2026, 3, 1)) == 66


def test_masking_and_keyed_hash_do_not_reveal_the_number() -> None:
    number = "11010519491231002X"
    assert mask_id(number) == "**************002X"
    ref = customer_ref(number, b"k" * 32)
    assert (
        number not in ref and ref != customer_ref(number, b"j" * 32) and ref == customer_ref(number.lower(), b"k" * 32)
    )


@pytest.mark.parametrize(
    ("raw", "fen"), [(35000, 3_500_000), ("1,200.50", 120_050), (Decimal("0.01"), 1), ("¥88", 8800), ("0", 0)]
)
def test_amounts_are_exact(raw: object, fen: int) -> None:
    assert yuan_to_fen(parse_yuan(raw)) == fen


@pytest.mark.parametrize("raw", [-1, "abc", 1.5, "0.001", True, None, "NaN", "Infinity"])
def test_bad_amounts_are_refused(raw: object) -> None:
    with pytest.raises(InputError) as exc:
        parse_yuan(raw)
    assert exc.value.field == "amount"


def test_format_yuan() -> None:
    assert format_yuan(123_456_789) == "¥1,234,567.89"
