"""``teller-guard db upgrade``: bring the schema up to date (also done on every start), and seal
a log that was there before the evidence chain; ``teller-guard db grant-sql``: print the
PostgreSQL roles and GRANTs (:mod:`teller_guard.storage.grants`)."""

from __future__ import annotations

import argparse

from teller_guard.commands import Context, Failure


def run(ctx: Context, args: argparse.Namespace) -> int:
    if args.db_command == "grant-sql":
        return grant_sql(ctx, args)
    if args.db_command == "purge":
        return purge(ctx, args)
    from teller_guard.storage.db import current_revision, make_engine, migrate

    engine = make_engine(ctx.db_url())
    migrate(engine)
    sealed = ctx.repository().seal_upgrade()
    print(
        f"database {engine.url.render_as_string(hide_password=True)} is at schema revision {current_revision(engine)}"
        + (f"; {sealed:,} records already in the log sealed into the evidence chain" if sealed else "")
    )
    return 0


def grant_sql(ctx: Context, args: argparse.Namespace) -> int:
    """Print the GRANTs of the two PostgreSQL roles (nothing is run, no database is opened)."""
    from sqlalchemy.engine import make_url

    from teller_guard.storage.grants import grant_sql as sql

    database = args.database
    if database is None:
        url = make_url(ctx.settings.db_url)
        database = url.database if url.get_backend_name() == "postgresql" else "teller_guard"
    try:
        print(sql(database or "teller_guard", owner=args.owner, app=args.app), end="")
    except ValueError as exc:
        raise Failure(str(exc)) from None
    return 0


def purge(ctx: Context, args: argparse.Namespace) -> int:
    """Retention: the free text of cases before ``--before`` replaced by a tombstone, one chain
    link per case purged, an audit event naming the admin who did it."""
    from teller_guard.commands._access import authorize, pin_reader
    from teller_guard.core.permissions import STAFF_ADMIN_ROLES

    if args.before > ctx.today():
        raise Failure(f"--before {args.before} is in the future")
    gate = ctx.gate()
    account = authorize(
        gate, args.staff, pin_reader(args), kind="purge", action="purge", allowed=STAFF_ADMIN_ROLES,
        subject=args.before.isoformat(),
    )  # fmt: skip
    n = gate.repo.purge_free_text(args.before)
    gate.record("purge", account.staff.staff_id, subject=args.before.isoformat(), cases=n)
    print(
        f"free text of {n:,} case{'s' if n != 1 else ''} before {args.before} replaced by a tombstone; the chain records it"
    )
    return 0
