"""The live mirror with the bundled sample behind it, for a first start with no network.

A reader who starts the app offline with an empty cache should still see how the browser
works, and be told why. This wrapper is a mirror like any other to its callers: while the
live home page can be reached (or is cached) it is the live mirror; when the live home fails
for lack of a network, it becomes the sample mirror until ``retry()``. The switch happens
here, in one place, instead of inside the UI.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from tui.core.errors import FetchTimeout, MirrorError, NetworkUnavailable, OfflineMiss
from tui.core.mirror import Fetched, Mirror, MirrorKind
from tui.core.urls import PageRef
from tui.i18n import _


class MirrorLike(Protocol):
    """What the page service needs of a mirror (``Mirror`` and ``FallbackMirror`` are)."""

    @property
    def home(self) -> PageRef: ...
    @property
    def kind(self) -> MirrorKind: ...
    @property
    def label(self) -> str: ...
    @property
    def where(self) -> str: ...
    @property
    def warnings(self) -> list[str]: ...
    @property
    def state_dir(self) -> Path | None: ...

    def has_copy(self, ref: PageRef) -> bool: ...
    def copies(self, refs: Sequence[PageRef]) -> set[str]: ...
    def is_cached(self, ref: PageRef) -> bool: ...
    async def get(self, ref: PageRef, *, refresh: bool = False) -> Fetched: ...
    async def aclose(self) -> None: ...


def falls_back(kind: MirrorKind, error: MirrorError) -> bool:
    """Whether failing to reach the home page with ``error`` means "no network here"."""
    if kind is MirrorKind.OFFLINE:
        return isinstance(error, OfflineMiss)
    if kind is MirrorKind.LIVE:
        return isinstance(error, NetworkUnavailable | FetchTimeout)
    return False


class FallbackMirror:
    """``live`` while it answers for its home page; ``spare()`` (the sample) once it cannot."""

    def __init__(self, live: Mirror, spare: Callable[[], Mirror]) -> None:
        self.live = live
        self._make_spare = spare
        self._spare: Mirror | None = None
        self.reason: str | None = None  # why the sample is shown, while it is

    @property
    def active(self) -> Mirror:
        return self._spare if self.fallen and self._spare is not None else self.live

    @property
    def fallen(self) -> bool:
        return self.reason is not None

    @property
    def home(self) -> PageRef:
        return self.active.home

    @property
    def kind(self) -> MirrorKind:
        return self.active.kind

    @property
    def label(self) -> str:
        return _("sample (no network)") if self.fallen else self.live.label

    @property
    def where(self) -> str:
        return self.active.where

    @property
    def warnings(self) -> list[str]:
        return self.live.warnings

    @property
    def state_dir(self) -> Path | None:
        return self.live.state_dir

    def has_copy(self, ref: PageRef) -> bool:
        return self.active.has_copy(ref)

    def copies(self, refs: Sequence[PageRef]) -> set[str]:
        return self.active.copies(refs)

    def is_cached(self, ref: PageRef) -> bool:
        return self.active.is_cached(ref)

    async def get(self, ref: PageRef, *, refresh: bool = False) -> Fetched:
        """The page; for the live home with no network, the sample's home instead.

        The returned ``Fetched.ref`` says which page it is: callers compare it with what
        they asked for to notice the switch.
        """
        if self.fallen:
            return await self.active.get(ref, refresh=refresh)
        try:
            return await self.live.get(ref, refresh=refresh)
        except MirrorError as error:
            if ref != self.live.home or not falls_back(self.live.kind, error):
                raise
            if self._spare is None:
                self._spare = self._make_spare()
            self.reason = str(error)
            return await self._spare.get(self._spare.home)

    def retry(self) -> PageRef:
        """Go back to the live mirror (the next ``get`` of its home tries the network)."""
        self.reason = None
        return self.live.home

    async def aclose(self) -> None:
        with contextlib.suppress(Exception):
            await self.live.aclose()
        if self._spare is not None:
            with contextlib.suppress(Exception):
                await self._spare.aclose()
