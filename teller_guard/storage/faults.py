"""What went wrong with the database, in one line a person can act on (English and Chinese).

The CLI prints :attr:`StorageFault.line` and exits 2; the app shows :attr:`StorageFault.zh`
and keeps the case as a draft in memory. A fault is recognised by the driver's own error code
(``sqlite_errorname``, PostgreSQL's SQLSTATE, ``errno``), never by a traceback reaching a teller.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import Literal

Transient = Literal["busy", "serialization", "connection"]
"""Faults that go away by themselves: the same work, run again a moment later, succeeds."""

TRANSIENTS: tuple[Transient, ...] = ("busy", "serialization", "connection")

Kind = Literal[
    "busy",
    "serialization",
    "connection",
    "disk_full",
    "read_only",
    "cannot_open",
    "corrupt",
    "schema",
]

_ZH: dict[str, str] = {
    "busy": "数据库繁忙（其他柜台正在写入），请稍后重试",
    "serialization": "数据库繁忙（其他柜台正在写入），请稍后重试",
    "connection": "与数据库的连接中断，请稍后重试；如持续出现，请联系网点管理员检查数据库服务器",
    "disk_full": "存放数据库的磁盘已满，请联系网点管理员清理磁盘后重试",
    "read_only": "数据库为只读（文件权限或磁盘只读），请联系网点管理员",
    "cannot_open": "无法打开数据库文件，请联系网点管理员检查数据库位置",
    "corrupt": "数据库文件已损坏，请立即联系网点管理员（不要删除文件）",
    "schema": "数据库版本比本程序新，请升级 teller_guard",
}

_EN: dict[str, str] = {
    "busy": "the database is busy (another counter is writing); try again",
    "serialization": "the database is busy (a concurrent write conflicted); try again",
    "connection": "cannot reach the database server (or lost the connection to it)",
    "disk_full": "the disk holding the database is full",
    "read_only": "the database is read-only (file or folder permissions, or a read-only disk)",
    "cannot_open": "cannot open the database file",
    "corrupt": "the database file is damaged",
    "schema": "the database schema is newer than this teller_guard",
}

_SQLITE: dict[str, Kind] = {
    "SQLITE_BUSY": "busy",
    "SQLITE_LOCKED": "busy",
    "SQLITE_FULL": "disk_full",
    "SQLITE_READONLY": "read_only",
    "SQLITE_PERM": "read_only",
    "SQLITE_CANTOPEN": "cannot_open",
    "SQLITE_CORRUPT": "corrupt",
    "SQLITE_NOTADB": "corrupt",
}

_SQLSTATE: dict[str, Kind] = {
    "40001": "serialization",
    "40P01": "serialization",
    "55P03": "busy",  # lock_not_available
    "53100": "disk_full",
    "25006": "read_only",
    "57P01": "connection",  # admin_shutdown: the server is restarting
    "57P02": "connection",
    "57P03": "connection",  # cannot_connect_now: starting up
    "3D000": "cannot_open",  # the database does not exist
    "28P01": "cannot_open",  # wrong password
    "28000": "cannot_open",
}

_WORDS: tuple[tuple[str, Kind], ...] = (
    ("database is locked", "busy"),
    ("database table is locked", "busy"),
    ("disk is full", "disk_full"),
    ("readonly database", "read_only"),
    ("read-only", "read_only"),
    ("unable to open database", "cannot_open"),
    ("malformed", "corrupt"),
    ("not a database", "corrupt"),
    ("connection refused", "connection"),
    ("server closed the connection", "connection"),
    ("terminating connection", "connection"),
    ("connection is closed", "connection"),
    ("consuming input failed", "connection"),
    ("the connection is lost", "connection"),
    ("could not connect", "connection"),
    ("connection failed", "connection"),
)
"""Words of an error message and the fault they mean, for drivers that give no code."""

_ERRNO: dict[int, Kind] = {
    errno.ENOSPC: "disk_full",
    errno.EDQUOT: "disk_full",
    errno.EROFS: "read_only",
    errno.EACCES: "read_only",
    errno.EPERM: "read_only",
}


class SchemaTooNew(RuntimeError):
    """The database was migrated by a newer teller_guard than this one."""


@dataclass(frozen=True)
class StorageFault:
    """A database failure the user (or an administrator) can fix, or that passes by itself."""

    kind: Kind
    detail: str
    """The driver's own words, first line only (for the log and the CLI)."""

    @property
    def line(self) -> str:
        """One line for stderr: what happened, then the driver's words."""
        return f"database: {_EN[self.kind]} ({self.detail})" if self.detail else f"database: {_EN[self.kind]}"

    @property
    def zh(self) -> str:
        """What a teller reads."""
        return _ZH[self.kind]

    @property
    def transient(self) -> bool:
        return self.kind in TRANSIENTS


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    node: BaseException | None = exc
    while node is not None and node not in seen:
        seen.append(node)
        node = getattr(node, "orig", None) or node.__cause__ or node.__context__
    return seen


def classify(exc: BaseException) -> StorageFault | None:
    """The fault behind ``exc`` (a SQLAlchemy, driver or OS error), or None when it is not one we know."""
    for node in _chain(exc):
        if isinstance(node, SchemaTooNew):
            return StorageFault("schema", str(node))
        name = getattr(node, "sqlite_errorname", None)
        if isinstance(name, str):
            base = "_".join(name.split("_")[:2])
            kind = _SQLITE.get(name) or _SQLITE.get(base)
            if kind is None and name.startswith("SQLITE_IOERR"):
                kind = "disk_full" if "FULL" in name else None
            if kind is not None:
                return StorageFault(kind, _first_line(node))
        state = getattr(node, "sqlstate", None)
        if isinstance(state, str) and state in _SQLSTATE:
            return StorageFault(_SQLSTATE[state], _first_line(node))
        if isinstance(state, str) and state.startswith("08"):
            return StorageFault("connection", _first_line(node))
        if isinstance(node, OSError) and node.errno in _ERRNO:
            return StorageFault(_ERRNO[node.errno], _first_line(node))
    # Words only where the driver gives no code (the sqlite3 module before 3.11, psycopg's
    # connection failures, SQLAlchemy's own invalidated connections).
    for node in reversed(_chain(exc)):  # the driver's own words first
        text = _first_line(node).lower()
        if getattr(node, "connection_invalidated", False):
            return StorageFault("connection", _first_line(node))
        mod = type(node).__module__.split(".")[0]
        if mod not in ("sqlite3", "psycopg", "sqlalchemy"):
            continue
        for needle, kind in _WORDS:
            if needle in text:
                return StorageFault(kind, _first_line(node))
    return None


def transient_kind(exc: BaseException) -> Transient | None:
    """``busy``, ``serialization`` or ``connection`` when running the work again may succeed."""
    fault = classify(exc)
    if fault is None:
        return None
    return next((t for t in TRANSIENTS if t == fault.kind), None)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


def teller_message(exc: BaseException) -> str:
    """What a teller reads when a save failed: the fault in Chinese, never a traceback."""
    fault = classify(exc)
    if fault is not None:
        return fault.zh
    return f"内部错误（{type(exc).__name__}），请联系网点管理员"
