"""``teller-guard stats [--month YYYY-MM]``: the month's figures with 环比 / 同比, as Rich tables."""

from __future__ import annotations

import argparse
import time

from teller_guard.commands import Context


def run(ctx: Context, args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from teller_guard.reports.stats import format_value, month_stats, outcome_matrix, previous_month_of

    month = args.month or previous_month_of(ctx.today())
    repo = ctx.repository()
    started = time.perf_counter()
    stats = month_stats(repo.engine, month, typology_labels={k: t.label for k, t in ctx.rules.typologies.items()})
    elapsed = time.perf_counter() - started

    console = Console()
    if not console.is_terminal:  # piped or redirected: wide enough that no figure is cut
        console = Console(width=140)
    table = Table(title=f"{ctx.rules.branch.name} 反诈劝阻统计 {month}（{ctx.settings.tz}）", show_lines=False)
    for name, justify in (
        ("分类", "left"),
        ("指标", "left"),
        ("本月", "right"),
        (f"上月 {stats.previous_month}", "right"),
        ("环比", "right"),
        (f"去年同月 {stats.last_year_month}", "right"),
        ("同比", "right"),
    ):
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    section = ""
    for fig in stats.figures():
        if fig.section != section and section:
            table.add_section()
        table.add_row(*fig.cells(first_in_section=fig.section != section))
        section = fig.section
    console.print(table)

    trend = Table(title="近12个月趋势")
    for name in ("月份", "核查笔数", "劝阻及报警", "避免损失金额"):
        trend.add_column(name, justify="right")
    for p in stats.trend:
        trend.add_row(p.month, f"{p.interventions:,}", f"{p.dissuaded:,}", format_value("fen", p.protected_fen))
    console.print(trend)

    types, groups, matrix = outcome_matrix(stats)
    if types:
        by_type = Table(title="涉诈类型与处置结果")
        by_type.add_column("涉诈类型")
        for g in groups:
            by_type.add_column(g, justify="right")
        for label, row in zip(types, matrix, strict=True):
            by_type.add_row(label, *(f"{v:,}" for v in row))
        console.print(by_type)
    console.print(
        f"[dim]统计用时 {elapsed:.3f} 秒；按本地业务月（{ctx.settings.tz}）统计，更正记录以最新一条为准。[/dim]"
    )
    return 0
