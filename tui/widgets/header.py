"""The header line: where you are (首页 › category › title) and which source is shown.

One widget, one line: the path on the left (cut with an ellipsis when long), the source on
the right (at most half the width). Page titles are added as plain ``Content``, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widget import Widget

from tui.core.text import one_line


class Crumbs(Widget, can_focus=False):
    """Breadcrumb on the left, source label on the right; all text shown literally."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.path = Content("")
        self.source = Content("")
        # What was last set: the screen sets both after every page, and a redraw of an
        # unchanged header costs a full-width line over the link for nothing.
        self._path_parts: tuple[str, ...] = ()
        self._source_parts: tuple[str, str] = ("", "")

    def set_path(self, parts: Sequence[str]) -> None:
        # The path changes with every place and page, and so may what commands can run
        # (Tags once an article is shown, Back once there is history): the key bar
        # compares and redraws only if its keys changed.
        self.refresh_bindings()
        if tuple(parts) == self._path_parts:
            return
        self._path_parts = tuple(parts)
        pieces: list[str | tuple[str, str]] = []
        for i, part in enumerate(parts):
            if i:
                pieces.append((" › ", "$text-muted"))
            pieces.append((one_line(part), "bold" if i == len(parts) - 1 else ""))
        self.path = Content.assemble(*pieces)
        self.refresh()

    def set_source(self, label: str, detail: str = "") -> None:
        if (label, detail) == self._source_parts:
            return
        self._source_parts = (label, detail)
        self.source = Content.assemble(
            (f" {one_line(label)} ", "reverse"),
            (f" {one_line(detail)}" if detail else "", "$text-muted"),
        )
        self.refresh()

    def render(self) -> Content:
        width = self.content_region.width or self.size.width
        source = self.source
        if source.cell_length > width // 2:
            source = source.truncate(width // 2, ellipsis=True)
        room = max(0, width - source.cell_length - 1)
        path = self.path
        if path.cell_length > room:
            path = path.truncate(room, ellipsis=True)
        gap = max(0, width - path.cell_length - source.cell_length)
        return path + Content(" " * gap) + source
