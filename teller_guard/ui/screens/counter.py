"""柜面「三问二看一核对」: the counter's keyboard-first flow for one personal transfer.

The teller types the transfer (Enter moves on; a complete ID moves on by itself), answers each
question with one key (its number; nothing picked is *not asked*, never "no"), ticks 二看 and
the transaction facts with their keys inside their group (Enter: looked, nothing else seen),
and the risk panel follows every change (drawn once a burst of keys has landed). F2 closes the
case with a decision the policy allows (supervisor, amount protected, police, the customer's
acknowledgement when the rules require them, and the teller's reason when questions the
checklist makes mandatory were not asked); the record is saved in one transaction and a fresh
case starts. The form's layout is :mod:`~teller_guard.ui.widgets.case_form`; keys reach it one
at a time (:mod:`~teller_guard.ui.key_gate`), so a burst lands exactly.

Everything typed is kept as a draft (the :class:`CaseState` as JSON) a fraction of a second
after each change, so a crash loses nothing: on the next start the open drafts are offered
back. The full ID number never leaves the ID field: the state keeps only age, sex, a keyed
hash and the last four characters.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Header, Input, Label, Static

from teller_guard.core.case import CaseState, case_from_handoff
from teller_guard.core.closing import (
    NOT_ASKED_REASON_KEY,
    closing_problems,
    is_asked,
    mandatory_not_asked,
    needs_acknowledgement,
    not_asked,
    not_asked_problem,
)
from teller_guard.core.errors import InputError
from teller_guard.core.limits import amount_problem_zh
from teller_guard.core.models import Assessment
from teller_guard.core.money import format_yuan, yuan_to_fen
from teller_guard.core.notice_text import notice_text_hash
from teller_guard.core.permissions import can_settle_orphans
from teller_guard.core.privacy import scrub
from teller_guard.core.records import (
    AcknowledgementRecord,
    DecisionRecord,
    Draft,
    InterventionRecord,
    InterventionSummary,
)
from teller_guard.core.schema import ItemDef
from teller_guard.core.scoring import assess
from teller_guard.core.vocabulary import SEX_LABELS
from teller_guard.storage.faults import teller_message
from teller_guard.ui.context import AppScreen
from teller_guard.ui.key_gate import keys_waiting
from teller_guard.ui.screens.confirm import ConfirmModal
from teller_guard.ui.screens.decision import DecisionModal
from teller_guard.ui.screens.handoffs import HandoffsModal
from teller_guard.ui.screens.not_asked import NotAskedModal
from teller_guard.ui.screens.resume import ResumeChoice, ResumeModal
from teller_guard.ui.widgets.answer_keys import LookGroup, OptionPicker, move_on
from teller_guard.ui.widgets.case_form import TRANSFER_STEP, CaseForm, IdInput, id_problem
from teller_guard.ui.widgets.quiet_footer import QuietFooter
from teller_guard.ui.widgets.risk_panel import RiskPanel
from teller_guard.ui.widgets.sync_focus import SYNC_FOCUS_BINDINGS, SyncFocus

DRAFT_DELAY = 0.25
"""Seconds of quiet before a draft is written (the brief allows at most ~0.3 s)."""
DECISION_STEP = "决定"
PANEL_DELAY = 0.05
"""Seconds after the last key of a burst before the risk panel is drawn again."""
READER_ENTER_SECONDS = 0.3
"""An Enter this soon after a complete ID number moved on is the card reader's, not the teller's."""


class CounterScreen(SyncFocus, AppScreen[None]):
    """柜面「三问二看一核对」: transfer, 三问, 二看, 一核对, then a decision; risk always visible."""

    BINDING_GROUP_TITLE = "柜面"
    AUTO_FOCUS = "#amount"
    """Focus the amount field directly: focusing the form first restyles all of it twice."""
    BINDINGS = [
        # Only on a lobby hand-off (the banner names the key): see action_lower_than_lobby.
        Binding(
            "ctrl+r",
            "lower_than_lobby",
            "低于大堂评估",
            show=False,
            id="counter-lower-than-lobby",
            tooltip="大堂转来的客户：写明理由后按柜面评估（否则不低于大堂评估）",
        ),
        Binding("f2", "decide", "办结", id="counter-decide", tooltip="选择处理决定并保存本笔业务"),
        Binding("f3", "history", "今日记录", id="counter-history", tooltip="查看今天本柜员的干预记录"),
        Binding("f4", "handoffs", "大堂转来", id="counter-handoffs", tooltip="接转大堂带至柜台核实的客户"),
        Binding("f5", "new_case", "新业务", id="counter-new", tooltip="清空当前业务（已录入的记为放弃）"),
        *SYNC_FOCUS_BINDINGS,
    ]
    KEY_HELP = (
        "   Enter  录入后进入下一项（身份证号录满 18 位且校验正确会自动进入收款人；客户姓名可选，用 Tab 进入）",
        "  数字/字母  在问题上：选中该编号的答案并进入下一题；退格清除为“未问”",
        "    打字  在问题上直接打中文：记入该题的“客户原话”",
        "  1–6 等  在二看、一核对的勾选组里：勾选/取消该项；Enter：看过了，未勾选的记为“没有”",
        "  Tab/Shift+Tab  逐项前后移动",
    )
    ENTER_MOVES = {
        "amount": "id-number",
        # The customer's name is optional (the ID says age and sex): Enter goes on to the payee,
        # Tab visits the name.
        "id-number": "payee-name",
        "age": "customer-name",
        "customer-name": "payee-name",
        "payee-name": "payee-account",
    }

    @dataclass
    class CaseSaved(Message):
        """A case was written to the log (posted from the save worker)."""

        record: InterventionRecord
        abandoned: bool = False

    @dataclass
    class SaveFailed(Message):
        """Writing a case failed; the case stays on screen and in its draft."""

        error: str

    def __init__(self) -> None:
        super().__init__()
        self.state = CaseState()
        """The case being worked (what the draft stores)."""
        self.assessment: Assessment | None = None
        """The latest assessment of :attr:`state` (``None`` while the amount is unreadable)."""
        self._draft_timer: Timer | None = None
        self._panel_timer: Timer | None = None
        self._io_lock = threading.Lock()
        self._draft_fault: str | None = None
        """The last reason a draft could not be written (shown once until a write succeeds)."""
        # A draft write that lands after its case was saved would reopen it: writes and the
        # final save take this lock, and drafts of closed cases are never written again.
        self._closed_drafts: set[str] = set()
        self._step: str | None = None
        self._step_since = 0.0
        self._step_acc: dict[str, float] = {}
        self._committed_said: dict[str, str] = {}
        self._case_closing = False
        self._waiting = True
        """A fresh case nothing has been typed into yet (its clock starts with the first entry)."""
        self._amount_error = False
        self._id_completed_at = 0.0

    # ------------------------------------------------------------ layout
    @property
    def checklist_items(self) -> list[ItemDef]:
        """The counter checklist from the rules, in file order."""
        return list(self.ctx.rules.checklist_for("counter").item)

    def steps(self) -> list[str]:
        """The checklist's steps (三问 / 二看 / 一核对 …) in the order the rules give them."""
        out: list[str] = []
        for item in self.checklist_items:
            if item.step not in out:
                out.append(item.step)
        return out

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="counter-body"):
            yield CaseForm(self.checklist_items, id="case-form")
            with VerticalScroll(id="risk-pane"):
                yield RiskPanel(id="risk")
        yield QuietFooter()

    @property
    def _step_names(self) -> dict[str, str]:
        """Step container id → step name (三问 …), for timing."""
        return self.query_one(CaseForm).step_names

    def on_mount(self) -> None:
        self.watch(self, "focused", self._focus_moved, init=False)
        self._new_case()
        self._look_for_drafts()

    # ------------------------------------------------------------ small helpers
    @property
    def staff_id(self) -> str:
        return self.ctx.on_shift.staff_id

    def _today(self) -> date:
        return self.ctx.today()

    def _secret_key(self) -> bytes:
        return self.ctx.secret()

    def _status(self, text: str) -> None:
        self.query_one("#case-status", Label).update(text)

    def _field_error(self, text: str) -> None:
        """An amount or ID problem, shown right under the fields (not at the foot of the form)."""
        label = self.query_one("#transfer-error", Label)
        label.update(text)
        label.display = bool(text)

    def is_blank(self) -> bool:
        """Nothing has been entered for the customer yet (no draft is worth keeping)."""
        s = self.state
        return not (
            s.amount.strip()
            or s.customer_age is not None
            or s.customer_name_masked
            or s.payee_name_masked
            or s.payee_account_masked
            or s.answers
            or any(v.strip() for v in s.said.values())
            or s.handoff_from_uid
        )

    # ------------------------------------------------------------ case lifecycle
    def _new_case(self) -> None:
        """Start an empty case for the teller on shift."""
        staff = self.ctx.on_shift
        self._show_case(CaseState(channel="counter", staff_id=staff.staff_id, staff_role=staff.role, business="转账"))

    def _show_case(self, state: CaseState, banner: str = "") -> None:
        """Put ``state`` on the screen (a new case, a resumed draft, or a hand-off)."""
        self.state = state
        self._waiting = self.is_blank()
        if not self._waiting and state.started_at is None:  # a hand-off starts when the teller opens it
            state.started_at = self.ctx.now()
        self._case_closing = False
        self._committed_said = dict(state.said)
        self._step_acc = {k: float(v) for k, v in state.step_seconds.items()}
        self._step, self._step_since = None, time.monotonic()
        with self.prevent(Input.Changed, OptionPicker.Changed, LookGroup.Changed):
            self.query_one("#amount", Input).value = state.amount
            self.query_one("#business", OptionPicker).pick(state.business or "转账")
            self.query_one("#id-number", Input).value = state.id_masked or ""
            age = self.query_one("#age", Input)
            age.value = "" if state.customer_age is None else str(state.customer_age)
            age.disabled = state.id_masked is not None
            self.query_one("#customer-name", Input).value = state.customer_name_masked or ""
            self.query_one("#payee-name", Input).value = state.payee_name_masked or ""
            self.query_one("#payee-account", Input).value = state.payee_account_masked or ""
            for group in self.query(LookGroup):
                group.set_answers({i: v for _, i, _ in group.items if isinstance(v := state.answers.get(i), bool)})
            for item in self.checklist_items:
                value = state.answers.get(item.id)
                for picker in self.query(f"#item-{item.id}").results(OptionPicker):
                    if value is None:
                        picker.pick(None)
                    elif item.kind == "yesno":
                        picker.pick("yes" if value else "no")
                    else:
                        picker.pick(str(value))
                said = self.query(f"#said-{item.id}")
                if said:
                    said.first(Input).value = state.said.get(item.id, "")
        self._show_id_facts()
        banner_label = self.query_one("#handoff-banner", Label)
        banner_label.update(banner)
        banner_label.display = bool(banner)
        self._status("")
        self._field_error("")
        self._rescore()
        self.query_one("#amount", Input).focus()

    def _changed(self) -> None:
        """Something was entered: re-score now, write the draft shortly."""
        if self._waiting and not self.is_blank():
            # The customer's case starts with the first thing typed, not when the previous
            # one closed: the wait between customers is no part of its duration or step times.
            self._waiting = False
            self.state.started_at = self.ctx.clock()
            self._step_acc, self.state.step_seconds = {}, {}
            self._step_since = time.monotonic()
        self._rescore()
        self._schedule_draft()

    def _rescore(self) -> None:
        try:
            inp = self.state.to_input(self.ctx.rules, on=self._today())
        except InputError as exc:
            self._field_error(amount_problem_zh(exc))
            self._amount_error = True
            return
        if self._amount_error:
            self._amount_error = False
            self._field_error("")
        self.assessment = self.state.held(self.ctx.rules, assess(self.ctx.rules, inp))
        # Scoring takes well under a millisecond; drawing the panel does not. While keys are
        # waiting (a burst), the panel is drawn once they have landed, not after each of them.
        if keys_waiting(self.app):
            if self._panel_timer is not None:
                self._panel_timer.stop()
            self._panel_timer = self.set_timer(PANEL_DELAY, self._show_assessment)
        else:
            self._show_assessment()

    def _show_assessment(self) -> None:
        self._panel_timer = None
        self.query_one("#risk", RiskPanel).assessment = self.assessment
        self._show_progress()

    def _show_progress(self) -> None:
        """✓转账信息 ✓三问 二看 1 项异常 ·一核对 3/10 — like the lobby's line, what is done so far."""
        s = self.state
        try:
            amount_ok = s.amount_yuan() > 0
        except InputError:
            amount_ok = False
        transfer = amount_ok and (s.customer_age is not None) and bool(s.payee_name_masked and s.payee_account_masked)
        parts = [f"{'✓' if transfer else '·'}{TRANSFER_STEP}"]
        for step in self.steps():
            items = [i for i in self.checklist_items if i.step == step]
            asked = [i for i in items if is_asked(i.id, s.answers, s.said)]
            seen = [i for i in items if i.kind == "yesno" and i.key and s.answers.get(i.id) is True]
            text = f"{'✓' if len(asked) == len(items) else '·'}{step}"
            if len(asked) != len(items):
                text += f" {len(asked)}/{len(items)}"
            if seen:
                text += f"（{len(seen)} 项异常）"
            parts.append(text)
        parts.append("F2 办结 · F1 帮助")
        self.query_one("#counter-progress", Static).update("  ".join(parts))

    # ------------------------------------------------------------ the transfer
    @on(Input.Changed, "#amount")
    def _amount(self, event: Input.Changed) -> None:
        self.state.amount = event.value.strip()
        self._changed()

    @on(OptionPicker.Changed, "#business")
    def _business(self, event: OptionPicker.Changed) -> None:
        event.stop()
        if event.value is not None and event.value != self.state.business:
            self.state.business = event.value
            self._changed()

    @on(Input.Changed, "#id-number")
    def _id_typed(self, event: Input.Changed) -> None:
        value = event.value.replace(" ", "")
        if self.state.id_masked and value == self.state.id_masked:
            return
        if self.state.id_masked:
            # The teller is replacing an ID already entered: forget what it gave us.
            self.state.customer_age = self.state.customer_sex = None
            self.state.customer_ref = self.state.id_masked = None
            self.query_one("#age", Input).disabled = False
            with self.prevent(Input.Changed):
                self.query_one("#age", Input).value = ""
            self._show_id_facts()
            self._changed()
        if len(value) == 18:
            self._take_id(event.input)

    @on(Input.Submitted, "#id-number")
    @on(Input.Blurred, "#id-number")
    def _id_done(self, event: Input.Submitted | Input.Blurred) -> None:
        value = event.input.value.replace(" ", "")
        if value and value != self.state.id_masked:
            self._take_id(event.input)

    def _take_id(self, field: Input) -> None:
        """Validate the ID number, keep only what it tells us, and mask the field."""
        try:
            self.state.set_id_number(field.value, self._secret_key(), self._today())
        except InputError as exc:
            self._field_error(id_problem(exc))
            return
        with self.prevent(Input.Changed):
            field.value = self.state.id_masked or ""
            age = self.query_one("#age", Input)
            age.value = str(self.state.customer_age)
            age.disabled = True
        self._field_error("")
        self._show_id_facts()
        self._changed()

    def _show_id_facts(self) -> None:
        s = self.state
        text = ""
        if s.customer_age is not None:
            text = f"{s.customer_age} 岁"
            if s.customer_sex:
                text += f" {SEX_LABELS.get(s.customer_sex, '')}"
            if s.id_masked:
                text += f" · 证件 {s.id_masked}"
        self.query_one("#id-facts", Label).update(text)

    @on(Input.Changed, "#age")
    def _age(self, event: Input.Changed) -> None:
        if self.state.id_masked:
            return
        age = int(event.value) if event.value.isdigit() and int(event.value) <= 130 else None
        self.state.customer_age = age
        self._show_id_facts()
        self._changed()

    @on(Input.Changed, "#customer-name")
    def _customer_name(self, event: Input.Changed) -> None:
        if event.value == (self.state.customer_name_masked or ""):
            return
        self.state.set_customer_name(event.value)
        self._changed()

    @on(Input.Changed, "#payee-name")
    def _payee_name(self, event: Input.Changed) -> None:
        if event.value == (self.state.payee_name_masked or ""):
            return
        if event.value.strip():
            self.state.set_payee(name=event.value)
        else:
            self.state.payee_name_masked = None
        self._changed()

    @on(Input.Changed, "#payee-account")
    def _payee_account(self, event: Input.Changed) -> None:
        if event.value == (self.state.payee_account_masked or ""):
            return
        if event.value.strip():
            self.state.set_payee(account=event.value, secret=self._secret_key())
        else:
            self.state.payee_account_masked = self.state.payee_ref = None
        self._changed()

    @on(Input.Blurred, "#customer-name")
    @on(Input.Submitted, "#customer-name")
    def _mask_on_leave(self, event: Input.Blurred | Input.Submitted) -> None:
        """Once entered, the customer's name is shown masked (as it is stored). The payee's name
        and account stay readable in full while the case is open — the teller compares them with
        the slip — and are kept masked everywhere else (draft, record, lists, exports)."""
        masked = self.state.customer_name_masked
        if masked and event.input.value != masked:
            with self.prevent(Input.Changed):
                event.input.value = masked

    # ------------------------------------------------------------ the checklist
    def _item_of(self, widget: Widget) -> ItemDef | None:
        wid = widget.id or ""
        for prefix in ("item-", "said-"):
            if wid.startswith(prefix):
                return self.ctx.rules.item("counter", wid.removeprefix(prefix))
        return None

    @on(OptionPicker.Changed)
    def _answer(self, event: OptionPicker.Changed) -> None:
        item = self._item_of(event.picker)
        if item is None:
            return
        answers = dict(self.state.answers)
        if event.value is None:
            answers.pop(item.id, None)  # not asked (never "no")
        elif item.kind == "yesno":
            answers[item.id] = event.value == "yes"
        else:
            answers[item.id] = event.value
        if answers != self.state.answers:
            self.state.answers = answers
            self._changed()

    @on(LookGroup.Changed)
    def _looks_changed(self, event: LookGroup.Changed) -> None:
        answers = dict(self.state.answers)
        for _, item_id, _ in event.group.items:
            answers.pop(item_id, None)
        answers.update(event.answers)
        if answers != self.state.answers:
            self.state.answers = answers
            self._changed()

    def action_sync_next(self) -> None:
        """Tab: from the amount straight to the ID number (转账/汇款 is rarely changed: Shift+Tab
        reaches it). Before, an ID typed after amount+Tab landed on 转账/汇款 and was lost."""
        field = self.query_one("#id-number", Input)
        if self.focused is self.query_one("#amount", Input) and not field.disabled:
            self.set_focus(field)
        else:
            self.focus_next()

    def action_sync_enter(self) -> None:
        """Enter moves on from a field (now, so the next key lands in the next field); on a
        question or an observation group Enter is theirs."""
        focused = self.focused
        if focused is None:
            raise SkipAction()
        if (
            isinstance(focused, Input)
            and focused.id == "payee-name"
            and not focused.value
            and time.monotonic() - self._id_completed_at < READER_ENTER_SECONDS
        ):
            # The Enter a card reader sends after the ID number: the ID already moved on.
            self._id_completed_at = 0.0
            return
        if focused.id == "payee-account" or focused.has_class("said"):
            move_on(focused)
            return
        target = self.ENTER_MOVES.get(focused.id or "")
        if target is None:
            raise SkipAction()
        widget = self.query_one(f"#{target}", Widget)
        if widget.disabled:
            self.set_focus(widget)
            self.focus_next()
        else:
            self.set_focus(widget)

    def id_complete(self) -> None:
        """A whole valid ID number was typed: on to the payee."""
        if isinstance(self.focused, IdInput):
            self._id_completed_at = time.monotonic()
            self.set_focus(self.query_one("#payee-name", Input))

    @on(Input.Changed, ".said")
    def _said(self, event: Input.Changed) -> None:
        item = self._item_of(event.input)
        if item is None:
            return
        self.state.said = {**self.state.said, item.id: event.value}
        self._changed()

    @on(Input.Blurred, ".said")
    @on(Input.Submitted, ".said")
    def _said_done(self, event: Input.Blurred | Input.Submitted) -> None:
        """When the teller leaves a purpose answer, keep a replaced story as purpose history."""
        item = self._item_of(event.input)
        if item is None:
            return
        new = event.input.value
        old = self._committed_said.get(item.id, "")
        if item.text_field == "purpose" and old != new:
            self.state.said = {**self.state.said, item.id: old}
            self.state.set_purpose_text(item.id, new)
            self._changed()
        self._committed_said[item.id] = new

    # ------------------------------------------------------------ step timing
    def _step_of(self, widget: Widget | None) -> str | None:
        if widget is None or widget.screen is not self:
            return None
        for node in widget.ancestors_with_self:
            if isinstance(node, Widget) and node.id in self._step_names:
                return self._step_names[node.id]
        return None

    def _focus_moved(self, widget: Widget | None) -> None:
        step = self._step_of(widget)
        if step is not None:
            self._enter_step(step)

    def _enter_step(self, step: str) -> None:
        """Account the time spent in the step being left, and save the draft at the boundary."""
        if step == self._step:
            return
        self._tally_step()
        self._step = step
        if not self.is_blank():
            self._flush_draft()

    def _tally_step(self) -> None:
        now = time.monotonic()
        if self._step is not None:
            self._step_acc[self._step] = self._step_acc.get(self._step, 0.0) + (now - self._step_since)
            self.state.step_seconds = {k: int(round(v)) for k, v in self._step_acc.items()}
        self._step_since = now

    # ------------------------------------------------------------ drafts
    def _schedule_draft(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self._flush_draft)

    def _flush_draft(self) -> None:
        """Write the case as it stands (skipped for an empty case or one being closed)."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        if self.is_blank() or self._case_closing:
            return
        self._write_draft(self._draft())

    def _draft(self) -> Draft:
        """The case as it stands, as a draft."""
        now = self.ctx.clock()
        return Draft(
            draft_id=self.state.draft_id,
            channel="counter",
            staff_id=self.staff_id,
            started_at=self.state.started_at or now,
            updated_at=now,
            state=self.state.model_dump(mode="json"),
        )

    def keep_for_later(self) -> None:
        """Signing out mid-case: the draft is written now (not by a worker the sign-out would cancel)."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        if self.is_blank() or self._case_closing:
            return
        with self._io_lock:
            if self.state.draft_id not in self._closed_drafts:
                self.ctx.repo.save_draft(self._draft())

    @work(thread=True, group="draft", description="保存草稿")
    def _write_draft(self, draft: Draft) -> None:
        with self._io_lock:
            if draft.draft_id in self._closed_drafts:
                return
            try:
                self.ctx.repo.save_draft(draft)
            except Exception as exc:  # a full disk, a read-only file, a server away: keep typing
                self.app.call_from_thread(self._draft_not_saved, teller_message(exc))
                return
            self._draft_fault = None

    def _draft_not_saved(self, why: str) -> None:
        """The draft could not be written: say so once, keep the case in memory, try again shortly."""
        if self._draft_fault != why:
            self._draft_fault = why
            self.notify(f"草稿暂未写入数据库：{why}。已录入内容保留在本机，稍后自动重试", severity="warning", timeout=8)
        if not self._case_closing:
            self._schedule_draft()

    @work(thread=True, group="draft", description="查找未办结草稿")
    def _look_for_drafts(self) -> None:
        staff = self.ctx.on_shift
        orphans_too = can_settle_orphans(staff.role)
        drafts = self.ctx.repo.open_drafts(channel="counter", staff_id=None if orphans_too else staff.staff_id)
        # One's own cases left open, at once; another's only for a supervisor, and only once
        # nobody has touched them for the policy's minutes (a colleague's live case is not orphaned).
        since = self.ctx.clock() - timedelta(minutes=self.ctx.rules.policy.access.orphaned_after_minutes)
        drafts = [
            d
            for d in drafts
            if d.draft_id != self.state.draft_id
            and (d.staff_id == staff.staff_id or (orphans_too and d.updated_at <= since))
        ]
        if drafts:
            self.app.call_from_thread(self._offer_drafts, drafts)

    def _offer_drafts(self, drafts: list[Draft]) -> None:
        if not self.is_blank():
            return
        self.app.push_screen(ResumeModal(drafts, self.ctx.settings.zone, me=self.staff_id), self._draft_chosen)

    def _draft_chosen(self, choice: ResumeChoice | None) -> None:
        if choice is None:
            return
        what, draft = choice
        try:
            state = CaseState.model_validate(draft.state)
        except ValueError:
            self.notify("草稿内容无法读取，已记为放弃", severity="error")
            self.ctx.repo.set_draft_status(draft.draft_id, "abandoned")
            return
        staff = self.ctx.on_shift
        if draft.staff_id != staff.staff_id:  # a colleague's orphaned case: say who took it on
            if what == "resume":
                state = state.model_copy(
                    update={
                        "staff_id": staff.staff_id,
                        "staff_role": staff.role,
                        "extra": {**state.extra, "taken_over_from": draft.staff_id},
                    }
                )
            else:
                state = state.model_copy(
                    update={"extra": {**state.extra, "abandoned_by": staff.staff_id, "abandoned_by_role": staff.role}}
                )
        if what == "resume":
            self._show_case(state, banner="已恢复上次未办结的业务")
            self.notify("已恢复未办结的业务", timeout=3)
        else:
            self._abandon(state, offer_more=True)

    def _assessment_for(self, state: CaseState) -> Assessment:
        try:
            inp = state.to_input(self.ctx.rules, on=self._today())
        except InputError:
            inp = state.model_copy(update={"amount": ""}).to_input(self.ctx.rules, on=self._today())
        return state.held(self.ctx.rules, assess(self.ctx.rules, inp))

    def _abandon(self, state: CaseState, *, offer_more: bool = False) -> None:
        """Record a case as abandoned (no decision) and close its draft."""
        record = state.to_record(
            self.ctx.rules,
            self._assessment_for(state),
            decision=None,
            status="abandoned",
            closed_at=self.ctx.clock(),
        )
        self._save_abandoned(record, state.draft_id, offer_more)

    @work(thread=True, group="save", description="记为放弃")
    def _save_abandoned(self, record: InterventionRecord, draft_id: str, offer_more: bool) -> None:
        repo = self.ctx.repo
        try:
            with self._io_lock:
                self._closed_drafts.add(draft_id)
                repo.save_intervention(record, draft_id=draft_id)
                repo.set_draft_status(draft_id, "abandoned")
        except Exception as exc:  # the teller must see it; the draft stays open
            self.post_message(self.SaveFailed(teller_message(exc)))
            return
        self.post_message(self.CaseSaved(record, abandoned=True))
        if offer_more:
            self._look_for_drafts()

    # ------------------------------------------------------------ closing
    def _unanswered(self) -> list[str]:
        return [
            f"{i.step}·{i.prompt}" for i in not_asked(self.ctx.rules, "counter", self.state.answers, self.state.said)
        ]

    def action_decide(self) -> None:
        """F2: choose the decision (the policy's options for this level) and close the case."""
        if self._case_closing:
            return
        try:
            amount = self.state.amount_yuan()
        except InputError as exc:
            self._field_error(amount_problem_zh(exc))
            self.query_one("#amount", Input).focus()
            return
        if amount <= 0:
            self._field_error("请先录入转账金额")
            self.query_one("#amount", Input).focus()
            return
        self._rescore()
        assert self.assessment is not None
        self._enter_step(DECISION_STEP)
        self.app.push_screen(
            DecisionModal(
                rules=self.ctx.rules,
                assessment=self.assessment,
                amount_fen=yuan_to_fen(amount),
                staff=self.ctx.on_shift,
                zone=self.ctx.settings.zone,
                clock=self.ctx.clock,
                case_uid=self.state.uid,
                unanswered=self._unanswered(),
            ),
            self._decided,
        )

    def _decided(self, decision: DecisionRecord | None) -> None:
        if decision is None or self.assessment is None:
            self._back_to_form()
            return
        rules = self.ctx.rules
        s = self.state
        reason = s.extra.get(NOT_ASKED_REASON_KEY)
        if not_asked_problem(rules, "counter", self.assessment.level, decision.decision, s.answers, s.said, reason):
            missing = mandatory_not_asked(rules, "counter", self.assessment.level, s.answers, s.said)

            def explained(why: str | None) -> None:
                if why is None:
                    self._status("✗ 必问项未问：" + "、".join(i.prompt for i in missing[:3]))
                    self.set_focus(self._widget_of(missing[0]))
                    return
                # Free text like any other in the record: no ID, phone, card or account numbers.
                self.state.extra = {**self.state.extra, NOT_ASKED_REASON_KEY: scrub(why, names=False)}
                self._flush_draft()
                self._decided(decision)

            self.app.push_screen(NotAskedModal(missing), explained)
            return
        if needs_acknowledgement(rules, decision.decision, self.assessment.level, "counter"):
            self._get_serial(decision, self.assessment)
        elif self._takes_home(decision):
            self._take_home(decision, self.assessment)
        else:
            self._close(decision, self.assessment, None)

    def _widget_of(self, item: ItemDef) -> Widget:
        """The widget that asks ``item`` (its options, or the group its key belongs to)."""
        found = self.query(f"#item-{item.id}")
        if found:
            return found.first()
        return next(g for g in self.query(LookGroup) if item.id in g.by_key.values())

    def _back_to_form(self) -> None:
        self.query_one("#amount", Input).focus()

    @work(thread=True, group="notice", description="领取告知书编号")
    def _get_serial(self, decision: DecisionRecord, assessment: Assessment) -> None:
        rules = self.ctx.rules
        try:
            serial = self.ctx.repo.next_notice_serial(
                rules.branch.code, draft_id=self.state.draft_id, at=self.ctx.now()
            )
        except Exception as exc:  # the case stays on screen; F2 tries again
            self.post_message(self.SaveFailed(f"未能领取告知书编号：{teller_message(exc)}"))
            return
        self.app.call_from_thread(self._ask_acknowledgement, decision, assessment, serial)

    def _ask_acknowledgement(self, decision: DecisionRecord, assessment: Assessment, serial: str) -> None:
        rules = self.ctx.rules
        self.state.notice_serial = serial
        self._flush_draft()

        printed = self.state.to_record(rules, assessment, decision=None, closed_at=self.ctx.now())

        def acknowledged(ack: AcknowledgementRecord | None) -> None:
            nonlocal assessment
            if ack is None:
                self.notify("未完成告知书确认，业务未办结", severity="warning")
                self._back_to_form()
                return
            if ack.method == "refused" and "refused_notice" not in self.state.observations:
                # A refusal is itself a risk signal: re-score, so the level (and who must sign
                # off) reflects it before anything closes.
                self.state.record_refusal(printed)
                self._rescore()
                assert self.assessment is not None
                assessment = self.assessment
                self._flush_draft()
            problems = closing_problems(rules, "counter", assessment, decision, ack)
            if problems:
                self.notify("\n".join(problems), title="不能办结", severity="error", timeout=8)
                self._status("✗ " + "；".join(problems))
                self._back_to_form()
                return
            self._close(decision, assessment, ack)

        from teller_guard.ui.screens.acknowledge import AcknowledgeScreen  # not needed for the first paint

        self.app.push_screen(
            AcknowledgeScreen(
                record=printed,
                assessment=assessment,
                serial=serial,
                witness=self.ctx.on_shift,
                notice_version=rules.notice.version,
                notice_text_hash=notice_text_hash(rules),
                clock=self.ctx.clock,
            ),
            acknowledged,
        )

    def _close(self, decision: DecisionRecord, assessment: Assessment, ack: AcknowledgementRecord | None) -> None:
        """Build the record and save it; the screen moves on when the save succeeds."""
        self._tally_step()
        rules = self.ctx.rules
        # Nothing is filled in: a question not asked stays not asked (listed in the record).
        record = self.state.to_record(
            rules,
            assessment,
            decision=decision,
            acknowledgement=ack,
            closed_at=self.ctx.clock(),
        )
        self._case_closing = True
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._save_case(record, self.state.draft_id)

    @work(thread=True, group="save", description="保存干预记录")
    def _save_case(self, record: InterventionRecord, draft_id: str) -> None:
        try:
            with self._io_lock:
                self.ctx.repo.save_intervention(record, draft_id=draft_id)
                self._closed_drafts.add(draft_id)
        except Exception as exc:  # the teller must see it; the draft stays open
            self.post_message(self.SaveFailed(teller_message(exc)))
            return
        self.post_message(self.CaseSaved(record))

    @on(CaseSaved)
    def _saved(self, event: CaseSaved) -> None:
        rec = event.record
        level = self.ctx.rules.levels[rec.level].label
        if event.abandoned:
            self.notify(f"已记为放弃：{format_yuan(rec.amount_fen)}（风险{level}）", timeout=4)
            if rec.uid != self.state.uid:
                return
        else:
            label = rec.decision.label if rec.decision else ""
            self.notify(f"已保存：{format_yuan(rec.amount_fen)} · 风险{level} · {label}", timeout=4)
            self._hand_over_notice(rec)
        self._new_case()

    @on(SaveFailed)
    def _save_failed(self, event: SaveFailed) -> None:
        self._case_closing = False
        self.notify(f"保存失败，业务仍在草稿中：{event.error}", severity="error", timeout=10)
        self._status("✗ 保存失败，请重试（F2）")

    # ------------------------------------------------------------ other screens
    def action_history(self) -> None:
        """F3: today's interventions at this counter."""
        from teller_guard.ui.screens.history import HistoryScreen  # not needed for the first paint

        self._flush_draft()
        self.app.push_screen(HistoryScreen())

    def action_handoffs(self) -> None:
        """F4: customers the lobby brought to the counter."""
        if not self.is_blank():
            self.notify("请先办结当前业务（F2）或清空（F5），再接转大堂客户", severity="warning")
            return
        self._load_handoffs()

    @work(thread=True, exclusive=True, group="handoffs", description="读取大堂转来")
    def _load_handoffs(self) -> None:
        pending = self.ctx.repo.pending_handoffs()
        self.app.call_from_thread(self._offer_handoffs, pending)

    def _offer_handoffs(self, pending: list[InterventionSummary]) -> None:
        self.app.push_screen(
            HandoffsModal(pending, self.ctx.rules, self.ctx.settings.zone),
            self._handoff_chosen,
        )

    def _handoff_chosen(self, uid: str | None) -> None:
        if uid:
            self._open_handoff(uid)
        else:
            self._back_to_form()

    @work(thread=True, exclusive=True, group="handoffs", description="接转大堂客户")
    def _open_handoff(self, uid: str) -> None:
        lobby = self.ctx.repo.get(uid)
        if lobby is None:
            return
        staff = self.ctx.on_shift
        state = case_from_handoff(self.ctx.rules, lobby, staff_id=staff.staff_id, staff_role=staff.role)
        state.business = "转账"
        self.app.call_from_thread(self._show_handoff, state, lobby)

    def _show_handoff(self, state: CaseState, lobby: InterventionRecord) -> None:
        rules = self.ctx.rules
        zone = self.ctx.settings.zone
        machines = {m.id: m.label for m in rules.branch.machines}
        where = machines.get(lobby.machine_id or "", lobby.machine_id or "大堂")
        seen = "、".join(rules.signals[s].label for s in lobby.observations if s in rules.signals) or "无"
        said = lobby.purpose_text or "；".join(a.said for a in lobby.answers if a.said) or "—"
        banner = (
            f"大堂转来（{lobby.closed_at.astimezone(zone).strftime('%H:%M')} {where}，员工 {lobby.staff_id}，"
            f"大堂评估 {rules.levels[lobby.level].label} {lobby.score} 分）\n"
            f"客户在大堂说：{said}\n大堂看到：{seen}（柜面评估不低于大堂；确需调低按 Ctrl+R 写明理由）"
        )
        self._show_case(state, banner=banner)
        self._flush_draft()

    # ------------------------------------------------------------ the flow: take-home notice, hand-off level
    def _takes_home(self, decision: DecisionRecord) -> bool:
        from teller_guard.core.closing import takes_home_notice

        return takes_home_notice(self.ctx.rules, decision.decision, "counter")

    @work(thread=True, group="notice", description="领取客户留存告知书编号")
    def _take_home(self, decision: DecisionRecord, assessment: Assessment) -> None:
        """A stopped case: the customer takes a notice home; its serial goes on the record."""
        try:
            serial = self.ctx.repo.next_notice_serial(
                self.ctx.rules.branch.code, draft_id=self.state.draft_id, at=self.ctx.now()
            )
        except Exception as exc:  # the case stays on screen; F2 tries again
            self.post_message(self.SaveFailed(f"未能领取告知书编号：{teller_message(exc)}"))
            return
        self.app.call_from_thread(self._close_taking_home, decision, assessment, serial)

    def _close_taking_home(self, decision: DecisionRecord, assessment: Assessment, serial: str) -> None:
        from teller_guard.reports.notice import TAKE_HOME_KEY

        self.state.extra = {**self.state.extra, TAKE_HOME_KEY: serial}
        self._close(decision, assessment, None)

    def _hand_over_notice(self, rec: InterventionRecord) -> None:
        """After the save: write and print the take-home notice of a stopped case."""
        from teller_guard.reports.notice import TAKE_HOME_KEY
        from teller_guard.ui.notice_output import deliver_notice

        if TAKE_HOME_KEY in rec.extra:
            deliver_notice(self, rec, rec.extra[TAKE_HOME_KEY])

    def action_lower_than_lobby(self) -> None:
        """Ctrl+R (a lobby hand-off only): the teller records why the case may score below the
        lobby's level."""
        from teller_guard.ui.screens.reason import ReasonModal

        level = self.ctx.rules.levels.get(self.state.handoff_level or "")
        if level is None or self.state.handoff_lowered_reason:
            return

        def recorded(reason: str | None) -> None:
            if reason:
                self.state.lower_than_lobby(reason)
                self._rescore()
                self._flush_draft()
                self.refresh_bindings()
                self.notify(f"已记录理由，按柜面评估：{reason}", timeout=5)
            self._back_to_form()

        self.app.push_screen(
            ReasonModal(
                f"低于大堂评估（{level.label}风险 {self.state.handoff_score} 分）",
                "大堂评估的等级会一直保留，除非写明为什么柜面核实后风险更低（例如家属到场核实）。理由记入本案记录。",
                placeholder="柜面核实后风险更低的理由",
            ),
            recorded,
        )

    def action_new_case(self) -> None:
        """F5: start over; a case already begun is recorded as abandoned, never just dropped."""
        if self.is_blank():
            self._new_case()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._tally_step()
                self._case_closing = True
                self._abandon(self.state)
            else:
                self._back_to_form()

        self.app.push_screen(
            ConfirmModal("放弃当前业务？", "已录入的内容将记入台账为“未办结放弃”，然后开始新业务。"),
            answered,
        )
