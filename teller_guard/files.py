"""Files the app writes (exports, notices): written beside the target and renamed into place.

One helper for every file, so a crash or a kill mid-write never leaves half a file under the
final name: readers (a printer, Excel, the security officer) see the old file or the new one.
Temporary files carry the writer's process id; whatever a killed writer left behind (a
``.part`` file, a scratch folder holding ledger rows) is removed by the next writer in that
folder (:func:`sweep_stale`), and by the app when it starts.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PART_SUFFIX = ".part"
"""Temporary files are ``.<name>.<pid>-<random>.part`` beside their target."""
STALE_AFTER = 24 * 3600
"""A temporary file this old is stale even if its process id is in use again (seconds)."""
_PART = re.compile(r"^\..+\.(\d+)-[A-Za-z0-9_-]+\.part$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _filesystem_now(folder: Path) -> float | None:
    """The time by the clock that stamps files in ``folder`` (a probe file's mtime).

    A file's age is measured against the file system's clock, never the process's: a wall
    clock set wrong, or moved by NTP, must not make a live writer's file look a day old.
    """
    try:
        fd, probe = tempfile.mkstemp(prefix=".clock-probe-", dir=folder)
    except OSError:
        return None
    try:
        return os.fstat(fd).st_mtime
    finally:
        os.close(fd)
        os.unlink(probe)


def sweep_stale(folder: Path) -> list[Path]:
    """Remove temporary files and scratch folders left in ``folder`` by writers that died.

    Returns what was removed. Files of live writers are left alone (unless a day old).
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    if not any(_PART.match(entry.name) for entry in entries):
        return removed
    now = _filesystem_now(folder)
    for entry in entries:
        m = _PART.match(entry.name)
        if not m:
            continue
        try:
            old = now is not None and now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER
            if _alive(int(m.group(1))) and not old:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


class NotARegularFile(OSError):
    """An output path that names something other than a regular file (a device, a pipe, a
    folder) or a symbolic link: refused, never written through."""


def check_target(target: Path) -> None:
    """Refuse an output path that exists and is not a regular file, or is a symbolic link.

    Raises:
        IsADirectoryError: ``target`` is a folder.
        NotARegularFile: a symbolic link, a device, a pipe or a socket.
    """
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(f"{target} is a folder; give a file name")
    if stat.S_ISLNK(st.st_mode):
        raise NotARegularFile(f"{target} is a symbolic link; exports are written only to a regular file or a new path")
    if not stat.S_ISREG(st.st_mode):
        raise NotARegularFile(f"{target} is not a regular file (a device, pipe or socket); give a file name")


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; move it into place only if the block succeeds.

    The temporary file is flushed to disk before the rename, and removed if the block fails.

    The file is owner-only (0600), a folder created for it 0700.

    Raises:
        IsADirectoryError: ``target`` is a folder.
        NotARegularFile: ``target`` is a symbolic link, a device, a pipe or a socket.
    """
    target = Path(target)
    check_target(target)
    if not target.parent.exists():
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    sweep_stale(target.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}-", suffix=PART_SUFFIX, dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o600)  # a writer that replaced the file made it with the umask's mode
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        check_target(target)  # nothing swapped in under the name meanwhile
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(target: Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically (see :func:`atomic_path`); return ``target``."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)
