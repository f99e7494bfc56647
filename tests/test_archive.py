"""``sync --archive`` (issue 11) against real servers on 127.0.0.1: a git repository built
from the bundled sample served by ``git daemon`` (``uploadpack.allowFilter``), and a tarball
served over HTTP, including hostile members. Pages end up in the archive folder, the page
cache (readable offline) and the library (searchable)."""

from __future__ import annotations

import asyncio
import hashlib
import io
import shutil
import socket
import subprocess
import tarfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import FAST_POLICY
from tests.dirnames import check_named
from tui.core import archive
from tui.core.archive import (
    PENDING_FILE,
    archive_dir,
    extract_pages,
    git_update,
    read_pending,
    sync_archive,
    tarball_update,
    walk_pages,
)
from tui.core.config import Options
from tui.core.errors import MirrorError
from tui.core.library import LIBRARY_FILE, Library
from tui.core.mirror import open_mirror
from tui.core.search import search
from tui.core.urls import PageRef

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_REPO = ROOT / "tui" / "sample" / "goodnews-sample" / "goodnews" / "master"
HOME = PageRef("begood0513", "goodnews", "master", "README.md")
GIT = [
    "git",
    "-c",
    "user.email=t@example.invalid",
    "-c",
    "user.name=t",
    "-c",
    "init.defaultBranch=master",
]

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def sample_articles() -> set[str]:
    return {p for p in walk_pages(SAMPLE_REPO) if p.startswith("pages/")}


