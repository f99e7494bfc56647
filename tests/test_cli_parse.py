"""The browser's command line is parsed by its own options alone, with the same results
and the same errors as the whole parser (tui.cli.parse_command_line)."""

from __future__ import annotations

import argparse

import pytest

from tui.cli import COMMAND_NAMES, UsageError, build_parser, parse_command_line
from tui.i18n import set_language


@pytest.fixture(autouse=True)
def english() -> None:
    set_language("en")


def test_the_command_names_are_the_parsers_subcommands() -> None:
    parser = build_parser()
    (subcommands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(subcommands.choices) == COMMAND_NAMES


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--mirror", "github:owner/repo@main", "--offline"],
        ["--sample", "--lang", "zh-Hant", "--no-prefetch", "--theme", "nord"],
        ["--cache-dir", "/tmp/x", "--cache-size", "20", "--ambiguous-width", "2"],
        ["--mir", "http://127.0.0.1:9/", "--script=traditional"],  # abbreviated, as argparse allows
    ],
)
def test_a_browser_command_line_parses_as_the_whole_parser_does(argv: list[str]) -> None:
    assert parse_command_line(argv) == build_parser().parse_args(argv)
    assert parse_command_line(argv).command is None


@pytest.mark.parametrize(
    "argv",
    [
        ["dump", "--json", "README.md"],
        ["--mirror", "x", "search", "香港", "--limit", "3"],
        ["--offline", "sync", "--jobs", "2"],
        ["keys"],
    ],
)
def test_a_subcommand_goes_to_the_whole_parser(argv: list[str]) -> None:
    args = parse_command_line(argv)
    assert args == build_parser().parse_args(argv)
    assert args.command == argv[[a in COMMAND_NAMES for a in argv].index(True)]


@pytest.mark.parametrize(
    "argv", [["--no-such-flag"], ["bogus"], ["--lang", "fr"], ["--cache-size", "many"]]
)
def test_errors_read_as_the_whole_parsers(argv: list[str]) -> None:
    with pytest.raises(UsageError) as short:
        parse_command_line(argv)
    with pytest.raises(UsageError) as whole:
        build_parser().parse_args(argv)
    assert str(short.value) == str(whole.value)
    if argv == ["bogus"]:
        assert "dump" in str(short.value)  # the choices name every subcommand


def test_help_lists_the_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_command_line(["--help"])
    out = capsys.readouterr().out
    assert all(name in out for name in COMMAND_NAMES)
