"""The settings file (issue 10): TOML, where each value came from, problems with file:line.

Also proves that the small tables the settings module keeps to stay Textual-free (themes,
key names, binding ids read from tui/commands.py) agree with Textual and the command table.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.corpus import ROOT
from tui.cli import EXIT_OK, EXIT_USAGE, main
from tui.core.settings import (
    CONFIG_ENV,
    THEMES,
    Settings,
    ValueSource,
    example,
    known_bindings,
    load_settings,
    valid_key,
)


def _write(tmp_path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_values_are_read_with_their_line(tmp_path):
    path = _write(
        tmp_path,
        'mirrors = ["https://ghfast.top/https://raw.githubusercontent.com"]\n'
        'proxy = "socks5h://127.0.0.1:1080"\ntheme = "nord"\nreader_width = 72\n'
        "prefetch = false\nprefetch_jobs = 2\ncache_size = 64\n"
        '[keymap]\n"screen.back" = "backspace, ctrl+o"\n',
    )
    settings = load_settings(path)
    assert settings.problems == []
    assert settings.mirrors == ("https://ghfast.top/https://raw.githubusercontent.com",)
    assert settings.proxy == "socks5h://127.0.0.1:1080"
    assert (settings.theme, settings.reader_width, settings.prefetch) == ("nord", 72, False)
    assert (settings.prefetch_jobs, settings.cache_bytes) == (2, 64 * 1024 * 1024)
    assert settings.keymap == {"screen.back": "backspace,ctrl+o"}
    assert settings.source_of("theme").source is ValueSource.FILE
    assert settings.source_of("theme").detail == f"{path}:3"
    assert settings.source_of("keymap.screen.back").detail == f"{path}:9"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('theme = "nord"\nmirrors = [\n', 3, "TOML syntax error"),
        ('theme = "nord"\ncolour = "red"\n', 2, "unknown key 'colour'"),
        ('reader_width = "wide"\n', 1, "reader_width: must be a whole number"),
        ("prefetch_jobs = 99\n", 1, "out of range"),
        ('theme = "no-such-theme"\n', 1, "unknown theme 'no-such-theme'"),
        ('proxy = "ftp://x"\n', 1, "bad proxy"),
        ('mirrors = ["ftp://x"]\n', 1, "bad mirror URL"),
        ('\n[keymap]\n"screen.back" = "ctrl+nothing"\n', 3, "'ctrl+nothing' is not a key name"),
        ('[keymap]\n"screen.bak" = "h"\n', 2, "unknown binding id 'screen.bak'"),
        ('[keymap]\n"back" = "h"\n', 2, "did you mean 'screen.back'"),
        ('[keymap]\n"screen.tags" = "r"\n', 2, "'r' is bound to both"),
    ],
)
def test_a_bad_file_says_where_and_keeps_defaults(tmp_path, text, line, words):
    path = _write(tmp_path, text)
    settings = load_settings(path)
    assert len(settings.problems) == 1, settings.notices
    problem = settings.problems[0]
    assert problem.line == line and str(problem).startswith(f"{path}:{line}: ")
    assert words in problem.message
    defaults = Settings()
    if "syntax" in words:
        assert settings.theme == defaults.theme  # nothing of a broken file applies
    elif "nord" in text:
        assert settings.theme == "nord"  # what was right still applies
    assert settings.reader_width == defaults.reader_width or "reader_width" not in text


def test_where_the_file_is_looked_for(tmp_path, monkeypatch):
    env_file = _write(tmp_path, 'theme = "dracula"\n')
    monkeypatch.setenv(CONFIG_ENV, str(env_file))
    settings = load_settings()
    assert settings.theme == "dracula" and settings.path_source is ValueSource.ENVIRONMENT
    other = tmp_path / "other.toml"
    other.write_text('theme = "nord"\n')
    assert load_settings(other).theme == "nord"  # --config wins over the environment
    missing = load_settings(tmp_path / "missing.toml")
    assert "no such settings file" in missing.notices[0]
    monkeypatch.delenv(CONFIG_ENV)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert load_settings().problems == []  # no file at the default place is fine


def test_example_is_complete_valid_and_all_defaults(tmp_path):
    text = example()
    path = _write(tmp_path, text)
    settings = load_settings(path)
    assert settings.problems == []
    for key in ("mirrors", "proxy", "theme", "reader_width", "prefetch", "prefetch_jobs",
                "cache_size", "[keymap]"):  # fmt: skip
        assert key in text
    assert settings.prefetch_jobs == 4 and settings.cache_size == 500 and settings.keymap == {}


def test_config_prints_provenance_and_flags_win(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("HTTPS_PROXY", raising=False)
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:9")
    path = _write(tmp_path, 'theme = "nord"\ncache_size = 80\n')
    rc = main(["config", "--config", str(path), "--cache-size", "90"])
    out = capsys.readouterr().out
    assert rc == EXIT_OK
    assert f'theme = "nord"  # file ({path}:1)' in out
    assert "cache_size = 90  # flag (--cache-size)" in out
    assert 'proxy = "socks5://127.0.0.1:9"  # environment ($ALL_PROXY)' in out
    assert "prefetch = true  # default" in out
    # --config before the subcommand works the same
    assert main(["--config", str(path), "config"]) == EXIT_OK


def test_config_and_doctor_exit_2_on_a_bad_file(tmp_path, capsys):
    path = _write(tmp_path, "theme = 3\n")
    assert main(["config", "--config", str(path)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert f"{path}:1: theme: must be a theme name string" in err
    assert main(["--config", str(path), "doctor", "--sample"]) == EXIT_USAGE


def test_config_example_prints_the_example(capsys):
    assert main(["config", "--example"]) == EXIT_OK
    assert capsys.readouterr().out.strip() == example().strip()


def test_dump_warns_about_a_bad_file_and_still_works(tmp_path, capsys):
    path = _write(tmp_path, 'prefetch = "yes"\n')
    rc = main(["dump", "--config", str(path), "--sample", "README.md"])
    captured = capsys.readouterr()
    assert rc == EXIT_OK and captured.out
    assert f"warning: {path}:1: prefetch: must be true or false" in captured.err


def test_options_carry_the_settings(tmp_path):
    from tui.cli import build_parser, options_from

    path = _write(tmp_path, 'theme = "nord"\nprefetch_jobs = 3\nreader_width = 60\n'
                  '[keymap]\n"app.quit" = "q,ctrl+q"\n')  # fmt: skip
    options = options_from(build_parser().parse_args(["--config", str(path), "--no-prefetch"]))
    assert (options.theme, options.prefetch, options.prefetch_jobs) == ("nord", False, 3)
    assert options.reader_width == 60 and options.settings.keymap == {"app.quit": "q,ctrl+q"}


# ------------------------------------------------------------ tables kept equal to Textual


def test_theme_table_is_textuals():
    from textual.theme import BUILTIN_THEMES

    assert set(THEMES) == set(BUILTIN_THEMES)


def test_binding_ids_read_from_source_equal_the_command_table():
    from tui.commands import COMMANDS, bindings_for

    made = {
        b.id: b.key  # type: ignore[union-attr]
        for scope in ("app", "screen", "list", "reader")
        for b in bindings_for(scope)  # type: ignore[arg-type]
    }
    assert known_bindings() == made
    assert len(made) == len(COMMANDS)


def test_key_names_agree_with_textual():
    from textual.keys import Keys, _character_to_key

    for code in range(0x21, 0x7F):
        assert valid_key(_character_to_key(chr(code))), chr(code)
    for key in Keys:
        if not key.value.startswith("<") and key.value != "ctrl-at":  # a legacy alias
            assert valid_key(key.value), key.value
    for bad in ("ctrl+nothing", "control+a", "ctrl+ctrl+a", "", "enter key", "f25"):
        assert not valid_key(bad), bad


def test_config_and_doctor_skip_textual(tmp_path):
    code = (
        "import contextlib, io, sys\n"
        "from tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['config'])\n"
        "    main(['doctor', '--sample'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
