"""History search over the log: date range, serial, masked customer, amount, level, decision,
member of staff; sorting; only the newest version of a corrected record."""

from __future__ import annotations

from datetime import date, timedelta

from teller_guard.core.records import DecisionRecord
from teller_guard.storage.history import HistoryQuery
from teller_guard.storage.repository import Repository
from tests.factories.records import T0, record


def _seed(repo: Repository) -> dict[str, str]:
    a = record(T0, customer_name_masked="张*", amount_fen=100_000, level="low", score=10)
    b = record(T0 + timedelta(days=3), customer_name_masked="李**", amount_fen=5_000_000, staff_id="T002")
    c = record(T0 + timedelta(days=10), customer_name_masked="张**", amount_fen=880_000, level="high", score=60)
    for r in (a, b, c):
        repo.save_intervention(r)
    return {"a": a.uid, "b": b.uid, "c": c.uid}


def uids(repo: Repository, **kw: object) -> list[str]:
    return [s.uid for s in repo.search_history(HistoryQuery(**kw))]  # type: ignore[arg-type]


def test_filters_and_sorts(repo: Repository) -> None:
    ids = _seed(repo)
    # T0 is 1 November in Beijing; b is 4 November; c is 11 November.
    assert uids(repo) == [ids["c"], ids["b"], ids["a"]]
    assert uids(repo, descending=False) == [ids["a"], ids["b"], ids["c"]]
    assert uids(repo, day_from=date(2026, 11, 2), day_to=date(2026, 11, 10)) == [ids["b"]]
    assert uids(repo, customer="张*") == [ids["c"], ids["a"]]
    assert uids(repo, customer="张") == [ids["c"], ids["a"]]
    assert uids(repo, amount_fen=880_000) == [ids["c"]]
    assert uids(repo, level="high") == [ids["c"]]
    assert uids(repo, staff_id="T002") == [ids["b"]]
    assert uids(repo, sort="amount") == [ids["b"], ids["c"], ids["a"]]
    assert uids(repo, decision="dissuaded") == [ids["c"], ids["b"], ids["a"]]
    assert uids(repo, decision="police") == []
    assert uids(repo, serial=ids["b"][:8]) == [ids["b"]]


def test_serial_finds_the_record_and_its_correction(repo: Repository) -> None:
    serial = repo.next_notice_serial("BR0001", draft_id="d1", at=T0)
    rec = record(T0, acknowledgement=None, extra={"take_home_notice": serial})
    repo.save_intervention(rec, draft_id="d1")
    assert uids(repo, serial=serial) == [rec.uid]
    assert uids(repo, serial=serial[-4:]) == [rec.uid]
    assert rec.decision is not None
    fix = rec.model_copy(
        update={
            "uid": "f" * 32,
            "closed_at": T0 + timedelta(hours=1),
            "corrects_uid": rec.uid,
            "correction_reason": "金额录错",
            "decision": rec.decision.model_copy(update={"amount_protected_fen": 100}),
        }
    )
    repo.save_intervention(fix)
    # The newest version only.
    assert uids(repo, serial=serial) == [fix.uid]
    assert uids(repo) == [fix.uid]


def test_police_cases_wait_for_their_receipt_number_until_corrected(repo: Repository) -> None:
    police = DecisionRecord(
        decision="police", label="停止办理并报警", group="police", decided_by="T001", decided_at=T0, police_called_at=T0
    )
    rec = record(T0).model_copy(update={"decision": police})
    other = record(T0 + timedelta(minutes=5))
    repo.save_intervention(rec)
    repo.save_intervention(other)
    assert [s.uid for s in repo.police_refs_to_follow()] == [rec.uid]
    fixed = rec.model_copy(
        update={
            "uid": "e" * 32,
            "corrects_uid": rec.uid,
            "correction_reason": "补录回执",
            "decision": police.model_copy(update={"police_ref": "JJ-9"}),
        }
    )
    repo.save_intervention(fixed)
    assert repo.police_refs_to_follow() == []
    assert repo.latest_version(rec.uid) == repo.get(fixed.uid)
