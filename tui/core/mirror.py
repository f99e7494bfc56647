"""The one door to page text for the UI and the CLI: source + cache + freshness rules.

Callers ask for a ``PageRef`` and get a ``Fetched`` that says where the text came from and
how old it is; they never see httpx, diskcache or file paths, and they only ever have to
catch ``MirrorError``. Opening a mirror does no network I/O, so the UI can paint at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from tui.core.cache import (
    STATE_DIR,
    CacheBusy,
    CachedPage,
    CacheReadOnly,
    CacheUnavailable,
    PageCache,
    cache_root,
    make_private_dir,
)
from tui.core.config import MirrorSpec, Options, SpecKind, parse_mirror_spec
from tui.core.errors import BadContent, ErrorPage, MirrorError, NotFound, OfflineMiss
from tui.core.fetch import MAX_BODY, FetchPolicy, decode_text
from tui.core.source import (
    DEFAULT_BASES,
    ENDPOINT_FILE,
    BaseURL,
    LocalSource,
    RemoteSource,
    Source,
    Validators,
    parse_base,
    read_limited,
    ref_for_file,
)
from tui.core.urls import PageRef
from tui.i18n import N_, _

SAMPLE_HOME = PageRef("goodnews-sample", "goodnews", "master", "README.md")


class Origin(StrEnum):
    NETWORK = "network"  # fetched just now
    CACHE = "cache"  # from the cache, fresh (or just revalidated with a 304)
    STALE = "stale"  # from the cache, past its freshness (network failed, or offline)
    LOCAL = "local"  # read from a local folder or the bundled sample


class MirrorKind(StrEnum):
    """Where a mirror's pages come from: decides behaviour (marks, fallback), not just labels."""

    LIVE = "live"  # a remote chain, with the cache in front of it
    OFFLINE = "offline"  # the cache alone (--offline)
    LOCAL = "local"  # a folder on this machine
    SAMPLE = "sample"  # the bundled sample mirror

    @property
    def label(self) -> str:
        return _(_LABELS[self])

    @property
    def cached(self) -> bool:
        """Pages of this mirror can be missing from the cache (so marking cached ones helps)."""
        return self in (MirrorKind.LIVE, MirrorKind.OFFLINE)


_LABELS = {
    MirrorKind.LIVE: N_("live"),
    MirrorKind.OFFLINE: N_("offline copy"),
    MirrorKind.LOCAL: N_("local folder"),
    MirrorKind.SAMPLE: N_("sample"),
}


