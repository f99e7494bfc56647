"""Typed failures of the mirror: one class per way a page can fail to arrive.

The UI shows ``str(error)`` in the reading pane and the CLI prints it on stderr, so every
message is one line written for a reader, not a developer; ``exit_code`` is what ``dump``
returns (3 not found, 4 network or source failure).
"""

from __future__ import annotations


class MirrorError(Exception):
    """Base of every failure the mirror facade raises; nothing else escapes ``Mirror.get``."""

    exit_code: int = 4

    def __init__(self, message: str, *, url: str | None = None) -> None:
        # A message that spans lines would break the one-line status/stderr contract.
        super().__init__(" ".join(message.split()))
        self.url = url


class NotFound(MirrorError):
    """The source answered, and the page is not there (HTTP 404/410, missing file)."""

    exit_code = 3


class NetworkUnavailable(MirrorError):
    """No usable connection: refused, unreachable, DNS failure, proxy failure, reset."""


class ProxyFailed(NetworkUnavailable):
    """The proxy, not the mirror, failed: refused, silent, wants a password, bad reply.

    Kept apart so the message names the proxy: a reader who sees "the mirror does not
    answer" checks the wrong thing.
    """


class FetchTimeout(MirrorError):
    """The source did not answer, or did not finish the body, in time."""


class TooLarge(MirrorError):
    """The body exceeded the size limit (checked while streaming, not after)."""


class BadContent(MirrorError):
    """The bytes are not a text page (binary data, unexpected reply)."""


class ErrorPage(BadContent):
    """The reply is not a mirror page: an HTML document, an HTTP error page sent with 200.

    Captive portals and broken proxies answer this way; such a reply must never be cached
    or replace a good copy, so it is a failure of its own that the facade can answer with
    the stale copy.
    """


class OutsideMirror(MirrorError):
    """A local-folder read would leave the mirror root (``..``, absolute path, symlink out)."""


class OfflineMiss(MirrorError):
    """Offline mode was asked for a page that is not in the cache."""


class RedirectRefused(MirrorError):
    """A redirect pointed to a host that is not a mirror host, or redirects looped."""


class ServerError(MirrorError):
    """The server kept failing (5xx, 429) or answered with an unexpected status."""
