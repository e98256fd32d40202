"""Every way sign-in, an approval or a staff change can be refused, said once in Chinese (the
app) and once in English (the CLI): one clear line each.

A wrong staff id and a wrong PIN get the same words (:func:`wrong_credentials`), as they take
the same time: neither tells a stranger which ids exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from teller_guard.core.accounts import DEMO_PIN
from teller_guard.core.schema import AccessDef
from teller_guard.core.vocabulary import ROLE_LABELS
from teller_guard.identity.pins import PinProblem


@dataclass(frozen=True)
class Refusal:
    """One refusal: a code (kept in the audit event), the English line and the Chinese line."""

    code: str
    en: str
    zh: str


class AccessRefused(Exception):
    """Raised by :mod:`teller_guard.identity` when an action is refused (its audit event is written)."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.en)
        self.refusal = refusal

    @property
    def code(self) -> str:
        return self.refusal.code


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M")


def wrong_credentials(access: AccessDef) -> Refusal:
    return Refusal(
        "wrong_credentials",
        f"wrong staff id or PIN ({access.max_failed_pins} wrong PINs in a row lock the account for "
        f"{access.lockout_minutes} minutes)",
        f"工号或密码不对（连续输错 {access.max_failed_pins} 次将锁定 {access.lockout_minutes} 分钟）",
    )


def locked(staff_id: str, until: datetime, zone: ZoneInfo, *, just_now: bool = False, limit: int = 0) -> Refusal:
    when = _local(until, zone)
    if just_now:
        return Refusal(
            "locked_out",
            f"wrong PIN {limit} times in a row: staff {staff_id} is locked until {when} (local time); "
            f"an admin can unlock it: teller-guard staff unlock --id {staff_id} --as ADMIN_ID",
            f"密码连续输错 {limit} 次，工号 {staff_id} 已锁定至 {when}；可请管理员解锁",
        )
    return Refusal(
        "locked",
        f"staff {staff_id} is locked after too many wrong PINs until {when} (local time); "
        f"an admin can unlock it: teller-guard staff unlock --id {staff_id} --as ADMIN_ID",
        f"工号 {staff_id} 因密码连续输错已锁定，请 {when} 后再试，或请管理员解锁",
    )


def disabled(staff_id: str) -> Refusal:
    return Refusal(
        "disabled",
        f"staff {staff_id} is disabled; an admin can enable it: teller-guard staff enable --id {staff_id} --as ADMIN_ID",
        f"工号 {staff_id} 已停用，请联系管理员",
    )


def no_pin(staff_id: str) -> Refusal:
    return Refusal(
        "no_pin",
        f"staff {staff_id} has no PIN yet; an admin sets one: teller-guard staff reset-pin --id {staff_id} --as ADMIN_ID",
        f"工号 {staff_id} 还没有密码，请管理员设置（staff reset-pin）",
    )


def must_change(staff_id: str) -> Refusal:
    return Refusal(
        "must_change",
        f"staff {staff_id} must first replace the PIN an admin set: teller-guard staff change-pin --id {staff_id}",
        f"工号 {staff_id} 须先把管理员设置的初始密码改成自己的新密码",
    )


def demo_account(staff_id: str) -> Refusal:
    return Refusal(
        "demo_account",
        f"{staff_id} is a demo account: demo accounts work only in a demo database, and this one holds real staff",
        f"{staff_id} 是演示账户，只能在演示数据库中使用（本数据库已有正式员工）",
    )


ACTION_WORDS: dict[str, tuple[str, str]] = {
    "export": ("export the monthly ledger", "导出台账"),
    "stats_read": ("read the branch statistics", "查看全行统计"),
    "audit_read": ("read the audit trail", "查看审计日志"),
    "staff_admin": ("change staff accounts", "管理员工账户"),
    "staff_list": ("list staff accounts", "查看员工名单"),
    "approval": ("give a supervisor's approval", "主管授权"),
    "open_mode": ("open this part of the app", "使用这一功能"),
    "purge": ("purge free text past its retention", "按保存期限清除自由文本"),
}
"""What an action is called in each language, for :func:`not_allowed`."""


