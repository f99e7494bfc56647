"""The Textual app: styles, theme, notifications and start-up; the browser is a screen.

``GoodnewsApp`` holds what is app-wide (the page service, help, quit, the palette) and
returns ``BrowserScreen`` from ``get_default_screen()``; everything about places, pages and
keys in the browser lives there and in the headless ``tui.nav`` and ``tui.core``.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.notifications import SeverityLevel
from textual.screen import Screen

from tui.commands import bindings_for
from tui.core.config import Options
from tui.core.fallback import FallbackMirror, MirrorLike
from tui.core.library import Library
from tui.core.mirror import Mirror, sample_mirror
from tui.core.pages import PageService, parse_process
from tui.core.parsed import ParsedStore
from tui.core.prefetch import Recipe
from tui.core.text import one_line
from tui.i18n import _
from tui.providers import CommandsProvider
from tui.resources import styles_dir
from tui.screens.browser import BrowserScreen
from tui.widgets.reader import MAX_TEXT_WIDTH


class GoodnewsApp(App[int]):
    """A keyboard-driven browser for the goodnews mirror."""

    TITLE = "goodnews-tui"
    CSS_PATH = [styles_dir() / "app.tcss"]
    COMMANDS = App.COMMANDS | {CommandsProvider}
    BINDINGS = bindings_for("app")
    # Where w and W write (None: the downloads folder) and what w writes: from settings.
    save_dir: Path | None = None
    save_format: str = "markdown"

    def __init__(
        self,
        mirror: Mirror | MirrorLike,
        *,
        library: Library | None = None,
        prefetch: bool = True,
        theme: str | None = None,
        clock: Callable[[], datetime] | None = None,
        parse_in_process: bool = True,
        recipe: Recipe | None = None,
        keymap: dict[str, str] | None = None,
        notices: list[str] | None = None,
        file_theme: str | None = None,
        reader_width: int | None = MAX_TEXT_WIDTH,
        script: str = "original",
        file_script: str = "original",
        parsed: ParsedStore | None = None,
    ) -> None:
        super().__init__()
        self.animation_level = "none"
        if isinstance(mirror, Mirror) and mirror.kind.cached:
            # With no network and nothing cached, the sample shows how the browser works.
            state_dir = mirror.state_dir
            mirror = FallbackMirror(mirror, lambda: sample_mirror(state_dir))
        self.library = library or Library(None)
        self.service = PageService(
            mirror,
            self.library,
            clock=clock,
            background_parser=(lambda: parse_process(recipe)) if parse_in_process else None,
            recipe=recipe,
            parsed=parsed,
        )
        self.prefetch_enabled = prefetch
        self.reader_width = reader_width
        self.script = script
        self.file_script = file_script  # the settings file's script: a key press beats it
        self.notices = list(notices or [])
        self.file_theme = file_theme  # the settings file's theme: a palette choice beats it
        self.keymap = dict(keymap or {})
        if self.keymap:
            self.set_keymap(self.keymap)
        if theme and theme in self.available_themes:
            self.theme = theme
        self._clashes: set[str] = set()
        self._theme_ready = True  # from here on, a theme change is the user's choice

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Of Textual's own palette entries only the theme: ours cover the rest (quit, keys)."""
        for command in super().get_system_commands(screen):
            if command.title == "Theme":  # i18n: not shown (Textual's name, matched)
                yield command._replace(title=_("Theme"), help=_("Change the current theme"))

    def action_command_palette(self) -> None:
        """Textual's palette with its prompt in the interface language."""
        from textual.command import CommandPalette

        if self.use_command_palette and not self.screen.has_class("--textual-command-palette"):
            placeholder = _("Search for commands…")
            self.push_screen(CommandPalette(placeholder=placeholder, id="--command-palette"))

    def search_themes(self) -> None:
        """The theme list of the palette's Theme entry, its prompt in the interface language."""
        from textual.command import CommandPalette
        from textual.theme import ThemeProvider

        self.push_screen(
            CommandPalette(providers=[ThemeProvider], placeholder=_("Search for themes…"))
        )

    def get_default_screen(self) -> BrowserScreen:
        from tui.core.script import Script

        return BrowserScreen(
            self.service,
            prefetch=self.prefetch_enabled,
            reader_width=self.reader_width,
            script=Script(self.script) if self.script in tuple(Script) else Script.ORIGINAL,
        )

    def remember_script(self, script: str) -> None:
        """A script chosen with the key is kept for the next start (as the theme is)."""
        from tui.ui_state import remember_script

        remember_script(self.service.mirror.state_dir, script, self.file_script)

    @property
    def browser(self) -> BrowserScreen:
        """The browser screen (under any dialog that is open)."""
        screen = self.screen_stack[0] if self.screen_stack else self.screen
        assert isinstance(screen, BrowserScreen)
        return screen

    def run(self, *args: Any, **kwargs: Any) -> int | None:
        # What is imported lives as long as the process: out of the collector's sight, full
        # collections over it cannot stall the first frames (with the collector running,
        # they added 20-60 ms to the first paint on half of the starts; bench/ui.py).
        gc.freeze()
        try:
            return super().run(*args, **kwargs)
        finally:
            gc.enable()  # if the first frame never came

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is one safe line: messages quote page paths and titles."""
        super().notify(
            one_line(message),
            title=one_line(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def on_mount(self) -> None:
        self.call_after_refresh(self._after_first_frame)
        for notice in self.notices:
            self.notify(notice, title=_("settings"), severity="warning", markup=False, timeout=10)

    def watch_theme(self, theme: str) -> None:
        """A theme chosen in the palette is remembered for the next start (in the state
        directory, not in the user's settings file)."""
        if getattr(self, "_theme_ready", False):
            from tui.ui_state import remember_theme

            remember_theme(self.service.mirror.state_dir, theme, self.file_theme)

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node: DOMNode) -> None:
        """Two bindings of a keymap on one key: say which, once, instead of guessing."""
        names = sorted({b.id or b.action for b in clashed_bindings})
        message = _("keymap: {names} share a key; only one of them works").format(
            names=", ".join(names)
        )
        if message not in self._clashes:
            self._clashes.add(message)
            self.notify(message, title=_("settings"), severity="warning", markup=False)

    def _after_first_frame(self) -> None:
        """Start the collector that ``tui.launch`` paused for start-up.

        What the first frame needed (widgets, styles, the home page) stays: frozen with the
        rest, it is out of the collector's sight, so later collections stay short.
        """
        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    def on_resize(self) -> None:
        # The browser lays out for the new width even when a dialog covers it.
        if self.screen_stack:
            self.browser.apply_width(self.size.width)

    async def on_unmount(self) -> None:
        """Stop background parsing and close the HTTP client in the loop that owns it."""
        await self.service.aclose()

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen  # only when asked: keeps start-up short

        self.push_screen(HelpScreen())


