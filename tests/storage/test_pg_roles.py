"""PostgreSQL least privilege: the roles and GRANTs ``teller-guard db grant-sql`` prints leave the
app role able to log cases and audit events (and verify the chain) but not to UPDATE, DELETE or
TRUNCATE the log, nor to switch its triggers off."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from teller_guard.cli import main
from teller_guard.core.audit import AuditEvent
from teller_guard.storage.repository import Repository
from tests.factories import frozen_clock
from tests.factories.records import SHANGHAI, T0, record


def _run(url: str, sql: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for statement in sql.split(";\n"):
            body = "\n".join(line for line in statement.splitlines() if not line.startswith("--")).strip()
            if body:
                conn.exec_driver_sql(body)
    engine.dispose()


def test_grant_sql_prints_one_line_error_for_a_bad_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "grant-sql", "--app", "app; DROP TABLE x"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a plain PostgreSQL name" in err[0]


@pytest.mark.postgres
def test_the_app_role_cannot_truncate_edit_or_disable_triggers(
    pg_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    tag = uuid.uuid4().hex[:8]
    owner, app = f"tg_owner_{tag}", f"tg_app_{tag}"
    database = pg_database.rsplit("/", 1)[1]
    capsys.readouterr()
    assert main(["db", "grant-sql", "--db", pg_database, "--owner", owner, "--app", app]) == 0
    sql = capsys.readouterr().out
    part1, part2 = sql.split("\n\n", 1)
    assert f"ALTER DATABASE {database} OWNER TO {owner};" in part1
    _run(pg_database, part1)  # as the superuser
    as_owner = pg_database.replace("//postgres@", f"//{owner}@")
    as_app = pg_database.replace("//postgres@", f"//{app}@")
    assert main(["db", "upgrade", "--db", as_owner]) == 0
    _run(as_owner, part2)

    repo = Repository.open(as_app, SHANGHAI, clock=frozen_clock)
    rec = record(T0)
    repo.save_intervention(rec)
    repo.record_audit(AuditEvent(at=T0, kind="sign_in", staff_id="T001", origin="terminal"))
    assert repo.get(rec.uid) is not None
    capsys.readouterr()
    assert main(["verify", "--db", as_app], clock=frozen_clock) == 0
    assert "2 links, 2 records" in capsys.readouterr().out

    engine = create_engine(as_app)
    refused = [
        "TRUNCATE intervention CASCADE",
        "TRUNCATE chain_link",
        "ALTER TABLE intervention DISABLE TRIGGER intervention_append_only",
        "ALTER TABLE chain_link DISABLE TRIGGER ALL",
        "DROP TRIGGER chain_link_append_only ON chain_link",
        "UPDATE intervention SET amount_protected_fen = 88800000",
        "DELETE FROM audit_event",
        "DELETE FROM chain_link",
        "UPDATE chain_link SET note = 'x'",
    ]
    for statement in refused:
        with engine.connect() as conn, pytest.raises(ProgrammingError) as caught:
            conn.exec_driver_sql(statement)
        assert "permission denied" in str(caught.value) or "must be owner" in str(caught.value), statement
    engine.dispose()
    with create_engine(as_owner).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM intervention")).scalar() == 1
    repo.engine.dispose()
