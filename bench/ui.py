"""UI latency benchmark (issue 4, section 7): first paint, cached article, large pages.

Four measurements, each a median (and p95) over ``--runs`` runs, printed as one table with
PASS/FAIL against the issue's targets:

1. First paint, as a user sees it. Both apps run as they are started for real, each in a
   120x40 pseudo-terminal (TERM=xterm-256color): a minimal Textual app that paints one
   ``Static`` (the floor), and ``python -m tui`` on a loopback raw-layout HTTP mirror whose
   home page is already in the disk cache (a first, untimed run warms it; the server's
   request count proves no timed run fetched). The time is from just before the spawn
   until the terminal's screen (emulated with pyte from the bytes read, with their times)
   shows the complete first screen: for the floor its line; for goodnews the crumbs, the
   home list filled down the pane and the key bar. Target: goodnews within 1.3x the floor,
   over at least ``PAINT_RUNS`` interleaved pairs.
   When it is not, the import costs of both (``python -X importtime``) are printed.
2. Key press to a cached article: in-process (``run_test``), an index open, articles in the
   disk cache but not in the app's in-memory page LRU; from ``pilot.press("enter")`` until
   the reader shows the article and the screen has been painted. Target: 50 ms.
3. The sample's 2,000-paragraph article: Enter on the home entry until painted, with the
   page not yet parsed (the target, 150 ms) and already parsed; parse and layout alone too.
   The reader paints a long article's first blocks first and lays out the rest just after
   that frame: "painted" is that first frame.
4. A 2,000-entry index in a generated local-folder mirror: Enter on the category until the
   list is populated and painted (not yet parsed: the target, 150 ms; and already parsed).

Usage: ``uv run python bench/ui.py [--runs N] [--imports] [--only paint|article|long|index]``. Not part of the test suite.
Prefetch is off in the in-process runs so that background fetching does not blur them.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import gc
import os
import pty
import re
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textual import events  # noqa: E402

from bench.report import Report, Row  # noqa: E402
from tests.corpus import CORPUS, pages  # noqa: E402
from tests.corpus_server import CorpusServer  # noqa: E402
from tui.app import GoodnewsApp  # noqa: E402
from tui.core.config import Options  # noqa: E402
from tui.core.layout import layout_article  # noqa: E402
from tui.core.mirror import SAMPLE_HOME, Origin, open_mirror, sample_mirror  # noqa: E402
from tui.core.models import Article, Home, Index  # noqa: E402
from tui.core.parse import parse_page  # noqa: E402
from tui.core.urls import PageRef  # noqa: E402
from tui.i18n import LANG_ENV, set_language  # noqa: E402
from tui.i18n import _ as translate  # noqa: E402

#: The language both the child apps and the markers are in: the readers' default, fixed so
#: that the markers match whatever the environment running the bench says.
BENCH_LANG = "zh-Hans"

SIZE = (120, 40)
LONG_ARTICLE = PageRef("goodnews-sample", "goodnews", "master", "pages/nsc422/n14200030.md")
BIG_INDEX_ENTRIES = 2000
FIRST_PAINT_RATIO = 1.3
#: The least number of interleaved first-paint pairs: the ratio of two medians of start-ups
#: near half a second swings by a tenth or more over 5 pairs on a busy 2-core machine.
PAINT_RUNS = 11
CACHED_ARTICLE_MS = 50.0
LARGE_PAGE_MS = 150.0
WAIT = 20.0  # seconds before a stuck run is an error
QUIET = 0.4  # seconds without output after which a first-paint run is asked to quit

# -- the floor app for first paint, run as ``python -c FLOOR_APP`` in a pseudo-terminal --------

FLOOR_LINE = "goodnews-tui floor: one line of text"
FLOOR_APP = f"""
from textual.app import App
from textual.widgets import Static


class Floor(App):
    def compose(self):
        yield Static({FLOOR_LINE!r})


