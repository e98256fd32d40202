"""Where the shipped rules live (stdlib only: the configuration asks for it without loading the rules schema)."""

from __future__ import annotations

from pathlib import Path


def shipped_rules_dir() -> Path:
    """The rules folder shipped with teller_guard (repo checkout or installed wheel)."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "rules", here / "_shipped_rules"):
        if (candidate / "policy.toml").is_file():
            return candidate
    return here.parent / "rules"
