"""The list pane's list: home categories, index entries or a tag's related articles.

Built on ``OptionList`` (a Line-API widget) with ``markup=False`` and plain ``Content``
prompts, so thousands of entries render quickly and titles are never read as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.commands import bindings_for
from tui.core.urls import PageRef

ItemKind = Literal["section", "index", "article", "external", "page"]


@dataclass(frozen=True, slots=True)
class Item:
    """One row of the list pane."""

    kind: ItemKind
    title: str
    ref: PageRef | None = None
    url: str | None = None
    note: str | None = None  # e.g. a date in related lists

    @property
    def openable(self) -> bool:
        return self.kind != "section"


class EntryList(OptionList):
    """Entries of the current place. ``items`` parallels the options, filtered or not."""

    BINDINGS = bindings_for("list")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(markup=False, id=id)
        self.items: list[Item] = []
        self.read: set[str] = set()
        self.cached: set[str] = set()

    def prompt(self, item: Item) -> Content:
        if item.kind == "section":
            return Content.styled(item.title, "bold $accent")
        key = item.ref.key if item.ref else ""
        if item.kind == "external":
            mark = ("↗ ", "$text-muted")
        elif key in self.cached:
            mark = ("● ", "$success")
        else:
            mark = ("  ", "")
        title_style = "$text-muted" if key in self.read else ""
        parts: list[tuple[str, str]] = [mark, (item.title, title_style)]
        if item.kind == "index":
            parts = [("  ", ""), (item.title, title_style)]
        if item.kind == "external":
            parts.append(("  (external)", "$text-muted italic"))
        if item.note:
            parts.append((f"  {item.note}", "$text-muted"))
        return Content.assemble(*parts)

    def show_items(self, items: Sequence[Item], highlight: int | None = None) -> None:
        self.items = list(items)
        options = [
            Option(self.prompt(item), disabled=item.kind == "section") for item in self.items
        ]
        self.set_options(options)
        if not self.items:
            return
        if highlight is None or not (0 <= highlight < len(self.items)):
            highlight = next((i for i, it in enumerate(self.items) if it.openable), None)
        if highlight is not None and self.items[highlight].openable:
            self.highlighted = highlight

    def refresh_marks(self, read: set[str], cached: set[str]) -> None:
        """Re-style rows whose read/cached state changed, without rebuilding the list."""
        old_read, old_cached = self.read, self.cached
        self.read, self.cached = read, cached
        changed = (old_read ^ read) | (old_cached ^ cached)
        if not changed:
            return
        for i, item in enumerate(self.items):
            if item.ref is not None and item.ref.key in changed:
                self.replace_option_prompt_at_index(i, self.prompt(item))

    @property
    def current(self) -> Item | None:
        if self.highlighted is None or not (0 <= self.highlighted < len(self.items)):
            return None
        return self.items[self.highlighted]
