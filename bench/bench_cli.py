"""CLI start-up against ``python -c "import pydantic"`` measured in the same run, interleaved.

Targets (issue 9): ``--help``, ``--version`` and a wrong argument ≤ 0.5× the baseline (they
answer before anything heavy is imported); ``assess`` and ``rules check`` ≤ 2.5× (they load
only what they use). ``rules check`` also *probes* the rules (times every pattern on the
longest texts, scores a case per checklist option), so it is shown twice: the whole command,
and its imports alone (the validating pydantic models included: ``rules check`` always
validates). ``assess`` reads the rules cache (``teller_guard/rules_cache.py``, written by the
untimed warm-up run); it is shown once more with the cache emptied before every run (the first
``assess`` after the rules or teller_guard changed), without a target.

Every command runs with a data folder of its own (``TELLER_GUARD_DATA_DIR`` in a temporary
folder) and with ``.pyc`` files, as an installed teller_guard has them: ``PYTHONDONTWRITEBYTECODE``
is dropped from their environment (with it, every run compiles teller_guard from source).

    .venv/bin/python bench/bench_cli.py [--repeat N]

Runs are interleaved (one of each, N rounds) so a burst of load elsewhere on the shared machine
hits every command alike; the minimum of each is reported (start-up noise only ever adds).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, load_note

ASSESS_INPUT = '{"channel": "counter", "amount": 35000, "customer": {"age": 72}, "purpose": "朋友说这个平台稳赚不赔"}'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    py = sys.executable
    exe = str(Path(py).with_name("teller-guard"))
    tmp = Path(tempfile.mkdtemp())
    case = tmp / "case.json"
    case.write_text(ASSESS_INPUT, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["TELLER_GUARD_DATA_DIR"] = str(tmp / "data")
    cold = {**env, "TELLER_GUARD_DATA_DIR": str(tmp / "cold")}
    rules_imports = (
        "import sys; sys.argv = ['teller-guard', 'rules', 'check']\n"
        "import teller_guard.cli, teller_guard.commands.rules_check, teller_guard.core.rules_probe\n"
        "import teller_guard.core.rules, teller_guard.core.scoring, teller_guard.rules_cache\n"
        "import teller_guard.core.rules_schema, teller_guard.core.rules_guard"
    )
    cold_name = "teller-guard assess FILE (rules cache emptied)"
    commands: dict[str, tuple[list[str], float]] = {
        'python -c "import pydantic"': ([py, "-c", "import pydantic"], 0.0),
        "python -c pass": ([py, "-c", "pass"], 0.0),
        "teller-guard --help": ([exe, "--help"], 0.5),
        "teller-guard --version": ([exe, "--version"], 0.5),
        "teller-guard --no-such-flag": ([exe, "--no-such-flag"], 0.5),
        "teller-guard assess FILE": ([exe, "assess", str(case)], 2.5),
        cold_name: ([exe, "assess", str(case)], 0.0),
        "teller-guard rules check (imports only)": ([py, "-c", rules_imports], 2.5),
        "teller-guard rules check (with the probe)": ([exe, "rules", "check"], 0.0),
    }

    def run(name: str, cmd: list[str]) -> float:
        if name == cold_name:
            shutil.rmtree(tmp / "cold", ignore_errors=True)
        t = time.perf_counter()
        subprocess.run(
            cmd, cwd=ROOT, env=cold if name == cold_name else env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        return time.perf_counter() - t

    for name, (cmd, _) in commands.items():  # warm the page cache, the .pyc files and the rules cache
        run(name, cmd)
    runs: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, (cmd, _) in commands.items():
            runs[name].append(run(name, cmd))
    best = {name: min(r) for name, r in runs.items()}
    base = best['python -c "import pydantic"']
    print(f'baseline python -c "import pydantic": {base * 1e3:.1f} ms (min of {args.repeat}; {load_note()})')
    for name, (_, target) in commands.items():
        ratio = best[name] / base
        verdict = "" if not target else ("  ok" if ratio <= target else f"  OVER the {target}x target")
        goal = f"  (target ≤ {target}x)" if target else ""
        print(f"  {name:44s} {best[name] * 1e3:8.1f} ms  {ratio:5.2f}x{goal}{verdict}")


if __name__ == "__main__":
    main()
