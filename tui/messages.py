"""What workers tell the browser screen. Workers post these; only handlers touch widgets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from textual.message import Message

from tui.core.errors import MirrorError
from tui.core.pages import Loaded
from tui.core.urls import PageRef
from tui.nav.places import Place, Row, Visit

Target = Literal["list", "reader"]


@dataclass
class PageLoaded(Message):
    """A page asked for by ``target`` arrived. ``request`` is the number of the request, so
    an answer to an older request (superseded by a newer one) is recognised and dropped."""

    target: Target
    request: int
    ref: PageRef
    loaded: Loaded
    place: Place | None = None  # the list's place, for the list
    restore: Visit | None = None  # what to restore (back/forward), if anything
    focus: bool = False  # the reader takes the focus when it shows
    reader_state: object | None = None  # where the reader scrolls to (back/forward)


@dataclass
class PageFailed(Message):
    """A page asked for by ``target`` could not be had (``error`` says why, for the user)."""

    target: Target
    request: int
    ref: PageRef
    error: MirrorError
    place: Place | None = None


@dataclass
class PrefetchProgress(Message):
    """``done`` of ``total`` index entries fetched in the background (``total`` 0: ended).

    A burst of these is merged: only the latest matters to the key bar and the marks.
    """

    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, PrefetchProgress)


@dataclass
class RowsLoaded(Message):
    """Rows of a place the library answers (a tag's related list, search results, all
    articles). ``live``: an update of the list shown (prefetch learned more articles),
    which keeps its selection and scroll. ``detail``: the list title's count, when the
    rows alone cannot say it (a common query's search results)."""

    request: int
    place: Place
    rows: Sequence[Row]
    restore: Visit | None = None
    live: bool = False
    detail: str | None = None


@dataclass
class SyncProgress(Message):
    """Where an in-app sync is (``progress`` a ``tui.core.sync.Progress``); ``None`` when it
    ended, with the summary line. A burst is merged: only the latest matters."""

    progress: object | None
    summary: str = ""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SyncProgress) and self.progress is not None
