"""One logged intervention, read-only: every input, answer, signal, the decision, the
acknowledgement and any corrections. Nothing on this screen can change the log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from teller_guard.core.closing import NOT_ASKED_REASON_KEY, not_asked_ids
from teller_guard.core.money import format_yuan
from teller_guard.core.permissions import can_correct, can_view_record
from teller_guard.core.records import InterventionRecord, InterventionSummary
from teller_guard.core.rules import RuleSet
from teller_guard.core.vocabulary import ACK_LABELS, GROUP_LABELS, ROLE_LABELS, SEX_LABELS
from teller_guard.storage.faults import teller_message
from teller_guard.ui.context import AppScreen
from teller_guard.ui.notice_output import deliver_notice, notice_serial_of
from teller_guard.ui.screens.correction import CorrectionModal
from teller_guard.ui.widgets.quiet_footer import QuietFooter
from teller_guard.ui.widgets.risk_panel import LEVEL_STYLE


def _answer_text(rules: RuleSet, channel: str, item_id: str, value: object) -> str:
    item = rules.item(channel, item_id)
    if item is None:
        return str(value)
    if item.kind == "choice":
        opt = next((o for o in item.options if o.id == value), None)
        return opt.label if opt else ("—" if value is None else str(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return "—" if value is None else str(value)


def lobby_lines(lobby: InterventionRecord, rules: RuleSet, zone: ZoneInfo) -> list[str]:
    """What the lobby recorded for the customer a counter case continues (one customer, one story)."""
    level = rules.levels[lobby.level].label if lobby.level in rules.levels else lobby.level
    lines = [
        f"大堂记录 {lobby.uid[:8]} · {lobby.closed_at.astimezone(zone):%H:%M} · 员工 {lobby.staff_id} · "
        f"评估 {level} {lobby.score} 分"
    ]
    for a in lobby.answers:
        item = rules.item(lobby.channel, a.item_id)
        if item is None or a.value is None and not a.said:
            continue
        answer = _answer_text(rules, lobby.channel, a.item_id, a.value) if a.value is not None else ""
        said = f"（原话：{a.said}）" if a.said else ""
        lines.append(f"  {item.step}·{item.prompt} {answer}{said}")
    if lobby.signals:
        lines.append("  大堂信号：" + "、".join(s.label for s in lobby.signals))
    return lines


def render_record(
    rec: InterventionRecord,
    corrections: list[InterventionSummary],
    rules: RuleSet,
    zone: ZoneInfo,
    lobby: InterventionRecord | None = None,
) -> RenderableType:
    """Everything in the record as Rich renderables, in the order the teller worked (and, for a
    hand-off, what the lobby recorded first)."""

    def t(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if moment else "—"

    head = Text.assemble(
        ("风险 ", "bold"),
        (f" {rules.levels[rec.level].label} " if rec.level in rules.levels else rec.level, LEVEL_STYLE[rec.level]),
        (f"  {rec.score} 分", "bold"),
        ("   已放弃（未办结）" if rec.status == "abandoned" else "", "bold red"),
    )
    items = list(rules.checklist_for(rec.channel).item)
    steps = {i.id: (i.step, i.prompt) for i in items}
    order = {i.id: n for n, i in enumerate(items)}
    # Step times in the order the teller works (转账信息, the checklist's steps, 决定).
    step_order = ["转账信息", *dict.fromkeys(i.step for i in items), "决定"]
    step_times = sorted(
        rec.step_seconds.items(), key=lambda kv: step_order.index(kv[0]) if kv[0] in step_order else len(step_order)
    )
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(overflow="fold")
    customer = " ".join(
        x
        for x in (
            rec.customer_name_masked or "",
            f"{rec.customer_age}岁" if rec.customer_age is not None else "",
            SEX_LABELS.get(rec.customer_sex or "", ""),
        )
        if x
    )
    for label, value in (
        ("记录编号", rec.uid),
        ("开始 / 结束", f"{t(rec.started_at)} / {t(rec.closed_at)}（{rec.duration_seconds} 秒）"),
        ("网点 / 柜员", f"{rec.branch_code} / {rec.staff_id}（{ROLE_LABELS.get(rec.staff_role, rec.staff_role)}）"),
        ("金额", format_yuan(rec.amount_fen)),
        ("客户", customer or "—"),
        ("收款人", f"{rec.payee_name_masked or '—'}  账号 {rec.payee_account_masked or '—'}"),
        ("客户所说用途", rec.purpose_text or "—"),
        ("先前说法", "；".join(rec.previous_purposes) or "—"),
        ("与收款人关系", rec.payee_relation_text or "—"),
        ("其他", rec.notes_text or "—"),
        ("规则版本", rec.rules_version),
        ("各步用时(秒)", "  ".join(f"{k} {v}" for k, v in step_times) or "—"),
        ("大堂转来", rec.handoff_from_uid or "—"),
    ):
        facts.add_row(label, value)

    # Long Chinese runs have no spaces to break at: fold them rather than cut them off.
    answers = Table(title="三问二看一核对", title_justify="left", expand=True, show_lines=False)
    answers.add_column("环节", no_wrap=True)
    answers.add_column("问题", overflow="fold")
    answers.add_column("回答", overflow="fold")
    answers.add_column("客户原话", overflow="fold")
    for a in sorted(rec.answers, key=lambda a: order.get(a.item_id, len(order))):
        step, prompt = steps.get(a.item_id, ("", a.item_id))
        answers.add_row(step, prompt, _answer_text(rules, rec.channel, a.item_id, a.value), a.said or "")
    for item_id in not_asked_ids(rec.extra) or []:  # "not asked" is shown as such, never as 否
        step, prompt = steps.get(item_id, ("", item_id))
        answers.add_row(
            step,
            prompt,
            "未问",
            rec.extra.get(NOT_ASKED_REASON_KEY, "") and f"未问原因：{rec.extra[NOT_ASKED_REASON_KEY]}",
        )

    signals = Table(title="风险信号", title_justify="left", expand=True)
    signals.add_column("分", justify="right", no_wrap=True)
    signals.add_column("信号", no_wrap=True)
    signals.add_column("依据", overflow="fold")
    signals.add_column("说明", overflow="fold")
    for s in rec.signals:
        signals.add_row(f"+{s.points}", s.label, s.evidence, s.reason)

    parts: list[RenderableType] = [head, Text(""), facts, Text("")]
    if lobby is not None:
        parts += [Text("\n".join(lobby_lines(lobby, rules, zone)), style="yellow"), Text("")]
    parts += [answers, Text(""), signals]
    if rec.typologies:
        parts += [Text("疑似诈骗类型：" + "；".join(x.label for x in rec.typologies), style="bold red")]
    parts.append(Text(""))
    d = rec.decision
    if d is None:
        parts.append(Text("决定：无（未办结）", style="bold"))
    else:
        group = GROUP_LABELS.get(d.group, d.group)
        counted = "" if group == d.label else f"（统计归入 {group}）"
        lines = [f"决定：{d.label}{counted} · {d.decided_by} · {t(d.decided_at)}"]
        if d.amount_protected_fen:
            lines.append(f"避免损失：{format_yuan(d.amount_protected_fen)}")
        if d.police_ref or d.police_called_at or d.group == "police":
            ref = d.police_ref or ("回执号待补录（F2 更正补录）" if d.group == "police" else "—")
            lines.append(f"报警：{ref} · {t(d.police_called_at)}")
        if d.supervisor_id:
            lines.append(
                f"主管复核：{d.supervisor_id} · {d.supervisor_reason or ''} · {approval_proof(d.supervisor_auth, d.supervisor_at, t)}"
            )
        if d.note:
            lines.append(f"备注：{d.note}")
        parts += [Text(line, style="bold" if i == 0 else "") for i, line in enumerate(lines)]
    ack = rec.acknowledgement
    if ack is not None:
        line = (
            f"告知书：{ACK_LABELS.get(ack.method, ack.method)} · 编号 {ack.notice_serial} · 版本 {ack.notice_version}"
        )
        line += f" · 见证 {ack.witness_staff_id} · {t(ack.at)}"
        if ack.signer_masked:
            line += f" · 签名 {ack.signer_masked}"
        if ack.supervisor_id:
            line += f" · 主管 {ack.supervisor_id} {ack.reason or ''} · {approval_proof(ack.supervisor_auth, ack.supervisor_at, t)}"
        parts.append(Text(line))
    take_home = rec.extra.get("take_home_notice")
    if take_home:
        parts.append(Text(f"告知书（客户留存联）：编号 {take_home} · 交客户带回，无须签字"))
    if rec.corrects_uid:
        who = rec.extra.get("corrected_by", "")
        line = f"本记录更正 {rec.corrects_uid}：{rec.correction_reason or ''}"
        if who:
            line += f" · 更正人 {who}"
        if rec.extra.get("correction_approved_by"):
            line += f" · 主管 {rec.extra['correction_approved_by']} 当场授权（{rec.extra.get('correction_approval_reason', '')}）"
        parts.append(Text(line, style="bold yellow"))
    parts.append(Text(""))
    if corrections:
        parts.append(Text("更正记录：（本记录保持原样，以最新一条更正为准，统计按更正后计）", style="bold yellow"))
        for c in corrections:
            parts.append(Text(f"  {t(c.closed_at)} · {c.staff_id} · {c.uid} · {c.decision_label or '—'}"))
    else:
        parts.append(Text("更正记录：无", style="dim"))
    return Group(*parts)


def approval_proof(auth: str | None, at: datetime | None, t: Callable[[datetime | None], str]) -> str:
    """How a supervisor's approval was given: their own PIN on the spot (and when), or, for
    records from before approvals were authenticated, only a typed id."""
    if auth == "pin":
        return f"{t(at)} 主管本人密码验证"
    return "工号未经验证（早期记录）"


class RecordViewScreen(AppScreen[None]):
    """A logged intervention, read-only."""

    BINDING_GROUP_TITLE = "记录详情"
    BINDINGS = [
        Binding("escape", "back", "返回", id="record-back", tooltip="回到今日记录"),
        Binding("ctrl+p", "reprint", "重新打印告知书", id="record-reprint", tooltip="把本案告知书再送网点打印机"),
        Binding(
            "f2",
            "correct",
            "更正",
            id="record-correct",
            tooltip="补录报警回执号、更正决定或避免损失金额（记为新记录，写明理由）",
        ),
    ]

    def __init__(self, uid: str) -> None:
        super().__init__()
        self.uid = uid
        """The record shown."""
        self.record: InterventionRecord | None = None
        """The record once loaded."""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="record-scroll"):
            yield Static("读取中…", id="record-body")
        yield QuietFooter()

    def on_mount(self) -> None:
        self._load_record()

    @work(thread=True, exclusive=True, group="record", description="读取记录")
    def _load_record(self) -> None:
        repo = self.ctx.repo
        rec = repo.get(self.uid)
        corrections = repo.corrections_of(self.uid) if rec else []
        lobby = repo.get(rec.handoff_from_uid) if rec and rec.handoff_from_uid else None
        self.app.call_from_thread(self._show, rec, corrections, lobby)

    def _show(
        self,
        rec: InterventionRecord | None,
        corrections: list[InterventionSummary],
        lobby: InterventionRecord | None = None,
    ) -> None:
        self.record = rec
        body = self.query_one("#record-body", Static)
        if rec is None:
            body.update(f"找不到记录 {self.uid}")
            return
        staff = self.ctx.on_shift
        if not can_view_record(staff.role, staff.staff_id, rec.staff_id):
            # A teller sees their own cases only; the branch's are for the roles that read figures.
            self.record = None
            body.update("只能查看本人办理的记录")
            return
        body.update(render_record(rec, corrections, self.ctx.rules, self.ctx.settings.zone, lobby))
        self.query_one("#record-scroll").focus()

    def action_reprint(self) -> None:
        """Ctrl+P: print the notice the customer was given for this case again."""
        rec = self.record
        if rec is None:
            return
        serial = notice_serial_of(rec)
        if serial is None:
            self.notify("本记录没有告知书（未打印给客户）", severity="warning")
            return
        deliver_notice(self, rec, serial, reprint=True)

    def action_correct(self) -> None:
        """F2: correct this record (its newest version) as a new record."""
        rec = self.record
        if rec is None:
            return
        staff = self.ctx.on_shift
        if not can_correct(staff.role, staff.staff_id, rec.staff_id):
            self.notify("只有主管可以更正他人办理的记录", severity="warning")
            return
        if rec.decision is None or rec.status != "closed":
            self.notify("未办结（放弃）的记录没有可更正的决定", severity="warning")
            return
        self._open_correction(rec.uid)

    @work(thread=True, exclusive=True, group="record", description="读取最新记录")
    def _open_correction(self, uid: str) -> None:
        latest = self.ctx.repo.latest_version(uid)
        self.app.call_from_thread(self._correct_latest, latest)

    def _correct_latest(self, latest: InterventionRecord | None) -> None:
        if latest is None:
            return
        if latest.uid != self.uid:
            self.notify(f"本记录已被更正，以下更正最新版本 {latest.uid[:8]}", timeout=5)
        self.app.push_screen(CorrectionModal(latest), self._corrected)

    def _corrected(self, correction: InterventionRecord | None) -> None:
        if correction is not None:
            self._save_correction(correction)

    @work(thread=True, exclusive=True, group="record-save", description="保存更正")
    def _save_correction(self, correction: InterventionRecord) -> None:
        try:
            self.ctx.repo.save_intervention(correction)
        except Exception as exc:  # the teller must see it; nothing was written
            self.app.call_from_thread(self.notify, f"更正未保存：{teller_message(exc)}", severity="error", timeout=10)
            return
        self.app.call_from_thread(self.notify, f"更正已保存为新记录 {correction.uid[:8]}", timeout=5)
        self._load_record()

    def action_back(self) -> None:
        """Back to the list."""
        self.dismiss(None)
