"""The links view (lynx ``L``, newsboat ``u``): every link and tag of the open page.

A dialog over the browser: move with j/k, filter with ``/``, Enter follows the row (the
browser routes it exactly as a link in the reader), ``y`` copies its target, ``o`` hands it
to a browser. Nothing is fetched from here: following goes through the browser's router,
so an external link is only ever copied, never fetched by the app.

Page text is drawn as ``Content`` built from plain strings, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import unquote

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.layout import link_kind_label
from tui.core.text import cell_width, one_line
from tui.i18n import N_, _
from tui.nav.links import LinkRow, filter_link_rows
from tui.resources import styles_dir

KIND_STYLES = {
    "tag": "$success",
    "article": "$accent",
    "index": "$accent",
    "page": "$accent",
    "in-page": "$secondary",
    "external": "$warning",
    "image": "$text-muted",
}


KIND_COLUMN = 9  # cells: "external" and a space; three Chinese characters fit too
TEXT_COLUMN_MAX = 36  # cells: longer link texts push their target right, shorter align


def shown_target(target: str) -> str:
    """The target as a reader reads it (``/tag/银保监会.htm``, not ``%E9%93%B6…``)."""
    return one_line(unquote(target))


def row_content(row: LinkRow, number_width: int, text_width: int) -> Content:
    """One row: number, kind, text, target; every piece a plain string, styled by role."""
    number = f"{row.n}" if row.n is not None else "·"
    kind = link_kind_label(row.kind)
    text = one_line(row.text) or "—"
    pad = " " * max(0, text_width - cell_width(text))
    return Content.assemble(
        (f"{number:>{number_width}} ", "bold"),
        (f"{kind}{' ' * max(1, KIND_COLUMN - cell_width(kind))}", KIND_STYLES.get(row.kind, "")),
        (text + pad, ""),
        (f"  {shown_target(row.target)}", "$text-muted"),
    )


class LinksView(ModalScreen[LinkRow | None]):
    """Dismissed with the row to follow, or None."""

    CSS_PATH = [styles_dir() / "dialogs.tcss"]
    AUTO_FOCUS = "#links-list"
    BINDINGS = [
        Binding("escape,q", "close", N_("Close"), show=True),
        Binding("j", "cursor_down", show=False),
        Binding("k", "cursor_up", show=False),
        Binding("slash", "filter", N_("Filter"), show=True, key_display="/"),
        Binding("y", "copy", N_("Copy"), show=True),
        Binding("o", "open", N_("Open in browser"), show=True),
    ]

    def __init__(
        self,
        title: str,
        rows: Sequence[LinkRow],
        *,
        copy: Callable[[str], None],
        open_url: Callable[[str], None],
    ) -> None:
        super().__init__()
        self._title = title
        self.rows = list(rows)
        self.shown: list[LinkRow] = list(rows)
        self._copy = copy
        self._open_url = open_url
        self._width = max((len(str(r.n)) for r in rows if r.n is not None), default=1)
        widths = [cell_width(one_line(r.text)) for r in rows]
        self._text_width = min(TEXT_COLUMN_MAX, max(widths, default=0))

    def compose(self) -> ComposeResult:
        with Vertical(id="links-body"):
            yield Static(self._heading(), id="links-title")
            yield Input(
                placeholder=_("filter: words of the text, kind or target"), id="links-filter"
            )
            yield OptionList(id="links-list", markup=False)
            yield Static(
                Content(_("Enter follow · y copy · o open in browser · / filter · Esc close")),
                id="links-help",
            )

    def _heading(self) -> Content:
        count = len(self.shown)
        total = (
            f"{count}"
            if count == len(self.rows)
            else _("{count} of {total}").format(count=count, total=len(self.rows))
        )
        before, _title, after = _("Links of {title}").partition("{title}")
        return Content.assemble(
            (before, ""),
            (one_line(self._title), "bold"),
            (after, ""),
            (f"  ({total})", "$text-muted"),
        )

    def on_mount(self) -> None:
        self.query_one("#links-filter", Input).display = False
        self._fill()

    def _fill(self) -> None:
        options = self.query_one("#links-list", OptionList)
        options.clear_options()
        options.add_options(
            [Option(row_content(r, self._width, self._text_width)) for r in self.shown]
        )
        options.highlighted = 0 if self.shown else None
        self.query_one("#links-title", Static).update(self._heading())

    @property
    def current(self) -> LinkRow | None:
        index = self.query_one("#links-list", OptionList).highlighted
        if index is None or not 0 <= index < len(self.shown):
            return None
        return self.shown[index]

    @on(OptionList.OptionSelected, "#links-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.shown):
            self.dismiss(self.shown[event.option_index])

    @on(Input.Changed, "#links-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.shown = filter_link_rows(self.rows, event.value)
        self._fill()

    @on(Input.Submitted, "#links-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#links-list", OptionList).focus()

    def on_key(self, event: Key) -> None:
        # Escape in the filter line clears it and goes back to the list, as in the list pane.
        field = self.query_one("#links-filter", Input)
        if event.key == "escape" and field.has_focus:
            event.stop()
            event.prevent_default()
            field.value = ""
            field.display = False
            self.query_one("#links-list", OptionList).focus()

    def action_filter(self) -> None:
        field = self.query_one("#links-filter", Input)
        field.display = True
        field.focus()

    def action_cursor_down(self) -> None:
        self.query_one("#links-list", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#links-list", OptionList).action_cursor_up()

    def action_copy(self) -> None:
        row = self.current
        if row is not None:
            self._copy(row.url)

    def action_open(self) -> None:
        row = self.current
        if row is not None:
            self._open_url(row.url)

    def action_close(self) -> None:
        self.dismiss(None)
