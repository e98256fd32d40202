"""``teller-guard notice --input ASSESSMENT.json --out FILE.pdf``: preview the bespoke notice.

The input is the same JSON ``teller-guard assess`` reads. The case is assessed, a provisional
record is built (no decision, nothing saved), and the notice is written with a ``PREVIEW-``
serial and marked 样张, so a preview can never be mistaken for a notice issued at the counter
(those get a ``<branch>-<YYYYMMDD>-<nnnn>`` serial from the database). Never imports Textual.
"""

from __future__ import annotations

import argparse
from datetime import datetime

from teller_guard.commands import Context, Failure
from teller_guard.commands.assess import assess_source
from teller_guard.core.models import Assessment, AssessmentInput
from teller_guard.core.money import yuan_to_fen
from teller_guard.core.records import InterventionRecord, TypologyRef
from teller_guard.reports.notice import NoticeFontError, build_notice, find_cjk_font, write_notice_pdf


def provisional_record(
    inp: AssessmentInput, result: Assessment, *, branch_code: str, now: datetime
) -> InterventionRecord:
    """The record a preview notice is tied to: what was assessed, no decision, not saved."""
    return InterventionRecord(
        channel=inp.channel,
        started_at=now,
        closed_at=now,
        branch_code=branch_code,
        staff_id="PREVIEW",
        amount_fen=yuan_to_fen(inp.amount),
        customer_age=inp.customer.age,
        customer_sex=inp.customer.sex,
        purpose_text=inp.purpose,
        previous_purposes=inp.previous_purposes,
        payee_relation_text=inp.payee_relation,
        notes_text=inp.notes,
        observations=tuple(sorted(inp.observations)),
        score=result.score,
        level=result.level,
        rules_version=result.rules_version,
        signals=result.signals,
        typologies=tuple(TypologyRef(id=t.id, label=t.label) for t in result.typologies),
    )


def run(ctx: Context, args: argparse.Namespace) -> int:
    out = args.out
    if out.is_dir():
        raise Failure(f"out: {out} is a directory (give a file name ending in .pdf)")
    if not out.parent.exists():
        raise Failure(f"out: folder {out.parent} does not exist")
    inp, result = assess_source(ctx, args.input)
    rules = ctx.rules
    now = ctx.clock()
    record = provisional_record(inp, result, branch_code=rules.branch.code, now=now)
    local = now.astimezone(ctx.settings.zone)
    serial = f"PREVIEW-{rules.branch.code}-{local:%Y%m%d-%H%M%S}"
    doc = build_notice(rules, record, serial=serial, issued_at=now, tz=ctx.settings.zone, preview=True)
    try:
        font = find_cjk_font()
        path = write_notice_pdf(doc, out, font=font, created=now)
    except NoticeFontError as exc:
        raise Failure(str(exc)) from None
    except OSError as exc:
        raise Failure(f"out: cannot write {out}: {exc.strerror}") from None
    embedded = "embedded" if font.embedded else "not embedded"
    print(f"{path}  serial {serial}  level {result.level}  case {doc.case_hash}  font {font.name} ({embedded})")
    return 0
