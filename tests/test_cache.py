"""The page cache and the Mirror facade: freshness, revalidation, stale-if-error, recovery."""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
import stat
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.corpus import ROOT, pages
from tui.core.cache import CachedPage, CacheUnavailable, PageCache, cache_root, freshness_for
from tui.core.config import CACHE_DIR_ENV, Options
from tui.core.errors import NotFound, OfflineMiss
from tui.core.mirror import Mirror, Origin, open_mirror
from tui.core.urls import DEFAULT_HOME, parse_ref

HOME = DEFAULT_HOME
INDEX = HOME.with_path("indexes/p1.md")
ARTICLE = pages("article")[0].ref


class Clock:
    """A settable clock so freshness can be tested without sleeping."""

    def __init__(self) -> None:
        self.now = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def mirror(corpus_server, fast_policy, tmp_path, clock):
    m = open_mirror(
        Options(mirror=corpus_server.base_url, cache_dir=tmp_path / "cache"),
        policy=fast_policy,
        clock=clock,
    )
    yield m
    await m.aclose()


def text_of(ref) -> str:
    return next(p for p in pages() if p.ref == ref).text()


async def test_second_get_is_served_from_cache_with_server_stopped(mirror: Mirror, corpus_server):
    assert mirror.label == "live" and mirror.warnings == []
    assert not mirror.is_cached(ARTICLE)
    first = await mirror.get(ARTICLE)
    assert first.origin is Origin.NETWORK and first.text == text_of(ARTICLE)
    assert first.fetched_at.tzinfo is not None
    assert mirror.is_cached(ARTICLE)
    corpus_server.stop()
    second = await mirror.get(ARTICLE)
    assert second.origin is Origin.CACHE and second.text == first.text and not second.stale


async def test_every_corpus_page_round_trips_through_the_cache(mirror: Mirror, corpus_server):
    for page in pages():
        assert (await mirror.get(page.ref)).text == page.text()
    corpus_server.stop()
    for page in pages():
        fetched = await mirror.get(page.ref)
        assert fetched.origin is Origin.CACHE and fetched.text == page.text()


async def test_query_variants_share_one_entry(mirror: Mirror, corpus_server):
    a = parse_ref("indexes/p1.md?t=10261602", HOME)
    b = parse_ref("indexes/p1.md?t=99999999", HOME)
    assert a == b == INDEX
    await mirror.get(a)
    assert (await mirror.get(b)).origin is Origin.CACHE
    assert corpus_server.count(INDEX) == 1


async def test_index_revalidates_after_ten_minutes_with_304(mirror, corpus_server, clock):
    first = await mirror.get(INDEX)
    clock.advance(timedelta(minutes=9))
    assert (await mirror.get(INDEX)).origin is Origin.CACHE
    assert corpus_server.count(INDEX) == 1
    clock.advance(timedelta(minutes=2))
    assert not mirror.is_cached(INDEX)
    again = await mirror.get(INDEX)
    assert corpus_server.count(INDEX) == 2
    sent = corpus_server.requests[-1].headers
    assert sent["if-none-match"].startswith('"')
    assert again.origin is Origin.CACHE and again.text == first.text
    assert again.fetched_at == clock.now  # the 304 refreshed the entry
    clock.advance(timedelta(minutes=5))
    assert (await mirror.get(INDEX)).origin is Origin.CACHE
    assert corpus_server.count(INDEX) == 2


async def test_articles_stay_fresh_for_thirty_days(mirror, corpus_server, clock):
    assert freshness_for(ARTICLE) == timedelta(days=30)
    assert freshness_for(HOME) == freshness_for(INDEX) == timedelta(minutes=10)
    await mirror.get(ARTICLE)
    clock.advance(timedelta(days=29))
    assert mirror.is_cached(ARTICLE)
    assert (await mirror.get(ARTICLE)).origin is Origin.CACHE
    clock.advance(timedelta(days=2))
    assert not mirror.is_cached(ARTICLE)
    await mirror.get(ARTICLE)
    assert corpus_server.count(ARTICLE) == 2


async def test_refresh_revalidates_even_when_fresh(mirror, corpus_server):
    await mirror.get(ARTICLE)
    fetched = await mirror.get(ARTICLE, refresh=True)
    assert corpus_server.count(ARTICLE) == 2
    assert "if-none-match" in corpus_server.requests[-1].headers
    assert fetched.origin is Origin.CACHE


