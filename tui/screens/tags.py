"""The tag picker: choose one of the article's tags to open its related list."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.commands import dialog_bindings
from tui.i18n import _
from tui.resources import styles_dir


class TagPicker(ModalScreen[str | None]):
    CSS_PATH = [styles_dir() / "dialogs.tcss"]
    AUTO_FOCUS = "#tags-list"
    BINDINGS = [
        *dialog_bindings(),
        Binding("j", "cursor_down", show=False),
        Binding("k", "cursor_up", show=False),
    ]

    def __init__(self, title: str, tags: Sequence[str]) -> None:
        super().__init__()
        self._title = title
        self._tags = list(tags)

    def compose(self) -> ComposeResult:
        with Vertical(id="tags-body"):
            yield Static(
                Content.assemble((_("Tags of "), ""), (self._title, "bold")), id="tags-title"
            )
            yield OptionList(
                *[Option(Content(tag)) for tag in self._tags], id="tags-list", markup=False
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0 if self._tags else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._tags[event.option_index])

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)
