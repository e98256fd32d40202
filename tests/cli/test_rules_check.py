"""`teller-guard rules check`: the shipped rules pass; a broken copy reports every problem."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from teller_guard.cli import main
from teller_guard.core.errors import RulesError
from teller_guard.core.rules import load_rules, ruleset_version, shipped_rules_dir


@pytest.mark.slow  # the probe times every pattern on the longest texts
def test_shipped_rules_pass(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "check"]) == 0
    out = capsys.readouterr().out
    assert "rules OK" in out and ruleset_version(shipped_rules_dir()) in out


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture drift: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_problem_is_reported_with_file_key_and_message(
    rules_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(
        rules_copy / "signals.toml",
        'id = "on_phone"\nlabel = "边打电话边办理"\nweight = 30',
        'id = "on_phone"\nlabel = "边打电话边办理"\nweight = 300',
    )
    _edit(
        rules_copy / "signals.toml",
        'id = "nervous"\nlabel = "神色慌张"\nweight = 20',
        'id = "nervous"\nlabel = "神色慌张"\nweight = "twelve"\ncolour = "red"',
    )
    _edit(rules_copy / "signals.toml", 'id = "hurried"', 'id = "vague_answers"')
    _edit(rules_copy / "checklists/counter.toml", 'raises_on_yes = ["on_phone"]', 'raises_on_yes = ["on_the_phone"]')
    _edit(
        rules_copy / "policy.toml", 'min_age = 70\nsignal = "elderly_senior"', 'min_age = 50\nsignal = "elderly_senior"'
    )
    _edit(
        rules_copy / "typologies.toml",
        'match = [["loan", "loan_fee"], ["loan", "fee", "before"], ["loan", "withdraw_blocked", "fee"]]',
        'match = [["loan", "loan_feez"]]',
    )
    _edit(
        rules_copy / "lexicon.toml",
        '"注销[^，。]{0,4}(?:校园贷|网贷|账户|贷款)"',
        '"注销[^，。]{0,4}(?:校园贷|网贷|账户|贷款"',
    )
    (rules_copy / "branch.toml").write_text('code = "BR0001"\nname = [broken', encoding="utf-8")

    assert main(["--rules", str(rules_copy), "rules", "check"]) == 2
    err = capsys.readouterr().err
    expected = [
        r"signals\.toml: signal\[\d+\]\(on_phone\)\.weight: .*less than or equal to 100",
        r"signals\.toml: signal\[\d+\]\(nervous\)\.weight: .*valid integer",
        r"signals\.toml: signal\[\d+\]\(nervous\)\.colour: unknown key",
        r"signals\.toml: signal\(vague_answers\): duplicate id",
        r"checklists/counter\.toml: item\[\d+\]\(look_phone\): refers to signal 'on_the_phone', which does not exist",
        r"policy\.toml: age_band: min_age must increase",
        r"typologies\.toml: typology\[\d+\]\(loan_fee\)\.match\[0\]: unknown concept 'loan_feez'",
        r"lexicon\.toml: concept\[\d+\]\(credit_threat\)\.patterns\[2\]: invalid regular expression",
        r"branch\.toml: not valid TOML",
    ]
    missing = [pat for pat in expected if not re.search(pat, err)]
    assert not missing, f"not reported: {missing}\n---\n{err}"
    assert "Traceback" not in err


def test_missing_and_unexpected_files(rules_copy: Path) -> None:
    (rules_copy / "notice.toml").unlink()
    (rules_copy / "extra.toml").write_text("x = 1\n", encoding="utf-8")
    with pytest.raises(RulesError) as exc:
        load_rules(rules_copy)
    text = exc.value.report()
    assert "notice.toml: required file is missing" in text
    assert "extra.toml: unexpected file" in text


def test_required_observations_must_exist_and_be_observable(rules_copy: Path) -> None:
    _edit(
        rules_copy / "signals.toml",
        'id = "hurried"\nlabel = "急于转账"\nweight = 15\ncategory = "behaviour"\nobservable = true',
        'id = "hurried"\nlabel = "急于转账"\nweight = 15\ncategory = "behaviour"\nobservable = false',
    )
    with pytest.raises(RulesError) as exc:
        load_rules(rules_copy)
    assert any(p.key == "signal(hurried).observable" for p in exc.value.problems)


def test_version_is_a_stable_content_hash(rules_copy: Path) -> None:
    before = ruleset_version(rules_copy)
    assert before == ruleset_version(shipped_rules_dir())
    _edit(rules_copy / "branch.toml", 'name = "示例支行"', 'name = "城东支行"')
    assert ruleset_version(rules_copy) != before
    assert load_rules(rules_copy).version == ruleset_version(rules_copy)


@pytest.mark.parametrize("argv", [["assess"], ["rules", "check"], []])
def test_every_command_refuses_invalid_rules(rules_copy: Path, argv: list[str]) -> None:
    (rules_copy / "signals.toml").write_text("signal = 3\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "teller_guard", "--rules", str(rules_copy), *argv],
        input='{"channel": "counter", "amount": 1, "customer": {"age": 30}}',
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "invalid rules" in proc.stderr and "signals.toml" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_a_weight_that_breaks_the_calibration_promise_is_refused(rules_copy: Path) -> None:
    """policy.toml promises two behaviours reach 中: a branch lowering 急于转账 to 5 learns at once."""
    _edit(
        rules_copy / "signals.toml",
        'id = "hurried"\nlabel = "急于转账"\nweight = 15',
        'id = "hurried"\nlabel = "急于转账"\nweight = 5',
    )
    with pytest.raises(RulesError) as exc:
        load_rules(rules_copy)
    keys = {(p.file, p.key) for p in exc.value.problems}
    assert keys == {
        ("policy.toml", "calibration.behaviours_for.medium"),
        ("policy.toml", "calibration.behaviours_for.high"),
    }
    assert all("lightest" in p.message for p in exc.value.problems)


def test_a_context_cannot_explain_away_what_staff_saw(rules_copy: Path) -> None:
    _edit(
        rules_copy / "lexicon.toml",
        'explains = ["account_from_caller",',
        'explains = ["on_phone", "account_from_caller",',
    )
    with pytest.raises(RulesError) as exc:
        load_rules(rules_copy)
    assert any("cannot explain it away" in p.message for p in exc.value.problems)


def test_every_purpose_needs_its_typical_range(rules_copy: Path) -> None:
    _edit(rules_copy / "lexicon.toml", 'typical_max_yuan = 20000\noptions = ["living"]', 'options = ["living"]')
    with pytest.raises(RulesError) as exc:
        load_rules(rules_copy)
    assert any(p.key.endswith("(living).typical_max_yuan") for p in exc.value.problems)


def test_the_story_a_level_requires_is_checked(rules_copy: Path) -> None:
    """极高's `requires` names real signals and comes with what the teller is told (`unmet`)."""
    _edit(rules_copy / "policy.toml", 'requires = ["threat",', 'requires = ["threats",')
    _edit(rules_copy / "policy.toml", 'unmet = "', 'unmetx = "')
    with pytest.raises(RulesError) as exc:
        load_rules(rules_copy)
    keys = {(p.key, p.message) for p in exc.value.problems}
    assert any(k.startswith("level[3](critical)") and "unmetx" in k for k, _ in keys), keys
    _edit(rules_copy / "policy.toml", 'unmetx = "', 'unmet = "')
    with pytest.raises(RulesError) as exc:
        load_rules(rules_copy)
    assert any(p.key == "level[3](critical).requires" and "'threats'" in p.message for p in exc.value.problems), (
        exc.value.problems
    )


