"""The red team's twelve faults (issue 9), each against the real loopback fault server.

``MATRIX`` is the whole picture in one place: every fault, what the reader sees, and how long
they wait at most (with the tests' short policy; the shipped defaults are in the last
column's comment). Each row names the test that proves it; ``test_matrix_is_complete``
checks that every row has one.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
import tracemalloc
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.conftest import FAST_POLICY
from tests.corpus import ROOT, pages
from tests.corpus_server import (
    ConnectProxy,
    CorpusServer,
    SocksStub,
    damage_value_files,
    hold_cache_lock,
    make_certificate,
)
from tui.core.cache import (
    CACHE_TIMEOUT,
    PAGES_DIR,
    CacheBusy,
    CachedPage,
    CacheReadOnly,
    PageCache,
)
from tui.core.config import Options, check_proxy, check_proxy_env
from tui.core.errors import (
    ErrorPage,
    FetchTimeout,
    MirrorError,
    NetworkUnavailable,
    OutsideMirror,
    ProxyFailed,
    RedirectRefused,
    TooLarge,
)
from tui.core.fetch import FetchPolicy, fetch_text, make_client, ssl_context
from tui.core.kinds import PageKind
from tui.core.mirror import Origin, open_mirror
from tui.core.models import Article, Index
from tui.core.parse import parse_page, to_json
from tui.core.source import BaseURL, RemoteSource
from tui.core.urls import DEFAULT_HOME, PageRef, parse_url, resolve
from tui.core.validate import check_page, same_kind

HOME = DEFAULT_HOME
ARTICLE = pages("article")[0].ref
INDEX = HOME.with_path("indexes/p1.md")
LARGE = HOME.with_path("pages/big/1.md")


class Row(NamedTuple):
    n: int
    fault: str
    outcome: str  # what the reader sees
    bound: float  # seconds the reader waits at most, with FAST_POLICY / a 0.5 s cache bound
    test: str


MATRIX: tuple[Row, ...] = (
    Row(1, "HTML error page (or 502 text, or JSON) sent with 200",
        "'the mirror sent an error page …'; nothing cached, the good copy stays", 4.0,
        "test_f01_error_page_with_200_is_never_a_page"),
    Row(2, "damaged cache entry: .val file overwritten, bad zlib, bad JSON, missing file",
        "a miss with 'a damaged cache entry … was dropped'; the page is refetched", 1.0,
        "test_f02_damaged_entries_are_dropped_and_refetched"),
    Row(3, "another process holds the cache's write lock",
        "opens read-only ('another process holds the cache's lock'); writes CacheBusy", 1.5,
        "test_f03_locked_cache_is_bounded"),
    Row(4, "--proxy with SSL_CERT_FILE (TLS-inspecting proxy with its own CA)",
        "the page, verified against the environment's CA", 4.0,
        "test_f04_explicit_proxy_keeps_environment_ca"),
    Row(5, "'[' in the original-URL line",
        "the whole article (original URL dropped)", 1.0,
        "test_f05_bracket_in_original_url_keeps_the_article"),
    Row(6, "redirect to the same host on another port",
        "'redirected to 127.0.0.1:PORT, which is not a mirror host'; no request there", 1.0,
        "test_f06_redirect_to_another_port_is_refused"),
    Row(7, "'..', '?', '#' in owner, repo or ref (e.g. github.com/%2e%2e/…)",
        "an external link, never fetched; no request leaves the base path", 1.0,
        "test_f07_segments_never_leave_the_base_path"),
    Row(8, "oversized reply: declared, close-delimited, endless chunked, gzip bomb",
        "'larger than the … MiB limit' (TooLarge); memory stays bounded; copy kept", 4.0,
        "test_f08_oversized_replies_are_too_large_and_bounded"),
    Row(9, "read-only or full cache",
        "pages still read from it; 'the cache is read-only …; new pages are not saved'", 2.0,
        "test_f09_read_only_and_full_cache_are_still_read"),
    Row(10, "page of 20,000 links (Markdown, HTML)",
         "parsed in linear time (cap and quit are the parser's and UI's)", 8.0,
         "test_f10_many_links_parse_in_linear_time"),
    Row(11, "U+009B / U+202E in file names (ref, target)",
         "dump --json strings cleaned, ref and target included", 1.0,
         "test_f11_json_strings_are_all_cleaned"),
    Row(12, "dead/hanging/password proxy, bad ALL_PROXY, 1 MB headers, non-HTTP reply",
         "a message naming the proxy or saying what the server sent", 4.0,
         "test_f12_messages_say_what_failed"),
)  # fmt: skip


def test_matrix_is_complete() -> None:
    assert [row.n for row in MATRIX] == list(range(1, 13))
    for row in MATRIX:
        assert callable(globals().get(row.test)), row.test
        assert row.outcome and row.bound > 0


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


class Within:
    """Asserts a block ends within ``bound`` seconds (the matrix's promise)."""

    def __init__(self, bound: float) -> None:
        self.bound = bound
        self.elapsed = 0.0

    def __enter__(self) -> Within:
        self._start = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        self.elapsed = time.monotonic() - self._start
        assert self.elapsed < self.bound, f"took {self.elapsed:.2f} s, bound {self.bound} s"


def bound(n: int) -> float:
    return MATRIX[n - 1].bound


async def remote(server: CorpusServer, **kwargs: object) -> RemoteSource:
    return RemoteSource.from_base_url(server.base_url, policy=FAST_POLICY, **kwargs)


def text_of(ref: PageRef) -> str:
    return next(p for p in pages() if p.ref == ref).text()


# ----------------------------------------------------------------------------- 1


@pytest.mark.parametrize(
    ("fault", "error"),
    [("html_200", ErrorPage), ("error_text_200", ErrorPage), ("json_200", ErrorPage)],
)
async def test_f01_error_page_with_200_is_never_a_page(corpus_server, tmp_path, fault, error):
    clock = Clock()
    mirror = open_mirror(
        Options(mirror=corpus_server.base_url, cache_dir=tmp_path), policy=FAST_POLICY, clock=clock
    )
    try:
        good = await mirror.get(ARTICLE)
        clock.now += timedelta(days=31)  # the copy is due for a check
        corpus_server.set_fault(fault)
        with Within(bound(1)):
            try:
                shown = await mirror.get(ARTICLE)
            except error as exc:
                assert "error page" in str(exc) or "instead of a text page" in str(exc)
            else:  # once the facade serves the stale copy on ErrorPage (mirror.py)
                assert shown.origin is Origin.STALE and shown.text == good.text
        assert mirror.cache is not None
        kept = mirror.cache.load(ARTICLE)
        assert kept is not None and kept.text == good.text  # never overwritten
    finally:
        await mirror.aclose()


async def test_f01_source_refuses_error_pages_and_fails_over(corpus_server):
    with CorpusServer() as portal:
        portal.set_fault("html_200")
        source = RemoteSource(
            [BaseURL(portal.base_url), BaseURL(corpus_server.base_url)], policy=FAST_POLICY
        )
        try:
            response = await source.fetch(ARTICLE)
        finally:
            await source.aclose()
    assert response.text == text_of(ARTICLE)
    assert portal.count(ARTICLE) == 1  # an error page is not retried, it fails over


def test_f01_every_real_page_passes_the_page_check():
    import tui.sample
    from tui.core.kinds import kind_by_path

    for page in pages():
        if page.file.is_file():
            check_page(kind_by_path(page.ref), page.text(), "text/plain; charset=utf-8")
    sample = Path(tui.sample.__file__).parent
    for path in sample.rglob("*.md"):
        parts = path.relative_to(sample).parts
        ref = PageRef(parts[0], parts[1], parts[2], "/".join(parts[3:]))
        check_page(kind_by_path(ref), path.read_text(encoding="utf-8"), "text/markdown")


@pytest.mark.parametrize(
    ("kind", "text", "content_type"),
    [
        (PageKind.ARTICLE, "<!DOCTYPE html><html><body>login</body></html>", "text/html"),
        (PageKind.INDEX, "  <html><head><title>x</title></head></html>", None),
        (None, "502 Bad Gateway", "text/plain"),
        (None, "<h1>503 Service Unavailable</h1>", None),
        (PageKind.ARTICLE, "Please log in to continue.", None),
        (PageKind.INDEX, "nothing to see", None),
        (None, "### title\n", "image/png"),
    ],
)
def test_f01_check_page_refuses(kind, text, content_type):
    with pytest.raises(ErrorPage):
        check_page(kind, text, content_type)


def test_f01_same_kind_guards_the_home_copy():
    home = pages("home")[0]
    assert same_kind(home.ref, home.text(), home.text())
    assert not same_kind(home.ref, home.text(), "# moved\n\nsee elsewhere\n")


# ----------------------------------------------------------------------------- 2


def _big_page() -> CachedPage:
    now = datetime.now(UTC)
    # Random hex does not compress: stored by diskcache as a separate .val file.
    return CachedPage(os.urandom(40_000).hex(), now, now)


@pytest.mark.parametrize("damage", ["val_file", "bad_zlib", "bad_json", "missing_file"])
def test_f02_damaged_entries_are_dropped_and_refetched(tmp_path, damage):
    cache = PageCache(tmp_path)
    cache.store(LARGE, _big_page())
    db = sqlite3.connect(tmp_path / "cache.db")
    if damage == "val_file":
        assert damage_value_files(tmp_path)
    elif damage == "missing_file":
        for path in tmp_path.rglob("*.val"):
            path.unlink()
    else:
        value = b"\x00\xffnot zlib" if damage == "bad_zlib" else zlib.compress(b"{not json")
        db.execute("UPDATE Cache SET value = ?, filename = NULL, mode = 2", (value,))
        db.commit()
    db.close()
    warnings: list[str] = []
    with Within(bound(2)):
        assert cache.load(LARGE, warnings) is None
    if damage != "missing_file":  # diskcache itself reports a missing file as a miss
        assert warnings and "damaged cache entry" in warnings[0]
        assert LARGE not in cache  # dropped, so the next fetch replaces it
    page = _big_page()
    cache.store(LARGE, page)
    assert cache.load(LARGE) == page
    cache.close()


async def test_f02_mirror_refetches_a_damaged_page(corpus_server, tmp_path):
    options = Options(mirror=corpus_server.base_url, cache_dir=tmp_path)
    mirror = open_mirror(options, policy=FAST_POLICY)
    try:
        await mirror.get(ARTICLE)
        db = sqlite3.connect(tmp_path / PAGES_DIR / "cache.db")
        db.execute("UPDATE Cache SET value = ?, filename = NULL, mode = 2", (b"garbage",))
        db.commit()
        db.close()
        for _ in range(2):  # not "unreadable for good": refetched, then cached again
            fetched = await mirror.get(ARTICLE)
            assert fetched.text == text_of(ARTICLE)
        assert fetched.origin is Origin.CACHE and mirror.cache is not None
    finally:
        await mirror.aclose()


# ----------------------------------------------------------------------------- 3


async def test_f03_locked_cache_is_bounded(tmp_path):
    assert CACHE_TIMEOUT == 2.0
    root = tmp_path / "root"
    cache, _ = PageCache.open(root)
    assert cache is not None
    page = CachedPage("### 标题\n", datetime.now(UTC), datetime.now(UTC))
    cache.store(ARTICLE, page)
    cache.close()
    writer = PageCache(root / PAGES_DIR, timeout=0.5)
    with hold_cache_lock(root / PAGES_DIR):
        # An existing store opens for reading at once: its writer is opened for the first
        # write, and a lock held then is a CacheBusy for that write, not a read-only run.
        with Within(bound(3)):
            opened, warnings = PageCache.open(root, timeout=0.5)
        assert opened is not None and opened.writable and warnings == []
        assert opened.load(ARTICLE) == page and ARTICLE in opened
        with Within(bound(3)), pytest.raises(CacheBusy):
            opened.store(INDEX, page)
        assert opened.writable  # the next write tries again
        with Within(bound(3)), pytest.raises(CacheBusy):
            writer.store(INDEX, page)
        with Within(bound(3)), pytest.raises(CacheBusy):
            await writer.astore(INDEX, page)
        with Within(bound(3)):
            assert await writer.aload(ARTICLE) == page  # WAL readers never wait
    await writer.astore(INDEX, page)  # the lock is gone: writes work again
    assert await writer.aload(INDEX) == page
    writer.close()
    opened.store(INDEX, page)  # and the store opened under the lock writes now too
    assert opened.load(INDEX) == page
    opened.close()


async def test_f03_open_mirror_does_not_wait_for_the_lock(corpus_server, tmp_path):
    first = open_mirror(Options(mirror=corpus_server.base_url, cache_dir=tmp_path))
    first.source = await remote(corpus_server)
    await first.get(HOME)
    await first.aclose()
    with hold_cache_lock(tmp_path / PAGES_DIR), Within(CACHE_TIMEOUT + 1.5):
        second = open_mirror(
            Options(mirror=corpus_server.base_url, cache_dir=tmp_path, offline=True)
        )
        try:
            assert (await second.get(HOME)).text == text_of(HOME)
        finally:
            await second.aclose()


async def test_f03_a_stuck_read_is_cut_at_the_bound(tmp_path):
    cache = PageCache(tmp_path, timeout=0.2)
    release = asyncio.Event()
    loop = asyncio.get_running_loop()

    def stuck(ref: PageRef, warnings: list[str] | None = None) -> CachedPage | None:
        while not release.is_set():
            time.sleep(0.01)
        return None

    cache.load = stuck  # type: ignore[method-assign]  # a disk that stops answering
    with Within(0.8), pytest.raises(CacheBusy):
        await cache.aload(ARTICLE)
    loop.call_soon(release.set)
    await asyncio.sleep(0.05)
    cache.close()


# ----------------------------------------------------------------------------- 4


async def test_f04_explicit_proxy_keeps_environment_ca(tmp_path, monkeypatch):
    cert, key = make_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    assert any(c.get("subject") for c in ssl_context().get_ca_certs())
    with CorpusServer(tls=(cert, key)) as server, ConnectProxy() as proxy:
        policy = FetchPolicy(**{**FAST_POLICY._asdict(), "retries": 0})
        with Within(bound(4)):
            async with make_client(policy, proxy=proxy.url) as client:
                response = await fetch_text(
                    client, server.url_for(HOME), policy=policy, proxy=proxy.url
                )
        assert response.text == text_of(HOME)
        assert proxy.tunnels == [f"127.0.0.1:{server.port}"]
        monkeypatch.delenv("SSL_CERT_FILE")  # without the CA: refused, not silently trusted
        async with make_client(policy, proxy=proxy.url) as client:
            with pytest.raises(MirrorError, match="CERTIFICATE_VERIFY_FAILED|certificate"):
                await fetch_text(client, server.url_for(HOME), policy=policy, proxy=proxy.url)


# ----------------------------------------------------------------------------- 5


def test_f05_bracket_in_original_url_keeps_the_article():
    import re

    found = 0
    for page in pages("article"):
        text = page.text()
        m = re.search(r"原文地址（需翻墙访问）：\s*(\S+)", text)
        if not m:
            continue
        found += 1
        good = parse_page(page.ref, text)
        with Within(bound(5)):
            hurt = parse_page(page.ref, text.replace(m.group(1), "http://[www.example.com/x", 1))
        assert isinstance(good, Article) and isinstance(hurt, Article), hurt.warnings
        assert hurt.title == good.title
        assert [b.text for b in hurt.blocks] == [b.text for b in good.blocks]
        if found >= 5:
            break
    assert found


# ----------------------------------------------------------------------------- 6


async def test_f06_redirect_to_another_port_is_refused(corpus_server):
    with CorpusServer() as other:
        corpus_server.set_fault("redirect_port", port=other.port)
        source = await remote(corpus_server)
        try:
            with Within(bound(6)), pytest.raises(RedirectRefused, match=f":{other.port}"):
                await source.fetch(HOME)
        finally:
            await source.aclose()
        assert other.count() == 0


async def test_f06_validators_never_go_to_another_origin(corpus_server):
    with CorpusServer() as other:
        corpus_server.set_fault("redirect_port", port=other.port)
        async with make_client(FAST_POLICY) as client:
            response = await fetch_text(
                client,
                corpus_server.url_for(HOME),
                policy=FAST_POLICY,
                allowed_hosts={other.base_url},  # allowed, yet another origin
                etag='"secret-etag"',
                last_modified="Mon, 01 Jan 2024 00:00:00 GMT",
            )
        assert response.status == 200 and response.text == text_of(HOME)
        assert corpus_server.requests[-1].headers["if-none-match"] == '"secret-etag"'
        sent = other.requests[-1].headers
        assert "if-none-match" not in sent and "if-modified-since" not in sent


# ----------------------------------------------------------------------------- 7

HOSTILE_LINKS = [
    "https://github.com/%2e%2e/%2e%2e/blob/%2e%2e/etc/passwd.md",
    "https://github.com/begood0513/goodnews%3F/blob/master/x.md",
    "https://github.com/begood0513/goodnews/blob/ma%23ster/x.md",
    "https://raw.githubusercontent.com/%2e%2e/r/master/x.md",
    "https://cdn.jsdelivr.net/gh/o/..@master/x.md",
    "https://github.com/o/r/blob/..%2F..%2F/x.md",
    "https://github.com/o%2F..%2F../r/blob/m/x.md",
]


async def test_f07_segments_never_leave_the_base_path(corpus_server):
    for href in HOSTILE_LINKS:
        assert parse_url(href) is None, href
        target = resolve(ARTICLE, href)
        assert target is not None and target.ref is None, href  # external: never fetched
    entries = "\n\n".join(f"#### [entry {i}]({href})" for i, href in enumerate(HOSTILE_LINKS))
    index = parse_page(INDEX, entries)
    assert isinstance(index, Index) and index.entries
    assert all(entry.external for entry in index.entries)  # so prefetch skips them
    # Odd but valid names are percent-encoded and stay under the base path.
    odd = [
        HOME.with_path("pages/a?b.md"),
        HOME.with_path("pages/a#b.md"),
        HOME.with_path("pages/%2e%2e/x.md"),
        HOME.with_path("pages/空 格.md"),
        PageRef("o-1", "r.x", "feature@1", "README.md"),
    ]
    source = RemoteSource.from_base_url(corpus_server.base_url + "/base/path", policy=FAST_POLICY)
    try:
        with Within(bound(7)):
            for ref in odd:
                with pytest.raises(MirrorError):
                    await source.fetch(ref)  # 404: what matters is where it went
            with pytest.raises(OutsideMirror):
                source.bases[0].url_for(PageRef._make(("..", "..", "..", "etc/passwd")))
    finally:
        await source.aclose()
    targets = [r.target for r in corpus_server.requests]
    assert len(targets) == len(odd)
    for target in targets:
        assert target.startswith("/base/path/") and "?" not in target and "#" not in target
        assert ".." not in target.split("/")


# ----------------------------------------------------------------------------- 8


@pytest.mark.parametrize(
    ("fault", "params"),
    [
        ("oversize", {"size": 3 * 1024 * 1024, "declare_length": True}),
        ("oversize", {"size": 3 * 1024 * 1024, "declare_length": False}),
        ("endless_chunked", {}),
        ("gzip_bomb", {"size": 50 * 1024 * 1024}),
    ],
)
async def test_f08_oversized_replies_are_too_large_and_bounded(tmp_path, fault, params):
    policy = FetchPolicy(**{**FAST_POLICY._asdict(), "max_body": 1024 * 1024})
    with CorpusServer() as server:
        clock = Clock()
        mirror = open_mirror(
            Options(mirror=server.base_url, cache_dir=tmp_path), policy=policy, clock=clock
        )
        try:
            good = await mirror.get(ARTICLE)
            clock.now += timedelta(days=31)
            server.set_fault(fault, **params)
            tracemalloc.start()
            try:
                with Within(bound(8)):
                    try:
                        shown = await mirror.get(ARTICLE)
                    except TooLarge as exc:
                        assert "larger than the 1 MiB limit" in str(exc)
                    else:  # once the facade serves the stale copy on TooLarge (mirror.py)
                        assert shown.origin is Origin.STALE and shown.text == good.text
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            assert peak < 8 * 1024 * 1024, f"peak {peak / 1024 / 1024:.1f} MiB"
            assert mirror.cache is not None
            kept = mirror.cache.load(ARTICLE)
            assert kept is not None and kept.text == good.text
        finally:
            await mirror.aclose()


async def test_f08_gzip_body_within_the_limit_is_read():
    with CorpusServer() as server:
        server.set_fault("gzip_bomb", size=200_000)
        async with make_client(FAST_POLICY) as client:
            response = await fetch_text(client, server.url_for(HOME), policy=FAST_POLICY)
    assert response.text == "a" * 200_000


# ----------------------------------------------------------------------------- 9

READER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from tui.core.cache import PageCache
    from tui.core.urls import DEFAULT_HOME
    cache, warnings = PageCache.open(Path(sys.argv[1]))
    page = cache.load(DEFAULT_HOME.with_path(sys.argv[2])) if cache else None
    print(repr((cache is not None and cache.writable, page.text[:20] if page else None)))
    print(warnings)
    """
)


def _unprivileged() -> list[str] | None:
    """How to run a child that cannot write where the file modes say so."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv"):
        return ["setpriv", "--bounding-set=-all", "--inh-caps=-all"]  # root without caps
    return None


