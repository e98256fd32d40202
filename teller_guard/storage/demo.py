"""Realistic synthetic interventions for demos, screenshots and benchmarks (``teller-guard demo-data``).

Every row is genuine engine output. A pool of case templates is built by filling
:class:`~teller_guard.core.case.CaseState` objects with plausible answers and customer
phrasings (one *scenario* per kind of visit: routine family transfers, 冒充公检法, 安全账户,
刷单返利 …) and scoring each with the real engine (:func:`~teller_guard.core.scoring.assess`),
then turning it into the real :class:`~teller_guard.core.records.InterventionRecord` with
:meth:`CaseState.to_record`. Rows are then sampled from the pool and varied only in what the
engine's output does not depend on — uid, time, staff, masked names, sex, the decision — or in
ways that keep it the same: a new amount stays between the same amount-band and purpose-cap
thresholds, a new age inside the same age band, and the amount or age quoted in those signals'
evidence is rewritten to the new value. So re-assessing any stored row gives back its stored
score, level and signals (the tests check this).

Running the engine for each of a million rows would take minutes (≈0.4 ms each); sampling a
pool of a few thousand templates and building rows as tuples, with each record's canonical
hash assembled from pre-rendered JSON fragments, takes seconds.

Demo rows are marked three ways so a branch can never mistake them for real interventions:
``extra = {"demo": "1"}`` on every record, staff ids starting ``demo-``, and notice serials and
police references starting ``DEMO-``. Customer names are masked (``张*``), there are no ID
numbers (age and sex only) and ``customer_ref`` is empty.
"""

from __future__ import annotations

import bisect
import gc
import hashlib
import json
import marshal
import math
import multiprocessing
import random
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from multiprocessing.connection import Connection
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, text

from teller_guard.core.case import CaseState
from teller_guard.core.models import Assessment
from teller_guard.core.money import format_yuan
from teller_guard.core.records import Staff, mask_name
from teller_guard.core.rules import RuleSet
from teller_guard.core.schema import Channel
from teller_guard.core.scoring import assess

DEMO_EXTRA = {"demo": "1"}
"""The ``extra`` every demo record carries."""
DEMO_EXTRA_JSON = json.dumps(DEMO_EXTRA, ensure_ascii=False, sort_keys=True)
"""How :class:`~teller_guard.storage.repository.Repository` stores it (``extra_json``)."""

INTERVENTION_COLUMNS: tuple[str, ...] = (
    "id", "uid", "channel", "status", "started_at", "closed_at", "local_day", "local_month", "branch_code",
    "staff_id", "staff_role", "machine_id", "amount_fen", "customer_age", "customer_sex", "customer_ref",
    "customer_name_masked", "payee_name_masked", "payee_account_masked", "payee_ref", "purpose_text",
    "previous_purposes", "payee_relation_text", "notes_text", "observations", "score", "level", "rules_version",
    "signal_ids", "typology_ids", "typology_labels", "primary_typology", "decision_group", "amount_protected_fen",
    "ack_method", "handoff_from_uid", "corrects_uid",
    "correction_reason", "step_seconds", "duration_seconds", "record_hash", "prev_hash", "extra_json",
)  # fmt: skip
COLUMNS: dict[str, tuple[str, ...]] = {
    "intervention": INTERVENTION_COLUMNS,
    "answer": ("intervention_id", "item_id", "value_json", "said", "answered_at"),
    "fired_signal": ("intervention_id", "signal_id", "label", "category", "points", "evidence", "reason"),
    "decision": (
        "intervention_id", "decision", "label", "decision_group", "decided_by", "decided_at",
        "amount_protected_fen", "police_ref", "police_called_at", "supervisor_id", "supervisor_reason", "note",
        "supervisor_at", "supervisor_auth",
    ),
    "acknowledgement": (
        "intervention_id", "method", "notice_serial", "notice_version", "notice_text_hash", "signer_masked",
        "witness_staff_id", "at", "supervisor_id", "reason",
    ),
}  # fmt: skip
"""Column order of the row tuples :meth:`DemoGenerator.chunks` yields, per table (parents first)."""

RowChunk = dict[str, list[tuple[Any, ...]]]
"""Rows of one chunk: table name → row tuples in :data:`COLUMNS` order."""

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
_TELLERS = [s.staff_id for s in DEMO_STAFF if s.role == "teller"]
_TELLER_WEIGHTS = [1.35, 1.25, 1.15, 1.0, 1.0, 0.9, 0.8, 0.55]  # some windows are busier
_LOBBY = [s.staff_id for s in DEMO_STAFF if s.role == "lobby"]
_SUPERVISOR = "demo-s01"

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

