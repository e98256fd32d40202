"""Proves the shifted run is shifted: this process and a child see the day TELLER_GUARD_SHIFT_DAYS
ahead of REAL_DAY in the zone TZ, while sleeps and timed waits keep real time."""

import datetime
import os
import subprocess
import sys
import threading
import time

real = datetime.date.fromisoformat(os.environ["REAL_DAY"])
days = int(os.environ["TELLER_GUARD_SHIFT_DAYS"])
now = datetime.datetime.now().astimezone()
assert (now.date() - real).days >= days - 1, (now, real)
assert time.tzname[0] == "EST", time.tzname
child = subprocess.run(
    [sys.executable, "-c", "import datetime; print(datetime.date.today())"],
    capture_output=True,
    text=True,
    check=True,
).stdout.strip()
assert (datetime.date.fromisoformat(child) - real).days >= days - 1, child
started = time.monotonic()
time.sleep(0.1)
assert threading.Event().wait(0.1) is False
waited = time.monotonic() - started
assert 0.2 <= waited < 2, waited
print(
    f"shifted clock: {now.isoformat()} ({time.tzname[0]}); a child process: {child}; sleeps and timed waits real ({waited:.2f} s)"
)
