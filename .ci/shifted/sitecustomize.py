"""Loaded by every Python process of the shifted CI run (PYTHONPATH=.ci/shifted): the wall clock
runs TELLER_GUARD_SHIFT_DAYS days ahead, ticking; the monotonic clock, sleeps and timed waits are
untouched (libfaketime's LD_PRELOAD breaks those: timed lock waits hang, sleeps fail EINVAL).

Together with TZ=America/New_York this proves no test and no app process reads the real day or
the machine's zone: every date the app shows or stores must come from its injected clock.
"""

import os

_days = os.environ.get("TELLER_GUARD_SHIFT_DAYS")
if _days:
    import time

    import time_machine

    # A timestamp, not an aware datetime: time-machine would also pin the zone to the
    # datetime's, and the zone must stay the machine's (TZ).
    time_machine.travel(time.time() + int(_days) * 86400, tick=True).start()
