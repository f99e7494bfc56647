"""The command table against the nodes that own its commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus_server import CorpusServer
from tests.ui.helpers import home_ready, open_article, open_index, sample_app, state, wait_for
from tui.app import GoodnewsApp
from tui.commands import COMMANDS, Command
from tui.core.fetch import FetchPolicy
from tui.screens.browser import BrowserScreen
from tui.widgets.entries import EntryList
from tui.widgets.reader import ReaderView

OWNERS = {"app": GoodnewsApp, "screen": BrowserScreen, "list": EntryList, "reader": ReaderView}


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.id)
def test_every_command_has_its_action_where_it_is_bound(command: Command) -> None:
    owner = OWNERS[command.scope]
    assert callable(getattr(owner, f"action_{command.action}", None)), (command.scope, command)
    assert f"{command.scope}.{command.id}" in {b.id for b in owner.BINDINGS}  # type: ignore[union-attr]


def test_tab_is_bound_once() -> None:
    bound = [
        b
        for owner in OWNERS.values()
        for b in owner.BINDINGS  # type: ignore[attr-defined]
        if "tab" in str(b.key if hasattr(b, "key") else b).split(",")
    ]
    assert len(bound) == 1


async def test_commands_that_cannot_run_are_greyed_until_they_can() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        screen = app.browser
        by_id = {c.id: c for c in COMMANDS}
        for name in ("back", "forward", "tags", "copy_url", "open_link"):
            assert not screen.can_run(by_id[name]), name
        bar = screen.keybar
        hints = {h.label: h.enabled for h in bar.hints()[0]}
        assert hints["Back"] is False and hints["Tags"] is False and hints["Quit"] is True
        await open_index(pilot, "头条")
        await open_article(pilot, "倒春寒来袭")
        await pilot.pause()
        for name in ("back", "tags", "copy_url"):
            assert screen.can_run(by_id[name]), name
        hints = {h.label: h.enabled for h in bar.hints()[0]}
        assert hints["Back"] is True and hints["Tags"] is True
        # A greyed key does nothing (no warning, no crash).
        await pilot.press("alt+right")
        await pilot.pause()
        assert state(app).place.kind == "index" and app.is_running


async def test_the_palette_lists_each_of_our_commands_once_and_textual_theme_only() -> None:
    from textual.command import CommandPalette

    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.pause(0.3)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        shown = [str(option.prompt) for option in palette.query_one("CommandList").options]  # type: ignore[attr-defined]
        assert sum("Quit" in s for s in shown) == 1
        assert any(s.startswith("Theme") for s in shown)
        assert not any(s.startswith(("Keys", "Maximize", "Screenshot")) for s in shown)


async def test_the_palette_has_no_entry_twice() -> None:
    from textual.command import CommandPalette

    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.pause(0.3)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        options = palette.query_one("CommandList").options  # type: ignore[attr-defined]
        names = [str(option.prompt).split("  (")[0].split("\n")[0] for option in options]
        assert len(names) == len(set(names)), names
        ours = {c.title for c in COMMANDS if c.palette}
        assert ours <= set(names)
        textual_own = {"Keys", "Maximize", "Screenshot", "Quit the application", "Minimize"}
        assert not textual_own & {n.strip() for n in names}


class Recording(GoodnewsApp):
    """The sample app, keeping every notification it shows."""

    def __init__(self, **kwargs: object) -> None:
        from tui.core.library import Library
        from tui.core.mirror import sample_mirror

        super().__init__(sample_mirror(None), library=Library(None), prefetch=False, **kwargs)  # type: ignore[arg-type]
        self.shown: list[str] = []

    def notify(self, message: str, **kwargs: object) -> None:  # type: ignore[override]
        self.shown.append(message)
        super().notify(message, **kwargs)  # type: ignore[arg-type]


async def test_t_without_an_article_says_so() -> None:
    app = Recording()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await pilot.press("t")  # greyed: it cannot run, and says why
        await wait_for(pilot, lambda: bool(app.shown))
        assert "Open an article first" in app.shown[-1] and "no tags" not in app.shown[-1]
        await open_index(pilot, "头条")
        await pilot.press("t")  # a list, still no article beside it
        await wait_for(pilot, lambda: len(app.shown) == 2)
        assert "Open an article first" in app.shown[-1]


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["wide", "narrow"])
async def test_r_says_what_it_reloads(size: tuple[int, int]) -> None:
    app = Recording()
    async with app.run_test(size=size) as pilot:
        await home_ready(pilot)
        await pilot.press("r")
        await wait_for(pilot, lambda: bool(app.shown))
        assert app.shown[-1] == "Reloading Home"
        await open_index(pilot, "头条")
        await open_article(pilot, "倒春寒来袭")
        await wait_for(pilot, lambda: state(app).focus == "reader")
        title = state(app).reader_page.title  # type: ignore[union-attr]
        await pilot.press("r")
        await wait_for(pilot, lambda: app.shown[-1].startswith("Reloading"))
        assert app.shown[-1] == f"Reloading {title}"
        await wait_for(pilot, lambda: state(app).reader_page is not None)


def test_r_is_offered_only_when_a_retry_can_help() -> None:
    from tui.core import errors
    from tui.screens.browser import retry_helps

    helps = [
        errors.NetworkUnavailable("refused"),
        errors.FetchTimeout("slow"),
        errors.ServerError("503"),
        errors.ErrorPage("a captive portal's page"),
    ]
    hopeless = [
        errors.NotFound("gone"),
        errors.OutsideMirror("../x"),
        errors.TooLarge("6 MiB"),
        errors.RedirectRefused("elsewhere"),
        errors.BadContent("binary"),
        errors.OfflineMiss("not cached"),
    ]
    assert all(retry_helps(e) for e in helps)
    assert not any(retry_helps(e) for e in hopeless)


async def test_copied_urls_leave_out_the_mirror_cache_buster() -> None:
    app = Recording()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        row = next(r for r in state(app).rows if r.kind == "external")
        assert row.url is not None and "?t=" in row.url  # as the home page links it
        app.browser.entries.highlighted = list(state(app).rows).index(row)
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(app.clipboard))
        assert app.clipboard == row.url.split("?")[0]
        assert app.clipboard in app.shown[-1]


def test_cache_busters_go_and_other_queries_stay() -> None:
    from tui.core.share import without_cache_buster

    assert without_cache_buster("http://198.51.100.20:81/a.html?t=05211602") == (
        "http://198.51.100.20:81/a.html"
    )
    assert without_cache_buster("http://129.146.143.75:10000/v/index.html?n13852677") == (
        "http://129.146.143.75:10000/v/index.html"
    )
    assert without_cache_buster("https://youtu.be/watch?v=abc&t=12") == (
        "https://youtu.be/watch?v=abc"
    )
    assert without_cache_buster("https://x.org/s?q=news") == "https://x.org/s?q=news"
    assert without_cache_buster("https://x.org/p#frag") == "https://x.org/p#frag"


async def test_a_page_of_another_repository_is_titled_by_its_link_text(
    corpus_server: CorpusServer, tmp_path: Path, fast_policy: FetchPolicy
) -> None:
    from tui.core.config import Options
    from tui.core.library import Library
    from tui.core.mirror import open_mirror
    from tui.core.models import Document

    mirror = open_mirror(
        Options(mirror=corpus_server.base_url, cache_dir=tmp_path), policy=fast_policy
    )
    app = GoodnewsApp(mirror, library=Library(None), prefetch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        rows = state(app).rows
        row = next(r for r in rows if r.ref is not None and r.ref.repo == "basic")
        app.browser.entries.highlighted = list(rows).index(row)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(state(app).reader_page, Document))
        page = state(app).reader_page
        assert page is not None and page.title == row.title != "README.md"
        assert app.browser.reader.text_lines()[0].strip() == row.title
        assert str(app.browser.crumbs.path).endswith(row.title)


async def test_help_hangs_its_wrapped_lines_aligns_its_rows_and_scrolls_with_j_k() -> None:
    from textual.containers import VerticalScroll

    from tui.core.text import cell_width
    from tui.screens.help import HelpScreen, HelpText

    app = sample_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await home_ready(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.pause()
        body = app.screen.query_one("#help-body", VerticalScroll)
        assert "Esc" in str(body.border_subtitle) and "closes" in str(body.border_subtitle)
        text = app.screen.query_one("#help-text", HelpText)
        lines = text.plain_lines()
        keyed = {keys: help for keys, help in text.rows if keys}
        starts = set()
        wrapped = 0
        for i, line in enumerate(lines):
            if not line.startswith("  "):
                continue  # a heading or a blank line
            stripped = line.lstrip(" ")
            indent = cell_width(line) - cell_width(stripped)
            keys = next((k for k in keyed if stripped.startswith(k + "  ")), None)
            if keys is not None:
                assert indent == 2  # every row's keys in the same column
                starts.add(cell_width(line) - cell_width(stripped[len(keys) :].lstrip(" ")))
            else:
                wrapped += 1  # a continuation: under its row's text, not at the edge
                starts.add(indent)
            assert cell_width(line.rstrip()) <= text.content_region.width, line
            assert i  # the first line is a heading
        assert len(starts) == 1 and wrapped > 0  # one text column; at 80 some rows wrap
        # j and k scroll; G and g go to the end and back; space pages.
        assert body.scroll_y == 0 and body.max_scroll_y > 0
        await pilot.press("j", "j")
        await pilot.pause()
        assert body.scroll_y == 2
        await pilot.press("k")
        await pilot.pause()
        assert body.scroll_y == 1
        await pilot.press("G")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("g")
        await pilot.pause()
        assert body.scroll_y == 0
        await pilot.press("space")
        await pilot.pause()
        assert body.scroll_y > 2
        await pilot.press("b")
        await pilot.pause()
        assert body.scroll_y == 0
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))
