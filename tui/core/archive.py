"""``sync --archive``: every page of the repository, including those no index lists.

The indexes list about 1,300 articles; the repository holds about 15,000. Its history is
about 2.3 GB, its current Markdown about 150 MB, so the archive takes the current ``.md``
files only, by one of two roads, into one folder under the user data directory
(``$GOODNEWS_TUI_DATA_DIR`` or the platform's, ``archive/<owner>/<repo>/<ref>``):

- with ``git`` on the PATH: a shallow, blob-filtered, sparse clone (``git clone --depth 1
  --filter=blob:none --sparse --no-checkout``, then ``sparse-checkout set --no-cone '*.md'``
  and a checkout that fetches just those blobs). The next ``sync --archive`` fetches the new
  tip the same way and checks out only what changed (``git diff --name-only``); a proxy set
  with ``--proxy`` is passed on as ``http.proxy``.
- without git (or ``--no-git``): the repository's tarball, streamed through the mirror's
  HTTP rules (proxies, the 5-redirect limit to GitHub hosts or the URL's own host) and
  filtered as it arrives: only regular ``.md`` members with safe paths are written, each at
  most the page size limit, the rest is never stored. An unchanged tarball (same ETag)
  costs a 304.

Before each step that changes the folder, what it is about to change is appended to a
pending list in the folder (``.goodnews-pending``), removed once those pages are recorded, so
a run stopped in between loses nothing. With ``--offline`` the folder is recorded as it is
(its pending pages, and those the library does not know), with no network.

The files that changed (or that the library does not know yet, after an interrupted run) are
then stored in the page cache as fresh copies, so the browser reads them offline like any
fetched page, and parsed in worker processes into the library and its search index; index
pages also give their entries. Nothing here is trusted: paths are checked before writing,
and the text goes through the same parser and cleaner as every fetched page.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import shutil
import subprocess
import tarfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from tui.core.cache import CachedPage, CacheUnavailable
from tui.core.config import (  # noqa: F401 - DATA_DIR_ENV and data_root: the archive's API
    DATA_DIR_ENV,
    Options,
    SpecKind,
    archive_dir,
    data_root,
    parse_mirror_spec,
)
from tui.core.errors import MirrorError, NetworkUnavailable, RedirectRefused, TooLarge
from tui.core.fetch import MAX_BODY
from tui.core.kinds import PageKind, kind_by_path
from tui.core.library import Library
from tui.core.mirror import Mirror
from tui.core.models import Index
from tui.core.parse import DirectoryNames, parse_page
from tui.core.parsed import parsed_directory
from tui.core.source import LocalSource
from tui.core.sync import (
    PARSE_BATCH,
    WRITE_BATCH,
    Phase,
    Progress,
    SyncReport,
    _parse_records,
    _processes,
    _shutdown,
)
from tui.core.urls import MIRROR_HOSTS, PageRef
from tui.i18n import _

GIT_TIMEOUT = 1800.0  # seconds for one git command (a first clone of the real mirror)
TARBALL_LIMIT = 2 * 1024**3  # compressed bytes read at most
ETAG_FILE = ".tarball-etag"
PENDING_FILE = ".goodnews-pending"  # paths written to the archive but not yet recorded
EVERYTHING = "*"  # a pending line meaning every page
GITHUB_TARBALL_HOSTS = frozenset({"github.com", "codeload.github.com"})


class ArchiveError(MirrorError):
    """The archive could not be brought up to date (git failed, the tarball is bad)."""


def default_urls(options: Options, home: PageRef) -> tuple[str | None, str | None]:
    """The git URL and tarball URL of the mirror's repository, when they can be known.

    A prefix proxy among the configured mirrors (``https://PROXY/https://raw.githubusercontent.com``,
    the gh-proxy style, for networks where GitHub itself is blocked) carries both: such
    proxies pass git's smart HTTP and archive downloads through the same way.
    """
    spec = parse_mirror_spec(options.mirror)
    if spec.kind is not SpecKind.GITHUB:
        return None, None
    prefix = ""
    for base in options.mirrors:
        head, sep, _rest = base.partition("https://raw.githubusercontent.com")
        if sep and head.startswith(("http://", "https://")):
            prefix = head
            break
    git = f"{prefix}https://github.com/{home.owner}/{home.repo}.git"
    tarball = (
        f"{prefix}https://codeload.github.com/{home.owner}/{home.repo}/tar.gz/refs/heads/{home.ref}"
    )
    return git, tarball


# -- pages written but not recorded yet ------------------------------------------------------
#
# The archive folder is changed before its pages are recorded, and a second run cannot tell
# what changed once git's HEAD or the tarball's bytes are current. So every irreversible
# step first appends what it is about to change to ``.goodnews-pending`` in the folder (one
# repository path a line, ``*`` for every page); ``sync_archive`` records those too and
# removes the file once the recording is done.


def mark_pending(folder: Path, paths: list[str]) -> None:
    """Append ``paths`` (or ``[EVERYTHING]``) to the folder's pending list."""
    if paths:
        with (folder / PENDING_FILE).open("a", encoding="utf-8") as fh:
            fh.write("".join(f"{p}\n" for p in paths))


