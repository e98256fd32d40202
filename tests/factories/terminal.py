"""The real app in a real terminal: a tmux server of the test's own, the app started in it on a
pinned clock, keys sent at a person's pace or as one burst, the screen read back.

The app process's wall clock starts at :data:`tests.factories.FROZEN_NOW` and ticks
(``pinned_clock/sitecustomize.py``): what it shows and stores does not depend on the day the
tests run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from teller_guard.core.records import Staff
from teller_guard.storage.repository import Repository
from tests.conftest import require_tool
from tests.factories import FROZEN_NOW, frozen_clock
from tests.factories.accounts import add_staff

SOCKET = f"tgc-test-{os.getpid()}"
"""A tmux server of our own: other sessions' options (window sizes) cannot leak in."""

PINNED_CLOCK = Path(__file__).with_name("pinned_clock")

TELLER_42 = Staff(staff_id="T042", name="李柜员", role="teller")
PIN_42 = "424242"


def tmux(*args: str) -> str:
    return subprocess.run(
        [require_tool("tmux"), "-L", SOCKET, "-f", "/dev/null", *args], check=True, capture_output=True, text=True
    ).stdout


def type_text(session: str, text: str) -> None:
    """Type text, then pause as a person would (a burst of text and Tab can arrive as one read)."""
    tmux("send-keys", "-t", session, "-l", text)
    time.sleep(0.3)


def key(session: str, *keys: str) -> None:
    for name in keys:
        tmux("send-keys", "-t", session, name)
        time.sleep(0.3)


def screen(session: str) -> str:
    return tmux("capture-pane", "-p", "-t", session)


def wait_for(session: str, text: str, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    shown = ""
    while time.monotonic() < deadline:
        shown = screen(session)
        if text in shown:
            return shown
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; the screen shows:\n{shown}")


def start(session: str, data_dir: Path) -> int:
    """Start ``teller-guard`` at 120×40 on ``data_dir``; return the app's pid."""
    env = {
        "LANG": "C.UTF-8",
        "TELLER_GUARD_DATA_DIR": str(data_dir),
        "TELLER_GUARD_PIN_HASH": "insecure-fast-for-tests",
        "TERM": "xterm-256color",
        # pytest's own COLUMNS/LINES would otherwise reach the app through tmux's environment.
        "COLUMNS": "120",
        "LINES": "40",
        # The app's clock: FROZEN_NOW, ticking (and not a shifted clock a CI run may set).
        "PYTHONPATH": str(PINNED_CLOCK),
        "TELLER_GUARD_TEST_NOW": FROZEN_NOW.isoformat(),
    }
    flags = [arg for name, value in env.items() for arg in ("-e", f"{name}={value}")]
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", *flags, f"exec {sys.executable} -m teller_guard")
    return int(tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip())


def add_account(data_dir: Path) -> None:
    """The teller's account in the database the app will open."""
    repo = Repository.open(f"sqlite:///{data_dir / 'teller_guard.db'}", ZoneInfo("Asia/Shanghai"), clock=frozen_clock)
    if repo.staff.get(TELLER_42.staff_id) is None:
        add_staff(repo, TELLER_42, PIN_42)


def sign_in(session: str) -> None:
    wait_for(session, "员工登录")
    time.sleep(0.5)
    type_text(session, TELLER_42.staff_id)
    key(session, "Tab")
    type_text(session, PIN_42)
    key(session, "Enter")


def kill_server() -> None:
    subprocess.run([require_tool("tmux"), "-L", SOCKET, "kill-server"], capture_output=True)
