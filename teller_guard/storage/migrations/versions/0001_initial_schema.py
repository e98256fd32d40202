"""initial schema: staff, the append-only intervention log, drafts and notice serials.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 06:40:12.924699
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY = ("intervention", "answer", "fired_signal", "decision", "acknowledgement")


def _append_only_up() -> None:
    """Refuse UPDATE and DELETE on the log: a correction is a new record, never an edit."""
    if op.get_bind().dialect.name == "sqlite":
        for table in APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'the intervention log is append-only: {verb} on {table} refused'); END"
                )
    elif op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION teller_guard_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'the intervention log is append-only: % on % refused', TG_OP, TG_TABLE_NAME; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION teller_guard_append_only()"
            )


def _append_only_down() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in APPEND_ONLY:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    elif op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS teller_guard_append_only()")


def upgrade() -> None:
    op.create_table(
        "draft",
        sa.Column("draft_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("staff_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("state_json", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("intervention_uid", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.PrimaryKeyConstraint("draft_id"),
    )
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draft_staff_id"), ["staff_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_draft_status"), ["status"], unique=False)

    op.create_table(
        "intervention",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("local_day", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("local_month", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("branch_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("staff_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("staff_role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("machine_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("customer_age", sa.Integer(), nullable=True),
        sa.Column("customer_sex", sqlmodel.sql.sqltypes.AutoString(length=1), nullable=True),
        sa.Column("customer_ref", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("customer_name_masked", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("payee_name_masked", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("payee_account_masked", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("payee_ref", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("purpose_text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("previous_purposes", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("payee_relation_text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("notes_text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("observations", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("rules_version", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("signal_ids", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("typology_ids", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("typology_labels", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("primary_typology", sqlmodel.sql.sqltypes.AutoString(length=48), nullable=True),
        sa.Column("handoff_from_uid", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("corrects_uid", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("correction_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("step_seconds", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("duration_seconds", sa.Integer(), nullable=False),
        sa.Column("record_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("extra_json", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
    )
    with op.batch_alter_table("intervention", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intervention_corrects_uid"), ["corrects_uid"], unique=False)
        batch_op.create_index(batch_op.f("ix_intervention_customer_ref"), ["customer_ref"], unique=False)
        batch_op.create_index(batch_op.f("ix_intervention_handoff_from_uid"), ["handoff_from_uid"], unique=False)
        batch_op.create_index(batch_op.f("ix_intervention_local_day"), ["local_day"], unique=False)
        batch_op.create_index(batch_op.f("ix_intervention_local_month"), ["local_month"], unique=False)
        batch_op.create_index(batch_op.f("ix_intervention_payee_ref"), ["payee_ref"], unique=False)
        batch_op.create_index(batch_op.f("ix_intervention_staff_id"), ["staff_id"], unique=False)

    op.create_table(
        "notice_serial",
        sa.Column("serial", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("local_day", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("issued_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("draft_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.PrimaryKeyConstraint("serial"),
    )
    with op.batch_alter_table("notice_serial", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_serial_local_day"), ["local_day"], unique=False)

    op.create_table(
        "staff",
        sa.Column("staff_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("staff_id"),
    )
    op.create_table(
        "acknowledgement",
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("notice_serial", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("notice_version", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("notice_text_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("signer_masked", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("witness_staff_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("supervisor_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["intervention.id"],
        ),
        sa.PrimaryKeyConstraint("intervention_id"),
    )
    with op.batch_alter_table("acknowledgement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_acknowledgement_notice_serial"), ["notice_serial"], unique=False)

    op.create_table(
        "answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
        sa.Column("value_json", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("said", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("answered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["intervention.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_answer_intervention_id"), ["intervention_id"], unique=False)

    op.create_table(
        "decision",
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("decision", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("decision_group", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("amount_protected_fen", sa.BigInteger(), nullable=False),
        sa.Column("police_ref", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("police_called_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("supervisor_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("supervisor_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["intervention.id"],
        ),
        sa.PrimaryKeyConstraint("intervention_id"),
    )
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_decision_group"), ["decision_group"], unique=False)

    op.create_table(
        "fired_signal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("signal_id", sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("evidence", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["intervention.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("fired_signal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fired_signal_intervention_id"), ["intervention_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fired_signal_signal_id"), ["signal_id"], unique=False)

    _append_only_up()


def downgrade() -> None:
    _append_only_down()
    with op.batch_alter_table("fired_signal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fired_signal_signal_id"))
        batch_op.drop_index(batch_op.f("ix_fired_signal_intervention_id"))

    op.drop_table("fired_signal")
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_decision_group"))

    op.drop_table("decision")
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_answer_intervention_id"))

    op.drop_table("answer")
    with op.batch_alter_table("acknowledgement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_acknowledgement_notice_serial"))

    op.drop_table("acknowledgement")
    op.drop_table("staff")
    with op.batch_alter_table("notice_serial", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_serial_local_day"))

    op.drop_table("notice_serial")
    with op.batch_alter_table("intervention", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intervention_staff_id"))
        batch_op.drop_index(batch_op.f("ix_intervention_payee_ref"))
        batch_op.drop_index(batch_op.f("ix_intervention_local_month"))
        batch_op.drop_index(batch_op.f("ix_intervention_local_day"))
        batch_op.drop_index(batch_op.f("ix_intervention_handoff_from_uid"))
        batch_op.drop_index(batch_op.f("ix_intervention_customer_ref"))
        batch_op.drop_index(batch_op.f("ix_intervention_corrects_uid"))

    op.drop_table("intervention")
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draft_status"))
        batch_op.drop_index(batch_op.f("ix_draft_staff_id"))

    op.drop_table("draft")
