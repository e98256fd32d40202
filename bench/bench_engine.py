"""One assessment in-process (µs per call, p50/p99) against a bare ``re.search`` over the same texts.

.venv/bin/python bench/bench_engine.py [--calls N]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import time

from _common import SEED, load_note

from teller_guard.core.rules import load_rules, shipped_rules_dir
from teller_guard.core.scoring import assess
from teller_guard.demo import SCENARIOS, DemoGenerator


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=20_000)
    args = parser.parse_args()

    rules = load_rules(shipped_rules_dir())
    # Realistic inputs: the demo generator's cases (routine and every fraud scenario).
    from datetime import UTC, datetime

    gen = DemoGenerator(rules, seed=SEED, end=datetime.now(UTC), pool_size=400)
    rng = random.Random(SEED)
    cases = [gen._case(rng.choice(SCENARIOS)) for _ in range(500)]
    inputs = [c.to_input(rules) for c in cases]
    texts = [f"{i.purpose}；{i.payee_relation}；{i.notes}" for i in inputs]
    # The baseline: one regex alternation of a typical trigger family, searched in the same texts.
    pattern = re.compile("安全账户|公安|警察|刷单|保证金|养老|网友|客服|中奖|投资|平台|洗钱|验证码")

    def timed(fn, items) -> list[float]:  # type: ignore[no-untyped-def]
        out = []
        for k in range(args.calls):
            x = items[k % len(items)]
            t = time.perf_counter_ns()
            fn(x)
            out.append((time.perf_counter_ns() - t) / 1000)
        return out

    timed(lambda i: assess(rules, i), inputs[:200])  # warm-up: compiled regexes, caches
    engine = timed(lambda i: assess(rules, i), inputs)
    regex = timed(pattern.search, texts)
    empty = timed(lambda _: None, texts)

    p50, p99 = statistics.median(engine), percentile(engine, 0.99)
    r50 = statistics.median(regex)
    e50 = statistics.median(empty)
    print(
        f"assess(): p50 {p50:,.1f} µs, p99 {p99:,.1f} µs, mean {statistics.fmean(engine):,.1f} µs over {args.calls:,} calls"
    )
    print(f"baseline re.search over the same texts: p50 {r50:,.2f} µs; empty call: p50 {e50:,.2f} µs")
    print(
        f"ratio assess/re.search p50 {p50 / r50:,.0f}x; assess/empty call {p50 / e50:,.0f}x; "
        f"{'well under' if p99 < 1000 else 'NOT under'} a millisecond at p99  ({load_note()})"
    )


if __name__ == "__main__":
    main()
