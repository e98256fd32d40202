"""Narrative detection: concepts expressed in many words, combined into clauses.

A typology or text rule matches when every concept of one of its clauses appears in what the
customer said. Concepts are word families (``authority`` = 公安/民警/检察官/法院 …), so a
paraphrase that swaps one word for another still matches; benign mentions are removed first
(``neutralise``), and a negator right before a term cancels it (``没有人打电话``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
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
    """A compiled concept: its words (terms) and its sentence shapes (patterns), each one regex.

    Kept apart because a match must tell a word from a shape (one word never stands for two
    concepts), and because a regex of words alone is searched much faster (the engine can skip to
    the characters a word starts with).
    """

    id: str
    words: re.Pattern[str] | None
    shapes: re.Pattern[str] | None

    def search(self, text: str) -> bool:
        return bool((self.words is not None and self.words.search(text)) or (self.shapes and self.shapes.search(text)))

    def finditer(self, text: str) -> list[tuple[int, int, str, bool]]:
        """Every match, words and shapes, in order of position: (start, end, phrase, is a word)."""
        found = [(m.start(), m.end(), m.group(0), True) for m in self.words.finditer(text)] if self.words else []
        if self.shapes is not None:
            found += [(m.start(), m.end(), m.group(0), False) for m in self.shapes.finditer(text)]
            found.sort()
        return found


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


class LazyPattern:
    """A checked regular expression compiled on first use: one assessment runs few of the
    ``neutralise`` patterns, so compiling them all at load would be start-up time spent for nothing."""

    __slots__ = ("_rx", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._rx: re.Pattern[str] | None = None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if self._rx is None:
            self._rx = re.compile(self.pattern)
        return self._rx.finditer(text)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r})"

    def __eq__(self, other: object) -> bool:
        """The same expression (compiled or not yet): a pattern is its source."""
        return isinstance(other, LazyPattern) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(self.pattern)


@dataclass(frozen=True)
class Matcher:
    """A compiled text rule or typology: clauses of concepts, benign spans, fields to read."""

    clauses: tuple[tuple[str, ...], ...]
    neutralise: tuple[LazyPattern, ...]
    fields: tuple[TextField, ...]
    unless: tuple[str, ...] = ()
    unless_contexts: tuple[str, ...] = ()
    """Benign contexts (lexicon ``[[context]]`` ids) that rule the match out."""
    needs: frozenset[str] = frozenset()
    """Concepts one clause or another needs (filled in by :meth:`__post_init__`)."""
    clause_sets: tuple[frozenset[str], ...] = ()

    def __post_init__(self) -> None:
        sets = tuple(frozenset(c) for c in self.clauses)
        object.__setattr__(self, "clause_sets", sets)
        object.__setattr__(self, "needs", frozenset().union(*sets) if sets else frozenset())


@dataclass
class TextScan:
    """What the customer said in one assessment, with per-concept matches cached.

    A concept's matches in a field are found once (negated ones dropped); a matcher's benign
    spans (``neutralise``) are found once per field, and a match inside one does not count.
    """

    texts: dict[str, str]
    concepts: Mapping[str, Concept]
    negation: Negation
    _hits: dict[tuple[str, str], tuple[tuple[int, int, str, bool], ...]] = field(default_factory=dict)
    _spans: dict[tuple[int, str], tuple[tuple[int, int], ...]] = field(default_factory=dict)
    _kept: dict[tuple[str, str, int], tuple[tuple[str, int, int, str, bool], ...]] = field(default_factory=dict)
    found: frozenset[str] = frozenset()
    """The concepts whose words occur anywhere (negated or not): the cheap first test, one
    search per concept over everything said, done once by :meth:`of`."""
    holding: frozenset[str] = frozenset()
    """The benign contexts found in what was said (set once by the engine)."""

    @classmethod
    def of(cls, texts: Mapping[str, str], concepts: Mapping[str, Concept], negation: Negation) -> TextScan:
        scan = cls({k: normalise(v) for k, v in texts.items() if v and v.strip()}, concepts, negation)
        joined = "\n".join(scan.texts.values())
        scan.found = frozenset(c for c, con in concepts.items() if con.search(joined)) if joined else frozenset()
        return scan

    def _matches(self, concept: str, fld: str) -> tuple[tuple[int, int, str, bool], ...]:
        """(start, end, phrase, is a word) of each match not negated."""
        key = (concept, fld)
        found = self._hits.get(key)
        if found is None:
            text = self.texts.get(fld, "")
            found = (
                tuple(
                    hit
                    for hit in self.concepts[concept].finditer(text)
                    if hit[2] and not self.negation.cancels(text, hit[0])
                )
                if text
                else ()
            )
            self._hits[key] = found
        return found

    def says(self, concept: str, fld: str) -> str | None:
        """The first phrase of ``concept`` said (not negated) in ``fld``, or None."""
        if concept not in self.found:
            return None
        found = self._matches(concept, fld)
        return found[0][2] if found else None

    def spans(self, fld: str, neutralise: tuple[LazyPattern, ...]) -> tuple[tuple[int, int], ...]:
        """Where the benign mentions are in a field (computed once per matcher)."""
        # id() of the matcher's own tuple keys the cache: cheaper to hash than the patterns.
        key = (id(neutralise), fld)
        spans = self._spans.get(key)
        if spans is None:
            text = self.texts.get(fld, "")
            spans = tuple((m.start(), m.end()) for rx in neutralise for m in rx.finditer(text) if m.end() > m.start())
            self._spans[key] = spans
        return spans

    def blanked(self, fld: str, neutralise: tuple[LazyPattern, ...]) -> str:
        """The field's text with the benign mentions blanked out."""
        text = self.texts.get(fld, "")
        for a, b in self.spans(fld, neutralise) if neutralise else ():
            text = text[:a] + "□" * (b - a) + text[b:]
        return text

    def _candidates(
        self, concept: str, fld: str, neutralise: tuple[LazyPattern, ...]
    ) -> tuple[tuple[str, int, int, str, bool], ...]:
        """The matches of ``concept`` in ``fld`` outside the benign spans (cached per matcher)."""
        found = self._matches(concept, fld)
        if not found:
            return ()
        if not neutralise:
            return tuple((fld, a, b, phrase, word) for a, b, phrase, word in found)
        key = (concept, fld, id(neutralise))
        kept = self._kept.get(key)
        if kept is None:
            spans = self.spans(fld, neutralise)
            kept = tuple(
                (fld, a, b, phrase, word) for a, b, phrase, word in found if not any(a < e and s < b for s, e in spans)
            )
            self._kept[key] = kept
        return kept

    def _clause(
        self, clause: tuple[str, ...], scope: tuple[str, ...], neutralise: tuple[LazyPattern, ...]
    ) -> list[tuple[str, str]] | None:
        """The phrases that satisfy every concept of ``clause`` within ``scope``, or None.

        One word never stands for two concepts (``交友平台`` is not a contact met online *and* an
        investment platform): the concepts' words may not overlap. A sentence shape may hold
        another concept's word (``经理让我先垫`` is the boss *and* the instruction). Searched in
        order with backtracking (a clause has a handful of concepts, each a few matches).
        """
        options = []
        for concept in clause:
            found = [h for f in scope for h in self._candidates(concept, f, neutralise)]
            if not found:
                return None
            options.append(found)
        chosen: list[tuple[str, int, int, str, bool]] = []

        def collides(hit: tuple[str, int, int, str, bool]) -> bool:
            f, a, b, _, word = hit
            return word and any(w and f == g and a < e and s < b for g, s, e, _, w in chosen)

        if all(len(o) == 1 for o in options):
            # One phrase each (the usual case): take them unless two words collide.
            for (hit,) in options:
                if collides(hit):
                    return None
                chosen.append(hit)
            return _distinct(chosen)

        def place(k: int) -> bool:
            if k == len(options):
                return True
            for hit in options[k]:
                if collides(hit):
                    continue
                chosen.append(hit)
                if place(k + 1):
                    return True
                chosen.pop()
            return False

        if not place(0):
            return None
        return _distinct(chosen)

    def benign(self, matcher: Matcher) -> bool:
        """A concept that shows the story is benign (the matcher's ``unless``) was said."""
        if matcher.unless_contexts and not self.holding.isdisjoint(matcher.unless_contexts):
            return True
        candidates = self.found.intersection(matcher.unless)
        fields = [f for f in matcher.fields if f in self.texts]
        return any(self._matches(c, f) for c in candidates for f in fields)

    def match(self, matcher: Matcher) -> str | None:
        """Return the evidence (phrases and where they were said) if any clause matches."""
        found = self.found
        if not any(cs <= found for cs in matcher.clause_sets):
            return None
        present = tuple(f for f in matcher.fields if f in self.texts)
        if not present or self.benign(matcher):
            return None
        neutralise = matcher.neutralise
        for clause, cs in zip(matcher.clauses, matcher.clause_sets, strict=True):
            if not cs <= found:
                continue
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


def _distinct(hits: Sequence[tuple[str, int, int, str, bool]]) -> list[tuple[str, str]]:
    """(field, phrase) of each hit, each once, in order."""
    out: list[tuple[str, str]] = []
    for f, _, _, phrase, _ in hits:
        if (f, phrase) not in out:
            out.append((f, phrase))
    return out