def test_f09_read_only_and_full_cache_are_still_read(tmp_path):
    root = tmp_path / "cache"
    cache, _ = PageCache.open(root)
    assert cache is not None
    now = datetime.now(UTC)
    cache.store(ARTICLE, CachedPage("### 只读也能看\n正文", now, now))
    cache.close()
    prefix = _unprivileged()
    modes = [(p, p.stat().st_mode) for p in [root, *root.rglob("*")]]
    try:
        for path, _mode in modes:
            path.chmod(0o500 if path.is_dir() else 0o400)
        if prefix is not None:
            env = {**os.environ, "PYTHONPATH": str(ROOT)}
            with Within(bound(9) + 3):  # + interpreter start-up
                out = subprocess.run(
                    [*prefix, sys.executable, "-c", READER, str(root), ARTICLE.path],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=30,
                )
            assert out.returncode == 0, out.stderr
            first, second = out.stdout.splitlines()
            assert first == repr((False, "### 只读也能看\n正文"))
            assert "read-only" in second and "not saved" in second
        else:  # root without setpriv: the same read-only reader, opened directly
            reader = PageCache.read_only(root / PAGES_DIR, "simulated read-only disk")
            assert reader.load(ARTICLE) is not None
            reader.close()
    finally:
        for path, mode in modes:
            path.chmod(mode)


