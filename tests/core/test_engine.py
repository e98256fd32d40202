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
