"""The on-disk page store: text and JSON metadata in diskcache, never pickles.

A cache that fails must never take the browser down with it: a corrupt database is moved
aside and rebuilt, a read-only or full disk or a lock held elsewhere means reading what is
there without saving, a damaged entry is dropped, and every read and write is bounded in
time. All of it comes back as warnings for the status line rather than exceptions.

Starred pages are *pinned*: a copy goes to a second store beside the pages (``pinned/``)
that has no size limit and no eviction, because diskcache culls by age alone and cannot be
told to spare a row. A read that misses the page store falls back to it (so a starred page
reads with ``--offline`` after any amount of culling), and a store of a pinned page
refreshes its copy. The pin store is opened only once something is pinned.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import os
import queue
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar
from urllib.parse import quote

import platformdirs

from tui.core.config import CACHE_DIR_ENV, DEFAULT_CACHE_SIZE
from tui.core.kinds import freshness as freshness_for
from tui.core.urls import PageRef
from tui.i18n import _

if TYPE_CHECKING:
    import diskcache
else:

    class _Diskcache:
        """diskcache, imported at the first use of one of its names: the first screen
        reads its page through ``_ReadOnlyStore``, which needs none of it (the import is
        3-4 ms of a start, pickletools and all)."""

        def __getattr__(self, name: str) -> Any:
            import diskcache

            return getattr(diskcache, name)

    diskcache = _Diskcache()

APP_NAME = "goodnews-tui"
PAGES_DIR = "pages"
PINNED_DIR = "pinned"
STATE_DIR = "state"
SCHEMA = 1


class CacheUnavailable(Exception):
    """The store stopped working (disk full, database broken); the caller drops it."""


@cache
def json_only_disk() -> type[diskcache.JSONDisk]:
    """The ``disk`` of every store: JSONDisk that refuses to unpickle rows it did not write,
    even if someone planted one. Made at the first opening of a diskcache store."""
    import diskcache

    class _JSONOnlyDisk(diskcache.JSONDisk):
        def get(self, key: Any, raw: bool) -> Any:
            if not raw:
                raise CacheUnavailable(_("the cache holds a pickled key; refusing to load it"))
            return super().get(key, raw)

        def store(self, value: Any, read: bool, key: Any = diskcache.core.UNKNOWN) -> Any:
            # UTF-8, not ASCII escapes: a Chinese page is half the bytes to decompress and
            # read back (a 15,000-entry index: 13 ms against 22). JSONDisk reads both forms.
            if not read:
                try:
                    data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
                except UnicodeEncodeError:  # a lone surrogate: escaped, as JSONDisk would
                    data = json.dumps(value).encode()
                value = zlib.compress(data, self.compress_level)
            return diskcache.Disk.store(self, value, read, key=key)

        def fetch(self, mode: int, filename: str | None, value: Any, read: bool) -> Any:
            if mode == diskcache.core.MODE_PICKLE:
                raise CacheUnavailable(_("the cache holds a pickled value; refusing to load it"))
            return super().fetch(mode, filename, value, read)

    return _JSONOnlyDisk


# The row format of ``json_only_disk``, read without diskcache by ``_ReadOnlyStore``: keys
# are their JSON, zlib-compressed, in a raw blob; values the same, in the row or in a file
# of the store's directory when large (diskcache's modes below). Tests hold the two equal.
DBNAME = "cache.db"  # diskcache.core.DBNAME
_MODE_RAW, _MODE_BINARY, _MODE_PICKLE = 1, 2, 4  # diskcache.core.MODE_*
_KEY_COMPRESS_LEVEL = 1  # JSONDisk's default


def _db_key(key: str, level: int = _KEY_COMPRESS_LEVEL) -> bytes:
    """``key`` as the store's ``key`` column holds it (JSONDisk's ``put``)."""
    return zlib.compress(json.dumps(key).encode("utf-8"), level)


def _row_value(directory: Path, mode: int, filename: str | None, value: Any) -> Any:
    """A row's value as ``json_only_disk().fetch`` reads it."""
    if mode == _MODE_PICKLE:
        raise CacheUnavailable(_("the cache holds a pickled value; refusing to load it"))
    if mode == _MODE_RAW:
        data = bytes(value)
    elif mode == _MODE_BINARY and filename:
        if not _inside(filename):
            raise ValueError(_("a cache row names a file outside the cache"))
        data = (directory / filename).read_bytes()
    else:
        raise ValueError(_("a cache row of an unknown kind ({mode})").format(mode=mode))
    return json.loads(zlib.decompress(data).decode("utf-8"))


