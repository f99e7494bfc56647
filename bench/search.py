"""Search at the mirror's scale (issue 11, "Benchmark"): 15,000 articles in the library.

The library is filled from the synthetic mirror of ``bench/synth.py`` through the real
parser and ``Library.record_records`` (parse workers compute the index tokens, as ``sync``
does). The synthetic pages hold no Latin words, so before recording, every tenth article's
body gets one of a few Latin words (deterministically), so that Latin queries have matches
to rank and cut snippets from, as the real mirror's ``iPhone``/``COVID``/``WHO`` do.

Measured, each query through ``tui.core.search.search`` (parse, FTS5 match, bm25 and
recency ranking, top 20, snippets with highlights) on a warm library:

- 1-, 2-, 3- and 4-character Chinese queries cut from random titles and bodies, Latin words
  and mixed queries: p95 latency per kind (target 50 ms);
- the index's size (the FTS5 shadow tables) against the UTF-8 size of the text it indexes
  (title, body, tags, source, category): target 1.5x.

    uv run python bench/search.py [--runs N] [--queries N] [--keep | --state-dir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import synth  # noqa: E402
from bench.report import Report, Row  # noqa: E402
from bench.ui import launched, painted  # noqa: E402
from tui.core.library import (  # noqa: E402
    LIBRARY_FILE,
    SEARCH_INDEX,
    ArticleRecord,
    Library,
    search_tokens,
)
from tui.core.search import search  # noqa: E402
from tui.core.sync import _parse_records  # noqa: E402
from tui.core.urls import PageRef  # noqa: E402

P95_MS = 50.0
IN_APP_MS = 100.0  # last key of a query typed in the app's search -> results painted
TYPING_GAP = 0.12  # seconds between typed keys: a brisk typist
SIZE_RATIO = 1.5
LATIN = ("iPhone", "COVID", "WHO", "Tesla", "NASA", "TikTok", "Huawei", "Twitter")
HOME = PageRef(synth.OWNER, synth.REPO, synth.REF, "README.md")


def _cjk(text: str) -> bool:
    return all("\u4e00" <= c <= "\u9fff" for c in text)


def _with_latin(record: ArticleRecord, n: int) -> ArticleRecord:
    if n % 10:
        return record
    word = LATIN[(n // 10) % len(LATIN)]
    body = f"{record.body}\n据报道，{word} 相关消息引发关注。"
    tokens = search_tokens(record.title, body, record.tags, record.source, record.category)
    return record._replace(body=body, tokens=tokens)


def _job(items: list[tuple[int, PageRef, str]]) -> list[ArticleRecord]:
    parsed = _parse_records([(ref, text, HOME) for _, ref, text in items])
    out = []
    for (n, _, _), record in zip(items, parsed, strict=True):
        assert isinstance(record, ArticleRecord), record
        out.append(_with_latin(record, n))
    return out


def _chunk(plan: synth.Plan, start: int, size: int) -> list[tuple[int, PageRef, str]]:
    return [
        (n, HOME.with_path(spec.path), synth.article_text(spec))
        for n, spec in enumerate(plan.articles[start : start + size], start)
    ]


def _make(args: tuple[int, int]) -> list[ArticleRecord]:
    plan = synth.make_plan()
    return _job(_chunk(plan, *args))


def fill(path: Path, plan: synth.Plan) -> str:
    t0 = time.perf_counter()
    library = Library(path)
    size = 250
    starts = [(i, size) for i in range(0, len(plan.articles), size)]
    workers = os.cpu_count() or 1
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        for records in pool.map(_make, starts):
            library.record_records(records)
    library.close()
    return f"filled {len(plan.articles):,} articles in {time.perf_counter() - t0:.1f} s"


def prepare(where: Path, plan: synth.Plan) -> tuple[Path, str]:
    path = where / LIBRARY_FILE
    stamp = where / "LIBRARY.json"
    if stamp.is_file() and json.loads(stamp.read_text()).get("plan") == plan.fingerprint:
        return path, f"reused the library in {where}"
    path.unlink(missing_ok=True)
    note = fill(path, plan)
    stamp.write_text(json.dumps({"plan": plan.fingerprint}))
    return path, note


def queries(library: Library, count: int, seed: int = 7) -> dict[str, list[str]]:
    """Queries of each kind, cut from the library's own titles and bodies."""
    rng = random.Random(seed)
    rows = library._db.execute(
        "SELECT t.title, b.body FROM texts t JOIN bodies b ON b.id = t.id"
    ).fetchall()
    out: dict[str, list[str]] = {f"{n}-character": [] for n in (1, 2, 3, 4)}
    out["Latin"] = [LATIN[i % len(LATIN)] for i in range(count)]
    out["mixed"] = []
    while any(len(v) < count for k, v in out.items() if k != "Latin"):
        title, body = rng.choice(rows)
        text = rng.choice([title, body])
        for n in (1, 2, 3, 4):
            key = f"{n}-character"
            if len(out[key]) < count:
                for _ in range(20):
                    at = rng.randrange(max(1, len(text) - n))
                    piece = text[at : at + n]
                    if len(piece) == n and _cjk(piece):
                        out[key].append(piece)
                        break
        if len(out["mixed"]) < count:
            at = rng.randrange(max(1, len(title) - 2))
            piece = title[at : at + 2]
            if _cjk(piece):
                out["mixed"].append(f"{LATIN[len(out['mixed']) % len(LATIN)]} {piece}")
    return out


