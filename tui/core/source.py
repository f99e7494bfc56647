"""Where page bytes come from: a remote mirror over HTTP or a folder on disk.

Both kinds answer the same question, "give me the text of this ``PageRef``", so the facade
in ``mirror.py`` can add caching and freshness without knowing which one it talks to. A
local folder is a trust boundary: page links are untrusted data, so every read is checked to
stay inside the folder the user named.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import unquote, urlsplit

from tui.core.errors import (
    BadContent,
    ErrorPage,
    FetchTimeout,
    MirrorError,
    NetworkUnavailable,
    NotFound,
    OutsideMirror,
    ProxyFailed,
    RedirectRefused,
    ServerError,
    TooLarge,
)
from tui.core.fetch import MAX_BODY, FetchPolicy, Response, decode_text, fetch_text, make_client
from tui.core.kinds import kind_by_path
from tui.core.urls import DEFAULT_HOME, MIRROR_HOSTS, RAW_HOST, PageRef
from tui.i18n import _

if TYPE_CHECKING:
    import httpx

FASTLY_HOST = "fastly.jsdelivr.net"

# Failures after which the next base URL may still succeed.
FAILOVER_ERRORS: tuple[type[MirrorError], ...] = (
    NetworkUnavailable,
    FetchTimeout,
    ServerError,
    RedirectRefused,
    ErrorPage,  # a captive portal in front of one base need not be in front of the next
)


class Validators(NamedTuple):
    """What a cached copy knows about its version, for a conditional request."""

    etag: str | None = None
    last_modified: str | None = None


class Source(ABC):
    """One origin of page text. ``fetch`` raises ``MirrorError`` subclasses only."""

    #: True when reads cost no network, so the facade skips caching and freshness.
    local: bool = False

    @abstractmethod
    async def fetch(self, ref: PageRef, validators: Validators | None = None) -> Response:
        """The page's text (status 200), or status 304 when ``validators`` still match."""

    @abstractmethod
    def describe(self) -> str:
        """Where the text comes from, in a few words for the status line."""

    def exists(self, ref: PageRef) -> bool:
        """Cheap local answer to "could this page be read without the network?"."""
        return False

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release connections; sources without any keep the default."""


# --------------------------------------------------------------------------- remote


class BaseURL(NamedTuple):
    """One place a page's bytes can be fetched from, in raw or jsDelivr layout.

    A prefix proxy (``https://PROXY/https://raw.githubusercontent.com``, the gh-proxy form
    readers on filtered networks use) is a raw-layout base whose path holds the upstream
    URL: the page URL is built the same way, only ``label`` says what it is.
    """

    url: str
    cdn: bool = False

    def url_for(self, ref: PageRef) -> str:
        """The page's URL under this base; ``OutsideMirror`` if it would leave the base path.

        ``PageRef`` already refuses segments that could climb out; the check here is the
        second line for refs made without it (``_make``, ``_replace``).
        """
        owner, repo, name, path = ref.quoted
        if self.cdn:
            url = f"{self.url}/{owner}/{repo}@{name}/{path}"
        else:
            url = f"{self.url}/{owner}/{repo}/{name}/{path}"
        base_path = urlsplit(self.url).path.rstrip("/")
        rest = url[len(self.url) :]
        segments = unquote(rest).split("/")[1:]
        if any(s in ("", ".", "..") for s in segments) or any(c in rest for c in "?#\\"):
            raise OutsideMirror(
                _("refused to fetch {key}: it would leave {value} on {host}").format(
                    key=repr(ref.key), value=base_path or "/", host=self.host
                )
            )
        return url

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()

    @property
    def netloc(self) -> str:
        """Host, with the port when it is not the scheme's default."""
        parts = urlsplit(self.url)
        try:
            port = parts.port
        except ValueError:
            port = None
        default = 443 if parts.scheme == "https" else 80
        return self.host if port in (None, default) else f"{self.host}:{port}"

    @property
    def upstream(self) -> str | None:
        """For a prefix proxy, the host it fetches from; ``None`` for a plain base."""
        path = urlsplit(self.url).path
        found = _PREFIX.search(path)
        if found is None:
            return None
        return (urlsplit(path[found.start() + 1 :]).hostname or "").lower() or None

    @property
    def label(self) -> str:
        """How the endpoint is named in the status line, ``dump`` and ``doctor``."""
        upstream = self.upstream
        return (
            _("{netloc} (prefix proxy for {upstream})").format(
                netloc=self.netloc, upstream=upstream
            )
            if upstream
            else self.netloc
        )

    @property
    def may_lag(self) -> bool:
        """A CDN copy, which can be hours behind the repository (jsDelivr caches branches)."""
        return self.cdn or "jsdelivr" in self.url


