"""A sequence whose items are made from another's when first asked for.

Lists of thousands of rows (a 15,000-entry index, a tag carried by 5,000 articles) show a
screenful at a time: making every row up front costs tens of milliseconds that nobody
sees (bench/scale.py), making the rows drawn costs nothing to speak of.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar, overload

T = TypeVar("T")
U = TypeVar("U")

__all__ = ["LazyMap"]


class LazyMap(Sequence[U], Generic[T, U]):
    """``[make(item) for item in items]``, each made once, on first access.

    ``openable`` is what the maker of the sequence knows of its items without making them
    (for rows: how many open something), or None.
    """

    __slots__ = ("_items", "_made", "_make", "openable")

    def __init__(
        self, items: Sequence[T], make: Callable[[T], U], openable: int | None = None
    ) -> None:
        self._items = items
        self._make = make
        self._made: list[U | None] = [None] * len(items)
        self.openable = openable

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> U: ...
    @overload
    def __getitem__(self, index: slice) -> list[U]: ...
    def __getitem__(self, index: int | slice) -> U | list[U]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._items)))]
        made = self._made[index]
        if made is None:
            made = self._made[index] = self._item(index)
        return made

    def _item(self, index: int) -> U:
        """Make item ``index`` (a subclass may make it another way)."""
        return self._make(self._items[index])

    def __iter__(self) -> Iterator[U]:
        for i in range(len(self._items)):
            yield self[i]

    def __eq__(self, other: object) -> bool:
        """Equal to a list (or any sequence but a string) of equal items, as a list is."""
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # equal to lists, so unhashable as they are

    def made(self) -> int:
        """How many items have been made so far (for tests and benchmarks)."""
        return len(self._made) - self._made.count(None)
