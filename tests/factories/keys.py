"""Whole cases as the keys a teller types (for Pilot bursts and tmux ``send-keys``)."""

from __future__ import annotations

from tests.factories import YOUNG_ID

ID_NUMBER = YOUNG_ID
"""A valid ID number (a man born 1990)."""
ACCOUNT = "6222020200112233445"

# fmt: off
LOW_RISK_CASE = (
    "5000", "enter",                     # 金额 → 身份证号
    ID_NUMBER,                           # a complete ID moves on to 收款人 by itself
    "王小明", "enter",                    # 收款人 → 收款账号
    ACCOUNT, "enter",                    # → 三问
    "3", "3", "1", "2",                  # 用途 还款, 关系 子女, 账号 本人已知, 有人要求 否
    "enter",                             # 二看: nothing seen (all recorded as looked at)
    "1", "enter", "1", "1", "1",         # 一核对: 一致, facts none, 相称 是, 本人 是, 未开通网银
    "f2", "enter",                       # 办结: the recommended decision
    "0001", "enter",                     # 告知书 signed on paper: its serial's last four
)
# fmt: on
