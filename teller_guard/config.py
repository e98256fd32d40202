"""Global configuration: environment variables, then command-line flags.

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
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from platformdirs import user_data_dir

APP_NAME = "teller-guard"


def _shipped_rules() -> Path:
    from teller_guard.core.paths import shipped_rules_dir

    return shipped_rules_dir()


ENV_PREFIX = "TELLER_GUARD_"
FIELDS = ("data_dir", "db", "rules", "tz")


class SettingsError(ValueError):
    """A setting that cannot be used: names the field and says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

    @property
    def variable(self) -> str:
        """The environment variable that sets it (``TELLER_GUARD_TZ``)."""
        return ENV_PREFIX + self.field.upper()


class Settings:
    """teller_guard's settings, read from ``TELLER_GUARD_*`` environment variables (any case);
    keyword arguments (the command-line flags) win. Unknown keywords are ignored.

    Plain Python, no model class: building any pydantic model, or importing pydantic-settings
    (which loads asyncio and its cloud providers), costs several times ``import pydantic`` at
    every start, and ``teller-guard stats`` must start within 3x that.

    Raises:
        SettingsError: an unknown time zone.
    """

    data_dir: Path
    """Where the embedded database, the installation secret and exports live."""
    db: str | None
    """SQLAlchemy URL; ``None`` means ``sqlite:///<data_dir>/teller_guard.db``."""
    rules: Path
    """The rules folder."""
    tz: str
    """The branch's time zone: reports count local business days and months."""

    def __init__(self, **given: Any) -> None:
        env = {k.upper(): v for k, v in os.environ.items() if k.upper().startswith(ENV_PREFIX)}

        def pick(name: str) -> Any:
            return given[name] if name in given else env.get(ENV_PREFIX + name.upper())

        data_dir, db, rules, tz = (pick(name) for name in FIELDS)
        self.data_dir = Path(data_dir) if data_dir else Path(user_data_dir(APP_NAME, appauthor=False))
        self.db = str(db) if db is not None else None
        self.rules = Path(rules) if rules else _shipped_rules()
        self.tz = str(tz) if tz else "Asia/Shanghai"
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError("tz", f"unknown time zone {self.tz!r}") from None

    def __repr__(self) -> str:
        return f"Settings(data_dir={self.data_dir!r}, db={self.db!r}, rules={self.rules!r}, tz={self.tz!r})"

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
