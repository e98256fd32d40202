"""大堂「一问二看三提醒」: the lobby manager's and guard's flow at the self-service machines.

One scrolling page with large tiles (a tablet held standing up, about 100×30 cells, or a
desktop terminal): pick the machine, 一问 (what business, in the customer's words), 二看
(three one-key observations), 三提醒 (each reminder's exact wording, ticked as said), the
branch's optional 24-hour reminder, the risk panel with its reasons, and the outcome. The case
is saved as a draft on every change (a crash or a flat battery loses nothing) and logged in one
transaction when it closes. 「带至柜台」 closes it as a hand-off the teller continues.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Header, Input, Label, Static

from teller_guard.core.case import CaseState
from teller_guard.core.closing import closing_problems
from teller_guard.core.errors import InputError
from teller_guard.core.limits import AmountTooLarge, amount_problem_zh
from teller_guard.core.models import Assessment
from teller_guard.core.money import format_yuan, parse_yuan
from teller_guard.core.records import DecisionRecord, Draft, InterventionRecord
from teller_guard.core.scoring import assess
from teller_guard.core.vocabulary import ROLE_LABELS
from teller_guard.storage.faults import teller_message
from teller_guard.ui.context import AppScreen
from teller_guard.ui.screens.lobby_case import (
    ATM_DELAY_ITEM,
    items_of,
    lobby_outcomes,
    lobby_problems,
    parse_age,
    parse_amount_fen,
    parse_local_time,
)
from teller_guard.ui.widgets.quiet_footer import QuietFooter
from teller_guard.ui.widgets.risk_panel import RiskPanel
from teller_guard.ui.widgets.tap_toggle import TapToggle

NARROW_BELOW = 90
"""Below this many columns the risk panel moves under the form (a phone held upright)."""


class LobbyScreen(AppScreen[None]):
    """大堂「一问二看三提醒」: one self-service-area intervention at a time."""

    BINDING_GROUP_TITLE = "大堂「一问二看三提醒」"
    BINDINGS = [
        Binding("f6", "jump('remind')", "三提醒", tooltip="直接跳到三提醒（顶部进度行也可点）", id="lobby-jump-remind"),
        Binding("f7", "jump('outcome')", "结果", tooltip="直接跳到结果（顶部进度行也可点）", id="lobby-jump-outcome"),
        Binding("1", "look('1')", "二看1", tooltip="勾选/取消二看第 1 项（神态不合常理）", id="lobby-look-1"),
        Binding("2", "look('2')", "二看2", tooltip="勾选/取消二看第 2 项（边接电话边操作）", id="lobby-look-2"),
        Binding("3", "look('3')", "二看3", tooltip="勾选/取消二看第 3 项（边看纸条、短信边操作）", id="lobby-look-3"),
        Binding("m", "next_machine", "换设备", tooltip="依次切换到下一台自助设备", id="lobby-next-machine"),
        Binding(
            "ctrl+s",
            "save",
            "保存结束",
            tooltip="检查并保存本次记录（带至柜台时交柜员接续）",
            id="lobby-save",
            priority=True,
        ),
        Binding("ctrl+n", "new_case", "新客户", tooltip="放弃当前记录，开始接待下一位客户", id="lobby-new-case"),
        # Enter moves on while the key is handled, so the next key of a burst lands in the next field.
        Binding(
            "enter",
            "sync_enter",
            "下一项",
            show=False,
            priority=True,
            id="lobby-sync-enter",
            tooltip="录入后进入下一项",
        ),
    ]
    """Every key also has a tile to tap; keys are for the desktop terminal."""

    @dataclass
    class Saved(Message):
        """The case was logged (and its draft closed)."""

        record: InterventionRecord
        """What was logged."""

    @dataclass
    class SaveFailed(Message):
        """Logging the case failed; the draft is still open, nothing is lost."""

        error: str
        """Why, for the screen."""

    @dataclass
    class DraftFound(Message):
        """An open lobby draft of this member of staff was found (a crash or a power cut)."""

        draft: Draft
        """The newest open draft."""

    def __init__(self) -> None:
        super().__init__()
        self.case: CaseState = CaseState(channel="atm")
        """The case being entered (replaced in on_mount once the staff and clock are known)."""
        self.outcome: str | None = None
        """The chosen decision id (policy.toml), or ``None``."""
        self.details: dict[str, str] = {}
        """The outcome's extra fields as typed: protected, police_ref, police_time, note."""
        self.assessment: Assessment | None = None
        """The engine's view of the case as it stands."""
        self.last_saved: InterventionRecord | None = None
        """The record logged most recently from this screen."""
        self._touched = False
        self._write_lock = threading.Lock()
        self._closed_drafts: set[str] = set()
        self._draft_seq = 0
        self._draft_written = 0

    # ------------------------------------------------------------ helpers
    def _today(self) -> date:
        return self.ctx.today()

    def _new_case(self) -> CaseState:
        staff = self.ctx.staff
        return CaseState(
            channel="atm",
            staff_id=staff.staff_id if staff else "",
            staff_role=staff.role if staff else "lobby",
            started_at=self.ctx.clock(),
        )

    # ------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        rules = self.ctx.rules
        case = self.case
        yield Header()
        with Horizontal(id="lobby-body"):
            with VerticalScroll(id="lobby-form"):
                yield Static("", id="lobby-progress")

                yield Label("设备　这位客户在哪台机器上？", classes="lobby-step")
                with Grid(id="machine-grid", classes="lobby-tiles"):
                    for m in rules.branch.machines:
                        yield Button(
                            m.label,
                            id=f"machine-{m.id}",
                            classes="machine-tile",
                            variant="primary" if case.machine_id == m.id else "default",
                            tooltip=f"{m.id}　{m.location}" if m.location else m.id,
                        )
                if not rules.branch.machines:
                    yield Label("branch.toml 未配置自助设备（machines）", classes="lobby-error")

                for item in items_of(rules, "一问"):
                    yield Label(f"一问　{item.prompt}", classes="lobby-step")
                    with Grid(id=f"choice-{item.id}", classes="lobby-tiles choice-grid"):
                        for opt in item.options:
                            yield Button(
                                opt.label,
                                id=f"opt-{item.id}-{opt.id}",
                                classes="choice-tile",
                                variant="primary" if case.answers.get(item.id) == opt.id else "default",
                            )
                    if item.free_text:
                        yield Input(
                            case.said.get(item.id, ""),
                            placeholder="客户原话，例如：“公安局的人让我转到安全账户”",
                            id=f"said-{item.id}",
                            classes="said",
                        )
                with Horizontal(id="lobby-facts"):
                    yield Input(case.amount, placeholder="金额（元，问到再填）", id="amount")
                    yield Input(
                        str(case.customer_age) if case.customer_age else "",
                        placeholder="年龄（问到再填）",
                        id="age",
                        max_length=4,
                    )
                yield Label("", id="facts-error", classes="lobby-error")

                yield Label("二看　看到就点（键盘：1 2 3）", classes="lobby-step")
                for item in items_of(rules, "二看"):
                    yield from self._yesno(item.id, item.prompt, item.key, case)

                yield Label("三提醒　照读原话，说完就点", classes="lobby-step", id="step-remind")
                for item in items_of(rules, "三提醒"):
                    if item.kind == "reminder":
                        yield Static(f"“{item.wording}”", classes="wording")
                        yield TapToggle(
                            f"已提醒：{item.prompt}",
                            on=case.answers.get(item.id) is True,
                            id=f"remind-{item.id}",
                            tooltip=item.wording,
                        )
                    else:
                        yield from self._yesno(item.id, item.prompt, item.key, case)
                if rules.branch.atm_delay_reminder:
                    yield Static(
                        f"【支行政策】“{rules.branch.atm_delay_reminder}”",
                        id="atm-delay-text",
                        classes="wording policy",
                    )
                    if rules.branch.atm_delay_reminder_source:
                        yield Label(f"依据：{rules.branch.atm_delay_reminder_source}", classes="hint")
                    yield TapToggle(
                        "已告知：24 小时到账、可申请撤销（支行政策）",
                        on=case.answers.get(ATM_DELAY_ITEM) is True,
                        id="remind-atm-delay",
                        tooltip=rules.branch.atm_delay_reminder,
                    )

                yield Label("结果　这位客户最后怎样？", classes="lobby-step", id="step-outcome")
                with Grid(id="outcome-grid", classes="lobby-tiles"):
                    for d in lobby_outcomes(rules):
                        yield Button(
                            d.label,
                            id=f"outcome-{d.id}",
                            classes="outcome-tile",
                            variant="warning" if self.outcome == d.id else "default",
                        )
                with Vertical(id="outcome-details"):
                    yield Input(self.details.get("protected", ""), placeholder="避免损失金额（元）", id="protected")
                    yield Input(
                        self.details.get("police_ref", ""), placeholder="报警回执号 / 接警编号", id="police-ref"
                    )
                    yield Input(
                        self.details.get("police_time", ""), placeholder="报警时间 时:分，例如 10:25", id="police-time"
                    )
                    yield Input(self.details.get("note", ""), placeholder="备注（可不填）", id="note")
                yield Static("", id="lobby-problems")
                yield Button("保存并结束 (Ctrl+S)", id="lobby-save-button", variant="primary")
            with VerticalScroll(id="lobby-side"):
                yield Static("", id="lobby-who")
                yield RiskPanel(id="lobby-risk")
        yield QuietFooter()

    def _yesno(self, item_id: str, prompt: str, key: str | None, case: CaseState) -> ComposeResult:
        """A one-key observation is a tile; any other yes/no question gets a 是 and a 否 tile."""
        if key:
            yield TapToggle(
                f"[{key}] {prompt}",
                on=case.answers.get(item_id) is True,
                id=f"look-{item_id}",
                tooltip=f"按 {key} 键或点选",
            )
            return
        value = case.answers.get(item_id)
        yield Label(prompt, classes="prompt")
        with Horizontal(classes="yesno-row"):
            yield Button(
                "是", id=f"yes-{item_id}", classes="yesno-tile", variant="primary" if value is True else "default"
            )
            yield Button(
                "否", id=f"no-{item_id}", classes="yesno-tile", variant="primary" if value is False else "default"
            )

    def on_mount(self) -> None:
        self.title = "大堂「一问二看三提醒」"
        self.sub_title = self.ctx.rules.branch.name
        self.case = self._new_case()
        self._refresh_all()
        self._load_drafts()
        self._focus_first()

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW_BELOW, "-narrow")

    def _focus_first(self) -> None:
        tiles = list(self.query(".machine-tile").results(Button))
        if tiles:
            tiles[0].focus()

    # ------------------------------------------------------------ reacting to input
    @on(Button.Pressed, ".machine-tile")
    def _machine_pressed(self, event: Button.Pressed) -> None:
        assert event.button.id
        self._set_machine(event.button.id.removeprefix("machine-"))
        tiles = list(self.query(".choice-tile").results(Button))
        if tiles and not any(isinstance(v, str) for v in self.case.answers.values()):
            tiles[0].focus()

    def _set_machine(self, machine_id: str) -> None:
        self.case.machine_id = machine_id
        for b in self.query(".machine-tile").results(Button):
            b.variant = "primary" if b.id == f"machine-{machine_id}" else "default"
        self._changed()

    @on(Button.Pressed, ".choice-tile")
    def _choice_pressed(self, event: Button.Pressed) -> None:
        assert event.button.id
        _, item_id, opt_id = event.button.id.split("-", 2)
        self.case.answers = {**self.case.answers, item_id: opt_id}
        for b in self.query(f"#choice-{item_id} Button").results(Button):
            b.variant = "primary" if b.id == event.button.id else "default"
        self._changed()
        for said in self.query(f"#said-{item_id}").results(Input):
            said.focus()

    @on(TapToggle.Changed)
    def _toggled(self, event: TapToggle.Changed) -> None:
        tid = event.toggle.id or ""
        item_id = ATM_DELAY_ITEM if tid == "remind-atm-delay" else tid.removeprefix("look-").removeprefix("remind-")
        self.case.answers = {**self.case.answers, item_id: event.on}
        self._changed()

    @on(Button.Pressed, ".yesno-tile")
    def _yesno_pressed(self, event: Button.Pressed) -> None:
        assert event.button.id
        answer, item_id = event.button.id.split("-", 1)
        self.case.answers = {**self.case.answers, item_id: answer == "yes"}
        self.query_one(f"#yes-{item_id}", Button).variant = "primary" if answer == "yes" else "default"
        self.query_one(f"#no-{item_id}", Button).variant = "primary" if answer == "no" else "default"
        self._changed()

    @on(Input.Changed, ".said")
    def _said_changed(self, event: Input.Changed) -> None:
        assert event.input.id
        self.case.set_purpose_text(event.input.id.removeprefix("said-"), event.value)
        self._changed()

    @on(Input.Changed, "#amount, #age")
    def _facts_changed(self, event: Input.Changed) -> None:
        errors: list[str] = []
        amount = self.query_one("#amount", Input).value.strip()
        try:
            parse_yuan(amount or "0")
            self.case.amount = amount
        except AmountTooLarge as exc:
            errors.append(amount_problem_zh(exc))
        except InputError:
            errors.append("金额请填数字（元），例如 30000")
        try:
            self.case.customer_age = parse_age(self.query_one("#age", Input).value)
        except InputError as exc:
            errors.append(exc.message)
        self.query_one("#facts-error", Label).update("；".join(errors))
        self._changed()

    @on(Button.Pressed, ".outcome-tile")
    def _outcome_pressed(self, event: Button.Pressed) -> None:
        assert event.button.id
        self.outcome = event.button.id.removeprefix("outcome-")
        decision = self.ctx.rules.decisions[self.outcome]
        for b in self.query(".outcome-tile").results(Button):
            b.variant = "warning" if b.id == event.button.id else "default"
        if decision.records_amount_protected and not self.query_one("#protected", Input).value and self.case.amount:
            self.query_one("#protected", Input).value = self.case.amount
        if decision.records_police and not self.query_one("#police-time", Input).value:
            local = self.ctx.clock().astimezone(self.ctx.settings.zone)
            self.query_one("#police-time", Input).value = local.strftime("%H:%M")
        self._show_details()
        self._changed()
        target = next((w for w in self._detail_inputs() if not w.value), None)
        (target or self.query_one("#lobby-save-button", Button)).focus()

    @on(Input.Changed, "#outcome-details Input")
    def _details_changed(self, event: Input.Changed) -> None:
        key = {"protected": "protected", "police-ref": "police_ref", "police-time": "police_time", "note": "note"}
        assert event.input.id
        self.details[key[event.input.id]] = event.value
        self._changed(rescore=False)

    def action_sync_enter(self) -> None:
        """Enter in a field moves on, so a keyboard user never needs the mouse (elsewhere Enter
        is the focused tile's)."""
        field = self.focused
        if not isinstance(field, Input):
            raise SkipAction()
        order: list[Widget] = [*self.query(".said").results(Input), self.query_one("#amount"), self.query_one("#age")]
        order.extend(list(self.query(TapToggle).results())[:1])
        if field in order:
            self.set_focus(order[order.index(field) + 1])
            return
        inputs = self._detail_inputs()
        if field in inputs and inputs.index(field) + 1 < len(inputs):
            self.set_focus(inputs[inputs.index(field) + 1])
        else:
            self.set_focus(self.query_one("#lobby-save-button", Button))

    @on(Button.Pressed, "#lobby-save-button")
    def _save_pressed(self) -> None:
        self.action_save()

    def _detail_inputs(self) -> list[Input]:
        return [w for w in self.query("#outcome-details Input").results(Input) if w.display]

    def _show_details(self) -> None:
        d = self.ctx.rules.decisions.get(self.outcome or "")
        self.query_one("#outcome-details").display = d is not None
        self.query_one("#protected").display = bool(d and d.records_amount_protected)
        self.query_one("#police-ref").display = bool(d and d.records_police)
        self.query_one("#police-time").display = bool(d and d.records_police)

    def _changed(self, *, rescore: bool = True) -> None:
        self._touched = True
        if rescore:
            self._rescore()
        self._refresh_status()
        self._persist()

    # ------------------------------------------------------------ what the screen shows
    def _rescore(self) -> None:
        rules = self.ctx.rules
        try:
            inp = self.case.to_input(rules, on=self._today())
        except InputError:
            inp = self.case.model_copy(update={"amount": ""}).to_input(rules, on=self._today())
        self.assessment = assess(rules, inp)
        self.query_one("#lobby-risk", RiskPanel).assessment = self.assessment

    def _refresh_all(self) -> None:
        self._rescore()
        self._show_details()
        self._refresh_status()

    def action_jump(self, section: str) -> None:
        """Bring the 三提醒 or 结果 section to the top of the form and put the focus in it."""
        label = self.query_one(f"#step-{section}")
        self.query_one("#lobby-form", VerticalScroll).scroll_to_widget(label, top=True, animate=False)
        first: Widget
        if section == "remind":
            first = next(t for t in self.query(TapToggle) if (t.id or "").startswith("remind-"))
        else:
            first = self.query("#outcome-grid Button").first()
        first.focus(scroll_visible=False)

    def _refresh_status(self) -> None:
        rules = self.ctx.rules
        a = self.case.answers
        reminders = [i for i in items_of(rules, "三提醒") if i.kind == "reminder"]
        said = sum(1 for i in reminders if a.get(i.id) is True)
        looks = [i for i in items_of(rules, "二看") if a.get(i.id) is True]
        asked = all(i.id in a for i in items_of(rules, "一问"))

        def mark(done: bool) -> str:
            return "✓" if done else "·"

        steps = [
            f"{mark(bool(self.case.machine_id))}设备",
            f"{mark(asked)}一问",
            f"二看 {len(looks)} 项异常" if looks else "二看 未见异常",
            # Tap (or F6 / F7) to jump: on a tablet of 100×30 these sections are below the fold.
            f"[@click=screen.jump('remind')]{mark(said == len(reminders))}三提醒 {said}/{len(reminders)}[/]",
            f"[@click=screen.jump('outcome')]{mark(self.outcome is not None)}结果[/]",
        ]
        self.query_one("#lobby-progress", Static).update("  ".join(steps))
        staff = self.ctx.staff
        machine = next((m for m in rules.branch.machines if m.id == self.case.machine_id), None)
        who = f"{staff.name}（{ROLE_LABELS.get(staff.role, staff.role)}）" if staff else ""
        where = f"{machine.label}  {machine.location}" if machine else "未选设备"
        amount = ""
        if self.case.amount:
            try:
                amount = f"  金额 {format_yuan(parse_amount_fen(self.case.amount))}"
            except InputError:
                amount = ""
        age = f"  {self.case.customer_age} 岁" if self.case.customer_age else ""
        self.query_one("#lobby-who", Static).update(f"{who}\n{where}{amount}{age}")

    # ------------------------------------------------------------ keys
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "look":
            # Only inside the 二看 tiles: a digit on a choice tile, a field or the risk pane is not an observation.
            keys = {i.key for i in items_of(self.ctx.rules, "二看") if i.key}
            in_group = (self.focused.id or "").startswith("look-") if self.focused is not None else False
            return parameters[0] in keys and in_group
        if action == "next_machine":
            return bool(self.ctx.rules.branch.machines)
        return True

    def action_look(self, key: str) -> None:
        """Tick or untick the 二看 observation bound to ``key`` in the rules."""
        item = next((i for i in items_of(self.ctx.rules, "二看") if i.key == key), None)
        if item is not None:
            self.query_one(f"#look-{item.id}", TapToggle).press()

    def action_next_machine(self) -> None:
        """Select the next machine in branch.toml (wrapping round)."""
        ids = [m.id for m in self.ctx.rules.branch.machines]
        current = ids.index(self.case.machine_id) if self.case.machine_id in ids else -1
        self._set_machine(ids[(current + 1) % len(ids)])

    def action_new_case(self) -> None:
        """Start a fresh case; one already begun is logged as abandoned (中途放弃), never dropped."""
        if self._touched:
            if self.assessment is not None:
                record = self.case.to_record(
                    self.ctx.rules, self.assessment, decision=None, closed_at=self.ctx.clock(), status="abandoned"
                )
                self._log_abandoned(record, self.case.draft_id)
            else:
                self._abandon_draft(self.case.draft_id)
            self.notify("当前记录已记为“中途放弃”", title="新客户")
        self.run_worker(self._reset(), exclusive=True, group="lobby-reset")

    async def _reset(self, case: CaseState | None = None, lobby: dict[str, str] | None = None) -> None:
        self.case = case or self._new_case()
        lobby = dict(lobby or {})
        self.outcome = lobby.pop("decision", None) or None
        self.details = lobby
        self._touched = case is not None
        await self.recompose()
        self._refresh_all()
        self.query_one("#facts-error", Label).update("")
        if case is None:
            self._focus_first()

    # ------------------------------------------------------------ closing
    def decision_record(self) -> tuple[DecisionRecord | None, list[str]]:
        """The decision as entered, and what is wrong with the typed details (if anything)."""
        if self.outcome is None:
            return None, []
        rules = self.ctx.rules
        d = rules.decisions[self.outcome]
        problems: list[str] = []
        protected = 0
        police_at = None
        if d.records_amount_protected:
            try:
                protected = parse_amount_fen(self.details.get("protected", ""), "protected")
            except InputError:
                problems.append("避免损失金额请填数字（元）")
        if d.records_police and self.details.get("police_time", "").strip():
            try:
                police_at = parse_local_time(self.details["police_time"], self._today(), self.ctx.settings.zone)
            except InputError as exc:
                problems.append(exc.message)
        staff = self.ctx.staff
        record = DecisionRecord(
            decision=d.id,
            label=d.label,
            group=d.group,
            decided_by=staff.staff_id if staff else "",
            decided_at=self.ctx.clock(),
            amount_protected_fen=protected,
            police_ref=(self.details.get("police_ref") or "").strip() or None if d.records_police else None,
            police_called_at=police_at,
            note=(self.details.get("note") or "").strip(),
        )
        return record, problems

    def action_save(self) -> None:
        """Check the case against the lobby's and the shared closing rules, then log it."""
        rules = self.ctx.rules
        problems = lobby_problems(rules, self.case, self.outcome)
        decision, detail_problems = self.decision_record()
        problems += detail_problems
        self._rescore()
        assert self.assessment is not None
        if decision is not None and not detail_problems:
            problems += closing_problems(rules, "atm", self.assessment, decision, None)
        box = self.query_one("#lobby-problems", Static)
        if problems:
            box.update("还不能保存：\n" + "\n".join(f"·{p}" for p in problems))
            box.add_class("-shown")
            box.scroll_visible()
            self.app.bell()
            return
        box.update("")
        box.remove_class("-shown")
        # 二看 left unticked means the staff looked and saw nothing unusual: record that as "no".
        looks = {i.id: False for i in items_of(rules, "二看") if i.id not in self.case.answers}
        case = self.case.model_copy(update={"answers": {**looks, **self.case.answers}})
        record = case.to_record(rules, self.assessment, decision=decision, closed_at=self.ctx.clock())
        self.query_one("#lobby-save-button", Button).disabled = True
        self._save_case(record, case.draft_id)

    # ------------------------------------------------------------ storage (thread workers)
    def _persist(self) -> None:
        if not self._touched:
            return
        self._draft_seq += 1
        self._save_draft(self._draft(), self._draft_seq)

    def _draft(self) -> Draft:
        """The case as it stands, as a draft."""
        state: dict[str, Any] = self.case.model_dump(mode="json")
        state["lobby"] = {"decision": self.outcome or "", **self.details}
        return Draft(
            draft_id=self.case.draft_id,
            channel="atm",
            staff_id=self.case.staff_id,
            started_at=self.case.started_at or self.ctx.now(),
            updated_at=self.ctx.now(),
            state=state,
        )

    def keep_for_later(self) -> None:
        """Signing out mid-case: the draft is written now (not by a worker the sign-out would cancel)."""
        if not self._touched:
            return
        with self._write_lock:
            if self.case.draft_id not in self._closed_drafts:
                self._draft_seq += 1
                self.ctx.repo.save_draft(self._draft())
                self._draft_written = self._draft_seq

    @work(thread=True, group="lobby-draft", description="保存草稿")
    def _save_draft(self, draft: Draft, seq: int) -> None:
        with self._write_lock:
            # A late draft write must neither reopen a logged case nor overwrite a newer draft.
            if draft.draft_id in self._closed_drafts or seq < self._draft_written:
                return
            try:
                self.ctx.repo.save_draft(draft)
            except Exception as exc:  # keep the case in memory; the next change writes it again
                why = teller_message(exc)
                self.app.call_from_thread(
                    self.notify, f"草稿暂未写入数据库：{why}。已录入内容保留在本机", severity="warning", timeout=8
                )
                return
            self._draft_written = seq

    @work(thread=True, group="lobby-draft", description="放弃草稿")
    def _abandon_draft(self, draft_id: str) -> None:
        with self._write_lock:
            self._closed_drafts.add(draft_id)
            self.ctx.repo.set_draft_status(draft_id, "abandoned")

    @work(thread=True, group="lobby-draft", description="记为中途放弃")
    def _log_abandoned(self, record: InterventionRecord, draft_id: str) -> None:
        with self._write_lock:
            self._closed_drafts.add(draft_id)
            self.ctx.repo.save_intervention(record, draft_id=draft_id)
            self.ctx.repo.set_draft_status(draft_id, "abandoned")

    @work(thread=True, exclusive=True, group="lobby-save", description="保存记录")
    def _save_case(self, record: InterventionRecord, draft_id: str) -> None:
        try:
            with self._write_lock:
                self._closed_drafts.add(draft_id)
                self.ctx.repo.save_intervention(record, draft_id=draft_id)
        except Exception as exc:  # the draft stays open; the staff can retry
            self._closed_drafts.discard(draft_id)
            self.post_message(self.SaveFailed(teller_message(exc)))
            return
        self.post_message(self.Saved(record))

    @work(thread=True, group="lobby-draft", description="查找未完成的草稿")
    def _load_drafts(self) -> None:
        staff = self.ctx.staff
        drafts = self.ctx.repo.open_drafts(staff_id=staff.staff_id if staff else None, channel="atm")
        if drafts:
            self.post_message(self.DraftFound(drafts[-1]))

    def on_lobby_screen_draft_found(self, message: DraftFound) -> None:
        if self._touched:  # the staff already started on a new customer: keep what they typed
            return
        state = dict(message.draft.state)
        lobby = cast("dict[str, str]", state.pop("lobby", {}) or {})
        try:
            case = CaseState.model_validate(state)
        except ValueError:
            self.notify("有一份草稿无法恢复，已保留在数据库中", severity="warning")
            return
        case.draft_id = message.draft.draft_id
        self.notify("已恢复上次未完成的记录", title="草稿")
        self.run_worker(self._reset(case, lobby), exclusive=True, group="lobby-reset")

    def on_lobby_screen_saved(self, message: Saved) -> None:
        self.last_saved = message.record
        d = message.record.decision
        if d is not None and d.group == "handoff":
            text = "请带客户到柜台。柜员按 F4「大堂转来」打开本记录，不必重复询问。"
        else:
            text = f"已保存：{d.label if d else ''}"
        self.notify(text, title="已保存", timeout=8)
        self.run_worker(self._reset(), exclusive=True, group="lobby-reset")

    def on_lobby_screen_save_failed(self, message: SaveFailed) -> None:
        self.query_one("#lobby-save-button", Button).disabled = False
        self.notify(f"保存失败（草稿仍在）：{message.error}", severity="error", timeout=10)
