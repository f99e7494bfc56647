"""Places the list pane shows, and their rows: built from page models, never from widgets.

A place is where the reader is in the mirror (the home page, a category index, a tag's
related list; later search results and starred articles). Its rows are what the list draws.
A ``Visit`` is a place as it was left: what history keeps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

from tui.core.kinds import PageKind, kind_by_path
from tui.core.lazy import LazyMap
from tui.core.library import Known, Marked
from tui.core.models import Entry, Home, Index
from tui.core.urls import PageRef
from tui.i18n import _, ngettext

if TYPE_CHECKING:
    from tui.core.search import SearchResult


class PlaceKind(StrEnum):
    HOME = "home"
    INDEX = "index"
    RELATED = "related"
    SEARCH = "search"  # results of a full-text query (``tag`` holds the query)
    ALL = "all"  # every article the library knows
    STARRED = "starred"  # starred articles, most recently starred first
    HISTORY = "history"  # articles opened in the reader, most recent first

    @property
    def from_library(self) -> bool:
        """Rows come from the library, not from a page of the mirror."""
        return self in (
            PlaceKind.RELATED,
            PlaceKind.SEARCH,
            PlaceKind.ALL,
            PlaceKind.STARRED,
            PlaceKind.HISTORY,
        )


class Place(NamedTuple):
    """What the list pane shows. ``ref`` for pages (home, index), ``tag`` for related lists."""

    kind: PlaceKind
    ref: PageRef | None = None
    tag: str | None = None
    title: str = ""

    @property
    def crumb(self) -> str:
        if self.kind is PlaceKind.RELATED:
            return _("Tag {tag}").format(tag=self.tag)
        if self.kind is PlaceKind.SEARCH:
            return _("Search {query}").format(query=self.tag) if self.tag else _("Search")
        return self.title or (self.ref.name if self.ref else "")


def home_place(ref: PageRef) -> Place:
    return Place(PlaceKind.HOME, ref, title=_("Home"))


def index_place(ref: PageRef, title: str = "") -> Place:
    return Place(PlaceKind.INDEX, ref, title=title)


def related_place(tag: str) -> Place:
    return Place(PlaceKind.RELATED, tag=tag, title=_("Tag {tag}").format(tag=tag))


def search_place(query: str = "") -> Place:
    return Place(PlaceKind.SEARCH, tag=query, title=_("Search"))


def all_place() -> Place:
    return Place(PlaceKind.ALL, title=_("All articles"))


def starred_place() -> Place:
    return Place(PlaceKind.STARRED, title=_("Starred"))


def history_place() -> Place:
    return Place(PlaceKind.HISTORY, title=_("History"))


_OWN_PLACES = {
    PlaceKind.ALL: all_place,
    PlaceKind.STARRED: starred_place,
    PlaceKind.HISTORY: history_place,
}


def place_row(place: Place) -> Row:
    """A home-list row that opens one of the app's own places (its kind in ``url``)."""
    return Row(RowKind.PLACE, place.title, url=place.kind.value)


def row_place(row: Row) -> Place:
    """The place a ``place_row`` opens (all articles for a row that names none)."""
    try:
        make = _OWN_PLACES.get(PlaceKind(row.url or PlaceKind.ALL.value), all_place)
    except ValueError:
        make = all_place
    return make()


class RowKind(StrEnum):
    SECTION = "section"  # a heading: the cursor skips it
    INDEX = "index"  # opens a list
    ARTICLE = "article"  # opens in the reader
    PAGE = "page"  # another page of the mirror (a README of another repository)
    EXTERNAL = "external"  # outside the mirror: never fetched, its URL is copied
    PLACE = "place"  # a place of the app's own (all articles, starred, history)


class Row(NamedTuple):
    """One row of the list pane."""

    kind: RowKind
    title: str
    ref: PageRef | None = None
    url: str | None = None
    note: str | None = None  # a few words after the title
    date: str | None = None  # YYYY-MM-DD, drawn in a column of its own when there is room
    source: str | None = None  # the news source (大纪元, 看中国), in a column beside the date

    @property
    def openable(self) -> bool:
        return self.kind is not RowKind.SECTION

    @property
    def readable(self) -> bool:
        """Opens in the reader: what ``[`` and ``]`` step through."""
        return self.kind in (RowKind.ARTICLE, RowKind.PAGE) and self.ref is not None


class Visit(NamedTuple):
    """A place as it was left, with the reader beside it: what back and forward restore.

    ``reader_state`` is whatever the reader widget needs to scroll back (opaque here).
    """

    place: Place
    selection: int | None = None
    scroll: float = 0.0
    filter: str = ""
    reader: PageRef | None = None
    reader_state: object | None = None
    focus: str = "list"


def _row_for(ref: PageRef, title: str) -> Row:
    kind = kind_by_path(ref)
    if kind is PageKind.INDEX:
        return Row(RowKind.INDEX, title, ref)
    if kind is PageKind.ARTICLE:
        return Row(RowKind.ARTICLE, title, ref)
    return Row(RowKind.PAGE, title, ref)


def home_rows(home: Home) -> list[Row]:
    """The app's own places first (all articles), then the sections with their categories,
    then the other pages and sites the home page links."""
    rows: list[Row] = [
        Row(RowKind.SECTION, _("This device")),
        place_row(all_place()),
        place_row(starred_place()),
        place_row(history_place()),
    ]
    for section in home.sections:
        rows.append(Row(RowKind.SECTION, section.title))
        rows.extend(_row_for(c.ref, c.title) for c in section.categories)
    others = [link for link in home.links if link.kind in ("page", "external")]
    if others:
        rows.append(Row(RowKind.SECTION, _("Other")))
        for link in others:
            if link.kind == "page" and link.ref is not None:
                rows.append(Row(RowKind.PAGE, link.text, link.ref))
            else:
                rows.append(Row(RowKind.EXTERNAL, link.text, url=link.url))
    return rows


