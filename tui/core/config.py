"""What the user asked for on the command line, independent of how it is parsed.

``Options`` is the one object the CLI builds and ``open_mirror`` consumes, so the app, the
``dump`` command and tests all open mirrors the same way.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from tui.core.settings import Settings
from tui.core.urls import DEFAULT_HOME, PageRef, check_segments
from tui.i18n import _

DEFAULT_MIRROR = f"github:{DEFAULT_HOME.owner}/{DEFAULT_HOME.repo}@{DEFAULT_HOME.ref}"
DEFAULT_CACHE_SIZE = 500 * 1024 * 1024
CACHE_DIR_ENV = "GOODNEWS_TUI_CACHE_DIR"
PROXY_SCHEMES = frozenset({"http", "https", "socks5", "socks5h"})


@dataclass
class Options:
    """Choices for one run; ``None`` means "use the default" so callers need not know it.

    The fields are the effective values (flags over the settings file); ``settings`` is
    the file as read, with its problems and keymap, for the UI to apply and show.
    ``mirrors`` (base URLs) replaces the default chain of a ``github:`` mirror.
    """

    mirror: str | None = None
    sample: bool = False
    offline: bool = False
    cache_dir: Path | None = None
    proxy: str | None = None
    theme: str | None = None
    prefetch: bool = True
    cache_size: int = DEFAULT_CACHE_SIZE
    mirrors: tuple[str, ...] = ()
    prefetch_jobs: int = 4
    reader_width: int | None = None
    lang: str | None = None  # the interface language (tui.i18n); None: leave it as it is
    script: str = "original"  # a tui.core.script.Script value (flag over settings file)
    save_dir: Path | None = None  # None: the platform's downloads folder (tui.core.export)
    ambiguous_width: int = 1  # cells of an East Asian ambiguous-width character (1 or 2)
    settings: Settings = field(default_factory=Settings)


class SpecKind(StrEnum):
    GITHUB = "github"
    HTTP = "http"
    DIR = "dir"


class MirrorSpec(NamedTuple):
    """A parsed ``--mirror`` value: a GitHub repository, a raw-layout base URL or a folder."""

    kind: SpecKind
    owner: str = DEFAULT_HOME.owner
    repo: str = DEFAULT_HOME.repo
    ref: str = DEFAULT_HOME.ref
    base_url: str | None = None
    path: Path | None = None


def parse_mirror_spec(spec: str | None) -> MirrorSpec:
    """Parse ``--mirror``; raises ``ValueError`` with a one-line reason (a usage error)."""
    if spec is None or not spec.strip():
        spec = DEFAULT_MIRROR
    spec = spec.strip()
    if spec.startswith("github:"):
        body = spec.removeprefix("github:")
        repo_part, _at, ref = body.partition("@")
        owner, _slash, repo = repo_part.partition("/")
        if not owner or not repo or "/" in repo or (ref == "" and "@" in body):
            raise ValueError(
                _("bad mirror {spec}: expected github:<owner>/<repo>[@ref]").format(spec=repr(spec))
            )
        for part in (owner, repo, ref or "master"):
            if part in (".", "..") or any(c in part for c in "\\/\0?#"):
                raise ValueError(
                    _("bad mirror {spec}: invalid name {part}").format(
                        spec=repr(spec), part=repr(part)
                    )
                )
        problem = check_segments(owner, repo, ref or "master", "README.md")
        if problem is not None:  # the same rule as every page of the mirror
            raise ValueError(
                _("bad mirror {spec}: {problem}").format(spec=repr(spec), problem=problem)
            )
        return MirrorSpec(SpecKind.GITHUB, owner, repo, ref or "master")
    if "://" in spec:
        parts = urlsplit(spec)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                _("bad mirror {spec}: only http(s):// base URLs are supported").format(
                    spec=repr(spec)
                )
            )
        return MirrorSpec(SpecKind.HTTP, base_url=spec.rstrip("/"))
    path = Path(os.path.expanduser(spec))
    if not path.is_dir():
        raise ValueError(
            _("bad mirror {spec}: not a folder, http(s):// URL or github:<owner>/<repo>").format(
                spec=repr(spec)
            )
        )
    return MirrorSpec(SpecKind.DIR, path=path.resolve())


PROXY_ENV = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")


def _bad_proxy(value: str) -> bool:
    try:
        parts = urlsplit(value if "://" in value else f"http://{value}")
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return True
    return parts.scheme.lower() not in PROXY_SCHEMES or not parts.hostname


def _shown(value: str) -> str:
    """A proxy URL without its password: error messages end up in bug reports."""
    head, at, tail = value.rpartition("@")
    if not at:
        return value
    scheme, sep, _credentials = head.partition("://")
    return f"{scheme}{sep}…@{tail}" if sep else f"…@{tail}"


def check_proxy(proxy: str | None) -> str | None:
    """Validate ``--proxy`` early so a typo is a usage error, not a network failure later.

    Without ``--proxy`` the environment's proxies are used, so they get the same check.
    """
    if proxy is None or not proxy.strip():
        check_proxy_env()
        return None
    return check_proxy_url(proxy)


def check_proxy_url(proxy: str) -> str:
    """The proxy URL stripped, or ``ValueError`` saying what form is expected."""
    if "://" not in proxy or _bad_proxy(proxy.strip()):
        raise ValueError(
            _(
                "bad proxy {proxy}: expected http://, https://, socks5:// or socks5h://HOST:PORT"
            ).format(proxy=repr(_shown(proxy)))
        )
    return proxy.strip()


def check_proxy_env(environ: Mapping[str, str] | None = None) -> None:
    """Raise ``ValueError`` naming the variable when a proxy variable is malformed.

    httpx would otherwise fail on first use with a message about URLs, not about the
    setting the reader has to fix.
    """
    env = os.environ if environ is None else environ
    for name in PROXY_ENV:
        value = (env.get(name) or "").strip()
        if value and _bad_proxy(value):
            raise ValueError(
                _(
                    "bad proxy in ${name} ({value}): expected http://, https://, socks5:// or socks5h://HOST:PORT"
                ).format(name=name, value=repr(_shown(value)))
            )


DATA_DIR_ENV = "GOODNEWS_TUI_DATA_DIR"


def data_root() -> Path:
    """Where goodnews-tui keeps data that is not a cache (the archive)."""
    configured = os.environ.get(DATA_DIR_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("goodnews-tui", appauthor=False))


def archive_dir(home: PageRef, root: Path | None = None) -> Path:
    """The archive folder of ``home``'s repository: a sparse clone or an extracted tarball
    (``sync --archive``), under ``root`` (default: ``data_root()``)."""
    return (root or data_root()) / "archive" / home.owner / home.repo / home.ref
