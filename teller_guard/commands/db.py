"""``teller-guard db upgrade``: bring the schema up to date (also done on every start)."""

from __future__ import annotations

import argparse

from teller_guard.commands import Context


def run(ctx: Context, args: argparse.Namespace) -> int:
    from teller_guard.storage.db import current_revision, make_engine, migrate

    engine = make_engine(ctx.db_url())
    migrate(engine)
    print(
        f"database {engine.url.render_as_string(hide_password=True)} is at schema revision {current_revision(engine)}"
    )
    return 0
