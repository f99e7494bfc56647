"""The command line as a user runs it: a real subprocess, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.corpus import CORPUS, MIRROR_ROOT, ROOT, pages
from tui.cli import main
from tui.core.mirror import Origin
from tui.core.urls import DEFAULT_HOME

ARTICLE = pages("article")[0]


def run(*args: str, cwd: Path = ROOT, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    env.pop("GOODNEWS_TUI_CACHE_DIR", None)
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("goodnews-tui: error: ")
    return lines[0]


def test_version():
    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == "goodnews-tui 0.1.0"


def test_help_lists_dump():
    result = run("--help")
    assert result.returncode == 0 and "dump" in result.stdout


def dump_json(*args: str) -> dict:
    result = run("dump", "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_dump_local_folder_prints_the_page():
    result = run("dump", "--mirror", str(CORPUS), ARTICLE.ref.path)
    assert result.returncode == 0, result.stderr
    title = ARTICLE.text().splitlines()[0].removeprefix("### ").strip()
    assert title in result.stdout
    assert result.stderr == ""
    assert dump_json("--mirror", str(CORPUS), ARTICLE.ref.path)["ref"] == ARTICLE.ref.key


def test_dump_cross_repo_key_and_blob_url_from_local_folder():
    for page in (
        "begood0513/basic@master:README.md",
        "https://github.com/begood0513/basic/blob/master/README.md",
    ):
        data = dump_json("--mirror", str(CORPUS), page)
        assert data["ref"] == "begood0513/basic@master:README.md"


def test_dump_local_file_path_keeps_its_identity():
    assert dump_json(str(ARTICLE.file))["ref"] == ARTICLE.ref.key
    relative = os.path.relpath(ARTICLE.file, ROOT)
    assert relative.startswith("../")
    assert dump_json(relative)["ref"] == ARTICLE.ref.key


def test_dump_json_over_http_every_url_form(corpus_server, tmp_path):
    for page in (ARTICLE.ref.path, ARTICLE.ref.raw_url, ARTICLE.ref.cdn_url, ARTICLE.ref.blob_url):
        data = dump_json("--mirror", corpus_server.base_url, "--cache-dir", str(tmp_path), page)
        assert data["ref"] == ARTICLE.ref.key
    assert corpus_server.count(ARTICLE.ref) == 1  # later runs came from the cache


def test_dump_offline_uses_the_cache(corpus_server, tmp_path):
    base = ("--mirror", corpus_server.base_url, "--cache-dir", str(tmp_path))
    online = run("dump", *base, "README.md")
    assert online.returncode == 0, online.stderr
    corpus_server.stop()
    result = run("dump", *base, "--offline", "README.md")
    assert result.returncode == 0, result.stderr
    assert result.stdout == online.stdout
    miss = run("dump", *base, "--offline", ARTICLE.ref.path)
    assert miss.returncode == 4 and "not in the cache" in one_line_error(miss)


def test_not_found_exits_3(corpus_server, tmp_path):
    result = run(
        "dump", "--mirror", corpus_server.base_url, "--cache-dir", str(tmp_path), "pages/x/0.md"
    )
    assert result.returncode == 3
    assert "not found" in one_line_error(result)
    local = run("dump", "--mirror", str(CORPUS), "pages/x/0.md")
    assert local.returncode == 3 and one_line_error(local)


def test_source_failure_exits_4_quickly(corpus_server, tmp_path):
    corpus_server.set_fault("redirect_foreign")
    started = time.monotonic()
    result = run(
        "dump", "--mirror", corpus_server.base_url, "--cache-dir", str(tmp_path), "README.md"
    )
    assert time.monotonic() - started < 15
    assert result.returncode == 4
    assert "not a mirror host" in one_line_error(result)


def test_escape_from_local_folder_exits_4():
    result = run("dump", "--mirror", str(MIRROR_ROOT), "begood0513/goodnews@master:../../x.md")
    # parse_ref normalises the climb away, so the key form cannot even express it:
    assert result.returncode in (2, 4)
    one_line_error(result)


@pytest.mark.parametrize(
    "args",
    [
        ("--no-such-flag",),
        ("dump",),
        ("dump", "--mirror", "/definitely/not/here", "README.md"),
        ("dump", "--mirror", "ftp://x", "README.md"),
        ("dump", "--mirror", "github:onlyowner", "README.md"),
        ("dump", "--proxy", "gopher://x:1", "README.md"),
        ("dump", "--sample", "--mirror", str(CORPUS), "README.md"),
        ("dump", "--mirror", str(CORPUS), "https://example.com/page.html"),
        ("--mirror", "/definitely/not/here"),
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...]):
    result = run(*args)
    assert result.returncode == 2
    one_line_error(result)


def test_options_before_the_subcommand_count():
    result = run("--mirror", str(CORPUS), "dump", "--json", ARTICLE.ref.path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ref"] == ARTICLE.ref.key


def test_control_characters_are_never_written(tmp_path):
    hostile = tmp_path / "hostile.md"
    hostile.write_text(
        "### \x1b[31mred\x1b[0m \u202egnp.exe\n\n<p>body \x1b]0;title\x07 text</p>\n",
        encoding="utf-8",
    )
    result = run("dump", str(hostile))
    assert result.returncode == 0, result.stderr
    assert "red" in result.stdout and "body" in result.stdout
    assert not any(c in result.stdout for c in "\x1b\x07\u202e")


def test_invalid_utf8_file_warns_on_stderr(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"### ok \xff\xfe end\n")
    result = run("dump", str(bad))
    assert result.returncode == 0
    assert "ok" in result.stdout
    assert result.stderr.startswith("goodnews-tui: warning:") and "undecodable" in result.stderr


def test_origin_values_are_stable_strings():
    # dump --json and the UI show these; keep them stable.
    assert [o.value for o in Origin] == ["network", "cache", "stale", "local"]
    assert DEFAULT_HOME.key == "begood0513/goodnews@master:README.md"


def test_keys_lists_every_binding_id_with_the_effective_keys(tmp_path, capsys):
    from tui.core.settings import known_bindings

    config = tmp_path / "config.toml"
    config.write_text('[keymap]\n"screen.back" = "backspace,ctrl+o"\n')
    assert main(["keys", "--config", str(config)]) == 0
    rows = {line.split()[0]: line.split()[1] for line in capsys.readouterr().out.splitlines()[1:]}
    assert set(rows) == set(known_bindings())
    assert rows["screen.back"] == "backspace,ctrl+o" and rows["app.quit"] == "q"


def test_config_option_is_accepted_before_and_after_each_subcommand(tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text('theme = "nord"\n')
    for argv in (["--config", str(config), "config"], ["config", "--config", str(config)],
                 ["--config", str(config), "keys"], ["keys", "--config", str(config)]):  # fmt: skip
        assert main(argv) == 0, argv
    assert 'theme = "nord"' in capsys.readouterr().out


# -- the browser's start ------------------------------------------------------------------


def test_the_browser_opens_its_mirror_and_library_while_textual_is_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``_run_app`` hands ``run_app`` the mirror and the library, opened in another thread
    (their SQLite work overlaps the import of Textual), and ``run_app`` starts on them."""
    import threading

    import tui.app
    import tui.cli
    from tui.core.config import Options
    from tui.core.library import LIBRARY_FILE, Library

    opened_in: list[threading.Thread] = []
    library_init = Library.__init__

    def recording(self: Library, *args: object, **kwargs: object) -> None:
        opened_in.append(threading.current_thread())
        library_init(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Library, "__init__", recording)
    handed: list[object] = []
    monkeypatch.setattr(tui.app, "run_app", lambda options, opening: handed.append(opening) or 0)
    options = Options(mirror="http://127.0.0.1:9", cache_dir=tmp_path / "cache")
    assert tui.cli._run_app(options) == 0
    (opening,) = handed
    mirror, library = opening.result()  # type: ignore[attr-defined]
    try:
        assert opened_in and opened_in[0] is not threading.current_thread()
        assert mirror.state_dir is not None
        assert library.path == mirror.state_dir / LIBRARY_FILE
    finally:
        library.close()


def test_a_mirror_that_cannot_open_is_a_message_and_its_exit_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from concurrent.futures import Future

    from tui.app import run_app
    from tui.core.config import Options
    from tui.core.errors import MirrorError

    failed: Future[object] = Future()
    failed.set_exception(MirrorError("no such mirror"))
    code = run_app(Options(), failed)  # type: ignore[arg-type]
    assert code == MirrorError.exit_code != 0
    assert "no such mirror" in capsys.readouterr().err
