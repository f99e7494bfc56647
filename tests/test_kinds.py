"""The one page-kind rule: what the path says, what a root README's text says, how fresh."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.corpus import pages
from tui.core.kinds import (
    ARTICLE_FRESHNESS,
    LIST_FRESHNESS,
    PageKind,
    detect_kind,
    freshness,
    is_root_readme,
    kind_by_path,
)
from tui.core.parse import parse_page
from tui.core.urls import DEFAULT_HOME, PageRef

HOME = PageRef("o", "r", "master", "README.md")
OTHER = PageRef("o", "basic", "master", "README.md")
HOME_TEXT = "#### 栏目\n" + "".join(f"[c{i}](indexes/E{i}.md?t=1) " for i in range(3))
ARTICLE_TEXT = "### 标题\n---\n正文\n原文地址（需翻墙访问）：https://example.org/a.html\n"


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("indexes/E头条.md", PageKind.INDEX),
        ("Indexes/E头条.MD", PageKind.INDEX),
        ("pages/nsc423/n13573222.md", PageKind.ARTICLE),
        ("pages/p1/sub/1.markdown", PageKind.ARTICLE),
        ("pages/p1/1.png", PageKind.DOCUMENT),
        ("indexes/E头条.md.png", PageKind.DOCUMENT),
        ("LICENSE", PageKind.DOCUMENT),
    ],
)
def test_the_path_decides_the_mirror_layout(path: str, kind: PageKind) -> None:
    ref = HOME.with_path(path)
    assert kind_by_path(ref) is kind
    # The text cannot override the path: an index stays an index whatever it holds.
    assert detect_kind(ref, ARTICLE_TEXT) is kind
    assert detect_kind(ref, HOME_TEXT) is kind


@pytest.mark.parametrize(
    "path", ["README.md", "readme.md", "index.md", "indexes/sub/x.md", "pages/x.md", "notes/a.md"]
)
def test_pages_outside_the_layout_are_left_to_their_text(path: str) -> None:
    assert kind_by_path(HOME.with_path(path)) is None


def test_the_mirror_home_is_a_home_by_definition() -> None:
    assert kind_by_path(HOME, home=HOME) is PageKind.HOME
    assert kind_by_path(OTHER, home=HOME) is None  # another repository's README: text decides
    assert kind_by_path(HOME.with_path("indexes/E.md"), home=HOME) is PageKind.INDEX


def test_root_readmes() -> None:
    assert is_root_readme(HOME) and is_root_readme(HOME.with_path("INDEX.md"))
    assert not is_root_readme(HOME.with_path("docs/README.md"))
    assert not is_root_readme(HOME.with_path("readme.txt"))
    # A root README that links category indexes is a home; one link is not enough.
    assert detect_kind(OTHER, HOME_TEXT) is PageKind.HOME
    assert detect_kind(OTHER, "# a readme\n[one](indexes/E1.md)\n") is PageKind.DOCUMENT
    assert detect_kind(OTHER, "") is PageKind.DOCUMENT
    # Only the page's head is read: links far down a long README do not make it a home.
    assert detect_kind(OTHER, "x" * 20_000 + HOME_TEXT) is PageKind.DOCUMENT
    # A README is never taken for an article, whatever its text.
    assert detect_kind(OTHER, ARTICLE_TEXT) is PageKind.DOCUMENT


def test_content_rule_for_articles_elsewhere() -> None:
    ref = HOME.with_path("saved/a.md")
    assert detect_kind(ref, ARTICLE_TEXT) is PageKind.ARTICLE
    share = ARTICLE_TEXT.replace("原文地址", "手机上长按并复制下列链接")
    assert detect_kind(ref, share) is PageKind.ARTICLE
    # A title over a rule alone is any Markdown document; the mirror's own lines decide.
    assert detect_kind(ref, "### 标题\n---\n正文\n") is PageKind.DOCUMENT
    # The mirror's lines without the title-over-rule head are not an article either.
    assert detect_kind(ref, "正文\n原文地址：https://example.org/\n") is PageKind.DOCUMENT
    assert detect_kind(ref, "  ## Title\n=====\n原文地址\n") is PageKind.ARTICLE


def test_is_list() -> None:
    assert PageKind.HOME.is_list and PageKind.INDEX.is_list
    assert not PageKind.ARTICLE.is_list and not PageKind.DOCUMENT.is_list
    assert PageKind("index") is PageKind.INDEX and PageKind.ARTICLE == "article"


def test_freshness() -> None:
    assert timedelta(minutes=10) == LIST_FRESHNESS
    assert timedelta(days=30) == ARTICLE_FRESHNESS
    assert freshness(HOME.with_path("pages/p1/1.md")) == ARTICLE_FRESHNESS
    for path in ("README.md", "indexes/E头条.md", "pages/x.md", "pages/p1/1.png", "a/b.md"):
        assert freshness(HOME.with_path(path)) == LIST_FRESHNESS, path


def test_parse_page_routes_by_the_same_rule() -> None:
    assert parse_page(OTHER, HOME_TEXT).kind == PageKind.HOME
    assert parse_page(HOME.with_path("saved/a.md"), ARTICLE_TEXT).kind == PageKind.ARTICLE
    assert parse_page(HOME.with_path("indexes/E.md"), ARTICLE_TEXT).kind == PageKind.INDEX
    assert parse_page(OTHER, "# a readme\n").kind == PageKind.DOCUMENT


@pytest.mark.parametrize("page", pages(), ids=lambda p: p.ref.key)
def test_every_corpus_page_gets_its_manifest_kind(page) -> None:
    """The manifest's kinds were assigned by hand; the rule must agree on every real page."""
    expected = {"other": PageKind.DOCUMENT}.get(page.kind, page.kind)
    home = DEFAULT_HOME if page.ref.repo == DEFAULT_HOME.repo else None
    by_path = kind_by_path(page.ref, home)
    assert detect_kind(page.ref, page.text()) == expected
    assert by_path is None or by_path == expected
