"""What workers tell the browser screen. Workers post these; only handlers touch widgets.

Plain ``Message`` subclasses with their own ``__init__``: a dataclass is built by
compiling its methods when the module is imported, a few milliseconds of every start for
these five.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from textual.message import Message

from tui.core.errors import MirrorError
from tui.core.pages import Loaded
from tui.core.urls import PageRef
from tui.nav.places import Place, Row, Visit

Target = Literal["list", "reader"]


class PageLoaded(Message):
    """A page asked for by ``target`` arrived. ``request`` is the number of the request, so
    an answer to an older request (superseded by a newer one) is recognised and dropped."""

    def __init__(
        self,
        target: Target,
        request: int,
        ref: PageRef,
        loaded: Loaded,
        place: Place | None = None,
        restore: Visit | None = None,
        focus: bool = False,
        reader_state: object | None = None,
    ) -> None:
        super().__init__()
        self.target = target
        self.request = request
        self.ref = ref
        self.loaded = loaded
        self.place = place  # the list's place, for the list
        self.restore = restore  # what to restore (back/forward), if anything
        self.focus = focus  # the reader takes the focus when it shows
        self.reader_state = reader_state  # where the reader scrolls to (back/forward)


class PageFailed(Message):
    """A page asked for by ``target`` could not be had (``error`` says why, for the user)."""

    def __init__(
        self,
        target: Target,
        request: int,
        ref: PageRef,
        error: MirrorError,
        place: Place | None = None,
    ) -> None:
        super().__init__()
        self.target = target
        self.request = request
        self.ref = ref
        self.error = error
        self.place = place


class PrefetchProgress(Message):
    """``done`` of ``total`` index entries fetched in the background (``total`` 0: ended).

    A burst of these is merged: only the latest matters to the key bar and the marks.
    """

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, PrefetchProgress)


class RowsLoaded(Message):
    """Rows of a place the library answers (a tag's related list, search results, all
    articles). ``live``: an update of the list shown (prefetch learned more articles),
    which keeps its selection and scroll. ``detail``: the list title's count, when the
    rows alone cannot say it (a common query's search results)."""

    def __init__(
        self,
        request: int,
        place: Place,
        rows: Sequence[Row],
        restore: Visit | None = None,
        live: bool = False,
        detail: str | None = None,
    ) -> None:
        super().__init__()
        self.request = request
        self.place = place
        self.rows = rows
        self.restore = restore
        self.live = live
        self.detail = detail


class SyncProgress(Message):
    """Where an in-app sync is (``progress`` a ``tui.core.sync.Progress``); ``None`` when it
    ended, with the summary line. A burst is merged: only the latest matters."""

    def __init__(self, progress: object | None, summary: str = "", failed: bool = False) -> None:
        super().__init__()
        self.progress = progress
        self.summary = summary
        self.failed = failed  # the sync stopped on an error: ``summary`` says which

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SyncProgress) and self.progress is not None
