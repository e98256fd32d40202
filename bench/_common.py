"""Shared helpers for the benchmarks: timing, the machine's load, and the demo database they share.

Benchmarks are plain scripts (not tests). Each one measures teller_guard and a baseline in the
same run and prints the ratio, because on a shared 2-core box the absolute numbers move with
whatever else is running; the ratio moves much less.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
"""Benchmark databases and exports (gitignored)."""
TZ = ZoneInfo("Asia/Shanghai")
SEED = 2026

sys.path.insert(0, str(ROOT))


def load_note() -> str:
    """The 1/5/15-minute load average against the core count, printed with every result."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f}/{five:.2f}/{fifteen:.2f} on {os.cpu_count()} cores"


def best_of(fn: Callable[[], object], repeat: int = 5) -> tuple[float, list[float]]:
    """Run ``fn`` ``repeat`` times; return the median seconds and every run."""
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs), runs


def report(name: str, value: float, baseline_name: str, baseline: float, unit: str = "s") -> str:
    """One result line: the measurement, the baseline from the same run, and their ratio."""
    scale = {"s": 1.0, "ms": 1e3, "µs": 1e6}[unit]
    line = (
        f"{name}: {value * scale:,.2f} {unit}  |  baseline {baseline_name}: {baseline * scale:,.2f} {unit}"
        f"  |  ratio {value / baseline:,.2f}x  ({load_note()})"
    )
    print(line, flush=True)
    return line


def demo_db(n: int, path: Path | None = None, *, fresh: bool = False) -> tuple[Path, float]:
    """A demo database of ``n`` interventions (built through the same path as ``teller-guard demo-data``);
    reused when it already holds exactly ``n``. Returns the path and the build time (0 when reused)."""
    import sqlite3

    from teller_guard.cli import main as cli_main

    OUT.mkdir(parents=True, exist_ok=True)
    path = path or OUT / f"demo_{n}.db"
    if path.exists() and not fresh:
        try:
            with sqlite3.connect(path) as db:
                if db.execute("SELECT count(*) FROM intervention").fetchone()[0] == n:
                    return path, 0.0
        except sqlite3.Error:
            pass
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    t = time.perf_counter()
    rc = cli_main(["demo-data", "--db", f"sqlite:///{path}", "--n", str(n), "--seed", str(SEED)])
    if rc:
        raise SystemExit(f"demo-data failed with exit status {rc}")
    return path, time.perf_counter() - t


def busiest_full_month(path: Path) -> tuple[str, int]:
    """The local month with the most interventions, excluding the current (partial) month."""
    import sqlite3

    current = datetime.now(TZ).strftime("%Y-%m")
    with sqlite3.connect(path) as db:
        month, rows = db.execute(
            "SELECT local_month, count(*) FROM intervention WHERE local_month < ? GROUP BY 1 ORDER BY 2 DESC LIMIT 1",
            (current,),
        ).fetchone()
    return str(month), int(rows)
