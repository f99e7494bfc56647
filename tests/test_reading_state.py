"""Read state, stars, history, listings and visits in the library; starred pages pinned in
the page cache. Real SQLite files in tmp_path, a real diskcache store, the real mirror over
a loopback server for the offline case."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.corpus import pages
from tui.core.cache import CachedPage, PageCache
from tui.core.config import Options
from tui.core.daily import pin_starred, toggle_star, visit_index, when
from tui.core.library import Library
from tui.core.mirror import open_mirror
from tui.core.models import Entry, Index
from tui.core.pages import PageService
from tui.core.urls import DEFAULT_HOME, PageRef

HOME = DEFAULT_HOME
INDEX = HOME.with_path("indexes/S看官场.md")
OTHER_INDEX = HOME.with_path("indexes/p1.md")


class Tick:
    """A clock that moves one second per reading: orders are deterministic without sleeps."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def ref(n: int) -> PageRef:
    return HOME.with_path(f"pages/p1/{n}.md")


def entries(*numbers: int) -> list[Entry]:
    return [Entry(f"title {n}", f"../pages/p1/{n}.md", ref=ref(n)) for n in numbers]


def index_of(at: PageRef, *numbers: int) -> Index:
    return Index(ref=at, title="看官场", entries=entries(*numbers))


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "library.sqlite3"


def test_history_lists_opened_articles_newest_first_with_their_time(path: Path) -> None:
    clock = Tick()
    lib = Library(path, clock=clock)
    lib.opened(ref(1), "one")
    lib.opened(ref(2), "two")
    lib.opened(ref(1), "one")  # read again: first again, with the new time
    lib.mark_read(ref(3))  # marked read, never opened: not history
    history = lib.history(HOME.repo_id)
    assert [(m.ref, m.title) for m in history] == [(ref(1), "one"), (ref(2), "two")]
    assert history[0].at > history[1].at
    assert {ref(1).key, ref(2).key, ref(3).key} <= lib.read_keys()
    lib.close()
    again = Library(path)
    assert [m.ref for m in again.history(HOME.repo_id)] == [ref(1), ref(2)]
    assert again.history("someone/else") == []


def test_mark_all_read_and_its_undo_are_one_statement_each_and_persist(path: Path) -> None:
    lib = Library(path, clock=Tick())
    lib.mark_read(ref(2))
    keys = [ref(n).key for n in range(1, 15_001)]
    statements: list[str] = []
    lib._db.set_trace_callback(statements.append)  # noqa: SLF001 - counting what SQLite runs
    fresh = lib.mark_all_read(keys)
    lib._db.set_trace_callback(None)  # noqa: SLF001
    assert len(fresh) == 14_999 and ref(2).key not in fresh
    writes = [s for s in statements if "reads" in s]
    assert len(writes) == 1, writes
    assert set(keys) <= lib.read_keys()
    lib.close()
    reopened = Library(path)
    assert set(keys) <= reopened.read_keys()
    reopened.mark_all_unread(fresh)
    assert reopened.read_keys() == {ref(2).key}
    reopened.close()
    assert Library(path).read_keys() == {ref(2).key}


def test_stars_toggle_persist_and_list_newest_first(path: Path) -> None:
    lib = Library(path, clock=Tick())
    assert toggle_star(lib, ref(1), "one") is True
    assert toggle_star(lib, ref(2), "two") is True
    assert lib.starred_keys() == {ref(1).key, ref(2).key}
    assert [m.title for m in lib.starred()] == ["two", "one"]
    assert toggle_star(lib, ref(2), "two") is False
    lib.close()
    again = Library(path)
    assert again.starred_keys() == {ref(1).key}
    assert [(m.ref, m.title) for m in again.starred(HOME.repo_id)] == [(ref(1), "one")]


