"""The browser at the real mirror's scale (issue 8, "Benchmark"): 15,000 articles.

A synthetic mirror (``bench/synth.py``: 30 indexes of 500 articles, one of all 15,000,
three tags on 5,000 articles each) is served from a real HTTP server in its own process on
127.0.0.1 (``bench/server.py``). The cache and the library are filled through the app's
own core (``open_mirror``, ``parse_page`` in worker processes, ``Library``), then the real
app is driven under Pilot (``run_test``) at 120x40 and timed:

1. open the 15,000-entry index from the home list, prefetch on: Enter -> painted;
2. open a cached article from that list: Enter -> painted;
3. the related list of a 5,000-article tag, by its link number in the reader: Enter ->
   painted;
4. ``down`` -> painted in a 500-entry index while its prefetch runs (every press);
5. prefetch of a 500-entry index of new articles over loopback: articles/s;
6. the same prefetch with a 5,000-article tag's related list open: articles/s and
   ``down`` -> painted in that list;
7. first paint of the home list (``python -m tui`` in a pseudo-terminal, as bench/ui.py
   measures it) with the full library and cache against a cache holding only the home
   page and an empty library.

"Painted" is: the app's state shows the result, then the screen has been refreshed.
Each app session starts from the filled state; prefetch runs each start from a fresh copy
of it, and the server publishes 500 new articles in the index they open (the overlay),
as the mirror does when news arrives. One untimed session precedes the timed ones.
Figures are medians over ``--runs`` runs (p95 for keys, over every press), each beside its
target with PASS or FAIL; the exit status is 1 when any fails. First paint takes at least
``PAINT_RUNS`` interleaved pairs: a ratio of two medians of about 450 ms start-ups swings by
a fifth over 5 pairs on a busy 2-core machine, more than the 10% the target allows.

    uv run python bench/scale.py [--runs N] [--keep | --state-dir DIR] [--only M ...]

``--state-dir`` (or ``--keep``: a fixed folder under the temp dir) keeps the generated
mirror and the filled cache and library for the next run, which then starts in seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textual import events  # noqa: E402

from bench import synth  # noqa: E402
from bench.server import MirrorServer  # noqa: E402
from bench.ui import (  # noqa: E402
    BENCH_LANG,
    Report,
    Row,
    launched,
    ms,
    painted,
    run_in_terminal,
)
from tui.app import GoodnewsApp  # noqa: E402
from tui.core.config import Options  # noqa: E402
from tui.core.library import LIBRARY_FILE, Library  # noqa: E402
from tui.core.mirror import open_mirror  # noqa: E402
from tui.core.models import Article, Home, Index  # noqa: E402
from tui.core.parse import parse_page  # noqa: E402
from tui.core.parsed import (  # noqa: E402
    parse_with_store,
    parsed_directory,
    parser_version,
    store_at,
)
from tui.core.urls import PageRef  # noqa: E402
from tui.widgets.entries import EntryList  # noqa: E402

SIZE = (120, 40)
WAIT = 60.0  # seconds before a stuck step is an error
PREFETCH_CAP = 20.0  # seconds a prefetch run is followed at most (a slow one is cut short)
KEY_GAP = 0.03  # seconds between key presses: about a held key's repeat rate
HOME = PageRef(synth.OWNER, synth.REPO, synth.REF, "README.md")
FILL_VERSION = 2  # 2: the fill keeps parsed models, as browsing with prefetch on does

OPEN_BIG_INDEX_MS = 150.0
CACHED_ARTICLE_MS = 50.0
RELATED_MS = 150.0
KEY_P95_MS = 50.0
PREFETCH_RATE = 80.0
PREFETCH_RELATED_RATE = 60.0
FIRST_PAINT_RATIO = 1.1
PAINT_RUNS = 11  # the least number of interleaved first-paint pairs (see the docstring)
MEASURES = ("open", "prefetch", "keys", "related-prefetch", "paint")


# -- the one adapter over the app's internals -----------------------------------------------
# The app is being refactored (a thin App with a BrowserScreen that keeps a documented
# ``state``); everything this bench reads or builds goes through the functions below.


class State(NamedTuple):
    place_kind: str
    place_title: str
    row_count: int
    selected_index: int | None
    reader_ref: PageRef | None
    reader_page_loaded: bool
    prefetch_progress: tuple[int, int] | None


_PROGRESS = re.compile(r"(\d+)\s*/\s*(\d+)")


def state(app: GoodnewsApp) -> State:
    """What the user sees, from ``app.screen.state`` when the app has one, else today's app."""
    screen = app.screen
    if hasattr(screen, "state"):
        st: Any = screen.state
        page = st.reader_page
        return State(
            st.place.kind,
            st.place.title or "",
            len(st.rows),
            st.selection,
            st.reader,
            page is not None and st.reader is not None and page.ref == st.reader,
            tuple(st.progress) if st.progress is not None else None,  # type: ignore[arg-type]
        )
    a: Any = app
    page = a.reader_page
    reader = a.view.reader
    m = _PROGRESS.search(a.prefetch_status or "")
    return State(
        a.view.place.kind,
        a.view.place.title or "",
        len(a.entries.items),
        a.entries.highlighted,
        reader,
        page is not None and reader is not None and page.ref == reader and a.reader.line_count > 0,
        (int(m[1]), int(m[2])) if m else None,
    )


