"""Page identity and link resolution in GitHub's blob URL space.

Links inside mirror pages are written relative to the page's *blob* URL
(``https://github.com/<owner>/<repo>/blob/<ref>/<path>``), so ``../../../../../basic/...``
climbs out of the repository into a sibling one. Resolving against the blob URL, rather than
against a file path, is what makes those links land where GitHub would send a reader.
"""

from __future__ import annotations

import posixpath
import re
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import quote, unquote, urljoin, urlsplit

from tui.i18n import _

GITHUB = "github.com"
RAW_HOST = "raw.githubusercontent.com"
CDN_HOST = "cdn.jsdelivr.net"
FASTLY_HOST = "fastly.jsdelivr.net"  # the jsDelivr host that filtered networks still reach
CDN_HOSTS = frozenset({CDN_HOST, FASTLY_HOST})
MIRROR_HOSTS = frozenset({GITHUB, "www.github.com", RAW_HOST, *CDN_HOSTS})

IMAGE_EXTENSIONS = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".ico", ".avif"}
)


class _PageRefFields(NamedTuple):
    owner: str
    repo: str
    ref: str
    path: str


# GitHub's own rules for owner and repository names (plus ``_`` for raw-layout folders),
# git's for refs (no ``..``, ``:``, ``?``, ``*``, ``[``, ``\\``, ``^``, ``~``, space or control);
# ``%`` and ``#`` are refused too, so no segment can carry an escape into a URL.
_NAME = re.compile(r"(?!\.+\Z)[A-Za-z0-9_.\-]+\Z").match
_REF = re.compile(r"(?!\.+\Z)(?!.*\.\.)[^\s/\\?#%:*\[^~\x00-\x1f\x7f]+\Z").match
_BAD_PATH = re.compile(r"(?:\A|/)\.{0,2}(?:/|\Z)|\x00")


def check_segments(owner: str, repo: str, ref: str, path: str) -> str | None:
    """Why these segments cannot name a mirror file, or None when they can.

    Checked once, when a ``PageRef`` is made, so that every URL built from one stays
    under its base URL's path: ``..``, ``?`` or ``#`` in a segment would leave it.
    """
    if not (isinstance(owner, str) and isinstance(repo, str) and isinstance(ref, str)):
        return _repo_problem_of(owner, repo, ref)
    problem = _repo_problem(owner, repo, ref)
    if problem is not None:
        return problem
    if not isinstance(path, str) or not path or _BAD_PATH.search(path):
        return _("invalid path {path}").format(path=repr(path))
    return None


def _repo_problem_of(owner: object, repo: object, ref: object) -> str | None:
    if not (isinstance(owner, str) and _NAME(owner)):
        return _("invalid owner {owner}").format(owner=repr(owner))
    if not (isinstance(repo, str) and _NAME(repo)):
        return _("invalid repository {repo}").format(repo=repr(repo))
    if not (isinstance(ref, str) and _REF(ref)):
        return _("invalid ref {ref}").format(ref=repr(ref))
    return None


# The same few repositories are checked for every link of every page: remember the verdicts.
_repo_problem = lru_cache(maxsize=256)(_repo_problem_of)


@lru_cache(maxsize=256)
def _url_segments(owner: str, repo: str, ref: str) -> tuple[str, str, str]:
    """Owner, repo and ref percent-encoded (``_PLAIN_ID`` ones need none)."""
    plain = _PLAIN_ID.match
    return (
        owner if plain(owner) else quote(owner, safe=""),
        repo if plain(repo) else quote(repo, safe=""),
        _qref(ref),
    )


@lru_cache(maxsize=256)
def _plain_repo(owner: str, repo: str, ref: str) -> bool:
    return bool(_PLAIN_ID.match(owner) and _PLAIN_ID.match(repo) and _PLAIN_ID.match(ref))


