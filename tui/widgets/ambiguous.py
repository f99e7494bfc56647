"""Two-cell ambiguous-width characters for Rich, so that Textual measures as the core does.

A terminal that draws “ ” … — · two cells wide (a CJK locale, or "ambiguous characters
are double-width") puts each of them one cell further right than Rich expects: every line
holding one runs past the pane and the next widget is drawn over. The core's widths follow
``ambiguous_width = 2`` (``text.set_ambiguous_width``); this teaches Rich, which Textual
measures every strip with, the same characters, by widening its cell table and its
one-cell fast path. Called once before the app starts, only when the option is on.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from tui.core.text import ambiguous_characters, set_ambiguous_width

__all__ = ["widen_ambiguous"]


def _widened(
    widths: Sequence[tuple[int, int, int]], wide: frozenset[str]
) -> list[tuple[int, int, int]]:
    """``widths`` (sorted, disjoint ranges) plus a two-cell entry for each of ``wide`` that
    no range covers yet (those measure one cell by default)."""
    starts = [start for start, _end, _width in widths]
    added = []
    for ch in wide:
        o = ord(ch)
        i = bisect_right(starts, o) - 1
        if i < 0 or widths[i][1] < o:
            added.append((o, o, 2))
    return sorted([*widths, *added])


def widen_ambiguous() -> None:
    """Count ambiguous-width characters as two cells in the core and in Rich alike."""
    import rich.cells as cells

    set_ambiguous_width(2)
    wide = ambiguous_characters()
    if getattr(cells, "_goodnews_wide", False):
        return
    load: Callable[[str], Any] = cells.load_cell_table

    @cache
    def load_wide(unicode_version: str = "auto") -> Any:
        table = load(unicode_version)
        return table._replace(widths=_widened(table.widths, wide))

    cells.load_cell_table = load_wide
    cells._is_single_cell_widths = frozenset(cells._SINGLE_CELLS - wide).issuperset
    cells._goodnews_wide = True  # type: ignore[attr-defined]
    cells.get_character_cell_size.cache_clear()
    cells.cached_cell_len.cache_clear()
