"""Guarantees behind ``rules check``: rules it passes cannot crash or hang scoring.

Three layers, each reporting every problem with its file and key path:

1. **Patterns** (every load): each regular expression must be one a linear-time engine accepts
   (RE2, via ``google-re2``: no lookarounds, no back-references) *and* one Python's
   backtracking engine — which scoring uses — runs in bounded time: no repeat inside a repeat
   of variable length (``(a+)+``, ``(.*)*x``), no repeated alternation whose branches can start
   alike (``(a|ab)*``), at most one unbounded repeat (``.*.*x`` is cubic on a long text).
2. **Content** (every load): reason templates use ``{evidence}`` alone and format against a
   sample; weights and thresholds lie in range; the checklists keep the steps the seeds name
   (三问二看一核对, DOMAIN.md §1; 一问二看三提醒, §2).
3. **Probe** (``rules check`` only, :func:`probe`): every pattern is timed on adversarial texts
   of the longest length the input allows, and the whole engine scores sample cases answering
   every checklist option, each under a time bound.
"""

from __future__ import annotations

import re
import signal
import string
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from re import _parser as sre_parse  # type: ignore[attr-defined]  # re's own parser: private, not in typeshed
from typing import Any

from teller_guard.core.errors import RuleProblem
from teller_guard.core.limits import MAX_AMOUNT_YUAN, MAX_TEXT_CHARS

MAXREPEAT = sre_parse.MAXREPEAT
PROBE_SECONDS = 0.25
"""A pattern taking longer than this on one adversarial text is refused."""
SCORE_SECONDS = 2.0
"""Scoring one sample case may take at most this long in the probe."""


# ------------------------------------------------------------------ 1. patterns


def pattern_problems(pattern: str) -> list[str]:
    """Why ``pattern`` could hang (or is not linear-time), in plain words; empty when it is safe."""
    problems: list[str] = []
    try:
        tree = sre_parse.parse(pattern)
    except re.error as exc:
        return [f"invalid regular expression: {exc}"]
    _walk(list(tree), problems, inside_repeat=False)
    unbounded = sum(1 for op, av in _nodes(tree) if op in _REPEATS and av[1] == MAXREPEAT)
    if unbounded > 1:
        problems.append(
            f"{unbounded} unbounded repeats (*, +, {{n,}}) in one pattern: matching a long text takes "
            "polynomial time; bound them, e.g. [^，。]{0,8}"
        )
    re2_problem = _re2_problem(pattern)
    if re2_problem:
        problems.append(re2_problem)
    return list(dict.fromkeys(problems))  # each problem once, in order


_REPEATS = {sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, getattr(sre_parse, "POSSESSIVE_REPEAT", None)} - {None}
_LOOK = {sre_parse.ASSERT, sre_parse.ASSERT_NOT}
_BACKREF = {sre_parse.GROUPREF, sre_parse.GROUPREF_EXISTS, getattr(sre_parse, "GROUPREF_IGNORE", None)} - {None}


def _children(op: Any, av: Any) -> Iterator[list[Any]]:
    if op in _REPEATS:
        yield list(av[2])
    elif op == sre_parse.SUBPATTERN:
        yield list(av[3])
    elif op == sre_parse.BRANCH:
        for alt in av[1]:
            yield list(alt)
    elif op in _LOOK:
        yield list(av[1])
    elif op == getattr(sre_parse, "ATOMIC_GROUP", object()):
        yield list(av)