Floor().run()
"""


# -- results ------------------------------------------------------------------------------


def ms(seconds: float) -> float:
    return seconds * 1000.0


# -- 1. first paint ------------------------------------------------------------------------


@dataclass(frozen=True)
class Paint:
    total: float  # spawn -> the complete first screen on the terminal, seconds
    first_byte: float  # spawn -> the first byte written (terminal set-up)
    written: int  # bytes written until the complete screen


def _child_env() -> dict[str, str]:
    # Bytecode caching stays on even where the environment turns it off: the untimed warm-up
    # runs write the .pyc files, so both apps start as they do on a user's second start,
    # not recompiling every module from source.
    skip = ("TEXTUAL", "PYTHONDONTWRITEBYTECODE", "COLORTERM", "NO_COLOR")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    env.update(PYTHONPATH=str(ROOT), TERM="xterm-256color")
    env[LANG_ENV] = BENCH_LANG
    return env


def run_in_terminal(argv: list[str], markers: list[str]) -> Paint:
    """Run ``argv`` in a 120x40 pseudo-terminal; when were all ``markers`` on its screen?

    The output is read as it comes, with the time of each read, and only afterwards played
    into a terminal emulator (pyte), so that emulating does not slow the reading. The app
    is asked to quit (Ctrl+Q) once its output has been quiet for a while *and* the screen
    so far shows every marker: a start without bytecode (a fresh checkout, or
    ``PYTHONDONTWRITEBYTECODE``) goes quiet for seconds while modules compile after the
    terminal set-up, and a Ctrl+Q then would stop the app before its first screen.
    """
    import pyte

    cols, rows = SIZE
    seen = pyte.Screen(cols, rows)  # fed only while the output is quiet, off the timed path
    seen_stream = pyte.ByteStream(seen)
    fed = 0
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=_child_env(), cwd=ROOT,
        start_new_session=True,
    )  # fmt: skip
    os.close(slave)
    chunks: list[tuple[float, bytes]] = []
    quit_sent = False
    last = t0
    deadline = t0 + WAIT
    try:
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([master], [], [], 0.02)
            now = time.perf_counter()
            if ready:
                try:
                    data = os.read(master, 1 << 20)
                except OSError:  # the child has gone: EIO on Linux
                    break
                if not data:
                    break
                chunks.append((now - t0, data))
                last = now
            elif proc.poll() is not None:
                break
            elif chunks and not quit_sent and now - last > QUIET:
                for _, data in chunks[fed:]:
                    seen_stream.feed(data)
                fed = len(chunks)
                shown = "\n".join(seen.display)
                if all(marker in shown for marker in markers):
                    os.write(master, b"\x11")  # Ctrl+Q: both apps quit on it
                    quit_sent = True
                last = time.perf_counter()  # look again after the next quiet spell
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        os.close(master)
    screen = pyte.Screen(cols, rows)
    stream = pyte.ByteStream(screen)
    written = 0
    for at, data in chunks:
        stream.feed(data)
        written += len(data)
        shown = "\n".join(screen.display)
        if all(marker in shown for marker in markers):
            return Paint(at, chunks[0][0], written)
    raise RuntimeError(
        f"{argv[1:3]}: {markers} never all on screen; last screen:\n" + "\n".join(screen.display)
    )


def home_markers() -> list[str]:
    """Text that is on the screen only once the home list is filled and the key bar drawn.

    The crumbs, the home list's first section and a category far enough down to need the
    whole list pane (row 30 of 37), and the key bar's last key.
    """
    home_page = next(p for p in pages("home") if p.ref.repo == "goodnews")
    home = parse_page(home_page.ref, home_page.text(), home_page.ref)
    assert isinstance(home, Home)
    rows = [t for s in home.sections for t in (s.title, *(c.title for c in s.categories))]
    set_language(BENCH_LANG)
    return [translate("Home"), rows[0], rows[min(29, len(rows) - 1)], f"q {translate('Quit')}"]


def first_paint(report: Report, runs: int, cache_dir: Path, imports: bool) -> None:
    print("1. first paint (separate processes, a 120x40 pseudo-terminal)", flush=True)
    server = CorpusServer().start()
    try:
        ours = [sys.executable, "-m", "tui", "--mirror", server.base_url]
        ours += ["--cache-dir", str(cache_dir)]
        floor_argv = [sys.executable, "-c", FLOOR_APP]
        markers = home_markers()
        run_in_terminal(ours, markers)  # fills the disk cache with the home page
        fetched = server.count()
        assert fetched >= 1, "the warm-up run did not fetch the home page"
        run_in_terminal(floor_argv, [FLOOR_LINE])  # the floor's .pyc files, likewise
        floor: list[Paint] = []
        goodnews: list[Paint] = []
        for _ in range(max(runs, PAINT_RUNS)):  # interleaved: drift affects both alike
            floor.append(run_in_terminal(floor_argv, [FLOOR_LINE]))
            goodnews.append(run_in_terminal(ours, markers))
        assert server.count() == fetched, "a timed run went to the network"
        if imports or _ratio(goodnews, floor) > FIRST_PAINT_RATIO:
            report.notes.extend(_import_report())
    finally:
        server.stop()
    report.add(Row("first paint: floor (one Static)", [ms(p.total) for p in floor]))
    report.add(
        Row(
            "first paint: home list, warm cache",
            [ms(p.total) for p in goodnews],
            note=f"python -m tui; {goodnews[0].written:,} bytes to the complete screen",
        )
    )
    ratios = [a.total / b.total for a, b in zip(goodnews, floor, strict=True)]
    report.add(
        Row(
            "first paint: ratio home/floor",
            [_ratio(goodnews, floor)],
            FIRST_PAINT_RATIO,
            unit="x",
            note=f"ratio of medians; per-pair median {statistics.median(ratios):.2f}x",
        )
    )
    report.add(Row("  floor: first byte (terminal set-up)", [ms(p.first_byte) for p in floor]))
    report.add(Row("  home:  first byte (terminal set-up)", [ms(p.first_byte) for p in goodnews]))


def _ratio(ours: list[Paint], floor: list[Paint]) -> float:
    return statistics.median(p.total for p in ours) / statistics.median(p.total for p in floor)


def import_costs(stderr: str) -> tuple[dict[str, float], dict[str, float]]:
    """``-X importtime`` output: self time (ms) per top-level package, cumulative per module."""
    by_package: dict[str, float] = {}
    cumulative: dict[str, float] = {}
    for line in stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if m is None:
            continue
        self_us, cum_us, name = int(m[1]), int(m[2]), m[4]
        top = name.split(".")[0]
        by_package[top] = by_package.get(top, 0.0) + self_us / 1000
        cumulative[name] = max(cumulative.get(name, 0.0), cum_us / 1000)
    return by_package, cumulative


def _importtime(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        cwd=ROOT, env=_child_env(), capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return result.stderr


def _import_report() -> list[str]:
    """Where the extra start-up time goes: ``-X importtime`` of both apps' imports."""
    floor_pkg, _ = import_costs(_importtime("import textual.app, textual.widgets._static"))
    ours_pkg, ours_cum = import_costs(_importtime("import tui.cli, tui.app"))
    out = [
        "import costs (-X importtime, one run each; importtime itself inflates them):",
        f"  total self time: floor {sum(floor_pkg.values()):.0f} ms, "
        f"goodnews {sum(ours_pkg.values()):.0f} ms",
        "  top-level packages by self time (goodnews vs floor):",
    ]
    for name, cost in sorted(ours_pkg.items(), key=lambda kv: -kv[1])[:14]:
        out.append(f"    {name:<22} {cost:7.1f} ms   floor {floor_pkg.get(name, 0.0):7.1f} ms")
    out.append("  largest cumulative imports under tui.* and third-party packages:")
    interesting = [
        (name, cost)
        for name, cost in ours_cum.items()
        if name.split(".")[0] not in floor_pkg or name.startswith("tui")
    ]
    for name, cost in sorted(interesting, key=lambda kv: -kv[1])[:16]:
        out.append(f"    {name:<40} {cost:7.1f} ms cumulative")
    return out


