"""Serving the app to browsers (lobby tablets) with textual-serve, fully offline.

textual-serve's own page links Google Fonts and builds its URLs from the bind address, which
breaks twice on a branch network: there is no internet, and a tablet cannot reach
``ws://0.0.0.0:8000``. :class:`OfflineServer` serves our copy of the page (no web fonts) and
builds every URL from the address the browser actually used.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from textual_serve.server import Server, to_int

TEMPLATES = Path(__file__).parent / "serve_templates"
"""Our copy of textual-serve's ``app_index.html``, without the Google Fonts link."""

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def app_command(mode: str = "lobby") -> str:
    """The shell command each browser session runs: this Python, this package, one mode.

    The database URL and rules folder travel in ``TELLER_GUARD_DB`` / ``TELLER_GUARD_RULES``
    (the child inherits the server's environment), so a PostgreSQL password never shows in
    ``ps``.
    """
    return f"{shlex.quote(sys.executable)} -m teller_guard run --mode {shlex.quote(mode)}"


class OfflineServer(Server):
    """A textual-serve :class:`Server` whose page needs nothing from the internet."""

    def __init__(self, command: str, *, host: str, port: int, title: str) -> None:
        super().__init__(command, host=host, port=port, title=title, templates_path=TEMPLATES)

    async def on_startup(self, app: web.Application) -> None:
        self.console.print(f"teller_guard: serving {self.title} on http://{self.host}:{self.port}/ (Ctrl+C stops)")
        if self.host not in LOOPBACK:
            self.console.print(
                "[bold yellow]注意：已对局域网开放。当前没有登录认证，任何能访问本机此端口的设备都能使用；"
                "仅限支行内网，并用防火墙只放行大堂平板。[/]"
            )

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        """The page, with URLs relative to the host the browser asked for (works on a LAN)."""
        font_size = to_int(request.query.get("fontsize", "16"), 16)
        origin = f"{request.scheme}://{request.host}"
        ws_scheme = "wss" if request.scheme == "https" else "ws"
        return {
            "font_size": font_size,
            "app_websocket_url": f"{ws_scheme}://{request.host}{request.app.router['websocket'].url_for()}",
            "config": {"static": {"url": f"{origin}/static/"}},
            "application": {"name": self.title},
        }


def serve(*, db_url: str, rules: Path, host: str, port: int, mode: str = "lobby") -> None:
    """Serve ``mode`` of the app on ``host:port`` until SIGINT/SIGTERM, on this database and rules."""
    os.environ["TELLER_GUARD_DB"] = db_url
    os.environ["TELLER_GUARD_RULES"] = str(rules.resolve())
    title = {
        "lobby": "teller_guard 大堂「一问二看三提醒」",
        "counter": "teller_guard 柜面",
        "stats": "teller_guard 统计",
    }
    OfflineServer(app_command(mode), host=host, port=port, title=title.get(mode, "teller_guard")).serve()
