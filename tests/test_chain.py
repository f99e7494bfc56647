"""The mirror chain on a filtered network (issue 10), over real loopback servers.

Endpoints fail the ways censored networks make them fail: a name that does not resolve
(the reserved ``.invalid`` domain), a host that resets, a host that never answers, 5xx,
429, jsDelivr's 403; a clean 404 from a healthy endpoint is a real not-found. What answered
last goes first, also on the next start (a file in the state directory), and the preferred
endpoints are walked again now and then.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import FAST_POLICY
from tests.corpus import ROOT, pages
from tests.corpus_server import BadEndpoint, CorpusServer
from tui.cli import main
from tui.core.config import Options
from tui.core.errors import NotFound
from tui.core.mirror import open_mirror
from tui.core.source import ENDPOINT_FILE, BaseURL, RemoteSource, parse_base
from tui.core.urls import DEFAULT_HOME

DNS_FAILS = "http://goodnews-mirror.invalid"
POLICY = FAST_POLICY._replace(hedge_after=0.5)


def _article() -> str:
    return pages("article")[0].ref.path


def test_parse_base_knows_the_three_forms():
    raw = parse_base("https://raw.githubusercontent.com/")
    cdn = parse_base("https://fastly.jsdelivr.net/gh")
    prefix = parse_base("https://ghfast.top/https://raw.githubusercontent.com")
    ref = DEFAULT_HOME.with_path("pages/p1/1.md")
    assert raw.url_for(ref) == ref.raw_url
    assert cdn.cdn and cdn.url_for(ref).startswith("https://fastly.jsdelivr.net/gh/")
    assert cdn.may_lag and not raw.may_lag
    assert prefix.url_for(ref) == "https://ghfast.top/" + ref.raw_url
    assert prefix.label == "ghfast.top (prefix proxy for raw.githubusercontent.com)"
    for bad in ("ftp://x", "https://", "https://x/?a=1", "https://p/ftp://raw", "x"):
        with pytest.raises(ValueError):
            parse_base(bad)


@pytest.mark.parametrize("layout", ["jsdelivr", "prefix"])
async def test_user_mirror_layouts_are_fetched(layout: str):
    with CorpusServer(layout=layout).start() as server:
        source = RemoteSource((parse_base(server.mirror_url),), policy=POLICY)
        try:
            ref = pages("article")[0].ref
            response = await source.fetch(ref)
        finally:
            await source.aclose()
    assert response.text is not None and response.endpoint == server.mirror_url
    sent = server.requests[-1].target
    assert sent.startswith("/gh/") if layout == "jsdelivr" else "/https:/" in sent


@pytest.fixture
def filtered(corpus_server: CorpusServer):
    """The censored chain of issue 10: DNS fails, resets, hangs, then the corpus."""
    with BadEndpoint("reset") as reset, BadEndpoint("silent") as silent:
        yield [DNS_FAILS, reset.base_url, silent.base_url, corpus_server.base_url], reset, silent


async def test_chain_fails_over_dns_reset_and_silence(filtered, corpus_server, tmp_path):
    urls, reset, silent = filtered
    memory = tmp_path / ENDPOINT_FILE
    source = RemoteSource([BaseURL(u) for u in urls], policy=POLICY, memory=memory)
    ref = pages("article")[0].ref
    started = time.monotonic()
    try:
        response = await source.fetch(ref)
    finally:
        await source.aclose()
    elapsed = time.monotonic() - started
    assert response.endpoint == corpus_server.base_url
    assert elapsed < POLICY.hedge_after * 2 + 1  # the silent host costs the hedge, not 10 s
    assert reset.accepted >= 1 and silent.accepted >= 1
    note = " ".join(response.warnings)
    assert "goodnews-mirror.invalid" in note and f"127.0.0.1:{silent.port}" in note
    saved = json.loads(memory.read_text())["chains"]
    assert list(saved.values())[0]["endpoint"] == corpus_server.base_url

    # The next start: the remembered endpoint goes first, nothing else is touched.
    before = (reset.accepted, silent.accepted)
    again = RemoteSource([BaseURL(u) for u in urls], policy=POLICY, memory=memory)
    assert again.endpoint is not None and again.endpoint.url == corpus_server.base_url
    started = time.monotonic()
    try:
        second = await again.fetch(pages("article")[1].ref)
    finally:
        await again.aclose()
    assert time.monotonic() - started < 1.0
    assert second.endpoint == corpus_server.base_url and second.warnings == ()
    assert (reset.accepted, silent.accepted) == before


@pytest.mark.parametrize("fault", ["500", "503", "429", "403_package_size"])
async def test_server_failures_fail_over(fault: str, corpus_server):
    with CorpusServer().start() as broken:
        broken.set_fault(fault, retry_after=0)
        source = RemoteSource(
            [BaseURL(broken.base_url), BaseURL(corpus_server.base_url)], policy=POLICY
        )
        try:
            response = await source.fetch(pages("article")[0].ref)
        finally:
            await source.aclose()
        assert broken.count() >= 1
    assert response.endpoint == corpus_server.base_url


async def test_a_clean_404_is_not_found_without_failing_over(corpus_server):
    with CorpusServer().start() as second:
        source = RemoteSource(
            [BaseURL(corpus_server.base_url), BaseURL(second.base_url)], policy=POLICY
        )
        try:
            with pytest.raises(NotFound):
                await source.fetch(DEFAULT_HOME.with_path("pages/none/nothing.md"))
        finally:
            await source.aclose()
        assert second.count() == 0


async def test_preferred_endpoint_is_tried_again_now_and_then(corpus_server, tmp_path):
    now = [1000.0]
    with CorpusServer().start() as primary:
        primary.set_fault("503")
        bases = [BaseURL(primary.base_url), BaseURL(corpus_server.base_url)]
        policy = POLICY._replace(recheck_after=60.0, retries=0)
        source = RemoteSource(
            bases, policy=policy, memory=tmp_path / "e.json", clock=lambda: now[0]
        )
        refs = [p.ref for p in pages("article")[:3]]
        try:
            first = await source.fetch(refs[0])
            assert first.endpoint == corpus_server.base_url
            tried = primary.count()
            now[0] += 30  # within the interval: the primary is left alone
            await source.fetch(refs[1])
            assert primary.count() == tried
            primary.clear_faults()  # it recovers
            now[0] += 31
            third = await source.fetch(refs[2])
        finally:
            await source.aclose()
    assert third.endpoint == primary.base_url and source.endpoint == bases[0]


def _config(tmp_path: Path, urls: list[str]) -> Path:
    path = tmp_path / "config.toml"
    path.write_text("mirrors = [" + ", ".join(json.dumps(u) for u in urls) + "]\n")
    return path


def _dump(config: Path, cache: Path, page: str) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy"):
        env.pop(name, None)
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "tui", "--config", str(config), "dump", "--cache-dir",
         str(cache), "--json", page],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return result, time.monotonic() - started


def test_dump_on_a_censored_network_cold_then_remembered(filtered, corpus_server, tmp_path):
    urls, reset, silent = filtered
    config = _config(tmp_path, urls)
    cold, cold_s = _dump(config, tmp_path / "cache", _article())
    assert cold.returncode == 0, cold.stderr
    shown = json.loads(cold.stdout)
    assert shown["kind"] == "article" and shown["title"] and shown["blocks"]
    assert cold_s < 10.0
    assert f"served by 127.0.0.1:{corpus_server.port}" in cold.stderr  # provenance
    before = (reset.accepted, silent.accepted)
    warm, _warm_s = _dump(config, tmp_path / "cache", pages("article")[1].ref.path)
    assert warm.returncode == 0, warm.stderr
    assert json.loads(warm.stdout)["kind"] == "article"
    # Straight to the working one: no bad endpoint is even connected to. (How soon, "within
    # 1 s", is a target of bench/fetch.py: a whole process start here depends on the box.)
    assert (reset.accepted, silent.accepted) == before


async def test_open_mirror_uses_the_settings_chain_and_the_state_dir(corpus_server, tmp_path):
    options = Options(cache_dir=tmp_path, mirrors=(DNS_FAILS, corpus_server.base_url))
    mirror = open_mirror(options, policy=POLICY)
    try:
        fetched = await mirror.get(pages("article")[0].ref)
    finally:
        await mirror.aclose()
    assert fetched.text
    assert isinstance(mirror.source, RemoteSource)
    assert mirror.source.endpoint == BaseURL(corpus_server.base_url)
    assert mirror.source.where() == f"127.0.0.1:{corpus_server.port}"
    assert mirror.state_dir is not None and (mirror.state_dir / ENDPOINT_FILE).is_file()


def test_dump_names_the_cdn_lag(corpus_server, tmp_path, capsys):
    with CorpusServer(layout="jsdelivr").start() as cdn:
        config = _config(tmp_path, [cdn.mirror_url])
        rc = main(["dump", "--config", str(config), "--cache-dir", str(tmp_path), _article()])
    assert rc == 0
    assert "may lag the repository by hours" in capsys.readouterr().err
