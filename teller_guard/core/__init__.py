"""The pure domain: rules as data, the risk engine, ID numbers and money.

Nothing here imports Textual, Rich, SQLModel or SQLAlchemy; a test proves it. The names below
load on first use (PEP 562), so importing one small module (``core.money``) does not build the
whole rules schema — the ``stats`` command starts in a fraction of the time.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "InputError": "errors",
    "RuleProblem": "errors",
    "RulesError": "errors",
    "Assessment": "models",
    "AssessmentInput": "models",
    "FiredSignal": "models",
    "SuspectedTypology": "models",
    "RuleSet": "rules",
    "load_rules": "rules",
    "assess": "scoring",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"teller_guard.core.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'teller_guard.core' has no attribute {name!r}")