async def _typed_in_app(path: Path, texts: list[str]) -> tuple[list[float], int]:
    """Type each query into the real app's search place (120x40, the library above, the
    bundled sample as mirror), key by key at a typist's pace; the time from the last key's
    event to its results shown and the screen refreshed."""
    from textual import events

    from tui.app import GoodnewsApp
    from tui.core.config import Options
    from tui.core.mirror import open_mirror
    from tui.nav.places import PlaceKind

    # The synthetic mirror's home page alone, as a local folder: the library's articles
    # belong to that repository, so search results are theirs (raw layout, as synth writes).
    tree = path.parent / "home-only"
    home_file = synth.repo_dir(tree) / "README.md"
    home_file.parent.mkdir(parents=True, exist_ok=True)
    home_file.write_text(synth.home_text(synth.make_plan()), "utf-8")
    mirror = open_mirror(Options(mirror=str(tree), cache_dir=path.parent / "app-cache"))
    library = Library(path)
    app = GoodnewsApp(mirror, library=library, prefetch=False)
    samples: list[float] = []
    found = 0

    def press(key: str, character: str | None) -> float:
        event = events.Key(key, character)
        event.set_sender(app)
        t0 = time.perf_counter()
        app.post_message(event)  # as the driver sends keys (``pilot.press`` waits for idle)
        return t0

    async def until(condition: Callable[[], bool], what: str) -> None:
        deadline = time.perf_counter() + 30
        while not condition():
            if time.perf_counter() > deadline:
                raise TimeoutError(f"waited 30 s for {what}")
            await asyncio.sleep(0.001)

    async with launched(app, (120, 40)) as pilot:
        browser = app.browser
        await until(lambda: len(browser.state.rows) > 0, "the home list")
        await pilot.press("s")
        await until(lambda: browser.place.kind is PlaceKind.SEARCH, "the search place")

        def shown(query: str) -> Callable[[], bool]:
            return lambda: browser.place.tag == query and browser._filled == browser.place

        for text in texts:
            press("ctrl+u", None)
            await until(shown(""), "the query cleared")
            await pilot.pause(TYPING_GAP)
            for ch in text[:-1]:
                press("space" if ch == " " else ch, ch)
                await asyncio.sleep(TYPING_GAP)
            last = text[-1]
            t0 = press("space" if last == " " else last, last)
            await until(shown(text), f"the results of {text!r}")
            await painted(app)
            samples.append((time.perf_counter() - t0) * 1000)
            found += len(browser.state.rows)
    assert found, "no query found anything: the app searched another repository"
    library.close()
    return samples, found


def index_ratio(path: Path) -> tuple[float, str]:
    db = sqlite3.connect(path)
    try:
        try:
            index = db.execute(
                "SELECT sum(pgsize) FROM dbstat WHERE name LIKE ?", (f"{SEARCH_INDEX}_%",)
            ).fetchone()[0]
        except sqlite3.Error:  # no dbstat: the blocks alone
            index = db.execute(f"SELECT sum(length(block)) FROM {SEARCH_INDEX}_data").fetchone()[0]
        text = db.execute(
            "SELECT sum(length(CAST(t.title AS BLOB)) + length(CAST(b.body AS BLOB))"
            " + length(CAST(t.tags AS BLOB)) + length(CAST(coalesce(t.source, '') AS BLOB))"
            " + length(CAST(coalesce(t.category, '') AS BLOB)))"
            " FROM texts t JOIN bodies b ON b.id = t.id"
        ).fetchone()[0]
    finally:
        db.close()
    return index / text, f"index {index / 1e6:.1f} MB for {text / 1e6:.1f} MB of text"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="times each query runs")
    parser.add_argument("--queries", type=int, default=40, help="queries of each kind")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--state-dir", type=Path, default=None)
    args = parser.parse_args()
    where = args.state_dir or (
        Path(tempfile.gettempdir()) / "goodnews-bench-search"
        if args.keep
        else Path(tempfile.mkdtemp(prefix="goodnews-bench-search-"))
    )
    where.mkdir(parents=True, exist_ok=True)
    plan = synth.make_plan()
    try:
        path, note = prepare(where, plan)
        print(note, flush=True)
        library = Library(path)
        search(library, "热身")  # loads OpenCC's table once, as the first query of a session
        report = Report()
        for kind, texts in queries(library, args.queries).items():
            samples: list[float] = []
            shown = 0
            for text in texts:
                for _ in range(args.runs):
                    t0 = time.perf_counter()
                    found = search(library, text, limit=20)
                    samples.append((time.perf_counter() - t0) * 1000)
                shown += len(found.results)
                assert all(r.snippet.text for r in found.results)
            report.add(
                Row(
                    f"search, {kind} queries, top 20 with snippets",
                    samples,
                    P95_MS,
                    "ms",
                    note=f"{len(texts)} queries, {shown / len(texts):.1f} results each",
                    by="p95",
                )
            )
        typed = [t for kind, ts in queries(library, 8, seed=11).items() for t in ts]
        samples, found = asyncio.run(_typed_in_app(path, typed))
        report.add(
            Row(
                "in-app search: last key typed -> results painted",
                samples,
                IN_APP_MS,
                note=f"{len(typed)} queries typed key by key, {found / len(typed):.1f} rows each",
                by="p95",
            )
        )
        ratio, detail = index_ratio(path)
        report.add(Row("search index size / indexed text", [ratio], SIZE_RATIO, "x", note=detail))
        library.close()
    finally:
        if not (args.keep or args.state_dir):
            shutil.rmtree(where, ignore_errors=True)
    print()
    print(report.table())
    return report.exit_status()


if __name__ == "__main__":
    raise SystemExit(main())
