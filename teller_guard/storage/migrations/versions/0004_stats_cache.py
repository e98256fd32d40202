"""stats cache: a month's grouped figures kept with the log's highest id when they were read.

Derived data, not evidence: the rows are rewritten freely and can be dropped at any time (the
statistics are then read from the log again). See :mod:`teller_guard.storage.queries`.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 06:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stats_cache",
        sa.Column("key", sa.String(length=64), primary_key=True),
        sa.Column("watermark", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("stats_cache")
