"""``teller-guard serve [--host 127.0.0.1] [--port 8000] [--mode lobby] [--max-sessions 8]``: the app in a browser.

Loopback only unless the branch deliberately binds its LAN address (see README, "In the
browser"); then a warning says the traffic is not encrypted without a TLS proxy. Every browser
session opens on the same sign-in as the terminal. The rules are validated and the database
migrated before the first browser connects, so every session starts on a ready log.
"""

from __future__ import annotations

import argparse
import errno
import socket

from teller_guard.commands import Context, Failure


def _check_port(host: str, port: int) -> None:
    """Fail with one clear line if the address cannot be bound (in use, or not ours)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except socket.gaierror:
            raise Failure(f"--host: unknown address {host!r}") from None
        except OSError as exc:
            why = "already in use" if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc))
            raise Failure(f"--port: cannot listen on {host}:{port}: {why}") from None


def run(ctx: Context, args: argparse.Namespace) -> int:
    rules = ctx.rules  # refuse to serve invalid rules, with every problem listed
    try:
        repo = ctx.repository()
    except Exception as exc:  # a wrong URL or an unreachable server: say so before serving
        raise Failure(f"--db: cannot open the database: {exc}") from None
    _check_port(args.host, args.port)
    from teller_guard.identity import Gate, Where
    from teller_guard.identity.pins import PinHasher
    from teller_guard.ui.serve import serve

    hasher = PinHasher(ctx.settings.pin_hash)

    def refused(client: str) -> None:
        Gate(repo, rules.access, hasher, where=Where("browser", client)).record(
            "session_refused", None, ok=False, limit=max_sessions
        )

    max_sessions = args.max_sessions or ctx.settings.max_sessions
    serve(
        db_url=ctx.settings.db_url,
        rules=ctx.settings.rules,
        host=args.host,
        port=args.port,
        mode=getattr(args, "mode", "lobby") or "lobby",
        max_sessions=max_sessions,
        on_refused=refused,
    )
    return 0
