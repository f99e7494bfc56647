"""Rows of places, built from page models of the bundled sample (parsed for real)."""

from __future__ import annotations

from pathlib import Path

from tui.core.mirror import SAMPLE_HOME
from tui.core.models import Home, Index
from tui.core.parse import parse_page
from tui.nav.places import RowKind, filter_rows, home_rows, index_rows

SAMPLE = Path(__file__).resolve().parents[2] / "tui" / "sample"


def _page(path: str) -> object:
    ref = SAMPLE_HOME.with_path(path)
    return parse_page(ref, (SAMPLE / ref.raw_path).read_text("utf-8"), SAMPLE_HOME)


def test_home_rows_are_sections_then_their_categories() -> None:
    home = _page("README.md")
    assert isinstance(home, Home)
    rows = home_rows(home)
    assert rows[0].kind is RowKind.SECTION and not rows[0].openable
    sections = [r for r in rows if r.kind is RowKind.SECTION]
    assert len(sections) >= len(home.sections)
    categories = [c for s in home.sections for c in s.categories]
    assert [r.ref for r in rows if r.kind is RowKind.INDEX] == [
        c.ref for c in categories if c.ref.path.startswith("indexes/")
    ]


def test_index_rows_keep_order_and_mark_external_entries() -> None:
    index = _page("indexes/E头条.md")
    assert isinstance(index, Index)
    rows = index_rows(index)
    assert [r.title for r in rows] == [e.title for e in index.entries]
    for row, entry in zip(rows, index.entries, strict=True):
        assert (row.kind is RowKind.EXTERNAL) == (entry.ref is None)
        assert row.readable == (entry.ref is not None)


def test_filter_keeps_matching_openable_rows() -> None:
    home = _page("README.md")
    assert isinstance(home, Home)
    rows = home_rows(home)
    assert filter_rows(rows, "") == rows
    some = rows[1].title[:1]
    kept = filter_rows(rows, f"  {some.upper()} ")
    assert kept and all(r.openable and some.casefold() in r.title.casefold() for r in kept)
    assert filter_rows(rows, "没有这种标题zzz") == []


def test_filter_matches_either_script() -> None:
    """A title in one script is found by a query in the other, as search finds it."""
    import opencc
    import pytest

    from tui.core.fold import fold

    if fold("臺灣") != "台湾":
        pytest.skip("OpenCC's table is not available here")
    to_traditional = opencc.OpenCC("s2t").convert
    index = _page("indexes/E头条.md")
    assert isinstance(index, Index)
    rows = index_rows(index)
    title = next(r.title for r in rows if len(r.title) >= 4)
    traditional = to_traditional(title)
    assert traditional != title  # the query really is in the other script
    assert [r.title for r in filter_rows(rows, traditional[:4])] == [
        r.title for r in filter_rows(rows, title[:4])
    ]
    assert title in [r.title for r in filter_rows(rows, traditional[:4])]


def test_index_rows_are_made_only_when_asked_for() -> None:
    from tui.core.models import Entry, Index
    from tui.nav.places import index_rows

    home = SAMPLE_HOME
    refs = [home.with_path(f"pages/x/{n}.md") for n in range(15000)]
    entries = [Entry(f"第{n}条", r.path, r.blob_url, r) for n, r in enumerate(refs)]
    entries.append(Entry("外站", "http://1.2.3.4/", "http://1.2.3.4/"))
    rows = index_rows(Index(home, "大列表", entries=entries))
    assert len(rows) == 15001
    assert rows.made() == 0  # nothing built yet
    assert rows[7].title == "第7条" and rows[7] is rows[7]
    assert [r.title for r in rows[10:13]] == ["第10条", "第11条", "第12条"]
    assert rows[-1].kind is RowKind.EXTERNAL and rows[-1].url == "http://1.2.3.4/"
    assert rows.made() == 5
    assert filter_rows(rows, "") is rows
    assert [r.title for r in filter_rows(rows, "第149")][:2] == ["第149条", "第1490条"]


def test_all_articles_headings_count_their_group() -> None:
    from datetime import date

    from tui.core.library import Known
    from tui.nav.places import all_rows

    def known(n: int, source: str | None) -> Known:
        return Known(
            SAMPLE_HOME.with_path(f"pages/a/{n}.md"), f"题{n}", date(2024, 1, n), None
        )._replace(source=source)

    rows = all_rows(
        [known(1, "甲"), known(2, "甲"), known(3, "甲"), known(4, None), known(5, "乙")]
    )
    headings = [r.title for r in rows if r.kind is RowKind.SECTION]
    assert headings == ["甲 · 3 articles", "Other · 1 article", "乙 · 1 article"]
    assert [r.title for r in rows if r.kind is RowKind.ARTICLE] == [f"题{n}" for n in range(1, 6)]
    assert all_rows([]) == []
