"""Loaded by an app process a test starts for real (``PYTHONPATH`` set to this folder by
:mod:`tests.factories.terminal`): its wall clock starts at ``TELLER_GUARD_TEST_NOW`` (an ISO
timestamp) and ticks from there, so what the real app shows and stores — ages, serials, dates —
is the same on any day, in any zone, and under the shifted CI run."""

import os

_now = os.environ.get("TELLER_GUARD_TEST_NOW")
if _now:
    from datetime import datetime

    import time_machine

    # A timestamp, not an aware datetime: time-machine would also pin the zone to the
    # datetime's, and the zone must stay the machine's.
    time_machine.travel(datetime.fromisoformat(_now).timestamp(), tick=True).start()