_PREFIX = re.compile(r"/https?:/")


def parse_base(text: str) -> BaseURL:
    """A user's mirror entry as a ``BaseURL``; ``ValueError`` with the reason if malformed.

    A path ending in ``/gh`` is jsDelivr layout (``<base>/<owner>/<repo>@<ref>/<path>``),
    a path holding ``/https://…`` a prefix proxy, anything else raw layout.
    """
    url = text.strip().rstrip("/")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise ValueError(_("bad mirror URL {text}").format(text=repr(text))) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            _("bad mirror URL {text}: expected an http(s):// base URL").format(text=repr(text))
        )
    if parts.query or parts.fragment:
        raise ValueError(
            _("bad mirror URL {text}: a base URL has no ?query or #fragment").format(
                text=repr(text)
            )
        )
    found = _PREFIX.search(parts.path)
    if found is None and "//" in parts.path:
        raise ValueError(
            _("bad mirror URL {text}: an empty path segment (//)").format(text=repr(text))
        )
    if found is not None:
        inner = parts.path[found.start() + 1 :]
        inner = re.sub(r"^(https?):/+", r"\1://", inner)  # some proxies squash "//"
        inner_parts = urlsplit(inner)
        if inner_parts.scheme not in ("http", "https") or not inner_parts.hostname:
            raise ValueError(
                _("bad mirror URL {text}: the proxied URL is not http(s)://").format(
                    text=repr(text)
                )
            )
    return BaseURL(url, cdn=url.endswith("/gh") or url.endswith("/gh/"))


RAW_BASE = BaseURL(f"https://{RAW_HOST}")
FASTLY_BASE = BaseURL(f"https://{FASTLY_HOST}/gh", cdn=True)
#: raw.githubusercontent.com, then jsDelivr's Fastly host: cdn.jsdelivr.net is the one
#: filtered networks block first, fastly.jsdelivr.net the one its maintainers point to.
DEFAULT_BASES: tuple[BaseURL, ...] = (RAW_BASE, FASTLY_BASE)
ENDPOINT_FILE = "endpoint.json"


