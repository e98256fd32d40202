"""month statistics: outcome columns on the intervention row and covering indexes.

The monthly statistics group a month's interventions by channel, level, outcome,
acknowledgement, fraud type, staff and age. With the outcome living in ``decision`` and the
acknowledgement in ``acknowledgement``, every figure cost one primary-key lookup per row in
each of those tables (about 0.15 s per table for an 84,000-row month on SQLite). The outcome
group, the amount protected and the acknowledgement method are therefore copied onto the
intervention row when it is written (like ``signal_ids``), and covering indexes let every
month query read an index alone, in the order it groups by.

Existing rows are back-filled from ``decision`` and ``acknowledgement``. The log is
append-only, so the UPDATE trigger is lifted for the back-fill and restored straight after,
inside the same transaction.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 09:10:00
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

MONTH_INDEXES: dict[str, list[str]] = {
    # The core counts (channel, status, level, outcome, notice) and the 12-month trend.
    "ix_intervention_month_outcome": [
        "local_month",
        "channel",
        "status",
        "level",
        "decision_group",
        "ack_method",
        "amount_fen",
        "amount_protected_fen",
    ],
    "ix_intervention_month_typology": ["local_month", "primary_typology", "decision_group", "amount_protected_fen"],
    "ix_intervention_month_staff": ["local_month", "staff_id", "staff_role", "decision_group", "amount_protected_fen"],
    "ix_intervention_month_customer": ["local_month", "customer_age", "customer_sex"],
    "ix_intervention_month_duration": ["local_month", "channel", "duration_seconds"],
}
"""One covering index per breakdown, each in the order its GROUP BY reads it: SQLite then
aggregates while walking the index, with no table access and no sort."""

_SQLITE_TRIGGER = (
    "CREATE TRIGGER intervention_no_{verb_l} BEFORE {verb} ON intervention "
    "BEGIN SELECT RAISE(ABORT, 'the intervention log is append-only: {verb} on intervention refused'); END"
)


def _sqlite_triggers(action: str, verbs: tuple[str, ...] = ("UPDATE",)) -> None:
    for verb in verbs:
        if action == "drop":
            op.execute(f"DROP TRIGGER IF EXISTS intervention_no_{verb.lower()}")
        else:
            op.execute(_SQLITE_TRIGGER.format(verb=verb, verb_l=verb.lower()))


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.add_column(
        "intervention",
        sa.Column("decision_group", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    )
    op.add_column(
        "intervention",
        sa.Column("amount_protected_fen", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.add_column(
        "intervention",
        sa.Column("ack_method", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    )

    backfill = (
        "UPDATE intervention SET "
        "decision_group = (SELECT d.decision_group FROM decision d WHERE d.intervention_id = intervention.id), "
        "amount_protected_fen = COALESCE("
        "(SELECT d.amount_protected_fen FROM decision d WHERE d.intervention_id = intervention.id), 0), "
        "ack_method = (SELECT a.method FROM acknowledgement a WHERE a.intervention_id = intervention.id)"
    )
    if dialect == "sqlite":
        _sqlite_triggers("drop")
        op.execute(backfill)
        _sqlite_triggers("create")
    elif dialect == "postgresql":
        op.execute("ALTER TABLE intervention DISABLE TRIGGER intervention_append_only")
        op.execute(backfill)
        op.execute("ALTER TABLE intervention ENABLE TRIGGER intervention_append_only")
    else:
        op.execute(backfill)

    for name, columns in MONTH_INDEXES.items():
        op.create_index(name, "intervention", columns)


def downgrade() -> None:
    for name in reversed(MONTH_INDEXES):
        op.drop_index(name, table_name="intervention")
    if op.get_bind().dialect.name == "sqlite":
        # Batch mode rebuilds the table, which drops its triggers: put them back afterwards.
        with op.batch_alter_table("intervention") as batch_op:
            batch_op.drop_column("ack_method")
            batch_op.drop_column("amount_protected_fen")
            batch_op.drop_column("decision_group")
        _sqlite_triggers("drop", ("UPDATE", "DELETE"))
        _sqlite_triggers("create", ("UPDATE", "DELETE"))
    else:
        op.drop_column("intervention", "ack_method")
        op.drop_column("intervention", "amount_protected_fen")
        op.drop_column("intervention", "decision_group")
