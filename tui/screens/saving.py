"""The browser's links view, save (``w``) and export (``W``) flows, kept out of browser.py.

The writers and file names are ``tui.core.export`` (headless, tested alone); this module
only gathers what the screen shows and says where it wrote. Export reads the list's
articles that the cache holds (never fetching the missing ones: it says how many), parses
them off the event loop and writes from a thread, with progress in the key bar.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from tui.core.errors import MirrorError
from tui.core.models import Article, Document
from tui.core.urls import PageRef
from tui.i18n import _, ngettext

if TYPE_CHECKING:
    from tui.nav.links import LinkRow
    from tui.screens.browser import BrowserScreen

PROGRESS_EVERY = 10  # articles between progress messages during an export


@dataclass
class ExportProgress(Message):
    """How far an export is; ``done == total`` with ``paths`` (or ``error``) ends it."""

    done: int
    total: int
    paths: tuple[Path, ...] = ()
    written: int = 0
    missing: int = 0
    error: str | None = None
    finished: bool = False

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ExportProgress) and not self.finished


def save_dir(screen: BrowserScreen) -> Path:
    """The folder of the settings, else the platform's downloads folder (checked then)."""
    chosen = getattr(screen.app, "save_dir", None)
    if chosen:
        return Path(chosen).expanduser()
    from tui.core.export import default_save_dir

    return default_save_dir()


# ----------------------------------------------------------------------- links view


def show_links(screen: BrowserScreen, page: Article | Document) -> None:
    """Open the links view over ``page``; follow the chosen row as the reader would."""
    from tui.nav.links import link_rows
    from tui.screens.links import LinksView

    rows = link_rows(page, screen.service.home)
    if not rows:
        screen.app.notify(_("This page has no links or tags."), severity="information")
        return

    def copy(url: str) -> None:
        screen.app.copy_to_clipboard(url)
        screen.app.notify(_("Copied {url}").format(url=url), markup=False)

    def chosen(row: LinkRow | None) -> None:
        if row is None:
            return
        if row.tag is not None:
            screen.open_tag(row.tag)
        elif row.link is not None:
            screen.go(screen.router.link(row.link, screen.reader_ref))

    title = page.title or page.ref.name
    view = LinksView(title, rows, copy=copy, open_url=screen.open_in_browser)
    screen.app.push_screen(view, chosen)


# ----------------------------------------------------------------------- save


async def save_page(screen: BrowserScreen, page: Article | Document) -> None:
    """Write the open page in the chosen format and say where (or why not)."""
    from tui.core.export import EXTENSIONS, page_markdown, page_text, write_new

    fmt = getattr(screen.app, "save_format", "markdown")
    home = screen.service.home
    text = page_text(page, home) if fmt == "text" else page_markdown(page, home)
    directory = save_dir(screen)
    title = page.title or page.ref.name
    try:
        path = await asyncio.to_thread(
            write_new, directory, title, EXTENSIONS.get(fmt, ".md"), text.encode("utf-8")
        )
    except OSError as error:
        reason = error.strerror or str(error)
        screen.app.notify(
            _("Could not save in {folder}: {reason}").format(folder=directory, reason=reason),
            severity="error",
            markup=False,
            timeout=8,
        )
        return
    screen.app.notify(_("Saved to {path}").format(path=path), markup=False, timeout=8)


# ----------------------------------------------------------------------- export


async def export_rows(
    screen: BrowserScreen, title: str, refs: Sequence[PageRef], directory: Path
) -> None:
    """Gather the cached articles of ``refs``, write Markdown and EPUB, report by message.

    Always ends with a finished message, whatever fails: the screen refuses a second
    export while one runs, and must hear that this one is over.
    """
    try:
        await _export(screen, title, refs, directory)
    except Exception as error:  # noqa: BLE001 - reported, never a traceback
        reason = _("Export failed ({error}: {detail})").format(
            error=type(error).__name__, detail=error
        )
        screen.post_message(ExportProgress(0, 0, error=reason, finished=True))


async def _export(
    screen: BrowserScreen, title: str, refs: Sequence[PageRef], directory: Path
) -> None:
    from tui.core.export import list_epub, list_markdown, write_new

    service = screen.service
    post = screen.post_message
    present = await asyncio.to_thread(service.mirror.copies, list(refs))
    at_hand = [ref for ref in refs if ref.key in present]
    missing = len(refs) - len(at_hand)
    pages: list[Article | Document] = []
    post(ExportProgress(0, len(at_hand)))
    for i, ref in enumerate(at_hand, 1):
        try:
            loaded = await service.get(ref, keep=False)
        except MirrorError:
            missing += 1
            continue
        if isinstance(loaded.page, Article | Document):
            pages.append(loaded.page)
        if i % PROGRESS_EVERY == 0:
            post(ExportProgress(i, len(at_hand)))
    now = datetime.now(UTC)
    name = f"{title} {now:%Y-%m-%d}"
    home = service.home

    def write() -> tuple[Path, ...]:
        markdown = list_markdown(title, pages, home, missing=missing, now=now)
        first = write_new(directory, name, ".md", markdown.encode("utf-8"))
        second = write_new(directory, name, ".epub", list_epub(title, pages, now=now))
        return first, second

    try:
        paths = await asyncio.to_thread(write)
    except OSError as error:
        reason = error.strerror or str(error)
        post(
            ExportProgress(
                0,
                0,
                error=_("Could not export to {folder}: {reason}").format(
                    folder=directory, reason=reason
                ),
                finished=True,
            )
        )
        return
    post(ExportProgress(len(at_hand), len(at_hand), paths, len(pages), missing, finished=True))


def export_report(message: ExportProgress) -> str:
    """The sentence an export ends with: what was written where, and what was left out."""
    if message.error is not None:
        return message.error
    where = _(" and ").join(str(p) for p in message.paths)
    count = message.written
    if message.missing:
        text = ngettext(
            "Exported {count} article to {where}; {missing} not in the cache"
            " (open or sync them first).",
            "Exported {count} articles to {where}; {missing} not in the cache"
            " (open or sync them first).",
            count,
        )
    else:
        text = ngettext(
            "Exported {count} article to {where}.", "Exported {count} articles to {where}.", count
        )
    return text.format(count=count, where=where, missing=message.missing)
