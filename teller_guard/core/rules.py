"""Load and validate the ``rules/`` folder strictly, reporting every problem at once.

The folder holds TOML files, each validated by its own pydantic model in
:mod:`teller_guard.core.rules_schema` (imported only here, when a folder is loaded); the
validated files become the plain dataclasses of :mod:`teller_guard.core.schema`. Loading either
returns a complete :class:`RuleSet` or raises :class:`RulesError` listing every problem (file,
key path, message): never half-loaded rules. A :class:`RuleSet` pickles (the rules cache,
:mod:`teller_guard.rules_cache`) and nothing in it needs pydantic.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from teller_guard.core.errors import RuleProblem, RulesError
from teller_guard.core.paths import shipped_rules_dir  # noqa: F401  (re-exported)
from teller_guard.core.schema import (
    LEVELS,
    PLACEHOLDER_RE,
    AccessDef,
    BranchFile,
    ChecklistFile,
    DecisionDef,
    ItemDef,
    LevelDef,
    NoticeFile,
    PolicyFile,
    PurposeCheckDef,
    SignalDef,
    TextField,
    TypologyDef,
)
from teller_guard.core.similarity import ScriptIndex
from teller_guard.core.text import Concept, LazyPattern, Matcher, Negation, expand, normalise

if TYPE_CHECKING:
    from pydantic import BaseModel

    from teller_guard.core import rules_schema as v

FILE_NAMES = ("policy.toml", "signals.toml", "lexicon.toml", "typologies.toml", "notice.toml", "branch.toml")
"""The rules files besides the checklists (each validated by its model: :func:`_file_models`)."""
CHECKLIST_DIR = "checklists"
REQUIRED_OBSERVATIONS = ("on_phone", "nervous", "reading_instructions", "vague_answers", "hurried")


def _file_models() -> dict[str, type[BaseModel]]:
    from teller_guard.core import rules_schema as v

    return {
        "policy.toml": v.PolicyFile,
        "signals.toml": v.SignalsFile,
        "lexicon.toml": v.LexiconFile,
        "typologies.toml": v.TypologiesFile,
        "notice.toml": v.NoticeFile,
        "branch.toml": v.BranchFile,
    }


@dataclass(frozen=True)
class PurposeCategory:
    id: str
    label: str
    regex: re.Pattern[str]
    typical_max_yuan: Decimal
    options: frozenset[str] = frozenset()
    institution: bool = False
    """Paid to an institution: its staff or a person's account as the payee contradicts it."""
    staff: re.Pattern[str] | None = None


