"""``teller-guard rules check``: validate the whole rules folder and report every problem.

Loading checks every file strictly (and refuses patterns and templates that could hang or
crash scoring); the check then probes the loaded rules for real — every pattern timed on the
longest texts the input allows, a sample case scored for every checklist option — so rules it
passes cannot crash or hang scoring.
"""

from __future__ import annotations

import argparse

from teller_guard.commands import Context, Failure
from teller_guard.core.errors import RulesError


def run(ctx: Context, args: argparse.Namespace) -> int:
    from teller_guard.core.rules_probe import probe_rules

    rules = ctx.load_rules(fresh=True)  # always validated (never the cache); Failure with every problem, exit 2
    problems = probe_rules(rules)
    if problems:
        raise Failure.from_rules(RulesError(problems))
    n_items = sum(len(c.item) for c in rules.checklists.values())
    print(
        f"rules OK: {rules.folder} (version {rules.version}): {len(rules.signals)} signals, "
        f"{len(rules.typologies)} typologies, {len(rules.checklists)} checklists with {n_items} items"
    )
    return 0
