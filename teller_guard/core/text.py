"""Narrative detection: concepts expressed in many words, combined into clauses.

A typology or text rule matches when every concept of one of its clauses appears in what the
customer said. Concepts are word families (``authority`` = 公安/民警/检察官/法院 …), so a
paraphrase that swaps one word for another still matches; benign mentions are removed first
(``neutralise``), and a negator right before a term cancels it (``没有人打电话``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from teller_guard.core.schema import PLACEHOLDER_RE, TextField

FIELD_LABELS: dict[str, str] = {
    "purpose": "用途",
    "payee_relation": "收款人关系",
    "notes": "客户陈述",
}
_CLAUSE_BREAK = set("，。,.;；!！?？、\n：:")


def normalise(text: str) -> str:
    """Fold width and case, unify 帐/账, drop white space, so spellings compare equal."""
    folded = unicodedata.normalize("NFKC", text).lower().replace("帐", "账")
    return re.sub(r"\s+", "", folded)


def expand(pattern: str, terms_of: Mapping[str, Sequence[str]]) -> str:
    """Replace ``{concept}`` in a regex by an alternation of that concept's terms."""

    def sub(m: re.Match[str]) -> str:
        terms = sorted((normalise(t) for t in terms_of[m.group(1)]), key=len, reverse=True)
        return "(?:" + "|".join(re.escape(t) for t in terms) + ")"

    return PLACEHOLDER_RE.sub(sub, pattern)


def describe(hits: Sequence[tuple[str, str]]) -> str:
    """``用途说“平台”“稳赚不赔”；收款人关系说“不清楚”``: the phrases, grouped by where they were said."""
    grouped: dict[str, list[str]] = {}
    for fld, phrase in hits:
        grouped.setdefault(fld, []).append(f"“{phrase}”")
    return "；".join(f"{FIELD_LABELS[f]}说{''.join(p)}" for f, p in grouped.items())


@dataclass(frozen=True)
class Concept:
    """A compiled concept: one regex for all its terms and patterns."""

    id: str
    regex: re.Pattern[str]


@dataclass(frozen=True)
class Negation:
    negators: tuple[str, ...]
    window: int

    def cancels(self, text: str, start: int) -> bool:
        """True when a negator stands within ``window`` characters before ``start``, same clause."""
        for neg in self.negators:
            lo = max(0, start - len(neg) - self.window)
            pos = text.rfind(neg, lo, start)
            if pos >= 0 and not any(ch in _CLAUSE_BREAK for ch in text[pos + len(neg) : start]):
                return True
        return False


@dataclass(frozen=True)
class Matcher:
    """A compiled text rule or typology: clauses of concepts, benign spans, fields to read."""

    clauses: tuple[tuple[str, ...], ...]
    neutralise: tuple[re.Pattern[str], ...]
    fields: tuple[TextField, ...]
    unless: tuple[str, ...] = ()


@dataclass
class TextScan:
    """What the customer said in one assessment, with per-concept matches cached."""

    texts: dict[str, str]
    concepts: Mapping[str, Concept]
    negation: Negation
    _cache: dict[tuple[str, str, int], tuple[str, str] | None] = field(default_factory=dict)
    _blanked: dict[tuple[str, int], str] = field(default_factory=dict)

    @classmethod
    def of(cls, texts: Mapping[str, str], concepts: Mapping[str, Concept], negation: Negation) -> TextScan:
        return cls({k: normalise(v) for k, v in texts.items() if v and v.strip()}, concepts, negation)

    def _find(self, concept: str, fld: str, neutralise: tuple[re.Pattern[str], ...]) -> tuple[str, str] | None:
        # id() of the matcher's own tuple keys the cache: cheaper to hash than the patterns.
        key = (concept, fld, id(neutralise) if neutralise else 0)
        cache = self._cache
        if key in cache:
            return cache[key]
        text = self._text(fld, neutralise)
        found: tuple[str, str] | None = None
        if text:
            for m in self.concepts[concept].regex.finditer(text):
                if m.group(0) and not self.negation.cancels(text, m.start()):
                    found = (fld, m.group(0))
                    break
        cache[key] = found
        return found

    def _text(self, fld: str, neutralise: tuple[re.Pattern[str], ...]) -> str:
        """The field's text with the benign spans blanked (computed once per matcher)."""
        text = self.texts.get(fld, "")
        if not neutralise or not text:
            return text
        key = (fld, id(neutralise))
        if key not in self._blanked:
            for rx in neutralise:
                text = rx.sub(lambda m: "□" * len(m.group(0)), text)
            self._blanked[key] = text
        return self._blanked[key]

    def _clause(
        self, clause: tuple[str, ...], scope: tuple[str, ...], neutralise: tuple[re.Pattern[str], ...]
    ) -> list[tuple[str, str]] | None:
        """The phrases that satisfy every concept of ``clause`` within ``scope``, or None."""
        hits: list[tuple[str, str]] = []
        for concept in clause:
            hit = None
            for f in scope:
                hit = self._find(concept, f, neutralise)
                if hit:
                    break
            if hit is None:
                return None
            if hit not in hits:
                hits.append(hit)
        return hits

    def match(self, matcher: Matcher) -> str | None:
        """Return the evidence (phrases and where they were said) if any clause matches."""
        present = tuple(f for f in matcher.fields if f in self.texts)
        if not present:
            return None
        for c in matcher.unless:
            for f in present:
                if self._find(c, f, ()):
                    return None
        neutralise = matcher.neutralise
        for clause in matcher.clauses:
            # The whole conversation first (cheap rejection), then prefer one breath (one field)
            # for the evidence when the clause was said there.
            hits = self._clause(clause, present, neutralise)
            if hits is None:
                continue
            if len(present) > 1:
                for f in present:
                    single = self._clause(clause, (f,), neutralise)
                    if single is not None:
                        return describe(single)
            return describe(hits)
        return None