def row_of(app: GoodnewsApp, ref: PageRef) -> int:
    """The list row that shows ``ref`` (a bench needs it to highlight an entry)."""
    screen: Any = app.screen
    rows = screen.state.rows if hasattr(screen, "state") else app.entries.items  # type: ignore[attr-defined]
    return next(i for i, row in enumerate(rows) if row.ref == ref)


def make_app(options: Options, library: Library) -> GoodnewsApp:
    """The app exactly as the command line builds it (``tui.app.make_app``)."""
    from tui.app import make_app as build

    return build(options, open_mirror(options), library)


def entry_list(app: GoodnewsApp) -> EntryList:
    return app.screen.query_one(EntryList)


# -- driving and waiting ----------------------------------------------------------------------


async def until(app: GoodnewsApp, condition: Callable[[State], bool], what: str) -> State:
    deadline = time.perf_counter() + WAIT
    while True:
        st = state(app)
        if condition(st):
            return st
        if time.perf_counter() > deadline:
            raise TimeoutError(f"waited {WAIT:g} s for {what}; state: {st}")
        await asyncio.sleep(0.001)


def press(app: GoodnewsApp, key: str, character: str | None = None) -> float:
    """Send a key as the driver does (not ``pilot.press``, which also waits for idle)."""
    event = events.Key(key, character)
    event.set_sender(app)
    t0 = time.perf_counter()
    app.post_message(event)
    return t0


async def settle(app: GoodnewsApp, pilot: Any) -> None:
    await pilot.pause()
    await painted(app)


async def highlight(app: GoodnewsApp, pilot: Any, ref: PageRef) -> None:
    entries = entry_list(app)
    entries.focus()
    entries.highlighted = row_of(app, ref)
    await settle(app, pilot)


async def home_shown(app: GoodnewsApp, pilot: Any) -> None:
    await until(app, lambda s: s.place_kind == "home" and s.row_count > 0, "the home list")
    await settle(app, pilot)


async def open_from_list(app: GoodnewsApp, pilot: Any, ref: PageRef) -> float:
    await highlight(app, pilot, ref)
    return press(app, "enter", "\r")


async def key_latencies(
    app: GoodnewsApp, pilot: Any, keep_going: Callable[[], bool], out: list[float]
) -> None:
    """Press ``down`` while ``keep_going()``; each press until the selection moved and painted."""
    while keep_going():
        before = state(app).selected_index
        if before is not None and before >= state(app).row_count - 1:
            break
        t0 = press(app, "down")
        await until(app, lambda s, b=before: s.selected_index != b, "the selection to move")
        await painted(app)
        out.append(ms(time.perf_counter() - t0))
        await asyncio.sleep(KEY_GAP)


