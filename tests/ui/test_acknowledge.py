"""The acknowledgement screen through Pilot: paper, screen signature, refusal, supervisor override,
and the notice PDF written by its worker into ``<data dir>/notices/``."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.widgets import Input, Label

from teller_guard.config import Settings
from teller_guard.core.models import Assessment
from teller_guard.core.notice_text import notice_text_hash
from teller_guard.core.records import AcknowledgementRecord, InterventionRecord, Staff
from teller_guard.core.rules import RuleSet
from teller_guard.storage.db import make_engine
from teller_guard.storage.repository import Repository
from teller_guard.ui.app import TellerGuardApp
from teller_guard.ui.context import AppContext
from teller_guard.ui.screens.acknowledge import AcknowledgeScreen, serial_matches
from tests.factories import FROZEN_NOW, SUPERVISOR, frozen_clock
from tests.factories.accounts import PINS, TELLER_2, add_all
from tests.factories.notices import CUSTOMER, LOW, POLICE, SERIAL, case

TELLER = Staff(staff_id="T001", name="柜员甲", role="teller")
CSS = Path(__file__).parents[2] / "teller_guard" / "ui" / "app.tcss"


class Host(App[None]):
    """A bare app carrying what the screen reads from the real one (its context: rules, settings)."""

    CSS_PATH = CSS

    def __init__(
        self, rules: RuleSet, settings: Settings, screen: AcknowledgeScreen, repo: Repository | None = None
    ) -> None:
        super().__init__()
        # Only a supervisor's override reads the database (staff, audit trail); otherwise an
        # engine on a file that is never opened will do.
        repo = repo or Repository(make_engine(settings.db_url), settings.zone, clock=frozen_clock)
        self.context = AppContext(settings=settings, rules=rules, repo=repo, clock=frozen_clock, staff=TELLER)
        self.ack_screen = screen
        self.results: list[AcknowledgementRecord | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.ack_screen, self.results.append)


def make_screen(rules: RuleSet, record: InterventionRecord, assessment: Assessment) -> AcknowledgeScreen:
    return AcknowledgeScreen(
        record=record,
        assessment=assessment,
        serial=SERIAL,
        witness=TELLER,
        notice_version=rules.notice.version,
        notice_text_hash=notice_text_hash(rules),
        clock=lambda: FROZEN_NOW,
    )


def host(rules: RuleSet, settings: Settings, data: dict[str, object] = POLICE, repo: Repository | None = None) -> Host:
    record, result = case(rules, data, FROZEN_NOW)
    return Host(rules, settings, make_screen(rules, record, result), repo)


async def test_paper_signature_needs_the_printed_serial(rules: RuleSet, settings: Settings) -> None:
    app = host(rules, settings)
    async with app.run_test(size=(110, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("f2")  # nothing entered yet
        assert app.results == []
        assert "编号不符" in str(app.screen.query_one("#ack-error", Label).render())
        await pilot.click("#ack-serial-input")
        await pilot.press(*"0006")  # the wrong copy
        await pilot.press("f2")
        assert app.results == []
        app.screen.query_one("#ack-serial-input", Input).value = ""
        await pilot.press(*"0007", "enter")
        await pilot.pause()
    [ack] = app.results
    assert ack is not None and ack.method == "paper"
    assert ack.notice_serial == SERIAL and ack.witness_staff_id == "T001"
    assert ack.notice_version == rules.notice.version and ack.notice_text_hash == notice_text_hash(rules)
    assert ack.at == FROZEN_NOW


async def test_the_worker_saves_the_notice_pdf_in_the_data_dir(rules: RuleSet, settings: Settings) -> None:
    app = host(rules, settings)
    async with app.run_test(size=(110, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        path = settings.data_dir / "notices" / f"{SERIAL}.pdf"
        assert app.ack_screen.notice_path == path
        assert path.read_bytes()[:5] == b"%PDF-"
        assert str(path) in str(app.screen.query_one("#ack-file", Label).render())


async def test_screen_signature_keeps_only_the_masked_name(rules: RuleSet, settings: Settings) -> None:
    app = host(rules, settings)
    async with app.run_test(size=(110, 40)) as pilot:
        await app.workers.wait_for_complete()
        signer = app.screen.query_one("#ack-signer", Input)
        signer.value = "李建国"  # not the customer on this case
        await pilot.press("f3")
        assert app.results == []
        assert "签名与本案客户姓名不符" in str(app.screen.query_one("#ack-error", Label).render())
        signer.value = CUSTOMER
        await pilot.click("#ack-screen")
        await pilot.pause()
    [ack] = app.results
    assert ack is not None and ack.method == "screen"
    assert ack.signer_masked == "王**" and CUSTOMER not in ack.model_dump_json()
    assert ack.witness_staff_id == "T001"


async def test_refusal_is_recorded_with_what_the_customer_said(rules: RuleSet, settings: Settings) -> None:
    app = host(rules, settings)
    async with app.run_test(size=(110, 40)) as pilot:
        await app.workers.wait_for_complete()
        # At critical risk the screen says a refusal needs a supervisor's review.
        assert "须主管复核" in str(app.screen.query_one("#ack-refuse-note", Label).render())
        app.screen.query_one("#ack-refuse-reason", Input).value = "说这是自己的钱，不用银行管"
        await pilot.press("f4")
        await pilot.pause()
    [ack] = app.results
    assert ack is not None and ack.method == "refused"
    assert ack.reason == "说这是自己的钱，不用银行管"
    assert ack.signer_masked is None


async def test_low_risk_has_no_supervisor_note(rules: RuleSet, settings: Settings) -> None:
    app = host(rules, settings, LOW)
    async with app.run_test(size=(110, 40)) as pilot:
        await app.workers.wait_for_complete()
        assert not app.screen.query("#ack-refuse-note")
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]  # going back records nothing, and says so


async def test_override_requires_another_supervisor_who_authenticates_and_a_reason(
    rules: RuleSet, settings: Settings, repo: Repository
) -> None:
    add_all(repo, TELLER, SUPERVISOR, TELLER_2)
    app = host(rules, settings, repo=repo)
    async with app.run_test(size=(110, 40)) as pilot:
        await app.workers.wait_for_complete()
        screen = app.screen
        error = screen.query_one("#approval-error", Label)

        async def override(supervisor: str, pin: str, reason: str) -> str:
            for name, value in (("id", supervisor), ("pin", pin), ("reason", reason)):
                screen.query_one(f"#approval-{name}", Input).value = value
            await pilot.press("f5")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            return str(error.render())

        await pilot.press("f5")
        assert app.results == [] and "请主管输入工号" in str(error.render())
        assert "不能由经办柜员本人授权" in await override("T001", PINS["T001"], "客户坚持办理")
        assert "请写明放行理由" in await override("S001", PINS["S001"], "好")
        assert "工号或密码不对" in await override("S001", "000000", "客户视力障碍，已逐条口头告知")
        assert "柜员不能主管授权" in await override("T002", PINS["T002"], "客户视力障碍，已逐条口头告知")
        assert app.results == []
        assert screen.query_one("#approval-pin", Input).value == ""  # never left on screen
        screen.query_one("#approval-id", Input).value = "S001"
        screen.query_one("#approval-pin", Input).value = PINS["S001"]
        screen.query_one("#approval-reason", Input).value = "客户视力障碍，已逐条口头告知"
        await pilot.click("#ack-override")
        for _ in range(5):
            await pilot.pause()
            await app.workers.wait_for_complete()
    [ack] = app.results
    assert ack is not None and ack.method == "override"
    assert ack.supervisor_id == "S001" and ack.reason == "客户视力障碍，已逐条口头告知"
    assert ack.supervisor_auth == "pin" and ack.supervisor_at == FROZEN_NOW
    refused = [(e.staff_id, e.detail.get("reason")) for e in repo.audit_events(kind="approval_refused")]
    assert refused == [
        ("T001", "own_case"),
        ("S001", "wrong_credentials"),
        ("T002", "role"),
    ]  # a short reason never left the screen
    [given] = repo.audit_events(kind="approval")
    assert given.staff_id == "S001" and given.detail["what"] == "override"
    assert repo.staff.get("S001").failed_attempts == 0  # type: ignore[union-attr]  # the right PIN resets the count


async def test_inside_the_real_app(rules: RuleSet, settings: Settings, repo: Repository) -> None:
    """Pushed over the real app (staff given, so no login): rules and data dir come from the app."""
    app = TellerGuardApp(settings=settings, rules=rules, repo=repo, staff=TELLER, clock=lambda: FROZEN_NOW)
    record, result = case(rules, POLICE, FROZEN_NOW)
    results: list[AcknowledgementRecord | None] = []
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.pause()
        serial = repo.next_notice_serial(rules.branch.code, at=FROZEN_NOW)
        screen = AcknowledgeScreen(
            record=record,
            assessment=result,
            serial=serial,
            witness=TELLER,
            notice_version=rules.notice.version,
            notice_text_hash=notice_text_hash(rules),
            clock=lambda: FROZEN_NOW,
        )
        app.push_screen(screen, results.append)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert (settings.data_dir / "notices" / f"{serial}.pdf").is_file()
        screen.query_one("#ack-serial-input", Input).value = serial[-4:]
        await pilot.press("f2")
        await pilot.pause()
    [ack] = results
    assert ack is not None and ack.method == "paper" and ack.notice_serial == serial == "BR0001-20261125-0001"


def test_serial_confirmation_rules() -> None:
    assert serial_matches(SERIAL, SERIAL.lower())
    assert serial_matches(SERIAL, " 0007 ")
    assert not serial_matches(SERIAL, "007")  # too short to mean anything
    assert not serial_matches(SERIAL, "")
    assert not serial_matches(SERIAL, "0008")


async def test_keys_land_in_the_serial_field_and_a_name_there_is_pointed_on(rules: RuleSet, settings: Settings) -> None:
    """The first field has the focus when the screen opens; a name typed into it is not a serial."""
    app = host(rules, settings)
    async with app.run_test(size=(110, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "ack-serial-input"
        await pilot.press(*CUSTOMER, "enter")
        await pilot.pause()
        assert app.results == []
        assert "屏幕签名请在下一栏" in str(app.screen.query_one("#ack-error", Label).render())
        assert app.focused is not None and app.focused.id == "ack-signer"
        await pilot.press(*CUSTOMER, "enter")
        await pilot.pause()
    [ack] = app.results
    assert ack is not None and ack.method == "screen" and ack.signer_masked == "王**"
