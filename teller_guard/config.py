"""Global configuration: environment variables, then command-line flags.

| variable | meaning | default |
| --- | --- | --- |
| ``TELLER_GUARD_DB`` | SQLAlchemy URL of the intervention log | SQLite file in the user data dir |
| ``TELLER_GUARD_RULES`` | the rules folder | the shipped ``rules/`` |
| ``TELLER_GUARD_TZ`` | the branch's time zone for local days and months | ``Asia/Shanghai`` |
| ``TELLER_GUARD_DATA_DIR`` | where the database, secret key and exports live | the user data dir |
| ``TELLER_GUARD_MAX_SESSIONS`` | ``serve``: browser sessions at once (each ~80 MB) | ``8`` |
| ``TELLER_GUARD_PIN_HASH`` | argon2id parameters for PINs (``insecure-fast-for-tests`` only in tests) | ``rfc9106-low-memory`` |
| ``TELLER_GUARD_SESSION_CLIENT`` | set by ``serve`` for each browser session: the browser's address | none |

Every command also takes ``--db`` and ``--rules``, which win over the environment.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from platformdirs import user_data_dir

APP_NAME = "teller-guard"


def _shipped_rules() -> Path:
    from teller_guard.core.paths import shipped_rules_dir

    return shipped_rules_dir()


ENV_PREFIX = "TELLER_GUARD_"
FIELDS = ("data_dir", "db", "rules", "tz", "max_sessions", "pin_hash", "session_client")
PIN_HASH_PROFILES = ("rfc9106-low-memory", "insecure-fast-for-tests")
"""The names of the argon2id parameter sets (the parameters are in :mod:`teller_guard.identity.pins`)."""


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
        SettingsError: an unknown time zone, a session limit that is not a whole number from 1
            to 200, an unknown PIN hash profile.
    """

    data_dir: Path
    """Where the embedded database, the installation secret and exports live."""
    db: str | None
    """SQLAlchemy URL; ``None`` means ``sqlite:///<data_dir>/teller_guard.db``."""
    rules: Path
    """The rules folder."""
    tz: str
    """The branch's time zone: reports count local business days and months."""
    max_sessions: int
    """``serve``: how many browser sessions may run at once (each tab is a process of ~80 MB)."""
    pin_hash: str
    """The argon2id parameter set PINs are hashed with (:mod:`teller_guard.identity.pins`). The
    fast set exists for the test suite; a hash made with it is re-hashed with the standard set
    at its owner's next correct PIN once the setting is back to the default."""
    session_client: str | None
    """Set by ``serve`` for each browser session: the browser's address (for the audit trail)."""

    def __init__(self, **given: Any) -> None:
        env = {k.upper(): v for k, v in os.environ.items() if k.upper().startswith(ENV_PREFIX)}

        def pick(name: str) -> Any:
            return given[name] if name in given else env.get(ENV_PREFIX + name.upper())

        data_dir, db, rules, tz, max_sessions, pin_hash, client = (pick(name) for name in FIELDS)
        self.data_dir = Path(data_dir) if data_dir else Path(user_data_dir(APP_NAME, appauthor=False))
        self.db = str(db) if db is not None else None
        self.rules = Path(rules) if rules else _shipped_rules()
        self.tz = str(tz) if tz else "Asia/Shanghai"
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError("tz", f"unknown time zone {self.tz!r}") from None
        try:
            self.max_sessions = int(max_sessions) if max_sessions not in (None, "") else 8
        except ValueError:
            raise SettingsError("max_sessions", f"not a whole number: {max_sessions!r}") from None
        if not 1 <= self.max_sessions <= 200:
            raise SettingsError("max_sessions", f"must be 1 to 200, not {self.max_sessions}")
        self.pin_hash = str(pin_hash) if pin_hash else PIN_HASH_PROFILES[0]
        if self.pin_hash not in PIN_HASH_PROFILES:
            raise SettingsError("pin_hash", f"unknown profile {self.pin_hash!r}; known: {', '.join(PIN_HASH_PROFILES)}")
        if self.pin_hash != PIN_HASH_PROFILES[0] and "PYTEST_CURRENT_TEST" not in os.environ:
            # A weak PIN hash set by mistake on a branch PC would make every stolen database a
            # list of PINs: the fast set is refused outside the test suite, never silently used.
            raise SettingsError(
                "pin_hash", f"{self.pin_hash!r} is for the test suite only; unset TELLER_GUARD_PIN_HASH"
            )
        self.session_client = str(client)[:64] if client else None

    def __repr__(self) -> str:
        return f"Settings(data_dir={self.data_dir!r}, db={self.db!r}, rules={self.rules!r}, tz={self.tz!r})"

    @property
    def db_url(self) -> str:
        return self.db or f"sqlite:///{self.data_dir / 'teller_guard.db'}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def secret(self) -> bytes:
        """The installation secret that keys customer and account hashes and the evidence chain.

        Created on first use in the data dir (folder 0700, file 0600), never stored in the
        database, so a copy of the database or an export cannot be matched back to ID or account
        numbers, nor its chain rebuilt. Created atomically: the 32 random bytes are written and
        synced to a private temporary file, which is then hard-linked to ``secret.key`` (a link
        fails if the name exists), so counters starting at once all read the one key, never an
        empty or half-written file.
        """
        path = self.data_dir / "secret.key"
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            data = _create_secret(path)
        if len(data) != 32:
            raise SettingsError(
                "data_dir", f"{path} is not a 32-byte key ({len(data)} bytes); restore it from its backup"
            )
        return data


def _create_secret(path: Path) -> bytes:
    import secrets  # here: it loads random, hmac and base64, which no other start needs

    from teller_guard.files import sweep_stale

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    sweep_stale(path.parent)  # a temporary key a killed first start left behind
    key = secrets.token_bytes(32)
    tmp = path.with_name(f".secret.key.{os.getpid()}-{secrets.token_hex(4)}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:  # another process made it first: theirs is the key
            return path.read_bytes()
        return key
    finally:
        tmp.unlink(missing_ok=True)
