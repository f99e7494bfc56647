"""``sync``: the whole mirror into the cache and the library, for offline reading and search.

The crawl walks what a reader could reach: the home page, every category index, every
article they list, and the other mirror repositories the home links (their README and the
pages it links, and the articles of any index among them). It goes through the ``Mirror``
like every other read, so the cache, the chain's failover, proxies, retries with
``Retry-After`` and every bound apply unchanged.

- Incremental: home and indexes are revalidated (``refresh``: an unchanged one costs a 304);
  an article the library knows and the cache holds costs nothing; a new one is fetched, and
  an old cached one is revalidated by the mirror's own freshness rule.
- Resumable: a page is in the cache (an atomic write) before it is parsed, and the library
  writes in transactions, so a sync stopped anywhere, by Ctrl+C or ``kill -9``, loses at most
  the parsing of the last batch; the next sync finds those pages cached, parses them without
  the network, and nothing is recorded twice (the library's rows are keyed by page).
- Bounded: ``jobs`` fetches at a time (default 4); parsing runs in worker processes (the
  event loop's process keeps to I/O and SQL), at most a few batches ahead of the writer.

Everything is reported through ``on_progress`` (a :class:`Progress` snapshot) so the CLI can
draw a bar or print lines and the app can show it in the key bar; the end is a
:class:`SyncReport`.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import NamedTuple

from tui.core.errors import FetchTimeout, MirrorError, NetworkUnavailable, ServerError
from tui.core.kinds import ARTICLE_FRESHNESS, PageKind, kind_by_path
from tui.core.library import ArticleRecord, Library, article_record
from tui.core.mirror import Mirror, Origin
from tui.core.models import Article, Document, Home, Index, Page
from tui.core.parse import DirectoryNames, parse_page
from tui.core.parse.dirnames import directory_of
from tui.core.parsed import parse_with_store, store_at
from tui.core.urls import LinkKind, PageRef
from tui.core.workers import process_pool, stop_pool
from tui.i18n import _

DEFAULT_JOBS = 4
PARSE_BATCH = 16  # pages per parse job: one round trip to a worker for several pages
WRITE_BATCH = 250  # records per library transaction
PROCESS_THRESHOLD = 64  # fewer pages to parse than this: threads, not worker processes
RETRY_PAUSE = 1.0  # seconds before the failed pages that may recover are tried again
# Failures worth a second try at the end of the crawl (a server that was busy or slow).
TRANSIENT = (ServerError, FetchTimeout, NetworkUnavailable)


class Phase:
    HOME = "home"
    LISTS = "indexes"
    ARTICLES = "articles"
    RETRY = "retry"
    DONE = "done"


class Progress(NamedTuple):
    """Where a sync is: what the CLI's bar and the app's key bar draw."""

    phase: str
    done: int
    total: int | None
    new: int
    updated: int
    unchanged: int
    failed: int
    elapsed: float
    current: str = ""

    @property
    def rate(self) -> float:
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        if not self.total or self.done <= 0 or self.rate <= 0:
            return None
        return max(0.0, (self.total - self.done) / self.rate)


@dataclass(slots=True)
class SyncReport:
    """What a sync did. ``fatal`` is set when nothing could be fetched (exit code 4)."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    lists: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    elapsed: float = 0.0
    fatal: str | None = None
    interrupted: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def articles(self) -> int:
        return self.new + self.updated + self.unchanged

    def summary(self) -> str:
        """One line for the end of ``sync``."""
        rate = self.articles / self.elapsed if self.elapsed > 0 else 0.0
        return _(
            "{new} new, {updated} updated, {unchanged} unchanged, {failures} failed; {lists} lists; {elapsed:.1f} s ({rate:,.0f} articles/s)"
        ).format(
            new=self.new,
            updated=self.updated,
            unchanged=self.unchanged,
            failures=len(self.failures),
            lists=self.lists,
            elapsed=self.elapsed,
            rate=rate,
        )


