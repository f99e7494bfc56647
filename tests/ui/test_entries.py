"""The list widget on its own: cursor moves, scrolling, clicks, cut titles, literal text."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.app import App, ComposeResult
from textual.strip import Strip

from tui.core.text import cell_width
from tui.core.urls import PageRef
from tui.nav.places import Row, RowKind
from tui.resources import styles_dir
from tui.widgets.entries import EntryList, Marks

HOME = PageRef("o", "r", "master", "README.md")


def article(n: int, title: str | None = None, note: str | None = None) -> Row:
    return Row(
        RowKind.ARTICLE, title or f"第{n}条新闻", HOME.with_path(f"pages/x/{n}.md"), note=note
    )


class ListApp(App[None]):
    CSS_PATH = [styles_dir() / "app.tcss"]  # the list's row styles live there

    def __init__(self, items: list[Row]) -> None:
        super().__init__()
        self.items = items
        self.selected: list[int] = []
        self.queries: list[str] = []

    def compose(self) -> ComposeResult:
        yield EntryList(id="list")  # not #entries: the app's pane sizes do not apply

    def on_mount(self) -> None:
        self.query_one(EntryList).show_items(self.items)

    def on_entry_list_selected(self, event: EntryList.Selected) -> None:
        self.selected.append(event.index)

    def on_entry_list_filter_changed(self, event: EntryList.FilterChanged) -> None:
        self.queries.append(event.query)


def line_text(entries: EntryList, y: int) -> str:
    """Line ``y`` of the widget as drawn (line 0 is the title line)."""
    return "".join(segment.text for segment in entries.render_line(y))


def style_of(strip: Strip, text: str) -> Style | None:
    """The style of the segment that draws ``text`` (neighbours of one style are joined)."""
    return next(segment.style for segment in strip if text in segment.text)


def row_text(entries: EntryList, row: int) -> str:
    """The line on which entry ``row`` is drawn, given the scroll."""
    return line_text(entries, row - int(entries.scroll_y) + 1)


async def test_cursor_skips_sections_both_ways() -> None:
    items = [
        Row(RowKind.SECTION, "甲"),
        article(1),
        Row(RowKind.SECTION, "乙"),
        article(2),
        article(3),
    ]
    app = ListApp(items)
    async with app.run_test(size=(40, 10)) as pilot:
        entries = app.query_one(EntryList)
        assert entries.highlighted == 1  # the first openable row, not the heading
        await pilot.press("j")
        assert entries.highlighted == 3
        await pilot.press("down", "down", "down")
        assert entries.highlighted == 4  # stays on the last row
        await pilot.press("k", "up")
        assert entries.highlighted == 1
        await pilot.press("end")
        assert entries.highlighted == 4
        await pilot.press("home")
        assert entries.highlighted == 1 and entries.scroll_y == 0
        await pilot.press("enter")
        await pilot.pause()
        assert app.selected == [1]


async def test_the_cursor_stays_on_screen_and_pages_move_it() -> None:
    items = [article(n) for n in range(200)]
    app = ListApp(items)
    async with app.run_test(size=(40, 10)) as pilot:
        entries = app.query_one(EntryList)
        rows = entries.scrollable_content_region.height - 1  # under the title line
        await pilot.press("pagedown")
        assert entries.highlighted == rows - 1
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        row = entries.highlighted
        assert row is not None and entries.scroll_y <= row < entries.scroll_y + rows
        assert f"第{row}条新闻" in row_text(entries, row)
        await pilot.press("end")
        await pilot.pause()
        assert entries.highlighted == 199 and entries.scroll_y == entries.max_scroll_y
        assert "第199条新闻" in line_text(entries, rows)  # the last row is on screen
        await pilot.press("pageup")
        assert entries.highlighted == 199 - (rows - 1)


async def test_a_click_opens_the_row_under_the_pointer_and_headings_do_nothing() -> None:
    items = [Row(RowKind.SECTION, "甲"), article(1), article(2)]
    app = ListApp(items)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.click("#list", offset=(3, 3))  # line 0 is the title
        await pilot.pause()
        assert app.selected == [2]
        assert app.query_one(EntryList).highlighted == 2
        await pilot.click("#list", offset=(3, 1))  # the heading
        await pilot.click("#list", offset=(3, 0))  # the title
        await pilot.pause()
        assert app.selected == [2]


async def test_long_titles_are_cut_to_the_width_with_an_ellipsis() -> None:
    title = "云溪大桥完成检修" * 10  # far wider than the list, all double-width
    items = [article(1, title, note="2024-03-10"), article(2, "短")]
    app = ListApp(items)
    async with app.run_test(size=(41, 10)):
        entries = app.query_one(EntryList)
        width = entries.scrollable_content_region.width
        first, second = row_text(entries, 0), row_text(entries, 1)
        assert cell_width(first) == width and cell_width(second) == width
        assert first.rstrip().endswith("…") and first.startswith("  云溪大桥")
        assert second.rstrip() == "  短"


async def test_the_title_line_stays_while_rows_scroll() -> None:
    app = ListApp([article(n) for n in range(50)])
    async with app.run_test(size=(40, 10)) as pilot:
        entries = app.query_one(EntryList)
        entries.set_title("头条", "50 entries")
        await pilot.press("end")
        await pilot.pause()
        assert entries.scroll_y > 0
        assert line_text(entries, 0).strip() == "头条  50 entries"


async def test_titles_are_shown_literally_and_cannot_drive_the_terminal() -> None:
    markup = "[bold red]x[/] [@click=app.quit]q[/]"
    hostile = f"{markup} \x1b]0;PWNED\x07\x1b[31m\u202e\n\t"
    app = ListApp([article(1, hostile, note="\x9b2J")])
    async with app.run_test(size=(90, 5)):
        entries = app.query_one(EntryList)
        entries.set_title(hostile, "\x1b[2J1 entries")
        entries.set_message(f"failed: {hostile}")
        drawn = [line_text(entries, y) for y in range(5)]
        assert f"  {markup} ]0;PWNED[31m" in drawn[1]  # markup literal, controls gone
        assert drawn[0].startswith(f" {markup} ]0;PWNED[31m")
        for line in drawn:
            assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in line), repr(line)
            assert "\u202e" not in line
        assert app.is_running


async def test_marks_show_cached_read_and_external_rows() -> None:
    items = [article(1), article(2), Row(RowKind.EXTERNAL, "外站", None, "https://example.org/")]
    app = ListApp(items)
    async with app.run_test(size=(60, 5)) as pilot:
        entries = app.query_one(EntryList)
        assert row_text(entries, 0).startswith("  第1条")
        asked: list[str] = []

        def marks(rows: Sequence[Row]) -> dict[str, Marks]:
            asked.extend(row.title for row in rows)
            return {
                row.ref.key: Marks(read=row is items[1], cached=row is items[0])
                for row in rows
                if row.ref is not None
            }

        entries.marks = marks
        entries.refresh_marks()
        await pilot.pause()
        assert row_text(entries, 0).startswith("● 第1条")
        assert row_text(entries, 2).startswith("↗ 外站") and "(external)" in row_text(entries, 2)
        read_style = style_of(entries.render_line(2), "第2条")
        plain_style = style_of(entries.render_line(1), "第1条")
        assert read_style != plain_style  # read rows are dimmed
        assert "外站" not in asked  # external rows have no page to mark


async def test_marks_are_asked_only_for_rows_on_screen() -> None:
    items = [article(n) for n in range(5000)]
    app = ListApp(items)
    async with app.run_test(size=(60, 12)) as pilot:
        entries = app.query_one(EntryList)
        asked: list[str] = []
        batches: list[int] = []

        def marks(rows: Sequence[Row]) -> dict[str, Marks]:
            asked.extend(row.title for row in rows)
            batches.append(len(rows))
            return {}

        entries.marks = marks
        entries.refresh_marks()
        await pilot.pause()
        assert 0 < len(asked) <= 2 * 12  # a screenful, not 5,000 rows
        assert len(batches) <= 2  # asked in one batch per frame, not row by row
        asked.clear()
        await pilot.press("end")
        await pilot.pause()
        assert 0 < len(asked) <= 2 * 12
        assert items[-1].title in asked


async def test_the_filter_line_takes_typed_text_and_announces_it() -> None:
    app = ListApp([article(n) for n in range(5)])
    queries = app.queries
    async with app.run_test(size=(60, 10)) as pilot:
        entries = app.query_one(EntryList)
        entries.start_filter()
        await pilot.press("q", "j", "x", "backspace")  # text, not commands
        await pilot.press(*"第3")
        await pilot.pause()
        assert entries.filter_query == "qj第3"
        assert queries[-1] == "qj第3" and "qjx" in queries
        assert line_text(entries, 0).startswith(" / qj第3▏")
        await pilot.press("ctrl+u")
        await pilot.pause()
        assert entries.filter_query == "" and queries[-1] == ""
        entries.post_message(events.Paste("新闻\n\x1b[31m第2"))  # one line, no escapes
        await pilot.pause()
        assert entries.filter_query == "新闻 [31m第2"
        await pilot.press("enter")  # keeps the filter, stops typing
        assert not entries.editing and entries.filter_query
        assert "▏" not in line_text(entries, 0)
        await pilot.press("j")  # a command again
        assert entries.filter_query == "新闻 [31m第2"
        entries.start_filter()
        await pilot.press("escape")
        await pilot.pause()
        assert entries.filter_query == "" and not entries.editing


async def test_a_message_is_drawn_under_the_rows_and_wrapped() -> None:
    app = ListApp([])
    async with app.run_test(size=(30, 10)) as pilot:
        entries = app.query_one(EntryList)
        entries.set_message("没有其他文章带有这个标签。打开索引时会学到更多文章。")
        await pilot.pause()
        lines = [line_text(entries, y) for y in range(1, 6)]
        assert lines[0].strip() == ""
        assert lines[1].startswith("  没有其他文章")
        assert all(cell_width(line) == entries.scrollable_content_region.width for line in lines)
        text = "".join(line.strip() for line in lines)
        assert text == "没有其他文章带有这个标签。打开索引时会学到更多文章。"
        entries.set_message("")
        await pilot.pause()
        assert all(line_text(entries, y).strip() == "" for y in range(1, 6))


async def test_a_longer_list_brings_no_sideways_scrollbar() -> None:
    app = ListApp([article(1)])
    async with app.run_test(size=(40, 8)) as pilot:
        entries = app.query_one(EntryList)
        entries.show_items([article(n) for n in range(100)])  # now the vertical bar shows
        await pilot.pause()
        assert entries.max_scroll_x == 0 and not entries.show_horizontal_scrollbar
        assert entries.scrollable_content_region.height == 8  # no row lost to a bar


async def test_setting_the_filter_ends_typing_and_the_key_hints_with_it() -> None:
    app = ListApp([article(n) for n in range(5)])
    async with app.run_test(size=(40, 8)):
        entries = app.query_one(EntryList)
        entries.start_filter()
        assert entries.key_hints() is not None
        entries.set_filter("第")  # e.g. going back to a place restores its filter
        assert not entries.editing and entries.key_hints() is None


async def test_the_hover_follows_the_pointer_not_the_row_when_scrolling() -> None:
    app = ListApp([article(n) for n in range(100)])
    async with app.run_test(size=(40, 10)) as pilot:
        entries = app.query_one(EntryList)
        await pilot.hover("#list", offset=(3, 4))
        await pilot.pause()
        hovered = entries.render_line(4)._segments[0].style.bgcolor
        assert hovered != entries.render_line(5)._segments[0].style.bgcolor
        entries.scroll_to(y=10, animate=False, immediate=True)
        await pilot.pause()
        assert "第13条" in line_text(entries, 4)  # row 13 is now under the pointer
        assert entries.render_line(4)._segments[0].style.bgcolor == hovered
        assert entries.render_line(6)._segments[0].style.bgcolor != hovered


STYLES = [Style(), Style(bold=True), Style(color="red"), Style(bold=True)]
PART = st.tuples(
    st.text(alphabet=st.sampled_from("ab 中文…·\u00b7é"), max_size=8), st.sampled_from(STYLES)
)


def strip_fit(parts: Sequence[tuple[str, Style]], width: int, base: Style) -> Strip:
    """The row fitting as it was written with strips (the reference ``fitted`` must match)."""
    strip = Strip([Segment(text, style) for text, style in parts])
    if strip.cell_length > width:
        strip = strip.crop(0, max(0, width - cell_width("…")))
        strip = Strip([*strip, Segment("…", base)])
    return strip.adjust_cell_length(width, base).simplify()


@settings(max_examples=400, deadline=None)
@given(parts=st.lists(PART, max_size=5), width=st.integers(0, 30), wide=st.booleans())
def test_fitting_a_row_draws_what_the_strips_drew(
    parts: list[tuple[str, Style]], width: int, wide: bool
) -> None:
    from tui.core.text import ambiguous_width, set_ambiguous_width
    from tui.widgets.entries import fitted

    before = ambiguous_width()
    set_ambiguous_width(2 if wide else 1)  # the ellipsis's room, in either setting
    try:
        base = Style(italic=True)
        got = Strip(fitted(parts, width, base))
        want = strip_fit(parts, width, base)
    finally:
        set_ambiguous_width(before)
    assert got.cell_length == want.cell_length == width
    assert [(s.text, s.style) for s in got] == drawn(want)


def drawn(strip: Strip) -> list[tuple[str, Style | None]]:
    """What a strip draws: runs of one style (an empty segment between two is nothing)."""
    runs: list[tuple[str, Style | None]] = []
    for segment in strip:
        if not segment.text:
            continue
        if runs and runs[-1][1] == segment.style:
            runs[-1] = (runs[-1][0] + segment.text, segment.style)
        else:
            runs.append((segment.text, segment.style))
    return runs
