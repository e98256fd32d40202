"""The rules cache (teller_guard/rules_cache.py): a hit gives exactly what a fresh load gives, any
change to a rules file misses, a broken or foreign cache file is never trusted, and the runtime
rule types keep the fields of the models that validate them."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from teller_guard import rules_cache
from teller_guard.core import rules_schema, schema
from teller_guard.core.corpus import load_corpus
from teller_guard.core.paths import shipped_rules_dir
from teller_guard.core.rules import RuleSet, load_rules
from teller_guard.core.scoring import assess
from teller_guard.rules_cache import cache_file, load_rules_cached

DATA = Path(__file__).resolve().parent.parent / "data"


class Loads:
    """Counts the loads that validated a folder (a cache miss) instead of reading the cache."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        monkeypatch.setattr(rules_cache, "load_rules", self)

    def __call__(self, folder: Path) -> RuleSet:
        self.count += 1
        return load_rules(folder)


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> Loads:
    return Loads(monkeypatch)


def test_a_hit_is_exactly_a_fresh_load(tmp_path: Path, loads: Loads) -> None:
    folder = shipped_rules_dir()
    fresh = load_rules(folder)
    written = load_rules_cached(folder, tmp_path / "cache")
    cached = load_rules_cached(folder, tmp_path / "cache")
    assert loads.count == 1  # the second came from the file
    assert cached is not written
    assert cached == fresh  # every field, compiled patterns included (equal only with the same code)
    patterns = [c.words for c in cached.concepts.values()] + [p.regex for p in cached.purposes]
    assert patterns and all(isinstance(p, re.Pattern) for p in patterns if p is not None)
    for p in patterns:
        assert p is None or p == re.compile(p.pattern)
    cases = [case for path in sorted(DATA.glob("heldout_cases*.toml")) for case in load_corpus(path)]
    assert len(cases) > 300
    for case in cases:
        assert assess(cached, case.input) == assess(fresh, case.input), case.id


def test_the_file_is_owner_only(tmp_path: Path) -> None:
    data = tmp_path / "new-data-dir"
    load_rules_cached(shipped_rules_dir(), data / "cache")
    target = cache_file(shipped_rules_dir(), data / "cache")
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.parent.stat().st_mode & 0o777 == 0o700
    assert data.stat().st_mode & 0o777 == 0o700  # a data folder the cache made first is owner-only too


def test_one_changed_byte_in_a_rules_file_misses(rules_copy: Path, tmp_path: Path, loads: Loads) -> None:
    cache = tmp_path / "cache"
    before = load_rules_cached(rules_copy, cache)
    branch = rules_copy / "branch.toml"
    text = branch.read_text(encoding="utf-8")
    assert f'name = "{before.branch.name}"' in text
    branch.write_text(text.replace(f'name = "{before.branch.name}"', f'name = "{before.branch.name[:-1]}X"'), "utf-8")
    after = load_rules_cached(rules_copy, cache)
    assert loads.count == 2
    assert after.branch.name == before.branch.name[:-1] + "X"
    assert after == load_rules(rules_copy)
    assert load_rules_cached(rules_copy, cache) == after and loads.count == 2  # rewritten: a hit again


def test_a_new_file_in_the_folder_misses_and_fails_as_a_fresh_load_does(
    rules_copy: Path, tmp_path: Path, loads: Loads
) -> None:
    from teller_guard.core.errors import RulesError

    load_rules_cached(rules_copy, tmp_path / "cache")
    (rules_copy / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        load_rules_cached(rules_copy, tmp_path / "cache")
    assert "unexpected file" in caught.value.report()


def test_a_copy_of_the_folder_elsewhere_is_its_own_entry(rules_copy: Path, tmp_path: Path, loads: Loads) -> None:
    load_rules_cached(shipped_rules_dir(), tmp_path / "cache")
    copied = load_rules_cached(rules_copy, tmp_path / "cache")
    assert loads.count == 2 and copied.folder == rules_copy


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: data[:-200] + b"\x00" * 200,  # the end overwritten
        lambda data: data.split(b"\n", 2)[0] + b"\n" + data.split(b"\n", 2)[1] + b"\ngarbage",  # the pickle gone
        lambda data: b"",
        lambda data: data.replace(b"teller-guard rules cache 1", b"teller-guard rules cache 0", 1),
    ],
)
def test_a_damaged_cache_file_is_ignored_and_rewritten(tmp_path: Path, loads: Loads, damage: Any) -> None:
    folder, cache = shipped_rules_dir(), tmp_path / "cache"
    fresh = load_rules_cached(folder, cache)
    target = cache_file(folder, cache)
    target.write_bytes(damage(target.read_bytes()))
    assert load_rules_cached(folder, cache) == fresh
    assert loads.count == 2
    assert load_rules_cached(folder, cache) == fresh and loads.count == 2  # rewritten whole


def test_a_cache_file_others_may_write_is_never_read(tmp_path: Path, loads: Loads) -> None:
    folder, cache = shipped_rules_dir(), tmp_path / "cache"
    load_rules_cached(folder, cache)
    os.chmod(cache_file(folder, cache), 0o622)
    load_rules_cached(folder, cache)
    assert loads.count == 2


def test_a_cache_that_cannot_be_written_is_only_slower(tmp_path: Path, loads: Loads) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    first = load_rules_cached(shipped_rules_dir(), blocked / "cache")
    assert load_rules_cached(shipped_rules_dir(), blocked / "cache") == first
    assert loads.count == 2


