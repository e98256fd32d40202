"""Every Chinese word the app, the exports and the PDFs use for an id: one place, one wording.

Level and decision labels a branch may tune live in ``rules/policy.toml`` (read them from the
:class:`~teller_guard.core.rules.RuleSet`); :data:`LEVEL_LABELS` is only the fallback for
places that have no rules at hand.
"""

from __future__ import annotations

CHANNEL_LABELS: dict[str, str] = {"counter": "柜面", "atm": "自助设备"}
"""Where the intervention happened."""

STATUS_LABELS: dict[str, str] = {"closed": "已办结", "abandoned": "中途放弃"}
"""Whether the case reached a decision."""

LEVEL_LABELS: dict[str, str] = {"low": "低", "medium": "中", "high": "高", "critical": "极高"}
"""Risk levels (the rules' own labels win where rules are at hand)."""

GROUP_LABELS: dict[str, str] = {
    "dissuaded": "劝阻成功",
    "police": "停止办理并报警",
    "deferred": "暂缓办理",
    "warned": "提示后办理",
    "proceeded": "正常办理",
    "handoff": "带至柜台",
}
"""How statistics count a decision (``DecisionDef.group``)."""

ACK_LABELS: dict[str, str] = {
    "paper": "纸质签字",
    "screen": "屏幕签名",
    "refused": "客户拒绝签字",
    "override": "未签字（主管放行）",
}
"""How the customer acknowledged the 《防范电信诈骗告知书》."""

ROLE_LABELS: dict[str, str] = {
    "teller": "柜员",
    "lobby": "大堂经理",
    "guard": "保安",
    "supervisor": "主管",
    "security": "安全保卫",
    "admin": "管理员",
}
"""Staff roles, as DOMAIN.md §7 names them."""

SEX_LABELS: dict[str, str] = {"M": "男", "F": "女"}
"""Sex as derived from the ID number."""

NONE_LABELS: dict[str, str] = {
    "decision_group": "未处置",
    "ack_method": "无告知书",
    "typology": "未识别类型",
}
"""What an empty value of a breakdown is called."""


def label(table: dict[str, str], key: str | None, default: str = "—") -> str:
    """``table[key]``, or the key itself when unknown, or ``default`` when empty."""
    if not key:
        return default
    return table.get(key, key)