# -- in-process helpers ---------------------------------------------------------------------


@asynccontextmanager
async def launched(app: GoodnewsApp, size: tuple[int, int] = (120, 40)) -> AsyncIterator[Any]:
    """``app.run_test(size)`` with the cyclic collector as ``goodnews-tui`` runs it.

    The command pauses the collector at start and freezes what exists before the app
    (``tui.launch``, ``GoodnewsApp.run``); after the first frame the app freezes what that
    needed and turns the collector back on. ``run_test`` skips both, and a bench process
    also holds its own data (a 15,000-article plan): each full collection then walks all of
    it, 140-260 ms here, inside whatever step it lands in. So the same is done here; what
    this froze is released after the session.
    """
    gc.collect()
    gc.disable()
    gc.freeze()
    try:
        async with app.run_test(size=size) as pilot:
            yield pilot
    finally:
        gc.unfreeze()
        gc.enable()


async def until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.perf_counter() + WAIT
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"waited {WAIT:g} s for {what}")
        await asyncio.sleep(0.001)


def _frame_waiters(app: GoodnewsApp) -> list[asyncio.Event]:
    """Events set when the app next hands a frame to its driver (installed once per app).

    ``App._display`` is where Textual writes a frame; this bench reads it, as the adapter
    over the app's internals in bench/scale.py reads the app's state.
    """
    waiters: list[asyncio.Event] | None = getattr(app, "_bench_frame_waiters", None)
    if waiters is None:
        waiters = []
        write = app._display

        def display(screen: Any, renderable: Any) -> None:
            write(screen, renderable)
            for event in waiters:
                event.set()
            waiters.clear()

        app._display = display  # type: ignore[method-assign]
        app._bench_frame_waiters = waiters  # type: ignore[attr-defined]
    return waiters