def _inside(filename: str) -> bool:
    """A value file's name as diskcache makes them (``ab/cd/….val``): a damaged row's name
    that leads out of the store is not followed."""
    path = Path(filename)
    return not path.is_absolute() and ".." not in path.parts


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


class CacheBusy(CacheUnavailable):
    """The store did not answer within ``CACHE_TIMEOUT`` (another process holds its lock).

    Survivable for one operation: the page is fetched or shown without this read or write,
    and the store may answer the next time.
    """


class CacheReadOnly(CacheUnavailable):
    """Pages can no longer be saved (read-only or full disk); reading still works.

    Raised by the first ``store`` that fails that way; later ones are skipped quietly.
    """


_PRESENT_BATCH = 500  # keys per query: well under SQLite's bound-parameter limit


def _present(
    execute: Callable[..., sqlite3.Cursor],
    keys: list[str],
    level: int = _KEY_COMPRESS_LEVEL,
    stored_since: float | None = None,
) -> set[str]:
    """Which of ``keys`` the diskcache tables hold: one query per few hundred keys, where
    ``key in cache`` is a query each (40 rows drawn: about 14 ms against 1).

    ``stored_since`` (a Unix time): only the entries written since then. An entry is
    written again each time its page is checked (a 304 too), so these are the copies
    checked since.
    """
    found: set[str] = set()
    # JSONDisk stores every key as a raw blob (its JSON, compressed).
    encoded = {_db_key(key, level): key for key in keys}
    blobs = list(encoded)
    now = time.time()
    since = "" if stored_since is None else " AND store_time >= ?"
    extra = () if stored_since is None else (stored_since,)
    for start in range(0, len(blobs), _PRESENT_BATCH):
        chunk = blobs[start : start + _PRESENT_BATCH]
        marks = ",".join("?" * len(chunk))
        rows = execute(
            f"SELECT key FROM Cache WHERE raw = 1 AND key IN ({marks})"  # noqa: S608 - marks only
            f" AND (expire_time IS NULL OR expire_time > ?){since}",
            (*chunk, now, *extra),
        ).fetchall()
        found.update(encoded[bytes(row[0])] for row in rows if bytes(row[0]) in encoded)
    return found


class _ReadOnlyStore:
    """The diskcache tables read with plain SQLite, for a store diskcache cannot open.

    diskcache writes its settings on every open, so a read-only directory, a full disk or
    another process holding the write lock would leave the reader with nothing, although
    every page is still there to be read.
    """

    def __init__(self, directory: Path, timeout: float, *, snapshot: bool = True) -> None:
        """``snapshot``: when the database cannot be opened read-only as it is (no write
        access for its WAL files), read it as an immutable file, blind to other writers:
        for a store nobody can write to, not for one another process is writing."""
        db = directory / DBNAME
        if not db.is_file():
            raise CacheUnavailable(
                _("no cache database in {directory}").format(directory=directory)
            )
        uri = "file:" + quote(str(db.resolve()))
        last: Exception | None = None
        for mode in ("?mode=ro", "?mode=ro&immutable=1") if snapshot else ("?mode=ro",):
            try:
                con = sqlite3.connect(
                    uri + mode, uri=True, timeout=timeout, check_same_thread=False
                )
                settings = dict(con.execute("SELECT key, value FROM Settings").fetchall())
                break
            except sqlite3.Error as exc:
                last = exc
        else:
            raise CacheUnavailable(_("cannot read the cache ({last})").format(last=last))
        self._con = con
        self._lock = threading.Lock()
        self._directory = directory
        # The level its keys were compressed at: JSONDisk's default unless the store says.
        self._level = int(settings.get("disk_compress_level", _KEY_COMPRESS_LEVEL))

    def get(self, key: str) -> Any:
        with self._lock:
            rows = self._con.execute(
                "SELECT mode, filename, value FROM Cache WHERE key = ? AND raw = 1"
                " AND (expire_time IS NULL OR expire_time > ?)",
                (_db_key(key, self._level), time.time()),
            ).fetchall()
        if not rows:
            return None
        ((mode, filename, value),) = rows
        return _row_value(self._directory, mode, filename, value)

    def __contains__(self, key: str) -> bool:
        with self._lock:
            row = self._con.execute(
                "SELECT 1 FROM Cache WHERE key = ? AND raw = 1", (_db_key(key, self._level),)
            ).fetchone()
        return row is not None

    def present(self, keys: list[str], stored_since: float | None = None) -> set[str]:
        with self._lock:
            return _present(self._con.execute, keys, self._level, stored_since)

    def volume(self) -> int:
        with self._lock:
            row = self._con.execute("SELECT value FROM Settings WHERE key = 'size'").fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        with self._lock:
            self._con.close()