def test_f09_full_cache_keeps_reading(tmp_path):
    cache = PageCache(tmp_path)
    now = datetime.now(UTC)
    page = CachedPage("### 已存\n", now, now)
    cache.store(ARTICLE, page)
    sql = cache._cache._sql  # type: ignore[union-attr]  # noqa: SLF001 - the real connection
    (count,) = sql("PRAGMA page_count").fetchone()
    sql(f"PRAGMA max_page_count = {count}")  # SQLite's real "database or disk is full"
    with pytest.raises(CacheReadOnly):
        for i in range(50):
            cache.store(HOME.with_path(f"pages/full/{i}.md"), _big_page())
    assert not cache.writable
    cache.store(INDEX, page)  # later writes are skipped quietly
    assert cache.load(ARTICLE) == page and ARTICLE in cache
    cache.close()


# ----------------------------------------------------------------------------- 10


def _best(fn, runs: int = 2) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


@pytest.mark.parametrize("form", ["markdown", "html"])
def test_f10_many_links_parse_in_linear_time(form):
    def page(n: int) -> str:
        if form == "markdown":
            return "### t\n---\n\n" + "\n".join(
                f"[l{i}](../p{i % 9}/{i}.md?t=1) " for i in range(n)
            )
        return "### t\n---\n\n<p>" + "".join(f'<ok href="../p1/{i}.md">x{i}</ok>' for i in range(n))

    small, large = page(2_500), page(20_000)
    t_small = _best(lambda: parse_page(ARTICLE, small))
    with Within(bound(10)):
        t_large = _best(lambda: parse_page(ARTICLE, large), runs=1)
    # 8x the links: linear is ~8x the time, quadratic would be ~64x.
    assert t_large < 20 * t_small + 0.5, (t_small, t_large)


