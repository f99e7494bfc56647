"""UI test configuration: SVG snapshots are kept in the top-level ``snapshots/`` folder.

Helpers (apps over the sample, waiting, reading the screen's state) are in ``helpers.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest_textual_snapshot

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = ROOT / "snapshots"


class _SnapshotsDir(pytest_textual_snapshot.SVGImageExtension):
    """Keep every SVG snapshot in the top-level ``snapshots/`` folder."""

    @classmethod
    def dirname(cls, *, test_location: object) -> str:
        return str(SNAPSHOTS)


pytest_textual_snapshot.SVGImageExtension = _SnapshotsDir  # type: ignore[misc]
