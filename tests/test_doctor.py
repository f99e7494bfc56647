"""``goodnews-tui doctor`` over loopback endpoints that fail as filtered networks make them."""

from __future__ import annotations

import json
import socket
import time

import pytest

from tests.corpus_server import BadEndpoint, CorpusServer, Socks5Proxy
from tui.cli import EXIT_FAILURE, EXIT_OK, main


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def _config(tmp_path, urls, proxy=None):
    path = tmp_path / "config.toml"
    lines = ["mirrors = [" + ", ".join(json.dumps(u) for u in urls) + "]"]
    if proxy:
        lines.append(f"proxy = {json.dumps(proxy)}")
    path.write_text("\n".join(lines) + "\n")
    return path


def _doctor(capsys, *args):
    started = time.monotonic()
    rc = main(["doctor", *args])
    return rc, capsys.readouterr(), time.monotonic() - started


def test_doctor_reports_each_failure_of_a_censored_chain(corpus_server, tmp_path, capsys):
    with BadEndpoint("reset") as reset, BadEndpoint("silent") as silent:
        urls = ["http://goodnews-mirror.invalid", reset.base_url, silent.base_url,
                corpus_server.base_url]  # fmt: skip
        config = _config(tmp_path, urls)
        rc, out, seconds = _doctor(capsys, "--config", str(config), "--json")
    assert rc == EXIT_OK and seconds < 15
    report = json.loads(out.out)
    assert report["ok"] is True
    dns, resets, hangs, works = report["endpoints"]
    assert dns["steps"][0] == {**dns["steps"][0], "step": "dns", "ok": False}
    assert "does not resolve" in dns["error"]
    assert [s["ok"] for s in resets["steps"]][:2] == [True, True]  # resolves, connects
    assert resets["error"].startswith("HTTP:") and "connection" in resets["error"]
    assert hangs["error"].startswith("HTTP:") and "answer" in hangs["error"]
    assert works["ok"] and works["status"] == 200 and works["error"] is None
    assert f"127.0.0.1:{corpus_server.port} works" in report["advice"]


def test_doctor_table_and_advice_when_nothing_works(tmp_path, capsys):
    with BadEndpoint("reset") as reset:
        config = _config(tmp_path, ["http://goodnews-mirror.invalid", reset.base_url])
        rc, out, _ = _doctor(capsys, "--config", str(config))
    assert rc == EXIT_FAILURE
    lines = out.out.splitlines()
    assert lines[1].split() == ["endpoint", "DNS", "TCP", "TLS", "HTTP", "time"]
    assert any(line.startswith("goodnews-mirror.invalid") and "FAIL" in line for line in lines)
    advice = lines[-1]
    assert advice.startswith("advice: ") and "proxy" in advice and "prefix mirror" in advice


def test_doctor_finishes_within_15_s_when_every_endpoint_hangs(tmp_path, capsys):
    with BadEndpoint("silent") as one, BadEndpoint("silent") as two:
        config = _config(tmp_path, [one.base_url, two.base_url])
        rc, out, seconds = _doctor(capsys, "--config", str(config), "--json")
    assert rc == EXIT_FAILURE and seconds < 15
    report = json.loads(out.out)
    assert all("answer" in e["error"] for e in report["endpoints"])


def test_doctor_goes_through_the_proxy(corpus_server, tmp_path, capsys):
    with Socks5Proxy() as proxy:
        config = _config(tmp_path, [corpus_server.base_url], proxy=proxy.url)
        rc, out, _ = _doctor(capsys, "--config", str(config), "--json")
    report = json.loads(out.out)
    assert rc == EXIT_OK and report["proxy"] == proxy.url
    assert proxy.log and proxy.log[-1][2] == corpus_server.port
    tls = next(s for s in report["endpoints"][0]["steps"] if s["step"] == "tls")
    assert tls["ok"] is None and "proxy" in tls["detail"]


def test_doctor_names_a_dead_proxy(corpus_server, tmp_path, capsys):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proxy = f"socks5://127.0.0.1:{port}"
    config = _config(tmp_path, [corpus_server.base_url], proxy=proxy)
    rc, out, _ = _doctor(capsys, "--config", str(config))
    assert rc == EXIT_FAILURE
    assert f"advice: the proxy {proxy} is not working" in out.out
    assert corpus_server.count() == 0


@pytest.mark.corpus  # the HTTPS server serves the corpus: the home page must be there
def test_doctor_on_https_reports_tls(tmp_path, capsys, monkeypatch):
    from tests.corpus_server import make_certificate

    cert, key = make_certificate(tmp_path)
    with CorpusServer(tls=(cert, key)).start() as server:
        config = _config(tmp_path, [server.base_url])
        rc, out, _ = _doctor(capsys, "--config", str(config), "--json")
        assert rc == EXIT_FAILURE  # the private CA is not trusted
        tls = json.loads(out.out)["endpoints"][0]["steps"][2]
        assert tls["step"] == "tls" and tls["ok"] is False
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        rc, out, _ = _doctor(capsys, "--config", str(config), "--json")
    assert rc == EXIT_OK
    assert json.loads(out.out)["endpoints"][0]["steps"][2]["ok"] is True
