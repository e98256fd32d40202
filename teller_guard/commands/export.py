"""``teller-guard export --month YYYY-MM --format csv|xlsx|pdf --out PATH --staff ID [--pin-stdin]``: the monthly ledger.

The member of staff named by ``--staff`` types their PIN (a wrong one counts toward the
lock-out); only the roles :func:`teller_guard.core.permissions.can_export` allows get a file.
The export (month, format, rows, checksum) or its refusal is written to the audit trail.
"""

from __future__ import annotations

import argparse

from teller_guard.commands import Context, Failure
from teller_guard.commands._access import authorize, pin_reader


def run(ctx: Context, args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from teller_guard.core.permissions import EXPORT_ROLES
    from teller_guard.reports.export import ExportError, export_month

    if args.out.is_dir():
        raise Failure(f"--out {args.out} is a folder; give a file name")
    gate = ctx.gate()
    repo = gate.repo
    account = authorize(
        gate, args.staff, pin_reader(args), kind="export", action="export", allowed=EXPORT_ROLES, subject=args.month
    )
    staff = account.staff

    def refused(why: str) -> None:
        gate.record("export", staff.staff_id, ok=False, subject=args.month, format=args.format, reason=why)

    head = repo.chain_head()  # printed on the export, so paper signed by the officer anchors the chain
    console = Console(stderr=True)
    with Progress(
        TextColumn(f"导出 {args.month} {args.format.upper()}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("export", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            result = export_month(
                repo.engine,
                args.month,
                args.format,
                args.out,
                staff=staff,
                rules=ctx.rules,
                zone=ctx.settings.zone,
                now=ctx.clock(),
                progress=progress,
                chain_head=head.head if head else None,
            )
        except ExportError as exc:
            refused("export_error")
            raise Failure(str(exc)) from None
        except OSError as exc:
            refused("write_failed")
            # a symbolic link, a device or a pipe is refused by the writer (teller_guard.files)
            raise Failure(f"cannot write {args.out}: {exc.strerror or exc}") from None
    gate.record(
        "export",
        staff.staff_id,
        subject=args.month,
        format=args.format,
        rows=result.rows,
        sha256=result.sha256,
        file=str(result.path),
    )
    print(f"{result.path}\t{result.rows} rows\tsha256 {result.sha256}" + (f"\tchain head {head.head}" if head else ""))
    return 0
