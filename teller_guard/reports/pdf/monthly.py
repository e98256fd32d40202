"""The monthly report PDF (反诈劝阻月度报告): the facts, the headline totals, every figure with
环比/同比, the 12-month trend, fraud types by outcome and up to three anonymised 典型案例.

This module words the data; ``templates/monthly.typ`` lays it out (tables inside the margins
with the header repeated on every page, Chinese line breaking, ragged right).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from teller_guard.core.money import format_yuan
from teller_guard.core.records import age_band
from teller_guard.core.rules import RuleSet
from teller_guard.reports.ledger import ExportFacts, scrub
from teller_guard.reports.stats import (
    CHANNEL_LABELS,
    GROUP_LABELS,
    LEVEL_LABELS,
    SEX_LABELS,
    MonthStats,
    format_value,
    nice_ticks,
    outcome_matrix,
)
from teller_guard.storage.queries import CaseRow

PALETTE = ("#2e8b57", "#c83232", "#e6a028", "#5a82c8", "#969696", "#8c5aaa", "#6e6e6e")
"""Outcome colours in the fraud-type bars (the legend names each; colour is never the only cue)."""


def case_text(k: int, r: CaseRow, zone: Any, rules: RuleSet) -> str:
    """One 典型案例, told without anything that identifies the customer."""
    signals = "、".join(rules.signals[s].label if s in rules.signals else s for s in r.signal_ids.split(",") if s)
    typ = "、".join(t for t in r.typology_labels.split("；") if t) or "未识别类型"
    sex = SEX_LABELS.get(r.customer_sex or "", "")
    who = f"{age_band(r.customer_age)}{sex + '性' if sex else ''}"
    purpose = scrub(r.purpose_text) or "未说明"
    relation = scrub(r.payee_relation_text) or "未说明"
    return (
        f"案例{'一二三四五'[k]}：{r.closed_at.astimezone(zone):%m月%d日}，一位{who}客户在"
        f"{CHANNEL_LABELS.get(r.channel, r.channel)}办理转账 {format_yuan(r.amount_fen)}，"
        f"称用途为“{purpose}”，收款人关系为“{relation}”。"
        f"系统提示风险信号：{signals or '无'}；风险等级{LEVEL_LABELS.get(r.level, r.level)}（{r.score}分），"
        f"疑似{typ}。工作人员处置：{r.decision_label}。"
        f"结果：{GROUP_LABELS.get(r.decision_group, '')}，避免损失 {format_yuan(r.amount_protected_fen)}。"
    )


def report_data(stats: MonthStats, facts: ExportFacts, cases: Sequence[CaseRow], rules: RuleSet) -> dict[str, Any]:
    """Everything the template prints, worded."""
    section = ""
    figures = []
    for fig in stats.figures():
        figures.append(list(fig.cells(first_in_section=fig.section != section)))
        section = fig.section
    trend_max = max((p.interventions for p in stats.trend), default=0)
    wan = [Decimal(p.protected_fen) / 1_000_000 for p in stats.trend]
    types, groups, matrix = outcome_matrix(stats)
    return {
        "title": f"反诈劝阻月度报告（{stats.month}）",
        "branch": facts.branch,
        "facts": [list(x) for x in facts.lines()],
        "totals": [list(x) for x in facts.totals.as_text().items()],
        "periods": f"本月 {stats.month}；上月 {stats.previous_month}；去年同月 {stats.last_year_month}。"
        "按本地业务月统计，更正记录以最新一条为准，大堂转柜面的同一客户只计一次。",
        "figure_header": ["分类", "指标", "本月", "上月", "环比", "去年同月", "同比"],
        "figures": figures,
        "trend": [
            {
                "label": f"{int(p.month[5:])}月",
                "interventions": p.interventions,
                "protected_wan": float(w),
                "protected_label": f"{w:,.1f}",
            }
            for p, w in zip(stats.trend, wan, strict=True)
        ],
        "trend_value_labels": [f"{p.interventions:,}" for p in stats.trend],
        "trend_ticks": nice_ticks(trend_max),
        "protected_ticks": nice_ticks(float(max(wan, default=0))),
        "groups": groups,
        "colours": [PALETTE[k % len(PALETTE)] for k in range(len(groups))],
        "scale": max(
            (sum(row) for t, row in zip(types, matrix, strict=True) if t != stats.typology_label("-")), default=1
        )
        or max((sum(row) for row in matrix), default=1),
        "types": [
            {"label": t, "counts": row, "total": sum(row), "total_label": f"{sum(row):,}"}
            for t, row in zip(types, matrix, strict=True)
        ],
        "cases": [case_text(k, c, facts.zone, rules) for k, c in enumerate(cases)],
        "closing": f"本报告不含客户身份证号、完整姓名和完整账号。明细见同期 XLSX/CSV 台账，校验值 {facts.sha256}。",
        "footer": f"{facts.branch}  {stats.month}  校验值 {facts.sha256[:16]}…",
        "headline": format_value("count", facts.totals.interventions),
    }


def write_monthly_pdf(
    path: Path, stats: MonthStats, facts: ExportFacts, cases: Sequence[CaseRow], *, rules: RuleSet
) -> None:
    """Typeset the report into ``path`` (the caller moves it into place)."""
    from teller_guard.reports.pdf.render import render

    Path(path).write_bytes(render("monthly.typ", report_data(stats, facts, cases, rules), created=facts.exported_at))
