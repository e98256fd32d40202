"""What storage knows about demo data: the row layout the bulk writer takes, the mark every demo
record carries, and how many rows of a database are *not* demo data.

The demo data itself (scenarios, calendar, generation) is :mod:`teller_guard.demo`; it writes
only through :meth:`~teller_guard.storage.repository.Repository.bulk_insert_rows`.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, text

DEMO_EXTRA = {"demo": "1"}
"""The ``extra`` every demo record carries."""
DEMO_EXTRA_JSON = json.dumps(DEMO_EXTRA, ensure_ascii=False, sort_keys=True)
"""How :class:`~teller_guard.storage.repository.Repository` stores it (``extra_json``)."""

INTERVENTION_COLUMNS: tuple[str, ...] = (
    "id", "uid", "channel", "status", "started_at", "closed_at", "local_day", "local_month", "branch_code",
    "staff_id", "staff_role", "machine_id", "amount_fen", "customer_age", "customer_sex", "customer_ref",
    "customer_name_masked", "payee_name_masked", "payee_account_masked", "payee_ref", "purpose_text",
    "previous_purposes", "payee_relation_text", "notes_text", "observations", "score", "level", "rules_version",
    "signal_ids", "typology_ids", "typology_labels", "primary_typology", "decision_group", "amount_protected_fen",
    "ack_method", "handoff_from_uid", "corrects_uid",
    "correction_reason", "step_seconds", "duration_seconds", "record_hash", "prev_hash", "extra_json",
)  # fmt: skip
COLUMNS: dict[str, tuple[str, ...]] = {
    "intervention": INTERVENTION_COLUMNS,
    "answer": ("intervention_id", "item_id", "value_json", "said", "answered_at"),
    "fired_signal": ("intervention_id", "signal_id", "label", "category", "points", "evidence", "reason"),
    "decision": (
        "intervention_id", "decision", "label", "decision_group", "decided_by", "decided_at",
        "amount_protected_fen", "police_ref", "police_called_at", "supervisor_id", "supervisor_reason", "note",
        "supervisor_at", "supervisor_auth",
    ),
    "acknowledgement": (
        "intervention_id", "method", "notice_serial", "notice_version", "notice_text_hash", "signer_masked",
        "witness_staff_id", "at", "supervisor_id", "reason",
    ),
}  # fmt: skip
"""Column order of the row tuples :meth:`DemoGenerator.chunks` yields, per table (parents first)."""

RowChunk = dict[str, list[tuple[Any, ...]]]
"""Rows of one chunk: table name → row tuples in :data:`COLUMNS` order."""

# ---------------------------------------------------------------------------------- the database


def real_intervention_count(engine: Engine) -> int:
    """How many logged interventions are *not* demo data (0 for an empty or demo-only log)."""
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM intervention WHERE extra_json NOT LIKE :m"),
                {"m": '%"demo": "1"%'},
            ).scalar_one()
        )
