"""Parsing mirror pages into clean models: ``parse_page`` is the one entry point.

Every page is data from the network, so parsing never raises: whatever goes wrong, the
caller gets the best model that could be built and a list of warnings to show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.core.gcpause import collector_paused
from tui.core.kinds import PageKind, detect_kind
from tui.core.models import Article, Document, Page
from tui.core.parse.dirnames import DirectoryNames
from tui.core.text import sanitise
from tui.core.urls import PageRef
from tui.i18n import _

if TYPE_CHECKING:
    from tui.core.parse.jsonout import to_json
    from tui.core.parse.tags import is_tag_url

__all__ = [
    "MAX_CHARS",
    "DirectoryNames",
    "is_tag_url",
    "load_parsers",
    "parse_page",
    "to_json",
]


def __getattr__(name: str) -> Any:
    # ``to_json`` (dump's) and ``is_tag_url`` (the cleaner's) are imported when first asked
    # for: the browser imports this package on its way to the first frame and needs neither.
    if name == "to_json":
        from tui.core.parse.jsonout import to_json

        return to_json
    if name == "is_tag_url":
        from tui.core.parse.tags import is_tag_url

        return is_tag_url
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Beyond this a page is not a news article; parsing is cut to keep the UI responsive.
MAX_CHARS = 2_000_000


def _prepare(text: str, warnings: list[str]) -> str:
    if len(text) > MAX_CHARS:
        warnings.append(_("page truncated to {count:,} characters").format(count=MAX_CHARS))
        text = text[:MAX_CHARS]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = sanitise(text)
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        text = text.replace("\x00", "")
    return text


def parse_page(
    ref: PageRef,
    text: str,
    home: PageRef | None = None,
    names: DirectoryNames | None = None,
) -> Page:
    """Parse one page into its model. Never raises; problems end up in ``warnings``.

    ``names``: what the mirror calls its directories (learnt by the caller from the indexes
    and articles it has parsed, ``DirectoryNames.learn``); an article whose category is
    only a directory code gets the name instead.
    """
    with collector_paused():
        page = _parse_page(ref, text, home)
    if names is not None and isinstance(page, Article):
        names.name_category(page)
    return page


def load_parsers() -> None:
    """Import every parser now (the article cleaner's bs4 and its CSS engine take a few
    hundred ms): a worker process does it as it starts, so that its first article of a
    prefetch is not also its import."""
    from tui.core.parse import article, fastmd, home, index, tree  # noqa: F401


def _parse_page(ref: PageRef, text: str, home: PageRef | None) -> Page:
    warnings: list[str] = []
    try:
        text = _prepare(text if isinstance(text, str) else str(text), warnings)
        if not text.strip():
            return Document(ref=ref, title=None, warnings=[*warnings, _("empty page")])
        kind = detect_kind(ref, text)
        # Parsers are imported on first use: the article cleaner pulls in bs4 and lxml,
        # which the home page (the first paint) never needs.
        if kind is PageKind.HOME:
            from tui.core.parse.home import parse_home

            page: Page = parse_home(ref, text, home)
        elif kind is PageKind.INDEX:
            from tui.core.parse.index import parse_index

            page = parse_index(ref, text, home)
        elif kind is PageKind.ARTICLE:
            from tui.core.parse.article import parse_article

            page = parse_article(ref, text, home)
        else:
            from tui.core.parse.article import parse_document

            page = parse_document(ref, text, home)
    except RecursionError:
        return Document(ref=ref, warnings=[*warnings, _("page nested too deeply to parse")])
    except Exception as exc:  # noqa: BLE001 - a page must never take the reader down
        return Document(
            ref=ref,
            warnings=[
                *warnings,
                _("could not parse page: {error}").format(error=type(exc).__name__),
            ],
        )
    page.warnings[:0] = warnings
    return page