#: Seconds any one cache read or write may take before the caller goes on without it.
CACHE_TIMEOUT = 2.0

# Failures of one entry, not of the store: its bytes are not what this version wrote.
_DAMAGED = (zlib.error, ValueError, TypeError, KeyError, EOFError, OSError)


class PageCache:
    """Pages keyed by ``PageRef.key`` (so ``?t=…`` variants share one entry).

    Safe for several processes at once: diskcache keeps every entry in one SQLite row
    (WAL mode), so a reader sees either the old or the new entry, never a mix. Every
    operation is bounded by ``timeout`` (``CACHE_TIMEOUT``): a lock held by another
    process is a ``CacheBusy``, not a wait. A damaged entry is dropped and reported as a
    miss with a warning; a store that cannot be written is still read (``writable``).

    Opened by ``open`` on an existing, writable store, it reads through a plain read-only
    SQLite connection and opens diskcache only for its first write: diskcache's opening
    writes its settings (4-5 ms, and a wait on any other writer), which the first screen,
    read from here, does not need.
    """

    def __init__(
        self,
        directory: Path,
        *,
        size_limit: int = DEFAULT_CACHE_SIZE,
        timeout: float = CACHE_TIMEOUT,
        reader: _ReadOnlyStore | None = None,
        read_only_reason: str | None = None,
    ) -> None:
        """Open the store in ``directory``; with a ``reader``, read through it and open
        diskcache at the first write, or never with a ``read_only_reason``."""
        self.directory = Path(directory)
        self.timeout = timeout
        self.writable = read_only_reason is None
        self.read_only_reason = read_only_reason
        self._reader = reader
        # ``aload``/``astore`` block the calling loop instead of using the store's thread:
        # for a worker process, whose loop has no screen to keep responsive and where the
        # hand-overs cost more than the reads (bench/scale.py's prefetch: a tenth of its CPU).
        self.in_line = False
        self._jobs: queue.SimpleQueue[Any] | None = None
        self._pins: diskcache.Cache | _ReadOnlyStore | None = None
        self._pins_looked = False
        self._size_limit = size_limit
        # diskcache is to be opened at the first write
        self._deferred = reader is not None and self.writable
        self._opening = threading.Lock()
        self._cache: diskcache.Cache | None = (
            _page_store(self.directory, size_limit, timeout) if reader is None else None
        )

    @classmethod
    def _reading_first(cls, directory: Path, size_limit: int, timeout: float) -> PageCache | None:
        """The store read through a read-only connection, diskcache to be opened at the
        first write; None when that cannot be (no database yet, a directory or database
        that cannot be written, one SQLite cannot read): ``open`` then opens it at once,
        and says what is wrong there."""
        db = directory / DBNAME
        if not (os.access(directory, os.W_OK) and os.access(db, os.W_OK)):
            return None
        try:
            reader = _ReadOnlyStore(directory, timeout, snapshot=False)
        except (CacheUnavailable, sqlite3.Error, OSError):
            return None
        return cls(directory, size_limit=size_limit, timeout=timeout, reader=reader)

    def _writer(self) -> diskcache.Cache | None:
        """diskcache, for a write: opened now if it was left for the first write. A lock
        another process holds is a ``CacheBusy`` (the next write tries again); a store
        that cannot be opened for writing makes the cache read-only (``CacheReadOnly``)."""
        if self._cache is None and self._deferred and self.writable:
            with self._opening:
                if self._cache is None and self._deferred:
                    try:
                        opened = _bounded(
                            lambda: _page_store(self.directory, self._size_limit, self.timeout),
                            self.timeout,
                        )
                    except TimeoutError:
                        raise CacheBusy(_busy(self.timeout)) from None
                    except (sqlite3.Error, OSError, CacheUnavailable, ValueError) as exc:
                        self._deferred = False
                        self.writable = False
                        self.read_only_reason = _why(exc)
                        raise CacheReadOnly(
                            _(
                                "the cache cannot save pages any more ({exc}); it is still read"
                            ).format(exc=_why(exc))
                        ) from exc
                    self._cache = opened
                    self._deferred = False
        return self._cache if self.writable else None

    @classmethod
    def read_only(
        cls, directory: Path, reason: str, *, timeout: float = CACHE_TIMEOUT
    ) -> PageCache:
        """The store opened for reading only (read-only or full disk, locked database)."""
        reader = _ReadOnlyStore(Path(directory), timeout)
        return cls(directory, timeout=timeout, reader=reader, read_only_reason=reason)

    @classmethod
    def open(
        cls,
        root: Path,
        *,
        size_limit: int = DEFAULT_CACHE_SIZE,
        timeout: float = CACHE_TIMEOUT,
    ) -> tuple[PageCache | None, list[str]]:
        """Open the store under ``root``; on failure recover or degrade, with warnings.

        Bounded by ``timeout``: diskcache retries its opening writes for as long as another
        process holds the lock, so the opening runs in a daemon thread that is given up on.
        """
        warnings: list[str] = []
        directory = root / PAGES_DIR
        try:
            make_private_dir(root)
        except OSError as exc:
            return cls._reading(
                directory,
                _("cannot create {root} ({exc})").format(root=root, exc=_why(exc)),
                timeout,
                warnings,
            )
        first = cls._reading_first(directory, size_limit, timeout)
        if first is not None:
            return first, warnings
        try:
            return _bounded(
                lambda: cls(directory, size_limit=size_limit, timeout=timeout), timeout
            ), warnings
        except TimeoutError:
            return cls._reading(
                directory, _("another process holds the cache's lock"), timeout, warnings
            )
        except sqlite3.OperationalError as exc:
            return cls._reading(
                directory,
                _("{directory} is not writable ({exc})").format(directory=directory, exc=exc),
                timeout,
                warnings,
            )
        except (sqlite3.DatabaseError, CacheUnavailable, ValueError) as exc:
            moved = _move_aside(directory)
            if moved is None:
                return None, [
                    _("running without a cache: {directory} is corrupt ({exc})").format(
                        directory=directory, exc=exc
                    )
                ]
            warnings.append(
                _("the cache was corrupt and has been rebuilt (old copy: {name})").format(
                    name=moved.name
                )
            )
        except OSError as exc:
            return cls._reading(
                directory,
                _("{directory} is not usable ({exc})").format(directory=directory, exc=_why(exc)),
                timeout,
                warnings,
            )
        try:
            return _bounded(
                lambda: cls(directory, size_limit=size_limit, timeout=timeout), timeout
            ), warnings
        except (TimeoutError, sqlite3.Error, OSError, CacheUnavailable) as exc:
            return None, [*warnings, _("running without a cache: {exc}").format(exc=_why(exc))]

    @classmethod
    def _reading(
        cls, directory: Path, reason: str, timeout: float, warnings: list[str]
    ) -> tuple[PageCache | None, list[str]]:
        """Fall back to reading what is there; without a cache only when nothing can be read."""
        try:
            cache = cls.read_only(directory, reason, timeout=timeout)
        except (CacheUnavailable, sqlite3.Error, OSError):
            return None, [*warnings, _("running without a cache: {reason}").format(reason=reason)]
        return cache, [
            *warnings,
            _("the cache is read-only: {reason}; new pages are not saved").format(reason=reason),
        ]

    # ---------------------------------------------------------------- reads and writes

    def load(self, ref: PageRef, warnings: list[str] | None = None) -> CachedPage | None:
        """The stored page, or None; a damaged entry is dropped (noted in ``warnings``)."""
        try:
            if self._reader is not None:
                data = self._reader.get(ref.key)
            else:
                assert self._cache is not None
                data = self._cache.get(ref.key, default=None, retry=False)
        except diskcache.Timeout:
            raise CacheBusy(_busy(self.timeout)) from None
        except CacheUnavailable as exc:  # a planted pickle: the entry, not the store
            return self._damaged(ref, str(exc), warnings)
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise CacheBusy(_busy(self.timeout)) from None
            raise CacheUnavailable(
                _("the cache stopped working ({exc})").format(exc=_why(exc))
            ) from exc
        except sqlite3.Error as exc:
            raise CacheUnavailable(
                _("the cache stopped working ({exc})").format(exc=_why(exc))
            ) from exc
        except _DAMAGED as exc:
            return self._damaged(ref, _why(exc), warnings)
        if data is None:
            data = self._pinned_copy(ref)
        if data is None:
            return None
        page = CachedPage.from_json(data)
        if page is None:
            return self._damaged(ref, _("not an entry this version wrote"), warnings)
        return page

    def store(self, ref: PageRef, page: CachedPage) -> None:
        """Save ``page``; ``CacheBusy`` when locked, ``CacheReadOnly`` once when unwritable."""
        store = self._writer()
        if store is None:
            return
        try:
            store.set(ref.key, page.to_json(), retry=False)
            pins = self._pin_store()
            if isinstance(pins, diskcache.Cache) and ref.key in pins:
                pins.set(ref.key, page.to_json(), retry=False)
        except diskcache.Timeout:
            raise CacheBusy(_busy(self.timeout)) from None
        except (sqlite3.Error, OSError) as exc:
            text = str(exc).lower()
            if (
                isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EROFS, errno.EACCES)
            ) or any(w in text for w in ("full", "readonly", "read-only")):
                self.writable = False
                self.read_only_reason = _why(exc)
                raise CacheReadOnly(
                    _("the cache cannot save pages any more ({exc}); it is still read").format(
                        exc=_why(exc)
                    )
                ) from exc
            if "locked" in text or "busy" in text:
                raise CacheBusy(_busy(self.timeout)) from exc
            raise CacheUnavailable(
                _("could not write to the cache ({exc})").format(exc=_why(exc))
            ) from exc

    async def aload(self, ref: PageRef, warnings: list[str] | None = None) -> CachedPage | None:
        """``load`` in the store's thread, bounded by ``timeout``: the event loop never waits
        (unless ``in_line``)."""
        if self.in_line:
            return self.load(ref, warnings)
        return await self._bounded_async(self.load, ref, warnings)

    async def astore(self, ref: PageRef, page: CachedPage) -> None:
        """``store`` in a thread, bounded by ``timeout`` (``CacheBusy`` past it); here when
        ``in_line``."""
        if self.in_line:
            self.store(ref, page)
            return
        await self._bounded_async(self.store, ref, page)

    async def _bounded_async(self, fn: Callable[..., _T], *args: Any) -> _T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[_T] = loop.create_future()
        self._worker().put((loop, future, fn, args))
        try:
            # Not ``wait_for``: on Python 3.11 it returns the result when the task is cancelled
            # just as the store answers, and a sync interrupted then (Ctrl+C) ran on to its end.
            async with asyncio.timeout(self.timeout + 0.25):
                return await asyncio.shield(future)
        except TimeoutError:
            raise CacheBusy(_busy(self.timeout)) from None

    def _worker(self) -> queue.SimpleQueue[Any]:
        # One daemon thread per store, started on first use: its SQLite connection is
        # reused, and a thread stuck on a dead disk never holds up interpreter exit (the
        # default executor's threads would). Calls queued behind a stuck one time out too.
        jobs: queue.SimpleQueue[Any] | None = getattr(self, "_jobs", None)
        if jobs is None:
            jobs = self._jobs = queue.SimpleQueue()
            threading.Thread(
                target=_work, args=(jobs, self), name="goodnews-cache", daemon=True
            ).start()
        return jobs

    def _damaged(self, ref: PageRef, why: str, warnings: list[str] | None) -> CachedPage | None:
        """Drop the entry and answer a miss: the page is refetched and stored again."""
        self._discard(ref)
        if warnings is not None:
            warnings.append(
                _("a damaged cache entry for {key} was dropped ({why})").format(
                    key=ref.key, why=why
                )
            )
        return None

    def _discard(self, ref: PageRef) -> None:
        with contextlib.suppress(sqlite3.Error, OSError, diskcache.Timeout, CacheUnavailable):
            store = self._writer()
            if store is not None:
                store.delete(ref.key, retry=False)

    def __contains__(self, ref: PageRef) -> bool:
        try:
            if self._reader is not None:
                found = ref.key in self._reader
            else:
                assert self._cache is not None
                found = ref.key in self._cache
            if not found:
                pins = self._pin_store()
                found = pins is not None and ref.key in pins
            return found
        except (sqlite3.Error, OSError, diskcache.Timeout, *_DAMAGED):
            return False

    def present(self, refs: Iterable[PageRef], stored_since: float | None = None) -> set[str]:
        """Keys of ``refs`` held (stored or pinned), as ``in`` says, in batched queries.

        ``stored_since`` (a Unix time): of the stored copies, only those written (fetched or
        revalidated) since then; a pinned copy counts whatever its age.
        """
        keys = list(dict.fromkeys(ref.key for ref in refs))
        if not keys:
            return set()
        try:
            found = self._present_in(self._reader or self._cache, keys, stored_since)
            rest = [key for key in keys if key not in found]
            pins = self._pin_store() if rest else None
            if pins is not None:
                found |= self._present_in(pins, rest)
            return found
        except (sqlite3.Error, OSError, diskcache.Timeout, *_DAMAGED):
            return set()

    @staticmethod
    def _present_in(
        store: diskcache.Cache | _ReadOnlyStore | None,
        keys: list[str],
        stored_since: float | None = None,
    ) -> set[str]:
        if store is None:
            return set()
        if isinstance(store, _ReadOnlyStore):
            return store.present(keys, stored_since)
        level = getattr(store.disk, "compress_level", _KEY_COMPRESS_LEVEL)
        return _present(store._sql, keys, level, stored_since)  # diskcache's own connection

    # ---------------------------------------------------------------- pinned pages

    def _pin_store(self, create: bool = False) -> diskcache.Cache | _ReadOnlyStore | None:
        """The pin store, opened on first need; None while nothing was ever pinned."""
        if self._pins is not None or (self._pins_looked and not create):
            return self._pins
        self._pins_looked = True
        directory = self.directory.with_name(PINNED_DIR)
        if not create and not (directory / DBNAME).is_file():
            return None
        try:
            if not self.writable or (self._cache is None and not self._deferred):
                self._pins = _ReadOnlyStore(directory, self.timeout)
            else:
                self._pins = diskcache.Cache(
                    str(directory),
                    timeout=self.timeout,
                    disk=json_only_disk(),
                    size_limit=2**62,  # never culled: what a reader chose to keep
                    eviction_policy="none",
                )
        except (sqlite3.Error, OSError, diskcache.Timeout, CacheUnavailable):
            self._pins = None
        return self._pins

    def _pinned_copy(self, ref: PageRef) -> Any:
        """The pinned copy of a page the store lacks; a pin store that cannot be read is
        no pinned copy (the page is fetched), never a failure of the page store."""
        pins = self._pin_store()
        if pins is None:
            return None
        try:
            if isinstance(pins, _ReadOnlyStore):
                return pins.get(ref.key)
            return pins.get(ref.key, default=None, retry=False)
        except (sqlite3.Error, diskcache.Timeout, CacheUnavailable, *_DAMAGED):
            return None

    def pin(self, ref: PageRef) -> bool:
        """Keep the stored copy of ``ref`` whatever the size limit culls; False if there is
        no copy to keep (fetch it first) or the pin store cannot be written."""
        try:
            store = self._writer()
            if store is None:
                return False
            data = store.get(ref.key, default=None, retry=False)
            if data is None or CachedPage.from_json(data) is None:
                return False
            pins = self._pin_store(create=True)
            if not isinstance(pins, diskcache.Cache):
                return False
            pins.set(ref.key, data, retry=False)
            return True
        except (sqlite3.Error, OSError, diskcache.Timeout, CacheUnavailable, *_DAMAGED):
            return False

    def unpin(self, ref: PageRef) -> None:
        """Let ``ref`` go with the other pages again (the page store's copy stays)."""
        pins = self._pin_store()
        if isinstance(pins, diskcache.Cache):
            with contextlib.suppress(sqlite3.Error, OSError, diskcache.Timeout):
                pins.delete(ref.key, retry=False)

    def is_pinned(self, ref: PageRef) -> bool:
        pins = self._pin_store()
        try:
            return pins is not None and ref.key in pins
        except (sqlite3.Error, OSError, diskcache.Timeout, *_DAMAGED):
            return False

    def volume(self) -> int:
        """Bytes on disk, as diskcache counts them for the size limit."""
        if self._reader is not None:
            return self._reader.volume()
        assert self._cache is not None
        return int(self._cache.volume())

    def clear(self) -> int:
        store = self._writer()
        if store is None:
            return 0
        return int(store.clear(retry=False))

    def close(self) -> None:
        jobs: queue.SimpleQueue[Any] | None = getattr(self, "_jobs", None)
        if jobs is not None:
            jobs.put(None)  # the worker closes its own connection and ends
            self._jobs = None
        if self._reader is not None:
            self._reader.close()
        if self._pins is not None:
            with contextlib.suppress(Exception):
                self._pins.close()
        if self._cache is not None:
            self._cache.close()


