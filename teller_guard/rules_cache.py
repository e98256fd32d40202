"""A checked cache of loaded rules, like Python's ``.pyc``: ``assess`` starts without validating.

Validating a rules folder (:func:`teller_guard.core.rules.load_rules`) imports pydantic, builds
its ~40 models, parses and guards every pattern and compiles the matchers: several times the
start-up of ``assess`` itself. The :class:`RuleSet` it returns is pickled to
``<data dir>/cache/rules-<folder>.pickle`` under a key, the SHA-256 of:

- every file in the rules folder (relative path and bytes) and the folder as given;
- the source of every module of ``teller_guard/core`` (the loader, the schema, the matchers)
  and of this module;
- teller_guard's version and Python's (full version string and implementation).

A read that fails for any reason (no file, another key, a file not ours or writable by others,
a pickle that does not load) loads and validates the folder as always and rewrites the file; a
write that fails is silent. Compiled regular expressions are stored as the code Python's own
compiler made for them (this interpreter's, as the key says) and rebuilt from it: an equal
pattern, without compiling ~170 expressions again (≈35 ms).
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]  # re's compiled-code engine (built in, loaded by re): no stubs
import hashlib
import os
import pickle
import re
import stat
import sys
from array import array
from pathlib import Path
from typing import Any

from teller_guard import __version__
from teller_guard.core.rules import RuleSet, load_rules

FORMAT = b"teller-guard rules cache 1\n"
_CORE = Path(__file__).resolve().parent / "core"


def cache_file(folder: Path, cache_dir: Path) -> Path:
    """Where the rules of ``folder`` are cached (one file per folder)."""
    return cache_dir / f"rules-{hashlib.sha256(str(folder).encode()).hexdigest()[:16]}.pickle"


def cache_key(folder: Path) -> bytes:
    """SHA-256 over everything a load depends on (see the module's docstring).

    Raises:
        OSError: a file cannot be read (then the folder is loaded, and fails, as always).
    """
    digest = hashlib.sha256(FORMAT)
    for part in (__version__, sys.version, sys.implementation.cache_tag or "", str(folder)):
        digest.update(part.encode() + b"\0")
    digest.update(Path(__file__).read_bytes())
    for base, tag in ((folder, b"rules"), (_CORE, b"core")):
        paths = sorted(base.rglob("*")) if base is folder else sorted(base.glob("*.py"))
        if base is _CORE and not paths:  # installed without sources: nothing to key on, no cache
            raise FileNotFoundError(f"no sources in {_CORE}")
        for path in paths:
            if path.is_file():
                digest.update(tag + b"\0" + path.relative_to(base).as_posix().encode() + b"\0")
                data = path.read_bytes()
                digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest().encode()


def load_rules_cached(folder: str | Path, cache_dir: Path, *, fresh: bool = False) -> RuleSet:
    """The rules of ``folder``: from the cache when its key matches, else loaded and validated
    (and the cache rewritten). ``fresh`` always validates (``rules check``) and rewrites it.

    Raises:
        RulesError: as :func:`teller_guard.core.rules.load_rules` (never from the cache: only
            rules that loaded are cached).
    """
    root = Path(folder)
    try:
        key = cache_key(root) if root.is_dir() else None
    except OSError:
        key = None
    if key is None:
        return load_rules(root)
    target = cache_file(root, cache_dir)
    if not fresh:
        cached = _read(target, key)
        if cached is not None:
            return cached
    rules = load_rules(root)
    _write(target, key, rules)
    return rules


def _read(target: Path, key: bytes) -> RuleSet | None:
    try:
        with open(target, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o022:
                return None  # not ours alone: never unpickled
            if fh.readline() != FORMAT or fh.readline() != key + b"\n":
                return None
            rules = pickle.load(fh)
    except Exception:  # noqa: BLE001  (any failure to read or unpickle: load the folder as always)
        return None
    return rules if isinstance(rules, RuleSet) else None


def _write(target: Path, key: bytes, rules: RuleSet) -> None:
    try:
        from io import BytesIO

        from teller_guard.files import write_atomic

        buf = BytesIO()
        buf.write(FORMAT + key + b"\n")
        _Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(rules)
        # The data folder (the cache folder's parent) may not exist yet: made owner-only, as
        # the installation key would have made it (mkdir's parents get the umask's mode).
        target.parent.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        target.parent.mkdir(mode=0o700, exist_ok=True)
        if target.parent.stat().st_mode & 0o077:
            target.parent.chmod(0o700)
        write_atomic(target, buf.getvalue())
    except Exception:  # noqa: BLE001, S110  (a cache that cannot be written is only slower next time)
        pass


# ---------------------------------------------------------------- compiled patterns


def _compiled(rx: re.Pattern[str]) -> tuple[Any, ...] | None:
    """The arguments ``re`` passed to ``_sre.compile`` for ``rx``, or None where they do not
    rebuild a pattern equal to it (patterns compare equal only with the same compiled code)."""
    from re import _compiler, _parser  # type: ignore[attr-defined]  # re's own compiler: private, not in typeshed

    pattern, flags = rx.pattern, rx.flags
    tree = _parser.parse(pattern, flags)
    code = _compiler._code(tree, flags)
    groupindex = dict(tree.state.groupdict)
    indexgroup: list[str | None] = [None] * tree.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    packed = array("I", [int(op) for op in code])
    rebuilt = (
        pattern,
        flags | tree.state.flags,
        packed.tobytes(),
        tree.state.groups - 1,
        groupindex,
        tuple(indexgroup),
    )
    try:
        same = _pattern(*rebuilt) == rx
    except Exception:  # noqa: BLE001
        return None
    return rebuilt if same else None


def _pattern(
    pattern: str, flags: int, code: bytes, groups: int, groupindex: dict[str, int], indexgroup: tuple[str | None, ...]
) -> re.Pattern[str]:
    """A pattern rebuilt from its compiled code (a cache written by another build: compiled anew)."""
    try:
        codes = array("I")
        codes.frombytes(code)
        rx: re.Pattern[str] = _sre.compile(pattern, flags, codes.tolist(), groups, groupindex, indexgroup)
    except Exception:  # noqa: BLE001
        rx = re.compile(pattern, flags)
    return rx


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is re.Pattern:
            rebuilt = _compiled(obj)
            if rebuilt is not None:
                return _pattern, rebuilt
        return NotImplemented
