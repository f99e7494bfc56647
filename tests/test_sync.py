"""``sync`` (issue 11): the crawl over a real loopback server, its faults, resuming after
``kill -9`` and Ctrl+C, the progress display and the exit codes.

The server is ``tests/corpus_server.py`` over the real corpus (or over the bundled sample in
raw layout, where a test needs every listed article to exist); caches and libraries are real
folders. What a sync should find is computed from the pages themselves (the indexes'
entries that the corpus holds), never written down here.
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import FAST_POLICY
from tests.corpus import CORPUS
from tests.corpus_server import CorpusServer
from tests.dirnames import check_named
from tui.cli_sync import ProgressView
from tui.core.config import Options
from tui.core.library import LIBRARY_FILE, SEARCH_INDEX, Library
from tui.core.mirror import open_mirror
from tui.core.models import Article, Home, Index
from tui.core.parse import parse_page
from tui.core.search import search
from tui.core.sync import Phase, Progress, crawl
from tui.core.urls import PageRef, parse_ref

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_ROOT = ROOT / "tui" / "sample"
DEFAULT_HOME = PageRef("begood0513", "goodnews", "master", "README.md")


def sample_tree(where: Path) -> Path:
    """The bundled sample in raw layout under the default mirror's names, so that a server
    over it is what ``--mirror http://…`` expects."""
    target = where / "raw"
    if not target.exists():
        # Its own names too: some of its pages link to them absolutely.
        shutil.copytree(SAMPLE_ROOT, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
        shutil.copytree(
            SAMPLE_ROOT / "goodnews-sample" / "goodnews" / "master",
            target / DEFAULT_HOME.owner / DEFAULT_HOME.repo / DEFAULT_HOME.ref,
        )
    return target


def listed_articles(root: Path, home: PageRef) -> tuple[set[str], set[str]]:
    """(articles the indexes list that exist under ``root``, those that do not)."""
    base = root / home.owner / home.repo / home.ref
    page = parse_page(home, (base / home.path).read_text(encoding="utf-8"), home)
    assert isinstance(page, Home)
    present: set[str] = set()
    missing: set[str] = set()
    for category in (c for s in page.sections for c in s.categories):
        path = base / category.ref.path
        if not path.is_file():
            continue
        index = parse_page(category.ref, path.read_text(encoding="utf-8"), home)
        if isinstance(index, Article):  # a category may link an article directly
            present.add(index.ref.key)
            continue
        assert isinstance(index, Index)
        for entry in index.entries:
            ref = entry.ref
            if ref is None:
                continue
            exists = root.joinpath(ref.owner, ref.repo, ref.ref, ref.path).is_file()
            (present if exists else missing).add(ref.key)
    return present, missing


def run_crawl(mirror, library: Library, **options: object):  # type: ignore[no-untyped-def]
    """One crawl and the mirror's closing on one event loop (its HTTP client lives there)."""

    async def go():  # type: ignore[no-untyped-def]
        try:
            return await crawl(mirror, library, **options)  # type: ignore[arg-type]
        finally:
            await mirror.aclose()

    return asyncio.run(go())


def open_for(server: CorpusServer, cache: Path, home: PageRef | None = None):  # type: ignore[no-untyped-def]
    return open_mirror(Options(mirror=server.base_url, cache_dir=cache), policy=FAST_POLICY)


def library_at(cache: Path) -> Library:
    return Library(cache / "state" / LIBRARY_FILE)


def raw_path(key: str) -> str:
    """Where the server sees a page key: ``owner/repo/ref/path``."""
    ref = parse_ref(key)
    assert ref is not None
    return f"{ref.owner}/{ref.repo}/{ref.ref}/{ref.path}"


def article_requests(server: CorpusServer) -> list[str]:
    return [r.path for r in server.requests if "/pages/" in r.path]


def test_a_crawl_brings_every_listed_article_then_costs_only_revalidations(
    corpus_server: CorpusServer, tmp_path: Path
) -> None:
    mirror = open_for(corpus_server, tmp_path)
    home = mirror.home
    present, missing = listed_articles(CORPUS, home)
    lib = library_at(tmp_path)
    seen: list[Progress] = []
    report = run_crawl(mirror, lib, on_progress=seen.append, workers=1, jobs=8)
    assert report.fatal is None
    assert report.new == len(present) and report.updated == 0
    assert lib.known_keys(present) == present
    failed = {target for target, _ in report.failures}
    assert failed >= {parse_ref(k).target(home) for k in missing}  # type: ignore[union-attr]
    # The other repositories the home page links were asked for too.
    assert any(r.path.startswith("begood0513/basic/") for r in corpus_server.requests)
    assert {p.phase for p in seen} >= {Phase.HOME, Phase.LISTS, Phase.ARTICLES, Phase.DONE}
    assert all(p.total is None or p.done <= p.total for p in seen)

    some = lib.all_articles(home.repo_id)[0]
    assert some.ref.key in {r.ref.key for r in search(lib, some.title, limit=50).results}
    # 看官场's pages (pages/p2/) name their category only ``p2``: recorded under the name.
    base = CORPUS / home.owner / home.repo / home.ref
    assert check_named(lib, base, home) >= 10
    lib.close()


def test_a_second_sync_costs_only_revalidations(tmp_path: Path) -> None:
    root = sample_tree(tmp_path)
    with CorpusServer(root=root) as server:
        present, missing = listed_articles(root, DEFAULT_HOME)
        lib = library_at(tmp_path)
        first = run_crawl(open_for(server, tmp_path), lib, workers=1)
        assert first.new == len(present) and first.fatal is None
        server.requests.clear()
        again = run_crawl(open_for(server, tmp_path), lib, workers=1)
        assert again.new == 0 and again.updated == 0 and again.unchanged == len(present)
        home = DEFAULT_HOME
        prefix = f"{home.owner}/{home.repo}/{home.ref}/"
        listing = [r for r in server.requests if "/pages/" not in r.path]
        assert len(listing) >= 10
        assert all("if-none-match" in r.headers for r in listing if (root / r.path).is_file())
        asked = {
            r.path for r in server.requests if "/pages/" in r.path and r.path.startswith(prefix)
        }
        assert asked <= {prefix + k.split(":", 1)[1] for k in missing}  # only the missing
        lib.close()


def test_articles_recorded_under_a_directory_code_are_named_by_the_next_sync(
    tmp_path: Path,
) -> None:
    """A library written before the indexes named its directories (or by an older version)
    holds ``p1`` where the index says 看大陆: the next sync records the name, from the
    copies it has, without fetching those articles again."""
    import sqlite3

    root = sample_tree(tmp_path)
    base = root / DEFAULT_HOME.owner / DEFAULT_HOME.repo / DEFAULT_HOME.ref
    with CorpusServer(root=root) as server:
        present, _missing = listed_articles(root, DEFAULT_HOME)
        lib = library_at(tmp_path)
        run_crawl(open_for(server, tmp_path), lib, workers=1)
        lib.close()
        with sqlite3.connect(tmp_path / "state" / LIBRARY_FILE) as db:
            changed = db.execute(
                "UPDATE articles SET category = 'p1' WHERE key LIKE '%:pages/p1/%'"
            ).rowcount
        assert changed >= 4
        lib = library_at(tmp_path)
        with pytest.raises(AssertionError):
            check_named(lib, base, DEFAULT_HOME)  # the old records, as a check sees them
        server.requests.clear()
        again = run_crawl(open_for(server, tmp_path), lib, workers=1)
        assert again.new == again.updated == 0 and again.unchanged == len(present)
        assert check_named(lib, base, DEFAULT_HOME) >= 4
        assert not [r for r in server.requests if "/pages/p1/" in r.path]  # from the copies
        lib.close()


def test_a_copy_not_checked_for_a_month_is_revalidated_and_an_edit_is_synced(
    tmp_path: Path,
) -> None:
    """Articles do not change once mirrored, nearly: a sync asks again for the copies it
    has not checked for ARTICLE_FRESHNESS, with their ETags. The one edited upstream is
    updated (and found by its new words); the others cost a 304 each."""
    from datetime import UTC, datetime

    from tui.core.kinds import ARTICLE_FRESHNESS

    root = sample_tree(tmp_path)
    with CorpusServer(root=root) as server:
        present, _missing = listed_articles(root, DEFAULT_HOME)
        lib = library_at(tmp_path)
        run_crawl(open_for(server, tmp_path), lib, workers=1)
        # Nothing is asked again while the copies are fresh.
        server.requests.clear()
        again = run_crawl(open_for(server, tmp_path), lib, workers=1)
        held = {raw_path(key) for key in present}
        assert again.unchanged == len(present)
        assert not [path for path in article_requests(server) if path in held]

        edited = parse_ref(sorted(present)[0])
        assert edited is not None
        page = root.joinpath(edited.owner, edited.repo, edited.ref, edited.path)
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace("</p>", "上游修订词汇</p>", 1), encoding="utf-8")

        later = datetime.now(UTC) + ARTICLE_FRESHNESS + timedelta(days=1)
        mirror = open_mirror(
            Options(mirror=server.base_url, cache_dir=tmp_path),
            policy=FAST_POLICY,
            clock=lambda: later,
        )
        server.requests.clear()
        month = run_crawl(mirror, lib, workers=1)
        assert (month.new, month.updated) == (0, 1)
        assert month.unchanged == len(present) - 1
        asked = [r for r in server.requests if r.path in held]
        assert {r.path for r in asked} == held
        assert all("if-none-match" in r.headers for r in asked)
        found = search(lib, "上游修订词汇")
        assert [r.ref.key for r in found.results] == [edited.key]
        lib.close()


