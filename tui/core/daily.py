"""Daily reading over the library and the cache: stars kept offline, visits, unread counts.

The browser calls these from worker threads (each may touch SQLite or the disk): starring
pins the page in the cache so that it survives size culling and reads with ``--offline``;
opening an index records its listing before the visit time, so that "new since the last
visit" never counts the entries of this very visit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from tui.core.errors import MirrorError
from tui.core.models import Entry, Index
from tui.core.urls import PageRef

if TYPE_CHECKING:
    from tui.core.library import Library
    from tui.core.pages import PageService


class IndexVisit(NamedTuple):
    """What a visit of an index found: the keys new since the last visit (none the first
    time: everything would be new)."""

    ref: PageRef
    new: frozenset[str]
    previous: float | None


def visit_key(ref: PageRef) -> str:
    return f"index:{ref.key}"


def visit_index(library: Library, index: Index) -> IndexVisit:
    """Record the index's listing, then the visit; blocking (run it in a thread)."""
    return visit_listing(library, index.ref, index.entries)


def visit_listing(library: Library, ref: PageRef, entries: Sequence[Entry]) -> IndexVisit:
    """``visit_index`` of the index ``ref`` listing ``entries`` (the prefetch worker's form:
    it has the index's entries, read where it plans)."""
    library.record_entries(entries, ref)
    previous = library.visit(visit_key(ref))
    new = library.listed_since(ref, previous) if previous is not None else frozenset()
    return IndexVisit(ref, new, previous)


def _cache_of(service: PageService) -> Any:
    mirror: Any = service.mirror
    mirror = getattr(mirror, "active", mirror)
    return getattr(mirror, "cache", None)


async def pin_starred(service: PageService, ref: PageRef) -> bool:
    """Bring a starred page into the cache (if it is not there) and pin it there.

    False when it cannot be kept (no cache, offline and not cached, a local folder whose
    pages are always at hand anyway)."""
    cache = _cache_of(service)
    if cache is None:
        return False
    if not cache.pin(ref):
        try:
            await service.get(ref, keep=False)
        except MirrorError:
            return False
        return bool(await asyncio.to_thread(cache.pin, ref))
    return True


def unpin(service: PageService, ref: PageRef) -> None:
    cache = _cache_of(service)
    if cache is not None:
        cache.unpin(ref)


def toggle_star(library: Library, ref: PageRef, title: str) -> bool:
    """Star or unstar ``ref``; True when it is starred now."""
    if ref.key in library.starred_keys():
        library.unstar(ref)
        return False
    library.star(ref, title)
    return True


def when(at: float, now: float) -> str:
    """When something happened, short: the time today, the date otherwise (local time)."""
    moment = datetime.fromtimestamp(at).astimezone()
    today = datetime.fromtimestamp(now).astimezone().date()
    if moment.date() == today:
        return moment.strftime("%H:%M")
    return moment.strftime("%Y-%m-%d %H:%M")
