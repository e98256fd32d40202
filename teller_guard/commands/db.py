"""``teller-guard db upgrade``: bring the schema up to date (also done on every start)."""

from __future__ import annotations

import argparse

from teller_guard.commands import Context


def run(ctx: Context, args: argparse.Namespace) -> int:
    from teller_guard.storage.db import current_revision, make_engine, migrate

    engine = make_engine(ctx.db_url())
    migrate(engine)
    sealed = ctx.repository().seal_upgrade()
    print(
        f"database {engine.url.render_as_string(hide_password=True)} is at schema revision {current_revision(engine)}"
        + (f"; {sealed:,} records already in the log sealed into the evidence chain" if sealed else "")
    )
    return 0
