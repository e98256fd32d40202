"""The Textual app: built by :func:`make_app` from settings, rules, a repository and a clock, so
the CLI, textual-serve and the tests all build it the same way.

Nothing of the app is reachable before sign-in (工号 + 密码; the role is the account's). F9 signs
out (the case being entered stays as its draft, offered back at that staff member's next
sign-in), Ctrl+L locks, and after the policy's idle minutes the app locks by itself. Every one of
these is an audit event.
"""

from __future__ import annotations

from datetime import timedelta

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from teller_guard.config import Settings
from teller_guard.core.accounts import StaffAccount
from teller_guard.core.clock import Clock, system_clock
from teller_guard.core.permissions import mode_for
from teller_guard.core.records import Staff
from teller_guard.core.rules import RuleSet
from teller_guard.core.vocabulary import ROLE_LABELS
from teller_guard.files import sweep_stale
from teller_guard.storage.repository import Repository
from teller_guard.ui.context import AppContext, AppScreen
from teller_guard.ui.key_gate import KeyGate, KeyHandled

Mode = str  # "counter" | "lobby" | "stats"

IDLE_CHECK_SECONDS = 15
"""How often the app looks at the time since the last key or tap."""
ACCOUNT_CHECK_EVERY = 4
"""Every this many idle checks, the signed-in account is read again (disabled → signed out)."""
BREAK_LABELS = {
    "changed": " 被改动",
    "missing": " 缺失",
    "inserted": " 是插入的伪造环",
    "reordered": " 顺序被打乱",
    "not on the chain": " 不在证据链上",
}
"""The kinds of chain break (:class:`teller_guard.storage.chain.Break`), said in Chinese."""
QUICK_VERIFY_LINKS = 50
"""How many of the newest chain links the app checks at start."""
MODE_NAMES = {"counter": "柜面", "lobby": "大堂", "stats": "统计"}


def screen_for(mode: Mode) -> Screen[None]:
    """The main screen of ``mode`` (imported when first opened: each screen is its own module)."""
    if mode == "lobby":
        from teller_guard.ui.screens.lobby import LobbyScreen

        return LobbyScreen()
    if mode == "stats":
        from teller_guard.ui.screens.stats import StatsScreen

        return StatsScreen()
    from teller_guard.ui.screens.counter import CounterScreen

    return CounterScreen()


