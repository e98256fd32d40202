"""``teller-guard rules check``: validate the whole rules folder and report every problem."""

from __future__ import annotations

import argparse

from teller_guard.commands import Context


def run(ctx: Context, args: argparse.Namespace) -> int:
    rules = ctx.rules  # raises Failure with every problem listed, exit 2
    n_items = sum(len(c.item) for c in rules.checklists.values())
    print(
        f"rules OK: {rules.folder} (version {rules.version}): {len(rules.signals)} signals, "
        f"{len(rules.typologies)} typologies, {len(rules.checklists)} checklists with {n_items} items"
    )
    return 0
