"""The page service and the sample fallback, over a real loopback server and a real cache.

The server serves the bundled sample in the raw layout, so these run without the corpus.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import FAST_POLICY
from tests.corpus_server import CorpusServer
from tui.core.cache import PageCache
from tui.core.config import Options
from tui.core.errors import MirrorError
from tui.core.fallback import FallbackMirror
from tui.core.library import Library
from tui.core.mirror import SAMPLE_HOME, Mirror, MirrorKind, Origin, open_mirror, sample_mirror
from tui.core.models import Article, Document, Home, Index
from tui.core.pages import PageService, parse_process
from tui.core.source import RemoteSource
from tui.core.urls import PageRef

SAMPLE_ROOT = Path(__file__).resolve().parents[1] / "tui" / "sample"
ARTICLE = SAMPLE_HOME.with_path("pages/nsc413/n14200001.md")
INDEX = SAMPLE_HOME.with_path("indexes/E头条.md")


@pytest.fixture
def sample_server() -> Iterator[CorpusServer]:
    server = CorpusServer(root=SAMPLE_ROOT).start()
    try:
        yield server
    finally:
        server.stop()


def _service(server: CorpusServer, cache: Path, **kwargs: object) -> PageService:
    """A live mirror of the sample repository, served over loopback, with a disk cache."""
    source = RemoteSource.from_base_url(server.base_url, policy=FAST_POLICY)
    store, warnings = PageCache.open(cache)
    assert store is not None and not warnings
    mirror = Mirror(source, SAMPLE_HOME, MirrorKind.LIVE, server.base_url, cache=store)
    return PageService(mirror, Library(None), **kwargs)  # type: ignore[arg-type]


async def test_a_page_is_fetched_once_then_served_from_memory_and_cache(
    sample_server: CorpusServer, tmp_path: Path
) -> None:
    service = _service(sample_server, tmp_path)
    try:
        first = await service.get(ARTICLE)
        assert isinstance(first.page, Article) and first.origin is Origin.NETWORK
        assert sample_server.count(ARTICLE) == 1
        assert await service.get(ARTICLE) is first  # memory: no I/O at all
        service.forget(ARTICLE)
        again = await service.get(ARTICLE)
        assert again.origin is Origin.CACHE and sample_server.count(ARTICLE) == 1
        assert again.page == first.page
        # The article is recorded in the background, after it was handed over (the reader
        # does not wait for it); then its tags lead back to it.
        tag = first.page.tags[0].name
        assert service._recording
        assert ARTICLE not in [k.ref for k in service.library.related(tag, SAMPLE_HOME.repo_id)]
        await service.recorded()
        assert not service._recording
        tag = first.page.tags[0].name
        assert ARTICLE in [k.ref for k in service.library.related(tag, SAMPLE_HOME.repo_id)]
        # Past the cache: revalidated with the server (the page is unchanged: a 304).
        await service.get(ARTICLE, refresh=True)
        assert sample_server.count(ARTICLE) == 2
    finally:
        await service.aclose()


async def test_when_the_network_fails_the_cached_copy_is_shown_with_a_note(
    sample_server: CorpusServer, tmp_path: Path
) -> None:
    service = _service(sample_server, tmp_path)
    try:
        await service.get(INDEX)
        sample_server.stop()
        stale = await service.get(INDEX, refresh=True)
        assert stale.stale and isinstance(stale.page, Index)
        assert stale.notes and stale.notes[0].startswith("Offline: showing a copy saved")
        with pytest.raises(MirrorError):
            await service.get(ARTICLE)  # never fetched, nothing to show
    finally:
        await service.aclose()


async def test_background_parsing_in_a_process_gives_the_same_page(
    sample_server: CorpusServer, tmp_path: Path
) -> None:
    service = _service(sample_server, tmp_path, background_parser=parse_process)
    try:
        in_process = await service.get(ARTICLE, background=True, keep=False)
        assert service._executor is not None  # the worker process did the parse
        here = await service.get(ARTICLE, refresh=True)
        assert in_process.page == here.page
    finally:
        await service.aclose()
    assert service._executor is None


async def test_a_broken_worker_process_falls_back_to_threads(
    sample_server: CorpusServer, tmp_path: Path
) -> None:
    def no_processes() -> object:
        raise OSError("no processes here")

    service = _service(sample_server, tmp_path, background_parser=no_processes)
    try:
        loaded = await service.get(ARTICLE, background=True)
        assert isinstance(loaded.page, Article)
    finally:
        await service.aclose()


async def test_no_network_and_no_cache_falls_back_to_the_sample_until_retried(
    tmp_path: Path,
) -> None:
    live = open_mirror(
        Options(mirror="http://127.0.0.1:9/", cache_dir=tmp_path), policy=FAST_POLICY
    )
    mirror = FallbackMirror(live, lambda: sample_mirror(None))
    service = PageService(mirror, Library(None))
    try:
        # Another page failing is just a failure: only the home page falls back.
        with pytest.raises(MirrorError):
            await service.get(live.home.with_path("indexes/E头条.md"))
        assert not mirror.fallen
        loaded = await service.get(live.home)
        assert loaded.ref == SAMPLE_HOME and isinstance(loaded.page, Home)
        assert mirror.fallen and mirror.reason and mirror.home == SAMPLE_HOME
        assert mirror.label == "sample (no network)"
        assert await mirror.get(ARTICLE) is not None  # sample pages read through it
        assert mirror.retry() == live.home and not mirror.fallen
        assert mirror.home == live.home and mirror.label == "live"
    finally:
        await service.aclose()


async def test_a_local_folder_never_falls_back(tmp_path: Path) -> None:
    local = open_mirror(Options(mirror=str(tmp_path), cache_dir=tmp_path / "c"))
    mirror = FallbackMirror(local, lambda: sample_mirror(None))
    with pytest.raises(MirrorError):
        await mirror.get(local.home)
    assert not mirror.fallen
    await mirror.aclose()


async def test_closing_stops_a_parse_in_progress_at_once(
    sample_server: CorpusServer, tmp_path: Path
) -> None:
    import asyncio
    import time

    service = _service(sample_server, tmp_path, background_parser=parse_process)
    await service.get(ARTICLE, background=True, keep=False)  # the worker process is up
    executor = service._executor
    assert executor is not None
    processes = list(executor._processes.values())  # type: ignore[attr-defined]
    busy = asyncio.get_running_loop().run_in_executor(executor, time.sleep, 30)
    await asyncio.sleep(0.2)
    started = time.monotonic()
    await service.aclose()
    assert time.monotonic() - started < 1.0  # closing never waits for the job under way
    # And the job did not run to its end (30 s): the process is gone within seconds. Polled,
    # not one join: the pool's own thread reaps the process too, and a join racing it can
    # return while ``is_alive`` has not yet seen the exit.
    deadline = time.monotonic() + 5
    while any(p.is_alive() for p in processes) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert not any(p.is_alive() for p in processes)
    busy.cancel()


@pytest.fixture
def as_the_mirror(tmp_path: Path) -> Iterator[CorpusServer]:
    """The sample served as ``begood0513/goodnews`` (what ``--mirror URL`` opens)."""
    import shutil

    root = tmp_path / "served"
    shutil.copytree(SAMPLE_ROOT / "goodnews-sample", root / "begood0513")
    server = CorpusServer(root=root).start()
    try:
        yield server
    finally:
        server.stop()


def _worker_service(server: CorpusServer, tmp_path: Path) -> tuple[PageService, Library]:
    """A live mirror with a file library and the prefetch worker, as ``make_app`` builds."""
    from tui.core.library import LIBRARY_FILE
    from tui.core.prefetch import Recipe

    options = Options(mirror=server.base_url, cache_dir=tmp_path / "cache")
    library = Library(tmp_path / LIBRARY_FILE)
    recipe = Recipe(options, FAST_POLICY, library.path)
    mirror = open_mirror(options, policy=FAST_POLICY)
    service = PageService(
        mirror, library, background_parser=lambda: parse_process(recipe), recipe=recipe
    )
    return service, library


async def test_prefetch_in_the_worker_process_fills_cache_and_library(
    as_the_mirror: CorpusServer, tmp_path: Path
) -> None:
    """The worker opens the same mirror and library from the recipe, in its own process."""
    server, root = as_the_mirror, tmp_path / "served"
    service, library = _worker_service(server, tmp_path)
    mirror = service.mirror
    index = await service.get(mirror.home.with_path("indexes/E头条.md"))
    assert isinstance(index.page, Index)
    refs = [e.ref for e in index.page.entries if e.ref is not None]
    stored: list[str] = []
    totals: list[int] = []
    await service.prefetch_index(index.ref, index.page.entries, totals.append, stored.extend)
    assert totals == [len(set(refs))]  # planned in the worker: nothing was known
    missing = {r.key for r in refs if not (root / r.raw_path).is_file()}
    assert set(stored) == {r.key for r in refs} - missing and stored
    assert service._executor is not None  # the worker process did it
    assert library.known_keys(stored) == set(stored)  # recorded from the other process
    assert all(mirror.has_copy(r) for r in refs if r.key in stored)
    served = sum(server.count(r) for r in refs)
    # A second pass: the worker's plan leaves out what is known and cached.
    await service.prefetch_index(index.ref, index.page.entries, totals.append, stored.extend)
    assert totals[1:] == [len(missing)]
    assert sum(server.count(r) for r in refs) == served + len(missing)
    await service.aclose()
    library.close()


async def test_the_worker_records_the_visit_of_an_index_while_it_plans(
    as_the_mirror: CorpusServer, tmp_path: Path
) -> None:
    """With ``visited``, the reader's visit of the index is recorded in the worker process
    (its listing, then the visit) and handed back: what the last visit did not list is new,
    as ``visit_index`` in the browser would say."""
    from tui.core.daily import IndexVisit, visit_index

    service, library = _worker_service(as_the_mirror, tmp_path)
    index = await service.get(service.mirror.home.with_path("indexes/E头条.md"))
    assert isinstance(index.page, Index)
    newest = next(e for e in index.page.entries if e.ref is not None)
    earlier = [e for e in index.page.entries if e.ref != newest.ref]
    before = visit_index(library, Index(index.ref, index.page.title, entries=earlier))
    assert before.previous is None  # the first visit: nothing is new
    visits: list[IndexVisit] = []
    totals: list[int] = []
    await service.prefetch_index(
        index.ref, index.page.entries, totals.append, lambda keys: None, visits.append
    )
    assert service._executor is not None  # planned (and visited) in the worker process
    assert len(visits) == 1 and totals  # handed back once, and the prefetch went on
    visit = visits[0]
    assert visit.ref == index.ref and visit.previous is not None
    assert visit.new == {newest.ref.key}
    await service.aclose()
    library.close()


async def test_a_slow_parse_runs_in_a_daemon_thread_that_never_holds_up_exit() -> None:
    import threading
    import time

    from tui.core.pages import in_daemon_thread

    assert await in_daemon_thread(sum, [1, 2, 3]) == 6
    with pytest.raises(ZeroDivisionError):
        await in_daemon_thread(divmod, 1, 0)
    slow = in_daemon_thread(time.sleep, 5)
    threads = [t for t in threading.enumerate() if t.name == "parse"]
    assert threads and all(t.daemon for t in threads)  # the interpreter waits for none
    slow.cancel()


async def test_a_directory_code_category_is_named_from_the_indexes_at_hand(tmp_path: Path) -> None:
    """``p2`` is what 看中国 pages call their category; the index that lists them says it is
    看官场. The service reads the indexes once, from the local folder."""
    from tests.corpus import MIRROR_ROOT, require_corpus

    require_corpus()
    folder = open_mirror(Options(mirror=str(MIRROR_ROOT), cache_dir=tmp_path))
    service = PageService(folder, Library(None))
    try:
        article = sorted((MIRROR_ROOT / "pages" / "p2").glob("*.md"))[0]
        loaded = await service.get(folder.home.with_path(f"pages/p2/{article.name}"))
        assert isinstance(loaded.page, Article) and loaded.page.category is not None
        assert loaded.page.category.title == "看官场"
        assert loaded.page.category.ref.path == "indexes/S看官场.md"
    finally:
        await service.aclose()


async def test_naming_categories_never_fetches_indexes_over_the_network(
    sample_server: CorpusServer, tmp_path: Path
) -> None:
    service = _service(sample_server, tmp_path)
    try:
        coded = await service.get(SAMPLE_HOME.with_path("pages/p1/2000001.md"))
        assert isinstance(coded.page, Article) and coded.page.category is not None
        assert coded.page.category.title == "p1"  # nothing at hand names it: the code stays
        asked = {r.path for r in sample_server.requests}
        assert not any("/indexes/" in path for path in asked), asked
        # Once the index that lists it is at hand (opened), the name is known.
        await service.get(SAMPLE_HOME.with_path("indexes/S看大陆.md"))
        named = await service.get(SAMPLE_HOME.with_path("pages/p1/2000001.md"), refresh=True)
        assert isinstance(named.page, Article) and named.page.category is not None
        assert named.page.category.title == "看大陆"
    finally:
        await service.aclose()


async def test_a_prefetch_worker_that_dies_hands_the_rest_back_and_says_so(
    as_the_mirror: CorpusServer, tmp_path: Path
) -> None:
    import os
    import signal

    root = tmp_path / "served"
    service, library = _worker_service(as_the_mirror, tmp_path)
    service.warm_up()
    executor = service._executor
    assert executor is not None
    index = await service.get(service.mirror.home.with_path("indexes/E头条.md"))
    assert isinstance(index.page, Index)
    refs = [e.ref for e in index.page.entries if e.ref is not None]
    for process in executor._processes.values():  # type: ignore[attr-defined]
        os.kill(process.pid, signal.SIGKILL)  # the worker is gone
    stored: list[str] = []
    await service.prefetch(refs, stored.extend)
    present = {r.key for r in refs if (root / r.raw_path).is_file()}
    assert set(stored) == present  # fetched here instead, nothing dropped
    assert service.problems and "prefetch worker stopped" in service.problems[0]
    await service.aclose()
    library.close()


async def test_a_page_too_slow_to_parse_is_shown_plainly_within_the_budget(
    sample_server: CorpusServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    import tui.core.pages

    def slow(ref: object, text: str, home: object = None) -> object:
        time.sleep(3)  # what a page of 100,000 links did
        raise AssertionError("never waited for")

    monkeypatch.setattr(tui.core.pages, "parse_page", slow)
    service = _service(sample_server, tmp_path)
    service.parse_budget = 0.3
    try:
        started = time.monotonic()
        loaded = await service.get(ARTICLE)
        assert time.monotonic() - started < 1.5
        page = loaded.page
        assert isinstance(page, Document) and page.blocks
        assert "shown as plain text" in page.warnings[0]
    finally:
        await service.aclose()


def test_parse_threads_are_reused_and_a_stuck_one_never_blocks_the_next() -> None:
    """Jobs one after another run in one thread (its connection to the parsed-model store
    is opened once); a job that never ends keeps only its own thread; idle threads end."""
    import threading
    import time

    from tui.core.pages import DaemonThreads

    pool = DaemonThreads(idle=0.3, name="test-parse")
    done: list[str] = []
    for n in range(5):
        finished = threading.Event()
        pool.submit(
            lambda n=n, finished=finished: (
                done.append(threading.current_thread().name + str(n)),
                finished.set(),
            )
        )
        assert finished.wait(5)
        time.sleep(0.01)  # the thread is back waiting before the next job
    assert pool.started == 1 and len(done) == 5
    stuck, released = threading.Event(), threading.Event()
    pool.submit(lambda: (stuck.set(), released.wait(10)))
    assert stuck.wait(5)
    after = threading.Event()
    pool.submit(after.set)
    assert after.wait(5)  # not behind the stuck job
    assert pool.started == 2
    released.set()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(
        t.name == "test-parse" for t in threading.enumerate()
    ):
        time.sleep(0.05)
    assert not any(t.name == "test-parse" for t in threading.enumerate())  # idle ones ended
    pool.submit(after.set)  # and a new job still runs
    assert after.wait(5)


def test_a_parse_thread_that_cannot_start_leaves_nothing_behind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    from tui.core.pages import DaemonThreads

    pool = DaemonThreads(idle=0.2, name="test-start")
    real_start = threading.Thread.start
    failures = [RuntimeError("can't start new thread")]

    def start(self: threading.Thread) -> None:
        if self.name == "test-start" and failures:
            raise failures.pop()
        real_start(self)

    monkeypatch.setattr(threading.Thread, "start", start)
    ran: list[str] = []
    with pytest.raises(RuntimeError):
        pool.submit(lambda: ran.append("lost"))
    assert pool.started == 0
    for name in ("a", "b", "c"):
        finished = threading.Event()
        pool.submit(lambda name=name, finished=finished: (ran.append(name), finished.set()))
        assert finished.wait(5)
    assert ran == ["a", "b", "c"]  # the failed one is the caller's error, not queued


async def test_a_cancel_that_lands_as_a_parse_ends_is_not_swallowed(monkeypatch):
    import asyncio

    import tui.core.pages as pages_module
    from tui.core.library import Library
    from tui.core.mirror import sample_mirror
    from tui.core.pages import PageService

    futures: list[asyncio.Future[object]] = []

    def held(fn, *args, then=None):  # type: ignore[no-untyped-def]
        future = asyncio.get_running_loop().create_future()
        futures.append(future)
        return future

    monkeypatch.setattr(pages_module, "in_daemon_thread", held)
    mirror = sample_mirror()
    service = PageService(mirror, Library(None))
    ref = mirror.home.with_path("pages/p1/x.md")
    task = asyncio.create_task(service._parse(ref, "x" * 100_000, mirror.home, False, False))
    await asyncio.sleep(0)
    assert len(futures) == 1
    futures[0].set_result(("parsed", None))
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Let threads run until ``condition()`` holds (fail the test if it never does)."""
    import asyncio

    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition never held"
        await asyncio.sleep(0.01)


