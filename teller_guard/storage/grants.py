"""PostgreSQL with least privilege: an owner role that migrates, an app role that only adds to the log.

The owner creates and alters the tables (``teller-guard db upgrade`` runs as the owner). The
app role — what every counter, lobby tablet and command connects as — may only ``SELECT`` and
``INSERT`` on the evidence tables (the log, the audit trail, the chain): no ``UPDATE``,
``DELETE`` or ``TRUNCATE``, and, not owning them, no ``ALTER TABLE … DISABLE TRIGGER``. It
keeps the rights it needs on the working tables (drafts, notice numbers, staff accounts, the
statistics cache). :func:`grant_sql` prints both parts.
"""

from __future__ import annotations

import re

EVIDENCE_TABLES = ("intervention", "answer", "fired_signal", "decision", "acknowledgement", "audit_event", "chain_link")
"""Append-only: the app role may read and add rows, nothing else."""
WORKING_TABLES: dict[str, str] = {
    "draft": "SELECT, INSERT, UPDATE, DELETE",
    "notice_serial": "SELECT, INSERT, UPDATE",
    "notice_counter": "SELECT, INSERT, UPDATE",
    "staff": "SELECT, INSERT, UPDATE",
    "stats_cache": "SELECT, INSERT, UPDATE, DELETE",
    "db_meta": "SELECT, INSERT, DELETE",
    "alembic_version": "SELECT",
}
_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def check_name(name: str, what: str) -> str:
    """A role or database name safe to print unquoted (lower-case letters, digits, ``_``)."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"{what}: {name!r} is not a plain PostgreSQL name (a-z, 0-9, _; up to 63)")
    return name


def grant_sql(database: str, owner: str = "teller_guard_owner", app: str = "teller_guard_app") -> str:
    """The SQL that sets the two roles up: part 1 for a superuser, part 2 for the owner after
    ``teller-guard db upgrade`` has created the tables.

    Raises:
        ValueError: a name that is not a plain PostgreSQL identifier.
    """
    database, owner, app = (check_name(database, "database"), check_name(owner, "owner"), check_name(app, "app"))
    lines = [
        "-- teller_guard on PostgreSQL: two roles (teller-guard db grant-sql).",
        "-- Part 1, as a superuser. Set the passwords with \\password in psql, never on a command line.",
        f"CREATE ROLE {owner} LOGIN;",
        f"CREATE ROLE {app} LOGIN;",
        f"ALTER DATABASE {database} OWNER TO {owner};",
        f"REVOKE ALL ON DATABASE {database} FROM PUBLIC;",
        f"GRANT CONNECT ON DATABASE {database} TO {app};",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC;",
        f"GRANT USAGE, CREATE ON SCHEMA public TO {owner};",
        f"GRANT USAGE ON SCHEMA public TO {app};",
        "",
        f"-- Part 2, as {owner}, after `teller-guard db upgrade --db postgresql://{owner}@HOST/{database}`",
        "-- (run it again after every upgrade that adds a table).",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {app};",
        f"GRANT SELECT, INSERT ON {', '.join(EVIDENCE_TABLES)} TO {app};",
        *(f"GRANT {rights} ON {table} TO {app};" for table, rights in WORKING_TABLES.items()),
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app};",
        f"-- The app connects as {app}: postgresql+psycopg://{app}@HOST/{database}",
        "",
    ]
    return "\n".join(lines)
