"""SVG snapshots of the main views (kept in ``snapshots/``; see the README to update them).

Every app here is deterministic: the bundled sample mirror, an in-memory library, a fixed
clock, fixed terminal sizes, no animations and no blinking cursor.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.ui.helpers import (
    FIXED_NOW,
    highlight,
    home_ready,
    open_article,
    open_index,
    open_missing_page,
    prefetch_done,
    sample_app,
    state,
    wait_for,
)
from tui.app import GoodnewsApp
from tui.core.config import Options
from tui.core.fetch import FetchPolicy
from tui.core.library import Library
from tui.core.mirror import open_mirror, sample_mirror

WIDE = (120, 40)
NARROW = (80, 24)

Steps = Callable[[Pilot], Awaitable[None]]


def app_of(pilot: Pilot) -> GoodnewsApp:
    assert isinstance(pilot.app, GoodnewsApp)
    return pilot.app


async def at_home(pilot: Pilot) -> None:
    await home_ready(pilot)


async def at_index(pilot: Pilot) -> None:
    await home_ready(pilot)
    await open_index(pilot, "头条")
    app_of(pilot).browser.entries.focus()
    await pilot.pause()


async def at_article(pilot: Pilot) -> None:
    await home_ready(pilot)
    await open_index(pilot, "头条")
    await open_article(pilot, "倒春寒来袭")


async def at_article_scrolled(pilot: Pilot) -> None:
    await at_article(pilot)
    await pilot.press("space")
    await pilot.pause()


async def at_link_selected(pilot: Pilot) -> None:
    await at_article(pilot)
    await pilot.press("n", "n")
    await pilot.pause()


async def at_related(pilot: Pilot) -> None:
    app = app_of(pilot)
    await home_ready(pilot)
    await open_index(pilot, "头条")
    await wait_for(pilot, lambda: prefetch_done(app))
    await open_article(pilot, "倒春寒来袭")
    await pilot.press("t")
    await pilot.pause()
    await pilot.press("enter")
    await wait_for(pilot, lambda: state(app).place.kind == "related" and bool(state(app).rows))


async def at_tag_picker(pilot: Pilot) -> None:
    await at_article(pilot)
    await pilot.press("t")
    await pilot.pause()


async def at_links_view(pilot: Pilot) -> None:
    await home_ready(pilot)
    await open_article(pilot, "云溪市图书馆新馆开放")
    await pilot.press("L")
    await pilot.pause()
    await pilot.press("j")
    await pilot.pause()


async def at_help(pilot: Pilot) -> None:
    await home_ready(pilot)
    await pilot.press("question_mark")
    await pilot.pause()


async def at_filter(pilot: Pilot) -> None:
    await at_index(pilot)
    await pilot.press("slash", *"云溪")
    await pilot.pause()


async def at_missing(pilot: Pilot) -> None:
    await open_missing_page(pilot)


async def at_hostile(pilot: Pilot) -> None:
    app = app_of(pilot)
    await home_ready(pilot)
    await open_index(pilot, "头条")
    index = next(i for i, item in enumerate(state(app).rows) if "[@click" in item.title)
    app.browser.entries.highlighted = index
    await pilot.press("enter")
    await wait_for(
        pilot,
        lambda: (
            state(app).reader_page is not None
            and "[@click" in (state(app).reader_page.title or "")
            and app.browser.reader.has_focus
        ),
    )


CASES: dict[str, tuple[Steps, tuple[int, int], bool]] = {
    "home": (at_home, WIDE, False),
    "index": (at_index, WIDE, False),
    "article_cjk": (at_article, WIDE, False),
    "article_scrolled": (at_article_scrolled, WIDE, False),
    "link_selected": (at_link_selected, WIDE, False),
    "related_list": (at_related, WIDE, True),
    "tag_picker": (at_tag_picker, WIDE, False),
    "links_view": (at_links_view, WIDE, False),
    "help": (at_help, WIDE, False),
    "filter": (at_filter, WIDE, False),
    "missing_page": (at_missing, WIDE, False),
    "hostile_article": (at_hostile, WIDE, False),
    "home_80x24": (at_home, NARROW, False),
    "index_80x24": (at_index, NARROW, False),
    "article_80x24": (at_article, NARROW, False),
    "related_80x24": (at_related, NARROW, True),
    "help_80x24": (at_help, NARROW, False),
}


@pytest.mark.parametrize("name", list(CASES))
def test_view(name: str, snap_compare: Callable[..., bool]) -> None:
    steps, size, prefetch = CASES[name]
    assert snap_compare(sample_app(prefetch=prefetch), run_before=steps, terminal_size=size)


def test_ansi_theme(snap_compare: Callable[..., bool]) -> None:
    """The ansi theme keeps the terminal's own colours: tags, links and the selection still show."""
    app = sample_app()
    app.theme = "ansi-dark"
    assert snap_compare(app, run_before=at_link_selected, terminal_size=WIDE)