# -- the filled state -------------------------------------------------------------------------


class Workspace(NamedTuple):
    tree: Path  # the generated mirror, raw layout
    full: Path  # cache root: pages/ and state/library.sqlite3, every page fetched and parsed
    empty: Path  # cache root holding only the home page, empty library

    @property
    def ready(self) -> Path:
        return self.full.parent / "READY.json"


def library_for(cache_root: Path) -> Library:
    return Library(cache_root / "state" / LIBRARY_FILE)


def _parse_chunk(parsed: Path, items: list[tuple[PageRef, str]]) -> list[Any]:
    """Parse as the app's prefetch and sync do: each model kept in the parsed-model store, so
    an article opened later is read back, not parsed again."""
    store = store_at(parsed)
    return [parse_with_store(store, ref, text, HOME) for ref, text in items]


async def fill(plan: synth.Plan, base_url: str, ws: Workspace) -> str:
    """Fetch every page over HTTP into the cache, parse the articles in worker processes and
    record them and the index entries in the library, as browsing the whole mirror would."""
    t0 = time.perf_counter()
    mirror = open_mirror(Options(mirror=base_url, cache_dir=ws.full))
    library = library_for(ws.full)
    indexes = [PageRef(*HOME[:3], i.path) for i in (*plan.indexes, plan.big_index)]
    articles = [PageRef(*HOME[:3], a.path) for a in plan.articles]
    semaphore = asyncio.Semaphore(16)

    async def get(ref: PageRef) -> str:
        async with semaphore:
            return (await mirror.get(ref)).text

    try:
        await get(HOME)
        index_texts = await asyncio.gather(*(get(r) for r in indexes))
        texts = await asyncio.gather(*(get(r) for r in articles))
    finally:
        await mirror.aclose()
    fetched = time.perf_counter()
    workers = os.cpu_count() or 1
    pairs = list(zip(articles, texts, strict=True))
    chunks = [pairs[i : i + 250] for i in range(0, len(pairs), 250)]
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        parse = functools.partial(_parse_chunk, parsed_directory(ws.full))
        for models in pool.map(parse, chunks):
            for model in models:
                assert isinstance(model, Article), model
                library.record(model)
    for ref, text in zip(indexes, index_texts, strict=True):
        index = parse_page(ref, text, HOME)
        assert isinstance(index, Index)
        library.record_entries(index.entries)
    library.close()
    empty = open_mirror(Options(mirror=base_url, cache_dir=ws.empty))
    try:
        await empty.get(HOME)
    finally:
        await empty.aclose()
    library_for(ws.empty).close()
    done = time.perf_counter()
    return (
        f"filled {len(articles):,} articles + {len(indexes)} indexes: fetch {fetched - t0:.1f} s, "
        f"parse and record {done - fetched:.1f} s ({workers} processes)"
    )


def prepare(plan: synth.Plan, where: Path) -> tuple[Workspace, str]:
    """Reuse the state in ``where`` when it was made from the same plan, else build it."""
    ws = Workspace(where / "mirror", where / "filled" / "full", where / "filled" / "empty")
    # The stored models are keyed by the parser's version: a state filled by another
    # parser would have the app parse every page again, and time that instead.
    stamp = {"plan": plan.fingerprint, "fill": FILL_VERSION, "parser": parser_version()}
    if ws.ready.is_file() and json.loads(ws.ready.read_text()) == stamp:
        return ws, f"reused the filled state in {where}"
    for path in (ws.tree, ws.full.parent):
        shutil.rmtree(path, ignore_errors=True)
    t0 = time.perf_counter()
    size = synth.write_tree(plan, ws.tree)
    made = f"generated {size / 1e6:.0f} MB of pages in {time.perf_counter() - t0:.1f} s; "
    with MirrorServer(ws.tree) as server:
        made += asyncio.run(fill(plan, server.base_url, ws))
    ws.ready.write_text(json.dumps(stamp))
    return ws, made


