"""Checks for every command-line argument, each a small function usable as an argparse ``type``.

Each raises :class:`argparse.ArgumentTypeError` with one line saying what is wrong, before any
work starts: a database URL of a kind teller_guard cannot use, a path no file system accepts,
a host name that is not ASCII, a count that would run for days. Standard library only, so the
CLI stays fast to start; the same checks serve ``TELLER_GUARD_DB`` (:func:`check_db_url`).
"""

from __future__ import annotations

import argparse
import os
import re

TYPE_CHECKING = False  # typing itself costs 2 ms of start-up; the CLI's `--help` has 10 ms in all
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

MAX_PATH_BYTES = 4000
MAX_NAME_BYTES = 200
"""A file name's limit: 255 bytes on Linux file systems, less the room the temporary
``.<name>.<random>.part`` beside it needs."""
MAX_URL_CHARS = 2000

SQLITE_SCHEMES = ("sqlite", "sqlite+pysqlite")
POSTGRES_SCHEMES = ("postgresql", "postgresql+psycopg", "postgres")

_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


class ArgError(argparse.ArgumentTypeError):
    """One line about one argument."""


def _msg(what: str, message: str) -> str:
    """argparse names the argument itself; a setting (``TELLER_GUARD_DB``) is named here."""
    return f"{what}: {message}" if what else message


