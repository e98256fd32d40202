"""One mapping between the domain records (``core``) and the table rows (``storage.tables``).

The repository and the bulk writer both go through here, so a stored value is read back as the
same record it was written from. Text columns that hold one of a fixed set of words (a channel,
a level, a status…) are checked against that set on the way out: a row holding any other word is
an error naming the column, never a record carrying a value the domain does not know.
"""

from __future__ import annotations

from typing import Literal, TypeVar, get_args

from sqlalchemy import Table
from sqlmodel import SQLModel

from teller_guard.core.audit import Origin
from teller_guard.core.records import SupervisorAuth
from teller_guard.core.schema import LEVELS, Channel, Level

_W = TypeVar("_W", bound=str)

CHANNELS: tuple[Channel, ...] = get_args(Channel)
RECORD_STATUSES: tuple[Literal["closed", "abandoned"], ...] = ("closed", "abandoned")
DRAFT_STATUSES: tuple[Literal["open", "closed", "abandoned"], ...] = ("open", "closed", "abandoned")
ACK_METHODS: tuple[Literal["paper", "screen", "refused", "override"], ...] = ("paper", "screen", "refused", "override")
SUPERVISOR_AUTHS: tuple[SupervisorAuth, ...] = get_args(SupervisorAuth)
ORIGINS: tuple[Origin, ...] = get_args(Origin)


class StoredValueError(ValueError):
    """A row holds a word its column does not allow (a damaged or foreign database)."""


def one_of(value: str, allowed: tuple[_W, ...], column: str) -> _W:
    """``value`` as the word of ``allowed`` it equals; :class:`StoredValueError` when none."""
    for word in allowed:
        if value == word:
            return word
    raise StoredValueError(f"{column}: stored value {value!r} is not one of {', '.join(allowed)}")


def maybe_one_of(value: str | None, allowed: tuple[_W, ...], column: str) -> _W | None:
    """As :func:`one_of`, with ``None`` kept as ``None``."""
    return None if value is None else one_of(value, allowed, column)


def stored_id(row_id: int | None) -> int:
    """The id of a row read back from the database, which always has one."""
    if row_id is None:
        raise StoredValueError("a stored row without an id")
    return row_id


def table_of(model: type[SQLModel]) -> Table:
    """The SQLAlchemy Core table behind a table model, for bulk ``insert()`` without the ORM."""
    # SQLAlchemy's declarative machinery sets ``__table__`` when the class is created; SQLModel's
    # type stubs do not declare it, hence the one ignore here instead of one per caller.
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def channel(value: str) -> Channel:
    return one_of(value, CHANNELS, "channel")


def level(value: str) -> Level:
    return one_of(value, LEVELS, "level")
