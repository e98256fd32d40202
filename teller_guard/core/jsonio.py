"""The machine interface: one JSON object in, one :class:`AssessmentInput` out.

Every error names the field (``customer.id_number: wrong check digit``) so an integration
can fix its request; nothing here raises anything but :class:`InputError`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from teller_guard.core.errors import InputError
from teller_guard.core.idcard import age_on, parse_id_number
from teller_guard.core.limits import MAX_LIST_ITEMS, check_date, check_json_document, check_text
from teller_guard.core.models import AssessmentInput, CustomerFacts
from teller_guard.core.money import parse_yuan
from teller_guard.core.scoring import answers_from

KEYS = {
    "channel",
    "amount",
    "customer",
    "purpose",
    "previous_purposes",
    "payee_relation",
    "notes",
    "observations",
    "facts",
    "answers",
    "date",
}


def _no_constant(name: str) -> Any:
    raise InputError("input", f"{name} is not a number JSON allows")


def _decimal(literal: str) -> Decimal:
    if "e" in literal or "E" in literal:
        raise InputError("input", f"write numbers in plain figures, not with an exponent: {literal}")
    return Decimal(literal)


def loads(text: str) -> dict[str, Any]:
    """Parse JSON with exact decimals; the top level must be an object.

    Size, depth and number length are checked before parsing (:mod:`teller_guard.core.limits`);
    ``NaN`` and ``Infinity`` are refused.
    """
    check_json_document(text)
    try:
        data = json.loads(text, parse_float=_decimal, parse_constant=_no_constant)
    except InputError:
        raise
    except json.JSONDecodeError as exc:
        raise InputError("input", f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except (ValueError, RecursionError) as exc:  # a limit the pre-check did not foresee: still one line
        raise InputError("input", f"not acceptable JSON ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise InputError("input", "must be one JSON object")
    return data


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(key, "must be text")
    return check_text(value, key)


def _texts(data: Mapping[str, Any], key: str, what: str = "strings") -> tuple[str, ...]:
    items = data.get(key, [])
    if not isinstance(items, list) or not all(isinstance(o, str) for o in items):
        raise InputError(key, f"must be a list of {what}")
    if len(items) > MAX_LIST_ITEMS:
        raise InputError(key, f"too many entries ({len(items)}; at most {MAX_LIST_ITEMS})")
    return tuple(check_text(o, f"{key}[{i}]") for i, o in enumerate(items))


def customer_facts(raw: Any, on: date) -> CustomerFacts:
    """Age (and sex) from ``{"age": N}`` or ``{"id_number": "..."}``; the number is not kept."""
    if raw is None:
        raise InputError("customer", 'required: {"age": N} or {"id_number": "..."}')
    if not isinstance(raw, dict):
        raise InputError("customer", "must be an object with age or id_number")
    unknown = set(raw) - {"age", "id_number"}
    if unknown:
        raise InputError(f"customer.{sorted(unknown)[0]}", "unknown key")
    if raw.get("id_number") not in (None, ""):
        if not isinstance(raw["id_number"], str):
            raise InputError("customer.id_number", "must be a string (keep the leading digits and a final X)")
        facts = parse_id_number(raw["id_number"], today=on)
        return CustomerFacts(age=age_on(facts.birth_date, on), sex=facts.sex)
    age = raw.get("age")
    if age is None:
        raise InputError("customer", "needs age or id_number")
    if isinstance(age, bool) or not isinstance(age, int | Decimal) or age != int(age) or not 0 <= age <= 130:
        raise InputError("customer.age", "must be a whole number of years from 0 to 130")
    return CustomerFacts(age=int(age))


def parse_input(data: Mapping[str, Any], today: date, *, require_customer: bool = True) -> AssessmentInput:
    """Validate a JSON object into an :class:`AssessmentInput`.

    ``require_customer=False`` lets a labelled case leave the customer unknown (no age).

    Raises:
        InputError: naming the first field that is wrong.
    """
    unknown = sorted(set(data) - KEYS)
    if unknown:
        key = unknown[0] if unknown[0].isidentifier() else json.dumps(unknown[0])[:40]
        raise InputError(key, f"unknown key (expected some of: {', '.join(sorted(KEYS))})")
    channel = data.get("channel")
    if channel not in ("counter", "atm"):
        raise InputError("channel", f'must be "counter" or "atm" (got {channel!r})')
    if "amount" not in data:
        raise InputError("amount", "required (yuan)")
    amount = parse_yuan(data["amount"])
    on = today
    if data.get("date") is not None:
        raw_date = data["date"]
        if not isinstance(raw_date, str) or len(raw_date) != 10:
            raise InputError("date", "must be an ISO date (YYYY-MM-DD)")
        try:
            on = date.fromisoformat(raw_date)
        except ValueError:
            raise InputError("date", "must be an ISO date (YYYY-MM-DD)") from None
        check_date(on)
    obs = _texts(data, "observations", "observation ids")
    facts = _texts(data, "facts", "transaction fact ids")
    prev = _texts(data, "previous_purposes")
    answers = data.get("answers", {})
    if not isinstance(answers, dict):
        raise InputError("answers", "must be an object of checklist item id → answer")
    if len(answers) > MAX_LIST_ITEMS:
        raise InputError("answers", f"too many entries ({len(answers)}; at most {MAX_LIST_ITEMS})")
    for k, v in answers.items():
        check_text(k, "answers", limit=64)
        if isinstance(v, str):
            check_text(v, f"answers.{k}")
    return AssessmentInput(
        channel=channel,
        amount=amount,
        customer=customer_facts(data.get("customer"), on)
        if require_customer or data.get("customer") is not None
        else CustomerFacts(),
        purpose=_text(data, "purpose"),
        previous_purposes=tuple(prev),
        payee_relation=_text(data, "payee_relation"),
        notes=_text(data, "notes"),
        observations=frozenset(obs),
        facts=frozenset(facts),
        answers=answers_from(answers),
        on_date=on,
    )
