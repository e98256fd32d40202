"""Staff accounts in the ``staff`` table: read, create, and the few changes an account sees.

Every method is one transaction and returns :class:`~teller_guard.core.accounts.StaffAccount`
(never a row). Staff ids are matched without regard to case (``t001`` signs in as ``T001``),
and two ids that differ only in case cannot both exist. The lock-out counter moves in one
UPDATE, so two counters failing the same account at once both count.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, update
from sqlmodel import Session, col, select

from teller_guard.core.accounts import DEMO_PREFIX, StaffAccount
from teller_guard.core.clock import Clock
from teller_guard.core.records import Staff
from teller_guard.storage.tables import StaffRow


class StaffExists(Exception):
    """An account with this id (in any case) already exists."""


class AdminExists(Exception):
    """The first admin can be created only while there is no admin."""


def _account(row: StaffRow) -> StaffAccount:
    return StaffAccount.model_validate(row, from_attributes=True)


def _new_row(staff: Staff, pin_hash: str, *, at: datetime, must_change: bool) -> StaffRow:
    return StaffRow(
        staff_id=staff.staff_id,
        name=staff.name,
        role=staff.role,
        created_at=at,
        active=True,
        pin_hash=pin_hash,
        failed_attempts=0,
        pin_set_at=at,
        must_change=must_change,
    )


class StaffStore:
    """The staff accounts of one database."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock
        """Where ``created_at`` comes from (every other time is passed in by the caller)."""

    def _find(self, s: Session, staff_id: str) -> StaffRow | None:
        exact = s.get(StaffRow, staff_id)
        if exact is not None:
            return exact
        return s.exec(select(StaffRow).where(func.lower(StaffRow.staff_id) == staff_id.lower())).first()

    def get(self, staff_id: str) -> StaffAccount | None:
        """The account whose id is ``staff_id`` (any case), or ``None``."""
        with Session(self.engine) as s:
            row = self._find(s, staff_id)
            return _account(row) if row is not None else None

    def all(self) -> list[StaffAccount]:
        """Every account, by id."""
        with Session(self.engine) as s:
            return [_account(r) for r in s.exec(select(StaffRow).order_by(col(StaffRow.staff_id))).all()]

    def has_admin(self) -> bool:
        """Whether any admin account exists (active or not: the first-run door is shut either way)."""
        with Session(self.engine) as s:
            return s.exec(select(func.count()).select_from(StaffRow).where(StaffRow.role == "admin")).one() > 0

    def active_admins(self) -> int:
        with Session(self.engine) as s:
            stmt = select(func.count()).select_from(StaffRow).where(StaffRow.role == "admin", col(StaffRow.active))
            return int(s.exec(stmt).one())

    def has_real_staff(self) -> bool:
        """Whether any account is not a ``demo-data`` account."""
        with Session(self.engine) as s:
            stmt = select(func.count()).select_from(StaffRow).where(col(StaffRow.staff_id).not_like(f"{DEMO_PREFIX}%"))
            return s.exec(stmt).one() > 0

    def add(
        self,
        staff: Staff,
        pin_hash: str,
        *,
        at: datetime,
        must_change: bool,
        first_admin: bool = False,
    ) -> StaffAccount:
        """Create an account with its PIN hash.

        Args:
            staff: id, name and role.
            pin_hash: the argon2id hash of the first PIN.
            at: now (``created_at`` and ``pin_set_at``).
            must_change: the PIN was chosen by someone else (an admin).
            first_admin: create it only if there is no admin yet, checked in the same
                transaction (two first runs at once cannot both succeed).

        Raises:
            StaffExists: the id is taken (in any case).
            AdminExists: ``first_admin`` and an admin exists.
        """
        with Session(self.engine) as s:
            if first_admin and self.engine.dialect.name == "postgresql":
                # Two first runs at once: the second waits here, then sees the first admin.
                s.connection().exec_driver_sql("LOCK TABLE staff IN SHARE ROW EXCLUSIVE MODE")
            if self._find(s, staff.staff_id) is not None:
                raise StaffExists(staff.staff_id)
            s.add(_new_row(staff, pin_hash, at=at, must_change=must_change))
            s.flush()  # on SQLite this takes the write lock before the count below
            if first_admin:
                admins = s.exec(select(func.count()).select_from(StaffRow).where(StaffRow.role == "admin")).one()
                if admins != 1:
                    s.rollback()
                    raise AdminExists()
            if (
                s.exec(
                    select(func.count())
                    .select_from(StaffRow)
                    .where(func.lower(StaffRow.staff_id) == staff.staff_id.lower())
                ).one()
                != 1
            ):
                s.rollback()
                raise StaffExists(staff.staff_id)
            s.commit()
        account = self.get(staff.staff_id)
        assert account is not None
        return account

    def add_demo(self, staff: Iterable[Staff], pin_hash: str, *, at: datetime) -> None:
        """The ``demo-data`` accounts with the demo PIN's hash (skipping ones already there)."""
        with Session(self.engine) as s:
            for member in staff:
                if not member.staff_id.startswith(DEMO_PREFIX):
                    raise ValueError(f"{member.staff_id}: demo accounts start with {DEMO_PREFIX!r}")
                if self._find(s, member.staff_id) is None:
                    s.add(_new_row(member, pin_hash, at=at, must_change=False))
            s.commit()

    def _update(self, staff_id: str, **values: object) -> StaffAccount | None:
        with Session(self.engine) as s:
            row = self._find(s, staff_id)
            if row is None:
                return None
            sid = row.staff_id
            s.connection().execute(update(StaffRow).where(col(StaffRow.staff_id) == sid).values(**values))
            s.commit()
        return self.get(sid)

    def set_pin(self, staff_id: str, pin_hash: str, *, at: datetime, must_change: bool) -> StaffAccount | None:
        """A new PIN (hash): clears the lock-out, records when, and whether it must be changed."""
        return self._update(
            staff_id, pin_hash=pin_hash, pin_set_at=at, must_change=must_change, failed_attempts=0, locked_until=None
        )

    def rehash(self, staff_id: str, pin_hash: str) -> None:
        """Replace the hash of the same PIN (new parameters); nothing else changes."""
        self._update(staff_id, pin_hash=pin_hash)

    def set_active(self, staff_id: str, active: bool) -> StaffAccount | None:
        return self._update(staff_id, active=active)

    def unlock(self, staff_id: str) -> StaffAccount | None:
        """End a lock-out and forget the wrong PINs."""
        return self._update(staff_id, failed_attempts=0, locked_until=None)

    def note_success(self, staff_id: str) -> None:
        """A correct PIN: the count of wrong ones starts again."""
        self._update(staff_id, failed_attempts=0, locked_until=None)

    def note_failure(self, staff_id: str, *, at: datetime, limit: int, lock_for: timedelta) -> StaffAccount | None:
        """One more wrong PIN; at ``limit`` in a row the account is locked until ``at + lock_for``
        (and the count starts again for after the lock). Returns the account as it now is."""
        with Session(self.engine) as s:
            row = self._find(s, staff_id)
            if row is None:
                return None
            sid = row.staff_id
            key = col(StaffRow.staff_id) == sid
            conn = s.connection()
            # An expired lock is forgotten; then one atomic increment, so concurrent failures all count.
            conn.execute(
                update(StaffRow)
                .where(key, col(StaffRow.locked_until).is_not(None), col(StaffRow.locked_until) <= at)
                .values(locked_until=None, failed_attempts=0)
            )
            conn.execute(update(StaffRow).where(key).values(failed_attempts=StaffRow.failed_attempts + 1))
            conn.execute(
                update(StaffRow)
                .where(key, col(StaffRow.failed_attempts) >= limit)
                .values(locked_until=at + lock_for, failed_attempts=0)
            )
            s.commit()
        return self.get(sid)
