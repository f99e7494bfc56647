"""The app in Chinese, phase 2's core-side screens: the links view, read and star notices
and the save/export reports say their words in the interface language, while page text
and link targets stay as they are. Expected text comes from the catalogue via ``_()``."""

from __future__ import annotations

import re

import pytest
from textual.widgets import OptionList, Static

from tests.ui.helpers import (
    highlight,
    home_ready,
    open_article,
    open_index,
    sample_app,
    state,
    wait_for,
)
from tui.core.layout import link_kind_label
from tui.core.models import Article
from tui.core.text import cell_width, one_line
from tui.i18n import _, ngettext, set_language
from tui.screens.links import LinksView
from tui.screens.saving import ExportProgress, export_report

CJK = re.compile(r"[\u4e00-\u9fff]")
LIBRARY = "云溪市图书馆新馆开放"  # tags, an external link and a link to another article


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


@pytest.mark.parametrize("language", ["zh-Hans", "en"])
async def test_links_view_speaks_the_language_and_keeps_its_columns(language: str) -> None:
    set_language(language)
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_article(pilot, LIBRARY)
        page = state(app).reader_page
        assert isinstance(page, Article)
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, LinksView))
        view = app.screen
        assert isinstance(view, LinksView)
        heading = str(view.query_one("#links-title", Static).content)
        before, _t, after = _("Links of {title}").partition("{title}")
        assert heading.startswith(before + one_line(page.title) + after)
        assert bool(CJK.search(before + after)) is (language != "en")
        help_line = str(view.query_one("#links-help", Static).content)
        assert help_line == _("Enter follow · y copy · o open in browser · / filter · Esc close")
        options = view.query_one("#links-list", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(len(view.rows))]
        for row, prompt in zip(view.rows, prompts, strict=True):
            assert link_kind_label(row.kind) in prompt
        # Texts start in one column whatever the width of the kind's name.
        starts = {
            cell_width(prompt[: prompt.index(one_line(row.text))])
            for row, prompt in zip(view.rows, prompts, strict=True)
            if row.text.strip()
        }
        assert len(starts) == 1, starts
        await pilot.press("escape")


@pytest.mark.parametrize("language", ["zh-Hans", "zh-Hant", "en"])
async def test_read_and_star_notices_speak_the_language(language: str) -> None:
    set_language(language)
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        first = next(i for i, r in enumerate(state(app).rows) if r.readable)
        title = state(app).rows[first].title
        await highlight(pilot, first)
        await pilot.press("m", "f")
        said = notices(app)
        assert _("Marked read: {title}").format(title=title) in said
        assert _("Starred: {title}").format(title=title) in said
        await pilot.press("M")
        await wait_for(
            pilot,
            lambda: _("Press M again to mark every article of this list read.") in notices(app),
        )
        assert bool(CJK.search(_("Starred: {title}"))) is (language != "en")


def test_export_report_in_each_language(tmp_path) -> None:
    paths = (tmp_path / "a.md", tmp_path / "a.epub")
    for language in ("zh-Hans", "en"):
        set_language(language)
        report = export_report(ExportProgress(2, 2, paths, 2, 1, finished=True))
        where = _(" and ").join(map(str, paths))
        expected = ngettext(
            "Exported {count} article to {where}; {missing} not in the cache"
            " (open or sync them first).",
            "Exported {count} articles to {where}; {missing} not in the cache"
            " (open or sync them first).",
            2,
        ).format(count=2, where=where, missing=1)
        assert report == expected and str(paths[1]) in report
        assert bool(CJK.search(report)) is (language != "en")
