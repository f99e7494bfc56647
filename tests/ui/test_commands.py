"""The command table against the nodes that own its commands."""

from __future__ import annotations

import pytest

from tests.ui.helpers import home_ready, open_article, open_index, sample_app, state, wait_for
from tui.app import GoodnewsApp
from tui.commands import COMMANDS, Command
from tui.screens.browser import BrowserScreen
from tui.widgets.entries import EntryList
from tui.widgets.reader import ReaderView

OWNERS = {"app": GoodnewsApp, "screen": BrowserScreen, "list": EntryList, "reader": ReaderView}


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.id)
def test_every_command_has_its_action_where_it_is_bound(command: Command) -> None:
    owner = OWNERS[command.scope]
    assert callable(getattr(owner, f"action_{command.action}", None)), (command.scope, command)
    assert f"{command.scope}.{command.id}" in {b.id for b in owner.BINDINGS}  # type: ignore[union-attr]


def test_tab_is_bound_once() -> None:
    bound = [
        b
        for owner in OWNERS.values()
        for b in owner.BINDINGS  # type: ignore[attr-defined]
        if "tab" in str(b.key if hasattr(b, "key") else b).split(",")
    ]
    assert len(bound) == 1


async def test_commands_that_cannot_run_are_greyed_until_they_can() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        screen = app.browser
        by_id = {c.id: c for c in COMMANDS}
        for name in ("back", "forward", "tags", "copy_url", "open_link"):
            assert not screen.can_run(by_id[name]), name
        bar = screen.keybar
        hints = {h.label: h.enabled for h in bar.hints()[0]}
        assert hints["Back"] is False and hints["Tags"] is False and hints["Quit"] is True
        await open_index(pilot, "头条")
        await open_article(pilot, "倒春寒来袭")
        await pilot.pause()
        for name in ("back", "tags", "copy_url"):
            assert screen.can_run(by_id[name]), name
        hints = {h.label: h.enabled for h in bar.hints()[0]}
        assert hints["Back"] is True and hints["Tags"] is True
        # A greyed key does nothing (no warning, no crash).
        await pilot.press("alt+right")
        await pilot.pause()
        assert state(app).place.kind == "index" and app.is_running


async def test_the_palette_lists_each_of_our_commands_once_and_textual_theme_only() -> None:
    from textual.command import CommandPalette

    app = sample_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.pause(0.3)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        shown = [str(option.prompt) for option in palette.query_one("CommandList").options]  # type: ignore[attr-defined]
        assert sum("Quit" in s for s in shown) == 1
        assert any(s.startswith("Theme") for s in shown)
        assert not any(s.startswith(("Keys", "Maximize", "Screenshot")) for s in shown)
