"""The index fast path (no Target, no Link, lazy URL) lands where ``resolve`` lands."""

from __future__ import annotations

import random

import pytest

from tui.core.models import Entry, Index
from tui.core.parse import parse_page
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