@dataclass(frozen=True)
class RuleSet:
    """A complete, validated rules folder with its compiled matchers and content hash."""

    folder: Path
    version: str
    """Stable hash of the rules content, recorded with every assessment."""
    policy: PolicyFile
    signals: dict[str, SignalDef]
    typologies: dict[str, TypologyDef]
    checklists: dict[str, ChecklistFile]
    notice: NoticeFile
    branch: BranchFile
    concepts: dict[str, Concept]
    negation: Negation
    text_rules: tuple[tuple[str, Matcher], ...]
    typology_matchers: tuple[tuple[str, Matcher], ...]
    purposes: tuple[PurposeCategory, ...]
    levels: dict[str, LevelDef] = field(default_factory=dict)
    decisions: dict[str, DecisionDef] = field(default_factory=dict)
    scripts: ScriptIndex | None = None
    """The exemplar scripts of every typology (the similarity cue), if ``lexicon.toml`` enables it."""
    similarity_signal: str | None = None
    name_at: float | None = None
    story_change_below: float = 0.2
    beneficiaries: tuple[str, ...] = ()
    """Concepts naming who the money is for (a story for someone else is a new story)."""
    purpose_check: PurposeCheckDef = field(default_factory=PurposeCheckDef)
    typology_matcher: dict[str, Matcher] = field(default_factory=dict)
    contexts: tuple[tuple[str, str, Matcher, tuple[str, ...]], ...] = ()
    """Benign contexts: (id, label, matcher, signals it explains away, in the file's order)."""
    items: dict[tuple[str, str], ItemDef] = field(default_factory=dict)
    """(channel, item id) → checklist item, for the engine's per-answer look-up."""
    typology_signals: frozenset[str] = frozenset()
    """The signals typologies raise (a story recognised from the words or answers)."""

    def __repr__(self) -> str:
        return f"RuleSet(folder={str(self.folder)!r}, version={self.version!r})"

    def checklist_for(self, channel: str) -> ChecklistFile:
        """The checklist used on a channel (``counter`` or ``atm``)."""
        return next(c for c in self.checklists.values() if c.channel == channel)

    def item(self, channel: str, item_id: str) -> ItemDef | None:
        return self.items.get((channel, item_id))

    @cached_property
    def observable(self) -> dict[str, SignalDef]:
        return {k: s for k, s in self.signals.items() if s.observable}

    @cached_property
    def facts(self) -> dict[str, SignalDef]:
        """Transaction facts (``fact = true``): given as ``facts`` to ``assess``."""
        return {k: s for k, s in self.signals.items() if s.fact}

    def decisions_for(self, channel: str) -> list[DecisionDef]:
        return [d for d in self.policy.decision if channel in d.channels]

    @property
    def access(self) -> AccessDef:
        """Sign-in, lock-out and approval policy (``[access]`` in policy.toml)."""
        return self.policy.access


# ------------------------------------------------------------------ loading


def _key(loc: Iterable[int | str], data: Any) -> str:
    """Turn a pydantic location into ``signal[3](on_phone).weight``."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            ident = (
                node[part].get("id")
                if isinstance(node, list) and part < len(node) and isinstance(node[part], dict)
                else None
            )
            out += f"[{part}]" + (f"({ident})" if ident else "")
        else:
            out += ("." if out else "") + str(part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return out


def _parse(
    path: Path, rel: str, model: type[BaseModel], problems: list[RuleProblem], raw: dict[str, Any] | None = None
) -> Any:
    import tomllib

    from pydantic import ValidationError

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        problems.append(RuleProblem(rel, "", f"not valid TOML: {exc}"))
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(RuleProblem(rel, "", f"cannot read: {exc}"))
        return None
    if raw is not None:
        raw[rel] = data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                msg = "unknown key (not allowed here)"
            elif err["type"] == "missing":
                msg = "required key is missing"
            problems.append(RuleProblem(rel, _key(err["loc"], data), msg))
        return None


def load_access(folder: str | Path) -> AccessDef:
    """Only the ``[access]`` table of ``policy.toml`` (sign-in, lock-out, approvals), validated:
    for commands that check a PIN but need nothing else of the rules.

    Raises:
        RulesError: the file cannot be read, or ``[access]`` is invalid (every problem).
    """
    problems: list[RuleProblem] = []
    path = Path(folder) / "policy.toml"
    if not path.is_file():
        raise RulesError([RuleProblem("policy.toml", "", "required file is missing")])
    from teller_guard.core import rules_schema as v

    parsed = _parse(path, "policy.toml", v.AccessOnlyFile, problems)
    if problems:
        raise RulesError(problems)
    access: AccessDef = v.to_runtime(parsed.access)
    return access


def _dupes(ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    dup: list[str] = []
    for i in ids:
        if i in seen and i not in dup:
            dup.append(i)
        seen.add(i)
    return dup


def ruleset_version(folder: Path) -> str:
    """Hash every rules file (path and bytes) in a stable order."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.toml")):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def load_rules(folder: str | Path) -> RuleSet:
    """Load and validate a rules folder.

    Raises:
        RulesError: with every problem found (missing files, bad TOML, unknown keys, bad
            types, duplicate ids, dangling references, non-monotonic bands …).
    """
    root = Path(folder)
    problems: list[RuleProblem] = []
    raw: dict[str, Any] = {}
    """Each file's TOML data, kept so cross-checks still run when a file fails its own model."""
    if not root.is_dir():
        raise RulesError([RuleProblem(str(root), "", "rules folder not found")])

    from teller_guard.core import rules_schema as v

    parsed: dict[str, Any] = {}
    for name, model in _file_models().items():
        path = root / name
        if not path.is_file():
            problems.append(RuleProblem(name, "", "required file is missing"))
            continue
        parsed[name] = _parse(path, name, model, problems, raw)

    checklists: dict[str, v.ChecklistFile] = {}
    cl_dir = root / CHECKLIST_DIR
    cl_paths = sorted(cl_dir.glob("*.toml")) if cl_dir.is_dir() else []
    if not cl_paths:
        problems.append(RuleProblem(CHECKLIST_DIR, "", "no checklist files found"))
    for path in cl_paths:
        rel = f"{CHECKLIST_DIR}/{path.name}"
        cl = _parse(path, rel, v.ChecklistFile, problems)
        if cl is not None:
            checklists[rel] = cl

    known = set(FILE_NAMES) | {f"{CHECKLIST_DIR}/{p.name}" for p in cl_paths}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and rel not in known and not path.name.startswith(".") and path.suffix != ".md":
            problems.append(
                RuleProblem(
                    rel,
                    "",
                    "unexpected file in the rules folder (only the known TOML files are read)",
                )
            )

    ruleset = _cross_check(root, parsed, raw, checklists, problems)
    from teller_guard.core.rules_guard import content_problems

    problems.extend(content_problems(parsed, checklists))
    if problems or ruleset is None:
        raise RulesError(problems)
    return ruleset