def test_no_index_read_is_a_failure_even_when_other_repositories_answer(
    tmp_path: Path,
) -> None:
    """Another repository's README answers but none of the mirror's own indexes does:
    nothing of the mirror could be fetched, which is the failure (exit 4), not a success."""
    root = tmp_path / "tree"
    home = root / "begood0513" / "goodnews" / "master" / "README.md"
    other = root / "begood0513" / "basic" / "master" / "README.md"
    home.parent.mkdir(parents=True)
    other.parent.mkdir(parents=True)
    home.write_text(
        "#### 新闻 &nbsp;-&nbsp; [头条](indexes/E头条.md?t=1) &nbsp;|&nbsp; "
        "[科学](indexes/E科学.md?t=1)\n\n"
        "#### 其他 &nbsp;-&nbsp; [说明](../../../basic/blob/master/README.md?t=1)\n",
        encoding="utf-8",
    )
    other.write_text("# 说明\n\n这里没有链接。\n", encoding="utf-8")
    with CorpusServer(root=root) as server:
        report = run_crawl(open_for(server, tmp_path), library_at(tmp_path), workers=1)
        assert any(r.path == "begood0513/basic/master/README.md" for r in server.requests)
    assert report.lists == 2  # the home page and the other README
    assert report.fatal == "no index could be read"