def copy_state(source: Path, target: Path) -> Path:
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    return target


async def refresh_lists(base_url: str, cache_root: Path, refs: list[PageRef]) -> None:
    """Revalidate home and index pages (a 304 each), so a kept state's lists count as fresh."""
    mirror = open_mirror(Options(mirror=base_url, cache_dir=cache_root))
    try:
        for ref in refs:
            await mirror.get(ref, refresh=True)
    finally:
        await mirror.aclose()


# -- 1-3: the big index, a cached article, a big tag's related list ------------------------------


class Bench(NamedTuple):
    plan: synth.Plan
    ws: Workspace
    work: Path
    overlay: Path
    server: MirrorServer
    runs: int

    def ref(self, path: str) -> PageRef:
        return PageRef(*HOME[:3], path)

    def list_refs(self) -> list[PageRef]:
        return [HOME, *(self.ref(i.path) for i in (*self.plan.indexes, self.plan.big_index))]


def _tag_link(spec: synth.ArticleSpec, tag: str) -> int:
    """The reader's number for the link of ``tag`` (the bench parses the page as the app does)."""
    article = parse_page(PageRef(*HOME[:3], spec.path), synth.article_text(spec), HOME)
    assert isinstance(article, Article)
    return next(link.n for link in article.links if link.kind == "tag" and link.text == tag)


async def open_tag(app: GoodnewsApp, pilot: Any, n: int) -> float:
    """Type the link number in the reader, then Enter (timed from the Enter)."""
    for digit in str(n):
        press(app, digit, digit)
        await pilot.pause()
    return press(app, "enter", "\r")


def _related_shown(tag: str) -> Callable[[State], bool]:
    least = synth.BIG_TAG_ARTICLES - 1  # every carrier but the article it was opened from
    most = least + 1_000  # and the new articles a prefetch run has added; not the old list
    return lambda s: (
        s.place_kind == "related" and tag in s.place_title and least <= s.row_count <= most
    )


def measure_open(b: Bench, report: Report) -> None:
    print("1-3. the 15,000-entry index, a cached article, a 5,000-article tag", flush=True)
    plan = b.plan
    big = plan.members(plan.big_index)
    big_ref = b.ref(plan.big_index.path)
    cache_root = copy_state(b.ws.full, b.work / "open")
    asyncio.run(refresh_lists(b.server.base_url, cache_root, b.list_refs()))
    opened: list[float] = []
    article: list[float] = []
    related: list[float] = []
    notes: dict[str, Any] = {}

    async def session(run: int) -> None:
        tag = plan.big_tags[run % len(plan.big_tags)]
        spec = next(a for a in big[1000 + 613 * run :] if tag in a.tags)
        ref = b.ref(spec.path)
        link = _tag_link(spec, tag)
        library = library_for(cache_root)
        app = make_app(Options(mirror=b.server.base_url, cache_dir=cache_root), library)
        try:
            async with launched(app, SIZE) as pilot:
                await home_shown(app, pilot)
                before = b.server.stats()
                t0 = await open_from_list(app, pilot, big_ref)
                st = await until(
                    app,
                    lambda s: s.place_kind == "index" and s.row_count >= len(big),
                    "the 15,000-entry index",
                )
                await painted(app)
                t_index = ms(time.perf_counter() - t0)
                notes["rows"] = st.row_count
                await pilot.pause(0.05)
                await until(app, lambda s: s.prefetch_progress is None, "the prefetch to end")
                await settle(app, pilot)

                t0 = await open_from_list(app, pilot, ref)
                await until(
                    app, lambda s: s.reader_ref == ref and s.reader_page_loaded, "the article"
                )
                await painted(app)
                t_article = ms(time.perf_counter() - t0)
                await settle(app, pilot)

                t0 = await open_tag(app, pilot, link)
                st = await until(app, _related_shown(tag), f"the related list of {tag}")
                await painted(app)
                t_related = ms(time.perf_counter() - t0)
                notes["related"] = st.row_count
                after = b.server.stats()
                fetched = after["200"] - before["200"]
                assert fetched == 0, f"{fetched} pages were fetched: the cache is not full"
        finally:
            library.close()
        if run > 0:
            opened.append(t_index)
            article.append(t_article)
            related.append(t_related)
        print(
            f"  run {run}: index {t_index:.0f} ms, article {t_article:.0f} ms, "
            f"related {t_related:.0f} ms{'' if run else ' (untimed)'}",
            flush=True,
        )

    for run in range(b.runs + 1):
        asyncio.run(session(run))
    report.add(
        Row(
            "open 15,000-entry index, prefetch on",
            opened,
            OPEN_BIG_INDEX_MS,
            note=f"Enter -> painted; {notes['rows']:,} rows; live mirror, full cache",
        )
    )
    report.add(Row("open a cached article from that list", article, CACHED_ARTICLE_MS))
    report.add(
        Row(
            "related list of a 5,000-article tag",
            related,
            RELATED_MS,
            note=f"link number + Enter in the reader -> painted; {notes['related']:,} rows",
        )
    )