def _raw_ids(raw: dict[str, Any], file: str, key: str) -> list[str] | None:
    """The ``id`` values of a list of tables in a file's raw TOML (None if the file is unreadable)."""
    data = raw.get(file)
    if data is None:
        return None
    items = data.get(key, [])
    return [str(i["id"]) for i in items if isinstance(i, dict) and "id" in i] if isinstance(items, list) else []


def _cross_check(
    root: Path,
    parsed: dict[str, Any],
    raw: dict[str, Any],
    checklists: dict[str, v.ChecklistFile],
    problems: list[RuleProblem],
) -> RuleSet | None:
    from teller_guard.core.rules_schema import to_runtime

    def bad(file: str, key: str, message: str) -> None:
        problems.append(RuleProblem(file, key, message))

    sig_file: v.SignalsFile | None = parsed.get("signals.toml")
    lex: v.LexiconFile | None = parsed.get("lexicon.toml")
    typ_file: v.TypologiesFile | None = parsed.get("typologies.toml")
    policy: v.PolicyFile | None = parsed.get("policy.toml")
    signals = {s.id: s for s in sig_file.signal} if sig_file else {}
    concept_defs: dict[str, v.ConceptDef] = {c.id: c for c in lex.concept} if lex else {}
    typologies = {t.id: t for t in typ_file.typology} if typ_file else {}
    # Ids from the raw TOML, so references and duplicates are checked even when a file has
    # other errors: the report lists every problem, not only the first file's.
    raw_signal_ids = _raw_ids(raw, "signals.toml", "signal")
    raw_concept_ids = _raw_ids(raw, "lexicon.toml", "concept")
    raw_typology_ids = _raw_ids(raw, "typologies.toml", "typology")
    signal_ids = set(raw_signal_ids) if raw_signal_ids is not None else None

    def need_signal(file: str, key: str, sid: str) -> None:
        if signal_ids is not None and sid not in signal_ids:
            bad(file, key, f"refers to signal '{sid}', which does not exist in signals.toml")

    for d in _dupes(raw_signal_ids or []):
        bad("signals.toml", f"signal({d})", "duplicate id")
    for d in _dupes(raw_concept_ids or []):
        bad("lexicon.toml", f"concept({d})", "duplicate id")
    for d in _dupes(raw_typology_ids or []):
        bad("typologies.toml", f"typology({d})", "duplicate id")
    if sig_file:
        for oid in REQUIRED_OBSERVATIONS:
            s = signals.get(oid)
            if s is None:
                bad("signals.toml", "signal", f"required observation '{oid}' is missing")
            elif not s.observable:
                bad(
                    "signals.toml",
                    f"signal({oid}).observable",
                    "must be true: tellers tick this directly",
                )

    concepts: dict[str, Concept] = {}
    context_ids = {c.id for c in lex.context} if lex else set()
    if lex:
        terms_of = {c.id: c.terms for c in lex.concept}
        for i, c in enumerate(lex.concept):
            words = "|".join(re.escape(normalise(t)) for t in sorted(c.terms, key=len, reverse=True))
            shapes = [
                rx
                for j, pat in enumerate(c.patterns)
                if (rx := _checked_pattern(pat, terms_of, "lexicon.toml", f"concept[{i}]({c.id}).patterns[{j}]", bad))
                is not None
            ]
            if words or shapes:
                concepts[c.id] = Concept(
                    c.id, re.compile(words) if words else None, re.compile("|".join(shapes)) if shapes else None
                )
        for d in _dupes(p.id for p in lex.purpose):
            bad("lexicon.toml", f"purpose({d})", "duplicate id")

    def compile_matcher(
        file: str,
        key: str,
        clauses: list[list[str]],
        neutralise: list[str],
        fields: Iterable[TextField],
        unless: list[str] = [],  # noqa: B006 (read only)
    ) -> Matcher:
        for concept in unless:
            if raw_concept_ids is not None and concept not in raw_concept_ids and concept not in context_ids:
                bad(file, f"{key}.unless", f"unknown concept or context '{concept}' (not in lexicon.toml)")
        for ci, clause in enumerate(clauses):
            if not clause:
                bad(file, f"{key}.match[{ci}]", "empty clause")
            for concept in clause:
                if raw_concept_ids is not None and concept not in raw_concept_ids:
                    bad(
                        file,
                        f"{key}.match[{ci}]",
                        f"unknown concept '{concept}' (not in lexicon.toml)",
                    )
        terms_of = {c.id: c.terms for c in concept_defs.values()}
        rxs = [
            LazyPattern(rx)
            for j, pat in enumerate(neutralise)
            if (rx := _checked_pattern(pat, terms_of, file, f"{key}.neutralise[{j}]", bad)) is not None
        ]
        return Matcher(
            tuple(tuple(c) for c in clauses),
            tuple(rxs),
            tuple(fields),
            tuple(u for u in unless if u not in context_ids),
            tuple(u for u in unless if u in context_ids),
        )

    text_rules: list[tuple[str, Matcher]] = []
    purposes: list[PurposeCategory] = []
    contexts: list[tuple[str, str, Matcher, tuple[str, ...]]] = []
    if lex:
        for i, tr in enumerate(lex.text_rule):
            key = f"text_rule[{i}]({tr.signal})"
            need_signal("lexicon.toml", f"{key}.signal", tr.signal)
            text_rules.append(
                (
                    tr.signal,
                    compile_matcher("lexicon.toml", key, tr.match, tr.neutralise, tr.fields, tr.unless),
                )
            )
        terms_of = {c.id: c.terms for c in lex.concept}
        for i, p in enumerate(lex.purpose):
            parts = [re.escape(t) for t in sorted((normalise(t) for t in p.terms), key=len, reverse=True)]
            for j, pat in enumerate(p.patterns):
                rx = _checked_pattern(pat, terms_of, "lexicon.toml", f"purpose[{i}]({p.id}).patterns[{j}]", bad)
                if rx is not None:
                    parts.append(rx)
            staff = sorted((normalise(t) for t in p.staff), key=len, reverse=True)
            purposes.append(
                PurposeCategory(
                    p.id,
                    p.label,
                    re.compile("|".join(parts)),
                    p.typical_max_yuan,
                    frozenset(p.options),
                    p.institution,
                    re.compile("|".join(map(re.escape, staff))) if staff else None,
                )
            )
        check = lex.purpose_check
        if check.far_signal is not None:
            need_signal("lexicon.toml", "purpose_check.far_signal", check.far_signal)
        for cid in (*check.person, *check.institution):
            if raw_concept_ids is not None and cid not in raw_concept_ids:
                bad("lexicon.toml", "purpose_check", f"unknown concept '{cid}'")
        for i, ctx in enumerate(lex.context):
            key = f"context[{i}]({ctx.id})"
            for j, sid in enumerate(ctx.explains):
                need_signal("lexicon.toml", f"{key}.explains[{j}]", sid)
                if sid in signals and signals[sid].observable:
                    bad(
                        "lexicon.toml",
                        f"{key}.explains[{j}]",
                        f"'{sid}' is observed by staff: a context cannot explain it away",
                    )
            contexts.append(
                (
                    ctx.id,
                    ctx.label,
                    compile_matcher("lexicon.toml", key, ctx.match, [], ctx.fields),
                    tuple(dict.fromkeys(ctx.explains)),
                )
            )
        for d in _dupes(c.id for c in lex.context):
            bad("lexicon.toml", f"context({d})", "duplicate id")
        for concept_id in lex.beneficiaries:
            if raw_concept_ids is not None and concept_id not in raw_concept_ids:
                bad("lexicon.toml", "beneficiaries", f"unknown concept '{concept_id}'")
        if lex.similarity is not None:
            need_signal("lexicon.toml", "similarity.signal", lex.similarity.signal)
            if lex.similarity.name_at is not None and lex.similarity.name_at < lex.similarity.min_similarity:
                bad("lexicon.toml", "similarity.name_at", "must not be below min_similarity")

    typology_matchers: list[tuple[str, Matcher]] = []
    if typ_file:
        for i, t in enumerate(typ_file.typology):
            key = f"typology[{i}]({t.id})"
            need_signal("typologies.toml", f"{key}.signal", t.signal)
            typology_matchers.append(
                (
                    t.id,
                    compile_matcher(
                        "typologies.toml",
                        key,
                        t.match,
                        t.neutralise,
                        ("purpose", "payee_relation", "notes"),
                        t.unless,
                    ),
                )
            )

    if policy:
        _check_policy(policy, signals, need_signal, bad)

    channels: dict[str, str] = {}
    for rel, cl in checklists.items():
        if cl.channel in channels:
            bad(
                rel,
                "channel",
                f"channel '{cl.channel}' already has a checklist ({channels[cl.channel]})",
            )
        channels.setdefault(cl.channel, rel)
        for d in _dupes(i.id for i in cl.item):
            bad(rel, f"item({d})", "duplicate id")
        steps = {i.step for i in cl.item}
        for level, named in cl.mandatory.items():
            for step in named:
                if step not in steps:
                    bad(rel, f"mandatory.{level}", f"unknown step '{step}' (this checklist has {sorted(steps)})")
        keyed: dict[tuple[str, str], str] = {}
        for item in cl.item:
            if item.key:
                taken = keyed.setdefault((item.step, item.key.lower()), item.id)
                if taken != item.id:
                    bad(rel, f"item({item.id}).key", f"key '{item.key}' is already {taken}'s in {item.step}")
        for i, item in enumerate(cl.item):
            key = f"item[{i}]({item.id})"
            for sid in (*item.raises_on_yes, *item.raises_on_no):
                need_signal(rel, key, sid)
            if item.text_field and not (item.kind == "text" or item.free_text):
                bad(
                    rel,
                    f"{key}.text_field",
                    "only text items or items with free_text feed the engine's text",
                )
            for d in _dupes(o.id for o in item.options):
                bad(rel, f"{key}.options({d})", "duplicate option id")
            for j, opt in enumerate(item.options):
                for sid in opt.raises:
                    need_signal(rel, f"{key}.options[{j}]({opt.id}).raises", sid)
                if opt.typology and raw_typology_ids is not None and opt.typology not in raw_typology_ids:
                    bad(
                        rel,
                        f"{key}.options[{j}]({opt.id}).typology",
                        f"unknown typology '{opt.typology}'",
                    )
    for ch in ("counter", "atm"):
        if checklists and ch not in channels:
            bad(CHECKLIST_DIR, "", f"no checklist for channel '{ch}'")

    if lex:
        purpose_options = {
            o.id for cl in checklists.values() for i in cl.item if i.text_field == "purpose" for o in i.options
        }
        for i, p in enumerate(lex.purpose):
            for option_id in p.options:
                if checklists and option_id not in purpose_options:
                    bad(
                        "lexicon.toml",
                        f"purpose[{i}]({p.id}).options",
                        f"unknown option '{option_id}' (not an option of a checklist purpose question)",
                    )
        for d in _dupes(o for p in lex.purpose for o in p.options):
            bad("lexicon.toml", "purpose", f"option '{d}' belongs to more than one purpose")

    branch: v.BranchFile | None = parsed.get("branch.toml")
    if branch:
        for d in _dupes(m.id for m in branch.machines):
            bad("branch.toml", f"machines({d})", "duplicate machine id")

    if problems or None in parsed.values() or len(parsed) != len(FILE_NAMES) or policy is None or lex is None:
        return None
    sim = lex.similarity
    scripts = (
        ScriptIndex.build(
            ((t.id, e) for t in typologies.values() for e in t.exemplars),
            min_similarity=sim.min_similarity,
            min_shared=sim.min_shared,
        )
        if sim is not None
        else None
    )
    runtime_policy: PolicyFile = to_runtime(policy)
    runtime_checklists: dict[str, ChecklistFile] = {c.id: to_runtime(c) for c in checklists.values()}
    return RuleSet(
        folder=root,
        version=ruleset_version(root),
        policy=runtime_policy,
        signals={k: to_runtime(s) for k, s in signals.items()},
        typologies={k: to_runtime(t) for k, t in typologies.items()},
        checklists=runtime_checklists,
        notice=to_runtime(parsed["notice.toml"]),
        branch=to_runtime(parsed["branch.toml"]),
        concepts=concepts,
        negation=Negation(tuple(normalise(n) for n in lex.negators), lex.negation_window),
        text_rules=tuple(text_rules),
        typology_matchers=tuple(typology_matchers),
        purposes=tuple(purposes),
        levels={lv.id: lv for lv in runtime_policy.level},
        decisions={d.id: d for d in runtime_policy.decision},
        scripts=scripts,
        similarity_signal=sim.signal if sim is not None else None,
        name_at=sim.name_at if sim is not None else None,
        story_change_below=lex.story_change_below,
        beneficiaries=tuple(lex.beneficiaries),
        purpose_check=to_runtime(lex.purpose_check),
        typology_matcher=dict(typology_matchers),
        contexts=tuple(contexts),
        items={(c.channel, i.id): i for c in runtime_checklists.values() for i in c.item},
        typology_signals=frozenset(t.signal for t in typologies.values()),
    )


