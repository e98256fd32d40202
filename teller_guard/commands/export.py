"""``teller-guard export --month YYYY-MM --format csv|xlsx|pdf --out PATH --staff ID``: the monthly ledger."""

from __future__ import annotations

import argparse

from teller_guard.commands import Context, Failure


def run(ctx: Context, args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from teller_guard.core.permissions import EXPORT_ROLES, can_export
    from teller_guard.reports.export import ExportError, export_month

    if not args.staff:
        raise Failure("export needs --staff STAFF_ID (who exports is stated in the file)")
    repo = ctx.repository()
    staff = repo.get_staff(args.staff)
    if staff is None:
        raise Failure(f"unknown staff {args.staff!r}")
    if not can_export(staff.role):
        raise Failure(
            f"staff {staff.staff_id} ({staff.role}) may not export; allowed roles: {', '.join(sorted(EXPORT_ROLES))}"
        )
    if args.out.is_dir():
        raise Failure(f"--out {args.out} is a folder; give a file name")

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
            )
        except ExportError as exc:
            raise Failure(str(exc)) from None
        except OSError as exc:
            raise Failure(f"cannot write {args.out}: {exc.strerror or exc}") from None
    print(f"{result.path}\t{result.rows} rows\tsha256 {result.sha256}")
    return 0