def test_fresh_always_validates(tmp_path: Path, loads: Loads) -> None:
    load_rules_cached(shipped_rules_dir(), tmp_path / "cache")
    load_rules_cached(shipped_rules_dir(), tmp_path / "cache", fresh=True)
    assert loads.count == 2


def test_the_key_covers_the_loader_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    core = tmp_path / "core"
    shutil.copytree(Path(rules_cache.__file__).parent / "core", core)
    monkeypatch.setattr(rules_cache, "_CORE", core)
    before = rules_cache.cache_key(shipped_rules_dir())
    rules_py = core / "rules.py"
    rules_py.write_bytes(rules_py.read_bytes() + b"\n")
    assert rules_cache.cache_key(shipped_rules_dir()) != before


def _models() -> dict[str, type[BaseModel]]:
    return {
        name: obj
        for name, obj in vars(rules_schema).items()
        if isinstance(obj, type) and issubclass(obj, BaseModel) and obj.__module__ == rules_schema.__name__
    }


@pytest.mark.parametrize("runtime", schema.RUNTIME_TYPES, ids=lambda cls: cls.__name__)
def test_each_runtime_type_has_the_fields_and_defaults_of_its_model(runtime: type) -> None:
    model = _models()[runtime.__name__]
    fields = {f.name: f for f in dataclasses.fields(runtime)}
    assert list(fields) == list(model.model_fields) or set(fields) == set(model.model_fields)
    for name, info in model.model_fields.items():
        f = fields[name]
        if info.is_required():
            assert f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING, name
            continue
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        expected = info.get_default(call_default_factory=True)
        if isinstance(expected, BaseModel):
            expected = rules_schema.to_runtime(expected)
        assert default == expected, name


def test_every_model_kept_in_a_ruleset_has_a_runtime_type() -> None:
    kept = {"PolicyFile", "SignalDef", "TypologyDef", "ChecklistFile", "NoticeFile", "BranchFile", "PurposeCheckDef"}
    names = {cls.__name__ for cls in schema.RUNTIME_TYPES}
    assert kept <= names
    for name in names:
        model = _models()[name]
        for info in model.model_fields.values():  # whatever a kept model holds is kept too
            for arg in _model_args(info.annotation):
                assert arg.__name__ in names, (name, arg.__name__)


def _model_args(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _model_args(arg)]


_DIGEST = """
import hashlib, json, sys
from pathlib import Path
from teller_guard.core.corpus import load_corpus
from teller_guard.core.paths import shipped_rules_dir
from teller_guard.core.rules import load_rules
from teller_guard.core.scoring import assess
from teller_guard.rules_cache import load_rules_cached

cache = sys.argv[1]
rules = load_rules(shipped_rules_dir()) if cache == "-" else load_rules_cached(shipped_rules_dir(), Path(cache))
digest = hashlib.sha256()
for path in sorted(Path(sys.argv[2]).glob("heldout_cases*.toml")):
    for case in load_corpus(path):
        digest.update(json.dumps(assess(rules, case.input).to_json_dict(), ensure_ascii=False).encode())
print(digest.hexdigest())
"""


def test_every_process_scores_alike_whether_it_wrote_read_or_skipped_the_cache(tmp_path: Path) -> None:
    """Each process hashes strings differently (PYTHONHASHSEED), so sets iterate in another order:
    the engine's words and sums must not depend on it, and a cache written by one process is
    read by the next."""
    import subprocess
    import sys

    def digest(cache: str, seed: int) -> str:
        env = {**os.environ, "PYTHONHASHSEED": str(seed)}
        out = subprocess.run(
            [sys.executable, "-c", _DIGEST, cache, str(DATA)], env=env, capture_output=True, text=True, check=True
        )
        return out.stdout.strip()

    cache = str(tmp_path / "cache")
    wrote = digest(cache, 1)
    assert cache_file(shipped_rules_dir(), tmp_path / "cache").is_file()
    assert digest(cache, 2) == wrote  # read by a process with other string hashes
    assert digest("-", 3) == wrote  # no cache at all


def test_a_pattern_is_rebuilt_from_its_code_and_checked_against_it() -> None:
    """Patterns compare equal only with the same source, flags and compiled code: the cache keeps
    a pattern's code only when the rebuilt pattern equals the one it was made from."""
    words = re.compile("公安|民警|检察官")
    rebuilt = rules_cache._compiled(words)
    assert rebuilt is not None and rules_cache._pattern(*rebuilt) == words
    other = rules_cache._compiled(re.compile("公安|民警|法官"))
    assert other is not None
    swapped = (*rebuilt[:2], other[2], *rebuilt[3:])
    assert rules_cache._pattern(*swapped) != words
    named = re.compile(r"(?P<amount>\d+)元")
    code = rules_cache._compiled(named)
    assert code is not None
    again = rules_cache._pattern(*code)
    assert again.groupindex == named.groupindex and again.match("35000元").group("amount") == "35000"


def test_without_the_core_sources_there_is_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loads: Loads
) -> None:
    """An installation without .py files (bytecode only) has nothing to key the loader on: every
    load validates."""
    monkeypatch.setattr(rules_cache, "_CORE", tmp_path / "empty-core")
    (tmp_path / "empty-core").mkdir()
    load_rules_cached(shipped_rules_dir(), tmp_path / "cache")
    load_rules_cached(shipped_rules_dir(), tmp_path / "cache")
    assert loads.count == 2
    assert not (tmp_path / "cache").exists()
