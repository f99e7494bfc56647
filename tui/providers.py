"""The command palette over the command table: the same names and help as keys and help.

Commands that cannot run where the reader is (no article open, nothing to go back to) are
listed dimmed and do nothing, as in the key bar.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from tui.commands import COMMANDS, Command, keys_label
from tui.i18n import _


class CommandsProvider(Provider):
    """Palette entries from ``tui.commands.COMMANDS``, run by the browser screen."""

    def _commands(self) -> Iterable[Command]:
        return (c for c in COMMANDS if c.palette)

    def _browser(self) -> object:
        from tui.screens.browser import BrowserScreen  # the palette opens over it

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, BrowserScreen):
                return screen
        return None

    def _entry(self, command: Command) -> tuple[Content, Callable[[], None]]:
        from tui.screens.browser import BrowserScreen

        browser = self._browser()
        keys = keys_label(command, getattr(self.app, "keymap", None))
        name = f"{_(command.title)}  ({keys})"
        enabled = not isinstance(browser, BrowserScreen) or browser.can_run(command)
        text = (
            Content(name)
            if enabled
            else Content.styled(_("{name}  (not now)").format(name=name), "dim")
        )

        def run() -> None:
            if isinstance(browser, BrowserScreen):
                browser.run_command(command)

        return text, run

    async def discover(self) -> Hits:
        for command in self._commands():
            text, run = self._entry(command)
            yield DiscoveryHit(text, run, help=_(command.help))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            text, run = self._entry(command)
            # Matched in the language shown, and in English too: the command's name
            # as the README and other programs write it still finds it.
            help_text = _(command.help)
            score = max(
                matcher.match(f"{text.plain} {help_text}"),
                matcher.match(f"{command.title} {command.help}"),
            )
            if score > 0:
                yield Hit(score, matcher.highlight(text.plain), run, help=help_text)
