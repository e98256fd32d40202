"""The ``teller-guard`` command: argument parsing and dispatch, nothing else.

Each sub-command lives in :mod:`teller_guard.commands` and is imported only when used, so
``teller-guard assess`` and ``teller-guard rules check`` start without loading Textual.
Bad input exits 2 with one line on stderr; invalid rules exit 2 with every problem listed.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys

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

# Not `from typing import TYPE_CHECKING`: typing alone is 2 ms of a `--help` that has 10 ms in all
# (bench/bench_cli.py); mypy treats any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Collection, Sequence
    from datetime import date
    from typing import Any, NoReturn

    from teller_guard.core.clock import Clock

PROG = "teller-guard"


class UsageError(Exception):
    """Bad command-line input: printed as one line, exit status 2."""


def _columns() -> int:
    """The terminal's width as shutil would tell it (COLUMNS, then the terminal, then 80),
    without importing shutil for it."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 80
    except (AttributeError, ValueError, OSError):
        return 80


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Line breaks of descriptions and examples kept; the width found without shutil."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None):
        super().__init__(prog, indent_increment, max_help_position, _columns() - 2 if width is None else width)

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法 · usage: " if prefix is None else prefix)


_SECTION_TITLES = {"positional arguments": "参数 · arguments", "options": "选项 · options"}


