"""Bytes over a slow SSH link (issue 14): what each key press makes the app write.

``python -m tui`` runs as it is started for real, on the corpus as a local folder, in a
pseudo-terminal at 120x40 and at 80x24 (TERM=xterm-256color, as bench/ui.py starts it). The
bench types a walk (home -> a category -> an article) and counts the bytes the app writes
for each action until its output goes quiet; medians of ``--runs`` separate runs. Bytes are
attributed to screen cells by following the cursor-position sequences and the text widths,
so each action also says how much went to the header line, the key bar and the two panes.

Figures against the issue's targets (PASS/FAIL; exit 1 on a FAIL):

- a list cursor move (``j`` within the screen) <= 1,000 bytes;
- a reader scroll by one line <= the bytes of the reader pane alone, measured from a full
  paint of the same screen (forced by resizing the terminal away and back);
- a reader page down, opening an article, opening an index <= 1.1x one full paint of the
  screen they lead to;
- the key bar and the header when they do not change (list moves, reader scrolls): 0 bytes;
- holding ``j`` for 2 s at 30 keys/s behind a relay that passes the app's output to the
  terminal at 16 KB/s, the way sshd and a slow link do (it reads the pty at once into a
  buffer as large as an SSH channel window and sends it on at the link's rate): the screen
  settled (the last byte delivered and the highlight where 60 moves put it) <= 0.5 s after
  the last key. Also run with ``TEXTUAL_FPS`` lowered (``--fps``), to show what a lower
  frame rate for SSH sessions would buy.

Usage: ``uv run python bench/ssh.py [--runs N] [--size 120x40 ...] [--fps 15 ...]``.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import codecs
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rich.cells import cell_len  # noqa: E402

from bench.report import Report, Row  # noqa: E402
from bench.ui import _child_env, _pick_index  # noqa: E402
from tests.corpus import CORPUS, pages  # noqa: E402
from tui.core.models import Home  # noqa: E402
from tui.core.parse import parse_page  # noqa: E402
from tui.core.urls import PageRef  # noqa: E402
from tui.nav.places import home_rows  # noqa: E402

SIZES = ((120, 40), (80, 24))
MOVE_BYTES = 1000
FULL_PAINT_RATIO = 1.1
RELAY_RATE = 16 * 1024  # bytes/s
RELAY_WINDOW = 2 * 1024 * 1024  # OpenSSH's channel window: what sshd reads ahead
HOLD_SECONDS = 2.0
HOLD_RATE = 30  # keys/s
SETTLE_TARGET = 0.5  # s
QUIET = 0.35  # s without output: the app has drawn what the key asked for
WAIT = 20.0  # s before a stuck step is an error

CSI = re.compile(r"\x1b\[([0-9;?<>=]*)([ -/]*)([@-~])")
OSC = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


# -- where the bytes go -----------------------------------------------------------------------


@dataclass
class Cells:
    """Bytes written, attributed to the screen cell the cursor was at (0-based)."""

    total: int = 0
    control: int = 0  # sequences that draw nothing (modes, queries) and bytes off screen
    by_cell: dict[tuple[int, int], int] = field(default_factory=dict)

    def rows(self) -> set[int]:
        return {y for y, _x in self.by_cell}

    def within(self, top: int, bottom: int, left: int, right: int) -> int:
        return sum(
            n for (y, x), n in self.by_cell.items() if top <= y < bottom and left <= x < right
        )


def attribute(data: bytes, cols: int, rows: int) -> Cells:
    """Follow the cursor through ``data``: which cell each byte was written at.

    Textual positions every run of a frame with ``CSI y;x H`` and then writes styled text,
    so the cursor position and the cell widths of the text are all that is needed.
    """
    text = codecs.decode(data, "utf-8", errors="replace")
    cells = Cells(total=len(data))
    y = x = 0
    i = 0

    def add(n: int) -> None:
        if 0 <= y < rows and 0 <= x < cols:
            cells.by_cell[(y, x)] = cells.by_cell.get((y, x), 0) + n
        else:
            cells.control += n

    while i < len(text):
        ch = text[i]
        if ch == "\x1b":
            m = CSI.match(text, i) or OSC.match(text, i)
            seq = m.group(0) if m else text[i : i + 2]
            n = len(seq.encode("utf-8", errors="replace"))
            if m is not None and m.re is CSI and m.group(3) == "H" and "?" not in m.group(1):
                parts = (m.group(1) or "1;1").split(";")
                y = int(parts[0] or 1) - 1
                x = int(parts[1] or 1) - 1 if len(parts) > 1 else 0
                cells.control += n
            elif m is not None and m.re is CSI and m.group(3) == "m":
                add(n)  # a style belongs to the text it introduces
            else:
                cells.control += n
            i += len(seq)
            continue
        n = len(ch.encode("utf-8", errors="replace"))
        if ch == "\r":
            x = 0
            cells.control += n
        elif ch == "\n":
            y += 1
            cells.control += n
        else:
            add(n)
            x += cell_len(ch)
        i += 1
    return cells


# -- the app in a pseudo-terminal -------------------------------------------------------------


class Terminal:
    """``argv`` in a pseudo-terminal; a thread reads its output as it comes.

    With ``rate`` the thread is a relay: it reads the pty at once into a buffer (at most
    ``RELAY_WINDOW``) and hands bytes on at ``rate`` bytes a second, each chunk with the
    time it reached the far end. The screen is emulated (pyte) from what reached it.
    """

    def __init__(self, argv: list[str], size: tuple[int, int], env: dict[str, str], rate=None):
        import pyte

        self.cols, self.rows = size
        self.screen = pyte.Screen(self.cols, self.rows)
        self._stream = pyte.ByteStream(self.screen)
        self.master, slave = pty.openpty()
        self._winsize(slave, self.cols, self.rows)
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT,
            start_new_session=True,
        )  # fmt: skip
        os.close(slave)
        self.rate = rate
        self.chunks: list[tuple[float, bytes]] = []  # (time delivered, bytes)
        self._lock = threading.Lock()
        self._pending = bytearray()  # read from the pty, not delivered yet (relay)
        self._last_read = time.perf_counter()
        self._done = False
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()

    @staticmethod
    def _winsize(fd: int, cols: int, rows: int) -> None:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def _pump(self) -> None:
        budget_at = time.perf_counter()
        while not self._done:
            wait = 0.005 if self._pending else 0.05
            room = len(self._pending) < RELAY_WINDOW
            ready, _, _ = select.select([self.master] if room else [], [], [], wait)
            if ready:
                try:
                    data = os.read(self.master, 1 << 16)
                except OSError:
                    data = b""
                if not data:
                    self._done = True
                    break
                with self._lock:
                    self._last_read = time.perf_counter()
                    if self.rate is None:
                        self._deliver(data)
                    else:
                        self._pending += data
            if self.rate is not None and self._pending:
                now = time.perf_counter()
                budget_at = max(budget_at, now - 0.05)  # an idle link saves no credit
                n = min(len(self._pending), int((now - budget_at) * self.rate))
                if n > 0:
                    with self._lock:
                        data = bytes(self._pending[:n])
                        del self._pending[:n]
                        self._deliver(data)
                    budget_at += n / self.rate

    def _deliver(self, data: bytes) -> None:
        self.chunks.append((time.perf_counter(), data))
        self._stream.feed(data)

    def mark(self) -> int:
        with self._lock:
            return len(self.chunks)

    def send(self, keys: bytes) -> float:
        os.write(self.master, keys)
        return time.perf_counter()

    def settle(self, since: int, quiet: float = QUIET, first_wait: float = 2.0) -> bytes:
        """Wait until the app has been quiet for ``quiet`` s and the relay is empty."""
        start = time.perf_counter()
        while True:
            time.sleep(0.01)
            now = time.perf_counter()
            with self._lock:
                got = len(self.chunks) > since
                idle = now - self._last_read > quiet and not self._pending
            if (got and idle) or (not got and now - start > first_wait) or self._done:
                break
            if now - start > WAIT:
                raise TimeoutError("the app never went quiet")
        with self._lock:
            return b"".join(d for _, d in self.chunks[since:])

    def delivered_at(self, since: int) -> float | None:
        """When the last byte after chunk ``since`` reached the terminal."""
        with self._lock:
            return self.chunks[-1][0] if len(self.chunks) > since else None

    def display(self) -> list[str]:
        with self._lock:
            return list(self.screen.display)

    def cell(self, x: int, y: int) -> str:
        """The character shown at ``(x, y)`` (by cell: a wide character's second cell is "")."""
        with self._lock:
            return self.screen.buffer[y][x].data

    def cursor_line(self) -> int | None:
        """The screen line drawn in reverse or with a background: the list's highlight.

        The highlight is the only line of the list pane whose cells carry the block
        cursor's background; the first cell of each row is looked at.
        """
        with self._lock:
            buffer = self.screen.buffer
            backgrounds = [buffer[y][2].bg for y in range(self.rows)]
        counts: dict[str, int] = {}
        for bg in backgrounds[2:-1]:
            counts[bg] = counts.get(bg, 0) + 1
        rare = [y for y in range(2, self.rows - 1) if counts[backgrounds[y]] == 1]
        return rare[0] if len(rare) == 1 else None

    def resize(self, cols: int, rows: int) -> None:
        self._winsize(self.master, cols, rows)
        os.killpg(self.proc.pid, signal.SIGWINCH)

    def close(self) -> None:
        try:
            self.send(b"\x11")  # Ctrl+Q
            self.proc.wait(timeout=3)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        self._done = True
        self._thread.join(timeout=2)
        os.close(self.master)


# -- the walk -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Walk:
    """Where the walk goes: a category with articles in the corpus, and one of them."""

    index: PageRef
    moves_to_index: int  # j presses from the first home row to the category
    article_row: int  # j presses from the first index row to a present article


def plan() -> Walk:
    index_ref, articles = _pick_index()
    home_page = next(p for p in pages("home") if p.ref.repo == "goodnews")
    home = parse_page(home_page.ref, home_page.text(), home_page.ref)
    assert isinstance(home, Home)
    openable = [r for r in home_rows(home) if r.openable]
    moves = next(i for i, r in enumerate(openable) if r.ref == index_ref)
    index_page = next(p for p in pages("index") if p.ref == index_ref)
    index = parse_page(index_page.ref, index_page.text(), home_page.ref)
    refs = [e.ref for e in index.entries]  # type: ignore[union-attr]
    article_row = min(refs.index(a) for a in articles)
    return Walk(index_ref, moves, article_row)


def argv_for(cache: Path) -> list[str]:
    return [
        sys.executable, "-m", "tui", "--mirror", str(CORPUS), "--cache-dir", str(cache),
        "--no-prefetch",
    ]  # fmt: skip


def env_for(fps: int | None) -> dict[str, str]:
    env = _child_env()
    if fps is not None:
        env["TEXTUAL_FPS"] = str(fps)
    return env


@dataclass
class Action:
    name: str
    cells: Cells
    full: Cells | None = None  # a full paint of the screen the action led to
    reader_left: int = 0  # the reader's first column on that screen


def reader_left(term: Terminal) -> int:
    """Right of the line between the panes (the same glyph down every body line); 0 when
    one pane shows (narrow screens show the reader alone)."""
    for x in range(10, term.cols - 10):
        column = {term.cell(x, y) for y in range(1, term.rows - 1)}
        if len(column) == 1 and column != {" "}:
            return x + 1
    return 0


def full_paint(term: Terminal) -> Cells:
    """Resize away and back: Textual then paints the whole screen as it is now."""
    mark = term.mark()
    term.resize(term.cols, term.rows - 1)
    term.settle(mark)
    mark = term.mark()
    term.resize(term.cols, term.rows)
    return attribute(term.settle(mark), term.cols, term.rows)


def step(term: Terminal, keys: bytes, quiet: float = QUIET) -> Cells:
    mark = term.mark()
    term.send(keys)
    return attribute(term.settle(mark, quiet), term.cols, term.rows)


def walk_once(size: tuple[int, int], walk: Walk, cache: Path) -> list[Action]:
    term = Terminal(argv_for(cache), size, env_for(None))
    actions: list[Action] = []
    try:
        term.settle(0, quiet=0.8, first_wait=WAIT)  # the first screen
        for _ in range(walk.moves_to_index):
            step(term, b"j", 0.15)
        actions.append(Action("list: j (home)", step(term, b"j")))
        step(term, b"k")
        opened = step(term, b"\r", 0.8)
        # The moves before the full paint: the first key after a resize repaints the list.
        actions.append(Action("list: j (index)", step(term, b"j")))
        actions.append(Action("list: k (index)", step(term, b"k")))
        actions.append(Action("open index", opened, full_paint(term)))
        for _ in range(walk.article_row - 1):
            step(term, b"j", 0.15)
        opened = step(term, b"\r", 0.8)
        actions.append(Action("open article", opened, full_paint(term)))
        full = full_paint(term)
        left = reader_left(term)
        actions.append(Action("reader: j (one line)", step(term, b"j"), full, left))
        paged = step(term, b" ")
        actions.append(Action("reader: page down", paged, full_paint(term)))
    finally:
        term.close()
    return actions


# -- holding j behind the relay -------------------------------------------------------------


@dataclass(frozen=True)
class Hold:
    settle: float  # s from the last key to the last byte delivered
    written: int  # bytes the app wrote for the held key
    frames: int  # output chunks read (an upper bound of frames)
    final_ok: bool  # the highlight ended where the keys put it


def hold_once(size: tuple[int, int], walk: Walk, cache: Path, fps: int | None) -> Hold:
    term = Terminal(argv_for(cache), size, env_for(fps), rate=RELAY_RATE)
    try:
        term.settle(0, quiet=0.8, first_wait=WAIT)
        for _ in range(walk.moves_to_index):
            step(term, b"j", 0.1)
        step(term, b"\r", 0.8)
        start_line = term.cursor_line()
        keys = int(HOLD_SECONDS * HOLD_RATE)
        mark = term.mark()
        t0 = time.perf_counter()
        last = t0
        for n in range(keys):
            target = t0 + n / HOLD_RATE
            time.sleep(max(0.0, target - time.perf_counter()))
            last = term.send(b"j")
        data = term.settle(mark, quiet=0.6)
        done = term.delivered_at(mark) or last
        # 60 moves from the first entry of a 61-entry index: the list has scrolled and the
        # highlight sits on its bottom line (above the key bar).
        line = term.cursor_line()
        final_ok = line == term.rows - 2 and start_line == 2
        return Hold(max(0.0, done - last), len(data), len(term.chunks) - mark, final_ok)
    finally:
        term.close()


# -- the report -----------------------------------------------------------------------------------


def kb(n: float) -> str:
    return f"{n / 1024:.1f} KB"


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def report_size(report: Report, size: tuple[int, int], runs: list[list[Action]]) -> None:
    cols, rows = size
    tag = f"{cols}x{rows}"
    by_name: dict[str, list[Action]] = {}
    for run in runs:
        for action in run:
            by_name.setdefault(action.name, []).append(action)

    def samples(name: str) -> list[float]:
        return [float(a.cells.total) for a in by_name[name]]

    def edges(name: str) -> list[float]:
        # The header line and the key bar: nothing there changes for a move or a scroll.
        return [float(a.cells.within(0, 1, 0, cols) + a.cells.within(rows - 1, rows, 0, cols))
                for a in by_name[name]]  # fmt: skip

    for name in ("list: j (home)", "list: j (index)", "list: k (index)"):
        rows_hit = median(len(a.cells.rows()) for a in by_name[name])
        report.add(Row(f"{tag} {name}", samples(name), MOVE_BYTES, unit=" B",
                       note=f"{rows_hit:.0f} screen rows written"))  # fmt: skip
        report.add(Row(f"{tag}   header + key bar", edges(name), 0, unit=" B"))
    reader = by_name["reader: j (one line)"]
    pane = [float(a.full.within(1, rows - 1, a.reader_left, cols)) for a in reader if a.full]
    report.add(Row(f"{tag} reader: full paint of the reader pane", pane, unit=" B"))
    screen = kb(median(a.full.total for a in reader if a.full))
    report.add(
        Row(
            f"{tag} reader: j (one line)",
            samples("reader: j (one line)"),
            median(pane),
            unit=" B",
            note=f"target: the reader pane alone; a full screen is {screen}",
        )
    )
    report.add(Row(f"{tag}   header + key bar", edges("reader: j (one line)"), 0, unit=" B"))
    for name in ("reader: page down", "open article", "open index"):
        acts = by_name[name]
        ratio = [a.cells.total / a.full.total for a in acts if a.full and a.full.total]
        report.add(Row(f"{tag} {name}: bytes / full paint", ratio, FULL_PAINT_RATIO, unit="x",
                       note=f"{kb(median(samples(name)))} written, full paint "
                            f"{kb(median(a.full.total for a in acts if a.full))}"))  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measure (default 5)")
    parser.add_argument(
        "--size", action="append", help="COLSxROWS (default 120x40 and 80x24); repeatable"
    )
    parser.add_argument(
        "--fps", type=int, action="append", default=[],
        help="also hold j with TEXTUAL_FPS=N, to see what a lower frame rate buys",
    )  # fmt: skip
    parser.add_argument("--no-hold", action="store_true", help="skip the held-key runs")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        raise SystemExit(f"the corpus is missing: {CORPUS}")
    sizes = [tuple(int(n) for n in s.lower().split("x")) for s in args.size] if args.size else SIZES
    walk = plan()
    started = time.perf_counter()
    report = Report()
    with tempfile.TemporaryDirectory(prefix="goodnews-ssh-") as tmp:
        cache = Path(tmp) / "cache"
        warm = Terminal(argv_for(cache), (120, 40), env_for(None))  # compiles, fills the cache
        warm.settle(0, quiet=0.8, first_wait=WAIT)
        warm.close()
        for size in sizes:
            print(f"{size[0]}x{size[1]}: the walk, {args.runs} runs", flush=True)
            runs = [walk_once(size, walk, cache) for _ in range(args.runs)]  # type: ignore[arg-type]
            report_size(report, size, runs)  # type: ignore[arg-type]
        if not args.no_hold:
            for size in sizes:
                for fps in [None, *args.fps]:
                    label = f"{size[0]}x{size[1]} hold j 2 s @30/s, 16 KB/s relay"
                    label += f", TEXTUAL_FPS={fps}" if fps else ""
                    print(label, flush=True)
                    holds = [hold_once(size, walk, cache, fps) for _ in range(args.runs)]  # type: ignore[arg-type]
                    ok = sum(h.final_ok for h in holds)
                    report.add(
                        Row(label, [ms(h.settle) for h in holds],
                            SETTLE_TARGET * 1000 if fps is None else None,
                            note=f"{kb(median(h.written for h in holds))} written; "
                                 f"final highlight right in {ok}/{len(holds)}")
                    )  # fmt: skip
    print()
    print(
        f"goodnews-tui SSH bench: {args.runs} runs each, corpus as a local folder, "
        f"Python {sys.version.split()[0]}, {time.perf_counter() - started:.0f} s"
    )
    print(report.table())
    return report.exit_status()


def ms(seconds: float) -> float:
    return seconds * 1000.0


if __name__ == "__main__":
    raise SystemExit(main())