async def test_a_small_page_parsed_before_is_read_back_on_the_loop_without_a_thread(
    sample_server: CorpusServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the parsed-model store is open, a small page whose model it holds skips the
    parse thread (its hand-over costs more than the read); one it lacks still goes there."""
    import tui.core.pages as pages_module
    from tui.core.parsed import ParsedStore

    store = ParsedStore(tmp_path / "parsed")
    first = _service(sample_server, tmp_path / "cache", parsed=store)
    try:
        parsed = (await first.get(ARTICLE)).page  # parsed in a thread, stored after it
        await wait_until(lambda: store._cache is not None)
    finally:
        await first.aclose()
    assert store.hits == 0
    threads: list[PageRef] = []
    real = pages_module.in_daemon_thread

    def counted(fn, *args, then=None):  # type: ignore[no-untyped-def]
        threads.append(args[1])
        return real(fn, *args, then=then)

    monkeypatch.setattr(pages_module, "in_daemon_thread", counted)
    again = _service(sample_server, tmp_path / "cache", parsed=store)
    try:
        back = (await again.get(ARTICLE)).page
        assert back == parsed and store.hits == 1 and threads == []
        other = SAMPLE_HOME.with_path("pages/nsc413/n14200007.md")
        await again.get(other)
        assert threads == [other]  # not stored yet: parsed in the thread
    finally:
        await again.aclose()
        store.close()


async def test_a_service_in_line_parses_and_records_on_its_loop(
    sample_server: CorpusServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The prefetch worker's service (``in_line``): no parse thread, no record thread (they
    only contend for the GIL in a process without a screen); the same page comes out and
    the library knows it when ``get`` returns."""
    import asyncio

    import tui.core.pages as pages_module

    handed: list[object] = []

    def no_thread(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        handed.append(fn)
        raise AssertionError("a thread was used")

    threaded = _service(sample_server, tmp_path / "a")
    try:
        expected = (await threaded.get(ARTICLE)).page
    finally:
        await threaded.aclose()
    monkeypatch.setattr(pages_module, "in_daemon_thread", no_thread)
    monkeypatch.setattr(asyncio, "to_thread", no_thread)
    library = Library(tmp_path / "library.sqlite3")
    service = _service(sample_server, tmp_path / "b")
    service.library, service.in_line = library, True
    try:
        page = (await service.get(ARTICLE)).page
        assert page == expected and handed == []
        assert library.known_keys([ARTICLE.key]) == {ARTICLE.key}
    finally:
        await service.aclose()
        library.close()


async def test_a_worker_batch_records_and_keeps_its_pages_together_at_its_end(
    sample_server: CorpusServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``writes_together`` (the prefetch worker's batch): the articles got inside are
    recorded in one ``record_many`` and their models kept in one ``put_many`` when it ends,
    not one transaction per page; a batch that fails half-way still keeps what it got."""
    from tui.core.parsed import ParsedStore

    refs = [ARTICLE, *(SAMPLE_HOME.with_path(f"pages/nsc413/n142000{n}.md") for n in ("07", "12"))]
    library = Library(tmp_path / "library.sqlite3")
    store = ParsedStore(tmp_path / "parsed")
    service = _service(sample_server, tmp_path / "cache", parsed=store)
    service.library, service.in_line = library, True
    recorded: list[list[str]] = []
    kept: list[list[str]] = []
    real_record, real_put = library.record_many, store.put_many
    monkeypatch.setattr(
        library,
        "record_many",
        lambda articles: (recorded.append([a.ref.key for a in articles]), real_record(articles)),
    )
    monkeypatch.setattr(
        store,
        "put_many",
        lambda models: (kept.append([type(m[1]).__name__ for m in models]), real_put(models)),
    )
    try:
        with service.writes_together():
            for ref in refs:
                await service.get(ref, keep=False)
            assert library.known_keys(r.key for r in refs) == set()  # not yet
            assert recorded == kept == []
        assert recorded == [[r.key for r in refs]] and kept == [["Article"] * len(refs)]
        assert library.known_keys(r.key for r in refs) == {r.key for r in refs}
        for ref in refs:
            text = (SAMPLE_ROOT / ref.raw_path).read_text("utf-8")
            assert ParsedStore(tmp_path / "parsed").get(ref, SAMPLE_HOME, text) is not None
        # Outside a batch, a page is recorded as it comes (one call each).
        later = SAMPLE_HOME.with_path("pages/nsc413/n14200066.md")
        await service.get(later, keep=False)
        assert recorded[1:] == [[later.key]]
        # A batch cut short by an error keeps what it had got.
        broken = SAMPLE_HOME.with_path("pages/nsc415/n14200020.md")
        with pytest.raises(RuntimeError), service.writes_together():
            await service.get(broken, keep=False)
            raise RuntimeError("the batch stops here")
        assert recorded[2:] == [[broken.key]] and library.known_keys([broken.key])
        # A long article is written at once, with what waits beside it: its search rows
        # would hold the library's write lock too long if a whole batch waited on them.
        long_ref = SAMPLE_HOME.with_path("pages/nsc422/n14200030.md")
        short = SAMPLE_HOME.with_path("pages/nsc415/n14200025.md")
        with service.writes_together():
            await service.get(short, keep=False)
            await service.get(long_ref, keep=False)
            assert recorded[3:] == [[short.key, long_ref.key]]  # before the batch ends
        assert recorded[4:] == []
    finally:
        await service.aclose()
        library.close()
        store.close()


def test_a_prefetch_batch_in_the_worker_writes_once_at_its_end(
    sample_server: CorpusServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker's ``prefetch_batch`` (run here, as the worker process runs it): its
    articles are recorded in one call, their models kept in one, its cache used in line."""
    from tui.core import prefetch
    from tui.core.library import LIBRARY_FILE

    options = Options(mirror=sample_server.base_url, cache_dir=tmp_path / "cache")
    recipe = prefetch.Recipe(options, FAST_POLICY, tmp_path / LIBRARY_FILE)
    monkeypatch.setattr(prefetch, "_worker", None)
    prefetch.start_worker(recipe)
    worker = prefetch._current()
    service = worker.service
    calls: list[tuple[str, int]] = []
    real_record = service.library.record_many
    assert service.parsed is not None
    real_put = service.parsed.put_many

    def record_many(articles):  # type: ignore[no-untyped-def]
        articles = list(articles)
        calls.append(("record", len(articles)))
        real_record(articles)

    def put_many(models):  # type: ignore[no-untyped-def]
        calls.append(("models", len(models)))
        real_put(models)

    monkeypatch.setattr(service.library, "record_many", record_many)
    monkeypatch.setattr(service.parsed, "put_many", put_many)
    refs = [ARTICLE, *(SAMPLE_HOME.with_path(f"pages/nsc413/n142000{n}.md") for n in ("07", "12"))]
    try:
        assert sorted(prefetch.prefetch_batch(refs)) == sorted(r.key for r in refs)
        assert calls == [("models", 3), ("record", 3)]
        assert service.library.known_keys(r.key for r in refs) == {r.key for r in refs}
        cache = service.mirror.cache
        assert cache is not None and cache.in_line and cache._jobs is None
    finally:
        worker.loop.run_until_complete(service.aclose())
        service.library.close()
        worker.loop.close()


async def test_an_in_line_cache_reads_and_writes_without_its_thread(tmp_path: Path) -> None:
    """``PageCache.in_line`` (the worker's mirror, ``open_mirror(in_line=True)``): ``aload``
    and ``astore`` run on the calling loop; what they keep reads back from another store."""
    from datetime import UTC, datetime

    from tui.core.cache import CachedPage

    options = Options(mirror="http://127.0.0.1:9", cache_dir=tmp_path)
    mirror = open_mirror(options, in_line=True)
    cache = mirror.cache
    assert cache is not None and cache.in_line
    now = datetime.now(UTC)
    page = CachedPage("### 标题", now, now, '"e1"', None, "http://127.0.0.1:9/x")
    try:
        await cache.astore(ARTICLE, page)
        assert await cache.aload(ARTICLE) == page
        assert cache._jobs is None  # no store thread was started
    finally:
        await mirror.aclose()
    again, _ = PageCache.open(tmp_path)
    assert again is not None and not again.in_line
    try:
        assert await again.aload(ARTICLE) == page
        assert again._jobs is not None  # the default: its thread
    finally:
        again.close()


async def test_a_long_page_is_handed_over_before_its_model_is_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader waits for the parse, not for the storing of the model after it."""
    import threading

    from tui.core.parsed import ParsedStore

    store = ParsedStore(tmp_path / "parsed")
    release = threading.Event()
    real_put = store.put

    def slow_put(*args: object, **kwargs: object) -> None:
        release.wait(5)
        real_put(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "put", slow_put)
    mirror = sample_mirror()
    service = PageService(mirror, Library(None), parsed=store)
    long_ref = SAMPLE_HOME.with_path("pages/nsc422/n14200030.md")
    text = (mirror.source.root / long_ref.raw_path).read_text("utf-8")  # type: ignore[attr-defined]
    try:
        loaded = await service.get(long_ref)  # returns while the put is held
        assert isinstance(loaded.page, Article) and len(loaded.page.blocks) > 1000
        assert store.get(long_ref, mirror.home, text) is None
        release.set()
        await wait_until(lambda: store.get(long_ref, mirror.home, text) is not None)
    finally:
        release.set()
        await service.aclose()
        store.close()
