"""The links view (L), save (w) and export (W), driven through Pilot over the sample mirror."""

from __future__ import annotations

import zipfile
from pathlib import Path
from urllib.parse import unquote

from textual.widgets import Input, OptionList, Static

from tests.ui.helpers import (
    MISSING_PAGE,
    home_ready,
    open_article,
    open_index,
    prefetch_done,
    sample_app,
    state,
    wait_for,
)
from tui.core.export import md_escape
from tui.core.models import Article
from tui.screens.links import LinksView

LIBRARY = "云溪市图书馆新馆开放"  # tags, an external link and a link to another article


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


def view(app) -> LinksView:
    screen = app.screen
    assert isinstance(screen, LinksView)
    return screen


async def open_links(pilot) -> LinksView:
    await pilot.press("L")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, LinksView))
    return view(pilot.app)


async def test_links_view_lists_every_link_and_tag_with_its_kind() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_article(pilot, LIBRARY)
        page = state(app).reader_page
        assert isinstance(page, Article)
        links = await open_links(pilot)
        assert [r.n for r in links.rows] == [link.n for link in page.links]
        kinds = {r.text: r.kind for r in links.rows}
        assert {kinds[t.name] for t in page.tags} == {"tag"}
        assert "external" in kinds.values() and "article" in kinds.values()
        shown = links.query_one("#links-list", OptionList)
        assert shown.option_count == len(page.links)
        first = str(shown.get_option_at_index(0).prompt)
        # The target as a reader reads it: percent-escapes decoded for display only.
        assert first.split() == ["1", "tag", page.tags[0].name, unquote(links.rows[0].target)]

        # y copies the highlighted row's target; the view stays open.
        await pilot.press("j", "y")
        assert app.clipboard == links.rows[1].url
        assert isinstance(app.screen, LinksView)

        # q closes, and so does Escape.
        await pilot.press("q")
        await wait_for(pilot, lambda: not isinstance(app.screen, LinksView))
        await open_links(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, LinksView))


async def test_following_a_tag_opens_its_related_list() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_article(pilot, LIBRARY)
        page = state(app).reader_page
        assert isinstance(page, Article)
        await open_links(pilot)
        await pilot.press("enter")  # the first row: the first tag
        await wait_for(pilot, lambda: state(app).place.kind == "related")
        assert state(app).place.tag == page.tags[0].name
        assert state(app).reader == page.ref  # the article the tag came from stays


async def test_filter_then_follow_an_article_and_come_back() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_article(pilot, LIBRARY)
        origin = state(app).reader
        links = await open_links(pilot)
        target = next(r for r in links.rows if r.kind == "article")
        await pilot.press("slash")
        field = links.query_one("#links-filter", Input)
        assert field.has_focus
        # Typing goes into the filter: q, j or y there are letters, not commands.
        await pilot.press(*"article")
        assert field.value == "article" and isinstance(app.screen, LinksView)
        assert links.shown == [target]
        await pilot.press("enter")  # leaves the filter line for the list
        assert links.query_one("#links-list", OptionList).has_focus
        await pilot.press("enter")
        await wait_for(pilot, lambda: state(app).reader == target.link.ref)
        assert state(app).reader_page is not None
        await pilot.press("backspace")
        await wait_for(pilot, lambda: state(app).reader == origin)


async def test_an_external_link_is_copied_never_fetched() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_article(pilot, LIBRARY)
        origin = state(app).reader
        links = await open_links(pilot)
        index = next(i for i, r in enumerate(links.rows) if r.kind == "external")
        for _ in range(index):
            await pilot.press("j")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, LinksView))
        assert app.clipboard == links.rows[index].url
        assert state(app).reader == origin
        assert any("not opened here" in n for n in notices(app))


async def test_page_text_shows_literally_in_the_links_view() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        await open_article(pilot, "[云溪快讯")
        links = await open_links(pilot)
        title = links.query_one("#links-title", Static)
        assert "[@click=app.quit]" in str(title.render())
        await pilot.press("escape")
        assert app.is_running


