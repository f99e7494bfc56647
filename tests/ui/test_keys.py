"""The keys text-browser users press, in a wide (two panes) and a narrow (one pane) terminal.

Esc, h and Left go up a level (reader -> list, list -> the place before), l and Right open,
q closes dialogs and, in a narrow reader, returns to the list; q quits from the main screen
and Q from anywhere.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from tests.ui.helpers import (
    home_ready,
    open_article,
    open_index,
    sample_app,
    state,
    titles,
    wait_for,
)
from tui.app import GoodnewsApp

WIDE = (120, 40)
NARROW = (80, 24)
SIZES = pytest.mark.parametrize("size", [WIDE, NARROW], ids=["wide", "narrow"])
UP_KEYS = pytest.mark.parametrize("key", ["escape", "h", "left"])
OPEN_KEYS = pytest.mark.parametrize("key", ["l", "right"])


def app_of(pilot: Pilot) -> GoodnewsApp:
    assert isinstance(pilot.app, GoodnewsApp)
    return pilot.app


def list_shown(app: GoodnewsApp) -> bool:
    return app.browser.entries.region.width > 0


def reader_shown(app: GoodnewsApp) -> bool:
    return app.browser.reader.region.width > 0


async def in_article(pilot: Pilot) -> None:
    """Home -> 头条 -> an article, with the reader focused (and shown, when narrow)."""
    app = app_of(pilot)
    await home_ready(pilot)
    await open_index(pilot, "头条")
    await open_article(pilot, "倒春寒来袭")
    await wait_for(pilot, lambda: state(app).focus == "reader" and reader_shown(app))


async def highlight_title(pilot: Pilot, title: str) -> None:
    app = app_of(pilot)
    app.browser.entries.focus()
    app.browser.entries.highlighted = titles(app).index(title)
    await pilot.pause()


@SIZES
@OPEN_KEYS
async def test_l_and_right_open_the_highlighted_entry(size: tuple[int, int], key: str) -> None:
    app = sample_app()
    async with app.run_test(size=size) as pilot:
        await home_ready(pilot)
        await highlight_title(pilot, "头条")
        await pilot.press(key)
        await wait_for(pilot, lambda: state(app).place.kind == "index" and not state(app).loading)
        assert state(app).place.title == "头条"
        article = next(i for i, t in enumerate(titles(app)) if t.startswith("倒春寒来袭"))
        app.browser.entries.highlighted = article
        await pilot.press(key)
        ref = state(app).rows[article].ref
        await wait_for(
            pilot, lambda: state(app).reader == ref and state(app).reader_page is not None
        )
        await wait_for(pilot, lambda: state(app).focus == "reader")
        assert reader_shown(app)
        assert list_shown(app) is (size == WIDE)  # narrow: one pane at a time


@SIZES
@OPEN_KEYS
async def test_l_and_right_in_the_reader_follow_the_selected_link(
    size: tuple[int, int], key: str
) -> None:
    app = sample_app()
    async with app.run_test(size=size) as pilot:
        await in_article(pilot)
        before = state(app).reader
        await pilot.press(key)  # no link selected: says how to select one, goes nowhere
        await pilot.pause()
        assert state(app).reader == before and app.is_running
        await pilot.press("n")
        await pilot.pause()
        assert app.browser.reader.selected_link is not None
        await pilot.press(key)
        await wait_for(
            pilot,
            lambda: state(app).place.kind == "related" or state(app).reader != before,
        )


@SIZES
@UP_KEYS
async def test_up_goes_from_the_reader_to_the_list(size: tuple[int, int], key: str) -> None:
    app = sample_app()
    async with app.run_test(size=size) as pilot:
        await in_article(pilot)
        shown = state(app).reader
        await pilot.press(key)
        await wait_for(pilot, lambda: state(app).focus == "list")
        assert list_shown(app)
        assert reader_shown(app) is (size == WIDE)
        # Still the same list, with the article beside it (or behind Tab when narrow).
        assert state(app).place.title == "头条" and state(app).reader == shown
        await pilot.press("tab")
        await wait_for(pilot, lambda: state(app).focus == "reader" and reader_shown(app))


@SIZES
@UP_KEYS
async def test_up_goes_from_a_list_to_the_place_before(size: tuple[int, int], key: str) -> None:
    app = sample_app()
    async with app.run_test(size=size) as pilot:
        await in_article(pilot)
        await pilot.press(key)  # reader -> list
        await wait_for(pilot, lambda: state(app).focus == "list")
        await pilot.press(key)  # the index -> home, past the visit with the article
        await wait_for(pilot, lambda: state(app).place.kind == "home" and bool(state(app).rows))
        assert state(app).focus == "list" and list_shown(app)
        # At home there is nowhere further up: it stays.
        await pilot.press(key)
        await pilot.pause()
        assert state(app).place.kind == "home" and app.is_running
        # Forward brings back the list that was left.
        await pilot.press("alt+right")
        await wait_for(pilot, lambda: state(app).place.kind == "index")
        assert state(app).place.title == "头条"


@SIZES
async def test_escape_first_clears_a_selected_link_then_goes_up(size: tuple[int, int]) -> None:
    app = sample_app()
    async with app.run_test(size=size) as pilot:
        await in_article(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert app.browser.reader.selected_link is not None
        await pilot.press("escape")
        await pilot.pause()
        assert app.browser.reader.selected_link is None and state(app).focus == "reader"
        await pilot.press("escape")
        await wait_for(pilot, lambda: state(app).focus == "list")


@SIZES
async def test_escape_clears_a_kept_filter_before_going_up(size: tuple[int, int]) -> None:
    app = sample_app()
    async with app.run_test(size=size) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        everything = len(state(app).rows)
        await pilot.press("slash", *"倒春", "left")  # Left while typing moves nowhere
        await pilot.pause()
        assert app.browser.entries.editing and state(app).filter == "倒春"
        assert state(app).place.kind == "index"
        await pilot.press("enter")  # keep the filter
        await pilot.pause()
        assert state(app).filter == "倒春" and len(state(app).rows) < everything
        await pilot.press("h")
        await pilot.pause()
        assert state(app).filter == "" and len(state(app).rows) == everything
        assert state(app).place.kind == "index"
        await pilot.press("escape")
        await wait_for(pilot, lambda: state(app).place.kind == "home")


async def test_q_in_a_narrow_reader_returns_to_the_list() -> None:
    app = sample_app()
    async with app.run_test(size=NARROW) as pilot:
        await in_article(pilot)
        keys = str(app.browser.keybar.render())
        assert "q List" in keys and "Quit" not in keys  # the bar says what q does here
        await pilot.press("q")
        await wait_for(pilot, lambda: state(app).focus == "list" and list_shown(app))
        assert app.is_running and not reader_shown(app)
        assert "q Quit" in str(app.browser.keybar.render())
        await pilot.press("q")  # from the list, the main screen: quit
        await wait_for(pilot, lambda: not app.is_running)


@pytest.mark.parametrize("focus", ["list", "reader"])
async def test_q_quits_from_the_main_screen_when_wide(focus: str) -> None:
    app = sample_app()
    async with app.run_test(size=WIDE) as pilot:
        await in_article(pilot)
        if focus == "list":
            await pilot.press("tab")
            await wait_for(pilot, lambda: state(app).focus == "list")
        assert "q Quit" in str(app.browser.keybar.render())
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running)


@SIZES
@pytest.mark.parametrize("dialog", ["help", "tags"])
async def test_q_and_escape_close_dialogs(size: tuple[int, int], dialog: str) -> None:
    from tui.screens.browser import BrowserScreen

    app = sample_app()
    async with app.run_test(size=size) as pilot:
        await in_article(pilot)
        for key in ("q", "escape"):
            await pilot.press("question_mark" if dialog == "help" else "t")
            await wait_for(pilot, lambda: not isinstance(app.screen, BrowserScreen))
            await pilot.press(key)
            await wait_for(pilot, lambda: isinstance(app.screen, BrowserScreen))
            assert app.is_running and state(app).reader_page is not None


@SIZES
@pytest.mark.parametrize("where", ["reader", "help", "tags"])
async def test_shift_q_quits_from_anywhere(size: tuple[int, int], where: str) -> None:
    from tui.screens.browser import BrowserScreen

    app = sample_app()
    async with app.run_test(size=size) as pilot:
        await in_article(pilot)
        if where != "reader":
            await pilot.press("question_mark" if where == "help" else "t")
            await wait_for(pilot, lambda: not isinstance(app.screen, BrowserScreen))
        await pilot.press("Q")
        await wait_for(pilot, lambda: not app.is_running)


async def test_q_while_typing_a_filter_is_text() -> None:
    app = sample_app()
    async with app.run_test(size=NARROW) as pilot:
        await home_ready(pilot)
        await pilot.press("slash", "q", "Q")
        await pilot.pause()
        assert app.is_running and state(app).filter == "qQ"
