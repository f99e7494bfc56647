"""The Textual app: a list pane and a reader pane over the headless core.

Data flows one way: key -> action -> open a place or a page -> worker: cache or source ->
text -> parser (in a thread) -> model -> widget. Widgets never fetch. Workers are grouped
(``list``, ``reader``, ``prefetch``) and exclusive, so a newer request cancels the older one.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import sys
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, NamedTuple

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from tui.commands import COMMANDS, Command, bindings_for, keys_label
from tui.core.errors import FetchTimeout, MirrorError, NetworkUnavailable, OfflineMiss
from tui.core.layout import (
    anchor_block,
    layout_article,
    layout_document,
    layout_message,
    stale_note,
)
from tui.core.library import LIBRARY_FILE, Library
from tui.core.mirror import Fetched, Mirror, sample_mirror
from tui.core.models import Article, Document, Home, Index, Link, Page
from tui.core.parse import parse_page
from tui.core.text import one_line
from tui.core.urls import PageRef
from tui.resources import styles_dir
from tui.widgets.entries import EntryList, Item
from tui.widgets.header import Crumbs
from tui.widgets.keybar import KeyBar
from tui.widgets.reader import ReaderState, ReaderView

PlaceKind = Literal["home", "index", "related"]
Focus = Literal["list", "reader"]
NARROW_BELOW = 100
PREFETCH_CONCURRENCY = 4
MEMORY_PAGES = 48
LOADING_DELAY = 0.12
INLINE_PARSE_MAX = 16_384


class Place(NamedTuple):
    """What the list pane shows."""

    kind: PlaceKind
    ref: PageRef | None = None
    tag: str | None = None
    title: str = ""


@dataclass(slots=True)
class View:
    """Everything needed to come back to a place: history stores these."""

    place: Place
    list_index: int | None = None
    list_scroll: float = 0.0
    filter: str = ""
    reader: PageRef | None = None
    reader_state: ReaderState | None = None
    focus: Focus = "list"


@dataclass(slots=True)
class Loaded:
    fetched: Fetched
    page: Page
    notes: list[str] = field(default_factory=list)


class CommandsProvider(Provider):
    """Palette entries from the command table: the same names and help as keys and footer."""

    def _commands(self) -> Iterable[Command]:
        return (c for c in COMMANDS if c.palette)

    def _run(self, command: Command) -> Callable[[], None]:
        app = self.app
        assert isinstance(app, GoodnewsApp)
        return lambda: app.run_command(command)

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(
                Content(f"{command.title}  ({keys_label(command)})"),
                self._run(command),
                help=command.help,
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            name = f"{command.title}  ({keys_label(command)})"
            score = matcher.match(f"{name} {command.help}")
            if score > 0:
                yield Hit(score, matcher.highlight(name), self._run(command), help=command.help)


class GoodnewsApp(App[int]):
    """A keyboard-driven browser for the goodnews mirror."""

    TITLE = "goodnews-tui"
    AUTO_FOCUS = "#entries"
    CSS_PATH = [styles_dir() / "app.tcss"]
    COMMANDS = App.COMMANDS | {CommandsProvider}
    BINDINGS = [
        *bindings_for("app"),
        Binding("tab", "switch_pane", "Pane", show=False, priority=True, id="app.tab"),
        Binding("escape", "escape", show=False),
    ]

    def __init__(
        self,
        mirror: Mirror,
        *,
        library: Library | None = None,
        prefetch: bool = True,
        theme: str | None = None,
        clock: Callable[[], datetime] | None = None,
        live_failed: bool = False,
    ) -> None:
        super().__init__()
        self.animation_level = "none"
        self.mirror = mirror
        self.live_mirror: Mirror | None = None
        self.library = library or Library(None)
        self.prefetch_enabled = prefetch
        self.clock = clock or (lambda: datetime.now(UTC))
        if theme:
            self.theme = theme
        self.view = View(Place("home", mirror.home, title="首页"))
        self.back_stack: list[View] = []
        self.forward_stack: list[View] = []
        self.pages: OrderedDict[str, Loaded] = OrderedDict()
        self.reader_page: Page | None = None
        self.list_page: Page | None = None
        self.list_error: str | None = None
        self.fallback = live_failed
        self.narrow = False
        self.prefetch_status = ""
        self.digits = ""
        # Every entry of the current place (the list may show a filtered part of them).
        self.all_items: list[Item] = []
        # The article a related list was opened from: it is left out of that list.
        self.related_origin: PageRef | None = None

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

    def run(self, *args: Any, **kwargs: Any) -> int | None:
        # What is imported lives as long as the process: out of the collector's sight, full
        # collections over it cannot stall the first frames (with the collector running,
        # they added 20-60 ms to the first paint on half of the starts; bench/ui.py).
        gc.freeze()
        try:
            return super().run(*args, **kwargs)
        finally:
            gc.enable()  # if the first frame never came

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is one safe line: messages quote page paths and titles."""
        super().notify(
            one_line(message),
            title=one_line(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def _after_first_frame(self) -> None:
        """Start the collector that ``tui.launch`` paused for start-up.

        What the first frame needed (widgets, styles, the home page) stays: frozen with the
        rest, it is out of the collector's sight, so later collections stay short.
        """
        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    async def on_mount(self) -> None:
        self._update_source_label()
        self._apply_width(self.size.width)
        for warning in [*self.mirror.warnings, *self.library.warnings]:
            self.notify(warning, severity="warning", markup=False, timeout=8)
        self.show_welcome()
        self.entries.focus()
        self.call_after_refresh(self._after_first_frame)
        place = self.view.place
        if place.ref is not None and self.mirror.is_cached(place.ref):
            # At hand without the network: fill the list before the first paint, so the
            # first frame already shows the home page instead of an empty list.
            self._prepare_place(place, None)
            await self._list_task(place, None, False)
        else:
            self.load_place(place, restore=None)

    async def on_unmount(self) -> None:
        """Close the HTTP client in the loop that owns it."""
        with contextlib.suppress(Exception):
            await self.mirror.aclose()
        if self.live_mirror is not None:
            with contextlib.suppress(Exception):
                await self.live_mirror.aclose()

    def on_resize(self) -> None:
        self._apply_width(self.size.width)

    def _apply_width(self, width: int) -> None:
        self.narrow = width < NARROW_BELOW
        self.screen.set_class(self.narrow, "narrow")
        if not self.narrow:
            self.screen.remove_class("show-reader")

    def _show_pane(self, pane: Focus) -> None:
        self.screen.set_class(pane == "reader", "show-reader")
        if pane == "reader":
            self.reader.focus()
        else:
            self.entries.focus()

    # -- header, status -----------------------------------------------------------------

    def _update_source_label(self, stale: bool = False) -> None:
        label = self.mirror.label
        if self.fallback:
            label = "sample (no network)"
        if stale:
            label = f"{label} · offline copy"
        detail = self.mirror.description.partition(" · ")[2]
        self.crumbs.set_source(label, detail if not self.narrow else "")

    def _update_crumbs(self) -> None:
        parts = ["首页"]
        place = self.view.place
        if place.kind == "index":
            parts.append(place.title or (place.ref.name if place.ref else ""))
        elif place.kind == "related":
            parts.append(f"标签 {place.tag}")
        if isinstance(self.reader_page, Article | Document) and self.view.reader is not None:
            parts.append(self.reader_page.title or self.reader_page.ref.name)
        self.crumbs.set_path(parts)

    def _update_status(self) -> None:
        bits = []
        if self.digits:
            bits.append(f"link {self.digits}_  (Enter to follow)")
        if self.prefetch_status:
            bits.append(self.prefetch_status)
        self.keybar.status = "  ·  ".join(bits)

    # -- pages ----------------------------------------------------------------------------

    async def get_page(
        self, ref: PageRef, *, refresh: bool = False, keep: bool = True, inline: bool = False
    ) -> Loaded:
        """Fetch (cache first), parse in a thread, remember articles in the library.

        ``inline`` parses on the event loop: for the small home page at start-up, where a
        worker thread would cost more than the few milliseconds of parsing.
        """
        if not refresh and ref.key in self.pages:
            self.pages.move_to_end(ref.key)
            return self.pages[ref.key]
        fetched = await self.mirror.get(ref, refresh=refresh)
        if inline and len(fetched.text) < INLINE_PARSE_MAX:
            page = parse_page(ref, fetched.text, self.mirror.home)
        else:
            page = await asyncio.to_thread(parse_page, ref, fetched.text, self.mirror.home)
        notes = list(fetched.warnings)
        if fetched.stale:
            notes.insert(0, stale_note(fetched.fetched_at, self.clock()))
        loaded = Loaded(fetched, page, notes)
        if isinstance(page, Article):
            self.library.record(page)
        if keep:
            self.pages[ref.key] = loaded
            while len(self.pages) > MEMORY_PAGES:
                self.pages.popitem(last=False)
        return loaded

    def _delayed_loading(self, widget: Widget) -> Timer:
        """Show a loading indicator only if the wait is long enough to notice.

        Cached pages arrive in a few milliseconds; flashing an indicator for them would cost
        two extra layout passes and make the screen flicker.
        """
        return self.set_timer(LOADING_DELAY, lambda: setattr(widget, "loading", True))

    # -- the list pane --------------------------------------------------------------------

    def load_place(self, place: Place, restore: View | None, *, refresh: bool = False) -> None:
        self._prepare_place(place, restore)
        if place.kind == "related":
            self._show_related(restore)
            return
        self._load_list(place, restore, refresh)

    def _prepare_place(self, place: Place, restore: View | None) -> None:
        self.view.place = place
        self.list_page = None
        self.list_error = None
        self._set_filter(restore.filter if restore else "")
        self._update_crumbs()
        if place.kind != "related":
            self._set_list_title(place.title or "…")

    @work(group="list", exclusive=True, exit_on_error=False)
    async def _load_list(self, place: Place, restore: View | None, refresh: bool) -> None:
        await self._list_task(place, restore, refresh)

    async def _list_task(self, place: Place, restore: View | None, refresh: bool) -> None:
        assert place.ref is not None
        spinner = self._delayed_loading(self.entries)
        try:
            loaded = await self.get_page(place.ref, refresh=refresh, inline=place.kind == "home")
        except MirrorError as error:
            if place.kind == "home" and self._should_fall_back(error):
                self._fall_back_to_sample(error)
                return
            self._show_list_error(place, error)
            return
        finally:
            spinner.stop()
            self.entries.loading = False
        if self.view.place != place:
            return
        page = loaded.page
        self._update_source_label(stale=loaded.fetched.stale)
        if isinstance(page, Home):
            self._show_home(page, loaded, restore)
        elif isinstance(page, Index):
            self._show_index(page, loaded, restore)
        else:
            # Not a list after all: show it in the reader, keep the list as it was.
            self._show_list_error(place, None)
            self._display_in_reader(place.ref, loaded, None)

    def _set_list_title(self, title: str, detail: str = "") -> None:
        self.entries.set_title(title, detail)

    def _show_list_message(self, text: str) -> None:
        self.entries.set_message(text)

    def _marks(self, refs: Iterable[PageRef | None]) -> tuple[set[str], set[str]]:
        read = self.library.read_keys()
        if self.mirror.label not in ("live", "offline copy"):
            return read, set()  # local pages are always at hand: a mark would say nothing
        cached = {ref.key for ref in refs if ref is not None and self.mirror.is_cached(ref)}
        return read, cached

    def _fill(self, items: list[Item], restore: View | None, default: int | None = None) -> None:
        entries = self.entries
        entries.read, entries.cached = self._marks(
            item.ref for item in items if item.kind == "article"
        )
        self.all_items = items
        shown = self._filtered(items)
        highlight = restore.list_index if restore else default
        entries.show_items(shown, highlight)
        if restore is not None:
            entries.scroll_to(y=restore.list_scroll, animate=False)
        if shown:
            message = ""
        elif self.list_error is not None and not items:
            message = f"{self.list_error}\nPress r to retry."  # the failure stays in view
        elif self._filter_text():
            message = "Nothing matches the filter. Escape clears it."
        elif self.view.place.kind == "related":
            message = (
                "No other article known to the app carries this tag yet. "
                "Articles are learned as indexes are opened and prefetched."
            )
        else:
            message = "This list is empty."
        self._show_list_message(message)

    def _show_home(self, home: Home, loaded: Loaded, restore: View | None) -> None:
        items: list[Item] = []
        for section in home.sections:
            items.append(Item("section", section.title))
            items.extend(Item(_item_kind(c.ref), c.title, c.ref) for c in section.categories)
        others = [link for link in home.links if link.kind in ("page", "external")]
        if others:
            items.append(Item("section", "其他"))
            for link in others:
                if link.kind == "page" and link.ref is not None:
                    items.append(Item("page", link.text, link.ref))
                else:
                    items.append(Item("external", link.text, None, link.url))
        self.list_page = home
        count = sum(len(s.categories) for s in home.sections)
        self._set_list_title("首页", f"{count} categories")
        self._fill(items, restore)

    def _show_index(self, index: Index, loaded: Loaded, restore: View | None) -> None:
        items = [
            Item("article", e.title, e.ref)
            if e.ref is not None
            else Item("external", e.title, None, e.url)
            for e in index.entries
        ]
        self.list_page = index
        place = self.view.place
        if place.title != index.title:
            self.view.place = place._replace(title=index.title)
            self._update_crumbs()
        detail = f"{len(index.entries)} entries"
        if loaded.fetched.stale:
            detail += " · " + stale_note(loaded.fetched.fetched_at, self.clock())
        self._set_list_title(index.title, detail)
        self._fill(items, restore)
        self.library.record_entries(index.entries)
        refs = [e.ref for e in index.entries if e.ref is not None]
        if self.prefetch_enabled and refs:
            self._prefetch(refs)

    def _show_related(self, restore: View | None) -> None:
        place = self.view.place
        assert place.tag is not None
        known = self.library.related(
            place.tag, self.mirror.home.repo_id, exclude=self.related_origin
        )
        items = [
            Item("article", k.title, k.ref, note=k.published.isoformat() if k.published else None)
            for k in known
        ]
        self.list_page = None
        self._set_list_title(f"标签 {place.tag}", f"{len(items)} related")
        if restore is None and self.entries.items and self.entries.current is not None:
            # Live update: keep the highlighted article where it is.
            current = self.entries.current
            shown = self._filtered(items)  # the highlight is an index into what is shown
            keep = next((i for i, it in enumerate(shown) if it.ref == current.ref), None)
            restore = View(
                place,
                list_index=keep,
                list_scroll=self.entries.scroll_y,
                filter=self._filter_text(),
            )
        self._fill(items, restore)

    def _show_list_error(self, place: Place, error: MirrorError | None) -> None:
        self.entries.show_items([])
        self.all_items = []
        if error is None:
            self._set_list_title(place.title or "…")
            self._show_list_message("")
            return
        self.list_error = str(error)
        self._set_list_title(place.title or (place.ref.name if place.ref else ""), "failed")
        self._show_list_message(f"{error}\nPress r to retry.")

    # -- offline fallback -----------------------------------------------------------------

    def _should_fall_back(self, error: MirrorError) -> bool:
        if self.mirror.label == "offline copy":
            return isinstance(error, OfflineMiss)
        return self.mirror.label == "live" and isinstance(error, NetworkUnavailable | FetchTimeout)

    def _fall_back_to_sample(self, error: MirrorError) -> None:
        self.live_mirror = self.mirror
        self.mirror = sample_mirror(self.live_mirror.state_dir)
        self.fallback = True
        self.view = View(Place("home", self.mirror.home, title="首页"))
        self.back_stack.clear()
        self.forward_stack.clear()
        self._update_source_label()
        self.show_welcome(reason=str(error))
        self.notify(
            "No network and no saved copy: showing the bundled sample mirror. Press r to retry.",
            severity="warning",
            markup=False,
            timeout=10,
        )
        self.load_place(self.view.place, restore=None)

    def _retry_live(self) -> None:
        assert self.live_mirror is not None
        self.mirror = self.live_mirror
        self.live_mirror = None
        self.fallback = False
        self.pages.clear()
        self.view = View(Place("home", self.mirror.home, title="首页"))
        self.back_stack.clear()
        self.forward_stack.clear()
        self._update_source_label()
        self.show_welcome()
        self.load_place(self.view.place, restore=None, refresh=True)

    # -- the reader -----------------------------------------------------------------------

    def show_welcome(self, reason: str | None = None) -> None:
        self.reader_page = None
        self.view.reader = None
        if self.fallback:
            lines = [
                "There is no network and no saved copy of the live mirror, so this is the "
                "bundled sample mirror: invented articles that show how the browser works.",
                *([f"Reason: {reason}"] if reason else []),
                "Press r on the home list to retry the live mirror.",
            ]
            self.reader.show(
                lambda w: layout_message("Offline: showing the sample mirror", lines, w, "notice")
            )
        else:
            self.reader.clear(
                [
                    ("goodnews-tui", "notice"),
                    ("", "body"),
                    ("Choose a category, press Enter, then an article.", "body"),
                    ("Tab moves between list and reader; ? shows all keys.", "body"),
                ]
            )
        self._update_crumbs()

    def open_article(self, ref: PageRef, *, push: bool = True, focus_reader: bool = True) -> None:
        if push:
            self._push()
        self.view.reader = ref
        self.view.focus = "reader" if focus_reader else self.view.focus
        self._load_reader(ref, None, refresh=False, focus=focus_reader)

    @work(group="reader", exclusive=True, exit_on_error=False)
    async def _load_reader(
        self, ref: PageRef, state: ReaderState | None, refresh: bool, focus: bool = True
    ) -> None:
        reader = self.reader
        spinner = self._delayed_loading(reader)
        if focus and self.narrow:
            self._show_pane("reader")
        try:
            loaded = await self.get_page(ref, refresh=refresh)
        except MirrorError as error:
            self.reader_page = None
            message = [str(error), "Press r to retry."]
            reader.show(lambda w: layout_message(f"Could not open {ref.path}", message, w))
            self._update_crumbs()
            return
        finally:
            spinner.stop()
            reader.loading = False
        if self.view.reader != ref:
            return
        page = loaded.page
        if isinstance(page, Home | Index):
            # A list reached from a link: it belongs in the list pane.
            self.view.reader = self.back_stack[-1].reader if self.back_stack else None
            kind: PlaceKind = "home" if isinstance(page, Home) else "index"
            title = "首页" if isinstance(page, Home) else page.title
            self.load_place(Place(kind, ref, title=title), restore=None)
            self._show_pane("list")
            return
        self._display_in_reader(ref, loaded, state)
        if focus:
            self.reader.focus() if not self.narrow else self._show_pane("reader")

    def _display_in_reader(self, ref: PageRef, loaded: Loaded, state: ReaderState | None) -> None:
        page = loaded.page
        self.view.reader = ref
        self.reader_page = page
        notes = loaded.notes
        if isinstance(page, Article):
            article = page
            self.reader.show(lambda w: layout_article(article, w, notes), state)
            self.library.mark_read(ref)
            self._refresh_marks()
        elif isinstance(page, Document):
            document = page
            self.reader.show(lambda w: layout_document(document, w, notes), state)
        self._update_source_label(stale=loaded.fetched.stale)
        self._update_crumbs()

    def _refresh_marks(self) -> None:
        items = self.entries.items
        read, cached = self._marks(item.ref for item in items if item.kind == "article")
        self.entries.refresh_marks(read, cached)

    # -- history --------------------------------------------------------------------------

    def capture(self) -> View:
        entries = self.entries
        focus: Focus = "reader" if self.reader.has_focus else "list"
        return View(
            place=self.view.place,
            list_index=entries.highlighted,
            list_scroll=entries.scroll_y,
            filter=self._filter_text(),
            reader=self.view.reader,
            reader_state=self.reader.state if self.view.reader else None,
            focus=focus,
        )

    def _push(self) -> None:
        self.back_stack.append(self.capture())
        self.forward_stack.clear()

    def restore(self, view: View) -> None:
        same_place = view.place == self.view.place and self.list_error is None
        self.view = View(view.place, reader=view.reader, focus=view.focus)
        if same_place:
            self._set_filter(view.filter)
            self._fill(self.all_items, view)
        else:
            if view.place.kind == "related":
                self.related_origin = view.reader
            self.load_place(view.place, view)
        if view.reader is None:
            self.show_welcome()
        elif view.reader.key in self.pages:
            self._display_in_reader(view.reader, self.pages[view.reader.key], view.reader_state)
        else:
            self._load_reader(view.reader, view.reader_state, refresh=False, focus=False)
        self._show_pane(view.focus)

    def action_back(self) -> None:
        if not self.back_stack:
            self.bell()
            return
        self.forward_stack.append(self.capture())
        self.restore(self.back_stack.pop())

    def action_forward(self) -> None:
        if not self.forward_stack:
            self.bell()
            return
        self.back_stack.append(self.capture())
        self.restore(self.forward_stack.pop())

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure in a worker is reported, never turned into a traceback."""
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        message = f"Something went wrong ({type(error).__name__}: {error}). Press r to retry."
        self.notify(message, severity="error", markup=False, timeout=10)
        if event.worker.group == "reader":
            self.reader.show(lambda w: layout_message("Could not show this page", [message], w))
        elif event.worker.group == "list":
            self._show_list_message(message)

    # -- list events ----------------------------------------------------------------------

    @on(EntryList.Selected, "#entries")
    def _entry_selected(self, event: EntryList.Selected) -> None:
        event.stop()
        items = self.entries.items
        if not (0 <= event.index < len(items)):
            return
        item = items[event.index]
        if item.kind == "external":
            self._external(item.url or "", item.title)
        elif item.kind == "index" and item.ref is not None:
            self._push()
            self.load_place(Place("index", item.ref, title=item.title), restore=None)
        elif item.ref is not None:
            self.open_article(item.ref)

    def _external(self, url: str, title: str = "") -> None:
        self.copy_to_clipboard(url)
        self.notify(f"External link, not opened here. Copied: {url}", markup=False, timeout=6)

    # -- reader events --------------------------------------------------------------------

    @on(ReaderView.NumberTyped)
    def _number_typed(self, event: ReaderView.NumberTyped) -> None:
        self.digits = event.digits
        self._update_status()

    @on(ReaderView.FollowLink)
    def _follow(self, event: ReaderView.FollowLink) -> None:
        link = self._link(event.n)
        if link is None:
            self.notify(f"There is no link {event.n} on this page.", severity="warning")
            return
        self.follow_link(link)

    def _link(self, n: int) -> Link | None:
        page = self.reader_page
        if not isinstance(page, Article | Document):
            return None
        return next((link for link in page.links if link.n == n), None)

    def follow_link(self, link: Link) -> None:
        if link.kind == "tag":
            self.open_tag(link.text.strip() or link.target)
        elif link.kind == "page" and link.ref is not None:
            if self.view.reader is not None and link.ref == self.view.reader:
                self._jump_within(link)
                return
            self.open_article(link.ref)
        else:
            self._external(link.url, link.text)

    def _jump_within(self, link: Link) -> None:
        """An in-page link (a table of contents): scroll to its heading; Backspace returns."""
        page = self.reader_page
        index = (
            anchor_block(page.blocks, link.text) if isinstance(page, Article | Document) else None
        )
        if index is None:
            self.notify(
                "That link points into this page, to a place it no longer marks.", markup=False
            )
            return
        self._push()
        self.reader.selected_link = None
        self.reader.show_block(index)

    def open_tag(self, tag: str) -> None:
        self._push()
        self.related_origin = self.view.reader
        self.load_place(Place("related", tag=tag, title=f"标签 {tag}"), restore=None)
        self._show_pane("list")

    # -- actions --------------------------------------------------------------------------

    def run_command(self, command: Command) -> None:
        """Run a palette command on the widget that owns it."""
        if command.scope == "reader":
            self._show_pane("reader")
            self.call_later(self.reader.run_action, command.action)
        elif command.scope == "list":
            self._show_pane("list")
            self.call_later(self.entries.run_action, command.action)
        else:
            self.call_later(self.run_action, command.action)

    def action_switch_pane(self) -> None:
        if self.entries.editing:  # Tab leaves the filter line for the list
            self.entries.stop_editing()
            return
        self._show_pane("list" if self.reader.has_focus else "reader")

    def action_escape(self) -> None:
        if self.entries.filter_query:
            self._set_filter("")
            self._fill(self.all_items, None)
            self.entries.focus()

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen  # only when asked: keeps start-up short

        self.push_screen(HelpScreen())

    def action_go_home(self) -> None:
        self._push()
        self.load_place(Place("home", self.mirror.home, title="首页"), restore=None)
        self._show_pane("list")

    def action_tags(self) -> None:
        page = self.reader_page
        if not isinstance(page, Article) or not page.tags:
            self.notify("This article has no tags.", severity="warning")
            return

        def chosen(tag: str | None) -> None:
            if tag:
                self.open_tag(tag)

        from tui.screens.tags import TagPicker  # only when asked: keeps start-up short

        self.push_screen(TagPicker(page.title, [t.name for t in page.tags]), chosen)

    def action_reload(self) -> None:
        if self.fallback and self.live_mirror is not None and not self.reader.has_focus:
            self._retry_live()
            return
        if self.view.reader is not None and (self.reader.has_focus or self.list_error is None):
            self.pages.pop(self.view.reader.key, None)
            self._load_reader(
                self.view.reader, self.reader.state, refresh=True, focus=self.reader.has_focus
            )
            if not self.reader.has_focus and self.list_error is None:
                return
        place = self.view.place
        if place.kind != "related":
            if place.ref is not None:
                self.pages.pop(place.ref.key, None)
            self.load_place(place, self.capture(), refresh=True)
        else:
            self._show_related(None)

    def action_copy_url(self) -> None:
        page = self.reader_page
        if isinstance(page, Article) and page.original_url:
            url = page.original_url
        elif isinstance(page, Article | Document):
            url = page.ref.blob_url
        else:
            self.notify("Open an article first.", severity="warning")
            return
        self.copy_to_clipboard(url)
        self.notify(f"Copied {url}", markup=False)

    def action_open_link(self) -> None:
        n = self.reader.selected_link
        link = self._link(n) if n is not None else None
        if link is None:
            page = self.reader_page
            if not isinstance(page, Article | Document):
                self.notify("Select a link first: n and p move between links.", severity="warning")
                return
            url = (
                page.original_url
                if isinstance(page, Article) and page.original_url
                else page.ref.blob_url
            )
        else:
            url = link.url
        if os.environ.get("SSH_CONNECTION") or not (
            sys.platform == "darwin"
            or os.environ.get("DISPLAY")
            or os.environ.get("WAYLAND_DISPLAY")
        ):
            self.copy_to_clipboard(url)
            self.notify(f"No local browser here; copied {url}", markup=False)
            return
        self.open_url(url)
        self.notify(f"Opened {url}", markup=False)

    def _neighbour(self, step: int) -> None:
        items = self.entries.items
        current = self.view.reader
        index = next(
            (i for i, it in enumerate(items) if current is not None and it.ref == current), None
        )
        if index is None:
            index = self.entries.highlighted if self.entries.highlighted is not None else -step
        i = index + step
        while 0 <= i < len(items) and items[i].kind not in ("article", "page"):
            i += step
        if not (0 <= i < len(items)):
            self.bell()
            self.notify("No more articles in this list.", severity="information")
            return
        self.entries.highlighted = i
        ref = items[i].ref
        assert ref is not None
        self.view.reader = ref
        self._load_reader(ref, None, refresh=False, focus=self.reader.has_focus or self.narrow)

    def action_prev_article(self) -> None:
        self._neighbour(-1)

    def action_next_article(self) -> None:
        self._neighbour(1)

    # -- filter ---------------------------------------------------------------------------

    def action_filter(self) -> None:
        self._show_pane("list")
        self.entries.start_filter()

    def _filter_text(self) -> str:
        return self.entries.filter_query

    def _set_filter(self, text: str) -> None:
        self.entries.set_filter(text)

    def _filtered(self, items: list[Item]) -> list[Item]:
        needle = self._filter_text().strip().casefold()
        if not needle:
            return items
        return [it for it in items if it.kind != "section" and needle in it.title.casefold()]

    @on(EntryList.FilterChanged, "#entries")
    def _filter_changed(self, event: EntryList.FilterChanged) -> None:
        self._fill(self.all_items, None)

    # -- prefetch -------------------------------------------------------------------------

    @work(group="prefetch", exclusive=True, exit_on_error=False)
    async def _prefetch(self, refs: list[PageRef]) -> None:
        todo = [
            r
            for r in dict.fromkeys(refs)
            if not (self.library.is_known(r) and self.mirror.is_cached(r))
        ]
        total = len(todo)
        if not total:
            self.prefetch_status = ""
            self._update_status()
            return
        done = 0
        semaphore = asyncio.Semaphore(PREFETCH_CONCURRENCY)

        async def one(ref: PageRef) -> None:
            nonlocal done
            async with semaphore:
                with contextlib.suppress(MirrorError):
                    await self.get_page(ref, keep=False)
            done += 1
            self.prefetch_status = f"prefetch {done}/{total}" if done < total else ""
            self._update_status()
            if self.view.place.kind == "related":
                self._show_related(None)
            elif done % 8 == 0 or done == total:
                self._refresh_marks()

        try:
            self.prefetch_status = f"prefetch 0/{total}"
            self._update_status()
            await asyncio.gather(*(one(ref) for ref in todo))
        finally:
            self.prefetch_status = ""
            self._update_status()


def _item_kind(ref: PageRef) -> Literal["index", "article"]:
    """Home links mostly lead to indexes; a few feature an article directly."""
    return "article" if ref.path.startswith("pages/") else "index"


def run_app(options: object) -> int:
    """Start the browser for the given ``tui.core.config.Options``; returns the exit code."""
    from tui.core.config import Options
    from tui.core.mirror import open_mirror

    assert isinstance(options, Options)
    try:
        mirror = open_mirror(options)
    except MirrorError as error:
        print(f"goodnews-tui: {error}", file=sys.stderr)
        return error.exit_code
    except ValueError as error:
        print(f"goodnews-tui: {error}", file=sys.stderr)
        return 2
    state = mirror.state_dir
    library = Library(state / LIBRARY_FILE if state else None)
    app = GoodnewsApp(mirror, library=library, prefetch=options.prefetch, theme=None)
    if options.theme:
        if options.theme not in app.available_themes:
            names = ", ".join(sorted(app.available_themes))
            print(
                f"goodnews-tui: unknown theme {options.theme!r}; choose one of: {names}",
                file=sys.stderr,
            )
            return 2
        app.theme = options.theme
    try:
        app.run()
    finally:
        library.close()
    return app.return_code or 0
