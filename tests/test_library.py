"""The library of known articles: tags -> articles, index entries, read state, on disk.

Related lists are checked against the rule they implement (substring of the title, with
SQLite ``LIKE``'s ASCII-only case folding), computed here in Python from the same data; the
title index must give exactly that, through indexes, whatever the tag holds.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.corpus import pages
from tui.core import library
from tui.core.fold import fold
from tui.core.library import (
    BATCH,
    LIBRARY_FILE,
    TITLE_INDEX,
    Library,
    fts_phrase,
    fts_text,
)
from tui.core.models import Article, Category, Entry, Index, Tag
from tui.core.parse import parse_page
from tui.core.urls import PageRef

HOME = PageRef("o", "news", "master", "README.md")

# The schema of library files written before the title index existed.
OLD_SCHEMA = """
CREATE TABLE articles (key TEXT PRIMARY KEY, repo TEXT NOT NULL, title TEXT NOT NULL,
    published TEXT, category TEXT, seen REAL NOT NULL);
CREATE TABLE tags (key TEXT NOT NULL, tag TEXT NOT NULL, pos INTEGER NOT NULL,
    PRIMARY KEY (key, tag));
CREATE INDEX tags_by_tag ON tags (tag);
CREATE TABLE entries (key TEXT PRIMARY KEY, repo TEXT NOT NULL, title TEXT NOT NULL,
    seen REAL NOT NULL);
CREATE TABLE reads (key TEXT PRIMARY KEY, at REAL NOT NULL);
"""


def article(n: int, day: int | None, *tags: str, title: str | None = None) -> Article:
    ref = HOME.with_path(f"pages/p1/{n}.md")
    return Article(
        ref,
        title or f"文章{n}",
        published=date(2024, 3, day) if day else None,
        category=Category("看大陆", HOME.with_path("indexes/S看大陆.md")),
        tags=[Tag(t, f"https://www.secretchina.com/news/gb/tag/{t}") for t in tags],
    )


def entry(title: str, path: str, home: PageRef = HOME) -> Entry:
    return Entry(title, path, "u", home.with_path(path))


def ascii_fold(text: str) -> str:
    """SQLite's LIKE folds the case of ASCII letters only."""
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


def holding(titles: dict[str, str], tag: str) -> set[str]:
    """The substring rule, in Python: paths of the titles that hold ``tag``."""
    return {path for path, title in titles.items() if ascii_fold(tag) in ascii_fold(title)}


def entry_paths(lib: Library, tag: str) -> set[str]:
    return {k.ref.path for k in lib.related(tag, HOME.repo_id) if not k.parsed}


@contextmanager
def statements(lib: Library) -> Iterator[list[str]]:
    """Every SQL statement the library runs inside the block (SQLite's own trace hook)."""
    seen: list[str] = []
    with lib._reading():
        pass  # opens the reader connection, which the short reads go through
    connections = [lib._db, *lib._readers.values()]
    for db in connections:
        db.set_trace_callback(seen.append)
    try:
        yield seen
    finally:
        for db in connections:
            db.set_trace_callback(None)


# -- related lists ------------------------------------------------------------------------


def test_related_lists_are_newest_first_without_the_current_article() -> None:
    lib = Library(None)
    for a in (article(1, 5, "云溪市", "天气"), article(2, 9, "云溪市"), article(3, None, "云溪市")):
        lib.record(a)
    lib.record(article(4, 7, "图书馆"))
    related = lib.related("云溪市", HOME.repo_id, exclude=HOME.with_path("pages/p1/1.md"))
    assert [k.ref.path for k in related] == ["pages/p1/2.md", "pages/p1/3.md"]
    assert related[0].published == date(2024, 3, 9) and related[0].category == "看大陆"
    assert lib.related("云溪市", "other/repo@master") == []


def test_articles_come_first_by_date_then_title_and_entries_follow_most_recently_listed() -> None:
    lib = Library(None)
    lib.record_many(
        [
            article(1, 5, "桥", title="乙"),
            article(2, 5, "桥", title="甲"),
            article(3, None, "桥"),
            article(4, 20, "桥"),
        ]
    )
    lib.record_entries([entry("旧的桥", "pages/e/1.md"), entry("大桥", "pages/p1/2.md")])
    time.sleep(0.01)
    lib.record_entries([entry("新的桥", "pages/e/2.md"), entry("桥下", "pages/e/3.md")])
    related = lib.related("桥", HOME.repo_id, exclude=HOME.with_path("pages/e/3.md"))
    # Dates descending (equal dates by title), undated last; then entries, the later batch
    # first; the entry of an article already listed and the excluded one are left out.
    articles = [a for a in related if a.parsed]
    assert [a.published for a in articles] == sorted(
        (a.published for a in articles if a.published), reverse=True
    ) + [None]
    same_day = [a.title for a in articles if a.published == date(2024, 3, 5)]
    assert same_day == sorted(same_day)
    assert [k.ref.path for k in related if not k.parsed] == ["pages/e/2.md", "pages/e/1.md"]
    keys = [k.ref.key for k in related]
    assert len(keys) == len(set(keys)) == 6


