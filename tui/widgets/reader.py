"""The reader: a Line-API view of a laid-out page, with numbered, selectable links.

Like toolong's log view, it only builds strips for the lines on screen (with a small LRU of
built strips), so a 2,000-paragraph article costs one wrap pass and a screenful of strips.
Page text reaches the terminal only as plain segments: it is never parsed as markup.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Sequence
from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.actions import SkipAction
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from tui.commands import bindings_for
from tui.core.layout import Layout, Line
from tui.core.text import cell_width, one_line
from tui.i18n import _
from tui.widgets.roles import RoleStyles

MAX_TEXT_WIDTH = 88
ROLES = (
    "title",
    "position",
    "meta",
    "body",
    "heading",
    "caption",
    "quote",
    "emph",
    "link",
    "tag",
    "marker",
    "warning",
    "error",
    "notice",
    "link-selected",
    "focus",
    "match",
)
FOCUS_BAR = "▎"  # drawn down the left margin while the reader has the focus
TOP = 1  # the title line above the page's lines: where you are in it, in percent

Composer = Callable[[int], Layout]
MatchFinder = Callable[[str], tuple[tuple[int, int], ...]]


class ReaderState(NamedTuple):
    """What history needs to bring the reader back where it was."""

    scroll_y: float
    link: int | None


class ReaderView(RoleStyles, ScrollView, can_focus=True):
    """Scrollable, wrapped page text; ``n``/``p`` select links, Enter or digits follow them."""

    BINDINGS = [*bindings_for("reader"), Binding("escape", "clear_link", show=False)]
    ROLE_PREFIX = "reader"
    MUTED_ROLES = frozenset({"meta", "caption", "quote", "marker"})
    COMPONENT_CLASSES = {f"reader--{role}" for role in ROLES}
    UNCACHED_ROLES = frozenset({"position", "focus"})

    # No repaint of its own: the watcher redraws the lines that show the old or new link.
    selected_link: reactive[int | None] = reactive(None, init=False, repaint=False)

    class FollowLink(Message):
        """The user asked to follow link number ``n`` (``typed``: by its digits, which
        may have meant a footnote of the page: the screen then says what it followed)."""

        def __init__(self, n: int, typed: bool = False) -> None:
            super().__init__()
            self.n = n
            self.typed = typed

    class NumberTyped(Message):
        """Digits typed so far (empty when cleared), for the status line."""

        def __init__(self, digits: str) -> None:
            super().__init__()
            self.digits = digits

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, strips=1024)
        self._composer: Composer | None = None
        # The beginning of a long page, laid out first (``show``'s ``first``); the whole is
        # laid out once that has been painted.
        self._first: Composer | None = None
        self._partial = False  # what is laid out is only the beginning of the page
        self._layout = Layout(0)
        self._digits = ""
        self._pending: ReaderState | None = None
        self._hint: tuple[tuple[str, str], ...] = ()
        self._spans_of: MatchFinder | None = None
        #: The widest text lines are laid out (settings: ``reader_width``; None: the pane).
        self.max_width: int | None = MAX_TEXT_WIDTH

    # -- content ------------------------------------------------------------------------

    @property
    def layout_width(self) -> int:
        # Two cells stay free on the right for closing punctuation that hangs past the wrap.
        return max(20, min(self.max_width or 10_000, self._content_width() - 4))

    def _content_width(self) -> int:
        """The width text is laid out for. While hidden (one pane at a time on a narrow
        terminal) the reader has no width, but it will take the whole screen when shown:
        laying out for that now paints the page in one frame instead of a blank one and
        then the page (bench/ssh.py)."""
        width = self.scrollable_content_region.width
        if width <= 0 and not self.display and self.is_attached:
            width = self.screen.size.width - self.styles.scrollbar_size_vertical
        return width

    def show(
        self,
        composer: Composer,
        state: ReaderState | None = None,
        *,
        first: Composer | None = None,
    ) -> None:
        """Show content produced by ``composer(width)``; re-run only when the width changes.

        ``first``: the beginning of the same content, quicker to lay out (a long article's
        first blocks, laid out as in the whole): shown first, and the whole laid out just
        after it is painted. Not with a ``state`` to go back to, which may lie past it."""
        self._composer = composer
        self._first = first if state is None else None
        self._hint = ()
        self._layout = Layout(0)
        self._digits = ""
        self._pending = state
        self.selected_link = state.link if state else None
        if self._content_width() > 0:
            self._ensure_layout()
        # Otherwise it is not sized yet: ``on_resize`` wraps it once it knows its width.

    def _ensure_layout(self) -> None:
        if self._composer is None or self._content_width() <= 0:
            return
        if self._layout.width != self.layout_width:
            self._relayout()
        state, self._pending = self._pending, None
        # force: the scrollbars still describe the old page (a welcome text does not scroll),
        # and without it the scroll back to where the reader was is silently skipped.
        if state is not None:
            self.scroll_to(0, state.scroll_y, animate=False, immediate=True, force=True)
        elif self.scroll_y:
            self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    def clear(self, hint: Sequence[tuple[str, str]] = ()) -> None:
        """Show nothing but a few short ``(text, role)`` hint lines.

        Hints are drawn directly, without a layout pass: the start-up screen shows one, and
        it must not cost a frame of its own once the widget learns its size.
        """
        if self._composer is None and self._hint == tuple(hint) and self.selected_link is None:
            return  # already shown: a list opened over the welcome text leaves it be
        self._hint = tuple(hint)
        self._composer = None
        self._first = None
        self._partial = False
        self._layout = Layout(0)
        self._strips.clear()
        self.virtual_size = Size(0, 0)
        self.selected_link = None
        self.refresh()

    @property
    def state(self) -> ReaderState:
        return ReaderState(self.scroll_y, self.selected_link)

    @property
    def line_count(self) -> int:
        return len(self._layout.lines)

    @property
    def links(self) -> list[int]:
        """Link numbers in the order they appear."""
        return sorted(self._layout.link_lines, key=lambda n: (self._layout.link_lines[n], n))

    def text_lines(self) -> list[str]:
        """Plain text of every laid-out line (for tests and copy)."""
        if self._composer is None:
            return ["", *(text for text, _role in self._hint)]
        return ["".join(run[0] for run in line) for line in self._layout.lines]

    def _relayout(self) -> None:
        self._strips.clear()
        self.refresh()
        if self._composer is None:
            return
        width = self.layout_width
        first, self._first = self._first, None
        self._partial = first is not None
        if first is not None:
            self._layout = first(width)
            self.call_after_refresh(self._complete, self._composer)
        else:
            self._layout = self._composer(width)
        self.virtual_size = Size(width, len(self._layout.lines) + TOP)

    @property
    def complete(self) -> bool:
        """Whether the whole page is laid out (not only the beginning of a long one)."""
        return not self._partial

    async def _complete(self, composer: Composer) -> None:
        """The whole of what ``first`` began, once that was painted (the lines already
        shown stay as they are: the beginning is laid out as in the whole). It first lets
        the frame out: the driver's writer thread takes the interpreter within a switch
        interval (5 ms), and laying out the whole holds it for tens of ms."""
        await asyncio.sleep(sys.getswitchinterval())
        if composer is not self._composer or not self._partial:
            return  # another page since, or laid out whole already (a new width)
        self._partial = False
        self._layout = composer(self._layout.width)
        self.virtual_size = Size(self._layout.width, len(self._layout.lines) + TOP)
        self._strips.clear()
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        if self._composer is None or self.scrollable_content_region.width <= 0:
            return
        if self._layout.width == 0:
            self._ensure_layout()
        elif self._layout.width != self.layout_width:
            ratio = self.scroll_y / max(1, self.virtual_size.height)
            self._relayout()
            self.scroll_to(0, ratio * self.virtual_size.height, animate=False)

    # -- rendering ----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        return self._line(y, self.has_focus)

    def _with_bar(self, strip: Strip, focused: bool) -> Strip:
        if focused and strip.cell_length > 1:
            # Drawn over the margin, not by a CSS class: a class change restyles the
            # screen (about 30 ms a key, bench/ui.py); this costs a segment a line.
            bar = Strip([Segment(FOCUS_BAR, self.base_style + self._style("focus"))], 1)
            strip = Strip.join([bar, strip.crop(1, strip.cell_length)])
        return strip

    def get_loading_widget(self) -> Widget:
        """A still line instead of Textual's animated dots, which redraw the whole pane
        many times a second: kilobytes a second over an SSH link while a page loads."""
        from textual.widgets import Static  # only when a page is slow to come

        loading = Static(Content(_("Loading…")))
        loading.styles.padding = (1, 2)
        return loading

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def position(self) -> int | None:
        """How far through the page the screen's last line is, in percent (None: no page)."""
        total = len(self._layout.lines)
        if self._composer is None or not total:
            return None
        seen = int(self.scroll_y) + max(1, self.scrollable_content_region.height - TOP)
        return max(0, min(100, round(100 * seen / total)))

    def _heading(self) -> str:
        """The page's title, from its first lines (the layout starts with them)."""
        words: list[str] = []
        for line in self._layout.lines:
            if not line or line[0][1] != "title":
                break
            words.append("".join(run[0] for run in line))
        return one_line(" ".join(words))

    def _title_strip(self, width: int, base: Style) -> Strip:
        """The reader's own title line, like the list's: the title once it has scrolled
        away, and the position on the right."""
        percent = self.position()
        if percent is None:
            return Strip.blank(width, base)
        style = base + self._style("position")
        right = f" {percent}% "
        title = self._heading() if int(self.scroll_y) > 0 else ""
        room = max(0, width - cell_width(right) - 2)
        left = Strip([Segment("  ", style), Segment(title, style)])
        if left.cell_length > room:
            left = Strip([*left.crop(0, max(0, room - 1)), Segment("…", style)])
        left = left.adjust_cell_length(room, style)
        return Strip([*left, Segment("  ", style), Segment(right, style)]).simplify()

    def _line(self, y: int, focused: bool = False) -> Strip:
        index = int(self.scroll_y) + y - TOP
        width = self.content_width
        base = self.base_style
        if y < TOP:
            return self._with_bar(self._title_strip(width, base), focused)
        if index >= len(self._layout.lines):
            if self._composer is None and 0 <= y - 1 < len(self._hint):
                text, role = self._hint[y - 1]
                segments = [Segment("  ", base), Segment(one_line(text), base + self._style(role))]
                strip = Strip(segments).crop(0, width).adjust_cell_length(width, base)
                return self._with_bar(strip, focused)
            return self._with_bar(Strip.blank(width, base), focused)
        line = self._layout.lines[index]
        selected = self.selected_link
        if selected is not None and not any(run[2] == selected for run in line):
            selected = None  # the same strip whichever link elsewhere is selected
        key = (index, selected, width, focused)  # with the focus bar or without: both kept
        kept = self._strips.get(key)
        if kept is None:
            kept = self._strips[key] = self._with_bar(self._build(line, width, base), focused)
        return kept

    def _build(self, line: Line, width: int, base: Style) -> Strip:
        pad = max(1, (width - self._layout.width) // 2)
        selected = self.selected_link
        segments = [Segment(" " * pad, base)]
        spans = self._match_spans(line)
        at = 0
        for text, role, link in line:
            style = base + self._style(role)
            if link is not None and link == selected:
                style += self._style("link-selected")
            text = one_line(text)
            if spans:
                segments.extend(self._split_matches(text, at, spans, style))
            else:
                segments.append(Segment(text, style))
            at += len(text)
        # Neighbours of one style joined: one style sequence for them on the wire.
        return Strip(segments).adjust_cell_length(width, base).simplify()

    # -- search matches -------------------------------------------------------------------

    def set_matches(self, spans_of: MatchFinder | None) -> None:
        """Highlight what ``spans_of(line_text)`` finds (a search's terms); None for none."""
        self._spans_of = spans_of
        self._strips.clear()
        self.refresh()

    def _match_spans(self, line: Line) -> tuple[tuple[int, int], ...]:
        if self._spans_of is None:
            return ()
        return self._spans_of("".join(one_line(text) for text, _role, _link in line))

    def _split_matches(
        self, text: str, at: int, spans: tuple[tuple[int, int], ...], style: Style
    ) -> list[Segment]:
        out: list[Segment] = []
        hit = style + self._style("match")
        pos = 0
        for start, end in spans:
            a, b = max(start - at, 0), min(end - at, len(text))
            if a >= b or b <= pos:
                continue
            a = max(a, pos)
            if a > pos:
                out.append(Segment(text[pos:a], style))
            out.append(Segment(text[a:b], hit))
            pos = b
        if pos < len(text):
            out.append(Segment(text[pos:], style))
        return out

    def match_lines(self) -> list[int]:
        """Lines of the layout where a match is drawn."""
        if self._spans_of is None:
            return []
        return [i for i, line in enumerate(self._layout.lines) if self._match_spans(line)]

    def action_next_match(self) -> None:
        self._step_match(1)

    def action_prev_match(self) -> None:
        self._step_match(-1)

    def _step_match(self, step: int) -> None:
        lines = self.match_lines()
        top = int(self.scroll_y)
        following = [i for i in lines if (i > top if step > 0 else i < top)]
        if not following:
            self.app.bell()
            return
        self.scroll_to(y=following[0] if step > 0 else following[-1], animate=False)

    def link_at(self, x: int, y: int) -> int | None:
        """The number of the link drawn at ``(x, y)`` of the widget, if any."""
        index = int(self.scroll_y) + y - TOP
        if y < TOP:
            return None
        if self._composer is None or not 0 <= index < len(self._layout.lines):
            return None
        cell = max(1, (self.scrollable_content_region.width - self._layout.width) // 2)
        for text, _role, link in self._layout.lines[index]:
            end = cell + cell_width(text)
            if cell <= x < end:
                return link
            cell = end
        return None

    def on_click(self, event: events.Click) -> None:
        """A click on a link selects and follows it, as ``n`` then Enter would."""
        link = self.link_at(event.x - self.gutter.left, event.y - self.gutter.top)
        if link is not None:
            event.stop()
            self._select(link)
            self.post_message(self.FollowLink(link))

    def watch_selected_link(self, old: int | None, new: int | None) -> None:
        """Redraw only the lines on screen that draw the old or the new link (``n``/``p``
        change two links' colours, not the pane); a scroll to the link redraws the rest."""
        first = int(self.scroll_y)
        shown = self._layout.lines[first : first + self.scrollable_content_region.height - TOP]
        for y, line in enumerate(shown, first):
            if any(run[2] is not None and run[2] in (old, new) for run in line):
                self.refresh_line(y + TOP)

    # -- links --------------------------------------------------------------------------

    def _select(self, n: int) -> None:
        self.selected_link = n
        line = self._layout.link_lines.get(n)
        if line is not None:
            self.scroll_to_region_line(line)

    def scroll_to_region_line(self, line: int) -> None:
        height = self.scrollable_content_region.height - TOP
        if not (self.scroll_y <= line < self.scroll_y + height):
            self.scroll_to(0, max(0, line - height // 3), animate=False)

    def show_block(self, index: int) -> bool:
        """Scroll so that body block ``index`` starts at the top; False if it is not shown."""
        line = self._layout.block_lines.get(index)
        if line is None:
            return False
        self.scroll_to(0, line, animate=False)
        return True

    def action_next_link(self) -> None:
        order = self.links
        if not order:
            self.app.bell()
            return
        if self.selected_link in order:
            i = order.index(self.selected_link) + 1
            if i >= len(order):
                self.app.bell()
                return
            self._select(order[i])
            return
        top = self.scroll_y
        below = [n for n in order if self._layout.link_lines[n] >= top]
        self._select(below[0] if below else order[-1])

    def action_prev_link(self) -> None:
        order = self.links
        if not order:
            self.app.bell()
            return
        if self.selected_link in order:
            i = order.index(self.selected_link) - 1
            if i < 0:
                self.app.bell()
                return
            self._select(order[i])
            return
        bottom = self.scroll_y + self.scrollable_content_region.height - TOP
        above = [n for n in order if self._layout.link_lines[n] < bottom]
        self._select(above[-1] if above else order[0])

    def action_clear_link(self) -> None:
        """Esc drops typed digits or the selected link; with neither, it goes up a level
        (the screen's binding), so one Esc never does two things."""
        if not self._digits and self.selected_link is None:
            raise SkipAction()
        self._digits = ""
        self.post_message(self.NumberTyped(""))
        self.selected_link = None

    def action_follow(self) -> None:
        if self._digits:
            n = int(self._digits)
            self._digits = ""
            self.post_message(self.NumberTyped(""))
            if n in self._layout.link_lines:
                self._select(n)
                self.post_message(self.FollowLink(n, typed=True))
            else:
                self.notify(_("There is no link {n} on this page.").format(n=n), severity="warning")
            return
        if self.selected_link is not None:
            self.post_message(self.FollowLink(self.selected_link))
        else:
            self.notify(_("Select a link first: n and p move between links."), severity="warning")

    def on_key(self, event: events.Key) -> None:
        if event.character is not None and event.character.isdigit() and event.is_printable:
            event.stop()
            event.prevent_default()
            self._digits = (self._digits + event.character)[-4:]
            self.post_message(self.NumberTyped(self._digits))
        elif event.key == "backspace" and self._digits:
            event.stop()
            event.prevent_default()
            self._digits = self._digits[:-1]
            self.post_message(self.NumberTyped(self._digits))

    # -- scrolling ----------------------------------------------------------------------

    def action_line_down(self) -> None:
        self.scroll_to(y=self.scroll_y + 1, animate=False)

    def action_line_up(self) -> None:
        self.scroll_to(y=self.scroll_y - 1, animate=False)

    def action_page_down(self) -> None:
        self.scroll_to(
            y=self.scroll_y + max(1, self.scrollable_content_region.height - 2), animate=False
        )

    def action_page_up(self) -> None:
        self.scroll_to(
            y=self.scroll_y - max(1, self.scrollable_content_region.height - 2), animate=False
        )

    def action_top(self) -> None:
        self.scroll_to(y=0, animate=False)

    def action_bottom(self) -> None:
        self.scroll_to(y=self.max_scroll_y, animate=False)
