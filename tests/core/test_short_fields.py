"""Detection on short answers, the way intervention reports record them (issue 12, round 2).

Real reports cut a case to a few words: a two-word purpose (配合调查, 充U, 理赔), a short payee
answer (不认识, 老师的个人卡), notes empty half the time. The phrasings here were written for
these tests from DOMAIN.md §3–§5, not taken from any corpus; they exercise each family by its
sentence shape, the consistency rules, the benign contexts and the calibration promises.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from teller_guard.core.models import Assessment, AssessmentInput, CustomerFacts
from teller_guard.core.rules import RuleSet
from teller_guard.core.scoring import assess, level_rank

from .test_engine import quick


def short(
    rules: RuleSet,
    purpose: str,
    relation: str = "",
    notes: str = "",
    *,
    amount: int = 20000,
    age: int | None = 45,
    observations: frozenset[str] = frozenset(),
    channel: str = "counter",
) -> Assessment:
    return assess(
        rules,
        AssessmentInput(
            channel=channel,  # type: ignore[arg-type]
            amount=Decimal(amount),
            customer=CustomerFacts(age=age),
            purpose=purpose,
            payee_relation=relation,
            notes=notes,
            observations=observations,
        ),
    )


def named(result: Assessment) -> set[str]:
    return {t.id for t in result.typologies}


# ------------------------------------------------------------------ the story in two or three words

STORIES = [
    ("impersonate_authority", "协助办案", "办案民警", ""),
    ("impersonate_authority", "自证清白", "不清楚", ""),
    ("impersonate_authority", "交钱洗脱嫌疑", "专案组的", ""),
    ("impersonate_authority", "走个流程", "", "说我寄的包裹里被查到违禁品"),
    ("impersonate_authority", "查完就还", "不认识", "说我的身份证被人拿去注册了公司"),
    ("safe_account", "资金隔离", "对方提供的", ""),
    ("safe_account", "存到公家统一的户头", "不知道", ""),
    ("safe_account", "转到核查账户", "电话里给的", ""),
    ("investment", "换U", "承兑商", ""),
    ("investment", "老师叫我跟投", "投资群", ""),
    ("investment", "认购打新股", "说是证券公司,打到个人", ""),
    ("task_rebate", "先垫付本金", "派单员", "完成后本佣一起返"),
    ("task_rebate", "返现", "微信群群主", ""),
    ("prize", "交完税才能领", "", "说我中了一台轿车"),
    ("fake_customer_service", "关闭自动扣费", "支付平台的", ""),
    ("fake_customer_service", "理赔", "物流客服", ""),
    ("impersonate_official", "领取补贴", "人社局的", ""),
    ("loan_fee", "激活额度", "网贷平台", ""),
    ("romance", "交关税", "网上认识的男朋友", "他寄了礼物"),
    ("romance", "给网恋的女朋友", "没见过面", ""),
    ("family_emergency", "侄子出车祸了", "侄子的同事", ""),
    ("family_emergency", "孙女急病住院", "学校的老师", "学校的人打电话来"),
    ("impersonate_boss", "经理让我先垫上", "经理的客户", ""),
    ("online_shopping", "先交订金", "抖音上的卖家", ""),
    ("online_shopping", "买海参", "朋友圈卖货的", ""),
    ("gambling", "把输的赢回来", "平台", ""),
]


@pytest.mark.parametrize(("expected", "purpose", "relation", "notes"), STORIES)
def test_a_short_answer_names_its_story_and_holds_the_transfer(
    rules: RuleSet, expected: str, purpose: str, relation: str, notes: str
) -> None:
    result = short(rules, purpose, relation, notes)
    assert expected in named(result), (named(result), [s.id for s in result.signals])
    assert level_rank(result.level) >= level_rank("high"), "a recognised fraud story holds the transfer"


def test_every_typology_holds_the_transfer_once_recognised(rules: RuleSet) -> None:
    """The seeds' 凡是…都是诈骗: signing the notice and paying (中) is never the answer to a story."""
    for t in rules.typologies.values():
        floor = rules.signals[t.signal].min_level
        assert floor is not None and level_rank(floor) >= level_rank("high"), t.id


# ------------------------------------------------------------------ benign answers with scary words

BENIGN = [
    ("交取保候审保证金", "公安局对公账户", "派出所开的缴款通知"),
    ("诉讼费", "法院", "打官司,立案庭开的单子"),
    ("法拍房尾款", "法院的账户", "司法拍卖成交确认书在这"),
    ("账户解冻", "本人", "卡很久没用被冻结了"),
    ("买基金", "本行", "柜台买的"),
    ("交养老院床位费", "敬老院", "每月都交"),
    ("给老伴", "老伴,网上认识的", "一起过日子二十多年了"),
    ("交酒驾罚款", "交警支队", "处罚决定书上写的"),
    ("补习费", "钢琴老师", ""),
    ("交学费", "学校对公账户", "缴费通知书"),
    ("退房租押金", "房东", "房东当面点过"),
]


@pytest.mark.parametrize(("purpose", "relation", "notes"), BENIGN)
def test_scary_words_used_innocently_name_no_story(rules: RuleSet, purpose: str, relation: str, notes: str) -> None:
    result = short(rules, purpose, relation, notes, age=68)
    assert named(result) == set(), [t.evidence for t in result.typologies]
    assert level_rank(result.level) < level_rank("high"), [s.reason for s in result.signals]


