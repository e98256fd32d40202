"""`mypy` with the configuration in pyproject.toml (strict for core and storage): no errors, and
every `# type: ignore` that is left names its error code and says why."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_mypy_finds_no_errors(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy-cache")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout[-6000:] + out.stderr[-2000:]
    assert out.stdout.startswith("Success: no issues found")


def test_every_type_ignore_names_its_code_and_a_reason() -> None:
    bare = []
    for path in sorted((ROOT / "teller_guard").rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "type: ignore" not in line:
                continue
            # `# type: ignore[code]  # why` — the reason on the same line or the comment line above
            m = re.search(r"#\s*type:\s*ignore\[[a-z-]+(,[a-z-]+)*\](\s*#\s*\S.*)?$", line)
            above = path.read_text(encoding="utf-8").splitlines()[n - 2].strip() if n > 1 else ""
            if m is None or (m.group(2) is None and not above.startswith("#")):
                bare.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert bare == [], "say why (a comment) and which error (a code):\n" + "\n".join(bare)
