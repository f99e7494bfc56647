"""The index fast path (no Target, no Link, lazy URL) lands where ``resolve`` lands."""

from __future__ import annotations

import random

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
