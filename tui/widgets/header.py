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

    def set_path(self, parts: Sequence[str]) -> None:
        pieces: list[str | tuple[str, str]] = []
        for i, part in enumerate(parts):
            if i:
                pieces.append((" › ", "$text-muted"))
            pieces.append((one_line(part), "bold" if i == len(parts) - 1 else ""))
        self.path = Content.assemble(*pieces)
        self.refresh()

    def set_source(self, label: str, detail: str = "") -> None:
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