def _checked_pattern(pat: str, terms_of: dict[str, list[str]], file: str, key: str, bad: Any) -> str | None:
    """``pat`` with its ``{concept}`` placeholders expanded, or None (and the problems reported)
    when it refers to unknown concepts or could hang (:func:`pattern_problems`, which also
    parses it, so an invalid expression is reported here). Not compiled: the caller joins it
    into one alternation or compiles it lazily."""
    from teller_guard.core.rules_guard import pattern_problems

    missing = [m for m in PLACEHOLDER_RE.findall(pat) if m not in terms_of or not terms_of[m]]
    if missing:
        bad(
            file,
            key,
            f"refers to unknown concept(s) or concepts without terms: {', '.join(missing)}",
        )
        return None
    expanded = expand(pat, terms_of)
    why = pattern_problems(expanded)
    for message in why:
        bad(file, key, message)
    if why:
        return None
    return expanded


def _check_policy(policy: v.PolicyFile, signals: dict[str, v.SignalDef], need_signal: Any, bad: Any) -> None:
    ids = [lv.id for lv in policy.level]
    if ids != list(LEVELS):
        bad(
            "policy.toml",
            "level",
            f"levels must be exactly {', '.join(LEVELS)} in that order (got {', '.join(ids)})",
        )
    scores = [lv.min_score for lv in policy.level]
    if scores and scores[0] != 0:
        bad("policy.toml", "level[0].min_score", "the lowest level must start at 0")
    if any(b <= a for a, b in zip(scores, scores[1:], strict=False)):
        bad("policy.toml", "level", "min_score must increase strictly from level to level")

    def bands(name: str, items: list[Any], threshold: str) -> None:
        for i, band in enumerate(items):
            need_signal("policy.toml", f"{name}[{i}].signal", band.signal)
        values = [getattr(b, threshold) for b in items]
        if any(b <= a for a, b in zip(values, values[1:], strict=False)):
            bad("policy.toml", name, f"{threshold} must increase strictly from band to band")
        weights = [signals[b.signal].weight for b in items if b.signal in signals]
        if len(weights) == len(items) and any(b < a for a, b in zip(weights, weights[1:], strict=False)):
            bad(
                "policy.toml",
                name,
                "a higher band must not weigh less than a lower one (the score must never drop as it grows)",
            )

    for i, lv in enumerate(policy.level):
        for sid in lv.requires:
            need_signal("policy.toml", f"level[{i}]({lv.id}).requires", sid)
    bands("age_band", policy.age_band, "min_age")
    bands("amount_band", policy.amount_band, "min_yuan")
    if policy.calibration is not None and signals and ids == list(LEVELS):
        _check_calibration(policy, signals, bad)
    for d in _dupes(x.id for x in policy.decision):
        bad("policy.toml", f"decision({d})", "duplicate id")


