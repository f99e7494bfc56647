"""Where a target opens, decided before anything is fetched.

Every way of opening something (a list row, a link in the reader, a tag, Home) goes
through ``Router``: it says whether the target belongs in the list pane (a home or index
page, a tag's related list), in the reader (an article or another page), inside the page
shown (an in-page anchor), or outside the app (external: copied, never fetched). The page
kind comes from ``tui.core.kinds``, the one rule for what a page is.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from tui.core.kinds import PageKind, kind_by_path
from tui.core.models import Link
from tui.core.urls import PageRef
from tui.nav.places import (
    Place,
    Row,
    RowKind,
    all_place,
    home_place,
    index_place,
    related_place,
    row_place,
    search_place,
)


class Pane(StrEnum):
    LIST = "list"
    READER = "reader"
    IN_PAGE = "in_page"
    EXTERNAL = "external"


class Route(NamedTuple):
    pane: Pane
    place: Place | None = None  # for the list pane
    ref: PageRef | None = None  # for the reader
    url: str | None = None  # external
    anchor: str | None = None  # in-page: the link text or fragment to find
    title: str = ""  # the text of the link or row it was opened from (for untitled pages)


class Router:
    """Routes over one mirror (its home page is the home place)."""

    def __init__(self, home: PageRef) -> None:
        self.home = home

    def page(self, ref: PageRef, title: str = "", current: PageRef | None = None) -> Route:
        if ref == self.home:
            return Route(Pane.LIST, home_place(ref))
        kind = kind_by_path(ref)
        if kind is PageKind.INDEX:
            return Route(Pane.LIST, index_place(ref, title))
        if current is not None and ref == current:
            return Route(Pane.IN_PAGE, ref=ref, anchor=title)
        return Route(Pane.READER, ref=ref, title=title)

    def tag(self, name: str) -> Route:
        return Route(Pane.LIST, related_place(name))

    def search(self, query: str = "") -> Route:
        return Route(Pane.LIST, search_place(query))

    def all_articles(self) -> Route:
        return Route(Pane.LIST, all_place())

    def row(self, row: Row) -> Route:
        if row.kind is RowKind.PLACE:
            return Route(Pane.LIST, row_place(row))
        if row.kind is RowKind.EXTERNAL or row.ref is None:
            return Route(Pane.EXTERNAL, url=row.url or "")
        return self.page(row.ref, row.title)

    def link(self, link: Link, current: PageRef | None) -> Route:
        if link.kind == "tag":
            return self.tag(link.text.strip() or link.target)
        if link.kind == "page" and link.ref is not None:
            return self.page(link.ref, link.text, current)
        return Route(Pane.EXTERNAL, url=link.url)