def not_allowed(staff_id: str, role: str, action: str, allowed: tuple[str, ...]) -> Refusal:
    en, zh = ACTION_WORDS[action]
    zh_roles = "、".join(ROLE_LABELS.get(r, r) for r in allowed)
    return Refusal(
        "role",
        f"staff {staff_id} ({role}) may not {en}; allowed roles: {', '.join(allowed)}",
        f"{ROLE_LABELS.get(role, role)}不能{zh}（须由{zh_roles}操作）",
    )


def own_case(staff_id: str) -> Refusal:
    return Refusal(
        "own_case",
        f"staff {staff_id} cannot approve their own case",
        "不能由经办柜员本人授权：请另一名主管当场输入工号和密码",
    )


def short_reason(minimum: int) -> Refusal:
    return Refusal(
        "no_reason",
        f"an approval needs a reason of at least {minimum} characters",
        f"请写明复核理由（至少 {minimum} 个字）",
    )


def bad_pin(problem: PinProblem, access: AccessDef) -> Refusal:
    texts = {
        "too_short": (
            f"a PIN is at least {access.min_pin_digits} digits, or a passphrase of at least "
            f"{access.min_passphrase_length} characters",
            f"密码至少 {access.min_pin_digits} 位数字，或至少 {access.min_passphrase_length} 个字符的口令",
        ),
        "too_simple": (
            "that PIN is too easy to guess (one digit or character repeated, or a straight run like 123456)",
            "密码太简单（同一数字重复或连续数字），请换一个",
        ),
        "demo_pin": (
            f"{DEMO_PIN} is the documented demo PIN and cannot be a real staff member's PIN",
            f"{DEMO_PIN} 是公开的演示密码，不能用作正式密码",
        ),
        "too_long": ("a PIN is at most 128 characters", "密码最长 128 个字符"),
        "control": ("a PIN cannot contain control characters", "密码不能含控制字符"),
    }
    en, zh = texts[problem]
    return Refusal(f"pin_{problem}", en, zh)


def pins_differ() -> Refusal:
    return Refusal("pins_differ", "the two new PINs differ", "两次输入的新密码不一致")


def same_pin() -> Refusal:
    return Refusal("same_pin", "the new PIN must differ from the old one", "新密码不能与原密码相同")


def staff_exists(staff_id: str) -> Refusal:
    return Refusal("staff_exists", f"staff {staff_id} already exists", f"工号 {staff_id} 已存在")


def unknown_staff(staff_id: str) -> Refusal:
    return Refusal("unknown_staff", f"no staff {staff_id}", f"没有工号 {staff_id}")


def admin_exists() -> Refusal:
    return Refusal(
        "admin_exists",
        "an admin already exists, so the first-run door is shut: staff add needs --as ADMIN_ID",
        "已有管理员：新增员工须由管理员操作",
    )


def no_admin() -> Refusal:
    return Refusal(
        "no_admin",
        "there is no admin yet: create the first one with "
        "teller-guard staff add --id ID --name NAME --role admin (no --as on the first run)",
        "还没有管理员：请先用 teller-guard staff add --role admin 创建第一个管理员",
    )


def last_admin(staff_id: str) -> Refusal:
    return Refusal(
        "last_admin",
        f"staff {staff_id} is the last active admin; add another admin first",
        f"{staff_id} 是唯一在用的管理员，请先新增另一名管理员",
    )


def demo_id(staff_id: str) -> Refusal:
    return Refusal(
        "demo_id",
        f"{staff_id}: staff ids starting with 'demo-' are reserved for demo-data",
        f"{staff_id}：以 demo- 开头的工号留给演示数据",
    )


def pin_in_argument(staff_id: str | None) -> Refusal:
    change = f"teller-guard staff change-pin --id {staff_id}" if staff_id else "teller-guard staff change-pin --id ID"
    return Refusal(
        "pin_in_argument",
        "PINs are never taken from the command line (they would show in ps and in the shell history); "
        f"the command asks for it, or reads it from standard input with --pin-stdin. If that PIN is real, change it: {change}",
        "密码不能写在命令行上",
    )
