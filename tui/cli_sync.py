"""``goodnews-tui sync`` and ``goodnews-tui search``: the command-line face of issue 11.

The work is in the core (``tui.core.sync``, ``tui.core.archive``, ``tui.core.search``); this
module turns options into calls and reports into lines. It never imports Textual. Progress
goes to stderr (a bar redrawn in place on a terminal, a plain line every few seconds
otherwise, nothing with ``--quiet``); results and the summary go to stdout. Page text (titles,
snippets, failure reasons) is passed through ``terminal_safe`` before it reaches a terminal.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tui.core.config import Options
from tui.i18n import _, ngettext

if TYPE_CHECKING:
    from tui.core.library import Library
    from tui.core.mirror import Mirror
    from tui.core.sync import SyncReport

EXIT_OK, EXIT_USAGE, EXIT_FAILURE, EXIT_PARTIAL = 0, 2, 4, 5
PLAIN_EVERY = 2.0  # seconds between progress lines when stderr is not a terminal
BAR_EVERY = 0.1  # seconds between redraws of the bar
MAX_FAILURES_SHOWN = 20

Write = Callable[[str], None]


def add_sync_commands(
    commands: argparse._SubParsersAction,
    add_source_args: Callable[..., None],
) -> None:
    """Register ``sync`` and ``search`` with the common source options."""
    sync = commands.add_parser("sync", help=_("bring the whole mirror into the cache and library"))
    add_source_args(sync, suppress=True)
    sync.add_argument(
        "--archive",
        action="store_true",
        help=_("every page of the repository (git sparse clone of *.md, or the tarball)"),
    )
    sync.add_argument("--jobs", type=int, default=4, metavar="N", help=_("fetches at a time (4)"))
    sync.add_argument("--quiet", action="store_true", help=_("no progress and no summary"))
    sync.add_argument("--strict", action="store_true", help=_("exit 5 when any page failed"))
    sync.add_argument(
        "--reindex", action="store_true", help=_("re-parse every article and rebuild the index")
    )
    sync.add_argument(
        "--archive-url",
        metavar="URL",
        default=None,
        help=_("where --archive gets the repository: a git URL, or a .tar.gz URL"),
    )
    sync.add_argument(
        "--no-git",
        action="store_true",
        help=_("with --archive: use the tarball even if git is here"),
    )
    search = commands.add_parser("search", help=_("search every article the library knows"))
    add_source_args(search, suppress=True)
    search.add_argument("--json", dest="as_json", action="store_true", help=_("print JSON"))
    search.add_argument("--limit", type=int, default=20, metavar="N", help=_("results (20)"))
    search.add_argument(
        "query",
        nargs="+",
        metavar="QUERY",
        help=_('words (all must match), "a phrase", tag:X, source:X, before:DATE, after:DATE'),
    )


def library_path(options: Options) -> Path:
    """The library the browser uses for these options (found without opening the mirror)."""
    from tui.core.cache import STATE_DIR, cache_root
    from tui.core.library import LIBRARY_FILE

    return cache_root(options.cache_dir) / STATE_DIR / LIBRARY_FILE


def run_sync_command(
    args: argparse.Namespace,
    options: Options,
    *,
    write: Write,
    warn: Write,
    error: Write,
) -> int:
    """Run ``sync`` or ``search``; returns the exit code."""
    if args.command == "search":
        return _search(args, options, write=write, warn=warn)
    if args.jobs < 1 or args.jobs > 64:
        error(_("--jobs must be between 1 and 64 (see goodnews-tui --help)"))
        return EXIT_USAGE
    return _sync(args, options, write=write, warn=warn, error=error)


# -- search ---------------------------------------------------------------------------------


def _search(args: argparse.Namespace, options: Options, *, write: Write, warn: Write) -> int:
    from tui.cli import terminal_safe
    from tui.core.library import Library
    from tui.core.search import search

    if args.limit < 1:
        raise _usage(_("--limit must be positive"))
    path = library_path(options)
    library = Library(path if path.parent.is_dir() else None)
    try:
        found = search(library, " ".join(args.query), limit=args.limit)
    finally:
        library.close()
    for warning in dict.fromkeys([*library.warnings, *found.warnings]):
        warn(warning)
    if args.as_json:
        payload = {
            "query": " ".join(args.query),
            "total": found.total,
            "total_capped": found.total_capped,
            "results": [r.to_json() for r in found.results],
        }
        write(json.dumps(payload, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not found.results:
        write(_("no articles match") if not found.query.empty else _("nothing to search for"))
        return EXIT_OK
    lines = []
    for n, result in enumerate(found.results, 1):
        meta = " · ".join(
            x
            for x in (
                result.source,
                result.published.isoformat() if result.published else None,
                result.category,
            )
            if x
        )
        lines.append(f"{n:>3}. {_marked(result.title.parts())}")
        lines.append(f"     {meta}  {result.ref.key}")
        if result.snippet.text:
            lines.append(f"     {_marked(result.snippet.parts())}")
    if found.total_capped:  # a common query: counted up to the cap, newest first
        summary = _("more than {total} matching, the newest {results} shown").format(
            total=f"{found.total:,}", results=len(found.results)
        )
    else:
        summary = _("{total} matching, {results} shown").format(
            total=found.total, results=len(found.results)
        )
    lines.append(summary)
    write(terminal_safe("\n".join(lines)))
    return EXIT_OK


def _marked(parts: list[tuple[str, bool]]) -> str:
    # A plain-text highlight (the terminal's bold would be an escape sequence in pipes).
    return "".join(f"«{text}»" if hit else text for text, hit in parts)


def _usage(message: str) -> Exception:
    from tui.cli import UsageError

    return UsageError(message)


# -- sync -----------------------------------------------------------------------------------


class ProgressView:
    """Draws ``Progress`` on ``stream``: a bar on a terminal, plain lines otherwise."""

    def __init__(self, stream: TextIO, *, quiet: bool = False) -> None:
        self.stream = stream
        self.quiet = quiet
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self._last = 0.0
        self._phase = ""
        self._drawn = False

    def __call__(self, progress: object) -> None:
        from tui.core.sync import Phase, Progress

        if self.quiet or not isinstance(progress, Progress):
            return
        now = time.monotonic()
        changed = progress.phase != self._phase
        every = BAR_EVERY if self.tty else PLAIN_EVERY
        if not changed and now - self._last < every and progress.phase != Phase.DONE:
            return
        self._last, self._phase = now, progress.phase
        if progress.phase == Phase.DONE:
            self.close()
            return
        line = self.line(progress)
        if self.tty:
            width = shutil.get_terminal_size((100, 24)).columns
            self.stream.write("\r\x1b[K" + line[: max(10, width - 1)])
            self._drawn = True
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def line(self, p: object) -> str:
        from tui.cli import terminal_safe
        from tui.core.sync import Progress

        assert isinstance(p, Progress)
        count = f"{p.done:,}/{p.total:,}" if p.total else f"{p.done:,}"
        bar = ""
        if self.tty and p.total:
            filled = round(20 * min(1.0, p.done / p.total))
            bar = "[" + "#" * filled + "-" * (20 - filled) + "] "
        eta = _(" ETA {eta}").format(eta=_clock(p.eta)) if p.eta is not None else ""
        current = f" {terminal_safe(p.current)}" if self.tty and p.current else ""
        return _(
            "sync {phase}: {bar}{count} {rate:,.0f}/s{eta} (new {new}, updated {updated}, failed {failed}){current}"
        ).format(
            phase=p.phase,
            bar=bar,
            count=count,
            rate=p.rate,
            eta=eta,
            new=p.new,
            updated=p.updated,
            failed=p.failed,
            current=current,
        )

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = False


def _clock(seconds: float | None) -> str:
    s = int(seconds or 0)
    return (
        f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"
    )


def _sync(
    args: argparse.Namespace, options: Options, *, write: Write, warn: Write, error: Write
) -> int:
    import asyncio

    from tui.cli import terminal_safe
    from tui.core.library import LIBRARY_FILE, Library
    from tui.core.mirror import open_mirror

    mirror = open_mirror(options)
    for warning in mirror.warnings:
        warn(warning)
    state = mirror.state_dir
    library = Library(state / LIBRARY_FILE if state else None)
    view = ProgressView(sys.stderr, quiet=args.quiet)
    try:
        report = asyncio.run(_sync_async(args, options, mirror, library, view))
    except KeyboardInterrupt:
        view.close()
        warn(_("sync interrupted; what was fetched is kept: run it again to finish"))
        return 130
    finally:
        library.close()
    view.close()
    for warning in dict.fromkeys(report.warnings):
        warn(terminal_safe(warning))
    if report.fatal:
        error(terminal_safe(report.fatal))
        return EXIT_FAILURE
    if report.failures:
        for target, why in report.failures[:MAX_FAILURES_SHOWN]:
            warn(terminal_safe(_("failed: {target}: {why}").format(target=target, why=why)))
        if len(report.failures) > MAX_FAILURES_SHOWN:
            more = len(report.failures) - MAX_FAILURES_SHOWN
            warn(
                ngettext("… and {count} more failure", "… and {count} more failures", more).format(
                    count=more
                )
            )
        warn(
            ngettext(
                "{count} page could not be synced; run sync again to retry it",
                "{count} pages could not be synced; run sync again to retry them",
                len(report.failures),
            ).format(count=len(report.failures))
        )
    if not args.quiet:
        write(terminal_safe(report.summary()))
    return EXIT_PARTIAL if report.failures and args.strict else EXIT_OK


async def _sync_async(
    args: argparse.Namespace,
    options: Options,
    mirror: Mirror,
    library: Library,
    view: ProgressView,
) -> SyncReport:
    from tui.core.sync import crawl

    try:
        if args.archive:
            from tui.core.archive import sync_archive

            return await sync_archive(
                mirror,
                library,
                options,
                url=args.archive_url,
                use_git=not args.no_git,
                reindex=args.reindex,
                on_progress=view,
            )
        from tui.core.parsed import parsed_directory

        return await crawl(
            mirror,
            library,
            jobs=args.jobs,
            reindex=args.reindex,
            on_progress=view,
            parsed=parsed_directory(options.cache_dir),
        )
    finally:
        await mirror.aclose()