_T = TypeVar("_T")


def _work(jobs: queue.SimpleQueue[Any], cache: PageCache) -> None:
    while True:
        job = jobs.get()
        if job is None:
            if cache._cache is not None:  # noqa: SLF001 - this thread's own connection
                with contextlib.suppress(Exception):
                    cache._cache.close()  # noqa: SLF001
            return
        loop, future, fn, args = job
        try:
            outcome: tuple[Any, BaseException | None] = (fn(*args), None)
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting task
            outcome = (None, exc)
        with contextlib.suppress(RuntimeError):  # the loop may be gone (app quitting)
            loop.call_soon_threadsafe(_settle, future, *outcome)


def _settle(future: asyncio.Future[Any], result: Any, exc: BaseException | None) -> None:
    if future.done():
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(result)


def _busy(timeout: float) -> str:
    return _(
        "the cache did not answer within {timeout:g} s (another process holds its lock)"
    ).format(timeout=timeout)


def _page_store(directory: Path, size_limit: int, timeout: float) -> diskcache.Cache:
    return diskcache.Cache(
        str(directory),
        timeout=timeout,
        disk=json_only_disk(),
        size_limit=size_limit,
        eviction_policy="least-recently-stored",
        cull_limit=10,
    )


def _bounded(fn: Callable[[], _T], timeout: float) -> _T:
    """Run ``fn`` in a daemon thread and give up after ``timeout`` (``TimeoutError``).

    A thread cannot be cancelled; the daemon flag keeps one stuck on a lock from holding
    up exit.
    """
    box: list[Any] = []

    def run() -> None:
        try:
            box.append((True, fn()))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            box.append((False, exc))

    thread = threading.Thread(target=run, name="goodnews-cache-open", daemon=True)
    thread.start()
    thread.join(timeout)
    if not box:
        raise TimeoutError
    ok, value = box[0]
    if not ok:
        raise value
    return value


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