class RemoteSource(Source):
    """Raw files over HTTP from an ordered chain of base URLs (endpoints), failing over.

    Built for filtered networks, where most endpoints fail and some fail by hanging:

    - a failure worth failing over for (``FAILOVER_ERRORS``: DNS, connect, TLS, resets,
      timeouts, 5xx, 429, jsDelivr's 403) moves on at once; a clean 404 is a real answer;
    - an endpoint that has not answered after ``policy.hedge_after`` seconds gets company:
      the next one starts too and the first page wins, so a silent host costs seconds,
      not its whole timeout;
    - the endpoint that answered last goes first, for the rest of the run and, through
      ``memory`` (a small JSON file in the state directory), on the next start;
    - every ``policy.recheck_after`` seconds the chain is walked in its own order again, so
      a recovered preferred endpoint is used again.
    """

    def __init__(
        self,
        bases: Sequence[BaseURL] = DEFAULT_BASES,
        *,
        policy: FetchPolicy | None = None,
        proxy: str | None = None,
        client: httpx.AsyncClient | None = None,
        memory: Path | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not bases:
            raise ValueError(_("a remote source needs at least one base URL"))
        self.bases = tuple(bases)
        self.policy = policy or FetchPolicy()
        self._proxy = proxy
        self._client = client
        self._owns_client = client is None
        self._memory = memory
        self._clock = clock
        self._preferred = 0
        self._checked_at = clock()  # when the chain's own order was last walked
        self._last: BaseURL | None = None
        self._recall()
        # Redirects may go to mirror hosts (HTTPS), and to the bases' own scheme, host and port.
        self.allowed_hosts = frozenset(MIRROR_HOSTS | {b.url for b in self.bases})

    @classmethod
    def from_base_url(cls, url: str, **kwargs: object) -> RemoteSource:
        """A single base URL: raw layout, jsDelivr layout (``…/gh``) or a prefix proxy."""
        return cls((parse_base(url),), **kwargs)  # type: ignore[arg-type]

    @property
    def client(self) -> httpx.AsyncClient:
        # Created lazily: opening a mirror must not do I/O or need a running loop.
        if self._client is None:
            self._client = make_client(self.policy, self._proxy)
        return self._client

    @property
    def proxy(self) -> str | None:
        return self._proxy

    @property
    def endpoint(self) -> BaseURL | None:
        """The endpoint that answered last (this run or, remembered, the last one)."""
        return self._last

    def where(self) -> str:
        """Which endpoint pages come from now, for the header: the chain until one answered."""
        last = self._last
        if last is None:
            return self.describe()
        lag = _(" · a CDN copy, may lag the repository by hours") if last.may_lag else ""
        return f"{last.label}{lag}"

    def describe(self) -> str:
        return " → ".join(b.label for b in self.bases)

    # ------------------------------------------------------------------ memory

    def _recall(self) -> None:
        if self._memory is None:
            return
        try:
            data = json.loads(self._memory.read_text("utf-8"))
            entry = data["chains"][self._chain_key]
            index = [b.url for b in self.bases].index(entry["endpoint"])
            checked = float(entry.get("checked_at", 0.0))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return  # nothing remembered, or a file from elsewhere: start at the top
        self._preferred = index
        self._last = self.bases[index]
        self._checked_at = min(checked, self._clock())

    @property
    def _chain_key(self) -> str:
        return " ".join(b.url for b in self.bases)

    def _remember(self) -> None:
        if self._memory is None or self._last is None:
            return
        try:
            try:
                data = json.loads(self._memory.read_text("utf-8"))
                chains = data["chains"] if isinstance(data.get("chains"), dict) else {}
            except (OSError, ValueError, AttributeError, KeyError):
                chains = {}
            chains[self._chain_key] = {
                "endpoint": self._last.url,
                "answered_at": self._clock(),
                "checked_at": self._checked_at,
            }
            if len(chains) > 16:  # keep the file small: the most recent chains only
                ranked = sorted(chains.items(), key=lambda kv: kv[1].get("answered_at", 0))
                chains = dict(ranked[-16:])
            tmp = self._memory.with_name(f".{self._memory.name}.{os.getpid()}")
            tmp.write_text(json.dumps({"version": 1, "chains": chains}), "utf-8")
            os.replace(tmp, self._memory)
        except OSError:
            pass  # a read-only state directory only costs the memory, never a page

    # ------------------------------------------------------------------ fetching

    def _order(self) -> list[int]:
        now = self._clock()
        if self._preferred and now - self._checked_at >= self.policy.recheck_after:
            self._checked_at = now  # now and then: the chain's own order again
            return list(range(len(self.bases)))
        n = len(self.bases)
        return [*range(self._preferred, n), *range(self._preferred)]

    async def _one(
        self, index: int, ref: PageRef, validators: Validators, client: httpx.AsyncClient
    ) -> Response:
        base = self.bases[index]
        url = base.url_for(ref)
        response = await fetch_text(
            client,
            url,
            policy=self.policy,
            allowed_hosts=self.allowed_hosts,
            etag=validators.etag,
            last_modified=validators.last_modified,
            proxy=self._proxy,
        )
        if response.text is not None:
            from tui.core.validate import check_page  # imported at the first fetch, not start

            try:
                check_page(kind_by_path(ref), response.text, response.content_type)
            except BadContent as exc:
                exc.url = exc.url or url
                raise
        return response

    async def fetch(self, ref: PageRef, validators: Validators | None = None) -> Response:
        """The page from the first endpoint that answers with a page (``check_page``).

        An HTML error page sent with 200 is an ``ErrorPage``, never a ``Response``: what
        comes back here is safe to cache. The ``Response`` names its ``endpoint``, and its
        warnings say when a failover or a CDN copy is involved.
        """
        validators = validators or Validators()
        client = self.client  # a malformed proxy setting fails once, not once per base
        queue = self._order()
        errors: dict[int, MirrorError] = {}
        running: dict[asyncio.Task[Response], int] = {}

        def start_next() -> None:
            index = queue.pop(0)
            running[asyncio.ensure_future(self._one(index, ref, validators, client))] = index

        start_next()
        try:
            while running:
                done, _ = await asyncio.wait(
                    running,
                    timeout=self.policy.hedge_after if queue else None,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                if not done:
                    start_next()  # the running ones are slow: the next one starts beside them
                    continue
                for task in sorted(done, key=lambda t: running[t]):
                    index = running.pop(task)
                    exc = task.exception()
                    if exc is None:
                        slow = sorted(running.values())
                        return self._answered(index, task.result(), errors, slow)
                    if isinstance(exc, ProxyFailed):
                        raise exc  # the same proxy stands before every endpoint
                    if not isinstance(exc, FAILOVER_ERRORS):
                        raise exc  # a clean 404, a page too large: the answer itself
                    errors[index] = exc
                    if queue:
                        start_next()  # a failure moves on at once, not after the delay
        finally:
            for task in running:
                task.cancel()
            if running:
                await asyncio.gather(*running, return_exceptions=True)
        ordered = [errors[i] for i in sorted(errors)]
        raise ordered[0] if len(ordered) == 1 else _summarise(ordered, self.bases, sorted(errors))

    def _answered(
        self,
        index: int,
        response: Response,
        errors: dict[int, MirrorError],
        slow: Sequence[int] = (),
    ) -> Response:
        base = self.bases[index]
        changed = self._last != base
        self._preferred = index
        self._last = base
        if index == 0:
            self._checked_at = self._clock()
        if changed:
            self._remember()
        notes: list[str] = []
        failed = [self.bases[i].label for i in sorted(errors) if i != index]
        passed = [self.bases[i].label for i in slow if i < index]
        why = [_("{failed} failed").format(failed=", ".join(failed))] if failed else []
        why += (
            [_("{passed} did not answer in time").format(passed=", ".join(passed))]
            if passed
            else []
        )
        if why:
            notes.append(
                _("served by {label} ({why})").format(label=base.label, why="; ".join(why))
            )
        if base.may_lag:
            notes.append(
                _("from the CDN {label}: its copy may lag the repository by hours").format(
                    label=base.label
                )
            )
        return response._replace(endpoint=base.url, warnings=(*response.warnings, *notes))

    async def aclose(self) -> None:
        if self._client is not None and self._owns_client:
            await self._client.aclose()
        self._client = None


def _summarise(
    errors: list[MirrorError], bases: Sequence[BaseURL] = (), indices: Sequence[int] = ()
) -> MirrorError:
    """One error for several failed endpoints: the first one's type, every one named."""
    first = errors[0]
    parts = []
    for i, error in enumerate(errors):
        text = str(error)
        if i < len(indices) and bases:
            label = bases[indices[i]].label
            text = text if label in text else f"{label}: {text}"
        parts.append(text)
    summary = type(first)("; ".join(parts), url=first.url)
    summary.__cause__ = first
    return summary


# --------------------------------------------------------------------------- local


def _safe_segment(part: str) -> bool:
    return bool(part) and part not in (".", "..") and not any(c in part for c in "/\\\0")


class LocalSource(Source):
    """A folder: a clone of one repository, or a raw-layout tree of several.

    Raw layout (``<root>/<owner>/<repo>/<ref>/<path>``) holds sibling repositories, so
    cross-repo links work; a clone holds only its own repository. Nothing outside ``root`` is
    ever read: ``..`` segments, absolute paths and symlinks that resolve out are refused.
    """

    local = True

    def __init__(
        self,
        root: Path,
        *,
        home: PageRef | None = None,
        raw_layout: bool | None = None,
        max_bytes: int = MAX_BODY,
    ) -> None:
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise NotFound(_("the mirror folder {root} does not exist").format(root=root))
        self.raw_layout = _looks_raw(self.root) if raw_layout is None else raw_layout
        self.max_bytes = max_bytes
        self.home = home or (_raw_home(self.root) if self.raw_layout else _clone_home(self.root))

    def describe(self) -> str:
        return str(self.root)

    def path_for(self, ref: PageRef) -> Path:
        """The file holding ``ref``; ``OutsideMirror`` if it would leave the root."""
        segments = ref.path.split("/")
        if (
            ref.path.startswith(("/", "\\"))
            or not all(_safe_segment(s) for s in segments)
            or not all(_safe_segment(s) for s in (ref.owner, ref.repo, ref.ref))
        ):
            raise OutsideMirror(
                _("refused to read {path}: it points outside the mirror folder").format(
                    path=repr(ref.path)
                )
            )
        if self.raw_layout:
            candidate = self.root.joinpath(ref.owner, ref.repo, ref.ref, *segments)
        elif ref.same_repo(self.home):
            candidate = self.root.joinpath(*segments)
        else:
            raise NotFound(
                _("{repo_id} is not part of the local folder {root}").format(
                    repo_id=ref.repo_id, root=self.root
                )
            )
        try:
            real = candidate.resolve(strict=False)
        except (OSError, RuntimeError) as exc:  # symlink loops
            raise OutsideMirror(
                _("refused to read {path}: {exc}").format(path=repr(ref.path), exc=exc)
            ) from None
        if not real.is_relative_to(self.root):
            raise OutsideMirror(
                _("refused to read {path}: it leads outside the mirror folder").format(
                    path=repr(ref.path)
                )
            )
        return real

    def exists(self, ref: PageRef) -> bool:
        try:
            return self.path_for(ref).is_file()
        except MirrorError:
            return False

    async def fetch(self, ref: PageRef, validators: Validators | None = None) -> Response:
        path = self.path_for(ref)
        name = ref.target(self.home)
        data = read_limited(path, self.max_bytes, name, missing=_("not found in the local folder"))
        text, warnings = decode_text(data, ref.name)
        return Response(path.as_uri(), 200, text, warnings=warnings)


def read_limited(path: Path, max_bytes: int, name: str, *, missing: str | None = None) -> bytes:
    """Read at most ``max_bytes`` of a file, turning every failure into a typed error."""
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise NotFound(f"{missing or _('no such file')}: {name}") from None
    except IsADirectoryError:
        raise NotFound(_("not a page: {name}").format(name=name)) from None
    except OSError as exc:
        raise BadContent(
            _("could not read {name}: {strerror}").format(name=name, strerror=exc.strerror)
        ) from None
    if len(data) > max_bytes:
        raise TooLarge(_("{name} is larger than the size limit").format(name=name))
    return data


def _looks_raw(root: Path) -> bool:
    """A clone has its README at the top; a raw tree has ``<owner>/<repo>/<ref>/`` folders."""
    if (root / "README.md").is_file() or (root / ".git").exists():
        return False
    return any(_raw_repos(root))


def _raw_repos(root: Path) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    try:
        for owner in sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink()):
            for repo in sorted(p for p in owner.iterdir() if p.is_dir() and not p.is_symlink()):
                for ref in sorted(p for p in repo.iterdir() if p.is_dir() and not p.is_symlink()):
                    if PageRef.checked(owner.name, repo.name, ref.name, "README.md"):
                        found.append((owner.name, repo.name, ref.name))
    except OSError:
        pass
    return found


def _raw_home(root: Path) -> PageRef:
    """Prefer the default mirror, then any ``goodnews`` repo, then any with a README."""
    repos = _raw_repos(root)
    ranked = sorted(
        repos,
        key=lambda r: (
            r[:2] != ("begood0513", "goodnews"),
            r[1] != "goodnews",
            not (root / r[0] / r[1] / r[2] / "README.md").is_file(),
            r[2] not in ("master", "main"),
            r,
        ),
    )
    owner, repo, ref = ranked[0]
    return PageRef(owner, repo, ref, "README.md")


def _clone_home(root: Path) -> PageRef:
    """Name a clone after its ``origin`` remote and checked-out branch, when git says so."""
    owner, repo, ref = DEFAULT_HOME.owner, DEFAULT_HOME.repo, DEFAULT_HOME.ref
    if root.name in ("master", "main") and root.parent.parent != root.parent:
        # A raw-layout subtree ``…/<owner>/<repo>/<ref>`` opened on its own.
        owner, repo, ref = root.parent.parent.name, root.parent.name, root.name
    import configparser  # only for a local clone

    git = root / ".git"
    config = configparser.ConfigParser(strict=False, interpolation=None)
    try:
        config.read(git / "config", encoding="utf-8")
        url = config.get('remote "origin"', "url", fallback="")  # i18n: not shown
        head = (git / "HEAD").read_text(encoding="utf-8").strip()
    except (OSError, configparser.Error, UnicodeDecodeError):
        url, head = "", ""
    if url:
        tail = url.removesuffix(".git").replace(":", "/").rstrip("/").split("/")
        if len(tail) >= 2 and tail[-1] and tail[-2]:
            owner, repo = tail[-2], tail[-1]
    if head.startswith("ref: refs/heads/"):  # i18n: not shown
        ref = head.removeprefix("ref: refs/heads/") or ref  # i18n: not shown
    # A remote or branch name PageRef refuses (a ``/`` in the branch) keeps the defaults.
    return (
        PageRef.checked(owner, repo, ref, "README.md")
        or PageRef.checked(owner, repo, DEFAULT_HOME.ref, "README.md")
        or DEFAULT_HOME
    )


def ref_for_file(path: Path, home: PageRef) -> PageRef:
    """Best identity for a file named on the command line, so its links still resolve.

    A file inside a raw-layout tree (``…/<owner>/<repo>/<ref>/<path>``) of ``home``'s owner
    keeps its full identity; a file in a git clone is a path of ``home``'s repository.
    """
    path = path.resolve()
    parts = path.parts
    for i in range(len(parts) - 3):
        if parts[i] == home.owner and i + 3 < len(parts):
            found = PageRef.checked(parts[i], parts[i + 1], parts[i + 2], "/".join(parts[i + 3 :]))
            if found is not None:
                return found
    for parent in path.parents:
        if (parent / ".git").exists():
            clone = _clone_home(parent)
            return clone.with_path(path.relative_to(parent).as_posix())
    return home.with_path(path.name)


__all__ = [
    "BaseURL",
    "DEFAULT_BASES",
    "FASTLY_HOST",
    "LocalSource",
    "RemoteSource",
    "Source",
    "Validators",
    "parse_base",
    "ref_for_file",
]
