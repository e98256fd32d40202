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
