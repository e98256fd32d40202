"""Send a PDF to a printer through CUPS (``lp -d PRINTER``).

The printer is the branch's (``printer`` in ``rules/branch.toml``): a CUPS queue name. Without
one, nothing is printed and the error says where to set it; the PDF stays in the data folder.
Never imports the UI.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

LP_TIMEOUT_SECONDS = 30


class PrintError(Exception):
    """The PDF could not be handed to the printer; the message is in Chinese, for the teller."""


def print_pdf(path: Path, printer: str | None, *, title: str | None = None) -> str:
    """Queue ``path`` on the CUPS ``printer`` and return the job id (``counter-a4-12``).

    Raises:
        PrintError: no printer configured, ``lp`` missing, the queue refuses the job.
    """
    if not printer:
        raise PrintError("未设置打印机：请在规则目录 branch.toml 中填写 printer（CUPS 打印队列名）；告知书 PDF 已保存")
    lp = shutil.which("lp")
    if lp is None:
        raise PrintError("找不到打印命令 lp（请安装 Debian 软件包 cups-client）；告知书 PDF 已保存")
    if not path.is_file():
        raise PrintError(f"找不到要打印的文件：{path}")
    cmd = [lp, "-d", printer]
    if title:
        cmd += ["-t", title]
    cmd.append(str(path))
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=LP_TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise PrintError(f"打印机 {printer} 无响应（{LP_TIMEOUT_SECONDS} 秒）；告知书 PDF 已保存") from None
    except OSError as exc:
        raise PrintError(f"无法调用打印命令：{exc.strerror}") from None
    if done.returncode != 0:
        why = (done.stderr or done.stdout).strip().splitlines()
        raise PrintError(f"打印机 {printer} 拒绝打印：{why[-1] if why else done.returncode}；告知书 PDF 已保存")
    found = re.search(r"request id is (\S+)", done.stdout)
    return found.group(1) if found else ""