async def painted(app: GoodnewsApp) -> None:
    """Returns once what is pending now is on the screen: when the next frame has been
    written, or at once if nothing waits to be drawn.

    Not ``call_after_refresh`` alone: its callback is registered for the frame after the one
    being drawn when it is asked for during a frame, so it can count a second, empty frame
    and the wait for its tick (15-30 ms) that no user sees.
    """
    done = asyncio.Event()
    _frame_waiters(app).append(done)
    app.call_after_refresh(done.set)
    await asyncio.wait_for(done.wait(), WAIT)


async def settle(app: GoodnewsApp, pilot: object) -> None:
    await pilot.pause()  # type: ignore[attr-defined]
    await painted(app)


def row_of(app: GoodnewsApp, ref: PageRef) -> int:
    return next(i for i, row in enumerate(app.browser.state.rows) if row.ref == ref)


async def press_enter_on(app: GoodnewsApp, pilot: object, ref: PageRef) -> float:
    """Highlight ``ref`` in the list, let the screen settle, press Enter; the press time.

    The key goes in as the headless driver sends it (a ``Key`` event posted to the app), not
    through ``pilot.press``, which also waits for the process to look idle (``wait_for_idle``)
    and would add that wait, tens to hundreds of ms, to every figure.
    """
    app.browser.entries.focus()
    app.browser.entries.highlighted = row_of(app, ref)
    await settle(app, pilot)
    key = events.Key("enter", "\r")
    key.set_sender(app)
    t0 = time.perf_counter()
    app.post_message(key)
    return t0


@dataclass
class OpenTimes:
    """Enter -> painted with the page not yet parsed (cold) and parsed (warm); and cold
    Enter -> shown, before the paint (ready). Milliseconds."""

    cold: list[float] = field(default_factory=list)
    ready: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)