# -- 4-6: prefetch ------------------------------------------------------------------------------


def publish(b: Bench, slot: int) -> tuple[synth.IndexSpec, list[synth.ArticleSpec]]:
    """Put 500 new articles in front of an index on the server (the overlay tree)."""
    index = b.plan.indexes[slot % len(b.plan.indexes)]
    fresh = synth.extra_articles(b.plan, index, slot, len(b.plan.members(index)))
    base = synth.repo_dir(b.overlay)
    shutil.rmtree(base, ignore_errors=True)  # each run starts from the filled state alone
    (base / "indexes").mkdir(parents=True, exist_ok=True)
    (base / index.directory).mkdir(parents=True, exist_ok=True)
    (base / index.path).write_text(synth.index_text(fresh, stamp=f"{slot:08d}"), "utf-8")
    for spec in fresh:
        (base / spec.path).write_text(synth.article_text(spec), "utf-8")
    return index, fresh


class PrefetchRun(NamedTuple):
    rate: float  # articles/s while followed
    done: int
    total: int
    seconds: float
    keys: list[float]
    note: str = ""


async def prefetch_session(b: Bench, slot: int, *, keys: bool, related: bool) -> PrefetchRun:
    index, fresh = publish(b, slot)
    cache_root = copy_state(b.ws.full, b.work / "prefetch")
    index_ref = b.ref(index.path)
    await refresh_lists(b.server.base_url, cache_root, [*b.list_refs(), index_ref])
    library = library_for(cache_root)
    app = make_app(Options(mirror=b.server.base_url, cache_dir=cache_root), library)
    latencies: list[float] = []
    note = ""
    try:
        async with launched(app, SIZE) as pilot:
            await home_shown(app, pilot)
            await open_from_list(app, pilot, index_ref)
            st = await until(
                app,
                lambda s: s.place_kind == "index" and s.row_count >= len(fresh),
                "the index",
            )
            if related:
                # The tag's related list opens while the index's new articles are being
                # prefetched (it is the list that prefetch keeps filling).
                spec = next(a for a in fresh if a.tags and a.tags[0] in b.plan.big_tags)
                tag = spec.tags[0]
                app.browser.open_tag(tag)
                st = await until(app, _related_shown(tag), f"the related list of {tag}")
                rows_at_start = st.row_count
                await until(app, lambda s: s.prefetch_progress is not None, "the prefetch")
            else:
                st = await until(
                    app, lambda s: s.prefetch_progress is not None, "the prefetch to start"
                )
            progress = state(app).prefetch_progress
            if progress is None:
                raise RuntimeError("the prefetch ended before it could be followed")
            done0, total = progress
            t0 = time.perf_counter()
            last = [progress]

            def running() -> bool:
                p = state(app).prefetch_progress
                if p is not None:
                    last[0] = p
                return p is not None and time.perf_counter() - t0 < PREFETCH_CAP

            if keys:
                entry_list(app).focus()
                await key_latencies(app, pilot, running, latencies)
            while running():
                await asyncio.sleep(0.002)
            seconds = time.perf_counter() - t0
            finished = state(app).prefetch_progress is None
            done = total if finished else last[0][0]
            if related:
                await settle(app, pilot)
                note = (
                    f"followed {done - done0} articles; "
                    f"related rows {rows_at_start:,} -> {state(app).row_count:,}"
                )
    finally:
        library.close()
    rate = (done - done0) / seconds if seconds > 0 else 0.0
    return PrefetchRun(rate, done, total, seconds, latencies, note)


