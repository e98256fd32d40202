"""Printing through a real CUPS: a private ``cupsd`` with a ``cups-pdf`` virtual printer.

The fixture starts its own ``cupsd`` (its own socket, spool and logs under a temporary folder;
the machine's CUPS is not touched) and adds a ``cups-pdf`` queue whose output folder is set by
``/etc/cups/cups-pdf-<queue>.conf`` (cups-pdf reads its configuration only from ``/etc/cups``; the device URI ``cups-pdf:/<queue>`` picks the file);
the file is removed afterwards. Needs the Debian packages ``cups``, ``cups-client`` and
``printer-driver-cups-pdf``, and root (the cups-pdf backend runs as root).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from teller_guard.printing import PrintError, print_pdf
from tests.conftest import require_debian_data, require_tool

CUPS_PDF_BACKEND = "/usr/lib/cups/backend/cups-pdf"
CUPS_PDF_PPD = "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"


@pytest.fixture(scope="module")
def cups_pdf() -> Iterator[tuple[str, Path, str]]:
    """(queue name, folder the printed PDFs land in, CUPS_SERVER socket)."""
    cupsd = require_tool("cupsd")
    lpadmin = require_tool("lpadmin")
    require_tool("lp")
    require_debian_data(CUPS_PDF_BACKEND, "printer-driver-cups-pdf")
    ppd = require_debian_data(CUPS_PDF_PPD, "printer-driver-cups-pdf")
    if os.geteuid() != 0:
        pytest.fail("the cups-pdf backend runs as root: run this test as root (as .ci/run does)")
    # The filters run as the unprivileged ``lp`` user: the folders must be reachable by it
    # (pytest's own tmp folders are 0700), so they live in a folder of their own under /tmp.
    base = Path(tempfile.mkdtemp(prefix="tg-cups-"))
    base.chmod(0o755)
    dirs = {name: base / name for name in ("root", "spool", "cache", "state", "log", "out", "run", "pdfspool")}
    for d in dirs.values():
        d.mkdir()
    (dirs["spool"] / "tmp").mkdir(mode=0o1777)
    dirs["out"].chmod(0o777)
    sock = dirs["run"] / "cups.sock"
    (dirs["root"] / "cupsd.conf").write_text(
        f"Listen {sock}\nLogLevel info\nWebInterface no\nBrowsing off\n"
        "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Policy default>\n  <Limit All>\n    Order deny,allow\n    Allow all\n  </Limit>\n</Policy>\n"
    )
    (dirs["root"] / "cups-files.conf").write_text(
        f"ServerRoot {dirs['root']}\nRequestRoot {dirs['spool']}\nCacheDir {dirs['cache']}\n"
        f"StateDir {dirs['state']}\nErrorLog {dirs['log']}/error_log\nAccessLog {dirs['log']}/access_log\n"
        f"PageLog {dirs['log']}/page_log\nServerBin /usr/lib/cups\nDataDir /usr/share/cups\n"
        f"TempDir {dirs['spool']}/tmp\nSystemGroup root\nSandboxing relaxed\n"
    )
    queue = f"tg-test-{os.getpid()}"
    conf = Path(f"/etc/cups/cups-pdf-{queue}.conf")
    conf.write_text(
        f"Out {dirs['out']}\nAnonDirName {dirs['out']}\nSpool {dirs['pdfspool']}\nLog {dirs['log']}\nLabel 0\n"
    )
    proc = subprocess.Popen(
        [cupsd, "-f", "-c", str(dirs["root"] / "cupsd.conf"), "-s", str(dirs["root"] / "cups-files.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    env = {**os.environ, "CUPS_SERVER": str(sock)}
    try:
        for _ in range(100):
            if sock.exists():
                break
            if proc.poll() is not None:
                pytest.fail(f"cupsd did not start: {proc.stderr.read().decode() if proc.stderr else ''}")
            time.sleep(0.05)
        subprocess.run(
            [lpadmin, "-p", queue, "-E", "-v", f"cups-pdf:/{queue}", "-P", str(ppd)],
            env=env,
            check=True,
            capture_output=True,
        )
        yield queue, dirs["out"], str(sock)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        conf.unlink(missing_ok=True)
        shutil.rmtree(base, ignore_errors=True)


def _wait_for_pdf(folder: Path, seconds: float = 60) -> list[Path]:
    """The PDFs cups-pdf finished writing (Ghostscript writes progressively: wait for %%EOF)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done = [p for p in folder.rglob("*.pdf") if p.read_bytes().rstrip().endswith(b"%%EOF")]
        if done:
            return done
        time.sleep(0.1)
    return []


def _grey(pdf: Path, tmp: Path) -> tuple[int, int, bytes]:
    """Page 1 at 20 dpi as 8-bit grey pixels (a binary PGM from pdftoppm)."""
    # The page cups-pdf prints (through Ghostscript) refers to its CJK glyphs by CID: poppler
    # draws them only with its CMaps (without them the page renders wrong, not with an error).
    require_debian_data("/usr/share/poppler/cMap", "poppler-data")
    out = tmp / f"{pdf.stem}-grey"
    subprocess.run(
        [require_tool("pdftoppm"), "-r", "20", "-gray", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(out)],
        check=True,
        capture_output=True,
    )
    magic, size, _maxval, pixels = out.with_suffix(".pgm").read_bytes().split(b"\n", 3)
    assert magic == b"P5"
    width, height = (int(x) for x in size.split())
    return width, height, pixels


