"""One thin module per ``teller-guard`` sub-command, each with ``run(ctx, args) -> int``.

Commands are imported only when used. :class:`Failure` carries a message and an exit status
back to :func:`teller_guard.cli.main`, which prints it without a traceback.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from teller_guard.config import Settings, SettingsError
from teller_guard.core.clock import Clock, local_today, system_clock
from teller_guard.core.errors import InputError, RulesError

if TYPE_CHECKING:
    from teller_guard.core.rules import RuleSet
    from teller_guard.core.schema import AccessDef
    from teller_guard.identity import Gate
    from teller_guard.storage.repository import Repository


class Failure(Exception):
    """A command failed in a way the user can fix: print ``report()``, exit with ``status``."""

    def __init__(self, message: str, status: int = 2) -> None:
        self.message = message
        self.status = status
        super().__init__(message)

    def report(self) -> str:
        return (
            self.message
            if self.message.startswith("teller-guard") or "\n" in self.message
            else f"teller-guard: error: {self.message}"
        )

    @classmethod
    def from_input(cls, exc: InputError) -> Failure:
        return cls(f"{exc.field}: {exc.message}")

    @classmethod
    def from_rules(cls, exc: RulesError) -> Failure:
        return cls(exc.report())


@dataclass
class Context:
    """What every command gets: the settings (env + flags), the clock, and the rules on demand."""

    settings: Settings
    clock: Clock = field(default=system_clock)
    """The one clock (frozen by in-process tests through :func:`teller_guard.cli.main`)."""

    def today(self) -> date:
        """Today in the branch's time zone, by :attr:`clock`."""
        return local_today(self.clock, self.settings.zone)

    def db_url(self) -> str:
        """The configured database URL, checked like ``--db`` (``TELLER_GUARD_DB`` and the data
        dir are not checked by argparse)."""
        from teller_guard.cli_args import ArgError, check_db_url

        setting = "TELLER_GUARD_DB" if self.settings.db else "TELLER_GUARD_DATA_DIR"
        try:
            return check_db_url(self.settings.db_url, setting)
        except ArgError as exc:
            raise Failure(str(exc)) from None

    def repository(self) -> Repository:
        """The intervention log on the configured database, migrated, on this context's clock.

        A database that cannot be opened is one line (:mod:`teller_guard.storage.faults`).
        """
        from teller_guard.storage.faults import classify
        from teller_guard.storage.repository import Repository

        url = self.db_url()
        try:
            secret = self.settings.secret()
        except SettingsError as exc:
            raise Failure(f"{exc.variable}: {exc.message}") from None
        except OSError as exc:
            raise Failure(f"TELLER_GUARD_DATA_DIR: cannot read or create the installation key: {exc}") from None
        try:
            return Repository.open(url, self.settings.zone, clock=self.clock, secret=secret)
        except Exception as exc:
            fault = classify(exc)
            if fault is None:
                raise
            raise Failure(fault.line) from None

    def gate(self, repo: Repository | None = None) -> Gate:
        """PIN checks, permissions and the audit trail for this command (events say ``cli``)."""
        from teller_guard.identity import Gate, Where
        from teller_guard.identity.pins import PinHasher

        return Gate(repo or self.repository(), self.access, PinHasher(self.settings.pin_hash), where=Where("cli"))

    @classmethod
    def from_args(cls, args: argparse.Namespace, clock: Clock = system_clock) -> Context:
        overrides: dict[str, object] = {}
        if getattr(args, "db", None):
            overrides["db"] = args.db
        if getattr(args, "rules", None):
            overrides["rules"] = args.rules
        try:
            return cls(Settings(**overrides), clock)
        except SettingsError as exc:
            raise Failure(f"{exc.variable}: {exc.message}") from None

    @cached_property
    def access(self) -> AccessDef:
        """The sign-in and approval policy (``[access]`` of policy.toml), without loading the
        whole rules folder when nothing else of it is needed."""
        if "rules" in self.__dict__:
            return self.rules.access
        from teller_guard.core.rules import load_access

        try:
            return load_access(self.settings.rules)
        except RulesError as exc:
            raise Failure.from_rules(exc) from None

    @cached_property
    def rules(self) -> RuleSet:
        """The validated rules; a command never runs on half-loaded rules. From the rules cache
        when it holds exactly these rules (:mod:`teller_guard.rules_cache`)."""
        return self.load_rules()

    def load_rules(self, *, fresh: bool = False) -> RuleSet:
        """The rules, validated afresh with ``fresh`` (``rules check``); the cache rewritten."""
        from teller_guard.rules_cache import load_rules_cached

        try:
            rules = load_rules_cached(self.settings.rules, self.settings.data_dir / "cache", fresh=fresh)
        except RulesError as exc:
            raise Failure.from_rules(exc) from None
        self.__dict__["rules"] = rules
        return rules
