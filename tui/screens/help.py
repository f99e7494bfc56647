"""Help, generated from the same command table as the bindings, key bar and palette."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.commands import COMMANDS, keys_label
from tui.resources import styles_dir

SCOPE_TITLES = {
    "screen": "Everywhere",
    "app": "",
    "list": "In the list",
    "reader": "In the reader",
}


def help_text(keymap: Mapping[str, str] | None = None) -> Content:
    parts: list[str | tuple[str, str]] = []
    for scope, title in SCOPE_TITLES.items():
        if title:  # the app's few commands go on under "Everywhere"
            if parts:
                parts.append("\n")
            parts.append((f"{title}\n", "bold $accent"))
        for command in COMMANDS:
            if command.scope == scope:
                parts.append((f"  {keys_label(command, keymap):<22}", "bold"))
                parts.append(f"{command.help}\n")
    parts.append("\n")
    parts.append(("  digits then Enter      ", "bold"))
    parts.append("Follow link N in the reader\n")
    parts.append(("  Ctrl+P                 ", "bold"))
    parts.append("Command palette: every command, and the theme\n")
    parts.append(("  Mouse                  ", "bold"))
    parts.append("Click an entry, a link or a key in the bottom line; the wheel scrolls\n")
    return Content.assemble(*parts)


class HelpScreen(ModalScreen[None]):
    CSS_PATH = [styles_dir() / "dialogs.tcss"]
    AUTO_FOCUS = "#help-body"
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", show=True),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(Content("Keys"), id="help-title")
            yield Static(help_text(getattr(self.app, "keymap", None)), id="help-text")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
