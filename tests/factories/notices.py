"""Two cases every notice test uses: a 冒充公检法 case and a low-risk one, with real personal data
entered the way the counter enters it (so the tests can prove none of it reaches the notice)."""

from __future__ import annotations

from datetime import date, datetime

from teller_guard.core.case import CaseState
from teller_guard.core.jsonio import parse_input
from teller_guard.core.models import Assessment
from teller_guard.core.records import InterventionRecord
from teller_guard.core.rules import RuleSet
from teller_guard.core.scoring import assess

ID_NUMBER = "11010519491231002X"
"""A valid GB 11643 number (checksum X), born 1949: a 76-year-old customer in November 2026."""
CUSTOMER = "王秀英"
PAYEE = "李建国"
PAYEE_ACCOUNT = "6222021234567890123"
SERIAL = "BR0001-20261125-0007"

POLICE = {
    "channel": "counter",
    "amount": 50000,
    "customer": {"id_number": ID_NUMBER},
    "notes": "公安局的警官打电话说我涉嫌洗钱，要我把钱转过去配合调查",
    "observations": ["on_phone", "nervous"],
}
LOW = {
    "channel": "counter",
    "amount": 2000,
    "customer": {"age": 35},
    "purpose": "给女儿生活费",
    "payee_relation": "女儿",
}


def case(rules: RuleSet, data: dict[str, object], now: datetime) -> tuple[InterventionRecord, Assessment]:
    """Assess ``data`` and build the provisional record the counter would print a notice for."""
    inp = parse_input(data, date(2026, 11, 25))
    result = assess(rules, inp)
    state = CaseState(staff_id="T001", started_at=now, amount=str(data["amount"]))
    customer = data["customer"]
    assert isinstance(customer, dict)
    if "id_number" in customer:
        state.set_id_number(customer["id_number"], b"k" * 32, date(2026, 11, 25))
    else:
        state.customer_age = customer["age"]
    state.set_customer_name(CUSTOMER)
    state.set_payee(PAYEE, PAYEE_ACCOUNT, b"k" * 32)
    return state.to_record(rules, result, decision=None, closed_at=now), result
