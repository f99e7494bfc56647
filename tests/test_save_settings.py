"""The save_dir and save_format settings, and where saving goes without them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tui.cli import build_parser, options_from
from tui.core.export import default_save_dir
from tui.core.settings import example, load_settings


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_save_settings_are_read_checked_and_reach_the_options(tmp_path: Path) -> None:
    path = _write(tmp_path, 'save_dir = "~/news"\nsave_format = "text"\n')
    settings = load_settings(path)
    assert settings.problems == []
    assert settings.save_dir == Path("~/news").expanduser() and settings.save_format == "text"
    options = options_from(build_parser().parse_args(["--config", str(path)]))
    assert options.save_dir == settings.save_dir


def test_bad_save_settings_fall_back_with_a_line_number(tmp_path: Path) -> None:
    path = _write(tmp_path, 'theme = "nord"\nsave_format = "pdf"\nsave_dir = 3\n')
    settings = load_settings(path)
    assert [p.line for p in settings.problems] == [2, 3]
    assert "save_format" in settings.notices[0] and "save_dir" in settings.notices[1]
    assert settings.save_format == "markdown" and settings.save_dir is None


def test_the_example_documents_them_with_their_defaults(tmp_path: Path) -> None:
    text = example()
    assert 'save_dir = ""' in text and 'save_format = "markdown"' in text
    settings = load_settings(_write(tmp_path, text))
    assert settings.problems == [] and settings.save_dir is None


@pytest.mark.skipif(sys.platform != "linux", reason="XDG folders are Linux's")
def test_default_folder_is_downloads_else_documents_else_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name in ("XDG_DOWNLOAD_DIR", "XDG_DOCUMENTS_DIR"):
        monkeypatch.delenv(name, raising=False)
    assert default_save_dir() == tmp_path
    (tmp_path / "Documents").mkdir()
    assert default_save_dir() == tmp_path / "Documents"
    (tmp_path / "Downloads").mkdir()
    assert default_save_dir() == tmp_path / "Downloads"
