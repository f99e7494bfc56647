"""The browser driven from the keyboard through Pilot, over real mirrors."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.corpus_server import CorpusServer
from tests.ui.helpers import (
    home_ready,
    open_article,
    open_index,
    open_missing_page,
    open_tagged_article,
    prefetch_done,
    sample_app,
    state,
    titles,
    wait_for,
)
from tui.app import GoodnewsApp
from tui.core.config import Options
from tui.core.fetch import FetchPolicy
from tui.core.library import Library
from tui.core.mirror import open_mirror
from tui.core.models import Article
from tui.core.urls import PageRef
from tui.screens import browser as browser_module

CORPUS_HOME = PageRef("begood0513", "goodnews", "master", "README.md")


async def test_home_shows_sections_and_categories() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        kinds = [item.kind for item in state(app).rows]
        assert kinds.count("section") >= 3
        assert kinds.count("index") >= 4
        assert (
            app.browser.entries.current is not None
            and app.browser.entries.current.kind != "section"
        )
        assert app.browser.mirror.kind == "sample"


async def test_home_index_article_tag_related_and_back_again() -> None:
    app = sample_app(prefetch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        home_pick = await open_index(pilot, "头条")
        await wait_for(pilot, lambda: prefetch_done(app))
        index_pick = await open_article(pilot, "倒春寒来袭")
        article = state(app).reader_page
        assert isinstance(article, Article) and article.tags
        assert app.browser.reader.has_focus
        assert any(line.startswith("倒春寒来袭") for line in app.browser.reader.text_lines()[:2])

        # t opens the tag picker; Enter takes the first tag.
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("enter")
        tag = article.tags[0].name
        await wait_for(pilot, lambda: state(app).place.kind == "related" and bool(state(app).rows))
        assert state(app).place.tag == tag
        related = state(app).rows
        assert article.ref not in [item.ref for item in related]
        assert len({item.ref for item in related}) == len(related)
        assert len(related) >= 2

        # Open a related article, then go back three times.
        app.browser.entries.highlighted = 1
        await pilot.press("enter")
        other = related[1].ref
        await wait_for(
            pilot,
            lambda: state(app).reader_page is not None and state(app).reader_page.ref == other,
        )

        await pilot.press("backspace")
        await wait_for(pilot, lambda: state(app).place.kind == "related")
        assert state(app).selection == 1
        assert state(app).reader == article.ref

        await pilot.press("backspace")
        await wait_for(pilot, lambda: state(app).place.kind == "index" and bool(state(app).rows))
        assert state(app).selection == index_pick
        assert state(app).reader == article.ref

        await pilot.press("backspace")
        await wait_for(
            pilot, lambda: state(app).place.kind == "index" and state(app).reader is None
        )
        assert state(app).selection == index_pick

        await pilot.press("backspace")
        await wait_for(pilot, lambda: state(app).place.kind == "home" and bool(state(app).rows))
        assert state(app).selection == home_pick

        # And forward again returns to the index.
        await pilot.press("alt+right")
        await wait_for(pilot, lambda: state(app).place.kind == "index" and bool(state(app).rows))


async def test_brackets_step_through_the_list_without_leaving_the_reader() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        start = await open_article(pilot, "云溪大桥")
        articles = [i for i, item in enumerate(state(app).rows) if item.kind == "article"]
        following = next(i for i in articles if i > start)
        await pilot.press("right_square_bracket")
        want = state(app).rows[following].ref
        await wait_for(
            pilot, lambda: state(app).reader_page is not None and state(app).reader_page.ref == want
        )
        assert app.browser.reader.has_focus
        assert state(app).selection == following
        await pilot.press("left_square_bracket")
        back = state(app).rows[start].ref
        await wait_for(
            pilot, lambda: state(app).reader_page is not None and state(app).reader_page.ref == back
        )


async def test_filter_narrows_the_list_as_you_type() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        everything = titles(app)
        await pilot.press("slash")
        await pilot.press("q", "backspace")  # keys typed into the filter are text, not commands
        assert app.is_running
        await pilot.press(*"图书馆")
        await pilot.pause()
        bar = str(app.browser.keybar.render())
        assert "Keep filter" in bar and "Quit" not in bar  # the keys that work while typing
        shown = titles(app)
        assert shown and len(shown) < len(everything)
        assert all("图书馆" in t for t in shown)
        await pilot.press("enter")  # leaves the filter, keeps it
        await pilot.pause()
        assert app.browser.entries.has_focus and "Quit" in str(app.browser.keybar.render())
        assert titles(app) == shown
        await pilot.press("escape")
        await pilot.pause()
        assert titles(app) == everything


async def test_links_are_numbered_selected_and_followed_by_number() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        await open_article(pilot, "倒春寒来袭")
        article = state(app).reader_page
        assert isinstance(article, Article)
        await pilot.press("n")
        assert app.browser.reader.selected_link == app.browser.reader.links[0]
        await pilot.press("n")
        assert app.browser.reader.selected_link == app.browser.reader.links[1]
        await pilot.press("p")
        assert app.browser.reader.selected_link == app.browser.reader.links[0]
        # Digits then Enter follow link N: the first tag opens its related list.
        tag_link = next(link for link in article.links if link.kind == "tag")
        await pilot.press(*str(tag_link.n), "enter")
        await wait_for(pilot, lambda: state(app).place.kind == "related")
        assert state(app).place.tag == tag_link.text.strip()


async def test_hostile_article_is_shown_literally_and_does_not_quit() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        hostile = next(item for item in state(app).rows if "[@click=app.quit]" in item.title)
        app.browser.entries.highlighted = state(app).rows.index(hostile)
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: (
                state(app).reader_page is not None and state(app).reader_page.ref == hostile.ref
            ),
        )
        text = "\n".join(app.browser.reader.text_lines())
        assert "[@click=app.quit]x[/]" in text
        assert "[bold red]" in text
        assert "\x1b" not in text and "\u202e" not in text
        for _ in range(3):
            await pilot.click("#reader", offset=(10, 0))
        await pilot.press("y")
        await pilot.pause()
        assert app.is_running
        assert app.return_code is None


async def test_long_article_renders(tmp_path: Path) -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "专栏")
        await open_article(pilot, "《云溪百年纪事》")
        assert app.browser.reader.line_count > 2000
        await pilot.press("G")
        assert app.browser.reader.scroll_y == app.browser.reader.max_scroll_y > 0
        await pilot.press("g")
        assert app.browser.reader.scroll_y == 0


async def test_table_of_contents_links_jump_to_their_heading_and_back() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "专栏")
        await open_article(pilot, "《云溪百年纪事》")
        article = state(app).reader_page
        assert isinstance(article, Article)
        toc = [link for link in article.links if link.anchor and link.ref == article.ref]
        assert len(toc) >= 3
        third = toc[2]
        await pilot.press(*str(third.n), "enter")
        await pilot.pause()
        top = app.browser.reader.text_lines()[int(app.browser.reader.scroll_y)]
        assert top.strip() == third.text.strip()
        assert app.browser.reader.scroll_y > 100
        await pilot.press("backspace")
        await wait_for(pilot, lambda: app.browser.reader.scroll_y == 0)
        assert state(app).reader_page is not None and state(app).reader_page.ref == article.ref


async def test_missing_article_shows_error_in_reader() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_missing_page(pilot)
        lines = app.browser.reader.text_lines()
        assert any("not found" in line or "no such" in line for line in lines), lines
        assert not any("r to retry" in line for line in lines)  # a retry cannot help
        assert state(app).reader_page is None
        assert app.is_running


async def test_retry_after_a_server_fault(
    corpus_server: CorpusServer, tmp_path: Path, fast_policy: FetchPolicy
) -> None:
    mirror = open_mirror(
        Options(mirror=corpus_server.base_url, cache_dir=tmp_path), policy=fast_policy
    )
    app = GoodnewsApp(mirror, library=Library(None), prefetch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "专栏文集")
        target = next(item for item in state(app).rows if item.kind == "article")
        corpus_server.set_fault("500", path=target.ref)
        app.browser.entries.highlighted = state(app).rows.index(target)
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: any("Could not open" in line for line in app.browser.reader.text_lines())
        )
        corpus_server.clear_faults()
        app.browser.reader.focus()
        await pilot.press("r")
        await wait_for(
            pilot,
            lambda: state(app).reader_page is not None and state(app).reader_page.ref == target.ref,
        )
        assert isinstance(state(app).reader_page, Article)
        assert app.browser.reader.text_lines()[0].startswith(state(app).reader_page.title[:10])


async def test_prefetch_fills_an_open_related_list(
    corpus_server: CorpusServer, tmp_path: Path
) -> None:
    # In the corpus, three articles of 港澳新闻 carry the tag 香港; two of them are served
    # slowly, so the related list is open while prefetch is still fetching them.
    opened = CORPUS_HOME.with_path("pages/nsc415/n13852860.md")
    others = {CORPUS_HOME.with_path(f"pages/nsc415/{n}.md") for n in ("n13852853", "n13852851")}
    for ref in others:
        corpus_server.set_fault("drip", path=ref, delay=0.5, chunk=512)
    # The default policy: its read timeouts are longer than the drip's pauses.
    mirror = open_mirror(Options(mirror=corpus_server.base_url, cache_dir=tmp_path))
    app = GoodnewsApp(mirror, library=Library(None), prefetch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "港澳新闻")
        app.browser.open_page(opened)
        await wait_for(
            pilot,
            lambda: (
                isinstance(state(app).reader_page, Article) and state(app).reader_page.ref == opened
            ),
        )
        assert "香港" in [tag.name for tag in state(app).reader_page.tags]
        app.browser.open_tag("香港")
        await wait_for(pilot, lambda: state(app).place.kind == "related")
        progress = state(app).progress
        assert progress is not None and progress[0] < progress[1]
        assert "prefetch " in str(app.browser.keybar.render())  # the key bar shows progress
        parsed_at_open = {item.ref for item in state(app).rows if item.date}
        assert not others <= parsed_at_open
        await wait_for(pilot, lambda: state(app).progress is None, timeout=20)
        await pilot.pause()
        parsed_now = {item.ref for item in state(app).rows if item.date}
        assert others <= parsed_now
        assert opened not in {item.ref for item in state(app).rows}
        assert state(app).place.kind == "related"


async def test_no_network_and_empty_cache_opens_the_sample(
    tmp_path: Path, fast_policy: FetchPolicy
) -> None:
    mirror = open_mirror(
        Options(mirror="http://127.0.0.1:9/", cache_dir=tmp_path), policy=fast_policy
    )
    app = GoodnewsApp(mirror, library=Library(None), prefetch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.browser.mirror.fallen and bool(state(app).rows))
        assert app.browser.mirror.kind == "sample"
        assert any("sample mirror" in line for line in app.browser.reader.text_lines())
        assert app.is_running


async def test_offline_with_an_empty_cache_opens_the_sample(tmp_path: Path) -> None:
    mirror = open_mirror(Options(offline=True, cache_dir=tmp_path))
    assert mirror.label == "offline copy"
    app = GoodnewsApp(mirror, library=Library(None), prefetch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.browser.mirror.fallen and bool(state(app).rows))
        assert app.browser.mirror.kind == "sample"
        assert any("sample mirror" in line for line in app.browser.reader.text_lines())


async def test_help_and_palette_come_from_the_command_table() -> None:
    from textual.command import CommandPalette

    from tui.commands import COMMANDS
    from tui.screens.help import HelpScreen, HelpText

    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text", HelpText).rows)
        for command in COMMANDS:
            assert command.help in text
        await pilot.press("escape")
        await pilot.pause()
        # The palette runs the same commands: "Go to the mirror's home page" from an index.
        await open_index(pilot, "头条")
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"home page", "enter")
        await wait_for(pilot, lambda: state(app).place.kind == "home" and bool(state(app).rows))


async def test_a_click_on_a_tag_link_in_the_reader_opens_its_related_list() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        await open_article(pilot, "倒春寒来袭")
        await pilot.pause()
        reader = app.browser.reader
        # Find where the tag 云溪市 is drawn, as a user would see it, and click there.
        spot = next(
            (x, y)
            for y in range(reader.scrollable_content_region.height)
            for x in range(reader.scrollable_content_region.width)
            if reader.link_at(x, y) is not None
            and "云溪市" in "".join(seg.text for seg in reader.render_line(y))
        )
        assert reader.link_at(0, spot[1]) is None  # the margin is not a link
        await pilot.click("#reader", offset=spot)
        await wait_for(pilot, lambda: state(app).place.kind == "related")
        assert state(app).place.tag == "云溪市"


async def test_key_bar_follows_the_focus_and_its_keys_can_be_clicked() -> None:
    from tui.screens.help import HelpScreen

    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        in_list = str(app.browser.keybar.render())
        assert "Quit" in in_list and "Follow" not in in_list
        await open_index(pilot, "头条")
        await open_article(pilot, "倒春寒来袭")
        await pilot.pause()
        in_reader = str(app.browser.keybar.render())
        assert "Follow" in in_reader and "Next link" in in_reader and "Quit" in in_reader
        # Click the middle of "Help" in the bar: the help screen opens.
        column = in_reader.index("Help") + 1
        await pilot.click("#keys", offset=(column, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_key_bar_fits_a_narrow_terminal() -> None:
    app = sample_app()
    async with app.run_test(size=(40, 12)) as pilot:
        await home_ready(pilot)
        bar = app.browser.keybar.render()
        text = str(bar)
        assert bar.cell_length == app.browser.keybar.content_region.width
        # Keys first: the palette hint gives way, and no key is cut in half.
        assert "palette" not in text and "Back" in text
        assert text.rstrip().endswith(("Back", "Tags", "Filter", "Reload", "Help", "Quit"))
        # Clicking past the last key does nothing.
        await pilot.click("#keys", offset=(38, 0))
        await pilot.pause()
        assert app.screen is app.screen_stack[0]


async def test_narrow_terminal_shows_one_pane_at_a_time() -> None:
    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await home_ready(pilot)
        assert app.screen.has_class("narrow")
        assert app.query_one("#entries").display
        assert not app.query_one("#reader").region.width
        await open_index(pilot, "头条")
        await open_article(pilot, "倒春寒来袭")
        assert app.screen.has_class("show-reader")
        assert app.query_one("#reader").region.width == 80
        await pilot.press("tab")
        assert app.browser.entries.has_focus
        assert not app.screen.has_class("show-reader")


async def test_hostile_page_paths_never_reach_the_terminal(tmp_path: Path) -> None:
    """A link whose decoded path holds an escape sequence: a missing index with that name
    fails, and its name shows in the crumbs, the list title, the failure message."""
    import shutil

    from tui.core.mirror import sample_mirror

    sample = sample_mirror().source.root  # type: ignore[attr-defined]
    root = tmp_path / "mirror"
    shutil.copytree(sample, root)
    home = root / "goodnews-sample" / "goodnews" / "master" / "README.md"
    evil = "indexes/E%1B%5D0%3BPWNED%07%C2%9B2J%E2%80%AE.md"
    home.write_text(home.read_text("utf-8").replace("indexes/E头条.md", evil, 1), "utf-8")
    mirror = open_mirror(Options(mirror=str(root), cache_dir=tmp_path / "cache"))
    app = GoodnewsApp(mirror, library=Library(None), prefetch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        row = next(
            i for i, item in enumerate(state(app).rows) if item.ref and "PWNED" in item.ref.path
        )
        app.browser.entries.highlighted = row
        await pilot.press("enter")
        await wait_for(pilot, lambda: state(app).list_error is not None)
        await pilot.pause()
        drawn = [
            "".join(seg.text for seg in widget.render_line(y))
            for widget in (app.browser.entries, app.browser.reader)
            for y in range(6)
        ]
        drawn.append(str(app.browser.crumbs.render()))
        assert any("PWNED" in line for line in drawn)  # the name is shown...
        for line in drawn:  # ...but nothing in it can act on the terminal
            assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in line), repr(line)
            assert "\u202e" not in line
        # Filtering the failed list keeps the failure in view; r is not offered for a
        # page that does not exist (a retry cannot help).
        failure = app.browser.entries.message
        assert "PWNED" in failure and "Press r" not in failure
        await pilot.press("slash", "x")
        await pilot.pause()
        assert app.browser.entries.message == failure


async def test_an_unexpected_failure_is_reported_not_raised(monkeypatch) -> None:  # noqa: ANN001
    import tui.core.pages

    real = tui.core.pages.parse_page

    def exploding(ref: PageRef, text: str, home: PageRef | None = None):  # noqa: ANN202
        if ref.path.startswith("pages/"):
            raise RuntimeError("parser exploded")
        return real(ref, text, home)

    monkeypatch.setattr(tui.core.pages, "parse_page", exploding)
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        app.browser.entries.highlighted = next(
            i for i, it in enumerate(state(app).rows) if it.kind == "article"
        )
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: any("parser exploded" in line for line in app.browser.reader.text_lines()),
        )
        assert app.is_running
        await pilot.press("j", "k", "tab")
        assert app.is_running


class RecordingApp(GoodnewsApp):
    """The app, keeping every notification it shows."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.shown: list[tuple[str, str]] = []

    def notify(self, message: str, **kwargs) -> None:  # noqa: ANN003
        self.shown.append((kwargs.get("severity", "information"), message))
        super().notify(message, **kwargs)


