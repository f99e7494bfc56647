"""Lists that use the width: the list pane's share of the terminal, date and source columns,
each page of an index once, and a separator between the panes that shows in every theme."""

from __future__ import annotations

import pytest
from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from tests.ui.helpers import (
    home_ready,
    open_index,
    open_tagged_article,
    prefetch_done,
    sample_app,
    state,
    wait_for,
)
from tui.app import GoodnewsApp
from tui.core.library import Known
from tui.core.models import Index
from tui.core.text import cell_width
from tui.core.urls import PageRef
from tui.nav.places import related_rows
from tui.widgets.entries import DATE_CELLS, MIN_TITLE, SOURCE_CELLS, EntryList

HOME = PageRef("goodnews-sample", "goodnews", "master", "README.md")


def drawn(entries: EntryList, y: int) -> str:
    return "".join(seg.text for seg in entries.render_line(y)._segments)


def row_lines(entries: EntryList) -> list[tuple[int, str]]:
    """(row, drawn text) of the rows on screen."""
    first = int(entries.scroll_y)
    count = min(len(entries.items) - first, entries.scrollable_content_region.height - 1)
    return [(first + i, drawn(entries, 1 + i)) for i in range(count)]


async def related_list(pilot: Pilot) -> None:
    """A tag's related list, learned by prefetching the sample's 头条 index."""
    app = pilot.app
    assert isinstance(app, GoodnewsApp)
    await open_tagged_article(pilot)
    await pilot.press("t")
    await pilot.pause()
    await pilot.press("enter")
    await wait_for(pilot, lambda: state(app).place.kind == "related" and bool(state(app).rows))
    app.browser.entries.focus()
    await pilot.pause()


@pytest.mark.parametrize("width", [80, 120, 220])
async def test_related_rows_show_date_and_source_columns_as_room_allows(width: int) -> None:
    app = sample_app(prefetch=True)
    async with app.run_test(size=(width, 40)) as pilot:
        await related_list(pilot)
        entries = app.browser.entries
        pane = entries.scrollable_content_region.width
        lines = row_lines(entries)
        assert lines
        ends = set()
        for row, text in lines:
            item = entries.items[row]
            assert item.date is not None and item.source is not None  # the library knows
            assert cell_width(text) == pane
            body = text.rstrip()
            assert body.endswith(item.date)  # the date column, right-aligned
            ends.add(cell_width(body))
            before_date = body[: -len(item.date)].rstrip()
            # Both columns (two gaps, the source, the date, a margin) when the title keeps
            # its minimum beside them; else the date alone.
            both = pane - 2 - (2 + SOURCE_CELLS + 2 + DATE_CELLS + 1) >= MIN_TITLE
            assert before_date.endswith(item.source) is both, (width, text)
            # The title keeps its room: at least MIN_TITLE cells, cut with an ellipsis if long.
            title_cells = cell_width(before_date) - (cell_width(item.source) if both else 0)
            assert title_cells >= MIN_TITLE
        assert len(ends) == 1  # the columns line up


async def test_the_list_pane_grows_with_the_terminal_between_a_minimum_and_a_maximum() -> None:
    widths = {}
    for columns in (100, 120, 160, 220, 300):
        app = sample_app()
        async with app.run_test(size=(columns, 30)) as pilot:
            await home_ready(pilot)
            widths[columns] = app.browser.entries.region.width
    app = sample_app()  # the stated bounds, as the CSS gives them
    async with app.run_test(size=(120, 30)) as pilot:
        await home_ready(pilot)
        styles = app.browser.entries.styles
        low, high = styles.min_width, styles.max_width
        assert low is not None and high is not None
        minimum, maximum = int(low.value), int(high.value)
    assert widths[100] >= minimum
    assert widths[100] < widths[120] < widths[160] < widths[220]  # a share of the width
    assert widths[220] > 64  # the old cap, which cut titles at 220 columns
    assert widths[300] == maximum  # and no wider than the maximum


async def test_an_index_lists_each_page_once() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "大陆新闻")
        page = app.browser.list_page
        assert isinstance(page, Index)
        targets = [e.target for e in page.entries]
        assert len(set(targets)) < len(targets)  # the sample's index repeats one article
        rows = state(app).rows
        assert [r.ref.path if r.ref else r.url for r in rows] == list(dict.fromkeys(targets))
        assert f"{len(rows)} entries" in drawn(app.browser.entries, 0)


