"""Daily reading in the browser: unread navigation, read marks, stars, history, counts.

A mixin of ``BrowserScreen`` (kept apart so the screen stays about places and pages). Every
library write that can be large (a whole list marked read, a listing recorded, unread
counts) runs in a worker thread and comes back as a message; toggling one article's mark
is a set swap in memory plus one small write. What rows show is asked per drawn frame
through :meth:`DailyReading.daily_marks`, from in-memory sets only. Messages are handled
by ``on_<name>`` methods: ``@on`` handlers are only collected from Textual classes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message

from tui.core.daily import IndexVisit, pin_starred, toggle_star, unpin, when
from tui.core.models import Article, Index
from tui.core.urls import PageRef
from tui.i18n import _, ngettext
from tui.nav.places import (
    PlaceKind,
    Row,
    RowKind,
    history_place,
    marked_rows,
    starred_note,
    starred_place,
)
from tui.nav.router import Pane, Route

if TYPE_CHECKING:
    from collections.abc import Callable

    from tui.core.library import Library
    from tui.core.models import Document
    from tui.core.pages import PageService
    from tui.nav.places import Place
    from tui.widgets.entries import EntryList
    from tui.widgets.reader import ReaderView

CONFIRM_SECONDS = 5.0  # a second M within this long marks the whole list read


class UnreadCounts(Message):
    """Unread articles by index key, counted in a worker thread."""

    def __init__(self, counts: dict[str, int]) -> None:
        super().__init__()
        self.counts = counts


class IndexVisited(Message):
    """An index's visit was recorded (what is new in it since the last one)."""

    def __init__(self, visit: IndexVisit) -> None:
        super().__init__()
        self.visit = visit


class AllMarked(Message):
    """Every article of the list ``place_title`` (``count`` of them) was marked read."""

    def __init__(self, place_title: str, count: int) -> None:
        super().__init__()
        self.place_title = place_title
        self.count = count