def make_app(options: Options, mirror: Mirror, library: Library) -> GoodnewsApp:
    """The browser as the command line starts it (benchmarks build it the same way)."""
    from tui.core.parsed import parsed_directory
    from tui.core.settings import ValueSource
    from tui.ui_state import remembered_theme

    settings = options.settings
    # How the prefetch worker opens the same mirror and library in its own process.
    recipe = (
        Recipe(options, library=library.path, concurrency=options.prefetch_jobs)
        if mirror.kind.cached
        else None
    )
    file_theme = settings.theme
    theme = options.theme
    if settings.source_of("theme").source is not ValueSource.FLAG:
        theme = remembered_theme(mirror.state_dir, file_theme) or theme
    file_script = (
        settings.script if settings.source_of("script").source is ValueSource.FILE else "original"
    )
    script = options.script
    if settings.source_of("script").source is not ValueSource.FLAG:
        from tui.ui_state import remembered_script

        script = remembered_script(mirror.state_dir, file_script) or script
    app = GoodnewsApp(
        mirror,
        library=library,
        prefetch=options.prefetch,
        recipe=recipe,
        keymap=settings.keymap,
        notices=settings.notices,
        theme=theme,
        file_theme=file_theme,
        script=script,
        file_script=file_script,
        # The settings' width; none given there: the reader's comfortable default.
        reader_width=options.reader_width
        if settings.source_of("reader_width").source is not ValueSource.DEFAULT
        else MAX_TEXT_WIDTH,
        # Models of pages parsed before, beside the page cache (opened on first use).
        parsed=ParsedStore(parsed_directory(options.cache_dir)),
    )
    app.save_dir, app.save_format = options.save_dir, settings.save_format
    return app


def run_app(options: object, opening: Future[tuple[Mirror, Library]]) -> int:
    """Start the browser for the given ``tui.core.config.Options`` on the mirror and library
    that ``opening`` opens (``tui.cli``, while this module was imported); the exit code."""
    from tui.core.errors import MirrorError

    assert isinstance(options, Options)
    try:
        mirror, library = opening.result()
    except MirrorError as error:
        print(_("goodnews-tui: {error}").format(error=error), file=sys.stderr)
        return error.exit_code
    except ValueError as error:
        print(_("goodnews-tui: {error}").format(error=error), file=sys.stderr)
        return 2
    if options.theme and options.theme not in App().available_themes:
        library.close()
        names = ", ".join(sorted(App().available_themes))
        print(
            _("goodnews-tui: unknown theme {theme}; choose one of: {names}").format(
                theme=repr(options.theme), names=names
            ),
            file=sys.stderr,
        )
        return 2
    app = make_app(options, mirror, library)
    try:
        app.run()
    finally:
        library.close()
    return app.return_code or 0
