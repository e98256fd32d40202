"""PINs: what a PIN may be, and how it is hashed (argon2id) — the parameters live here and only here.

A PIN is never stored, logged or shown: :class:`PinHasher` turns it into an argon2id hash (a
fresh random salt each time), checks a typed PIN against a stored hash, and says when a stored
hash was made with other parameters than today's, so a correct sign-in re-hashes it.
"""

from __future__ import annotations

import base64
import secrets
from typing import Literal

from argon2 import Parameters, PasswordHasher, Type, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from pydantic import SecretStr

from teller_guard.core.accounts import DEMO_PIN
from teller_guard.core.schema import AccessDef

HashProfile = Literal["rfc9106-low-memory", "insecure-fast-for-tests"]

PROFILES: dict[str, Parameters] = {
    # RFC 9106 §4 "second recommended option": argon2id, t=3, m=64 MiB, p=4, 16-byte salt,
    # 32-byte tag (argon2-cffi's own default). About 0.1 s a hash on an idle branch PC.
    "rfc9106-low-memory": profiles.RFC_9106_LOW_MEMORY,
    # For the test suite only (TELLER_GUARD_PIN_HASH): hundreds of sign-ins in seconds. A hash
    # made with it is re-hashed with the standard parameters at the next correct PIN.
    "insecure-fast-for-tests": profiles.CHEAPEST,
}
"""The argon2id parameter sets, by name; ``rfc9106-low-memory`` is the production default."""

DEFAULT_PROFILE: HashProfile = "rfc9106-low-memory"

Pin = SecretStr
"""A PIN as it travels from the keyboard to the hash: its repr (and any traceback's locals)
show ``**********``, never the PIN."""

MAX_PIN_LENGTH = 128
"""Longer input is refused (argon2 would hash it, but nobody types more at a counter)."""


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode().rstrip("=")


class PinHasher:
    """argon2id with one named parameter set (see :data:`PROFILES`)."""

    def __init__(self, profile: str = DEFAULT_PROFILE) -> None:
        if profile not in PROFILES:
            raise ValueError(f"unknown PIN hash profile {profile!r}; known: {', '.join(PROFILES)}")
        params = PROFILES[profile]
        if params.type is not Type.ID:
            raise ValueError("PINs are hashed with argon2id only")
        self.profile = profile
        """The name of the parameter set in use."""
        self._hasher = PasswordHasher.from_parameters(params)
        # A stand-in hash with the same parameters, checked against when no account matches,
        # so an unknown staff id costs exactly the time of a wrong PIN (built, not computed).
        self._stand_in = (
            f"$argon2id$v={params.version}$m={params.memory_cost},t={params.time_cost},p={params.parallelism}"
            f"${_b64(secrets.token_bytes(params.salt_len))}${_b64(secrets.token_bytes(params.hash_len))}"
        )

    def __repr__(self) -> str:
        return f"PinHasher({self.profile!r})"

    @property
    def parameters(self) -> Parameters:
        return PROFILES[self.profile]

    def hash(self, pin: Pin) -> str:
        """A new argon2id hash of ``pin`` (random salt): what the staff table stores."""
        return str(self._hasher.hash(pin.get_secret_value()))

    def verify(self, stored: str | None, pin: Pin) -> bool:
        """Whether ``pin`` matches ``stored``. With no stored hash (unknown staff, no PIN set) the
        same work is done against a stand-in, and the answer is False."""
        try:
            return bool(self._hasher.verify(stored or self._stand_in, pin.get_secret_value())) and stored is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        """Whether ``stored`` was made with other parameters than :attr:`profile`'s."""
        try:
            return bool(self._hasher.check_needs_rehash(stored))
        except InvalidHashError:
            return True


PinProblem = Literal["too_long", "control", "too_short", "too_simple", "demo_pin"]


def pin_problem(secret: Pin, access: AccessDef, *, demo: bool = False) -> PinProblem | None:
    """Why ``pin`` cannot be a PIN, or ``None`` when it can.

    A PIN is at least ``min_pin_digits`` digits, or a passphrase of at least
    ``min_passphrase_length`` characters. Runs of one digit, straight sequences (123456, 987654)
    and the documented demo PIN are refused for real accounts.

    Args:
        secret: the PIN as typed.
        access: the branch policy (``[access]`` in policy.toml).
        demo: the account is a ``demo-data`` account (the demo PIN is its PIN).
    """
    pin = secret.get_secret_value()
    if len(pin) > MAX_PIN_LENGTH:
        return "too_long"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in pin):
        return "control"
    if demo and pin == DEMO_PIN:
        return None
    if pin == DEMO_PIN:
        return "demo_pin"
    if pin.isdigit() and pin.isascii():
        if len(pin) < access.min_pin_digits:
            return "too_short"
        steps = {int(b) - int(a) for a, b in zip(pin, pin[1:], strict=False)}
        if steps in ({0}, {1}, {-1}):
            return "too_simple"
        return None
    if len(pin) < access.min_passphrase_length:
        return "too_short"
    if len(set(pin)) < 3:
        return "too_simple"
    return None