def run(args: list[str], cwd: Path) -> None:
    subprocess.run(args, cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture
def git_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A bare repository of the sample (plus a file that is not Markdown) behind
    ``git daemon`` on a free loopback port; yields (URL, work tree to commit from)."""
    work = tmp_path / "work"
    shutil.copytree(SAMPLE_REPO, work)
    (work / "video.bin").write_bytes(b"\0" * 4096)
    run([*GIT, "init", "-q"], work)
    run([*GIT, "add", "-A"], work)
    run([*GIT, "commit", "-qm", "sample"], work)
    served = tmp_path / "served"
    served.mkdir()
    run([*GIT, "clone", "-q", "--bare", str(work), str(served / "goodnews.git")], tmp_path)
    run(["git", "config", "uploadpack.allowFilter", "true"], served / "goodnews.git")
    run(["git", "config", "uploadpack.allowAnySHA1InWant", "true"], served / "goodnews.git")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    daemon = subprocess.Popen(
        [
            "git",
            "daemon",
            "--reuseaddr",
            "--export-all",
            "--listen=127.0.0.1",
            f"--port={port}",
            f"--base-path={served}",
            str(served),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or daemon.poll() is not None:
                    pytest.skip("git daemon could not be started")
                time.sleep(0.05)
        yield f"git://127.0.0.1:{port}/goodnews.git", work
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)


def archive_sync(tmp_path: Path, url: str, offline: bool = False, **kw: object):  # type: ignore[no-untyped-def]
    options = Options(mirror="http://127.0.0.1:9", cache_dir=tmp_path / "cache", offline=offline)
    mirror = open_mirror(options)
    library = Library(tmp_path / "cache" / "state" / LIBRARY_FILE)

    async def go():  # type: ignore[no-untyped-def]
        try:
            return await sync_archive(
                mirror, library, options, url=url, root=tmp_path / "data", workers=1, **kw
            )
        finally:
            await mirror.aclose()

    return asyncio.run(go()), library


@needs_git
def test_a_sparse_shallow_clone_then_an_incremental_update(
    git_server: tuple[str, Path], tmp_path: Path
) -> None:
    url, work = git_server
    report, lib = archive_sync(tmp_path, url)
    assert report.fatal is None, report.fatal
    folder = archive_dir(HOME, tmp_path / "data")
    # Only Markdown was checked out, from one commit, with blobs fetched on demand.
    assert not (folder / "video.bin").exists() and (folder / "README.md").is_file()
    git = ["git", "-C", str(folder)]
    assert (
        subprocess.run(
            [*git, "rev-parse", "--is-shallow-repository"], capture_output=True, text=True
        ).stdout.strip()
        == "true"
    )
    assert (
        subprocess.run(
            [*git, "config", "remote.origin.partialclonefilter"], capture_output=True, text=True
        ).stdout.strip()
        == "blob:none"
    )
    articles = sample_articles()
    assert report.new == len(articles) and report.failures == []
    assert lib.known_keys(HOME.with_path(p).key for p in articles) == {
        HOME.with_path(p).key for p in articles
    }
    # Articles whose pages give only a directory code are recorded under the name their
    # index gives it.
    assert check_named(lib, SAMPLE_REPO, HOME) >= 4
    lib.close()

    # The pages read offline from the cache, like fetched pages.
    offline = open_mirror(
        Options(mirror="http://127.0.0.1:9", cache_dir=tmp_path / "cache", offline=True)
    )
    page = sorted(articles)[0]
    fetched = asyncio.run(offline.get(HOME.with_path(page)))
    assert fetched.text == (SAMPLE_REPO / page).read_text(encoding="utf-8")

    # One article changes upstream: the next sync takes that one only.
    changed = sorted(articles)[1]
    text = (work / changed).read_text(encoding="utf-8")
    (work / changed).write_text(text.replace("</p>", "独有词汇测试</p>", 1), encoding="utf-8")
    run([*GIT, "commit", "-qam", "one change"], work)
    run(["git", "push", "-q", str(tmp_path / "served" / "goodnews.git"), "master"], work)
    again, lib = archive_sync(tmp_path, url)
    assert (again.new, again.updated) == (0, 1) and again.unchanged == len(articles) - 1
    found = search(lib, "独有词汇测试")
    assert [r.ref.path for r in found.results] == [changed]
    nothing, lib2 = archive_sync(tmp_path, url)
    assert nothing.new == nothing.updated == 0
    lib.close()
    lib2.close()

    # An article of a directory its page names only by code changes, and no index does:
    # the update still records it under the name the (unchanged) index gives.
    coded = sorted(p for p in articles if p.startswith("pages/p1/"))[0]
    text = (work / coded).read_text(encoding="utf-8")
    (work / coded).write_text(text.replace("</p>", "目录名词测试</p>", 1), encoding="utf-8")
    run([*GIT, "commit", "-qam", "a coded article changes"], work)
    run(["git", "push", "-q", str(tmp_path / "served" / "goodnews.git"), "master"], work)
    third, lib3 = archive_sync(tmp_path, url)
    assert (third.new, third.updated) == (0, 1)
    assert [r.category for r in search(lib3, "目录名词测试").results] == ["看大陆"]
    assert check_named(lib3, SAMPLE_REPO, HOME) >= 4
    lib3.close()


def make_tarball(members: list[tuple[str, bytes | None, str]]) -> bytes:
    """A gzip tarball: (name, data, kind) with kind "file", "symlink" or "dir"."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data, kind in members:
            info = tarfile.TarInfo(name)
            if kind == "symlink":
                info.type = tarfile.SYMTYPE
                info.linkname = "/etc/passwd"
                archive.addfile(info)
            elif kind == "dir":
                info.type = tarfile.DIRTYPE
                archive.addfile(info)
            else:
                assert data is not None
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def sample_tarball(extra: list[tuple[str, bytes | None, str]] | None = None) -> bytes:
    members: list[tuple[str, bytes | None, str]] = [("goodnews-master", None, "dir")]
    for path in walk_pages(SAMPLE_REPO):
        members.append((f"goodnews-master/{path}", (SAMPLE_REPO / path).read_bytes(), "file"))
    members.append(("goodnews-master/video.bin", b"\0" * 4096, "file"))
    return make_tarball(members + (extra or []))


def edited_tarball(path: str, word: str) -> bytes:
    """The sample's tarball with ``word`` added to the first paragraph of ``path``."""
    text = (SAMPLE_REPO / path).read_text(encoding="utf-8")
    edited = text.replace("</p>", f"{word}</p>", 1).encode()
    return sample_tarball([(f"goodnews-master/{path}", edited, "file")])


class TarballServer:
    """Serves one tarball at /o/r/tar.gz/master with an ETag and 304s; counts requests."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.replies: list[int] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                etag = '"' + hashlib.sha1(owner.data).hexdigest() + '"'
                if self.headers.get("If-None-Match") == etag:
                    owner.replies.append(304)
                    self.send_response(304)
                    self.end_headers()
                    return
                owner.replies.append(200)
                self.send_response(200)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(owner.data)))
                self.end_headers()
                self.wfile.write(owner.data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/o/r/tar.gz/master"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_the_tarball_is_streamed_and_only_safe_markdown_is_written(tmp_path: Path) -> None:
    hostile = [
        ("goodnews-master/../../escape.md", b"x", "file"),
        ("/abs/olute.md", b"x", "file"),
        ("goodnews-master/pages/link.md", None, "symlink"),
        ("goodnews-master/pages/a\\b.md", b"x", "file"),
    ]
    server = TarballServer(sample_tarball(hostile))
    try:
        report, lib = archive_sync(tmp_path, server.url, use_git=False)
        assert report.fatal is None, report.fatal
        folder = archive_dir(HOME, tmp_path / "data")
        written = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
        assert written - {".tarball-etag"} == set(walk_pages(SAMPLE_REPO))
        assert not list(tmp_path.rglob("escape.md")) and not (folder / "video.bin").exists()
        assert report.new == len(sample_articles())
        lib.close()
        again, lib = archive_sync(tmp_path, server.url, use_git=False)
        assert server.replies == [200, 304]  # unchanged: the ETag answers
        assert again.new == again.updated == 0
        lib.close()
    finally:
        server.close()


def test_a_damaged_tarball_is_a_failure_not_a_crash(tmp_path: Path) -> None:
    data = sample_tarball()
    server = TarballServer(data[: len(data) // 2])
    try:
        report, lib = archive_sync(tmp_path, server.url, use_git=False)
        assert report.fatal and "tarball" in report.fatal
        lib.close()
    finally:
        server.close()
    with pytest.raises(Exception, match="damaged"):
        extract_pages(io.BytesIO(b"not a tarball"), tmp_path / "x")


def test_a_local_mirror_is_its_own_archive(tmp_path: Path) -> None:
    options = Options(sample=True, cache_dir=tmp_path)
    mirror = open_mirror(options)
    lib = Library(None)

    async def go():  # type: ignore[no-untyped-def]
        return await sync_archive(mirror, lib, options, workers=1)

    report = asyncio.run(go())
    assert report.fatal is None and report.new == len(sample_articles())
    assert check_named(lib, SAMPLE_REPO, mirror.home) >= 4
    assert not (tmp_path / "data").exists()


def test_the_repository_urls_follow_the_mirror_and_a_prefix_proxy() -> None:
    from tui.core.archive import default_urls

    home = PageRef("begood0513", "goodnews", "master", "README.md")
    git, tar = default_urls(Options(), home)
    assert git == "https://github.com/begood0513/goodnews.git"
    assert tar and tar.startswith("https://codeload.github.com/begood0513/goodnews/")
    proxied = Options(mirrors=("https://gh.example.invalid/https://raw.githubusercontent.com",))
    git, tar = default_urls(proxied, home)
    assert git == "https://gh.example.invalid/https://github.com/begood0513/goodnews.git"
    assert tar and tar.startswith("https://gh.example.invalid/https://codeload.github.com/")
    assert default_urls(Options(mirror="http://127.0.0.1:9"), home) == (None, None)


# -- an update stopped before its pages were recorded, offline, a moved URL, stale clones ----


def change_one_article(work: Path, served: Path, word: str) -> str:
    """Commit a change to one article in ``work`` and push it to the bare repository
    ``served``; returns the article's path."""
    changed = sorted(sample_articles())[1]
    text = (work / changed).read_text(encoding="utf-8")
    (work / changed).write_text(text.replace("</p>", f"{word}</p>", 1), encoding="utf-8")
    run([*GIT, "commit", "-qam", word], work)
    run(["git", "push", "-q", str(served), "master"], work)
    return changed


@needs_git
def test_a_git_update_stopped_before_recording_is_recorded_by_the_next_sync(
    git_server: tuple[str, Path], tmp_path: Path
) -> None:
    url, work = git_server
    folder = archive_dir(HOME, tmp_path / "data")
    # A first clone stopped right after it was put in place: everything is still to do.
    assert git_update(url, folder, "master") is None
    assert read_pending(folder) is None
    report, lib = archive_sync(tmp_path, url)
    assert report.fatal is None, report.fatal
    assert report.new == len(sample_articles()) and report.lists > 0
    assert not (folder / PENDING_FILE).exists()
    lib.close()
    # An update stopped after its checkout: the next sync sees nothing new upstream, but
    # records the changed article all the same.
    changed = change_one_article(work, tmp_path / "served" / "goodnews.git", "中断更新测试")
    assert git_update(url, folder, "master") == [changed]
    again, lib = archive_sync(tmp_path, url)
    assert again.fatal is None, again.fatal
    assert (again.new, again.updated) == (0, 1)
    assert [r.ref.path for r in search(lib, "中断更新测试").results] == [changed]
    assert not (folder / PENDING_FILE).exists()
    lib.close()


def test_a_tarball_update_stopped_before_recording_is_recorded_by_the_next_sync(
    tmp_path: Path,
) -> None:
    server = TarballServer(sample_tarball())
    try:
        report, lib = archive_sync(tmp_path, server.url, use_git=False)
        assert report.fatal is None, report.fatal
        lib.close()
        folder = archive_dir(HOME, tmp_path / "data")
        changed = sorted(sample_articles())[1]
        server.data = edited_tarball(changed, "中断解包测试")
        assert tarball_update(server.url, folder) == [changed]  # and then stopped
        again, lib = archive_sync(tmp_path, server.url, use_git=False)
        assert server.replies == [200, 200, 304]
        assert (again.new, again.updated) == (0, 1)
        assert [r.ref.path for r in search(lib, "中断解包测试").results] == [changed]
        assert not (folder / PENDING_FILE).exists()
        lib.close()
    finally:
        server.close()


def test_a_first_tarball_extraction_marks_every_page_pending(tmp_path: Path) -> None:
    target = tmp_path / "new"
    extract_pages(io.BytesIO(sample_tarball()), target)
    assert read_pending(target) is None
    again = tmp_path / "again"
    shutil.copytree(target, again)
    (again / PENDING_FILE).unlink()
    assert extract_pages(io.BytesIO(sample_tarball()), again) == []
    assert not (again / PENDING_FILE).exists()


def test_offline_the_archive_is_recorded_from_its_folder_or_refused(tmp_path: Path) -> None:
    server = TarballServer(sample_tarball())
    try:
        refused, lib = archive_sync(tmp_path, server.url, use_git=False, offline=True)
        assert refused.fatal and "--offline" in refused.fatal
        assert server.replies == [] and not archive_dir(HOME, tmp_path / "data").exists()
        lib.close()
        report, lib = archive_sync(tmp_path, server.url, use_git=False)
        assert report.fatal is None and server.replies == [200]
        lib.close()
        # Stopped after an update: offline, the pending page is recorded, nothing fetched.
        folder = archive_dir(HOME, tmp_path / "data")
        changed = sorted(sample_articles())[2]
        server.data = edited_tarball(changed, "离线档案测试")
        assert tarball_update(server.url, folder) == [changed]
        server.data = sample_tarball([("goodnews-master/pages/never.md", b"# x\n", "file")])
        offline, lib = archive_sync(tmp_path, server.url, use_git=False, offline=True)
        assert offline.fatal is None, offline.fatal
        assert server.replies == [200, 200]  # no request offline
        assert (offline.new, offline.updated) == (0, 1)
        assert [r.ref.path for r in search(lib, "离线档案测试").results] == [changed]
        lib.close()
    finally:
        server.close()


@needs_git
def test_offline_a_git_archive_is_not_cloned(git_server: tuple[str, Path], tmp_path: Path) -> None:
    url, _work = git_server
    refused, lib = archive_sync(tmp_path, url, offline=True)
    assert refused.fatal and "--offline" in refused.fatal
    assert not (tmp_path / "data").exists()
    lib.close()


@needs_git
def test_an_update_follows_a_changed_archive_url(
    git_server: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, work = git_server
    served = tmp_path / "served"
    run(
        [*GIT, "clone", "-q", "--bare", str(served / "goodnews.git"), str(served / "moved.git")],
        tmp_path,
    )
    for key in ("uploadpack.allowFilter", "uploadpack.allowAnySHA1InWant"):
        run(["git", "config", key, "true"], served / "moved.git")
    report, lib = archive_sync(tmp_path, url)
    assert report.fatal is None, report.fatal
    lib.close()
    moved = url.replace("/goodnews.git", "/moved.git")
    changed = change_one_article(work, served / "moved.git", "新地址测试")  # there only
    calls: list[tuple[str, str | None, list[str]]] = []
    real = archive._git

    def spy(args: list[str], *, cwd: Path | None = None, proxy: str | None = None) -> str:
        calls.append((args[0] if args[0] != "-c" else args[2], proxy, args))
        return real(args, cwd=cwd, proxy=proxy)

    monkeypatch.setattr(archive, "_git", spy)
    proxy = "http://127.0.0.1:9"  # git:// ignores http.proxy; its passing is what is checked
    folder = archive_dir(HOME, tmp_path / "data")
    assert git_update(moved, folder, "master", proxy=proxy) == [changed]
    origin = subprocess.run(
        ["git", "-C", str(folder), "remote", "get-url", "origin"], capture_output=True, text=True
    )
    assert origin.stdout.strip() == moved
    by_name = {name: (p, args) for name, p, args in calls}
    assert {name for name, p, _args in calls if p == proxy} >= {"fetch", "diff", "checkout"}
    assert "--no-renames" in by_name["diff"][1]
    again, lib = archive_sync(tmp_path, moved)
    assert (again.new, again.updated) == (0, 1)
    assert [r.ref.path for r in search(lib, "新地址测试").results] == [changed]
    lib.close()


@needs_git
def test_a_first_clone_removes_the_partial_folders_of_dead_runs(
    git_server: tuple[str, Path], tmp_path: Path
) -> None:
    url, _work = git_server
    folder = archive_dir(HOME, tmp_path / "data")
    folder.parent.mkdir(parents=True)
    ended = subprocess.Popen(["true"])
    ended.wait()
    living = subprocess.Popen(["sleep", "60"])
    try:
        dead = folder.with_name(f"master.partial-{ended.pid}")
        alive = folder.with_name(f"master.partial-{living.pid}")
        other = folder.with_name("master.partial-notapid")
        for leftover in (dead, alive, other):
            (leftover / ".git").mkdir(parents=True)
            (leftover / "README.md").write_text("left over")
        assert git_update(url, folder, "master") is None
        assert not dead.exists() and alive.is_dir() and other.is_dir()
        assert (folder / "README.md").is_file()
    finally:
        living.kill()
        living.wait()


def test_the_archive_serves_pages_the_cache_and_the_network_do_not_have(tmp_path: Path) -> None:
    """Once synced, the archive is a source for reading: offline with an emptied cache, and
    online when the network fails, a page comes from the archive's copy, said so."""
    server = TarballServer(sample_tarball())
    try:
        report, lib = archive_sync(tmp_path, server.url, use_git=False)
        assert report.fatal is None, report.fatal
        lib.close()
    finally:
        server.close()
    shutil.rmtree(tmp_path / "cache" / "pages", ignore_errors=True)  # culled, or cleared
    page = sorted(sample_articles())[0]
    want = (SAMPLE_REPO / page).read_text(encoding="utf-8")
    secret = tmp_path / "secret.md"
    secret.write_text("# 不该读到\n", encoding="utf-8")
    (archive_dir(HOME, tmp_path / "data") / "pages" / "outside.md").symlink_to(secret)

    def read(path: str, offline: bool):  # type: ignore[no-untyped-def]
        options = Options(
            mirror="http://127.0.0.1:9", cache_dir=tmp_path / f"c{offline}", offline=offline
        )
        mirror = open_mirror(options, policy=FAST_POLICY)
        mirror.archive_root = tmp_path / "data"

        async def go():  # type: ignore[no-untyped-def]
            try:
                return await mirror.get(HOME.with_path(path))
            finally:
                await mirror.aclose()

        return asyncio.run(go())

    for offline in (True, False):
        fetched = read(page, offline)
        assert fetched.text == want and fetched.stale
        assert any("archive" in note for note in fetched.warnings), fetched.warnings
        # Only the pages the archive holds, and nothing a link in it leads out to.
        with pytest.raises(MirrorError):
            read("pages/none/404.md", offline)
        with pytest.raises(MirrorError):
            read("pages/outside.md", offline)
