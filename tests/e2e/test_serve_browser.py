"""`teller-guard serve` in a real browser: headless Chromium over CDP (aiohttp), fully offline.

Starts the server in its own process group on a free port with a temporary database, signs in,
runs a lobby case to 「带至柜台」 by keyboard, checks the record landed in the database as a
pending hand-off, checks that the page asked nothing of any non-local host, keeps a screenshot
in ``tests/artifacts/``, and stops the process group with SIGINT, asserting nothing is left.
Never skipped: Chromium or a CJK font missing is a failure (``.ci/run`` installs both).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest

from teller_guard.config import Settings
from teller_guard.core.records import Staff
from teller_guard.storage.repository import Repository
from tests.factories import frozen_clock
from tests.factories.accounts import add_staff

LOBBY_STAFF = Staff(staff_id="L007", name="李大堂", role="lobby")
LOBBY_PIN = "730461"

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).parents[1] / "artifacts"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1024,640",  # a 10-inch tablet in landscape: about 100×30 cells
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _group_members(pgid: int) -> list[int]:
    """Live processes in process group ``pgid`` (read from /proc, no extra tools)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text.rsplit(")", 1)[1].split()
        # fields: state ppid pgrp ...; zombies are already dead, their parent just has not reaped them.
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def _stop_group(proc: subprocess.Popen[bytes], sig: int, timeout: float) -> list[int]:
    """Signal the whole group, wait, SIGKILL what is left; return the pids that had to be killed."""
    pgid = proc.pid  # start_new_session=True: the leader's pid is the group id
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, sig)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        proc.poll()
        if proc.returncode is not None and not _group_members(pgid):
            return []
        time.sleep(0.1)
    leftovers = _group_members(pgid)
    for pid in leftovers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    proc.wait(timeout=5)
    return leftovers


@pytest.fixture
def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("chromium is not installed: apt-get install chromium (.ci/run does this)")
    zh = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout.strip()
    if not zh:
        pytest.fail("no Chinese font: apt-get install fonts-wqy-microhei (or fonts-noto-cjk); Chinese would be tofu")
    return path


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    """`teller-guard serve` on a free loopback port, in its own process group, on a temp database."""
    port = _free_port()
    settings = Settings(data_dir=tmp_path, db=f"sqlite:///{tmp_path / 'served.db'}")
    add_staff(Repository.open(settings.db_url, settings.zone, clock=frozen_clock), LOBBY_STAFF, LOBBY_PIN)
    env = {**os.environ, "TELLER_GUARD_DATA_DIR": str(tmp_path)}
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "teller_guard", "serve", "--port", str(port), "--db", settings.db_url],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"server did not start:\n{(tmp_path / 'server.log').read_text()}")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/", settings
    finally:
        leftovers = _stop_group(proc, signal.SIGINT, timeout=15)
        log.close()
        assert leftovers == [], f"processes survived SIGINT to the server group: {leftovers}"
        assert _group_members(proc.pid) == []


