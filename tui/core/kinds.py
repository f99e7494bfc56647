"""What a page is, decided in one place: for parsing, cache freshness and routing.

The mirror's own layout names most pages by their path (``indexes/…`` lists, ``pages/…``
articles), so the kind is known before anything is fetched; only a repository's root
README has to be read to tell a home page (one that links category indexes) from a plain
document. Everything that asks "what is this page?" asks this module.
"""

from __future__ import annotations

import re
from datetime import timedelta
from enum import StrEnum

from tui.core.urls import PageRef


class PageKind(StrEnum):
    HOME = "home"
    INDEX = "index"
    ARTICLE = "article"
    DOCUMENT = "document"

    @property
    def is_list(self) -> bool:
        """Lists show in the list pane; articles and documents in the reader."""
        return self in (PageKind.HOME, PageKind.INDEX)


# Home and index pages are rewritten all day; articles do not change once mirrored.
LIST_FRESHNESS = timedelta(minutes=10)
ARTICLE_FRESHNESS = timedelta(days=30)

_ARTICLE_HEAD = re.compile(r"\A\s*#{1,6}[ \t]+\S[^\n]*\n[ \t]*(?:-{3,}|={3,}|\*{3,})[ \t]*\n")
_INDEX_LINK = re.compile(r"\]\(\s*(?:\./)?indexes/[^)\s]+\.md")


def _is_markdown(path: str) -> bool:
    return path.lower().endswith((".md", ".markdown"))


def is_root_readme(ref: PageRef) -> bool:
    return "/" not in ref.path and ref.path.lower() in ("readme.md", "index.md")


def kind_by_path(ref: PageRef, home: PageRef | None = None) -> PageKind | None:
    """The kind the path alone says, before any fetch; ``None`` when only the text can tell.

    ``home`` is the mirror's home page: it is a home by definition, whatever its text.
    Another repository's root README is left to its content.
    """
    path = ref.path
    lower = path.lower()
    if home is not None and ref == home:
        return PageKind.HOME
    if not _is_markdown(path):
        return PageKind.DOCUMENT
    if lower.startswith("indexes/") and "/" not in path[len("indexes/") :]:
        return PageKind.INDEX
    if lower.startswith("pages/") and path.count("/") >= 2:
        return PageKind.ARTICLE
    return None  # a root README or a page outside the layout: its text decides


def detect_kind(ref: PageRef, text: str) -> PageKind:
    """The path decides for the mirror's own layout, then the content for pages elsewhere.

    A root README that links category indexes is a home; a ``###`` title over a rule with
    the mirror's share or original-URL lines is an article; anything else is a document.
    """
    by_path = kind_by_path(ref)
    if by_path is not None:
        return by_path
    if is_root_readme(ref):
        if len(_INDEX_LINK.findall(text[:20000])) >= 2:
            return PageKind.HOME
        return PageKind.DOCUMENT
    if _ARTICLE_HEAD.match(text) and ("手机上长按" in text or "原文地址" in text):
        return PageKind.ARTICLE
    return PageKind.DOCUMENT


def freshness(ref: PageRef) -> timedelta:
    """How long a cached copy is used without asking the server again."""
    if kind_by_path(ref) is PageKind.ARTICLE:
        return ARTICLE_FRESHNESS
    return LIST_FRESHNESS