def _parse_records(
    items: list[tuple[PageRef, str, PageRef]],
    store: str | None = None,
    names: DirectoryNames | None = None,
) -> list[ArticleRecord | str]:
    """A parse worker's job: pages in, records (or why a page is not an article) out.

    With ``store`` (the parsed-model store's folder), each model is kept there as the browser
    keeps it, so an article synced once is read later without being parsed again. ``names``:
    what the indexes call the page directories, so that an article whose page gives only its
    directory code (``p2``) is recorded, and found, under the name (看官场); the articles of
    the batch that name their directory add to it.
    """
    parsed = store_at(store)
    pages = [parse_with_store(parsed, ref, text, home, parse_page) for ref, text, home in items]
    if names is None:
        names = DirectoryNames()
    for page in pages:
        if isinstance(page, Article):
            names.learn_article(page)
    out: list[ArticleRecord | str] = []
    for page in pages:
        if isinstance(page, Article):
            names.name_category(page)  # the stored model keeps the page's own words
            out.append(article_record(page))
        else:
            out.append(_("not an article ({kind})").format(kind=page.kind))
    return out


def _processes(workers: int) -> Executor:
    return process_pool(workers)


def _shutdown(executor: Executor | None) -> None:
    stop_pool(executor)


class Crawl:
    """One crawl of a mirror into a library; :meth:`run` does it and returns the report."""

    def __init__(
        self,
        mirror: Mirror,
        library: Library,
        *,
        jobs: int = DEFAULT_JOBS,
        reindex: bool = False,
        on_progress: Callable[[Progress], None] | None = None,
        workers: int | None = None,
        retry_pause: float = RETRY_PAUSE,
        parsed: Path | None = None,
    ) -> None:
        self.mirror = mirror
        self.parsed = str(parsed) if parsed is not None else None  # the model store's folder
        self.library = library
        self.jobs = max(1, jobs)
        self.reindex = reindex
        self.on_progress = on_progress
        self.workers = workers if workers is not None else min(4, max(1, os.cpu_count() or 1))
        self.retry_pause = retry_pause
        self.report = SyncReport()
        self._phase = Phase.HOME
        self._done = 0
        self._total: int | None = None
        self._start = time.monotonic()
        self._known: set[str] = set()
        self._buffer: list[tuple[ArticleRecord, str]] = []
        self._write_lock = asyncio.Lock()
        self._executor: Executor | None = None
        self.names = DirectoryNames()  # learnt from the indexes, before any article

    # -- progress -------------------------------------------------------------------------

    def _progress(self, current: str = "") -> None:
        if self.on_progress is None:
            return
        r = self.report
        self.on_progress(
            Progress(
                self._phase,
                self._done,
                self._total,
                r.new,
                r.updated,
                r.unchanged,
                len(r.failures),
                time.monotonic() - self._start,
                current,
            )
        )

    def _fail(self, ref: PageRef, why: str) -> None:
        self.report.failures.append((ref.target(self.mirror.home), why))

    # -- the crawl ------------------------------------------------------------------------

    async def run(self) -> SyncReport:
        try:
            await self._run()
        except asyncio.CancelledError:
            self.report.interrupted = True
            self._flush_now()
            raise
        finally:
            _shutdown(self._executor)
            self._executor = None
            self.report.elapsed = time.monotonic() - self._start
        self._phase = Phase.DONE
        self._progress()
        return self.report

    async def _run(self) -> None:
        home_ref = self.mirror.home
        self._progress(home_ref.target(home_ref))
        try:
            home = await self._get_page(home_ref)
        except MirrorError as exc:
            self.report.fatal = _("could not read the home page: {exc}").format(exc=exc)
            self._fail(home_ref, str(exc))
            return
        self.report.lists += 1
        lists, foreign = self._home_links(home)
        # Other repositories' READMEs first: the pages they link join the lists.
        self._phase = Phase.LISTS
        self._total = len(lists) + len(foreign)
        articles: dict[str, PageRef] = {}
        for page in await self._fetch_lists(foreign, articles):
            for ref in self._document_links(page):
                if ref.key not in {r.key for r in lists}:
                    lists.append(ref)
        # A category that links an article directly is an article to sync, not a list.
        for ref in [r for r in lists if kind_by_path(r) is PageKind.ARTICLE]:
            articles.setdefault(ref.key, ref)
        lists = [r for r in lists if kind_by_path(r) is not PageKind.ARTICLE]
        self._total = len(lists) + len(foreign)
        read_before = self.report.lists  # the home page and other repositories' READMEs
        await self._fetch_lists(lists, articles)
        if lists and self.report.lists == read_before and not articles:
            self.report.fatal = _("no index could be read")
        await self._articles(list(articles.values()))

    def _home_links(self, page: Page) -> tuple[list[PageRef], list[PageRef]]:
        lists: dict[str, PageRef] = {}
        foreign: dict[str, PageRef] = {}
        home_ref = self.mirror.home
        if isinstance(page, Home):
            for section in page.sections:
                for category in section.categories:
                    lists.setdefault(category.ref.key, category.ref)
        for link in getattr(page, "links", []):
            ref = link.ref
            if link.kind is not LinkKind.PAGE or ref is None:
                continue
            if not ref.same_repo(home_ref):
                readme = ref.with_path("README.md")
                foreign.setdefault(readme.key, readme)
            elif kind_by_path(ref) is PageKind.INDEX:
                lists.setdefault(ref.key, ref)
        return list(lists.values()), list(foreign.values())

    @staticmethod
    def _document_links(page: Page) -> list[PageRef]:
        """Pages of its own repository that another repository's README links."""
        out: list[PageRef] = []
        for link in getattr(page, "links", []):
            ref = link.ref
            if (
                link.kind is LinkKind.PAGE
                and ref is not None
                and ref.same_repo(page.ref)
                and ref != page.ref
            ):
                out.append(ref)
        if isinstance(page, Home):
            out += [c.ref for s in page.sections for c in s.categories]
        return out

    async def _get_page(self, ref: PageRef) -> Page:
        fetched = await self.mirror.get(ref, refresh=True)
        return await asyncio.to_thread(parse_page, fetched.ref, fetched.text, self.mirror.home)

    async def _fetch_lists(self, refs: list[PageRef], articles: dict[str, PageRef]) -> list[Page]:
        """Revalidate and parse list pages; gather the articles they list. Returns the
        pages that are not indexes (other repositories' READMEs and documents)."""
        semaphore = asyncio.Semaphore(self.jobs)
        others: list[Page] = []

        async def one(ref: PageRef) -> None:
            async with semaphore:
                try:
                    page = await self._get_page(ref)
                except MirrorError as exc:
                    self._fail(ref, str(exc))
                    return
                finally:
                    self._done += 1
                    self._progress(ref.target(self.mirror.home))
            self.report.lists += 1
            if isinstance(page, Index):
                self.names.learn_index(page)
                await asyncio.to_thread(self.library.record_entries, page.entries, page.ref)
                for entry in page.entries:
                    if entry.ref is not None:
                        articles.setdefault(entry.ref.key, entry.ref)
            elif isinstance(page, Article):
                articles.setdefault(page.ref.key, page.ref)
            elif isinstance(page, Home | Document):
                others.append(page)

        await asyncio.gather(*(one(ref) for ref in refs))
        return others

    # -- articles -------------------------------------------------------------------------

    async def _articles(self, refs: list[PageRef]) -> None:
        recorded = await asyncio.to_thread(self.library.known_categories, [r.key for r in refs])
        self._known = set(recorded)
        known = [r for r in refs if r.key in self._known]
        # 15,000 cache look-ups take a few hundred ms: off the loop, in one batch. A copy
        # not checked for ARTICLE_FRESHNESS is asked for again, with its ETag: an article
        # edited upstream is updated, an unchanged one costs a 304.
        copies = (
            await asyncio.to_thread(
                partial(self.mirror.copies, checked_within=ARTICLE_FRESHNESS), known
            )
            if not self.reindex
            else set()
        )
        # Articles recorded under their directory's code (by a version that did not learn
        # names, or before an index named it) are parsed again from their copy: 看官场, not p2.
        coded = {
            r.key
            for r in known
            if recorded[r.key] is not None
            and recorded[r.key] == directory_of(r)
            and self.names.lookup(r) is not None
        }
        todo: list[PageRef] = []
        for ref in refs:
            if not self.reindex and ref.key in copies and ref.key not in coded:
                self.report.unchanged += 1
            else:
                todo.append(ref)
        self._phase = Phase.ARTICLES
        self._done = self.report.unchanged
        self._total = len(refs)
        self._progress()
        if len(todo) >= PROCESS_THRESHOLD and self.workers > 1:
            try:
                self._executor = _processes(self.workers)
            except Exception:  # noqa: BLE001 - no processes here: threads will parse
                self._executor = None
        retry = await self._fetch_articles(todo)
        if retry:
            self._phase = Phase.RETRY
            await asyncio.sleep(self.retry_pause)
            drop = {ref.target(self.mirror.home) for ref in retry}
            self.report.failures = [f for f in self.report.failures if f[0] not in drop]
            self._done -= len(retry)
            await self._fetch_articles(retry, final=True)
        await self._flush()

    async def _fetch_articles(self, refs: list[PageRef], *, final: bool = False) -> list[PageRef]:
        """Fetch, parse and record ``refs``; returns those that failed in a way that may pass."""
        queue: asyncio.Queue[PageRef] = asyncio.Queue()
        for ref in refs:
            queue.put_nowait(ref)
        parse_queue: asyncio.Queue[tuple[PageRef, str, str] | None] = asyncio.Queue(
            maxsize=PARSE_BATCH * max(2, self.workers) * 2
        )
        transient: list[PageRef] = []

        async def fetcher() -> None:
            while True:
                try:
                    ref = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                try:
                    fetched = await self.mirror.get(ref)
                except MirrorError as exc:
                    self._fail(ref, str(exc))
                    if not final and isinstance(exc, TRANSIENT):
                        transient.append(ref)
                    self._done += 1
                    self._progress(ref.target(self.mirror.home))
                    continue
                status = self._status(ref, fetched.origin)
                await parse_queue.put((fetched.ref, fetched.text, status))

        async def parser() -> None:
            while True:
                item = await parse_queue.get()
                if item is None:
                    return
                batch = [item]
                while len(batch) < PARSE_BATCH:
                    try:
                        more = parse_queue.get_nowait()
                    except asyncio.QueueEmpty:
                        break
                    if more is None:
                        parse_queue.put_nowait(None)  # for the next parser
                        break
                    batch.append(more)
                await self._parse(batch)

        parsers = [asyncio.create_task(parser()) for _ in range(max(1, self.workers) * 2)]
        try:
            await asyncio.gather(*(fetcher() for _ in range(self.jobs)))
            for _ in parsers:
                await parse_queue.put(None)
            await asyncio.gather(*parsers)
        finally:
            for task in parsers:
                task.cancel()
        return transient

    def _status(self, ref: PageRef, origin: Origin) -> str:
        if ref.key not in self._known:
            return "new"
        return "updated" if origin is Origin.NETWORK else "unchanged"

    async def _parse(self, batch: list[tuple[PageRef, str, str]]) -> None:
        items = [(ref, text, self.mirror.home) for ref, text, _ in batch]
        results: list[ArticleRecord | str]
        if self._executor is not None:
            loop = asyncio.get_running_loop()
            try:
                results = await loop.run_in_executor(
                    self._executor, _parse_records, items, self.parsed, self.names
                )
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - a broken worker: parse in a thread instead
                _shutdown(self._executor)
                self._executor = None
                results = await asyncio.to_thread(_parse_records, items, self.parsed, self.names)
        else:
            results = await asyncio.to_thread(_parse_records, items, self.parsed, self.names)
        for (ref, _text, status), result in zip(batch, results, strict=True):
            if isinstance(result, str):
                self._fail(ref, result)
                self._done += 1
            else:
                self._buffer.append((result, status))
        if len(self._buffer) >= WRITE_BATCH:
            await self._flush()
        self._progress(batch[-1][0].target(self.mirror.home))

    async def _flush(self) -> None:
        async with self._write_lock:
            buffer, self._buffer = self._buffer, []
            if buffer:
                await asyncio.to_thread(self._write, buffer)

    def _flush_now(self) -> None:
        buffer, self._buffer = self._buffer, []
        if buffer:
            self._write(buffer)

    def _write(self, buffer: list[tuple[ArticleRecord, str]]) -> None:
        self.library.record_records([record for record, _ in buffer])
        for record, status in buffer:
            self._known.add(record.key)
            if status == "new":
                self.report.new += 1
            elif status == "updated":
                self.report.updated += 1
            else:
                self.report.unchanged += 1
        self._done += len(buffer)


async def crawl(
    mirror: Mirror,
    library: Library,
    *,
    jobs: int = DEFAULT_JOBS,
    reindex: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
    workers: int | None = None,
    parsed: Path | None = None,
) -> SyncReport:
    """Sync ``mirror`` into ``library`` (and the mirror's cache): see the module docstring.

    ``reindex`` re-parses every article (from the cache, so without the network when it is
    fresh) and rebuilds the search index from what the library stores. ``parsed``: the
    parsed-model store's folder, where each article's model is kept for the browser.
    """
    if reindex:
        await asyncio.to_thread(library.rebuild_search_index)
    job = Crawl(
        mirror,
        library,
        jobs=jobs,
        reindex=reindex,
        on_progress=on_progress,
        workers=workers,
        parsed=parsed,
    )
    report = await job.run()
    report.warnings.extend(dict.fromkeys([*mirror.warnings, *library.warnings]))
    return report
