"""The page service: a page reference in, a parsed page out, for the browser and ``dump``.

One road for every page: memory, then the mirror (cache or source), then the parser (off
the event loop), then the library (articles and their tags are remembered for related
lists). Callers get a ``Loaded``: the model, where it came from, how old it is and notes to
show; they only ever catch ``MirrorError``.

Background work (prefetch) runs in a worker process when one can be started: parsing is
CPU-bound Python and the HTTP client costs milliseconds of the loop per page; in a thread or
on the loop they delay key presses by tens of milliseconds (issue 8 measured 84-115 ms), in
another process they cannot. With a ``Recipe`` (how to open the mirror again) the worker
fetches, stores, parses and records whole batches itself (``tui.core.prefetch``); without
one it only parses.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from tui.core.errors import MirrorError
from tui.core.fallback import MirrorLike
from tui.core.kinds import PageKind, kind_by_path
from tui.core.library import Library
from tui.core.mirror import Fetched, Origin
from tui.core.models import Article, Block, BlockType, Document, Entry, Home, Page, Span, SpanKind
from tui.core.parse import DirectoryNames, load_parsers, parse_page
from tui.core.parse.dirnames import is_directory_code
from tui.core.parsed import ParsedStore, parse_with_store, read_or_parse, store_at
from tui.core.prefetch import Recipe, plan_index, prefetch_batch, start_worker
from tui.core.text import sanitise
from tui.core.urls import PageRef
from tui.i18n import _, ngettext

if TYPE_CHECKING:
    from tui.core.daily import IndexVisit

MEMORY_PAGES = 48  # parsed pages kept for back/forward and re-opening
RECORD_AFTER = 0.15  # seconds after an article is shown before it is recorded in the library
INLINE_PARSE_MAX = 16_384  # characters: a page this small parses faster than a thread starts
INLINE_MODEL_MAX = 32_768  # characters: the stored model of a page this small reads back in 1-2 ms
PARSE_BUDGET = 2.0  # seconds: a page still parsing by then is shown as plain text
PREFETCH_BATCH = 8  # pages per job sent to the worker process
TOGETHER_CHARS = 100_000  # article text a worker's batch writes in one transaction at most
PREFETCH_CONCURRENCY = 4  # requests in flight when prefetching in this process


class Loaded(NamedTuple):
    """A parsed page and its provenance. ``ref`` is the page's identity: for the home of a
    mirror that fell back to the sample, the sample's home."""

    ref: PageRef
    page: Page
    origin: Origin
    fetched_at: datetime
    notes: tuple[str, ...] = ()  # what the reader shows above the page
    warnings: tuple[str, ...] = ()  # what the fetch said (``dump`` prints these on stderr)

    @property
    def stale(self) -> bool:
        return self.origin is Origin.STALE


def stale_note(fetched_at: datetime, now: datetime) -> str:
    """One line saying the copy shown is old, and how old."""
    seconds = max(0.0, (now - fetched_at).total_seconds())
    if seconds < 90:
        age = _("just now")
    elif seconds < 90 * 60:
        count = round(seconds / 60)
        age = ngettext("{count} minute ago", "{count} minutes ago", count).format(count=count)
    elif seconds < 36 * 3600:
        count = round(seconds / 3600)
        age = ngettext("{count} hour ago", "{count} hours ago", count).format(count=count)
    else:
        count = round(seconds / 86400)
        age = ngettext("{count} day ago", "{count} days ago", count).format(count=count)
    return _("Offline: showing a copy saved {age}. Press r to retry.").format(age=age)


T = TypeVar("T")


