"""Fuzzing (hypothesis) of everything that takes outside input: ``assess`` JSON, command-line
arguments and broken rules folders. The property is always the same: a clear refusal or an
answer — never a traceback, never more than 2 s.

CI runs a bounded number of examples (deterministic); ``bench/fuzz.py`` runs many more
(``TELLER_GUARD_FUZZ_EXAMPLES``, random seeds).
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from teller_guard.cli import main
from teller_guard.core.errors import InputError, RulesError
from teller_guard.core.jsonio import loads, parse_input
from teller_guard.core.rules import load_rules, shipped_rules_dir
from teller_guard.core.rules_probe import probe_rules
from teller_guard.core.scoring import assess
from tests.factories import frozen_clock

EXAMPLES = int(os.environ.get("TELLER_GUARD_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=2000,  # a hang is anything over 2 s
    derandomize="TELLER_GUARD_FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    database=None,
)
TODAY = date(2026, 11, 25)
RULES = load_rules(shipped_rules_dir())  # a module constant: hypothesis would print a fixture's every field

weird_text = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["", "\ud800", "a\udcffb", "\x00", "安全账户" * 600, "{evidence}", "1e309", "NaN", "-0", "\u202e"]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=3000),
)
amounts = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from(["35000", "1,200.50", "¥3000元", "1e26", "9" * 27, "9" * 1000, "inf", "-5", "0.001", " 12 "]),
    weird_text,
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), weird_text),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=20,
)


def _json_default(value: Any) -> Any:
    return str(value)


@st.composite
def assess_documents(draw: st.DrawFn) -> str:
    doc: dict[str, Any] = {}
    if draw(st.booleans()):
        doc["channel"] = draw(st.sampled_from(["counter", "atm", "ATM", "", None, 3]))
    if draw(st.booleans()):
        doc["amount"] = draw(amounts)
    if draw(st.booleans()):
        doc["customer"] = draw(
            st.one_of(
                st.fixed_dictionaries({"age": st.one_of(st.integers(-5, 200), weird_text, st.floats())}),
                st.fixed_dictionaries({"id_number": st.one_of(weird_text, st.sampled_from(["11010519491231002X"]))}),
                json_values,
            )
        )
    for key in ("purpose", "payee_relation", "notes"):
        if draw(st.booleans()):
            doc[key] = draw(st.one_of(weird_text, json_values))
    if draw(st.booleans()):
        doc["observations"] = draw(
            st.one_of(st.lists(st.sampled_from(["on_phone", "nervous", "x"]), max_size=300), json_values)
        )
    if draw(st.booleans()):
        doc["answers"] = draw(
            st.one_of(st.dictionaries(st.sampled_from(["purpose", "look_phone", "nope"]), json_values), json_values)
        )
    if draw(st.booleans()):
        doc["date"] = draw(st.one_of(st.dates().map(str), weird_text))
    if draw(st.booleans()):
        doc[draw(st.text(max_size=5))] = draw(json_values)
    text = json.dumps(doc, ensure_ascii=draw(st.booleans()), default=_json_default)
    if draw(st.integers(0, 9)) == 0:  # raw bytes-level damage: nesting, truncation, numbers
        text = draw(
            st.sampled_from(
                [
                    "[" * draw(st.integers(1, 50_000)),
                    text[: draw(st.integers(0, len(text)))],
                    text.replace("0", "0" * 500),
                    '{"amount": ' + "9" * draw(st.integers(1, 6000)) + "}",
                ]
            )
        )
    return text


@FUZZ
@given(doc=assess_documents())
def test_assess_json_never_crashes(doc: str) -> None:
    try:
        inp = parse_input(loads(doc), TODAY)
        result = assess(RULES, inp)
    except InputError as exc:
        assert exc.field and exc.message and "\n" not in exc.message
        return
    assert 0 <= result.score <= 100
    json.dumps(result.to_json_dict(), ensure_ascii=False).encode("utf-8")  # printable


COMMANDS = [
    ["assess"],
    ["rules", "check", "--rules"],  # a valid check is real work (it probes every pattern): fuzz its folder
    ["notice", "--input"],
    ["stats", "--month"],
    ["export", "--month"],
    ["demo-data", "--months"],
    ["demo-data", "--n"],
    ["serve", "--host"],
    ["serve", "--port"],
    ["db", "upgrade", "--db"],
    ["db", "grant-sql", "--app"],
    ["db", "purge", "--staff", "A001", "--before"],
    ["verify", "--against"],
]
argument = st.one_of(
    weird_text,
    st.integers(-(10**15), 10**15).map(str),
    st.sampled_from(
        [
            "-",
            "mysql://u@h/db",
            "sqlite://",
            "sqlite:///",
            "sqlite:////nonexistent/x/y.db",
            "postgresql://u@数据库/x",
            "a" * 300,
            "2026-13",
            "2026-10",
            "99999999999",
            "柜台.example",
            "csv",
            "--db",
            "--out",
        ]
    ),
)


@FUZZ
@given(command=st.sampled_from(COMMANDS), extra=st.lists(argument, max_size=4))
def test_cli_arguments_never_crash(
    tmp_path_factory: pytest.TempPathFactory, command: list[str], extra: list[str]
) -> None:
    work = tmp_path_factory.mktemp("cli")
    argv = [*command, *extra]
    if argv[0] == "demo-data":
        argv += ["--db", f"sqlite:///{work / 'demo.db'}"]
        n = [a for a in extra if re.fullmatch(r"\d+", a)]
        if argv[1] == "--n" and n and int(n[0]) >= 1:  # a valid count builds demo data for real: not bad input
            return
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(work)
        mp.setattr("teller_guard.ui.serve.serve", lambda **_: None)  # never actually serve
        mp.setattr("sys.stdin", __import__("io").StringIO('{"channel": "counter", "amount": 5}'))
        try:
            status = main(argv, clock=frozen_clock)
        except SystemExit as exc:  # --help / --version
            status = int(exc.code or 0)
    assert status in ((0, 1, 2) if argv[0] == "verify" else (0, 2)), argv  # verify: 1 is a broken chain


MUTANTS = [
    '"(.*)*x"',
    '"(a|ab)+"',
    '"[^，]{0,900}[^。]{0,900}[^；]{0,900}！"',
    '"{evidence:d}"',
    '"{"',
    '"\\\\1"',
    "-1",
    "1e309",
    "nan",
    "inf",
    "100000000000",
    "[]",
    "{}",
    '""',
    "true",
    '"x"',
    '["on_phone", "nope"]',
    "[[]]",
]


@settings(FUZZ, deadline=20_000)  # the probe itself times every pattern: each step is bounded below
@given(seed=st.integers(0, 2**32 - 1), edits=st.integers(1, 4), cut=st.booleans())
@pytest.mark.slow  # a rules folder copied and loaded per example
def test_broken_rules_folders_never_crash(seed: int, edits: int, cut: bool) -> None:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "rules"
        shutil.copytree(shipped_rules_dir(), folder)
        files = sorted(folder.rglob("*.toml"))
        for _ in range(edits):
            path = rng.choice(files)
            text = path.read_text(encoding="utf-8")
            values = list(re.finditer(r"^(\s*[\w]+\s*=\s*)(.+)$", text, re.M))
            if not values:
                continue
            m = rng.choice(values)
            new = rng.choice([*MUTANTS, m.group(2)[: rng.randint(0, len(m.group(2)))]])
            text = text[: m.start(2)] + new + text[m.end(2) :]
            if cut and rng.random() < 0.3:
                blocks = text.split("[[item]]")
                text = "[[item]]".join(blocks[: rng.randint(1, len(blocks))])
            path.write_text(text, encoding="utf-8")
        started = time.perf_counter()
        try:
            rules = load_rules(folder)
        except RulesError as exc:
            assert exc.problems and all(p.file and p.message for p in exc.problems)
            return
        finally:
            assert time.perf_counter() - started < 2.0, "loading the rules took more than 2 s"
        # Loaded rules: the probe reports (slow patterns, scoring over 2 s, crashes), never raises;
        # what it passes is what `rules check` passes.
        for problem in probe_rules(rules):
            assert problem.file and problem.message
