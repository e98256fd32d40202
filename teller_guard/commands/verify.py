"""``teller-guard verify [--db URL] [--against HEAD]``: walk the evidence chain and every evidence row.

Exit 0 and one line (links, records, head, the head's time, how long it took) when intact;
exit 1 and one line naming the first broken link (which record, which kind of break, how many
links follow it). ``--against SEQ:MAC`` also checks that a head printed earlier (on a monthly
export, a close-out line) is still a link of today's chain.

No sign-in: the check is read-only and prints record identities (uids, audit event ids, link
numbers), never personal data. It needs the installation key (the data folder's
``secret.key``), so it runs on a machine of the branch.
"""

from __future__ import annotations

import argparse
import time

from teller_guard.commands import Context
from teller_guard.core.privacy import safe_line


def run(ctx: Context, args: argparse.Namespace) -> int:
    started = time.perf_counter()
    repo = ctx.repository()
    with repo.engine.connect() as conn:
        from teller_guard.storage.chain import seal_pending

        if seal_pending(conn):
            print("verify: NOT SEALED — the log predates the evidence chain; run `teller-guard db upgrade` to seal it")
            return 1
    verdict = repo.verify_chain()
    took = time.perf_counter() - started
    against = getattr(args, "against", None)
    if verdict.broken is not None:
        b = verdict.broken
        print(
            safe_line(
                f"verify: BROKEN at link {b.seq}: {b.kind} — {b.record}: {b.detail}; "
                f"{b.after:,} link{'s' if b.after != 1 else ''} after it"
            )
        )
        return 1
    head = verdict.head
    if against is not None and not repo.head_is_on_chain(against):
        print(safe_line(f"verify: BROKEN: the printed head {against} is not a link of this chain"))
        return 1
    if head is None:
        print(f"verify: intact — the chain is empty (no evidence recorded yet) ({took:.1f} s)")
        return 0
    local = head.at
    try:
        from datetime import UTC, datetime

        local = (
            datetime.fromisoformat(head.at)
            .replace(tzinfo=UTC)
            .astimezone(ctx.settings.zone)
            .strftime("%Y-%m-%d %H:%M:%S")
        )
    except ValueError:
        pass
    extra = f"; printed head {against} is on the chain" if against else ""
    print(
        safe_line(
            f"verify: intact — {verdict.links:,} links, {verdict.records:,} records, head {head.head} "
            f"at {local} ({ctx.settings.tz}){extra} ({took:.1f} s)"
        )
    )
    return 0
