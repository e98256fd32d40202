"""The app checks the newest links of the evidence chain at start and warns on screen when a
record was changed behind its back (the full check is ``teller-guard verify``)."""

from __future__ import annotations

import sqlite3

from teller_guard.config import Settings
from teller_guard.core.rules import RuleSet
from teller_guard.storage.repository import Repository
from teller_guard.ui.app import TellerGuardApp
from tests.factories import TELLER
from tests.factories.records import record


async def _notes(settings: Settings, rules: RuleSet, repo: Repository) -> list[str]:
    app = TellerGuardApp(settings=settings, rules=rules, repo=repo, mode="counter", staff=TELLER)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        return [str(n.message) for n in app._notifications]


async def test_an_untouched_log_starts_without_a_warning(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    repo.save_intervention(record())
    assert not any("证据链" in n for n in await _notes(settings, rules, repo))


async def test_a_changed_record_is_warned_at_start(settings: Settings, rules: RuleSet, repo: Repository) -> None:
    rec = record()
    repo.save_intervention(rec)
    db = sqlite3.connect(settings.data_dir / "teller_guard.db")
    db.execute("DROP TRIGGER intervention_no_update")
    db.execute("UPDATE intervention SET amount_protected_fen = 88800000")
    db.commit()
    db.close()
    notes = await _notes(settings, rules, repo)
    assert any("证据链校验失败" in n and f"记录 {rec.uid} 被改动" in n for n in notes), notes
