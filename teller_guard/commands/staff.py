"""``teller-guard staff add|list|disable|enable|reset-pin|unlock|change-pin``: staff accounts.

Every action but ``change-pin`` names the acting admin with ``--as`` and asks for that
admin's PIN first; ``add`` and ``reset-pin`` then ask for the new PIN twice. PINs come from
the terminal without echo, or one per line from standard input with ``--pin-stdin`` (in the
order asked). The first run is the exception: while there is no admin at all,
``staff add --role admin`` (without ``--as``) creates the first one.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from pydantic import ValidationError

from teller_guard.commands import Context, Failure
from teller_guard.commands._access import PinReader, authorize, guarded, pin_reader
from teller_guard.identity.pins import Pin

if TYPE_CHECKING:
    from teller_guard.core.accounts import StaffAccount

T = TypeVar("T")


def _new_pin(read_pin: PinReader, staff_id: str) -> tuple[Pin, Pin]:
    return read_pin(f"new PIN for {staff_id}: "), read_pin(f"new PIN for {staff_id} again: ")


def _line(account: StaffAccount) -> str:
    return f"{account.staff_id}\t{account.name}\t{account.role}"


def run(ctx: Context, args: argparse.Namespace) -> int:
    from teller_guard.core.permissions import STAFF_ADMIN_ROLES, STAFF_LIST_ROLES
    from teller_guard.identity.admin import StaffAdmin

    read_pin = pin_reader(args)
    gate = ctx.gate()
    admin = StaffAdmin(gate)
    action = args.staff_command

    if action == "change-pin":
        old = read_pin(f"current PIN for {args.id}: ")
        new, repeat = _new_pin(read_pin, args.id)
        account = guarded(lambda: gate.change_pin(args.id, old, new, repeat))
        print(f"PIN changed for {account.staff_id}")
        return 0

    if action == "add" and args.actor is None:
        if gate.repo.staff.has_admin():
            raise Failure("staff add needs --as ADMIN_ID: an admin exists, so only an admin adds staff")
        if args.role != "admin":
            from teller_guard.identity.refusals import no_admin

            raise Failure(no_admin().en)
        new, repeat = _new_pin(read_pin, args.id)
        account = guarded(lambda: _valid(lambda: admin.first_admin(args.id, args.name, new, repeat)))
        print(f"first admin created: {_line(account)}")
        return 0
    if args.actor is None:
        raise Failure(f"staff {action} needs --as ADMIN_ID (the admin making the change)")

    if action == "list":
        actor = authorize(
            gate, args.actor, read_pin, kind="staff_listed", action="staff_list", allowed=STAFF_LIST_ROLES
        )
        gate.record("staff_listed", actor.staff_id)
        _print_list(ctx, gate.repo.staff.all(), gate.repo.clock())
        return 0

    kinds = {
        "add": "staff_added",
        "disable": "staff_disabled",
        "enable": "staff_enabled",
        "reset-pin": "pin_reset",
        "unlock": "staff_unlocked",
    }
    actor = authorize(
        gate, args.actor, read_pin, kind=kinds[action], action="staff_admin", allowed=STAFF_ADMIN_ROLES, subject=args.id
    )
    if action == "add":
        new, repeat = _new_pin(read_pin, args.id)
        account = guarded(lambda: _valid(lambda: admin.add(actor, args.id, args.name, args.role, new, repeat)))
        print(f"added: {_line(account)} (the PIN must be changed at first use)")
    elif action in ("disable", "enable"):
        account = guarded(lambda: admin.set_active(actor, args.id, action == "enable"))
        print(f"{action}d: {_line(account)}")
    elif action == "reset-pin":
        new, repeat = _new_pin(read_pin, args.id)
        account = guarded(lambda: admin.reset_pin(actor, args.id, new, repeat))
        print(f"PIN reset for {account.staff_id} (to be changed at first use; any lock-out ended)")
    else:
        account = guarded(lambda: admin.unlock(actor, args.id))
        print(f"unlocked: {account.staff_id}")
    return 0


def _valid(call: Callable[[], T]) -> T:
    """Bad --id / --name values as one line naming the flag."""
    try:
        return call()
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][-1]) if err["loc"] else "value"
        raise Failure(f"--{field.replace('staff_id', 'id')}: {err['msg']}") from None
    except ValueError as exc:
        raise Failure(f"--id: {exc}") from None


def _print_list(ctx: Context, accounts: Sequence[StaffAccount], now: datetime) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from teller_guard.core.privacy import safe_line
    from teller_guard.core.vocabulary import ROLE_LABELS

    zone = ctx.settings.zone
    table = Table(title="员工账户 staff accounts")
    for name in ("工号 id", "姓名 name", "岗位 role", "状态 status", "密码设置于 PIN set"):
        table.add_column(name)
    for a in accounts:
        if not a.active:
            status = "停用 disabled"
        elif a.locked_at(now):
            assert a.locked_until is not None
            status = f"锁定至 locked until {a.locked_until.astimezone(zone):%Y-%m-%d %H:%M}"
        elif a.pin_hash is None:
            status = "未设密码 no PIN"
        elif a.must_change:
            status = "待改密码 must change PIN"
        else:
            status = "在用 active"
        if a.active and a.failed_attempts and not a.locked_at(now):
            status += f"（连续输错 {a.failed_attempts} 次）"
        set_at = f"{a.pin_set_at.astimezone(zone):%Y-%m-%d %H:%M}" if a.pin_set_at else "—"
        shown = Text(safe_line(a.name))  # a name is data: neither markup nor terminal codes
        table.add_row(a.staff_id, shown, f"{ROLE_LABELS.get(a.role, a.role)} {a.role}", status, set_at)
    console = Console() if Console().is_terminal else Console(width=140)
    console.print(table)
