"""The app in Chinese: every string of the interface follows the interface language.

The command table's titles and help are English msgids built at import; these tests switch
the language in-process, after the table exists, so they prove the key bar, help, palette,
list titles and crumbs translate as they draw.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.ui.helpers import (
    FIXED_NOW,
    home_ready,
    open_article,
    open_index,
    sample_app,
    state,
    wait_for,
)
from tui.app import GoodnewsApp
from tui.commands import COMMANDS
from tui.core.library import Library
from tui.core.mirror import sample_mirror
from tui.core.models import Home
from tui.core.pages import stale_note
from tui.i18n import _, ngettext, set_language
from tui.nav.places import category_count

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("language", ["zh-Hans", "zh-Hant", "en"])
async def test_notices_and_source_label_speak_the_language(language: str) -> None:
    set_language(language)
    app = GoodnewsApp(
        sample_mirror(None), library=Library(None), prefetch=False, notices=["a.toml:1: x"]
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        titles = {n.title for n in app._notifications}
        assert _("settings") in titles
        source = app.browser.crumbs.source.plain
        assert _("sample") in source and _("bundled demo mirror") in source
        assert bool(CJK.search(source)) is (language != "en")


@pytest.mark.parametrize("language", ["zh-Hans", "zh-Hant", "en"])
def test_stale_note_counts_in_each_language(language: str) -> None:
    set_language(language)
    note = stale_note(FIXED_NOW - timedelta(hours=3), FIXED_NOW)
    age = ngettext("{count} hour ago", "{count} hours ago", 3).format(count=3)
    assert note == _("Offline: showing a copy saved {age}. Press r to retry.").format(age=age)
    assert "3" in note and bool(CJK.search(note)) is (language != "en")


LANGUAGES = ["zh-Hans", "zh-Hant", "en"]


def speaks(text: str, language: str) -> bool:
    """Chinese text holds a CJK character; English holds none."""
    return bool(CJK.search(text)) is (language != "en")


@pytest.mark.parametrize("language", LANGUAGES)
async def test_key_bar_crumbs_and_counts_speak_the_language(language: str) -> None:
    set_language(language)
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        hints, palette = app.browser.keybar.hints()
        footer = {_(c.title) for c in COMMANDS if c.footer}
        assert hints and {h.label for h in hints} <= footer
        assert all(speaks(h.label, language) for h in hints)
        assert palette is not None and palette.label == _("palette")
        crumbs = str(app.browser.crumbs.path)
        assert crumbs == _("Home") and speaks(crumbs, language)
        assert {"zh-Hans": "首页", "zh-Hant": "首頁", "en": "Home"}[language] == crumbs
        title, detail = app.browser.entries._title
        home = app.browser.list_page
        assert isinstance(home, Home)
        count = category_count(home)
        categories = ngettext("{count} category", "{count} categories", count)
        assert detail == categories.format(count=count) and speaks(detail, language)
        places = [r.title for r in state(app).rows[:4]]
        assert places == [_("This device"), _("All articles"), _("Starred"), _("History")]
        assert all(speaks(p, language) for p in places)
        await open_index(pilot, "头条")
        await open_article(pilot, "倒春寒来袭")
        crumbs = str(app.browser.crumbs.path)
        assert crumbs.startswith(f"{_('Home')} › 头条 › ")
        entries = sum(1 for r in state(app).rows if r.openable)
        assert app.browser.entries._title[1] == ngettext(
            "{count} entry", "{count} entries", entries
        ).format(count=entries)
        reader_hints, _palette = app.browser.keybar.hints()
        assert _("Next link") in {h.label for h in reader_hints}


async def test_the_key_bar_translates_when_drawn_not_when_bound() -> None:
    """The bindings were made in English at import; switching the language redraws in it."""
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        english = [h.label for h in app.browser.keybar.hints()[0]]
        assert "Quit" in english
        set_language("zh-Hant")
        chinese = [h.label for h in app.browser.keybar.hints()[0]]
        assert "退出" in chinese and len(chinese) == len(english)
        assert all(CJK.search(label) for label in chinese)
        app.browser.keybar.refresh()
        await pilot.pause()
        assert "退出" in app.browser.keybar.render().plain


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_palette_speaks_the_language(language: str) -> None:
    from textual.command import CommandInput, CommandPalette

    set_language(language)
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.pause(0.3)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        prompt = palette.query_one(CommandInput).placeholder
        assert prompt == _("Search for commands…") and speaks(prompt, language)
        options = palette.query_one("CommandList").options  # type: ignore[attr-defined]
        shown = [str(option.prompt) for option in options]
        listed = [s.split("  (")[0].split("\n")[0].strip() for s in shown]
        names = set(listed)
        assert len(listed) == len(names), listed  # two commands never read the same
        ours = {_(c.title) for c in COMMANDS if c.palette}
        assert ours | {_("Theme")} == names
        assert all(speaks(name, language) for name in names)
        helps = {_(c.help) for c in COMMANDS if c.palette} | {_("Change the current theme")}
        assert all(any(h in s for s in shown) for h in helps)
        # Typing the English name finds a command whatever the language shown.
        await pilot.press(*"reload")
        await pilot.pause(0.5)
        found = [str(o.prompt) for o in palette.query_one("CommandList").options]  # type: ignore[attr-defined]
        assert any(s.startswith(_("Reload")) for s in found)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_help_and_the_tag_picker_speak_the_language(language: str) -> None:
    from tui.screens.help import HelpScreen, HelpText
    from tui.screens.tags import TagPicker

    set_language(language)
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        body = app.screen.query_one("#help-body")
        assert body.border_title == _("Keys") and speaks(str(body.border_title), language)
        assert speaks(str(body.border_subtitle), language)
        rows = app.screen.query_one(HelpText).rows
        assert all(speaks(text, language) for _keys, text in rows if text)
        assert ("", _("Everywhere")) in rows
        # Key names stay as the keyboard writes them; words among the keys are translated.
        assert ("Ctrl+P", _("Command palette: every command, and the theme")) in rows
        assert speaks(_("digits then Enter"), language)
        assert _("digits then Enter") in [keys for keys, _text in rows]
        await pilot.press("escape")
        await open_index(pilot, "头条")
        await open_article(pilot, "倒春寒来袭")
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, TagPicker))
        title = app.screen.query_one("#tags-title").render()
        assert str(title).startswith(_("Tags of ")) and speaks(_("Tags of "), language)