WALK_KEYS = [
    "j",
    "k",
    "down",
    "up",
    "enter",
    "enter",
    "tab",
    "backspace",
    "alt+left",
    "alt+right",
    "space",
    "b",
    "g",
    "G",
    "left_square_bracket",
    "right_square_bracket",
    "n",
    "p",
    "1",
    "2",
    "t",
    "escape",
    "slash",
    "x",
    "云",
    "backspace",
    "r",
    "y",
    "o",
    "H",
    "question_mark",
    "escape",
    "pagedown",
    "pageup",
    "home",
    "end",
    "ctrl+u",
    "s",
    "A",
]


async def test_a_random_walk_of_keys_and_sizes_never_breaks_the_app() -> None:
    import random

    from tui.core.mirror import sample_mirror

    for seed, size in enumerate([(120, 40), (80, 24), (30, 8)]):
        rnd = random.Random(seed)
        app = RecordingApp(sample_mirror(), library=Library(None), prefetch=True)
        async with app.run_test(size=size) as pilot:
            await home_ready(pilot)
            for _ in range(50):  # each press waits for the app to settle: ~60 ms
                await pilot.press(rnd.choice(WALK_KEYS))
                if rnd.random() < 0.05:
                    await pilot.resize_terminal(*rnd.choice([(20, 6), (99, 30), (100, 30)]))
                assert app.is_running
            await pilot.pause()
            failures = [m for severity, m in app.shown if "went wrong" in m]
            assert failures == [], (seed, failures)
            assert app.screen is not None and app.is_running


