"""The rows of the links view (lynx ``L``): every link and tag of a page, with its kind.

Headless so the kinds (which decide where Enter goes) are tested without a terminal. The
kind is the router's view of the link, said in the reader's words: a tag opens its related
list, an index or article opens in the app, an in-page link scrolls, an external link or
image is only ever copied or handed to a browser.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from tui.core.kinds import PageKind, kind_by_path
from tui.core.models import Article, Document, Link
from tui.core.text import one_line
from tui.core.urls import LinkKind, PageRef

KINDS = ("tag", "article", "index", "page", "in-page", "external", "image")


class LinkRow(NamedTuple):
    """One row; ``link`` is None for a tag the page lists without numbering it."""

    n: int | None
    text: str
    kind: str
    target: str
    url: str
    link: Link | None = None
    tag: str | None = None  # the tag's name, for tag rows

    @property
    def haystack(self) -> str:
        from tui.core.layout import link_kind_label

        number = str(self.n) if self.n is not None else ""
        # The kind as shown (标签 in Chinese) and as named (tag): either finds it.
        kind = f"{self.kind} {link_kind_label(self.kind)}"
        return f"{number} {self.text} {kind} {self.target}".casefold()


def link_kind(link: Link, current: PageRef | None, home: PageRef | None) -> str:
    """What following ``link`` from the page ``current`` does, as one word."""
    if link.kind is LinkKind.TAG:
        return "tag"
    if link.kind is LinkKind.IMAGE:
        return "image"
    if link.kind is not LinkKind.PAGE or link.ref is None:
        return "external"
    if current is not None and link.ref == current:
        return "in-page"
    if home is not None and link.ref == home:
        return "index"
    kind = kind_by_path(link.ref, home)
    if kind is PageKind.INDEX or kind is PageKind.HOME:
        return "index"
    if kind is PageKind.ARTICLE:
        return "article"
    return "page"


def link_rows(page: Article | Document, home: PageRef | None = None) -> list[LinkRow]:
    """Every link of ``page`` in its numbered order, then any tag without a number."""
    names = {tag.url: tag.name for tag in page.tags} if isinstance(page, Article) else {}
    rows: list[LinkRow] = []
    seen_tags: set[str] = set()
    for link in page.links:
        kind = link_kind(link, page.ref, home)
        target = link.target + (f"#{link.anchor}" if link.anchor else "")
        tag = None
        if kind == "tag":
            tag = names.get(link.url) or link.text.strip() or link.target
            seen_tags.add(link.url)
        text = one_line(link.text).strip()
        rows.append(LinkRow(link.n, text, kind, one_line(target), link.url, link, tag))
    if isinstance(page, Article):
        for t in page.tags:
            if t.url not in seen_tags:
                rows.append(
                    LinkRow(None, one_line(t.name), "tag", one_line(t.url), t.url, None, t.name)
                )
    return rows


def filter_link_rows(rows: Sequence[LinkRow], query: str) -> list[LinkRow]:
    """Rows matching every word of ``query`` (number, text, kind or target)."""
    words = query.casefold().split()
    if not words:
        return list(rows)
    return [row for row in rows if all(w in row.haystack for w in words)]