@pytest.mark.parametrize("jobs", [1, 3])
def test_jobs_bounds_the_requests_in_flight(tmp_path: Path, jobs: int) -> None:
    """``--jobs N``: never more than N requests at once, and N when there is work for N
    (each reply waits a little, so that requests overlap when they can)."""
    root = sample_tree(tmp_path)
    with CorpusServer(root=root, reply_delay=0.03) as server:
        report = run_crawl(open_for(server, tmp_path), library_at(tmp_path), workers=1, jobs=jobs)
        assert report.fatal is None and report.new > jobs
        assert server.peak == jobs


def test_a_sync_goes_through_the_mirror_chain_and_the_proxy(tmp_path: Path) -> None:
    """Like every fetch, a sync tries the chain in order (a dead endpoint, then a CDN-style
    one) and sends every request through the configured proxy."""
    from tests.corpus_server import ConnectProxy

    root = sample_tree(tmp_path)
    present, _missing = listed_articles(root, DEFAULT_HOME)
    with CorpusServer(root=root, layout="jsdelivr") as cdn, ConnectProxy() as proxy:
        options = Options(
            cache_dir=tmp_path,
            mirrors=("http://127.0.0.1:9", cdn.mirror_url),
            proxy=proxy.url,
        )
        mirror = open_mirror(options, policy=FAST_POLICY)
        report = run_crawl(mirror, library_at(tmp_path), workers=1)
        assert report.fatal is None and report.new == len(present)
        served = {r.path for r in cdn.requests}
        assert {raw_path(key) for key in present} <= served
        assert len(proxy.forwarded) >= len(cdn.requests) > 0
        assert all(url.startswith(cdn.base_url) or ":9/" in url for url in proxy.forwarded)


def test_faults_are_retried_listed_and_never_stop_the_crawl(tmp_path: Path) -> None:
    with CorpusServer(root=sample_tree(tmp_path)) as server:
        faults_run(server, tmp_path)


