"""UI test helpers: deterministic apps over the sample mirror, snapshots kept in ``snapshots/``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest_textual_snapshot
from textual.pilot import Pilot

from tui.app import GoodnewsApp
from tui.core.library import Library
from tui.core.mirror import Mirror, sample_mirror

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = ROOT / "snapshots"
FIXED_NOW = datetime(2024, 4, 1, 12, 0, tzinfo=UTC)


class _SnapshotsDir(pytest_textual_snapshot.SVGImageExtension):
    """Keep every SVG snapshot in the top-level ``snapshots/`` folder."""

    @classmethod
    def dirname(cls, *, test_location: object) -> str:
        return str(SNAPSHOTS)


pytest_textual_snapshot.SVGImageExtension = _SnapshotsDir  # type: ignore[misc]


def sample_app(*, prefetch: bool = False, mirror: Mirror | None = None) -> GoodnewsApp:
    """The browser over the bundled sample, with an in-memory library and a fixed clock."""
    return GoodnewsApp(
        mirror or sample_mirror(None),
        library=Library(None),
        prefetch=prefetch,
        clock=lambda: FIXED_NOW,
    )


async def wait_for(pilot: Pilot, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until ``predicate()`` holds; fail the test if it never does."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"condition not reached within {timeout} s")
        await pilot.pause(0.02)
    await pilot.pause()


def titles(app: GoodnewsApp) -> list[str]:
    return [item.title for item in app.entries.items]


async def home_ready(pilot: Pilot) -> None:
    app = pilot.app
    assert isinstance(app, GoodnewsApp)
    await wait_for(pilot, lambda: app.view.place.kind == "home" and bool(app.entries.items))


async def choose(pilot: Pilot, predicate: Callable[[str], bool]) -> int:
    """Highlight the first list entry whose title satisfies ``predicate`` and press Enter."""
    app = pilot.app
    assert isinstance(app, GoodnewsApp)
    index = next(i for i, t in enumerate(titles(app)) if predicate(t))
    app.entries.focus()
    app.entries.highlighted = index
    await pilot.pause()
    await pilot.press("enter")
    return index


async def open_index(pilot: Pilot, title: str) -> int:
    app = pilot.app
    assert isinstance(app, GoodnewsApp)
    index = await choose(pilot, lambda t: t == title)
    await wait_for(
        pilot,
        lambda: (
            app.view.place.kind == "index" and app.list_page is not None and bool(app.entries.items)
        ),
    )
    return index


async def open_article(pilot: Pilot, starts: str) -> int:
    app = pilot.app
    assert isinstance(app, GoodnewsApp)
    index = await choose(pilot, lambda t: t.startswith(starts))
    ref = app.entries.items[index].ref
    await wait_for(
        pilot,
        lambda: (
            app.view.reader == ref and app.reader_page is not None and app.reader_page.ref == ref
        ),
    )
    return index


MISSING_PAGE = "pages/nsc413/n14200099.md"  # listed in the sample's 头条 index, absent on purpose


async def open_missing_page(pilot: Pilot) -> None:
    """From home, open the sample's 头条 index and the article it lists that does not exist."""
    app = pilot.app
    assert isinstance(app, GoodnewsApp)
    await home_ready(pilot)
    await open_index(pilot, "头条")
    index = next(
        i for i, item in enumerate(app.entries.items) if item.ref and item.ref.path == MISSING_PAGE
    )
    app.entries.highlighted = index
    await pilot.press("enter")
    await wait_for(pilot, lambda: any("Could not open" in line for line in app.reader.text_lines()))