def check_plain_text(value: str, what: str) -> str:
    """Refuse text that cannot be stored or printed: lone surrogates (undecodable bytes), NUL, controls."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ArgError(_msg(what, f"not valid UTF-8 text (undecodable byte at position {exc.start})")) from None
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ArgError(_msg(what, "contains a control character"))
    return value


def bounded_int(lo: int, hi: int) -> Callable[[str], int]:
    """An argparse ``type`` for a whole number from ``lo`` to ``hi``."""

    def parse(value: str) -> int:
        text = value.strip().replace("_", "").replace(",", "")
        if not re.fullmatch(r"[+-]?\d{1,18}", text):
            raise ArgError(f"not a whole number from {lo:,} to {hi:,}: {value[:40]!r}")
        n = int(text)
        if not lo <= n <= hi:
            raise ArgError(f"must be from {lo:,} to {hi:,} (got {n:,})")
        return n

    parse.__name__ = "int"
    return parse


def file_path(value: str, what: str = "", *, must_exist: bool = False) -> Path:
    """A path the file system can hold: valid text, each name ≤ :data:`MAX_NAME_BYTES` bytes."""
    from pathlib import Path

    check_plain_text(value, what)
    if not value.strip():
        raise ArgError(_msg(what, "empty path"))
    if len(value.encode()) > MAX_PATH_BYTES:
        raise ArgError(_msg(what, f"path too long ({len(value.encode()):,} bytes; at most {MAX_PATH_BYTES:,})"))
    for part in Path(value).parts:
        if len(part.encode()) > MAX_NAME_BYTES:
            raise ArgError(
                _msg(what, f"name too long ({len(part.encode())} bytes; at most {MAX_NAME_BYTES}): {part[:40]}…")
            )
    path = Path(value).expanduser()
    if must_exist and not path.exists():
        raise ArgError(_msg(what, f"{value} does not exist"))
    return path


def _usable_folder(folder: Path, what: str, *, create: bool) -> None:
    """``folder`` is (or, with ``create``, can become) a writable folder."""
    probe = folder
    while not probe.exists():
        if not create:
            raise ArgError(_msg(what, f"folder {folder} does not exist"))
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        raise ArgError(_msg(what, f"{probe} is a file, not a folder"))
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ArgError(_msg(what, f"cannot write in folder {probe} (permission denied)"))


def existing_folder(value: str, what: str = "") -> Path:
    """A folder that exists (the rules folder)."""
    path = file_path(value, what)
    if not path.is_dir():
        raise ArgError(_msg(what, f"{value} is not a folder" if path.exists() else f"folder {value} does not exist"))
    return path


def existing_file(value: str, what: str = "") -> Path:
    """A file that exists (a corpus to read)."""
    path = file_path(value, what)
    if not path.is_file():
        raise ArgError(_msg(what, f"{value} is not a file" if path.exists() else f"{value} does not exist"))
    return path


def out_file(value: str, what: str = "") -> Path:
    """An output file: a valid path in an existing, writable folder, not a folder itself."""
    from pathlib import Path

    path = file_path(value, what)
    if path.is_dir():
        raise ArgError(_msg(what, f"{value} is a folder; give a file name"))
    _usable_folder(path.parent if str(path.parent) else Path("."), what, create=False)
    if path.exists() and not os.access(path, os.W_OK):
        raise ArgError(_msg(what, f"{value} exists and cannot be overwritten (permission denied)"))
    return path


def input_file(value: str, what: str = "") -> str:
    """A JSON input: ``-`` (stdin) or a valid path (read errors are reported when read)."""
    if value == "-":
        return value
    file_path(value, what)
    return value


def host_arg(value: str) -> str:
    """An address to bind: an IP address or an ASCII host name."""
    if not value.isascii():
        raise ArgError(f"not an ASCII host name or IP address: {value[:60]!r}")
    check_plain_text(value, "")
    try:
        import ipaddress  # only for --host (serve): not paid by every command

        ipaddress.ip_address(value)
        return value
    except ValueError:
        pass
    name = value.rstrip(".")
    if not name or len(name) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in name.split(".")):
        raise ArgError(f"not a host name or IP address: {value[:60]!r}")
    return value


def db_url_arg(value: str) -> str:
    """A database URL teller_guard can use (checked again when ``TELLER_GUARD_DB`` supplies it)."""
    return check_db_url(value, "")


def check_db_url(value: str, what: str = "--db") -> str:
    """``sqlite:///PATH`` with a usable path, or ``postgresql://…`` with an ASCII host.

    Raises:
        ArgError: one line naming ``what`` and the problem.
    """
    check_plain_text(value, what)
    if len(value) > MAX_URL_CHARS:
        raise ArgError(_msg(what, f"URL too long ({len(value):,} characters)"))
    scheme, sep, rest = value.partition("://")
    if not sep:
        raise ArgError(_msg(what, "not a database URL (expected sqlite:///PATH or postgresql://USER@HOST/DB)"))
    scheme = scheme.lower()
    if scheme in SQLITE_SCHEMES:
        _check_sqlite_path(rest, value, what)
    elif scheme in POSTGRES_SCHEMES:
        _check_postgres(rest, what)
    else:
        raise ArgError(
            _msg(
                what, f"unsupported database {scheme.split('+')[0]!r} (use sqlite:///PATH or postgresql://USER@HOST/DB)"
            )
        )
    return value


def _check_sqlite_path(rest: str, url: str, what: str) -> None:
    from pathlib import Path

    if not rest.startswith("/") or rest in ("/", "/:memory:"):
        raise ArgError(_msg(what, "give the database file, e.g. sqlite:///branch.db or sqlite:////srv/tg/branch.db"))
    raw = rest[1:].split("?", 1)[0]
    path = file_path(raw, what)
    if path.exists():
        if path.is_dir():
            raise ArgError(_msg(what, f"{path} is a folder, not a database file"))
        if not path.is_file():
            raise ArgError(_msg(what, f"{path} is not a regular file"))
        if not os.access(path, os.R_OK):
            raise ArgError(_msg(what, f"cannot read {path} (permission denied)"))
    else:
        _usable_folder(path.parent if str(path.parent) else Path("."), what, create=True)


def _check_postgres(rest: str, what: str) -> None:
    netloc = rest.split("/", 1)[0]
    host_port = netloc.rsplit("@", 1)[-1]
    if not host_port:
        return  # a local socket (postgresql:///db): the driver says whether it is there
    if host_port.startswith("["):
        host, _, port = host_port[1:].partition("]")
        port = port.removeprefix(":")
    else:
        host, _, port = host_port.partition(":")
    if not host.isascii():
        raise ArgError(_msg(what, f"the server name must be ASCII (got {host[:60]!r})"))
    if port and (not port.isdigit() or not 1 <= int(port) <= 65535):
        raise ArgError(_msg(what, f"not a TCP port: {port[:20]!r}"))