def read_pending(folder: Path) -> set[str] | None:
    """The pending paths of ``folder`` (empty when there are none), None for every page."""
    try:
        text = (folder / PENDING_FILE).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    lines = {line.strip() for line in text.splitlines()} - {""}
    return None if EVERYTHING in lines else lines


def _clear_pending(folder: Path, still: list[str]) -> None:
    """After recording: forget the pending list, keeping only the pages that failed."""
    try:
        if still:
            temporary = folder / (PENDING_FILE + ".part")
            temporary.write_text("".join(f"{p}\n" for p in still), encoding="utf-8")
            os.replace(temporary, folder / PENDING_FILE)
        else:
            (folder / PENDING_FILE).unlink(missing_ok=True)
    except OSError:
        pass


# -- git ------------------------------------------------------------------------------------


def _git(args: list[str], *, cwd: Path | None = None, proxy: str | None = None) -> str:
    command = ["git"]
    if proxy:
        command += ["-c", f"http.proxy={proxy}"]
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true", "LC_ALL": "C"}
    try:
        done = subprocess.run(
            [*command, *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ArchiveError(_("git {args} failed: {exc}").format(args=args[0], exc=exc)) from None
    if done.returncode != 0:
        detail = " ".join((done.stderr or done.stdout).split())[-300:]
        raise ArchiveError(_("git {args} failed: {detail}").format(args=args[0], detail=detail))
    return done.stdout


def git_available() -> bool:
    return shutil.which("git") is not None


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True  # someone else's, or unknowable: leave it
    return True


def _remove_stale_partials(target: Path) -> None:
    """Remove the ``<ref>.partial-<pid>`` folders of first clones whose process is gone."""
    with contextlib.suppress(OSError):
        for sibling in target.parent.glob(f"{target.name}.partial-*"):
            pid = sibling.name.rpartition(".partial-")[2]
            if pid.isdigit() and sibling.is_dir() and not _process_alive(int(pid)):
                shutil.rmtree(sibling, ignore_errors=True)


def git_update(url: str, target: Path, ref: str, *, proxy: str | None = None) -> list[str] | None:
    """Clone or update the sparse archive; returns the ``.md`` paths that changed, or None
    for a first clone (everything is new). What is about to change is marked pending in
    the folder first (see ``mark_pending``)."""
    if (target / ".git").is_dir():
        before = _git(["rev-parse", "HEAD"], cwd=target).strip()
        _git(["remote", "set-url", "origin", url], cwd=target)  # follow a changed URL
        _git(
            ["fetch", "-q", "--depth", "1", "--filter=blob:none", "origin", ref],
            cwd=target,
            proxy=proxy,
        )
        after = _git(["rev-parse", "FETCH_HEAD"], cwd=target).strip()
        if before == after:
            return []
        listed = _git(
            ["diff", "--name-only", "--no-renames", "-z", before, after, "--", "*.md"],
            cwd=target,
            proxy=proxy,
        )
        changed = [p for p in listed.split("\0") if p]
        mark_pending(target, changed)
        _git(
            ["-c", "advice.detachedHead=false", "checkout", "-q", "--detach", after],
            cwd=target,
            proxy=proxy,  # the checkout fetches the new blobs
        )
        return changed
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_partials(target)
    partial = target.with_name(f"{target.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        _git(
            [
                "clone",
                "-q",
                "--depth",
                "1",
                "--filter=blob:none",
                "--sparse",
                "--no-checkout",
                "--branch",
                ref,
                url,
                str(partial),
            ],
            proxy=proxy,
        )
        _git(["sparse-checkout", "set", "--no-cone", "*.md"], cwd=partial, proxy=proxy)
        _git(["checkout", "-q", ref], cwd=partial, proxy=proxy)
        mark_pending(partial, [EVERYTHING])  # nothing of it is recorded yet
        shutil.rmtree(target, ignore_errors=True)
        partial.rename(target)  # a clone is kept only once it is whole
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return None


# -- tarball --------------------------------------------------------------------------------


class _Stream(io.RawIOBase):
    """A byte iterator as a file, so ``tarfile`` can read a download as it arrives."""

    def __init__(self, chunks: Iterator[bytes], limit: int) -> None:
        self._chunks = chunks
        self._rest = b""
        self._read = 0
        self._limit = limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._rest:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._read += len(chunk)
            if self._read > self._limit:
                raise TooLarge(_("the repository tarball is larger than the limit"))
            self._rest = chunk
        n = min(len(buffer), len(self._rest))
        buffer[:n] = self._rest[:n]
        self._rest = self._rest[n:]
        return n


def _safe_member(name: str) -> str | None:
    """The path inside the repository of a tarball member, or None if it is not a page or
    would leave the folder (absolute, ``..``, backslashes, control characters)."""
    parts = PurePosixPath(name).parts
    if len(parts) < 2 or name.startswith("/"):
        return None
    rest = parts[1:]  # the tarball's top folder is <repo>-<ref>
    if any(p in ("", ".", "..") or "\\" in p or any(ord(c) < 32 for c in p) for p in rest):
        return None
    path = "/".join(rest)
    return path if path.lower().endswith(".md") else None


def extract_pages(stream: io.RawIOBase | io.BufferedIOBase, target: Path) -> list[str]:
    """Write the ``.md`` members of a gzip tarball stream under ``target``; returns the paths
    whose content changed. Other members are read past, never written. Each change is
    marked pending before it is made (every page, when the folder is new)."""
    changed: list[str] = []
    fresh = not target.is_dir()
    target.mkdir(parents=True, exist_ok=True)
    root = target.resolve()
    pending: io.TextIOWrapper | None = None
    try:
        if fresh:
            mark_pending(target, [EVERYTHING])
        with tarfile.open(fileobj=stream, mode="r|gz") as archive:
            for member in archive:
                if not member.isfile():
                    continue
                path = _safe_member(member.name)
                if path is None or member.size > MAX_BODY:
                    continue
                fh = archive.extractfile(member)
                if fh is None:
                    continue
                data = fh.read(MAX_BODY + 1)
                out = root.joinpath(*path.split("/"))
                if not out.resolve().is_relative_to(root):
                    continue
                with contextlib.suppress(OSError):
                    if out.is_file() and out.read_bytes() == data:
                        continue
                out.parent.mkdir(parents=True, exist_ok=True)
                temporary = out.with_name(out.name + ".part")
                temporary.write_bytes(data)
                if not fresh:
                    if pending is None:
                        pending = (target / PENDING_FILE).open("a", encoding="utf-8")
                    pending.write(f"{path}\n")
                    pending.flush()
                os.replace(temporary, out)
                changed.append(path)
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise ArchiveError(_("the repository tarball is damaged: {exc}").format(exc=exc)) from None
    finally:
        if pending is not None:
            pending.close()
    return changed


def tarball_update(url: str, target: Path, *, proxy: str | None = None) -> list[str]:
    """Download and filter the tarball into ``target``; returns the changed ``.md`` paths
    ([] when the server says the tarball is unchanged)."""
    import httpx

    from tui.core.fetch import USER_AGENT, ssl_context

    allowed = GITHUB_TARBALL_HOSTS | MIRROR_HOSTS | {(urlsplit(url).hostname or "").lower()}
    etag_file = target / ETAG_FILE
    headers = {"User-Agent": USER_AGENT}
    with contextlib.suppress(OSError):
        if target.is_dir():
            headers["If-None-Match"] = etag_file.read_text().strip()
    timeout = httpx.Timeout(60.0, connect=10.0)
    try:
        with httpx.Client(
            timeout=timeout, proxy=proxy, verify=ssl_context(), follow_redirects=False
        ) as client:
            for _attempt in range(6):
                with client.stream("GET", url, headers=headers) as reply:
                    if reply.status_code in (301, 302, 303, 307, 308):
                        location = reply.headers.get("location", "")
                        url = str(httpx.URL(url).join(location))
                        if (urlsplit(url).hostname or "").lower() not in allowed:
                            raise RedirectRefused(
                                _("the tarball redirects to {url}: refused").format(url=url)
                            )
                        continue
                    if reply.status_code == 304:
                        return []
                    if reply.status_code != 200:
                        raise ArchiveError(
                            _("the tarball answered HTTP {status_code}").format(
                                status_code=reply.status_code
                            )
                        )
                    changed = extract_pages(_Stream(reply.iter_bytes(), TARBALL_LIMIT), target)
                    if reply.headers.get("etag"):
                        etag_file.write_text(reply.headers["etag"])
                    return changed
            raise RedirectRefused(_("the tarball redirects too often"))
    except httpx.HTTPError as exc:
        raise NetworkUnavailable(
            _("could not download the tarball: {exc}").format(exc=exc)
        ) from None


# -- into the cache and the library ----------------------------------------------------------


def walk_pages(root: Path) -> list[str]:
    """Every ``.md`` file under ``root`` (skipping ``.git``), as repository paths."""
    out: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        rel = Path(folder).relative_to(root)
        for name in files:
            if name.lower().endswith(".md") and not name.startswith("."):
                out.append((rel / name).as_posix())
    return sorted(out)


def _learn_names(names: DirectoryNames, root: Path, home: PageRef, skip: set[str]) -> None:
    """Learn what the archive's indexes (but those in ``skip``) call the page directories."""
    folder = root / "indexes"
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.md")):
        ref = PageRef.checked(*home[:3], f"indexes/{path.name}")
        if ref is None or ref.path in skip:
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        page = parse_page(ref, text, home)
        if isinstance(page, Index):
            names.learn_index(page)


async def record_archive(
    mirror: Mirror,
    library: Library,
    root: Path,
    home: PageRef,
    paths: list[str],
    *,
    report: SyncReport,
    on_progress: Callable[[Progress], None] | None = None,
    workers: int | None = None,
    known_before: set[str] | None = None,
    parsed: Path | None = None,
) -> None:
    """Store ``paths`` (files under ``root``) in the cache and parse them into the library
    (their models into the parsed-model store at ``parsed``, when given)."""
    store = str(parsed) if parsed is not None else None
    start = time.monotonic()
    source = LocalSource(root, home=home, raw_layout=False)
    refs = [r for r in (PageRef.checked(*home[:3], p) for p in paths) if r is not None]
    known = known_before if known_before is not None else set()
    workers = workers or min(4, max(1, os.cpu_count() or 1))
    executor = None
    if len(refs) >= 64 and workers > 1:
        with contextlib.suppress(Exception):
            executor = _processes(workers)
    now = datetime.now(UTC)
    done = 0
    pending: list[tuple[PageRef, str, PageRef]] = []
    records: list = []
    loop = asyncio.get_running_loop()
    inflight: set[asyncio.Task[None]] = set()

    def progress(current: str = "") -> None:
        if on_progress is not None:
            on_progress(
                Progress(
                    Phase.ARTICLES,
                    done,
                    len(refs),
                    report.new,
                    report.updated,
                    report.unchanged,
                    len(report.failures),
                    time.monotonic() - start,
                    current,
                )
            )

    async def write() -> None:
        nonlocal records
        batch, records = records, []
        if batch:
            await asyncio.to_thread(library.record_records, batch)
            for record in batch:
                if record.key in known:
                    report.updated += 1
                else:
                    report.new += 1

    async def parse(batch: list[tuple[PageRef, str, PageRef]]) -> None:
        nonlocal done
        if executor is not None:
            results = await loop.run_in_executor(executor, _parse_records, batch, store, names)
        else:
            results = await asyncio.to_thread(_parse_records, batch, store, names)
        for (ref, text, _meta), result in zip(batch, results, strict=True):
            if isinstance(result, str):  # not an article: an index found by its text
                await read_list(ref, text)
            else:
                records.append(result)
        done += len(batch)
        if len(records) >= WRITE_BATCH:
            await write()
        progress(batch[-1][0].path)

    async def read(ref: PageRef) -> str | None:
        """The page's text from the archive, kept in the cache on the way."""
        try:
            response = await source.fetch(ref)
        except MirrorError as exc:
            report.failures.append((ref.path, str(exc)))
            return None
        text = response.text or ""
        if mirror.cache is not None:
            page = CachedPage(text, now, now, None, None, response.url)
            try:
                await mirror.cache.astore(ref, page)
            except CacheUnavailable as exc:
                report.warnings.append(str(exc))
            except MirrorError:
                pass
        return text

    async def read_list(ref: PageRef, text: str) -> None:
        page = await asyncio.to_thread(parse_page, ref, text, home)
        if isinstance(page, Index):
            names.learn_index(page)
            await asyncio.to_thread(library.record_entries, page.entries, page.ref)
        report.lists += 1

    # The indexes first: they say what the page directories are called (p2 is 看官场),
    # which the articles are recorded under.
    names = DirectoryNames()
    lists = [r for r in refs if kind_by_path(r) is PageKind.INDEX]
    refs = [r for r in refs if kind_by_path(r) is not PageKind.INDEX]
    try:
        for ref in lists:
            text = await read(ref)
            if text is not None:
                await read_list(ref, text)
                done += 1
        # The indexes that did not change still name their directories.
        await asyncio.to_thread(_learn_names, names, root, home, {r.path for r in lists})
        progress()
        for ref in refs:
            text = await read(ref)
            if text is None:
                continue
            pending.append((ref, text, home))
            if len(pending) >= PARSE_BATCH:
                batch, pending = pending, []
                task = asyncio.create_task(parse(batch))
                inflight.add(task)
                task.add_done_callback(inflight.discard)
                if len(inflight) >= workers * 2:
                    await asyncio.wait(inflight, return_when=asyncio.FIRST_COMPLETED)
        if pending:
            await parse(pending)
        if inflight:
            await asyncio.gather(*inflight)
        await write()
    finally:
        for pending_task in inflight:
            pending_task.cancel()
        if records:
            library.record_records(records)
        _shutdown(executor)


async def sync_archive(
    mirror: Mirror,
    library: Library,
    options: Options,
    *,
    url: str | None = None,
    use_git: bool = True,
    reindex: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
    root: Path | None = None,
    workers: int | None = None,
) -> SyncReport:
    """Bring the archive up to date and everything new in it into the cache and library.

    A local mirror (a folder, the sample) is its own archive: its pages are read in place.
    """
    started = time.monotonic()
    report = SyncReport()
    home = mirror.home

    def phase(name: str) -> None:
        if on_progress is not None:
            on_progress(Progress(name, 0, None, 0, 0, 0, 0, time.monotonic() - started))

    if reindex:
        await asyncio.to_thread(library.rebuild_search_index)
    local = mirror.source if isinstance(mirror.source, LocalSource) else None
    changed: list[str] | None
    if local is not None:
        folder = local.root
        if local.raw_layout:
            folder = folder / home.owner / home.repo / home.ref
        changed = None
    elif options.offline:
        # No network: what the archive folder already holds, the pending pages first.
        folder = archive_dir(home, root)
        if not folder.is_dir():
            report.fatal = _(
                "the archive is not on this computer yet: run sync --archive once without"
                " --offline to download it"
            )
            report.elapsed = time.monotonic() - started
            return report
        changed = []
    else:
        folder = archive_dir(home, root)
        git_url, tar_url = default_urls(options, home)
        if url:
            is_tar = url.split("?")[0].endswith((".tar.gz", ".tgz")) or "/tar.gz/" in url
            git_url, tar_url = (None, url) if is_tar else (url, None)
        try:
            if git_url and use_git and git_available():
                phase("git")
                changed = await asyncio.to_thread(
                    git_update, git_url, folder, home.ref, proxy=options.proxy
                )
            elif tar_url:
                phase("tarball")
                had = folder.is_dir()
                changed = await asyncio.to_thread(
                    tarball_update, tar_url, folder, proxy=options.proxy
                )
                if not had:
                    changed = None
            else:
                report.fatal = _(
                    "no archive URL for this mirror: give --archive-url (a git URL or a .tar.gz URL)"
                ) + ("" if git_available() else _("; git is not installed"))
                return report
        except MirrorError as exc:
            report.fatal = str(exc)
            report.elapsed = time.monotonic() - started
            return report
    if local is None:
        pending = await asyncio.to_thread(read_pending, folder)
        if pending is None:
            changed = None
        elif changed is not None:
            changed = [*changed, *pending]
    every = await asyncio.to_thread(walk_pages, folder)
    known = await asyncio.to_thread(library.known_keys, [home.with_path(p).key for p in every])
    if changed is None or reindex:
        todo = every
    else:
        wanted = set(changed)
        todo = [
            p
            for p in every
            if p in wanted or (home.with_path(p).key not in known and p.startswith("pages/"))
        ]
    report.unchanged = len([p for p in every if p.startswith("pages/")]) - len(
        [p for p in todo if p.startswith("pages/")]
    )
    await record_archive(
        mirror,
        library,
        folder,
        home,
        todo,
        report=report,
        on_progress=on_progress,
        workers=workers,
        known_before=known,
        parsed=parsed_directory(options.cache_dir),
    )
    if local is None:  # recorded: only the pages that could not be read stay pending
        failed = set(todo).intersection(path for path, _why in report.failures)
        await asyncio.to_thread(_clear_pending, folder, sorted(failed))
    report.unchanged = max(0, report.unchanged)
    report.elapsed = time.monotonic() - started
    report.warnings.extend(dict.fromkeys([*mirror.warnings, *library.warnings]))
    if on_progress is not None:
        on_progress(Progress(Phase.DONE, 0, None, 0, 0, 0, 0, report.elapsed))
    return report
