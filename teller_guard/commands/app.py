"""``teller-guard`` / ``teller-guard run``: start the terminal app on the configured database."""

from __future__ import annotations

import argparse

from teller_guard.commands import Context


def run(ctx: Context, args: argparse.Namespace) -> int:
    rules = ctx.rules  # refuse to start on invalid rules, with every problem listed
    from teller_guard.ui.app import make_app

    make_app(ctx.settings, rules, mode=getattr(args, "mode", "counter") or "counter").run()
    return 0
