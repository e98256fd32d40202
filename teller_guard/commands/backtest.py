"""``teller-guard rules backtest --rules DRAFT_DIR [--base DIR] [--db URL] [--corpus FILE …] [--json]``.

Re-scores the branch's logged interventions (and any labelled corpus file) with a draft
ruleset and with the rules in force, and prints what would change. The log is read when
``--db`` is given or no ``--corpus`` is; corpus files when given.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from teller_guard.commands import Context, Failure
from teller_guard.core.backtest import HOLD, WARN, Backtest, BacktestCase, backtest, case_from_corpus, case_from_record
from teller_guard.core.corpus import CorpusError, load_corpus
from teller_guard.core.errors import RulesError
from teller_guard.core.rules import RuleSet, load_rules

if TYPE_CHECKING:
    from rich.console import JustifyMethod

LEVEL_WORDS = {"low": "低", "medium": "中", "high": "高", "critical": "极高"}
TRUTH_WORDS = {"fraud": "确认诈骗", "genuine": "正常办理", None: "—"}


def _base_rules(ctx: Context, args: argparse.Namespace) -> RuleSet:
    from teller_guard.config import Settings

    folder = args.base if getattr(args, "base", None) else Settings().rules
    try:
        return load_rules(folder)
    except RulesError as exc:
        raise Failure(f"--base {folder}:\n{exc.report()}") from None


def _log_cases(ctx: Context, base: RuleSet) -> Iterator[BacktestCase]:
    from teller_guard.storage.repository import Repository

    url = ctx.settings.db_url
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        path = Path(url.removeprefix("sqlite:///"))
        if not path.is_file():
            raise Failure(f"database: no such file {path}")
    repo = Repository.open(url, ctx.settings.zone)
    for rec in repo.records():
        case = case_from_record(rec, base)
        if case is not None:
            yield case


def _corpus_cases(paths: list[Path]) -> list[BacktestCase]:
    out: list[BacktestCase] = []
    for p in paths:
        try:
            out.extend(case_from_corpus(c, p.name) for c in load_corpus(p))
        except CorpusError as exc:
            raise Failure(f"--corpus: {exc}") from None
    return out


def run(ctx: Context, args: argparse.Namespace) -> int:
    if not getattr(args, "rules", None):
        raise Failure("rules backtest: --rules DRAFT_DIR is required (the draft ruleset to try)")
    draft = ctx.rules
    base = _base_rules(ctx, args)
    corpora = list(getattr(args, "corpus", None) or [])
    cases: list[BacktestCase] = _corpus_cases(corpora)
    if getattr(args, "db", None) or not corpora:
        cases = [*_log_cases(ctx, base), *cases]
    result = backtest(base, draft, cases)
    if args.json:
        json.dump(result.as_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        _print(result, base, draft, args.limit)
    return 0


def _print(result: Backtest, base: RuleSet, draft: RuleSet, limit: int) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:
        console = Console(width=140)
    w = result.at_least
    console.print(
        f"规则回测：现行规则 {base.version}（{base.folder}）→ 草案 {draft.version}（{draft.folder}），共 {result.cases} 笔"
    )
    summary = Table(title="结果对比", title_justify="left")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("指标", "left"),
        ("现行规则", "right"),
        ("草案", "right"),
        ("变化", "right"),
    )
    for name, justify in columns:
        summary.add_column(name, justify=justify, no_wrap=True)

    def row(label: str, before: int, after: int) -> None:
        summary.add_row(label, str(before), str(after), f"{after - before:+d}")

    for lv in ("low", "medium", "high", "critical"):
        row(f"风险等级 {LEVEL_WORDS[lv]}", result.levels_before[lv], result.levels_after[lv])
    row("需加强提示（中及以上）", w(result.levels_before, WARN), w(result.levels_after, WARN))
    row("需暂缓复核（高及以上）", w(result.levels_before, HOLD), w(result.levels_after, HOLD))
    row(f"确认诈骗（劝阻成功/报警，{result.frauds} 笔）达到中", *result.frauds_warned)
    row(f"确认诈骗（{result.frauds} 笔）达到高", *result.frauds_held)
    row(f"正常办理（{result.genuine} 笔）达到高", *result.genuine_held)
    row(f"正常办理（{result.genuine} 笔）被点名诈骗类型", *result.genuine_named)
    console.print(summary)

    facts = [
        ("等级上调", len(result.up)),
        ("等级下调", len(result.down)),
        ("确认诈骗：新达到中（新拦住）", len(result.crossed("fraud", WARN, upward=True))),
        ("确认诈骗：跌到中以下（新漏掉）", len(result.crossed("fraud", WARN, upward=False))),
        ("确认诈骗：新达到高", len(result.crossed("fraud", HOLD, upward=True))),
        ("正常办理：新达到高（新误报）", len(result.crossed("genuine", HOLD, upward=True))),
        ("正常办理：新点名诈骗类型", len(result.newly_named_genuine)),
    ]
    console.print("；".join(f"{k} {v}" for k, v in facts))
    if result.dropped:
        console.print("草案不认识的输入（已略去）：" + "，".join(f"{k} ×{n}" for k, n in result.dropped.most_common()))

    if not result.changes:
        console.print("草案与现行规则的结果完全相同。")
        return
    changes = sorted(result.changes, key=lambda c: (-abs(c.moved), c.truth != "fraud", c.source, c.ref))
    table = Table(title=f"变化的案例（{len(changes)} 笔，列出前 {min(limit, len(changes))} 笔）", title_justify="left")
    for name in ("来源", "案例", "结果", "现行", "草案", "诈骗类型（现行 → 草案）"):
        table.add_column(name, no_wrap=name != "诈骗类型（现行 → 草案）")
    for c in changes[:limit]:
        arrow = "↑" if c.moved > 0 else "↓" if c.moved < 0 else "="
        table.add_row(
            c.source,
            c.ref,
            TRUTH_WORDS[c.truth],
            f"{LEVEL_WORDS[c.before]} {c.before_score}",
            f"{arrow} {LEVEL_WORDS[c.after]} {c.after_score}",
            f"{'、'.join(c.before_typologies) or '—'} → {'、'.join(c.after_typologies) or '—'}",
        )
    console.print(table)
