"""Prefetch in a worker process: fetch, cache, parse and record, away from the UI's loop.

Prefetching an index means hundreds of HTTP requests and parses. Done in the browser's
process, even with parsing elsewhere, the HTTP client alone took about 7 ms of the event
loop per page (bench/scale.py), enough to push key presses past 50 ms while it ran. In a
worker process it takes none: the worker opens the same mirror (same cache directory, same
library file: both are safe for several processes) from the ``Recipe`` it was started with,
and hands back only the keys of the pages it stored.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from tui.core.config import Options
from tui.core.errors import MirrorError
from tui.core.fetch import FetchPolicy
from tui.core.urls import PageRef
from tui.i18n import _

if TYPE_CHECKING:
    from tui.core.daily import IndexVisit

CONCURRENCY = 4  # requests in flight at once, per worker


class Recipe(NamedTuple):
    """How to open the mirror again in another process (``open_mirror`` arguments)."""

    options: Options
    policy: FetchPolicy | None = None
    library: Path | None = None
    concurrency: int = CONCURRENCY


class _Worker:
    """What a worker process keeps between batches: one loop, one mirror, one library."""

    def __init__(self, recipe: Recipe) -> None:
        from tui.core.library import Library
        from tui.core.mirror import open_mirror
        from tui.core.pages import PageService
        from tui.core.parse import load_parsers
        from tui.core.parsed import ParsedStore, parsed_directory

        self.loop = asyncio.new_event_loop()
        mirror = open_mirror(recipe.options, policy=recipe.policy, in_line=True)
        # Models parsed here are the browser's too: it reads them back instead of parsing.
        parsed = ParsedStore(parsed_directory(recipe.options.cache_dir))
        self.service = PageService(mirror, Library(recipe.library), parsed=parsed, in_line=True)
        self.concurrency = max(1, recipe.concurrency)
        load_parsers()  # now, while the browser starts, not in the first batch

    async def plan(self, index: PageRef, visit: bool) -> Planned:
        from tui.core.daily import visit_listing
        from tui.core.models import Index

        loaded = await self.service.get(index, keep=False)
        page = loaded.page
        if not isinstance(page, Index):
            return Planned([], None)
        if not visit:
            return Planned(self.service.plan(page.entries), None)
        visited = visit_listing(self.service.library, index, page.entries)  # records them
        return Planned(self.service.plan(page.entries, recorded=True), visited)

    async def batch(self, refs: Sequence[PageRef]) -> list[str]:
        semaphore = asyncio.Semaphore(self.concurrency)
        stored: list[str] = []

        async def one(ref: PageRef) -> None:
            async with semaphore:
                with contextlib.suppress(MirrorError):
                    await self.service.get(ref, keep=False)
                    stored.append(ref.key)

        # The batch's articles are recorded and their models kept together at its end: one
        # transaction each instead of one per page (the search index's flush at every
        # commit was about half of recording an article).
        with self.service.writes_together():
            await asyncio.gather(*(one(ref) for ref in refs))
        return stored


_worker: _Worker | None = None  # one per worker process, made by ``start_worker``


def start_worker(recipe: Recipe) -> None:
    """The worker process's initializer (``tui.core.workers.process_pool``)."""
    global _worker
    _worker = _Worker(recipe)


def _current() -> _Worker:
    if _worker is None:
        raise RuntimeError(_("this runs in a worker started with start_worker"))
    return _worker


class Planned(NamedTuple):
    """What planning an index found: the articles still to fetch, and with ``visit`` the
    reader's visit of it (``tui.core.daily``), recorded here rather than in the browser,
    whose interpreter it held for tens of ms on a 15,000-entry index."""

    todo: list[PageRef]
    visit: IndexVisit | None


def plan_index(index: PageRef, visit: bool = False) -> Planned:
    """Run in the worker: read the index (from the cache: the browser just showed it),
    record its entries (with ``visit``, its listing and the visit too), and say which of
    its articles are still to be fetched."""
    worker = _current()
    return worker.loop.run_until_complete(worker.plan(index, visit))


def prefetch_batch(refs: Sequence[PageRef]) -> list[str]:
    """Run in the worker: bring ``refs`` into the cache and the library; the keys stored."""
    worker = _current()
    return worker.loop.run_until_complete(worker.batch(refs))
