"""The browser: the list pane and the reader over the page service and the navigation core.

Data flows one way: key -> command (``tui.commands``) -> ``Router`` (where it opens) ->
worker (``PageService.get``) -> message (``PageLoaded`` / ``PageFailed`` /
``PrefetchProgress``) -> handler -> widget. Workers never touch widgets; every request is
numbered, so the answer to a request that a newer one replaced is dropped.

The reader rule: opening a list from the list pane (a category, Home, an index link) clears
the reader, so the header and the reader always describe the same place; a tag's related
list keeps the article the tag came from; back and forward bring both back as they were.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from textual import events, on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.reactive import Reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from tui.commands import Command, bindings_for
from tui.core.daily import IndexVisit, visit_listing
from tui.core.errors import (
    BadContent,
    ErrorPage,
    MirrorError,
    NotFound,
    OfflineMiss,
    OutsideMirror,
    RedirectRefused,
    TooLarge,
)
from tui.core.layout import (
    anchor_block,
    followed_notice,
    layout_article,
    layout_document,
    layout_message,
)
from tui.core.mirror import Mirror
from tui.core.models import Article, Document, Entry, Home, Index, Link, Page
from tui.core.pages import Loaded, PageService, stale_note
from tui.core.script import LABELS, ModelCache, Script, converter, converter_ready, next_script
from tui.core.script import convert_text as _convert_text
from tui.core.script import rows_in as _rows_in
from tui.core.share import without_cache_buster
from tui.core.urls import PageRef
from tui.i18n import N_, _, ngettext
from tui.messages import PageFailed, PageLoaded, PrefetchProgress, RowsLoaded, SyncProgress
from tui.nav.history import History
from tui.nav.places import (
    Place,
    PlaceKind,
    Row,
    RowKind,
    Visit,
    all_rows,
    category_count,
    filter_rows,
    home_place,
    home_rows,
    index_place,
    index_rows,
    openable_count,
    related_rows,
    search_place,
    search_rows,
)
from tui.nav.router import Pane, Route, Router
from tui.screens.daily import DailyReading, IndexVisited
from tui.widgets.entries import EntryList, Marks
from tui.widgets.header import Crumbs
from tui.widgets.keybar import KeyBar
from tui.widgets.reader import MAX_TEXT_WIDTH, ReaderState, ReaderView

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from tui.core.fallback import FallbackMirror
    from tui.screens.saving import ExportProgress

NARROW_BELOW = 100  # columns: below this one pane shows at a time
PREFETCH_CONCURRENCY = 4
LOADING_DELAY = 0.12  # seconds before a slow page shows the loading indicator
RELATED_REFRESH = 0.4  # seconds between live updates of a related list during prefetch
SEARCH_DEBOUNCE = 0.3  # seconds: a query typed on while another ran, if that one never ends
SEARCH_ROWS = 200  # results listed for a query; the title counts them all
WARM_UP_AFTER = 0.3  # seconds after start-up: the worker process starts while idle
VISIT_AFTER = 0.15  # seconds after an index is shown: its visit and prefetch start after its frame
FIRST_BLOCKS = 200  # body blocks of a long article laid out before its first paint
PROGRESS_REFRESH = 0.25  # seconds between redraws of prefetch progress and marks


class BrowserState(NamedTuple):
    """What the screen shows, for tests and benchmarks (a snapshot, not a handle)."""

    place: Place
    rows: Sequence[Row]  # as shown (filtered; may be lazy: reading it costs nothing)
    selection: int | None
    reader: PageRef | None  # the page the reader shows or is loading
    reader_page: Page | None  # its model, once shown
    filter: str
    progress: tuple[int, int] | None  # prefetch (done, total) while it runs
    focus: str  # "list" or "reader"
    list_error: str | None
    loading: bool  # a list or reader request is in flight
    #: The place whose rows ``rows`` are: ``place`` once they came, before that the one
    #: before (its rows stay until the new ones come).
    filled: Place | None = None


class BrowserScreen(DailyReading, Screen[None]):
    """The main screen: crumbs, the list pane, the reader and the key bar."""

    AUTO_FOCUS = "#entries"
    BINDINGS = bindings_for("screen")
    # Moving the focus repaints what the focus changes (the widgets restyle themselves),
    # not the whole screen: over a slow SSH link that is a screenful of bytes a key.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(
        self,
        service: PageService,
        *,
        prefetch: bool = True,
        clock: Callable[[], datetime] | None = None,
        reader_width: int | None = MAX_TEXT_WIDTH,
        script: Script = Script.ORIGINAL,
    ) -> None:
        super().__init__()
        self.reader_width = reader_width
        self.script = script  # wanted; shown once its converter is loaded (shown_script)
        self._converted = ModelCache()
        self._list_title: tuple[str, str] = ("", "")
        self._stale = False
        self.service = service
        self.library = service.library
        self.prefetch_enabled = prefetch
        self.clock = clock or service.clock
        self.router = Router(service.home)
        self.history: History[Visit] = History()
        self.place = home_place(service.home)
        self.rows: Sequence[Row] = ()  # every row of the place (the list may show a filtered part)
        self.list_page: Page | None = None
        self.list_error: str | None = None
        self.reader_ref: PageRef | None = None
        self.reader_loaded: Loaded | None = None
        self.narrow = False
        self.progress: tuple[int, int] | None = None
        self.digits = ""
        self._requests = {"list": 0, "reader": 0}
        self._pending: dict[str, Timer] = {}
        self._copies: dict[str, bool] = {}  # has_copy answers for rows drawn so far
        self._related_timer: Timer | None = None
        self._related_dirty = False
        self._search_timer: Timer | None = None
        self._search_busy = False  # a search query is running
        self._syncing = False
        self.sync_status = ""
        self._resumed = False  # the first ScreenResume (start-up) has been handled
        self.export_status = ""  # "export 10/200" while W runs
        self._progress_timer: Timer | None = None
        self._problems_shown = 0
        self._reader_focus = False
        # A list the library answers takes the focus when its rows come (or after
        # LOADING_DELAY if they are slow), not before: see ``go``.
        self._list_focus_timer: Timer | None = None
        self._arrived: list[str] = []  # keys prefetch stored since progress was last shown
        self._filled: Place | None = None  # the place whose rows the list shows
        self._daily_init()
        # Link texts of pages opened from a link or row: a page without a title of its own
        # (another repository's README.md) is called by the words that led to it.
        self._link_titles: dict[str, str] = {}

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Few widgets: each costs styling and layout before the first frame (about 3 ms
        # apiece, bench/ui.py). The screen lays the two panes out side by side; crumbs and
        # keys are docked; the list draws its own title, filter line and messages.
        yield Crumbs(id="crumbs")
        yield EntryList(id="entries")
        yield ReaderView(id="reader")
        yield KeyBar(id="keys")

    @property
    def entries(self) -> EntryList:
        return self.query_one("#entries", EntryList)

    @property
    def reader(self) -> ReaderView:
        return self.query_one("#reader", ReaderView)

    @property
    def crumbs(self) -> Crumbs:
        return self.query_one("#crumbs", Crumbs)

    @property
    def keybar(self) -> KeyBar:
        return self.query_one("#keys", KeyBar)

    @property
    def mirror(self) -> FallbackMirror:
        return self.service.mirror  # type: ignore[return-value]

    @property
    def state(self) -> BrowserState:
        entries = self.entries
        page = self.reader_loaded.page if self.reader_loaded else None
        return BrowserState(
            place=self.place,
            rows=entries.items,
            selection=entries.highlighted,
            reader=self.reader_ref,
            reader_page=page,
            filter=entries.filter_query,
            progress=self.progress,
            focus="reader" if self.reader.has_focus else "list",
            list_error=self.list_error,
            loading=bool(self._pending),
            filled=self._filled,
        )

    async def on_mount(self) -> None:
        self.entries.marks = self._marks
        self.reader.max_width = self.reader_width
        self.apply_width(self.app.size.width)
        for warning in [*self.service.mirror.warnings, *self.library.warnings]:
            self.app.notify(warning, severity="warning", markup=False, timeout=8)
        self._update_source()
        self.show_welcome()
        self.entries.focus()
        home = self.service.home
        if self.service.mirror.is_cached(home):
            # At hand without the network: fill the list before the first paint, so the
            # first frame already shows the home page instead of an empty list.
            request = self._next("list")
            try:
                loaded = await self.service.get(home, inline=True)
            except MirrorError as error:
                self._list_failed(PageFailed("list", request, home, error, self.place))
            else:
                self._list_loaded(PageLoaded("list", request, home, loaded, self.place))
        else:
            self.open_place(self.place)
        if self.prefetch_enabled:
            self.set_timer(WARM_UP_AFTER, self.service.warm_up)
        if not converter_ready(self.script):
            # OpenCC loads after the first frame: until then pages show as they are.
            self.call_after_refresh(self._load_script, self.script, False)

    def on_resize(self) -> None:
        self.apply_width(self.app.size.width)

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        """The terminal may have been resized while a dialog covered this screen: lay out
        for the width it has now.

        The first resume, at start-up, comes just after every widget was styled as it
        mounted: styling them all again (each pane's role classes too) was 8-12 ms of the
        first frame's 30 (bench/ui.py). So it runs Textual's handler without the restyle
        and stops there: Textual calls the handler of every class of the MRO in turn, and
        ``Screen``'s, reached next, would restyle (and an override that calls ``super()``
        without stopping there runs ``Screen``'s twice). Later resumes (a dialog closed) go
        on to ``Screen``'s handler alone, as Textual has them."""
        self.apply_width(self.app.size.width)
        if not self._resumed:
            self._resumed = True
            event.prevent_default()
            super()._on_screen_resume(events.ScreenResume(refresh_styles=False))

    def apply_width(self, width: int) -> None:
        narrow = width < NARROW_BELOW
        if narrow and not self.narrow and self.is_mounted:
            # Becoming narrow while reading keeps the article in view, not the list.
            self.set_class(self.reader.has_focus, "show-reader")
        self.narrow = narrow
        self.set_class(narrow, "narrow")
        if not narrow:
            self.remove_class("show-reader")

    def show_pane(self, pane: str) -> None:
        self._cancel_list_focus()  # a pane chosen now wins over one promised before
        self.set_class(pane == "reader", "show-reader")
        (self.reader if pane == "reader" else self.entries).focus()

    # -- header, status -----------------------------------------------------------------

    def _update_source(self, stale: bool = False) -> None:
        mirror = self.service.mirror
        self._stale = stale
        label = mirror.label + (_(" · offline copy") if stale else "")
        if self.shown_script is not Script.ORIGINAL:
            label += f" · {_(LABELS[self.shown_script])}"
        self.crumbs.set_source(label, "" if self.narrow else mirror.where)

    def _update_crumbs(self) -> None:
        parts = [_("Home")]
        if self.place.kind is not PlaceKind.HOME:
            parts.append(self.place.crumb)
        page = self.reader_loaded.page if self.reader_loaded else None
        if isinstance(page, Article | Document) and self.reader_ref is not None:
            parts.append(page.title or page.ref.name)
        self.crumbs.set_path([self._in_script(part) for part in parts])

    def _update_status(self) -> None:
        bits = []
        if self.digits:
            bits.append(_("link {digits}_  (Enter to follow)").format(digits=self.digits))
        if self.progress is not None:
            done, total = self.progress
            bits.append(_("prefetch {done}/{total}").format(done=done, total=total))
        if self.sync_status:
            bits.append(self.sync_status)
        if self.export_status:
            bits.append(self.export_status)
        self.keybar.status = "  ·  ".join(bits)

    # -- requests -----------------------------------------------------------------------

    def _next(self, target: str) -> int:
        """Number a new request for ``target``; older answers for it will be dropped."""
        self._requests[target] += 1
        self._stop_pending(target)
        return self._requests[target]

    def _current(self, target: str, request: int) -> bool:
        return self._requests[target] == request

    def _start_pending(self, target: str) -> None:
        """Show a loading indicator only if the wait is long enough to notice.

        Cached pages arrive in a few milliseconds; flashing an indicator for them would
        cost layout passes and make the screen flicker. The list says it in its title line
        (the rows stay until the new ones come); the reader shows Textual's indicator.
        """

        def show() -> None:
            if self._pending.get(target) is not timer:
                # Stopped after it fired (its event was already queued): the page came.
                return
            if target == "reader":
                if self.narrow and self._reader_focus:
                    self.show_pane("reader")  # a slow page: show where it will come
                self.reader.loading = True
            else:
                self._set_list_title(self.place.title or "…", _("loading…"))

        timer = self._pending[target] = self.set_timer(LOADING_DELAY, show)

    def _stop_pending(self, target: str) -> None:
        timer = self._pending.pop(target, None)
        if timer is not None:
            timer.stop()
        if target == "reader":
            self.reader.loading = False

    # -- the list pane --------------------------------------------------------------------

    def open_place(self, place: Place, restore: Visit | None = None, refresh: bool = False) -> None:
        """Show ``place`` in the list pane (its page is fetched by a worker)."""
        self.place = place
        self.list_page = None
        self.list_error = None
        self._search_busy = False  # a query still running answers a request now stale
        self.entries.set_filter(restore.filter if restore else "")
        self._update_crumbs()
        if place.kind.from_library:
            self._show_related(self._next("list"), restore)
            return
        assert place.ref is not None
        request = self._next("list")
        self._set_list_title(place.title or "…")
        self._start_pending("list")
        self._load_list(request, place, restore, refresh)

    @work(group="list", exclusive=True, exit_on_error=False, description="list")
    async def _load_list(
        self, request: int, place: Place, restore: Visit | None, refresh: bool
    ) -> None:
        assert place.ref is not None
        try:
            loaded = await self.service.get(
                place.ref, refresh=refresh, inline=place.kind is PlaceKind.HOME
            )
        except MirrorError as error:
            self.post_message(PageFailed("list", request, place.ref, error, place))
            return
        self.post_message(PageLoaded("list", request, place.ref, loaded, place, restore))

    @on(PageLoaded)
    def _page_loaded(self, message: PageLoaded) -> None:
        if message.target == "list":
            self._list_loaded(message)
        else:
            self._reader_loaded(message)

    @on(PageFailed)
    def _page_failed(self, message: PageFailed) -> None:
        if message.target == "list":
            self._list_failed(message)
        else:
            self._reader_failed(message)

    def _list_loaded(self, message: PageLoaded) -> None:
        if not self._current("list", message.request):
            return
        self._stop_pending("list")
        loaded, page = message.loaded, message.loaded.page
        if loaded.ref != message.ref:
            self._mirror_switched(loaded)
        self._update_source(stale=loaded.stale)
        if isinstance(page, Home):
            self.list_page = page
            count = category_count(page)
            categories = ngettext("{count} category", "{count} categories", count)
            self._set_list_title(_("Home"), categories.format(count=count))
            self._fill(home_rows(page), message.restore)
        elif isinstance(page, Index):
            self.list_page = page
            if self.place.title != page.title:
                self.place = self.place._replace(title=page.title)
            rows = index_rows(page)  # each page once
            detail = ngettext("{count} entry", "{count} entries", len(rows)).format(count=len(rows))
            if loaded.stale:
                detail += " · " + stale_note(loaded.fetched_at, self.clock())
            self._set_list_title(page.title, detail)
            self._fill(rows, message.restore)
            self._learn_index(page)
        else:
            # The text said it is not a list (a README of another repository): read it.
            self._set_list_title(self.place.title or "…")
            self.reader_ref = message.ref
            self._display(message.ref, loaded, None)
        self._update_crumbs()

    def _list_failed(self, message: PageFailed) -> None:
        if not self._current("list", message.request):
            return
        self._stop_pending("list")
        self.rows = []
        place = self.place
        self._set_list_title(place.title or (place.ref.name if place.ref else ""), _("failed"))
        self.entries.show_items([])
        self.list_error = _with_retry(message.error)
        self.entries.set_message(self.list_error)

    def _mirror_switched(self, loaded: Loaded) -> None:
        """The home page came from the sample (no network): start afresh over it."""
        self.router = Router(loaded.ref)
        self.place = home_place(loaded.ref)
        self.history.clear()
        self.service.forget()
        self._copies.clear()
        mirror = self.mirror
        reason = getattr(mirror, "reason", None)
        self.show_welcome(reason)
        if reason is not None:
            self.app.notify(
                _(
                    "No network and no saved copy: showing the bundled sample mirror. "
                    "Press r to retry; `goodnews-tui doctor` finds what blocks the mirror."
                ),
                severity="warning",
                markup=False,
                timeout=10,
            )

    def _set_list_title(self, title: str, detail: str = "") -> None:
        self._list_title = (title, detail)
        self.entries.set_title(self._in_script(title), detail)

    def _marks(self, rows: Sequence[Row]) -> dict[str, Marks]:
        """Read and cached marks of the rows being drawn: a set lookup each, and one batched
        key lookup in the cache for those not seen yet (never a page load)."""
        read = self.library.read_keys()
        mirror = self.service.mirror
        cached = mirror.kind.cached  # local pages are always at hand: ● would say nothing
        # An index row never shows ● (the list says what it holds, not whether it is
        # saved): the home page's categories ask the cache nothing.
        refs = [r.ref for r in rows if r.ref is not None and r.kind is not RowKind.INDEX]
        unknown = [ref for ref in refs if ref.key not in self._copies] if cached else []
        if unknown:
            present = mirror.copies(unknown)
            self._copies.update((ref.key, ref.key in present) for ref in unknown)
        # Index entries carry only titles: the library says date and source of those it
        # knows, in one query for the rows being drawn.
        bare = [
            r.ref.key
            for r in rows
            if r.ref is not None and r.kind is RowKind.ARTICLE and not (r.date or r.source)
        ]
        known = self.library.dates_and_sources(bare) if bare else {}
        return {
            r.ref.key: Marks(
                r.ref.key in read,
                cached and self._copies.get(r.ref.key, False),
                *self.daily_marks(r, r.ref.key),
                *known.get(r.ref.key, (None, None)),
            )
            for r in rows
            if r.ref is not None
        }

    def _fill(
        self,
        rows: Sequence[Row],
        restore: Visit | None,
        default: int | None = None,
        count_note: str = "",
    ) -> None:
        entries = self.entries
        rows = _rows_in(rows, self.shown_script)  # titles and notes as shown; refs as they are
        self.rows = rows
        self._filled = self.place
        # In search results the line typed into is the query, not a filter of titles.
        searching = self.place.kind is PlaceKind.SEARCH
        shown = rows if searching else filter_rows(rows, entries.filter_query)
        highlight = restore.selection if restore else default
        entries.show_items(shown, highlight, count_note)
        if restore is not None:
            entries.scroll_to(y=restore.scroll, animate=False)
        if shown:
            message = ""
        elif self.list_error is not None and not rows:
            message = self.list_error  # the failure (and whether r helps) stays in view
        elif searching:
            message = (
                _(
                    "Type words to search every article the app knows (sync brings the whole "
                    'mirror): several words must all match, "quotes" make a phrase, and '
                    "tag: source: before: after: narrow it."
                )
                if not entries.filter_query.strip()
                else _("Nothing found.")
            )
        elif self.place.kind is PlaceKind.ALL:
            message = _("The app knows no article yet: open an index, or sync the mirror.")
        elif self.place.kind is PlaceKind.STARRED:
            message = _("No starred article yet: f stars the article or the highlighted entry.")
        elif self.place.kind is PlaceKind.HISTORY:
            message = _("No article read yet: articles opened in the reader are listed here.")
        elif entries.filter_query:
            message = _("Nothing matches the filter. Escape clears it.")
        elif self.place.kind is PlaceKind.RELATED:
            message = _(
                "No other article known to the app carries this tag yet. "
                "Articles are learned as indexes are opened and prefetched."
            )
        else:
            message = _("This list is empty.")
        entries.set_message(message)
        self.daily_filled()

    def _show_related(self, request: int, restore: Visit | None, live: bool = False) -> None:
        """Ask the library for the rows of a place it answers (a tag's related list, search
        results, all articles), off the event loop: they may be thousands. ``live`` keeps
        the selection and scroll of the list shown."""
        self._query_library(request, self.place, self.place.ref, restore, live)

    @work(group="library", exclusive=True, exit_on_error=False, description="library")
    async def _query_library(
        self,
        request: int,
        place: Place,
        origin: PageRef | None,
        restore: Visit | None,
        live: bool,
    ) -> None:
        repo = self.service.home.repo_id
        rows: Sequence[Row]
        if place.kind is PlaceKind.SEARCH:
            rows, detail = await asyncio.to_thread(self._search_rows, place, repo)
        else:
            rows = await asyncio.to_thread(self._library_rows, place, origin, repo)
            detail = None
        self.post_message(RowsLoaded(request, place, rows, restore, live, detail))

    def _search_rows(self, place: Place, repo: str) -> tuple[list[Row], str | None]:
        """A query's results, and the list title's count when the query is common (more
        matches than are counted: they come newest first)."""
        if not (place.tag or "").strip():
            return [], None
        from tui.core.search import search  # only when asked: keeps start-up short

        found = search(
            self.library, place.tag or "", repo_id=repo, limit=SEARCH_ROWS, snippets=False
        )
        rows = search_rows(found.results)
        shown = len(found.results)
        if found.total_capped:
            detail = _("{count} newest of {total}+").format(count=shown, total=f"{found.total:,}")
        elif found.total > shown:
            detail = _("best {count} of {total} found").format(
                count=shown, total=f"{found.total:,}"
            )
        else:
            return rows, None
        return rows, detail

    def _library_rows(self, place: Place, origin: PageRef | None, repo: str) -> Sequence[Row]:
        if place.kind is PlaceKind.ALL:
            return all_rows(self.library.all_articles(repo))
        daily = self.daily_rows(place.kind, repo)
        if daily is not None:
            return daily
        assert place.tag is not None
        return related_rows(self.library.related(place.tag, repo, origin))

    @on(RowsLoaded)
    def _rows_loaded(self, message: RowsLoaded) -> None:
        if not self._current("list", message.request):
            return
        if message.place.kind is PlaceKind.SEARCH:
            self._search_busy = False  # the query running has answered
        if message.place != self.place:
            return
        rows, restore = message.rows, message.restore
        count = openable_count(rows)
        detail = message.detail or _count_detail(self.place.kind, count)
        self._set_list_title(self.place.title, detail)
        entries = self.entries
        live = message.live and self._filled == self.place
        if live and entries.current is not None:
            # A live update: keep the highlighted article and the scroll where they are.
            current = entries.current
            searching = self.place.kind is PlaceKind.SEARCH  # its rows are shown unfiltered
            shown = rows if searching else filter_rows(rows, entries.filter_query)
            keep = next((i for i, r in enumerate(shown) if r.ref == current.ref), None)
            restore = Visit(self.place, keep, entries.scroll_y, entries.filter_query)
        self._fill(rows, restore, count_note=message.detail or "")
        self._focus_list_now()
        if self.place.kind is PlaceKind.SEARCH and self.entries.filter_query != self.place.tag:
            self._search_now()  # typed on while this query ran

    def _learn_index(self, index: Index) -> None:
        """Remember the index's entries and fetch its articles in the background."""
        self.daily_index_shown(index)
        self._prefetch(index.ref, index.entries, self.prefetch_enabled)

    # -- offline fallback -----------------------------------------------------------------

    def retry_live(self) -> None:
        home = self.mirror.retry()
        self.router = Router(home)
        self.history.clear()
        self.service.forget()
        self._copies.clear()
        self.show_welcome()
        self._update_source()
        self.open_place(home_place(home), refresh=True)

    # -- the reader -----------------------------------------------------------------------

    def show_welcome(self, reason: str | None = None) -> None:
        self.reader_loaded = None
        self.reader_ref = None
        self._next("reader")
        if getattr(self.mirror, "fallen", False):
            lines = [
                _(
                    "There is no network and no saved copy of the live mirror, so this is the "
                    "bundled sample mirror: invented articles that show how the browser works."
                ),
                *([_("Reason: {reason}").format(reason=reason)] if reason else []),
                _(
                    "Press r on the home list to retry the live mirror. To find which link of "
                    "the chain fails and what to set (a proxy, a mirror), run "
                    "`goodnews-tui doctor` in a shell."
                ),
            ]
            title = _("Offline: showing the sample mirror")
            self.reader.show(lambda w: layout_message(title, lines, w, "notice"))
        else:
            self.reader.clear(
                [
                    ("goodnews-tui", "notice"),
                    ("", "body"),
                    (_("Choose a category, press Enter, then an article."), "body"),
                    (_("Tab moves between list and reader; ? shows all keys."), "body"),
                ]
            )
        self._update_crumbs()
        self.refresh_bindings()  # what check_action answers has changed

    def open_page(
        self,
        ref: PageRef,
        *,
        state: ReaderState | None = None,
        focus: bool = True,
        refresh: bool = False,
    ) -> None:
        """Show ``ref`` in the reader: at once when it is in memory, else by a worker."""
        request = self._next("reader")
        self.reader_ref = ref
        self._reader_focus = focus
        known = None if refresh else self.service.peek(ref)
        if known is not None:
            self._reader_loaded(PageLoaded("reader", request, ref, known, focus=focus), state)
            return
        self._start_pending("reader")
        self._load_reader(request, ref, state, refresh, focus)

    @work(group="reader", exclusive=True, exit_on_error=False, description="reader")
    async def _load_reader(
        self, request: int, ref: PageRef, state: ReaderState | None, refresh: bool, focus: bool
    ) -> None:
        try:
            loaded = await self.service.get(ref, refresh=refresh)
        except MirrorError as error:
            self.post_message(PageFailed("reader", request, ref, error))
            return
        self.post_message(
            PageLoaded("reader", request, ref, loaded, focus=focus, reader_state=state)
        )

    def _reader_loaded(self, message: PageLoaded, state: ReaderState | None = None) -> None:
        if not self._current("reader", message.request):
            return
        self._stop_pending("reader")
        if state is None and isinstance(message.reader_state, ReaderState):
            state = message.reader_state
        page = message.loaded.page
        if isinstance(page, Home | Index):
            # Only its text could tell (a README that lists categories): it is a list.
            previous = self.history.previous()
            self.reader_ref = previous.reader if previous else None
            self.open_place(index_place(message.ref, page.title))
            self.show_pane("list")
            return
        self._display(message.ref, message.loaded, state)
        if message.focus:
            self.show_pane("reader") if self.narrow else self.reader.focus()

    def _reader_failed(self, message: PageFailed) -> None:
        if not self._current("reader", message.request):
            return
        self._stop_pending("reader")
        self.reader_loaded = None
        lines = _with_retry(message.error).split("\n")
        path = message.ref.path
        title = _("Could not open {path}").format(path=path)
        self.reader.show(lambda w: layout_message(title, lines, w))
        self._update_crumbs()
        self.refresh_bindings()  # what check_action answers has changed

    def _match_finder(self) -> Callable[[str], tuple[tuple[int, int], ...]] | None:
        """Opened from search results: the query's terms are highlighted in the page."""
        query = self.place.tag if self.place.kind is PlaceKind.SEARCH else None
        if not query or not query.strip():
            return None
        from tui.core.search import highlight, parse_query

        parsed = parse_query(query)
        return lambda text: highlight(text, parsed).spans

    def _display(self, ref: PageRef, loaded: Loaded, state: ReaderState | None) -> None:
        page = loaded.page
        if isinstance(page, Document) and not page.title and ref.key in self._link_titles:
            page = replace(page, title=self._link_titles[ref.key])
            loaded = loaded._replace(page=page)
        self.reader_loaded = loaded
        notes = loaded.notes
        finder = self._match_finder()
        self.reader.set_matches(finder)
        shown = self._converted.get(page, self.shown_script)  # texts only: links stay
        if isinstance(shown, Article):
            article = shown
            # A long article shows its beginning first; the whole is laid out once that is
            # painted (not when opened from search: its first match may lie further on).
            first = None
            if len(article.blocks) > FIRST_BLOCKS and finder is None:
                first = lambda w: layout_article(article, w, notes, blocks=FIRST_BLOCKS)  # noqa: E731
            self.reader.show(lambda w: layout_article(article, w, notes), state, first=first)
            self.library.opened(ref, article.title)
            self.entries.refresh_marks()
            if self.service.recording:  # a page just loaded, not one read back from memory
                self._marks_once_recorded()
        elif isinstance(shown, Document):
            document = shown
            self.reader.show(lambda w: layout_document(document, w, notes), state)
        if finder is not None and state is None:
            self.call_after_refresh(self.reader.action_next_match)
        self._update_source(stale=loaded.stale)
        self._update_crumbs()

        # -- history --------------------------------------------------------------------------
        self.refresh_bindings()  # what check_action answers has changed

    @work(group="recorded", exclusive=True, exit_on_error=False, description="recorded")
    async def _marks_once_recorded(self) -> None:
        """The page service records an opened article just after the reader shows it: then
        its row can say its date and source."""
        await self.service.recorded()
        self.entries.refresh_marks()

    def capture(self) -> Visit:
        entries = self.entries
        return Visit(
            place=self.place,
            selection=entries.highlighted,
            scroll=entries.scroll_y,
            filter=entries.filter_query,
            reader=self.reader_ref,
            reader_state=self.reader.state if self.reader_ref else None,
            focus="reader" if self.reader.has_focus else "list",
        )

    def _push(self) -> None:
        self.history.push(self.capture())

    def restore(self, visit: Visit) -> None:
        same_place = visit.place == self.place and self.list_error is None and bool(self.rows)
        if same_place:
            self.entries.set_filter(visit.filter)
            self._fill(self.rows, visit)
        else:
            self.open_place(visit.place, visit)
        state = visit.reader_state if isinstance(visit.reader_state, ReaderState) else None
        if visit.reader is None:
            self.show_welcome()
        elif visit.reader != self.reader_ref or self.reader_loaded is None or state is not None:
            self.open_page(visit.reader, state=state, focus=False)
        self.show_pane(visit.focus)
        self._update_crumbs()
        self.refresh_bindings()  # what check_action answers has changed

    def action_back(self) -> None:
        visit = self.history.back(self.capture())
        if visit is None:
            self.app.bell()
            return
        self.restore(visit)

    def action_forward(self) -> None:
        visit = self.history.forward(self.capture())
        if visit is None:
            self.app.bell()
            return
        self.restore(visit)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure in a worker is reported, never turned into a traceback."""
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        message = _("Something went wrong ({error}). Press r to retry.").format(
            error=f"{type(error).__name__}: {error}"
        )
        self.app.notify(message, severity="error", markup=False, timeout=10)
        group = event.worker.group
        self._stop_pending(group)
        if group == "reader":
            title = _("Could not show this page")
            self.reader.show(lambda w: layout_message(title, [message], w))
        elif group == "list":
            self.entries.set_message(message)

    # -- opening things -------------------------------------------------------------------

    def go(self, route: Route) -> None:
        """Open what the router decided, leaving the current visit in history."""
        if route.pane is Pane.EXTERNAL:
            self._external(route.url or "")
            return
        if route.pane is Pane.IN_PAGE:
            self._jump_within(route.anchor or "")
            return
        if route.pane is Pane.READER:
            assert route.ref is not None
            if route.ref == self.reader_ref and self.reader_loaded is not None:
                self.show_pane("reader")  # already shown: no second visit in history
                return
            if route.ref != self.reader_ref:
                self._push()
            if route.title.strip():
                self._link_titles[route.ref.key] = route.title.strip()
            self.open_page(route.ref)
            return
        assert route.place is not None
        place = route.place
        if place.kind is PlaceKind.RELATED:
            # The article the tag came from is left out of its list, and stays so on Back.
            place = place._replace(ref=self.reader_ref)
        if place == self.place and self._filled == self.place:
            self.show_pane("list")  # already here: no second visit in history
            return
        self._push()
        if place.kind is not PlaceKind.RELATED:
            self.show_welcome()  # the reader rule: a new list, a clear reader
        self.open_place(place)
        if place.kind is PlaceKind.RELATED:
            # From a tag in the reader: the rows come from the library within a frame or
            # a few. Moving the focus now would draw the old list focused and then the
            # reader blurred (two full frames, 60-80 ms of the event loop's time that the
            # query, in a thread, waits behind) before drawing the new list; so the focus
            # moves with the rows, in their frame, or after LOADING_DELAY if they are slow.
            self._list_focus_timer = self.set_timer(LOADING_DELAY, self._focus_list_now)
        else:
            self.show_pane("list")

    def _cancel_list_focus(self) -> None:
        if self._list_focus_timer is not None:
            self._list_focus_timer.stop()
            self._list_focus_timer = None

    def _focus_list_now(self) -> None:
        """Move the focus to the list if ``go`` promised it and nothing else chose since."""
        if self._list_focus_timer is not None:
            self.show_pane("list")

    @on(EntryList.Selected, "#entries")
    def _entry_selected(self, event: EntryList.Selected) -> None:
        event.stop()
        if self._filled != self.place:
            self.app.bell()  # the rows shown are the old list's; the new one is on its way
            return
        items = self.entries.items
        if 0 <= event.index < len(items):
            self.go(self.router.row(items[event.index]))

    @on(EntryList.FilterChanged, "#entries")
    def _filter_changed(self, event: EntryList.FilterChanged) -> None:
        if self.place.kind is PlaceKind.SEARCH:
            # Results follow the typing: the query runs at once when none is running (a
            # pause to wait for more keys would be latency on the last one); while one
            # runs, the newest text runs when it ends, so queries never queue. The timer
            # is only a safety net should an answer never come.
            if self._search_timer is not None:
                self._search_timer.stop()
                self._search_timer = None
            if not self._search_busy:
                self._search_now()
            else:
                self._search_timer = self.set_timer(SEARCH_DEBOUNCE, self._search_now)
            return
        self._fill(self.rows, None)

    def _search_now(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = None
        query = self.entries.filter_query
        if self.place.kind is PlaceKind.SEARCH and query != self.place.tag:
            self._search_busy = True
            self.place = search_place(query)
            self._update_crumbs()
            self._show_related(self._next("list"), None)

    def action_search(self) -> None:
        """Open the search place with its query line ready for typing."""
        if self.place.kind is not PlaceKind.SEARCH:
            self.go(self.router.search())
        self.show_pane("list")
        self.entries.start_filter()

    def action_all_articles(self) -> None:
        self.go(self.router.all_articles())

    def action_sync(self) -> None:
        if self._syncing:
            self.app.notify(_("A sync is already running."), timeout=3)
            return
        mirror = self.service.mirror
        live = getattr(mirror, "live", mirror)
        if getattr(mirror, "fallen", False) or not isinstance(live, Mirror):
            self.app.notify(_("No mirror to sync: the sample is shown."), severity="warning")
            return
        self._syncing = True
        self.app.notify(_("Syncing the mirror in the background; keep reading."), timeout=4)
        self._sync(live)

    @work(group="sync", exclusive=True, exit_on_error=False, description="sync")
    async def _sync(self, mirror: Mirror) -> None:
        from tui.core.sync import crawl  # only when asked

        def progress(p: object) -> None:
            self.post_message(SyncProgress(p))

        try:
            # Parsing stays in this process's threads (workers=1): starting processes from
            # inside the app is what the prefetch worker does; the sync command line runs
            # its own (``goodnews-tui sync``) for the fastest sync.
            store = self.service.parsed
            report = await crawl(
                mirror,
                self.library,
                on_progress=progress,
                workers=1,
                parsed=store.directory if store is not None else None,
            )
            self.post_message(SyncProgress(None, report.summary()))
        except Exception as exc:  # noqa: BLE001 - reported in the app, never a traceback
            error = " ".join(str(exc).split()) or type(exc).__name__
            self.post_message(
                SyncProgress(None, _("Sync stopped: {error}").format(error=error), failed=True)
            )
        finally:
            self._syncing = False

    def _external(self, url: str) -> None:
        url = without_cache_buster(url)
        self.app.copy_to_clipboard(url)
        self.app.notify(
            _("External link, not opened here. Copied: {url}").format(url=url),
            markup=False,
            timeout=6,
        )

    @on(ReaderView.NumberTyped)
    def _number_typed(self, event: ReaderView.NumberTyped) -> None:
        self.digits = event.digits
        self._update_status()

    @on(ReaderView.FollowLink)
    def _follow(self, event: ReaderView.FollowLink) -> None:
        link = self._link(event.n)
        if link is None:
            self.app.notify(
                _("There is no link {n} on this page.").format(n=event.n), severity="warning"
            )
            return
        if event.typed:
            self.app.notify(followed_notice(link), markup=False)
        self.go(self.router.link(link, self.reader_ref))

    def _reader_page(self) -> Article | Document | None:
        page = self.reader_loaded.page if self.reader_loaded else None
        return page if isinstance(page, Article | Document) else None

    def _link(self, n: int) -> Link | None:
        page = self._reader_page()
        if page is None:
            return None
        return next((link for link in page.links if link.n == n), None)

    def _jump_within(self, text: str) -> None:
        """An in-page link (a table of contents): scroll to its heading; Backspace returns."""
        page = self._reader_page()
        index = anchor_block(page.blocks, text) if page is not None else None
        if index is None:
            self.app.notify(
                _("That link points into this page, to a place it no longer marks."),
                markup=False,
            )
            return
        self._push()
        self.reader.selected_link = None
        self.reader.show_block(index)

    def open_tag(self, tag: str) -> None:
        self.go(self.router.tag(tag))

    # -- commands -------------------------------------------------------------------------

    def can_run(self, command: Command) -> bool:
        """Whether a command can do something now (disabled ones are greyed everywhere)."""
        if command.scope != "screen":
            return True
        return bool(self.check_action(command.action, ()))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Commands that cannot run now show greyed out (None) instead of failing later."""
        page = self._reader_page()
        if action == "to_list":
            # Elsewhere q is the app's: False lets the key reach it (and its key-bar entry).
            return self.narrow and self.has_class("show-reader")
        if action == "back":
            return True if self.history.can_back else None
        if action == "forward":
            return True if self.history.can_forward else None
        if action == "tags":
            return True if isinstance(page, Article) and page.tags else None
        if action in ("copy_url", "open_link", "links", "save"):
            return True if page is not None else None
        if action == "export":
            return True if self.entries.items and not self.export_status else None
        if action in ("prev_article", "next_article"):
            # Asked for every key bar draw: no walk over the rows (an index may have 15,000).
            return True if self.reader_ref is not None or self.entries.items else None
        return True

    # Said when the key of a greyed command is pressed: a key that does nothing and says
    # nothing looks broken.
    _NOT_NOW = {
        "tags": N_("Open an article first: t lists its tags."),
        "copy_url": N_("Open an article first: y copies its URL."),
        "open_link": N_("Open an article first, then select a link with n or p."),
        "prev_article": N_("This list has no articles to step through."),
        "next_article": N_("This list has no articles to step through."),
    }

    def on_key(self, event: events.Key) -> None:
        """A key no binding took: if it is a greyed command's, say why it cannot run."""
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if self.check_action(binding.action, ()) is None:
                event.stop()
                reason = self._NOT_NOW.get(binding.action)
                if reason is None:
                    self.app.bell()  # back or forward with nowhere to go
                else:
                    self.app.notify(_(reason), severity="warning", timeout=3)
                return

    def run_command(self, command: Command) -> None:
        """Run a palette command on the node that owns it."""
        if command.scope == "reader":
            self.show_pane("reader")
            self.call_later(self.reader.run_action, command.action)
        elif command.scope == "list":
            self.show_pane("list")
            self.call_later(self.entries.run_action, command.action)
        elif command.scope == "app":
            self.call_later(self.app.run_action, command.action)
        else:
            self.call_later(self.run_action, command.action)

    def action_switch_pane(self) -> None:
        if self.entries.editing:  # Tab leaves the filter line for the list
            self.entries.stop_editing()
            return
        self.show_pane("list" if self.reader.has_focus else "reader")

    def action_up(self) -> None:
        """Esc, h, Left: up a level, as in a text browser. A kept filter goes first; then
        the reader gives way to its list; then the list to the place before it."""
        if self.entries.editing:
            raise SkipAction()  # Left while typing a filter: the line's, not a command
        if self.entries.filter_query:
            self.entries.set_filter("")
            if self.place.kind is PlaceKind.SEARCH:
                # The query is gone: so are its results, in the header too.
                self.place = search_place("")
                self._update_crumbs()
                self._fill([], None)
            else:
                self._fill(self.rows, None)
            self.entries.focus()
            return
        if self.reader.has_focus:
            self.show_pane("list")
            return
        self._previous_place()

    def _previous_place(self) -> None:
        """Back past the visits of this same place (an article read beside the list) to the
        place before it; with no history, home; at home, a bell."""
        visit = self.history.back(self.capture())
        while visit is not None and visit.place == self.place and self.history.can_back:
            visit = self.history.back(visit)
        if visit is not None:
            self.restore(visit)
        elif self.place.kind is not PlaceKind.HOME:
            self.action_go_home()
        else:
            self.app.bell()

    def action_to_list(self) -> None:
        """q in the reader of a narrow screen: back to the list, not out of the app."""
        self.show_pane("list")

    def action_go_home(self) -> None:
        self.go(self.router.page(self.service.home))

    def action_tags(self) -> None:
        page = self._reader_page()
        if not isinstance(page, Article):
            self.app.notify(_("Open an article first: t lists its tags."), severity="warning")
            return
        if not page.tags:
            self.app.notify(_("This article has no tags."), severity="warning")
            return

        # Shown in the script of the page; the tag opened is the page's own name for it.
        names = {self._in_script(t.name): t.name for t in reversed(page.tags)}

        def chosen(tag: str | None) -> None:
            if tag:
                self.open_tag(names.get(tag, tag))

        from tui.screens.tags import TagPicker  # only when asked: keeps start-up short

        shown = [self._in_script(t.name) for t in page.tags]
        self.app.push_screen(TagPicker(self._in_script(page.title), shown), chosen)

    def action_reload(self) -> None:
        """``r``: in the reader, its page past the cache; in the list, the list (and a page
        that failed beside it). Says what it does: a reload of a cached page is quick and
        would otherwise look like nothing happened."""
        if getattr(self.mirror, "fallen", False) and not self.reader.has_focus:
            self.app.notify(_("Trying the live mirror again…"), timeout=3)
            self.retry_live()
            return
        reader_failed = self.reader_ref is not None and self.reader_loaded is None
        if self.reader_ref is not None and (self.reader.has_focus or reader_failed):
            page = self._reader_page()
            what = page.title if page else self.reader_ref.path
            self.app.notify(_("Reloading {what}").format(what=what), timeout=2)
            self.service.forget(self.reader_ref)
            self.open_page(
                self.reader_ref,
                state=self.reader.state,
                focus=self.reader.has_focus,
                refresh=True,
            )
            if self.reader.has_focus:
                return
        place = self.place
        self.app.notify(_("Reloading {what}").format(what=place.crumb or _("Home")), timeout=2)
        if place.kind is PlaceKind.RELATED:
            self._show_related(self._next("list"), None)
            return
        if place.ref is not None:
            self.service.forget(place.ref)
        self.open_place(place, self.capture(), refresh=True)

    def _page_url(self) -> str | None:
        page = self._reader_page()
        if isinstance(page, Article) and page.original_url:
            return without_cache_buster(page.original_url)
        return page.ref.blob_url if page is not None else None

    def action_copy_url(self) -> None:
        url = self._page_url()
        if url is None:
            self.app.notify(_("Open an article first."), severity="warning")
            return
        self.app.copy_to_clipboard(url)
        self.app.notify(_("Copied {url}").format(url=url), markup=False)

    def action_open_link(self) -> None:
        n = self.reader.selected_link
        link = self._link(n) if n is not None else None
        url = without_cache_buster(link.url) if link is not None else self._page_url()
        if url is None:
            self.app.notify(
                _("Select a link first: n and p move between links."), severity="warning"
            )
            return
        self.open_in_browser(url)

    def open_in_browser(self, url: str) -> None:
        """Hand ``url`` to the local browser; copy it where there is none (SSH, no display)."""
        if os.environ.get("SSH_CONNECTION") or not (
            sys.platform == "darwin"
            or os.environ.get("DISPLAY")
            or os.environ.get("WAYLAND_DISPLAY")
        ):
            self.app.copy_to_clipboard(url)
            self.app.notify(_("No local browser here; copied {url}").format(url=url), markup=False)
            return
        self.app.open_url(url)
        self.app.notify(_("Opened {url}").format(url=url), markup=False)

    def _neighbour(self, step: int) -> None:
        if self._filled != self.place:
            self.app.bell()
            return
        entries = self.entries
        items = entries.items
        current = self.reader_ref
        index = entries.highlighted
        if index is None or not (0 <= index < len(items)) or items[index].ref != current:
            index = next(
                (i for i, row in enumerate(items) if current is not None and row.ref == current),
                None,
            )
        if index is None:
            index = entries.highlighted if entries.highlighted is not None else -step
        i = index + step
        while 0 <= i < len(items) and not items[i].readable:
            i += step
        if not (0 <= i < len(items)):
            self.app.bell()
            self.app.notify(_("No more articles in this list."), severity="information")
            return
        entries.highlighted = i
        ref = items[i].ref
        assert ref is not None
        self.open_page(ref, focus=self.reader.has_focus or self.narrow)

    def action_prev_article(self) -> None:
        self._neighbour(-1)

    def action_next_article(self) -> None:
        self._neighbour(1)

    def action_filter(self) -> None:
        self.show_pane("list")
        self.entries.start_filter()
        # A Chinese query matches in either script: the folding table (about 50 ms to
        # build) is made in a thread while the first characters are typed.
        self.run_worker(_warm_fold, thread=True, group="fold", exit_on_error=False)

    # -- script ---------------------------------------------------------------------------

    @property
    def shown_script(self) -> Script:
        """The script pages are shown in: the one wanted, once its converter is loaded."""
        return self.script if converter_ready(self.script) else Script.ORIGINAL

    def _in_script(self, text: str) -> str:
        script = self.shown_script
        return _convert_text(text, script) if script is not Script.ORIGINAL else text

    def action_cycle_script(self) -> None:
        """``c``: original -> simplified -> traditional -> Taiwan -> original."""
        self.script = next_script(self.script)
        remember = getattr(self.app, "remember_script", None)
        if remember is not None:
            remember(str(self.script))
        if converter_ready(self.script):
            self._script_shown(True)
        else:
            self._load_script(self.script, True)

    @work(group="script", exclusive=True, exit_on_error=False, description="script")
    async def _load_script(self, script: Script, announce: bool) -> None:
        """Load OpenCC and the converter off the event loop (20-40 ms), then redraw."""
        ready = await asyncio.to_thread(converter, script)
        if script is self.script:
            if ready is None and script is not Script.ORIGINAL:
                self.app.notify(
                    _("Script conversion needs OpenCC (the opencc package), which is missing."),
                    severity="warning",
                )
                return
            self._script_shown(announce)

    def _script_shown(self, announce: bool) -> None:
        """Redraw what shows page text in the script now shown: rows (selection and scroll
        kept), the list title, the reader (position kept), the header."""
        entries = self.entries
        if self._filled == self.place and self.rows:
            keep = Visit(self.place, entries.highlighted, entries.scroll_y, entries.filter_query)
            self._fill(self.rows, keep)
        self._set_list_title(*self._list_title)
        if self.reader_loaded is not None and self._reader_page() is not None:
            assert self.reader_ref is not None
            self._display(self.reader_ref, self.reader_loaded, self.reader.state)
        self._update_source(self._stale)
        self._update_crumbs()
        if announce:
            label = _(LABELS[self.shown_script])
            self.app.notify(_("Showing pages in: {script}").format(script=label), timeout=3)

    # -- links view, save, export (tui.screens.saving) -------------------------------------

    def action_links(self) -> None:
        page = self._reader_page()
        if page is None:
            self.app.notify(_("Open an article first: L lists its links."), severity="warning")
            return
        from tui.screens.saving import show_links

        show_links(self, page)

    def action_save(self) -> None:
        page = self._reader_page()
        if page is None:
            self.app.notify(_("Open an article first: w saves it."), severity="warning")
            return
        from tui.screens.saving import save_page

        self.run_worker(save_page(self, page), group="save", exit_on_error=False)

    def action_export(self) -> None:
        if self.export_status:
            self.app.notify(_("An export is already running."), timeout=3)
            return
        refs = [row.ref for row in self.entries.items if row.readable and row.ref is not None]
        if not refs:
            self.app.notify(_("This list has no articles to export."), severity="warning")
            return
        from tui.screens.saving import export_rows, save_dir

        title = self.place.title or self.place.crumb or "goodnews"
        self.export_status = _("export {done}/{total}").format(done=0, total=len(refs))
        self._update_status()
        job = export_rows(self, title, refs, save_dir(self))
        self.run_worker(job, group="export", exclusive=True, exit_on_error=False)

    def on_export_progress(self, message: ExportProgress) -> None:
        from tui.screens.saving import export_report

        if message.finished:
            self.export_status = ""
            error = message.error is not None
            severity: SeverityLevel = "error" if error else "information"
            self.app.notify(export_report(message), severity=severity, markup=False, timeout=10)
        else:
            self.export_status = _("export {done}/{total}").format(
                done=message.done, total=message.total
            )
        self._update_status()
        self.refresh_bindings()

    # -- prefetch -------------------------------------------------------------------------

    @work(group="prefetch", exclusive=True, exit_on_error=False, description="prefetch")
    async def _prefetch(self, index: PageRef, entries: Sequence[Entry], fetch: bool) -> None:
        # Recording the reader's visit reads every entry (15,000 on the largest list): it
        # waits until the list's first frame is out (in the browser's threads it made the
        # open of that list 25-45 ms slower, bench/scale.py; ``call_after_refresh`` runs
        # before the update timer draws the frame). With prefetch on, the worker process
        # records it while planning; an index left at once is neither visited nor planned.
        await asyncio.sleep(VISIT_AFTER)

        def visited(visit: IndexVisit) -> None:
            self.post_message(IndexVisited(visit))

        if not fetch:
            visited(await asyncio.to_thread(visit_listing, self.library, index, entries))
            return
        total = done = 0
        arrived = self._arrived

        def started(count: int) -> None:
            nonlocal total
            total = count
            self.post_message(PrefetchProgress(0, total))

        def stored(keys: list[str]) -> None:
            nonlocal done
            done += len(keys)
            arrived.extend(keys)
            self.post_message(PrefetchProgress(done, total))

        try:
            await self.service.prefetch_index(index, entries, started, stored, visited)
        finally:
            self.post_message(PrefetchProgress(0, 0))

    @on(SyncProgress)
    def _sync_progress(self, message: SyncProgress) -> None:
        p = message.progress
        if p is None:
            self.sync_status = ""
            self.app.notify(
                message.summary or _("Sync finished."),
                timeout=8,
                markup=False,
                severity="error" if message.failed else "information",
            )
            if self.place.kind.from_library:
                self._show_related(self._requests["list"], None, live=True)
        else:
            total = getattr(p, "total", None)
            done = getattr(p, "done", 0)
            phase = getattr(p, "phase", "")
            self.sync_status = (
                _("sync {phase} {done}/{total}").format(phase=_phase(phase), done=done, total=total)
                if total
                else _("sync {phase} {done}").format(phase=_phase(phase), done=done)
            )
        self._update_status()

    @on(PrefetchProgress)
    def _prefetch_progress(self, message: PrefetchProgress) -> None:
        """Progress is drawn at most a few times a second: a burst of pages arriving must
        not cost a redraw each while the user presses keys. Its start is drawn at once."""
        running = message.total > 0 and message.done < message.total
        starting = running and self.progress is None
        self.progress = (message.done, message.total) if running else None
        if starting:
            self._update_status()
        if not running:
            self._apply_prefetched()
            self._report_problems()
        elif self._progress_timer is None:
            self._progress_timer = self.set_timer(PROGRESS_REFRESH, self._apply_prefetched)

    def _report_problems(self) -> None:
        """Say once what went wrong in the background (e.g. no worker process here)."""
        problems = self.service.problems
        while len(problems) > self._problems_shown:
            problem = problems[self._problems_shown]
            self._problems_shown += 1
            self.app.notify(problem, severity="warning", markup=False, timeout=8)

    def _apply_prefetched(self) -> None:
        """Show what prefetch brought since last time: the status, ● marks, related rows."""
        self._progress_timer = None
        self._update_status()
        arrived, self._arrived[:] = set(self._arrived), []
        if arrived:
            for key in arrived:
                if key in self._copies:
                    self._copies[key] = True
            if any(r.ref is not None and r.ref.key in arrived for r in self.entries.visible_rows()):
                self.entries.refresh_marks()
        if self.place.kind is PlaceKind.RELATED and (arrived or self.progress is None):
            self._related_dirty = True
            if self.progress is None:
                self._refresh_related()
            elif self._related_timer is None:
                self._related_timer = self.set_timer(RELATED_REFRESH, self._refresh_related)

    def _refresh_related(self) -> None:
        self._related_timer = None
        if self._related_dirty and self.place.kind is PlaceKind.RELATED:
            self._related_dirty = False
            self._show_related(self._requests["list"], None, live=True)


def retry_helps(error: MirrorError) -> bool:
    """Whether asking again can end differently: not for a page that does not exist, a link
    that leaves the mirror folder, a page too large, a redirect refused, bytes that are not
    a page, or a page offline mode does not hold (an error page may be a captive portal's)."""
    if isinstance(error, ErrorPage):
        return True
    return not isinstance(
        error, NotFound | OutsideMirror | TooLarge | RedirectRefused | BadContent | OfflineMiss
    )


def _with_retry(error: MirrorError) -> str:
    """The failure in one sentence, and "Press r to retry." only when retrying can help."""
    if not retry_helps(error):
        return str(error)
    return f"{error}\n{_('Press r to retry.')}"


def _count_detail(kind: PlaceKind, count: int) -> str:
    """The list title's count for a place the library answers, in the interface language."""
    if kind is PlaceKind.SEARCH:
        text = ngettext("{count} found", "{count} found", count)
    elif kind is PlaceKind.ALL:
        text = ngettext("{count} article", "{count} articles", count)
    elif kind is PlaceKind.STARRED:
        text = ngettext("{count} starred", "{count} starred", count)
    elif kind is PlaceKind.HISTORY:
        text = ngettext("{count} read", "{count} read", count)
    else:
        text = ngettext("{count} related", "{count} related", count)
    return text.format(count=count)


#: The sync's phases (``tui.core.sync.Phase``: tokens) as the key bar names them.
_SYNC_PHASES = {
    "home": N_("home page"),
    "indexes": N_("indexes"),
    "articles": N_("articles"),
    "retry": N_("retrying"),
    "done": N_("done"),
}


def _phase(phase: str) -> str:
    return _(_SYNC_PHASES[phase]) if phase in _SYNC_PHASES else phase


def _warm_fold() -> None:
    from tui.core.fold import fold

    fold("")
