"""Core costs that once were timed inside unit tests (timings belong here, not in the suite).

Each figure is printed beside its target with PASS or FAIL (exit status 1 when one fails):

1. converting the bundled sample's 2,000-paragraph article to traditional characters (the
   script shown when a reader picks 繁體), best of 5 after the converter is loaded:
   <= 50 ms;
2. the unread counts of the home list over 15 indexes of 1,000 entries each (15,000 listed
   articles, a third read), one grouped query, median of 11 after a warm-up: <= 50 ms;
3. wrapping 2,000 mixed Chinese and Latin paragraphs to 80 columns: <= 500 ms.

Usage: ``uv run python bench/core.py``. Not part of the test suite.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report import Report, Row  # noqa: E402
from tui.core.library import LIBRARY_FILE, Library  # noqa: E402
from tui.core.mirror import SAMPLE_HOME, sample_mirror  # noqa: E402
from tui.core.models import Article, Entry  # noqa: E402
from tui.core.parse import parse_page  # noqa: E402
from tui.core.script import Script, convert_page  # noqa: E402
from tui.core.text import wrap  # noqa: E402
from tui.core.urls import DEFAULT_HOME, PageRef  # noqa: E402

CONVERT_MS = 50.0
UNREAD_MS = 50.0
WRAP_MS = 500.0
LONG_ARTICLE = PageRef("goodnews-sample", "goodnews", "master", "pages/nsc422/n14200030.md")


def ms(seconds: float) -> float:
    return seconds * 1e3


def bench_convert(report: Report) -> None:
    root = sample_mirror().source.root  # type: ignore[attr-defined]
    text = (root / LONG_ARTICLE.raw_path).read_text("utf-8")
    article = parse_page(LONG_ARTICLE, text, SAMPLE_HOME)
    assert isinstance(article, Article) and len(article.blocks) >= 2000
    convert_page(article, Script.TRADITIONAL)  # loads the converter
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        convert_page(article, Script.TRADITIONAL)
        times.append(ms(time.perf_counter() - t0))
    report.add(
        Row(
            "2,000-paragraph article to traditional",
            [min(times)],
            CONVERT_MS,
            note=f"best of 5; {len(article.blocks):,} blocks",
        )
    )


def bench_unread(report: Report) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library(Path(tmp) / LIBRARY_FILE)
        home = DEFAULT_HOME
        for i in range(15):
            at = home.with_path(f"indexes/i{i}.md")
            numbers = range(i * 1000, (i + 1) * 1000)
            refs = [home.with_path(f"pages/p1/{n}.md") for n in numbers]
            lib.record_entries([Entry(f"title {r.name}", r.path, ref=r) for r in refs], at)
        lib.mark_all_read([home.with_path(f"pages/p1/{n}.md").key for n in range(0, 15_000, 3)])
        lib.unread_counts()  # SQLite's page cache warm, as on a second showing
        times = []
        for _ in range(11):
            t0 = time.perf_counter()
            counts = lib.unread_counts()
            times.append(ms(time.perf_counter() - t0))
        assert sum(counts.values()) == 10_000, counts
        lib.close()
    report.add(Row("unread counts, 15 x 1,000 entries", times, UNREAD_MS, note="median of 11"))


def bench_wrap(report: Report) -> None:
    para = (
        "【大纪元2022年10月26日讯】首场“家长生存妙招”10月19日由吴佳颖主讲，Latin words here. " * 3
    )
    wrap(para, 80)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(2000):
            wrap(para, 80)
        times.append(ms(time.perf_counter() - t0))
    report.add(Row("wrap 2,000 paragraphs to 80 columns", times, WRAP_MS, note="median of 5"))


def main() -> int:
    report = Report()
    bench_convert(report)
    bench_unread(report)
    bench_wrap(report)
    print(report.table())
    return report.exit_status()


if __name__ == "__main__":
    raise SystemExit(main())
