"""``goodnews-tui doctor``: which link of the mirror chain fails, and what to change.

A reader on a filtered network who gets the offline sample needs to know whether the name
does not resolve (DNS poisoning), the connection is reset (SNI filtering), the host
swallows packets, or the proxy is the problem. Each endpoint is probed step by step
(DNS, TCP, TLS, the HTTP status of the home page), all endpoints at once, each within
``BUDGET`` seconds, so the whole run ends within 15 s even when every endpoint hangs.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from tui.core.config import Options, SpecKind, parse_mirror_spec
from tui.core.errors import MirrorError
from tui.core.fetch import FetchPolicy, fetch_text, make_client, origin_of, proxy_for
from tui.core.kinds import kind_by_path
from tui.core.source import BaseURL
from tui.core.urls import PageRef
from tui.core.validate import check_page
from tui.i18n import _

if TYPE_CHECKING:
    import httpx

BUDGET = 12.0  # per endpoint; endpoints run side by side
STEP_LIMIT = {"dns": 3.0, "tcp": 4.0, "tls": 4.0, "http": 8.0}


@dataclass(slots=True)
class Step:
    step: str  # dns, tcp, tls, http
    ok: bool | None  # None: not run (an earlier step failed, or the proxy does it)
    ms: float | None = None
    detail: str = ""


@dataclass(slots=True)
class Probe:
    url: str
    label: str
    ok: bool = False
    status: int | None = None
    error: str | None = None
    ms: float = 0.0
    via: str | None = None  # the proxy in the way, without its password
    steps: list[Step] = field(default_factory=list)


@dataclass(slots=True)
class Diagnosis:
    home: str
    proxy: str | None
    config: str | None
    problems: list[str]
    endpoints: list[Probe]
    advice: str = ""

    @property
    def ok(self) -> bool:
        return any(p.ok for p in self.endpoints)

    def as_json(self) -> str:
        data = {
            "ok": self.ok,
            "home": self.home,
            "proxy": self.proxy,
            "config": self.config,
            "problems": self.problems,
            "advice": self.advice,
            "endpoints": [asdict(p) for p in self.endpoints],
        }
        return json.dumps(data, ensure_ascii=False, indent=2)


def _ms(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)


async def _timed(step: str, limit: float, probe: Probe, work: Callable[[], object]) -> bool:
    started = time.monotonic()
    try:
        async with asyncio.timeout(limit):
            detail = await work()  # type: ignore[misc]
    except TimeoutError:
        probe.steps.append(
            Step(step, False, _ms(started), _("no answer within {limit:g} s").format(limit=limit))
        )
        return False
    except (OSError, MirrorError) as exc:
        probe.steps.append(Step(step, False, _ms(started), _reason(step, exc)))
        return False
    probe.steps.append(Step(step, True, _ms(started), str(detail or "")))
    return True


def _reason(step: str, exc: BaseException) -> str:
    if isinstance(exc, socket.gaierror):
        return _("the name does not resolve")
    if isinstance(exc, ConnectionRefusedError):
        return _("connection refused")
    if isinstance(exc, ConnectionResetError):
        return _("connection reset") + (_(" during the TLS handshake") if step == "tls" else "")
    if isinstance(exc, MirrorError):
        return str(exc)
    import ssl

    if isinstance(exc, ssl.SSLError):
        return _("TLS failed: {value}").format(value=exc.reason or exc)
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


async def probe(
    base: BaseURL,
    home: PageRef,
    client: httpx.AsyncClient,
    *,
    proxy: str | None,
    budget: float = BUDGET,
) -> Probe:
    """Every step for one endpoint; a failed step skips the ones after it."""
    url = base.url_for(home)
    result = Probe(url=base.url, label=base.label)
    started = time.monotonic()
    deadline = started + budget
    via = proxy_for(url, proxy, trust_env=proxy is None)
    result.via = via

    def left(step: str) -> float:
        return max(0.05, min(STEP_LIMIT[step], deadline - time.monotonic()))

    origin = origin_of(url)
    assert origin is not None
    scheme, host, port = origin
    if via is not None:
        proxy_origin = origin_of(
            via.replace("socks5h://", "http://").replace("socks5://", "http://")
        )
        assert proxy_origin is not None
        _scheme, host, port = proxy_origin
    loop = asyncio.get_running_loop()
    addresses: list[tuple[int, tuple[str, int]]] = []

    async def resolve() -> str:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses.extend((info[0], info[4][:2]) for info in infos)  # type: ignore[misc]
        what = _("the proxy {host}").format(host=host) if via else host
        return f"{what} → {addresses[0][1][0]}"

    async def connect() -> str:
        family, address = addresses[0]
        _reader, writer = await asyncio.open_connection(address[0], address[1], family=family)
        writer.close()
        return f"{'proxy ' if via else ''}{address[0]}:{address[1]}"

    async def handshake() -> str:
        from tui.core.fetch import ssl_context

        _reader, writer = await asyncio.open_connection(
            host, port, ssl=ssl_context(), server_hostname=host
        )
        version = writer.get_extra_info("ssl_object").version()
        writer.close()
        return str(version)

    async def get() -> str:
        policy = FetchPolicy(
            connect_timeout=min(5.0, left("http")),
            read_timeout=left("http"),
            attempt_timeout=left("http"),
            deadline=left("http"),
            retries=0,
        )
        response = await fetch_text(client, url, policy=policy, proxy=proxy)
        result.status = response.status
        assert response.text is not None
        check_page(kind_by_path(home), response.text, response.content_type)
        return _("HTTP {status}, home page ({value} KiB)").format(
            status=response.status, value=len(response.text) // 1024
        )

    ok = await _timed("dns", left("dns"), result, resolve)
    ok = ok and await _timed("tcp", left("tcp"), result, connect)
    if scheme == "https" and via is None:
        ok = ok and await _timed("tls", left("tls"), result, handshake)
    else:
        why = _("done by the proxy") if via else _("plain HTTP")
        result.steps.append(Step("tls", None, None, why))
    if ok:
        ok = await _timed("http", left("http"), result, get)
        if not ok and result.status is None:
            result.status = _status_of(result.steps[-1].detail)
    for step in result.steps:
        if step.ok is False:
            result.error = f"{step.step.upper()}: {step.detail}"
            break
    result.ok = ok
    result.ms = _ms(started)
    return result


def _status_of(detail: str) -> int | None:
    import re

    found = re.search(r"HTTP (\d{3})", detail)
    if found:
        return int(found.group(1))
    # The catalogue keeps "not found" leading "not found: {url}" in every language.
    return 404 if detail.startswith(_("not found")) else None


async def diagnose(options: Options, *, budget: float = BUDGET) -> Diagnosis:
    """Probe the chain ``options`` describe, all endpoints side by side."""
    from tui.core.mirror import chain_for

    settings = options.settings
    spec = parse_mirror_spec(options.mirror)
    home = PageRef(spec.owner, spec.repo, spec.ref, "README.md")
    chain = chain_for(spec, options)
    client = make_client(FetchPolicy(), options.proxy)
    try:
        probes = await asyncio.gather(
            *(probe(base, home, client, proxy=options.proxy, budget=budget) for base in chain)
        )
    finally:
        await client.aclose()
    via = next((p.via for p in probes if p.via), None)
    diagnosis = Diagnosis(
        home=home.key,
        proxy=via,
        config=str(settings.path) if settings.path else None,
        problems=settings.notices,
        endpoints=list(probes),
    )
    diagnosis.advice = advise(diagnosis)
    return diagnosis


def advise(diagnosis: Diagnosis) -> str:
    """One line: the endpoint that works, or what to configure."""
    probes = diagnosis.endpoints
    where = diagnosis.config or _("the settings file")
    working = [p for p in probes if p.ok]
    if working:
        first = working[0]
        failed = [p.label for p in probes if not p.ok]
        if not failed:
            return _("every endpoint works; pages come from {label}").format(label=probes[0].label)
        return _(
            "{label} works (the app uses it and remembers it); not reachable: {failed}"
        ).format(label=first.label, failed=", ".join(failed))
    if diagnosis.proxy and all(_proxy_failed(p) for p in probes):
        return _(
            "the proxy {proxy} is not working: check that it runs, or change proxy = in {where} (or --proxy)"
        ).format(proxy=diagnosis.proxy, where=where)
    prefix = '"https://PROXY/https://raw.githubusercontent.com"'
    if all(p.steps and p.steps[0].step == "dns" and p.steps[0].ok is False for p in probes):
        cause = _("no endpoint's name resolves (DNS filtered?)")
    elif all(any(s.step in ("tcp", "tls") and s.ok is False for s in p.steps) for p in probes):
        cause = _("every connection is refused, reset or silent (filtered network?)")
    else:
        cause = _("no endpoint serves the home page")
    return _(
        '{cause}: set a proxy (proxy = "socks5h://HOST:PORT" in {where}, or --proxy), or add a prefix mirror to mirrors = [{prefix}]'
    ).format(cause=cause, where=where, prefix=prefix)


def _proxy_failed(p: Probe) -> bool:
    return p.via is not None and any(
        s.ok is False and (s.step in ("dns", "tcp") or "proxy" in s.detail) for s in p.steps
    )


def render_table(diagnosis: Diagnosis) -> str:
    """A fixed-width table, one row per endpoint, then the advice."""
    header = ("endpoint", "DNS", "TCP", "TLS", "HTTP", "time")
    rows: list[tuple[str, ...]] = []
    for p in diagnosis.endpoints:
        cells = [p.label]
        for name in ("dns", "tcp", "tls", "http"):
            step = next((s for s in p.steps if s.step == name), None)
            cells.append(_cell(step, p if name == "http" else None))
        cells.append(f"{p.ms / 1000:.1f} s")
        rows.append(tuple(cells))
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    lines = [_("home page: {home}").format(home=diagnosis.home)]
    if diagnosis.proxy:
        lines.append(_("proxy: {proxy}").format(proxy=diagnosis.proxy))
    lines.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    for p in diagnosis.endpoints:
        if p.error:
            lines.append(f"  {p.label}: {p.error}")
    lines.append(_("advice: {advice}").format(advice=diagnosis.advice))
    return "\n".join(lines)


def _cell(step: Step | None, probe_: Probe | None) -> str:
    # The table's cells stay ASCII in every language: columns are padded by len(), and a
    # wide (CJK) cell would push every column after it out of line.
    if step is None or step.ok is None:
        return "-" if step is None or "proxy" not in step.detail else "proxy"
    if step.ok:
        if probe_ is not None and probe_.status is not None:
            return f"{probe_.status} ok {step.ms:.0f} ms"  # i18n: english (see above)
        return f"ok {step.ms:.0f} ms"  # i18n: english (see above)
    if probe_ is not None and probe_.status is not None:
        return f"{probe_.status} FAIL"  # i18n: english (see above)
    return "FAIL"


def run_doctor(
    options: Options,
    *,
    as_json: bool,
    write: Callable[[str], None],
    warn: Callable[[str], None],
) -> int:
    """Exit 0 when an endpoint serves the home page, 4 when none does, 2 for a bad file."""
    for problem in options.settings.notices:
        warn(problem)
    if options.sample or parse_mirror_spec(options.mirror).kind is SpecKind.DIR:
        write(_("a local mirror needs no network: nothing to probe"))
        return 2 if options.settings.problems else 0
    diagnosis = asyncio.run(diagnose(options))
    write(diagnosis.as_json() if as_json else render_table(diagnosis))
    if options.settings.problems:
        return 2
    return 0 if diagnosis.ok else 4


__all__ = [
    "Diagnosis",
    "Probe",
    "Step",
    "advise",
    "diagnose",
    "probe",
    "render_table",
    "run_doctor",
]
