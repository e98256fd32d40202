"""``teller-guard audit --as ID [--month YYYY-MM] [--staff ID] [--json] [--pin-stdin]``: the audit trail.

Sign-ins (and failed ones), lock-outs, sign-outs, idle locks, approvals (and refused ones),
exports, staff changes and rules versions first seen: who, when (UTC, shown in the branch's
local time), from where. For the roles :func:`teller_guard.core.permissions.can_read_audit`
allows (安全保卫, 管理员), after their PIN; the reading itself is logged first.

``--json`` prints one JSON array; each event has ``id``, ``at`` (UTC, ISO 8601), ``local_time``,
``kind``, ``label``, ``staff_id``, ``ok``, ``origin``, ``client``, ``subject`` and ``detail``.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from teller_guard.commands import Context
from teller_guard.commands._access import authorize, pin_reader


def run(ctx: Context, args: argparse.Namespace) -> int:
    from teller_guard.core.audit import AUDIT_KINDS
    from teller_guard.core.permissions import AUDIT_ROLES

    gate = ctx.gate()
    account = authorize(
        gate,
        args.actor,
        pin_reader(args),
        kind="audit_read",
        action="audit_read",
        allowed=AUDIT_ROLES,
        subject=args.month,
    )
    gate.record("audit_read", account.staff_id, subject=args.month, staff_filter=args.staff)
    events = gate.repo.audit_events(local_month=args.month, staff_id=args.staff)
    zone = ctx.settings.zone

    if args.json:
        out: list[dict[str, Any]] = [
            {
                "id": e.id,
                "at": e.at.isoformat().replace("+00:00", "Z"),
                "local_time": e.at.astimezone(zone).isoformat(),
                "kind": e.kind,
                "label": AUDIT_KINDS.get(e.kind, e.kind),
                "staff_id": e.staff_id,
                "ok": e.ok,
                "origin": e.origin,
                "client": e.client,
                "subject": e.subject,
                "detail": e.detail,
            }
            for e in events
        ]
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from teller_guard.core.audit import AUDIT_COLUMNS, audit_cells
    from teller_guard.core.privacy import safe_line

    title = (
        f"审计日志 audit trail {args.month or '全部'}{f' · {args.staff}' if args.staff else ''}（{ctx.settings.tz}）"
    )
    table = Table(title=title)
    for name in AUDIT_COLUMNS:
        table.add_column(name)
    for e in events:
        cells = [Text(safe_line(c)) for c in audit_cells(e, zone)]  # no escape sequence reaches the terminal
        cells[1].append(f" {e.kind}", style="dim")
        if not e.ok:
            cells[3].stylize("bold red")
        table.add_row(*cells)
    console = Console() if Console().is_terminal else Console(width=200)
    console.print(table)
    console.print(f"[dim]{len(events)} 条 events[/dim]")
    return 0
