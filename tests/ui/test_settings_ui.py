"""Settings reach the browser: the keymap, the theme (remembered across starts), notices."""

from __future__ import annotations

from pathlib import Path

from tests.ui.helpers import home_ready, open_index, state, wait_for
from tui.app import GoodnewsApp, make_app
from tui.core.config import Options
from tui.core.library import Library
from tui.core.mirror import sample_mirror
from tui.core.settings import ValueSource


async def test_a_keymap_rebinds_a_command_everywhere_it_is_shown() -> None:
    from tui.screens.help import HelpScreen, HelpText

    app = GoodnewsApp(
        sample_mirror(), library=Library(None), prefetch=False, keymap={"screen.home": "ctrl+g"}
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        await open_index(pilot, "头条")
        await pilot.press("H")  # the old key does nothing now
        await pilot.pause()
        assert state(app).place.kind == "index"
        await pilot.press("ctrl+g")
        await home_ready(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = str(app.screen.query_one("#help-text", HelpText).rows)
        assert "ctrl+g" in text and "Go to the mirror's home page" in text


async def test_a_clash_in_the_keymap_is_told_not_guessed() -> None:
    """Textual does not report a keymap clash between bindings that have ids (all of ours
    do); the settings check does, with the file and line, and the browser shows it."""
    from tui.core.settings import Settings, apply_text

    settings = Settings()
    apply_text(settings, '[keymap]\n"screen.home" = "t"\n', "settings.toml")
    assert settings.notices
    shown: list[str] = []

    class Recording(GoodnewsApp):
        def notify(self, message: str, **kwargs: object) -> None:  # type: ignore[override]
            shown.append(message)
            super().notify(message, **kwargs)  # type: ignore[arg-type]

    app = Recording(
        sample_mirror(),
        library=Library(None),
        prefetch=False,
        keymap=settings.keymap,
        notices=settings.notices,
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        assert any("settings.toml" in m and "screen.tags" in m for m in shown), shown


async def test_a_theme_chosen_in_the_palette_is_remembered_until_the_file_changes(
    tmp_path: Path,
) -> None:
    options = Options(sample=True, cache_dir=tmp_path)
    mirror = sample_mirror(tmp_path / "state")
    (tmp_path / "state").mkdir()
    app = make_app(options, mirror, Library(None))
    async with app.run_test(size=(80, 24)) as pilot:
        await home_ready(pilot)
        app.theme = "nord"  # what the palette's theme picker does
        await pilot.pause()
    again = make_app(options, sample_mirror(tmp_path / "state"), Library(None))
    assert again.theme == "nord"
    # The settings file names another theme since: the newer wish wins.
    changed = Options(sample=True, cache_dir=tmp_path)
    changed.settings.override("theme", "gruvbox", ValueSource.FILE, "settings.toml:1")
    changed.theme = "gruvbox"
    assert make_app(changed, sample_mirror(tmp_path / "state"), Library(None)).theme == "gruvbox"
    # A flag wins over both.
    flagged = Options(sample=True, cache_dir=tmp_path, theme="dracula")
    flagged.settings.override("theme", "dracula", ValueSource.FLAG, "--theme")
    assert make_app(flagged, sample_mirror(tmp_path / "state"), Library(None)).theme == "dracula"


async def test_the_reader_width_setting_sets_how_wide_text_is_laid_out() -> None:
    from tests.ui.helpers import open_article

    for width in (40, None):  # None: as wide as the pane
        app = GoodnewsApp(
            sample_mirror(), library=Library(None), prefetch=False, reader_width=width
        )
        async with app.run_test(size=(200, 40)) as pilot:
            await home_ready(pilot)
            await open_index(pilot, "头条")
            await open_article(pilot, "倒春寒来袭")
            layout = app.browser.reader.layout_width
            assert layout == 40 if width else layout > 88, (width, layout)
