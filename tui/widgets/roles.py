"""Role styles for the Line-API widgets: ``<prefix>--<role>`` component classes in the tcss.

The list and the reader both draw segments in named roles (title, link, cursor, ...). Each
role's style is resolved from the stylesheet once and kept until the styles change (a theme
switch), when the cached styles and the strips built with them are dropped together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from textual.cache import LRUCache
from textual.geometry import Region
from textual.strip import Strip

if TYPE_CHECKING:
    from textual.widget import Widget

    _Base = Widget
else:
    _Base = object  # a plain mixin: Textual follows the first DOMNode base for CSS


class RoleStyles(_Base):
    """Mixin, listed before the widget base: ``_style(role)`` and a ``_strips`` cache that
    are dropped together when the styles change."""

    ROLE_PREFIX: ClassVar[str] = ""

    def __init__(self, *, id: str | None = None, strips: int = 512) -> None:
        super().__init__(id=id)
        self._styles: dict[str, Style] = {}
        self._strips: LRUCache[tuple, Strip] = LRUCache(strips)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._strips.clear()

    def render_lines(self, crop: Region) -> list[Strip]:
        # The widget's base style, once per frame: ``rich_style`` walks the DOM each time,
        # and asked per line it was a third of the cost of drawing a page (pyinstrument).
        self._frame_base: Style | None = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._frame_base = None

    @property
    def base_style(self) -> Style:
        """The widget's base style: the frame's while one is drawn."""
        base = getattr(self, "_frame_base", None)
        return base if base is not None else self.rich_style

    def _adjust_style(self, role: str, style: Style) -> Style:
        """A hook for a widget to amend a role's resolved style."""
        return style

    def _style(self, role: str) -> Style:
        style = self._styles.get(role)
        if style is None:
            resolved = self.get_component_rich_style(f"{self.ROLE_PREFIX}--{role}", partial=True)
            style = self._styles[role] = self._adjust_style(role, resolved)
        return style
