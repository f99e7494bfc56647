"""The app in Chinese: what the converted files show (settings notices, the source label,
a stale copy's note) follows the interface language; the rest follows in phase 2."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.ui.helpers import FIXED_NOW, home_ready
from tui.app import GoodnewsApp
from tui.core.library import Library
from tui.core.mirror import sample_mirror
from tui.core.pages import stale_note
from tui.i18n import _, ngettext, set_language

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
