"""Daily reading in the browser: read marks that show, unread navigation and counts, new
since the last visit, stars and the Starred and History places. The real app over the
bundled sample, driven through Pilot; styles are read from the strips the widgets draw."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from rich.color import Color as RichColor
from rich.color import ColorSystem
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region

from tests.ui.helpers import (
    FIXED_NOW,
    MISSING_PAGE,
    highlight,
    home_ready,
    open_article,
    open_index,
    reader_shows,
    sample_app,
    state,
    wait_for,
)
from tui.app import GoodnewsApp
from tui.core.daily import visit_index
from tui.core.library import Library
from tui.core.mirror import sample_mirror
from tui.core.models import Article, Index
from tui.core.pages import PageService
from tui.core.text import cell_width, one_line
from tui.widgets.entries import Marks

THEMES = ("textual-dark", "textual-light", "ansi-dark", "ansi-light")


def drawn(widget) -> list[Segment]:
    """Every segment the widget draws on screen now (what the compositor gets)."""
    region = Region(0, 0, widget.size.width, widget.size.height)
    return [segment for strip in widget.render_lines(region) for segment in strip]


def segment_of(segments: Iterable[Segment], text: str) -> Style:
    """The style of the segment drawing ``text`` (runs of one style may be joined, a run
    may be cut where its line wraps)."""
    found = next(
        (
            s
            for s in segments
            if s.style is not None
            and len(s.text.strip()) >= 2
            and (s.text.strip() in text or text in s.text)
        ),
        None,
    )
    assert found is not None, f"{text!r} is not drawn"
    assert found.style is not None
    return found.style


def luminance(color: RichColor) -> float:
    r, g, b = color.get_truecolor()
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def assert_dimmer(muted: Style, body: Style, background: RichColor | None, what: str) -> None:
    """``muted`` reads dimmer than ``body``: nearer the background in truecolor and in 256
    colours, or the terminal's dim attribute where the theme leaves colours to it."""
    if muted.color is None or muted.color.triplet is None:
        assert muted.dim and not body.dim, (what, muted, body)
        return
    assert background is not None and body.color is not None
    for system in (ColorSystem.TRUECOLOR, ColorSystem.EIGHT_BIT):
        fg, text, bg = (c.downgrade(system) for c in (muted.color, body.color, background))
        contrast_muted = abs(luminance(fg) - luminance(bg))
        contrast_body = abs(luminance(text) - luminance(bg))
        assert contrast_muted < contrast_body * 0.85, (what, system, fg, text, bg)
        assert contrast_muted > 20, (what, system, "still readable", fg, bg)


@pytest.mark.parametrize("theme", THEMES)
async def test_read_rows_metadata_and_captions_are_drawn_dimmer_than_text(theme: str) -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = theme
        await home_ready(pilot)
        await open_index(pilot, "头条")
        read_index = await open_article(pilot, "倒春寒来袭")
        page = state(app).reader_page
        assert isinstance(page, Article)
        await pilot.pause()
        # The reader: the metadata line and a caption against a body paragraph.
        reader = app.browser.reader
        lines = reader._layout.lines  # noqa: SLF001 - which runs carry which role
        runs: dict[str, str] = {}
        for line in lines:
            for text, role, _ in line:
                if len(text.strip()) >= 4:
                    runs.setdefault(role, one_line(text).strip())
        segments = drawn(reader)
        body = segment_of(segments, runs["body"])
        bg = reader.rich_style.bgcolor
        for role in ("meta", "caption"):
            assert role in runs, role
            assert_dimmer(segment_of(segments, runs[role]), body, bg, f"{theme} {role}")
        # The list: a read row against an unread one, the focus on the list as when browsing.
        entries = app.browser.entries
        entries.focus()
        rows = state(app).rows
        unread_index = next(
            i
            for i, r in enumerate(rows)
            if r.readable and r.ref != page.ref and cell_width(r.title) < 30
        )
        entries.highlighted = next(i for i, r in enumerate(rows) if not r.readable)
        await pilot.pause()
        segments = drawn(entries)
        read = segment_of(segments, one_line(rows[read_index].title))
        unread = segment_of(segments, one_line(rows[unread_index].title))
        assert_dimmer(read, unread, entries.rich_style.bgcolor, f"{theme} read row")


def marks_of(app: GoodnewsApp, index: int) -> Marks:
    row = state(app).rows[index]
    assert row.ref is not None
    return app.browser.entries.marks([row])[row.ref.key]


def first_article(app: GoodnewsApp, start: int = 0) -> int:
    return next(i for i, r in enumerate(state(app).rows) if i >= start and r.readable)


async def test_m_toggles_read_and_u_and_U_step_over_read_articles() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        first = first_article(app)
        second = first_article(app, first + 1)
        await highlight(pilot, first)
        await pilot.press("m")
        assert marks_of(app, first).read
        await pilot.press("m")
        assert not marks_of(app, first).read
        await pilot.press("m")  # read again: u from the top skips it
        await highlight(pilot, first)
        await pilot.press("u")
        assert state(app).selection == second
        await pilot.press("U")  # back past the read one: nothing unread before it
        assert state(app).selection == second
        last = max(i for i, r in enumerate(state(app).rows) if r.readable)
        await highlight(pilot, last)
        await pilot.press("U")
        selected = state(app).selection
        assert selected is not None and selected < last
        row = state(app).rows[selected]
        assert row.readable and row.ref is not None
        assert row.ref.key not in app.browser.library.read_keys()


