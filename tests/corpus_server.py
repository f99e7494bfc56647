"""A real HTTP server over ``../shared/corpus`` for tests: loopback only, random port.

Serves the raw layout ``<base_url>/<owner>/<repo>/<ref>/<path>`` with ETag/Last-Modified and
304 answers to ``If-None-Match``, 404 for missing files, and switchable faults::

    server = CorpusServer().start()          # or the ``corpus_server`` pytest fixture
    server.base_url                          # "http://127.0.0.1:PORT" (raw layout)
    server.url_for(ref)                      # full URL of a PageRef
    server.set_fault("503", retry_after=1, times=1)        # all paths, once
    server.set_fault("404", path=ref)                       # one path (PageRef or raw path)
    server.clear_faults()
    server.requests                          # [Request(method, path, headers)], headers lower-case
    server.count(ref)                        # requests seen for one path
    server.stop(); server.start()            # same port again; stop also cuts open connections

Fault kinds (keyword parameters in brackets):
    "404", "500", "429", "503" [retry_after]  status with a short body
    "drip" [delay, chunk]        200, the real body ``chunk`` bytes every ``delay`` s
    "hang" [delay]               accepts, never answers for ``delay`` s (default 30)
    "reset"                      200 with full Content-Length, half the body, then TCP RST
    "oversize" [size, declare_length]   ``size`` bytes (default 6 MiB); without length = close
    "redirect_loop"              302 to itself, forever
    "redirect_foreign"           302 to http://foreign.invalid/…
    "redirect" [location]        302 to ``location`` (relative or absolute)
    "bad_utf8"                   200, the real body with invalid UTF-8 bytes spliced in
    "html_200" [body]            200 text/html, an HTML "502 Bad Gateway" page (captive portal)
    "error_text_200"             200 text/plain "502 Bad Gateway" (a broken proxy)
    "json_200"                   200 application/json
    "redirect_port" [port]       302 to the same host on another port
    "gzip_bomb" [size]           200, Content-Encoding: gzip, ``size`` bytes once inflated
    "header_flood" [size]        200 with ``size`` bytes of headers (default 1 MiB)
    "not_http"                   an SSH banner instead of an HTTP reply, then close
    "endless_chunked"            200, chunked, 64 KiB chunks until the client gives up
``times`` limits a fault to its first N matching requests (then the page is served normally).

``layout="jsdelivr"`` or ``"prefix"`` serves the same files in jsDelivr's layout or as a
gh-proxy prefix proxy (``mirror_url`` is the base to configure); ``"403_package_size"`` is
jsDelivr's 403 for a repository over its size limit.

Real proxies and filtered hosts: ``Socks5Proxy`` (SOCKS5, CONNECT, with a log),
``ConnectProxy`` (HTTP proxy: CONNECT tunnels and plain forwarding, with logs) and
``BadEndpoint`` (a host that resets every connection, or accepts and never answers).

Also here, for faults that are not the server's: ``SocksStub`` (a SOCKS5 proxy that wants
a password, never answers, or answers garbage), ``hold_cache_lock`` (another process holding
a cache's SQLite write lock) and ``damage_value_files`` (diskcache ``.val`` files overwritten
in place).
"""

from __future__ import annotations

import contextlib
import email.utils
import functools
import hashlib
import re
import socket
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self
from urllib.parse import quote, unquote, urlsplit

from tests.corpus import CORPUS
from tui.core.urls import PageRef

FAULT_KINDS = frozenset(
    {
        "404",
        "403_package_size",
        "500",
        "429",
        "503",
        "drip",
        "hang",
        "reset",
        "oversize",
        "redirect_loop",
        "redirect_foreign",
        "redirect",
        "bad_utf8",
        "html_200",
        "error_text_200",
        "json_200",
        "redirect_port",
        "gzip_bomb",
        "header_flood",
        "not_http",
        "endless_chunked",
    }
)


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str  # decoded raw-layout path, no leading slash, no query
    headers: dict[str, str]
    at: float
    target: str = ""  # the request target exactly as sent (still percent-encoded)