@pytest.mark.parametrize(
    ("decision", "kind"),
    [("proceed_warned", "sign"), ("dissuaded", "take-home"), ("police", "take-home")],
)
def test_a_notice_sent_to_the_printer_arrives_as_a_pdf(
    cups_pdf: tuple[str, Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, decision: str, kind: str
) -> None:
    """A 极高 case proceeded with, dissuaded and reported: each prints its own notice (the one to
    sign, or the take-home notice) and the printer's page is that notice."""
    from teller_guard.core.paths import shipped_rules_dir
    from teller_guard.core.rules import load_rules
    from teller_guard.reports.notice import issue_notice
    from tests.factories import FROZEN_NOW
    from tests.factories.notices import POLICE, SERIAL, case

    queue, out, sock = cups_pdf
    monkeypatch.setenv("CUPS_SERVER", sock)
    rules = load_rules(shipped_rules_dir())
    record, _ = case(rules, POLICE, FROZEN_NOW)
    assert record.level == "critical"
    pdf = issue_notice(
        rules, record, serial=SERIAL, issued_at=FROZEN_NOW, tz="Asia/Shanghai", folder=tmp_path, decision=decision
    )
    words = subprocess.run(
        [require_tool("pdftotext"), str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout.replace(" ", "")
    assert ("客户留存联" in words) == (kind == "take-home")
    assert ("本人真实意愿" in words) == (kind == "sign")
    assert "已停止" not in words or kind == "take-home"
    for earlier in out.rglob("*.pdf"):  # the printer is shared by the module's tests
        earlier.unlink()
    job = print_pdf(pdf, queue, title=SERIAL)
    assert job.startswith(queue + "-")
    printed = _wait_for_pdf(out)
    assert len(printed) == 1, f"no PDF arrived in {out}"
    pages = subprocess.run(["pdfinfo", str(printed[0])], check=True, capture_output=True, text=True).stdout
    assert "Pages:           1" in pages
    # cups-pdf re-renders through Ghostscript (the CJK text becomes Type 3 glyphs without text):
    # compare what the page looks like instead. The printed page is the notice, not a blank one.
    w1, h1, sent = _grey(pdf, tmp_path)
    w2, h2, got = _grey(printed[0], tmp_path)
    assert (w1, h1) == (w2, h2)
    ink = sum(1 for px in got if px < 128)
    assert ink > len(got) // 50, "the printed page is (nearly) blank"
    diff = sum(abs(a - b) for a, b in zip(sent, got, strict=True)) / len(got)
    assert diff < 12, f"the printed page does not look like the notice (mean grey difference {diff:.1f})"


def test_an_unknown_queue_is_a_clear_error(
    cups_pdf: tuple[str, Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, _, sock = cups_pdf
    monkeypatch.setenv("CUPS_SERVER", sock)
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    with pytest.raises(PrintError, match="拒绝打印"):
        print_pdf(pdf, "no-such-queue")


def test_no_printer_configured_says_where_to_set_it(tmp_path: Path) -> None:
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    with pytest.raises(PrintError, match="未设置打印机.*branch.toml"):
        print_pdf(pdf, None)


async def test_reprint_from_the_record_view_reaches_the_printer(
    cups_pdf: tuple[str, Path, str],
    monkeypatch: pytest.MonkeyPatch,
    settings,
    rules,
    repo,  # type: ignore[no-untyped-def]
) -> None:
    """A dissuaded customer's take-home notice, printed again from the record view (Ctrl+P)."""
    from dataclasses import replace

    from teller_guard.reports.notice import TAKE_HOME_KEY
    from teller_guard.ui.screens.record_view import RecordViewScreen
    from tests.factories.records import record
    from tests.ui.helpers import make_counter_app

    queue, out, sock = cups_pdf
    monkeypatch.setenv("CUPS_SERVER", sock)
    before = set(out.rglob("*.pdf"))
    rec = record(extra={TAKE_HOME_KEY: "BR0001-20261101-0003"}, acknowledgement=None)
    repo.save_intervention(rec)
    branch = replace(rules.branch, printer=queue)
    app = make_counter_app(settings, replace(rules, branch=branch), repo)
    notes: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        original = app.notify
        app.notify = lambda message, **kw: (notes.append(str(message)), original(message, **kw))[1]  # type: ignore[method-assign]
        await app.workers.wait_for_complete()
        await app.push_screen(RecordViewScreen(rec.uid))
        for _ in range(50):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if isinstance(app.screen, RecordViewScreen) and app.screen.record is not None:
                break
        await pilot.press("ctrl+p")
        for _ in range(100):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if any("已送打印机" in n or "打印" in n and "失败" in n for n in notes):
                break
    assert any(f"已送打印机 {queue}" in n for n in notes), notes
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (set(_wait_for_pdf(out, 1)) - before):
        time.sleep(0.1)
    assert set(_wait_for_pdf(out, 1)) - before, "the reprint did not arrive"
    # The notice written for the reprint is the take-home one of this record.
    kept = Path(settings.data_dir) / "notices" / "BR0001-20261101-0003.pdf"
    flat = "".join(
        subprocess.run(
            [require_tool("pdftotext"), str(kept), "-"], check=True, capture_output=True, text=True
        ).stdout.split()
    )
    assert "客户留存联" in flat and "劝阻成功" in flat
    # The copy given to the customer was not kept here: the reprint says it is one.
    assert "补打件" in flat
