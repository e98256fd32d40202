"""The CSV ledger's companions: ``<name>.manifest.json`` (the export facts) and ``<name>.sha256``.

The CSV itself is data only. The manifest states what the other formats print on their
summary: the period, the branch, who exported it and when, the row count, the checksum
(:data:`teller_guard.reports.ledger.CHECKSUM_RULE`, the same value the XLSX and the PDF state),
the totals, and — when the evidence chain provides one — its head. ``<name>.sha256`` holds
the SHA-256 of the CSV file and of the manifest in ``sha256sum`` format, so anyone can check a
copy with ``sha256sum -c 台账-2026-11.sha256`` in that folder. (The file hash covers the BOM;
the checksum does not, so it equals ``tail -c +4 台账-2026-11.csv | sha256sum``.)
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from teller_guard.files import write_atomic
from teller_guard.reports.ledger import CHECKSUM_RULE, DETAIL_HEADERS, ExportFacts

MANIFEST_FORMAT = "teller_guard.monthly-ledger"
MANIFEST_VERSION = 1


def manifest_path(csv_path: Path) -> Path:
    """``台账-2026-11.csv`` → ``台账-2026-11.manifest.json``."""
    return csv_path.with_name(csv_path.stem + ".manifest.json")


def sha256_path(csv_path: Path) -> Path:
    """``台账-2026-11.csv`` → ``台账-2026-11.sha256``."""
    return csv_path.with_name(csv_path.stem + ".sha256")


def manifest(facts: ExportFacts, csv_name: str, file_sha256: str, file_bytes: int) -> dict[str, Any]:
    """The manifest as data (JSON-ready)."""
    t = facts.totals
    s = facts.exported_by
    return {
        "format": MANIFEST_FORMAT,
        "version": MANIFEST_VERSION,
        "file": {"name": csv_name, "bytes": file_bytes, "sha256": file_sha256, "encoding": "UTF-8 with BOM"},
        "period": facts.month,
        "time_zone": facts.zone.key,
        "branch": facts.branch,
        "exported_by": {"staff_id": s.staff_id, "name": s.name, "role": s.role, "text": facts.exported_by_text},
        "exported_at": facts.exported_at.astimezone(facts.zone).isoformat(timespec="seconds"),
        "rows": facts.rows,
        "columns": list(DETAIL_HEADERS),
        "checksum": {"sha256": facts.sha256, "rule": CHECKSUM_RULE},
        "chain_head": facts.chain_head,
        "totals": {
            "interventions": t.interventions,
            "amount_fen": t.amount_fen,
            "dissuaded_and_police": t.dissuaded,
            "police": t.police,
            "protected_fen": t.protected_fen,
            "largest_protected_fen": t.largest_protected_fen,
        },
        "totals_text": t.as_text(),
        "facts_text": dict(facts.lines()),
    }


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest beside a CSV ({} when there is none)."""
    try:
        return dict(json.loads(Path(path).read_text(encoding="utf-8")))
    except FileNotFoundError:
        return {}


def write_companions(csv_target: Path, facts: ExportFacts, *, file_sha256: str, file_bytes: int) -> None:
    """Write the manifest and the ``.sha256`` of the CSV that becomes ``csv_target`` (its file
    hash taken while it was written: the file is not read again)."""
    file_sha = file_sha256
    data = manifest(facts, csv_target.name, file_sha, file_bytes)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    mpath = manifest_path(csv_target)
    write_atomic(mpath, text.encode("utf-8"))
    manifest_sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    write_atomic(sha256_path(csv_target), f"{file_sha}  {csv_target.name}\n{manifest_sha}  {mpath.name}\n".encode())
