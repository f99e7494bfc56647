"""The display script in the browser (issue 12, item 8): ``c`` cycles it, ``--script`` and the
settings file choose it, and it is remembered like the theme; links, tags and keys stay."""

from __future__ import annotations

from pathlib import Path

import opencc

from tests.ui.helpers import (
    home_ready,
    open_article,
    open_index,
    reader_lines,
    sample_app,
    state,
    titles,
    wait_for,
)
from tui.app import GoodnewsApp, make_app
from tui.core.config import Options
from tui.core.library import Library
from tui.core.mirror import sample_mirror
from tui.core.models import Article
from tui.core.script import LABELS, Script
from tui.core.settings import ValueSource
from tui.i18n import set_language

S2T = opencc.OpenCC("s2t")
S2TWP = opencc.OpenCC("s2twp")
T2S = opencc.OpenCC("t2s")
ARTICLE = "倒春寒来袭"


def shown_script(app: GoodnewsApp) -> Script:
    return app.browser.shown_script


async def test_c_cycles_the_script_of_rows_reader_and_header() -> None:
    notices: list[str] = []

    class Recording(GoodnewsApp):
        def notify(self, message: str, **kwargs: object) -> None:  # type: ignore[override]
            notices.append(message)
            super().notify(message, **kwargs)  # type: ignore[arg-type]

    app = Recording(sample_mirror(None), library=Library(None), prefetch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        original_titles = titles(app)
        original_refs = [r.ref for r in state(app).rows]
        await open_article(pilot, ARTICLE)
        page = state(app).reader_page
        assert isinstance(page, Article)
        original_lines = reader_lines(app)
        selection = state(app).selection
        expected = {
            Script.SIMPLIFIED: T2S,
            Script.TRADITIONAL: S2T,
            Script.TAIWAN: S2TWP,
        }
        for script in (Script.SIMPLIFIED, Script.TRADITIONAL, Script.TAIWAN):
            await pilot.press("c")
            await wait_for(pilot, lambda s=script: shown_script(app) is s)
            convert = expected[script].convert
            assert titles(app) == [convert(t) for t in original_titles]
            assert [r.ref for r in state(app).rows] == original_refs  # refs untouched
            lines = reader_lines(app)
            assert convert(page.title) in lines[0]
            assert state(app).selection == selection  # the list stays where it was
            assert state(app).reader_page is page  # the model itself is never changed
            assert LABELS[script] in notices[-1]
            crumbs = app.browser.crumbs
            assert convert(page.title) in str(crumbs.path)
            assert LABELS[script] in str(crumbs.source)
        traditional = reader_lines(app)
        assert traditional != original_lines
        await pilot.press("c")
        await wait_for(pilot, lambda: shown_script(app) is Script.ORIGINAL)
        assert titles(app) == original_titles
        assert reader_lines(app) == original_lines


async def test_a_converted_tag_opens_the_same_related_list() -> None:
    app = sample_app(prefetch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        await wait_for(
            pilot, lambda: not any(w.group == "prefetch" and not w.is_finished for w in app.workers)
        )
        await open_article(pilot, ARTICLE)
        page = state(app).reader_page
        assert isinstance(page, Article) and page.tags
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: state(app).place.kind == "related" and bool(state(app).rows))
        plain = [r.ref for r in state(app).rows]
        await pilot.press("backspace")
        await wait_for(pilot, lambda: state(app).place.kind == "index")
        for _ in range(2):  # to traditional
            await pilot.press("c")
        await wait_for(pilot, lambda: shown_script(app) is Script.TRADITIONAL)
        app.browser.reader.focus()
        await pilot.press("t")
        await pilot.pause()
        from tui.screens.tags import TagPicker

        assert isinstance(app.screen, TagPicker)
        assert app.screen._tags == [S2T.convert(t.name) for t in page.tags]
        await pilot.press("enter")
        await wait_for(pilot, lambda: state(app).place.kind == "related" and bool(state(app).rows))
        assert state(app).place.tag == page.tags[0].name  # the page's own name for it
        assert [r.ref for r in state(app).rows] == plain
        # And a related list asked for in the other script lists the same articles.
        app.browser.open_tag(S2T.convert(page.tags[0].name))
        await wait_for(
            pilot,
            lambda: (
                state(app).place.tag == S2T.convert(page.tags[0].name) and bool(state(app).rows)
            ),
        )
        assert [r.ref for r in state(app).rows] == plain


async def test_script_option_and_memory(tmp_path: Path) -> None:
    set_language("zh-Hans")  # the crumbs' 首页 is shown in the script of the pages too
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    flagged = Options(sample=True, cache_dir=tmp_path, script="traditional")
    flagged.settings.override("script", "traditional", ValueSource.FLAG, "--script")
    app = make_app(flagged, sample_mirror(state_dir), Library(None))
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await wait_for(pilot, lambda: shown_script(app) is Script.TRADITIONAL)
        section = next(r.title for r in state(app).rows if r.kind == "section" and r.title)
        assert section == S2T.convert(section)
        assert "首頁" in str(app.browser.crumbs.path)
        await pilot.press("c")  # to Taiwan: remembered for the next start
        await wait_for(pilot, lambda: shown_script(app) is Script.TAIWAN)
    plain = Options(sample=True, cache_dir=tmp_path)
    assert make_app(plain, sample_mirror(state_dir), Library(None)).script == "taiwan"
    # --script wins over what was remembered.
    again = make_app(flagged, sample_mirror(state_dir), Library(None))
    assert again.script == "traditional"
    # The settings file names another script since: the newer wish wins.
    filed = Options(sample=True, cache_dir=tmp_path, script="simplified")
    filed.settings.override("script", "simplified", ValueSource.FILE, "settings.toml:1")
    assert make_app(filed, sample_mirror(state_dir), Library(None)).script == "simplified"


async def test_a_saved_script_converts_after_the_first_frame() -> None:
    """With a script other than the original, the home list comes first in the original,
    then converted once OpenCC has loaded in the background."""
    app = GoodnewsApp(sample_mirror(None), library=Library(None), prefetch=False, script="taiwan")
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await wait_for(pilot, lambda: shown_script(app) is Script.TAIWAN)
        assert titles(app) == [S2TWP.convert(t) for t in titles(app)]
        assert any(S2TWP.convert(t) != t for t in [r.title for r in app.browser.rows.base])
        assert "traditional (Taiwan)" in str(app.browser.crumbs.source)
