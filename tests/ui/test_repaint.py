"""What a key repaints (issue 14): over a slow SSH link every repainted row is bytes.

The real browser runs under Pilot over the bundled sample; the compositor's dirty regions,
the screen area Textual will write on its next frame, are recorded as each frame is
rendered. A list cursor move must dirty the two rows whose highlight changed and nothing
else; the header and the key bar stay out of it; a reader scroll stays in the reader.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual._compositor import Compositor
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget

from tests.ui.helpers import home_ready, open_article, open_index, sample_app, wait_for
from tui.core.models import Article
from tui.widgets.scrollbar import LineScrollBar


async def index_ready(pilot: Pilot) -> None:
    """The sample's 头条 index, opened from the home list."""
    await home_ready(pilot)
    await open_index(pilot, "头条")


@pytest.fixture
def frames(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[list[Region]]]:
    """The dirty regions of each frame rendered while the test runs."""
    seen: list[list[Region]] = []
    render = Compositor.render_update

    def recording(self: Compositor, *args: object, **kwargs: object) -> object:
        seen.append(sorted(self._dirty_regions))
        return render(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Compositor, "render_update", recording)
    yield seen


def rows_of(regions: list[list[Region]]) -> set[int]:
    return {y for frame in regions for region in frame for y in region.line_range}


async def test_a_list_cursor_move_repaints_the_two_rows_that_changed(
    frames: list[list[Region]],
) -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await index_ready(pilot)
        entries = app.browser.entries
        await pilot.pause()
        before = entries.highlighted
        assert before is not None
        frames.clear()
        await pilot.press("j")
        await pilot.pause()
        after = entries.highlighted
        assert after is not None and after != before
        dirty = [region for frame in frames for region in frame]
        assert dirty, "the move drew nothing"
        top = entries.region.y + 1 - int(entries.scroll_y)  # screen line of row 0
        assert rows_of(frames) == {top + before, top + after}
        # Within the list pane: the reader, the header and the key bar are not touched.
        for region in dirty:
            assert entries.region.contains_region(region), region
        frames.clear()
        await pilot.press("k")
        await pilot.pause()
        assert entries.highlighted == before
        assert rows_of(frames) == {top + before, top + after}


async def test_leaving_the_list_repaints_its_title_and_cursor_rows_only(
    frames: list[list[Region]],
) -> None:
    """Tab to the reader (as Enter on an article does): in the list pane only the title
    line (lit with the focus) and the cursor row (now blurred) look different, so only
    they are sent. (Textual's restyle on a focus move redraws the scrollbar's column; and
    ``Widget.focus()`` redraws the pane it focuses, so the way back is a whole pane.)"""
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await index_ready(pilot)
        entries = app.browser.entries
        assert entries.has_focus
        await pilot.pause()
        row = entries.highlighted
        assert row is not None
        title = entries.region.y
        cursor = title + 1 + row - int(entries.scroll_y)
        frames.clear()
        await pilot.press("tab")
        await wait_for(pilot, lambda: app.browser.reader.has_focus)
        await pilot.pause()
        bar = entries.vertical_scrollbar.region
        in_list = [
            region.intersection(entries.region)
            for frame in frames
            for region in frame
            if region.overlaps(entries.region) and not bar.contains_region(region)
        ]
        assert in_list, "the focus move drew nothing in the list"
        assert {y for region in in_list for y in region.line_range} == {title, cursor}


async def test_a_reader_scroll_repaints_the_reader_only(frames: list[list[Region]]) -> None:
    app = sample_app()
    async with app.run_test(size=(120, 16)) as pilot:  # short: the article scrolls
        await index_ready(pilot)
        await open_article(pilot, "倒春寒来袭")  # into the reader, which takes the focus
        reader = app.browser.reader
        await wait_for(pilot, lambda: reader.has_focus)
        await pilot.pause()
        assert reader.has_focus and reader.max_scroll_y > 0
        frames.clear()
        await pilot.press("j")
        await pilot.pause()
        assert reader.scroll_y == 1
        dirty = [region for frame in frames for region in frame]
        assert dirty
        header, keys = app.browser.crumbs.region, app.browser.keybar.region
        for region in dirty:
            assert not region.overlaps(header) and not region.overlaps(keys), region
            assert reader.region.contains_region(region), region


