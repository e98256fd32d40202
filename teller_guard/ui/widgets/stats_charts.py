"""The statistics screen's charts, drawn as Rich text (pure functions of the figures and a width).

Terminal charts have one job: be read in a second. So every bar carries its value, axes have
round ticks, the avoided-loss trend is a line whose points are labelled, and the fraud types
are horizontal bars to one scale in which a small type still shows a sliver (the usually far
larger 未识别类型 is cut off and marked ``≫`` instead of squashing the rest).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text

from teller_guard.reports.stats import MonthStats, compact_count, nice_ticks, outcome_matrix

OUTCOME_STYLES = ("green", "red", "yellow", "blue", "grey62", "magenta", "grey42")
"""One colour per outcome in the fraud-type bars (a legend names each)."""
_EIGHTHS = " ▏▎▍▌▋▊▉█"


def _pad(text: str, width: int, *, right: bool = False) -> str:
    gap = " " * max(0, width - cell_len(text))
    return gap + text if right else text + gap


def _bar(cells: float) -> str:
    """A bar ``cells`` long in eighths of a cell (a non-zero value shows at least ▏)."""
    whole, frac = int(cells), int((cells - int(cells)) * 8)
    if cells > 0 and whole == 0 and frac == 0:
        frac = 1
    return "█" * whole + (_EIGHTHS[frac] if frac else "")


def trend_bars(stats: MonthStats, width: int) -> Text:
    """近12个月核查笔数 as horizontal bars, each with its value, and a tick axis underneath."""
    out = Text()
    out.append(f"近{len(stats.trend)}个月核查笔数（至{stats.month}）\n", style="bold")
    label_w = 8
    value_w = max((len(f"{p.interventions:,}") for p in stats.trend), default=1) + 1
    room = max(10, width - label_w - value_w - 1)
    ticks = nice_ticks(max((p.interventions for p in stats.trend), default=0))
    top = ticks[-1] or 1
    for p in stats.trend:
        style = "bold cyan" if p.month == stats.month else "cyan"
        out.append(_pad(p.month, label_w))
        bar = _bar(room * p.interventions / top)
        out.append(bar, style=style)
        out.append(" " + f"{p.interventions:,}" + "\n")
    axis = [" "] * (room + 12)
    labels = [" "] * (room + 12)
    for t in ticks:
        x = round(room * t / top)
        axis[x] = "┼" if 0 < x < room else ("├" if x == 0 else "┤")
        text = compact_count(t)
        start = min(max(0, x - len(text) // 2), len(labels) - len(text))
        labels[start : start + len(text)] = list(text)
    line = "".join("─" if c == " " else c for c in axis[: room + 1])
    out.append(" " * label_w + line + "\n", style="grey50")
    out.append(" " * label_w + "".join(labels).rstrip() + "\n", style="grey50")
    return _keep_spaces(out)


def _short_yuan(fen: int) -> str:
    """A point label: ``8,800``, ``88万``, ``9,611万``, ``1.06亿`` (yuan, rounded)."""
    yuan = fen / 100
    if yuan >= 100_000_000:
        return f"{yuan / 100_000_000:.2f}亿"
    if yuan >= 10_000:
        return f"{yuan / 10_000:,.0f}万"
    return f"{yuan:,.0f}"


def protected_line(stats: MonthStats, width: int, height: int = 7) -> Text:
    """近12个月避免损失 (元) as a line through one labelled point per month."""
    out = Text()
    out.append(f"近{len(stats.trend)}个月避免损失金额（元）\n", style="bold")
    values = [p.protected_fen for p in stats.trend]
    n = max(1, len(values))
    step = max(6, (width - 1) // n)
    span = step * n
    top = max(values, default=0) or 1
    rows = max(3, height)
    xs = [k * step + step // 2 for k in range(n)]
    ys = [rows - 1 - round((rows - 1) * v / top) for v in values]
    labels = [_short_yuan(v) for v in values]
    # The labels sit on their own rows above the plot (two rows, alternating, when they are
    # wider than a month's column), so the line never runs through them.
    two = max(cell_len(x) for x in labels) + 1 > step
    label_rows = [[" "] * span for _ in range(2 if two else 1)]
    for k, (x, label) in enumerate(zip(xs, labels, strict=True)):
        row = label_rows[k % 2 if two else 0]
        start = min(max(0, x - cell_len(label) // 2), span - cell_len(label))
        pos = start
        for ch in label:
            row[pos] = ch
            if cell_len(ch) == 2:
                row[pos + 1] = ""
            pos += cell_len(ch)
    for row in label_rows:
        out.append("".join(row).rstrip() + "\n")
    grid = [[" "] * span for _ in range(rows)]
    for k in range(n - 1):  # the line between two points
        x0, y0, x1, y1 = xs[k], ys[k], xs[k + 1], ys[k + 1]
        for x in range(x0 + 1, x1):
            y = round(y0 + (y1 - y0) * (x - x0) / (x1 - x0))
            grid[y][x] = "─" if y0 == y1 else ("╱" if y1 < y0 else "╲")
    for x, y in zip(xs, ys, strict=True):
        grid[y][x] = "●"
    for cells in grid:
        for ch in cells:
            out.append(ch, style="bold red" if ch == "●" else "red")
        out.append("\n")
    out.append("".join(_pad(p.month[2:], step) for p in stats.trend).rstrip() + "\n", style="grey50")
    return _keep_spaces(out)


def type_bars(stats: MonthStats, width: int) -> Text:
    """本月涉诈类型与处置 as stacked horizontal bars to one scale, with a legend and each total."""
    types, groups, matrix = outcome_matrix(stats)
    out = Text()
    out.append("本月涉诈类型与处置\n", style="bold")
    if not types:
        return _keep_spaces(out.append("本月无数据\n"))
    for k, g in enumerate(groups):
        out.append("█", style=OUTCOME_STYLES[k % len(OUTCOME_STYLES)]).append(f"{g}  ")
    out.append("\n")
    unknown = stats.typology_label("-")
    identified = [sum(row) for t, row in zip(types, matrix, strict=True) if t != unknown]
    scale_top = max(identified, default=0) or max((sum(r) for r in matrix), default=1) or 1
    label_w = min(18, max(cell_len(t) for t in types) + 1)
    total_w = max(len(f"{sum(r):,}") for r in matrix) + 3
    room = max(8, width - label_w - total_w - 1)
    for label, row in zip(types, matrix, strict=True):
        short = label if cell_len(label) < label_w else label[: label_w // 2 - 1] + "…"
        out.append(_pad(short, label_w))
        total = sum(row)
        cut = total > scale_top
        factor = (scale_top / total) if cut else 1.0
        for k, v in enumerate(row):
            if v:
                out.append(_bar(room * v * factor / scale_top), style=OUTCOME_STYLES[k % len(OUTCOME_STYLES)])
        out.append((" ≫" if cut else " ") + f"{total:,}\n")
    if any(sum(r) > scale_top for r in matrix):
        out.append("≫ 超出比例，截断绘制；数字为实际笔数\n", style="grey50")
    return _keep_spaces(out)


def _keep_spaces(text: Text) -> Text:
    """Spaces as no-break spaces: Textual drops a line's leading spaces, which would shift an
    axis or a row of labels off its bars."""
    text.plain = text.plain.replace(" ", "\u00a0")
    return text


def charts(stats: MonthStats, width: int) -> Sequence[Text]:
    """The three charts, in the order the screen shows them."""
    return (trend_bars(stats, width), protected_line(stats, width), type_bars(stats, width))