class PageRef(_PageRefFields):
    """The identity of one file of a mirror repository (decoded path, no query).

    Constructing one with a segment that could escape a URL (``..``, ``?``, ``#``, ``%``,
    ``/`` in owner, repo or ref; ``.``/``..``/empty segments in the path) raises
    ``ValueError``; parsers that meet such a link treat it as external instead.
    """

    __slots__ = ()

    def __new__(cls, owner: str, repo: str, ref: str, path: str) -> PageRef:
        problem = check_segments(owner, repo, ref, path)
        if problem is not None:
            raise ValueError(_("not a mirror page: {problem}").format(problem=problem))
        return tuple.__new__(cls, (owner, repo, ref, path))

    @classmethod
    def checked(cls, owner: str, repo: str, ref: str, path: str) -> PageRef | None:
        """The ref, or None when the segments are not valid (for untrusted input)."""
        if check_segments(owner, repo, ref, path) is not None:
            return None
        return tuple.__new__(cls, (owner, repo, ref, path))

    def __getnewargs__(self) -> tuple[str, str, str, str]:
        return tuple(self)  # type: ignore[return-value]

    @property
    def key(self) -> str:
        """Canonical string form, used as cache and library key: ``owner/repo@ref:path``."""
        return f"{self.owner}/{self.repo}@{self.ref}:{self.path}"

    @property
    def repo_id(self) -> str:
        return f"{self.owner}/{self.repo}@{self.ref}"

    @property
    def name(self) -> str:
        return posixpath.basename(self.path)

    @property
    def quoted(self) -> tuple[str, str, str, str]:
        """Owner, repo, ref and path percent-encoded for a URL (``/`` kept in the path only)."""
        owner, repo, ref, path = self
        return (
            *_url_segments(owner, repo, ref),
            path if _PLAIN_PATH.match(path) else _q(path),
        )

    @property
    def blob_url(self) -> str:
        owner, repo, ref, path = self.quoted
        return f"https://{GITHUB}/{owner}/{repo}/blob/{ref}/{path}"

    @property
    def raw_url(self) -> str:
        owner, repo, ref, path = self.quoted
        return f"https://{RAW_HOST}/{owner}/{repo}/{ref}/{path}"

    @property
    def cdn_url(self) -> str:
        owner, repo, ref, path = self.quoted
        return f"https://{CDN_HOST}/gh/{owner}/{repo}@{ref}/{path}"

    @property
    def raw_path(self) -> str:
        """The path of this page in the raw layout ``<owner>/<repo>/<ref>/<path>``."""
        return f"{self.owner}/{self.repo}/{self.ref}/{self.path}"

    def with_path(self, path: str) -> PageRef:
        return PageRef(self.owner, self.repo, self.ref, path)

    def same_repo(self, other: PageRef) -> bool:
        return (self.owner, self.repo, self.ref) == (other.owner, other.repo, other.ref)

    def target(self, home: PageRef | None = None) -> str:
        """Mirror path within ``home``'s repository, else ``owner/repo@ref:path``."""
        if home is not None and self.same_repo(home):
            return self.path
        return self.key

    def __str__(self) -> str:
        return self.key


DEFAULT_HOME = PageRef("begood0513", "goodnews", "master", "README.md")


class LinkKind(StrEnum):
    """What a link is, for links and their targets alike (``dump --json`` prints the value).

    ``resolve`` says PAGE, IMAGE or EXTERNAL; TAG is the parser's word for an external URL
    that is a tag page of a mirrored site (``parse.tags``): known by its URL, not its element.
    """

    PAGE = "page"
    TAG = "tag"
    EXTERNAL = "external"
    IMAGE = "image"


class Target(NamedTuple):
    """Where a link leads: a mirror page, an image, or an external URL."""

    kind: LinkKind
    url: str
    ref: PageRef | None = None
    anchor: str | None = None

    @property
    def is_page(self) -> bool:
        return self.kind is LinkKind.PAGE


def _q(path: str) -> str:
    return quote(path, safe="/")


def _qref(ref: str) -> str:
    return ref if _PLAIN_ID.match(ref) else quote(ref, safe="")


def _is_image(path: str) -> bool:
    return posixpath.splitext(path.lower())[1] in IMAGE_EXTENSIONS


def _norm(path: str) -> str | None:
    """Normalise dot segments; None when the path climbs above its root."""
    parts: list[str] = []
    for seg in path.split("/"):
        if seg in ("", "."):
            continue
        if seg == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(seg)
    return "/".join(parts)


def _ref_from_url(host: str, path: str) -> PageRef | None:
    """Map a decoded URL path on a mirror host to a PageRef (any file, not only .md)."""
    host = host.lower()
    segs = [s for s in path.split("/") if s != ""]
    if host in (GITHUB, "www.github.com"):
        # /<owner>/<repo>/(blob|raw)/<ref>/<path...>
        if len(segs) >= 5 and segs[2] in ("blob", "raw"):
            rest = _norm("/".join(segs[4:]))
            if rest:
                return PageRef.checked(segs[0], segs[1], segs[3], rest)
        return None
    if host == RAW_HOST:
        if len(segs) >= 4:
            rest = _norm("/".join(segs[3:]))
            if rest:
                return PageRef.checked(segs[0], segs[1], segs[2], rest)
        return None
    if host in CDN_HOSTS:
        # /gh/<owner>/<repo>[@<ref>]/<path...>
        if len(segs) >= 4 and segs[0] == "gh":
            repo, _, ref = segs[2].partition("@")
            rest = _norm("/".join(segs[3:]))
            if rest:
                return PageRef.checked(segs[1], repo, ref or "master", rest)
        return None
    return None