def test_an_article_filed_in_two_directories_is_listed_once() -> None:
    lib = Library(None)

    def filed(directory: str, n: int, day: int | None, title: str) -> Article:
        page = article(n, day, "云溪市", title=title)
        page.ref = HOME.with_path(f"pages/{directory}/{n}.md")
        return page

    lib.record_many(
        [
            filed("nf4514", 1, 5, "同一篇"),
            filed("nsc412", 1, 5, "同一篇"),  # the same article, filed twice
            filed("nsc412", 2, 6, "同一篇"),  # the same title another day: another article
            filed("nsc412", 3, None, "无日期"),
            filed("nf4514", 3, None, "无日期"),  # undated copies: one
        ]
    )
    lib.record_entries([entry("云溪市 同一篇", "pages/e/9.md"), entry("同一篇", "pages/e/8.md")])
    related = lib.related("云溪市", HOME.repo_id)
    rows = [(k.title, k.published) for k in related]
    assert rows == [
        ("同一篇", date(2024, 3, 6)),
        ("同一篇", date(2024, 3, 5)),
        ("无日期", None),
        ("云溪市 同一篇", None),  # an entry of its own title; "同一篇" is listed already
    ]


def test_a_related_list_makes_only_the_rows_asked_for() -> None:
    """A tag carried by thousands of articles: the list holds them all, in order, and makes
    the ``Known`` (and the row) of an article only when it is asked for (drawn)."""
    from tui.core.lazy import LazyMap
    from tui.nav.places import openable_count, related_rows

    lib = Library(None)
    lib.record_many([article(n, 1 + n % 28, "云溪市") for n in range(3000)])
    lib.record_entries([entry("云溪市的新桥", "pages/e/1.md")])
    related = lib.related("云溪市", HOME.repo_id)
    assert isinstance(related, LazyMap) and len(related) == 3001 and related.made() == 0
    rows = related_rows(related)
    assert openable_count(rows) == 3001 and related.made() == 0
    first, last = rows[0], rows[-1]
    assert related.made() == 2 and isinstance(rows, LazyMap) and rows.made() == 2
    assert first.date == "2024-03-28" and first.source is None
    assert last.title == "云溪市的新桥" and not related[-1].parsed
    # Everything made, it is the list the eager rule gives: newest first, then title.
    dates = [k.published for k in related[:-1]]
    assert dates == sorted(dates, reverse=True)
    assert related == list(related) and related != list(related)[1:]


def test_recording_again_replaces_the_tags() -> None:
    lib = Library(None)
    lib.record(article(1, 5, "云溪市"))
    lib.record(article(1, 5, "天气"))
    assert lib.related("云溪市", HOME.repo_id) == []
    assert [k.ref.path for k in lib.related("天气", HOME.repo_id)] == ["pages/p1/1.md"]


def test_an_article_that_cannot_be_stored_costs_only_itself_in_a_batch() -> None:
    """``record_many`` writes a batch in one transaction; a record whose text SQLite
    refuses (a lone surrogate) fails alone, with one warning, and the others are kept."""
    lib = Library(None)
    bad = article(2, 6, "天气", title="坏\ud800标题")
    lib.record_many([article(1, 5, "天气"), bad, article(3, 7, "天气")])
    paths = sorted(k.ref.path for k in lib.related("天气", HOME.repo_id))
    assert paths == ["pages/p1/1.md", "pages/p1/3.md"]
    assert len(lib.warnings) == 1 and "Could not save to the library" in lib.warnings[0]


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


TITLES = {
    "pages/t/1.md": "云溪市图书馆开放",
    "pages/t/2.md": "云溪大桥通车：市民欢迎",
    "pages/t/3.md": "溪边的云，市里的雨",  # the characters of 云溪市, never together
    "pages/t/4.md": "云，溪",  # 云 and 溪 as neighbouring tokens, not as a substring
    "pages/t/5.md": "iPhone15发布会",
    "pages/t/6.md": "G20峰会在云溪市举行",
    "pages/t/7.md": "IPHONE 用户调查",
    "pages/t/8.md": "专访 O'Brien：新冠COVID-19之后",
    "pages/t/9.md": "台積電與臺灣",
    "pages/t/10.md": "天气 晴",
}


