"""Storage: SQLModel tables, the engine, migrations and the repository (no UI imports)."""

from teller_guard.storage.db import make_engine, migrate
from teller_guard.storage.repository import Repository

__all__ = ["Repository", "make_engine", "migrate"]