class Fetched(NamedTuple):
    """A page's text and its provenance; ``fetched_at`` is when it was last known current."""

    ref: PageRef
    text: str
    origin: Origin
    fetched_at: datetime  # aware, UTC
    warnings: tuple[str, ...] = ()
    #: The chain endpoint (base URL) that served the text; ``None`` when not fetched now.
    endpoint: str | None = None
    #: The endpoint is a CDN whose copy may lag the repository by hours.
    may_lag: bool = False

    @property
    def stale(self) -> bool:
        return self.origin is Origin.STALE


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(eq=False)
class Mirror:
    """A source of pages with a home page, a kind, a cache, and where it reads from.

    ``clock`` is injectable so tests can age entries without sleeping.
    """

    source: Source
    home: PageRef
    kind: MirrorKind
    base: str  # what was asked for: a folder, a base URL, owner/repo@ref
    cache: PageCache | None = None
    offline: bool = False
    state_dir: Path | None = None
    warnings: list[str] = field(default_factory=list)
    clock: Callable[[], datetime] = _utcnow
    #: Where ``sync --archive`` keeps the repository's pages (``archive_dir``'s root; None:
    #: the user data folder): read when neither the cache nor the network has a page.
    archive_root: Path | None = None

    @property
    def label(self) -> str:
        """The source as the header shows it: ``live``, ``local folder``, ``sample``, ..."""
        return self.kind.label

    @property
    def where(self) -> str:
        """Where pages come from now: for a chain, the endpoint that answered last (and that
        a CDN copy may lag), else what was asked for."""
        live = getattr(self.source, "where", None)
        if callable(live) and self.kind.cached:
            return str(live())
        return self.base

    @property
    def description(self) -> str:
        return f"{self.label} · {self.where}"

    def has_copy(self, ref: PageRef) -> bool:
        """Whether the page can be shown without the network, fresh or not (key lookup only).

        Cheap enough for the rows being drawn: it never loads or decodes the page.
        """
        if self.source.local:
            return True
        cache = self.cache
        return cache is not None and ref in cache

    def copies(
        self, refs: Sequence[PageRef], *, checked_within: timedelta | None = None
    ) -> set[str]:
        """Keys of the pages among ``refs`` that ``has_copy``: one batched lookup.

        ``checked_within``: only the copies fetched or revalidated that recently (by this
        mirror's clock); a local source's pages always count.
        """
        if self.source.local:
            return {ref.key for ref in refs}
        cache = self.cache
        if cache is None:
            return set()
        if checked_within is None:
            return cache.present(refs)
        return cache.present(refs, (self.clock() - checked_within).timestamp())

    async def get(self, ref: PageRef, *, refresh: bool = False) -> Fetched:
        """The page's text: from cache while fresh, else the source; stale copy on failure.

        ``refresh`` skips the freshness check (a cached copy is still revalidated with its
        ETag, so an unchanged page costs a 304).
        """
        try:
            return await self._get(ref, refresh)
        except MirrorError:
            raise
        except Exception as exc:  # the contract: callers only ever catch MirrorError
            raise MirrorError(
                _("could not read {home}: {exc}").format(home=ref.target(self.home), exc=exc)
            ) from exc

    async def _archived(self, ref: PageRef, failure: str | None = None) -> Fetched | None:
        """The page from the archive ``sync --archive`` keeps, when it holds it (a page of
        the home's repository only); its age is the file's."""
        if not ref.same_repo(self.home):
            return None
        from tui.core.config import archive_dir

        try:
            # Read as a local folder is: nothing outside it, however the page names itself.
            folder = LocalSource(
                archive_dir(self.home, self.archive_root), home=self.home, raw_layout=False
            )
            if not folder.exists(ref):
                return None
            response = await folder.fetch(ref)
            when = datetime.fromtimestamp(folder.path_for(ref).stat().st_mtime, UTC)
        except (OSError, MirrorError):
            return None
        text, warnings = response.text or "", response.warnings
        stamp = when.strftime("%Y-%m-%d %H:%M UTC")
        note = (
            _("{exc} — showing the archive's copy of {when}").format(exc=failure, when=stamp)
            if failure
            else _("from the archive (sync --archive), copied {when}").format(when=stamp)
        )
        return Fetched(ref, text, Origin.STALE, when, (*warnings, note))

    async def _get(self, ref: PageRef, refresh: bool) -> Fetched:
        if self.source.local:
            response = await self.source.fetch(ref)
            assert response.text is not None
            return Fetched(ref, response.text, Origin.LOCAL, self.clock(), response.warnings)
        notes: list[str] = []
        entry = await self._aload(ref, notes)
        now = self.clock()
        if self.offline:
            if entry is None:
                archived = await self._archived(ref)
                if archived is not None:
                    return archived
                raise OfflineMiss(
                    _("offline, and {home} is not in the cache").format(home=ref.target(self.home))
                )
            origin = Origin.CACHE if entry.is_fresh(ref, now) else Origin.STALE
            return Fetched(ref, entry.text, origin, entry.checked_at, tuple(notes))
        if entry is not None and not refresh and entry.is_fresh(ref, now):
            return Fetched(ref, entry.text, Origin.CACHE, entry.checked_at, tuple(notes))
        validators = Validators(entry.etag, entry.last_modified) if entry else None
        try:
            response = await self.source.fetch(ref, validators)
        except NotFound:
            raise
        except BadContent as exc:
            # Binary data is the page itself; an error page is the network's fault, and
            # then the stale copy is what the reader needs (TooLarge falls through below).
            if entry is None or not isinstance(exc, ErrorPage):
                raise
            when = entry.checked_at.strftime("%Y-%m-%d %H:%M UTC")
            notes.append(_("{exc} — showing the copy cached {when}").format(exc=exc, when=when))
            return Fetched(ref, entry.text, Origin.STALE, entry.checked_at, tuple(notes))
        except MirrorError as exc:
            if entry is None:
                archived = await self._archived(ref, str(exc))
                if archived is not None:
                    return archived
                raise
            when = entry.checked_at.strftime("%Y-%m-%d %H:%M UTC")
            notes.append(_("{exc} — showing the copy cached {when}").format(exc=exc, when=when))
            return Fetched(ref, entry.text, Origin.STALE, entry.checked_at, tuple(notes))
        now = self.clock()
        if response.not_modified:
            if entry is None:
                raise BadContent(
                    _("the server answered 'not modified' for {home}").format(
                        home=ref.target(self.home)
                    )
                )
            entry = entry._replace(
                checked_at=now,
                etag=response.etag or entry.etag,
                last_modified=response.last_modified or entry.last_modified,
            )
            await self._astore(ref, entry, notes)
            return Fetched(ref, entry.text, Origin.CACHE, now, tuple(notes))
        assert response.text is not None
        fresh = CachedPage(
            text=response.text,
            fetched_at=now,
            checked_at=now,
            etag=response.etag,
            last_modified=response.last_modified,
            url=response.url,
        )
        from tui.core.validate import same_kind  # first asked after the first frame

        if entry is None or same_kind(ref, entry.text, fresh.text):
            await self._astore(ref, fresh, notes)
        else:
            notes.append(_("the new copy is not the same kind of page; the cached one is kept"))
        endpoint = response.endpoint
        return Fetched(
            ref,
            response.text,
            Origin.NETWORK,
            now,
            (*response.warnings, *notes),
            endpoint=endpoint,
            may_lag=bool(endpoint and "jsdelivr" in endpoint),
        )

    def is_cached(self, ref: PageRef) -> bool:
        """Whether ``get(ref)`` would be answered without the network (fast, sync)."""
        if self.source.local:
            return True
        notes: list[str] = []
        entry = self._load(ref, notes)
        if entry is None:
            return False
        return self.offline or entry.is_fresh(ref, self.clock())

    def _load(self, ref: PageRef, notes: list[str]) -> CachedPage | None:
        if self.cache is None:
            return None
        try:
            return self.cache.load(ref, notes)
        except CacheBusy as exc:
            notes.append(str(exc))
            return None
        except CacheUnavailable as exc:
            self._drop_cache(str(exc), notes)
            return None

    async def _aload(self, ref: PageRef, notes: list[str]) -> CachedPage | None:
        if self.cache is None:
            return None
        try:
            return await self.cache.aload(ref, notes)
        except CacheBusy as exc:
            notes.append(str(exc))  # this read only: the store may answer next time
            return None
        except CacheUnavailable as exc:
            self._drop_cache(str(exc), notes)
            return None

    async def _astore(self, ref: PageRef, page: CachedPage, notes: list[str]) -> None:
        if self.cache is None:
            return
        try:
            await self.cache.astore(ref, page)
        except (CacheBusy, CacheReadOnly) as exc:
            notes.append(str(exc))  # the store is still read; only this write is lost
        except CacheUnavailable as exc:
            self._drop_cache(str(exc), notes)

    def _drop_cache(self, reason: str, notes: list[str]) -> None:
        # A broken store is dropped for the rest of the run: pages still load, uncached.
        message = _("{reason}; continuing without a cache").format(reason=reason)
        notes.append(message)
        self.warnings.append(message)
        cache, self.cache = self.cache, None
        if cache is not None:
            with contextlib.suppress(Exception):  # closing a broken store may fail too
                cache.close()

    async def aclose(self) -> None:
        await self.source.aclose()
        if self.cache is not None:
            self.cache.close()


