"""F1 帮助: the keys of the screen underneath and what its steps mean, on every screen.

The keys are read from the screen's active bindings (so a key is never documented and missing,
or there and undocumented); a screen may add lines of its own (``KEY_HELP``: keys its fields handle
themselves). What 三问二看一核对 and 一问二看三提醒 mean follows DOMAIN.md §1 (seed
002_f7b983d4df25ac30.txt:9 and :11; the wording of the questions is common practice).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

COUNTER_STEPS = (
    "柜面「三问二看一核对」——每位个人汇款客户都要做（柜面是资金转出的最后一道关口）：",
    "  三问：问资金用途；问是否知晓收款人情况、与收款人的关系；问收款账号是怎么来的"
    "（本人已知，还是电话、短信、纸条提供的）；并问是否有人要求转账。",
    "  二看：看客户神色是否慌张、举止是否反常；看是否边打电话、边看纸条或短信边办理；对用途、收款人是否含糊其辞。",
    "  一核对：核对客户所留信息是否真实合理——收款人户名与所说关系、金额与用途、"
    "办理人与账户本人；新开通网银/手机银行的，核实绑定手机号是否为客户本人所有。",
    "  中风险以上请客户阅读并签署《防范电信诈骗告知书》；发现可疑，停止汇款并报警。",
)
LOBBY_STEPS = (
    "大堂「一问二看三提醒」——自助区发现可疑客户时：",
    "  一问：问客户在机器上办理什么业务。",
    "  二看：看神态是否慌张；看是否边接电话边操作；看是否边翻看小纸条、手机短信边操作。",
    "  三提醒：提醒小心上当受骗；提醒先与家人或熟人核实；提醒确认属实后方可转账。",
)
GENERAL = (
    "未问与“否”不同：没有问过的问题记为“未问”，不会记成“否”。",
    "不管打字多快，每个键都落在当前高亮的栏目里。",
)


class HelpScreen(ModalScreen[None]):
    """The keys and the steps of ``screen``; F1 or Esc closes."""

    BINDINGS = [Binding("escape,f1", "close", "关闭帮助", id="help-close", tooltip="回到原来的画面")]

    def __init__(self, screen: Screen[object], keys: list[tuple[str, Binding]]) -> None:
        super().__init__()
        self.under = screen
        self.keys = keys
        """(key display, binding) of the screen underneath, read before this one covered it."""

    def compose(self) -> ComposeResult:
        under = self.under
        title = getattr(under, "BINDING_GROUP_TITLE", None) or "帮助"
        with VerticalScroll(id="help-box"):
            yield Label(f"帮助 · {title}（F1 或 Esc 关闭）", classes="title")
            yield Label("按键", classes="help-head")
            for key, b in self.keys:
                if not any("\u4e00" <= ch <= "\u9fff" for ch in b.description):
                    continue  # Textual's own keys (scrolling, copy) are described in English
                text = f"{key:>8}  {b.description}"
                if b.tooltip:
                    text += f" — {b.tooltip}"
                yield Static(text, classes="help-line")
            for line in getattr(under, "KEY_HELP", ()) or ():
                yield Static(line, classes="help-line")
            name = type(under).__name__
            steps = COUNTER_STEPS if name == "CounterScreen" else LOBBY_STEPS if name == "LobbyScreen" else ()
            if steps:
                yield Label("步骤", classes="help-head")
                for line in steps:
                    yield Static(line, classes="help-line")
            for line in GENERAL:
                yield Static(line, classes="help-line hint")

    def action_close(self) -> None:
        self.dismiss(None)
