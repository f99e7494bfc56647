"""The bottom line: the keys that work where the focus is, and a short status on the right.

One widget drawn as one line of ``Content`` (Textual's ``Footer`` mounts a widget per key
and fills in only after the first frame; this bar is complete in the first frame). Keys come
from the screen's active bindings, so they follow the focus and the command table; each is
clickable: a click runs the key as if typed. The status (prefetch progress, typed link
digits) is our own text, never page text, but is still added as plain ``Content``.
"""

from __future__ import annotations

from typing import NamedTuple

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget

from tui.commands import display_key
from tui.core.text import one_line
from tui.i18n import _

SEPARATOR = "  ·  "


class KeyHint(NamedTuple):
    key: str  # the key as Textual names it, for simulate_key
    display: str  # what the bar shows
    label: str
    enabled: bool = True


def _display(binding: Binding) -> str:
    """The table's short form when it gives one (``⏎``), else the one key-name display."""
    return binding.key_display or display_key(binding.key)


class KeyBar(Widget, can_focus=False):
    """Key hints on the left; status and the palette key on the right."""

    status: reactive[str] = reactive("", layout=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # Where each key was drawn at the last render: (first cell, end cell, key).
        self._spots: list[tuple[int, int, str]] = []
        # The hints drawn last: bindings are announced on every focus change, but the bar
        # is redrawn only when what it shows changes (0 bytes over the link otherwise).
        self._drawn: tuple[list[KeyHint], KeyHint | None] | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen and self.hints() != self._drawn:
            self.refresh()

    def hints(self) -> tuple[list[KeyHint], KeyHint | None]:
        """The shown keys of the focused widget and its ancestors, and the palette key.

        A focused widget in a mode of its own (the list while its filter is typed into)
        may name its keys instead, with a ``key_hints()`` method.
        """
        app = self.app
        own = getattr(self.screen.focused, "key_hints", None)
        if own is not None:
            special = own()
            if special is not None:
                return [KeyHint(key, display, label) for key, display, label in special], None
        active = self.screen.active_bindings
        hints: list[KeyHint] = []
        seen: set[str] = set()
        for _node, binding, enabled, _tooltip in active.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            # Descriptions are the command table's English msgids (built at import): translated
            # here, as drawn, in the language in effect now.
            label = _(binding.description)
            hints.append(KeyHint(binding.key, _display(binding), label, enabled))
        palette: KeyHint | None = None
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _node, binding, enabled, _tooltip = active[app.COMMAND_PALETTE_BINDING]
            palette = KeyHint(binding.key, _display(binding), _("palette"), enabled)
        return hints, palette

    @staticmethod
    def _piece(hint: KeyHint) -> Content:
        key_style = "bold $accent" if hint.enabled else "$text-disabled"
        label_style = "" if hint.enabled else "$text-disabled"
        return Content.assemble((f" {hint.display} ", key_style), (f"{hint.label} ", label_style))

    def render(self) -> Content:
        width = self.content_region.width or self.size.width
        hints, palette = self._drawn = self.hints()
        pieces = [self._piece(hint) for hint in hints]
        status = Content(one_line(self.status))
        palette_piece = self._piece(palette) if palette is not None else Content("")
        # The palette hint goes first when room is short; then keys from the end. The
        # status (progress) stays, cut with an ellipsis only when nothing else is left.
        right = status + Content(SEPARATOR) + palette_piece if self.status else palette_piece
        show_palette = palette is not None and palette.enabled
        if sum(p.cell_length for p in pieces) + right.cell_length + 1 > width:
            right, show_palette = status, False
        left = Content("")
        spots: list[tuple[int, int, str]] = []
        for hint, piece in zip(hints, pieces, strict=True):
            start = left.cell_length
            if start + piece.cell_length + (right.cell_length + 1 if right else 0) > width:
                break
            if hint.enabled:
                spots.append((start, start + piece.cell_length, hint.key))
            left += piece
        if left.cell_length + right.cell_length > width:
            right, show_palette = (
                right.truncate(max(0, width - left.cell_length), ellipsis=True),
                False,
            )
        if show_palette and palette is not None:
            spots.append((width - palette_piece.cell_length, width, palette.key))
        self._spots = spots
        gap = max(0, width - left.cell_length - right.cell_length)
        return left + Content(" " * gap) + right

    def on_click(self, event: events.Click) -> None:
        x = event.x - self.gutter.left
        key = next((k for start, end, k in self._spots if start <= x < end), None)
        if key is not None:
            event.stop()
            self.app.simulate_key(key)
