"""Write a case's notice PDF and send it to the branch printer, off the UI thread.

Shared by the counter (the take-home notice after a deferral, dissuasion or police case) and
the record view (reprint). The teller is told where the PDF is and whether it printed.
"""

from __future__ import annotations

from pathlib import Path

from textual.dom import DOMNode

from teller_guard.core.records import InterventionRecord
from teller_guard.printing import PrintError, print_pdf
from teller_guard.reports.notice import TAKE_HOME_KEY, NoticeFontError, issue_notice
from teller_guard.ui.context import app_context


def print_file(node: DOMNode, path: Path, serial: str) -> None:
    """Send an already written notice to the branch printer (off the UI thread)."""
    printer = app_context(node).rules.branch.printer

    def job() -> None:
        try:
            job_id = print_pdf(path, printer, title=serial)
        except PrintError as exc:
            node.app.call_from_thread(node.app.notify, f"{exc}\n{path}", severity="warning", timeout=10)
            return
        node.app.call_from_thread(node.app.notify, f"告知书 {serial} 已送打印机 {printer}（{job_id}）", timeout=6)

    node.run_worker(job, thread=True, group="notice-output", description="打印告知书")


def notices_dir(node: DOMNode) -> Path:
    """Where the counter's notices are written (``<data dir>/notices``)."""
    return Path(app_context(node).settings.data_dir) / "notices"


def notice_serial_of(record: InterventionRecord) -> str | None:
    """The serial of the notice the customer was given for ``record`` (signed or taken home)."""
    if record.acknowledgement is not None:
        return record.acknowledgement.notice_serial
    return record.extra.get(TAKE_HOME_KEY)


def deliver_notice(
    node: DOMNode, record: InterventionRecord, serial: str, *, send: bool = True, reprint: bool = False
) -> None:
    """Write the notice of ``record`` (its own decision says which notice) and, with ``send``,
    print it on the branch printer; the outcome is shown as a notification. A ``reprint``
    prints the very file the customer was given when it is still in the notices folder."""
    ctx = app_context(node)
    rules, zone, folder = ctx.rules, ctx.settings.zone, notices_dir(node)
    printer = rules.branch.printer
    issued_at = record.acknowledgement.at if record.acknowledgement else record.closed_at

    def job() -> None:
        kept = folder / f"{serial}.pdf"
        try:
            if reprint and kept.is_file():
                path = kept
            else:
                path = issue_notice(
                    rules, record, serial=serial, issued_at=issued_at, tz=zone, folder=folder, reprint=reprint
                )
        except (OSError, NoticeFontError, ValueError) as exc:
            node.app.call_from_thread(node.app.notify, f"告知书生成失败：{exc}", severity="error", timeout=10)
            return
        if not send:
            node.app.call_from_thread(node.app.notify, f"告知书已保存：{path}", timeout=6)
            return
        try:
            job_id = print_pdf(path, printer, title=serial)
        except PrintError as exc:
            node.app.call_from_thread(node.app.notify, f"{exc}\n{path}", severity="warning", timeout=10)
            return
        node.app.call_from_thread(node.app.notify, f"告知书 {serial} 已送打印机 {printer}（{job_id}）", timeout=6)

    node.run_worker(job, thread=True, group="notice-output", description="生成并打印告知书")