def _nodes(seq: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
    for op, av in seq:
        yield op, av
        for child in _children(op, av):
            yield from _nodes(child)


def _width(seq: list[Any]) -> tuple[int, int]:
    lo, hi = sre_parse.SubPattern(sre_parse.State(), seq).getwidth()
    return int(lo), int(hi)


def _walk(seq: list[Any], problems: list[str], *, inside_repeat: bool) -> None:
    for op, av in seq:
        if op in _LOOK:
            problems.append("lookarounds ((?=…), (?!…), (?<=…), (?<!…)) are not allowed: not linear-time")
        elif op in _BACKREF:
            problems.append("back-references (\\1, (?P=name), (?(1)…)) are not allowed: not linear-time")
        if op in _REPEATS:
            lo, hi, body = av[0], av[1], list(av[2])
            if hi > 1:
                inner = [
                    (iop, iav)
                    for iop, iav in _nodes(body)
                    if iop in _REPEATS and iav[1] > 1 and (iav[0] != iav[1] or iav[1] == MAXREPEAT)
                ]
                if inner:
                    problems.append(
                        "a repeat inside a repeat (like (a+)+ or (.*)*) can take exponential time: "
                        "repeat a fixed-length group, or write the alternatives out"
                    )
                for bop, bav in _nodes(body):
                    if bop == sre_parse.BRANCH and _branches_overlap([list(a) for a in bav[1]]):
                        problems.append(
                            "a repeated alternation whose branches can start with the same character "
                            "(like (a|ab)+) can take exponential time: make the branches start differently"
                        )
                        break
            _walk(body, problems, inside_repeat=inside_repeat or hi > 1)
            del lo
            continue
        for child in _children(op, av):
            _walk(child, problems, inside_repeat=inside_repeat)


def _first_chars(seq: list[Any]) -> set[Any] | None:
    """The characters (or classes) a sequence can start with; None for "anything"."""
    for op, av in seq:
        if op == sre_parse.LITERAL:
            return {av}
        if op == sre_parse.NOT_LITERAL or op == sre_parse.ANY:
            return None
        if op == sre_parse.IN:
            out: set[Any] = set()
            for iop, iav in av:
                if iop == sre_parse.LITERAL:
                    out.add(iav)
                elif iop == sre_parse.RANGE:
                    if iav[1] - iav[0] > 256:
                        return None
                    out.update(range(iav[0], iav[1] + 1))
                else:
                    return None  # negated classes and categories (\d, \w): anything
            return out
        if op == sre_parse.AT:
            continue
        if op == sre_parse.SUBPATTERN:
            return _first_chars(list(av[3]))
        if op in _REPEATS:
            first = _first_chars(list(av[2]))
            if av[0] == 0:
                return None  # optional: what follows may start too
            return first
        if op == sre_parse.BRANCH:
            out = set()
            for alt in av[1]:
                f = _first_chars(list(alt))
                if f is None:
                    return None
                out |= f
            return out
        return None
    return None  # empty: matches nothing, may be followed by anything


def _branches_overlap(alts: list[list[Any]]) -> bool:
    firsts = [_first_chars(a) for a in alts]
    for i, a in enumerate(firsts):
        for b in firsts[i + 1 :]:
            if a is None or b is None or a & b:
                return True
    return False


_RE2: Any = None


def _re2_problem(pattern: str) -> str | None:
    """RE2's verdict (a linear-time engine); None when it accepts the pattern or is not installed."""
    global _RE2
    if _RE2 is None:
        try:
            import re2  # google-re2

            options = re2.Options()
            options.log_errors = False
            _RE2 = (re2, options)
        except ImportError:  # pragma: no cover - a dependency; checked by the structural rules anyway
            _RE2 = False
    if not _RE2:
        return None
    re2, options = _RE2
    try:
        re2.compile(pattern, options)
    except Exception as exc:  # re2.error
        why = str(exc).strip("b'\"")
        return f"not a linear-time regular expression (RE2: {why})"
    return None


# ------------------------------------------------------------------ 2. content


SAMPLE_EVIDENCE = "用途说“安全账户”；收款人关系说“不认识”"


def template_problems(template: str) -> list[str]:
    """A reason template may use ``{evidence}`` and nothing else: no format spec, no conversion."""
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError as exc:
        return [f"not a valid template: {exc} (write a literal brace as {{{{ or }}}})"]
    problems = []
    for _, name, spec, conversion in fields:
        if name is None:
            continue
        if name != "evidence":
            problems.append(f"unknown placeholder {{{name}}}; only {{evidence}} is allowed")
        elif spec or conversion:
            problems.append("write {evidence} without a format spec or conversion (like {evidence:d} or {evidence!r})")
    if not problems:
        try:
            template.format(evidence=SAMPLE_EVIDENCE)
        except (ValueError, KeyError, IndexError, AttributeError) as exc:
            problems.append(f"does not format with a sample evidence: {exc}")
    return problems


@dataclass(frozen=True)
class Required:
    """A checklist item the seeds name: its id, its step, and the signal it must raise on yes."""

    id: str
    step: str
    what: str
    raises: str | None = None
    kind: str | None = None


MANDATORY: dict[str, tuple[Required, ...]] = {
    # 三问二看一核对 (002_f7b983d4df25ac30.txt:9; DOMAIN.md §1.4)
    "counter": (
        Required("purpose", "三问", "问资金用途"),
        Required("relation", "三问", "问是否知晓收款人情况"),
        Required("account_source", "三问", "问是否了解接收账户信息"),
        Required("look_nervous", "二看", "看神色是否慌张", raises="nervous"),
        Required("look_phone", "二看", "看是否边打电话边办理", raises="on_phone"),
        Required("look_vague", "二看", "看对用途、收款人是否含糊其辞", raises="vague_answers"),
        Required("check_payee", "一核对", "核对收款人与所说关系"),
        Required("check_amount", "一核对", "核对金额与用途是否相称"),
        Required("check_holder", "一核对", "核对办理人是否账户本人"),
        Required("check_phone", "一核对", "核实新开网银绑定手机号是否本人所有"),
    ),
    # 一问二看三提醒 (002_f7b983d4df25ac30.txt:11; DOMAIN.md §2)
    "atm": (
        Required("business", "一问", "问清办理什么业务"),
        Required("look_demeanour", "二看", "看神态是否合乎常理", raises="nervous"),
        Required("look_phone", "二看", "看是否边接电话边操作", raises="on_phone"),
        Required("look_notes", "二看", "看是否边翻看小纸条、短信边操作", raises="reading_instructions"),
        Required("remind_fraud", "三提醒", "提醒小心上当受骗", kind="reminder"),
        Required("remind_verify", "三提醒", "提醒与家人或熟人核实", kind="reminder"),
        Required("remind_confirm", "三提醒", "提醒确认属实后方可转账", kind="reminder"),
    ),
}


def checklist_problems(channel: str, items: list[Any]) -> list[tuple[str, str]]:
    """(key, message) for every mandatory item that is missing or changed in meaning."""
    out: list[tuple[str, str]] = []
    by_id = {i.id: (k, i) for k, i in enumerate(items)}
    for req in MANDATORY.get(channel, ()):
        found = by_id.get(req.id)
        if found is None:
            out.append(("item", f"mandatory item '{req.id}' ({req.step}：{req.what}) is missing; the seeds require it"))
            continue
        k, item = found
        key = f"item[{k}]({req.id})"
        if item.step != req.step:
            out.append((f"{key}.step", f"must be '{req.step}' ({req.what}), not '{item.step}'"))
        if req.raises and req.raises not in item.raises_on_yes:
            out.append((f"{key}.raises_on_yes", f"must raise '{req.raises}' ({req.what})"))
        if req.kind and item.kind != req.kind:
            out.append((f"{key}.kind", f"must be a {req.kind} item ({req.what})"))
    return out


def amount_problems(value: Decimal | None) -> str | None:
    if value is None:
        return None
    if not value.is_finite() or value > MAX_AMOUNT_YUAN:
        return f"must be at most {MAX_AMOUNT_YUAN:,} yuan (the limit for one case)"
    return None


def content_problems(parsed: dict[str, Any], checklists: dict[str, Any]) -> list[RuleProblem]:
    """Templates, ranges and mandatory checklist items, from the parsed rule files."""
    problems: list[RuleProblem] = []
    signals = parsed.get("signals.toml")
    if signals is not None:
        for i, s in enumerate(signals.signal):
            for msg in template_problems(s.reason):
                problems.append(RuleProblem("signals.toml", f"signal[{i}]({s.id}).reason", msg))
    policy, lexicon = parsed.get("policy.toml"), parsed.get("lexicon.toml")
    amounts = [
        *(
            ("policy.toml", f"amount_band[{i}].min_yuan", b.min_yuan)
            for i, b in enumerate(policy.amount_band if policy else ())
        ),
        *(
            ("lexicon.toml", f"purpose[{i}]({p.id}).typical_max_yuan", p.typical_max_yuan)
            for i, p in enumerate(lexicon.purpose if lexicon else ())
        ),
    ]
    for file, key, value in amounts:
        problem = amount_problems(value)
        if problem:
            problems.append(RuleProblem(file, key, problem))
    for rel, cl in checklists.items():
        for key, msg in checklist_problems(cl.channel, list(cl.item)):
            problems.append(RuleProblem(rel, key, msg))
    return problems


# ------------------------------------------------------------------ 3. probe


class _Timeout(Exception):
    pass


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (``re`` checks signals while it matches).

    Only the main thread can take signals; elsewhere the block runs unbounded (and is timed).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def alarm(*_: Any) -> None:
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def adversarial_texts(pattern: str, length: int = MAX_TEXT_CHARS) -> list[str]:
    """Texts of ``length`` built from the pattern's own characters: where backtracking hurts."""
    chars: list[str] = []
    try:
        for op, av in _nodes(sre_parse.parse(pattern)):
            if op == sre_parse.LITERAL:
                chars.append(chr(av))
            elif op == sre_parse.IN:
                for iop, iav in av:
                    if iop == sre_parse.LITERAL:
                        chars.append(chr(iav))
                    elif iop == sre_parse.RANGE:
                        chars.append(chr(iav[0]))
    except re.error:
        return []
    chars = list(dict.fromkeys(chars))[:40] or ["a"]
    texts = [(c * length)[:length] for c in chars[:8]]
    mixed = "".join(chars)
    texts.append((mixed * (length // len(mixed) + 1))[: length - 1] + "！")
    texts.append(("a1，" * length)[:length])
    return texts


def time_pattern(rx: re.Pattern[str], texts: Iterable[str], budget: float = PROBE_SECONDS) -> float | None:
    """The slowest search over ``texts`` in seconds, or None when one ran past ``budget``."""
    worst = 0.0
    for text in texts:
        started = time.perf_counter()
        try:
            with _time_limit(budget):
                for _ in rx.finditer(text):
                    pass
        except _Timeout:
            return None
        worst = max(worst, time.perf_counter() - started)
    return worst


def probe(
    patterns: Iterable[tuple[str, str, str]],
    score_samples: Callable[[], Iterator[tuple[str, Callable[[], object]]]],
) -> list[RuleProblem]:
    """Time every ``(file, key, pattern)`` on adversarial texts, then run every sample scoring
    under :data:`SCORE_SECONDS`; report what is slow or crashes."""
    problems: list[RuleProblem] = []
    for file, key, pattern in patterns:
        try:
            rx = re.compile(pattern)
        except re.error:
            continue  # reported by the loader already
        worst = time_pattern(rx, adversarial_texts(pattern))
        if worst is None or worst > PROBE_SECONDS:
            problems.append(
                RuleProblem(
                    file,
                    key,
                    f"matching takes more than {PROBE_SECONDS} s on a {MAX_TEXT_CHARS:,}-character text "
                    "(catastrophic backtracking): simplify the pattern",
                )
            )
    if problems:  # a pattern already fails: scoring with it would only repeat that, slowly
        return problems
    crashes = 0
    for name, run in score_samples():
        started = time.perf_counter()
        try:
            with _time_limit(SCORE_SECONDS):
                run()
        except _Timeout:
            problems.append(RuleProblem("(scoring)", name, f"scoring a sample case took more than {SCORE_SECONDS} s"))
            break  # the next samples would take as long: one is enough to refuse the rules
        except Exception as exc:  # any crash in scoring is a rules problem here
            problems.append(
                RuleProblem("(scoring)", name, f"scoring a sample case crashed: {type(exc).__name__}: {exc}")
            )
            crashes += 1
            if crashes >= 5:
                break
        else:
            if time.perf_counter() - started > SCORE_SECONDS:
                problems.append(
                    RuleProblem("(scoring)", name, f"scoring a sample case took more than {SCORE_SECONDS} s")
                )
                break
    return problems