class RowsApp(App[None]):
    def __init__(self, known: list[Known]) -> None:
        super().__init__()
        self.rows = related_rows(known)

    def compose(self) -> ComposeResult:
        yield EntryList(id="list")

    def on_mount(self) -> None:
        self.query_one(EntryList).show_items(self.rows)


async def test_related_rows_of_the_same_title_can_be_told_apart() -> None:
    from datetime import date

    title = "云溪大桥完成检修 3月10日起恢复双向通行"
    known = [
        Known(HOME.with_path("pages/nsc413/1.md"), title, date(2024, 3, 8), source="大纪元"),
        Known(HOME.with_path("pages/p1/2.md"), title, date(2024, 3, 9), source="看中国"),
    ]
    app = RowsApp(known)
    async with app.run_test(size=(80, 6)):
        entries = app.query_one(EntryList)
        first, second = drawn(entries, 1), drawn(entries, 2)
        assert first != second
        assert "大纪元" in first and "2024-03-08" in first
        assert "看中国" in second and "2024-03-09" in second


def cell_style(app: GoodnewsApp, x: int, y: int) -> tuple[str, Style]:
    """What the terminal is sent for the cell at ``(x, y)``: its character and style."""
    strip = app.screen._compositor.render_strips()[y]
    cells = 0
    for segment in strip:
        assert isinstance(segment, Segment)
        width = cell_width(segment.text)
        if cells <= x < cells + width:
            return segment.text[x - cells : x - cells + 1], segment.style or Style()
        cells += width
    raise AssertionError(f"no cell at {x}")


@pytest.mark.parametrize("theme", ["ansi-dark", "ansi-light", "textual-dark", "textual-light"])
async def test_the_pane_separator_shows_in_every_theme(theme: str) -> None:
    app = sample_app()
    app.theme = theme
    async with app.run_test(size=(120, 30)) as pilot:
        await home_ready(pilot)
        region = app.browser.entries.region
        char, style = cell_style(app, region.right - 1, region.y + region.height - 2)
        assert char.strip(), "no separator drawn"
        color, background = style.color, style.bgcolor
        assert color is not None and not color.is_default
        if theme.startswith("ansi"):
            # The terminal's own colours: black vanishes on a dark terminal, white on a light.
            vanishing = {0} if theme == "ansi-dark" else {7, 15}
            assert color.number is not None and color.number not in vanishing
        else:
            assert background is not None
            fg, bg = color.get_truecolor(), background.get_truecolor()
            contrast = sum(abs(a - b) for a, b in zip(fg, bg, strict=True))
            assert contrast >= 90, (fg, bg)


async def test_index_rows_show_what_the_library_knows_of_their_articles() -> None:
    """An index page gives titles only: once the library knows an article (here: prefetch
    parsed it), its row shows its date and source like a related row."""
    app = sample_app(prefetch=True)
    async with app.run_test(size=(220, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        await wait_for(pilot, lambda: prefetch_done(app))
        app.browser.entries.refresh_marks()
        await pilot.pause()
        entries = app.browser.entries
        known = app.library.dates_and_sources(
            [r.ref.key for r in entries.items if r.ref is not None]
        )
        assert any(date and source for date, source in known.values())
        shown = 0
        for row, text in row_lines(entries):
            item = entries.items[row]
            assert item.date is None and item.source is None  # the index row itself says none
            date, source = known.get(item.ref.key, (None, None)) if item.ref else (None, None)
            if date and source:
                body = text.rstrip()
                assert body.endswith(date) and body[: -len(date)].rstrip().endswith(source)
                shown += 1
        assert shown


async def test_an_opened_articles_row_says_its_date_once_it_is_recorded() -> None:
    """The reader shows an article before the library records it; its row in the index
    then shows the date and source the library learnt, without another key."""
    app = sample_app(prefetch=False)
    async with app.run_test(size=(220, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        entries = app.browser.entries
        row = next(i for i, r in enumerate(entries.items) if r.title.startswith("倒春寒来袭"))
        entries.highlighted = row
        await pilot.press("enter")
        ref = entries.items[row].ref
        assert ref is not None
        await wait_for(pilot, lambda: app.browser.reader_ref == ref)

        def row_text() -> str:
            return dict(row_lines(entries))[row].rstrip()

        await wait_for(pilot, lambda: app.library.dates_and_sources([ref.key]) != {})
        ((date, source),) = app.library.dates_and_sources([ref.key]).values()
        await wait_for(pilot, lambda: row_text().endswith(date))
        assert row_text()[: -len(date)].rstrip().endswith(source)