async def test_a_focus_move_rebuilds_only_the_cursor_row_and_a_theme_switch_all() -> None:
    """Textual restyles both panes on every focus move; only the cursor row and the title
    line look different, so only the cursor row's strip is built again. A theme switch
    changes every role: then every row is drawn anew, in the new colours."""
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await index_ready(pilot)
        entries = app.browser.entries
        await pilot.pause()
        kept = {key: entries._strips.get(key) for key in list(entries._strips.keys())}
        cursor = [key for key in kept if key[1]]
        others = [key for key in kept if not key[1]]
        assert len(cursor) == 1 and len(others) >= 4
        built: list[object] = []
        original = entries._build

        def counting(*args: object, **kwargs: object) -> object:
            built.append(args[0])
            return original(*args, **kwargs)  # type: ignore[arg-type]

        entries._build = counting  # type: ignore[method-assign]
        await pilot.press("tab")  # to the reader
        await wait_for(pilot, lambda: not entries.has_focus)
        await pilot.pause()
        assert len(built) == 1  # the cursor row, now drawn as blurred
        assert all(entries._strips.get(key) is kept[key] for key in others)
        first_row = others[0]
        old_style = kept[first_row]._segments[-1].style
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        await pilot.pause()
        assert len(built) > len(others) // 2
        fresh = entries._strips.get(first_row)
        assert fresh is not None and fresh is not kept[first_row]
        assert fresh._segments[-1].style != old_style


def focus_rules(rules: list, panes: tuple) -> list[str]:  # type: ignore[type-arg]
    """The rules with a ``:focus``/``:focus-within`` selector that matches one of ``panes``."""
    from textual.css.model import SelectorType

    found = []
    for rule in rules:
        for selector_set in rule.selector_set:
            for selector in selector_set.selectors:
                if not selector.pseudo_classes & {"focus", "focus-within"}:
                    continue
                for pane in panes:
                    names = {cls.__name__ for cls in type(pane).__mro__}
                    if {
                        SelectorType.UNIVERSAL: True,
                        SelectorType.TYPE: selector.name in names,
                        SelectorType.CLASS: selector.name in pane.classes,
                        SelectorType.ID: selector.name == pane.id,
                    }.get(selector.type, False):
                        found.append(rule.css.splitlines()[0])
    return found


async def test_no_rule_styles_the_panes_by_their_focus() -> None:
    """The panes draw their focus themselves and skip Textual's restyle on a focus move
    (``RoleStyles.watch_has_focus``): a ``:focus`` rule that matched them would then
    never apply, so there must be none, in our styles or Textual's defaults."""
    from textual.css.stylesheet import Stylesheet

    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        panes = (app.browser.entries, app.browser.reader)
        assert focus_rules(app.stylesheet.rules, panes) == []
        # The scan finds such a rule when there is one.
        planted = Stylesheet()
        planted.add_source(
            "EntryList:focus > .entries--title { color: red; }\n"
            "#reader:focus-within { color: red; }\n"
            "Input:focus { color: red; }",
            read_from=("planted.tcss", ""),
        )
        planted.parse()
        assert len(focus_rules(planted.rules, panes)) == 2
        # And the list's title line still says where the focus is.
        entries = app.browser.entries
        lit = entries.render_line(0)._segments[1].style
        app.browser.reader.focus()
        await pilot.pause()
        assert entries.render_line(0)._segments[1].style != lit


def textual_bar_lines(bar: Widget) -> list[list[object]]:
    """The bar's lines as Textual's own ScrollBar draws them (through Rich)."""
    region = Region(0, 0, bar.size.width, bar.size.height)
    return [list(strip) for strip in Widget.render_lines(bar, region)]


