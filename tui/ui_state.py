"""What the browser remembers between runs that is not the user's to write: the theme
chosen in the palette. Kept in the state directory, never in the user's settings file."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

UI_STATE_FILE = "ui.json"


def remembered_theme(state_dir: Path | None, file_theme: str | None) -> str | None:
    """The theme last chosen in the palette, unless the settings file changed its theme
    since (then the file, the newer wish, wins)."""
    data = _read(state_dir)
    theme = data.get("theme")
    if not isinstance(theme, str) or data.get("file_theme") != file_theme:
        return None
    return theme


def remember_theme(state_dir: Path | None, theme: str, file_theme: str | None) -> None:
    if state_dir is None:
        return
    path = state_dir / UI_STATE_FILE
    data = {**_read(state_dir), "theme": theme, "file_theme": file_theme}
    with contextlib.suppress(OSError):
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(json.dumps(data), "utf-8")
        tmp.replace(path)


def remembered_script(state_dir: Path | None, file_script: str) -> str | None:
    """The script last chosen with the key, unless the settings file changed its script
    since (the theme's rule: the newer wish wins)."""
    data = _read(state_dir)
    script = data.get("script")
    if not isinstance(script, str) or data.get("file_script") != file_script:
        return None
    return script


def remember_script(state_dir: Path | None, script: str, file_script: str) -> None:
    if state_dir is None:
        return
    path = state_dir / UI_STATE_FILE
    data = {**_read(state_dir), "script": script, "file_script": file_script}
    with contextlib.suppress(OSError):
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(json.dumps(data), "utf-8")
        tmp.replace(path)


def _read(state_dir: Path | None) -> dict[str, object]:
    if state_dir is None:
        return {}
    try:
        data = json.loads((state_dir / UI_STATE_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