def _state_dir(root: Path, warnings: list[str]) -> Path | None:
    try:
        return make_private_dir(root / STATE_DIR)
    except OSError as exc:
        warnings.append(
            _("cannot keep reading state: {value} ({strerror})").format(
                value=root / STATE_DIR, strerror=exc.strerror
            )
        )
        return None


def sample_mirror(state_dir: Path | None = None) -> Mirror:
    """The bundled sample mirror: works offline, on a first run, and for snapshot tests."""
    import tui.sample

    root = Path(tui.sample.__file__).parent
    source = LocalSource(root, home=SAMPLE_HOME, raw_layout=True)
    return Mirror(
        source=source,
        home=SAMPLE_HOME,
        kind=MirrorKind.SAMPLE,
        base=_("bundled demo mirror"),
        state_dir=state_dir,
    )


def open_mirror(
    options: Options,
    *,
    policy: FetchPolicy | None = None,
    clock: Callable[[], datetime] = _utcnow,
    in_line: bool = False,
) -> Mirror:
    """Build the mirror ``options`` describe, without network I/O.

    ``in_line``: the cache is read and written on the calling loop, not in its thread
    (``PageCache.in_line``), for a worker process. Raises ``ValueError`` (a usage error)
    for a malformed ``--mirror`` value.
    """
    warnings: list[str] = []
    root = cache_root(options.cache_dir)
    if options.sample:
        mirror = sample_mirror(_state_dir(root, warnings))
        mirror.warnings.extend(warnings)
        mirror.clock = clock
        return mirror
    spec = parse_mirror_spec(options.mirror)
    if spec.kind is SpecKind.DIR:
        assert spec.path is not None
        source = LocalSource(spec.path)
        return Mirror(
            source=source,
            home=source.home,
            kind=MirrorKind.LOCAL,
            base=str(spec.path),
            state_dir=_state_dir(root, warnings),
            warnings=warnings,
            clock=clock,
        )
    state_dir = _state_dir(root, warnings)
    remote, home, where = _remote(spec, options, policy, state_dir)
    cache, cache_warnings = PageCache.open(root, size_limit=options.cache_size)
    warnings.extend(cache_warnings)
    if cache is not None:
        cache.in_line = in_line
    if options.offline and cache is None:
        warnings.append(_("offline without a usable cache: no page can be shown"))
    return Mirror(
        source=remote,
        home=home,
        kind=MirrorKind.OFFLINE if options.offline else MirrorKind.LIVE,
        base=where,
        cache=cache,
        offline=options.offline,
        state_dir=state_dir,
        warnings=warnings,
        clock=clock,
    )


