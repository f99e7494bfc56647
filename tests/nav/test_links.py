"""The links view's rows: kinds, and a filter that finds a kind by the name it is shown by."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tui.core.mirror import SAMPLE_HOME, sample_mirror
from tui.core.models import Article
from tui.core.parse import parse_page
from tui.core.urls import PageRef
from tui.i18n import get_language, set_language
from tui.nav.links import filter_link_rows, link_rows

ARTICLE = PageRef("goodnews-sample", "goodnews", "master", "pages/nsc422/n14200030.md")


@pytest.fixture
def article() -> Article:
    root = sample_mirror().source.root  # type: ignore[attr-defined]
    page = parse_page(ARTICLE, (root / ARTICLE.raw_path).read_text("utf-8"), SAMPLE_HOME)
    assert isinstance(page, Article) and page.tags
    return page


@pytest.fixture
def chinese() -> Iterator[None]:
    before = get_language()
    set_language("zh-Hans")
    yield
    set_language(before)


def test_tags_are_found_by_their_shown_kind_and_by_name(article: Article, chinese: None) -> None:
    from tui.core.layout import link_kind_label

    rows = link_rows(article, SAMPLE_HOME)
    tags = [r for r in rows if r.kind == "tag"]
    assert tags and len(tags) < len(rows)
    shown = link_kind_label("tag")
    assert shown != "tag"  # the interface speaks Chinese here
    assert filter_link_rows(rows, shown) == tags
    assert filter_link_rows(rows, "tag") == tags