def measure_prefetch(b: Bench, report: Report, which: str) -> None:
    keys = which in ("keys", "related-prefetch")
    related = which == "related-prefetch"
    title = {
        "prefetch": "5. prefetch of a 500-entry index of new articles",
        "keys": "4. down -> painted while that prefetch runs",
        "related-prefetch": "6. prefetch with a 5,000-article tag's related list open",
    }[which]
    print(title, flush=True)
    first_slot = {"prefetch": 0, "keys": 10, "related-prefetch": 20}[which]
    runs: list[PrefetchRun] = []
    for run in range(b.runs + 1):
        before = b.server.stats()
        result = asyncio.run(prefetch_session(b, first_slot + run, keys=keys, related=related))
        fetched = b.server.stats()["200"] - before["200"]
        cut = "" if result.done == result.total else f", cut at {PREFETCH_CAP:g} s"
        print(
            f"  run {run}: {result.done}/{result.total} in {result.seconds:.1f} s = "
            f"{result.rate:.0f} articles/s, {fetched} pages served, {len(result.keys)} keys"
            f"{cut}{'' if run else ' (untimed)'}" + (f"; {result.note}" if result.note else ""),
            flush=True,
        )
        if run > 0:
            runs.append(result)
    rates = [r.rate for r in runs]
    pressed = [k for r in runs for k in r.keys]
    if which == "prefetch":
        report.add(
            Row(
                "prefetch of a 500-entry index",
                rates,
                PREFETCH_RATE,
                unit="/s",
                note="articles/s over loopback, 4 at a time; nothing pressed",
            )
        )
    elif which == "keys":
        report.add(key_row("key (down) while prefetch runs", pressed, "500-entry index list"))
        report.add(Row("  prefetch rate meanwhile", rates, unit="/s"))
    else:
        report.add(
            Row(
                "prefetch with that related list open",
                rates,
                PREFETCH_RELATED_RATE,
                unit="/s",
                note=runs[-1].note,
            )
        )
        report.add(key_row("  key (down) in the related list", pressed, "meanwhile"))


def key_row(name: str, pressed: list[float], note: str) -> Row:
    if not pressed:
        raise RuntimeError(f"{name}: no key press completed while the prefetch ran")
    return Row(name, pressed, KEY_P95_MS, by="p95", note=f"{len(pressed)} presses; {note}")


# -- 7: first paint -----------------------------------------------------------------------------


def home_markers(plan: synth.Plan) -> list[str]:
    home = parse_page(HOME, synth.home_text(plan), HOME)
    assert isinstance(home, Home)
    rows = [t for s in home.sections for t in (s.title, *(c.title for c in s.categories))]
    # The child apps speak BENCH_LANG (bench/ui.py's environment): so do the markers.
    from tui.i18n import _ as translate
    from tui.i18n import set_language

    set_language(BENCH_LANG)
    return [translate("Home"), rows[0], rows[min(29, len(rows) - 1)], f"q {translate('Quit')}"]