@dataclass(slots=True)
class Fault:
    kind: str
    times: int | None = None
    retry_after: int | str | None = None
    delay: float = 0.05
    chunk: int = 64
    size: int = 6 * 1024 * 1024
    declare_length: bool = True
    location: str | None = None
    port: int | None = None
    body: bytes | None = None


@dataclass
class CorpusServer:
    root: Path = CORPUS
    host: str = "127.0.0.1"
    port: int = 0
    tls: tuple[Path, Path] | None = None  # (certificate, key): serve HTTPS
    #: "raw" (<base>/<owner>/<repo>/<ref>/<path>), "jsdelivr" (<base>/gh/<owner>/<repo>@<ref>/
    #: <path>) or "prefix" (<base>/https://raw.githubusercontent.com/…, a gh-proxy): see
    #: ``mirror_url``.
    layout: str = "raw"
    requests: list[Request] = field(default_factory=list)
    #: Seconds each normal reply waits before it is sent (so that overlap can be seen).
    reply_delay: float = 0.0
    #: Requests being answered now, and the most there ever were at once.
    active: int = 0
    peak: int = 0
    _faults: dict[str | None, Fault] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _httpd: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _conns: set[socket.socket] = field(default_factory=set)

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> CorpusServer:
        if self._httpd is not None:
            return self
        owner = self

        class Handler(_Handler):
            server_owner = owner

        httpd = _QuietServer((self.host, self.port), Handler)
        httpd.daemon_threads = True
        if self.tls is not None:
            import ssl

            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.tls)
            httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
        self.port = httpd.server_address[1]
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        with self._lock:
            conns, self._conns = set(self._conns), set()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://{self.host}:{self.port}"

    def url_for(self, ref: PageRef) -> str:
        return f"{self.base_url}/{quote(ref.raw_path)}"

    @property
    def mirror_url(self) -> str:
        """The base URL to configure as a mirror for this server's ``layout``."""
        if self.layout == "jsdelivr":
            return f"{self.base_url}/gh"
        if self.layout == "prefix":
            return f"{self.base_url}/https://raw.githubusercontent.com"
        return self.base_url

    def raw_path(self, path: str) -> str:
        """The request path in raw layout (what faults, counts and files are keyed by)."""
        if self.layout == "jsdelivr" and path.startswith("gh/"):
            owner, repo_ref, *rest = path[3:].split("/")
            repo, _, ref = repo_ref.partition("@")
            return "/".join([owner, repo, ref, *rest])
        if self.layout == "prefix":
            found = re.match(r"https?:/+raw\.githubusercontent\.com/(.*)", path)
            if found:
                return found.group(1)
        return path

    # ------------------------------------------------------------------ faults and log
    def set_fault(self, kind: str, path: str | PageRef | None = None, **params: object) -> None:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}")
        key = path.raw_path if isinstance(path, PageRef) else path
        with self._lock:
            self._faults[key] = Fault(kind, **params)  # type: ignore[arg-type]

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def count(self, path: str | PageRef | None = None) -> int:
        key = path.raw_path if isinstance(path, PageRef) else path
        with self._lock:
            return sum(1 for r in self.requests if key is None or r.path == key)

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for key in (path, None):
                fault = self._faults.get(key)
                if fault is None:
                    continue
                if fault.times is not None:
                    if fault.times <= 0:
                        continue
                    fault.times -= 1
                return fault
        return None

    def _record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def _track(self, conn: socket.socket, alive: bool) -> None:
        with self._lock:
            (self._conns.add if alive else self._conns.discard)(conn)

    def __enter__(self) -> CorpusServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hangs up on a fault is the point of the fault, not an error


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_owner: CorpusServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet tests
        pass

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle plus delayed ACK
        # adds ~40 ms to every keep-alive request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server_owner._track(self.connection, True)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.server_owner._track(self.connection, False)

    def do_GET(self) -> None:
        owner = self.server_owner
        path = owner.raw_path(unquote(urlsplit(self.path).path).lstrip("/"))
        headers = {k.lower(): v for k, v in self.headers.items()}
        owner._record(Request("GET", path, headers, time.monotonic(), self.path))
        fault = owner._take_fault(path)
        with owner._lock:
            owner.active += 1
            owner.peak = max(owner.peak, owner.active)
        try:
            if fault is not None:
                self._fault(fault, path)
            else:
                if owner.reply_delay:
                    time.sleep(owner.reply_delay)
                self._serve(path, headers)
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True
        finally:
            with owner._lock:
                owner.active -= 1

    # ------------------------------------------------------------------ normal replies
    def _file(self, path: str) -> bytes | None:
        root = self.server_owner.root.resolve()
        target = (root / path).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return None
        return target.read_bytes()

    def _serve(self, path: str, headers: dict[str, str]) -> None:
        data = self._file(path)
        if data is None:
            self._plain(404, b"404: Not Found")
            return
        etag = '"' + hashlib.sha1(data).hexdigest() + '"'
        stamp = (self.server_owner.root / path).stat().st_mtime
        last_modified = email.utils.formatdate(stamp, usegmt=True)
        if etag in [t.strip() for t in headers.get("if-none-match", "").split(",")]:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", last_modified)
        self.end_headers()
        self.wfile.write(data)

    def _plain(self, status: int, body: bytes, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self._plain(302, b"", {"Location": location})

    # ------------------------------------------------------------------ faults
    def _fault(self, fault: Fault, path: str) -> None:
        kind = fault.kind
        body = self._file(path) or ("正文" * 2000).encode()
        if kind == "403_package_size":  # jsDelivr's answer for a repository over its limit
            self._plain(403, b"Package size exceeded the configured limit of 50 MB.")
        elif kind in ("404", "500", "429", "503"):
            extra = {}
            if fault.retry_after is not None:
                extra["Retry-After"] = str(fault.retry_after)
            self._plain(int(kind), f"{kind}: fault".encode(), extra)
        elif kind == "drip":
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for i in range(0, len(body), fault.chunk):
                self.wfile.write(body[i : i + fault.chunk])
                self.wfile.flush()
                time.sleep(fault.delay)
        elif kind == "hang":
            time.sleep(fault.delay if fault.delay > 1 else 30)
            self.close_connection = True
        elif kind == "reset":
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
        elif kind == "oversize":
            self.send_response(200)
            if fault.declare_length:
                self.send_header("Content-Length", str(fault.size))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            block = b"a" * 65536
            sent = 0
            while sent < fault.size:
                n = min(len(block), fault.size - sent)
                self.wfile.write(block[:n])
                sent += n
        elif kind == "redirect_loop":
            self._redirect(f"/{quote(path)}")
        elif kind == "redirect_foreign":
            self._redirect(f"http://foreign.invalid/{quote(path)}")
        elif kind == "redirect":
            self._redirect(fault.location or "/")
        elif kind == "bad_utf8":
            cut = len(body) // 2
            self._plain(200, body[:cut] + b"\xff\xfe\xc3(" + body[cut:])
        elif kind == "html_200":
            self._typed(200, fault.body or ERROR_HTML, "text/html; charset=utf-8")
        elif kind == "error_text_200":
            self._plain(200, fault.body or b"502 Bad Gateway\n")
        elif kind == "json_200":
            self._typed(200, b'{"message": "rate limited"}', "application/json")
        elif kind == "redirect_port":
            self._redirect(f"http://{self.server_owner.host}:{fault.port}/{quote(path)}")
        elif kind == "gzip_bomb":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Encoding", "gzip")
            bomb = gzip_bomb(fault.size)
            self.send_header("Content-Length", str(len(bomb)))
            self.end_headers()
            self.wfile.write(bomb)
        elif kind == "header_flood":
            self.send_response(200)
            line = "x" * 1000
            for i in range(max(1, fault.size // 1024)):
                self.send_header(f"X-Flood-{i}", line)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif kind == "endless_chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"%x\r\n%s\r\n" % (65536, b"a" * 65536)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                self.wfile.write(chunk)
            self.close_connection = True
        elif kind == "not_http":
            self.wfile.write(b"SSH-2.0-OpenSSH_9.6\r\n")
            self.wfile.flush()
            self.close_connection = True

    def _typed(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


#: What a captive portal or a broken proxy sends with status 200.
ERROR_HTML = (
    b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
    b"<body><h1>502 Bad Gateway</h1><p>The proxy could not reach the server.</p></body></html>\n"
)


@functools.cache
def gzip_bomb(size: int) -> bytes:
    """``size`` bytes of ``a``, gzip-compressed in 1 MiB steps (about 1 KiB per MiB)."""
    out = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"a" * (1024 * 1024)
    parts = [
        out.compress(block[: min(len(block), size - sent)]) for sent in range(0, size, len(block))
    ]
    parts.append(out.flush())
    return b"".join(parts)


# ---------------------------------------------------------------------- SOCKS5 stub


class _Listener:
    """A loopback TCP listener on a random port, run in a daemon thread: the shape every
    fake proxy and endpoint here shares. ``_accepted(conn)`` is what each does with a
    connection; connections kept in ``_held`` are closed on stop."""

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def start(self) -> Self:
        self._thread.start()
        return self

    def __enter__(self) -> Self:
        return self.start()

    def stop(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._sock.close()
        for conn in self._held:
            with contextlib.suppress(OSError):
                conn.close()
        self._thread.join(timeout=2)

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _serve(self) -> None:
        self._sock.settimeout(0.05)
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            self._accepted(conn)

    def _accepted(self, conn: socket.socket) -> None:
        raise NotImplementedError


class SocksStub(_Listener):
    """A loopback SOCKS5 "proxy" that fails the way real ones do.

    ``mode``: ``"auth"`` wants a user name and password (answers NO ACCEPTABLE METHODS),
    ``"silent"`` accepts and never answers, ``"garbage"`` closes without a reply.
    """

    def __init__(self, mode: str) -> None:
        if mode not in ("auth", "silent", "garbage"):
            raise ValueError(mode)
        super().__init__()
        self.mode = mode

    @property
    def url(self) -> str:
        return f"socks5://127.0.0.1:{self.port}"

    def _accepted(self, conn: socket.socket) -> None:
        self._held.append(conn)
        with contextlib.suppress(OSError):
            conn.settimeout(1)
            conn.recv(64)  # the client's greeting
            if self.mode == "auth":
                conn.sendall(b"\x05\xff")
            elif self.mode == "garbage":
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
                conn.close()


# ---------------------------------------------------------------------- CONNECT proxy


class ConnectProxy(_Listener):
    """A loopback HTTP proxy: tunnels ``CONNECT`` (HTTPS) and forwards plain ``GET http://``.

    Its log: ``tunnels`` (``host:port`` of each CONNECT), ``forwarded`` (each absolute URL).
    """

    def __init__(self) -> None:
        super().__init__()
        self.tunnels: list[str] = []
        self.forwarded: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accepted(self, conn: socket.socket) -> None:
        threading.Thread(target=self._tunnel, args=(conn,), daemon=True).start()

    def _tunnel(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError), conn:
            conn.settimeout(5)
            head = b""
            while b"\r\n\r\n" not in head and len(head) < 65536:
                data = conn.recv(4096)
                if not data:
                    return
                head += data
            method, target, *_ = head.split(b"\r\n", 1)[0].decode().split()
            if method != "CONNECT":
                self._forward(conn, head, method, target)
                return
            self.tunnels.append(target)
            host, _, port = target.rpartition(":")
            with socket.create_connection((host, int(port)), timeout=5) as upstream:
                conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                pump = threading.Thread(target=_pipe, args=(upstream, conn), daemon=True)
                pump.start()
                _pipe(conn, upstream)
                pump.join(timeout=5)

    def _forward(self, conn: socket.socket, head: bytes, method: str, target: str) -> None:
        """A plain-HTTP request in absolute form (``GET http://host/…``), forwarded once."""
        parts = urlsplit(target)
        if method != "GET" or parts.scheme != "http" or not parts.hostname:
            conn.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        self.forwarded.append(target)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        rest = head.split(b"\r\n", 1)[1]
        kept = [
            line
            for line in rest.split(b"\r\n")
            if line and not line.lower().startswith((b"proxy-", b"connection:"))
        ]
        request = f"GET {path} HTTP/1.1\r\n".encode() + b"\r\n".join(kept)
        request += b"\r\nConnection: close\r\n\r\n"
        with socket.create_connection((parts.hostname, parts.port or 80), timeout=5) as up:
            up.sendall(request)
            _pipe(up, conn)


class Socks5Proxy(_Listener):
    """A real SOCKS5 proxy on loopback (no authentication, CONNECT only), with a log.

    ``log`` records each tunnel as ``(address type, host, port)``: ``"domain"`` means the
    client sent the name (socks5h), ``"ipv4"``/``"ipv6"`` that it resolved it itself.
    """

    def __init__(self) -> None:
        super().__init__()
        self.log: list[tuple[str, str, int]] = []

    @property
    def url(self) -> str:
        return f"socks5://127.0.0.1:{self.port}"

    def _accepted(self, conn: socket.socket) -> None:
        threading.Thread(target=self._tunnel, args=(conn,), daemon=True).start()

    def _tunnel(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError, ValueError), conn:
            conn.settimeout(5)
            version, count = _recv_exact(conn, 2)
            methods = _recv_exact(conn, count)
            if version != 5 or 0 not in methods:
                conn.sendall(b"\x05\xff")
                return
            conn.sendall(b"\x05\x00")
            _ver, command, _rsv, atyp = _recv_exact(conn, 4)
            if atyp == 1:
                host, kind = socket.inet_ntop(socket.AF_INET, _recv_exact(conn, 4)), "ipv4"
            elif atyp == 4:
                host, kind = socket.inet_ntop(socket.AF_INET6, _recv_exact(conn, 16)), "ipv6"
            else:
                (length,) = _recv_exact(conn, 1)
                host, kind = _recv_exact(conn, length).decode("idna"), "domain"
            (port,) = struct.unpack("!H", _recv_exact(conn, 2))
            self.log.append((kind, host, port))
            if command != 1:
                conn.sendall(b"\x05\x07\x00\x01" + bytes(6))
                return
            try:
                upstream = socket.create_connection((host, port), timeout=5)
            except OSError:
                conn.sendall(b"\x05\x04\x00\x01" + bytes(6))  # host unreachable
                return
            with upstream:
                conn.sendall(b"\x05\x00\x00\x01" + bytes(6))
                conn.settimeout(None)
                pump = threading.Thread(target=_pipe, args=(upstream, conn), daemon=True)
                pump.start()
                _pipe(conn, upstream)
                pump.join(timeout=5)


def _recv_exact(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise ValueError("the client closed the connection")
        data += chunk
    return data


class BadEndpoint(_Listener):
    """A loopback host that fails the way filtered networks make hosts fail.

    ``"reset"``: accepts, then resets the connection at once (an SNI/RST filter);
    ``"silent"``: accepts and never answers (packets swallowed after the handshake).
    ``accepted`` counts connections, so a test can tell an endpoint was (not) tried.
    """

    def __init__(self, mode: str) -> None:
        if mode not in ("reset", "silent"):
            raise ValueError(mode)
        super().__init__()
        self.mode = mode
        self.accepted = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accepted(self, conn: socket.socket) -> None:
        self.accepted += 1
        if self.mode == "reset":
            with contextlib.suppress(OSError):
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.recv(1024)  # the request arrives, then the reset
                conn.close()
        else:
            self._held.append(conn)


def _pipe(src: socket.socket, dst: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := src.recv(65536):
            dst.sendall(data)
    with contextlib.suppress(OSError):
        dst.shutdown(socket.SHUT_WR)


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (a private CA, as TLS-inspecting proxies use)."""
    cert, key = directory / "ca.pem", directory / "ca.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


# ---------------------------------------------------------------------- cache faults

HOLD_LOCK = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.read()
"""


@contextlib.contextmanager
def hold_cache_lock(directory: Path) -> Iterator[None]:
    """Another process holds ``directory``'s SQLite write lock until the block ends."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(directory / "cache.db")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        yield
    finally:
        proc.kill()
        proc.wait(timeout=5)


def damage_value_files(directory: Path, data: bytes = b"\x00garbage" * 64) -> list[Path]:
    """Overwrite every diskcache value file (large entries) in place; returns them."""
    files = sorted(directory.rglob("*.val"))
    for path in files:
        path.write_bytes(data)
    return files