async def test_the_panes_scrollbars_draw_what_textuals_would_and_reuse_their_lines() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 16)) as pilot:  # short: the article scrolls
        await index_ready(pilot)
        await open_article(pilot, "倒春寒来袭")
        reader = app.browser.reader
        await wait_for(pilot, lambda: reader.has_focus)
        await pilot.pause()
        bar = reader.vertical_scrollbar
        assert isinstance(bar, LineScrollBar) and bar.display and reader.max_scroll_y > 0
        assert isinstance(app.browser.entries.vertical_scrollbar, LineScrollBar)
        whole = Region(0, 0, bar.size.width, bar.size.height)
        seen = []
        for key in ("", "j", "j", "end", "home"):
            if key:
                await pilot.press(key)
                await pilot.pause()
            lines = [list(strip) for strip in bar.render_lines(whole)]
            assert lines == textual_bar_lines(bar)  # the same glyphs, colours and mouse actions
            seen.append(lines)
        assert seen[0] != seen[3]  # the thumb moved
        assert any("@mouse.down" in (seg.style.meta or {}) for line in seen[0] for seg in line)
        assert bar.render_lines(whole)[0] is bar.render_lines(whole)[0]  # kept while it stays
        part = bar.render_lines(Region(0, 2, 1, 3))
        assert [list(s) for s in part] == seen[-1][2:5]
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        await pilot.pause()
        assert [list(s) for s in bar.render_lines(whole)] == textual_bar_lines(bar) != seen[-1]


async def test_a_long_article_shows_its_beginning_then_lays_out_the_rest() -> None:
    """The sample's 2,000-paragraph article: the first frame needs its first blocks only;
    the whole is laid out just after, without a key, and ends where the page ends."""
    from tui.core.layout import layout_article
    from tui.core.mirror import SAMPLE_HOME
    from tui.screens.browser import FIRST_BLOCKS

    app = sample_app(prefetch=False)
    long_ref = SAMPLE_HOME.with_path("pages/nsc422/n14200030.md")
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        reader = app.browser.reader
        seen: list[tuple[int, bool]] = []
        real = reader._complete

        async def completing(composer: object) -> None:
            seen.append((reader.line_count, reader.complete))  # as first painted
            await real(composer)  # type: ignore[arg-type]

        reader._complete = completing  # type: ignore[method-assign]
        app.browser.open_page(long_ref)
        await wait_for(pilot, lambda: reader.complete and reader.line_count > 0)
        page = app.browser.state.reader_page
        assert isinstance(page, Article) and len(page.blocks) > 10 * FIRST_BLOCKS
        whole = layout_article(page, reader.layout_width, app.browser.reader_loaded.notes)
        assert reader.line_count == len(whole.lines)
        ((first_lines, complete_then),) = seen
        assert not complete_then and 0 < first_lines < len(whole.lines) // 5
        await pilot.press("end")
        await pilot.pause()
        assert reader.scroll_y == reader.max_scroll_y > first_lines


async def test_start_up_styles_the_browser_once_and_each_resume_is_handled_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every widget is styled as it mounts: the start-up ScreenResume must not style the
    whole browser again. Textual calls the ``_on_screen_resume`` of each class in the MRO,
    so an override that also calls ``super()`` runs ``Screen``'s twice a resume."""
    from textual import events
    from textual.app import App
    from textual.screen import ModalScreen, Screen

    restyled: list[object] = []
    resumed: list[Screen[object]] = []
    update_styles = App.update_styles
    on_screen_resume = Screen._on_screen_resume

    def restyling(self: App[object], node: object, animate: bool = True) -> None:
        restyled.append(node)
        update_styles(self, node, animate)  # type: ignore[arg-type]

    def resuming(self: Screen[object], event: events.ScreenResume) -> None:
        resumed.append(self)
        on_screen_resume(self, event)

    monkeypatch.setattr(App, "update_styles", restyling)
    monkeypatch.setattr(Screen, "_on_screen_resume", resuming)
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await pilot.pause()
        browser = app.browser
        assert browser not in restyled, "the first resume restyled the whole screen"
        assert resumed.count(browser) == 1
        await app.push_screen(ModalScreen())
        await pilot.resize_terminal(80, 24)  # narrower while the dialog covers the browser
        await pilot.pause()
        app.pop_screen()
        await wait_for(pilot, lambda: app.screen is browser)
        await pilot.pause()
        assert resumed.count(browser) == 2
        assert browser.has_class("narrow")
