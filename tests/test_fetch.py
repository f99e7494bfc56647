"""fetch_text against a real loopback server: every page, every fault, bounded in time."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.corpus import pages
from tests.corpus_server import CorpusServer
from tui.core.errors import (
    BadContent,
    FetchTimeout,
    NetworkUnavailable,
    NotFound,
    RedirectRefused,
    ServerError,
    TooLarge,
)
from tui.core.fetch import USER_AGENT, FetchPolicy, decode_text, fetch_text, make_client
from tui.core.urls import DEFAULT_HOME

HOME = DEFAULT_HOME
ARTICLE = pages("article")[0].ref


@pytest.fixture
async def client(fast_policy: FetchPolicy):
    async with make_client(fast_policy) as c:
        yield c


async def test_every_corpus_page_is_byte_identical(corpus_server, client, fast_policy):
    for page in pages():
        response = await fetch_text(client, corpus_server.url_for(page.ref), policy=fast_policy)
        assert response.status == 200
        assert response.text == page.file.read_bytes().decode("utf-8"), page.ref
        assert response.warnings == ()
        assert response.etag


async def test_missing_manifest_rows_are_not_found(corpus_server, client, fast_policy):
    missing = pages("missing")
    assert missing
    for page in missing:
        with pytest.raises(NotFound) as info:
            await fetch_text(client, corpus_server.url_for(page.ref), policy=fast_policy)
        assert info.value.exit_code == 3
        assert "\n" not in str(info.value)


async def test_user_agent_names_app_and_version(corpus_server, client, fast_policy):
    await fetch_text(client, corpus_server.url_for(HOME), policy=fast_policy)
    assert corpus_server.requests[-1].headers["user-agent"] == USER_AGENT
    assert USER_AGENT.startswith("goodnews-tui/")


async def test_conditional_request_gets_304(corpus_server, client, fast_policy):
    url = corpus_server.url_for(HOME)
    first = await fetch_text(client, url, policy=fast_policy)
    again = await fetch_text(
        client, url, policy=fast_policy, etag=first.etag, last_modified=first.last_modified
    )
    assert again.not_modified and again.text is None
    sent = corpus_server.requests[-1].headers
    assert sent["if-none-match"] == first.etag
    assert sent["if-modified-since"] == first.last_modified


@pytest.mark.parametrize("status", ["500", "503", "429"])
async def test_server_errors_are_retried_then_typed(corpus_server, client, status):
    policy = FetchPolicy(retries=2, backoff_base=0.01, backoff_cap=0.02)
    corpus_server.set_fault(status)
    started = time.monotonic()
    with pytest.raises(ServerError):
        await fetch_text(client, corpus_server.url_for(HOME), policy=policy)
    assert time.monotonic() - started < 2
    assert corpus_server.count(HOME) == 3  # first try + 2 retries


async def test_transient_503_recovers_after_retry(corpus_server, client, fast_policy):
    corpus_server.set_fault("503", times=2)
    response = await fetch_text(client, corpus_server.url_for(HOME), policy=fast_policy)
    assert response.status == 200
    assert corpus_server.count(HOME) == 3


async def test_retry_after_is_honoured(corpus_server, client, fast_policy):
    corpus_server.set_fault("503", retry_after=1, times=1)
    started = time.monotonic()
    response = await fetch_text(client, corpus_server.url_for(HOME), policy=fast_policy)
    waited = time.monotonic() - started
    assert response.status == 200
    assert 0.9 <= waited < 3


async def test_retry_after_beyond_cap_gives_up_at_once(corpus_server, client, fast_policy):
    corpus_server.set_fault("503", retry_after=3600)
    started = time.monotonic()
    with pytest.raises(ServerError, match="retry after 3600"):
        await fetch_text(client, corpus_server.url_for(HOME), policy=fast_policy)
    assert time.monotonic() - started < 1
    assert corpus_server.count(HOME) == 1


async def test_slow_drip_times_out(corpus_server, client):
    policy = FetchPolicy(read_timeout=1, attempt_timeout=0.6, deadline=2, retries=0)
    corpus_server.set_fault("drip", delay=0.05, chunk=16)
    started = time.monotonic()
    with pytest.raises(FetchTimeout):
        await fetch_text(client, corpus_server.url_for(ARTICLE), policy=policy)
    assert time.monotonic() - started < 1.5


async def test_silent_server_times_out(corpus_server, client):
    policy = FetchPolicy(read_timeout=0.3, attempt_timeout=5, deadline=5, retries=0)
    corpus_server.set_fault("hang", delay=5)
    started = time.monotonic()
    with pytest.raises(FetchTimeout):
        await fetch_text(client, corpus_server.url_for(HOME), policy=policy)
    assert time.monotonic() - started < 1.5


async def test_reset_mid_body_is_a_network_error(corpus_server, client, fast_policy):
    corpus_server.set_fault("reset")
    with pytest.raises(NetworkUnavailable, match="broke off"):
        await fetch_text(client, corpus_server.url_for(ARTICLE), policy=fast_policy)


@pytest.mark.parametrize("declare_length", [True, False])
async def test_oversize_body_is_refused_while_streaming(corpus_server, client, declare_length):
    policy = FetchPolicy(max_body=256 * 1024, retries=0)
    corpus_server.set_fault("oversize", size=2 * 1024 * 1024, declare_length=declare_length)
    with pytest.raises(TooLarge):
        await fetch_text(client, corpus_server.url_for(HOME), policy=policy)


async def test_default_limit_is_5_mib(corpus_server, client):
    corpus_server.set_fault("oversize", size=5 * 1024 * 1024 + 1, declare_length=False)
    with pytest.raises(TooLarge, match="5 MiB"):
        await fetch_text(client, corpus_server.url_for(HOME), policy=FetchPolicy(retries=0))


async def test_redirect_loop_is_cut_after_five(corpus_server, client, fast_policy):
    corpus_server.set_fault("redirect_loop")
    with pytest.raises(RedirectRefused, match="more than 5"):
        await fetch_text(client, corpus_server.url_for(HOME), policy=fast_policy)
    assert corpus_server.count(HOME) == 6


async def test_redirect_to_foreign_host_is_refused(corpus_server, client, fast_policy):
    corpus_server.set_fault("redirect_foreign")
    with pytest.raises(RedirectRefused, match="foreign.invalid"):
        await fetch_text(client, corpus_server.url_for(HOME), policy=fast_policy)
    assert corpus_server.count(HOME) == 1


async def test_redirect_within_the_mirror_is_followed(corpus_server, client, fast_policy):
    corpus_server.set_fault("redirect", path=ARTICLE, location="/" + HOME.raw_path)
    response = await fetch_text(client, corpus_server.url_for(ARTICLE), policy=fast_policy)
    assert response.text == pages("home")[0].text()


async def test_invalid_utf8_becomes_replacement_and_warning(corpus_server, client, fast_policy):
    corpus_server.set_fault("bad_utf8")
    response = await fetch_text(client, corpus_server.url_for(ARTICLE), policy=fast_policy)
    assert response.text is not None and "\ufffd" in response.text
    assert response.warnings and "undecodable" in response.warnings[0]


async def test_bom_is_stripped(tmp_path: Path, fast_policy):
    (tmp_path / "o" / "r" / "m").mkdir(parents=True)
    (tmp_path / "o" / "r" / "m" / "README.md").write_bytes(b"\xef\xbb\xbf### title\n")
    with CorpusServer(root=tmp_path) as server:
        async with make_client(fast_policy) as c:
            response = await fetch_text(c, f"{server.base_url}/o/r/m/README.md", policy=fast_policy)
    assert response.text == "### title\n"


async def test_refused_connection_is_retried_then_typed(client):
    server = CorpusServer().start()
    url = server.url_for(HOME)
    server.stop()
    policy = FetchPolicy(retries=2, backoff_base=0.01, backoff_cap=0.02)
    started = time.monotonic()
    with pytest.raises(NetworkUnavailable) as info:
        await fetch_text(client, url, policy=policy)
    assert time.monotonic() - started < 2
    assert info.value.exit_code == 4


def test_decode_text_rules():
    assert decode_text("标题".encode()) == ("标题", ())
    text, warnings = decode_text(b"ok \xe6\xa0 end")
    assert text.startswith("ok ") and "\ufffd" in text and len(warnings) == 1
    with pytest.raises(BadContent):
        decode_text(b"PNG\0\0\0binary")


async def test_explicit_proxy_carries_the_request(corpus_server, fast_policy):
    # The loopback server answers absolute-form requests, so it can play an HTTP proxy:
    # the host in the URL is never resolved, proving the request went through the proxy.
    async with make_client(fast_policy, proxy=corpus_server.base_url) as c:
        url = "http://mirror.invalid/" + HOME.raw_path
        response = await fetch_text(c, url, policy=fast_policy)
    assert response.text == pages("home")[0].text()
    assert corpus_server.count(HOME) == 1


async def test_proxy_from_environment(corpus_server, fast_policy, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", corpus_server.base_url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    async with make_client(fast_policy) as c:
        response = await fetch_text(c, "http://mirror.invalid/" + HOME.raw_path, policy=fast_policy)
    assert response.status == 200 and corpus_server.count(HOME) == 1


async def test_dead_socks5_proxy_is_a_network_error():
    dead = CorpusServer().start()
    port = dead.port
    dead.stop()
    policy = FetchPolicy(retries=0, connect_timeout=1)
    async with make_client(policy, proxy=f"socks5://127.0.0.1:{port}") as c:
        assert isinstance(c, httpx.AsyncClient)
        with pytest.raises(NetworkUnavailable):
            await fetch_text(c, "http://mirror.invalid/README.md", policy=policy)
