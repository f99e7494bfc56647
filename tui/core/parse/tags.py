"""Tag links, known by their URL: the mirror neutralises links into ``<ok>``/``<span>`` elements
that wrap tags and ordinary links alike, so the element says nothing and the URL says all.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

__all__ = ["is_tag_url", "tag_name_from_url"]

# (host suffix or "" for site-relative, path pattern). Paths are matched decoded.
_EPOCH = re.compile(r"^/(?:gb|b5)/tag/([^/]+?)\.html?$", re.I)
_NTD = re.compile(r"^/(?:gb|b5)/([^/]+?)\.htm$", re.I)
_SECRET = re.compile(r"^/news/(?:gb|b5)/tag/([^/]+?)/?$", re.I)
_SOH = re.compile(r"^/(?:gb|b5)/tag/([^/]+?)(?:\.html?)?/?$", re.I)

_HOST_RULES: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = (
    ("epochtimes.com", (_EPOCH,)),
    ("ntdtv.com", (_NTD, _EPOCH)),
    ("secretchina.com", (_SECRET,)),
    ("soundofhope.org", (_SOH,)),
)
_RELATIVE_RULES = (_EPOCH, _SECRET, _NTD)


def _split(url: str) -> tuple[str, str] | None:
    url = url.strip()
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower() if parts.netloc else ""
    path = unquote(parts.path).strip()
    return host, path


def _match(url: str) -> re.Match[str] | None:
    if "%" not in url:
        # Every rule's path starts /gb/, /b5/ or /news/gb|b5/ (any case): a URL without
        # either, and without escapes that could spell one, is no tag (most links, cheaply).
        low = url.lower()
        if "gb/" not in low and "b5/" not in low:
            return None
    return _match_split(url)


def _match_split(url: str) -> re.Match[str] | None:
    """``_match`` without its first look at the raw URL."""
    split = _split(url)
    if split is None:
        return None
    host, path = split
    if not host:
        if not path.startswith("/"):
            return None
        rules: tuple[re.Pattern[str], ...] = _RELATIVE_RULES
    else:
        rules = ()
        for suffix, patterns in _HOST_RULES:
            if host == suffix or host.endswith("." + suffix):
                rules = patterns
                break
    for pattern in rules:
        m = pattern.match(path)
        if m:
            return m
    return None


def is_tag_url(url: str) -> bool:
    """True for a tag page of one of the mirrored sites, absolute or site-relative.

    ntdtv tags are ``/gb/<name>.htm`` (one segment, ``.htm``): article URLs have dated
    segments and ``.html``, so they never match.
    """
    return _match(url) is not None


def tag_name_from_url(url: str) -> str:
    """The tag's name as written in its URL (used when the link has no text)."""
    m = _match(url)
    return m.group(1).strip() if m else ""
