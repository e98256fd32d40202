"""PINs: argon2id with the parameters in one place, re-hashing when they change, and what a PIN may be."""

from __future__ import annotations

import pytest
from argon2 import Type, extract_parameters

from teller_guard.config import Settings
from teller_guard.core.accounts import DEMO_PIN
from teller_guard.core.schema import AccessDef
from teller_guard.identity.pins import DEFAULT_PROFILE, PROFILES, Pin, PinHasher, pin_problem

ACCESS = AccessDef()


def test_the_production_default_is_rfc_9106_argon2id(monkeypatch: pytest.MonkeyPatch) -> None:
    params = PROFILES[DEFAULT_PROFILE]
    assert (params.type, params.time_cost, params.memory_cost, params.parallelism) == (Type.ID, 3, 65536, 4)
    assert (params.salt_len, params.hash_len) == (16, 32)
    monkeypatch.delenv("TELLER_GUARD_PIN_HASH")  # the suite's cheap set, set in tests/conftest.py
    assert Settings().pin_hash == DEFAULT_PROFILE == "rfc9106-low-memory"
    assert PinHasher().profile == DEFAULT_PROFILE


def test_a_bad_setting_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from teller_guard.config import SettingsError

    monkeypatch.setenv("TELLER_GUARD_PIN_HASH", "md5")
    with pytest.raises(SettingsError, match="pin_hash: unknown profile 'md5'"):
        Settings()
    monkeypatch.setenv("TELLER_GUARD_PIN_HASH", "insecure-fast-for-tests")
    monkeypatch.setenv("TELLER_GUARD_MAX_SESSIONS", "0")
    with pytest.raises(SettingsError, match="max_sessions: must be 1 to 200"):
        Settings()


def test_hash_verify_and_the_stand_in() -> None:
    hasher = PinHasher("insecure-fast-for-tests")
    stored = hasher.hash(Pin("135792"))
    assert stored.startswith("$argon2id$") and "135792" not in stored
    assert stored != hasher.hash(Pin("135792"))  # a fresh salt every time
    assert hasher.verify(stored, Pin("135792"))
    assert not hasher.verify(stored, Pin("135793"))
    assert not hasher.verify(None, Pin("135792"))  # no account: the same work, always False
    assert not hasher.verify("not a hash", Pin("135792"))
    assert "135792" not in repr(Pin("135792"))


def test_a_hash_with_other_parameters_needs_a_rehash() -> None:
    cheap, standard = PinHasher("insecure-fast-for-tests"), PinHasher()
    stored = cheap.hash(Pin("135792"))
    assert not cheap.needs_rehash(stored)
    assert standard.needs_rehash(stored)
    assert extract_parameters(stored).memory_cost == PROFILES["insecure-fast-for-tests"].memory_cost


def test_an_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown PIN hash profile"):
        PinHasher("md5")


@pytest.mark.parametrize(
    ("pin", "problem"),
    [
        ("13579", "too_short"),
        ("111111", "too_simple"),
        ("123456", "demo_pin"),
        ("234567", "too_simple"),
        ("987654", "too_simple"),
        ("135792", None),
        ("0731 2468", "too_short"),  # not all digits: a passphrase, and too short for one
        ("我家门前有两棵枣树", "too_short"),
        ("我家门前有两棵枣树呀", None),
        ("aaaaaaaaaaaa", "too_simple"),
        ("tab\there-and-more", "control"),
        ("x" * 129, "too_long"),
    ],
)
def test_what_a_pin_may_be(pin: str, problem: str | None) -> None:
    assert pin_problem(Pin(pin), ACCESS) == problem


def test_the_demo_pin_is_a_demo_accounts_pin_only() -> None:
    assert pin_problem(Pin(DEMO_PIN), ACCESS, demo=True) is None
    assert pin_problem(Pin(DEMO_PIN), ACCESS) == "demo_pin"
