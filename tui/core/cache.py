"""The on-disk page store: text and JSON metadata in diskcache, never pickles.

A cache that fails must never take the browser down with it: a corrupt database is moved
aside and rebuilt, a read-only or full disk means running without a cache, and both come
back as warnings for the status line rather than exceptions.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import diskcache
import platformdirs

from tui.core.config import CACHE_DIR_ENV, DEFAULT_CACHE_SIZE
from tui.core.kinds import freshness as freshness_for
from tui.core.urls import PageRef

APP_NAME = "goodnews-tui"
PAGES_DIR = "pages"
STATE_DIR = "state"
SCHEMA = 1


class CacheUnavailable(Exception):
    """The store stopped working (disk full, database broken); the caller drops it."""


class _JSONOnlyDisk(diskcache.JSONDisk):
    """JSONDisk that refuses to unpickle rows it did not write, even if someone planted one."""

    def get(self, key: Any, raw: bool) -> Any:
        if not raw:
            raise CacheUnavailable("the cache holds a pickled key; refusing to load it")
        return super().get(key, raw)

    def fetch(self, mode: int, filename: str | None, value: Any, read: bool) -> Any:
        if mode == diskcache.core.MODE_PICKLE:
            raise CacheUnavailable("the cache holds a pickled value; refusing to load it")
        return super().fetch(mode, filename, value, read)


def cache_root(cache_dir: Path | None = None) -> Path:
    """``--cache-dir``, else ``$GOODNEWS_TUI_CACHE_DIR``, else the platform's user cache dir."""
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    env = os.environ.get(CACHE_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def make_private_dir(path: Path) -> Path:
    """Create ``path`` (mode 0700: what a user reads is nobody else's business)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


def _now() -> datetime:
    return datetime.now(UTC)


class CachedPage(NamedTuple):
    """One stored page: its text, its validators, and when it was fetched and last checked."""

    text: str
    fetched_at: datetime
    checked_at: datetime
    etag: str | None = None
    last_modified: str | None = None
    url: str | None = None

    def is_fresh(self, ref: PageRef, now: datetime) -> bool:
        return now - self.checked_at < freshness_for(ref)

    def to_json(self) -> dict[str, Any]:
        return {
            "v": SCHEMA,
            "text": self.text,
            "fetched_at": self.fetched_at.timestamp(),
            "checked_at": self.checked_at.timestamp(),
            "etag": self.etag,
            "last_modified": self.last_modified,
            "url": self.url,
        }

    @classmethod
    def from_json(cls, data: Any) -> CachedPage | None:
        """None for anything that is not an entry this version wrote (treated as a miss)."""
        if not isinstance(data, dict) or data.get("v") != SCHEMA:
            return None
        try:
            text = data["text"]
            if not isinstance(text, str):
                return None
            return cls(
                text=text,
                fetched_at=datetime.fromtimestamp(float(data["fetched_at"]), UTC),
                checked_at=datetime.fromtimestamp(float(data["checked_at"]), UTC),
                etag=_opt_str(data.get("etag")),
                last_modified=_opt_str(data.get("last_modified")),
                url=_opt_str(data.get("url")),
            )
        except (KeyError, TypeError, ValueError, OverflowError, OSError):
            return None


def _opt_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


class PageCache:
    """Pages keyed by ``PageRef.key`` (so ``?t=…`` variants share one entry).

    Safe for several processes at once: diskcache keeps every entry in one SQLite row
    (WAL mode), so a reader sees either the old or the new entry, never a mix.
    """

    def __init__(self, directory: Path, *, size_limit: int = DEFAULT_CACHE_SIZE) -> None:
        self.directory = Path(directory)
        self._cache = diskcache.Cache(
            str(self.directory),
            timeout=10,
            disk=_JSONOnlyDisk,
            size_limit=size_limit,
            eviction_policy="least-recently-stored",
            cull_limit=10,
        )

    @classmethod
    def open(
        cls, root: Path, *, size_limit: int = DEFAULT_CACHE_SIZE
    ) -> tuple[PageCache | None, list[str]]:
        """Open the store under ``root``; on failure recover or degrade, with warnings."""
        warnings: list[str] = []
        try:
            make_private_dir(root)
        except OSError as exc:
            return None, [f"running without a cache: cannot create {root} ({_why(exc)})"]
        directory = root / PAGES_DIR
        try:
            return cls(directory, size_limit=size_limit), warnings
        except sqlite3.OperationalError as exc:
            return None, [f"running without a cache: {directory} is not usable ({exc})"]
        except (sqlite3.DatabaseError, CacheUnavailable, ValueError) as exc:
            moved = _move_aside(directory)
            if moved is None:
                return None, [f"running without a cache: {directory} is corrupt ({exc})"]
            warnings.append(f"the cache was corrupt and has been rebuilt (old copy: {moved.name})")
        except OSError as exc:
            return None, [f"running without a cache: {directory} is not usable ({_why(exc)})"]
        try:
            return cls(directory, size_limit=size_limit), warnings
        except (sqlite3.Error, OSError, CacheUnavailable) as exc:
            return None, [*warnings, f"running without a cache: {_why(exc)}"]

    def load(self, ref: PageRef) -> CachedPage | None:
        try:
            data = self._cache.get(ref.key, default=None, retry=True)
        except CacheUnavailable:
            self._discard(ref)
            return None
        except (sqlite3.Error, OSError, ValueError) as exc:
            raise CacheUnavailable(f"the cache stopped working ({_why(exc)})") from exc
        return CachedPage.from_json(data) if data is not None else None

    def store(self, ref: PageRef, page: CachedPage) -> None:
        try:
            self._cache.set(ref.key, page.to_json(), retry=True)
        except (sqlite3.Error, OSError) as exc:
            raise CacheUnavailable(f"could not write to the cache ({_why(exc)})") from exc

    def _discard(self, ref: PageRef) -> None:
        with contextlib.suppress(sqlite3.Error, OSError):
            self._cache.delete(ref.key, retry=True)

    def __contains__(self, ref: PageRef) -> bool:
        try:
            return ref.key in self._cache
        except (sqlite3.Error, OSError):
            return False

    def volume(self) -> int:
        """Bytes on disk, as diskcache counts them for the size limit."""
        return int(self._cache.volume())

    def clear(self) -> int:
        return int(self._cache.clear(retry=True))

    def close(self) -> None:
        self._cache.close()


def _move_aside(directory: Path) -> Path | None:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = directory.with_name(f"{directory.name}.corrupt-{stamp}-{os.getpid()}")
    try:
        directory.rename(target)
    except OSError:
        return None
    return target


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__
