"""Where the package's data files are, in a checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

import tui


def styles_dir() -> Path:
    """Styles ship inside the wheel as ``tui/styles``; in a checkout they sit at the top."""
    packaged = Path(tui.__file__).parent / "styles"
    return packaged if packaged.is_dir() else Path(tui.__file__).parent.parent / "styles"
