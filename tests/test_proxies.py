"""Fetches through real proxies on loopback (issue 10), each route proven by the proxy's log.

``Socks5Proxy`` and ``ConnectProxy`` (tests/corpus_server.py) really relay the bytes; the
corpus server behind them serves the page. ``NO_PROXY`` sends a host past the proxy, and a
dead proxy fails within 5 s with a message naming it.
"""

from __future__ import annotations

import socket
import time

import pytest

from tests.conftest import FAST_POLICY
from tests.corpus import pages
from tests.corpus_server import ConnectProxy, CorpusServer, Socks5Proxy, make_certificate
from tui.cli import main
from tui.core.config import Options
from tui.core.errors import ProxyFailed
from tui.core.mirror import open_mirror
from tui.core.source import BaseURL, RemoteSource

PROXY_VARS = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


async def _fetch(base: str, proxy: str | None = None) -> str:
    source = RemoteSource((BaseURL(base),), policy=FAST_POLICY, proxy=proxy)
    try:
        response = await source.fetch(pages("article")[0].ref)
    finally:
        await source.aclose()
    assert response.text
    return response.url


async def test_socks5_and_socks5h_both_send_the_name_to_the_proxy(corpus_server):
    # "localhost", not 127.0.0.1, so the log shows who resolved the name. httpx's SOCKS5
    # client never resolves locally: with socks5:// too the proxy does the DNS, which is
    # what a reader behind a poisoned resolver needs (the README says so).
    base = f"http://localhost:{corpus_server.port}"
    with Socks5Proxy() as proxy:
        await _fetch(base, proxy.url)
        await _fetch(base, proxy.url.replace("socks5://", "socks5h://"))
    assert proxy.log == [("domain", "localhost", corpus_server.port)] * 2
    assert corpus_server.count() == 2


async def test_http_proxy_forwards_plain_http(corpus_server):
    with ConnectProxy() as proxy:
        await _fetch(corpus_server.base_url, proxy.url)
    assert proxy.forwarded and proxy.forwarded[0].startswith(corpus_server.base_url)
    assert corpus_server.count() == 1


async def test_http_proxy_tunnels_https(tmp_path, monkeypatch):
    cert, key = make_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    with CorpusServer(tls=(cert, key)).start() as server, ConnectProxy() as proxy:
        await _fetch(server.base_url, proxy.url)
    assert proxy.tunnels == [f"127.0.0.1:{server.port}"]


@pytest.mark.parametrize("variable", ["ALL_PROXY", "HTTP_PROXY"])
async def test_environment_proxies_are_used(variable, corpus_server, monkeypatch):
    with Socks5Proxy() as proxy:
        monkeypatch.setenv(variable, proxy.url)
        await _fetch(corpus_server.base_url)
    assert proxy.log and proxy.log[0][2] == corpus_server.port


async def test_https_proxy_variable_routes_https(tmp_path, monkeypatch):
    cert, key = make_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    with CorpusServer(tls=(cert, key)).start() as server, ConnectProxy() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        await _fetch(server.base_url)
    assert proxy.tunnels == [f"127.0.0.1:{server.port}"]


@pytest.mark.parametrize("explicit", [False, True])
async def test_no_proxy_is_honoured(explicit, corpus_server, monkeypatch):
    with Socks5Proxy() as proxy:
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        if not explicit:
            monkeypatch.setenv("ALL_PROXY", proxy.url)
        await _fetch(corpus_server.base_url, proxy.url if explicit else None)
    assert proxy.log == []
    assert corpus_server.count() == 1


def test_settings_file_proxy_routes_dump(corpus_server, tmp_path, capsys):
    with Socks5Proxy() as proxy:
        config = tmp_path / "config.toml"
        config.write_text(f'proxy = "{proxy.url}"\n')
        rc = main(
            ["--config", str(config), "dump", "--mirror", corpus_server.base_url,
             "--cache-dir", str(tmp_path / "c"), pages("article")[0].ref.path]
        )  # fmt: skip
    assert rc == 0, capsys.readouterr().err
    assert proxy.log and proxy.log[0][2] == corpus_server.port


def test_proxy_flag_wins_over_the_file(corpus_server, tmp_path, capsys):
    with Socks5Proxy() as in_file, Socks5Proxy() as flag:
        config = tmp_path / "config.toml"
        config.write_text(f'proxy = "{in_file.url}"\n')
        rc = main(
            ["dump", "--config", str(config), "--proxy", flag.url, "--mirror",
             corpus_server.base_url, "--cache-dir", str(tmp_path / "c"),
             pages("article")[0].ref.path]
        )  # fmt: skip
    assert rc == 0, capsys.readouterr().err
    assert flag.log and in_file.log == []


def _dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("scheme", ["socks5", "http"])
async def test_a_dead_proxy_fails_fast_and_is_named(scheme, corpus_server, tmp_path):
    port = _dead_port()
    proxy = f"{scheme}://127.0.0.1:{port}"
    options = Options(
        mirrors=(corpus_server.base_url, corpus_server.base_url + "/second"),
        cache_dir=tmp_path,
        proxy=proxy,
    )
    mirror = open_mirror(options)  # the default policy: the real bound
    started = time.monotonic()
    try:
        with pytest.raises(ProxyFailed) as failure:
            await mirror.get(pages("article")[0].ref)
    finally:
        await mirror.aclose()
    assert time.monotonic() - started < 5.0
    assert f"127.0.0.1:{port}" in str(failure.value)
    assert corpus_server.count() == 0