def faults_run(corpus_server: CorpusServer, tmp_path: Path) -> None:
    mirror = open_for(corpus_server, tmp_path)
    present, _ = listed_articles(tmp_path / "raw", mirror.home)
    first, second, third = sorted(present)[:3]
    for key, fault in ((first, "429"), (second, "503")):
        corpus_server.set_fault(
            fault,
            path=PageRef.checked(*mirror.home[:3], key.split(":", 1)[1]),
            retry_after=1,
            times=1,
        )
    gone = PageRef.checked(*mirror.home[:3], third.split(":", 1)[1])
    corpus_server.set_fault("404", path=gone)
    lib = library_at(tmp_path)
    started = time.monotonic()
    report = run_crawl(mirror, lib, workers=1)
    assert report.fatal is None
    known = lib.known_keys(present)
    assert first in known and second in known  # Retry-After honoured, then served
    assert third not in known
    assert any(
        target == gone.target(mirror.home) and "not found" in why.lower() or "404" in why
        for target, why in report.failures
    )
    assert time.monotonic() - started < 20
    lib.close()


def test_a_mirror_that_cannot_be_reached_is_a_failure(tmp_path: Path) -> None:
    mirror = open_mirror(
        Options(mirror="http://127.0.0.1:9", cache_dir=tmp_path), policy=FAST_POLICY
    )
    report = run_crawl(mirror, Library(None), workers=1)
    assert report.fatal and report.new == 0
    cli = run_cli("sync", "--mirror", "http://127.0.0.1:9", "--cache-dir", str(tmp_path), "--quiet")
    assert cli.returncode == 4
    assert cli.stderr.strip().splitlines()[-1].startswith("goodnews-tui: error:")


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def test_partial_failures_exit_0_with_a_warning_or_5_when_strict(tmp_path: Path) -> None:
    # The sample lists pages it does not hold (a broken link, another repository).
    with CorpusServer(root=sample_tree(tmp_path)) as server:
        plain = run_cli("sync", "--mirror", server.base_url, "--cache-dir", str(tmp_path / "a"))
        strict = run_cli(
            "sync", "--mirror", server.base_url, "--cache-dir", str(tmp_path / "b"), "--strict"
        )
        quiet = run_cli(
            "sync", "--mirror", server.base_url, "--cache-dir", str(tmp_path / "a"), "--quiet"
        )
    assert plain.returncode == 0, plain.stderr
    assert "could not be synced" in plain.stderr and "failed:" in plain.stderr
    summary = plain.stdout.strip().splitlines()[-1]
    assert " new, " in summary and " failed" in summary
    assert strict.returncode == 5
    assert quiet.returncode == 0 and quiet.stdout == ""
    assert "sync articles" not in quiet.stderr
    # Not a terminal: plain progress lines, no carriage returns or escapes.
    assert "sync " in plain.stderr and "\r" not in plain.stderr and "\x1b" not in plain.stderr
    assert run_cli("sync", "--sample", "--jobs", "0").returncode == 2


def wait_for(predicate, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


def cached_keys(cache_root: Path, keys: set[str]) -> set[str]:
    from tui.core.cache import PageCache
    from tui.core.urls import parse_ref

    cache, _ = PageCache.open(cache_root)
    assert cache is not None
    try:
        return {k for k in keys if (ref := parse_ref(k)) is not None and ref in cache}
    finally:
        cache.close()


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("how", ["kill -9", "Ctrl+C"])
def test_a_sync_stopped_midway_resumes_with_nothing_lost_or_repeated(
    tmp_path: Path, how: str
) -> None:
    root = sample_tree(tmp_path)
    present, _ = listed_articles(root, DEFAULT_HOME)
    cache_root = tmp_path / "c"
    argv = [sys.executable, "-m", "tui", "sync", "--cache-dir", str(cache_root), "--jobs", "2"]
    with CorpusServer(root=root) as server:
        argv += ["--mirror", server.base_url]
        # Slow article bodies, so that the stop lands in the middle of the articles.
        for key in present:
            server.set_fault("drip", path=parse_ref(key), delay=0.01, chunk=512)
        proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            # Ctrl+C as a terminal delivers it: a suite started in the background (a shell
            # without job control ignores SIGINT there) must not pass the ignoring on.
            preexec_fn=_default_sigint,
        )
        try:
            wait_for(lambda: len(article_requests(server)) >= 12)
            proc.send_signal(signal.SIGKILL if how == "kill -9" else signal.SIGINT)
            _, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        if how == "Ctrl+C":
            assert proc.returncode == 130, err
            assert b"interrupted" in err and b"Traceback" not in err, err
        else:
            assert proc.returncode == -signal.SIGKILL, err
        kept = cached_keys(cache_root, present)
        # stopped in the middle (the messages say enough to tell a timing fault from a bug)
        assert 0 < len(kept) < len(present), (len(kept), len(present), err)
        server.clear_faults()
        server.requests.clear()
        done = run_cli(*argv[3:], "--quiet")
        assert done.returncode == 0, done.stderr
        again = {r.path for r in server.requests if "/pages/" in r.path}
    # Nothing fetched before the stop is fetched again...
    twice = again & {raw_path(k) for k in kept}
    assert not twice, (sorted(twice), len(kept), err, done.stderr)
    # ... and everything is there once: rows, search index, no warnings.
    lib = library_at(cache_root)
    assert lib.known_keys(present) == present, sorted(present - lib.known_keys(present))
    db = lib._db
    keys = [k for (k,) in db.execute("SELECT key FROM texts")]
    assert len(keys) == len(set(keys)) == len(present), (len(keys), len(set(keys)), len(present))
    indexed = db.execute(f"SELECT count(*) FROM {SEARCH_INDEX}_docsize").fetchone()[0]
    assert indexed == len(keys)
    assert lib.warnings == []
    lib.close()


