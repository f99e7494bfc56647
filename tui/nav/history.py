"""Back and forward, as a browser keeps them: a plain generic class with its own tests."""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class History(Generic[T]):
    """Visits behind and ahead of the current one.

    The current visit is not stored: callers hand it in when they move, so what is kept is
    always what the screen showed at the moment of leaving (selection, scroll).
    """

    def __init__(self, limit: int = 200) -> None:
        self._back: list[T] = []
        self._forward: list[T] = []
        self._limit = limit

    def push(self, current: T) -> None:
        """Leave ``current`` for a new place: it goes behind, what was ahead is dropped."""
        self._back.append(current)
        if len(self._back) > self._limit:
            del self._back[0]
        self._forward.clear()

    def back(self, current: T) -> T | None:
        """The previous visit (``current`` goes ahead), or None at the start."""
        if not self._back:
            return None
        self._forward.append(current)
        return self._back.pop()

    def forward(self, current: T) -> T | None:
        """The next visit after going back (``current`` goes behind), or None."""
        if not self._forward:
            return None
        self._back.append(current)
        return self._forward.pop()

    @property
    def can_back(self) -> bool:
        return bool(self._back)

    @property
    def can_forward(self) -> bool:
        return bool(self._forward)

    def previous(self) -> T | None:
        """The visit ``back`` would return, without moving."""
        return self._back[-1] if self._back else None

    def clear(self) -> None:
        self._back.clear()
        self._forward.clear()

    def __len__(self) -> int:
        return len(self._back) + len(self._forward)
