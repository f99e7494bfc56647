"""Digits then Enter: the reader says which link it followed, in the app's own number form."""

from __future__ import annotations

from tests.ui.helpers import home_ready, open_article, open_index, sample_app, state, wait_for
from tui.core.models import Article
from tui.core.text import link_number


async def test_typed_number_says_which_link_it_followed() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        await open_article(pilot, "倒春寒来袭")
        article = state(app).reader_page
        assert isinstance(article, Article)
        # The reader writes the number in braces, in the marker role, after the link's text.
        tag_link = next(link for link in article.links if link.kind == "tag")
        layout = app.browser.reader._layout
        line = layout.lines[layout.link_lines[tag_link.n]]
        marks = [run for run in line if run[1] == "marker" and run[2] == tag_link.n]
        assert marks and marks[0][0] == link_number(tag_link.n) == f"{{{tag_link.n}}}"
        before = len(app._notifications)
        await pilot.press(*str(tag_link.n), "enter")
        await wait_for(pilot, lambda: state(app).place.kind == "related")
        said = [n.message for n in list(app._notifications)[before:]]
        assert f"Following link {{{tag_link.n}}}: {tag_link.text.strip()}" in said, said


async def test_selected_link_followed_with_enter_says_nothing_extra() -> None:
    # n then Enter: the link is the one highlighted, so no notice repeats what is shown.
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        await open_article(pilot, "倒春寒来袭")
        before = len(app._notifications)
        await pilot.press("n", "enter")
        await pilot.pause()
        said = [n.message for n in list(app._notifications)[before:]]
        assert not any(m.startswith("Following link") for m in said), said
