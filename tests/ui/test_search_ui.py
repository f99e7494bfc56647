"""Search and all articles in the browser, over the bundled sample (learned by prefetch)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.helpers import (
    home_ready,
    open_article,
    open_index,
    prefetch_done,
    reader_shows,
    sample_app,
    state,
    titles,
    wait_for,
)
from tui.app import GoodnewsApp
from tui.screens.browser import SEARCH_ROWS
from tui.widgets.reader import TOP


async def test_search_as_you_type_then_open_a_result_and_come_back() -> None:
    app = sample_app(prefetch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        await wait_for(pilot, lambda: prefetch_done(app))
        await pilot.press("s")
        await pilot.pause()
        assert state(app).place.kind == "search" and app.browser.entries.editing
        await pilot.press(*"图书馆")
        await wait_for(pilot, lambda: state(app).place.tag == "图书馆" and bool(state(app).rows))
        found = titles(app)
        assert any("图书馆" in t for t in found)
        assert "Search 图书馆" in str(app.browser.crumbs.path)
        await pilot.press("enter")  # keeps the query, leaves the line
        await pilot.press("enter")  # opens the first result
        first = state(app).rows[0].ref
        await wait_for(pilot, lambda: reader_shows(app, first))
        # The query's words are highlighted in the article, and . moves between them.
        reader = app.browser.reader
        matches = reader.match_lines()
        assert matches and all("图书馆" in reader.text_lines()[i] for i in matches)
        y = matches[0] - int(reader.scroll_y) + TOP  # under the reader's title line
        if 0 <= y < reader.size.height:
            hit = [seg for seg in reader.render_line(y)._segments if seg.text == "图书馆"]
            assert hit and hit[0].style is not None and hit[0].style.bold
        if len(matches) > 1:
            await pilot.press("full_stop")
            await pilot.pause()
            assert int(reader.scroll_y) in matches
        await pilot.press("backspace")
        await wait_for(pilot, lambda: state(app).place.kind == "search" and bool(state(app).rows))
        assert state(app).place.tag == "图书馆" and titles(app) == found


async def test_traditional_characters_find_simplified_text() -> None:
    app = sample_app(prefetch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        await wait_for(pilot, lambda: prefetch_done(app))
        await pilot.press("s", *"圖書館")
        await wait_for(pilot, lambda: state(app).place.tag == "圖書館" and bool(state(app).rows))
        assert any("图书馆" in t for t in titles(app))


async def test_all_articles_lists_what_the_app_knows_by_source() -> None:
    app = sample_app(prefetch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        assert titles(app)[:2] == ["This device", "All articles"]
        await open_index(pilot, "头条")
        await wait_for(pilot, lambda: prefetch_done(app))
        await pilot.press("A")
        await wait_for(pilot, lambda: state(app).place.kind == "all" and bool(state(app).rows))
        rows = state(app).rows
        assert rows[0].kind == "section"
        articles = [r for r in rows if r.kind == "article"]
        assert len(articles) >= 3 and len({r.ref for r in articles}) == len(articles)
        title_line = "".join(seg.text for seg in app.browser.entries.render_line(0))
        assert f"{len(articles)} articles" in title_line


async def test_sync_from_the_app_runs_in_the_background_and_fills_all_articles(
    tmp_path: Path,
) -> None:
    import shutil

    from tests.conftest import FAST_POLICY
    from tests.corpus_server import CorpusServer
    from tui.app import make_app
    from tui.core.config import Options
    from tui.core.library import Library
    from tui.core.mirror import open_mirror

    sample = Path(__file__).resolve().parents[2] / "tui" / "sample" / "goodnews-sample"
    shutil.copytree(sample, tmp_path / "served" / "begood0513")
    server = CorpusServer(root=tmp_path / "served").start()
    try:
        options = Options(mirror=server.base_url, cache_dir=tmp_path / "cache", prefetch=False)
        app = make_app(options, open_mirror(options, policy=FAST_POLICY), Library(None))
        async with app.run_test(size=(120, 40)) as pilot:
            await home_ready(pilot)
            await pilot.press("S")
            await pilot.press("j", "k")  # the app answers keys meanwhile
            assert app.is_running
            await wait_for(pilot, lambda: not app.browser._syncing, timeout=30)
            said = [n.message for n in app._notifications]
            assert any("Syncing" in m for m in said), said
            assert any("articles" in m or "new" in m for m in said), said  # the summary
            await pilot.press("A")
            await wait_for(pilot, lambda: state(app).place.kind == "all" and bool(state(app).rows))
            known = [r for r in state(app).rows if r.kind == "article"]
            served = list((tmp_path / "served").rglob("pages/*/*.md"))
            assert len(known) >= len(served) - 2  # every article the indexes list
    finally:
        server.stop()


async def test_a_common_query_says_its_newest_results_of_more_than_the_cap() -> None:
    from datetime import date, timedelta

    from tui.app import GoodnewsApp
    from tui.core.library import COMMON_MATCHES, Library
    from tui.core.mirror import sample_mirror
    from tui.core.models import Article

    mirror = sample_mirror(None)
    library = Library(None)
    word = "泛见词"  # a made-up word: the sample holds none, these articles all do
    library.record_many(
        Article(
            ref=mirror.home.with_path(f"pages/common/{i}.md"),
            title=f"{word}{i}",
            published=date(2016, 1, 1) + timedelta(days=i),
        )
        for i in range(COMMON_MATCHES + 1)
    )
    app = GoodnewsApp(mirror, library=library, prefetch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await pilot.press("s", *word)
        await wait_for(pilot, lambda: state(app).place.tag == word and bool(state(app).rows))
        assert titles(app)[:2] == [f"{word}{COMMON_MATCHES}", f"{word}{COMMON_MATCHES - 1}"]
        line = lambda: "".join(seg.text for seg in app.browser.entries.render_line(0))  # noqa: E731
        shown = SEARCH_ROWS
        assert f"{shown} newest of {COMMON_MATCHES:,}+" in line(), line()
        assert len(state(app).rows) == shown
        await pilot.press("enter")  # keeps the query, leaves the line
        await pilot.pause()
        assert f"{shown} newest of {COMMON_MATCHES:,}+" in line(), line()
        await pilot.press("backspace")  # back home: an index's filter line counts its rows
        await wait_for(pilot, lambda: state(app).place.kind != "search")
        await pilot.press("slash", "a")
        await pilot.pause()
        assert "newest" not in line() and " shown" in line(), line()


async def test_a_query_with_more_results_than_listed_says_how_many_match() -> None:
    """Past the listed rows the title says how many match: the best of all of them."""
    from datetime import date, timedelta

    from tui.app import GoodnewsApp
    from tui.core.library import Library
    from tui.core.mirror import sample_mirror
    from tui.core.models import Article

    mirror = sample_mirror(None)
    library = Library(None)
    word = "稀见词"  # a made-up word: the sample holds none, these articles all do
    total = SEARCH_ROWS + 50
    library.record_many(
        Article(
            ref=mirror.home.with_path(f"pages/some/{i}.md"),
            title=f"{word}{i}",
            published=date(2020, 1, 1) + timedelta(days=i),
        )
        for i in range(total)
    )
    app = GoodnewsApp(mirror, library=library, prefetch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await pilot.press("s", *word)
        await wait_for(pilot, lambda: state(app).place.tag == word and bool(state(app).rows))
        line = "".join(seg.text for seg in app.browser.entries.render_line(0))
        assert f"best {SEARCH_ROWS} of {total} found" in line, line
        assert len(state(app).rows) == SEARCH_ROWS
        assert titles(app)[0] == f"{word}{total - 1}"  # equal relevance: the newest first


def folder_app(cache: Path) -> GoodnewsApp:
    """The browser over the bundled sample read as a local folder (a mirror that syncs)."""
    from tui.app import make_app
    from tui.core.config import Options
    from tui.core.library import Library
    from tui.core.mirror import open_mirror

    folder = Path(__file__).resolve().parents[2] / "tui" / "sample" / "goodnews-sample"
    options = Options(mirror=str(folder / "goodnews" / "master"), cache_dir=cache, prefetch=False)
    return make_app(options, open_mirror(options), Library(None))


async def test_a_sync_that_fails_says_so_and_clears_its_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.core.sync as sync_module

    async def broken(*args: object, **kwargs: object) -> None:
        on_progress = kwargs.get("on_progress")
        if callable(on_progress):
            on_progress(sync_module.Progress(sync_module.Phase.LISTS, 1, 9, 0, 0, 0, 0, 0.1))
        raise RuntimeError("the disk\nis full")

    monkeypatch.setattr(sync_module, "crawl", broken)
    app = folder_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await pilot.press("S")
        await wait_for(pilot, lambda: not app.browser._syncing)
        await pilot.pause()
        said = [(n.message, n.severity) for n in app._notifications]
        assert ("Sync stopped: the disk is full", "error") in said, said
        assert app.browser.sync_status == "" and app.is_running


async def test_sync_progress_shows_in_the_key_bar_while_the_app_answers_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    import tui.core.sync as sync_module

    release = asyncio.Event()

    async def slow(*args: object, **kwargs: object) -> sync_module.SyncReport:
        on_progress = kwargs["on_progress"]
        assert callable(on_progress)
        on_progress(sync_module.Progress(sync_module.Phase.ARTICLES, 3, 9, 3, 0, 0, 0, 0.5))
        await release.wait()
        report = sync_module.SyncReport(new=9)
        return report

    monkeypatch.setattr(sync_module, "crawl", slow)
    app = folder_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await pilot.press("S")
        await wait_for(pilot, lambda: "3/9" in app.browser.keybar.status)
        assert "sync articles 3/9" in app.browser.keybar.status
        before = state(app).selection
        await pilot.press("j")  # the app answers keys meanwhile
        await wait_for(pilot, lambda: state(app).selection != before)
        release.set()
        await wait_for(pilot, lambda: not app.browser._syncing)
        await pilot.pause()
        assert "sync" not in app.browser.keybar.status


async def test_an_article_read_is_found_by_search() -> None:
    """With prefetch off, reading an article is what puts it in the search index."""
    from tui.core.models import Article

    app = sample_app(prefetch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        first = titles(app)[0]
        await open_article(pilot, first)
        page = state(app).reader_page
        assert isinstance(page, Article)
        words = [b.text for b in page.blocks if len(b.text) > 40]
        word = next(w[10:14] for w in words if all("\u4e00" <= c <= "\u9fff" for c in w[10:14]))
        await pilot.press("tab", "s", *word)
        await wait_for(pilot, lambda: state(app).place.tag == word and bool(state(app).rows))
        assert page.ref in {r.ref for r in state(app).rows}
