"""Narrative detection survives paraphrase and is not fooled by benign mentions.

These phrasings were written before the word families they exercise were extended, to
stand in for what customers really say; the held-out corpus in ``tests/data`` goes further
(written by someone who never saw the lexicon).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from teller_guard.core.models import AssessmentInput
from teller_guard.core.rules import RuleSet
from teller_guard.core.scoring import assess


def typologies(rules: RuleSet, purpose: str = "", relation: str = "", notes: str = "") -> set[str]:
    inp = AssessmentInput(
        channel="counter", amount=Decimal(20000), purpose=purpose, payee_relation=relation, notes=notes
    )
    return {t.id for t in assess(rules, inp).typologies}


SAFE_ACCOUNT = [
    "北京市公安局的警官说我名下的卡涉及一起洗钱案，让我把钱转到他们的资金清查账户",
    "对方说是最高检的，要把我的存款暂时放到国家监管的账户里，查清楚了再退给我",
    "说我的钱不安全，要转到保护账户，等案子结了再还",
    "电话里的人说帮我把钱转进专用账户做资金保全",
    "法院的人让我把养老钱存到他们指定的安全卡上",
]


@pytest.mark.parametrize("said", SAFE_ACCOUNT)
def test_safe_account_paraphrases_are_auto_stop(rules: RuleSet, said: str) -> None:
    inp = AssessmentInput(channel="counter", amount=Decimal(20000), purpose=said)
    result = assess(rules, inp)
    assert "safe_account" in {t.id for t in result.typologies}
    assert result.level == "critical"


AUTHORITY = [
    "派出所的王警官打电话说我身份证被人冒用开了卡",
    "有个自称是检察官的人视频连线给我看了逮捕令",
    "上海的刑侦大队说我涉嫌一起诈骗案",
    "对方说他是网警，我的微信被用于犯罪",
    "接到一个自称法院工作人员的电话，说我有一张传票没处理",
    "民警同志在电话里让我先别挂，说要核实我的资金",
]


@pytest.mark.parametrize("said", AUTHORITY)
def test_authority_impersonation_paraphrases(rules: RuleSet, said: str) -> None:
    assert "impersonate_authority" in typologies(rules, notes=said)


BENIGN_AUTHORITY = [
    ("还钱", "女儿", "女儿在法院当法官，上个月帮我垫付了住院费，现在还给她"),
    ("买房", "儿子", "我儿子是派出所的民警，给他转点钱买房"),
    ("生活费", "闺女", "我自己退休前是检察院的，这是转给我闺女的生活费"),
    ("学费", "孙子", "刚在派出所办完户口迁移，顺便给孙子转学费"),
    ("还钱", "女婿", "女婿在公安局上班，之前借了他两万块"),
]


@pytest.mark.parametrize(("purpose", "relation", "notes"), BENIGN_AUTHORITY)
def test_benign_mentions_of_police_and_courts_are_not_impersonation(
    rules: RuleSet, purpose: str, relation: str, notes: str
) -> None:
    found = typologies(rules, purpose, relation, notes)
    assert not found & {"impersonate_authority", "safe_account"}, found


OTHER = [
    ("family_emergency", "有人打电话说我孙子在学校跟人打架把人打伤了，要赔医药费"),
    ("family_emergency", "一个自称是医生的人说我儿子出车祸正在抢救，要先交押金"),
    ("task_rebate", "网上找了个兼职，给商家拍单赚佣金，前几单都返了"),
    ("task_rebate", "在一个APP上做点赞任务，现在要充值才能提现"),
    ("loan_fee", "网上申请了二十万贷款，客服说我流水不够要先转五万证明还款能力"),
    ("loan_fee", "借款平台说我银行卡号填错了，资金被冻结，要交解冻金"),
    ("pension", "社区讲座推荐的养老公寓，交二十万能拿每月百分之八的利息"),
    ("pension", "买了一个康养基地的会员，说年底分红"),
    ("romance", "在婚恋网站认识的男朋友教我在一个平台买外汇"),
    ("romance", "跟网上聊了半年的女朋友说一起投资虚拟币"),
    ("investment", "股票群里的老师带我们买原始股，说稳赚"),
    ("investment", "有个理财平台年化收益百分之三十"),
    ("fake_customer_service", "快递员打电话说我的包裹丢了要理赔，让我下载一个会议软件"),
    ("fake_customer_service", "抖音客服说我开通了百万保障，不关闭每月扣费"),
    ("impersonate_boss", "老板用新的微信号让我给一个客户打货款"),
    ("impersonate_official", "说我的医保卡在外地被盗刷了，让我配合转账"),
    ("impersonate_official", "税务局说我买房可以退税，要先激活账户"),
    ("ebanking_inspection", "对方让我开个手机银行，绑他给的号码，说要远程检查"),
]


@pytest.mark.parametrize(("expected", "said"), OTHER)
def test_typologies_in_everyday_words(rules: RuleSet, expected: str, said: str) -> None:
    assert expected in typologies(rules, notes=said)


BENIGN = [
    ("生活费", "女儿", "没有人打电话让我转账，是我自己要给女儿的"),
    ("医药费", "儿子", "儿子住院了，我昨天去医院看过他，给他转点钱"),
    ("买车", "4S店", "在店里看好了车，交首付"),
    ("彩礼", "亲家", "孩子下个月结婚，给亲家的彩礼"),
    ("社保", "社保局", "去社保局窗口问过了，补缴去年的社保"),
    ("理财", "本人", "买咱们银行柜台的理财产品，转到我自己的卡"),
]


@pytest.mark.parametrize(("purpose", "relation", "notes"), BENIGN)
def test_benign_everyday_transfers_raise_no_typology(rules: RuleSet, purpose: str, relation: str, notes: str) -> None:
    assert typologies(rules, purpose, relation, notes) == set()


def test_evidence_names_the_phrase_and_where_it_was_said(rules: RuleSet) -> None:
    inp = AssessmentInput(channel="counter", amount=Decimal(1), notes="民警打电话说我涉嫌洗钱")
    [t] = [t for t in assess(rules, inp).typologies if t.id == "impersonate_authority"]
    assert "客户陈述说" in t.evidence and "民警" in t.evidence


def test_negation_cancels_a_cue(rules: RuleSet) -> None:
    said = AssessmentInput(channel="counter", amount=Decimal(1), notes="一直在打电话，对方说要先交保证金才能放款")
    unsaid = AssessmentInput(channel="counter", amount=Decimal(1), notes="没有先交保证金，也没人让我转账")
    assert "fee_first" in {s.id for s in assess(rules, said).signals}
    assert "fee_first" not in {s.id for s in assess(rules, unsaid).signals}


# ------------------------------------------------------------------ issue 12: shapes, new typologies, similarity

# Written from DOMAIN.md §3d/§4 and the public category descriptions, before the families were
# widened: the sentence shapes (who told whom, the verb, the object), not the exemplar wording.
SHAPES = [
    ("impersonate_authority", "派出所那边让我把钱打过去配合一下，说我跟一个案子有牵连"),
    ("safe_account", "他们说钱放我这不安全，先挪到一个监管的户头上，查清了再转回来"),
    ("romance", "在快手上处了半年的女朋友，她爸住院了还差两万"),
    ("investment", "有个业务员推荐的原始股，说明年上市能涨到十几块"),
    ("pension", "交十万块入会，一年返一万五，还送养老院的床位"),
    ("family_emergency", "俺闺女用别人手机打来，哭着说在外面把人撞了，要先赔钱"),
    ("impersonate_boss", "老同学在微信上说急着周转，让我打到他表哥的卡上"),
    ("ebanking_inspection", "客服让我开通手机银行，开完把用户名和密码告诉他们"),
]


@pytest.mark.parametrize(("expected", "said"), SHAPES)
def test_word_families_match_sentence_shapes(rules: RuleSet, expected: str, said: str) -> None:
    assert expected in typologies(rules, notes=said)


NEW_TYPOLOGIES = [
    ("fake_credit", "对方说我上学时开过校园贷，不注销就影响征信"),
    ("fake_credit", "网上一家公司说能帮我把征信上的逾期消掉"),
    ("online_shopping", "微信上认识的卖家卖便宜手机，说先付钱再发货"),
    ("game_trade", "跟人私下买游戏账号，对方让我先打钱再换绑"),
    ("money_mule", "朋友说借我的卡用一下，钱进来了我再帮他转出去"),
    ("gambling", "在网上玩百家乐输了，想再充值翻本"),
    ("job_fee", "中介介绍进厂打工，上岗前先交服装费和体检费"),
    ("military_order", "自称部队的连长来订货，让我先把钱垫给他们指定的供货商"),
    ("recovery", "上回被骗了两万，有人说能帮我追回来，要先交手续费"),
    ("extortion", "对方拿视频威胁我，不给钱就发给我通讯录里的人"),
]


@pytest.mark.parametrize(("expected", "said"), NEW_TYPOLOGIES)
def test_typologies_from_the_public_catalogue(rules: RuleSet, expected: str, said: str) -> None:
    assert expected in typologies(rules, notes=said)


BENIGN_NEW = [
    ("买手机", "京东自营", "在京东上下单，货到了再确认收货"),
    ("游戏充值", "本人", "给自己的游戏账号充点卡，在官方app里充的"),
    ("还信用卡", "本人", "按时还款，免得影响征信"),
    ("学费", "学校", "驾校报名，在驾校前台交的培训费，有收据"),
    ("货款", "供货商", "老客户了，合同在这儿，对公账户"),
]


@pytest.mark.parametrize(("purpose", "relation", "notes"), BENIGN_NEW)
def test_new_typologies_leave_ordinary_business_alone(rules: RuleSet, purpose: str, relation: str, notes: str) -> None:
    assert typologies(rules, purpose, relation, notes) == set()


def test_the_similarity_cue_is_its_own_low_weight_reason(rules: RuleSet) -> None:
    assert rules.scripts is not None and rules.similarity_signal
    script = rules.typologies["impersonate_official"].exemplars[0]
    inp = AssessmentInput(channel="counter", amount=Decimal(1), notes=script)
    result = assess(rules, inp)
    # The exemplar itself is named by the word families; the cue only adds where they miss.
    assert "impersonate_official" in {t.id for t in result.typologies}
    assert rules.similarity_signal not in result.signal_ids()

    # The same script retold in words no family covers still resembles it.
    reworded = "社保局打电话说社保卡在外地被盗刷了要冻结，得先转一笔钱做认证"
    index = rules.scripts
    best = index.match([reworded], skip=set()).get("impersonate_official")
    assert best is not None and best.similarity >= index.min_similarity


def test_the_similarity_reason_quotes_the_script_and_weighs_little(rules: RuleSet) -> None:
    import dataclasses

    # With the word families switched off, only the cue can see the story.
    bare = dataclasses.replace(rules, typology_matchers=())
    said = "朋友圈里的卖家东西很便宜，让我先付钱再发货"
    result = assess(bare, AssessmentInput(channel="counter", amount=Decimal(1), notes=said))
    [sig] = [s for s in result.signals if s.id == rules.similarity_signal]
    assert sig.reason.startswith("客户的说法与「") and "话术相似" in sig.reason
    assert sig.points <= 15 and result.level == "low"
    assert all(not t.auto_stop for t in result.typologies)


def test_the_similarity_cue_is_suppressed_by_the_same_benign_contexts(rules: RuleSet) -> None:
    import dataclasses

    bare = dataclasses.replace(rules, typology_matchers=())
    said = "给医院交住院费，住院处开的缴费单在这儿，对公账户"
    exemplar = "一个自称医生的人说我女儿突发急病要做手术，先交押金"
    result = assess(bare, AssessmentInput(channel="counter", amount=Decimal(1), notes=f"{exemplar}；{said}"))
    assert "family_emergency" not in {t.id for t in result.typologies}
    assert not any("突发急病" in s.evidence for s in result.signals if s.id == rules.similarity_signal)