_DECISIONS: dict[tuple[str, bool], dict[str, dict[str, float]]] = {
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

_ACK_METHODS = (("paper", 0.58), ("screen", 0.32), ("refused", 0.1))
_SUPERVISOR_REASONS = (
    "已电话联系客户子女核实，确为家庭正常用款",
    "收款方为正规商户，已核对合同与发票",
    "客户出示购房合同，用途属实",
    "已当面联系收款人本人核实身份",
)

# Step durations in seconds (lo, hi) per channel and level; the notice adds its own step.
_STEPS: dict[str, tuple[str, ...]] = {
    "counter": ("转账信息", "三问", "二看", "一核对", "决定"),
    "atm": ("一问", "二看", "三提醒", "决定"),
}
_STEP_SECONDS: dict[str, dict[str, tuple[tuple[int, int], ...]]] = {
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
_NOTICE_SECONDS = (45, 240)
"""Reading and signing the notice, part of the 决定 step."""

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石"
    "廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_COMPANIES = ("杭州鑫达贸易有限公司", "上海恒信建材有限公司", "广州联创科技有限公司", "南京华润物业服务有限公司",
              "苏州顺丰装饰工程有限公司", "某某房地产开发有限公司", "北京宏远汽车销售有限公司")  # fmt: skip

# ---------------------------------------------------------------------------------- time


_RAW_JSON_KEYS = frozenset(
    {"machine_id", "amount_fen", "customer_age", "payee_name_masked", "payee_account_masked", "signals", "decision",
     "acknowledgement", "handoff_from_uid", "step_seconds"}
)  # fmt: skip
"""Per-row values given to the JSON template already encoded (numbers, objects, nullable strings);
the others are strings that never need escaping and are quoted by the template."""


def _json_str(value: str | None) -> str:
    """JSON for strings this module builds itself (asserted free of characters JSON escapes)."""
    return "null" if value is None else '"' + value + '"'


_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f]')


def _hms_table() -> list[str]:
    return [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)]


_HMS = _hms_table()


@dataclass(frozen=True)
class _Stamp:
    """One instant in the three spellings the rows need (DB text, record JSON, local day)."""

    db: str
    js: str


class _Clock:
    """Turns epoch seconds into the SQLite storage text of SQLAlchemy's ``DateTime`` and the
    ``...Z`` form pydantic writes in a record's canonical JSON, with per-day caches so a
    million rows cost a few table lookups each instead of a ``strftime``."""

    def __init__(self) -> None:
        self._days: dict[int, str] = {}

    def day(self, epoch: int) -> str:
        d = epoch // 86400
        s = self._days.get(d)
        if s is None:
            s = self._days[d] = (date(1970, 1, 1) + timedelta(days=d)).isoformat()
        return s

    def db(self, epoch: int) -> str:
        return f"{self.day(epoch)} {_HMS[epoch % 86400]}.000000"

    def js(self, epoch: int) -> str:
        return f"{self.day(epoch)}T{_HMS[epoch % 86400]}Z"


# Half-hour slots from 08:30 to 17:30 local, weighted for the morning peak, the lunch lull and
# the afternoon peak.
_SLOT_WEIGHTS = (0.6, 0.9, 1.1, 1.3, 1.3, 1.2, 1.0, 0.7, 0.6, 0.7, 0.9, 1.1, 1.2, 1.2, 1.1, 1.0, 0.8, 0.5)
_OPEN = 8 * 3600 + 1800
_WEEKDAY_WEIGHTS = (1.25, 1.05, 1.0, 1.0, 1.1, 0.6, 0.0)  # Mon … Sun; Sunday closed


def business_days(end: date, months: int) -> list[date]:
    """Local business days (Mon–Sat) from ``months`` months before ``end`` up to ``end``."""
    y, m = end.year, end.month - months
    while m < 1:
        y, m = y - 1, m + 12
    day = min(
        end.day,
        [31, 29 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1],
    )
    start = date(y, m, day) + timedelta(days=1)
    out, d = [], start
    while d <= end:
        if _WEEKDAY_WEIGHTS[d.weekday()] > 0:
            out.append(d)
        d += timedelta(days=1)
    return out


# ---------------------------------------------------------------------------------- templates