async def test_the_header_and_the_reader_always_describe_the_same_place() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        await open_article(pilot, "倒春寒来袭")
        crumbs = str(app.browser.crumbs.path)
        assert crumbs.startswith("Home › 头条 › 倒春寒来袭")
        # Home from an article: a new list, a clear reader, crumbs of the home page only.
        await pilot.press("H")
        await home_ready(pilot)
        assert state(app).reader is None and state(app).reader_page is None
        assert str(app.browser.crumbs.path) == "Home"
        # Another index from there: its crumbs, and no article of another list beside it.
        await open_index(pilot, "专栏")
        assert state(app).reader is None
        assert str(app.browser.crumbs.path) == "Home › 专栏"
        # Back brings the article back with its list and crumbs.
        await pilot.press("backspace")
        await home_ready(pilot)
        await pilot.press("backspace")
        await wait_for(pilot, lambda: state(app).reader_page is not None)
        assert state(app).place.title == "头条"
        assert str(app.browser.crumbs.path).startswith("Home › 头条 › 倒春寒来袭")


async def test_the_focused_pane_is_visible_in_every_theme() -> None:
    for theme in ("textual-dark", "textual-light", "ansi-dark", "ansi-light"):
        app = sample_app()
        async with app.run_test(size=(120, 40)) as pilot:
            app.theme = theme
            await home_ready(pilot)
            entries = app.browser.entries
            focused = entries.render_line(0)._segments[1].style
            app.browser.reader.focus()
            await pilot.pause()
            blurred = entries.render_line(0)._segments[1].style
            assert focused != blurred, theme
            reader = app.browser.reader
            bar = reader.render_line(3)._segments[0]
            assert bar.text == "▎" and bar.style is not None and bar.style.color is not None
            app.browser.entries.focus()
            await pilot.pause()
            assert reader.render_line(3)._segments[0].text != "▎", theme


