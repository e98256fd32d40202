"""Global configuration (pydantic-settings): environment variables, then command-line flags.

| variable | meaning | default |
| --- | --- | --- |
| ``TELLER_GUARD_DB`` | SQLAlchemy URL of the intervention log | SQLite file in the user data dir |
| ``TELLER_GUARD_RULES`` | the rules folder | the shipped ``rules/`` |
| ``TELLER_GUARD_TZ`` | the branch's time zone for local days and months | ``Asia/Shanghai`` |
| ``TELLER_GUARD_DATA_DIR`` | where the database, secret key and exports live | the user data dir |

Every command also takes ``--db`` and ``--rules``, which win over the environment.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from platformdirs import user_data_dir
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_NAME = "teller-guard"


def _shipped_rules() -> Path:
    from teller_guard.core.paths import shipped_rules_dir

    return shipped_rules_dir()


class Settings(BaseSettings):
    """teller_guard's settings, read from ``TELLER_GUARD_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="TELLER_GUARD_", extra="ignore")

    data_dir: Path = Field(default_factory=lambda: Path(user_data_dir(APP_NAME, appauthor=False)))
    """Where the embedded database, the installation secret and exports live."""
    db: str | None = None
    """SQLAlchemy URL; ``None`` means ``sqlite:///<data_dir>/teller_guard.db``."""
    rules: Path = Field(default_factory=lambda: _shipped_rules())
    """The rules folder."""
    tz: str = "Asia/Shanghai"
    """The branch's time zone: reports count local business days and months."""

    @field_validator("tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @property
    def db_url(self) -> str:
        return self.db or f"sqlite:///{self.data_dir / 'teller_guard.db'}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def secret(self) -> bytes:
        """The installation secret that keys customer and account hashes.

        Created on first use (mode 0600) in the data dir, never stored in the database, so a
        copy of the database or an export cannot be matched back to ID or account numbers.
        """
        path = self.data_dir / "secret.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another counter created it a moment ago
                return path.read_bytes()
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
        return path.read_bytes()
