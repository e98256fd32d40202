"""The pure domain: rules as data, the risk engine, ID numbers and money.

Nothing here imports Textual, Rich, SQLModel or SQLAlchemy; a test proves it.
"""

from teller_guard.core.errors import InputError, RuleProblem, RulesError
from teller_guard.core.models import (
    Assessment,
    AssessmentInput,
    FiredSignal,
    SuspectedTypology,
)
from teller_guard.core.rules import RuleSet, load_rules
from teller_guard.core.scoring import assess

__all__ = [
    "Assessment",
    "AssessmentInput",
    "FiredSignal",
    "InputError",
    "RuleProblem",
    "RuleSet",
    "RulesError",
    "SuspectedTypology",
    "assess",
    "load_rules",
]