async def time_opens(
    app: GoodnewsApp,
    pilot: object,
    ref: PageRef,
    runs: int,
    shown: Callable[[], bool],
    before: Callable[[], Awaitable[None]],
) -> OpenTimes:
    """Open ``ref`` from the list ``runs`` times cold and warm (after one untimed round)."""
    times = OpenTimes()
    for i in range(runs + 1):
        for parsed in (False, True):
            await before()
            if not parsed:
                app.service.forget(ref)
            t0 = await press_enter_on(app, pilot, ref)
            await until(shown, f"{ref.path} shown")
            t1 = time.perf_counter()
            await painted(app)
            if i > 0:
                (times.warm if parsed else times.cold).append(ms(time.perf_counter() - t0))
                if not parsed:
                    times.ready.append(ms(t1 - t0))
    return times


def showing(app: GoodnewsApp, ref: PageRef) -> bool:
    """The reader shows ``ref`` (not merely the previous page while ``ref`` loads)."""
    state = app.browser.state
    page = state.reader_page
    return (
        state.reader == ref
        and page is not None
        and page.ref == ref
        and app.browser.reader.line_count > 0
    )


async def home_shown(app: GoodnewsApp) -> None:
    await until(
        lambda: (
            app.browser.state.place.kind == "home"
            and not app.browser.state.loading
            and bool(app.browser.state.rows)
        ),
        "the home list",
    )


# -- 2. key press to a cached article ---------------------------------------------------------


def _pick_index() -> tuple[PageRef, list[PageRef]]:
    """The corpus index linked from the home page with the most of its articles in the corpus.

    Corpus indexes hold at most a few present articles, so the runs cycle through them; each
    run first drops the article from the app's page LRU, so it comes from the disk cache.
    """
    home_page = next(p for p in pages("home") if p.ref.repo == "goodnews")
    home = parse_page(home_page.ref, home_page.text(), home_page.ref)
    assert isinstance(home, Home)
    present = {p.ref.key: p for p in pages("index", "article")}
    best: tuple[PageRef, list[PageRef]] | None = None
    for section in home.sections:
        for category in section.categories:
            page = present.get(category.ref.key)
            if page is None or page.kind != "index":
                continue
            index = parse_page(page.ref, page.text(), home_page.ref)
            assert isinstance(index, Index)
            articles = list(
                dict.fromkeys(
                    e.ref
                    for e in index.entries
                    if e.ref is not None
                    and e.ref.key in present
                    and present[e.ref.key].kind == "article"
                )
            )
            if best is None or len(articles) > len(best[1]):
                best = (category.ref, articles)
    if best is None or len(best[1]) < 2:
        raise SystemExit("no corpus index linked from the home page has two articles present")
    return best


def cached_article(report: Report, runs: int, cache_dir: Path) -> None:
    print("2. key press to a cached article (in-process, run_test 120x40)", flush=True)
    index_ref, articles = _pick_index()
    server = CorpusServer().start()
    options = Options(mirror=server.base_url, cache_dir=cache_dir)

    async def warm() -> None:
        mirror = open_mirror(options)
        try:
            for ref in [mirror.home, index_ref, *articles]:
                await mirror.get(ref)
        finally:
            await mirror.aclose()

    laid_out: list[float] = []
    shown: list[float] = []
    sizes: list[int] = []

    async def measure() -> None:
        mirror = open_mirror(options)
        app = GoodnewsApp(mirror, prefetch=False)
        try:
            async with launched(app, SIZE) as pilot:
                await home_shown(app)
                await press_enter_on(app, pilot, index_ref)
                await until(
                    lambda: (
                        app.browser.state.place.kind == "index" and not app.browser.state.loading
                    ),
                    "the index",
                )
                fetched = server.count()
                for i in range(runs + 1):
                    ref = articles[i % len(articles)]
                    app.service.forget(ref)  # in the disk cache, not in memory
                    app.browser.show_welcome()
                    t0 = await press_enter_on(app, pilot, ref)
                    await until(lambda ref=ref: showing(app, ref), "the article")
                    t1 = time.perf_counter()
                    await painted(app)
                    t2 = time.perf_counter()
                    loaded = app.service.peek(ref)
                    assert loaded is not None and loaded.origin is Origin.CACHE, loaded
                    if i == 0:
                        continue  # the first open also pays one-off costs (thread pool, ...)
                    laid_out.append(ms(t1 - t0))
                    shown.append(ms(t2 - t0))
                    sizes.append(len((CORPUS / ref.raw_path).read_text("utf-8")))
                assert server.count() == fetched, "an article was fetched over the network"
        finally:
            await mirror.aclose()

    try:
        asyncio.run(warm())
        asyncio.run(measure())
    finally:
        server.stop()
    size_note = f"{len(articles)} articles cycled, {statistics.median(sizes):,.0f} chars median"
    report.add(Row("cached article: Enter -> painted", shown, CACHED_ARTICLE_MS, note=size_note))
    report.add(Row("  Enter -> laid out (before paint)", laid_out, note="disk cache, not in LRU"))