def _entry_row(entry: Entry) -> Row:
    if entry.ref is not None:
        return Row(RowKind.ARTICLE, entry.title, entry.ref)
    return Row(RowKind.EXTERNAL, entry.title, url=entry.url)


def unique_entries(entries: Sequence[Entry]) -> Sequence[Entry]:
    """Each page once, where it first appears: some indexes list an article twice (看官场
    lists ten articles in fifteen lines). ``entries`` itself when nothing repeats."""
    targets = getattr(entries, "targets", None)  # entries read back from the store know
    if targets is None:
        targets = [entry.target for entry in entries]
    if len(set(targets)) == len(targets):
        return entries  # the usual case, told in C: 15,000 entries in 1 ms, not 4
    seen: set[str] = set()
    out: list[Entry] = []
    for entry in entries:
        if entry.target not in seen:
            seen.add(entry.target)
            out.append(entry)
    return entries if len(out) == len(entries) else out


def index_rows(index: Index) -> LazyMap[Entry, Row]:
    """An index's entries as rows, each made when first drawn (``LazyMap``): building
    15,000 rows up front cost about 35 ms of the open (bench/scale.py)."""
    return LazyMap(unique_entries(index.entries), _entry_row)


def _iso(published: date | None) -> str | None:
    return published.isoformat() if published else None


def _known_row(k: Known) -> Row:
    return Row(RowKind.ARTICLE, k.title, k.ref, date=_iso(k.published), source=k.source)


def related_rows(known: Sequence[Known]) -> LazyMap[Known, Row]:
    """Newest first; source and date tell apart articles of the same title. Each row is
    made when first drawn, as the ``Known`` under it is (``Library.related``)."""
    return LazyMap(known, _known_row, openable=len(known))


def openable_count(rows: Sequence[Row]) -> int:
    """How many of ``rows`` open something, without making lazy rows to tell."""
    known = getattr(rows, "openable", None)
    return known if isinstance(known, int) else sum(1 for r in rows if r.openable)


def search_rows(results: Iterable[SearchResult]) -> list[Row]:
    """Results best first, with where and when, to tell same titles apart."""
    return [
        Row(RowKind.ARTICLE, r.title.text, r.ref, date=_iso(r.published), source=r.source)
        for r in results
    ]


def all_rows(known: Iterable[Known]) -> list[Row]:
    """Every known article under a heading per source that counts its articles, newest
    first within each."""
    rows: list[Row] = []
    current: object = object()
    heading = 0  # where the current group's heading is in ``rows``
    for k in known:
        if k.source != current:
            if rows:
                rows[heading] = _source_heading(rows[heading].title, len(rows) - heading - 1)
            current = k.source
            heading = len(rows)
            rows.append(Row(RowKind.SECTION, k.source or _("Other")))
        rows.append(Row(RowKind.ARTICLE, k.title, k.ref, date=_iso(k.published)))
    if rows:
        rows[heading] = _source_heading(rows[heading].title, len(rows) - heading - 1)
    return rows


def _source_heading(source: str, count: int) -> Row:
    text = ngettext("{source} · {count} article", "{source} · {count} articles", count)
    return Row(RowKind.SECTION, text.format(source=source, count=f"{count:,}"))


def marked_rows(marked: Iterable[Marked], note: Callable[[Marked], str | None]) -> list[Row]:
    """Starred or History rows in the library's order, with source and date in columns as
    in related lists; where ``note`` says when (History: when it was read), that takes the
    date's column, which stays in view when a long title is cut."""
    rows = []
    for m in marked:
        when = note(m)
        rows.append(
            Row(
                RowKind.ARTICLE,
                m.title,
                m.ref,
                date=when if when is not None else _iso(m.published),
                source=m.source,
            )
        )
    return rows


def starred_note(m: Marked) -> str | None:
    """Nothing beyond the columns: when it was starred is the list's order."""
    return None


# Titles as a Chinese filter query compares them, kept between keys: each key filters the
# whole list again, and folding 15,000 titles costs 25 ms where a lookup costs 2.
_FOLDED: dict[str, str] = {}
_FOLDED_MAX = 50_000


def filter_rows(rows: Sequence[Row], query: str) -> Sequence[Row]:
    """Rows whose title contains ``query`` (case-folded); headings go when filtering.
    Without a query, ``rows`` themselves (not a copy).

    A query with Chinese characters matches in either script (臺灣 finds 台湾 and the
    reverse), as search does: both sides folded to simplified, character by character."""
    needle = query.strip().casefold()
    if not needle:
        return rows
    if any(ord(c) >= 0x2E80 for c in needle):
        from tui.core.fold import fold  # only for such a query: its table loads on first use

        needle = fold(needle)
        folded = _FOLDED
        if len(folded) > _FOLDED_MAX:
            folded.clear()
        out = []
        for r in rows:
            if not r.openable:
                continue
            title = folded.get(r.title)
            if title is None:
                title = folded[r.title] = fold(r.title).casefold()
            if needle in title:
                out.append(r)
        return out
    return [r for r in rows if r.openable and needle in r.title.casefold()]


def category_count(home: Home) -> int:
    return sum(len(s.categories) for s in home.sections)
