"""Role styles for the Line-API widgets: ``<prefix>--<role>`` component classes in the tcss.

The list and the reader both draw segments in named roles (title, link, cursor, ...). Each
role's style is resolved from the stylesheet once and kept until the styles change. Textual
says "restyled" far more often than styles change (every focus move restyles both panes),
so at the next frame the roles are resolved again and the strips built with them are
dropped only if a role they use, or the widget's base style, really differs (a theme switch):
moving the focus from the list to the reader no longer rebuilds every visible row.

Why roles are resolved by hand: Textual's *partial* component style (the only kind that can
be layered on a segment) drops a colour's alpha and its ``auto`` flag, so ``$text-muted``
(``auto 60%``) came out as pure white, brighter than the body text on dark themes and
white on white on light ones. Here a translucent or automatic colour is blended over the
background it is drawn on, as Textual does for whole widgets. The ansi themes have no
colour to blend (muted is the terminal's default colour, the same as the text): there the
roles listed in ``MUTED_ROLES`` get the terminal's dim attribute, the one way to be dimmer
than the default foreground.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from textual.cache import LRUCache
from textual.color import Color
from textual.geometry import Region
from textual.strip import Strip

from tui.widgets.scrollbar import line_scrollbar

if TYPE_CHECKING:
    from textual.css.styles import RenderStyles
    from textual.scrollbar import ScrollBar
    from textual.widget import Widget

    _Base = Widget
else:
    _Base = object  # a plain mixin: Textual follows the first DOMNode base for CSS


class RoleStyles(_Base):
    """Mixin, listed before the widget base: ``_style(role)`` and a ``_strips`` cache that
    are dropped together when the styles change."""

    ROLE_PREFIX: ClassVar[str] = ""
    #: Roles that must read dimmer than the body text in every theme (read rows, metadata,
    #: captions): the ansi themes get the dim attribute for them.
    MUTED_ROLES: ClassVar[frozenset[str]] = frozenset()
    #: Roles drawn only in lines that are never kept in ``_strips`` (title lines): a change
    #: of theirs alone (the list's title lights up with the focus) keeps the strips.
    UNCACHED_ROLES: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, *, id: str | None = None, strips: int = 512) -> None:
        super().__init__(id=id)
        self._styles: dict[str, Style] = {}
        self._strips: LRUCache[tuple, Strip] = LRUCache(strips)
        self._strips_base: Style | None = None  # the base style the kept strips were built on
        self._restyled: dict[str, Style] | None = None  # the roles before a restyle

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self._restyled is None:
            self._restyled = self._styles
        self._styles = {}

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """The pane's scrollbar, drawn through the Line API (``tui.widgets.scrollbar``)."""
        return line_scrollbar(self)

    def watch_has_focus(self, _has_focus: bool) -> None:
        """No restyle on a focus move: no rule of the stylesheet styles these widgets by
        their focus (``tests/ui/test_repaint.py`` holds it so); they draw it themselves
        from ``has_focus`` (the list's title line, the reader's bar). Textual's restyle of
        the widget and each of its component classes cost 4-6 ms a pane and a key, for
        styles that came out the same."""
        self.refresh()

    def _check_restyle(self, base: Style) -> None:
        """After a restyle: drop the kept strips if what they were drawn with has changed."""
        before, self._restyled = self._restyled, None
        if before is None:
            return
        skip = self.UNCACHED_ROLES
        if base != self._strips_base or any(
            self._style(role) != style for role, style in before.items() if role not in skip
        ):
            self._strips.clear()

    def render_lines(self, crop: Region) -> list[Strip]:
        # The widget's base style, once per frame: ``rich_style`` walks the DOM each time,
        # and asked per line it was a third of the cost of drawing a page (pyinstrument).
        base = self.rich_style
        self._frame_base: Style | None = base
        # And its width: ``scrollable_content_region`` works it out from the styles each
        # time, which asked per line was a tenth of drawing one (pyinstrument).
        self._frame_width: int | None = self.scrollable_content_region.width
        self._check_restyle(base)
        if base != self._strips_base:
            self._strips.clear()
            self._strips_base = base
        try:
            return super().render_lines(crop)
        finally:
            self._frame_base = None
            self._frame_width = None

    @property
    def content_width(self) -> int:
        """The width lines are drawn in: the frame's while one is drawn."""
        width: int | None = getattr(self, "_frame_width", None)
        return width if width is not None else self.scrollable_content_region.width

    @property
    def base_style(self) -> Style:
        """The widget's base style: the frame's while one is drawn."""
        base: Style | None = getattr(self, "_frame_base", None)
        return base if base is not None else self.rich_style

    def _adjust_style(self, role: str, style: Style) -> Style:
        """A hook for a widget to amend a role's resolved style."""
        return style

    def _style(self, role: str) -> Style:
        style = self._styles.get(role)
        if style is None:
            name = f"{self.ROLE_PREFIX}--{role}"
            resolved = self._solid(name, self.get_component_rich_style(name, partial=True))
            if role in self.MUTED_ROLES:
                resolved = self._muted(resolved)
            style = self._styles[role] = self._adjust_style(role, resolved)
        return style

    def _solid(self, name: str, style: Style) -> Style:
        """``style`` with its colour as drawn: a translucent or automatic colour blended
        over the role's own background, else the widget's."""
        rules = self.get_component_styles(name)
        if not rules.has_rule("color"):
            return style
        color = rules.color
        auto = rules.has_rule("auto_color") and rules.auto_color
        if color.a >= 1 and not auto:
            return style
        background = self._background_of(rules)
        if background is None:
            return style
        if auto:
            color = background.get_contrast_text(color.a)
        return style + Style(color=(background + color).rich_color)

    def _background_of(self, rules: RenderStyles) -> Color | None:
        own = rules.background
        if rules.has_rule("background") and own.a >= 1:
            return own
        bgcolor = self.rich_style.bgcolor
        if bgcolor is None or bgcolor.is_default or bgcolor.triplet is None:
            return None  # the terminal's own background: nothing to blend over
        return Color.from_rich_color(bgcolor)

    def _muted(self, style: Style) -> Style:
        """Dim a muted role whose colour cannot differ from the text's (default or ANSI)."""
        color = style.color
        if color is None or color.is_default or color.triplet is None:
            return style + Style(dim=True)
        return style