def test_unread_counts_follow_listings_and_reads(path: Path) -> None:
    lib = Library(path, clock=Tick())
    lib.record_entries(entries(1, 2, 3, 3), INDEX)  # a duplicate entry counts once
    lib.record_entries(entries(3, 4), OTHER_INDEX)
    lib.record_entries(entries(9))  # no index: not a listing
    assert lib.unread_counts() == {INDEX.key: 3, OTHER_INDEX.key: 2}
    lib.opened(ref(3), "three")  # read once, in both lists
    assert lib.unread_counts() == {INDEX.key: 2, OTHER_INDEX.key: 1}
    lib.record_entries(entries(2, 5), INDEX)  # the index rolled: 1 and 3 left it
    assert lib.unread_counts()[INDEX.key] == 2
    lib.mark_all_read([ref(2).key, ref(5).key])
    assert lib.unread_counts()[INDEX.key] == 0
    lib.close()
    assert Library(path).unread_counts() == {INDEX.key: 0, OTHER_INDEX.key: 1}


def test_unread_counts_at_scale_are_one_quick_grouped_query(path: Path) -> None:
    lib = Library(path, clock=Tick())
    per_index = 1_000
    for i in range(15):
        at = HOME.with_path(f"indexes/i{i}.md")
        numbers = range(i * per_index, (i + 1) * per_index)
        lib.record_entries(entries(*numbers), at)
    lib.mark_all_read([ref(n).key for n in range(0, 15_000, 3)])
    seen: list[str] = []
    lib._db.set_trace_callback(seen.append)
    try:
        counts = lib.unread_counts()
    finally:
        lib._db.set_trace_callback(None)
    assert len(counts) == 15
    assert sum(counts.values()) == 15_000 - 5_000
    # One grouped query whatever the number of lists (its time: bench/core.py).
    assert len([q for q in seen if q.lstrip().upper().startswith("SELECT")]) == 1, seen


def test_new_since_the_last_visit_never_counts_this_visits_entries(path: Path) -> None:
    clock = Tick()
    lib = Library(path, clock=clock)
    first = visit_index(lib, index_of(INDEX, 1, 2))
    assert first.previous is None and first.new == frozenset()
    second = visit_index(lib, index_of(INDEX, 1, 2))
    assert second.previous is not None and second.new == frozenset()
    third = visit_index(lib, index_of(INDEX, 3, 1, 2))
    assert third.new == {ref(3).key}
    # Entries first listed by a sync (another index, or no visit) are new here too.
    lib.record_entries(entries(4), OTHER_INDEX)
    lib.record_entries(entries(4, 3, 1, 2), INDEX)
    fourth = visit_index(lib, index_of(INDEX, 4, 3, 1, 2))
    assert fourth.new == {ref(4).key}


def test_when_reads_short_today_and_dated_otherwise() -> None:
    now = datetime(2024, 4, 1, 12, 0, tzinfo=UTC).timestamp()
    assert len(when(now - 60, now)) == len("11:59")
    assert when(now - 86_400 * 3, now).startswith("2024-03-")


# -- the page cache: pinned pages ---------------------------------------------------------


def page_text(n: int) -> CachedPage:
    at = datetime(2024, 4, 1, tzinfo=UTC)
    return CachedPage(text=f"### page {n}\n\n" + "字" * 4000, fetched_at=at, checked_at=at)


