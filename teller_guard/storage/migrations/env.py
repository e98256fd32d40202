"""Alembic environment: runs against the engine teller_guard hands over (no alembic.ini)."""

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import teller_guard.storage.tables  # noqa: F401  (registers the tables on the metadata)

target_metadata = SQLModel.metadata
engine = context.config.attributes["engine"]
given = context.config.attributes.get("connection")


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if given is not None:  # teller_guard's migrate(): the caller holds the lock and commits
    run(given)
else:
    with engine.begin() as connection:
        run(connection)
