"""The demo branch as data: its staff, the kinds of visit (scenarios) with their frequencies,
answers and phrasings, and how tellers decide on each (outcome weights, step durations, names).

Nothing here runs: :mod:`teller_guard.demo.generate` turns it into scored rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from teller_guard.core.records import Staff
from teller_guard.core.schema import Channel

# ---------------------------------------------------------------------------------- staff

DEMO_STAFF: tuple[Staff, ...] = (
    Staff(staff_id="demo-t01", name="王丽（演示）", role="teller"),
    Staff(staff_id="demo-t02", name="李娜（演示）", role="teller"),
    Staff(staff_id="demo-t03", name="张伟（演示）", role="teller"),
    Staff(staff_id="demo-t04", name="刘洋（演示）", role="teller"),
    Staff(staff_id="demo-t05", name="陈静（演示）", role="teller"),
    Staff(staff_id="demo-t06", name="杨帆（演示）", role="teller"),
    Staff(staff_id="demo-t07", name="赵敏（演示）", role="teller"),
    Staff(staff_id="demo-t08", name="周磊（演示）", role="teller"),
    Staff(staff_id="demo-l01", name="吴芳（演示）", role="lobby"),
    Staff(staff_id="demo-l02", name="孙强（演示）", role="lobby"),
    Staff(staff_id="demo-s01", name="郑主管（演示）", role="supervisor"),
    Staff(staff_id="demo-sec01", name="钱保卫（演示）", role="security"),
    Staff(staff_id="demo-a01", name="孙管理（演示）", role="admin"),
)
"""Eight tellers, two lobby staff, the supervisor who signs off, the security officer who exports and
an admin; every one signs in with the documented demo PIN (``core.accounts.DEMO_PIN``)."""
TELLERS = [s.staff_id for s in DEMO_STAFF if s.role == "teller"]
TELLER_WEIGHTS = [1.35, 1.25, 1.15, 1.0, 1.0, 0.9, 0.8, 0.55]  # some windows are busier
LOBBY = [s.staff_id for s in DEMO_STAFF if s.role == "lobby"]
SUPERVISOR = "demo-s01"

# ---------------------------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class Scenario:
    """One kind of visit: who comes, how much, what they answer and say."""

    id: str
    channel: Channel
    weight: float
    """Relative frequency among all interventions."""
    fraud: bool
    age: tuple[int, int, int]
    """low, mode, high (triangular)."""
    amount: tuple[float, float, float, float]
    """Log-normal: median yuan, sigma, then clamped to [min, max]."""
    choices: Mapping[str, Mapping[str, float]]
    """Choice item → option id → weight (always answered)."""
    yesno: Mapping[str, float] = field(default_factory=dict)
    """Yes/no item → P(yes), always answered (the 一核对 checks, 是否有人远程要求)."""
    looks: Mapping[str, float] = field(default_factory=dict)
    """二看 item → P(seen); an unseen look is recorded as ``false``."""
    said: Mapping[str, tuple[float, tuple[str, ...]]] = field(default_factory=dict)
    """Item → (P(the teller records the customer's words), phrasings)."""
    female: float = 0.5
    followup: str | None = None
    """For lobby scenarios: the counter scenario that continues a 带至柜台 case."""


_CHECKS = {"asked_remotely": 0.01, "check_amount": 0.985, "check_holder": 0.995}
_CHECK_CHOICES = {
    "check_payee": {"match": 0.82, "close": 0.15, "unchecked": 0.03},
    "check_phone": {"not_applicable": 0.9, "own": 0.1},
}
_FRAUD_CHECKS = {"asked_remotely": 0.55, "check_amount": 0.55, "check_holder": 0.97}
_FRAUD_CHECK_CHOICES = {
    "check_payee": {"match": 0.1, "close": 0.2, "mismatch": 0.45, "unchecked": 0.25},
    "check_phone": {"not_applicable": 0.85, "own": 0.08, "not_own": 0.07},
}


def _counter(
    id: str,
    weight: float,
    *,
    fraud: bool,
    age: tuple[int, int, int],
    amount: tuple[float, float, float, float],
    purpose: Mapping[str, float],
    relation: Mapping[str, float],
    source: Mapping[str, float],
    looks: Mapping[str, float] | None = None,
    said: Mapping[str, tuple[float, tuple[str, ...]]] | None = None,
    female: float = 0.5,
    checks: Mapping[str, float] | None = None,
    check_choices: Mapping[str, Mapping[str, float]] | None = None,
) -> Scenario:
    base_checks = _FRAUD_CHECKS if fraud else _CHECKS
    base_choices = _FRAUD_CHECK_CHOICES if fraud else _CHECK_CHOICES
    return Scenario(
        id=id,
        channel="counter",
        weight=weight,
        fraud=fraud,
        age=age,
        amount=amount,
        choices={
            "purpose": purpose,
            "relation": relation,
            "account_source": source,
            **base_choices,
            **(check_choices or {}),
        },
        yesno={**base_checks, **(checks or {})},
        looks=looks or {},
        said=said or {},
        female=female,
    )


def _lobby(
    id: str,
    weight: float,
    *,
    fraud: bool,
    age: tuple[int, int, int],
    amount: tuple[float, float, float, float],
    business: Mapping[str, float],
    looks: Mapping[str, float] | None = None,
    said: Mapping[str, tuple[float, tuple[str, ...]]] | None = None,
    will_verify: float = 0.99,
    female: float = 0.5,
    followup: str | None = None,
) -> Scenario:
    return Scenario(
        id=id,
        channel="atm",
        weight=weight,
        fraud=fraud,
        age=age,
        amount=amount,
        choices={"business": business},
        yesno={"remind_fraud": 1.0, "remind_verify": 1.0, "remind_confirm": 1.0, "will_verify": will_verify},
        looks=looks or {},
        said=said or {},
        female=female,
        followup=followup,
    )


_CALM = {"look_nervous": 0.02, "look_phone": 0.02, "look_hurried": 0.03, "look_vague": 0.01}
_ELDER_CALM = {"look_nervous": 0.05, "look_phone": 0.03, "look_hurried": 0.03, "look_vague": 0.03, "look_coached": 0.01}
_SCAM_LOOKS = {
    "look_nervous": 0.55,
    "look_phone": 0.45,
    "look_notes": 0.3,
    "look_vague": 0.35,
    "look_hurried": 0.45,
    "look_coached": 0.05,
}

SCENARIOS: tuple[Scenario, ...] = (
    # ------------------------------------------------------------ routine counter transfers
    _counter(
        "family_support",
        30,
        fraud=False,
        age=(22, 45, 78),
        amount=(3000, 0.9, 200, 60000),
        purpose={"living": 5, "relatives": 5},
        relation={"child": 4, "parent": 3, "spouse": 1, "relative": 2},
        source={"known": 9, "in_person": 1},
        looks=_CALM,
        said={
            "purpose": (
                0.5,
                (
                    "给儿子打生活费",
                    "女儿在外地上学，转生活费",
                    "给父母的家用",
                    "给孙子的压岁钱",
                    "给女儿交学费",
                    "孝敬老人的",
                    "给妹妹的红包",
                    "老家盖房子凑的钱",
                ),
            )
        },
    ),
    _counter(
        "business_and_bills",
        26,
        fraud=False,
        age=(23, 40, 68),
        amount=(8000, 1.1, 300, 500000),
        purpose={"goods": 4, "repay": 3, "renovation": 2, "other": 1},
        relation={"company": 6, "friend": 2, "relative": 1},
        source={"known": 8, "in_person": 2},
        looks=_CALM,
        said={
            "purpose": (
                0.45,
                ("进货的货款", "还信用卡", "交房租", "装修尾款", "工程款", "给供货商结账", "还亲戚的钱", "店里的租金"),
            )
        },
    ),
    _counter(
        "house_or_car",
        5,
        fraud=False,
        age=(25, 38, 70),
        amount=(180000, 0.7, 30000, 2000000),
        purpose={"house": 7, "other": 3},
        relation={"company": 5, "self": 2, "child": 2, "relative": 1},
        source={"known": 6, "in_person": 4},
        looks=_CALM,
        said={"purpose": (0.6, ("买房首付", "购房定金", "买车的车款", "提车尾款", "给儿子付首付", "房款"))},
    ),
    _counter(
        "elderly_family",
        14,
        fraud=False,
        age=(60, 66, 88),
        amount=(6000, 1.0, 300, 300000),
        female=0.55,
        purpose={"relatives": 6, "living": 3, "other": 1},
        relation={"child": 6, "relative": 2, "self": 1, "spouse": 1},
        source={"known": 8, "in_person": 2},
        looks=_ELDER_CALM,
        said={
            "purpose": (
                0.5,
                (
                    "给儿子买房凑首付",
                    "给女儿的生活费",
                    "孙子上学的学费",
                    "帮女儿还房贷",
                    "给外孙的红包",
                    "存到我自己另一张卡",
                    "看病的医药费",
                ),
            )
        },
    ),
    _counter(
        "uneasy_but_genuine",
        9,
        fraud=False,
        age=(20, 50, 85),
        amount=(12000, 1.2, 500, 400000),
        purpose={"relatives": 3, "repay": 2, "goods": 2, "other": 3},
        relation={"friend": 5, "relative": 3, "company": 2},
        source={"known": 6.5, "in_person": 3.2, "remote": 0.3},
        looks={"look_nervous": 0.3, "look_phone": 0.25, "look_hurried": 0.4, "look_vague": 0.2},
        said={
            "purpose": (0.6, ("朋友急用钱周转一下", "有点事，先转一下", "还朋友的钱", "急着交货款", "家里有点私事")),
            "relation": (0.3, ("老同学", "生意上的朋友", "老乡")),
        },
        check_choices={"check_payee": {"match": 0.6, "close": 0.3, "unchecked": 0.1}},
    ),
    # ------------------------------------------------------------ fraud at the counter (DOMAIN.md §4)
    _counter(
        "impersonate_authority",
        0.275,
        fraud=True,
        age=(45, 68, 88),
        amount=(60000, 0.9, 5000, 1500000),
        female=0.6,
        purpose={"investigation": 3, "other": 5, "living": 2},
        relation={"caller": 5, "unknown": 3, "friend": 2},
        source={"remote": 7, "paper": 3},
        looks=_SCAM_LOOKS,
        said={
            "purpose": (
                0.8,
                (
                    "公安局的警官打电话说我涉嫌洗钱，要配合调查",
                    "检察院说我的银行卡涉案了，要核查资金",
                    "法院说我有传票，要先交钱证明清白",
                    "派出所的民警说我的身份被冒用了，要资金核查",
                    "专案组说我卷进一个案子，不能告诉家人",
                ),
            ),
            "account_source": (0.5, ("电话里的警官给的账号", "对方发来的账号", "纸条上抄的")),
        },
    ),
    _counter(
        "safe_account",
        0.175,
        fraud=True,
        age=(50, 70, 90),
        amount=(80000, 0.9, 5000, 2000000),
        female=0.6,
        purpose={"investigation": 6, "other": 4},
        relation={"caller": 6, "unknown": 4},
        source={"remote": 6, "paper": 4},
        looks=_SCAM_LOOKS,
        said={
            "purpose": (
                0.8,
                (
                    "警察说要把钱转到安全账户保护起来",
                    "转到国家账户代为保管",
                    "存到资金安全账户验资",
                    "对方说转到监管账户，查清了再退给我",
                ),
            )
        },
    ),
    _counter(
        "task_rebate",
        0.3,
        fraud=True,
        age=(19, 30, 52),
        amount=(6000, 0.9, 500, 150000),
        female=0.7,
        purpose={"other": 6, "goods": 2, "fees": 2},
        relation={"online": 5, "unknown": 4, "friend": 1},
        source={"remote": 9, "known": 1},
        looks=_SCAM_LOOKS,
        said={
            "purpose": (
                0.8,
                (
                    "在家做刷单兼职，要先垫付才能返佣金",
                    "做任务返利，充值了才能提现",
                    "抢单任务卡单了要再充值",
                    "点赞关注主播的兼职，要先交钱做任务",
                    "刷信誉的兼职，返还本金加提成",
                ),
            )
        },
    ),
    _counter(
        "loan_fee",
        0.275,
        fraud=True,
        age=(21, 33, 55),
        amount=(5000, 0.8, 500, 80000),
        female=0.4,
        purpose={"fees": 6, "other": 3, "repay": 1},
        relation={"unknown": 5, "company": 3, "caller": 2},
        source={"remote": 9, "known": 1},
        looks=_SCAM_LOOKS,
        said={
            "purpose": (
                0.8,
                (
                    "网上贷款要先交保证金才能放款",
                    "贷款APP说卡号填错了，要交解冻费",
                    "办贷款要刷流水证明还款能力",
                    "网贷说放款前先交手续费",
                    "代办信用卡提额，先交服务费",
                ),
            )
        },
    ),
    _counter(
        "pension",
        0.225,
        fraud=True,
        age=(60, 72, 92),
        amount=(50000, 0.9, 3000, 1000000),
        female=0.55,
        purpose={"investment": 5, "other": 5},
        relation={"company": 5, "unknown": 3, "friend": 2},
        source={"in_person": 5, "remote": 3, "paper": 2},
        looks={**_SCAM_LOOKS, "look_phone": 0.15, "look_notes": 0.25},
        said={
            "purpose": (
                0.85,
                (
                    "投资养老项目，每年分红",
                    "以房养老的项目，说是高息",
                    "买养老公寓床位，预存会员费",
                    "认购养老基金，年底分红",
                    "买保健品，说能包治百病",
                ),
            )
        },
    ),
    _counter(
        "romance",
        0.175,
        fraud=True,
        age=(28, 42, 65),
        amount=(40000, 1.0, 2000, 800000),
        female=0.55,
        purpose={"investment": 5, "other": 4, "relatives": 1},
        relation={"online": 7, "friend": 3},
        source={"remote": 9, "known": 1},
        looks={**_SCAM_LOOKS, "look_phone": 0.2, "look_nervous": 0.3},
        said={
            "purpose": (
                0.8,
                (
                    "网上认识的男朋友带我在平台投资",
                    "网友说这个平台稳赚不赔",
                    "没见过面的对象让我买虚拟币",
                    "交友平台认识的人教我炒币，说是内幕",
                ),
            ),
            "relation": (0.4, ("网上认识的", "从没见过面", "婚恋网认识的男友")),
        },
    ),
    _counter(
        "fake_customer_service",
        0.225,
        fraud=True,
        age=(20, 32, 60),
        amount=(9000, 0.9, 500, 200000),
        female=0.55,
        purpose={"other": 7, "repay": 3},
        relation={"unknown": 5, "caller": 3, "company": 2},
        source={"remote": 9, "known": 1},
        looks=_SCAM_LOOKS,
        said={
            "purpose": (
                0.8,
                (
                    "淘宝客服说要退款，让我下载会议软件",
                    "客服说不注销校园贷会影响征信",
                    "京东客服说百万保障要关闭，不然每月扣费",
                    "快递丢失了，客服说要双倍赔付，先转验证金额",
                    "抖音客服说会员到期要取消，按对方一步一步操作",
                ),
            )
        },
    ),
    _counter(
        "investment",
        0.2,
        fraud=True,
        age=(30, 48, 72),
        amount=(50000, 1.0, 3000, 1500000),
        female=0.45,
        purpose={"investment": 7, "other": 3},
        relation={"company": 4, "unknown": 4, "online": 2},
        source={"remote": 8, "known": 2},
        looks={**_SCAM_LOOKS, "look_phone": 0.2},
        said={
            "purpose": (
                0.8,
                (
                    "股票群的老师带单，说稳赚不赔",
                    "投资平台说收益率每天返",
                    "炒股的导师推荐的平台入金",
                    "买数字货币，说是保本高收益",
                    "平台提现提不出，要交手续费解冻",
                ),
            )
        },
    ),
    _counter(
        "family_emergency",
        0.125,
        fraud=True,
        age=(48, 65, 88),
        amount=(30000, 0.8, 2000, 300000),
        female=0.6,
        purpose={"relatives": 5, "other": 5},
        relation={"unknown": 5, "caller": 3, "child": 2},
        source={"remote": 9, "paper": 1},
        looks={**_SCAM_LOOKS, "look_nervous": 0.8, "look_hurried": 0.7},
        said={
            "purpose": (
                0.85,
                (
                    "对方打电话说我儿子出车祸住院了，要交手术费",
                    "有人说我孙子打架被抓了，要交保释金",
                    "医院的电话说女儿急病抢救，先转医药费",
                    "电话里说孩子在学校受伤了，老师让马上转钱",
                ),
            )
        },
    ),
    _counter(
        "impersonate_boss",
        0.1,
        fraud=True,
        age=(24, 36, 55),
        amount=(80000, 0.9, 5000, 800000),
        female=0.6,
        purpose={"goods": 5, "other": 5},
        relation={"company": 6, "unknown": 4},
        source={"remote": 9, "known": 1},
        looks={**_SCAM_LOOKS, "look_phone": 0.3},
        said={
            "purpose": (
                0.8,
                ("领导在微信上让我先转一笔款给客户", "老板换了新号，让我转货款", "总经理在QQ上让我马上付款"),
            )
        },
    ),
    _counter(
        "prize",
        0.06,
        fraud=True,
        age=(40, 62, 85),
        amount=(4000, 0.8, 300, 60000),
        female=0.5,
        purpose={"prize": 5, "other": 5},
        relation={"unknown": 6, "caller": 4},
        source={"remote": 9, "paper": 1},
        looks=_SCAM_LOOKS,
        said={
            "purpose": (
                0.8,
                ("中奖了要先交手续费才能领奖", "电话通知我中了大奖，要交个人所得税", "抽奖中了汽车，要先交公证费"),
            )
        },
    ),
    _counter(
        "impersonate_official",
        0.075,
        fraud=True,
        age=(45, 66, 88),
        amount=(20000, 0.9, 1000, 300000),
        female=0.55,
        purpose={"tax": 4, "other": 6},
        relation={"caller": 6, "unknown": 4},
        source={"remote": 9, "paper": 1},
        looks=_SCAM_LOOKS,
        said={
            "purpose": (
                0.8,
                (
                    "社保局工作人员打电话说我的社保卡异常，要转账",
                    "电信局说我电话欠费，不交就停用",
                    "税务局来电说购房可以退税，要先转账",
                    "快递公司说我的包裹里有违禁品，要转去核查",
                ),
            )
        },
    ),
    _counter(
        "ebanking_inspection",
        0.05,
        fraud=True,
        age=(50, 66, 85),
        amount=(20000, 0.8, 1000, 300000),
        female=0.55,
        purpose={"other": 8, "investigation": 2},
        relation={"caller": 6, "unknown": 4},
        source={"remote": 9, "paper": 1},
        looks=_SCAM_LOOKS,
        said={
            "purpose": (
                0.8,
                ("开通手机银行，绑定对方的手机号配合检查", "警察让我开网银接受调查", "对方让我开通网上银行，远程验证"),
            )
        },
        check_choices={"check_phone": {"not_own": 0.7, "own": 0.3}},
    ),
    # ------------------------------------------------------------ the lobby / self-service area
    _lobby(
        "atm_routine",
        16,
        fraud=False,
        age=(18, 42, 85),
        amount=(1500, 0.9, 100, 49000),
        business={"withdraw": 5, "deposit": 3, "transfer_own": 1, "transfer_family": 1.5, "pay": 0.5, "query": 0.5},
        looks={"look_demeanour": 0.02, "look_phone": 0.05, "look_notes": 0.01},
        said={"business": (0.15, ("取点生活费", "给女儿转钱", "存工资", "交电费", "改个密码"))},
    ),
    _lobby(
        "atm_uneasy",
        1.2,
        fraud=False,
        age=(20, 55, 88),
        amount=(3000, 0.9, 200, 49000),
        business={"transfer_other": 5, "transfer_family": 3, "withdraw": 2},
        looks={"look_demeanour": 0.35, "look_phone": 0.4, "look_notes": 0.2},
        said={"business": (0.4, ("给朋友转点钱", "朋友急用，先转一下", "有点事"))},
        will_verify=0.95,
        followup="uneasy_but_genuine",
    ),
    _lobby(
        "atm_remote_instruction",
        0.275,
        fraud=True,
        age=(25, 55, 85),
        amount=(9000, 0.8, 500, 49000),
        business={"transfer_told": 6, "transfer_other": 4},
        looks={"look_demeanour": 0.6, "look_phone": 0.7, "look_notes": 0.5},
        said={
            "business": (
                0.7,
                (
                    "电话里的警官让我转到安全账户",
                    "客服让我按提示操作退款",
                    "刷单任务要充值，先转过去",
                    "贷款要先交保证金",
                    "对方一步一步教我操作",
                    "网友说平台能赚钱，先转过去",
                ),
            )
        },
        will_verify=0.6,
        followup="impersonate_authority",
    ),
)
"""Who comes through the door, with relative frequencies. Fraud scenarios together are a few percent."""

# ---------------------------------------------------------------------------------- outcomes

DECISIONS: dict[tuple[str, bool], dict[str, dict[str, float]]] = {
    ("counter", False): {
        "low": {"proceed": 0.95, "proceed_warned": 0.045, "defer": 0.005},
        "medium": {"proceed_warned": 0.8, "proceed": 0.07, "defer": 0.11, "dissuaded": 0.02},
        "high": {"proceed_warned": 0.45, "defer": 0.45, "dissuaded": 0.1},
        "critical": {"defer": 0.5, "dissuaded": 0.3, "police": 0.2},
    },
    ("counter", True): {
        "low": {"proceed": 0.8, "proceed_warned": 0.2},
        "medium": {"proceed_warned": 0.45, "defer": 0.2, "dissuaded": 0.35},
        "high": {"dissuaded": 0.55, "defer": 0.2, "police": 0.15, "proceed_warned": 0.1},
        "critical": {"dissuaded": 0.4, "police": 0.55, "defer": 0.05},
    },
    ("atm", False): {
        "low": {"self_proceed": 0.975, "to_counter": 0.015, "dissuaded": 0.01},
        "medium": {"self_proceed": 0.6, "to_counter": 0.3, "dissuaded": 0.1},
        "high": {"to_counter": 0.6, "dissuaded": 0.3, "self_proceed": 0.1},
        "critical": {"to_counter": 0.5, "police": 0.3, "dissuaded": 0.2},
    },
    ("atm", True): {
        "low": {"self_proceed": 0.8, "to_counter": 0.2},
        "medium": {"to_counter": 0.5, "dissuaded": 0.35, "self_proceed": 0.15},
        "high": {"to_counter": 0.45, "dissuaded": 0.4, "police": 0.15},
        "critical": {"police": 0.5, "dissuaded": 0.3, "to_counter": 0.2},
    },
}
"""Decision weights by channel, whether the visit was a scam, and the engine's level."""

ACK_METHODS = (("paper", 0.58), ("screen", 0.32), ("refused", 0.1))
SUPERVISOR_REASONS = (
    "已电话联系客户子女核实，确为家庭正常用款",
    "收款方为正规商户，已核对合同与发票",
    "客户出示购房合同，用途属实",
    "已当面联系收款人本人核实身份",
)

# Step durations in seconds (lo, hi) per channel and level; the notice adds its own step.
STEPS: dict[str, tuple[str, ...]] = {
    "counter": ("转账信息", "三问", "二看", "一核对", "决定"),
    "atm": ("一问", "二看", "三提醒", "决定"),
}
STEP_SECONDS: dict[str, dict[str, tuple[tuple[int, int], ...]]] = {
    "counter": {
        "low": ((6, 25), (8, 40), (2, 10), (4, 20), (2, 12)),
        "medium": ((8, 30), (25, 90), (4, 20), (10, 45), (20, 120)),
        "high": ((8, 40), (60, 300), (10, 40), (30, 150), (120, 900)),
        "critical": ((8, 40), (90, 420), (10, 60), (30, 180), (600, 2400)),
    },
    "atm": {
        "low": ((4, 25), (2, 8), (8, 30), (2, 15)),
        "medium": ((10, 60), (3, 15), (15, 60), (20, 180)),
        "high": ((20, 120), (5, 20), (20, 90), (60, 600)),
        "critical": ((30, 180), (5, 30), (30, 120), (300, 1800)),
    },
}
NOTICE_SECONDS = (45, 240)
"""Reading and signing the notice, part of the 决定 step."""

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石"
    "廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
COMPANIES = ("杭州鑫达贸易有限公司", "上海恒信建材有限公司", "广州联创科技有限公司", "南京华润物业服务有限公司",
              "苏州顺丰装饰工程有限公司", "某某房地产开发有限公司", "北京宏远汽车销售有限公司")  # fmt: skip
