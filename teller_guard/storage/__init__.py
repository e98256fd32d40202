"""Storage: SQLModel tables, the engine, migrations, the repository and the reports' read
models (no UI imports). The names below load on first use, so ``storage.queries`` alone never
imports SQLAlchemy."""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {"Repository": "repository", "make_engine": "db", "migrate": "db"}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"teller_guard.storage.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'teller_guard.storage' has no attribute {name!r}")
