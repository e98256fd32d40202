"""`teller-guard serve` without a browser: the offline page, LAN-safe URLs, the child command, errors."""

from __future__ import annotations

import shlex
import socket
import sys
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from teller_guard.cli import main
from teller_guard.ui.serve import TEMPLATES, OfflineServer, app_command


async def _index(host_header: str | None = None) -> str:
    server = OfflineServer(app_command(), host="0.0.0.0", port=8000, title="teller_guard 大堂「一问二看三提醒」")
    async with TestClient(TestServer(await server._make_app())) as client:
        headers = {"Host": host_header} if host_header else {}
        resp = await client.get("/", headers=headers)
        assert resp.status == 200
        return await resp.text()


async def test_page_needs_no_internet() -> None:
    html = await _index()
    assert "googleapis" not in html and "fonts.g" not in html
    assert "https://" not in html
    assert 'rel="icon" href="data:,"' in html  # no favicon request either
    assert "大堂「一问二看三提醒」" in html


async def test_urls_follow_the_address_the_tablet_used() -> None:
    # Bound to 0.0.0.0, but the tablet asked for the branch PC's LAN address.
    html = await _index("192.168.10.5:8000")
    assert 'data-session-websocket-url="ws://192.168.10.5:8000/ws"' in html
    assert 'href="http://192.168.10.5:8000/static/css/xterm.css"' in html
    assert "0.0.0.0" not in html


def test_template_is_shipped_inside_the_package() -> None:
    assert (TEMPLATES / "app_index.html").is_file()
    assert Path(TEMPLATES).is_relative_to(Path(__file__).parents[2] / "teller_guard")


def test_child_command_runs_this_python_in_lobby_mode() -> None:
    argv = shlex.split(app_command("lobby"))
    assert argv == [sys.executable, "-m", "teller_guard", "run", "--mode", "lobby"]


def test_busy_port_is_one_clear_error(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        status = main(["serve", "--port", str(port), "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert status == 2
    err = capsys.readouterr().err
    assert err.strip() == f"teller-guard: error: --port: cannot listen on 127.0.0.1:{port}: already in use"


def test_unknown_host_is_one_clear_error(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    status = main(["serve", "--host", "no-such-host.invalid", "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert status == 2
    assert "--host: unknown address" in capsys.readouterr().err


def test_loopback_by_default() -> None:
    from teller_guard.cli import build_parser

    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.mode) == ("127.0.0.1", 8000, "lobby")


async def test_a_session_over_the_limit_is_told_so() -> None:
    turned_away: list[str] = []
    server = OfflineServer(
        app_command(), host="127.0.0.1", port=8000, title="t", max_sessions=2, on_refused=turned_away.append
    )
    async with TestClient(TestServer(await server._make_app())) as client:
        assert (await client.get("/")).status == 200
        server.sessions = 2  # two tabs open
        for path in ("/", "/ws"):
            resp = await client.get(path)
            assert resp.status == 503
            text = await resp.text()
            assert "同时在线已满（2 个）" in text and "at most 2 browser sessions" in text
    assert turned_away == ["127.0.0.1", "127.0.0.1"]


def test_the_client_address_and_a_local_tls_proxy() -> None:
    from aiohttp.test_utils import make_mocked_request

    from teller_guard.ui.serve import client_address

    direct = make_mocked_request("GET", "/", headers={"X-Forwarded-For": "6.6.6.6"})
    direct._transport_peername = ("10.1.2.7", 50000)  # type: ignore[attr-defined]
    assert client_address(direct) == "10.1.2.7"  # a forwarded header from the LAN is not believed
    proxied = make_mocked_request("GET", "/", headers={"X-Forwarded-For": "10.1.2.9, 10.0.0.1"})
    proxied._transport_peername = ("127.0.0.1", 50000)  # type: ignore[attr-defined]
    assert client_address(proxied) == "10.1.2.9 via 127.0.0.1"


def test_each_session_is_told_where_its_browser_is() -> None:
    from textual_serve.download_manager import DownloadManager

    from teller_guard.ui.serve import SessionService

    async def nothing(*_: object) -> None:
        return None

    service = SessionService(
        "true",
        write_bytes=nothing,
        write_str=nothing,
        close=nothing,
        download_manager=DownloadManager(),
        client="10.1.2.9",
    )
    env = service._build_environment(100, 30)
    assert env["TELLER_GUARD_SESSION_CLIENT"] == "10.1.2.9"


async def test_serving_beyond_this_machine_warns_that_it_is_not_encrypted() -> None:
    from rich.console import Console

    lan = OfflineServer(app_command(), host="0.0.0.0", port=8000, title="t")
    lan.console = Console(record=True, width=200)
    await lan.on_startup(None)  # type: ignore[arg-type]
    said = lan.console.export_text()
    assert "NOT encrypted" in said and "TLS reverse proxy" in said and "明文" in said
    local = OfflineServer(app_command(), host="127.0.0.1", port=8000, title="t")
    local.console = Console(record=True, width=200)
    await local.on_startup(None)  # type: ignore[arg-type]
    assert "encrypted" not in local.console.export_text()


def test_max_sessions_flag() -> None:
    from teller_guard.cli import build_parser

    assert build_parser().parse_args(["serve", "--max-sessions", "3"]).max_sessions == 3