class TellerGuardApp(App[None]):
    """teller_guard: the counter, lobby and statistics screens over one intervention log."""

    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = False
    """The palette's commands are Textual's own, in English; every action has a Chinese key instead."""
    TITLE = "teller_guard 反诈风险提示"
    BINDINGS = [
        Binding("ctrl+q", "quit", "退出", id="quit", priority=True),
        Binding("f9", "sign_out", "签退", id="sign-out", priority=True, tooltip="签退换人：正在办理的业务保存为草稿"),
        Binding("ctrl+l", "lock", "锁屏", id="lock", show=False, priority=True, tooltip="暂离锁屏，本人输入密码继续"),
        Binding("f1", "help", "帮助", id="help", priority=True, tooltip="本画面的按键和各步骤的含义"),
    ]

    def __init__(
        self,
        *,
        settings: Settings,
        rules: RuleSet,
        repo: Repository,
        mode: Mode = "counter",
        staff: Staff | None = None,
        clock: Clock = system_clock,
    ) -> None:
        super().__init__()
        self.context = AppContext(settings=settings, rules=rules, repo=repo, clock=clock, staff=None)
        """The services every screen reads (:class:`~teller_guard.ui.context.AppContext`)."""
        self.start_mode = mode
        """Which part of the app opens after sign-in (when the role may open it)."""
        self._given_staff = staff
        """Already authenticated by the caller (tests build the app signed in); ``None`` asks."""
        self.last_activity = clock()
        """When the last key or tap came (the idle lock counts from here)."""
        self._ticks = 0
        self.key_gate = KeyGate(self, self._deliver_key)
        """Reads keys one at a time, so a burst lands exactly as typed."""

    # ------------------------------------------------------------ sign-in
    def on_mount(self) -> None:
        self.set_interval(IDLE_CHECK_SECONDS, self.check_idle_lock)
        self._check_chain()
        if self._given_staff is None:
            self._ask_sign_in()
        else:
            self._start(self._given_staff)

    def _ask_sign_in(self, notice: str = "") -> None:
        from teller_guard.ui.screens.sign_in import SignInScreen

        self.push_screen(SignInScreen(notice), self._signed_in)

    def _signed_in(self, account: StaffAccount | None) -> None:
        if account is None:
            self.exit()
            return
        self._note_rules(account.staff_id)
        self._start(account.staff)

    @work(thread=True, group="chain", description="证据链")
    def _check_chain(self) -> None:
        """Seal a log upgraded to the chain, then check the newest links (the full check is
        ``teller-guard verify``); a break stays on screen until dismissed."""
        from teller_guard.core.privacy import safe_line

        repo = self.context.repo
        try:
            repo.seal_upgrade()
            broken = repo.quick_verify(QUICK_VERIFY_LINKS)
        except Exception as exc:  # noqa: BLE001 - a check that cannot run is itself a warning
            message = f"证据链无法校验：{type(exc).__name__}。请主管运行 teller-guard verify。"
        else:
            if broken is None:
                return
            record = broken.record.replace("intervention ", "记录 ").replace("audit event ", "审计事件 ")
            message = safe_line(
                f"证据链校验失败：第 {broken.seq} 环，{record}{BREAK_LABELS.get(broken.kind, broken.kind)}。"
                "记录可能被改动，请立即通知主管并运行 teller-guard verify。",
                rich=True,
            )
        self.call_from_thread(self.notify, message, title="证据链", severity="error", timeout=86_400)

    @work(thread=True, group="audit", description="规则版本")
    def _note_rules(self, staff_id: str) -> None:
        self.context.gate.note_rules(self.context.rules.version, staff_id)

    def _start(self, staff: Staff) -> None:
        self.context.staff = staff
        self.last_activity = self.context.clock()
        self.sub_title = f"{staff.name}（{ROLE_LABELS.get(staff.role, staff.role)} {staff.staff_id}）"
        mode = mode_for(staff.role, self.start_mode)
        if mode != self.start_mode:
            self.notify(
                f"{ROLE_LABELS.get(staff.role, staff.role)}不能使用{MODE_NAMES.get(self.start_mode, self.start_mode)}，"
                f"已打开{MODE_NAMES[mode]}",
                timeout=6,
            )
        self.open_mode(mode)

    def open_mode(self, mode: Mode) -> None:
        """Show the main screen for ``mode``."""
        self.push_screen(screen_for(mode))

    # ------------------------------------------------------------ sign-out, lock
    def _locked_or_out(self) -> bool:
        from teller_guard.ui.screens.lock import LockScreen
        from teller_guard.ui.screens.sign_in import ChangePinModal, SignInScreen

        return self.context.staff is None or any(
            isinstance(s, (SignInScreen, ChangePinModal, LockScreen)) for s in self.screen_stack
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "lock":
            return not self._locked_or_out()
        if action == "sign_out":
            return self.context.staff is not None
        if action == "quit":
            # No 退出 in a browser tab (``serve``): closing the tab ends the session; quitting
            # would only leave a dead page behind.
            return not self.context.settings.session_client
        return True

    def _keep_open_work(self) -> None:
        for screen in reversed(self.screen_stack):
            if isinstance(screen, AppScreen):
                screen.keep_for_later()

    def action_sign_out(self, notice: str = "已签退。", kind: str = "sign_out") -> None:
        """F9: the case in progress is kept as a draft, then the sign-in screen (for the next staff member)."""
        staff = self.context.staff
        if staff is None:
            return
        self._keep_open_work()
        self.context.gate.sign_out(staff, kind=kind)
        self.context.staff = None
        self.sub_title = ""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self._ask_sign_in(notice)

    async def action_quit(self) -> None:
        staff = self.context.staff
        if staff is not None:
            self._keep_open_work()
            self.context.gate.sign_out(staff)
            self.context.staff = None
        self.exit()

    def action_help(self) -> None:
        """F1: the keys of this screen and what its steps mean (F1 again or Esc closes)."""
        from teller_guard.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        keys: list[tuple[str, Binding]] = []
        seen: set[str] = set()
        for key, active in self.active_bindings.items():
            b = active.binding
            if b.description and b.action != "help" and key not in seen and active.enabled:
                seen.add(key)
                keys.append((self.get_key_display(b), b))
        self.push_screen(HelpScreen(self.screen, keys))

    def action_lock(self) -> None:
        """Ctrl+L: lock now (stepping away from the counter)."""
        self.lock_screen()

    def lock_screen(self, idle_minutes: int | None = None) -> None:
        """Cover the app until the same staff member re-enters the PIN (nothing is closed)."""
        from teller_guard.ui.screens.lock import LockScreen

        staff = self.context.staff
        if staff is None or self._locked_or_out():
            return
        self.context.gate.record(
            "idle_lock", staff.staff_id, by="idle" if idle_minutes else "key", minutes=idle_minutes
        )
        self.push_screen(LockScreen(staff, idle_minutes=idle_minutes), self._unlocked)

    def _unlocked(self, _ok: bool | None) -> None:
        self.last_activity = self.context.clock()

    def check_idle_lock(self) -> None:
        """Lock after the policy's idle minutes; now and then, sign out an account disabled meanwhile."""
        staff = self.context.staff
        if staff is None:
            return
        self._ticks += 1
        if self._ticks % ACCOUNT_CHECK_EVERY == 0:
            account = self.context.repo.staff.get(staff.staff_id)
            if account is None or not account.active:
                self.action_sign_out(notice=f"工号 {staff.staff_id} 已停用，已签退。")
                return
        idle = self.context.clock() - self.last_activity
        minutes = self.context.rules.access.idle_lock_minutes
        if idle >= timedelta(minutes=minutes):
            self.lock_screen(idle_minutes=minutes)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.Paste)):
            self.last_activity = self.context.clock()
        if isinstance(event, events.Key) and not event.is_forwarded:
            # One key at a time, each to the focus the key before it left (ui/key_gate.py).
            await self.key_gate.key(event)
            return
        await super().on_event(event)

    async def _deliver_key(self, event: events.Key) -> None:
        """What Textual does with a key from the terminal (priority bindings, else the focus)."""
        await super().on_event(event)

    def on_key_handled(self, message: KeyHandled) -> None:
        self.key_gate.marker(message)


def make_app(
    settings: Settings,
    rules: RuleSet,
    *,
    mode: Mode = "counter",
    staff: Staff | None = None,
    repo: Repository | None = None,
    clock: Clock = system_clock,
) -> TellerGuardApp:
    """Build the app the way the CLI does (opens and migrates the database unless ``repo`` is given)."""
    repository = repo or Repository.open(settings.db_url, settings.zone, clock=clock, secret=settings.secret())
    for folder in ("exports", "notices"):  # what a killed export or notice left behind
        sweep_stale(settings.data_dir / folder)
    return TellerGuardApp(settings=settings, rules=rules, repo=repository, mode=mode, staff=staff, clock=clock)
