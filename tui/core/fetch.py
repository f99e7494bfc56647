"""HTTP for the mirror: one shared ``httpx.AsyncClient`` and one careful ``fetch_text``.

Everything that can go wrong on the wire ends here in a typed ``MirrorError`` whose message
a reader can act on. Limits are enforced while streaming (a 5 GiB reply must not be read to
find out it is too big), redirects are followed by hand so that only mirror hosts are ever
contacted, and every wait (connect, body, retries) is bounded so the UI never hangs.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
import zlib
from collections.abc import Collection, Iterator, Mapping
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
    ProxyFailed,
    RedirectRefused,
    ServerError,
    TooLarge,
)
from tui.core.urls import MIRROR_HOSTS
from tui.i18n import _

if TYPE_CHECKING:  # httpx is imported on first use: pages from disk never need it
    import ssl

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
    hedge_after: float = 2.0  # a chain starts its next endpoint beside a silent one
    recheck_after: float = 600.0  # then walks its own order again (a recovered endpoint)


class Response(NamedTuple):
    """A successful reply: 200 with text, or 304 (``text is None``) for a revalidation."""

    url: str
    status: int
    text: str | None
    etag: str | None = None
    last_modified: str | None = None
    warnings: tuple[str, ...] = ()
    content_type: str | None = None
    endpoint: str | None = None  # the chain's base URL that answered (set by the source)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def _timeout(policy: FetchPolicy) -> httpx.Timeout:
    import httpx

    return httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout)


def ssl_context() -> ssl.SSLContext:
    """Certificate checks that honour ``SSL_CERT_FILE``/``SSL_CERT_DIR`` in every mode.

    httpx reads them only with ``trust_env``, which an explicit ``--proxy`` turns off; a
    reader behind a TLS-inspecting proxy with its own CA needs them most in that case.
    """
    import ssl

    cafile = os.environ.get("SSL_CERT_FILE") or None
    capath = os.environ.get("SSL_CERT_DIR") or None
    if cafile or capath:
        return ssl.create_default_context(cafile=cafile, capath=capath)
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def make_client(policy: FetchPolicy | None = None, proxy: str | None = None) -> httpx.AsyncClient:
    """The one client a mirror shares for all its requests (connection reuse, one pool).

    Proxies come from the environment (``HTTPS_PROXY``, ``ALL_PROXY``, ``NO_PROXY``) unless an
    explicit ``proxy`` (http, https, socks5, socks5h) is given, which wins. A malformed
    proxy in the environment is a ``ProxyFailed`` naming the variable, as ``--proxy`` is.
    """
    import httpx

    from tui.core.config import check_proxy_env

    if proxy is None:
        try:
            check_proxy_env()
        except ValueError as exc:
            raise ProxyFailed(str(exc)) from None
    policy = policy or FetchPolicy()
    return httpx.AsyncClient(
        mounts=no_proxy_mounts() if proxy else None,
        timeout=_timeout(policy),
        limits=httpx.Limits(
            max_connections=policy.max_connections,
            max_keepalive_connections=policy.max_keepalive,
        ),
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},  # i18n: not shown
        follow_redirects=False,
        proxy=proxy,
        trust_env=proxy is None,
        verify=ssl_context(),
    )


def _no_proxy_entries(environ: Mapping[str, str] | None = None) -> list[str]:
    env = os.environ if environ is None else environ
    value = env.get("NO_PROXY") or env.get("no_proxy") or ""
    return [h.strip() for h in value.split(",") if h.strip()]


def no_proxy_mounts(environ: Mapping[str, str] | None = None) -> dict[str, None]:
    """``NO_PROXY`` for an explicit proxy (httpx reads it only from the environment's).

    A reader who sets ``--proxy`` or ``proxy =`` still expects hosts listed in
    ``NO_PROXY`` to be reached directly, as curl does; ``None`` is httpx's "no proxy" mount.
    """
    mounts: dict[str, None] = {}
    for host in _no_proxy_entries(environ):
        if host == "*":
            return {"all://": None}
        if "://" in host:
            mounts[host] = None
        elif ":" in host and not host.startswith("["):  # a bare IPv6 address
            mounts[f"all://[{host}]"] = None
        elif host.replace(".", "").isdigit() or host == "localhost":
            mounts[f"all://{host}"] = None
        else:
            host = host.lstrip("*").lstrip(".")
            mounts[f"all://{host}"] = None
            mounts[f"all://*.{host}"] = None
    return mounts


def bypasses_proxy(url: str, environ: Mapping[str, str] | None = None) -> bool:
    """Whether ``NO_PROXY`` sends ``url`` past the proxy (messages and ``doctor``)."""
    import urllib.request

    host = _host(url)
    bypass = getattr(urllib.request, "proxy_bypass_environment", None)  # not in typeshed
    entries = _no_proxy_entries(environ)
    if not host or bypass is None or not entries:
        return False
    return bool(bypass(host, {"no": ",".join(entries)}))


def proxy_for(url: str, explicit: str | None = None, *, trust_env: bool = True) -> str | None:
    """The proxy a request to ``url`` goes through, shown without its password.

    Only for messages: when a proxy is in the way, "the mirror does not answer" sends the
    reader to check the wrong thing.
    """
    proxy = explicit
    if proxy is not None and bypasses_proxy(url):
        return None
    if proxy is None and trust_env:
        import urllib.request

        found = urllib.request.getproxies_environment()
        parts = urlsplit(url)
        bypass = getattr(urllib.request, "proxy_bypass_environment", None)  # not in typeshed
        if parts.hostname and bypass is not None and bypass(parts.hostname, found):
            return None
        proxy = found.get(parts.scheme) or found.get("all")
    if not proxy:
        return None
    if "://" not in proxy:
        proxy = "http://" + proxy
    try:
        parts = urlsplit(proxy)
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return proxy.split("@")[-1]
    return f"{parts.scheme}://{parts.hostname}{port}"


Origin = tuple[str, str, int]
_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> Origin | None:
    """``(scheme, host, port)``: what a redirect is allowed by, not the host alone."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


def allowed_origins(entries: Collection[str]) -> frozenset[Origin]:
    """Origins from bare host names (HTTPS on 443, the mirror hosts) or full base URLs."""
    out: set[Origin] = set()
    for entry in entries:
        origin = origin_of(entry if "://" in entry else f"https://{entry}")
        if origin is not None:
            out.add(origin)
    return frozenset(out)


def decode_text(data: bytes, what: str = "page") -> tuple[str, tuple[str, ...]]:
    """UTF-8 with the BOM stripped; bad bytes become U+FFFD plus a warning, never a crash."""
    if b"\0" in data:
        raise BadContent(_("the {what} is binary data, not a text page").format(what=what))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
        return text, (
            _("the {what} has {bad} undecodable byte(s), shown as �").format(what=what, bad=bad),
        )


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
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _netloc(url: str) -> str:
    """Host, and the port when it is not the scheme's default: what a reader needs to tell."""
    origin = origin_of(url)
    if origin is None:
        return _host(url) or url
    scheme, host, port = origin
    return host if port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"


def _short(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    return f"{parts.hostname}{parts.path}" if parts.hostname else url


class _Retry(Exception):
    """Internal: this attempt failed in a way worth retrying after ``delay`` seconds."""

    def __init__(self, error: MirrorError, delay: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.delay = delay


class _Via:
    """``proxy_for(url, ...)``, asked for on first use (``str(via)``; false when none)."""

    __slots__ = ("_args", "_found")

    def __init__(self, url: str, proxy: str | None, trust_env: bool) -> None:
        self._args = (url, proxy, trust_env)
        self._found: str | None | bool = False

    def get(self) -> str | None:
        if self._found is False:
            url, proxy, trust_env = self._args
            self._found = proxy_for(url, proxy, trust_env=trust_env)
        return self._found  # type: ignore[return-value]

    def __bool__(self) -> bool:
        return self.get() is not None

    def __str__(self) -> str:
        return self.get() or ""


async def fetch_text(
    client: httpx.AsyncClient,
    url: str,
    *,
    policy: FetchPolicy | None = None,
    allowed_hosts: Collection[str] = MIRROR_HOSTS,
    etag: str | None = None,
    last_modified: str | None = None,
    proxy: str | None = None,
) -> Response:
    """GET ``url`` as text under every rule of ``policy``; raises ``MirrorError`` subclasses.

    ``allowed_hosts`` are where redirects may lead: bare host names mean HTTPS on port 443
    (the mirror hosts), full URLs their own scheme, host and port; the starting URL's
    origin is always allowed. ``etag``/``last_modified`` make the request conditional (a
    304 comes back as a ``Response`` with ``text=None``); they are never sent to another
    origin. ``proxy`` is the explicit proxy, named in proxy failures (the environment's
    is found on its own).
    """
    policy = policy or FetchPolicy()
    start = origin_of(url)
    origins = set(allowed_origins(allowed_hosts))
    if start is not None:
        origins.add(start)
    # Which proxy is in the way matters only to a failure's message: worked out then, not
    # on every request (it reads the whole environment: a quarter of a millisecond).
    via = _Via(url, proxy, getattr(client, "trust_env", True))
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
                    return await _attempt(client, url, policy, origins, headers, via)
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
            _("{url} did not answer{through} within {deadline:g} s").format(
                url=_short(url), through=_through(via), deadline=policy.deadline
            ),
            url=url,
        ) from None


async def _attempt(
    client: httpx.AsyncClient,
    url: str,
    policy: FetchPolicy,
    origins: set[Origin],
    headers: dict[str, str],
    via: _Via,
) -> Response:
    import httpx

    current = url
    start = origin_of(url)
    try:
        async with asyncio.timeout(policy.attempt_timeout):
            for _hop in range(policy.max_redirects + 1):
                # Validators belong to the starting origin's copy: another origin must not
                # learn them, and its 304 would not be about our copy anyway.
                sent = headers if origin_of(current) == start else {}
                async with client.stream(
                    "GET", current, headers=sent, timeout=_timeout(policy)
                ) as reply:
                    if reply.status_code in REDIRECT_STATUSES:
                        location = reply.headers.get("location")
                        if not location:
                            raise BadContent(
                                _("{current} redirected nowhere").format(current=_short(current)),
                                url=url,
                            )
                        try:
                            target = urljoin(current, location)
                        except ValueError:
                            target = location
                        if origin_of(target) not in origins:
                            raise RedirectRefused(
                                _(
                                    "{current} redirected to {target}, which is not a mirror host"
                                ).format(current=_short(current), target=_netloc(target)),
                                url=url,
                            )
                        current = target
                        continue
                    if via and reply.status_code == 407:
                        raise ProxyFailed(
                            _("the proxy {via} wants a user name and password (HTTP 407)").format(
                                via=via
                            ),
                            url=url,
                        )
                    return await _read(reply, url, policy, conditional=bool(sent))
            raise RedirectRefused(
                _("{url} redirected more than {max_redirects} times").format(
                    url=_short(url), max_redirects=policy.max_redirects
                ),
                url=url,
            )
    except TimeoutError:
        if via:
            raise FetchTimeout(
                _(
                    "no answer through the proxy {via} within {attempt_timeout:g} s (the proxy or {url} is not answering)"
                ).format(via=via, attempt_timeout=policy.attempt_timeout, url=_netloc(url)),
                url=url,
            ) from None
        raise FetchTimeout(
            _("{url} was too slow: no complete reply within {attempt_timeout:g} s").format(
                url=_short(url), attempt_timeout=policy.attempt_timeout
            ),
            url=url,
        ) from None
    except httpx.ConnectTimeout:
        # Not retried here: a host that swallows packets would cost connect_timeout per try;
        # the source fails over to its next base instead.
        if via:
            raise ProxyFailed(
                _("the proxy {via} did not answer (connect timed out)").format(via=via), url=url
            ) from None
        raise FetchTimeout(
            _("could not connect to {url}: timed out").format(url=_netloc(url)), url=url
        ) from None
    except httpx.ProxyError as exc:
        raise ProxyFailed(_proxy_reason(str(via) or _("in use"), str(exc)), url=url) from None
    except httpx.ConnectError as exc:
        if "CERTIFICATE" in str(exc) or "SSL" in str(exc):
            raise NetworkUnavailable(
                _(
                    "the certificate of {url}{through} could not be verified ({exc}); a private CA can be given with SSL_CERT_FILE or SSL_CERT_DIR"
                ).format(url=_netloc(url), through=_through(via), exc=exc),
                url=url,
            ) from None
        if _is_dns_failure(exc) and not via:
            # A name that does not resolve (or is poisoned away) will not in 0.3 s either.
            raise NetworkUnavailable(
                _("the name {url} does not resolve (DNS failure)").format(url=_host(url)), url=url
            ) from None
        if via:
            error: MirrorError = ProxyFailed(
                _("the proxy {via} refused the connection").format(via=via), url=url
            )
        else:
            reason = str(exc) or _("connection failed")
            error = NetworkUnavailable(
                _("could not connect to {url}: {reason}").format(url=_netloc(url), reason=reason),
                url=url,
            )
        raise _Retry(error) from None
    except httpx.TimeoutException:
        raise FetchTimeout(
            _("{url} stopped answering{through} (read timed out)").format(
                url=_short(url), through=_through(via)
            ),
            url=url,
        ) from None
    except httpx.RemoteProtocolError as exc:
        raise NetworkUnavailable(_protocol_reason(url, str(exc), _through(via)), url=url) from None
    except (httpx.ReadError, httpx.WriteError):
        raise NetworkUnavailable(
            _("the connection to {url}{through} broke off before the page was complete").format(
                url=_netloc(url), through=_through(via)
            ),
            url=url,
        ) from None
    except httpx.DecodingError:
        raise BadContent(
            _("{url} sent a body that could not be decompressed").format(url=_short(url)), url=url
        ) from None
    except httpx.HTTPError as exc:
        raise NetworkUnavailable(
            _("request to {url} failed: {exc}").format(url=_netloc(url), exc=exc), url=url
        ) from None
    except Exception as exc:
        # socksio raises its own ProtocolError ("Malformed reply") past httpx's mapping.
        if via and type(exc).__module__.startswith("socksio"):
            raise ProxyFailed(_proxy_reason(str(via), str(exc)), url=url) from None
        raise


def _is_dns_failure(exc: BaseException) -> bool:
    import socket

    seen: BaseException | None = exc
    for _attempt in range(6):
        if seen is None:
            break
        if isinstance(seen, socket.gaierror):
            return True
        seen = seen.__cause__ or seen.__context__
    text = str(exc).lower()
    return (
        "name or service not known" in text
        or "nodename nor servname" in text
        or ("getaddrinfo" in text)
    )


def _through(via: _Via) -> str:
    return _(" through the proxy {via}").format(via=via) if via else ""


def _proxy_reason(via: str, detail: str) -> str:
    lower = detail.lower()
    if "no acceptable" in lower or "username" in lower or "407" in lower:
        return _("the proxy {via} wants a user name and password").format(via=via)
    if "malformed" in lower:
        return _(
            "the proxy {via} did not answer as a SOCKS5 proxy (it may want a user name and password)"
        ).format(via=via)
    if "could not connect" in lower:
        why = detail.rsplit(":", 1)[-1].strip(" .") or "refused"
        return _("the proxy {via} could not reach the mirror ({why})").format(via=via, why=why)
    return _("the proxy {via} failed: {detail}").format(via=via, detail=detail)


def _protocol_reason(url: str, detail: str, through: str) -> str:
    lower = detail.lower()
    host = _netloc(url)
    if "too long" in lower or "too large" in lower or "buffer" in lower:
        return _("{host}{through} sent headers larger than the limit").format(
            host=host, through=through
        )
    if "illegal status line" in lower or "invalid" in lower or "malformed" in lower:
        return _("{host}{through} did not answer in HTTP").format(host=host, through=through)
    if "message body" in lower or "incomplete" in lower:
        return _("the connection to {host}{through} broke off before the page was complete").format(
            host=host, through=through
        )
    if "without sending" in lower or "disconnected" in lower:
        return _("{host}{through} closed the connection without answering in HTTP").format(
            host=host, through=through
        )
    return _("the connection to {host}{through} broke off before the page was complete").format(
        host=host, through=through
    )


async def _read(
    reply: httpx.Response, url: str, policy: FetchPolicy, *, conditional: bool
) -> Response:
    status = reply.status_code
    etag = reply.headers.get("etag")
    last_modified = reply.headers.get("last-modified")
    if status == 304:
        if not conditional:
            raise BadContent(
                _("{url} answered 304 to a plain request").format(url=_short(url)), url=url
            )
        return Response(str(reply.url), 304, None, etag, last_modified)
    if status in (404, 410):
        raise NotFound(_("not found: {url}").format(url=_short(url)), url=url)
    if status == 429 or status >= 500:
        error = ServerError(
            _("{url} failed with HTTP {status}").format(url=_host(url), status=status), url=url
        )
        delay = _retry_after(reply.headers.get("retry-after"))
        if delay is not None and delay > policy.retry_after_cap:
            error = ServerError(
                _("{url} is busy (HTTP {status}) and asks to retry after {delay:.0f} s").format(
                    url=_host(url), status=status, delay=delay
                ),
                url=url,
            )
        raise _Retry(error, delay)
    if status != 200:
        raise ServerError(
            _("{url} answered HTTP {status}").format(url=_host(url), status=status), url=url
        )
    declared = reply.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > policy.max_body:
        raise TooLarge(_too_large(url, policy), url=url)
    inflate = _Inflater(reply.headers.get("content-encoding"), url)
    chunks: list[bytes] = []
    size = 0
    # Raw bytes, inflated here with a bound on the output: httpx would inflate a whole
    # network chunk at once, and 64 KiB of a gzip bomb is 64 MiB of zeros.
    async for raw in reply.aiter_raw():
        for chunk in inflate.feed(raw, policy.max_body - size + 1):
            size += len(chunk)
            if size > policy.max_body:
                raise TooLarge(_too_large(url, policy), url=url)
            chunks.append(chunk)
    for chunk in inflate.flush(policy.max_body - size + 1):
        size += len(chunk)
        if size > policy.max_body:
            raise TooLarge(_too_large(url, policy), url=url)
        chunks.append(chunk)
    text, warnings = decode_text(b"".join(chunks))
    content_type = reply.headers.get("content-type")
    return Response(str(reply.url), 200, text, etag, last_modified, warnings, content_type)


class _Inflater:
    """``Content-Encoding`` undone in bounded steps: never more than ``limit`` bytes at once."""

    def __init__(self, encoding: str | None, url: str) -> None:
        name = (encoding or "identity").strip().lower()
        self.url = url
        self._raw_deflate = False
        if name in ("", "identity"):
            self._z = None
        elif name in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif name == "deflate":
            self._z = zlib.decompressobj()
            self._raw_deflate = True  # some servers send raw deflate without the header
        else:
            raise BadContent(
                _("{url} sent an unsupported encoding {name}").format(
                    url=_short(url), name=repr(name)
                ),
                url=url,
            )
        self._first = True

    def feed(self, data: bytes, limit: int) -> Iterator[bytes]:
        if self._z is None:
            yield data
            return
        if self._first and data:
            self._first = False
            if self._raw_deflate and data[0] & 0x0F != 8:
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            out = self._z.decompress(data, max(limit, 1))
            yield out
            while self._z.unconsumed_tail:
                if len(out) >= limit:
                    # Over the limit already: the caller raises TooLarge on this chunk.
                    return
                out = self._z.decompress(self._z.unconsumed_tail, max(limit, 1))
                yield out
        except zlib.error:
            raise BadContent(
                _("{url} sent a body that could not be decompressed").format(url=_short(self.url)),
                url=self.url,
            ) from None

    def flush(self, limit: int) -> Iterator[bytes]:
        if self._z is None:
            return
        try:
            yield self._z.flush()[: max(limit, 1)]
        except zlib.error:
            raise BadContent(
                _("{url} sent a body that could not be decompressed").format(url=_short(self.url)),
                url=self.url,
            ) from None


def _too_large(url: str, policy: FetchPolicy) -> str:
    return _("{url} is larger than the {value:g} MiB limit").format(
        url=_short(url), value=policy.max_body / MiB
    )
