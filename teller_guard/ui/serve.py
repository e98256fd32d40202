"""Serving the app to browsers (lobby tablets) with textual-serve, fully offline.

textual-serve's own page links Google Fonts and builds its URLs from the bind address, which
breaks twice on a branch network: there is no internet, and a tablet cannot reach
``ws://0.0.0.0:8000``. :class:`OfflineServer` serves our copy of the page (no web fonts) and
builds every URL from the address the browser actually used.

Each browser tab runs its own app process, which opens on the same sign-in as the terminal
(工号 + 密码; nothing of the app before it) and names the browser's address in every audit
event (``TELLER_GUARD_SESSION_CLIENT``). At most ``max_sessions`` run at once (each is a
process of about 80 MB); one more is turned away with a page that says so.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import sys
from collections.abc import Callable
from ipaddress import ip_address
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, log, to_int

TEMPLATES = Path(__file__).parent / "serve_templates"
"""Our copy of textual-serve's ``app_index.html``, without the Google Fonts link."""

LOOPBACK = ("127.0.0.1", "localhost", "::1")

BUSY_PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>teller_guard</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; padding: 2em; background: #12232d; color: #eee">
<h2>同时在线已满（{limit} 个）</h2>
<p>本机最多同时打开 {limit} 个 teller_guard 页面。请关闭不用的标签页或平板上的页面，稍后刷新本页。</p>
<p>Too many sessions: at most {limit} browser sessions at once. Close one, then reload this page.</p>
</body></html>"""
"""What a browser sees when every session is taken."""


def client_address(request: web.Request) -> str:
    """The browser's address for the audit trail: the peer, or, behind a TLS proxy on this
    machine, the address the proxy says it forwarded (``X-Forwarded-For``), with the proxy."""
    peer = request.remote or "?"
    forwarded = request.headers.get("X-Forwarded-For", "").split(",")[0].strip()
    try:
        behind_local_proxy = ip_address(peer).is_loopback and bool(forwarded)
    except ValueError:
        behind_local_proxy = False
    text = f"{forwarded} via {peer}" if behind_local_proxy else peer
    return text[:64]


class SessionService(AppService):
    """One browser session's app process, told where the browser is."""

    def __init__(self, *args: Any, client: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client = client

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment["TELLER_GUARD_SESSION_CLIENT"] = self.client
        return environment


def app_command(mode: str = "lobby") -> str:
    """The shell command each browser session runs: this Python, this package, one mode.

    The database URL and rules folder travel in ``TELLER_GUARD_DB`` / ``TELLER_GUARD_RULES``
    (the child inherits the server's environment), so a PostgreSQL password never shows in
    ``ps``.
    """
    return f"{shlex.quote(sys.executable)} -m teller_guard run --mode {shlex.quote(mode)}"


class OfflineServer(Server):
    """A textual-serve :class:`Server` whose page needs nothing from the internet, with a limit
    on sessions at once."""

    def __init__(
        self,
        command: str,
        *,
        host: str,
        port: int,
        title: str,
        max_sessions: int = 8,
        on_refused: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(command, host=host, port=port, title=title, templates_path=TEMPLATES)
        self.max_sessions = max_sessions
        """How many browser sessions may run at once."""
        self.sessions = 0
        """How many are running now."""
        self.on_refused = on_refused
        """Told the client address of each session turned away (the audit trail)."""

    async def on_startup(self, app: web.Application) -> None:
        self.console.print(
            f"teller_guard: serving {self.title} on http://{self.host}:{self.port}/ "
            f"(at most {self.max_sessions} sessions at once; Ctrl+C stops)"
        )
        if self.host not in LOOPBACK:
            self.console.print(
                f"[bold yellow]WARNING: serving on {self.host}, not only this machine. The traffic between the "
                "browsers and this machine (PINs included) is plain HTTP/WebSocket, NOT encrypted, unless a TLS "
                "reverse proxy is in front (README: 'Serving it to a tablet'). Firewall the port to the tablets.[/]"
            )
            self.console.print(
                "[bold yellow]注意：已对局域网开放。浏览器与本机之间的通信（包括登录密码）是明文，未加密，"
                "除非前面有 TLS 反向代理（见 README）；请用防火墙只放行大堂平板。[/]"
            )

    def _full(self, request: web.Request) -> web.Response | None:
        if self.sessions < self.max_sessions:
            return None
        client = client_address(request)
        self.console.print(f"teller_guard: session limit reached ({self.max_sessions}); turned away {client}")
        if self.on_refused is not None:
            self.on_refused(client)
        return web.Response(
            status=503, text=BUSY_PAGE.format(limit=self.max_sessions), content_type="text/html", charset="utf-8"
        )

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """textual-serve's session handler, counted, and with the browser's address for the app."""
        busy = self._full(request)
        if busy is not None:
            # aiohttp sends whatever StreamResponse a handler returns; before the upgrade the busy
            # page is a plain Response, which textual-serve's signature does not allow for.
            return busy  # type: ignore[return-value]
        self.sessions += 1
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        app_service: AppService | None = None
        try:
            await websocket.prepare(request)
            app_service = SessionService(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=self.debug,
                client=client_address(request),
            )
            await app_service.start(width, height)
            try:
                await self._process_messages(websocket, app_service)
            finally:
                await app_service.stop()
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:
            log.exception(error)
        finally:
            if app_service is not None:
                await app_service.stop()
            self.sessions -= 1
        return websocket

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any] | web.Response:
        """The page, with URLs relative to the host the browser asked for (works on a LAN), or
        the page that says every session is taken."""
        busy = self._full(request)
        if busy is not None:
            return busy
        font_size = to_int(request.query.get("fontsize", "16"), 16)
        origin = f"{request.scheme}://{request.host}"
        ws_scheme = "wss" if request.scheme == "https" else "ws"
        return {
            "font_size": font_size,
            "app_websocket_url": f"{ws_scheme}://{request.host}{request.app.router['websocket'].url_for()}",
            "config": {"static": {"url": f"{origin}/static/"}},
            "application": {"name": self.title},
        }


def serve(
    *,
    db_url: str,
    rules: Path,
    host: str,
    port: int,
    mode: str = "lobby",
    max_sessions: int = 8,
    on_refused: Callable[[str], None] | None = None,
) -> None:
    """Serve ``mode`` of the app on ``host:port`` until SIGINT/SIGTERM, on this database and rules."""
    os.environ["TELLER_GUARD_DB"] = db_url
    os.environ["TELLER_GUARD_RULES"] = str(rules.resolve())
    title = {
        "lobby": "teller_guard 大堂「一问二看三提醒」",
        "counter": "teller_guard 柜面",
        "stats": "teller_guard 统计",
    }
    OfflineServer(
        app_command(mode),
        host=host,
        port=port,
        title=title.get(mode, "teller_guard"),
        max_sessions=max_sessions,
        on_refused=on_refused,
    ).serve()