class Page:
    """Just enough of the Chrome DevTools Protocol: call methods, keep events, type, press keys."""

    KEYS = {"Enter": 13, "Tab": 9, "Escape": 27}

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.events: list[dict[str, Any]] = []
        self._n = 0
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for msg in self.ws:
            data = json.loads(msg.data)
            if "id" in data and data["id"] in self._pending:
                self._pending.pop(data["id"]).set_result(data)
            else:
                self.events.append(data)

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        self._n += 1
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[self._n] = fut
        await self.ws.send_str(json.dumps({"id": self._n, "method": method, "params": params}))
        reply = await asyncio.wait_for(fut, 30)
        assert "error" not in reply, reply
        return reply.get("result", {})

    async def js(self, expression: str) -> Any:
        return (await self.call("Runtime.evaluate", expression=expression, returnByValue=True))["result"].get("value")

    async def type(self, text: str) -> None:
        for ch in text:
            await self.call("Input.insertText", text=ch)
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)

    async def press(self, key: str, times: int = 1, modifiers: int = 0) -> None:
        code = self.KEYS[key] if key in self.KEYS else ord(key.upper())
        for _ in range(times):
            for kind in ("keyDown", "keyUp"):
                await self.call(
                    "Input.dispatchKeyEvent",
                    type=kind,
                    key=key,
                    code=key if key in self.KEYS else f"Key{key.upper()}",
                    windowsVirtualKeyCode=code,
                    modifiers=modifiers,
                )
            await asyncio.sleep(0.25)

    async def screenshot(self, path: Path) -> None:
        shot = await self.call("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))

    async def close(self) -> None:
        self._reader.cancel()


async def _lobby_flow_in_browser(chromium: str, url: str, settings: Settings) -> dict[str, Any]:
    debug_port = _free_port()
    profile = tempfile.mkdtemp(prefix="tg-chromium-")
    browser = subprocess.Popen(
        [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--remote-debugging-port={debug_port}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    repo = Repository.open(settings.db_url, settings.zone, clock=frozen_clock)
    try:
        async with aiohttp.ClientSession() as http:
            tabs: list[dict[str, Any]] = []
            for _ in range(150):
                try:
                    async with http.get(f"http://127.0.0.1:{debug_port}/json") as r:
                        tabs = await r.json()
                        break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.1)
            page_tab = next(t for t in tabs if t["type"] == "page")
            async with http.ws_connect(page_tab["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                page = Page(ws)
                for domain in ("Page", "Network", "Runtime", "Log"):
                    await page.call(f"{domain}.enable")
                await page.call("Page.navigate", url=url)
                for _ in range(200):  # the terminal shows once the app's first byte arrives
                    if await page.js("document.body && document.body.classList.contains('-first-byte')"):
                        break
                    await asyncio.sleep(0.1)
                else:
                    pytest.fail("the served app never drew its first frame")
                await asyncio.sleep(2.0)
                await page.js("document.querySelector('.xterm-helper-textarea').focus()")

                # 员工登录 first (nothing of the app before it): 工号 Tab 密码 Enter; the role is the account's.
                await page.type("L007")
                await page.press("Tab")
                await page.type(LOBBY_PIN)
                await page.press("Enter")
                await asyncio.sleep(1.5)
                # 设备 → 一问 (Enter on a tile moves focus on) → what the customer said → amount → age.
                await page.press("Enter")
                await page.press("Tab", 5)
                await page.press("Enter")
                await page.type("对方说是公安，让我转到安全账户")
                await page.press("Enter")
                await page.type("30000")
                await page.press("Enter")
                await page.type("68")
                await page.press("Enter")
                # 二看 by key, 三提醒 one by one, 愿意核实.
                await page.type("12")
                await page.press("Tab", 3)
                await page.press("Enter")
                for _ in range(2):
                    await page.press("Tab")
                    await page.press("Enter")
                await page.press("Tab")
                await page.press("Enter")
                # 是 → 否 → 24h policy → 自行办理 → 客户放弃 → 带至柜台
                await page.press("Tab", 5)
                await page.press("Enter")
                await asyncio.sleep(1.0)
                ARTIFACTS.mkdir(exist_ok=True)
                await page.screenshot(ARTIFACTS / "lobby_served_filled.png")
                await page.press("s", modifiers=2)  # Ctrl+S
                handoffs = []
                for _ in range(100):
                    handoffs = repo.pending_handoffs()
                    if handoffs:
                        break
                    await asyncio.sleep(0.1)
                await asyncio.sleep(1.0)
                await page.screenshot(ARTIFACTS / "lobby_served_saved.png")
                await page.close()
        requests: dict[str, str] = {}
        failed: list[str] = []
        logs: list[str] = []
        for e in page.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Network.requestWillBeSent":
                requests[p["requestId"]] = p["request"]["url"]
            elif m == "Network.webSocketCreated":
                requests[p["requestId"]] = p["url"]
            elif m == "Network.loadingFailed":
                failed.append(f"{requests.get(p['requestId'])}: {p.get('errorText')}")
            elif m == "Log.entryAdded":
                logs.append(p["entry"]["text"])
        return {"handoffs": handoffs, "urls": list(requests.values()), "failed": failed, "logs": logs, "repo": repo}
    finally:
        _stop_group(browser, signal.SIGTERM, timeout=10)
        shutil.rmtree(profile, ignore_errors=True)


def test_lobby_flow_in_headless_chromium(chromium: str, server: tuple[str, Settings]) -> None:
    url, settings = server
    result = asyncio.run(_lobby_flow_in_browser(chromium, url, settings))

    # The browser session signed in first, and the audit trail says from where.
    [signed_in] = result["repo"].audit_events(kind="sign_in")
    assert (signed_in.staff_id, signed_in.origin, signed_in.client) == ("L007", "browser", "127.0.0.1")

    # The case landed in the log as a hand-off waiting for the counter, with what the lobby saw.
    assert len(result["handoffs"]) == 1, result["logs"]
    rec = result["repo"].get(result["handoffs"][0].uid)
    assert rec.channel == "atm" and rec.machine_id == "ATM01" and rec.staff_id == "L007"
    assert rec.decision.decision == "to_counter"
    assert rec.amount_fen == 3_000_000 and rec.customer_age == 68
    answers = {a.item_id: a.value for a in rec.answers}
    assert answers["business"] == "transfer_told"
    assert all(answers[r] is True for r in ("remind_fraud", "remind_verify", "remind_confirm"))
    assert {"nervous", "on_phone"} <= set(rec.observations)
    assert "安全账户" in rec.purpose_text

    # Offline: every request the page made went to this machine, and none failed.
    hosts = {urlsplit(u).hostname for u in result["urls"] if not u.startswith(("data:", "about:"))}
    assert hosts and hosts <= LOCAL_HOSTS, hosts
    assert any(u.startswith("ws://127.0.0.1") for u in result["urls"])
    assert result["failed"] == []
    for name in ("lobby_served_filled.png", "lobby_served_saved.png"):
        png = ARTIFACTS / name
        assert png.stat().st_size > 10_000 and png.read_bytes()[:4] == b"\x89PNG"
