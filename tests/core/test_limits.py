"""Limits on input: amounts, JSON documents, texts and dates get one clear error, never a crash."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from teller_guard.core.errors import InputError
from teller_guard.core.jsonio import loads, parse_input
from teller_guard.core.limits import MAX_AMOUNT_YUAN, MAX_JSON_BYTES, AmountTooLarge, check_json_document
from teller_guard.core.models import AssessmentInput
from teller_guard.core.money import parse_yuan
from teller_guard.core.rules import RuleSet
from teller_guard.core.scoring import assess

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("1e26", "exponent"),
        ("1E3", "exponent"),
        ("9" * 27, "above the limit"),
        ("9" * 1000, "too long"),
        ("100000000.01", "above the limit"),
        ("100,000,001", "above the limit"),
        ("inf", "not a number"),
        ("NaN", "not a number"),
        ("-5", "negative"),
        ("12.345", "two decimal places"),
    ],
)
def test_typed_amounts_that_no_one_means_are_refused(typed: str, words: str) -> None:
    with pytest.raises(InputError, match=words):
        parse_yuan(typed)


def test_the_limit_itself_is_accepted_and_one_fen_more_is_not() -> None:
    assert parse_yuan("100,000,000.00") == MAX_AMOUNT_YUAN
    assert parse_yuan("¥1,200.50元") == Decimal("1200.50")
    with pytest.raises(AmountTooLarge):
        parse_yuan(Decimal("100000000.01"))
    with pytest.raises(AmountTooLarge):
        parse_yuan(10**30)


def test_assess_checks_the_limit_too(rules: RuleSet) -> None:
    inp = AssessmentInput(channel="counter", amount=Decimal("1E+26"))
    with pytest.raises(AmountTooLarge, match="amount"):
        assess(rules, inp)


@pytest.mark.parametrize(
    ("doc", "words"),
    [
        ("[" * 10_000 + "]" * 10_000, "nested more than"),
        ('{"a":' * 50 + "1" + "}" * 50, "nested more than"),
        ('{"amount": ' + "9" * 5000 + "}", "number longer than"),
        ('{"amount": 1e2}', "exponent"),
        ('{"amount": NaN}', "NaN"),
        ('{"amount": -Infinity}', "Infinity"),
        ('{"purpose": "' + "字" * (MAX_JSON_BYTES // 3 + 10) + '"}', "too large"),
    ],
)
def test_json_limits_are_checked_before_parsing(doc: str, words: str) -> None:
    with pytest.raises(InputError, match=words):
        loads(doc)


def test_braces_inside_strings_do_not_count_as_depth() -> None:
    check_json_document(json.dumps({"notes": "[[[[{{{{" * 100}))


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ({"purpose": "\ud800"}, "purpose", "lone surrogate"),
        ({"notes": "x" * 2001}, "notes", "too long"),
        ({"previous_purposes": ["a"] * 201}, "previous_purposes", "too many"),
        ({"observations": ["on_phone"] * 201}, "observations", "too many"),
        ({"date": "1900-01-01"}, "date", "out of range"),
        ({"date": "20261125"}, "date", "ISO date"),
        ({"date": 20261125}, "date", "ISO date"),
        ({"answers": {"purpose": "x" * 2001}}, "answers.purpose", "too long"),
    ],
)
def test_fields_are_bounded(extra: dict[str, object], field: str, words: str) -> None:
    data = {"channel": "counter", "amount": 5000, "customer": {"age": 40}, **extra}
    with pytest.raises(InputError, match=words) as err:
        parse_input(data, TODAY)
    assert err.value.field == field