# ----------------------------------------------------------------------------- 11


def test_f11_json_strings_are_all_cleaned():
    evil = "\u009b31m\u202e"
    ref = PageRef("begood0513", "goodnews", "master", f"pages/p1/a{evil}b.md")
    text = f"### t{evil}\n---\n\n[x](c{evil}d.md) [y](../../indexes/E{evil}z.md)\n\n正文。\n"
    with Within(bound(11)):
        data = to_json(parse_page(ref, text), HOME)
    index = to_json(
        parse_page(HOME.with_path(f"indexes/E{evil}.md"), f"#### [t](../pages/p{evil}/1.md)"), HOME
    )

    def strings(obj: object) -> list[str]:
        if isinstance(obj, str):
            return [obj]
        if isinstance(obj, dict):
            return [s for k, v in obj.items() for s in (k, *strings(v))]
        if isinstance(obj, list):
            return [s for v in obj for s in strings(v)]
        return []

    found = strings(data) + strings(index)
    assert any("pages/p1/a31mb.md" in s for s in found)  # the ref is there, cleaned
    for s in found:
        assert "\u009b" not in s and "\u202e" not in s, repr(s)


# ----------------------------------------------------------------------------- 12


async def test_f12_messages_say_what_failed(corpus_server, monkeypatch):
    dead = CorpusServer().start()
    dead_port = dead.port
    dead.stop()
    policy = FetchPolicy(**{**FAST_POLICY._asdict(), "retries": 0, "attempt_timeout": 1.0})
    url = corpus_server.url_for(HOME)

    async def failure(proxy: str | None) -> MirrorError:
        with Within(bound(12)):
            async with make_client(policy, proxy=proxy) as client:
                with pytest.raises(MirrorError) as info:
                    await fetch_text(client, url, policy=policy, proxy=proxy)
        return info.value

    for scheme in ("http", "socks5"):
        error = await failure(f"{scheme}://127.0.0.1:{dead_port}")
        assert isinstance(error, ProxyFailed)
        assert f"the proxy {scheme}://127.0.0.1:{dead_port} refused the connection" in str(error)
    with SocksStub("silent") as stub:
        error = await failure(stub.url)
        assert isinstance(error, FetchTimeout) and f"proxy {stub.url}" in str(error)
    with SocksStub("auth") as stub:
        error = await failure(stub.url)
        assert isinstance(error, ProxyFailed) and "user name and password" in str(error)
    with SocksStub("garbage") as stub:
        error = await failure(stub.url)
        assert isinstance(error, ProxyFailed) and "SOCKS5" in str(error)
    corpus_server.set_fault("header_flood", size=1024 * 1024)
    error = await failure(None)
    assert isinstance(error, NetworkUnavailable) and "headers larger than the limit" in str(error)
    corpus_server.set_fault("not_http")
    error = await failure(None)
    assert "HTTP" in str(error) and "broke off" not in str(error)
    # The environment's proxies are checked as --proxy is, and name the variable.
    monkeypatch.setenv("ALL_PROXY", "ftp://user:secret@proxy.example:21")
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValueError, match=r"ALL_PROXY") as bad:
        check_proxy(None)
    assert "secret" not in str(bad.value)
    with pytest.raises(ValueError, match="ALL_PROXY"):
        check_proxy_env()
    with pytest.raises(ProxyFailed, match="ALL_PROXY"):
        make_client(policy)
    with pytest.raises(ValueError, match="bad proxy"):
        check_proxy("socks4://127.0.0.1:1080")


@pytest.mark.parametrize(
    "spec", ["github:%2e%2e/r", "github:o/r@a b", "github:o/r@x..y", "github:o:1/r"]
)
def test_f07_mirror_spec_follows_the_pageref_rule(spec: str) -> None:
    from tui.core.config import parse_mirror_spec

    with pytest.raises(ValueError, match="bad mirror"):
        parse_mirror_spec(spec)