@pytest.mark.parametrize(
    "tag",
    [
        "云",  # one character
        "云溪",  # two
        "云溪市",  # three
        "市图书馆开",  # longer
        "溪",
        "，",  # punctuation only: no token, the scan answers
        "台積電",  # traditional characters
        "iPhone",  # a Latin word, any case, also at the start of iPhone15
        "iphone",
        "IPHONE",
        "G20",  # letters and digits
        "G20峰会",  # Latin then CJK
        "新冠COVID",  # CJK then Latin
        "COVID-19",
        "O'Brien",  # an apostrophe
        "天气 晴",  # a space
        "没有",  # no title holds it
    ],
)
def test_titles_holding_a_tag_of_any_length_and_script(tag: str) -> None:
    lib = Library(None)
    lib.record_entries([entry(title, path) for path, title in TITLES.items()])
    assert lib.titles_indexed
    assert entry_paths(lib, tag) == holding(TITLES, tag)
    assert lib.warnings == []


HOSTILE_TAGS = [
    '"',
    '""',
    'a"b',
    '云"溪',
    "'",
    "AND",
    "OR",
    "NOT",
    "云 OR 溪",
    "云 NOT 溪",
    "NEAR(云 溪)",
    "title:云",
    "^云",
    "云*",
    "*",
    "(",
    ")",
    "-云",
    "+",
    "{title}: 云",
    "%",
    "_",
    "\\",
    "%云%",
    "\x00",
    "云" * 10_000,
]


@pytest.mark.parametrize("tag", HOSTILE_TAGS)
def test_fts_syntax_and_quotes_in_a_tag_are_just_characters(tag: str) -> None:
    titles = {
        **TITLES,
        "pages/h/1.md": '他说"云溪"很美',
        "pages/h/2.md": "云 OR 溪：AND NOT",
        "pages/h/3.md": "NEAR(云 溪) title:云 ^云 云* -云 {title}: 云",
        "pages/h/4.md": "百分之百_真相 %云% 反斜杠\\",
        "pages/h/5.md": "O'Brien a\"b",
    }
    lib = Library(None)
    lib.record_entries([entry(title, path) for path, title in titles.items()])
    lib.record(article(1, 5, tag))
    related = lib.related(tag, HOME.repo_id)
    assert related[0].ref.path == "pages/p1/1.md"  # the article carrying this very tag
    assert {k.ref.path for k in related[1:]} == holding(titles, tag)
    assert lib.warnings == []


def test_like_wildcards_and_quotes_in_tags_are_literal() -> None:
    lib = Library(None)
    lib.record_entries([Entry("百分之百_真相", "p", "u", HOME.with_path("pages/a.md"))])
    lib.record_entries([Entry("O'Brien 访谈", "p", "u", HOME.with_path("pages/b.md"))])
    assert lib.related("%", HOME.repo_id) == []
    assert lib.related("_", HOME.repo_id)[0].ref.path == "pages/a.md"
    assert lib.related("O'Brien", HOME.repo_id)[0].ref.path == "pages/b.md"


