"""``goodnews-tui sync`` at the mirror's scale (issue 11, "Benchmark"): 15,000 articles.

The synthetic mirror of ``bench/synth.py`` (30 indexes of 500 articles and one of all
15,000) is served on 127.0.0.1 by ``bench/server.py`` in its own process, with ETags and
304s like GitHub's raw host. Each measure runs the real command line (``python -m tui sync``)
in a child process, end to end, from a fresh cache unless said otherwise:

1. crawl sync of all 15,000 articles (fetch, cache, parse in worker processes, library and
   search index): articles/s, and the peak RSS of the largest process (``wait4``);
2. the same sync again with nothing changed (home and 31 indexes revalidated, a 304 each):
   seconds end to end;
3. archive sync from a local git server: the tree committed to a bare repository served by
   ``git daemon`` (``uploadpack.allowFilter``), then ``sync --archive`` (sparse, shallow,
   blob-filtered clone of ``*.md``, every page cached, parsed and indexed): seconds end to
   end.

Each figure is printed beside its target with PASS/FAIL; the exit status is 1 on a FAIL.

    uv run python bench/sync.py [--only crawl resync archive] [--keep | --state-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import synth  # noqa: E402
from bench.report import Report, Row  # noqa: E402
from bench.server import MirrorServer  # noqa: E402

CRAWL_RATE = 150.0  # articles/s
PEAK_RSS_MB = 250.0
RESYNC_S = 2.0
ARCHIVE_S = 120.0
MEASURES = ("crawl", "resync", "archive")


def run_sync(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB of the largest process, stderr) of one ``sync`` run."""
    argv = [sys.executable, "-m", "tui", "sync", "--quiet", *args]
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    _, err = proc.communicate()
    elapsed = time.perf_counter() - t0
    # The largest resident set of any process waited for so far (the sync and its parse
    # workers, which it waits for): the crawl runs first, so its figure is its own.
    import resource

    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if proc.returncode != 0:
        raise RuntimeError(f"sync failed ({proc.returncode}): {err.decode()[-500:]}")
    return elapsed, peak, err.decode()


def library_count(cache: Path) -> int:
    import sqlite3

    db = sqlite3.connect(cache / "state" / "library.sqlite3")
    try:
        return int(db.execute("SELECT count(*) FROM texts").fetchone()[0])
    finally:
        db.close()


def prepare(where: Path) -> tuple[Path, synth.Plan]:
    plan = synth.make_plan()
    tree = where / "mirror"
    stamp = where / "TREE.json"
    if not (stamp.is_file() and json.loads(stamp.read_text()).get("plan") == plan.fingerprint):
        shutil.rmtree(tree, ignore_errors=True)
        t0 = time.perf_counter()
        size = synth.write_tree(plan, tree)
        print(f"generated {size / 1e6:.0f} MB of pages in {time.perf_counter() - t0:.1f} s")
        stamp.write_text(json.dumps({"plan": plan.fingerprint}))
    return tree, plan


def git_repo(tree: Path, where: Path) -> Path:
    """A bare repository of the synthetic mirror (built once, kept with the state)."""
    bare = where / "served" / "goodnews.git"
    if bare.is_dir():
        return bare
    work = synth.repo_dir(tree)
    git = ["git", "-c", "user.email=b@example.invalid", "-c", "user.name=bench"]
    t0 = time.perf_counter()
    shutil.rmtree(work / ".git", ignore_errors=True)
    subprocess.run([*git, "init", "-q", "-b", synth.REF], cwd=work, check=True)
    subprocess.run([*git, "add", "-A"], cwd=work, check=True)
    subprocess.run([*git, "commit", "-qm", "synthetic mirror"], cwd=work, check=True)
    bare.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([*git, "clone", "-q", "--bare", str(work), str(bare)], check=True)
    shutil.rmtree(work / ".git")
    for key in ("uploadpack.allowFilter", "uploadpack.allowAnySHA1InWant"):
        subprocess.run(["git", "config", key, "true"], cwd=bare, check=True)
    print(f"built the git repository in {time.perf_counter() - t0:.1f} s")
    return bare


