"""A raw-layout HTTP server for benchmarks, run in its own process.

In the benchmarks' own process a server thread would take the GIL from the app being
measured (every prefetched page would slow the keys twice), which a real mirror on another
machine never does. So ``MirrorServer`` starts ``python bench/server.py`` and talks to it
over HTTP only: pages under ``<root>/<owner>/<repo>/<ref>/<path>`` with ETag and 304 answers
like GitHub's raw host, from the first of several roots that has the file (an overlay
directory in front of the generated tree lets a benchmark publish new pages without
rewriting the tree), and ``GET /_bench/stats`` with the counts of replies so far.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import socket
import subprocess
import sys
import threading
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

STATS_PATH = "/_bench/stats"


class MirrorServer:
    """The server process: ``start()`` returns once it listens on 127.0.0.1."""

    def __init__(self, *roots: Path) -> None:
        self.roots = [Path(r).resolve() for r in roots]
        self.port = 0
        self._proc: subprocess.Popen[str] | None = None

    def start(self) -> MirrorServer:
        argv = [sys.executable, str(Path(__file__).resolve()), *map(str, self.roots)]
        self._proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line.strip().isdigit():
            self.stop()
            raise RuntimeError(f"the mirror server did not start: {line!r}")
        self.port = int(line)
        return self

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stats(self) -> Counter[str]:
        """Replies so far by status ("200", "304", "404") plus "requests" in all."""
        with urllib.request.urlopen(self.base_url + STATS_PATH, timeout=5) as reply:
            return Counter(json.loads(reply.read()))

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=5)

    def __enter__(self) -> MirrorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _handler(roots: list[Path], counts: Counter[str], lock: threading.Lock) -> type:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

        def setup(self) -> None:
            super().setup()
            # Headers and body are separate writes: without this, Nagle and delayed ACKs
            # add about 40 ms to every keep-alive request.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            with lock:
                counts["requests"] += 1
                counts[str(status)] += 1
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            if path == STATS_PATH:
                with lock:
                    body = json.dumps(dict(counts)).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            data = None
            for root in roots:
                target = (root / path.lstrip("/")).resolve()
                if target.is_relative_to(root) and target.is_file():
                    data = target.read_bytes()
                    break
            if data is None:
                self._send(404, b"404: Not Found", {"Content-Type": "text/plain"})
                return
            etag = '"' + hashlib.sha1(data).hexdigest() + '"'
            asked = [t.strip() for t in self.headers.get("If-None-Match", "").split(",")]
            if etag in asked:
                self._send(304, b"", {"ETag": etag})
                return
            headers = {"Content-Type": "text/plain; charset=utf-8", "ETag": etag}
            self._send(200, data, headers)

    return Handler


def serve(roots: list[Path]) -> None:
    counts: Counter[str] = Counter()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(roots, counts, threading.Lock()))
    httpd.daemon_threads = True
    print(httpd.server_address[1], flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        httpd.serve_forever(poll_interval=0.1)


if __name__ == "__main__":
    serve([Path(arg).resolve() for arg in sys.argv[1:]])
