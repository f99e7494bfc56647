"""UI test helpers: deterministic apps over the sample mirror, driven through Pilot.

Tests read what the browser shows through ``BrowserScreen.state`` (place, rows, selection,
reader page, filter, progress), and press keys or click like a user; they do not reach
into the screen's private attributes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

from textual.pilot import Pilot

from tui.app import GoodnewsApp
from tui.core.library import Library
from tui.core.mirror import Mirror, sample_mirror
from tui.screens.browser import BrowserScreen, BrowserState

FIXED_NOW = datetime(2024, 4, 1, 12, 0, tzinfo=UTC)
MISSING_PAGE = "pages/nsc413/n14200099.md"  # listed in the sample's 头条 index, absent on purpose


def sample_app(*, prefetch: bool = False, mirror: Mirror | None = None) -> GoodnewsApp:
    """The browser over the bundled sample, with an in-memory library and a fixed clock."""
    return GoodnewsApp(
        mirror or sample_mirror(None),
        library=Library(None),
        prefetch=prefetch,
        clock=lambda: FIXED_NOW,
    )


def browser(app: GoodnewsApp) -> BrowserScreen:
    return app.browser


def state(app: GoodnewsApp) -> BrowserState:
    return app.browser.state


async def wait_for(pilot: Pilot, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until ``predicate()`` holds; fail the test if it never does."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"condition not reached within {timeout} s")
        await pilot.pause(0.02)
    await pilot.pause()


def prefetch_done(app: GoodnewsApp) -> bool:
    """No background prefetch is running (it starts when an index is shown)."""
    return not any(w.group == "prefetch" and not w.is_finished for w in app.workers)


def titles(app: GoodnewsApp) -> list[str]:
    return [row.title for row in state(app).rows]


def reader_lines(app: GoodnewsApp) -> list[str]:
    return app.browser.reader.text_lines()


def reader_shows(app: GoodnewsApp, ref: object) -> bool:
    page = state(app).reader_page
    return page is not None and page.ref == ref


async def home_ready(pilot: Pilot) -> None:
    app = pilot.app
    assert isinstance(app, GoodnewsApp)
    await wait_for(
        pilot,
        lambda: (
            state(app).place.kind == "home" and not state(app).loading and bool(state(app).rows)
        ),
    )


async def highlight(pilot: Pilot, index: int) -> None:
    app = pilot.app
    assert isinstance(app, GoodnewsApp)
    entries = app.browser.entries
    entries.focus()
    entries.highlighted = index
    await pilot.pause()


async def choose(pilot: Pilot, predicate: Callable[[str], bool]) -> int:
    """Highlight the first list entry whose title satisfies ``predicate`` and press Enter."""
    app = pilot.app
    assert isinstance(app, GoodnewsApp)
    index = next(i for i, t in enumerate(titles(app)) if predicate(t))
    await highlight(pilot, index)
    await pilot.press("enter")
    return index


async def open_index(pilot: Pilot, title: str) -> int:
    app = pilot.app
    assert isinstance(app, GoodnewsApp)
    index = await choose(pilot, lambda t: t == title)
    await wait_for(
        pilot,
        lambda: (
            state(app).place.kind == "index" and not state(app).loading and bool(state(app).rows)
        ),
    )
    return index


async def open_article(pilot: Pilot, starts: str) -> int:
    app = pilot.app
    assert isinstance(app, GoodnewsApp)
    index = await choose(pilot, lambda t: t.startswith(starts))
    ref = state(app).rows[index].ref
    # Opened as a reader sees it: the page shown and the focus on it (it moves a step after
    # the page is drawn), so the keys a test presses next go to the reader.
    await wait_for(pilot, lambda: reader_shows(app, ref) and state(app).focus == "reader")
    # Settled as a reader sees it a moment later: recorded in the library (just after it
    # was shown), so its row says its date.
    await app.browser.service.recorded()
    await pilot.pause()
    await pilot.pause()
    return index


async def open_missing_page(pilot: Pilot) -> None:
    """From home, open the sample's 头条 index and the article it lists that does not exist."""
    app = pilot.app
    assert isinstance(app, GoodnewsApp)
    await home_ready(pilot)
    await open_index(pilot, "头条")
    index = next(
        i for i, row in enumerate(state(app).rows) if row.ref and row.ref.path == MISSING_PAGE
    )
    await highlight(pilot, index)
    await pilot.press("enter")
    await wait_for(pilot, lambda: any("Could not open" in line for line in reader_lines(app)))


async def open_tagged_article(pilot: Pilot) -> None:
    """Home -> the sample's 头条 index, prefetched (so its articles' tags are known) -> an
    article whose tags other articles carry: where related-list tests start."""
    app = pilot.app
    assert isinstance(app, GoodnewsApp)
    await home_ready(pilot)
    await open_index(pilot, "头条")
    await wait_for(pilot, lambda: prefetch_done(app))
    await open_article(pilot, "倒春寒来袭")
