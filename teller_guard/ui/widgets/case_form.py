"""The counter's case form: 转账信息, then each step of the checklist (三问, 二看, 一核对 …)
built from the rules by item kind — numbered options for questions, one-key groups for
observations, a field for the customer's words where the rules ask for it.

The form only lays the fields out; the screen (:mod:`~teller_guard.ui.screens.counter`) reacts
to what is entered (messages bubble to it), keeps the case and moves the focus.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from teller_guard.core.errors import InputError
from teller_guard.core.idcard import parse_id_number
from teller_guard.core.schema import ItemDef
from teller_guard.ui.widgets.answer_keys import LookGroup, OptionPicker

TRANSFER_STEP = "转账信息"
BUSINESSES = [("转账", "转账"), ("汇款", "汇款")]
YES_NO = [("是", "yes"), ("否", "no")]
LOOKS_DONE = "看过了：未勾选的记为“没有”"


def id_problem(exc: InputError) -> str:
    """The engine's English ID message, said in Chinese for the teller."""
    if "check digit" in exc.message:
        return "身份证号校验位不对，请重新核对证件"
    if "birth date" in exc.message:
        return "身份证号中的出生日期不对，请重新核对"
    return "身份证号应为 18 位（17 位数字加数字或 X）"


class IdInput(Input):
    """The ID field: a complete, valid ID number moves on to the payee by itself, while the key
    that completed it is being handled (a card reader sends the whole number at once)."""

    async def _on_key(self, event: events.Key) -> None:
        await super()._on_key(event)
        value = self.value.replace(" ", "")
        if len(value) == 18 and is_valid_id(value):
            done = getattr(self.screen, "id_complete", None)
            if done is not None:
                done()


def is_valid_id(value: str) -> bool:
    try:
        parse_id_number(value)
    except InputError:
        return False
    return True


class CaseForm(VerticalScroll):
    """The fields of one counter case, in the teller's order."""

    def __init__(self, items: list[ItemDef], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items = items
        """The counter checklist from the rules, in file order."""
        self.step_names: dict[str, str] = {"step-transfer": TRANSFER_STEP}
        """Step container id → step name (三问 …), for timing."""

    def steps(self) -> list[str]:
        """The checklist's steps (三问 / 二看 / 一核对 …) in the order the rules give them."""
        out: list[str] = []
        for item in self.items:
            if item.step not in out:
                out.append(item.step)
        return out

    def compose(self) -> ComposeResult:
        yield Static("", id="counter-progress")
        yield Label("", id="handoff-banner")
        with Vertical(id="step-transfer", classes="step") as box:
            box.border_title = TRANSFER_STEP
            with Horizontal(classes="field"):
                yield Label("金额(元)", classes="field-label")
                yield Input(id="amount", placeholder="例如 5000", restrict=r"[0-9.,]*", compact=True)
                yield OptionPicker(BUSINESSES, id="business", classes="business")
            with Horizontal(classes="field"):
                yield Label("身份证号", classes="field-label")
                yield IdInput(
                    id="id-number",
                    placeholder="18 位，录入后只显示后四位",
                    restrict=r"[0-9Xx ]*",
                    max_length=20,
                    compact=True,
                )
            yield Label("", id="transfer-error", classes="field-error")
            with Horizontal(classes="field"):
                yield Label("年龄", classes="field-label")
                yield Input(id="age", placeholder="无证件时填写", restrict=r"[0-9]*", max_length=3, compact=True)
                yield Label("", id="id-facts", classes="hint")
            with Horizontal(classes="field"):
                yield Label("客户姓名", classes="field-label")
                yield Input(id="customer-name", placeholder="可不填；只保存姓氏", max_length=40, compact=True)
            with Horizontal(classes="field"):
                yield Label("收款人", classes="field-label")
                yield Input(id="payee-name", placeholder="户名", max_length=60, compact=True)
            with Horizontal(classes="field"):
                yield Label("收款账号", classes="field-label")
                yield Input(id="payee-account", placeholder="录入后只显示后四位", max_length=40, compact=True)
        for n, step in enumerate(self.steps()):
            self.step_names[f"step-{n}"] = step
            with Vertical(id=f"step-{n}", classes="step") as box:
                box.border_title = step
                yield from self._step_widgets(step)
        yield Label("", id="case-status")

    def _step_widgets(self, step: str) -> ComposeResult:
        """The widgets of one step, by item kind (never hard-coded per item): the one-key
        observations together in one group where the first of them stands, each question with
        its numbered options (and a field for the customer's words where the rules ask for it)."""
        items = [i for i in self.items if i.step == step]
        looks = [i for i in items if i.kind == "yesno" and i.key]
        for item in items:
            if item in looks:
                if item is looks[0]:
                    yield LookGroup(
                        [(i.key or "", i.id, i.prompt) for i in looks],
                        done_label=LOOKS_DONE,
                        id=f"looks-{self.steps().index(step)}",
                    )
                continue
            yield from self._item_widgets(item)

    def _item_widgets(self, item: ItemDef) -> ComposeResult:
        """One question: its prompt, its numbered options, the customer's words if asked for."""
        said = f"said-{item.id}" if item.free_text or item.kind == "text" else None
        with Vertical(classes="item"):
            yield Label(item.prompt, classes="prompt")
            if item.kind == "choice":
                yield OptionPicker(
                    [(o.label, o.id) for o in item.options], said=said, id=f"item-{item.id}", classes="choice"
                )
            elif item.kind == "yesno":
                yield OptionPicker(YES_NO, said=said, yes_no=True, id=f"item-{item.id}", classes="yesno")
            if said:
                yield Input(
                    id=said, placeholder="客户原话（在选项上直接打字也会记到这里）", compact=True, classes="said"
                )