@pytest.mark.parametrize("fault", ["500", "reset", "stopped"])
async def test_stale_if_error(mirror, corpus_server, clock, fault):
    first = await mirror.get(INDEX)
    clock.advance(timedelta(hours=1))
    if fault == "stopped":
        corpus_server.stop()
    else:
        corpus_server.set_fault(fault)
    fetched = await mirror.get(INDEX)
    assert fetched.stale and fetched.origin is Origin.STALE
    assert fetched.text == first.text
    assert fetched.fetched_at == first.fetched_at
    assert fetched.warnings and "cached" in fetched.warnings[-1]


async def test_not_found_is_not_masked_by_stale_copy(mirror, corpus_server, clock):
    await mirror.get(INDEX)
    clock.advance(timedelta(hours=1))
    corpus_server.set_fault("404", path=INDEX)
    with pytest.raises(NotFound):
        await mirror.get(INDEX)


async def test_offline_never_touches_the_network(corpus_server, fast_policy, tmp_path, clock):
    options = Options(mirror=corpus_server.base_url, cache_dir=tmp_path)
    online = open_mirror(options, policy=fast_policy, clock=clock)
    await online.get(INDEX)
    await online.aclose()
    seen = corpus_server.count()
    options.offline = True
    offline = open_mirror(options, policy=fast_policy, clock=clock)
    try:
        assert offline.label == "offline copy"
        assert offline.description.startswith("offline copy")
        assert offline.is_cached(INDEX) and not offline.is_cached(ARTICLE)
        assert (await offline.get(INDEX)).origin is Origin.CACHE
        clock.advance(timedelta(days=1))
        assert (await offline.get(INDEX)).origin is Origin.STALE
        with pytest.raises(OfflineMiss):
            await offline.get(ARTICLE)
    finally:
        await offline.aclose()
    assert corpus_server.count() == seen


async def test_undecodable_bytes_warn_and_are_cached(mirror, corpus_server):
    corpus_server.set_fault("bad_utf8", path=ARTICLE)
    fetched = await mirror.get(ARTICLE)
    assert "\ufffd" in fetched.text and fetched.warnings


def test_cache_dir_is_private_and_overridable(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "from-env"))
    assert cache_root(None) == tmp_path / "from-env"
    assert cache_root(tmp_path / "flag") == tmp_path / "flag"
    monkeypatch.delenv(CACHE_DIR_ENV)
    assert "goodnews-tui" in str(cache_root(None))
    cache, warnings = PageCache.open(tmp_path / "flag")
    assert cache is not None and warnings == []
    assert stat.S_IMODE((tmp_path / "flag").stat().st_mode) == 0o700
    cache.close()


def test_state_dir_sits_next_to_the_cache(tmp_path):
    m = open_mirror(Options(cache_dir=tmp_path))
    assert m.state_dir == tmp_path / "state" and m.state_dir.is_dir()
    assert m.home == HOME and m.base == "begood0513/goodnews@master"
    # Before any page came, the header names the chain it will try.
    assert m.description.startswith("live · ") and "raw.githubusercontent.com" in m.description


async def test_cache_stores_json_never_pickles(mirror, tmp_path):
    await mirror.get(ARTICLE)
    db = sqlite3.connect(tmp_path / "cache" / "pages" / "cache.db")
    modes = {row[0] for row in db.execute("SELECT mode FROM Cache")}
    db.close()
    assert modes and 4 not in modes  # diskcache MODE_PICKLE == 4


async def test_planted_pickle_is_never_loaded(mirror, tmp_path):
    await mirror.get(ARTICLE)
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Boom(str(marker)))
    db = sqlite3.connect(tmp_path / "cache" / "pages" / "cache.db")
    db.execute("UPDATE Cache SET mode = 4, value = ?, filename = NULL", (payload,))
    db.commit()
    db.close()
    assert mirror.cache is not None
    assert mirror.cache.load(ARTICLE) is None
    assert not marker.exists()


class _Boom:
    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (Path.touch, (Path(self.path),))


def test_size_limit_evicts_oldest(tmp_path):
    cache = PageCache(tmp_path, size_limit=400_000)
    now = datetime.now(UTC)
    refs = [HOME.with_path(f"pages/x/{i}.md") for i in range(40)]
    # Random-looking text so that compression does not make it small.
    for i, ref in enumerate(refs):
        text = os.urandom(30_000).hex()
        cache.store(ref, CachedPage(text, now, now))
        assert cache.load(ref) is not None, i
    assert cache.volume() <= 400_000 + 2 * 61_000
    assert cache.load(refs[0]) is None  # evicted
    assert cache.load(refs[-1]) is not None
    cache.close()