def test_reindex_parses_again_from_the_cache_without_the_network(tmp_path: Path) -> None:
    with CorpusServer(root=sample_tree(tmp_path)) as server:
        reindex_run(server, tmp_path)


def reindex_run(corpus_server: CorpusServer, tmp_path: Path) -> None:
    mirror = open_for(corpus_server, tmp_path)
    lib = library_at(tmp_path)
    first = run_crawl(mirror, lib, workers=1)
    corpus_server.requests.clear()
    mirror = open_for(corpus_server, tmp_path)
    again = run_crawl(mirror, lib, reindex=True, workers=1)
    assert again.unchanged == first.new and again.new == 0
    present, _ = listed_articles(tmp_path / "raw", mirror.home)
    asked = set(article_requests(corpus_server))
    assert not asked & {raw_path(k) for k in present}  # parsed again from the cache
    lib.close()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_on_a_terminal_and_lines_elsewhere() -> None:
    steps = [
        Progress(Phase.ARTICLES, n, 200, n, 0, 0, 0, 1.0 + n / 100, "pages/p1/\x1b[31m.md")
        for n in range(0, 201, 50)
    ]
    tty = _Terminal()
    view = ProgressView(tty)
    for step in steps:
        view._last = 0.0  # every step drawn
        view(step)
    view(Progress(Phase.DONE, 200, 200, 200, 0, 0, 0, 3.0))
    drawn = tty.getvalue()
    assert drawn.count("\r\x1b[K") >= len(steps)
    assert "[##########----------]" in drawn and "200/200" in drawn and "ETA" in drawn
    assert "\x1b[31m" not in drawn  # page text is shown, never obeyed
    pipe = io.StringIO()
    plain = ProgressView(pipe)
    for step in steps:
        plain._last = 0.0
        plain(step)
    lines = pipe.getvalue().splitlines()
    assert len(lines) == len(steps) and all(line.startswith("sync articles:") for line in lines)
    assert "\r" not in pipe.getvalue() and "\x1b" not in pipe.getvalue()
    quiet = io.StringIO()
    ProgressView(quiet, quiet=True)(steps[0])
    assert quiet.getvalue() == ""


def test_a_synced_article_is_read_later_without_being_parsed_again(tmp_path: Path) -> None:
    """Sync keeps each article's model in the parsed-model store, where the browser looks
    first: the command line's sync (worker processes) and a crawl in threads alike."""
    from tui.core.parsed import PARSED_DIR, ParsedStore

    root = sample_tree(tmp_path)
    present, _ = listed_articles(root, DEFAULT_HOME)
    with CorpusServer(root=root) as server:
        cache = tmp_path / "cli"
        done = run_cli("sync", "--cache-dir", str(cache), "--mirror", server.base_url, "--quiet")
        assert done.returncode == 0, done.stderr
        threads = tmp_path / "threads"
        lib = library_at(threads)
        report = run_crawl(open_for(server, threads), lib, workers=1, parsed=threads / PARSED_DIR)
        assert report.new == len(present)
        lib.close()
    for where in (cache, threads):
        store = ParsedStore(where / PARSED_DIR)
        mirror = open_mirror(Options(cache_dir=where, offline=True))
        for key in sorted(present)[:5]:
            ref = parse_ref(key)
            assert ref is not None
            entry = mirror.cache.load(ref) if mirror.cache is not None else None
            assert entry is not None
            stored = store.get(ref, DEFAULT_HOME, entry.text)
            assert stored is not None, key
            assert stored == parse_page(ref, entry.text, DEFAULT_HOME)
        store.close()
        if mirror.cache is not None:
            mirror.cache.close()
