"""One mapping between records and rows (storage/mapping.py): what is saved reads back the same,
and a stored word outside its set is an error naming the column, never a record."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import insert, text

from teller_guard.storage import mapping
from teller_guard.storage.mapping import StoredValueError
from teller_guard.storage.repository import Repository
from teller_guard.storage.tables import InterventionRow
from tests.factories import frozen_clock
from tests.factories.records import SHANGHAI, record


def test_a_saved_record_reads_back_equal_and_its_row_is_the_mapping(tmp_path: Path) -> None:
    repo = Repository.open(f"sqlite:///{tmp_path / 'b.db'}", SHANGHAI, clock=frozen_clock)
    rec = record()
    repo.save_intervention(rec)
    [back] = repo.records()
    assert back == rec
    assert back.record_hash() == rec.record_hash()
    values = mapping.intervention_values(rec, SHANGHAI)
    assert values["local_day"] == "2026-11-01" and values["local_month"] == "2026-11"  # 01:30 in Beijing
    with repo.engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM intervention WHERE uid = :u"), {"u": rec.uid}).mappings().one()
    assert {k: row[k] for k in values if k not in ("started_at", "closed_at")} == {
        k: v for k, v in values.items() if k not in ("started_at", "closed_at")
    }
    children = mapping.child_values(rec, 7)
    assert all(r["intervention_id"] == 7 for rows in children.values() for r in rows)
    assert sum(len(rows) for rows in children.values()) == len(rec.answers) + len(rec.signals) + 2


def test_a_word_the_domain_does_not_know_is_refused_by_column() -> None:
    assert mapping.channel("atm") == "atm"
    with pytest.raises(StoredValueError, match="channel: stored value 'bank' is not one of counter, atm"):
        mapping.channel("bank")
    with pytest.raises(StoredValueError, match="draft.status"):
        mapping.one_of("paused", mapping.DRAFT_STATUSES, "draft.status")
    assert mapping.maybe_one_of(None, mapping.SUPERVISOR_AUTHS, "decision.supervisor_auth") is None


def test_a_damaged_level_is_an_error_not_a_record(tmp_path: Path) -> None:
    repo = Repository.open(f"sqlite:///{tmp_path / 'b.db'}", SHANGHAI, clock=frozen_clock)
    values = {**mapping.intervention_values(record(), SHANGHAI), "level": "severe"}  # written by something else
    with repo.engine.begin() as conn:
        conn.execute(insert(mapping.table_of(InterventionRow)), values)
    with pytest.raises(StoredValueError, match="level: stored value 'severe'"):
        list(repo.records())
