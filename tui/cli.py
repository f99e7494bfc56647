"""The ``goodnews-tui`` command: the browser by default, ``dump`` to print one page, and
``doctor``/``config``/``keys`` for reaching the mirror and the settings file.

``dump`` must stay importable without Textual (it is the scripting and test path), so the
app is imported lazily inside ``_run_app``. Every failure ends as a one-line message on
stderr and an exit code (0 ok, 2 usage, 3 not found, 4 network or source failure), never
as a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import re
import shutil
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path

from tui import __version__
from tui.core.config import Options, check_proxy, parse_mirror_spec
from tui.core.errors import MirrorError
from tui.core.library import LIBRARY_FILE, Library
from tui.core.mirror import Mirror, fetch_file, open_mirror
from tui.core.parsed import parser_version
from tui.core.settings import Settings, load_settings
from tui.core.urls import parse_ref, parse_url
from tui.i18n import LANG_ENV, LANGUAGES, N_, _, get_language, normalize_language, set_language

PROG = "goodnews-tui"
EXIT_OK, EXIT_USAGE, EXIT_NOT_FOUND, EXIT_FAILURE = 0, 2, 3, 4
# A PAGE written like a file path is a local file; anything else is a path in the mirror, so
# that ``dump README.md`` means the mirror's home even where a README.md sits in the cwd.
FILE_PREFIXES = ("/", "./", "../", "~", ".\\", "..\\")

# C0/C1 controls (bar tab/newline/CR) and bidi overrides: page text must not drive the terminal.
# (A pattern string: ``re`` compiles it on first use, not on the way to the first frame.)
_UNSAFE = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"


#: argparse's own words (it looks them up with gettext in the "argparse" domain, which has
#: no Chinese catalogue): listed for our catalogue, and looked up there by ``_argparse_text``.
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("expected one argument"),
    N_("invalid %(type)s value: %(value)r"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
)


def _argparse_text(message: str) -> str:
    return _(message) if message in ARGPARSE_MESSAGES else message


class UsageError(Exception):
    """A bad command line; exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse prints usage plus message and exits; we want one line and our exit code.
        raise UsageError(message)


def terminal_safe(text: str) -> str:
    """Show control characters and bidi overrides as visible codes instead of obeying them."""
    return re.sub(_UNSAFE, lambda m: f"<U+{ord(m.group()):04X}>", text)


