"""The bespoke notice: what it says (pure), and what the PDF really contains (pdftotext, pdffonts)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from teller_guard.core.notice_text import notice_text_hash
from teller_guard.core.records import AcknowledgementRecord, InterventionRecord
from teller_guard.core.rules import RuleSet
from teller_guard.reports.notice import (
    NoticeFontError,
    acknowledgement_lines,
    build_notice,
    find_cjk_font,
    refusal_fact,
    write_notice_pdf,
)
from tests.conftest import require_tool
from tests.factories import FROZEN_NOW
from tests.factories.notices import CUSTOMER, ID_NUMBER, LOW, PAYEE, PAYEE_ACCOUNT, POLICE, SERIAL, case

ARTIFACTS = Path(__file__).parents[1] / "artifacts"


def pdftotext(path: Path) -> str:
    out = subprocess.run(
        [require_tool("pdftotext"), "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return out.stdout


def pdffonts(path: Path) -> list[list[str]]:
    out = subprocess.run([require_tool("pdffonts"), str(path)], check=True, capture_output=True, text=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


def ppm_pixel(path: Path, x: int, y: int) -> tuple[int, int, int]:
    """One pixel of a binary PPM (``P6``, as pdftoppm writes it without ``-png``)."""
    magic, size, _maxval, pixels = path.read_bytes().split(b"\n", 3)
    assert magic == b"P6"
    width = int(size.split()[0])
    r, g, b = pixels[(y * width + x) * 3 : (y * width + x) * 3 + 3]
    return r, g, b


def page_count(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


@pytest.fixture
def police(rules: RuleSet) -> InterventionRecord:
    return case(rules, POLICE, FROZEN_NOW)[0]


@pytest.fixture
def low(rules: RuleSet) -> InterventionRecord:
    return case(rules, LOW, FROZEN_NOW)[0]


# ---------------------------------------------------------------- the document


def test_police_notice_names_this_case(rules: RuleSet, police: InterventionRecord) -> None:
    doc = build_notice(rules, police, serial=SERIAL, issued_at=FROZEN_NOW)
    assert doc.issued_local == "2026年11月25日 10:30"  # 02:30 UTC is 10:30 in the branch
    assert doc.level == "critical" and doc.level_word == "极高风险"
    assert [t.label for t in doc.typologies] == ["冒充公检法"]
    assert doc.typologies[0].description == "凡是自称公检法要求汇款的，都是诈骗。"
    # The fraud type has its own section: its signal is not repeated among what staff noticed.
    assert {s.label for s in doc.signals} >= {"边打电话边办理", "神色慌张"}
    assert "冒充公检法" not in {s.label for s in doc.signals}
    assert doc.kind == "sign"  # no decision yet: a notice to sign
    assert doc.advice == rules.notice.proceed_advice["critical"]
    assert doc.customer == "王**（76 岁）"
    assert doc.payee == "李**  ****0123"
    assert doc.amount == "¥50,000.00"
    assert doc.case_hash == police.case_hash()[:12]
    assert doc.record_uid == police.uid


def test_case_hash_on_the_notice_matches_the_closed_record(rules: RuleSet, police: InterventionRecord) -> None:
    """The notice is printed before the decision; the hash must survive closing the case."""
    from teller_guard.core.records import DecisionRecord

    decided = police.model_copy(
        update={
            "decision": DecisionRecord(
                decision="police", label="停止办理并报警", group="police", decided_by="T001", decided_at=FROZEN_NOW
            )
        }
    )
    doc = build_notice(rules, police, serial=SERIAL, issued_at=FROZEN_NOW)
    assert decided.case_hash()[:12] == doc.case_hash


def test_notice_text_hash_changes_with_the_text_not_the_sources(rules: RuleSet) -> None:
    h = notice_text_hash(rules)
    assert len(h) == 64
    from dataclasses import replace

    edited = replace(rules.notice, closing=rules.notice.closing + "！")
    resourced = replace(rules.notice, sources=["branch policy"])
    assert notice_text_hash(replace(rules, notice=edited)) != h
    assert notice_text_hash(replace(rules, notice=resourced)) == h


def test_naive_issue_time_is_refused(rules: RuleSet, low: InterventionRecord) -> None:
    with pytest.raises(ValueError):
        build_notice(rules, low, serial=SERIAL, issued_at=FROZEN_NOW.replace(tzinfo=None))


# ---------------------------------------------------------------- the PDF


def test_police_pdf_text_font_and_privacy(tmp_path: Path, rules: RuleSet, police: InterventionRecord) -> None:
    doc = build_notice(rules, police, serial=SERIAL, issued_at=FROZEN_NOW)
    pdf = write_notice_pdf(doc, tmp_path / "police.pdf")
    text = pdftotext(pdf)
    flat = "".join(text.split())
    assert "防范电信诈骗告知书" in flat
    assert "疑似「冒充公检法」诈骗" in flat
    assert "凡是自称公检法要求汇款的，都是诈骗。" in flat
    for s in doc.signals:
        assert "".join(s.reason.split()) in flat, s.reason
    assert "".join(rules.notice.proceed_advice["critical"].split()) in flat
    assert text.count(SERIAL) >= 2  # header and every footer
    assert rules.notice.version in text
    assert police.rules_version in text
    assert police.uid in text
    assert police.case_hash()[:12] in text
    assert "本人了解收款人情况" in flat and "客户签字" in flat
    # Never the full identifiers
    for secret in (ID_NUMBER, ID_NUMBER[:14], CUSTOMER, PAYEE, PAYEE_ACCOUNT, PAYEE_ACCOUNT[:-4]):
        assert secret not in flat, secret
    fonts = pdffonts(pdf)
    assert fonts and all(row[-5] == "yes" for row in fonts), fonts  # emb column


def test_low_risk_pdf_is_one_page_without_a_fraud_type(tmp_path: Path, rules: RuleSet, low: InterventionRecord) -> None:
    doc = build_notice(rules, low, serial=SERIAL, issued_at=FROZEN_NOW)
    pdf = write_notice_pdf(doc, tmp_path / "low.pdf")
    flat = "".join(pdftotext(pdf).split())
    assert "本次转账未发现明显风险信号" in flat
    assert "疑似" not in flat.split("请您牢记")[0]  # no suspected fraud type before the fixed text
    assert "".join(rules.notice.proceed_advice["low"].split()) in flat
    assert page_count(pdf) == 1


@pytest.mark.parametrize("name,data", [("police", POLICE), ("low", LOW)])
def test_render_page_one_for_a_person_to_look_at(name: str, data: dict[str, object], rules: RuleSet) -> None:
    """Writes tests/artifacts/notice-<case>.pdf and -1.png (gitignored): open them and look."""
    record, _ = case(rules, data, FROZEN_NOW)
    ARTIFACTS.mkdir(exist_ok=True)
    doc = build_notice(rules, record, serial=SERIAL, issued_at=FROZEN_NOW)
    pdf = write_notice_pdf(doc, ARTIFACTS / f"notice-{name}.pdf", created=FROZEN_NOW)
    png = ARTIFACTS / f"notice-{name}-1.png"
    png.unlink(missing_ok=True)
    subprocess.run(
        [
            require_tool("pdftoppm"),
            "-r",
            "80",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(png.with_suffix("")),
        ],
        check=True,
    )
    assert png.stat().st_size > 20_000  # a real page with text, not a blank one


def test_police_and_low_notices_look_different(rules: RuleSet, tmp_path: Path) -> None:
    """The bespoke banner is red for 冒充公检法 and green for low risk: compare the pixels under it."""
    colours = {}
    for name, data in (("police", POLICE), ("low", LOW)):
        record, _ = case(rules, data, FROZEN_NOW)
        pdf = write_notice_pdf(
            build_notice(rules, record, serial=SERIAL, issued_at=FROZEN_NOW), tmp_path / f"{name}.pdf"
        )
        ppm = tmp_path / f"{name}.ppm"
        # 20 dpi: the banner (about 55 mm from the top, 17 mm from the left) is pixel (14, 44)
        subprocess.run(
            [
                require_tool("pdftoppm"),
                "-r",
                "20",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(ppm.with_suffix("")),
            ],
            check=True,
        )
        colours[name] = ppm_pixel(ppm, 14, 44)
    r, g, b = colours["police"]
    assert r > 150 and g < 80 and b < 80, colours  # red
    r, g, b = colours["low"]
    assert g > r and g > b, colours  # green


def test_notice_stays_inside_its_margins_with_cjk_line_breaks(
    tmp_path: Path, rules: RuleSet, police: InterventionRecord
) -> None:
    from tests.factories.pdf import assert_inside_margins_and_cjk_breaks

    pdf = write_notice_pdf(build_notice(rules, police, serial=SERIAL, issued_at=FROZEN_NOW), tmp_path / "n.pdf")
    assert_inside_margins_and_cjk_breaks(pdf)


def test_write_is_atomic_and_leaves_no_temp_files(tmp_path: Path, rules: RuleSet, low: InterventionRecord) -> None:
    doc = build_notice(rules, low, serial=SERIAL, issued_at=FROZEN_NOW)
    target = tmp_path / "notices" / f"{SERIAL}.pdf"
    write_notice_pdf(doc, target, created=FROZEN_NOW)
    first = target.read_bytes()
    write_notice_pdf(doc, target, created=FROZEN_NOW)
    assert target.read_bytes()[:5] == b"%PDF-"
    assert len(target.read_bytes()) == len(first)  # a re-print is the same document
    assert [p.name for p in target.parent.iterdir()] == [target.name]


# ---------------------------------------------------------------- fonts


def test_font_override_and_fallback(tmp_path: Path) -> None:
    font = tmp_path / "mine.ttc"
    font.write_bytes(b"x")
    chosen = find_cjk_font({"TELLER_GUARD_PDF_FONT": f"{font}#2"})
    assert chosen.path == font and chosen.index == 2 and chosen.embedded
    with pytest.raises(NoticeFontError, match="no such font file"):
        find_cjk_font({"TELLER_GUARD_PDF_FONT": str(tmp_path / "missing.ttf")})
    with pytest.raises(NoticeFontError, match="index"):
        find_cjk_font({"TELLER_GUARD_PDF_FONT": f"{font}#two"})
    with pytest.raises(NoticeFontError, match="fonts-wqy-microhei"):  # none installed: a clear error, no PDF
        from teller_guard.reports.pdf import fonts

        original = fonts.FONT_CANDIDATES
        try:
            fonts.FONT_CANDIDATES = ()  # type: ignore[misc]
            find_cjk_font({})
        finally:
            fonts.FONT_CANDIDATES = original  # type: ignore[misc]


def test_this_machine_embeds_wenquanyi() -> None:
    """Debian's fonts-wqy-microhei is what the branch image installs (README)."""
    font = find_cjk_font({})
    assert font.embedded and font.name == "WenQuanYi Micro Hei"