# -- 3. the 2,000-paragraph article -------------------------------------------------------------


def long_article(report: Report, runs: int) -> None:
    print("3. the sample's 2,000-paragraph article", flush=True)
    text = (sample_mirror().source.root / LONG_ARTICLE.raw_path).read_text("utf-8")  # type: ignore[attr-defined]
    parse_times: list[float] = []
    article: Article | None = None
    for _ in range(runs + 1):
        t0 = time.perf_counter()
        page = parse_page(LONG_ARTICLE, text, SAMPLE_HOME)
        parse_times.append(ms(time.perf_counter() - t0))
        assert isinstance(page, Article)
        article = page
    assert article is not None
    paragraphs = sum(1 for b in article.blocks if b.type == "paragraph")

    layout_times: list[float] = []
    info: dict[str, int] = {}

    async def measure() -> OpenTimes:
        app = GoodnewsApp(sample_mirror(), prefetch=False)

        async def welcome() -> None:
            app.browser.show_welcome()

        async with launched(app, SIZE) as pilot:
            await home_shown(app)
            times = await time_opens(
                app, pilot, LONG_ARTICLE, runs, lambda: showing(app, LONG_ARTICLE), welcome
            )
            # A long page shows its beginning first: count the lines once it is whole.
            await until(lambda: app.browser.reader.complete, "the whole article laid out")
            width = app.browser.reader.layout_width
            info.update(width=width, lines=app.browser.reader.line_count)
        for _ in range(runs + 1):
            t0 = time.perf_counter()
            layout_article(article, width, [])
            layout_times.append(ms(time.perf_counter() - t0))
        return times

    times = asyncio.run(measure())
    note = f"{paragraphs} paragraphs, {len(text):,} chars, {info['lines']:,} lines at width {info['width']}"
    report.add(Row("2,000-para article: Enter -> painted", times.cold, LARGE_PAGE_MS, note=note))
    report.add(Row("  Enter -> laid out (before paint)", times.ready))
    report.add(Row("  Enter -> painted, already parsed", times.warm, note="in the page LRU"))
    report.add(Row("  parse_page alone", parse_times[1:]))
    report.add(Row("  layout_article alone", layout_times[1:]))


# -- 4. the 2,000-entry index -----------------------------------------------------------------

BIG_HOME = """#### 编辑推荐文章  &nbsp;-&nbsp; [更多热点推荐](indexes/热点推荐.md?t=1)

#### 大纪元新闻网 &nbsp;-&nbsp; [大表](indexes/E大表.md?t=1) &nbsp;|&nbsp; [头条](indexes/E头条.md?t=1)

#### 新唐人电视台 &nbsp;-&nbsp; [大陆新闻](indexes/N大陆新闻.md?t=1)
"""