@dataclass
class _Template:
    """One engine-scored case and everything a row built from it shares."""

    scenario: Scenario
    level: str
    score: int
    typology_ids: tuple[str, ...]
    amount_fen: int
    amount_lo: int
    """New amounts must be strictly between ``amount_lo`` and ``amount_hi`` (fen)."""
    amount_hi: int
    age: int
    age_lo: int
    age_hi: int
    amount_text: str
    age_text: str
    has_payee: bool
    payee_relation: str | None
    static: dict[str, Any]
    """Intervention columns that do not change from row to row."""
    answers: tuple[tuple[str, str, str], ...]
    """(item_id, value_json, said) in record order."""
    signals: tuple[tuple[str, str, str, int, str, str], ...]
    amount_signals: frozenset[int]
    age_signals: frozenset[int]
    signals_json: str
    json_format: str
    """The record's canonical JSON as a ``str.format_map`` template of the per-row values."""


def _cumulative(weights: Sequence[float]) -> Iterator[float]:
    acc = 0.0
    for w in weights:
        acc += w
        yield acc


class _Picker:
    """A weighted choice from fixed weights, precomputed once (``random.choices`` rebuilds them per call)."""

    __slots__ = ("keys", "cum", "total")

    def __init__(self, weights: Mapping[str, float]) -> None:
        self.keys = list(weights)
        self.cum = list(_cumulative([weights[k] for k in self.keys]))
        self.total = self.cum[-1]

    def __call__(self, u: float) -> str:
        """The key for a uniform draw ``u`` in [0, 1)."""
        return self.keys[bisect.bisect(self.cum, u * self.total)]


def _amount_fen(rng: random.Random, spec: tuple[float, float, float, float]) -> int:
    """A log-normal amount in fen, rounded the way people round transfers."""
    median, sigma, lo, hi = spec
    yuan = min(hi, max(lo, median * math.exp(rng.gauss(0.0, sigma))))
    # Most sums are to the hundred, large ones to the thousand, a few are exact to the fen.
    r = rng.random()
    if r < 0.08:
        return round(yuan * 100)
    step = 1000 if yuan >= 20000 and r < 0.7 else 100 if yuan >= 1000 else 10
    return max(step, round(yuan / step) * step) * 100


