"""evidence chain: the append-only ``chain_link`` table (:mod:`teller_guard.storage.chain`).

The table is created here; the rows already in the log are chained by the first writer that
holds the installation key (a migration runs without it; ``db upgrade`` and the app's start do
it at once). This migration leaves ``db_meta.chain_seal = pending`` when the log holds rows,
and only then, with the chain still empty, a
``sealed`` marker link ("sealed on upgrade: N interventions, M audit events already in the
log") is followed by one link per existing intervention and audit event, in id order, in the
same transaction as that first write (or at the first start of the app or a command).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 12:30:00
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chain_link",
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("key_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("prev_mac", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("mac", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_index("ix_chain_link_mac", "chain_link", ["mac"], unique=False)
    op.create_index("ix_chain_link_ref", "chain_link", ["kind", "ref"], unique=False)
    bind = op.get_bind()
    existing = bind.execute(
        sa.text("SELECT (SELECT count(*) FROM intervention) + (SELECT count(*) FROM audit_event)")
    ).scalar()
    if existing:
        bind.execute(sa.text("INSERT INTO db_meta (key, value) VALUES ('chain_seal', 'pending')"))
    dialect = bind.dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER chain_link_no_{verb.lower()} BEFORE {verb} ON chain_link "
                f"BEGIN SELECT RAISE(ABORT, 'the evidence chain is append-only: {verb} on chain_link refused'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE TRIGGER chain_link_append_only BEFORE UPDATE OR DELETE ON chain_link "
            "FOR EACH ROW EXECUTE FUNCTION teller_guard_append_only()"
        )


def downgrade() -> None:
    op.execute("DELETE FROM db_meta WHERE key = 'chain_seal'")
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS chain_link_no_{verb}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS chain_link_append_only ON chain_link")
    op.drop_index("ix_chain_link_ref", table_name="chain_link")
    op.drop_index("ix_chain_link_mac", table_name="chain_link")
    op.drop_table("chain_link")
