"""The headless core and the ``dump`` path never import Textual (fast start, usable in scripts).

Each check runs in a fresh interpreter, because this test process may already have imported
Textual for UI tests.
"""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys

import tui.core
import tui.nav
from tests.corpus import CORPUS, ROOT, pages

FORBIDDEN = ("textual",)


def _modules_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))\n"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def _forbidden(modules: set[str]) -> set[str]:
    return {m for m in modules if m.split(".")[0] in FORBIDDEN}


def core_modules() -> list[str]:
    """Every module of the headless packages: the core and the navigation core."""
    return sorted(
        info.name
        for package in (tui.core, tui.nav)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}.")
    )


def test_core_modules_are_listed():
    names = core_modules()
    for required in ("urls", "errors", "fetch", "source", "cache", "config", "mirror", "pages"):
        assert f"tui.core.{required}" in names
    for required in ("history", "places", "router"):
        assert f"tui.nav.{required}" in names


def test_importing_every_core_module_skips_textual():
    imports = "\n".join(f"import {name}" for name in core_modules())
    modules = _modules_after(imports + "\nimport tui.cli")
    assert "tui.core.mirror" in modules and "tui.cli" in modules
    assert _forbidden(modules) == set()


def test_running_dump_skips_textual():
    page = pages("article")[0].ref.path
    code = (
        "import contextlib, io\n"
        "from tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    rc = main(['dump', '--mirror', {str(CORPUS)!r}, {page!r}])\n"
        "assert rc == 0 and out.getvalue(), rc\n"
    )
    modules = _modules_after(code)
    assert "tui.core.mirror" in modules
    assert _forbidden(modules) == set()


def test_the_parsers_load_when_asked_and_not_before():
    """A worker process calls ``load_parsers`` as it starts, so that its first article is
    not also the import of bs4 and its CSS engine; importing the parse package alone (the
    first screen's path) loads none of them."""
    bare = _modules_after("import tui.core.parse")
    assert "bs4" not in bare and "tui.core.parse.article" not in bare
    loaded = _modules_after("from tui.core.parse import load_parsers\nload_parsers()")
    assert {
        "bs4",
        "markdown_it",
        "tui.core.parse.article",
        "tui.core.parse.fastmd",
        "tui.core.parse.home",
        "tui.core.parse.index",
        "tui.core.parse.tree",
    } <= loaded


def test_the_browsers_start_up_imports_only_what_its_first_frame_needs():
    """``goodnews-tui`` imports ``tui.cli`` and ``tui.app`` before its first frame. What only
    a fetch, a parse, a dialog or a command needs is imported when first used, after it:
    each of these cost the first paint milliseconds that a cached home page never uses."""
    modules = _modules_after("import tui.launch, tui.cli, tui.app")
    assert "tui.app" in modules
    late = {
        "httpx",  # the first fetch
        "diskcache",  # the first write to the cache (reads need none of it)
        "bs4",  # the first article parsed
        "markdown_it",
        "lxml",
        "opencc",  # the first page shown in the other script
        "tui.core.validate",  # the first fetch's reply
        "tui.core.parse.article",
        "tui.core.parse.jsonout",  # dump --json
        "tui.core.parse.tags",  # the cleaner's tag links
        "tui.core.workers",  # the worker process, started after the first frame
        "tui.core.sync",  # the sync command
        "tui.core.search",  # the search place
        "tui.core.dump",  # the dump command
        "tui.screens.help",  # the help dialog
    }
    assert late & modules == set()
