"""Where page bytes come from: a remote mirror over HTTP or a folder on disk.

Both kinds answer the same question, "give me the text of this ``PageRef``", so the facade
in ``mirror.py`` can add caching and freshness without knowing which one it talks to. A
local folder is a trust boundary: page links are untrusted data, so every read is checked to
stay inside the folder the user named.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
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
    RedirectRefused,
    ServerError,
    TooLarge,
)
from tui.core.fetch import MAX_BODY, FetchPolicy, Response, decode_text, fetch_text, make_client
from tui.core.kinds import kind_by_path
from tui.core.urls import CDN_HOST, DEFAULT_HOME, MIRROR_HOSTS, RAW_HOST, PageRef
from tui.core.validate import check_page

if TYPE_CHECKING:
    import httpx

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
    """One place a page's bytes can be fetched from, in raw or jsDelivr layout."""

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
                f"refused to fetch {ref.key!r}: it would leave {base_path or '/'} on {self.host}"
            )
        return url

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()


DEFAULT_BASES: tuple[BaseURL, ...] = (
    BaseURL(f"https://{RAW_HOST}"),
    BaseURL(f"https://{CDN_HOST}/gh", cdn=True),
)


class RemoteSource(Source):
    """Raw files over HTTP from ordered base URLs, failing over on network errors and 5xx.

    The last base that answered is tried first next time, so a dead primary costs one
    timeout per session rather than one per page.
    """

    def __init__(
        self,
        bases: Sequence[BaseURL] = DEFAULT_BASES,
        *,
        policy: FetchPolicy | None = None,
        proxy: str | None = None,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        if not bases:
            raise ValueError("a remote source needs at least one base URL")
        self.bases = tuple(bases)
        self.policy = policy or FetchPolicy()
        self._proxy = proxy
        self._client = client
        self._owns_client = client is None
        self._preferred = 0
        # Redirects may go to mirror hosts (HTTPS), and to the bases' own scheme, host and port.
        self.allowed_hosts = frozenset(MIRROR_HOSTS | {b.url for b in self.bases})

    @classmethod
    def from_base_url(cls, url: str, **kwargs: object) -> RemoteSource:
        """A single raw-layout base URL (``<base>/<owner>/<repo>/<ref>/<path>``)."""
        return cls((BaseURL(url.rstrip("/")),), **kwargs)  # type: ignore[arg-type]

    @property
    def client(self) -> httpx.AsyncClient:
        # Created lazily: opening a mirror must not do I/O or need a running loop.
        if self._client is None:
            self._client = make_client(self.policy, self._proxy)
        return self._client

    def describe(self) -> str:
        return " → ".join(b.host for b in self.bases)

    async def fetch(self, ref: PageRef, validators: Validators | None = None) -> Response:
        """The page from the first base that answers with a page (``check_page``).

        An HTML error page sent with 200 is an ``ErrorPage``, never a ``Response``: what
        comes back here is safe to cache.
        """
        validators = validators or Validators()
        client = self.client  # a malformed proxy setting fails once, not once per base
        kind = kind_by_path(ref)
        order = [*range(self._preferred, len(self.bases)), *range(self._preferred)]
        errors: list[MirrorError] = []
        for index in order:
            base = self.bases[index]
            try:
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
                    try:
                        check_page(kind, response.text, response.content_type)
                    except BadContent as exc:
                        exc.url = exc.url or url
                        raise
            except FAILOVER_ERRORS as exc:
                errors.append(exc)
                continue
            self._preferred = index
            return response
        raise errors[0] if len(errors) == 1 else _summarise(errors)

    async def aclose(self) -> None:
        if self._client is not None and self._owns_client:
            await self._client.aclose()
        self._client = None


def _summarise(errors: list[MirrorError]) -> MirrorError:
    """One error for several failed bases: the first one's type, every base in the message."""
    first = errors[0]
    message = "; ".join(str(e) for e in errors)
    summary = type(first)(message, url=first.url)
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
            raise NotFound(f"the mirror folder {root} does not exist")
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
                f"refused to read {ref.path!r}: it points outside the mirror folder"
            )
        if self.raw_layout:
            candidate = self.root.joinpath(ref.owner, ref.repo, ref.ref, *segments)
        elif ref.same_repo(self.home):
            candidate = self.root.joinpath(*segments)
        else:
            raise NotFound(f"{ref.repo_id} is not part of the local folder {self.root}")
        try:
            real = candidate.resolve(strict=False)
        except (OSError, RuntimeError) as exc:  # symlink loops
            raise OutsideMirror(f"refused to read {ref.path!r}: {exc}") from None
        if not real.is_relative_to(self.root):
            raise OutsideMirror(f"refused to read {ref.path!r}: it leads outside the mirror folder")
        return real

    def exists(self, ref: PageRef) -> bool:
        try:
            return self.path_for(ref).is_file()
        except MirrorError:
            return False

    async def fetch(self, ref: PageRef, validators: Validators | None = None) -> Response:
        path = self.path_for(ref)
        name = ref.target(self.home)
        data = read_limited(path, self.max_bytes, name, missing="not found in the local folder")
        text, warnings = decode_text(data, ref.name)
        return Response(path.as_uri(), 200, text, warnings=warnings)


def read_limited(path: Path, max_bytes: int, name: str, *, missing: str = "no such file") -> bytes:
    """Read at most ``max_bytes`` of a file, turning every failure into a typed error."""
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise NotFound(f"{missing}: {name}") from None
    except IsADirectoryError:
        raise NotFound(f"not a page: {name}") from None
    except OSError as exc:
        raise BadContent(f"could not read {name}: {exc.strerror}") from None
    if len(data) > max_bytes:
        raise TooLarge(f"{name} is larger than the size limit")
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
        url = config.get('remote "origin"', "url", fallback="")
        head = (git / "HEAD").read_text(encoding="utf-8").strip()
    except (OSError, configparser.Error, UnicodeDecodeError):
        url, head = "", ""
    if url:
        tail = url.removesuffix(".git").replace(":", "/").rstrip("/").split("/")
        if len(tail) >= 2 and tail[-1] and tail[-2]:
            owner, repo = tail[-2], tail[-1]
    if head.startswith("ref: refs/heads/"):
        ref = head.removeprefix("ref: refs/heads/") or ref
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
    "LocalSource",
    "RemoteSource",
    "Source",
    "Validators",
    "ref_for_file",
]