def parse_url(url: str) -> PageRef | None:
    """Parse a GitHub blob/raw URL or a jsDelivr URL into a PageRef; None otherwise."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # "https://[": not a URL at all
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return _ref_from_url(parts.hostname, unquote(parts.path))


def parse_ref(text: str, home: PageRef = DEFAULT_HOME) -> PageRef | None:
    """Parse a page given as a URL, an ``owner/repo@ref:path`` key or a path in ``home``'s repo."""
    text = text.strip()
    if not text:
        return None
    if "://" in text:
        return parse_url(text)
    head, sep, tail = text.partition(":")
    if sep and "@" in head and head.count("/") == 1:
        owner_repo, _, ref = head.partition("@")
        owner, _, repo = owner_repo.partition("/")
        path = _norm(unquote(tail))
        if owner and repo and ref and path:
            return PageRef.checked(owner, repo, ref, path)
        return None
    path = _norm(unquote(text.split("?", 1)[0].split("#", 1)[0]))
    return PageRef.checked(home.owner, home.repo, home.ref, path) if path else None


def ref_of_key(key: str) -> PageRef | None:
    """``parse_ref(key)`` for a library or cache key (``owner/repo@ref:path``), fast.

    The keys of a related list or of search results are thousands at a time and nearly all
    in the same repository: its segments are checked once (``_repo_problem`` remembers),
    and a path already in normal form (no escapes, no empty, ``.`` or ``..`` segments, which
    ``_BAD_PATH`` finds) is taken as it is. Anything else goes through ``parse_ref``.
    """
    head, sep, path = key.partition(":")
    owner, slash, rest = head.partition("/")
    repo, at, ref = rest.partition("@")
    if (
        sep
        and slash
        and at
        and owner
        and repo
        and ref
        and path
        and "/" not in repo
        and "%" not in path
        and _repo_problem(owner, repo, ref) is None
        and not _BAD_PATH.search(path)
        and key == key.strip()
    ):
        return tuple.__new__(PageRef, (owner, repo, ref, path))
    return parse_ref(key)


def plain_key_in(key: str, repo_id: str) -> bool:
    """Whether ``key`` is a page of ``repo_id`` (a valid repository) that ``ref_of_key``
    takes as it is: the check of a related list's thousands of keys, whose refs are made
    only for the rows drawn. False says nothing: ask ``ref_of_key``."""
    n = len(repo_id)
    if not (key.startswith(repo_id) and key[n : n + 1] == ":"):
        return False
    path = key[n + 1 :]
    return bool(path) and "%" not in path and not _BAD_PATH.search(path) and key == key.strip()


# A relative href to a Markdown file made only of URL-safe characters (an optional query of
# the same, no fragment): the usual shape of links between mirror pages. ``_resolve_md``
# resolves these without building and re-parsing the blob URL.
_PLAIN_MD_HREF = re.compile(r"(?![/])([A-Za-z0-9_.~/\-]*\.[mM][dD])(?:\?[A-Za-z0-9_.~/\-=&+,]*)?\Z")
# The same with escapes of non-ASCII bytes in the path (%E4%B8%AD, a Chinese file name).
_ESCAPED_MD_HREF = re.compile(
    r"(?![/])((?:[A-Za-z0-9_.~/\-]|%[89A-Fa-f][0-9A-Fa-f])*\.[mM][dD])"
    r"(?:\?[A-Za-z0-9_.~/\-=&+,]*)?\Z"
)
_PLAIN_ID = re.compile(r"[A-Za-z0-9_\-][A-Za-z0-9_.\-]*\Z")
# A path that ``quote(path, safe="/")`` leaves as it is.
_PLAIN_PATH = re.compile(r"[A-Za-z0-9_.\-~/]*\Z")


def _resolve_md(base: PageRef, path: str) -> Target | None:
    """``urljoin`` + ``_ref_from_url`` for a plain relative ``path``, segment by segment.

    Mirrors ``urllib.parse.urljoin``'s dot-segment removal on the blob URL's path (empty inner
    segments dropped, ``..`` above the root ignored). The base path is decoded, which is the
    same as decoding after joining: quoting never touches ``/`` or dots. Returns None when the
    result is not a page of the blob layout, and ``resolve`` then takes the general path.
    """
    if not _plain_repo(base.owner, base.repo, base.ref):
        return None
    inside = within_repo(base.path, path)
    if inside is not None:
        # the usual link between two pages of one repository (an index entry, a nav link)
        ref = PageRef.checked(base.owner, base.repo, base.ref, inside)
        if ref is None:
            return None
        return Target(LinkKind.PAGE, ref.blob_url, ref, None)
    segments = ["", base.owner, base.repo, "blob", base.ref, *base.path.split("/")]
    del segments[-1]
    segments += path.split("/")
    segments[1:-1] = [s for s in segments[1:-1] if s]
    resolved: list[str] = []
    for seg in segments:
        if seg == "..":
            if resolved:
                resolved.pop()
        elif seg != ".":
            resolved.append(seg)
    segs = [s for s in resolved if s]
    if len(segs) < 5 or segs[2] not in ("blob", "raw"):
        return None
    rest = _norm("/".join(segs[4:]))
    if not rest or not rest.lower().endswith(".md"):
        return None
    ref = PageRef.checked(segs[0], segs[1], segs[3], rest)
    if ref is None:
        return None
    return Target(LinkKind.PAGE, ref.blob_url, ref, None)