async def test_resizing_under_a_dialog_lands_in_the_layout_the_size_asks_for() -> None:
    from textual.command import CommandPalette

    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await home_ready(pilot)
        assert app.browser.has_class("narrow")
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.browser)
        assert not app.browser.has_class("narrow")
        assert app.browser.reader.region.width > 0 and app.browser.entries.region.width > 0
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.browser)
        assert app.browser.has_class("narrow")


async def test_the_worker_process_starts_under_the_running_app() -> None:
    """Textual captures stderr while it runs; the worker must start anyway (it once did not,
    and background work fell back to this process without a word)."""
    app = sample_app(prefetch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        await wait_for(pilot, lambda: prefetch_done(app))
        assert app.service.problems == []
        assert app.service._executor is not None


async def test_opening_the_page_already_shown_adds_no_visit() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        await open_article(pilot, "倒春寒来袭")
        depth = len(app.browser.history)
        await pilot.press("tab")  # back to the list, the same row still highlighted
        await pilot.press("enter")
        await pilot.pause()
        assert len(app.browser.history) == depth and app.browser.reader.has_focus
        await pilot.press("backspace")
        await wait_for(pilot, lambda: state(app).reader is None)


async def test_back_brings_the_article_back_where_it_was_scrolled() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "专栏")
        await open_article(pilot, "《云溪百年纪事》")
        await pilot.press("space", "space")
        reader = app.browser.reader
        scrolled = reader.scroll_y
        assert scrolled > 0, (
            f"focus={state(app).focus} loading={reader.loading} lines={reader.line_count} "
            f"max_scroll_y={reader.max_scroll_y} height={reader.scrollable_content_region.height}"
        )
        await pilot.press("H")
        await home_ready(pilot)
        await pilot.press("H")  # already home: no second visit
        await pilot.press("backspace")
        await wait_for(pilot, lambda: state(app).reader_page is not None)
        await pilot.pause()
        assert app.browser.reader.scroll_y == scrolled