def test_staff_belong_to_a_purpose_paid_to_an_institution(rules_copy: Path) -> None:
    _edit(rules_copy / "lexicon.toml", 'institution = true\nstaff = ["医生"', 'staff = ["医生"')
    with pytest.raises(RulesError) as exc:
        load_rules(rules_copy)
    assert any("(medical)" in p.key and "institution = true" in p.message for p in exc.value.problems)


def test_purpose_patterns_and_the_purpose_check_are_validated(rules_copy: Path) -> None:
    """Every problem at once: a pattern that does not compile, an unknown concept, an unknown signal."""
    _edit(rules_copy / "lexicon.toml", 'patterns = ["还[^，。,.;；]{0,4}(?:钱|账|债)"]', 'patterns = ["还[^，。(?:钱"]')
    _edit(rules_copy / "lexicon.toml", 'person = ["personal_account"]', 'person = ["personal_acount"]')
    _edit(rules_copy / "lexicon.toml", 'far_signal = "amount_far_beyond_purpose"', 'far_signal = "amount_far"')
    with pytest.raises(RulesError) as exc:
        load_rules(rules_copy)
    messages = [f"{p.file} {p.key}: {p.message}" for p in exc.value.problems]
    assert any("(repay).patterns[0]" in m and "invalid regular expression" in m for m in messages), messages
    assert any("purpose_check" in m and "personal_acount" in m for m in messages), messages
    assert any("purpose_check.far_signal" in m and "amount_far" in m for m in messages), messages