class DaemonThreads:
    """Daemon threads that wait for the next job a while before they end.

    A thread per parse cost a new SQLite connection to the parsed-model store each time
    (diskcache keeps one per thread), a quarter of the parse in the prefetch worker. A job
    finds an idle thread or starts one, so a parse that never ends (a hostile page) only
    ever holds its own thread; daemons, none of them holds up quitting.
    """

    def __init__(self, idle: float = 30.0, name: str = "parse") -> None:
        self.idle = idle  # seconds an unused thread waits before it ends
        self.name = name
        self._jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._waiting = 0  # threads waiting for a job no one has claimed yet
        self.started = 0  # threads started so far (tests look)

    def submit(self, job: Callable[[], None]) -> None:
        with self._lock:
            if self._waiting:
                self._jobs.put(job)
                self._waiting -= 1
                return
            self.started += 1
        # A new thread is handed its first job: if it cannot start, nothing is left queued
        # for a thread that does not exist (the error goes to the caller).
        try:
            threading.Thread(target=self._serve, args=(job,), name=self.name, daemon=True).start()
        except BaseException:
            with self._lock:
                self.started -= 1
            raise

    def _serve(self, job: Callable[[], None]) -> None:
        job()
        with self._lock:
            self._waiting += 1
        while True:
            try:
                job = self._jobs.get(timeout=self.idle)
            except queue.Empty:
                with self._lock:
                    if self._jobs.empty():  # a job put meanwhile is taken, not left
                        self._waiting -= 1
                        return
                continue
            job()
            with self._lock:
                self._waiting += 1


_THREADS = DaemonThreads()


