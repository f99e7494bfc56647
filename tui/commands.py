"""Every command of the browser, defined once.

Each entry gives the key binding, the key-bar label, the help line and the command-palette
entry, so the four can never disagree. Scopes say which node owns the binding (and so which
has the ``action_*`` method, a test checks): the app (help, quit), the browser screen (moving
between places), the list pane, or the reader.

Titles and help are English msgids marked with ``N_()``: the table is built at import,
before the language is chosen (and tests switch it in-process), so the key bar, help and
palette translate them with ``_()`` as they draw.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, NamedTuple

from textual.binding import Binding, BindingType

from tui.i18n import N_

Scope = Literal["app", "screen", "list", "reader"]


class Command(NamedTuple):
    id: str
    keys: str
    action: str
    title: str
    help: str
    scope: Scope = "screen"
    footer: bool = False
    key_display: str | None = None
    palette: bool = True


COMMANDS: tuple[Command, ...] = (
    Command(
        "open",
        "enter,l,right",
        "select",
        N_("Open"),
        N_("Open the highlighted entry"),
        "list",
        key_display="⏎",
    ),
    Command(
        "list_down",
        "j",
        "cursor_down",
        N_("Down"),
        N_("Move down the list (also ↓)"),
        "list",
        palette=False,
    ),
    Command(
        "list_up",
        "k",
        "cursor_up",
        N_("Up"),
        N_("Move up the list (also ↑)"),
        "list",
        palette=False,
    ),
    Command(
        "list_page_down",
        "pagedown",
        "page_down",
        N_("Page down"),
        N_("Move a page down the list"),
        "list",
        palette=False,
    ),
    Command(
        "list_page_up",
        "pageup",
        "page_up",
        N_("Page up"),
        N_("Move a page up the list"),
        "list",
        palette=False,
    ),
    Command(
        "list_first",
        "home",
        "first",
        N_("First"),
        N_("Go to the first entry"),
        "list",
        palette=False,
    ),
    Command(
        "list_last", "end", "last", N_("Last"), N_("Go to the last entry"), "list", palette=False
    ),
    Command(
        "follow",
        "enter,l,right",
        "follow",
        N_("Follow"),
        N_("Follow the selected link, or link N after typing its digits"),
        "reader",
        footer=True,
        key_display="⏎",
    ),
    Command(
        "next_link",
        "n",
        "next_link",
        N_("Next link"),
        N_("Select the next link in the article"),
        "reader",
        footer=True,
    ),
    Command(
        "prev_link",
        "p",
        "prev_link",
        N_("Prev link"),
        N_("Select the previous link in the article"),
        "reader",
    ),
    Command(
        "line_down",
        "j,down",
        "line_down",
        N_("Down"),
        N_("Scroll down one line"),
        "reader",
        palette=False,
    ),
    Command(
        "line_up", "k,up", "line_up", N_("Up"), N_("Scroll up one line"), "reader", palette=False
    ),
    Command(
        "page_down",
        "space,pagedown",
        "page_down",
        N_("Page down"),
        N_("Scroll down a page"),
        "reader",
        key_display="space",
    ),
    Command("page_up", "b,pageup", "page_up", N_("Page up"), N_("Scroll up a page"), "reader"),
    Command("top", "g,home", "top", N_("Top"), N_("Go to the top of the article"), "reader"),
    Command(
        "next_match",
        "full_stop",
        "next_match",
        N_("Next match"),
        N_("Next match of the search (in its results)"),
        "reader",
        key_display=".",
    ),
    Command(
        "prev_match",
        "comma",
        "prev_match",
        N_("Prev match"),
        N_("Scroll to the previous match of that search"),
        "reader",
        key_display=",",
    ),
    Command(
        "bottom", "G,end", "bottom", N_("Bottom"), N_("Go to the end of the article"), "reader"
    ),
    Command(
        "switch_pane",
        "tab",
        "switch_pane",
        N_("Pane"),
        N_("Move between the list and the reader"),
        footer=True,
        key_display="tab",
    ),
    Command(
        "back",
        "backspace,alt+left",
        "back",
        N_("Back"),
        N_("Go back to the previous place"),
        footer=True,
        key_display="⌫",
    ),
    Command(
        "up",
        "escape,h,left",
        "up",
        N_("Up"),
        N_(
            "Up a level: from the reader to the list, from a list to the place before "
            "(Esc first clears a filter or a selected link)"
        ),
        key_display="Esc",
    ),
    Command(
        "to_list",
        "q",
        "to_list",
        N_("List"),
        N_("On a narrow screen, from the reader back to the list (elsewhere q quits)"),
        footer=True,
        palette=False,
    ),
    Command(
        "forward", "alt+right", "forward", N_("Forward"), N_("Go forward again after going back")
    ),
    Command(
        "prev_article",
        "left_square_bracket",
        "prev_article",
        N_("Prev article"),
        N_("Show the previous article of the list"),
        key_display="[",
    ),
    Command(
        "next_article",
        "right_square_bracket",
        "next_article",
        N_("Next article"),
        N_("Show the next article of the list"),
        key_display="]",
    ),
    Command(
        "tags",
        "t",
        "tags",
        N_("Tags"),
        N_("Pick a tag of the article to list related articles"),
        footer=True,
    ),
    Command(
        "filter",
        "slash",
        "filter",
        N_("Filter"),
        N_("Filter the current list as you type"),
        footer=True,
        key_display="/",
    ),
    Command(
        "cycle_script",
        "c",
        "cycle_script",
        N_("Script"),
        N_("Script: original → simplified → traditional → Taiwan"),
    ),
    Command(
        "reload",
        "r",
        "reload",
        N_("Reload"),
        N_("Reload the page past the cache (retry after a failure)"),
        footer=True,
    ),
    Command(
        "copy_url",
        "y",
        "copy_url",
        N_("Copy URL"),
        N_("Copy the article's original URL (or its mirror URL)"),
    ),
    Command(
        "open_link",
        "o",
        "open_link",
        N_("Open link"),
        N_("Open the selected link in a browser, or copy it"),
    ),
    Command("home", "H", "go_home", N_("Home"), N_("Go to the mirror's home page")),
    Command(
        "search",
        "s",
        "search",
        N_("Search"),
        N_("Search every known article as you type"),
        footer=True,
    ),
    Command(
        "all_articles", "A", "all_articles", N_("All articles"), N_("List every known article")
    ),
    Command("links", "L", "links", N_("Links"), N_("List every link and tag of the article")),
    Command("save", "w", "save", N_("Save"), N_("Save the article as Markdown or text (save_dir)")),
    Command(
        "export",
        "W",
        "export",
        N_("Export list"),
        N_("Export the list's cached articles: Markdown, EPUB"),
    ),
    Command(
        "sync",
        "S",
        "sync",
        N_("Sync"),
        N_("Sync the mirror for offline reading and search"),
    ),
    Command(
        "next_unread",
        "u",
        "next_unread",
        N_("Next unread"),
        N_("Next unread article in the list (opens it)"),
    ),
    Command(
        "prev_unread",
        "U",
        "prev_unread",
        N_("Prev unread"),
        N_("Previous unread article in the list"),
    ),
    Command(
        "toggle_read",
        "m",
        "toggle_read",
        N_("Mark read"),
        N_("Mark the article or entry read, or unread again"),
    ),
    Command(
        "mark_all_read",
        "M",
        "mark_all_read",
        N_("Mark all read"),
        N_("Mark the whole list read (press twice)"),
    ),
    Command(
        "star",
        "f",
        "star",
        N_("Star"),
        N_("Star or unstar the article or entry (kept offline)"),
    ),
    Command("starred", "F", "starred", N_("Starred"), N_("List the starred articles")),
    Command("history", "R", "history", N_("History"), N_("List recently read articles (history)")),
    Command(
        "help",
        "question_mark",
        "help",
        N_("Help"),
        N_("Show all keys"),
        "app",
        footer=True,
        key_display="?",
    ),
    Command("quit", "q", "quit", N_("Quit"), N_("Quit goodnews-tui"), "app", footer=True),
    Command(
        "quit_anywhere",
        "Q",
        "quit",
        N_("Quit"),
        N_("Quit from anywhere, a dialog or the reader"),
        "app",
        palette=False,  # the palette's Quit is the one above
    ),
)


def dialog_bindings() -> list[BindingType]:
    """What every dialog answers the same way: Esc and q close it, Q quits the app (app
    bindings do not reach into a modal screen), j and k move."""
    return [
        Binding("escape,q", "close", N_("Close"), show=True),
        Binding("Q", "app.quit", N_("Quit"), show=False),
    ]


def bindings_for(scope: Scope) -> list[BindingType]:
    """Bindings of one scope, straight from the command table."""
    return [
        Binding(
            c.keys,
            c.action,
            c.title,
            show=c.footer,
            key_display=c.key_display,
            id=f"{scope}.{c.id}",
        )
        for c in COMMANDS
        if c.scope == scope
    ]


_KEY_NAMES = {
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "question_mark": "?",
    "slash": "/",
    "enter": "Enter",
    "backspace": "Backspace",
    "alt+left": "Alt+←",
    "alt+right": "Alt+→",
    "space": "Space",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "home": "Home",
    "end": "End",
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
    "tab": "Tab",
    "escape": "Esc",
    "full_stop": ".",
    "comma": ",",
}


def display_key(key: str) -> str:
    """How a key is written everywhere it is shown: key bar, help and palette."""
    return _KEY_NAMES.get(key, key)


def keys_label(command: Command, keymap: Mapping[str, str] | None = None) -> str:
    """All of a command's keys, for help and palette: the user's keymap when it rebinds
    the command (binding id ``<scope>.<id>``), else the table's."""
    keys = (keymap or {}).get(f"{command.scope}.{command.id}", command.keys)
    return " / ".join(display_key(k.strip()) for k in keys.split(","))