# ---------------------------------------------------------------- the acknowledgement, for other views


def test_acknowledgement_lines_and_refusal_fact() -> None:
    common: dict[str, Any] = {
        "notice_serial": SERIAL,
        "notice_version": "2026.11-1",
        "notice_text_hash": "ab" * 32,
        "at": FROZEN_NOW,
    }
    screen = AcknowledgementRecord(method="screen", signer_masked="王**", witness_staff_id="T001", **common)
    lines = acknowledgement_lines(screen)
    assert f"告知书编号：{SERIAL}" in lines
    assert "签署情况：屏幕签名（签名：王**）" in lines
    assert "见证柜员：T001" in lines
    assert "时间：2026-11-25 10:30" in lines
    assert refusal_fact(screen) is None

    refused = AcknowledgementRecord(method="refused", reason="说是自己的钱", witness_staff_id="T001", **common)
    fact = refusal_fact(refused)
    assert fact is not None and "拒绝" in fact and "说是自己的钱" in fact
    assert any(line.startswith("风险事实：") for line in acknowledgement_lines(refused))

    override = AcknowledgementRecord(
        method="override",
        supervisor_id="S001",
        reason="客户视力障碍，已口头逐条告知",
        witness_staff_id="T001",
        **common,
    )
    assert "放行理由：客户视力障碍，已口头逐条告知" in acknowledgement_lines(override)
    assert acknowledgement_lines(None) == ["告知书：未记录签署情况"]


