"""``teller-guard assess [FILE|-]``: one JSON object in, one JSON object out. Never imports Textual."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from teller_guard.commands import Context, Failure
from teller_guard.core.errors import InputError
from teller_guard.core.jsonio import loads, parse_input
from teller_guard.core.models import Assessment, AssessmentInput
from teller_guard.core.scoring import assess


def read_input(source: str) -> str:
    """Read a JSON document from a path or ``-`` (stdin)."""
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise Failure(f"input: cannot read {source}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise Failure(f"input: {source} is not UTF-8 text") from None


def assess_source(ctx: Context, source: str) -> tuple[AssessmentInput, Assessment]:
    """Read one JSON assessment input from a path or ``-`` and score it (user errors → Failure)."""
    text = read_input(source)
    rules = ctx.rules
    try:
        inp = parse_input(loads(text), ctx.today())
        return inp, assess(rules, inp)
    except InputError as exc:
        raise Failure.from_input(exc) from None


def run(ctx: Context, args: argparse.Namespace) -> int:
    _, result = assess_source(ctx, args.file)
    json.dump(result.to_json_dict(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0
