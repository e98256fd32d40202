"""The complementary similarity cue: what the customer said against each typology's exemplar scripts.

The word families (:mod:`teller_guard.core.text`) are the precise, explainable core. This cue
catches what they miss when the customer retells a known script in words no family covers:
each exemplar (``typologies.toml``: ``exemplars``) is cut into character pairs (bigrams), each
pair weighted by how few typologies use it (a pair every script shares, like 转账, says
nothing), and a typology scores the largest share of one exemplar's weight that the customer's
words contain. Cheap (one set intersection, then a loop over the shared pairs), readable (the
reason quotes the exemplar: 与「…」话术相似) and suppressed by the same benign contexts as the
typology itself.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from teller_guard.core.text import normalise

_BREAKS = frozenset("，。,.;；!！?？、：:“”\"'‘’（）()《》【】[]□…—-~ \n")


def bigrams(text: str) -> set[str]:
    """The character pairs of a normalised text that hold no punctuation (clauses are not bridged)."""
    return {text[i : i + 2] for i in range(len(text) - 1) if text[i] not in _BREAKS and text[i + 1] not in _BREAKS}


@dataclass(frozen=True)
class Exemplar:
    typology: str
    text: str
    """As written in the rules (quoted in the reason)."""
    weight: float
    """The sum of its pairs' weights."""


@dataclass(frozen=True)
class ScriptMatch:
    typology: str
    similarity: float
    exemplar: str


@dataclass(frozen=True)
class ScriptIndex:
    """Every exemplar's pairs, indexed by pair, with a weight per pair."""

    exemplars: tuple[Exemplar, ...]
    postings: Mapping[str, tuple[int, ...]]
    idf: Mapping[str, float]
    vocabulary: frozenset[str]
    min_similarity: float
    min_shared: int

    @classmethod
    def build(cls, scripts: Iterable[tuple[str, str]], *, min_similarity: float, min_shared: int) -> ScriptIndex:
        """Index ``(typology id, exemplar text)`` pairs."""
        items = [(tid, text, bigrams(normalise(text))) for tid, text in scripts]
        typologies = {tid for tid, _, _ in items}
        used_by: dict[str, set[str]] = {}
        for tid, _, grams in items:
            for g in grams:
                used_by.setdefault(g, set()).add(tid)
        n = max(1, len(typologies))
        # A pair used by every typology weighs nothing; one used by a single typology the most.
        idf = {g: math.log((n + 1) / len(ts)) for g, ts in used_by.items()}
        postings: dict[str, list[int]] = {}
        exemplars = []
        for k, (tid, text, grams) in enumerate(items):
            # Summed in a fixed order: a set's order changes with the process's string hashes,
            # and a float sum with the order of its terms.
            exemplars.append(Exemplar(tid, text, sum(idf[g] for g in sorted(grams)) or 1.0))
            for g in grams:
                postings.setdefault(g, []).append(k)
        return cls(
            tuple(exemplars),
            {g: tuple(ks) for g, ks in postings.items()},
            idf,
            frozenset(idf),
            min_similarity,
            min_shared,
        )

    def match(self, texts: Iterable[str], skip: Iterable[str] = ()) -> dict[str, ScriptMatch]:
        """Typology → its best exemplar match at or above the threshold (normalised texts in)."""
        grams: set[str] = set()
        for t in texts:
            grams |= bigrams(t)
        shared = grams & self.vocabulary
        if len(shared) < self.min_shared:
            return {}
        weight: dict[int, float] = {}
        count: dict[int, int] = {}
        for g in sorted(shared):  # a fixed order, so the sums are the same in every process
            w = self.idf[g]
            for k in self.postings[g]:
                weight[k] = weight.get(k, 0.0) + w
                count[k] = count.get(k, 0) + 1
        skipped = set(skip)
        best: dict[str, ScriptMatch] = {}
        for k, w in weight.items():
            if count[k] < self.min_shared:
                continue
            ex = self.exemplars[k]
            if ex.typology in skipped:
                continue
            sim = w / ex.weight
            if sim >= self.min_similarity and (ex.typology not in best or sim > best[ex.typology].similarity):
                best[ex.typology] = ScriptMatch(ex.typology, sim, ex.text)
        return best