def _add_source_args(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    # The subcommand repeats the options with SUPPRESS defaults so that its defaults do not
    # overwrite values given before the subcommand name.
    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    parser.add_argument(
        "--mirror",
        metavar="SPEC",
        default=default(None),
        help=_(
            "github:<owner>/<repo>[@ref] (default github:begood0513/goodnews@master), an http(s):// base URL in raw layout, or a local folder"
        ),
    )
    parser.add_argument(
        "--sample", action="store_true", default=default(False), help=_("use the bundled sample")
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        default=default(False),
        help=_("never touch the network; read the cache only"),
    )
    parser.add_argument(
        "--cache-dir", metavar="DIR", type=Path, default=default(None), help=_("cache location")
    )
    parser.add_argument(
        "--cache-size",
        metavar="MiB",
        type=int,
        default=default(None),
        help=_("cache size limit in MiB (default 500)"),
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        type=Path,
        default=default(None),
        help=_("settings file (default: $GOODNEWS_TUI_CONFIG, else the user config directory)"),
    )
    parser.add_argument(
        "--lang",
        metavar="LANG",
        choices=LANGUAGES,
        default=default(None),
        help=_(
            "interface language: zh-Hans, zh-Hant or en (default: from the locale, else zh-Hans)"
        ),
    )
    parser.add_argument(
        "--ambiguous-width",
        metavar="CELLS",
        type=int,
        choices=(1, 2),
        default=default(None),
        help=_("cells the terminal draws “ ” … — · in: 1 (default) or 2 (double-width)"),
    )
    parser.add_argument(
        "--proxy",
        metavar="URL",
        default=default(None),
        help=_("proxy URL: http://, https://, socks5:// or socks5h:// (default: from environment)"),
    )
    parser.add_argument(
        "--script",
        metavar="SCRIPT",
        default=default(None),
        help=_(
            "show pages in their original script (default), or converted: simplified, traditional, taiwan"
        ),
    )


#: The subcommands' names: a command line naming none of them starts the browser.
COMMAND_NAMES = frozenset({"dump", "doctor", "config", "keys", "sync", "search"})


def parse_command_line(argv: list[str]) -> argparse.Namespace:
    """``argv`` parsed. A command line that names no subcommand and asks for no help (the
    browser's start) is parsed by the browser's options alone: building every subcommand's
    parser, with its translated help, is most of the parsing's cost. Anything the short
    parser refuses is parsed again by the whole one, so errors read the same either way."""
    if not any(arg in COMMAND_NAMES or arg in ("-h", "--help") for arg in argv):
        try:
            return build_parser(commands=False).parse_args(argv)
        except UsageError:
            pass
    return build_parser().parse_args(argv)


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    """The command line's parser; without ``commands``, the browser's options only (the
    parsed ``command`` is then None)."""
    argparse._ = _argparse_text  # type: ignore[attr-defined]  # argparse's module-level gettext
    parser = _Parser(prog=PROG, description=_("A terminal browser for the goodnews news mirror."))
    parser.add_argument(
        "--version",
        action="version",
        version=f"{PROG} {__version__}",
        help=_("show program's version number and exit"),
    )
    _add_source_args(parser, suppress=False)
    parser.add_argument("--theme", metavar="NAME", default=None, help=_("Textual theme name"))
    parser.add_argument(
        "--no-prefetch",
        dest="prefetch",
        action="store_false",
        default=None,
        help=_("do not fetch pages ahead of time"),
    )
    if not commands:
        parser.set_defaults(command=None)
        return parser
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    dump = subcommands.add_parser("dump", help=_("print one page and exit"))
    _add_source_args(dump, suppress=True)
    dump.add_argument("--json", dest="as_json", action="store_true", help=_("= --format json"))
    dump.add_argument(
        "--format",
        choices=("text", "markdown", "json"),
        default=None,
        help=_("text (lynx -dump style, the default), markdown (as the browser saves), or json"),
    )
    dump.add_argument("--width", type=int, default=None, help=_("wrap width (default: terminal)"))
    dump.add_argument(
        "page",
        metavar="PAGE",
        help=_(
            "mirror path (pages/…/x.md), blob/raw/CDN URL, or a local file written as a path (/…, ./…, ../…, ~/…)"
        ),
    )
    _add_setup_commands(subcommands)
    from tui.cli_sync import add_sync_commands  # sync and search (issue 11)

    add_sync_commands(subcommands, _add_source_args)
    return parser


def _add_setup_commands(commands: argparse._SubParsersAction) -> None:
    # doctor, config and keys (issue 10): their code lives in tui.core.doctor and
    # tui.core.settings; only the registration is here.
    doctor = commands.add_parser("doctor", help=_("probe every mirror endpoint and advise"))
    _add_source_args(doctor, suppress=True)
    doctor.add_argument("--json", dest="as_json", action="store_true", help=_("print JSON"))
    config = commands.add_parser("config", help=_("print the effective settings and their origin"))
    _add_source_args(config, suppress=True)
    config.add_argument(
        "--example", action="store_true", help=_("print a complete commented settings file")
    )
    keys = commands.add_parser("keys", help=_("list the binding ids and keys for [keymap]"))
    _add_source_args(keys, suppress=True)


def options_from(args: argparse.Namespace, settings: Settings | None = None) -> Options:
    """Validate and gather the options, flags over the settings file; ``UsageError`` if bad."""
    from tui.core.settings import merge_flags

    if args.sample and args.mirror:
        raise UsageError(_("choose either --sample or --mirror, not both"))
    if args.cache_size is not None and args.cache_size <= 0:
        raise UsageError(_("--cache-size must be a positive number of MiB"))
    try:
        if not args.sample:
            parse_mirror_spec(args.mirror)
        check_proxy(args.proxy)
        script = _script_flag(getattr(args, "script", None))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    settings = merge_flags(
        settings if settings is not None else load_settings(getattr(args, "config", None)),
        proxy=args.proxy,
        theme=getattr(args, "theme", None),
        prefetch=getattr(args, "prefetch", None),
        cache_size=args.cache_size,
        lang=getattr(args, "lang", None),
        script=script,
        ambiguous_width=getattr(args, "ambiguous_width", None),
    )
    set_language(settings.lang)
    return Options(
        mirror=args.mirror,
        sample=args.sample,
        offline=args.offline,
        cache_dir=args.cache_dir,
        proxy=settings.proxy,
        theme=settings.theme,
        prefetch=settings.prefetch,
        cache_size=settings.cache_bytes,
        mirrors=settings.mirrors,
        prefetch_jobs=settings.prefetch_jobs,
        reader_width=settings.reader_width,
        lang=settings.lang,
        script=settings.script,
        save_dir=settings.save_dir,
        ambiguous_width=settings.ambiguous_width,
        settings=settings,
    )


def _script_flag(value: str | None) -> str | None:
    if value is None:
        return None
    from tui.core.script import parse_script  # light: OpenCC loads only to convert

    return str(parse_script(value))


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    set_language(_language_in(sys.argv[1:] if argv is None else argv))
    try:
        args = parse_command_line(sys.argv[1:] if argv is None else argv)
        options = options_from(args)
        # Worker processes are spawned, not forked: they read the language from here.
        os.environ[LANG_ENV] = get_language()
        if options.ambiguous_width != 1:
            from tui.core.text import set_ambiguous_width

            set_ambiguous_width(options.ambiguous_width)  # dump's and the app's widths alike
        if args.command in ("doctor", "config", "keys"):
            gc.enable()
            return _run_setup_command(args, options)
        if args.command in ("sync", "search"):
            gc.enable()
            from tui.cli_sync import run_sync_command

            return run_sync_command(args, options, write=_write, warn=_warn, error=_error)
        if args.command == "dump":
            gc.enable()  # paused by tui.launch for the browser's start-up only
            return asyncio.run(_dump(args, options))
        return _run_app(options)
    except UsageError as exc:
        _error(_("{exc} (see {prog} --help)").format(exc=exc, prog=PROG))
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except MirrorError as exc:
        _error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK
    except Exception as exc:  # never a traceback: one line, failure code
        _error(
            _("unexpected failure: {error}: {detail}").format(
                error=type(exc).__name__, detail=" ".join(str(exc).split())
            )
        )
        return EXIT_FAILURE


def _language_in(argv: list[str]) -> str | None:
    """``--lang`` read ahead of argparse, so that ``--help`` and usage errors speak it."""
    for i, arg in enumerate(argv):
        value = arg.removeprefix("--lang=") if arg.startswith("--lang=") else None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        if value is not None and normalize_language(value):
            return normalize_language(value)
    return None  # the environment's, until the settings file is read


def _run_setup_command(args: argparse.Namespace, options: Options) -> int:
    if args.command == "doctor":
        from tui.core.doctor import run_doctor

        return run_doctor(options, as_json=args.as_json, write=_write, warn=_warn)
    from tui.core.settings import run_config

    if args.command == "config":
        return run_config(options, as_example=args.example, write=_write, warn=_warn)
    return _run_keys(options)


def _run_keys(options: Options) -> int:
    # The one subcommand that imports the command table (and so textual.binding).
    from tui.commands import COMMANDS

    for problem in options.settings.notices:
        _warn(problem)
    rows = []
    for command in COMMANDS:
        binding_id = f"{command.scope}.{command.id}"
        keys = options.settings.keymap.get(binding_id, command.keys)
        rows.append((binding_id, keys, _(command.help)))
    width = max(len(r[0]) for r in rows)
    keys_width = max(len(r[1]) for r in rows)
    head = (_("binding id"), _("keys"), _("what it does"))
    lines = [f"{head[0]:<{width}}  {head[1]:<{keys_width}}  {head[2]}"]
    lines += [f"{r[0]:<{width}}  {r[1]:<{keys_width}}  {r[2]}" for r in rows]
    _write("\n".join(lines))
    return EXIT_USAGE if options.settings.problems else EXIT_OK


def _open_state(options: Options) -> tuple[Mirror, Library]:
    """The mirror and the library the browser starts on (``MirrorError``, ``ValueError``)."""
    mirror = open_mirror(options)
    state = mirror.state_dir
    library = Library(state / LIBRARY_FILE if state else None)
    # The key of the first screen's stored model needs the parser's digest: its reads and
    # hashing (150 KB of source, 1-1.5 ms) release the GIL, so here they overlap the import.
    parser_version()
    return mirror, library


def _run_app(options: Options) -> int:
    # The mirror and the library open in a thread while Textual is imported: at 15,000
    # articles their SQLite checks and the disk cache's set-up are 15-25 ms of the start,
    # mostly in SQLite with the GIL released, so they overlap the import (bench/scale.py).
    with ThreadPoolExecutor(1, thread_name_prefix="goodnews-open") as pool:
        opening = pool.submit(_open_state, options)
        try:
            from tui.app import run_app
        except ImportError as exc:
            _close_opened(opening)
            if exc.name != "tui.app":
                raise
            _error(_("the browser is not available in this build; try 'goodnews-tui dump PAGE'"))
            return EXIT_FAILURE
    if options.ambiguous_width == 2:
        from tui.widgets.ambiguous import widen_ambiguous

        widen_ambiguous()  # Rich (so Textual) measures as the core does
    return int(run_app(options, opening) or 0)


def _close_opened(opening: Future[tuple[Mirror, Library]]) -> None:
    with suppress(Exception):
        opening.result()[1].close()


async def _dump(args: argparse.Namespace, options: Options) -> int:
    from tui.core.library import Library
    from tui.core.pages import PageService

    fmt = _dump_format(args)
    mirror = open_mirror(options)
    # The page service the browser uses, with a library of its own: dump changes nothing.
    service = PageService(mirror, Library(None))
    try:
        for warning in [*options.settings.notices, *mirror.warnings]:
            _warn(warning)
        page = args.page.strip()
        if "://" in page:
            ref = parse_url(page)
            if ref is None:
                raise UsageError(
                    _("{page} is not a GitHub blob/raw or jsDelivr URL of a page").format(
                        page=repr(page)
                    )
                )
            loaded = await service.get(ref)
        elif page.startswith(FILE_PREFIXES):
            loaded = await service.load(fetch_file(Path(page).expanduser(), mirror.home))
        else:
            ref = parse_ref(page, mirror.home)
            if ref is None:
                raise UsageError(
                    _("{page} is not a page path, URL or file").format(page=repr(page))
                )
            loaded = await service.get(ref)
    finally:
        await service.aclose()
    for warning in loaded.warnings:
        _warn(warning)
    width = args.width or shutil.get_terminal_size((100, 24)).columns
    if width <= 0:
        raise UsageError(_("--width must be positive"))
    from tui.core.dump import render_dump
    from tui.core.script import convert_page, parse_script

    shown = convert_page(loaded.page, parse_script(options.script))  # texts only, never URLs
    out = render_dump(shown, mirror.home, format=fmt, width=width)
    _write(out if fmt == "json" else terminal_safe(out))
    return EXIT_OK


def _dump_format(args: argparse.Namespace) -> str:
    # --json is kept as the alias it always was; with a different --format it is a mistake.
    fmt = getattr(args, "format", None)
    if args.as_json and fmt not in (None, "json"):
        raise UsageError(_("--json and --format {fmt} disagree; give one").format(fmt=fmt))
    return "json" if args.as_json else fmt or "text"


def _write(text: str) -> None:
    data = (text if text.endswith("\n") else text + "\n").encode("utf-8", "replace")
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        buffer.write(data)
    sys.stdout.flush()


def _silence_stdout() -> None:
    # After a closed pipe, flushing at exit would raise again; point stdout at nothing.
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _error(message: str) -> None:
    print(_("{prog}: error: {message}").format(prog=PROG, message=message), file=sys.stderr)


def _warn(message: str) -> None:
    print(_("{prog}: warning: {message}").format(prog=PROG, message=message), file=sys.stderr)