# Titles and tags from CJK, punctuation, spaces and FTS syntax; Latin words have their own
# tests above (the index holds them as whole words).
TEXT = st.text(alphabet="云溪市图书馆大桥的台積電，。、：“”\"' *^:()-+%_\\{}", max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(titles=st.lists(TEXT, min_size=1, max_size=12), tag=TEXT, pick=st.integers(0, 11))
def test_the_title_index_agrees_with_the_substring_rule(
    titles: list[str], tag: str, pick: int
) -> None:
    lib = Library(None)
    by_path = {f"pages/g/{i}.md": title for i, title in enumerate(titles)}
    lib.record_entries([entry(title, path) for path, title in by_path.items()])
    for probe in (tag, titles[pick % len(titles)][1:4]):  # also a piece of a real title
        if probe:
            # One row a title (a title listed twice is one article filed twice).
            listed = [k.title for k in lib.related(probe, HOME.repo_id) if not k.parsed]
            assert len(listed) == len(set(listed)), probe
            assert set(listed) == {by_path[p] for p in holding(by_path, probe)}, probe
            assert entry_paths(lib, probe) <= holding(by_path, probe), probe
    assert lib.warnings == []


def test_fts_text_spaces_cjk_and_keeps_latin_words() -> None:
    assert fts_text("G20峰会iPhone15") == "G20 峰 会 iPhone15"
    assert fts_text("O'Brien") == "O'Brien"
    assert fts_phrase("%_%") is None
    assert fts_phrase('云"溪') == '"云 "" 溪"'
    assert fts_phrase("iPhone") == '"iPhone"*'


def test_related_lists_are_answered_from_indexes_not_scans(tmp_path: Path) -> None:
    lib = Library(tmp_path / LIBRARY_FILE)
    lib.record_many([article(n, n % 28 + 1, "云溪市", "天气") for n in range(300)])
    lib.record_entries([entry(f"云溪市新闻{n}", f"pages/e/{n}.md") for n in range(300)])
    with statements(lib) as run:
        related = lib.related("云溪市", HOME.repo_id)
    assert len(related) == 600
    plans = [
        str(row[3])
        for sql in run
        # FTS5 reads its own settings table once per connection: not a query of ours
        if sql.lstrip().upper().startswith("SELECT") and f"{TITLE_INDEX}_config" not in sql
        for row in lib._db.execute("EXPLAIN QUERY PLAN " + sql)
    ]
    assert any(TITLE_INDEX in plan and "INDEX" in plan for plan in plans)
    scans = [p for p in plans if p.startswith("SCAN") and "VIRTUAL TABLE INDEX" not in p]
    assert scans == []


# -- batches and read state ----------------------------------------------------------------


def test_known_keys_answers_thousands_of_keys_in_a_few_queries(tmp_path: Path) -> None:
    lib = Library(tmp_path / LIBRARY_FILE)
    lib.record_many([article(n, 1) for n in range(0, 3000, 2)])
    asked = [HOME.with_path(f"pages/p1/{n}.md").key for n in range(3000)]
    with statements(lib) as run:
        known = lib.known_keys([*asked, *asked[:100]])  # duplicates are asked once
    assert known == {k for n, k in enumerate(asked) if n % 2 == 0}
    selects = [s for s in run if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == -(-len(asked) // BATCH)
    assert lib.known_keys([]) == set()
    assert lib.known_keys(iter(["nobody/nothing@master:x.md"])) == set()


def test_record_many_writes_one_transaction_and_the_last_copy_wins(tmp_path: Path) -> None:
    lib = Library(tmp_path / LIBRARY_FILE)
    batch = [article(n, 3, "云溪市") for n in range(50)] + [article(7, 4, "天气")]
    with statements(lib) as run:
        lib.record_many(batch)
    assert sum(s.startswith("BEGIN") for s in run) == 1
    assert sum(s.startswith("COMMIT") for s in run) == 1
    assert len(lib.related("云溪市", HOME.repo_id)) == 49
    assert [k.ref.path for k in lib.related("天气", HOME.repo_id)] == ["pages/p1/7.md"]
    assert HOME.with_path("pages/p1/7.md").key in lib.known_keys(
        [HOME.with_path("pages/p1/7.md").key]
    )


def test_read_state_is_kept_in_memory_and_on_disk(tmp_path: Path) -> None:
    path = tmp_path / LIBRARY_FILE
    lib = Library(path)
    one, two = HOME.with_path("pages/p1/1.md"), HOME.with_path("pages/p1/2.md")
    lib.mark_read(one)
    lib.mark_read(two)
    before = lib.read_keys()
    lib.mark_unread(two)
    with statements(lib) as run:
        for _ in range(100):
            now = lib.read_keys()
    assert run == []  # drawing a list never reaches SQLite
    assert now == {one.key}
    assert before == {one.key, two.key}  # a snapshot taken earlier does not change under you
    lib.close()
    again = Library(path)
    assert again.read_keys() == {one.key}
    assert again.warnings == []


def test_read_state_and_articles_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / LIBRARY_FILE
    lib = Library(path)
    lib.record(article(1, 5, "云溪市"))
    lib.record_entries([entry("云溪市大桥通车", "pages/p1/8.md")])
    lib.mark_read(HOME.with_path("pages/p1/1.md"))
    lib.close()
    again = Library(path)
    assert again.known_keys([HOME.with_path("pages/p1/1.md").key]) == {
        HOME.with_path("pages/p1/1.md").key
    }
    assert again.read_keys() == {HOME.with_path("pages/p1/1.md").key}
    assert [k.ref.path for k in again.related("云溪市", HOME.repo_id)] == [
        "pages/p1/1.md",
        "pages/p1/8.md",
    ]
    assert again.titles_indexed and again.warnings == []


# -- migration and damage ------------------------------------------------------------------


def old_library(path: Path, entries: int) -> None:
    """A library file as versions without the title index wrote it."""
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(OLD_SCHEMA)
    db.execute("BEGIN")
    db.execute(
        "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?)",
        (HOME.with_path("pages/p1/1.md").key, HOME.repo_id, "旧文章", "2024-03-05", "看大陆", 1.0),
    )
    db.execute("INSERT INTO tags VALUES (?, ?, ?)", (HOME.with_path("pages/p1/1.md").key, "桥", 0))
    db.executemany(
        "INSERT INTO entries VALUES (?, ?, ?, ?)",
        [
            (
                HOME.with_path(f"pages/e/{n}.md").key,
                HOME.repo_id,
                f"第{n}座桥" if n % 3 else "路",
                n,
            )
            for n in range(entries)
        ],
    )
    db.execute("INSERT INTO reads VALUES (?, ?)", (HOME.with_path("pages/p1/1.md").key, 2.0))
    db.execute("COMMIT")
    db.close()


def test_an_old_library_file_gets_its_title_index_on_first_open(tmp_path: Path) -> None:
    path = tmp_path / LIBRARY_FILE
    old_library(path, 600)
    lib = Library(path)
    assert lib.titles_indexed and lib.warnings == []
    related = lib.related("桥", HOME.repo_id)
    assert related[0].ref.path == "pages/p1/1.md" and related[0].title == "旧文章"
    assert {k.ref.path for k in related[1:]} == {f"pages/e/{n}.md" for n in range(600) if n % 3}
    assert [k.ref.path for k in related[1:4]] == [
        "pages/e/599.md",
        "pages/e/598.md",
        "pages/e/596.md",
    ]
    assert lib.read_keys() == {HOME.with_path("pages/p1/1.md").key}
    count = lib._db.execute(f"SELECT count(*) FROM {TITLE_INDEX}").fetchone()[0]
    assert count == 600
    lib.close()
    assert Library(path).related("桥", HOME.repo_id) == related


def test_entries_written_by_an_older_version_meanwhile_are_indexed_on_the_next_open(
    tmp_path: Path,
) -> None:
    path = tmp_path / LIBRARY_FILE
    lib = Library(path)
    lib.record_entries([entry("老桥", "pages/e/1.md"), entry("新闻", "pages/e/2.md")])
    lib.close()
    # An older goodnews-tui sharing the cache replaces rows (new rowids), index untouched.
    db = sqlite3.connect(path, isolation_level=None)
    db.execute(
        "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)",
        (HOME.with_path("pages/e/2.md").key, HOME.repo_id, "新桥", 9.0),
    )
    db.close()
    again = Library(path)
    assert again.titles_indexed
    assert entry_paths(again, "桥") == {"pages/e/1.md", "pages/e/2.md"}
    assert entry_paths(again, "新闻") == set()


def damage_title_index(path: Path) -> None:
    """Empty the FTS5 table's b-tree segments behind its back, as a torn disk write could."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute(f"DELETE FROM {TITLE_INDEX}_data")
    db.close()


def test_a_title_index_damaged_while_running_falls_back_to_the_scan(tmp_path: Path) -> None:
    path = tmp_path / LIBRARY_FILE
    lib = Library(path)
    lib.record_entries([entry(title, p) for p, title in TITLES.items()])
    assert lib.titles_indexed
    damage_title_index(path)

    assert entry_paths(lib, "云溪") == holding(TITLES, "云溪")
    assert not lib.titles_indexed
    assert any("title index" in w for w in lib.warnings)
    lib.record_entries([entry("云溪新村", "pages/t/new.md")])  # writes still land
    assert "pages/t/new.md" in entry_paths(lib, "云溪")
    lib.close()

    again = Library(path)  # the next start rebuilds it
    assert again.titles_indexed and again.warnings == []
    assert entry_paths(again, "云溪") == holding(TITLES, "云溪") | {"pages/t/new.md"}


def test_a_title_index_found_damaged_on_opening_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / LIBRARY_FILE
    lib = Library(path)
    lib.record_entries([entry(title, p) for p, title in TITLES.items()])
    lib.close()
    damage_title_index(path)
    lib = Library(path)
    assert lib.titles_indexed
    assert any("rebuilt" in w for w in lib.warnings)
    assert entry_paths(lib, "云溪") == holding(TITLES, "云溪")
    lib.close()
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    check.close()


def test_a_title_index_of_an_unknown_kind_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / LIBRARY_FILE
    Library(path).close()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute(f"DROP TABLE {TITLE_INDEX}")
    # A virtual table of a module this SQLite lacks (written by some other program).
    db.execute("PRAGMA writable_schema=ON")
    db.execute(
        "INSERT INTO sqlite_master VALUES ('table', ?, ?, 0, ?)",
        (TITLE_INDEX, TITLE_INDEX, f"CREATE VIRTUAL TABLE {TITLE_INDEX} USING nosuchmodule(t)"),
    )
    db.close()
    lib = Library(path)
    assert lib.titles_indexed
    lib.record_entries([entry(title, p) for p, title in TITLES.items()])
    assert entry_paths(lib, "云溪") == holding(TITLES, "云溪")


def test_without_fts5_related_lists_use_the_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a Python whose SQLite lacks FTS5 meets: the virtual table cannot be created.
    monkeypatch.setattr(
        library,
        "_CREATE_TITLE_INDEX",
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {TITLE_INDEX} USING nosuchmodule(title)",
    )
    lib = Library(tmp_path / LIBRARY_FILE)
    assert not lib.titles_indexed
    assert any("title index" in w for w in lib.warnings)
    lib.record_entries([entry(title, p) for p, title in TITLES.items()])
    lib.record(article(1, 2, "云溪"))
    assert entry_paths(lib, "云溪") == holding(TITLES, "云溪")
    assert lib.related("云溪", HOME.repo_id)[0].ref.path == "pages/p1/1.md"


def test_a_damaged_library_is_moved_aside_and_started_anew(tmp_path: Path) -> None:
    path = tmp_path / LIBRARY_FILE
    path.write_bytes(b"this is not a database" * 100)
    lib = Library(path)
    assert lib.warnings and "damaged" in lib.warnings[0]
    assert list(tmp_path.glob(f"{LIBRARY_FILE}.corrupt-*"))
    lib.record(article(1, 5, "云溪市"))
    assert HOME.with_path("pages/p1/1.md").key in lib.known_keys(
        [HOME.with_path("pages/p1/1.md").key]
    )
    assert lib.titles_indexed


def test_an_unwritable_place_keeps_the_library_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    lib = Library(blocker / "sub" / LIBRARY_FILE)  # a folder cannot be made under a file
    assert lib.warnings
    lib.record(article(1, 5, "云溪市"))
    assert HOME.with_path("pages/p1/1.md").key in lib.known_keys(
        [HOME.with_path("pages/p1/1.md").key]
    )


def test_failures_become_warnings_never_exceptions(tmp_path: Path) -> None:
    lib = Library(tmp_path / LIBRARY_FILE)
    lib.record_entries([entry("云溪", "pages/e/1.md")])
    lib.record(article(2, 1, "x", title="\ud800"))  # a lone surrogate cannot be stored
    assert lib.warnings
    lib.close()
    lib.record(article(1, 5, "云溪市"))
    lib.record_entries([entry("云溪", "pages/e/2.md")])
    lib.mark_read(HOME.with_path("pages/p1/1.md"))
    assert lib.related("云溪", HOME.repo_id) == []
    assert lib.known_keys([HOME.with_path("pages/p1/1.md").key]) == set()
    assert lib.read_keys() == {HOME.with_path("pages/p1/1.md").key}  # this session still knows
    assert any("Could not" in w for w in lib.warnings)


# -- threads and processes -----------------------------------------------------------------


def test_worker_threads_and_a_second_connection_share_the_library(tmp_path: Path) -> None:
    path = tmp_path / LIBRARY_FILE
    lib = Library(path)
    other = Library(path)  # as another goodnews-tui process on the same cache would
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def run(job: object) -> None:
        try:
            start.wait()
            job()  # type: ignore[operator]
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def prefetch(first: int) -> None:
        for n in range(first, first + 200, 20):
            lib.record_many([article(m, m % 28 + 1, "云溪市") for m in range(n, n + 20)])

    def listing() -> None:
        for n in range(20):
            other.record_entries(
                [entry(f"云溪{m}号", f"pages/e/{m}.md") for m in range(n * 25, n * 25 + 25)]
            )

    def drawing() -> None:
        for _ in range(50):
            lib.related("云溪市", HOME.repo_id)
            lib.known_keys(HOME.with_path(f"pages/p1/{m}.md").key for m in range(400))
            lib.read_keys()

    def reading() -> None:
        for m in range(100):
            lib.mark_read(HOME.with_path(f"pages/p1/{m}.md"))

    jobs = [lambda: prefetch(0), lambda: prefetch(200), listing, drawing, drawing, reading]
    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == [] and not any(t.is_alive() for t in threads)
    assert lib.warnings == [] and other.warnings == []
    assert len(lib.known_keys(HOME.with_path(f"pages/p1/{m}.md").key for m in range(400))) == 400
    related = lib.related("云溪", HOME.repo_id)
    assert sum(not k.parsed for k in related) == 500  # the other connection's entries
    assert len(lib.related("云溪市", HOME.repo_id)) == 400
    assert len(lib.read_keys()) == 100
    lib.close()
    other.close()


# -- the real corpus -----------------------------------------------------------------------


def corpus_library(tmp_path: Path) -> tuple[Library, PageRef, list[Article], list[Entry]]:
    lib = Library(tmp_path / LIBRARY_FILE)
    home = pages("home")[0].ref
    parsed = [parse_page(p.ref, p.text(), home) for p in pages("article", "index")]
    articles = [a for a in parsed if isinstance(a, Article)]
    entries = [e for i in parsed if isinstance(i, Index) for e in i.entries]
    lib.record_many(articles)
    lib.record_entries(entries)
    return lib, home, articles, entries


def test_corpus_articles_sharing_a_tag_find_each_other(tmp_path: Path) -> None:
    lib, home, articles, _ = corpus_library(tmp_path)
    by_tag: dict[str, set[str]] = {}
    for a in articles:
        for tag in a.tags:
            by_tag.setdefault(tag.name, set()).add(a.ref.key)
    shared = {t: keys for t, keys in by_tag.items() if len(keys) >= 3}
    assert shared
    for tag, keys in shared.items():
        found = {k.ref.key for k in lib.related(tag, home.repo_id) if k.parsed}
        assert found == keys, tag


def test_corpus_index_titles_holding_corpus_tags(tmp_path: Path) -> None:
    lib, home, articles, entries = corpus_library(tmp_path)
    assert lib.titles_indexed
    titles = {e.ref.key: e.title for e in entries if e.ref is not None and e.ref.same_repo(home)}
    tags = {t.name for a in articles for t in a.tags}
    # Every tag, and 1-, 2- and 3-character pieces of real titles.
    pieces = {t[i : i + n] for t in list(titles.values())[:40] for n in (1, 2, 3) for i in (0, 3)}
    matched = 0
    for probe in sorted(p for p in tags | pieces if p.strip()):
        related = lib.related(probe, home.repo_id)
        tagged = {k.ref.key for k in related if k.parsed}
        # Either script names the same thing (issue 12): titles and probes folded alike.
        want = ascii_fold(fold(probe))
        expected = {k for k, t in titles.items() if want in ascii_fold(fold(t))}
        listed = [k for k in related if not k.parsed]
        article_titles = {k.title for k in related if k.parsed}
        assert len({k.title for k in listed}) == len(listed), probe  # a title once
        assert {k.ref.key for k in listed} <= expected - tagged, probe
        assert {k.title for k in listed} == {titles[k] for k in expected - tagged} - (
            article_titles
        ), probe
        matched += bool(listed)
    assert matched > 50
    assert lib.warnings == []


# -- the article text and its search index (issue 11) ---------------------------------------


def search_keys(lib: Library, text: str) -> set[str]:
    from tui.core.search import search

    return {r.ref.path for r in search(lib, text, limit=100).results}


def test_recording_again_replaces_the_indexed_text_and_leaves_no_stale_tokens(
    tmp_path: Path,
) -> None:
    from tui.core.models import Block, BlockType, Span

    path = tmp_path / LIBRARY_FILE
    lib = Library(path)
    first = article(1, 2, "云溪", title="旧标题")
    first.blocks = [Block(BlockType.PARAGRAPH, [Span("第一段落的文字")])]
    lib.record(first)
    assert search_keys(lib, "段落") == {"pages/p1/1.md"}
    data = lib._db.execute(
        f"SELECT count(*), sum(length(block)) FROM {library.SEARCH_INDEX}_data"
    ).fetchone()
    lib.record(first)  # the same text again: the index is not touched
    assert (
        lib._db.execute(
            f"SELECT count(*), sum(length(block)) FROM {library.SEARCH_INDEX}_data"
        ).fetchone()
        == data
    )
    second = article(1, 2, "城乡", title="新标题")
    second.blocks = [Block(BlockType.PARAGRAPH, [Span("改写之后的内容")])]
    lib.record(second)
    assert search_keys(lib, "段落") == set() and search_keys(lib, "旧标题") == set()
    assert search_keys(lib, "改写") == {"pages/p1/1.md"} and search_keys(lib, "tag:城乡") == {
        "pages/p1/1.md"
    }
    assert search_keys(lib, "tag:云溪") == set()
    # FTS5's own check of a contentless index against the tokens it was given.
    lib._db.execute(
        f"INSERT INTO {library.SEARCH_INDEX}({library.SEARCH_INDEX}) VALUES ('integrity-check')"
    )
    lib.close()
    again = Library(path)
    assert again.warnings == [] and search_keys(again, "改写") == {"pages/p1/1.md"}
    assert again.article_text(second.ref) == "改写之后的内容"


def test_article_records_are_small_and_picklable_for_parse_workers() -> None:
    import pickle

    from tui.core.library import article_record

    record = article_record(article(3, 4, "云溪", "民生"))
    assert record.tags == ("云溪", "民生") and record.tokens is not None
    assert len(record.tokens) == len(library.SEARCH_COLUMNS)
    assert pickle.loads(pickle.dumps(record)) == record
    lib = Library(None)
    lib.record_records([record])
    assert lib.known_keys([record.key]) == {record.key}
    assert search_keys(lib, "tag:民生") == {"pages/p1/3.md"}


def test_listing_an_unchanged_index_again_writes_nothing(tmp_path: Path) -> None:
    lib = Library(tmp_path / LIBRARY_FILE)
    entries = [entry(f"云溪第{n}条新闻", f"pages/p1/{n}.md") for n in range(2000)]
    lib.record_entries(entries)
    writes = lib._db.total_changes
    lib.record_entries(entries)  # the same index, opened again
    assert lib._db.total_changes == writes
    lib.record_entries([*entries[:-1], entry("改过的标题", "pages/p1/1999.md")])
    assert 0 < lib._db.total_changes - writes <= 20  # the one retitled entry and its tokens
    assert [k.title for k in lib.related("改过", HOME.repo_id)] == ["改过的标题"]
    lib.close()


def test_row_marks_and_related_lists_never_wait_behind_a_write(tmp_path: Path) -> None:
    """The marks of the rows being drawn are read on the event loop: a thread writing to
    the library meanwhile (its lock held, a transaction open) must not hold them up. They
    see what was committed; an in-memory library, with one connection, still answers."""
    lib = Library(tmp_path / "lib.sqlite3")
    lib.record(article(1, 5, "大选"))
    lib.record(article(2, 6, "大选"))
    key = article(1, 5).ref.key
    started, release = threading.Event(), threading.Event()

    def writer() -> None:
        with lib._locked() as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("UPDATE articles SET published = '2030-01-01' WHERE key = ?", (key,))
            started.set()
            release.wait(10)
            db.execute("COMMIT")

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert started.wait(10)
        t0 = time.monotonic()
        marks = lib.dates_and_sources([key])
        related = lib.related("大选", HOME.repo_id)
        waited = time.monotonic() - t0
    finally:
        release.set()
        thread.join(10)
    assert waited < 1.0  # not the lock's 10 s, not SQLite's 5 s busy timeout
    assert marks == {key: ("2024-03-05", None)}  # the committed state
    assert {k.ref.path for k in related} == {"pages/p1/1.md", "pages/p1/2.md"}
    assert lib.dates_and_sources([key]) == {key: ("2030-01-01", None)}  # then the new one
    lib.close()
    assert lib.dates_and_sources([key]) == {}  # closed: nothing, and no error
    memory = Library(None)
    memory.record(article(3, 7))
    assert memory.dates_and_sources([article(3, 7).ref.key]) == {
        article(3, 7).ref.key: ("2024-03-07", None)
    }


def test_a_read_racing_close_answers_nothing_instead_of_crashing(tmp_path: Path) -> None:
    lib = Library(tmp_path / "lib.sqlite3")
    lib.record(article(1, 5, "大选"))
    key = article(1, 5).ref.key
    expected = lib.dates_and_sources([key])
    assert expected
    answers: list[object] = []
    errors: list[BaseException] = []
    started = threading.Event()

    def reading() -> None:
        try:
            while True:
                answer = lib.dates_and_sources([key])
                answers.append(answer)
                started.set()
                if not answer:
                    return  # closed
        except BaseException as exc:  # the test reports it
            errors.append(exc)
            started.set()

    reader = threading.Thread(target=reading)
    reader.start()
    assert started.wait(10)
    lib.close()  # while the thread reads through its own connection
    reader.join(10)
    assert not reader.is_alive() and errors == []
    assert answers[-1] == {} and all(a in (expected, {}) for a in answers)
    assert lib._readers == {}


def test_a_long_read_in_one_thread_does_not_hold_up_the_event_loops(tmp_path: Path) -> None:
    """Each thread reads through its own connection: the marks of the rows being drawn
    (the event loop) do not wait for a related list's query in a worker thread."""
    lib = Library(tmp_path / "lib.sqlite3")
    lib.record(article(1, 5, "大选"))
    key = article(1, 5).ref.key
    expected = lib.dates_and_sources([key])
    assert expected
    inside, leave = threading.Event(), threading.Event()

    def long_read() -> None:
        with lib._reading() as db:
            db.execute("SELECT count(*) FROM articles").fetchone()
            inside.set()
            leave.wait(30)

    other = threading.Thread(target=long_read)
    other.start()
    try:
        assert inside.wait(10)
        assert lib.dates_and_sources([key]) == expected
        assert len(lib._readers) == 2
    finally:
        leave.set()
        other.join(10)
    # A reader whose thread has ended is closed when the next thread opens one.
    third = threading.Thread(target=lambda: lib.dates_and_sources([key]))
    third.start()
    third.join(10)
    assert other not in lib._readers and third in lib._readers
    lib.close()
