"""What a PIN check costs, and whether its time tells an unknown staff id from a wrong PIN.

With the production argon2id parameters (RFC 9106, t=3, 64 MiB, p=4) on a real SQLite file,
the gate is asked, interleaved so every kind sees the same load: an unknown id, a known id with
a wrong PIN (the account is unlocked between tries so it never locks), and the right PIN. The
baseline is one bare ``argon2.PasswordHasher.verify`` with the same parameters, in the same run.

Printed twice: as an attacker sees it (a refused PIN is answered no sooner than the gate's
floor, ``REFUSAL_FLOOR``), and without the floor (the work underneath).

    .venv/bin/python bench/bench_pin_timing.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import time
from pathlib import Path

from _common import TZ, load_note, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    from argon2 import PasswordHasher, profiles

    from teller_guard.core.records import Staff
    from teller_guard.core.schema import AccessDef
    from teller_guard.identity import AccessRefused, Gate
    from teller_guard.identity import gate as gate_module
    from teller_guard.identity.pins import Pin, PinHasher
    from teller_guard.storage.repository import Repository

    folder = Path(tempfile.mkdtemp(prefix="tg-pin-bench-"))
    repo = Repository.open(f"sqlite:///{folder / 'pins.db'}", TZ)
    hasher = PinHasher()  # the production default
    repo.staff.add(
        Staff(staff_id="T001", name="王柜员", role="teller"),
        hasher.hash(Pin("135792")),
        at=repo.clock(),
        must_change=False,
    )
    gate = Gate(repo, AccessDef(), hasher)
    bare = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)
    bare_hash = bare.hash("135792")

    def timed(fn) -> float:  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        with contextlib.suppress(AccessRefused):
            fn()
        return time.perf_counter() - t

    def baseline() -> None:
        bare.verify(bare_hash, "135792")

    for floor_label, floor in (("with the refusal floor", None), ("without the floor", 0.0)):
        saved = dict(gate_module.REFUSAL_FLOOR)
        if floor is not None:
            gate_module.REFUSAL_FLOOR[hasher.profile] = floor
        unknown, wrong, right, base = [], [], [], []
        for _ in range(args.repeat):
            unknown.append(timed(lambda: gate.sign_in("X404", Pin("135792"))))
            wrong.append(timed(lambda: gate.sign_in("T001", Pin("000000"))))
            repo.staff.unlock("T001")
            right.append(timed(lambda: gate.sign_in("T001", Pin("135792"))))
            base.append(timed(baseline))
        gate_module.REFUSAL_FLOOR.clear()
        gate_module.REFUSAL_FLOOR.update(saved)
        med = statistics.median
        print(f"bench_pin_timing ({floor_label}, {args.repeat} interleaved tries each, {load_note()})")
        report("  unknown staff id", med(unknown), "one bare argon2id verify", med(base), unit="ms")
        report("  known id, wrong PIN", med(wrong), "one bare argon2id verify", med(base), unit="ms")
        report("  right PIN (sign-in)", med(right), "one bare argon2id verify", med(base), unit="ms")
        spread = statistics.pstdev(wrong) * 1e3
        print(
            f"  unknown / wrong = {med(unknown) / med(wrong):.3f}  "
            f"(difference {abs(med(unknown) - med(wrong)) * 1e3:.1f} ms; spread of a wrong PIN ±{spread:.1f} ms)"
        )


if __name__ == "__main__":
    main()
