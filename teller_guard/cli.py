"""The ``teller-guard`` command: argument parsing and dispatch, nothing else.

Each sub-command lives in :mod:`teller_guard.commands` and is imported only when used, so
``teller-guard assess`` and ``teller-guard rules check`` start without loading Textual.
Bad input exits 2 with one line on stderr; invalid rules exit 2 with every problem listed.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from teller_guard import __version__
from teller_guard.cli_args import (
    bounded_int,
    db_url_arg,
    existing_file,
    existing_folder,
    host_arg,
    input_file,
    out_file,
)

if TYPE_CHECKING:
    from teller_guard.core.clock import Clock

PROG = "teller-guard"


class UsageError(Exception):
    """Bad command-line input: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but errors are one line on stderr (no usage dump) and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def month_arg(value: str) -> str:
    """``YYYY-MM`` with a real month."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 2000:
        raise argparse.ArgumentTypeError(f"invalid month {value!r} (expected YYYY-MM, e.g. 2026-10)")
    return value


def positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value!r}")
    return n


def port_arg(value: str) -> int:
    n = positive_int(value)
    if n > 65535:
        raise argparse.ArgumentTypeError(f"not a TCP port: {value!r}")
    return n


# command name → (module in teller_guard.commands, help)
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("app", "start the terminal app (the default)"),
    "rules": ("rules_check", "validate the rules folder, or backtest a draft of it"),
    "assess": ("assess", "score one transfer from JSON (stdin or a file) and print JSON"),
    "demo-data": ("demo_data", "fill a database with realistic synthetic interventions"),
    "notice": ("notice", "render the bespoke anti-fraud notice (PDF) for an assess input"),
    "serve": ("serve", "serve the app to browsers (lobby tablets) with textual-serve"),
    "stats": ("stats", "branch statistics for a month, in the terminal"),
    "export": ("export", "export the monthly intervention log (csv, xlsx, pdf)"),
    "staff": ("staff", "staff accounts: add, list, disable, enable, reset-pin, unlock, change-pin"),
    "audit": ("audit", "the audit trail: sign-ins, approvals, exports, staff changes"),
    "db": ("db", "database maintenance (upgrade the schema, PostgreSQL grants)"),
    "verify": ("verify", "check the evidence chain over the whole log (exit 1 names the first break)"),
}

ROLE_HELP = "teller 柜员, lobby 大堂经理, guard 保安, supervisor 主管, security 安全保卫, admin 管理员"


def staff_id_arg(value: str) -> str:
    """A staff id (工号): 1–32 letters, digits, '-' or '_'."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", value):
        raise argparse.ArgumentTypeError(f"invalid staff id {value!r} (1-32 letters, digits, '-' or '_')")
    return value