def test_traditional_article(snap_compare: Callable[..., bool]) -> None:
    """An article converted to traditional with c (issue 12): text, tags, list and header."""
    app = sample_app()

    async def converted(pilot: Pilot) -> None:
        await at_article(pilot)
        await pilot.press("c", "c")  # original -> simplified -> traditional
        await wait_for(pilot, lambda: app.browser.shown_script == "traditional")

    assert snap_compare(app, run_before=converted, terminal_size=WIDE)


def test_offline_notice(snap_compare: Callable[..., bool], tmp_path: Path) -> None:
    policy = FetchPolicy(
        connect_timeout=0.5, read_timeout=0.5, attempt_timeout=1.0, deadline=1.0, retries=0
    )
    mirror = open_mirror(Options(mirror="http://127.0.0.1:9/", cache_dir=tmp_path), policy=policy)
    app = GoodnewsApp(mirror, library=Library(None), prefetch=False)

    async def fallen_back(pilot: Pilot) -> None:
        await wait_for(pilot, lambda: app.browser.mirror.fallen and bool(state(app).rows))

    assert snap_compare(app, run_before=fallen_back, terminal_size=WIDE)


def test_home_in_simplified_chinese(snap_compare: Callable[..., bool]) -> None:
    """The home screen in zh-Hans, the default language (the other snapshots are in English):
    crumbs, the list's title and count, its own places, the key bar and the source label."""
    from tui.i18n import set_language

    set_language("zh-Hans")
    assert snap_compare(sample_app(), run_before=at_home, terminal_size=WIDE)


def test_article_in_simplified_chinese(snap_compare: Callable[..., bool]) -> None:
    """An article beside its index in zh-Hans: the reader's key bar and the entries count."""
    from tui.i18n import set_language

    set_language("zh-Hans")
    assert snap_compare(sample_app(), run_before=at_article, terminal_size=WIDE)


def test_help_in_simplified_chinese(snap_compare: Callable[..., bool]) -> None:
    """Help in zh-Hans on a small screen: Chinese help text wraps under its own column."""
    from tui.i18n import set_language

    set_language("zh-Hans")
    assert snap_compare(sample_app(), run_before=at_help, terminal_size=NARROW)


def daily_app() -> GoodnewsApp:
    """The sample app with a library on the fixed clock (History shows when things were read)."""
    return GoodnewsApp(
        sample_mirror(None),
        library=Library(None, clock=lambda: FIXED_NOW.timestamp()),
        prefetch=False,
        clock=lambda: FIXED_NOW,
    )


async def at_starred(pilot: Pilot) -> None:
    app = app_of(pilot)
    await home_ready(pilot)
    await open_index(pilot, "头条")
    await highlight(pilot, next(i for i, r in enumerate(state(app).rows) if "大桥" in r.title))
    await pilot.press("f")
    await open_article(pilot, "倒春寒来袭")
    await pilot.press("f", "F")
    await wait_for(pilot, lambda: state(app).place.kind == "starred" and len(state(app).rows) == 2)
    app.browser.entries.focus()
    app.clear_notifications()
    await pilot.pause()


async def at_history(pilot: Pilot) -> None:
    app = app_of(pilot)
    await home_ready(pilot)
    await open_index(pilot, "头条")
    await open_article(pilot, "云溪大桥")
    app.browser.entries.focus()
    await open_article(pilot, "倒春寒来袭")
    await pilot.press("R")
    await wait_for(pilot, lambda: state(app).place.kind == "history" and len(state(app).rows) == 2)
    app.browser.entries.focus()
    await pilot.pause()


@pytest.mark.parametrize("steps", [at_starred, at_history], ids=["starred", "history"])
def test_daily_places(
    steps: Steps, snap_compare: Callable[..., bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Starred and History places (times read in UTC, on the fixed clock)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        assert snap_compare(daily_app(), run_before=steps, terminal_size=WIDE)
    finally:
        monkeypatch.undo()
        time.tzset()
