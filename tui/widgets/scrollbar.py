"""The panes' vertical scrollbar, drawn through the Line API.

Textual's ``ScrollBar`` renders a Rich renderable (``ScrollBarRender``) through a Rich
console on every frame it is refreshed: 1.5-2 ms for a 38-line bar, on the first frame and
on every frame a pane scrolls (bench/ui.py). ``LineScrollBar`` draws the same segments, made
by the same ``ScrollBarRender.render_bar`` with the same colours and mouse actions, straight
into strips, and keeps the strips of the last state drawn: a frame that does not move the
bar reuses them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip

if TYPE_CHECKING:
    from textual.widget import Widget


class LineScrollBar(ScrollBar):
    """A vertical ``ScrollBar`` whose lines are built as strips, not rendered by Rich."""

    def __init__(self, *, thickness: int = 1) -> None:
        super().__init__(vertical=True, name="vertical", thickness=thickness)
        self._drawn: tuple[tuple[object, ...], list[Strip]] | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        strips = self._bar_strips()
        lines = strips[crop.y : crop.bottom]
        if crop.x or crop.width < self.size.width:
            lines = [strip.crop(crop.x, crop.right) for strip in lines]
        return lines

    def _bar_strips(self) -> list[Strip]:
        height, width = self.size.height, self.size.width
        # What Textual's ScrollBar would render (its colours, its sizes; a blank bar when
        # the screen hides scrollbars), drawn as ``ScrollBarRender.__rich_console__`` does.
        bar = self.render()
        assert isinstance(bar, ScrollBarRender)
        style = bar.style
        assert isinstance(style, Style)
        base = self.rich_style  # under each segment, as Textual's rendering of the bar puts it
        key = (height, width, bar.virtual_size, bar.window_size, bar.position, style, base)
        if self._drawn is not None and self._drawn[0] == key:
            return self._drawn[1]
        segments = bar.render_bar(
            size=height,
            window_size=bar.window_size,
            virtual_size=bar.virtual_size,
            position=bar.position,
            vertical=True,
            thickness=width,
            back_color=style.bgcolor or RichColor.parse("#555555"),
            bar_color=style.color or RichColor.parse("bright_magenta"),
        ).segments
        assert isinstance(segments, list)
        # Vertical: one segment a line (render_bar lays them out with new_lines=True).
        strips = [
            Strip([Segment(text, base + seg_style)], width)
            for text, seg_style, _ in segments[:height]
        ]
        strips += [Strip.blank(width)] * (height - len(strips))
        self._drawn = (key, strips)
        return strips


def line_scrollbar(widget: Widget) -> LineScrollBar:
    """The vertical scrollbar ``widget`` shows, made on first use as Textual makes its own
    (``Widget.vertical_scrollbar``), but a ``LineScrollBar``."""
    bar = widget._vertical_scrollbar
    if bar is None:
        bar = widget._vertical_scrollbar = LineScrollBar(thickness=widget.scrollbar_size_vertical)
        bar.display = False
        widget.app._start_widget(widget, bar)
    assert isinstance(bar, LineScrollBar)
    return bar