def day_arg(value: str) -> date:
    """A real day ``YYYY-MM-DD``."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid day {value[:20]!r} (expected YYYY-MM-DD, e.g. 2021-12-01)") from None


def chain_head_arg(value: str) -> str:
    """A printed chain head ``SEQ:HEX`` (sequence number, at least 8 hex digits of its MAC)."""
    if not re.fullmatch(r"[1-9][0-9]{0,17}:[0-9a-fA-F]{8,64}", value):
        raise argparse.ArgumentTypeError(
            f"invalid chain head {value[:40]!r} (expected SEQ:MAC as printed on an export, e.g. 1234:3f9a2b1c0d4e5f60)"
        )
    return value


def build_parser() -> argparse.ArgumentParser:
    # SUPPRESS: a flag given before the sub-command must not be reset by the sub-command's default.
    common = _Parser(add_help=False, argument_default=argparse.SUPPRESS)
    common.add_argument(
        "--db",
        metavar="URL",
        type=db_url_arg,
        help="SQLAlchemy database URL (default: TELLER_GUARD_DB or the embedded SQLite file)",
    )
    common.add_argument(
        "--rules",
        metavar="DIR",
        type=existing_folder,
        help="rules folder (default: TELLER_GUARD_RULES or the shipped rules/)",
    )
    # A PIN is never an argument (ps, shell history): these exist only to refuse it clearly.
    for flag in ("--pin", "--password"):
        common.add_argument(flag, dest="pin_argument", nargs="?", const="", help=argparse.SUPPRESS)

    pins = _Parser(add_help=False)
    pins.add_argument(
        "--pin-stdin",
        action="store_true",
        help="read PINs from standard input, one per line, in the order asked (the acting staff member's first) "
        "instead of from the terminal",
    )

    parser = _Parser(prog=PROG, description="teller_guard 反诈风险提示助手", parents=[common])
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--mode",
        choices=["counter", "lobby", "stats"],
        default="counter",
        help="which part of the app opens first",
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    run = sub.add_parser("run", parents=[common], help=COMMANDS["run"][1])
    run.add_argument("--mode", choices=["counter", "lobby", "stats"], default=argparse.SUPPRESS)

    rules = sub.add_parser("rules", parents=[common], help=COMMANDS["rules"][1])
    rules_sub = rules.add_subparsers(dest="rules_command", parser_class=_Parser, metavar="ACTION", required=True)
    rules_sub.add_parser("check", parents=[common], help="check every file strictly and report every problem")
    bt = rules_sub.add_parser(
        "backtest",
        parents=[common],
        help="re-score past interventions (and corpus files) with a draft ruleset (--rules DRAFT_DIR) and show what changes",
    )
    bt.add_argument(
        "--base", type=existing_folder, metavar="DIR", help="the rules to compare with (default: the rules in force)"
    )
    bt.add_argument(
        "--corpus",
        type=existing_file,
        action="append",
        metavar="FILE",
        help="a labelled corpus file (TOML); repeatable",
    )
    bt.add_argument("--json", action="store_true", help="print the whole result as JSON")
    bt.add_argument("--limit", type=positive_int, default=40, help="changed cases listed in the table (default 40)")

    assess = sub.add_parser("assess", parents=[common], help=COMMANDS["assess"][1])
    assess.add_argument(
        "file", nargs="?", default="-", type=input_file, metavar="FILE|-", help="JSON input (default: stdin)"
    )

    demo = sub.add_parser(
        "demo-data",
        parents=[common],
        help=COMMANDS["demo-data"][1],
        description="Fill a separate database with synthetic interventions. Its demo staff (demo-t01 … tellers, "
        "demo-s01 supervisor, demo-sec01 security, demo-a01 admin) sign in with the demo PIN 123456, "
        "which a database holding real staff never accepts.",
    )
    demo.add_argument("--n", type=bounded_int(1, 10_000_000), required=True, help="number of interventions")
    demo.add_argument("--seed", type=bounded_int(0, 2**31 - 1), default=1, help="random seed (same seed, same data)")
    demo.add_argument(
        "--months", type=bounded_int(1, 120), default=12, help="spread over this many months up to now (1–120)"
    )

    notice = sub.add_parser("notice", parents=[common], help=COMMANDS["notice"][1])
    notice.add_argument(
        "--input",
        required=True,
        type=input_file,
        metavar="ASSESSMENT.json",
        help="an assess input (JSON), or - for stdin",
    )
    notice.add_argument("--out", required=True, type=out_file, metavar="FILE.pdf")

    serve = sub.add_parser("serve", parents=[common], help=COMMANDS["serve"][1])
    serve.add_argument("--host", default="127.0.0.1", type=host_arg, help="address to bind (default: loopback only)")
    serve.add_argument("--port", type=port_arg, default=8000)
    serve.add_argument("--mode", choices=["counter", "lobby", "stats"], default="lobby")
    serve.add_argument(
        "--max-sessions",
        type=positive_int,
        metavar="N",
        help="browser sessions at once, each ~80 MB (default: TELLER_GUARD_MAX_SESSIONS or 8)",
    )

    stats = sub.add_parser("stats", parents=[common, pins], help=COMMANDS["stats"][1])
    stats.add_argument("--month", type=month_arg, help="YYYY-MM, local business month (default: last month)")
    stats.add_argument(
        "--staff", metavar="STAFF_ID", type=staff_id_arg, required=True, help="who is reading (PIN asked)"
    )

    export = sub.add_parser("export", parents=[common, pins], help=COMMANDS["export"][1])
    export.add_argument("--month", type=month_arg, required=True, help="YYYY-MM, local business month")
    export.add_argument("--format", choices=["csv", "xlsx", "pdf"], required=True)
    export.add_argument("--out", type=out_file, required=True, metavar="PATH")
    export.add_argument(
        "--staff",
        metavar="STAFF_ID",
        type=staff_id_arg,
        required=True,
        help="who is exporting (an export role; PIN asked)",
    )

    audit = sub.add_parser("audit", parents=[common, pins], help=COMMANDS["audit"][1])
    audit.add_argument(
        "--as",
        dest="actor",
        metavar="STAFF_ID",
        type=staff_id_arg,
        required=True,
        help="who is reading (security or admin; PIN asked)",
    )
    audit.add_argument("--month", type=month_arg, help="YYYY-MM, local month (default: every event)")
    audit.add_argument("--staff", metavar="STAFF_ID", type=staff_id_arg, help="only this member of staff's events")
    audit.add_argument("--json", action="store_true", help="one JSON array instead of a table")

    staff = sub.add_parser("staff", parents=[common], help=COMMANDS["staff"][1])
    staff_sub = staff.add_subparsers(dest="staff_command", parser_class=_Parser, metavar="ACTION", required=True)

    def staff_action(
        name: str, help_text: str, *, needs_id: bool = True, actor: bool = True
    ) -> argparse.ArgumentParser:
        action = staff_sub.add_parser(name, parents=[common, pins], help=help_text, description=help_text)
        if needs_id:
            action.add_argument("--id", metavar="STAFF_ID", type=staff_id_arg, required=True, help="the account (工号)")
        if actor:
            action.add_argument(
                "--as",
                dest="actor",
                metavar="ADMIN_ID",
                type=staff_id_arg,
                help="the admin making the change (PIN asked first)",
            )
        return action

    add = staff_action(
        "add",
        "add an account; asks the admin's PIN, then the new PIN twice (to be changed at first use). "
        "First run: with no admin yet, --role admin without --as creates the first admin",
    )
    add.add_argument("--name", required=True, help="full name (姓名)")
    add.add_argument(
        "--role", required=True, choices=["teller", "lobby", "guard", "supervisor", "security", "admin"], help=ROLE_HELP
    )
    staff_action("list", "list accounts with their status (admin or security)", needs_id=False)
    staff_action("disable", "disable an account (it can no longer sign in or approve)")
    staff_action("enable", "enable a disabled account again")
    staff_action("reset-pin", "set a new PIN (asked twice) that its owner must change at first use; ends a lock-out")
    staff_action("unlock", "end a lock-out after too many wrong PINs")
    staff_action("change-pin", "change your own PIN: asks the current PIN, then the new one twice", actor=False)

    verify = sub.add_parser("verify", parents=[common], help=COMMANDS["verify"][1])
    verify.add_argument(
        "--against",
        metavar="HEAD",
        type=chain_head_arg,
        help="also check that a chain head printed earlier (SEQ:MAC, from an export) is still on the chain",
    )

    db = sub.add_parser("db", parents=[common], help=COMMANDS["db"][1])
    db_sub = db.add_subparsers(dest="db_command", parser_class=_Parser, metavar="ACTION", required=True)
    db_sub.add_parser("upgrade", parents=[common], help="bring the schema up to date (safe to repeat)")
    purge = db_sub.add_parser(
        "purge",
        parents=[common, pins],
        help="replace the free text of cases before a date by a tombstone (retention); the chain still verifies",
    )
    purge.add_argument("--before", metavar="YYYY-MM-DD", type=day_arg, required=True, help="branch-local day")
    purge.add_argument("--staff", metavar="ID", type=staff_id_arg, required=True, help="the admin who purges")
    grants = db_sub.add_parser(
        "grant-sql",
        parents=[common],
        help="print the PostgreSQL roles and GRANTs: an owner that migrates, an app role that may only "
        "SELECT and INSERT on the log",
    )
    grants.add_argument("--database", metavar="NAME", help="the database name (default: from --db, else teller_guard)")
    grants.add_argument("--owner", metavar="ROLE", default="teller_guard_owner", help="the owner role")
    grants.add_argument("--app", metavar="ROLE", default="teller_guard_app", help="the app role")
    return parser


def _safe(text: str) -> str:
    """Error lines as printable text: what the user typed or a record held never drives the
    terminal (control characters shown as ``\\xNN``); line breaks between problems kept."""
    from teller_guard.core.privacy import safe_line

    return "\n".join(safe_line(line) for line in text.split("\n"))


def main(argv: Sequence[str] | None = None, *, clock: Clock | None = None) -> int:
    """Entry point of ``teller-guard`` and ``python -m teller_guard``.

    ``clock`` replaces the system clock (in-process tests freeze it).
    """
    from teller_guard.commands import Context, Failure
    from teller_guard.core.clock import system_clock

    try:
        args = build_parser().parse_args(argv)
        command = args.command or "run"
        name = "backtest" if command == "rules" and args.rules_command == "backtest" else COMMANDS[command][0]
        module = importlib.import_module(f"teller_guard.commands.{name}")
        ctx = Context.from_args(args, clock or system_clock)
        if getattr(args, "pin_argument", None) is not None:
            from teller_guard.commands._access import refuse_pin_argument

            refuse_pin_argument(ctx, args)
        return int(module.run(ctx, args) or 0)
    except UsageError as exc:
        print(_safe(f"{PROG}: error: {exc}"), file=sys.stderr)
        return 2
    except Failure as exc:
        print(_safe(exc.report()), file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        # A database that cannot be opened, written or reached is the user's to fix (a wrong
        # --db, a full disk, a read-only file, a server that is down): one line, exit 2.
        # Anything else is a bug and keeps its traceback.
        from teller_guard.storage.faults import classify

        fault = classify(exc)
        if fault is not None:
            print(_safe(f"{PROG}: error: {fault.line}"), file=sys.stderr)
            return 2
        if type(exc).__module__.split(".")[0] not in ("sqlalchemy", "psycopg", "sqlite3", "alembic"):
            raise
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(_safe(f"{PROG}: error: database: {reason}"), file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