class DailyReading:
    """Keys u U m M f F R and what rows show of them."""

    if TYPE_CHECKING:  # what the browser screen provides
        app: Any
        library: Library
        service: PageService
        place: Place
        reader_ref: PageRef | None
        _copies: dict[str, bool]
        _requests: dict[str, int]

        @property
        def entries(self) -> EntryList: ...
        @property
        def reader(self) -> ReaderView: ...

        post_message: Callable[[Message], bool]
        call_after_refresh: Callable[..., bool]
        open_page: Callable[..., None]
        go: Callable[[Route], None]
        _reader_page: Callable[[], Article | Document | None]
        _show_related: Callable[..., None]

    _unread: dict[str, int]
    _visit: IndexVisit | None
    _confirm_all: float

    def _daily_init(self) -> None:
        self._unread = {}
        self._visit = None
        self._confirm_all = 0.0

    # -- what rows show ---------------------------------------------------------------

    def daily_marks(self, row: Row, key: str) -> tuple[bool, bool, int | None]:
        """(starred, new, unread count) of a drawn row: set and dict lookups only."""
        starred = key in self.library.starred_keys()
        visit = self._visit
        new = visit is not None and key in visit.new and self.place.ref == visit.ref
        count = self._unread.get(key) if row.kind is RowKind.INDEX else None
        return starred, new, count

    def daily_rows(self, kind: PlaceKind, repo: str) -> list[Row] | None:
        """Rows of the Starred and History places (None: not one of them). In a thread."""
        if kind is PlaceKind.STARRED:
            return marked_rows(self.library.starred(), starred_note)
        if kind is PlaceKind.HISTORY:
            now = self.library.clock()
            return marked_rows(self.library.history(repo), lambda m: when(m.at, now))
        return None

    def daily_filled(self) -> None:
        """A list was shown: the home list asks for fresh unread counts."""
        if self.place.kind is PlaceKind.HOME:
            # After the frame: the counts must not compete with the first paint.
            self.call_after_refresh(self._count_unread)

    def daily_index_shown(self, index: Index) -> None:
        """An index is shown: the marks of another's visit go (its own visit is recorded
        by the prefetch worker, ``IndexVisited``)."""
        if self._visit is not None and self._visit.ref != index.ref:
            self._visit = None

    @work(group="daily-counts", exclusive=True, exit_on_error=False, description="counts")
    async def _count_unread(self) -> None:
        counts = await asyncio.to_thread(self.library.unread_counts)
        self.post_message(UnreadCounts(counts))

    def on_unread_counts(self, message: UnreadCounts) -> None:
        if message.counts != self._unread:
            self._unread = message.counts
            self.entries.refresh_marks()

    def on_index_visited(self, message: IndexVisited) -> None:
        if self.place.ref == message.visit.ref:
            self._visit = message.visit
            if message.visit.new:
                self.entries.refresh_marks()

    # -- which article a key means ----------------------------------------------------

    def _daily_target(self) -> tuple[PageRef, str] | None:
        """The article open in the reader while it has the focus, else the highlighted row."""
        page = self._reader_page()
        if self.reader.has_focus and isinstance(page, Article) and self.reader_ref is not None:
            return self.reader_ref, page.title
        row = self.entries.current
        if row is not None and row.readable and row.ref is not None:
            return row.ref, row.title
        if isinstance(page, Article) and self.reader_ref is not None:
            return self.reader_ref, page.title
        return None

    # -- unread navigation --------------------------------------------------------------

    def _unread_from(self, start: int, step: int) -> int | None:
        items = self.entries.items
        read = self.library.read_keys()
        i = start
        while 0 <= i < len(items):
            row = items[i]
            if row.readable and row.ref is not None and row.ref.key not in read:
                return i
            i += step
        return None

    def _step_unread(self, step: int) -> None:
        entries = self.entries
        items = entries.items
        here = entries.highlighted
        if self.reader_ref is not None and (here is None or items[here].ref != self.reader_ref):
            here = next((i for i, r in enumerate(items) if r.ref == self.reader_ref), here)
        start = (here + step) if here is not None else (0 if step > 0 else len(items) - 1)
        found = self._unread_from(start, step)
        if found is None:
            self.app.bell()
            self.app.notify(_("No more unread articles in this list."), timeout=3)
            return
        entries.highlighted = found
        if self.reader.has_focus:
            ref = items[found].ref
            assert ref is not None
            self.open_page(ref, focus=True)

    def action_next_unread(self) -> None:
        self._step_unread(1)

    def action_prev_unread(self) -> None:
        self._step_unread(-1)

    # -- read marks ---------------------------------------------------------------------

    def action_toggle_read(self) -> None:
        target = self._daily_target()
        if target is None:
            self.app.notify(_("Highlight or open an article first."), severity="warning", timeout=3)
            return
        ref, title = target
        if ref.key in self.library.read_keys():
            self.library.mark_unread(ref)
            self.app.notify(
                _("Marked unread: {title}").format(title=title), markup=False, timeout=3
            )
        else:
            self.library.mark_read(ref)
            self.app.notify(_("Marked read: {title}").format(title=title), markup=False, timeout=3)
        self.entries.refresh_marks()

    def action_mark_all_read(self) -> None:
        rows = self.entries.items
        if not rows:
            self.app.notify(_("This list has no articles."), timeout=3)
            return
        now = time.monotonic()
        if now - self._confirm_all > CONFIRM_SECONDS:
            self._confirm_all = now
            self.app.notify(
                _("Press M again to mark every article of this list read."),
                markup=False,
                timeout=CONFIRM_SECONDS,
            )
            return
        self._confirm_all = 0.0
        self._mark_all(rows, self.place.crumb or self.place.title)

    # i18n: not shown (a worker's name)
    @work(group="daily-mark", exclusive=False, exit_on_error=False, description="mark all")
    async def _mark_all(self, rows: Sequence[Row], title: str) -> None:
        def keys() -> list[str]:
            return [r.ref.key for r in rows if r.readable and r.ref is not None]

        def run() -> int:
            return len(self.library.mark_all_read(keys()))

        count = await asyncio.to_thread(run)
        self.post_message(AllMarked(title, count))

    def on_all_marked(self, message: AllMarked) -> None:
        self.app.notify(
            ngettext(
                "Marked {count} article read.", "Marked {count} articles read.", message.count
            ).format(count=message.count),
            markup=False,
            timeout=4,
        )
        self.entries.refresh_marks()

    # -- stars, the Starred and History places -------------------------------------------

    def action_star(self) -> None:
        target = self._daily_target()
        if target is None:
            self.app.notify(_("Highlight or open an article first."), severity="warning", timeout=3)
            return
        ref, title = target
        if toggle_star(self.library, ref, title):
            self.app.notify(_("Starred: {title}").format(title=title), markup=False, timeout=3)
            self._keep_starred(ref)
        else:
            self.app.notify(_("Unstarred: {title}").format(title=title), markup=False, timeout=3)
            self._release_starred(ref)
        self._copies.pop(ref.key, None)
        self.entries.refresh_marks()
        if self.place.kind is PlaceKind.STARRED:
            self._show_related(self._requests["list"], None, live=True)

    @work(group="daily-pin", exclusive=False, exit_on_error=False, description="pin")
    async def _keep_starred(self, ref: PageRef) -> None:
        await pin_starred(self.service, ref)

    @work(group="daily-pin", exclusive=False, exit_on_error=False, description="unpin")
    async def _release_starred(self, ref: PageRef) -> None:
        await asyncio.to_thread(unpin, self.service, ref)

    def action_starred(self) -> None:
        self.go(Route(Pane.LIST, starred_place()))

    def action_history(self) -> None:
        self.go(Route(Pane.LIST, history_place()))
