"""The list pane's list: home categories, index entries or a tag's related articles.

A Line-API widget (a ``ScrollView`` with ``render_line``, like the reader): one entry is one
line, so showing 2,000 entries costs a list assignment, and each frame builds strips only for
the rows on screen (kept in a small LRU). The first line is the list's title (the place and a
count), which stays put while the rows scroll under it; ``/`` turns it into the filter line,
typed into directly (no extra widget). A message (an empty list, a failure) is drawn under
the rows. Titles reach the terminal as plain segments, never as markup. Section rows are
headings: the cursor skips them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.commands import bindings_for
from tui.core.text import cell_width, one_line, sanitise, wrap
from tui.i18n import _
from tui.nav.places import Row, RowKind
from tui.widgets.roles import RoleStyles

ROLES = (
    "title",
    "title-focus",
    "title-detail",
    "filter",
    "message",
    "section",
    "cached",
    "external",
    "read",
    "note",
    "external-note",
    "cursor",
    "cursor-blurred",
    "hover",
    "star",
    "new",
    "count",
)
STAR = "★ "
NEW_MARK = "+ "  # listed since the last visit: in the mark column, where a cut title keeps it
ELLIPSIS = "…"
FILTER_CURSOR = "▏"
MAX_FILTER = 200  # characters: a filter is a few words
NEAR_EDGE = 2  # rows past the edge that count as a step (a heading may be skipped)
DATE_CELLS = 10  # YYYY-MM-DD
SOURCE_CELLS = 8  # the longest source name, 希望之声
MIN_TITLE = 28  # cells a title keeps before the columns give way


class Marks(NamedTuple):
    """How a row is marked: read (dimmed), at hand without the network (●), starred (★),
    listed since the last visit of its index (new), and for a list its unread count."""

    read: bool = False
    cached: bool = False
    starred: bool = False
    new: bool = False
    unread: int | None = None
    date: str | None = None  # what the library knows of an index entry (the page says none)
    source: str | None = None


NO_MARKS = Marks()
#: Marks of the rows about to be drawn, keyed by page key: asked once per frame, for the
#: rows on screen whose strips are not built yet, so one batched lookup serves a frame.
MarkLookup = Callable[[Sequence[Row]], dict[str, Marks]]


def _no_marks(rows: Sequence[Row]) -> dict[str, Marks]:
    return {}


def _pad_left(text: str, cells: int) -> str:
    return " " * max(0, cells - cell_width(text)) + text


def _columns(item: Row, room: int) -> str:
    """The date and source columns of a row, as wide as ``room`` allows: both when the title
    keeps ``MIN_TITLE`` cells, else the date alone, else none. Every row of a list gets the
    same widths, so the columns line up."""
    if not (item.date or item.source):
        return ""
    date = _pad_left(one_line(item.date or ""), DATE_CELLS)
    source = one_line(item.source or "")
    if cell_width(source) > SOURCE_CELLS:
        source = source[: SOURCE_CELLS // 2]  # CJK names: two cells a character
    both = f"  {_pad_left(source, SOURCE_CELLS)}  {date} "
    if item.source and room - cell_width(both) >= MIN_TITLE:
        return both
    alone = f"  {date} "
    if item.date and room - cell_width(alone) >= MIN_TITLE:
        return alone
    return ""


def _chop(text: str, cells: int) -> str:
    """The start of ``text`` that fills ``cells`` cells, as ``Strip.crop`` cuts it: a wide
    character cut in half becomes a space."""
    used = 0
    for i, ch in enumerate(text):
        n = cell_len(ch)
        if used + n > cells:
            return text[:i] + " " * (cells - used)
        used += n
    return text


def fitted(parts: Sequence[tuple[str, Style]], width: int, base: Style) -> list[Segment]:
    """``parts`` cut to ``width`` cells with an ellipsis, or padded to it with ``base``, and
    neighbours of one style joined (the terminal gets one style sequence for them).

    What ``Strip(...).crop``, an ellipsis, ``adjust_cell_length`` and ``simplify`` make,
    without the five intermediate strips (each holds seven caches): a row of a list is
    built each time it is drawn anew, 40 rows a frame.
    """
    pieces: list[tuple[str, Style]] = []
    used = 0
    if sum(cell_len(text) for text, _style in parts) > width:
        limit = max(0, width - cell_width(ELLIPSIS))
        for text, style in parts:
            n = cell_len(text)
            if used + n > limit:
                cut = _chop(text, limit - used)
                if cut:
                    pieces.append((cut, style))
                used = limit
                break
            pieces.append((text, style))
            used += n
        pieces.append((ELLIPSIS, base))
        used += cell_len(ELLIPSIS)
    else:
        pieces = list(parts)
        used = sum(cell_len(text) for text, _style in parts)
    if used < width:
        pieces.append((" " * (width - used), base))
    elif used > width:  # an ellipsis wider than the room it was given
        kept: list[tuple[str, Style]] = []
        used = 0
        for text, style in pieces:
            n = cell_len(text)
            if used + n > width:
                kept.append((_chop(text, width - used), style))
                break
            kept.append((text, style))
            used += n
        pieces = kept
    segments: list[Segment] = []
    for text, style in pieces:
        if not text:
            continue
        if segments and segments[-1].style == style:
            segments[-1] = Segment(segments[-1].text + text, style)
        else:
            segments.append(Segment(text, style))
    return segments


class EntryList(RoleStyles, ScrollView, can_focus=True):
    """Entries of the current place; ``items`` are the rows shown (filtered or not)."""

    BINDINGS = [
        *bindings_for("list"),
        Binding("down", "cursor_down", show=False),
        Binding("up", "cursor_up", show=False),
    ]
    ROLE_PREFIX = "entries"
    MUTED_ROLES = frozenset({"read", "note", "title-detail", "external", "external-note"})
    COMPONENT_CLASSES = {f"entries--{role}" for role in ROLES}
    UNCACHED_ROLES = frozenset({"title", "title-focus", "title-detail", "filter", "message"})

    # No repaint of its own: the watcher redraws the two rows whose highlight changed.
    highlighted: reactive[int | None] = reactive(
        None, init=False, always_update=True, repaint=False
    )

    class Selected(Message):
        """Enter or a click on an openable row."""

        def __init__(self, entries: EntryList, index: int) -> None:
            super().__init__()
            self.entries = entries
            self.index = index

        @property
        def control(self) -> EntryList:
            return self.entries

    class FilterChanged(Message):
        """The filter text changed (typed, deleted, cleared)."""

        def __init__(self, entries: EntryList, query: str) -> None:
            super().__init__()
            self.entries = entries
            self.query = query

        @property
        def control(self) -> EntryList:
            return self.entries

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: Sequence[Row] = ()
        # Asked only for the rows being drawn (and kept with their strips): a list of
        # 15,000 entries never looks up 15,000 marks.
        self.marks: MarkLookup = _no_marks
        self._marks: dict[str, Marks] = {}
        self._hover: int | None = None  # the line under the pointer (rows scroll under it)
        self._title: tuple[str, str] = ("", "")
        self.filter_query = ""
        self.editing = False  # keys type into the filter line
        self._count_note = ""  # the filter line's count of the rows, when "N shown" is not all
        self._message = ""
        self._message_lines: tuple[int, list[str]] = (0, [])

    # -- content ------------------------------------------------------------------------

    def set_title(self, title: str, detail: str = "") -> None:
        """The title line: the place (bold) and a detail such as a count."""
        new = (one_line(title), one_line(detail))
        if new != self._title:
            self._title = new
            self._refresh_title()

    def _refresh_title(self) -> None:
        """Redraw the title line only: over a slow link a frame costs what it repaints."""
        self.refresh(Region(0, 0, self.size.width, 1))

    def _refresh_row(self, row: int | None) -> None:
        """Redraw the line of ``row`` if it is on screen (a row off screen costs nothing)."""
        if row is None:
            return
        y = row - int(self.scroll_y) + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _rows_shown(self) -> int:
        """How many rows fit under the title line."""
        return max(0, self.scrollable_content_region.height - 1)

    def _set_virtual_size(self) -> None:
        # The title line sits above the rows; a message goes under them, after a blank line.
        width = self.scrollable_content_region.width
        extra = len(self._wrapped_message(width)) + 1 if self._message else 0
        # Width 0: rows are cut to the pane, never scrolled sideways (a virtual width equal
        # to the pane would bring a horizontal scrollbar when the vertical one appears).
        self.virtual_size = Size(0, len(self.items) + 1 + extra)

    def set_message(self, text: str) -> None:
        """A few words under the rows (why the list is empty, what failed); "" for none."""
        text = sanitise(text).replace("\t", " ")  # line breaks stay: they are breaks
        if text != self._message:
            self._message = text
            self._message_lines = (0, [])
            self._set_virtual_size()
            self.refresh()

    @property
    def message(self) -> str:
        return self._message

    def _wrapped_message(self, width: int) -> list[str]:
        if self._message_lines[0] != width:
            self._message_lines = (width, wrap(self._message, max(10, width - 4)))
        return self._message_lines[1]

    # -- the filter line ----------------------------------------------------------------

    def start_filter(self) -> None:
        """Let keys type into the filter line (Enter keeps the filter, Escape clears it)."""
        self.editing = True
        self.focus()
        self.refresh_bindings()
        self._refresh_title()

    def stop_editing(self) -> None:
        if self.editing:
            self.editing = False
            self.refresh_bindings()
            self._refresh_title()

    def set_filter(self, query: str) -> None:
        """Set the filter text without announcing it (history restores it this way)."""
        if query != self.filter_query:
            self.filter_query = query
            self._refresh_title()
        self.stop_editing()

    def _change_filter(self, query: str) -> None:
        query = query[:MAX_FILTER]
        if query != self.filter_query:
            self.filter_query = query
            self.post_message(self.FilterChanged(self, query))
        self._refresh_title()

    def key_hints(self) -> list[tuple[str, str, str]] | None:
        """The key bar's keys while the filter is typed into (None: the usual ones)."""
        if not self.editing:
            return None
        return [
            ("enter", "⏎", _("Keep filter")),
            ("escape", "esc", _("Clear filter")),
            ("down", "↓↑", _("Move")),
            ("ctrl+u", "^u", _("Erase")),
        ]

    def check_consume_key(self, key: str, character: str | None) -> bool:
        # While the filter is edited, printable keys are text, not commands.
        if not self.editing:
            return False
        return key in ("backspace", "escape") or (character is not None and character.isprintable())

    def on_key(self, event: events.Key) -> None:
        if not self.editing:
            return
        if event.key in ("down", "up", "pagedown", "pageup", "tab", "shift+tab"):
            return  # move in the list (or leave it) while typing
        handled = True
        if event.key == "enter":
            self.stop_editing()
        elif event.key == "escape":
            self.stop_editing()
            self._change_filter("")
        elif event.key == "backspace":
            self._change_filter(self.filter_query[:-1])
        elif event.key == "ctrl+u":
            self._change_filter("")
        elif event.is_printable and event.character is not None:
            self._change_filter(self.filter_query + sanitise(event.character))
        else:
            handled = False
        if handled:
            event.stop()
            event.prevent_default()

    def on_paste(self, event: events.Paste) -> None:
        if self.editing:
            event.stop()
            text = " ".join(sanitise(event.text).split())  # one line, no control characters
            self._change_filter(self.filter_query + text)

    def show_items(
        self, items: Sequence[Row], highlight: int | None = None, count_note: str = ""
    ) -> None:
        """Show ``items``; highlight row ``highlight`` or else the first openable row.

        ``count_note`` replaces the filter line's "N shown" when that is not all there is
        to say (a common query's search results: the newest of more than were counted)."""
        self.items = items  # kept as given: a lazy sequence stays lazy
        self._count_note = one_line(count_note)
        self._marks.clear()
        self._strips.clear()
        self._hover = None
        self._set_virtual_size()
        self.scroll_to(0, 0, animate=False, immediate=True)
        if highlight is None or not (0 <= highlight < len(self.items)):
            highlight = self._openable_from(0, 1)
        elif not self.items[highlight].openable:
            highlight = self._openable_from(highlight, 1)
        self.highlighted = highlight
        self.refresh()
        self.refresh_bindings()  # [ and ] depend on the rows: the key bar compares

    def refresh_marks(self) -> None:
        """Marks changed somewhere: ask again for the rows on screen and redraw only those
        whose marks differ (opening an article dims one row, not the whole pane); rows off
        screen are asked again when they are next drawn."""
        first = int(self.scroll_y)
        on_screen = range(first, min(len(self.items), first + self._rows_shown()))
        rows = [self.items[i] for i in on_screen]
        known = {
            r.ref.key: self._marks[r.ref.key] for r in rows if r.ref and r.ref.key in self._marks
        }
        self._marks.clear()
        if not known:
            self._strips.clear()
            return
        fresh = dict.fromkeys(known, NO_MARKS)
        fresh.update(self.marks([r for r in rows if r.ref is not None and r.ref.key in known]))
        self._marks.update(fresh)
        changed = {key for key, marks in fresh.items() if marks != known[key]}
        for key in list(self._strips.keys()):  # an LRUCache: keys() is its one view
            row = key[0]
            ref = self.items[row].ref if row < len(self.items) else None
            if row not in on_screen or (ref is not None and ref.key in changed):
                self._strips.discard(key)
        for i in on_screen:
            ref = self.items[i].ref
            if ref is not None and ref.key in changed:
                self._refresh_row(i)

    def visible_rows(self) -> Sequence[Row]:
        """The rows on screen now (under the title line)."""
        first = int(self.scroll_y)
        return self.items[first : first + self._rows_shown()]

    def render_lines(self, crop: Region) -> list[Strip]:
        first = int(self.scroll_y) + max(0, crop.y - 1)
        rows = self.items[first : first + crop.height]
        wanted = [r for r in rows if r.ref is not None and r.ref.key not in self._marks]
        if wanted:
            if len(self._marks) > 4096:  # rows scrolled past long ago
                self._marks.clear()
            self._marks.update(dict.fromkeys((r.ref.key for r in wanted if r.ref), NO_MARKS))
            self._marks.update(self.marks(wanted))
        return super().render_lines(crop)

    @property
    def current(self) -> Row | None:
        if self.highlighted is None or not (0 <= self.highlighted < len(self.items)):
            return None
        return self.items[self.highlighted]

    # -- the cursor ---------------------------------------------------------------------

    def _openable_from(self, start: int, step: int) -> int | None:
        """The first openable row from ``start`` on, going ``step``; None if there is none."""
        i = start
        while 0 <= i < len(self.items):
            if self.items[i].openable:
                return i
            i += step
        return None

    def _move(self, target: int, step: int) -> None:
        target = max(0, min(len(self.items) - 1, target))
        found = self._openable_from(target, step)
        if found is None:
            found = self._openable_from(target, -step)
        if found is not None:
            self.highlighted = found
            if found == self._openable_from(0, 1):
                self.scroll_to(y=0, animate=False)  # the heading above the first row too

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        # A scroll redraws the whole list (ScrollView does); a move within the screen
        # redraws the old and the new row only: about 400 bytes instead of the pane.
        self._refresh_row(old)
        self._refresh_row(new)
        self._scroll_to_highlight()

    def _scroll_to_highlight(self) -> None:
        row, height = self.highlighted, self._rows_shown()
        if row is None or height <= 0:
            return
        # A step past the edge (j, k) scrolls by half a screen, not by one row: a scroll
        # repaints every row of the pane, so over a slow link a held j would cost a full
        # pane per key; this way it costs one per half screen of rows (issue 14).
        step = max(1, height // 2) if height >= 6 else 1
        top = int(self.scroll_y)
        if row < top:
            near = top - row <= NEAR_EDGE
            self.scroll_to(y=row - step + 1 if near else row, animate=False, immediate=True)
        elif row >= top + height:
            near = row - (top + height - 1) <= NEAR_EDGE
            end = row - height + 1
            self.scroll_to(y=end + step - 1 if near else end, animate=False, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        self._set_virtual_size()
        self._scroll_to_highlight()

    def action_cursor_down(self) -> None:
        if self.highlighted is None:
            self._move(0, 1)
        elif self.highlighted < len(self.items) - 1:
            nxt = self._openable_from(self.highlighted + 1, 1)
            if nxt is not None:
                self.highlighted = nxt

    def action_cursor_up(self) -> None:
        if self.highlighted is None:
            self._move(len(self.items) - 1, -1)
        elif self.highlighted > 0:
            prev = self._openable_from(self.highlighted - 1, -1)
            if prev is not None:
                self.highlighted = prev
            if prev is None or prev == self._openable_from(0, 1):
                self.scroll_to(y=0, animate=False)  # the heading above the first row too

    def action_first(self) -> None:
        self._move(0, 1)

    def action_last(self) -> None:
        self._move(len(self.items) - 1, -1)

    def action_page_down(self) -> None:
        page = max(1, self._rows_shown() - 1)
        self._move((self.highlighted or 0) + page, 1)

    def action_page_up(self) -> None:
        page = max(1, self._rows_shown() - 1)
        self._move((self.highlighted or 0) - page, -1)

    def action_select(self) -> None:
        if self.current is not None and self.current.openable:
            assert self.highlighted is not None
            self.post_message(self.Selected(self, self.highlighted))

    # -- the mouse ----------------------------------------------------------------------

    def _row_at(self, y: int) -> int | None:
        """The row drawn at line ``y`` of the widget (line 0 is the title)."""
        row = int(self.scroll_y) + y - 1
        return row if y > 0 and 0 <= row < len(self.items) else None

    def on_click(self, event: events.Click) -> None:
        row = self._row_at(event.y)
        if row is not None and self.items[row].openable:
            event.stop()
            self.highlighted = row
            self.post_message(self.Selected(self, row))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        line = event.y if self._row_at(event.y) is not None else None
        if line != self._hover:
            for old in (self._hover, line):
                if old is not None:
                    self.refresh(Region(0, old, self.size.width, 1))
            self._hover = line

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self.refresh(Region(0, self._hover, self.size.width, 1))
            self._hover = None

    # -- rendering ----------------------------------------------------------------------

    def _adjust_style(self, role: str, style: Style) -> Style:
        if role == "cursor-blurred" and (style.bgcolor is None or style.bgcolor.is_default):
            # The ansi themes leave the blurred cursor uncoloured: mark the row anyway.
            style += Style(bold=True, underline=True)
        return style

    def render_line(self, y: int) -> Strip:
        width = self.content_width
        base = self.base_style
        if y == 0:
            return self._title_strip(width, base)
        row = self._row_at(y)
        if row is None:
            return self._message_strip(y, width, base)
        cursor = row == self.highlighted
        hover = y == self._hover and not cursor
        key = (row, cursor, hover, width)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._build(self.items[row], width, base, cursor, hover)
            self._strips[key] = strip
        return strip

    def _message_strip(self, y: int, width: int, base: Style) -> Strip:
        line = int(self.scroll_y) + y - 1 - len(self.items) - 1  # after one blank line
        lines = self._wrapped_message(width) if self._message else []
        if y <= 0 or not 0 <= line < len(lines):
            return Strip.blank(width, base)
        strip = Strip([Segment("  ", base), Segment(lines[line], base + self._style("message"))])
        return self._fit(strip, width, base)

    def _title_strip(self, width: int, base: Style) -> Strip:
        if self.editing or self.filter_query:
            return self._filter_strip(width, base)
        title, detail = self._title
        style = base + self._title_style()
        segments = [Segment(" ", style), Segment(title, style)]
        if detail:
            segments.append(Segment(f"  {detail}", style + self._style("title-detail")))
        return self._fit(Strip(segments), width, style)

    def _title_style(self) -> Style:
        """The title line lights up while the list has the focus (drawn here, not by a
        ``:focus`` rule: see ``RoleStyles.watch_has_focus``)."""
        return self._style("title-focus" if self.has_focus else "title")

    def _filter_strip(self, width: int, base: Style) -> Strip:
        style = base + self._title_style()
        muted = style + self._style("title-detail")
        segments = [
            Segment(" / ", muted),
            Segment(self.filter_query, style + self._style("filter")),
        ]
        if self.editing:
            segments.append(Segment(FILTER_CURSOR, style))
        shown = sum(1 for item in self.items if item.openable)
        note = self._count_note or _("{count} shown").format(count=shown)
        segments.append(Segment(f"  {note}", muted))
        strip = Strip(segments)
        if strip.cell_length > width:  # keep the end of a long filter, where one types
            strip = strip.crop(strip.cell_length - width, strip.cell_length)
        return strip.adjust_cell_length(width, style).simplify()

    def _fit(self, strip: Strip, width: int, base: Style) -> Strip:
        """Cut to ``width`` with an ellipsis, or pad to it; neighbours of one style joined,
        so the terminal gets one style sequence for them, not one per segment."""
        if strip.cell_length > width:
            strip = strip.crop(0, max(0, width - cell_width(ELLIPSIS)))
            strip = Strip([*strip, Segment(ELLIPSIS, base)])
        return strip.adjust_cell_length(width, base).simplify()

    def _build(self, item: Row, width: int, base: Style, cursor: bool, hover: bool) -> Strip:
        if cursor:
            base += self._style("cursor" if self.has_focus else "cursor-blurred")
        elif hover:
            base += self._style("hover")
        parts: list[tuple[str, Style]]
        if item.kind is RowKind.SECTION:
            parts = [(one_line(item.title), self._style("section"))]
        else:
            marks = self._marks.get(item.ref.key, NO_MARKS) if item.ref is not None else NO_MARKS
            title = self._style("read") if marks.read else Style()
            text = one_line(item.title)
            if item.kind is RowKind.EXTERNAL:
                parts = [("↗ ", self._style("external")), (text, title)]
                parts.append(("  " + _("(external)"), self._style("external-note")))
            elif marks.starred:
                parts = [(STAR, self._style("star")), (text, title)]
            elif marks.new and not marks.read:
                parts = [(NEW_MARK, self._style("new")), (text, title)]
            elif item.kind is not RowKind.INDEX and marks.cached:
                parts = [("● ", self._style("cached")), (text, title)]
            else:
                parts = [("  ", Style()), (text, title)]
            if marks.unread:
                parts.append((f"  {marks.unread}", self._style("count")))
            if item.note:
                parts.append((f"  {one_line(item.note)}", self._style("note")))
            shown = item
            if not (item.date or item.source) and (marks.date or marks.source):
                shown = item._replace(date=marks.date, source=marks.source)
            columns = _columns(shown, width - cell_width(parts[0][0]))
            if columns:
                # Title cut to the room the columns leave; source and date right-aligned.
                room = width - cell_width(columns)
                styled = [(text, base + style) for text, style in parts]
                segments = fitted(styled, room, base)
                note = base + self._style("note")
                if segments and segments[-1].style == note:
                    segments[-1] = Segment(segments[-1].text + columns, note)
                else:
                    segments.append(Segment(columns, note))
                return Strip(segments)
        return Strip(fitted([(text, base + style) for text, style in parts], width, base))

    def _on_focus(self, event: events.Focus) -> None:
        """Textual's own handler (``Widget._on_focus``, next in the MRO) redraws the whole
        pane; this one does the rest of its work and redraws what the focus changes."""
        event.prevent_default()
        self.has_focus = True
        if self.parent is not None:
            self.parent.post_message(events.DescendantFocus(self))
        self._focus_moved()

    def _on_blur(self, event: events.Blur) -> None:
        """As ``_on_focus``: Textual's handler without its whole-pane redraw."""
        event.prevent_default()
        self.has_focus = False
        self.editing = False
        if self.parent is not None:
            self.parent.post_message(events.DescendantBlur(self))
        self._focus_moved()

    def _focus_moved(self) -> None:
        """The cursor row and the title line change colour with the focus; no other row
        does, so theirs are the only strips dropped (the title line is never kept) and the
        only lines redrawn: a whole pane redrawn was 5-6 ms of opening an article from a
        long list (bench/scale.py) and a pane's worth of bytes over SSH for each Tab."""
        for key in list(self._strips.keys()):  # an LRUCache: keys() is its one view
            if key[1]:
                self._strips.discard(key)
        self._refresh_title()
        self._refresh_row(self.highlighted)

    def watch_has_focus(self, _has_focus: bool) -> None:
        """Drawn by ``_focus_moved`` on the Focus and Blur events (not ``RoleStyles``'
        whole-pane redraw, nor twice)."""
