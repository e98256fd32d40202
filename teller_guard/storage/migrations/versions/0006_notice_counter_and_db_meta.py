"""notice serials: a per-branch, per-day counter row and the fate of every serial issued;
``db_meta``: what a database is for (``purpose = demo`` marks one filled by ``demo-data``).

A serial is allocated by one upsert on ``notice_counter`` (``… ON CONFLICT DO UPDATE SET
last_seq = last_seq + 1 RETURNING last_seq``) in the same transaction that records it in
``notice_serial``, so two counters can never get the same number and no number is skipped.
Each issued serial then ends ``used`` (an acknowledgement carries it, signed or refused) or
``void`` (the case closed without it: abandoned, or the notice printed again); one still
``issued`` belongs to a case that has not closed (or was orphaned by a crash).

Existing serials are back-filled: branch and number from the serial text, ``used`` where an
acknowledgement carries them, and each day's counter set to its highest number.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 12:00:00
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "db_meta",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "notice_counter",
        sa.Column("branch_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("local_day", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("branch_code", "local_day"),
    )
    with op.batch_alter_table("notice_serial") as batch_op:
        batch_op.add_column(sa.Column("branch_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False, server_default="issued")
        )
        batch_op.add_column(sa.Column("intervention_uid", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column("settled_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True))

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT serial FROM notice_serial")).fetchall()
    used = {r[0] for r in bind.execute(sa.text("SELECT notice_serial FROM acknowledgement")).fetchall()}
    top: dict[tuple[str, str], int] = {}
    for (serial,) in rows:
        branch, _, rest = serial.rpartition("-")
        branch, _, day = branch.rpartition("-")
        if not (rest.isdigit() and len(day) == 8 and day.isdigit() and branch):
            continue  # not a counter serial: left without a number
        seq = int(rest)
        local_day = f"{day[:4]}-{day[4:6]}-{day[6:]}"
        bind.execute(
            sa.text("UPDATE notice_serial SET branch_code = :b, seq = :n, status = :s WHERE serial = :serial"),
            {"b": branch, "n": seq, "s": "used" if serial in used else "issued", "serial": serial},
        )
        top[(branch, local_day)] = max(seq, top.get((branch, local_day), 0))
    for (branch, local_day), seq in top.items():
        bind.execute(
            sa.text("INSERT INTO notice_counter (branch_code, local_day, last_seq) VALUES (:b, :d, :n)"),
            {"b": branch, "d": local_day, "n": seq},
        )
    op.create_index("ix_notice_serial_number", "notice_serial", ["branch_code", "local_day", "seq"], unique=True)
    op.create_index("ix_notice_serial_draft_id", "notice_serial", ["draft_id"])
    op.create_index("ix_notice_serial_status", "notice_serial", ["status"])


def downgrade() -> None:
    op.drop_index("ix_notice_serial_status", table_name="notice_serial")
    op.drop_index("ix_notice_serial_draft_id", table_name="notice_serial")
    op.drop_index("ix_notice_serial_number", table_name="notice_serial")
    with op.batch_alter_table("notice_serial") as batch_op:
        for column in ("note", "settled_at", "intervention_uid", "status", "seq", "branch_code"):
            batch_op.drop_column(column)
    op.drop_table("notice_counter")
    op.drop_table("db_meta")