async def test_a_related_list_keeps_its_origin_out_after_going_back() -> None:
    app = sample_app(prefetch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        await wait_for(pilot, lambda: prefetch_done(app))
        await open_article(pilot, "倒春寒来袭")
        origin = state(app).reader
        await pilot.press("t", "enter")
        await wait_for(pilot, lambda: state(app).place.kind == "related" and bool(state(app).rows))
        rows = [r.ref for r in state(app).rows]
        assert origin not in rows and len(rows) >= 2
        app.browser.entries.highlighted = 1
        await pilot.press("enter")
        await wait_for(pilot, lambda: state(app).reader == rows[1])
        await pilot.press("H")
        await home_ready(pilot)
        await pilot.press("backspace")
        await wait_for(pilot, lambda: state(app).place.kind == "related" and bool(state(app).rows))
        assert [r.ref for r in state(app).rows] == rows  # the same list, its origin left out
        assert state(app).selection == 1


async def test_narrowing_the_terminal_while_reading_keeps_the_article() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        await open_article(pilot, "倒春寒来袭")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.browser.has_class("show-reader") and app.browser.reader.region.width > 0


async def test_escape_in_search_clears_the_query_and_its_results() -> None:
    app = sample_app(prefetch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        await wait_for(pilot, lambda: prefetch_done(app))
        await pilot.press("s", *"图书馆")
        await wait_for(pilot, lambda: bool(state(app).rows))
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert state(app).place.tag == "" and not state(app).rows
        assert str(app.browser.crumbs.path).endswith("Search")


def held_related(app: GoodnewsApp) -> threading.Event:
    """The library answers related lists (in a thread) only once the returned event is set."""
    library = app.browser.library
    answer = library.related
    release = threading.Event()

    def related(*args: object, **kwargs: object) -> object:
        release.wait(10)
        return answer(*args, **kwargs)  # type: ignore[arg-type]

    library.related = related  # type: ignore[method-assign]
    return release


def related_shown(app: GoodnewsApp) -> bool:
    """The list shows the rows of the related list that is the place now."""
    now = state(app)
    return now.place.kind == "related" and now.filled == now.place


async def open_tag_list(pilot: Pilot) -> GoodnewsApp:
    """Home -> 头条 (prefetched) -> an article, then Enter on its first tag."""
    app = pilot.app
    assert isinstance(app, GoodnewsApp)
    await open_tagged_article(pilot)
    await pilot.press("t", "enter")
    return app


async def test_a_related_list_takes_the_focus_with_its_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """From a tag, the focus stays in the reader until the related rows are in the list:
    the list is never focused while it still shows the index the article came from."""
    monkeypatch.setattr(browser_module, "LOADING_DELAY", 30.0)  # the rows always come first
    app = sample_app(prefetch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        release = held_related(app)
        await open_tag_list(pilot)
        await pilot.pause(0.2)
        assert state(app).place.kind == "related" and not related_shown(app)
        assert state(app).focus == "reader"
        release.set()
        await wait_for(pilot, lambda: related_shown(app))
        assert state(app).focus == "list"


async def test_a_slow_related_list_takes_the_focus_after_the_loading_delay() -> None:
    app = sample_app(prefetch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        release = held_related(app)
        await open_tag_list(pilot)
        await wait_for(pilot, lambda: state(app).focus == "list")
        assert not related_shown(app)  # still asked
        release.set()
        await wait_for(pilot, lambda: related_shown(app))
        assert state(app).focus == "list"


async def test_a_pane_chosen_while_a_related_list_loads_stays_chosen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(browser_module, "LOADING_DELAY", 30.0)
    app = sample_app(prefetch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        release = held_related(app)
        await open_tag_list(pilot)
        await pilot.press("tab")  # to the list, at once
        assert state(app).focus == "list"
        await pilot.press("tab")  # and back to the reader, before the rows come
        release.set()
        await wait_for(pilot, lambda: related_shown(app))
        assert state(app).focus == "reader"


async def test_a_loading_note_that_fired_as_the_list_came_says_nothing() -> None:
    """The loading timer can fire just as the page arrives: its event is queued, the page
    stops the timer, then the event runs. It must not put "loading…" over the list."""
    app = sample_app(prefetch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        title = app.browser.entries._title
        browser = app.browser
        browser._start_pending("list")
        fired = browser._pending["list"]._callback  # what the queued timer event will run
        browser._stop_pending("list")  # the page came first
        assert fired is not None
        fired()
        await pilot.pause()
        assert app.browser.entries._title == title
        # A timer that is still the pending one says it, as before.
        browser._start_pending("list")
        browser._pending["list"]._callback()
        await pilot.pause()
        assert "…" in app.browser.entries._title[1]
        browser._stop_pending("list")