def in_daemon_thread(
    fn: Callable[..., T], *args: object, then: Callable[[T], object] | None = None
) -> asyncio.Future[T]:
    """Run ``fn(*args)`` in a daemon thread: a hostile page that takes seconds to parse must
    not hold up quitting (``asyncio.to_thread``'s threads are waited for at exit). ``then``
    runs on in the thread with the result once it is handed over (its errors are dropped:
    it is work nobody waits for)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def deliver(result: T | None, error: BaseException | None) -> None:
        if future.done():  # the waiting coroutine was cancelled
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    def run() -> None:
        result: T | None = None
        error: BaseException | None = None
        try:
            result = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting coroutine
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop closed: nobody is waiting
            loop.call_soon_threadsafe(deliver, result, error)
        if then is not None and error is None:
            with contextlib.suppress(Exception):
                then(result)  # type: ignore[arg-type]

    _THREADS.submit(run)
    return future


@contextlib.contextmanager
def _process_stderr() -> Iterator[None]:
    """The real standard error while a worker process starts.

    Starting one passes the parent's ``sys.stderr`` descriptor to helper processes; under
    the running app that is Textual's capture object, whose descriptor is not a real one
    ("bad value(s) in fds_to_keep"), so the worker would never start.
    """
    saved = sys.stderr
    if sys.__stderr__ is not None:
        sys.stderr = sys.__stderr__
    try:
        yield
    finally:
        sys.stderr = saved


PLAIN_MAX = 200_000  # characters of a too-slow page shown as plain text


def plain_page(ref: PageRef, text: str, budget: float) -> Document:
    """A page that took longer than ``budget`` to parse, as plain paragraphs of its text."""
    shown = sanitise(text[:PLAIN_MAX])
    blocks = [
        Block(BlockType.PARAGRAPH, [Span(para.strip(), SpanKind.TEXT)])
        for para in shown.split("\n\n")
        if para.strip()
    ]
    warning = _("this page took over {budget:g} s to parse: shown as plain text").format(
        budget=budget
    )
    if len(text) > PLAIN_MAX:
        warning += _(" (its first {count:,} characters)").format(count=PLAIN_MAX)
    return Document(ref=ref, title=None, blocks=blocks, warnings=[warning])


def _parse_job(ref: PageRef, text: str, home: PageRef, store: str | None = None) -> Page:
    """What a parse worker process runs (module level, so it can be pickled by name); with
    ``store``, the directory of the parsed-model store it shares with the browser."""
    if store is None:
        return parse_page(ref, text, home)
    return parse_with_store(store_at(store), ref, text, home)


class PageService:
    """Pages by reference: remembered in memory, fetched through the mirror, parsed once."""

    def __init__(
        self,
        mirror: MirrorLike,
        library: Library,
        *,
        clock: Callable[[], datetime] | None = None,
        memory: int = MEMORY_PAGES,
        background_parser: Callable[[], Executor | None] | None = None,
        recipe: Recipe | None = None,
        parsed: ParsedStore | None = None,
        in_line: bool = False,
    ) -> None:
        self.mirror = mirror
        # Parse and record on the calling loop, not in threads: for a worker process, whose
        # loop has no screen to keep responsive. Threads there only contend for the GIL
        # (bench/scale.py's prefetch: 12 ms of CPU an article with them, 8 ms without).
        self.in_line = in_line
        # Otherwise an article the reader asked for is recorded in the library in the
        # background, after ``record_after`` seconds: recording a long one (its search
        # index) takes 50-75 ms, which the reader showing it must neither wait for nor share
        # the GIL with. A prefetched one is recorded before its ``get`` returns.
        self.record_after = RECORD_AFTER
        self._recording: set[asyncio.Task[None]] = set()
        # Inside ``writes_together``: in-line articles to record, and models to keep.
        self._articles_together: list[Article] | None = None
        self._models_together: list[tuple[str, Page]] | None = None
        self._together_chars = 0  # text of the articles waiting in ``_articles_together``
        self.parsed = parsed  # models of pages parsed before (None: always parse)
        self.library = library
        self.recipe = recipe
        self.clock = clock or (lambda: datetime.now(UTC))
        self._memory: OrderedDict[str, Loaded] = OrderedDict()
        self._memory_size = memory
        self._make_executor = background_parser
        self._executor: Executor | None = None
        self._executor_failed = False
        self.problems: list[str] = []  # what went wrong in the background, once each
        self.parse_budget = PARSE_BUDGET  # seconds a page may take before it is shown plainly
        self.names = DirectoryNames()  # what the mirror calls its page directories
        self._learnt_indexes = False

    @property
    def home(self) -> PageRef:
        return self.mirror.home

    @contextlib.contextmanager
    def writes_together(self) -> Iterator[None]:
        """Within: articles parsed in line are recorded in the library, and their models
        kept, together at the end (one transaction each, not one per page), or as soon as
        their text passes ``TOGETHER_CHARS`` (a long article's search rows would hold the
        library's write lock, which a read mark waits for, too long); for a worker's
        batch, which says it is done only after that."""
        if not self.in_line or self._articles_together is not None:
            yield
            return
        self._articles_together, self._models_together = [], []
        try:
            yield
        finally:
            self._write_together()
            self._articles_together = self._models_together = None

    def _write_together(self) -> None:
        articles, models = self._articles_together, self._models_together
        if articles is None or models is None:
            return
        self._articles_together, self._models_together = [], []
        self._together_chars = 0
        # Models first: a batch whose recording fails is planned again, and then read back.
        if self.parsed is not None and models:
            self.parsed.put_many(models)
        if articles:
            self.library.record_many(articles)

    def peek(self, ref: PageRef) -> Loaded | None:
        """The parsed page if it is in memory (no I/O at all)."""
        loaded = self._memory.get(ref.key)
        if loaded is not None:
            self._memory.move_to_end(ref.key)
        return loaded

    def forget(self, ref: PageRef | None = None) -> None:
        """Drop one page (or all) from memory, so the next ``get`` asks the mirror again."""
        if ref is None:
            self._memory.clear()
        else:
            self._memory.pop(ref.key, None)

    async def get(
        self,
        ref: PageRef,
        *,
        refresh: bool = False,
        keep: bool = True,
        background: bool = False,
        inline: bool = False,
    ) -> Loaded:
        """The parsed page. ``refresh`` goes past memory and the cache's freshness;
        ``keep`` remembers it in memory; ``background`` parses in the worker process (for
        prefetch); ``inline`` parses a small page on the calling loop (the first screen)."""
        if not refresh:
            known = self.peek(ref)
            if known is not None:
                return known
        fetched = await self.mirror.get(ref, refresh=refresh)
        loaded = await self.load(fetched, background=background, inline=inline)
        if keep:
            self._memory[fetched.ref.key] = loaded
            while len(self._memory) > self._memory_size:
                self._memory.popitem(last=False)
        return loaded

    async def load(
        self, fetched: Fetched, *, background: bool = False, inline: bool = False
    ) -> Loaded:
        """Parse fetched text (from the mirror, or a file named on the command line) and
        remember an article in the library."""
        page = await self._parse(fetched.ref, fetched.text, self.mirror.home, background, inline)
        self.names.learn(page)
        if isinstance(page, Article):
            await self._name_category(page)
        notes = list(fetched.warnings)
        if fetched.stale:
            notes.insert(0, stale_note(fetched.fetched_at, self.clock()))
        loaded = Loaded(
            fetched.ref,
            page,
            fetched.origin,
            fetched.fetched_at,
            tuple(notes),
            tuple(fetched.warnings),
        )
        if isinstance(page, Article):
            if self._articles_together is not None:
                self._articles_together.append(page)
                self._together_chars += len(fetched.text)
                if self._together_chars >= TOGETHER_CHARS:
                    self._write_together()
            elif self.in_line:
                self.library.record(page)
            elif background:  # prefetch: what it fetched is known once it says it is done
                await asyncio.to_thread(self.library.record, page)
            else:
                task = asyncio.get_running_loop().create_task(self._record_later(page))
                self._recording.add(task)
                task.add_done_callback(self._recording.discard)
        return loaded

    async def _record_later(self, page: Article) -> None:
        if self.record_after > 0:
            await asyncio.sleep(self.record_after)
        await asyncio.to_thread(self.library.record, page)

    @property
    def recording(self) -> bool:
        """Whether an article loaded is still to be recorded in the library."""
        return bool(self._recording)

    async def recorded(self) -> None:
        """Wait until every article loaded so far is recorded in the library."""
        while self._recording:
            # ``wait``, not ``gather``: a waiter cancelled (a newer page opened) must not
            # cancel the recordings it waited for.
            await asyncio.wait(list(self._recording))

    async def _name_category(self, article: Article) -> None:
        """Show the category's name where the page only gives its directory code (``p2``).

        The mirror says what a directory is called in the indexes that list its pages;
        they are read once, from what is at hand (a local folder or the cache: never the
        network just for this), the first time an article needs them.
        """
        category = article.category
        if category is None or not is_directory_code(category.title, article.ref, category):
            return
        if self.names.lookup(article.ref) is None and not self._learnt_indexes:
            self._learnt_indexes = True
            await self._learn_indexes()
        self.names.name_category(article)

    async def _learn_indexes(self) -> None:
        home = self.mirror.home
        try:
            if not self.mirror.has_copy(home):
                return
            start = await self.get(home, keep=False, inline=True)
        except MirrorError:
            return
        page = start.page
        if not isinstance(page, Home):
            return
        for section in page.sections:
            for category in section.categories:
                ref = category.ref
                if kind_by_path(ref) is not PageKind.INDEX or not self.mirror.has_copy(ref):
                    continue
                with contextlib.suppress(MirrorError):
                    await self.get(ref, keep=False)  # ``load`` learns from it

    async def _parse(
        self, ref: PageRef, text: str, home: PageRef, background: bool, inline: bool
    ) -> Page:
        if inline and len(text) < INLINE_PARSE_MAX:
            # The first screen's page: its stored model is read back in about a millisecond,
            # where parsing it would first import the parsers (several more).
            return parse_with_store(self.parsed, ref, text, home, parse_page)
        if self.in_line:
            parsed, key = read_or_parse(self.parsed, ref, text, home, parse_page)
            if key is not None and self.parsed is not None:
                if self._models_together is not None and isinstance(parsed, Article):
                    self._models_together.append((key, parsed))  # kept with its recording
                else:  # outside a batch, or an index read to name a category: kept now
                    self.parsed.put(ref, home, text, parsed, key)
            return parsed
        if self.parsed is not None and len(text) < INLINE_MODEL_MAX and not background:
            # An article parsed before is read back in well under a millisecond: here, not
            # in a thread, whose hand-over alone costs a few (the GIL's switch interval).
            page = self.parsed.peek(ref, home, text)
            if page is not None:
                return page
        executor = self._background_executor() if background else None
        if executor is not None:
            loop = asyncio.get_running_loop()
            try:
                store = str(self.parsed.directory) if self.parsed is not None else None
                return await loop.run_in_executor(executor, _parse_job, ref, text, home, store)
            except Exception:  # noqa: BLE001 - a broken worker process: parse here instead
                self._executor_failed = True
                self._shutdown_executor()
        models = self.parsed

        def keep(done: tuple[Page, str | None]) -> None:
            page, key = done
            if models is not None and key is not None:
                models.put(ref, home, text, page, key)

        # The model is stored after the page is handed over: storing a long article's
        # (10-25 ms) is no part of the wait for it.
        parsing = in_daemon_thread(read_or_parse, models, ref, text, home, parse_page, then=keep)
        try:
            # ``asyncio.timeout``, not ``wait_for``: on Python 3.11 ``wait_for`` returns the
            # result when the task is cancelled just as the parse ends, swallowing a Ctrl+C.
            async with asyncio.timeout(self.parse_budget):
                return (await asyncio.shield(parsing))[0]
        except TimeoutError:
            # A page built to be slow (100,000 links) must not keep the reader waiting: its
            # text is shown as it is, plainly, and the parse goes on unseen in its thread.
            return plain_page(ref, text, self.parse_budget)

    def plan(self, entries: Sequence[Entry], recorded: bool = False) -> list[PageRef]:
        """Record an index's entries (unless ``recorded`` already); its articles not yet
        parsed into the library or not in the cache are to be fetched. Blocking (thousands
        of lookups): run it off the loop."""
        if not recorded:
            self.library.record_entries(entries)
        unique = list(dict.fromkeys(e.ref for e in entries if e.ref is not None))
        known = self.library.known_keys(r.key for r in unique)
        copies = self.mirror.copies([r for r in unique if r.key in known])  # batched
        return [r for r in unique if r.key not in copies]

    async def prefetch_index(
        self,
        index: PageRef,
        entries: Sequence[Entry],
        started: Callable[[int], None],
        stored: Callable[[list[str]], None],
        visited: Callable[[IndexVisit], None] | None = None,
    ) -> None:
        """Record an index's entries and prefetch its articles: ``started(total)`` once the
        to-do is known, ``stored(keys)`` as pages arrive; with ``visited``, the reader's
        visit of the index is recorded first and handed to it. In the worker process when
        the mirror can be opened there (planning included: thousands of lookups), else
        in a thread."""
        executor = self._background_executor() if self._remote_prefetch() else None
        todo: list[PageRef] | None = None
        if executor is not None:
            loop = asyncio.get_running_loop()
            try:
                planned = await loop.run_in_executor(
                    executor, plan_index, index, visited is not None
                )
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - a broken worker: plan here
                self._executor_failed = True
                self._shutdown_executor()
            else:
                todo = planned.todo
                if visited is not None and planned.visit is not None:
                    visited(planned.visit)
        if todo is None:
            if visited is not None:
                from tui.core.daily import visit_listing

                visited(await asyncio.to_thread(visit_listing, self.library, index, entries))
            todo = await asyncio.to_thread(self.plan, entries, visited is not None)
        if todo:
            started(len(todo))
            await self.prefetch(todo, stored)

    async def prefetch(self, refs: Sequence[PageRef], stored: Callable[[list[str]], None]) -> None:
        """Bring ``refs`` into the cache and the library; ``stored(keys)`` after each batch.

        In the worker process when the mirror can be opened there (a recipe, and the live
        mirror is the one in use), else here with parsing in the worker. Cancelling stops
        what has not started; a batch under way ends on its own (a few pages).
        """
        executor = self._background_executor() if self._remote_prefetch() else None
        if executor is None:
            await self._prefetch_here(refs, stored)
            return
        loop = asyncio.get_running_loop()
        batches = [list(refs[i : i + PREFETCH_BATCH]) for i in range(0, len(refs), PREFETCH_BATCH)]
        pending: set[asyncio.Future[list[str]]] = set()
        finished: set[str] = set()  # keys of the batches that came back

        def took(future: asyncio.Future[list[str]]) -> None:
            keys = future.result()
            finished.update(keys)
            stored(keys)

        try:
            for batch in batches:
                pending.add(loop.run_in_executor(executor, prefetch_batch, batch))
                if len(pending) >= 2:  # one running, one queued: cancelling stays cheap
                    done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                    for future in done:
                        took(future)
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for future in done:
                    took(future)
        except asyncio.CancelledError:
            for future in pending:
                future.cancel()
            raise
        except Exception as exc:  # noqa: BLE001 - the worker died: the rest here, and say so
            for future in pending:
                future.cancel()
            self._executor_failed = True
            self._shutdown_executor()
            self.problems.append(
                _(
                    "the prefetch worker stopped ({value}); prefetching goes on in the browser"
                ).format(value=exc or type(exc).__name__)
            )
            rest = [r for r in refs if r.key not in finished]
            await self._prefetch_here(rest, stored)

    def warm_up(self) -> None:
        """Start the worker process now (it takes a few hundred ms of CPU to import), so
        that it is ready when the first index is opened instead of competing with it."""
        self._background_executor()

    def _remote_prefetch(self) -> bool:
        return self.recipe is not None and not getattr(self.mirror, "fallen", False)

    async def _prefetch_here(
        self, refs: Sequence[PageRef], stored: Callable[[list[str]], None]
    ) -> None:
        semaphore = asyncio.Semaphore(PREFETCH_CONCURRENCY)

        async def one(ref: PageRef) -> None:
            async with semaphore:
                with contextlib.suppress(MirrorError):
                    await self.get(ref, keep=False, background=True)
                    stored([ref.key])

        await asyncio.gather(*(one(ref) for ref in refs))

    def _background_executor(self) -> Executor | None:
        if self._executor is None and not self._executor_failed and self._make_executor:
            try:
                with _process_stderr():
                    executor = self._make_executor()
                    if executor is not None:
                        executor.submit(int)  # starts the process now, inside this block
                self._executor = executor
            except Exception as exc:  # noqa: BLE001 - no processes here: threads will do
                self._executor_failed = True
                self.problems.append(
                    _("background work stays in this process ({exc})").format(exc=exc)
                )
        return self._executor

    def _shutdown_executor(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            from tui.core.workers import stop_pool

            stop_pool(executor)

    async def aclose(self) -> None:
        """Record what is still to be recorded, stop the parse process and close the mirror;
        never waits on a running parse."""
        with contextlib.suppress(Exception):
            await self.recorded()
        self._shutdown_executor()
        with contextlib.suppress(Exception):
            await self.mirror.aclose()


def parse_process(recipe: Recipe | None = None) -> Executor:
    """One worker process; with a ``recipe`` it opens the mirror and can prefetch whole
    batches, without one it parses."""
    from tui.core.workers import process_pool  # when the first worker starts, not at start-up

    if recipe is None:
        return process_pool(1, load_parsers)
    return process_pool(1, start_worker, recipe)
