"""``teller-guard stats --staff ID [--month YYYY-MM] [--pin-stdin]``: the month's figures with 环比 / 同比, as text tables.

The branch's figures are for the roles :func:`teller_guard.core.permissions.can_read_stats`
allows: the member of staff named by ``--staff`` types their PIN first (one argon2id
verification, by design the slowest step), and the reading is logged.

The figures themselves are kept fast: an SQLite log at the current schema is read through the
standard :mod:`sqlite3` module, fraud types are labelled from the stored records (the rules are
not loaded), and closed months come from the statistics cache.
"""

from __future__ import annotations

import argparse
import sys
import time
import tomllib
import unicodedata
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import TYPE_CHECKING

from teller_guard.commands import Context
from teller_guard.commands._access import authorize, pin_reader

if TYPE_CHECKING:
    from teller_guard.storage.queries import Reader


def _branch_name(rules: Path) -> str:
    """The branch's name from ``branch.toml`` (a title only: no full rules validation here)."""
    try:
        with open(rules / "branch.toml", "rb") as fh:
            return str(tomllib.load(fh).get("name", ""))
    except (OSError, tomllib.TOMLDecodeError):
        return ""


def _reader(ctx: Context) -> Reader:
    from teller_guard.storage.queries import SCHEMA_HEAD, Reader, sqlite_path

    url = ctx.settings.db_url
    path = sqlite_path(url)
    if path is not None and Path(path).is_file():
        reader = Reader.open(url)
        try:
            current = reader.scalar("SELECT version_num FROM alembic_version")
        except Exception:  # noqa: BLE001 (no version table: let the repository migrate it)
            current = None
        if current == SCHEMA_HEAD:
            return reader
        reader.close()
    return Reader.of_engine(ctx.repository().engine)


def _width(text: str) -> int:
    """Terminal cells: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right_from: int,
    breaks: AbstractSet[int] = frozenset(),
) -> str:
    """A box-drawn table as text (Rich's tables cost more than the whole statistics here).

    Args:
        right_from: columns from this index on are right-aligned (the figures).
        breaks: row indexes before which a separator line is drawn (a new section).
    """
    widths = [max(_width(str(r[k])) for r in (headers, *rows)) for k in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        out = []
        for k, (c, w) in enumerate(zip(cells, widths, strict=True)):
            pad = " " * (w - _width(c))
            out.append(pad + c if k >= right_from else c + pad)
        return "│ " + " │ ".join(out) + " │"

    def rule(left: str, mid: str, right: str) -> str:
        return left + mid.join("─" * (w + 2) for w in widths) + right

    total = sum(widths) + 3 * len(widths) + 1
    lines = [
        " " * max(0, (total - _width(title)) // 2) + title,
        rule("┌", "┬", "┐"),
        line(headers),
        rule("├", "┼", "┤"),
    ]
    for k, r in enumerate(rows):
        if k in breaks:
            lines.append(rule("├", "┼", "┤"))
        lines.append(line(r))
    lines.append(rule("└", "┴", "┘"))
    return "\n".join(lines)


def run(ctx: Context, args: argparse.Namespace) -> int:
    from teller_guard.core.permissions import STATS_ROLES
    from teller_guard.reports.stats import format_value, month_stats, outcome_matrix, previous_month_of

    month = args.month or previous_month_of(ctx.today())
    gate = ctx.gate()
    account = authorize(
        gate, args.staff, pin_reader(args), kind="stats_read", action="stats_read", allowed=STATS_ROLES, subject=month
    )
    gate.record("stats_read", account.staff_id, subject=month)
    started = time.perf_counter()
    with _reader(ctx) as reader:
        stats = month_stats(reader, month)
    elapsed = time.perf_counter() - started

    branch = _branch_name(ctx.settings.rules)
    rows: list[tuple[str, ...]] = []
    breaks: set[int] = set()
    section = ""
    for fig in stats.figures():
        if fig.section != section and section:
            breaks.add(len(rows))
        rows.append(fig.cells(first_in_section=fig.section != section))
        section = fig.section
    out = [
        table(
            f"{branch} 反诈劝阻统计 {month}（{ctx.settings.tz}）".strip(),
            (
                "分类",
                "指标",
                "本月",
                f"上月 {stats.previous_month}",
                "环比",
                f"去年同月 {stats.last_year_month}",
                "同比",
            ),
            rows,
            right_from=2,
            breaks=breaks,
        ),
        table(
            "近12个月趋势",
            ("月份", "核查笔数", "劝阻及报警", "避免损失金额"),
            [
                (p.month, f"{p.interventions:,}", f"{p.dissuaded:,}", format_value("fen", p.protected_fen))
                for p in stats.trend
            ],
            right_from=1,
        ),
    ]
    types, groups, matrix = outcome_matrix(stats)
    if types:
        out.append(
            table(
                "涉诈类型与处置结果",
                ("涉诈类型", *groups),
                [(label, *(f"{v:,}" for v in row)) for label, row in zip(types, matrix, strict=True)],
                right_from=1,
            )
        )
    out.append(
        f"统计用时 {elapsed:.3f} 秒；按本地业务月（{ctx.settings.tz}）统计，更正记录以最新一条为准，"
        "大堂转柜面的同一客户只计一次。"
    )
    sys.stdout.write("\n\n".join(out) + "\n")
    return 0
