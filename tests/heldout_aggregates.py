"""Aggregate figures of labelled corpora under the shipped rules (or ``--rules DIR``): nothing else.

    .venv/bin/python -m tests.heldout_aggregates tests/data/heldout_cases_7.toml [--rules DIR]

Prints, per file, only counts — frauds reaching 中 and 高, cover-story frauds reaching them, stories
named, genuine cases at 高 and 极高 and with a typology named — never a case's id or words, so a
sealed corpus can be measured without being read (the team's held-out discipline).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from teller_guard.core.corpus import CorpusScore, load_corpus, score_corpus
from teller_guard.core.rules import load_rules, shipped_rules_dir


def aggregates(name: str, s: CorpusScore) -> str:
    """One line of counts (the lead's harness's figures and the README's)."""
    return (
        f"{name}: frauds {s.frauds}: 中+ {s.frauds_medium} ({s.recall_medium:.0%}), 高+ {s.frauds_high} "
        f"({s.recall_high:.0%}); cover {s.cover}: 中+ {s.cover_medium}, 高+ {s.cover_high}; "
        f"story named {s.told_named}/{s.told} ({s.share(s.told_named, s.told):.0%}), "
        f"in the catalogue {s.story_named}/{s.story_cases} ({s.story_rate:.0%}); "
        f"genuine {s.genuine}: 高+ {s.genuine_high}, 极高 {s.genuine_critical}, typed {s.genuine_named}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--rules", type=Path, default=None)
    args = parser.parse_args(argv)
    rules = load_rules(args.rules or shipped_rules_dir())
    for path in args.files:
        print(aggregates(path.name, score_corpus(rules, load_corpus(path))))


if __name__ == "__main__":
    main()