def git_daemon(base: Path) -> tuple[subprocess.Popen[bytes], int]:
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
            f"--base-path={base}",
            str(base),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return daemon, port
        except OSError:
            if time.monotonic() > deadline:
                daemon.terminate()
                raise RuntimeError("git daemon did not start") from None
            time.sleep(0.05)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="+", choices=MEASURES, default=list(MEASURES))
    parser.add_argument("--keep", action="store_true", help="keep the mirror in the temp dir")
    parser.add_argument("--state-dir", type=Path, default=None)
    args = parser.parse_args()
    where = args.state_dir or (
        Path(tempfile.gettempdir()) / "goodnews-bench-sync"
        if args.keep
        else Path(tempfile.mkdtemp(prefix="goodnews-bench-sync-"))
    )
    where.mkdir(parents=True, exist_ok=True)
    tree, plan = prepare(where)
    report = Report()
    cache = where / "cache-crawl"
    articles = len(plan.articles)
    try:
        with MirrorServer(tree) as server:
            if "crawl" in args.only or "resync" in args.only:
                shutil.rmtree(cache, ignore_errors=True)
                print(f"crawl sync of {articles:,} articles from {server.base_url} …", flush=True)
                elapsed, rss, _ = run_sync(["--mirror", server.base_url, "--cache-dir", str(cache)])
                count = library_count(cache)
                if count != articles:
                    raise RuntimeError(f"the library holds {count} articles, not {articles}")
                if "crawl" in args.only:
                    report.add(
                        Row(
                            "crawl sync, 15,000 articles",
                            [articles / elapsed],
                            CRAWL_RATE,
                            "/s",
                            note=f"{elapsed:.1f} s end to end",
                        )
                    )
                    report.add(Row("crawl sync peak RSS", [rss], PEAK_RSS_MB, " MB"))
            if "resync" in args.only:
                before = server.stats()
                times = []
                for _ in range(3):
                    elapsed, _, _ = run_sync(
                        ["--mirror", server.base_url, "--cache-dir", str(cache)]
                    )
                    times.append(elapsed * 1000)
                after = server.stats()
                note = (
                    f"{(after['304'] - before['304']) // 3} revalidated (304),"
                    f" {(after['200'] - before['200']) // 3} fetched per run"
                )
                report.add(Row("re-sync, nothing changed", times, RESYNC_S * 1000, "ms", note=note))
            if "archive" in args.only:
                if shutil.which("git") is None:
                    print("git is not installed: the archive measure is skipped")
                else:
                    bare = git_repo(tree, where)
                    daemon, port = git_daemon(bare.parent)
                    data = where / "data"
                    archive_cache = where / "cache-archive"
                    try:
                        shutil.rmtree(data, ignore_errors=True)
                        shutil.rmtree(archive_cache, ignore_errors=True)
                        print("archive sync from git daemon …", flush=True)
                        elapsed, rss, _ = run_sync(
                            [
                                "--archive",
                                "--archive-url",
                                f"git://127.0.0.1:{port}/goodnews.git",
                                "--mirror",
                                server.base_url,
                                "--cache-dir",
                                str(archive_cache),
                            ],
                            env={"GOODNEWS_TUI_DATA_DIR": str(data)},
                        )
                    finally:
                        daemon.terminate()
                        daemon.wait(timeout=10)
                    count = library_count(archive_cache)
                    if count != articles:
                        raise RuntimeError(f"the archive gave {count} articles, not {articles}")
                    report.add(
                        Row(
                            "archive sync from a local git server",
                            [elapsed * 1000],
                            ARCHIVE_S * 1000,
                            "ms",
                            note=f"{count:,} articles, {rss:.0f} MB peak",
                        )
                    )
    finally:
        if not (args.keep or args.state_dir):
            shutil.rmtree(where, ignore_errors=True)
    print()
    print(report.table())
    return report.exit_status()


if __name__ == "__main__":
    raise SystemExit(main())
