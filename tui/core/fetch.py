"""HTTP for the mirror: one shared ``httpx.AsyncClient`` and one careful ``fetch_text``.

Everything that can go wrong on the wire ends here in a typed ``MirrorError`` whose message
a reader can act on. Limits are enforced while streaming (a 5 GiB reply must not be read to
find out it is too big), redirects are followed by hand so that only mirror hosts are ever
contacted, and every wait (connect, body, retries) is bounded so the UI never hangs.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Collection
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urljoin, urlsplit

from tui import __version__
from tui.core.errors import (
    BadContent,
    FetchTimeout,
    MirrorError,
    NetworkUnavailable,
    NotFound,
    RedirectRefused,
    ServerError,
    TooLarge,
)
from tui.core.urls import MIRROR_HOSTS

if TYPE_CHECKING:  # httpx is imported on first use: pages from disk never need it
    import httpx

USER_AGENT = f"goodnews-tui/{__version__}"
MiB = 1024 * 1024
MAX_BODY = 5 * MiB
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class FetchPolicy(NamedTuple):
    """Timeouts, limits and retry pacing; tests shrink the delays to stay fast."""

    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    attempt_timeout: float = 30.0  # whole reply incl. body: stops a slow drip
    deadline: float = 30.0  # one fetch incl. retries and waits
    max_body: int = MAX_BODY
    max_redirects: int = 5
    retries: int = 2  # extra attempts after the first
    backoff_base: float = 0.3
    backoff_cap: float = 4.0
    retry_after_cap: float = 30.0  # longer server-requested waits give up instead
    max_connections: int = 10
    max_keepalive: int = 10


class Response(NamedTuple):
    """A successful reply: 200 with text, or 304 (``text is None``) for a revalidation."""

    url: str
    status: int
    text: str | None
    etag: str | None = None
    last_modified: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def _timeout(policy: FetchPolicy) -> httpx.Timeout:
    import httpx

    return httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout)


def make_client(policy: FetchPolicy | None = None, proxy: str | None = None) -> httpx.AsyncClient:
    """The one client a mirror shares for all its requests (connection reuse, one pool).

    Proxies come from the environment (``HTTPS_PROXY``, ``ALL_PROXY``, ``NO_PROXY``) unless an
    explicit ``proxy`` (http, https, socks5, socks5h) is given, which wins.
    """
    import httpx

    policy = policy or FetchPolicy()
    return httpx.AsyncClient(
        timeout=_timeout(policy),
        limits=httpx.Limits(
            max_connections=policy.max_connections,
            max_keepalive_connections=policy.max_keepalive,
        ),
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        follow_redirects=False,
        proxy=proxy,
        trust_env=proxy is None,
    )


def decode_text(data: bytes, what: str = "page") -> tuple[str, tuple[str, ...]]:
    """UTF-8 with the BOM stripped; bad bytes become U+FFFD plus a warning, never a crash."""
    if b"\0" in data:
        raise BadContent(f"the {what} is binary data, not a text page")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
        return text, (f"the {what} has {bad} undecodable byte(s), shown as \ufffd",)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime  # rare: only an HTTP-date Retry-After

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _backoff(policy: FetchPolicy, attempt: int) -> float:
    # Exponential with jitter so many clients retrying at once do not stampede the server.
    ceiling = min(policy.backoff_cap, policy.backoff_base * (2**attempt))
    return ceiling * (0.5 + random.random() / 2)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _short(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}{parts.path}" if parts.hostname else url


class _Retry(Exception):
    """Internal: this attempt failed in a way worth retrying after ``delay`` seconds."""

    def __init__(self, error: MirrorError, delay: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.delay = delay


async def fetch_text(
    client: httpx.AsyncClient,
    url: str,
    *,
    policy: FetchPolicy | None = None,
    allowed_hosts: Collection[str] = MIRROR_HOSTS,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Response:
    """GET ``url`` as text under every rule of ``policy``; raises ``MirrorError`` subclasses.

    ``allowed_hosts`` are the hosts redirects may lead to (the starting host is always
    allowed). ``etag``/``last_modified`` make the request conditional: a 304 comes back as a
    ``Response`` with ``text=None``.
    """
    policy = policy or FetchPolicy()
    hosts = {h.lower() for h in allowed_hosts} | {_host(url)}
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    started = time.monotonic()
    attempt = 0
    try:
        async with asyncio.timeout(policy.deadline):
            while True:
                try:
                    return await _attempt(client, url, policy, hosts, headers)
                except _Retry as retry:
                    if attempt >= policy.retries:
                        raise retry.error from None
                    delay = retry.delay if retry.delay is not None else _backoff(policy, attempt)
                    if retry.delay is not None and retry.delay > policy.retry_after_cap:
                        raise retry.error from None
                    if time.monotonic() - started + delay >= policy.deadline:
                        raise retry.error from None
                    attempt += 1
                    await asyncio.sleep(delay)
    except TimeoutError:
        raise FetchTimeout(
            f"{_short(url)} did not answer within {policy.deadline:g} s", url=url
        ) from None


async def _attempt(
    client: httpx.AsyncClient,
    url: str,
    policy: FetchPolicy,
    hosts: set[str],
    headers: dict[str, str],
) -> Response:
    import httpx

    current = url
    try:
        async with asyncio.timeout(policy.attempt_timeout):
            for _hop in range(policy.max_redirects + 1):
                async with client.stream(
                    "GET", current, headers=headers, timeout=_timeout(policy)
                ) as reply:
                    if reply.status_code in REDIRECT_STATUSES:
                        location = reply.headers.get("location")
                        if not location:
                            raise BadContent(f"{_short(current)} redirected nowhere", url=url)
                        target = urljoin(current, location)
                        if urlsplit(target).scheme not in ("http", "https") or (
                            _host(target) not in hosts
                        ):
                            raise RedirectRefused(
                                f"{_short(current)} redirected to {_host(target) or target},"
                                " which is not a mirror host",
                                url=url,
                            )
                        current = target
                        continue
                    return await _read(reply, url, policy, conditional=bool(headers))
            raise RedirectRefused(
                f"{_short(url)} redirected more than {policy.max_redirects} times", url=url
            )
    except TimeoutError:
        raise FetchTimeout(
            f"{_short(url)} was too slow: no complete reply within {policy.attempt_timeout:g} s",
            url=url,
        ) from None
    except httpx.ConnectTimeout:
        # Not retried here: a host that swallows packets would cost connect_timeout per try;
        # the source fails over to its next base instead.
        raise FetchTimeout(f"could not connect to {_host(url)}: timed out", url=url) from None
    except httpx.ProxyError as exc:
        raise NetworkUnavailable(f"the proxy failed: {exc}", url=url) from None
    except httpx.ConnectError as exc:
        reason = str(exc) or "connection failed"
        raise _Retry(
            NetworkUnavailable(f"could not connect to {_host(url)}: {reason}", url=url)
        ) from None
    except httpx.TimeoutException:
        raise FetchTimeout(f"{_short(url)} stopped answering (read timed out)", url=url) from None
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
        raise NetworkUnavailable(
            f"the connection to {_host(url)} broke off before the page was complete", url=url
        ) from None
    except httpx.DecodingError:
        raise BadContent(
            f"{_short(url)} sent a body that could not be decompressed", url=url
        ) from None
    except httpx.HTTPError as exc:
        raise NetworkUnavailable(f"request to {_host(url)} failed: {exc}", url=url) from None


async def _read(
    reply: httpx.Response, url: str, policy: FetchPolicy, *, conditional: bool
) -> Response:
    status = reply.status_code
    etag = reply.headers.get("etag")
    last_modified = reply.headers.get("last-modified")
    if status == 304:
        if not conditional:
            raise BadContent(f"{_short(url)} answered 304 to a plain request", url=url)
        return Response(str(reply.url), 304, None, etag, last_modified)
    if status in (404, 410):
        raise NotFound(f"not found: {_short(url)}", url=url)
    if status == 429 or status >= 500:
        error = ServerError(f"{_host(url)} failed with HTTP {status}", url=url)
        delay = _retry_after(reply.headers.get("retry-after"))
        if delay is not None and delay > policy.retry_after_cap:
            error = ServerError(
                f"{_host(url)} is busy (HTTP {status}) and asks to retry after {delay:.0f} s",
                url=url,
            )
        raise _Retry(error, delay)
    if status != 200:
        raise ServerError(f"{_host(url)} answered HTTP {status}", url=url)
    declared = reply.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > policy.max_body:
        raise TooLarge(_too_large(url, policy), url=url)
    chunks: list[bytes] = []
    size = 0
    async for chunk in reply.aiter_bytes():
        size += len(chunk)
        if size > policy.max_body:
            raise TooLarge(_too_large(url, policy), url=url)
        chunks.append(chunk)
    text, warnings = decode_text(b"".join(chunks))
    return Response(str(reply.url), 200, text, etag, last_modified, warnings)


def _too_large(url: str, policy: FetchPolicy) -> str:
    return f"{_short(url)} is larger than the {policy.max_body / MiB:g} MiB limit"
