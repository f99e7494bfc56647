"""Parse-and-clean throughput on the corpus articles (issue 3, section 6).

Runs on one core (the process is pinned where the OS allows it) and prints articles/s and
the p50/p95 time per article. Usage: ``uv run python bench/parse.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.corpus import pages  # noqa: E402
from tui.core.parse import parse_page  # noqa: E402
from tui.core.urls import DEFAULT_HOME  # noqa: E402


def big_index(n: int = 2000) -> str:
    """A generated index of ``n`` entries in the mirror's usual line shape."""
    lines = [f"#### [第{i}条新闻：标题 {i}](../pages/x/{i}.md?t=1) " for i in range(n)]
    return "\n\n".join(lines) + "\n"


def bench_index(n: int = 2000, rounds: int = 20) -> None:
    ref = DEFAULT_HOME.with_path("indexes/E大陆新闻.md")
    text = big_index(n)
    page = parse_page(ref, text, DEFAULT_HOME)  # warm imports
    assert len(page.entries) == n, len(page.entries)
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        parse_page(ref, text, DEFAULT_HOME)
        times.append(time.perf_counter() - t0)
    print(
        f"index of {n:,} entries: median {statistics.median(times) * 1e3:.1f} ms,"
        f" best {min(times) * 1e3:.1f} ms ({rounds} rounds)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=5, help="passes over the corpus (default 5)")
    ap.add_argument("--index-only", action="store_true", help="only the 2,000-entry index")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    bench_index()
    if args.index_only:
        return
    docs = [(p.ref, p.text()) for p in pages("article")]
    chars = sum(len(t) for _, t in docs)
    for ref, text in docs[:5]:  # warm imports and caches
        parse_page(ref, text, DEFAULT_HOME)
    times: list[float] = []
    gc.collect()
    start = time.perf_counter()
    for _ in range(args.rounds):
        for ref, text in docs:
            t0 = time.perf_counter()
            parse_page(ref, text, DEFAULT_HOME)
            times.append(time.perf_counter() - t0)
    total = time.perf_counter() - start
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"articles: {len(docs)} ({chars:,} chars) x {args.rounds} rounds, one core")
    print(
        f"throughput: {len(times) / total:.0f} articles/s ({chars * args.rounds / total / 1e6:.2f} Mchar/s)"
    )
    print(
        f"per article: p50 {statistics.median(times) * 1e3:.2f} ms, p95 {p95 * 1e3:.2f} ms, max {times[-1] * 1e3:.2f} ms"
    )


if __name__ == "__main__":
    main()