def chain_for(spec: MirrorSpec, options: Options) -> tuple[BaseURL, ...]:
    """The endpoints a live mirror tries, in order (``doctor`` probes the same ones).

    An ``http(s)://`` ``--mirror`` is the whole chain; a ``github:`` one uses the
    settings' ``mirrors`` when given, else the default chain.
    """
    if spec.kind is SpecKind.HTTP:
        assert spec.base_url is not None
        return (parse_base(spec.base_url),)
    if options.mirrors:
        return tuple(parse_base(m) for m in options.mirrors)
    return DEFAULT_BASES


def _remote(
    spec: MirrorSpec, options: Options, policy: FetchPolicy | None, state_dir: Path | None = None
) -> tuple[RemoteSource, PageRef, str]:
    memory = state_dir / ENDPOINT_FILE if state_dir is not None else None
    source = RemoteSource(
        chain_for(spec, options), policy=policy, proxy=options.proxy, memory=memory
    )
    home = PageRef(spec.owner, spec.repo, spec.ref, "README.md")
    if spec.kind is SpecKind.HTTP:
        assert spec.base_url is not None
        return source, home, spec.base_url
    return source, home, home.repo_id


def fetch_file(path: Path, home: PageRef, *, max_bytes: int = MAX_BODY) -> Fetched:
    """A file the user named on the command line (``dump FILE``): read as asked, anywhere.

    The identity comes from ``ref_for_file`` so that the page's relative links still resolve.
    """
    ref = ref_for_file(path, home)
    data = read_limited(path, max_bytes, str(path))
    text, warnings = decode_text(data, path.name)
    return Fetched(ref, text, Origin.LOCAL, _utcnow(), warnings)