def write_big_mirror(root: Path) -> PageRef:
    """A raw-layout folder: a home page and an index of 2,000 entries; the index's ref."""
    base = root / "goodnews-sample" / "goodnews" / "master"
    (base / "indexes").mkdir(parents=True)
    (base / "README.md").write_text(BIG_HOME, "utf-8")
    topics = ("城市", "科学", "文史", "社会", "经济", "国际", "健康", "教育")
    lines = [
        "####  [法轮功真相](../../../../basic/blob/master/README.md?t=1) \n",
        *(
            f"#### [示例新闻第{n}条：{topics[n % len(topics)]}版块的一则虚构报道，标题长度与真实条目相仿]"
            f"(../pages/x/{n}.md?t=1) \n"
            for n in range(1, BIG_INDEX_ENTRIES + 1)
        ),
    ]
    (base / "indexes" / "E大表.md").write_text("\n".join(lines), "utf-8")
    return PageRef("goodnews-sample", "goodnews", "master", "indexes/E大表.md")


def big_index(report: Report, runs: int) -> None:
    print("4. a 2,000-entry index (local-folder mirror)", flush=True)
    parse_times: list[float] = []
    with tempfile.TemporaryDirectory(prefix="goodnews-bench-") as tmp:
        index_ref = write_big_mirror(Path(tmp))
        mirror = open_mirror(Options(mirror=tmp, cache_dir=Path(tmp) / "cache"))
        text = (Path(tmp) / index_ref.raw_path).read_text("utf-8")
        for _ in range(runs + 1):
            t0 = time.perf_counter()
            index = parse_page(index_ref, text, mirror.home)
            parse_times.append(ms(time.perf_counter() - t0))
        assert isinstance(index, Index) and len(index.entries) == BIG_INDEX_ENTRIES + 1, (
            len(index.entries) if isinstance(index, Index) else index
        )
        entries = len(index.entries)

        def index_shown() -> bool:
            state = app.browser.state
            return state.place.kind == "index" and not state.loading and len(state.rows) == entries

        async def back_home() -> None:
            if app.browser.state.place.kind != "home":
                app.browser.action_back()
                await home_shown(app)

        async def measure() -> OpenTimes:
            async with launched(app, SIZE) as pilot:
                await home_shown(app)
                return await time_opens(app, pilot, index_ref, runs, index_shown, back_home)

        app = GoodnewsApp(mirror, prefetch=False)
        times = asyncio.run(measure())
        asyncio.run(mirror.aclose())
    note = f"{entries:,} entries, {len(text):,} chars"
    report.add(Row("2,000-entry index: Enter -> painted", times.cold, LARGE_PAGE_MS, note=note))
    report.add(Row("  Enter -> list filled (before paint)", times.ready))
    report.add(Row("  Enter -> painted, already parsed", times.warm, note="in the page LRU"))
    report.add(Row("  parse_page alone", parse_times[1:]))


# -- main ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measure (default 5)")
    parser.add_argument(
        "--imports",
        action="store_true",
        help="print -X importtime costs even when first paint is within target",
    )
    parser.add_argument(
        "--only",
        choices=("paint", "article", "long", "index"),
        help="run one measure: first paint, cached article, long article or big index",
    )
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not CORPUS.is_dir():
        raise SystemExit(f"the corpus is missing: {CORPUS}")
    started = time.perf_counter()
    report = Report()
    wanted = {args.only} if args.only else {"paint", "article", "long", "index"}
    with tempfile.TemporaryDirectory(prefix="goodnews-bench-") as tmp:
        if "paint" in wanted:
            first_paint(report, args.runs, Path(tmp) / "paint-cache", args.imports)
        if "article" in wanted:
            cached_article(report, args.runs, Path(tmp) / "article-cache")
    if "long" in wanted:
        long_article(report, args.runs)
    if "index" in wanted:
        big_index(report, args.runs)
    print()
    print(
        f"goodnews-tui UI bench: {args.runs} runs each, {SIZE[0]}x{SIZE[1]}, "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"{time.perf_counter() - started:.0f} s"
    )
    print(report.table())
    for line in report.notes:
        print(line)
    return report.exit_status()


if __name__ == "__main__":
    raise SystemExit(main())
