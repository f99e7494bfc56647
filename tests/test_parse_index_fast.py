"""The index fast path (no Target, no Link, lazy URL) lands where ``resolve`` lands."""

from __future__ import annotations

import random

import pytest

from tui.core.models import Entry, Index
from tui.core.parse import parse_page
from tui.core.parse.dirnames import majority_directory
from tui.core.urls import DEFAULT_HOME, LinkKind, PageRef, resolve

SEGMENTS = ["..", ".", "", "pages", "p1", "a.md", "B.MD", ".h", "x", "...", "n1.md"]


def test_entries_match_resolve_on_random_plain_hrefs() -> None:
    rng = random.Random(13)
    for base in ("indexes/E类.md", "indexes/p2.md"):
        ref = DEFAULT_HOME.with_path(base)
        hrefs = [
            "/".join(rng.choice(SEGMENTS) for _ in range(rng.randint(1, 6))) for _ in range(400)
        ]
        hrefs = [h + rng.choice(["", "?t=1", "?n2"]) for h in hrefs if h and h[0] != "/"]
        text = "\n\n".join(f"#### [第{i}条]({h})" for i, h in enumerate(hrefs))
        page = parse_page(ref, text, DEFAULT_HOME)
        assert isinstance(page, Index)
        want = []
        for i, h in enumerate(hrefs):
            target = resolve(ref, h)
            assert target is not None
            if target.kind is LinkKind.PAGE and target.ref is not None:
                want.append((f"第{i}条", target.ref.target(DEFAULT_HOME), target.url))
            else:
                want.append((f"第{i}条", target.url, target.url))
        assert [(e.title, e.target, e.url) for e in page.entries] == want


def test_entry_url_is_made_on_first_use() -> None:
    ref = PageRef("o", "r", "master", "pages/中文/1.md")
    lazy = Entry("题", ref.path, None, ref)
    assert lazy.url == ref.blob_url == Entry("题", ref.path, ref.blob_url, ref).url
    assert Entry("外", "http://203.0.113.9/", "http://203.0.113.9/").external
    assert Entry("外", "http://203.0.113.9/").url == "http://203.0.113.9/"


# Titles as the fast path reads them: what _FAST_LINE lets through, with every kind of
# whitespace and unsafe character the cleaning handles.
_TITLE_CHARS = "题文 \t\u00a0\u3000\u2003\u200b\u202e\x7f\x1b\u0085abc1"


def test_titles_clean_in_bulk_exactly_as_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path cleans all titles with one look when none needs it; whatever the mix,
    the entries are those of cleaning each title alone."""
    import tui.core.parse.index as index_module

    rng = random.Random(5)
    ref = DEFAULT_HOME.with_path("indexes/E类.md")
    bulk_used = 0
    for round_ in range(300):
        clean_only = round_ % 2 == 0
        chars = "题文ab1 " if clean_only else _TITLE_CHARS
        raws = []
        for _ in range(rng.randint(1, 8)):
            raw = "".join(rng.choice(chars) for _ in range(rng.randint(1, 10)))
            raws.append(" ".join(raw.split()) if clean_only else raw)
        text = "\n\n".join(f"#### [{raw}](../pages/p1/n{i}.md)" for i, raw in enumerate(raws))
        with monkeypatch.context() as m:
            m.setattr(index_module, "_all_clean", lambda titles: False)
            alone = parse_page(ref, text, DEFAULT_HOME)
        bulk = parse_page(ref, text, DEFAULT_HOME)
        assert isinstance(alone, Index) and isinstance(bulk, Index)
        assert [(e.title, e.ref) for e in bulk.entries] == [
            (e.title, e.ref) for e in alone.entries
        ], raws
        bulk_used += index_module._all_clean("\n".join(raws))
    assert bulk_used >= 100  # the one-look path was taken, not only the slow one


# Lines an index page can hold around its entries: entry lines the fast path reads, entry
# lines it must leave to markdown-it (a title with emphasis, an absolute href, a line after a
# paragraph line, which continues that paragraph), paragraphs, other headings, spaces-only
# lines, fenced code and HTML blocks that can run over blank lines and swallow headings.
_LINES = [
    "#### [第{i}条新闻](../pages/nsc413/n{i}.md?t=1)",
    "### [题{i}](../pages/p2/n{i}.md)",
    "#### [同目录{i}](../pages/p2/m{i}.md)",
    "#### [题{i}](../pages/p2/n{i}.md)   ",
    "#### [*强调*{i}](../pages/p2/n{i}.md)",
    "#### [题{i}](/pages/p2/n{i}.md)",
    "#### [题{i}](https://example.org/{i})",
    "#### 无链接的标题 {i}",
    "说明文字 {i}",
    "[返回首页](../README.md) | [其他](../indexes/E类.md)",
    "",
    "",
    "   ",
    "\t",
    "```",
    "~~~",
    "<pre>",
    "</pre>",
    "#### [题{i}](../pages/p2/n{i}.md)\r",
    "    #### [缩进{i}](../pages/p2/n{i}.md)",
    "> #### [引用{i}](../pages/p2/n{i}.md)",
]


def test_fast_path_reads_exactly_what_markdown_it_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever surrounds the entry lines, the index is the one markdown-it alone makes of
    the page: the same entries, in the same order."""
    import tui.core.parse.index as index_module

    rng = random.Random(8)
    ref = DEFAULT_HOME.with_path("indexes/E类.md")
    fast_read = 0
    for round_ in range(400):
        weights = (
            [6, 3, 4 * (round_ % 4), 1, 1, 1, 1, 1, 2, 1, 6, 6, 1, 1]
            + [0.2 if round_ % 3 else 0] * 4
            + [
                0.5,
                0.5,
                0.5,
            ]
        )
        lines = [rng.choices(_LINES, weights)[0].format(i=i) for i in range(rng.randint(1, 30))]
        text = "\n".join(lines) + rng.choice(["", "\n", "\n\n"])
        with monkeypatch.context() as m:
            m.setattr(
                index_module, "_split_fast", lambda text: index_module._Fast([], [], [], text)
            )
            full = index_module.parse_index(ref, text, DEFAULT_HOME)
        fast = index_module.parse_index(ref, text, DEFAULT_HOME)
        assert [(e.title, e.target, e.url) for e in fast.entries] == [
            (e.title, e.target, e.url) for e in full.entries
        ], text
        assert fast.directory == full.directory == majority_directory(full.entries), text
        fast_read += len(index_module._split_fast(text).starts)
    assert fast_read >= 1000  # the fast path did the reading, not only markdown-it
