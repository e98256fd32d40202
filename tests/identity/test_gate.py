"""The gate: sign-in, lock-out, disabled and demo accounts, PIN changes, approvals, and the audit
events each of them leaves — on a real SQLite file."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from argon2 import extract_parameters

from teller_guard.core.accounts import DEMO_PIN
from teller_guard.core.records import Staff
from teller_guard.core.rules import RuleSet
from teller_guard.identity import AccessRefused, Gate, Where
from teller_guard.identity.pins import Pin, PinHasher
from teller_guard.storage.repository import Repository
from tests.factories import FROZEN_NOW, SECURITY, SUPERVISOR, TELLER, MovingClock
from tests.factories.accounts import ADMIN, FAST, PINS, TELLER_2, add_all, add_staff, pin_of


@pytest.fixture
def clock() -> MovingClock:
    return MovingClock()


@pytest.fixture
def gate(repo: Repository, rules: RuleSet, clock: MovingClock) -> Gate:
    add_all(repo, TELLER, TELLER_2, SUPERVISOR, SECURITY, ADMIN)
    moving = Repository(repo.engine, repo.tz, clock=clock)
    return Gate(moving, rules.access, FAST, where=Where("browser", "10.1.2.3"))


def refused(call) -> AccessRefused:  # type: ignore[no-untyped-def]
    with pytest.raises(AccessRefused) as info:
        call()
    return info.value


def test_sign_in_gives_the_accounts_role_and_says_from_where(gate: Gate) -> None:
    account = gate.sign_in("t001", pin_of(TELLER))  # the id in any case
    assert account.staff == TELLER
    [event] = gate.repo.audit_events()
    assert (event.kind, event.staff_id, event.ok, event.origin, event.client) == (
        "sign_in",
        "T001",
        True,
        "browser",
        "10.1.2.3",
    )
    assert event.at == FROZEN_NOW and event.detail == {"role": "teller"}


def test_an_unknown_id_and_a_wrong_pin_look_the_same(gate: Gate, monkeypatch: pytest.MonkeyPatch) -> None:
    verified: list[str | None] = []
    real = PinHasher.verify

    def spy(self: PinHasher, stored: str | None, pin: Pin) -> bool:
        verified.append(stored)
        return real(self, stored, pin)

    monkeypatch.setattr(PinHasher, "verify", spy)
    unknown = refused(lambda: gate.sign_in("X999", Pin("135792")))
    wrong = refused(lambda: gate.sign_in("T001", Pin("000000")))
    assert unknown.refusal == wrong.refusal  # the same words, in both languages
    assert "工号或密码不对" in wrong.refusal.zh and "wrong staff id or PIN" in wrong.refusal.en
    # Exactly one argon2id verification each, with the same parameters (the stand-in for an unknown id).
    assert len(verified) == 2 and verified[0] is None
    assert extract_parameters(gate.hasher._stand_in) == extract_parameters(verified[1])  # type: ignore[arg-type]
    events = gate.repo.audit_events(kind="sign_in_failed")
    assert [(e.staff_id, e.detail["reason"]) for e in events] == [
        (None, "wrong_credentials"),
        ("T001", "wrong_credentials"),
    ]
    assert events[0].detail["typed"] == "X***"  # an unknown id is kept in outline only


def test_a_pin_typed_into_the_id_field_is_never_logged(gate: Gate) -> None:
    refused(lambda: gate.sign_in("135792", Pin("")))
    [event] = gate.repo.audit_events()
    assert "135792" not in event.model_dump_json()


def test_five_wrong_pins_lock_for_fifteen_minutes(gate: Gate, clock: MovingClock) -> None:
    for attempt in range(1, 5):
        assert refused(lambda: gate.sign_in("T001", Pin("000000"))).code == "wrong_credentials"
        assert gate.repo.staff.get("T001").failed_attempts == attempt  # type: ignore[union-attr]
    fifth = refused(lambda: gate.sign_in("T001", Pin("000000")))
    assert fifth.code == "locked_out" and "10:45" in fifth.refusal.zh  # 10:30 + 15 min, local
    assert "teller-guard staff unlock --id T001" in fifth.refusal.en
    # Locked: even the right PIN is not checked.
    assert refused(lambda: gate.sign_in("T001", pin_of(TELLER))).code == "locked"
    clock.advance(minutes=14, seconds=59)
    assert refused(lambda: gate.sign_in("T001", pin_of(TELLER))).code == "locked"
    clock.advance(seconds=1)
    assert gate.sign_in("T001", pin_of(TELLER)).staff_id == "T001"
    account = gate.repo.staff.get("T001")
    assert account is not None and account.failed_attempts == 0
    kinds = [(e.kind, e.ok, e.detail.get("reason")) for e in gate.repo.audit_events(staff_id="T001")]
    assert kinds.count(("sign_in_failed", False, "wrong_credentials")) == 4
    assert ("locked_out", False, None) in kinds
    assert kinds[-1] == ("sign_in", True, None)


def test_wrong_pins_anywhere_count_toward_the_same_lock(gate: Gate) -> None:
    """Sign-in, an approval and a CLI export all count: an attacker cannot spread the guesses."""
    refused(lambda: gate.sign_in("S001", Pin("000000")))
    refused(
        lambda: gate.approve(
            "S001", Pin("000001"), requester=TELLER, reason="客户坚持办理", subject="u1", what="decision"
        )
    )
    for _ in range(3):
        refused(lambda: gate.authorize("S001", Pin("000002"), kind="export", action="export", allowed={"supervisor"}))
    assert gate.repo.staff.get("S001").locked_at(gate.repo.clock())  # type: ignore[union-attr]


def test_an_admin_unlocks(gate: Gate) -> None:
    from teller_guard.identity.admin import StaffAdmin

    for _ in range(5):
        refused(lambda: gate.sign_in("T001", Pin("000000")))
    admin = gate.check_pin("A001", pin_of(ADMIN), kind="staff_unlocked")
    StaffAdmin(gate).unlock(admin, "T001")
    assert gate.sign_in("T001", pin_of(TELLER)).staff_id == "T001"
    [event] = gate.repo.audit_events(kind="staff_unlocked")
    assert event.staff_id == "A001" and event.subject == "T001" and event.detail["was_locked_until"]


def test_disabled_says_so_only_to_whoever_knows_the_pin(gate: Gate) -> None:
    gate.repo.staff.set_active("T002", False)
    assert refused(lambda: gate.sign_in("T002", Pin("000000"))).code == "wrong_credentials"
    assert refused(lambda: gate.sign_in("T002", pin_of(TELLER_2))).code == "disabled"


def test_a_pin_set_by_an_admin_must_be_changed_first(gate: Gate) -> None:
    add_staff(gate.repo, Staff(staff_id="T009", name="新柜员", role="teller"), "482910", must_change=True)
    must = refused(lambda: gate.sign_in("T009", Pin("482910")))
    assert must.code == "must_change" and "teller-guard staff change-pin --id T009" in must.refusal.en
    assert refused(lambda: gate.change_pin("T009", Pin("482910"), Pin("482910"), Pin("482910"))).code == "same_pin"
    assert refused(lambda: gate.change_pin("T009", Pin("482910"), Pin("505050"), Pin("505051"))).code == "pins_differ"
    assert refused(lambda: gate.change_pin("T009", Pin("482910"), Pin("123456"), Pin("123456"))).code == "pin_demo_pin"
    gate.change_pin("T009", Pin("482910"), Pin("915372"), Pin("915372"))
    assert gate.sign_in("T009", Pin("915372")).must_change is False
    assert refused(lambda: gate.sign_in("T009", Pin("482910"))).code == "wrong_credentials"


def test_a_correct_pin_rehashes_with_todays_parameters(repo: Repository, rules: RuleSet) -> None:
    add_staff(repo, TELLER)  # hashed with the cheap test parameters
    standard = Gate(repo, rules.access, PinHasher())
    standard.sign_in("T001", pin_of(TELLER))
    stored = repo.staff.get("T001").pin_hash  # type: ignore[union-attr]
    assert stored is not None and extract_parameters(stored).memory_cost == 65536
    assert standard.sign_in("T001", pin_of(TELLER)).staff_id == "T001"  # the same PIN, the new hash


# ---------------------------------------------------------------- approvals


def approve(
    gate: Gate, who: str, pin: str, requester: Staff = TELLER, reason: str = "客户为儿子购房，已电话核实"
) -> object:
    return gate.approve(who, Pin(pin), requester=requester, reason=reason, subject="case-1", what="decision")


def test_a_supervisor_approves_on_the_spot(gate: Gate) -> None:
    approval = approve(gate, "S001", PINS["S001"])
    assert approval.supervisor == SUPERVISOR and approval.auth == "pin" and approval.at == FROZEN_NOW  # type: ignore[attr-defined]
    [event] = gate.repo.audit_events(kind="approval")
    assert (event.staff_id, event.subject, event.id) == ("S001", "case-1", approval.audit_id)  # type: ignore[attr-defined]
    assert event.detail == {"what": "decision", "requester": "T001", "why": "客户为儿子购房，已电话核实"}


@pytest.mark.parametrize(
    ("who", "pin", "code"),
    [
        ("T001", PINS["T001"], "own_case"),  # the teller's own id (and PIN)
        ("T002", PINS["T002"], "role"),  # another teller
        ("B001", PINS["B001"], "role"),  # security may not approve
        ("A001", PINS["A001"], "role"),  # nor an admin, unless the policy says so
        ("S001", "000000", "wrong_credentials"),
        ("S404", PINS["S001"], "wrong_credentials"),
    ],
)
def test_approvals_that_do_not_stand(gate: Gate, who: str, pin: str, code: str) -> None:
    assert refused(lambda: approve(gate, who, pin)).code == code
    [event] = gate.repo.audit_events(kind="approval_refused")
    assert event.detail["reason"] == code and event.detail["requester"] == "T001" and event.subject == "case-1"
    assert gate.repo.audit_events(kind="approval") == []


def test_a_disabled_supervisor_cannot_approve(gate: Gate) -> None:
    gate.repo.staff.set_active("S001", False)
    assert refused(lambda: approve(gate, "S001", PINS["S001"])).code == "disabled"


def test_a_supervisor_cannot_approve_their_own_case(gate: Gate) -> None:
    assert refused(lambda: approve(gate, "s001", PINS["S001"], requester=SUPERVISOR)).code == "own_case"


def test_an_approval_needs_a_reason(gate: Gate) -> None:
    assert refused(lambda: approve(gate, "S001", PINS["S001"], reason="同意")).code == "no_reason"


def test_the_policy_may_let_an_admin_approve(repo: Repository, rules: RuleSet) -> None:
    add_all(repo, TELLER, ADMIN)
    access = replace(rules.access, admin_may_approve=True)
    gate = Gate(repo, access, FAST)
    assert approve(gate, "A001", PINS["A001"]).supervisor == ADMIN  # type: ignore[attr-defined]


# ---------------------------------------------------------------- demo accounts


def test_demo_accounts_sign_in_only_in_a_demo_database(repo: Repository, rules: RuleSet) -> None:
    from teller_guard.demo import DEMO_STAFF

    repo.staff.add_demo(DEMO_STAFF, FAST.hash(Pin(DEMO_PIN)), at=FROZEN_NOW)
    gate = Gate(repo, rules.access, FAST)
    assert gate.sign_in("demo-t01", Pin(DEMO_PIN)).role == "teller"
    assert approve(gate, "demo-s01", DEMO_PIN, requester=Staff(staff_id="demo-t01", name="王丽", role="teller"))
    add_staff(repo, TELLER)  # a real member of staff: from now on the demo PIN opens nothing
    assert refused(lambda: gate.sign_in("demo-t01", Pin(DEMO_PIN))).code == "demo_account"
    assert refused(lambda: gate.sign_in("demo-sec01", Pin(DEMO_PIN))).code == "demo_account"


def test_rules_versions_are_logged_when_first_seen(gate: Gate) -> None:
    assert gate.note_rules("abc123", "T001") is True
    assert gate.note_rules("abc123", "T002") is False
    assert gate.note_rules("def456") is True
    assert [(e.subject, e.staff_id) for e in gate.repo.audit_events(kind="rules_seen")] == [
        ("abc123", "T001"),
        ("def456", None),
    ]


def test_lock_out_policy_comes_from_the_rules(repo: Repository, rules: RuleSet) -> None:
    add_all(repo, TELLER)
    gate = Gate(repo, replace(rules.access, max_failed_pins=3, lockout_minutes=60), FAST)
    for _ in range(3):
        refused(lambda: gate.sign_in("T001", Pin("000000")))
    account = repo.staff.get("T001")
    assert account is not None and account.locked_until == FROZEN_NOW + timedelta(minutes=60)
