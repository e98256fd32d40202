"""The CJK font every PDF embeds (ECOSYSTEM.md §5).

``TELLER_GUARD_PDF_FONT`` names a font file (``path`` or ``path#index`` for a collection);
otherwise the well-known paths in :data:`FONT_CANDIDATES` are tried in order (WenQuanYi Micro
Hei first, as installed by Debian's ``fonts-wqy-microhei``). The font is always embedded, so
a PDF reads the same on any machine; without one no PDF is written (a clear error says which
package to install).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

FONT_ENV = "TELLER_GUARD_PDF_FONT"
"""Environment variable naming the CJK font to embed (``path`` or ``path#index``)."""

FONT_CANDIDATES: tuple[tuple[str, int, str], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0, "WenQuanYi Micro Hei"),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, "WenQuanYi Zen Hei"),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2, "Noto Sans CJK SC"),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2, "Noto Serif CJK SC"),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0, "AR PL UMing"),
    ("C:/Windows/Fonts/simsun.ttc", 0, "SimSun"),
    ("C:/Windows/Fonts/msyh.ttc", 0, "Microsoft YaHei"),
)
"""Well-known CJK font files, tried in order: (path, index in the collection, family name).
Noto CJK collections hold JP first; index 2 is Simplified Chinese."""

FAMILIES: tuple[str, ...] = tuple(dict.fromkeys(name for _, _, name in FONT_CANDIDATES))
"""Every family the templates ask for, in order of preference."""


class FontError(Exception):
    """No usable CJK font (``TELLER_GUARD_PDF_FONT`` names a missing file, or none is installed)."""


@dataclass(frozen=True)
class CjkFont:
    """The font a PDF is written with."""

    name: str
    path: Path
    index: int = 0

    @property
    def embedded(self) -> bool:
        return True


def find_cjk_font(env: Mapping[str, str] | None = None) -> CjkFont:
    """The override, else the first well-known CJK font found.

    Raises:
        FontError: the override names a missing file, or no CJK font is installed.
    """
    env = os.environ if env is None else env
    override = env.get(FONT_ENV, "").strip()
    if override:
        raw, _, idx = override.partition("#")
        path = Path(raw).expanduser()
        if not path.is_file():
            raise FontError(f"{FONT_ENV}: no such font file: {raw}")
        try:
            index = int(idx) if idx else 0
        except ValueError:
            raise FontError(f"{FONT_ENV}: collection index must be a number: {idx!r}") from None
        known = next((name for p, _, name in FONT_CANDIDATES if Path(p).name == path.name), path.stem)
        return CjkFont(known, path, index)
    for raw, index, name in FONT_CANDIDATES:
        if Path(raw).is_file():
            return CjkFont(name, Path(raw), index)
    raise FontError(
        "no CJK font to embed in the PDF: install fonts-wqy-microhei (Debian) or set "
        f"{FONT_ENV} to a TrueType/OpenType font file"
    )