class DemoGenerator:
    """Builds the template pool once, then yields row chunks for :meth:`Repository.bulk_insert_rows`.

    Deterministic: the same rules, seed, end time, months, time zone and pool size give the
    same rows, byte for byte.
    """

    def __init__(
        self,
        rules: RuleSet,
        *,
        seed: int,
        end: datetime,
        months: int = 12,
        tz: ZoneInfo | None = None,
        pool_size: int = 3000,
    ) -> None:
        if end.tzinfo is None:
            raise ValueError("end must be timezone-aware")
        self.rules = rules
        self.seed = seed
        self.tz = tz or ZoneInfo("Asia/Shanghai")
        self.end = end
        self.months = months
        self.rng = random.Random(seed)
        self.clock = _Clock()
        self.scenarios = {s.id: s for s in SCENARIOS}
        self._amount_thresholds = sorted(
            {int(b.min_yuan * 100) for b in rules.policy.amount_band}
            | {int(p.typical_max_yuan * 100) for p in rules.purposes if p.typical_max_yuan is not None}
        )
        self._age_thresholds = sorted({b.min_age for b in rules.policy.age_band})
        self._age_signals = {b.signal for b in rules.policy.age_band}
        self._amount_signals = {b.signal for b in rules.policy.amount_band} | {"amount_purpose_mismatch"}
        # The hash the counter records with every acknowledgement (imported here, not at the top,
        # because the reports package may itself import storage).
        from teller_guard.core.notice_text import notice_text_hash

        self._notice_hash = notice_text_hash(rules)
        self.pool: dict[str, list[_Template]] = {}
        self._build_pool(pool_size)
        self._payee_accounts = [f"****{i:04d}" for i in range(10000)]
        self._companies = [mask_name(c) or "" for c in _COMPANIES]
        self._machines: list[str | None] = [m.id for m in rules.branch.machines] or [None]
        self._local_cache: dict[int, str] = {}
        self._notice_version = rules.notice.version
        self._notice_version_js = json.dumps(rules.notice.version, ensure_ascii=False)
        self._decision_js = {
            d.id: f'"decision":"{d.id}","group":"{d.group}","label":{json.dumps(d.label, ensure_ascii=False)},"note":""'
            for d in rules.policy.decision
        }

    # ------------------------------------------------------------ the pool
    def _build_pool(self, size: int) -> None:
        total = sum(math.sqrt(s.weight) for s in SCENARIOS)
        for s in SCENARIOS:
            k = max(12, round(size * math.sqrt(s.weight) / total))
            self.pool[s.id] = [self._template(s) for _ in range(k)]

    def _case(self, s: Scenario) -> CaseState:
        rng = self.rng
        checklist = self.rules.checklist_for(s.channel)
        answers: dict[str, bool | str] = {}
        said: dict[str, str] = {}
        for item in checklist.item:
            if item.id in s.choices:
                answers[item.id] = _Picker(s.choices[item.id])(rng.random())
            elif item.id in s.yesno:
                answers[item.id] = rng.random() < s.yesno[item.id]
            elif item.kind == "yesno" and item.key:
                # Closing is the teller's word that the 二看 were done: an unticked look is
                # stored as not seen (as the counter screen does).
                answers[item.id] = rng.random() < s.looks.get(item.id, 0.0)
            if item.id in s.said:
                p, phrases = s.said[item.id]
                if rng.random() < p:
                    said[item.id] = rng.choice(phrases)
        lo, mode, hi = s.age
        return CaseState(
            channel=s.channel,
            staff_id="demo",
            amount=f"{(fen := _amount_fen(rng, s.amount)) // 100}.{fen % 100:02d}",
            customer_age=int(rng.triangular(lo, hi, mode)),
            customer_sex="F" if rng.random() < s.female else "M",
            answers=answers,
            said=said,
        )

    def _template(self, s: Scenario) -> _Template:
        case = self._case(s)
        assessment: Assessment = assess(self.rules, case.to_input(self.rules))
        closed = datetime(2000, 1, 1, tzinfo=UTC)
        rec = case.to_record(self.rules, assessment, decision=None, closed_at=closed)
        amount_fen = rec.amount_fen
        lo = max((t for t in self._amount_thresholds if t < amount_fen), default=0)
        hi = min((t for t in self._amount_thresholds if t > amount_fen), default=10**12)
        age = rec.customer_age or 0
        age_lo = max((t for t in self._age_thresholds if t <= age), default=18)
        age_hi = min((t - 1 for t in self._age_thresholds if t > age), default=max(age, 95))
        signals = tuple((f.id, f.label, f.category, f.points, f.evidence, f.reason) for f in rec.signals)
        amount_text, age_text = format_yuan(amount_fen), f"{age}岁"
        amount_sigs = frozenset(
            i for i, f in enumerate(rec.signals) if f.id in self._amount_signals and amount_text in f.evidence
        )
        age_sigs = frozenset(i for i, f in enumerate(rec.signals) if f.id in self._age_signals)
        relation = case.answers.get("relation") if s.channel == "counter" else case.answers.get("business")
        has_payee = s.channel == "counter" or str(relation).startswith("transfer")

        # The record's canonical JSON (as InterventionRecord.canonical_json renders it), with
        # every per-row value replaced by a marker to split on.
        dump = rec.model_dump(mode="json")
        per_row = (
            "uid", "started_at", "closed_at", "staff_id", "staff_role", "machine_id", "amount_fen", "customer_age",
            "customer_sex", "customer_name_masked", "payee_name_masked", "payee_account_masked", "signals",
            "decision", "acknowledgement", "handoff_from_uid", "step_seconds",
        )  # fmt: skip
        for key in per_row:
            dump[key] = f"@@{key}@@"
        for a in dump["answers"]:
            a["answered_at"] = "@@closed_at@@"  # CaseState.to_record stamps every answer with the closing time
        dump["extra"] = dict(DEMO_EXTRA)
        rendered = json.dumps(dump, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        parts = re.split(r'"@@(\w+)@@"', rendered)
        json_format = "".join(
            ("{" + p + "}" if p in _RAW_JSON_KEYS else '"{' + p + '}"')
            if k % 2
            else p.replace("{", "{{").replace("}", "}}")
            for k, p in enumerate(parts)
        )
        signals_json = json.dumps(
            [f.model_dump(mode="json") for f in rec.signals], sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        static = {
            "channel": rec.channel,
            "status": rec.status,
            "branch_code": rec.branch_code,
            "customer_ref": None,
            "payee_ref": None,
            "purpose_text": rec.purpose_text,
            "previous_purposes": json.dumps(list(rec.previous_purposes), ensure_ascii=False),
            "payee_relation_text": rec.payee_relation_text,
            "notes_text": rec.notes_text,
            "observations": ",".join(rec.observations),
            "score": rec.score,
            "level": rec.level,
            "rules_version": rec.rules_version,
            "signal_ids": ",".join(f.id for f in rec.signals),
            "typology_ids": ",".join(t.id for t in rec.typologies),
            "typology_labels": "；".join(t.label for t in rec.typologies),
            "primary_typology": rec.typologies[0].id if rec.typologies else None,
        }
        return _Template(
            scenario=s,
            level=rec.level,
            score=rec.score,
            typology_ids=tuple(t.id for t in rec.typologies),
            amount_fen=amount_fen,
            amount_lo=lo,
            amount_hi=hi,
            age=age,
            age_lo=age_lo,
            age_hi=age_hi,
            amount_text=amount_text,
            age_text=age_text,
            has_payee=has_payee,
            payee_relation=str(relation) if relation is not None else None,
            static=static,
            answers=tuple((a.item_id, json.dumps(a.value, ensure_ascii=False), a.said) for a in rec.answers),
            signals=signals,
            amount_signals=amount_sigs,
            age_signals=age_sigs,
            signals_json=signals_json,
            json_format=json_format,
        )

    def templates(self) -> Iterator[_Template]:
        for pool in self.pool.values():
            yield from pool

    # ------------------------------------------------------------ rows
    def _start_times(self, n: int) -> list[int]:
        """``n`` sorted start instants (epoch seconds) in local business hours, none after ``end``."""
        rng = self.rng
        end_epoch = int(self.end.timestamp())
        days = business_days(self.end.astimezone(self.tz).date(), self.months)
        # Local midnight of each day as an epoch (the zone's offset during business hours).
        midnights = [int(datetime.combine(d, time(12), self.tz).timestamp()) - 12 * 3600 for d in days]
        day_w = [_WEEKDAY_WEIGHTS[d.weekday()] for d in days]
        slot_cum = list(_cumulative(_SLOT_WEIGHTS))
        day_cum = list(_cumulative(day_w))
        out: list[int] = []
        while len(out) < n:
            k = n - len(out)
            ds = rng.choices(range(len(days)), cum_weights=day_cum, k=k)
            ss = rng.choices(range(len(_SLOT_WEIGHTS)), cum_weights=slot_cum, k=k)
            for d, s in zip(ds, ss, strict=True):
                t = midnights[d] + _OPEN + s * 1800 + int(rng.random() * 1800)
                if t <= end_epoch:
                    out.append(t)
        out.sort()
        return out

    def _amount(self, t: _Template) -> int:
        rng = self.rng
        if rng.random() < 0.15:
            return t.amount_fen  # the same round sum again
        spec = t.scenario.amount
        for _ in range(4):
            fen = _amount_fen(rng, spec)
            if t.amount_lo < fen < t.amount_hi:
                return fen
        return t.amount_fen

    def chunks(self, n: int, first_id: int = 1, *, chunk: int = 10_000) -> Iterator[RowChunk]:
        """Yield ``n`` interventions (with their answers, signals, decisions, acknowledgements)
        as row tuples, ids counting up from ``first_id``, about ``chunk`` interventions a time."""
        rng = self.rng
        rnd = rng.random
        scenarios = [s for s in SCENARIOS if self.pool[s.id]]
        scen_cum = list(_cumulative([s.weight for s in scenarios]))
        starts = self._start_times(n)
        picks = rng.choices(range(len(scenarios)), cum_weights=scen_cum, k=n)
        teller = _Picker(dict(zip(_TELLERS, _TELLER_WEIGHTS, strict=True)))
        decide = {
            (ch, fraud, level): _Picker(weights)
            for (ch, fraud), by_level in _DECISIONS.items()
            for level, weights in by_level.items()
        }
        counters: dict[str, int] = {}
        rows = _Rows()
        iid = first_id
        made = 0
        i = 0
        while made < n:
            s = scenarios[picks[i]]
            start = starts[i]
            i += 1
            pool = self.pool[s.id]
            t = pool[int(rnd() * len(pool))]
            if s.channel == "counter":
                staff, machine = teller(rnd()), None
            else:
                staff = _LOBBY[int(rnd() * len(_LOBBY))]
                machine = self._machines[int(rnd() * len(self._machines))]
            decision = decide[(s.channel, s.fraud, t.level)](rnd())
            if decision == "to_counter" and (made + 2 > n or not s.followup):
                decision = "dissuaded" if s.fraud else "self_proceed"
            uid, closed = self._row(rows, iid, t, start, staff, machine, decision, None, counters)
            iid += 1
            made += 1
            if decision == "to_counter":
                # The customer is walked to a counter, where a teller continues the case.
                fpool = self.pool[s.followup]  # type: ignore[index]
                follow = fpool[int(rnd() * len(fpool))]
                fdec = decide[("counter", follow.scenario.fraud, follow.level)](rnd())
                later = closed + 60 + int(rnd() * 420)
                self._row(rows, iid, follow, later, teller(rnd()), None, fdec, uid, counters)
                iid += 1
                made += 1
            if len(rows.intervention) >= chunk:
                yield rows.take()
        if rows.intervention:
            yield rows.take()

    def _row(
        self,
        rows: _Rows,
        iid: int,
        t: _Template,
        start: int,
        staff: str,
        machine: str | None,
        decision_id: str,
        handoff_from: str | None,
        counters: dict[str, int],
    ) -> tuple[str, int]:
        """Append one intervention and its children to ``rows``; return its uid and closing time."""
        rng = self.rng
        rnd = rng.random
        clock = self.clock
        sc = t.scenario
        channel = sc.channel
        uid = f"{rng.getrandbits(128):032x}"

        amount = self._amount(t)
        # Within five years of the template's customer (the scenario's age profile), and never
        # across an age-band boundary.
        age = min(t.age_hi, max(t.age_lo, t.age - 5 + int(rnd() * 11)))
        sex = "F" if rnd() < sc.female else "M"
        surname = _SURNAMES[int(rnd() * len(_SURNAMES))]
        name = surname + ("*" if rnd() < 0.3 else "**")
        payee_name = payee_account = None
        if t.has_payee:
            rel = t.payee_relation
            if rel == "self":
                payee_name = name
            elif rel == "company":
                payee_name = self._companies[int(rnd() * len(self._companies))]
            elif rel in ("child", "parent", "transfer_family") and rnd() < 0.7:
                payee_name = surname + "*"
            else:
                payee_name = _SURNAMES[int(rnd() * len(_SURNAMES))] + ("*" if rnd() < 0.3 else "**")
            payee_account = self._payee_accounts[int(rnd() * 10000)]

        # The signals, with the amount and age they quote brought up to date.
        signals = t.signals
        signals_json = t.signals_json
        if amount != t.amount_fen and t.amount_signals:
            signals, signals_json = _requote(
                t, t.amount_signals, t.amount_text, format_yuan(amount), signals, signals_json
            )
        if age != t.age and t.age_signals:
            signals, signals_json = _requote(t, t.age_signals, t.age_text, f"{age}岁", signals, signals_json)

        # Time per step; the notice (medium and above at the counter, and low too where the
        # branch policy has every remittance customer sign it) is a step of its own.
        level = t.level
        has_ack = channel == "counter" and level != "low"
        # A low-risk customer who signs as a matter of policy signs on paper at once; no random
        # draw is spent on it, so the rest of a seeded run is the same with either policy.
        low_ack = channel == "counter" and level == "low" and self.rules.policy.notice.low_risk_signs
        spans = _STEP_SECONDS[channel][level]
        secs = [lo + int(rnd() * (hi - lo + 1)) for lo, hi in spans]
        if has_ack:
            secs[-1] += _NOTICE_SECONDS[0] + int(rnd() * (_NOTICE_SECONDS[1] - _NOTICE_SECONDS[0] + 1))
        elif low_ack:
            secs[-1] += _NOTICE_SECONDS[0]
        steps_db, steps_js = _STEP_FORMATS[channel]
        ordered = [secs[k] for k in _STEP_ORDER[channel]]
        duration = sum(secs)
        closed = start + duration
        start_db, closed_db, closed_js = clock.db(start), clock.db(closed), clock.js(closed)
        local = self._local_day(closed)

        # The decision, and what it protected.
        d = self.rules.decisions[decision_id]
        protected = amount if d.records_amount_protected else 0
        police_ref = police_at_db = police_at_js = None
        if d.records_police:
            k = counters[local + "p"] = counters.get(local + "p", 0) + 1
            police_ref = f"DEMO-JJ{local.replace('-', '')}{k:03d}"
            at = closed - 120 - int(rnd() * max(1, min(1680, duration - 150)))
            police_at_db, police_at_js = clock.db(at), clock.js(at)
        ack: tuple[Any, ...] | None = None
        ack_js = "null"
        if has_ack or low_ack:
            method = _ACK_PICKER(rnd()) if has_ack else "paper"
            k = counters[local] = counters.get(local, 0) + 1
            serial = f"DEMO-{local.replace('-', '')}-{k:04d}"  # next_notice_serial's shape, DEMO for the branch
            at = closed - 5 - (int(rnd() * 40) if has_ack else 20)  # signed, then the case is closed
            signer = None if method == "refused" else name
            ack = (method, serial, self._notice_version, self._notice_hash, signer, staff, clock.db(at), None, None)
            ack_js = (
                f'{{"at":"{clock.js(at)}","method":"{method}","notice_serial":"{serial}",'
                f'"notice_text_hash":"{self._notice_hash}","notice_version":{self._notice_version_js},'
                f'"reason":null,"signer_masked":{_json_str(signer)},"supervisor_id":null,"witness_staff_id":"{staff}"}}'
            )
        supervisor = reason = None
        if level in d.needs_supervisor_at or (
            ack is not None and ack[0] == "refused" and level in ("high", "critical")
        ):
            supervisor, reason = _SUPERVISOR, _SUPERVISOR_REASONS[int(rnd() * len(_SUPERVISOR_REASONS))]
        dj = self._decision_js[d.id]
        decision_js = (
            f'{{"amount_protected_fen":{protected},"decided_at":"{closed_js}","decided_by":"{staff}",{dj},'
            f'"police_called_at":{_json_str(police_at_js)},"police_ref":{_json_str(police_ref)},'
            # The demo supervisor approves with their PIN at the moment the case closes.
            + (f'"supervisor_at":"{closed_js}","supervisor_auth":"pin",' if supervisor else "")
            + f'"supervisor_id":{_json_str(supervisor)},"supervisor_reason":{_json_str(reason)}}}'
        )

        role = "teller" if channel == "counter" else "lobby"
        canonical = t.json_format.format(
            uid=uid,
            started_at=clock.js(start),
            closed_at=closed_js,
            staff_id=staff,
            staff_role=role,
            machine_id=_json_str(machine),
            amount_fen=amount,
            customer_age=age,
            customer_sex=sex,
            customer_name_masked=name,
            payee_name_masked=_json_str(payee_name),
            payee_account_masked=_json_str(payee_account),
            signals=signals_json,
            decision=decision_js,
            acknowledgement=ack_js,
            handoff_from_uid=_json_str(handoff_from),
            step_seconds=steps_js % tuple(ordered),
        )
        record_hash = hashlib.sha256(canonical.encode()).hexdigest()

        st = t.static
        rows.intervention.append(
            (
                iid, uid, channel, "closed", start_db, closed_db, local, local[:7], st["branch_code"],
                staff, role, machine, amount, age, sex, None, name, payee_name, payee_account, None,
                st["purpose_text"], st["previous_purposes"], st["payee_relation_text"], st["notes_text"],
                st["observations"], st["score"], st["level"], st["rules_version"], st["signal_ids"],
                st["typology_ids"], st["typology_labels"], st["primary_typology"], d.group, protected,
                ack[0] if ack is not None else None, handoff_from, None, None,
                steps_db % tuple(ordered), duration, record_hash, None, DEMO_EXTRA_JSON,
            )
        )  # fmt: skip
        rows.answer.extend([(iid, item, value, said, closed_db) for item, value, said in t.answers])
        rows.fired_signal.extend([(iid, *sig) for sig in signals])
        rows.decision.append(
            (
                iid, d.id, d.label, d.group, staff, closed_db, protected, police_ref, police_at_db, supervisor, reason,
                "", closed_db if supervisor else None, "pin" if supervisor else None,
            )
        )  # fmt: skip
        if ack is not None:
            rows.acknowledgement.append((iid, *ack))
        return uid, closed

    def _local_day(self, epoch: int) -> str:
        # Cached per hour: every zone offset in use is a whole number of hours or half-hours,
        # and a half-hour zone's rows never close within 30 minutes of local midnight.
        key = epoch // 3600
        day = self._local_cache.get(key)
        if day is None:
            day = self._local_cache[key] = datetime.fromtimestamp(epoch, self.tz).date().isoformat()
        return day


def _step_formats() -> tuple[dict[str, tuple[str, str]], dict[str, list[int]]]:
    """``%d`` templates of ``step_seconds`` as the repository stores it (``json.dumps(..., sort_keys=True)``)
    and as the canonical record JSON renders it, with the order the step values go in."""
    formats, orders = {}, {}
    for channel, keys in _STEPS.items():
        order = sorted(range(len(keys)), key=lambda k: keys[k])
        db = "{" + ", ".join(f"{json.dumps(keys[k])}: %d" for k in order) + "}"
        js = "{" + ",".join(f'"{keys[k]}":%d' for k in order) + "}"
        formats[channel] = (db, js)
        orders[channel] = order
    return formats, orders


_STEP_FORMATS, _STEP_ORDER = _step_formats()
_ACK_PICKER = _Picker(dict(_ACK_METHODS))


def _requote(
    t: _Template,
    which: frozenset[int],
    old: str,
    new: str,
    signals: tuple[tuple[str, str, str, int, str, str], ...],
    signals_json: str,
) -> tuple[tuple[tuple[str, str, str, int, str, str], ...], str]:
    """Rewrite the amount or age quoted in the evidence and reason of the signals that quote it."""
    out = tuple(
        (a, b, c, d, e.replace(old, new), f.replace(old, new)) if k in which else (a, b, c, d, e, f)
        for k, (a, b, c, d, e, f) in enumerate(signals)
    )
    return out, signals_json.replace(old, new)


class _Rows:
    """Row buffers of one chunk."""

    def __init__(self) -> None:
        self.intervention: list[tuple[Any, ...]] = []
        self.answer: list[tuple[Any, ...]] = []
        self.fired_signal: list[tuple[Any, ...]] = []
        self.decision: list[tuple[Any, ...]] = []
        self.acknowledgement: list[tuple[Any, ...]] = []

    def take(self) -> RowChunk:
        out = {
            "intervention": self.intervention,
            "answer": self.answer,
            "fired_signal": self.fired_signal,
            "decision": self.decision,
            "acknowledgement": self.acknowledgement,
        }
        self.__init__()  # type: ignore[misc]
        return out


# ---------------------------------------------------------------------------------- two cores


@dataclass(frozen=True)
class DemoSpec:
    """Everything that determines a demo run: a :class:`DemoGenerator` built from it in another
    process yields exactly the rows one built here would."""

    rules_dir: str
    seed: int
    end: datetime
    months: int
    tz: str
    pool_size: int

    def generator(self) -> DemoGenerator:
        from teller_guard.core.rules import load_rules

        return DemoGenerator(
            load_rules(self.rules_dir),
            seed=self.seed,
            end=self.end,
            months=self.months,
            tz=ZoneInfo(self.tz),
            pool_size=self.pool_size,
        )


def _produce(spec: DemoSpec, n: int, first_id: int, chunk: int, conn: Connection) -> None:
    """Child process: generate the rows and send each chunk down the pipe (``marshal``: about
    twice as fast as pickle for tuples of str/int/None), then an empty message."""
    # Row tuples hold only str/int/None and cannot form reference cycles: the cyclic
    # collector would only rescan millions of them (≈25% of the run time) for nothing.
    gc.disable()
    try:
        for rows in spec.generator().chunks(n, first_id, chunk=chunk):
            conn.send_bytes(marshal.dumps(rows))
        conn.send_bytes(b"")
    except BrokenPipeError:  # the consumer gave up (an insert failed): nothing left to do
        pass
    finally:
        conn.close()


def pipelined_chunks(spec: DemoSpec, n: int, first_id: int = 1, *, chunk: int = 10_000) -> Iterator[RowChunk]:
    """The same chunks as ``spec.generator().chunks(n, first_id)``, generated in a second process.

    Building rows (≈30 µs an intervention) and inserting them (≈40 µs with ≈15 child rows and
    the production indexes) are both CPU-bound; in one process they add up, in two they
    overlap on a second core. The child is *spawned*, not forked: the caller holds an open
    SQLite write transaction, which a forked child must never inherit.
    """
    ctx = multiprocessing.get_context("spawn")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_produce, args=(spec, n, first_id, chunk, send), daemon=True)
    proc.start()
    send.close()
    try:
        while True:
            try:
                data = recv.recv_bytes()
            except EOFError:
                raise RuntimeError(f"the demo-data generator process died (exit status {proc.exitcode})") from None
            if not data:
                break
            yield marshal.loads(data)  # type: ignore[no-any-return]
    finally:
        recv.close()
        proc.join(timeout=5)
        if proc.is_alive():
            proc.terminate()
            proc.join()


# ---------------------------------------------------------------------------------- the database


def real_intervention_count(engine: Engine) -> int:
    """How many logged interventions are *not* demo data (0 for an empty or demo-only log)."""
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM intervention WHERE extra_json NOT LIKE :m"),
                {"m": '%"demo": "1"%'},
            ).scalar_one()
        )
