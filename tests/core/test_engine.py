"""The risk engine: explanations, levels, and the properties a teller must be able to trust."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from teller_guard.core.errors import InputError
from teller_guard.core.models import AssessmentInput, CustomerFacts
from teller_guard.core.rules import RuleSet
from teller_guard.core.scoring import assess, level_rank

OBSERVATIONS = [
    "on_phone",
    "nervous",
    "reading_instructions",
    "vague_answers",
    "hurried",
    "coached",
    "refuses_to_verify",
    "lives_alone",
    "secrecy",
    "repeat_transfer",
]
PHRASES = [
    "",
    "生活费",
    "给女儿买房",
    "朋友说这个平台稳赚不赔",
    "公安说我涉嫌洗钱",
    "网上认识的男朋友让我投资",
    "先交保证金才能放款",
    "不清楚",
    "还钱",
]

amounts = st.decimals(min_value=0, max_value=5_000_000, places=2, allow_nan=False, allow_infinity=False)
ages = st.one_of(st.none(), st.integers(min_value=0, max_value=120))
obs_sets = st.frozensets(st.sampled_from(OBSERVATIONS))
texts = st.sampled_from(PHRASES)
channels = st.sampled_from(["counter", "atm"])
quick = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def inp(**kw: object) -> AssessmentInput:
    base: dict[str, object] = {"channel": "counter", "amount": Decimal(1000)}
    base.update(kw)
    return AssessmentInput(**base)  # type: ignore[arg-type]


@quick
@given(
    channel=channels,
    amount=amounts,
    age=ages,
    obs=obs_sets,
    extra=st.sampled_from(OBSERVATIONS),
    purpose=texts,
    relation=texts,
)
def test_adding_an_observation_never_lowers_the_score(
    rules: RuleSet,
    channel: str,
    amount: Decimal,
    age: int | None,
    obs: frozenset[str],
    extra: str,
    purpose: str,
    relation: str,
) -> None:
    before = assess(
        rules,
        inp(
            channel=channel,
            amount=amount,
            customer=CustomerFacts(age=age),
            observations=obs,
            purpose=purpose,
            payee_relation=relation,
        ),
    )
    after = assess(
        rules,
        inp(
            channel=channel,
            amount=amount,
            customer=CustomerFacts(age=age),
            observations=obs | {extra},
            purpose=purpose,
            payee_relation=relation,
        ),
    )
    assert after.score >= before.score
    assert level_rank(after.level) >= level_rank(before.level)


@quick
@given(a=amounts, b=amounts, age=ages, obs=obs_sets, purpose=texts)
def test_a_larger_amount_never_lowers_the_score(
    rules: RuleSet, a: Decimal, b: Decimal, age: int | None, obs: frozenset[str], purpose: str
) -> None:
    lo, hi = sorted((a, b))
    small = assess(rules, inp(amount=lo, customer=CustomerFacts(age=age), observations=obs, purpose=purpose))
    large = assess(rules, inp(amount=hi, customer=CustomerFacts(age=age), observations=obs, purpose=purpose))
    assert large.score >= small.score and level_rank(large.level) >= level_rank(small.level)


@quick
@given(a=st.integers(0, 120), b=st.integers(0, 120), amount=amounts, obs=obs_sets, relation=texts)
def test_an_older_customer_never_lowers_the_score(
    rules: RuleSet, a: int, b: int, amount: Decimal, obs: frozenset[str], relation: str
) -> None:
    young, old = sorted((a, b))
    y = assess(rules, inp(amount=amount, customer=CustomerFacts(age=young), observations=obs, payee_relation=relation))
    o = assess(rules, inp(amount=amount, customer=CustomerFacts(age=old), observations=obs, payee_relation=relation))
    assert o.score >= y.score and level_rank(o.level) >= level_rank(y.level)


@quick
@given(amount=amounts, age=ages, obs=obs_sets, relation=texts)
def test_an_auto_stop_typology_is_always_critical(
    rules: RuleSet, amount: Decimal, age: int | None, obs: frozenset[str], relation: str
) -> None:
    result = assess(
        rules,
        inp(
            amount=amount,
            customer=CustomerFacts(age=age),
            observations=obs,
            payee_relation=relation,
            purpose="对方让我把钱转到安全账户",
        ),
    )
    assert any(t.auto_stop for t in result.typologies)
    assert result.level == "critical" and result.score >= rules.levels["critical"].min_score


@quick
@given(
    share=st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False),
    age=ages,
    relation=st.sampled_from(["女儿", "儿子", "老伴", "本人", "自己的另一张卡", "我妈妈", "孙子"]),
    purpose=st.sampled_from(["买房首付", "装修", "存到自己另一张卡", "还房贷", "彩礼", "买车", "生活费", "学费", ""]),
    channel=channels,
)
def test_a_legitimate_transfer_to_family_or_self_stays_low(
    rules: RuleSet, share: Decimal, age: int | None, relation: str, purpose: str, channel: str
) -> None:
    """Any amount within what the stated purpose usually costs (up to ¥3,000,000), any age."""
    caps = [p.typical_max_yuan for p in rules.purposes if p.regex.search(purpose)]
    amount = (share * min(max(caps, default=Decimal(3_000_000)), Decimal(3_000_000))).quantize(Decimal("0.01"))
    result = assess(
        rules,
        inp(channel=channel, amount=amount, customer=CustomerFacts(age=age), payee_relation=relation, purpose=purpose),
    )
    assert result.level == "low", [s.reason for s in result.signals]


def test_every_point_is_explained(rules: RuleSet) -> None:
    result = assess(
        rules,
        inp(
            amount=Decimal(120000),
            customer=CustomerFacts(age=74),
            observations=frozenset({"on_phone"}),
            purpose="网上申请贷款，说要先交保证金",
            payee_relation="不认识",
        ),
    )
    assert (
        result.score == min(100, sum(s.points for s in result.signals))
        or result.score == rules.levels[result.level].min_score
    )
    by_id = {s.id: s for s in result.signals}
    assert by_id["elderly_senior"].evidence.startswith("74岁")
    assert "¥120,000.00" in by_id["large_amount"].evidence
    assert "保证金" in by_id["t_loan_fee"].evidence
    assert by_id["on_phone"].points == rules.signals["on_phone"].weight
    for s in result.signals:
        assert s.reason and "{" not in s.reason and s.label == rules.signals[s.id].label
    assert result.actions and result.rules_version == rules.version


def test_checklist_answers_raise_their_signals(rules: RuleSet) -> None:
    result = assess(
        rules,
        inp(answers={"look_phone": True, "account_source": "paper", "check_amount": False, "relation": "unknown"}),
    )
    ids = set(result.signal_ids())
    assert {
        "on_phone",
        "account_from_caller",
        "reading_instructions",
        "amount_purpose_mismatch",
        "payee_unknown",
    } <= ids


def test_a_choice_can_assert_a_typology(rules: RuleSet) -> None:
    result = assess(rules, inp(answers={"purpose": "investigation"}))
    assert [t.id for t in result.typologies] == ["safe_account"] and result.level == "critical"


def test_a_cover_story_that_changes_is_flagged(rules: RuleSet) -> None:
    result = assess(rules, inp(purpose="给女儿的彩礼", previous_purposes=("买车",)))
    [sig] = [s for s in result.signals if s.id == "purpose_changed"]
    assert "买车" in sig.evidence and "彩礼" in sig.evidence


def test_amount_out_of_line_with_purpose(rules: RuleSet) -> None:
    fits = assess(rules, inp(amount=Decimal(3000), purpose="生活费"))
    odd = assess(rules, inp(amount=Decimal(80000), purpose="生活费"))
    assert "amount_purpose_mismatch" not in fits.signal_ids()
    assert "amount_purpose_mismatch" in odd.signal_ids()


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"nope": True}, "answers.nope"),
        ({"purpose": "made_up"}, "answers.purpose"),
        ({"look_phone": "yes"}, "answers.look_phone"),
    ],
)
def test_bad_answers_name_the_field(rules: RuleSet, answers: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as exc:
        assess(rules, inp(answers=answers))
    assert exc.value.field == field


def test_unknown_observation_is_refused(rules: RuleSet) -> None:
    with pytest.raises(InputError, match="unknown observation"):
        assess(rules, inp(observations=frozenset({"sweating"})))


# ------------------------------------------------------------------ calibration (issue 12)

BEHAVIOURS = ["on_phone", "reading_instructions", "nervous", "vague_answers", "hurried", "coached", "refuses_to_verify"]


@quick
@given(
    pair=st.lists(st.sampled_from(BEHAVIOURS), min_size=2, max_size=2, unique=True),
    age=st.one_of(st.none(), st.integers(18, 59)),
    channel=channels,
)
def test_two_warning_behaviours_reach_medium_at_any_age(
    rules: RuleSet, pair: list[str], age: int | None, channel: str
) -> None:
    result = assess(rules, inp(channel=channel, customer=CustomerFacts(age=age), observations=frozenset(pair)))
    assert level_rank(result.level) >= level_rank("medium"), (pair, result.score)


@quick
@given(
    triple=st.lists(st.sampled_from(BEHAVIOURS), min_size=3, max_size=3, unique=True),
    age=st.one_of(st.none(), st.integers(18, 59)),
)
def test_three_warning_behaviours_reach_high_at_any_age(rules: RuleSet, triple: list[str], age: int | None) -> None:
    result = assess(rules, inp(customer=CustomerFacts(age=age), observations=frozenset(triple)))
    assert level_rank(result.level) >= level_rank("high"), (triple, result.score)


@pytest.mark.parametrize("obs", ["on_phone", "reading_instructions"])
def test_a_seed_red_flag_alone_reaches_medium_for_a_young_customer(rules: RuleSet, obs: str) -> None:
    assert assess(rules, inp(customer=CustomerFacts(age=30), observations=frozenset({obs}))).level == "medium"


@quick
@given(amount=amounts, age=ages, channel=channels)
def test_age_and_amount_alone_never_leave_low(rules: RuleSet, amount: Decimal, age: int | None, channel: str) -> None:
    assert assess(rules, inp(channel=channel, amount=amount, customer=CustomerFacts(age=age))).level == "low"


def test_every_weight_says_why_next_to_it() -> None:
    """Each behaviour and profile weight in signals.toml has its reasoning in a comment above it."""
    from teller_guard.core.rules import shipped_rules_dir

    text = (shipped_rules_dir() / "signals.toml").read_text(encoding="utf-8")
    for sid in [*BEHAVIOURS, "elderly", "fixed_deposit_early_break", "whole_balance", "cash_for_third_party"]:
        block = text.split(f'id = "{sid}"')[0].rsplit("[[signal]]", 1)[0]
        assert block.rstrip().splitlines()[-1].startswith("#"), f"{sid}: no comment before its [[signal]]"


# ------------------------------------------------------------------ consistency: facts, ranges, stories


@pytest.mark.parametrize(
    "fact", ["fixed_deposit_early_break", "whole_balance", "cash_for_third_party", "same_day_inbound", "new_payee"]
)
def test_transaction_facts_raise_their_signal_with_evidence(rules: RuleSet, fact: str) -> None:
    result = assess(rules, inp(facts=frozenset({fact})))
    [sig] = [s for s in result.signals if s.id == fact]
    assert sig.evidence == "交易信息" and sig.points == rules.signals[fact].weight


def test_an_unknown_fact_is_refused(rules: RuleSet) -> None:
    with pytest.raises(InputError) as exc:
        assess(rules, inp(facts=frozenset({"paid_in_gold"})))
    assert exc.value.field == "facts"


def test_every_fact_is_one_key_at_the_counter(rules: RuleSet) -> None:
    items = [i for i in rules.checklist_for("counter").item if i.kind == "yesno" and i.key]
    raised = {sid for i in items for sid in i.raises_on_yes}
    assert set(rules.facts) <= raised
    keys = [i.key for i in items]
    assert len(keys) == len(set(keys)), "two items share a key"


def test_every_purpose_has_a_typical_range_and_every_purpose_option_a_category(rules: RuleSet) -> None:
    assert rules.purposes and all(p.typical_max_yuan > 0 for p in rules.purposes)
    assert any(p.typical_max_yuan < 50000 for p in rules.purposes)
    mapped = {o for p in rules.purposes for o in p.options}
    purpose_item = rules.item("counter", "purpose")
    assert purpose_item is not None
    ordinary = {o.id for o in purpose_item.options if not o.typology and o.id != "other"}
    assert ordinary <= mapped


@pytest.mark.parametrize(
    ("purpose", "amount", "fires"),
    [
        ("生活费", 8000, False),
        ("生活费", 45000, True),
        ("学费", 68000, True),
        ("学费", 30000, False),
        ("看病", 120000, False),
    ],
)
def test_an_ordinary_purpose_below_the_large_amount_band_is_checked_too(
    rules: RuleSet, purpose: str, amount: int, fires: bool
) -> None:
    result = assess(rules, inp(amount=Decimal(amount), purpose=purpose))
    assert ("amount_purpose_mismatch" in result.signal_ids()) is fires


def test_a_chosen_purpose_option_alone_is_checked_against_its_range(rules: RuleSet) -> None:
    result = assess(rules, inp(amount=Decimal(90000), answers={"purpose": "living"}))
    [sig] = [s for s in result.signals if s.id == "amount_purpose_mismatch"]
    assert "家庭生活费" in sig.evidence


@pytest.mark.parametrize(
    ("before", "now", "changed"),
    [
        ("给儿子买房", "给女儿买房", True),  # same category, someone else
        ("不方便说", "帮朋友周转一下", True),  # free text that says something else
        ("就是转一下", "还朋友的钱", True),
        ("买房", "交首付", False),  # the same story in other words
        ("给孙子交学费", "孙子的学费和住宿费", False),
        ("装修", "装修房子", False),
    ],
)
def test_a_story_that_changes_meaning_counts_not_only_its_category(
    rules: RuleSet, before: str, now: str, changed: bool
) -> None:
    result = assess(rules, inp(purpose=now, previous_purposes=(before,)))
    assert ("purpose_changed" in result.signal_ids()) is changed


@pytest.mark.parametrize(
    ("relation", "notes"),
    [
        ("儿子", "打他同事的卡上，他自己的卡办不了"),
        ("侄子", "户名是个女的，说是他对象"),
        ("公司的财务", "说对公账户在年审，先打到会计个人卡上"),
        ("表哥，其实没见过面", ""),
        ("我自己的账户", "卡上的名字不是我，是理财经理帮我开的"),
    ],
)
def test_the_payee_answer_is_read_for_mismatch_facts(rules: RuleSet, relation: str, notes: str) -> None:
    result = assess(rules, inp(payee_relation=relation, notes=notes))
    assert "payee_name_mismatch" in result.signal_ids(), [s.id for s in result.signals]


@pytest.mark.parametrize(
    ("relation", "notes"),
    [("女儿", "她自己的工资卡"), ("儿子", "名字对得上，身份证也核对了"), ("装修公司", "对公账户，合同在这儿")],
)
def test_a_consistent_payee_answer_raises_no_mismatch(rules: RuleSet, relation: str, notes: str) -> None:
    assert "payee_name_mismatch" not in assess(rules, inp(payee_relation=relation, notes=notes)).signal_ids()


def test_a_documented_institution_payee_explains_signals_away_and_says_so(rules: RuleSet) -> None:
    said = {"purpose": "交住院押金", "payee_relation": "市人民医院对公账户，住院处开的缴费单在这儿"}
    plain = assess(rules, inp(amount=Decimal(250000), facts=frozenset({"fixed_deposit_early_break"}), **said))
    assert "fixed_deposit_early_break" not in plain.signal_ids()
    assert "amount_purpose_mismatch" not in plain.signal_ids()
    assert plain.benign_contexts and "收款方为机构对公账户且有单据" in plain.benign_contexts[0]
    # What the teller saw is never explained away.
    seen = assess(rules, inp(amount=Decimal(250000), observations=frozenset({"on_phone"}), **said))
    assert "on_phone" in seen.signal_ids()
