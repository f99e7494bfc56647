"""Help, generated from the same command table as the bindings, key bar and palette.

Rows are laid out here, not by a ``Static``: a help line that wraps goes on under its own
text (a hanging indent), not back at the dialog's edge, and every row's text starts in the
same column, whatever its keys.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.widget import Widget

from tui.commands import COMMANDS, dialog_bindings, keys_label
from tui.core.text import cell_width, wrap
from tui.i18n import N_, _
from tui.resources import styles_dir

SCOPE_TITLES = {
    "screen": N_("Everywhere"),
    "app": "",
    "list": N_("In the list"),
    "reader": N_("In the reader"),
}
INDENT = 2  # cells before the keys
GAP = 2  # cells between the keys and their help
MAX_KEYS = 24  # a keys column wider than this would starve the help text
CLOSE_HINT = N_("Esc, q or ? closes · j k Space b g G scroll")

#: (keys, help) rows; a row with no keys is a heading, an empty one a blank line.
HelpRow = tuple[str, str]


def help_rows(keymap: Mapping[str, str] | None = None) -> list[HelpRow]:
    """Every command once, under the scope that owns it, then what the table cannot say."""
    rows: list[HelpRow] = []
    for scope, title in SCOPE_TITLES.items():
        if title:  # the app's few commands go on under "Everywhere"
            if rows:
                rows.append(("", ""))
            rows.append(("", _(title)))
        for command in COMMANDS:
            if command.scope == scope:
                rows.append((keys_label(command, keymap), _(command.help)))
    rows += [
        ("", ""),
        ("", _("More")),
        (_("digits then Enter"), _("Follow link N in the reader")),
        ("Ctrl+P", _("Command palette: every command, and the theme")),
        (_("Mouse"), _("Click an entry, a link or a key in the bottom line; the wheel scrolls")),
    ]
    return rows


def help_lines(rows: list[HelpRow], width: int) -> list[Content]:
    """The rows laid out for ``width`` cells: keys in one column, help wrapped beside them."""
    column = min(MAX_KEYS, max((cell_width(k) for k, _ in rows if k), default=0))
    start = INDENT + column + GAP
    text_width = max(10, width - start)
    lines: list[Content] = []
    for keys, text in rows:
        if not keys:
            lines.append(Content.styled(text, "bold $accent") if text else Content(""))
            continue
        key_lines = [keys] if cell_width(keys) <= column else wrap(keys, column)
        help_wrapped = wrap(text, text_width) or [""]
        for i in range(max(len(key_lines), len(help_wrapped))):
            key = key_lines[i] if i < len(key_lines) else ""
            line = help_wrapped[i] if i < len(help_wrapped) else ""
            lines.append(
                Content.assemble(
                    " " * INDENT,
                    (key, "bold"),
                    " " * (column - cell_width(key) + GAP),
                    line,
                )
            )
    return lines


class HelpText(Widget):
    """The rows of help, wrapped for the width the dialog gives them."""

    DEFAULT_CSS = "HelpText { height: auto; }"  # i18n: not shown

    def __init__(self, rows: list[HelpRow], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows = rows
        self._lines: tuple[int, list[Content]] = (0, [])

    def lines(self, width: int) -> list[Content]:
        if self._lines[0] != width:
            self._lines = (width, help_lines(self.rows, width))
        return self._lines[1]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

    def render(self) -> Content:
        return Content("\n").join(self.lines(self.content_region.width or self.size.width))

    def plain_lines(self) -> list[str]:
        """What is drawn, line by line (tests check the indents)."""
        return [line.plain for line in self.lines(self.content_region.width or self.size.width)]


class HelpScreen(ModalScreen[None]):
    CSS_PATH = [styles_dir() / "dialogs.tcss"]
    AUTO_FOCUS = "#help-body"
    BINDINGS = [
        *dialog_bindings(),
        Binding("question_mark", "close", N_("Close"), show=False),
        Binding("j", "scroll('down')", show=False),
        Binding("k", "scroll('up')", show=False),
        Binding("space", "scroll('page_down')", show=False),
        Binding("b", "scroll('page_up')", show=False),
        Binding("g", "scroll('home')", show=False),
        Binding("G", "scroll('end')", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = _("Keys")
            body.border_subtitle = _(CLOSE_HINT)
            yield HelpText(help_rows(getattr(self.app, "keymap", None)), id="help-text")

    def action_scroll(self, how: str) -> None:
        try:
            body = self.query_one("#help-body", VerticalScroll)
        except NoMatches:
            return
        {
            "down": body.scroll_down,
            "up": body.scroll_up,
            "page_down": body.scroll_page_down,
            "page_up": body.scroll_page_up,
            "home": body.scroll_home,
            "end": body.scroll_end,
        }[how](animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