def test_a_frozen_account_is_not_a_safe_account(rules: RuleSet) -> None:
    """One phrase never stands for two concepts: 冻结的账户 is not an accusation *and* a safe account."""
    result = short(rules, "把冻结的账户解冻", "本人")
    assert "safe_account" not in named(result)
    assert result.level != "critical"


# ------------------------------------------------------------------ consistency (一核对)


@pytest.mark.parametrize(
    ("purpose", "relation"),
    [
        ("交学费", "班主任"),
        ("住院费", "主治大夫"),
        ("补缴社保", "代办的人"),
        ("交保费", "业务员的卡"),
        ("交学费", "户名是个人"),
    ],
)
def test_a_purpose_paid_to_an_institution_contradicts_a_personal_payee(
    rules: RuleSet, purpose: str, relation: str
) -> None:
    result = short(rules, purpose, relation, amount=5000)
    [sig] = [s for s in result.signals if s.id == "payee_name_mismatch"]
    assert purpose in sig.evidence and relation in sig.evidence


@pytest.mark.parametrize(
    ("purpose", "relation"), [("交学费", "学校"), ("住院费", "医院收费处"), ("补课", "老师"), ("交学费", "女儿")]
)
def test_the_institution_itself_or_a_tutor_is_no_contradiction(rules: RuleSet, purpose: str, relation: str) -> None:
    assert "payee_name_mismatch" not in {s.id for s in short(rules, purpose, relation, amount=5000).signals}


def test_an_amount_far_beyond_the_purpose_weighs_more_than_one_just_beyond(rules: RuleSet) -> None:
    cap = next(p.typical_max_yuan for p in rules.purposes if p.id == "gift")
    just = short(rules, "随礼", "亲戚", amount=int(cap) + 1000)
    far = short(rules, "随礼", "亲戚", amount=int(cap * rules.purpose_check.far_beyond) + 1000)
    assert "amount_purpose_mismatch" in just.signal_ids() and "amount_far_beyond_purpose" not in just.signal_ids()
    assert {"amount_purpose_mismatch", "amount_far_beyond_purpose"} <= set(far.signal_ids())
    assert far.score > just.score


@pytest.mark.parametrize(
    ("notes", "signal"),
    [
        ("死期还差三个月", "fixed_deposit_early_break"),
        ("损失点利息也要取", "fixed_deposit_early_break"),
        ("老本都在这了", "whole_balance"),
        ("存款全都转过去", "whole_balance"),
        ("借呗借的", "same_day_inbound"),
        ("早上刚到账的", "same_day_inbound"),
        ("取了现钱让司机送给他", "cash_for_third_party"),
        ("前几天转过一次", "repeat_transfer"),
        ("他们说不准跟家里讲", "secrecy"),
        ("对方说换了个新账号", "account_from_caller"),
    ],
)
def test_how_the_money_is_taken_in_the_customers_words(rules: RuleSet, notes: str, signal: str) -> None:
    assert signal in short(rules, "还钱", "朋友", notes).signal_ids()


def test_a_relative_reading_out_their_own_number_is_not_a_callers_account(rules: RuleSet) -> None:
    assert "account_from_caller" not in short(rules, "生活费", "儿子", "儿子电话里报的卡号").signal_ids()
    assert "account_from_caller" in short(rules, "生活费", "儿子", "对方电话里报的卡号").signal_ids()


def test_purposes_are_read_by_their_shapes(rules: RuleSet) -> None:
    def category(purpose: str) -> set[str]:
        from teller_guard.core.scoring import _categories

        return {p.id for p, _ in _categories(rules, purpose)}

    assert "repay" in category("还老乡的钱")
    assert "relatives" in category("转给我老伴")
    assert "cash" in category("取点现钱")
    assert "study_abroad" in category("孩子在澳洲读研")
    assert "own_account" in category("存到另一家银行")


# ------------------------------------------------------------------ 极高 needs a story

PILE = frozenset({"on_phone", "reading_instructions", "nervous"})


def test_behaviour_alone_holds_but_does_not_call_the_police(rules: RuleSet) -> None:
    result = short(rules, "生活费", "儿子", amount=120000, age=81, observations=PILE)
    assert result.score >= rules.levels["critical"].min_score
    assert result.level == "high"
    assert result.actions[0] == rules.levels["critical"].unmet


@pytest.mark.parametrize("story", ["他说不能告诉我儿子", "对方说不转就抓我", "他让我把验证码告诉他"])
def test_a_fraud_story_on_top_lifts_the_same_case_to_critical(rules: RuleSet, story: str) -> None:
    result = short(rules, "生活费", "儿子", story, amount=120000, age=81, observations=PILE)
    assert result.level == "critical"
    assert rules.levels["critical"].unmet not in result.actions


@quick
@given(
    obs=st.frozensets(st.sampled_from(sorted(PILE | {"hurried", "coached", "refuses_to_verify", "secrecy"}))),
    extra=st.sampled_from(sorted(PILE | {"hurried", "coached", "refuses_to_verify", "secrecy", "lives_alone"})),
    notes=st.sampled_from(["", "他说不能告诉家里", "急用", "对方报的卡号"]),
    age=st.one_of(st.none(), st.integers(18, 95)),
)
def test_more_evidence_never_lowers_the_level(
    rules: RuleSet, obs: frozenset[str], extra: str, notes: str, age: int | None
) -> None:
    before = short(rules, "还钱", "朋友", notes, amount=90000, age=age, observations=obs)
    after = short(rules, "还钱", "朋友", notes, amount=90000, age=age, observations=obs | {extra})
    assert level_rank(after.level) >= level_rank(before.level)
    assert after.score >= before.score
