"""The library of known articles: tags -> articles, index entries, read state, on disk."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.corpus import pages
from tui.core.library import LIBRARY_FILE, Library
from tui.core.models import Article, Category, Entry, Tag
from tui.core.parse import parse_page
from tui.core.urls import PageRef

HOME = PageRef("o", "news", "master", "README.md")


def article(n: int, day: int | None, *tags: str, title: str | None = None) -> Article:
    ref = HOME.with_path(f"pages/p1/{n}.md")
    return Article(
        ref,
        title or f"文章{n}",
        published=date(2024, 3, day) if day else None,
        category=Category("看大陆", HOME.with_path("indexes/S看大陆.md")),
        tags=[Tag(t, f"https://www.secretchina.com/news/gb/tag/{t}") for t in tags],
    )


def test_related_lists_are_newest_first_without_the_current_article() -> None:
    lib = Library(None)
    for a in (article(1, 5, "云溪市", "天气"), article(2, 9, "云溪市"), article(3, None, "云溪市")):
        lib.record(a)
    lib.record(article(4, 7, "图书馆"))
    related = lib.related("云溪市", HOME.repo_id, exclude=HOME.with_path("pages/p1/1.md"))
    assert [k.ref.path for k in related] == ["pages/p1/2.md", "pages/p1/3.md"]
    assert related[0].published == date(2024, 3, 9) and related[0].category == "看大陆"
    assert lib.related("云溪市", "other/repo@master") == []


def test_recording_again_replaces_the_tags() -> None:
    lib = Library(None)
    lib.record(article(1, 5, "云溪市"))
    lib.record(article(1, 5, "天气"))
    assert lib.related("云溪市", HOME.repo_id) == []
    assert [k.ref.path for k in lib.related("天气", HOME.repo_id)] == ["pages/p1/1.md"]


def test_index_entries_whose_title_holds_the_tag_follow_without_duplicates() -> None:
    lib = Library(None)
    lib.record(article(1, 5, "云溪市"))
    entries = [
        Entry("云溪市图书馆开放", "pages/p1/1.md", "u", HOME.with_path("pages/p1/1.md")),
        Entry("云溪市大桥通车", "pages/p1/8.md", "u", HOME.with_path("pages/p1/8.md")),
        Entry("别的新闻", "pages/p1/9.md", "u", HOME.with_path("pages/p1/9.md")),
        Entry("外部视频", "http://203.0.113.5/", "http://203.0.113.5/", None),
    ]
    lib.record_entries(entries)
    related = lib.related("云溪市", HOME.repo_id)
    assert [(k.ref.path, k.parsed) for k in related] == [
        ("pages/p1/1.md", True),
        ("pages/p1/8.md", False),
    ]


def test_like_wildcards_and_quotes_in_tags_are_literal() -> None:
    lib = Library(None)
    lib.record_entries([Entry("百分之百_真相", "p", "u", HOME.with_path("pages/a.md"))])
    lib.record_entries([Entry("O'Brien 访谈", "p", "u", HOME.with_path("pages/b.md"))])
    assert lib.related("%", HOME.repo_id) == []
    assert lib.related("_", HOME.repo_id)[0].ref.path == "pages/a.md"
    assert lib.related("O'Brien", HOME.repo_id)[0].ref.path == "pages/b.md"


def test_read_state_and_articles_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / LIBRARY_FILE
    lib = Library(path)
    lib.record(article(1, 5, "云溪市"))
    lib.mark_read(HOME.with_path("pages/p1/1.md"))
    lib.close()
    again = Library(path)
    assert again.is_read(HOME.with_path("pages/p1/1.md"))
    assert not again.is_read(HOME.with_path("pages/p1/2.md"))
    assert again.is_known(HOME.with_path("pages/p1/1.md"))
    assert again.read_keys() == {HOME.with_path("pages/p1/1.md").key}
    assert again.warnings == []


def test_a_damaged_library_is_moved_aside_and_started_anew(tmp_path: Path) -> None:
    path = tmp_path / LIBRARY_FILE
    path.write_bytes(b"this is not a database" * 100)
    lib = Library(path)
    assert lib.warnings and "damaged" in lib.warnings[0]
    assert list(tmp_path.glob(f"{LIBRARY_FILE}.corrupt-*"))
    lib.record(article(1, 5, "云溪市"))
    assert lib.is_known(HOME.with_path("pages/p1/1.md"))


def test_an_unwritable_place_keeps_the_library_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    lib = Library(blocker / "sub" / LIBRARY_FILE)  # a folder cannot be made under a file
    assert lib.warnings
    lib.record(article(1, 5, "云溪市"))
    assert lib.is_known(HOME.with_path("pages/p1/1.md"))


def test_corpus_articles_sharing_a_tag_find_each_other(tmp_path: Path) -> None:
    lib = Library(tmp_path / LIBRARY_FILE)
    home = pages("home")[0].ref
    parsed = [parse_page(p.ref, p.text(), home) for p in pages("article")]
    articles = [a for a in parsed if isinstance(a, Article)]
    for a in articles:
        lib.record(a)
    by_tag: dict[str, set[str]] = {}
    for a in articles:
        for tag in a.tags:
            by_tag.setdefault(tag.name, set()).add(a.ref.key)
    shared = {t: keys for t, keys in by_tag.items() if len(keys) >= 3}
    assert shared
    for tag, keys in shared.items():
        found = {k.ref.key for k in lib.related(tag, home.repo_id)}
        assert found == keys, tag
