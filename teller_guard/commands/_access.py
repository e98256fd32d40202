"""What commands that need a PIN share: reading PINs (terminal without echo, or ``--pin-stdin``),
the refusal of a PIN given as an argument, and turning a refusal into one line and exit 2.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import warnings
from collections.abc import Callable, Collection
from typing import IO, TYPE_CHECKING, TypeVar

from teller_guard.commands import Context, Failure
from teller_guard.identity.pins import Pin

if TYPE_CHECKING:
    from teller_guard.core.accounts import StaffAccount
    from teller_guard.identity import Gate

T = TypeVar("T")


class PinReader:
    """Reads PINs in the order a command asks for them: from the terminal without echo, or one
    per line from standard input (``--pin-stdin``, for scripts and tests). Never from argv."""

    def __init__(self, from_stdin: bool, stream: IO[str] | None = None) -> None:
        self.from_stdin = from_stdin
        self.stream = stream
        self.count = 0

    def __call__(self, prompt: str) -> Pin:
        self.count += 1
        if self.from_stdin:
            line = (self.stream or sys.stdin).readline()
            if not line:
                raise Failure(f"--pin-stdin: standard input ended before PIN {self.count} ({prompt.rstrip(': ')})")
            return Pin(line.rstrip("\r\n"))
        with warnings.catch_warnings():
            warnings.simplefilter("error", getpass.GetPassWarning)
            try:
                return Pin(getpass.getpass(prompt))
            except (getpass.GetPassWarning, OSError, EOFError):
                raise Failure(
                    "no terminal to read the PIN from without echo; give PINs on standard input with --pin-stdin"
                ) from None


def pin_reader(args: argparse.Namespace) -> PinReader:
    return PinReader(bool(getattr(args, "pin_stdin", False)))


def refuse_pin_argument(ctx: Context, args: argparse.Namespace) -> None:
    """A PIN typed as an argument is refused (and logged) before anything else happens."""
    from teller_guard.identity import refusals

    who = next((getattr(args, k, None) for k in ("actor", "staff", "id") if getattr(args, k, None)), None)
    refusal = refusals.pin_in_argument(who)
    try:
        gate = ctx.gate()
        gate.record(
            "pin_in_argument", who if who and gate.repo.staff.get(who) else None, ok=False, command=args.command
        )
    except Failure:
        raise
    except Exception:  # no database to log to: the refusal itself still stands
        pass
    raise Failure(refusal.en)


def guarded(call: Callable[[], T]) -> T:
    """Run ``call``; an :class:`~teller_guard.identity.AccessRefused` becomes one line and exit 2."""
    from teller_guard.identity import AccessRefused

    try:
        return call()
    except AccessRefused as exc:
        raise Failure(exc.refusal.en) from None


def authorize(
    gate: Gate,
    staff_id: str,
    read_pin: PinReader,
    *,
    kind: str,
    action: str,
    allowed: Collection[str],
    subject: str | None = None,
) -> StaffAccount:
    """Ask for ``staff_id``'s PIN and check it and the role (refusals: one line, exit 2, logged)."""
    pin = read_pin(f"PIN for {staff_id}: ")
    return guarded(lambda: gate.authorize(staff_id, pin, kind=kind, action=action, allowed=allowed, subject=subject))