def measure_paint(b: Bench, report: Report) -> None:
    print("7. first paint: full library and cache against empty ones (pseudo-terminal)")
    full = copy_state(b.ws.full, b.work / "paint-full")
    empty = copy_state(b.ws.empty, b.work / "paint-empty")
    for root in (full, empty):
        asyncio.run(refresh_lists(b.server.base_url, root, [HOME]))
    # The copies just made (the full one is about 225 MB) are written back before timing:
    # the kernel's writeback of them would otherwise run during the timed starts.
    os.sync()
    markers = home_markers(b.plan)

    def argv(root: Path) -> list[str]:
        return [
            sys.executable,
            "-m",
            "tui",
            "--mirror",
            b.server.base_url,
            "--cache-dir",
            str(root),
        ]

    run_in_terminal(argv(full), markers)  # untimed: bytecode and OS caches for both
    run_in_terminal(argv(empty), markers)
    before = b.server.stats()
    with_full: list[float] = []
    with_empty: list[float] = []
    for _ in range(max(b.runs, PAINT_RUNS)):  # interleaved: drift affects both alike
        with_empty.append(ms(run_in_terminal(argv(empty), markers).total))
        with_full.append(ms(run_in_terminal(argv(full), markers).total))
    served = b.server.stats()["200"] - before["200"]
    assert served == 0, f"{served} pages were fetched by timed first-paint runs"
    report.add(Row("first paint: home only, empty library", with_empty))
    report.add(Row("first paint: 15,000 articles cached and known", with_full))
    ratio = statistics.median(with_full) / statistics.median(with_empty)
    pairs = statistics.median(f / e for f, e in zip(with_full, with_empty, strict=True))
    report.add(
        Row(
            "first paint: ratio full/empty",
            [ratio],
            FIRST_PAINT_RATIO,
            unit="x",
            note=f"ratio of medians; per-pair median {pairs:.2f}x; python -m tui, 120x40",
        )
    )


# -- main ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measure (default 5)")
    keep = parser.add_mutually_exclusive_group()
    keep.add_argument("--state-dir", type=Path, help="keep (and reuse) the filled state here")
    keep.add_argument(
        "--keep",
        action="store_true",
        help="keep the filled state in a fixed folder under the temp dir and reuse it",
    )
    parser.add_argument("--only", nargs="+", choices=MEASURES, help="run only these measures")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    wanted = set(args.only or MEASURES)
    started = time.perf_counter()
    plan = synth.make_plan()
    with tempfile.TemporaryDirectory(prefix="goodnews-scale-") as tmp:
        where = args.state_dir or (
            Path(tempfile.gettempdir()) / "goodnews-bench-scale" if args.keep else Path(tmp)
        )
        where.mkdir(parents=True, exist_ok=True)
        ws, made = prepare(plan, where.resolve())
        print(made, flush=True)
        work = Path(tmp) / "work"
        overlay = Path(tmp) / "overlay"
        work.mkdir()
        overlay.mkdir()
        report = Report()
        with MirrorServer(overlay, ws.tree) as server:
            b = Bench(plan, ws, work, overlay, server, args.runs)
            if "open" in wanted:
                measure_open(b, report)
            if "paint" in wanted:
                measure_paint(b, report)
            for which in ("keys", "prefetch", "related-prefetch"):
                if which in wanted:
                    measure_prefetch(b, report, which)
    print()
    print(
        f"goodnews-tui scale bench: {len(plan.articles):,} articles, {args.runs} runs each, "
        f"{SIZE[0]}x{SIZE[1]}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"{time.perf_counter() - started:.0f} s"
    )
    print(made)
    print(report.table())
    return report.exit_status()


if __name__ == "__main__":
    raise SystemExit(main())