def test_notice_modules_load_without_textual() -> None:
    """The ``notice`` command and the PDF writer are usable on a machine without the TUI."""
    import json
    import sys

    code = (
        "import teller_guard.reports.notice, teller_guard.commands.notice, sys, json\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    loaded = json.loads(out.strip().splitlines()[-1])
    assert "teller_guard.reports.notice" in loaded
    assert not [m for m in loaded if m.split(".")[0] == "textual"]


# ---------------------------------------------------------------- the notice says what happened

STAFF_WORDS = (
    "请重点提示",
    "柜员观察",
    "现场观察",
    "拒签本身就是风险信号",
    "须重新评估",
    "请按对应骗局追问核实",
    "二看·",
    "一核对·",
    "三问·",
)


def test_a_proceeded_critical_case_warns_and_asks_for_the_signature(
    tmp_path: Path, rules: RuleSet, police: InterventionRecord
) -> None:
    """Proceeding on a 极高 case (a supervisor approved it): the notice never says the bank stopped it."""
    doc = build_notice(rules, police, serial=SERIAL, issued_at=FROZEN_NOW, decision="proceed_warned")
    assert doc.kind == "sign" and doc.declaration and not doc.told
    flat = "".join(pdftotext(write_notice_pdf(doc, tmp_path / "p.pdf")).split())
    assert "本行已停止办理" not in flat and "已停止" not in flat and "暂缓办理" not in flat
    assert "本次转账系本人真实意愿" in flat and "客户签字" in flat
    assert "客户留存联" not in flat
    for word in STAFF_WORDS:
        assert word not in flat, word


@pytest.mark.parametrize("decision", ["police", "dissuaded", "defer"])
def test_a_stopped_case_prints_a_take_home_notice(
    tmp_path: Path, rules: RuleSet, police: InterventionRecord, decision: str
) -> None:
    from dataclasses import replace

    rules = replace(rules, branch=replace(rules.branch, phone="0451-5555 1234"))
    doc = build_notice(rules, police, serial=SERIAL, issued_at=FROZEN_NOW, decision=decision)
    group = rules.decisions[decision].group
    assert doc.kind == "take_home" and doc.declaration == ()
    assert doc.told == tuple(rules.notice.take_home.told[group])  # type: ignore[index]
    pdf = write_notice_pdf(doc, tmp_path / f"{decision}.pdf")
    flat = "".join(pdftotext(pdf).split())
    assert "本人真实意愿" not in flat and "客户签字" not in flat and "客户声明" not in flat
    assert "客户留存联" in flat
    assert "办理结果：" + "".join(rules.decisions[decision].label.split()) in flat
    for line in doc.told:
        assert "".join(line.split()) in flat
    assert "96110" in flat
    assert "示例支行联系电话：0451-55551234" in flat
    for word in STAFF_WORDS:
        assert word not in flat, word
    assert page_count(pdf) == 1


def test_the_record_s_own_decision_picks_the_notice(rules: RuleSet, police: InterventionRecord) -> None:
    """A reprint from the record view passes no decision: the logged one decides."""
    from teller_guard.core.records import DecisionRecord

    closed = police.model_copy(
        update={
            "decision": DecisionRecord(
                decision="dissuaded",
                label="劝阻成功（客户放弃）",
                group="dissuaded",
                decided_by="T001",
                decided_at=FROZEN_NOW,
            )
        }
    )
    assert build_notice(rules, closed, serial=SERIAL, issued_at=FROZEN_NOW).kind == "take_home"


def test_staff_wording_and_evidence_never_reach_the_customer(rules: RuleSet) -> None:
    """An elderly customer, observed on the phone, who refused to sign: every signal fires with
    staff-facing reasons; the notice prints each in customer words, once."""
    from teller_guard.core.models import FiredSignal
    from teller_guard.reports.notice import customer_signals

    fired = [
        FiredSignal(
            id="elderly",
            label="老年客户",
            category="profile",
            points=8,
            evidence="66岁（老年客户）",
            reason=rules.signals["elderly"].reason.format(evidence="66岁（老年客户）"),
        ),
        FiredSignal(
            id="on_phone",
            label="边打电话边办理",
            category="behaviour",
            points=20,
            evidence="柜员观察",
            reason=rules.signals["on_phone"].reason.format(evidence="柜员观察"),
        ),
        FiredSignal(
            id="on_phone",
            label="边打电话边办理",
            category="behaviour",
            points=20,
            evidence="柜员观察",
            reason=rules.signals["on_phone"].reason.format(evidence="柜员观察"),
        ),
        FiredSignal(
            id="refused_notice",
            label="拒签告知书",
            category="behaviour",
            points=20,
            evidence="柜员观察",
            reason=rules.signals["refused_notice"].reason.format(evidence="柜员观察"),
        ),
        FiredSignal(
            id="hurried",
            label="急于办完",
            category="behaviour",
            points=15,
            evidence="二看·急于办完、催促柜员",
            reason=rules.signals["hurried"].reason.format(evidence="二看·急于办完、催促柜员"),
        ),
    ]
    lines = [s.reason for s in customer_signals(rules, fired)]
    assert len(lines) == 4  # the repeated signal is printed once
    text = "".join(lines)
    for word in STAFF_WORDS:
        assert word not in text, word
    assert rules.signals["elderly"].notice in lines


def test_notice_rules_are_checked_strictly(tmp_path: Path) -> None:
    """A proceed advice that says the transfer was stopped, a missing outcome, a policy flag
    that is not a boolean: each is a load error naming the key."""
    import shutil

    from teller_guard.core.paths import shipped_rules_dir
    from teller_guard.core.rules import RulesError, load_rules

    def broken(file: str, old: str, new: str) -> str:
        folder = tmp_path / f"r{len(list(tmp_path.iterdir()))}"
        shutil.copytree(shipped_rules_dir(), folder)
        path = folder / file
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(RulesError) as err:
            load_rules(folder)
        return err.value.report()

    assert "proceed_advice" in broken(
        "notice.toml",
        'low = "本次转账未发现明显风险，请您继续保持警惕。"\nmedium = "本次转账存在风险提示项。',
        'low = "本行已停止办理。"\nmedium = "本次转账存在风险提示项。',
    )
    assert "told" in broken("notice.toml", "dissuaded = [", "dissuaded_x = [")
    assert "low_risk_signs" in broken("policy.toml", "low_risk_signs = true", 'low_risk_signs = "yes"')
    assert "phone" in broken("branch.toml", 'phone = "0451-8888 0000"', 'phone = "call us"')
