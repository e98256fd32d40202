"""The long fuzz run: the properties of ``tests/fuzz`` with many more examples and random seeds.

    .venv/bin/python bench/fuzz.py [--examples 2000]

Prints, per property, the examples tried, the tracebacks and the hangs (an example over 2 s)
found, and the wall time. Target: 0 tracebacks, 0 hangs. CI runs the same properties with a
bounded, deterministic number of examples.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROPERTIES = (
    "test_assess_json_never_crashes",
    "test_cli_arguments_never_crash",
    "test_broken_rules_folders_never_crash",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="examples per property")
    args = parser.parse_args(argv)
    bad = 0
    for prop in PROPERTIES:
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:randomly", f"tests/fuzz/test_fuzz.py::{prop}"],
            cwd=ROOT,
            env={**os.environ, "TELLER_GUARD_FUZZ_EXAMPLES": str(args.examples)},
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - started
        out = proc.stdout + proc.stderr
        hangs = len(re.findall(r"DeadlineExceeded|took \d[\d,.]*ms, which exceeds the deadline", out))
        tracebacks = 0 if proc.returncode == 0 else max(1, len(re.findall(r"^FAILED", out, re.M))) - min(hangs, 1)
        bad += tracebacks + hangs
        print(f"{prop}: {args.examples} examples, tracebacks: {tracebacks}, hangs over 2 s: {hangs}, {wall:.0f} s")
        if proc.returncode:
            falsifying = re.search(r"Falsifying example:.*?(?=\n\n|\Z)", out, re.S)
            print("  " + (falsifying.group(0)[:1500] if falsifying else out[-1500:]).replace("\n", "\n  "))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