async def test_corrupt_cache_is_moved_aside_and_rebuilt(corpus_server, fast_policy, tmp_path):
    options = Options(mirror=corpus_server.base_url, cache_dir=tmp_path)
    m = open_mirror(options, policy=fast_policy)
    await m.get(HOME)
    await m.aclose()
    for name in os.listdir(tmp_path / "pages"):
        if name.startswith("cache.db"):
            (tmp_path / "pages" / name).write_bytes(b"this is not a database" * 100)
    m = open_mirror(options, policy=fast_policy)
    try:
        assert m.cache is not None
        assert any("corrupt" in w and "rebuilt" in w for w in m.warnings)
        assert [p.name for p in tmp_path.iterdir() if ".corrupt-" in p.name]
        assert (await m.get(HOME)).origin is Origin.NETWORK
        assert (await m.get(HOME)).origin is Origin.CACHE
    finally:
        await m.aclose()


async def test_unusable_cache_dir_runs_without_cache(corpus_server, fast_policy, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    m = open_mirror(
        Options(mirror=corpus_server.base_url, cache_dir=blocker / "cache"), policy=fast_policy
    )
    try:
        assert m.cache is None and m.state_dir is None
        assert any("without a cache" in w for w in m.warnings)
        assert (await m.get(HOME)).origin is Origin.NETWORK
        assert (await m.get(HOME)).origin is Origin.NETWORK
    finally:
        await m.aclose()


async def _fill_the_disk(cache: PageCache) -> None:
    """SQLite's page cap gives a real "database or disk is full" on the next growth.

    The cap is per connection: it is set on this thread's and on the store's worker
    thread's, wherever the facade writes from.
    """
    sql = cache._cache._sql  # type: ignore[union-attr]  # noqa: SLF001 - the real connection
    (pages_now,) = sql("PRAGMA page_count").fetchone()

    def cap() -> None:
        cache._cache._sql(f"PRAGMA max_page_count = {pages_now}")  # type: ignore[union-attr]  # noqa: SLF001

    cap()
    await cache._bounded_async(cap)  # noqa: SLF001


async def test_full_disk_still_serves_pages(mirror, corpus_server):
    await mirror.get(HOME)
    assert mirror.cache is not None
    await _fill_the_disk(mirror.cache)
    fetched = None
    for page in pages("article")[:10]:
        fetched = await mirror.get(page.ref)
        assert fetched.origin is Origin.NETWORK and fetched.text == page.text()
        if fetched.warnings:
            break
    assert fetched is not None
    assert any("cache" in w for w in fetched.warnings), fetched.warnings
    # Whether the facade drops the store or keeps reading it, pages keep coming.
    again = await mirror.get(HOME)
    assert again.text == text_of(HOME)
    if mirror.cache is not None:  # kept (read-only): the copy stored before is still read
        assert again.origin is Origin.CACHE


HAMMER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime
    from pathlib import Path
    from tui.core.cache import CachedPage, PageCache
    from tui.core.urls import DEFAULT_HOME

    cache = PageCache(Path(sys.argv[1]))
    who = sys.argv[2]
    now = datetime.now(UTC)
    for i in range(800):
        ref = DEFAULT_HOME.with_path(f"pages/h/{i % 25}.md")
        cache.store(ref, CachedPage(f"{who}:{i % 25}:" + "字" * (i * 97 % 50000), now, now))
        got = cache.load(ref)
        assert got is not None and got.text.split(":")[1] == str(i % 25), got
    cache.close()
    print("done", who)
    """
)


def test_two_processes_hammering_one_cache(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", HAMMER, str(tmp_path), who],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in ("a", "b")
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert out.startswith("done")
    cache = PageCache(tmp_path)
    for i in range(25):
        entry = cache.load(HOME.with_path(f"pages/h/{i}.md"))
        assert entry is not None
        who, index, body = entry.text.split(":", 2)
        assert who in ("a", "b") and index == str(i) and set(body) <= {"字"}
    cache.close()


def test_entries_survive_json_round_trip():
    now = datetime(2025, 5, 1, tzinfo=UTC)
    page = CachedPage("文", now, now, etag='"x"', last_modified="Thu", url="http://h/p")
    data = json.loads(json.dumps(page.to_json()))
    assert CachedPage.from_json(data) == page
    assert CachedPage.from_json({"v": 99}) is None
    assert CachedPage.from_json({"v": 1, "text": 3}) is None


def test_pages_are_stored_as_utf8_json_and_older_escaped_entries_still_read(tmp_path):
    """Chinese text is written as UTF-8 (half the bytes of ASCII escapes to inflate and
    read back); an entry an earlier version wrote with escapes, and a text with a lone
    surrogate (written escaped), both read back as stored."""
    import zlib

    cache = PageCache(tmp_path)
    now = datetime.now(UTC)
    text = "【大纪元】新闻正文" * 200
    ref, odd, old = (HOME.with_path(f"pages/x/{n}.md") for n in ("a", "b", "c"))
    cache.store(ref, CachedPage(text, now, now))
    cache.store(odd, CachedPage("半个\ud800字", now, now))
    raw = zlib.decompress(cache._cache._disk.store(CachedPage(text, now, now).to_json(), False)[3])
    assert text.encode() in raw and b"\\u" not in raw
    import diskcache  # as an earlier version wrote: JSONDisk's ASCII escapes

    legacy = diskcache.Cache(cache._cache.directory, disk=diskcache.JSONDisk)
    legacy.set(old.key, CachedPage("旧的", now, now).to_json())
    assert b"\\u" in zlib.decompress(legacy._disk.store({"t": "旧"}, False)[3])
    legacy.close()
    assert cache.load(ref).text == text
    assert cache.load(odd).text == "半个\ud800字"
    assert cache.load(old).text == "旧的"
    cache.close()


async def test_a_cancel_that_lands_as_the_store_answers_is_not_swallowed(tmp_path):
    """Ctrl+C cancels the sync's task; if that lands in the very step the cache's thread
    answers, the cancellation must still go through (``wait_for`` on Python 3.11 returned
    the answer instead, and an interrupted sync then ran on to its end)."""
    import asyncio

    cache = PageCache(tmp_path)
    ref = HOME.with_path("pages/x/a.md")
    handed: list[asyncio.Future[object]] = []

    class Queue:
        def put(self, item: tuple[object, asyncio.Future[object], object, object]) -> None:
            handed.append(item[1])  # the store's thread, answering only when told

    cache._worker = lambda: Queue()  # type: ignore[method-assign]
    task = asyncio.create_task(cache.aload(ref))
    await asyncio.sleep(0)  # the task is waiting for the answer
    assert len(handed) == 1
    handed[0].set_result(None)  # the answer and the cancel, in one step of the loop
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    cache.close()


def test_an_existing_store_is_read_first_and_opened_for_its_first_write(tmp_path, monkeypatch):
    """Start-up reads the first screen through a read-only connection; diskcache (whose
    opening writes its settings) is opened when something is first written."""
    import tui.core.cache as cache_module

    now = datetime.now(UTC)
    home, other = DEFAULT_HOME, DEFAULT_HOME.with_path("indexes/E头条.md")
    first, _ = PageCache.open(tmp_path)
    assert first is not None and first._cache is not None  # nothing to read yet: opened
    first.store(home, CachedPage("# 首页\n", now, now))
    first.close()

    cache, warnings = PageCache.open(tmp_path)
    assert cache is not None and warnings == [] and cache.writable
    assert cache._cache is None and cache._reader is not None
    assert cache.load(home).text == "# 首页\n" and home in cache
    assert cache.present([home, other]) == {home.key}
    assert cache._cache is None  # reads opened nothing more
    cache.store(other, CachedPage("# 头条\n", now, now))
    assert cache._cache is not None
    assert cache.load(other).text == "# 头条\n"  # read back through the reader
    assert cache.pin(other) and cache.is_pinned(other)
    cache.close()

    # A store that cannot be opened for writing when the first write comes: read-only,
    # said once, and still read.
    def refused(*args: object) -> object:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(cache_module, "_page_store", refused)
    later, _ = PageCache.open(tmp_path)
    assert later is not None and later.writable
    with pytest.raises(cache_module.CacheReadOnly):
        later.store(home, CachedPage("# 新\n", now, now))
    assert not later.writable and later.read_only_reason
    later.store(home, CachedPage("# 新\n", now, now))  # no second error
    assert later.load(home).text == "# 首页\n"
    later.close()


def test_the_read_only_store_reads_rows_as_diskcache_writes_them(tmp_path):
    """``_ReadOnlyStore`` decodes the store's rows itself (the first screen is read without
    importing diskcache): keys as ``json_only_disk`` writes them, small values kept in the
    row and large ones in files, ASCII and Chinese alike; a pickled value is refused."""
    import diskcache

    from tui.core.cache import _db_key, _ReadOnlyStore, json_only_disk

    store = diskcache.Cache(str(tmp_path), disk=json_only_disk())
    disk = store.disk
    keys = ["a/b@master:README.md", "begood0513/goodnews@master:indexes/E专栏文集.md"]
    for key in keys:
        assert _db_key(key) == bytes(disk.put(key)[0])
    small = {"t": "短", "n": 1}
    large = {"t": "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(60_000))}
    store.set(keys[0], small)
    store.set(keys[1], large)
    modes = dict(store._sql("SELECT key, mode FROM Cache").fetchall())
    assert sorted(modes.values()) == [1, 2]  # one row in the table, one in a file
    store.close()

    reader = _ReadOnlyStore(tmp_path, 1.0, snapshot=False)
    assert reader.get(keys[0]) == small and reader.get(keys[1]) == large
    assert reader.get("not/there@master:x.md") is None
    assert keys[0] in reader and "not/there@master:x.md" not in reader
    assert reader.present([*keys, "x/y@main:z.md"]) == set(keys)
    reader.close()

    db = sqlite3.connect(tmp_path / "cache.db")
    db.execute("UPDATE Cache SET mode = 4 WHERE key = ?", (_db_key(keys[0]),))
    db.commit()
    db.close()
    reader = _ReadOnlyStore(tmp_path, 1.0, snapshot=False)
    with pytest.raises(CacheUnavailable, match="pickled"):
        reader.get(keys[0])
    reader.close()


def test_the_read_only_store_follows_the_stores_settings_and_stays_inside_it(tmp_path):
    """Keys compressed at the level the store was made with are found; a damaged row whose
    value file lies outside the store is refused, not read."""
    import diskcache

    from tui.core.cache import _db_key, _ReadOnlyStore, json_only_disk

    store = diskcache.Cache(str(tmp_path / "s"), disk=json_only_disk(), disk_compress_level=9)
    key = "begood0513/goodnews@master:indexes/E专栏文集.md"
    store.set(key, {"t": "x" * 100_000})  # compresses below the file size: kept in the row
    store.set("other", {"t": "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(60_000))})
    store.close()
    reader = _ReadOnlyStore(tmp_path / "s", 1.0, snapshot=False)
    assert reader.get(key) == {"t": "x" * 100_000} and key in reader
    assert reader.present([key, "nope"]) == {key}
    reader.close()

    outside = tmp_path / "secret.val"
    outside.write_bytes(b"not for the cache")
    db = sqlite3.connect(tmp_path / "s" / "cache.db")
    db.execute(
        "UPDATE Cache SET filename = ? WHERE key = ?", ("../secret.val", _db_key("other", 9))
    )
    db.commit()
    db.close()
    reader = _ReadOnlyStore(tmp_path / "s", 1.0, snapshot=False)
    with pytest.raises(ValueError, match="outside the cache"):
        reader.get("other")
    reader.close()


def test_present_since_a_time_counts_the_copies_written_since(tmp_path):
    """``present(refs, stored_since)`` keeps the copies written (fetched or revalidated)
    since then, through diskcache's connection and the read-only store alike; a pinned copy
    counts whatever its age."""
    import time as time_module

    now = datetime.now(UTC)
    old, new = DEFAULT_HOME.with_path("pages/p1/1.md"), DEFAULT_HOME.with_path("pages/p1/2.md")
    cache, _ = PageCache.open(tmp_path)
    assert cache is not None
    cache.store(old, CachedPage("# 旧\n", now, now))
    time_module.sleep(0.05)
    between = time_module.time()
    time_module.sleep(0.05)
    cache.store(new, CachedPage("# 新\n", now, now))
    assert cache.present([old, new]) == {old.key, new.key}
    assert cache.present([old, new], between) == {new.key}
    assert cache.present([old, new], time_module.time() + 1) == set()
    cache.close()

    reader, _ = PageCache.open(tmp_path)  # reads go through the read-only store
    assert reader is not None and reader._cache is None and reader._reader is not None
    assert reader.present([old, new], between) == {new.key}
    assert reader.pin(old)
    assert reader.present([old, new], time_module.time() + 1) == {old.key}
    reader.close()