def _check_calibration(policy: v.PolicyFile, signals: dict[str, v.SignalDef], bad: Any) -> None:
    """The weights keep the promises policy.toml [calibration] makes (two behaviours reach 中 …)."""
    cal = policy.calibration
    assert cal is not None
    min_score = {lv.id: lv.min_score for lv in policy.level}
    behaviours = sorted(s.weight for s in signals.values() if s.category == "behaviour" and s.observable)
    for level, n in cal.behaviours_for.items():
        if n > len(behaviours):
            bad("policy.toml", f"calibration.behaviours_for.{level}", f"only {len(behaviours)} behaviour signals exist")
            continue
        lightest = sum(behaviours[:n])
        if lightest < min_score[level]:
            bad(
                "policy.toml",
                f"calibration.behaviours_for.{level}",
                f"the {n} lightest behaviour signals add up to {lightest}, below {level} ({min_score[level]}): "
                "raise their weights in signals.toml or change the promise",
            )
    if cal.age_and_amount_below is not None:
        heaviest = max((signals[b.signal].weight for b in policy.age_band if b.signal in signals), default=0) + max(
            (signals[b.signal].weight for b in policy.amount_band if b.signal in signals), default=0
        )
        if heaviest >= min_score[cal.age_and_amount_below]:
            bad(
                "policy.toml",
                "calibration.age_and_amount_below",
                f"the heaviest age and amount bands add up to {heaviest}, "
                f"which reaches {cal.age_and_amount_below} ({min_score[cal.age_and_amount_below]})",
            )
