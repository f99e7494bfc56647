"""The header line: where you are (首页 › category › title) and which source is shown."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static


class Crumbs(Horizontal):
    """Breadcrumb on the left, source label on the right; all text shown literally."""

    def compose(self) -> ComposeResult:
        yield Static(id="crumbs-path", markup=False)
        yield Static(id="crumbs-source", markup=False)

    def set_path(self, parts: Sequence[str]) -> None:
        pieces: list[str | tuple[str, str]] = []
        for i, part in enumerate(parts):
            if i:
                pieces.append((" › ", "$text-muted"))
            pieces.append((part, "bold" if i == len(parts) - 1 else ""))
        self.query_one("#crumbs-path", Static).update(Content.assemble(*pieces))

    def set_source(self, label: str, detail: str = "") -> None:
        text = Content.assemble(
            (f" {label} ", "reverse"), (f" {detail}" if detail else "", "$text-muted")
        )
        self.query_one("#crumbs-source", Static).update(text)
