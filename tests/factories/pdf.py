"""Checks on a PDF as a reader sees it (pdftotext from poppler-utils)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path


def assert_inside_margins_and_cjk_breaks(path: Path, margin_mm: float = 16.0) -> None:
    """Every word lies inside the page margins, and no line starts with closing punctuation or
    ends with opening punctuation (CJK line-breaking rules)."""
    bbox = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True).stdout
    page_w = float(re.search(r'<page width="([\d.]+)"', bbox).group(1))  # type: ignore[union-attr]
    margin = margin_mm * 72 / 25.4
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', bbox)
    assert words
    for x_min, y_min, x_max, y_max, word in words:
        # Typst sets CJK punctuation at a line's ends without its blank half: the advance box
        # reaches up to half an em into the margin, the ink does not.
        em = float(y_max) - float(y_min)
        left = em * 0.55 if word[0] in "“（「《‘" else 1
        right = em * 0.55 if word[-1] in "。，、；：”）」》’" else 1
        assert float(x_min) >= margin - left and float(x_max) <= page_w - margin + right, (x_min, x_max, word)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    for line in (ln.strip() for ln in text.splitlines()):
        if line:
            assert line[0] not in "。，、）」；：！？", line
            assert line[-1] not in "（「“", line