async def test_a_hostile_title_saves_inside_the_folder(tmp_path: Path) -> None:
    app = sample_app()
    app.save_dir = tmp_path
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        await open_article(pilot, "[云溪快讯")
        await pilot.press("w")
        await wait_for(pilot, lambda: bool(list(tmp_path.iterdir())))
        (saved,) = tmp_path.iterdir()
        assert saved.parent == tmp_path and saved.suffix == ".md"
        assert not any(ord(c) < 32 or c in "/\\" or 0x202A <= ord(c) <= 0x202E for c in saved.name)
        text = saved.read_text("utf-8")
        assert "\x1b" not in text and "<script>" not in text


async def test_w_saves_markdown_and_never_overwrites(tmp_path: Path) -> None:
    app = sample_app()
    app.save_dir = tmp_path / "saved"  # made on first save
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_article(pilot, LIBRARY)
        page = state(app).reader_page
        assert isinstance(page, Article)
        await pilot.press("w")
        await wait_for(pilot, lambda: len(list((tmp_path / "saved").glob("*.md"))) == 1)
        await pilot.press("w")
        await wait_for(pilot, lambda: len(list((tmp_path / "saved").glob("*.md"))) == 2)
        first, second = sorted((tmp_path / "saved").glob("*.md"), key=lambda p: len(p.name))
        assert second.name == first.name.replace(".md", "-2.md")
        text = first.read_text("utf-8")
        assert text.startswith(f"# {page.title}\n")
        assert all(t.name in text for t in page.tags)
        await wait_for(pilot, lambda: any(str(second) in n for n in notices(app)))


async def test_w_saves_text_when_the_setting_says_so(tmp_path: Path) -> None:
    app = sample_app()
    app.save_dir, app.save_format = tmp_path, "text"
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_article(pilot, LIBRARY)
        await pilot.press("w")
        await wait_for(pilot, lambda: bool(list(tmp_path.glob("*.txt"))))
        text = next(tmp_path.glob("*.txt")).read_text("utf-8")
        assert "Links:" in text and not text.startswith("#")


async def test_w_into_an_unwritable_place_says_why(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    app = sample_app()
    app.save_dir = blocker
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_article(pilot, LIBRARY)
        await pilot.press("w")
        await wait_for(pilot, lambda: any("Could not save" in n for n in notices(app)))
        assert app.is_running


async def test_W_exports_the_list_as_markdown_and_epub(tmp_path: Path) -> None:
    app = sample_app()
    app.save_dir = tmp_path
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        await wait_for(pilot, lambda: prefetch_done(app))
        rows = [r for r in state(app).rows if r.readable]
        assert any(r.ref is not None and r.ref.path == MISSING_PAGE for r in rows)
        await pilot.press("W")
        await wait_for(pilot, lambda: any(n.startswith("Exported") for n in notices(app)))
        (markdown,) = tmp_path.glob("*.md")
        (epub,) = tmp_path.glob("*.epub")
        assert markdown.stem == epub.stem and markdown.stem.startswith("头条 ")
        text = markdown.read_text("utf-8")
        present = [r for r in rows if r.ref is not None and r.ref.path != MISSING_PAGE]
        for row in present:
            assert row.ref is not None
            article = (await app.service.get(row.ref)).page
            assert isinstance(article, Article)
            assert f"\n## {md_escape(article.title)}\n" in text
        assert text.count("\n## ") == len(present)
        report = next(n for n in notices(app) if n.startswith("Exported"))
        assert f"Exported {len(present)} articles" in report and "1 not in the cache" in report
        with zipfile.ZipFile(epub) as book:
            chapters = [n for n in book.namelist() if n.endswith(".xhtml") and "/c0" in n]
        assert len(chapters) == len(present)
        assert state(app).progress is None and app.browser.keybar.status == ""


async def test_W_into_an_unwritable_place_says_why_and_can_run_again(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    app = sample_app()
    app.save_dir = blocker
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        await pilot.press("W")
        await wait_for(pilot, lambda: any("Could not export" in n for n in notices(app)))
        assert app.browser.keybar.status == ""
        app.save_dir = tmp_path / "out"
        await pilot.press("W")
        await wait_for(pilot, lambda: any(n.startswith("Exported") for n in notices(app)))
        assert len(list((tmp_path / "out").iterdir())) == 2
