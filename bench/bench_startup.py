"""Start-up: ``teller-guard assess`` as a process vs ``python -c pass``; the app's construct +
mount + first layout headless (``run_test``) vs a bare Textual ``App`` doing the same.

    .venv/bin/python bench/bench_startup.py [--repeat N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import ROOT, best_of, report

ASSESS_INPUT = '{"channel": "counter", "amount": 35000, "customer": {"age": 72}, "purpose": "朋友说这个平台稳赚不赔"}'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    py = sys.executable
    exe = str(Path(py).with_name("teller-guard"))

    def assess() -> None:
        subprocess.run([exe, "assess"], input=ASSESS_INPUT.encode(), check=True, stdout=subprocess.DEVNULL, cwd=ROOT)

    def bare() -> None:
        subprocess.run([py, "-c", "pass"], check=True)

    assess()  # warm the page cache and .pyc files
    a, _ = best_of(assess, args.repeat)
    b, _ = best_of(bare, args.repeat)
    report("teller-guard assess (process, median)", a, "python -c pass", b, unit="ms")

    # Headless app: each measured in a fresh interpreter, so imports are counted once, as a
    # user starting the app would pay them.
    app_code = f"""
import asyncio, time, sys
t = time.perf_counter()
sys.path.insert(0, {str(ROOT)!r})
from teller_guard.config import Settings
from teller_guard.core.records import Staff
from teller_guard.rules_cache import load_rules_cached
from teller_guard.ui.app import make_app
settings = Settings(data_dir={tempfile.mkdtemp()!r})
# As the app loads them: from the rules cache (warm after the first, unmeasured run).
rules = load_rules_cached(settings.rules, settings.data_dir / "cache")
app = make_app(settings, rules, staff=Staff(staff_id="T01", name="王丽"))
async def go():
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
asyncio.run(go())
print(time.perf_counter() - t)
"""
    bare_code = """
import asyncio, time
t = time.perf_counter()
from textual.app import App
from textual.widgets import Footer, Header, Input, Label
class Bare(App):
    def compose(self):
        yield Header(); yield Label("金额"); yield Input(); yield Footer()
async def go():
    async with Bare().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
asyncio.run(go())
print(time.perf_counter() - t)
"""

    def inner(code: str) -> float:
        out = subprocess.run([py, "-c", code], check=True, capture_output=True, text=True)
        return float(out.stdout.strip().splitlines()[-1])

    inner(app_code)
    apps = sorted(inner(app_code) for _ in range(args.repeat))
    bares = sorted(inner(bare_code) for _ in range(args.repeat))
    report(
        "teller_guard app import+construct+mount+first layout (median)",
        apps[len(apps) // 2],
        "bare Textual App, same steps",
        bares[len(bares) // 2],
        unit="ms",
    )


if __name__ == "__main__":
    main()
