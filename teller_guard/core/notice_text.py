"""The identity of the notice's fixed wording, recorded with every acknowledgement."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from teller_guard.core.rules import RuleSet


def notice_text_hash(rules: RuleSet) -> str:
    """SHA-256 of the notice's fixed text (everything in ``notice.toml`` but version and sources).

    Recorded with every acknowledgement, so it is known exactly which words the customer saw.
    """
    fixed = asdict(rules.notice)  # str, lists and dicts of them: as a JSON dump would give them
    del fixed["version"], fixed["sources"]
    blob = json.dumps(fixed, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()