class _Parser(argparse.ArgumentParser):
    """argparse, but errors are one line on stderr (no usage dump) and exit 2; help keeps the
    line breaks of descriptions and examples."""

    def __init__(self, *, add_help: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(add_help=False, **kwargs)
        if add_help:
            self.add_argument(
                "-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助 · show this help and exit"
            )

    def add_argument_group(self, *args: Any, **kwargs: Any) -> Any:
        # argparse names its own two sections in English; every parser (and the parents they
        # copy options from) gets the same two-language titles, so sections merge as before.
        if args and args[0] in _SECTION_TITLES:
            args = (_SECTION_TITLES[args[0]], *args[1:])
        return super().add_argument_group(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
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
    "run": ("app", "启动终端应用（默认） · start the terminal app (the default)"),
    "rules": ("rules_check", "检查规则目录，或回测规则草案 · validate the rules folder, or backtest a draft of it"),
    "assess": ("assess", "为一笔转账评分（JSON 进出） · score one transfer from JSON (stdin or a file), print JSON"),
    "demo-data": ("demo_data", "生成演示数据到单独的数据库 · fill a separate database with synthetic interventions"),
    "notice": ("notice", "生成《防范电信诈骗告知书》PDF · render the bespoke anti-fraud notice (PDF)"),
    "serve": ("serve", "在浏览器中提供应用（大堂平板） · serve the app to browsers (lobby tablets)"),
    "stats": ("stats", "本网点某月统计 · branch statistics for a month, in the terminal"),
    "export": ("export", "导出月度干预记录 · export the monthly intervention log (csv, xlsx, pdf)"),
    "staff": ("staff", "员工账户管理 · staff accounts: add, list, disable, enable, reset-pin, unlock, change-pin"),
    "audit": ("audit", "审计记录 · the audit trail: sign-ins, approvals, exports, staff changes"),
    "db": ("db", "数据库维护 · database maintenance (upgrade the schema, purge old free text, PostgreSQL grants)"),
    "verify": ("verify", "核验证据链 · check the evidence chain over the whole log (exit 1 names the first break)"),
}

EXAMPLES: dict[str, str] = {
    "run": "teller-guard run --mode lobby",
    "rules": "teller-guard rules check --rules ./rules",
    "rules check": "teller-guard rules check --rules ./rules",
    "rules backtest": "teller-guard rules backtest --rules ./rules-draft --corpus cases.toml",
    "assess": 'echo \'{"channel": "counter", "amount": 50000, "customer": {"age": 72}}\' | teller-guard assess',
    "demo-data": "teller-guard demo-data --db sqlite:///demo.db --n 10000 --months 6",
    "notice": "teller-guard notice --input case.json --out notice.pdf",
    "serve": "teller-guard serve --host 0.0.0.0 --port 8000",
    "stats": "teller-guard stats --month 2026-10 --staff S01",
    "export": "teller-guard export --month 2026-10 --format xlsx --out 2026-10.xlsx --staff SEC01",
    "staff": "teller-guard staff add --id T01 --name 王丽 --role teller --as A01",
    "audit": "teller-guard audit --as SEC01 --month 2026-10",
    "db": "teller-guard db upgrade --db postgresql+psycopg://tg@db/branch",
    "verify": "teller-guard verify --against 1234:3f9a2b1c0d4e5f60",
}
"""One example per command, shown at the end of its ``--help`` (示例 / example)."""


def _example(name: str) -> str:
    return f"示例 / example:\n  {EXAMPLES[name]}"


def _top_epilog() -> str:
    lines = ["示例 / examples:"] + [f"  {EXAMPLES[name]}" for name in COMMANDS]
    lines.append("")
    lines.append("每个命令的帮助 / help on one command:  teller-guard COMMAND --help")
    return "\n".join(lines)


ROLE_HELP = "teller 柜员, lobby 大堂经理, guard 保安, supervisor 主管, security 安全保卫, admin 管理员"


def staff_id_arg(value: str) -> str:
    """A staff id (工号): 1–32 letters, digits, '-' or '_'."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", value):
        raise argparse.ArgumentTypeError(f"invalid staff id {value!r} (1-32 letters, digits, '-' or '_')")
    return value


def day_arg(value: str) -> date:
    """A real day ``YYYY-MM-DD``."""
    from datetime import date

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


def build_parser(full: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The whole parser; with ``full``, only those commands get their options (the others only a
    name and a help line, enough for the command list and to refuse a wrong name). ``main``
    passes the command names present in argv: argparse picks its command among exactly those."""

    def wanted(name: str) -> bool:
        return full is None or name in full

    # SUPPRESS: a flag given before the sub-command must not be reset by the sub-command's default.
    common = _Parser(add_help=False, argument_default=argparse.SUPPRESS)
    common.add_argument(
        "--db",
        metavar="URL",
        type=db_url_arg,
        help="数据库地址 · SQLAlchemy database URL (default: TELLER_GUARD_DB or the embedded SQLite file)",
    )
    common.add_argument(
        "--rules",
        metavar="DIR",
        type=existing_folder,
        help="规则目录 · rules folder (default: TELLER_GUARD_RULES or the shipped rules/)",
    )
    # A PIN is never an argument (ps, shell history): these exist only to refuse it clearly.
    for flag in ("--pin", "--password"):
        common.add_argument(flag, dest="pin_argument", nargs="?", const="", help=argparse.SUPPRESS)

    pins = _Parser(add_help=False)
    pins.add_argument(
        "--pin-stdin",
        action="store_true",
        help="从标准输入读密码 · read PINs from standard input, one per line, in the order asked (the acting "
        "staff member's first) instead of from the terminal",
    )

    parser = _Parser(
        prog=PROG,
        description="teller_guard 反诈风险提示助手 · a bank-branch anti-fraud assistant",
        epilog=_top_epilog(),
        parents=[common],
    )
    parser.add_argument(
        "--version", action="version", version=f"{PROG} {__version__}", help="显示版本 · show the version and exit"
    )
    parser.add_argument(
        "--mode",
        choices=["counter", "lobby", "stats"],
        default="counter",
        help="先打开哪一部分：柜面、大堂、统计 · which part of the app opens first",
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    def command(name: str, parents: Sequence[_Parser] = (common,), **kw: Any) -> _Parser | None:
        if not wanted(name):
            sub.add_parser(name, help=COMMANDS[name][1], add_help=False)
            return None
        kw.setdefault("description", COMMANDS[name][1])
        parser: _Parser = sub.add_parser(
            name, parents=list(parents), help=COMMANDS[name][1], epilog=_example(name), **kw
        )
        return parser

    if run := command("run"):
        run.add_argument("--mode", choices=["counter", "lobby", "stats"], default=argparse.SUPPRESS)

    if rules := command("rules"):
        rules_sub = rules.add_subparsers(dest="rules_command", parser_class=_Parser, metavar="ACTION", required=True)
        rules_sub.add_parser(
            "check",
            parents=[common],
            help="逐个文件严格检查并列出全部问题 · check every file strictly and report every problem",
            epilog=_example("rules check"),
        )
        bt = rules_sub.add_parser(
            "backtest",
            parents=[common],
            help="用规则草案重新评分历史记录并列出变化 · re-score past interventions (and corpus files) with a draft "
            "ruleset (--rules DRAFT_DIR) and show what changes",
            epilog=_example("rules backtest"),
        )
        bt.add_argument(
            "--base",
            type=existing_folder,
            metavar="DIR",
            help="the rules to compare with (default: the rules in force)",
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

    if assess := command("assess"):
        assess.add_argument(
            "file",
            nargs="?",
            default="-",
            type=input_file,
            metavar="FILE|-",
            help="JSON 输入 · JSON input (default: stdin)",
        )

    if demo := command(
        "demo-data",
        description=COMMANDS["demo-data"][1] + "\n\n"
        "Fill a separate database with synthetic interventions. Its demo staff (demo-t01 … tellers, "
        "demo-s01 supervisor, demo-sec01 security, demo-a01 admin) sign in with the demo PIN 123456, "
        "which a database holding real staff never accepts.",
    ):
        demo.add_argument("--n", type=bounded_int(1, 10_000_000), required=True, help="条数 · number of interventions")
        demo.add_argument(
            "--seed", type=bounded_int(0, 2**31 - 1), default=1, help="随机种子 · random seed (same seed, same data)"
        )
        demo.add_argument(
            "--months",
            type=bounded_int(1, 120),
            default=12,
            help="月数 · spread over this many months up to now (1–120)",
        )

    if notice := command("notice"):
        notice.add_argument(
            "--input",
            required=True,
            type=input_file,
            metavar="ASSESSMENT.json",
            help="评分输入（JSON） · an assess input (JSON), or - for stdin",
        )
        notice.add_argument("--out", required=True, type=out_file, metavar="FILE.pdf")

    if serve := command("serve"):
        serve.add_argument(
            "--host", default="127.0.0.1", type=host_arg, help="监听地址 · address to bind (default: loopback only)"
        )
        serve.add_argument("--port", type=port_arg, default=8000)
        serve.add_argument("--mode", choices=["counter", "lobby", "stats"], default="lobby")
        serve.add_argument(
            "--max-sessions",
            type=positive_int,
            metavar="N",
            help="browser sessions at once, each ~80 MB (default: TELLER_GUARD_MAX_SESSIONS or 8)",
        )

    if stats := command("stats", parents=(common, pins)):
        stats.add_argument("--month", type=month_arg, help="月份 · YYYY-MM, local business month (default: last month)")
        stats.add_argument(
            "--staff",
            metavar="STAFF_ID",
            type=staff_id_arg,
            required=True,
            help="查看人工号 · who is reading (PIN asked)",
        )

    if export := command("export", parents=(common, pins)):
        export.add_argument("--month", type=month_arg, required=True, help="月份 · YYYY-MM, local business month")
        export.add_argument("--format", choices=["csv", "xlsx", "pdf"], required=True)
        export.add_argument("--out", type=out_file, required=True, metavar="PATH")
        export.add_argument(
            "--staff",
            metavar="STAFF_ID",
            type=staff_id_arg,
            required=True,
            help="导出人工号 · who is exporting (an export role; PIN asked)",
        )

    if audit := command("audit", parents=(common, pins)):
        audit.add_argument(
            "--as",
            dest="actor",
            metavar="STAFF_ID",
            type=staff_id_arg,
            required=True,
            help="查看人工号 · who is reading (security or admin; PIN asked)",
        )
        audit.add_argument("--month", type=month_arg, help="月份 · YYYY-MM, local month (default: every event)")
        audit.add_argument("--staff", metavar="STAFF_ID", type=staff_id_arg, help="only this member of staff's events")
        audit.add_argument("--json", action="store_true", help="one JSON array instead of a table")

    if staff := command("staff"):
        staff_sub = staff.add_subparsers(dest="staff_command", parser_class=_Parser, metavar="ACTION", required=True)

        def staff_action(
            name: str, help_text: str, *, needs_id: bool = True, actor: bool = True
        ) -> argparse.ArgumentParser:
            action = staff_sub.add_parser(
                name, parents=[common, pins], help=help_text, description=help_text, epilog=_example("staff")
            )
            if needs_id:
                action.add_argument(
                    "--id", metavar="STAFF_ID", type=staff_id_arg, required=True, help="账户工号 · the account (工号)"
                )
            if actor:
                action.add_argument(
                    "--as",
                    dest="actor",
                    metavar="ADMIN_ID",
                    type=staff_id_arg,
                    help="管理员工号 · the admin making the change (PIN asked first)",
                )
            return action

        add = staff_action(
            "add",
            "add an account; asks the admin's PIN, then the new PIN twice (to be changed at first use). "
            "First run: with no admin yet, --role admin without --as creates the first admin",
        )
        add.add_argument("--name", required=True, help="姓名 · full name")
        add.add_argument(
            "--role",
            required=True,
            choices=["teller", "lobby", "guard", "supervisor", "security", "admin"],
            help=ROLE_HELP,
        )
        staff_action("list", "list accounts with their status (admin or security)", needs_id=False)
        staff_action("disable", "disable an account (it can no longer sign in or approve)")
        staff_action("enable", "enable a disabled account again")
        staff_action(
            "reset-pin", "set a new PIN (asked twice) that its owner must change at first use; ends a lock-out"
        )
        staff_action("unlock", "end a lock-out after too many wrong PINs")
        staff_action("change-pin", "change your own PIN: asks the current PIN, then the new one twice", actor=False)

    if verify := command("verify"):
        verify.add_argument(
            "--against",
            metavar="HEAD",
            type=chain_head_arg,
            help="核对导出上打印的链头 · also check that a chain head printed earlier (SEQ:MAC, from an export) "
            "is still on the chain",
        )

    if db := command("db"):
        db_sub = db.add_subparsers(dest="db_command", parser_class=_Parser, metavar="ACTION", required=True)
        db_sub.add_parser(
            "upgrade",
            parents=[common],
            help="把数据库结构升级到最新（可重复执行） · bring the schema up to date (safe to repeat)",
            epilog=_example("db"),
        )
        purge = db_sub.add_parser(
            "purge",
            parents=[common, pins],
            help="清除旧案件的自由文本 · replace the free text of cases before a date by a tombstone (retention); "
            "the chain still verifies",
            epilog="示例 / example:\n  teller-guard db purge --before 2021-12-01 --staff A01",
        )
        purge.add_argument("--before", metavar="YYYY-MM-DD", type=day_arg, required=True, help="branch-local day")
        purge.add_argument("--staff", metavar="ID", type=staff_id_arg, required=True, help="the admin who purges")
        grants = db_sub.add_parser(
            "grant-sql",
            parents=[common],
            help="打印 PostgreSQL 角色与授权 · print the PostgreSQL roles and GRANTs: an owner that migrates, "
            "an app role that may only SELECT and INSERT on the log",
            epilog="示例 / example:\n  teller-guard db grant-sql --db postgresql://tg@db/branch",
        )
        grants.add_argument(
            "--database", metavar="NAME", help="the database name (default: from --db, else teller_guard)"
        )
        grants.add_argument("--owner", metavar="ROLE", default="teller_guard_owner", help="the owner role")
        grants.add_argument("--app", metavar="ROLE", default="teller_guard_app", help="the app role")
    return parser


def _safe(text: str) -> str:
    """Error lines as printable text: what the user typed or a record held never drives the
    terminal (control characters shown as ``\\xNN``); line breaks between problems kept."""
    lines = text.split("\n")
    if all(line.isprintable() for line in lines):
        return text  # no control character in it (those are never printable): nothing to show as \xNN
    from teller_guard.core.privacy import safe_line

    return "\n".join(safe_line(line) for line in lines)


def main(argv: Sequence[str] | None = None, *, clock: Clock | None = None) -> int:
    """Entry point of ``teller-guard`` and ``python -m teller_guard``.

    ``clock`` replaces the system clock (in-process tests freeze it).
    """
    # Parse first, with the standard library only: --help, --version and a wrong argument
    # answer before the settings, pydantic or the rules are imported (bench/bench_cli.py).
    try:
        given = sys.argv[1:] if argv is None else list(argv)
        args = build_parser(full=COMMANDS.keys() & set(given)).parse_args(given)
    except UsageError as exc:
        print(_safe(f"{PROG}: error: {exc}"), file=sys.stderr)
        return 2

    from teller_guard.commands import Context, Failure
    from teller_guard.core.clock import system_clock

    try:
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
