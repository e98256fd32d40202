"""``teller-guard demo-data --n N [--seed S] [--months M]``: fill a database with synthetic interventions.

The rows come from :mod:`teller_guard.demo` (genuine engine output, marked as demo
data). Because the intervention log is append-only — demo rows could never be deleted again —
the command writes only to a database that is new or already marked as demo (``db_meta``),
and marks it. It refuses the embedded branch database and the one ``TELLER_GUARD_DB`` names
(unless new or marked demo), and any database that holds real interventions, staff or
drafts: demo data goes into its own file (``--db sqlite:///demo.db``), and a second run into
the same file adds to it.

The demo staff (``demo-t01`` … tellers, ``demo-s01`` supervisor, ``demo-sec01`` security,
``demo-a01`` admin) sign in with the documented demo PIN ``123456``, so sign-in, approvals and
exports can be tried on a demo database; a database holding real staff never accepts it.
"""

from __future__ import annotations

import argparse
import gc
import os
import sqlite3
import time as clock
from collections.abc import Iterator
from datetime import datetime, time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from teller_guard.commands import Context, Failure
from teller_guard.core.accounts import DEMO_PIN
from teller_guard.demo import DEMO_STAFF, DemoSpec, pipelined_chunks
from teller_guard.identity.pins import Pin, PinHasher
from teller_guard.storage.db_meta import DEMO, is_new_database, mark_demo, purpose, same_database
from teller_guard.storage.demo import COLUMNS, RowChunk, real_intervention_count
from teller_guard.storage.repository import Repository

PIPELINE_FROM = 100_000
"""From this many rows, rows are generated in a second process while this one inserts."""


def pool_size(n: int) -> int:
    """Distinct engine-scored templates for ``n`` rows: enough variety, never most of the run time."""
    return max(400, min(3000, n // 10))


def _real_data(repo: Repository) -> str | None:
    """What in this database is not demo data (None when it is empty or demo-only)."""
    real = real_intervention_count(repo.engine)
    if real:
        return f"{real:,} real interventions"
    with repo.engine.connect() as conn:
        staff = conn.execute(text("SELECT count(*) FROM staff WHERE staff_id NOT LIKE 'demo-%'")).scalar_one()
        drafts = conn.execute(text("SELECT count(*) FROM draft")).scalar_one()
    if staff:
        return f"{staff} real staff"
    if drafts:
        return f"{drafts} drafts"
    return None


def branch_database(ctx: Context) -> str | None:
    """Why the target is, or may be, the branch's database (None when it is neither)."""
    settings = ctx.settings
    if settings.db is None:
        return "the branch database (the embedded default)"
    configured = os.environ.get("TELLER_GUARD_DB")
    if configured and same_database(configured, settings.db_url):
        return "the branch database (TELLER_GUARD_DB names it)"
    embedded = f"sqlite:///{settings.data_dir / 'teller_guard.db'}"
    if same_database(embedded, settings.db_url):
        return "the branch database (the embedded default)"
    return None


def run(ctx: Context, args: argparse.Namespace) -> int:
    settings = ctx.settings
    url = make_url(ctx.db_url()).render_as_string(hide_password=True)
    rules = ctx.rules
    branch = branch_database(ctx)
    new = is_new_database(settings.db_url)
    if settings.db is None:  # no --db and no TELLER_GUARD_DB: never the embedded default
        raise Failure(
            f"demo-data never writes to {branch} (the log is append-only, so demo rows could not be removed): "
            "give it its own, e.g. --db sqlite:///demo.db"
        )
    repo = ctx.repository()
    if branch and not new and purpose(repo.engine) != DEMO:
        raise Failure(
            f"{url} is {branch} and not marked as demo: demo data only goes into a new database or one "
            "demo-data filled before (the log is append-only); give it its own, e.g. --db sqlite:///demo.db"
        )
    found = _real_data(repo)
    if found:
        raise Failure(f"{url} holds {found}; demo data only goes into an empty or demo-only database")
    mark_demo(repo.engine)

    # Up to the start of today (local): the same seed gives the same rows all day, and no
    # record is ever dated after the moment it was written.
    today = ctx.today()
    end = datetime.combine(today, time(0), settings.zone)
    console = Console(stderr=True)
    started = clock.perf_counter()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("准备案例模板", total=None)
        spec = DemoSpec(
            rules_dir=str(rules.folder),
            seed=args.seed,
            end=end,
            months=args.months,
            tz=settings.tz,
            pool_size=pool_size(args.n),
        )
        # Every demo account signs in with the documented demo PIN (README, --help); the gate
        # accepts it only while the database holds no real staff.
        repo.staff.add_demo(DEMO_STAFF, PinHasher(settings.pin_hash).hash(Pin(DEMO_PIN)), at=ctx.clock())
        with repo.engine.connect() as conn:
            existing = conn.execute(text("SELECT count(*) FROM intervention")).scalar_one()

        def chunks(first_id: int) -> Iterator[RowChunk]:
            # Both ways give the same rows; the second process only pays off for big runs.
            source = (
                pipelined_chunks(spec, args.n, first_id)
                if args.n >= PIPELINE_FROM
                else spec.generator().chunks(args.n, first_id)
            )
            progress.update(task, description="写入演示数据", total=args.n)
            for chunk in source:
                yield chunk
                progress.advance(task, len(chunk["intervention"]))

        # The rows are tuples of str/int/None (no reference cycles): the cyclic collector would
        # only rescan millions of them for nothing.
        gc.disable()
        try:
            count = repo.bulk_insert_rows(COLUMNS, chunks, rebuild_indexes=args.n >= 50_000 and args.n >= existing)
        except (IntegrityError, sqlite3.IntegrityError):
            raise Failure(
                f"{url} already holds rows of seed {args.seed} (same seed, same rows): use another --seed"
            ) from None
        finally:
            gc.enable()
    seconds = clock.perf_counter() - started
    print(
        f"teller-guard: wrote {count:,} demo interventions (seed {args.seed}, {args.months} months to "
        f"{today.isoformat()}, marked extra.demo=1) to {url} in {seconds:.1f} s"
    )
    return 0
