"""Write a case's notice PDF and send it to the branch printer, off the UI thread.

Shared by the counter (the take-home notice after a deferral, dissuasion or police case) and
the record view (reprint). The teller is told where the PDF is and whether it printed.
"""

from __future__ import annotations

from pathlib import Path

from textual.dom import DOMNode

from teller_guard.core.records import InterventionRecord
from teller_guard.printing import PrintError, print_pdf
from teller_guard.reports.notice import NoticeFontError, issue_notice
from teller_guard.ui.context import app_context


def notices_dir(node: DOMNode) -> Path:
    """Where the counter's notices are written (``<data dir>/notices``)."""
    return Path(app_context(node).settings.data_dir) / "notices"


def deliver_notice(node: DOMNode, record: InterventionRecord, serial: str, *, send: bool = True) -> None:
    """Write the notice of ``record`` (its own decision says which notice) and, with ``send``,
    print it on the branch printer; the outcome is shown as a notification."""
    ctx = app_context(node)
    rules, zone, folder = ctx.rules, ctx.settings.zone, notices_dir(node)
    printer = rules.branch.printer
    issued_at = record.acknowledgement.at if record.acknowledgement else record.closed_at

    def job() -> None:
        try:
            path = issue_notice(rules, record, serial=serial, issued_at=issued_at, tz=zone, folder=folder)
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