def plain_md_path(href: str) -> str | None:
    """The path of a plain relative link to a Markdown file (URL-safe characters, perhaps a
    cache-buster query, no fragment), or None for any other href."""
    m = _PLAIN_MD_HREF.match(href)
    return m.group(1) if m is not None else None


def plain_repo(ref: PageRef) -> bool:
    """Whether ``ref``'s owner, repo and ref need no encoding (the blob fast paths' condition)."""
    return _plain_repo(ref.owner, ref.repo, ref.ref)


def within_repo(base_path: str, path: str) -> str | None:
    """The repository path ``path`` leads to from ``base_path``, when it never climbs out of
    the repository and names a Markdown file; None otherwise (the general walk decides).

    Inside the repository the blob walk above is plain dot-segment removal, so this gives
    the same path without building the blob URL's segments.
    """
    head = base_path.rpartition("/")[0]
    rest = path
    ups = 0
    while rest.startswith("../"):
        rest = rest[3:]
        ups += 1
    if rest and rest[0] != "/" and "//" not in rest and "/." not in "/" + rest and rest[-1] != "/":
        # ../pages/x/1.md: climb, then plain segments (no dots, no empty ones)
        dirs = head.split("/") if head else []
        if ups > len(dirs):
            return None
        if not rest.lower().endswith(".md"):
            return None
        kept = dirs[: len(dirs) - ups]
        return "/".join([*kept, rest]) if kept else rest
    parts = f"{head}/{path}".split("/") if head else path.split("/")
    out: list[str] = []
    for seg in parts:
        if seg == "..":
            if not out:
                return None
            out.pop()
        elif seg and seg != ".":
            out.append(seg)
    if not out or not parts[-1] or not out[-1].lower().endswith(".md"):
        return None
    return "/".join(out)


def resolve(base: PageRef, href: str) -> Target | None:
    """Resolve ``href`` found on page ``base`` the way GitHub does, in blob space.

    Queries are dropped from page identities (they are cache-busters), a ``#fragment`` is
    kept as ``anchor``. Returns None for an empty href and for one that is not a URL at
    all (``//[``: page text is untrusted, so this never raises).
    """
    href = href.strip()
    if not href:
        return None
    m = _PLAIN_MD_HREF.match(href)
    if m is not None:
        target = _resolve_md(base, m.group(1))
        if target is not None:
            return target
    elif "%" in href:
        m = _ESCAPED_MD_HREF.match(href)
        if m is not None:
            target = _resolve_escaped_md(base, m.group(1))
            if target is not None:
                return target
    return _resolve_url(base, href)


def _resolve_escaped_md(base: PageRef, path: str) -> Target | None:
    """``_resolve_md`` for a path whose escapes are all of non-ASCII bytes (the mirror's
    Chinese file names), inside the base's repository; None leaves it to the general path.

    Such escapes decode to non-ASCII characters only, never to ``/``, ``.``, ``%``, ``?`` or
    ``#``: the path has the same segments before and after decoding, and decoding before
    the join gives what decoding the joined URL path gives.
    """
    if not _plain_repo(base.owner, base.repo, base.ref):
        return None
    inside = within_repo(base.path, unquote(path))
    if inside is None:
        return None
    ref = PageRef.checked(base.owner, base.repo, base.ref, inside)
    if ref is None:
        return None
    return Target(LinkKind.PAGE, ref.blob_url, ref, None)


def _resolve_url(base: PageRef, href: str) -> Target | None:
    """``resolve`` the general way: join to the blob URL, then read the result."""
    try:
        absolute = urljoin(base.blob_url, href)
        parts = urlsplit(absolute)
    except ValueError:
        return None
    anchor = unquote(parts.fragment) or None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Target(LinkKind.EXTERNAL, absolute)
    host = parts.hostname.lower()
    if host in MIRROR_HOSTS:
        ref = _ref_from_url(host, unquote(parts.path))
        if ref is not None:
            if ref.path.lower().endswith(".md"):
                return Target(LinkKind.PAGE, ref.blob_url, ref, anchor)
            if _is_image(ref.path):
                return Target(LinkKind.IMAGE, absolute, ref, anchor)
    if _is_image(unquote(parts.path)):
        return Target(LinkKind.IMAGE, absolute, None, anchor)
    return Target(LinkKind.EXTERNAL, absolute, None, anchor)