def test_a_pin_store_that_cannot_be_read_is_only_no_pinned_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pin store whose reads fail (a damaged disk) makes a page the cache lacks a miss,
    to be fetched; it never fails the page store's reads (the prefetch worker's, say)."""
    import sqlite3

    root = tmp_path / "cache"
    cache, _ = PageCache.open(root)
    assert cache is not None
    cache.store(ref(0), page_text(0))
    assert cache.pin(ref(0))
    cache.close()
    again, _ = PageCache.open(root)
    assert again is not None
    pins = again._pin_store()
    assert pins is not None

    def broken(*args: object, **kwargs: object) -> object:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(pins, "get", broken)
    assert again.load(ref(1)) is None  # not stored, its pinned copy unreadable: a miss
    loaded = again.load(ref(0))
    assert loaded is not None and loaded.text.startswith("### page 0")
    again.close()


def test_pinned_pages_outlive_size_culling_and_read_from_a_read_only_store(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    cache, warnings = PageCache.open(root, size_limit=64 * 1024)
    assert cache is not None and not warnings
    cache.store(ref(0), page_text(0))
    assert cache.pin(ref(0)) and cache.is_pinned(ref(0))
    assert not cache.pin(ref(999))  # nothing stored: nothing to keep
    for n in range(1, 200):
        cache.store(ref(n), page_text(n))
    assert cache.load(ref(1)) is None, "the size limit culls old pages"
    kept = cache.load(ref(0))
    assert kept is not None and kept.text.startswith("### page 0")
    assert ref(0) in cache
    # A pinned page stored again refreshes its pinned copy.
    cache.store(ref(0), page_text(1000))
    for n in range(200, 400):
        cache.store(ref(n), page_text(n))
    again = cache.load(ref(0))
    assert again is not None and again.text.startswith("### page 1000")
    cache.close()
    reading = PageCache.read_only(root / "pages", "test")
    found = reading.load(ref(0))
    assert found is not None and found.text.startswith("### page 1000")
    reading.close()
    cache, _ = PageCache.open(root, size_limit=64 * 1024)
    assert cache is not None
    cache.unpin(ref(0))
    assert not cache.is_pinned(ref(0))
    for n in range(400, 600):
        cache.store(ref(n), page_text(n))
    assert cache.load(ref(0)) is None, "unpinned, it goes with the rest"
    cache.close()


@pytest.mark.corpus
async def test_a_starred_article_reads_offline_after_the_cache_culled_it(
    corpus_server, fast_policy, tmp_path: Path
) -> None:
    article = pages("article")[0].ref
    others = [p.ref for p in pages("article")[1:60]]
    options = Options(mirror=corpus_server.base_url, cache_dir=tmp_path / "cache")
    options.cache_size = 128 * 1024
    library = Library(tmp_path / "library.sqlite3")
    mirror = open_mirror(options, policy=fast_policy)
    service = PageService(mirror, library)
    try:
        library.star(article, "starred")
        assert await pin_starred(service, article)  # not cached yet: fetched, then pinned
        for other in others:
            await service.get(other, keep=False)
    finally:
        await mirror.aclose()
    options.offline = True
    offline = open_mirror(options, policy=fast_policy)
    try:
        culled = [o for o in others if not offline.is_cached(o)]
        assert culled, "the small cache must have culled something"
        fetched = await offline.get(article)
        assert fetched.text == next(p for p in pages() if p.ref == article).text()
    finally:
        await offline.aclose()


def test_present_says_what_in_says_in_batched_queries(tmp_path: Path) -> None:
    """``present`` (the marks of the rows drawn) answers as ``ref in cache`` for stored,
    pinned and missing pages, past one query's batch, in the writable and read-only store."""
    root = tmp_path / "cache"
    cache, _ = PageCache.open(root, size_limit=2**30)
    assert cache is not None
    stored = [ref(n) for n in range(0, 1300, 2)]
    for r in stored:
        cache.store(r, page_text(0))
    cache.pin(ref(0))
    cache.store(ref(0), page_text(1))
    asked = [ref(n) for n in range(1300)] + [ref(4)]  # a key asked twice counts once
    expected = {r.key for r in asked if r in cache}
    assert expected == {r.key for r in stored}
    assert cache.present(asked) == expected
    assert cache.present([]) == set()
    cache.close()
    reading = PageCache.read_only(root / "pages", "test")
    assert reading.present(asked) == expected
    reading.close()


def test_present_counts_a_pinned_copy_the_size_limit_culled(tmp_path: Path) -> None:
    cache, _ = PageCache.open(tmp_path / "cache", size_limit=64 * 1024)
    assert cache is not None
    cache.store(ref(0), page_text(0))
    assert cache.pin(ref(0))
    for n in range(1, 200):
        cache.store(ref(n), page_text(n))
    culled = [ref(n) for n in range(1, 200) if ref(n) not in cache]
    assert culled, "the size limit culls old pages"
    asked = [ref(0), *culled, ref(199)]
    assert (
        cache.present(asked) == {r.key for r in asked if r in cache} == {ref(0).key, ref(199).key}
    )
    cache.close()