async def test_u_from_the_reader_opens_the_next_unread_article() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        opened = await open_article(pilot, "倒春寒来袭")
        assert app.browser.reader.has_focus
        rows = state(app).rows
        read = app.browser.library.read_keys()
        expected = next(
            r.ref
            for r in rows[opened + 1 :]
            if r.readable and r.ref is not None and r.ref.key not in read
        )
        await pilot.press("u")
        # The next unread may be the sample's missing page: the reader is on it either way.
        await wait_for(pilot, lambda: state(app).reader == expected and not state(app).loading)
        assert state(app).rows[state(app).selection or 0].ref == expected
        assert app.browser.reader.has_focus


async def test_M_asks_then_marks_the_whole_list_read_and_home_counts_follow() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        row = next(i for i, r in enumerate(state(app).rows) if r.title == "头条")
        await open_index(pilot, "头条")
        keys = {r.ref.key for r in state(app).rows if r.readable and r.ref is not None}
        await open_article(pilot, "倒春寒来袭")
        app.browser.entries.focus()
        await pilot.press("H")
        await home_ready(pilot)
        await wait_for(pilot, lambda: marks_of(app, row).unread == len(keys) - 1)
        await open_index(pilot, "头条")
        library = app.browser.library
        await pilot.press("M")
        await pilot.pause(0.2)
        assert not keys <= library.read_keys(), "one M only asks"
        await pilot.press("M")
        await wait_for(pilot, lambda: keys <= library.read_keys())
        assert all(marks_of(app, i).read for i, r in enumerate(state(app).rows) if r.readable)
        await pilot.press("H")
        await home_ready(pilot)
        await wait_for(pilot, lambda: marks_of(app, row).unread == 0)


async def test_entries_new_since_the_last_visit_are_marked() -> None:
    library = Library(None)
    mirror = sample_mirror(None)
    service = PageService(mirror, library)
    home = await service.get(mirror.home)
    category = next(c for s in home.page.sections for c in s.categories if c.title == "头条")
    index = (await service.get(category.ref)).page
    assert isinstance(index, Index)
    newest = next(e for e in index.entries if e.ref is not None)
    # A visit before this one, when the index did not list its newest entry yet.
    earlier = [e for e in index.entries if e.ref != newest.ref]
    visit_index(library, Index(index.ref, index.title, entries=earlier))
    app = GoodnewsApp(mirror, library=library, prefetch=False, clock=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        rows = state(app).rows
        at = next(i for i, r in enumerate(rows) if r.ref == newest.ref)
        await wait_for(pilot, lambda: marks_of(app, at).new)
        others = [i for i, r in enumerate(rows) if r.readable and r.ref != newest.ref]
        assert others and not any(marks_of(app, i).new for i in others)
        assert any(s.text == "+ " for s in drawn(app.browser.entries))


async def test_f_stars_the_entry_and_the_article_and_F_lists_them() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        first = first_article(app)
        entry = state(app).rows[first]
        await highlight(pilot, first)
        await pilot.press("f")
        assert marks_of(app, first).starred
        assert any(s.text == "★ " for s in drawn(app.browser.entries))
        opened = await open_article(pilot, "倒春寒来袭")
        article = state(app).rows[opened]
        assert app.browser.reader.has_focus
        await pilot.press("f")  # in the reader: the article shown
        assert marks_of(app, opened).starred
        await pilot.press("F")
        await wait_for(
            pilot, lambda: state(app).place.kind == "starred" and len(state(app).rows) == 2
        )
        assert [r.ref for r in state(app).rows] == [article.ref, entry.ref]  # newest first
        await highlight(pilot, 0)
        await pilot.press("f")  # unstar from the Starred place: it leaves the list
        await wait_for(pilot, lambda: [r.ref for r in state(app).rows] == [entry.ref])
        await pilot.press("backspace")
        await wait_for(pilot, lambda: state(app).place.kind == "index")
        assert not marks_of(app, opened).starred and marks_of(app, first).starred


async def test_history_from_the_home_row_and_R_lists_what_was_read_newest_first() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        a = await open_article(pilot, "倒春寒来袭")
        first = state(app).rows[a].ref
        b = next(
            i
            for i, r in enumerate(state(app).rows)
            if i > a and r.readable and r.ref is not None and r.ref.path != MISSING_PAGE
        )
        await highlight(pilot, b)
        await pilot.press("enter")
        second = state(app).rows[b].ref
        await wait_for(pilot, lambda: reader_shows(app, second))
        await pilot.press("H")
        await home_ready(pilot)
        row = next(i for i, r in enumerate(state(app).rows) if r.title == "History")
        await highlight(pilot, row)
        await pilot.press("enter")
        await wait_for(pilot, lambda: state(app).place.kind == "history" and bool(state(app).rows))
        assert [r.ref for r in state(app).rows] == [second, first]
        assert all(r.date for r in state(app).rows)  # when each was read, in the date column
        await pilot.press("H")
        await home_ready(pilot)
        await pilot.press("R")
        await wait_for(pilot, lambda: state(app).place.kind == "history" and bool(state(app).rows))
        await highlight(pilot, 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: reader_shows(app, first))


async def test_starred_and_history_say_how_to_fill_them_when_empty() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        row = next(i for i, r in enumerate(state(app).rows) if r.title == "Starred")
        await highlight(pilot, row)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "f stars" in app.browser.entries.message)
        await pilot.press("R")
        await wait_for(pilot, lambda: "opened in the reader" in app.browser.entries.message)
