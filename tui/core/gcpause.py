"""Pausing the cyclic garbage collector while thousands of objects are made at once."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic GC while one page is parsed or one stored model is read back.

    A page's tree, or a 15,000-entry index, is tens of thousands of new objects linked
    both ways; the collector, triggered every few hundred allocations, walks them (and the
    whole heap, in a full collection) again and again although none of them is garbage
    before the work ends: a 15,000-entry index read back took 25 to 90 ms with it, 23 ms
    without. Reference counting still frees everything it frees; cycles wait for the next
    collection. Nested or concurrent pauses are harmless: the first one resumes it.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
