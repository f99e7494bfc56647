"""Parsed pages kept beside the page text: a page parsed once is not parsed again.

Parsing costs milliseconds an article and tens of milliseconds for a long one or a
15,000-entry index (bench/parse.py); reading back a model it produced costs a fraction of
that. So the model of every page parsed off the event loop is stored in a diskcache store
next to the page cache (``parsed/``), keyed by what the model depends on: the parser's own
source (``parser_version``: any change to the parsing code makes every stored model a miss,
so nothing stale survives an upgrade), the page's identity, the mirror's home (links print
relative to it) and the hash of the page's text (a changed page is parsed again).

Values are JSON (compact lists, not pickles: the store is data on disk like the page cache,
and a planted pickle must never be loaded). Every failure of the store is a miss: a model
that cannot be read back is parsed again, never shown half-built.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from tui.core.gcpause import collector_paused
from tui.core.lazy import LazyMap
from tui.core.models import (
    Article,
    Block,
    BlockType,
    Category,
    Document,
    Entry,
    Home,
    Index,
    LeadImage,
    Link,
    Page,
    Section,
    Span,
    SpanKind,
    Tag,
)
from tui.core.urls import LinkKind, PageRef
from tui.i18n import get_language

PARSED_DIR = "parsed"
PARSED_SIZE = 256 * 1024 * 1024  # bytes: models of the whole mirror (15,000 pages) fit
TIMEOUT = 0.25  # seconds a read or write may wait for another process's lock
CODEC = "3"  # bump when the encoding below changes

_version: str | None = None
_version_lock = threading.Lock()


def parser_version() -> str:
    """A digest of the code that turns text into models (the parser, the models, the text
    cleaning and link resolution), so a change to any of it invalidates every stored model
    without anyone having to remember to bump a number."""
    global _version
    if _version is None:
        with _version_lock:
            if _version is None:
                core = Path(__file__).resolve().parent
                files = sorted((core / "parse").glob("*.py"))
                files += [core / name for name in ("models.py", "text.py", "urls.py", "kinds.py")]
                digest = _blake2b(CODEC.encode(), digest_size=8)
                for path in files:
                    digest.update(path.name.encode())
                    try:
                        digest.update(path.read_bytes())
                    except OSError:
                        digest.update(b"?")
                _version = digest.hexdigest()
    return _version


def _blake2b(data: bytes, *, digest_size: int) -> Any:
    try:
        # The module hashlib takes BLAKE2 from: without hashlib's load of OpenSSL (a few ms
        # of a start whose first screen is read back from here).
        from _blake2 import blake2b
    except ImportError:  # a Python built without it
        from hashlib import blake2b
    return blake2b(data, digest_size=digest_size)


def model_key(ref: PageRef, home: PageRef, text: str) -> str:
    """The stored model's key: the parser, the interface language (a model's warnings are
    written in it), the mirror, the page and its text."""
    text_hash = _blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()
    return f"{parser_version()}|{get_language()}|{home.key}|{ref.key}|{text_hash}"


# -- the codec: models as nested lists (small, and quick to read back) ------------------------


def _ref(ref: PageRef | None) -> list[str] | None:
    return list(ref) if ref is not None else None


def _unref(data: Any) -> PageRef | None:
    if data is None:
        return None
    owner, repo, ref, path = data
    found = PageRef.checked(owner, repo, ref, path)
    if found is None:
        raise ValueError("a stored reference is not a mirror page")
    return found


def _spans(spans: list[Span]) -> list[Any]:
    return [[s.text, s.kind.value, s.link] for s in spans]


def _unspans(data: list[Any]) -> list[Span]:
    return [Span(str(text), SpanKind(kind), link) for text, kind, link in data]


def _blocks(blocks: list[Block]) -> list[Any]:
    return [[b.type.value, _spans(b.spans), b.level, b.src] for b in blocks]


def _unblocks(data: list[Any]) -> list[Block]:
    return [Block(BlockType(kind), _unspans(spans), level, src) for kind, spans, level, src in data]


def _links(links: list[Link]) -> list[Any]:
    return [[k.n, k.text, k.kind.value, k.target, k.url, _ref(k.ref), k.anchor] for k in links]


def _unlinks(data: list[Any]) -> list[Link]:
    return [
        Link(n, text, LinkKind(kind), target, url, _unref(ref), anchor)
        for n, text, kind, target, url, ref, anchor in data
    ]


def _entries(entries: Sequence[Entry]) -> tuple[list[list[str]], dict[str, Any]]:
    """An index's entries in columns: titles and paths each as one string of lines (JSON
    reads one long string many times faster than 15,000 small lists), each repository
    written once, and the rare target that is not the path, or URL, apart by position."""
    repos: dict[tuple[str, str, str], int] = {}
    titles: list[str] = []
    paths: list[str] = []
    which: list[int] = []
    targets: dict[str, str] = {}
    urls: dict[str, str] = {}
    for i, e in enumerate(entries):
        ref = e.ref
        titles.append(e.title)
        if ref is None:
            paths.append("")
            which.append(-1)
            targets[str(i)] = e.target
        else:
            which.append(repos.setdefault((ref.owner, ref.repo, ref.ref), len(repos)))
            paths.append(ref.path)
            if e.target != ref.path:
                targets[str(i)] = e.target
        if e._url is not None:
            urls[str(i)] = e._url
    joined_titles, joined_paths = "\n".join(titles), "\n".join(paths)
    breaks = max(0, len(entries) - 1)
    if joined_titles.count("\n") != breaks or joined_paths.count("\n") != breaks:
        raise ValueError("a title or path with a line break: not stored (parsed again)")
    columns: dict[str, Any] = {
        "n": len(entries),
        "t": joined_titles,
        "p": joined_paths,
        "r": which[0] if which and which.count(which[0]) == len(which) else which,
        "x": targets,
        "u": urls,
    }
    return [list(t) for t in repos], columns


# What ``check_segments`` refuses in a path, for many paths at once (one per line).
_BAD_PATHS = re.compile(r"(?:^|/)\.{0,2}(?:/|$)|\x00", re.M)


def _lines(text: Any, n: int) -> list[str]:
    if not isinstance(text, str):
        raise TypeError("a stored column is not text")
    lines = text.split("\n") if n else []
    if len(lines) != n:  # a title or path with a line break in it is never written
        raise ValueError("a stored column does not match its count")
    return lines


class StoredEntries(LazyMap[int, Entry]):
    """An index's entries read back from the store, each made when first asked for.

    A 15,000-entry index is two columns of strings here; made up front it was 30,000
    objects (22 ms), which the garbage collector then walked again and again in the frames
    that showed them (a gen-1 pass of 9 ms inside the index's first frame). The rows drawn
    make theirs; whatever reads them all (prefetch planning, ``dump``) makes them all.
    ``targets`` are every entry's target, for the duplicate check, without making any.
    """

    __slots__ = ("_paths", "_repos", "_targets_of", "_titles", "_urls", "_which")

    def __init__(
        self,
        titles: list[str],
        paths: list[str],
        which: list[int],
        repos: list[tuple[str, str, str]],
        targets: dict[int, str],
        urls: dict[int, str],
    ) -> None:
        super().__init__(range(len(titles)), _no_maker)
        self._titles = titles
        self._paths = paths
        self._which = which
        self._repos = repos
        self._targets_of = targets
        self._urls = urls

    @property
    def targets(self) -> list[str]:
        if not self._targets_of:
            return self._paths  # every entry's target is its path: the usual index
        return [self._targets_of.get(i, path) for i, path in enumerate(self._paths)]

    def keyed_titles(self) -> dict[str, tuple[str, str]]:
        """Key -> (repository id, title) of every entry that is a mirror page, as
        ``{e.ref.key: (e.ref.repo_id, e.title)}`` says, without making the entries (what
        recording an index's listing reads: 15,000 entries in a few ms, not 30-100)."""
        repo_ids = [f"{owner}/{repo}@{ref}" for owner, repo, ref in self._repos]
        if set(self._which) == {0}:  # every entry a page of one repository: the usual
            prefix, repo_id = repo_ids[0] + ":", repo_ids[0]
            return {
                prefix + path: (repo_id, title)
                for path, title in zip(self._paths, self._titles, strict=True)
            }
        return {
            f"{repo_ids[w]}:{path}": (repo_ids[w], title)
            for path, title, w in zip(self._paths, self._titles, self._which, strict=True)
            if w >= 0
        }

    def _item(self, index: int) -> Entry:
        i = index % len(self._titles) if index < 0 else index
        w = self._which[i]
        if w < 0:
            return Entry(self._titles[i], self._targets_of[i], self._urls.get(i), None)
        path = self._paths[i]
        page_ref = tuple.__new__(PageRef, (*self._repos[w], path))  # checked in bulk
        return Entry(self._titles[i], self._targets_of.get(i, path), self._urls.get(i), page_ref)

    def __reduce__(self) -> tuple[Any, ...]:
        return (list, (list(self),))  # to another process: the entries themselves


def _no_maker(index: int) -> Entry:
    raise AssertionError("StoredEntries makes its entries itself")  # i18n: not shown


def _unentries(repos: list[Any], columns: dict[str, Any]) -> StoredEntries:
    """Entries back, every reference checked as ``PageRef`` checks it, in bulk: one check
    per repository and one pass over all paths instead of 15,000 separate checks."""
    triples = []
    for owner, repo, ref in repos:
        if _unref([owner, repo, ref, "x"]) is None:  # raises on a bad repository
            raise ValueError("a stored reference is not a mirror page")
        triples.append((owner, repo, ref))
    n = columns["n"]
    if not isinstance(n, int) or n < 0:
        raise ValueError("a stored count is not a count")
    titles = _lines(columns["t"], n)
    paths = _lines(columns["p"], n)
    which = columns["r"]
    targets = {int(i): str(t) for i, t in columns["x"].items()}
    urls = {int(i): str(u) for i, u in columns["u"].items()}
    if isinstance(which, int):
        which = [which] * n
    elif not isinstance(which, list) or len(which) != n:
        raise ValueError("a stored column does not match its count")
    # Entries are made later, as they are drawn: whatever would fail then fails now.
    numbers = set(which)
    if not numbers <= set(range(-1, len(triples))):
        raise ValueError("a stored repository number is not one")
    if -1 in numbers and any(i not in targets for i, w in enumerate(which) if w < 0):
        raise ValueError("a stored external entry has no target")
    if _BAD_PATHS.search(columns["p"]) and any(  # an empty path too (an empty line)
        _BAD_PATHS.search(p) for p, w in zip(paths, which, strict=True) if w >= 0
    ):
        raise ValueError("a stored path is not a mirror path")
    return StoredEntries(titles, paths, which, triples, targets, urls)


def encode(page: Page) -> list[Any]:
    """The model as JSON-ready lists (``decode`` reverses it exactly)."""
    if isinstance(page, Article):
        category = [page.category.title, _ref(page.category.ref)] if page.category else None
        image = page.lead_image
        return [
            "article",
            _ref(page.ref),
            page.title,
            page.source,
            page.published.isoformat() if page.published else None,
            category,
            [image.src, image.caption, image.alt] if image else None,
            _blocks(page.blocks),
            [[t.name, t.url] for t in page.tags],
            _links(page.links),
            page.original_url,
            page.editor,
            list(page.warnings),
        ]
    if isinstance(page, Index):
        repos, entries = _entries(page.entries)
        return [
            "index",
            _ref(page.ref),
            page.title,
            page.family,
            repos,
            entries,
            page.warnings,
            page.directory,
        ]
    if isinstance(page, Home):
        sections = [
            [s.title, [[c.title, _ref(c.ref)] for c in s.categories]] for s in page.sections
        ]
        return ["home", _ref(page.ref), sections, _links(page.links), list(page.warnings)]
    return [
        "document",
        _ref(page.ref),
        page.title,
        _blocks(page.blocks),
        _links(page.links),
        list(page.warnings),
    ]


def _must(ref: PageRef | None) -> PageRef:
    if ref is None:
        raise ValueError("a stored page has no reference")
    return ref


def decode(data: Any) -> Page:
    """A model from ``encode``'s form; raises ``ValueError``/``TypeError`` on anything else."""
    kind = data[0]
    if kind == "article":
        (_, ref, title, source, published, category, image, blocks, tags, links) = data[:10]
        original_url, editor, warnings = data[10:13]
        return Article(
            ref=_must(_unref(ref)),
            title=title,
            source=source,
            published=date.fromisoformat(published) if published else None,
            category=Category(category[0], _must(_unref(category[1]))) if category else None,
            lead_image=LeadImage(*image) if image else None,
            blocks=_unblocks(blocks),
            tags=[Tag(name, url) for name, url in tags],
            links=_unlinks(links),
            original_url=original_url,
            editor=editor,
            warnings=list(warnings),
        )
    if kind == "index":
        _, ref, title, family, repos, entries, warnings, directory = data
        if directory is not None and not isinstance(directory, str):
            raise TypeError("a stored directory is not text")
        return Index(
            ref=_must(_unref(ref)),
            title=title,
            family=family,
            entries=_unentries(repos, entries),
            warnings=list(warnings),
            directory=directory,
        )
    if kind == "home":
        _, ref, sections, links, warnings = data
        return Home(
            ref=_must(_unref(ref)),
            sections=[
                Section(title, [Category(t, _must(_unref(r))) for t, r in categories])
                for title, categories in sections
            ],
            links=_unlinks(links),
            warnings=list(warnings),
        )
    if kind == "document":
        _, ref, title, blocks, links, warnings = data
        return Document(
            ref=_must(_unref(ref)),
            title=title,
            blocks=_unblocks(blocks),
            links=_unlinks(links),
            warnings=list(warnings),
        )
    raise ValueError(f"not a stored page: {kind!r}")


# -- the store ------------------------------------------------------------------------------


class ParsedStore:
    """Models by (parser, home, page, text hash), in ``<cache root>/parsed``.

    Read through a read-only SQLite connection opened on the first read (the first
    screen's page, on the event loop: a WAL reader waits on nobody), written through
    diskcache opened on the first write (in a parse thread or the worker process); shared
    safely by several processes (SQLite WAL). Any error makes it a miss; after one that
    breaks the store itself, the store is left alone for the rest of the run.
    """

    def __init__(self, directory: Path, *, size_limit: int = PARSED_SIZE) -> None:
        self.directory = Path(directory)
        self.size_limit = size_limit
        self._cache: Any = None
        # Reads go through a plain read-only SQLite connection: opening diskcache writes
        # its settings (tens of statements, and a wait on any other writer), which only a
        # write needs. Until the first write, a start that finds its first screen's model
        # here opens nothing more.
        self._reader: Any = None
        self._reader_tried = False
        self._broken = False
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def _open(self) -> Any:
        if self._cache is None and not self._broken:
            with self._lock:
                if self._cache is None and not self._broken:
                    try:
                        import diskcache

                        from tui.core.cache import json_only_disk, make_private_dir

                        make_private_dir(self.directory.parent)
                        self._cache = diskcache.Cache(
                            str(self.directory),
                            timeout=TIMEOUT,
                            disk=json_only_disk(),
                            size_limit=self.size_limit,
                            eviction_policy="least-recently-stored",
                            cull_limit=10,
                        )
                    except Exception:  # noqa: BLE001 - no store: every page is parsed
                        self._broken = True
        return self._cache

    def _read(self, key: str) -> Any:
        """The stored value of ``key`` (None: none), read without opening diskcache when
        the store's database is there to be read."""
        if self._cache is None and not self._reader_tried:
            with self._lock:
                if not self._reader_tried:
                    self._reader_tried = True
                    from tui.core.cache import CacheUnavailable, _ReadOnlyStore

                    with contextlib.suppress(CacheUnavailable, sqlite3.Error, OSError):
                        self._reader = _ReadOnlyStore(self.directory, TIMEOUT, snapshot=False)
        if self._reader is not None:
            return self._reader.get(key)
        cache = self._open()
        return None if cache is None else cache.get(key, default=None, retry=False)

    def get(self, ref: PageRef, home: PageRef, text: str, key: str | None = None) -> Page | None:
        """The stored model of this text of this page, or None (``key``: its
        ``model_key``, when the caller has it already)."""
        if self._broken:
            return None
        if key is None:
            key = model_key(ref, home, text)
        with collector_paused():
            try:
                data = self._read(key)
            except Exception:  # noqa: BLE001 - a damaged or locked store: parse instead
                data = None
            if data is None:
                self.misses += 1
                return None
            try:
                page = decode(data)
            except (ValueError, TypeError, KeyError, IndexError, AttributeError):
                self.misses += 1
                self._drop(key)
                return None
        if page.ref != ref:
            self.misses += 1
            return None
        self.hits += 1
        return page

    def peek(self, ref: PageRef, home: PageRef, text: str) -> Page | None:
        """``get``, but only from a store already open for reading (opening diskcache may
        wait on another process's lock): what the event loop may ask for a small page."""
        if self._cache is None and self._reader is None:
            return None
        return self.get(ref, home, text)

    def put(
        self, ref: PageRef, home: PageRef, text: str, page: Page, key: str | None = None
    ) -> None:
        """Keep ``page`` as the model of ``text``; silently nothing when the store fails."""
        cache = self._open()
        if cache is None:
            return
        # A full or read-only disk, a lock held elsewhere: parsed again next time.
        with contextlib.suppress(Exception):
            cache.set(key or model_key(ref, home, text), encode(page), retry=False)

    def put_many(self, models: Sequence[tuple[str, Page]]) -> None:
        """``put`` for several ``(key, page)`` (keys from ``model_key``) in one transaction;
        when that fails for one model's sake, each is put on its own."""
        cache = self._open()
        if cache is None or not models:
            return
        encoded = []
        for key, page in models:
            with contextlib.suppress(Exception):  # this model is parsed again next time
                encoded.append((key, encode(page)))
        import diskcache

        try:
            with cache.transact(retry=False):
                for key, data in encoded:
                    cache.set(key, data, retry=False)
        except (diskcache.Timeout, sqlite3.OperationalError):
            return  # a lock held elsewhere, a full or read-only disk: parsed again next time
        except Exception:  # noqa: BLE001 - one model's fault (its file): the others still
            for key, data in encoded:
                with contextlib.suppress(Exception):
                    cache.set(key, data, retry=False)

    def _drop(self, key: str) -> None:
        cache = self._open()
        if cache is not None:
            with contextlib.suppress(Exception):
                cache.delete(key, retry=False)

    def close(self) -> None:
        for store in (self._reader, self._cache):
            if store is not None:
                with contextlib.suppress(Exception):
                    store.close()
        self._cache = self._reader = None


def parsed_directory(cache_dir: Path | None = None) -> Path:
    """Where the parsed-model store lives: ``parsed/`` beside the page cache."""
    from tui.core.cache import cache_root

    return cache_root(cache_dir) / PARSED_DIR


_stores: dict[str, ParsedStore] = {}  # in a worker process: one store per directory


def store_at(directory: str | Path | None) -> ParsedStore | None:
    """This process's store for ``directory`` (None: no store), opened once: parse
    workers are handed the directory, not the store, and parse many pages."""
    if directory is None:
        return None
    key = str(directory)
    store = _stores.get(key)
    if store is None:
        store = _stores[key] = ParsedStore(Path(key))
    return store


def parse_with_store(
    store: ParsedStore | None,
    ref: PageRef,
    text: str,
    home: PageRef,
    parse: Callable[[PageRef, str, PageRef], Page] | None = None,
) -> Page:
    """The page's model: from the store when this text was parsed before, else parsed by
    ``parse`` (default ``parse_page``) and stored. Blocking: run it where parsing runs (a
    thread or the worker process)."""
    page, key = read_or_parse(store, ref, text, home, parse)
    if store is not None and key is not None:
        store.put(ref, home, text, page, key)
    return page


def read_or_parse(
    store: ParsedStore | None,
    ref: PageRef,
    text: str,
    home: PageRef,
    parse: Callable[[PageRef, str, PageRef], Page] | None = None,
) -> tuple[Page, str | None]:
    """``parse_with_store`` without the storing: the page, and the key to store it under
    when it was parsed now (None: read from the store, or not to be stored), so that a
    reader waiting for the page need not wait for its storing too."""
    key = model_key(ref, home, text) if store is not None else None
    if store is not None:
        page = store.get(ref, home, text, key)
        if page is not None:
            return page, None
    if parse is None:
        from tui.core.parse import parse_page

        page = parse_page(ref, text, home)
    else:
        page = parse(ref, text, home)
    return page, (key if store is not None and not _plain(page) else None)


def _plain(page: Page) -> bool:
    """A page shown as plain text because parsing failed is not worth keeping."""
    return isinstance(page, Document) and page.title is None and not page.blocks
