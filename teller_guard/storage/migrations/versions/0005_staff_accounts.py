"""staff accounts: PIN hash, status and lock-out on ``staff``; authenticated approvals.

``staff`` gains what an account needs (active, the argon2id hash of the PIN, failed attempts,
locked-until, when the PIN was set, must-change). Rows written by the old sign-in, where
anyone typed any id, name and role, keep their id and name but get no PIN: they cannot sign in
until an admin checks the role and sets a PIN (``teller-guard staff reset-pin``).

``decision`` and ``acknowledgement`` gain when the supervisor approved and how they proved who
they are (``supervisor_at``, ``supervisor_auth``); existing rows keep NULL there: their
supervisor id was typed, never checked. The columns are added in place (ALTER TABLE ADD
COLUMN), so the append-only triggers on those tables stay as they are.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 10:00:00
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

APPROVAL_TABLES = ("decision", "acknowledgement")


def upgrade() -> None:
    op.add_column("staff", sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column("staff", sa.Column("pin_hash", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True))
    op.add_column("staff", sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("staff", sa.Column("locked_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.add_column("staff", sa.Column("pin_set_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.add_column("staff", sa.Column("must_change", sa.Boolean(), nullable=False, server_default=sa.false()))
    for table in APPROVAL_TABLES:
        op.add_column(table, sa.Column("supervisor_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        op.add_column(table, sa.Column("supervisor_auth", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True))


def downgrade() -> None:
    # SQLite drops a column only by rebuilding the table, which would lose the append-only
    # triggers of decision and acknowledgement: those two are rebuilt in batch mode and their
    # triggers restored by hand.
    dialect = op.get_bind().dialect.name
    for table in APPROVAL_TABLES:
        if dialect == "sqlite":
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("supervisor_auth")
            batch_op.drop_column("supervisor_at")
        if dialect == "sqlite":
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'the intervention log is append-only: {verb} on {table} refused'); END"
                )
    with op.batch_alter_table("staff", schema=None) as batch_op:
        for column in ("must_change", "pin_set_at", "locked_until", "failed_attempts", "pin_hash", "active"):
            batch_op.drop_column(column)
