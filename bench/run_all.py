"""Run every benchmark in turn (the million-row ones share one demo database in ``bench/out``).

    .venv/bin/python bench/run_all.py [--n N]

Each script prints its own measurement and the ratio against a baseline measured in the same
run; this just runs them in a sensible order and stops at the first failure.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    args = parser.parse_args()
    runs = [
        ["bench_engine.py"],
        ["bench_startup.py"],
        ["bench_cli.py"],
        ["bench_save.py"],
        ["bench_pin_timing.py"],
        ["bench_insert.py", "--n", str(args.n)],
        ["bench_stats.py", "--n", str(args.n)],
        ["bench_export.py", "--n", str(args.n)],
        ["bench_xlsx_libs.py", "--n", str(args.n)],
    ]
    for cmd in runs:
        print(f"\n== {' '.join(cmd)}", flush=True)
        rc = subprocess.run([sys.executable, str(HERE / cmd[0]), *cmd[1:]], cwd=HERE.parent).returncode
        if rc:
            print(f"{cmd[0]} failed with exit status {rc}", file=sys.stderr)
            return rc
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
