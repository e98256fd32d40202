"""Fixtures for Pilot and snapshot tests: no blinking cursor (snapshots stay stable)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.widgets import Input


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A blinking cursor makes a snapshot depend on when it was taken: keep it steady."""
    monkeypatch.setattr(Input, "cursor_blink", False)
    yield
