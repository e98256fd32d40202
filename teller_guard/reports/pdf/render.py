"""Compile a Typst template with data into PDF bytes."""

from __future__ import annotations

import json
import os
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from teller_guard.reports.pdf.fonts import FAMILIES, CjkFont, find_cjk_font

TEMPLATES_ENV = "TELLER_GUARD_PDF_TEMPLATES"
"""A folder whose ``*.typ`` files replace the shipped templates of the same name."""


def template_path(name: str) -> Path:
    """The template ``name`` (``monthly.typ``, ``notice.typ``): the branch's override or the shipped one."""
    folder = os.environ.get(TEMPLATES_ENV, "").strip()
    if folder and (Path(folder) / name).is_file():
        return Path(folder) / name
    return Path(str(resources.files("teller_guard.reports.pdf") / "templates" / name))


def render(name: str, data: dict[str, Any], *, font: CjkFont | None = None, created: datetime | None = None) -> bytes:
    """Typeset template ``name`` with ``data`` (available to it as ``sys.inputs.data``, JSON).

    Args:
        font: the CJK font to embed (default :func:`find_cjk_font`).
        created: the PDF's creation date (so a re-print of the same notice is byte-identical).
    """
    import typst

    font = font or find_cjk_font()
    payload = {**data, "fonts": [font.name, *(f for f in FAMILIES if f != font.name)]}
    path = template_path(name)
    out = typst.compile(
        str(path),
        root=str(path.parent),
        font_paths=[str(font.path.parent)],
        ignore_system_fonts=True,
        sys_inputs={"data": json.dumps(payload, ensure_ascii=False, default=str)},
        timestamp=int(created.timestamp()) if created is not None else None,
    )
    assert isinstance(out, bytes)
    return out
