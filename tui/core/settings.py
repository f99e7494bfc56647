"""The settings file: what a reader would otherwise type on every start.

TOML read with the standard library's ``tomllib`` (no settings framework: start-up is
measured in milliseconds). Every value remembers where it came from (default, file,
environment, flag) so ``goodnews-tui config`` can answer "why is it like this?". A bad
file never stops the browser: each wrong value falls back to its default and becomes a
``Problem`` with the file and line, shown as a notice; ``config`` and ``doctor`` exit 2.

Binding ids, theme names and key names are checked here without importing Textual
(``config`` and ``doctor`` must stay light): binding ids are read from the source of
``tui/commands.py``, themes and key names from small tables that a test compares with
Textual's own.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from tui.i18n import _

APP_NAME = "goodnews-tui"
CONFIG_ENV = "GOODNEWS_TUI_CONFIG"
CONFIG_NAME = "config.toml"
MiB = 1024 * 1024
DEFAULT_CACHE_MIB = 500
DEFAULT_PREFETCH_JOBS = 4
READER_WIDTH_RANGE = (20, 400)
PREFETCH_JOBS_RANGE = (1, 16)

#: Textual's built-in themes (``textual.theme.BUILTIN_THEMES``; a test keeps them equal).
THEMES = (
    "ansi-dark",
    "ansi-light",
    "atom-one-dark",
    "atom-one-light",
    "catppuccin-frappe",
    "catppuccin-latte",
    "catppuccin-macchiato",
    "catppuccin-mocha",
    "dracula",
    "flexoki",
    "gruvbox",
    "monokai",
    "nord",
    "rose-pine",
    "rose-pine-dawn",
    "rose-pine-moon",
    "solarized-dark",
    "solarized-light",
    "textual-dark",
    "textual-light",
    "tokyo-night",
)

#: Named keys of Textual (``textual.keys.Keys`` without modifiers; a test compares them).
NAMED_KEYS = frozenset(
    {
        "backspace",
        "delete",
        "down",
        "end",
        "enter",
        "escape",
        "home",
        "insert",
        "left",
        "pagedown",
        "pageup",
        "return",
        "right",
        "space",
        "tab",
        "up",
        *(f"f{n}" for n in range(1, 25)),
    }
)
MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_KEY_NAME_REPLACEMENTS = {  # as textual.keys.KEY_NAME_REPLACEMENTS
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}


class ValueSource(StrEnum):
    """Where an effective value came from, as ``config`` prints it."""

    DEFAULT = "default"
    FILE = "file"
    ENVIRONMENT = "environment"
    FLAG = "flag"


class Problem(NamedTuple):
    """One thing wrong in the settings file; ``str`` is the one-line message shown."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class Provenance(NamedTuple):
    """Where a setting's value came from: the default, the file, the environment or a flag."""

    source: ValueSource
    detail: str = ""  # "FILE:LINE", "$HTTPS_PROXY", "--proxy"

    def __str__(self) -> str:
        return f"{self.source} ({self.detail})" if self.detail else str(self.source)


KEYS = (
    "mirrors",
    "proxy",
    "theme",
    "reader_width",
    "prefetch",
    "prefetch_jobs",
    "cache_size",
    "lang",
    "script",
    "save_dir",
    "save_format",
    "ambiguous_width",
)


@dataclass
class Settings:
    """Effective settings of one run; ``problems`` are what the UI shows as notices.

    ``mirrors`` empty means the default chain; ``reader_width`` ``None`` means "as wide
    as the pane"; ``cache_size`` is in MiB as the file writes it (``cache_bytes`` for code).
    ``keymap`` maps binding ids (``<scope>.<command id>``) to Textual key lists, ready for
    ``App.set_keymap``.
    """

    path: Path | None = None
    path_source: ValueSource = ValueSource.DEFAULT
    mirrors: tuple[str, ...] = ()
    proxy: str | None = None
    theme: str | None = None
    reader_width: int | None = None
    prefetch: bool = True
    prefetch_jobs: int = DEFAULT_PREFETCH_JOBS
    cache_size: int = DEFAULT_CACHE_MIB
    lang: str | None = None  # zh-Hans, zh-Hant or en; None: from the environment
    script: str = "original"  # a tui.core.script.Script value
    save_dir: Path | None = None  # None: the user's downloads (else documents, else home)
    save_format: str = "markdown"
    ambiguous_width: int = 1
    keymap: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    sources: dict[str, Provenance] = field(default_factory=dict)

    @property
    def cache_bytes(self) -> int:
        return self.cache_size * MiB

    @property
    def notices(self) -> list[str]:
        """One line per problem, for the app's notices and ``config``'s stderr."""
        return [str(p) for p in self.problems]

    def source_of(self, key: str) -> Provenance:
        return self.sources.get(key, Provenance(ValueSource.DEFAULT))

    def override(self, key: str, value: Any, source: ValueSource, detail: str = "") -> None:
        """Set ``key`` from a flag or the environment, which win over the file."""
        setattr(self, key, value)
        self.sources[key] = Provenance(source, detail)


def default_config_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / CONFIG_NAME


def config_path(
    explicit: Path | None = None, environ: Mapping[str, str] | None = None
) -> tuple[Path, ValueSource]:
    """The file to read: ``--config``, else ``$GOODNEWS_TUI_CONFIG``, else the platform's."""
    env = os.environ if environ is None else environ
    if explicit is not None:
        return Path(explicit).expanduser(), ValueSource.FLAG
    if env.get(CONFIG_ENV, "").strip():
        return Path(env[CONFIG_ENV].strip()).expanduser(), ValueSource.ENVIRONMENT
    return default_config_path(), ValueSource.DEFAULT


def load_settings(
    explicit: Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Read and check the settings file; never raises for what is in the file.

    A missing file at the default place is normal (no settings); a missing file that was
    named (``--config``, ``$GOODNEWS_TUI_CONFIG``) is a problem, since the reader meant one.
    """
    path, source = config_path(explicit, environ)
    settings = Settings(path=path, path_source=source)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if source is not ValueSource.DEFAULT:
            settings.problems.append(Problem(str(path), None, _("no such settings file")))
        return settings
    except OSError as exc:
        settings.problems.append(
            Problem(str(path), None, _("cannot read: {strerror}").format(strerror=exc.strerror))
        )
        return settings
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        settings.problems.append(Problem(str(path), line, _("not UTF-8 text")))
        return settings
    apply_text(settings, text, str(path))
    return settings


def apply_text(settings: Settings, text: str, name: str) -> None:
    """Check ``text`` (TOML) and apply every valid value to ``settings``."""
    import tomllib

    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column \d+\)", message)
        line = int(found.group(1)) if found else None
        if line is None and "end of document" in message:
            line = text.count("\n") + 1  # an unclosed list or string: it ran to the end
        reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
        settings.problems.append(
            Problem(
                name,
                line,
                _("TOML syntax error: {reason}; the whole file is ignored").format(reason=reason),
            )
        )
        return
    lines = _KeyLines(text)

    def problem(key: str, message: str, table_name: str = "") -> None:
        settings.problems.append(Problem(name, lines.find(table_name, key), message))

    for key, value in table.items():
        if key == "keymap":
            if not isinstance(value, dict):
                problem(key, _('keymap must be a table: [keymap] then "scope.command" = "keys"'))
                continue
            _apply_keymap(settings, value, lambda k, m: problem(k, m, "keymap"), name, lines)
            continue
        if key not in KEYS:
            problem(
                key,
                _("unknown key {key} (known: {known})").format(
                    key=repr(key), known=", ".join((*KEYS, "keymap"))
                ),
            )
            continue
        try:
            checked = _CHECKS[key](value)
        except ValueError as exc:
            problem(key, _("{key}: {exc}; using the default").format(key=key, exc=exc))
            continue
        setattr(settings, key, checked)
        settings.sources[key] = Provenance(ValueSource.FILE, f"{name}:{lines.find('', key) or '?'}")


def _apply_keymap(
    settings: Settings,
    table: dict[str, Any],
    problem: Any,
    name: str,
    lines: _KeyLines,
) -> None:
    known = known_bindings()
    for binding_id, keys in table.items():
        if binding_id not in known:
            close = [b for b in sorted(known) if b.split(".")[-1] == binding_id.split(".")[-1]]
            hint = (
                _(" (did you mean {close}?)").format(close=repr(close[0]))
                if close
                else _(" (goodnews-tui keys lists them)")
            )
            problem(
                binding_id,
                _("keymap: unknown binding id {binding_id}{hint}").format(
                    binding_id=repr(binding_id), hint=hint
                ),
            )
            continue
        if not isinstance(keys, str):
            problem(
                binding_id,
                _('keymap: {binding_id} must be a string of keys, like "j,down"').format(
                    binding_id=binding_id
                ),
            )
            continue
        bad = [k for k in split_keys(keys) if not valid_key(k)]
        if bad or not split_keys(keys):
            what = ", ".join(repr(b) for b in bad) or repr(keys)
            problem(
                binding_id,
                _("keymap: {binding_id}: {what} is not a key name").format(
                    binding_id=binding_id, what=what
                ),
            )
            continue
        settings.keymap[binding_id] = ",".join(split_keys(keys))
        settings.sources[f"keymap.{binding_id}"] = Provenance(
            ValueSource.FILE, f"{name}:{lines.find('keymap', binding_id) or '?'}"
        )
    for clash in keymap_clashes(settings.keymap):
        first_id = clash[1]
        problem(first_id, clash[0])


# ------------------------------------------------------------------------ value checks


def _check_mirrors(value: Any) -> tuple[str, ...]:
    from tui.core.source import parse_base

    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ValueError(_("must be a non-empty list of base URLs"))
    out: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise ValueError(_("{item} is not a URL string").format(item=repr(item)))
        parse_base(item)  # raises ValueError with the reason
        out.append(item.strip().rstrip("/"))
    return tuple(out)


def _check_proxy(value: Any) -> str | None:
    from tui.core.config import check_proxy_url

    if not isinstance(value, str):
        raise ValueError(_('must be a proxy URL string, like "socks5h://127.0.0.1:1080"'))
    return check_proxy_url(value) if value.strip() else None


def _check_theme(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(_("must be a theme name string"))
    if value not in THEMES:
        raise ValueError(
            _("unknown theme {value}; choose one of: {themes}").format(
                value=repr(value), themes=", ".join(THEMES)
            )
        )
    return value


def _int_in(low: int, high: int) -> Any:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(
                _("must be a whole number from {low} to {high}").format(low=low, high=high)
            )
        if not low <= value <= high:
            raise ValueError(
                _("{value} is out of range ({low} to {high})").format(
                    value=value, low=low, high=high
                )
            )
        return value

    return check


def _check_reader_width(value: Any) -> int | None:
    if value == 0 and not isinstance(value, bool):
        return None  # 0: as wide as the pane
    return _int_in(*READER_WIDTH_RANGE)(value)


def _check_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(_("must be true or false"))
    return value


def _check_lang(value: Any) -> str:
    from tui.i18n import LANGUAGES, normalize_language

    language = normalize_language(value) if isinstance(value, str) else None
    if language is None:
        raise ValueError(
            _("unknown language {value}; choose one of: {choices}").format(
                value=repr(value), choices=", ".join(LANGUAGES)
            )
        )
    return language


def _check_script(value: Any) -> str:
    from tui.core.script import parse_script

    if not isinstance(value, str):
        raise ValueError(_('must be a string: "original", "simplified", "traditional" or "taiwan"'))
    return str(parse_script(value))


def _check_save_dir(value: Any) -> Path | None:
    if not isinstance(value, str):
        raise ValueError(_('must be a folder path string, like "~/Downloads"'))
    if "\x00" in value:
        raise ValueError(_("must not contain NUL"))
    return Path(value.strip()).expanduser() if value.strip() else None


def _check_save_format(value: Any) -> str:
    if value not in ("markdown", "text"):
        raise ValueError(_('must be "markdown" or "text"'))
    return str(value)


_CHECKS = {
    "mirrors": _check_mirrors,
    "proxy": _check_proxy,
    "theme": _check_theme,
    "reader_width": _check_reader_width,
    "prefetch": _check_bool,
    "prefetch_jobs": _int_in(*PREFETCH_JOBS_RANGE),
    "cache_size": _int_in(1, 1024 * 1024),
    "lang": _check_lang,
    "script": _check_script,
    "save_dir": _check_save_dir,
    "save_format": _check_save_format,
    "ambiguous_width": _int_in(1, 2),
}


# ------------------------------------------------------------------------ keys


def split_keys(keys: str) -> list[str]:
    return [k.strip() for k in keys.split(",") if k.strip()]


@cache
def _character_key_names() -> frozenset[str]:
    names: set[str] = set()
    for code in range(0x21, 0x7F):
        char = chr(code)
        if char.isalnum():
            continue
        name = unicodedata.name(char).lower().replace("-", "_").replace(" ", "_")
        names.add(_KEY_NAME_REPLACEMENTS.get(name, name))
    return frozenset(names)


def valid_key(key: str) -> bool:
    """Whether Textual knows ``key`` (``ctrl+p``, ``G``, ``question_mark``, ``f5``)."""
    *mods, base = key.split("+") if key != "+" else ["+"]
    if any(m not in MODIFIERS for m in mods) or len(set(mods)) != len(mods):
        return False
    if len(base) == 1:
        return base.isprintable() and not base.isspace() and base != ","
    return base in NAMED_KEYS or base in _character_key_names()


@cache
def known_bindings() -> dict[str, str]:
    """Binding id -> default keys, read from the source of ``tui/commands.py``.

    Importing the table would import Textual (its ``Binding``); the ids only need the
    ``Command(...)`` literals, and a test proves this reading equals ``bindings_for``.
    """
    import ast

    source = (Path(__file__).resolve().parent.parent / "commands.py").read_text("utf-8")
    fields = ("id", "keys", "action", "title", "help", "scope")
    out: dict[str, str] = {}
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Command"):
            continue
        values: dict[str, Any] = {"scope": "screen"}
        for name, arg in zip(fields, node.args, strict=False):
            if isinstance(arg, ast.Constant):
                values[name] = arg.value
        for kw in node.keywords:
            if kw.arg in fields and isinstance(kw.value, ast.Constant):
                values[kw.arg] = kw.value.value
        if isinstance(values.get("id"), str) and isinstance(values.get("keys"), str):
            out[f"{values['scope']}.{values['id']}"] = values["keys"]
    return out


def keymap_clashes(keymap: Mapping[str, str]) -> list[tuple[str, str]]:
    """Keys bound twice in one scope once ``keymap`` is applied: (message, binding id).

    Textual would let the first binding win silently; the reader should hear about it.
    """
    effective = {**known_bindings(), **keymap}
    seen: dict[tuple[str, str], str] = {}
    out: list[tuple[str, str]] = []
    for binding_id, keys in effective.items():
        scope = binding_id.split(".", 1)[0]
        for key in split_keys(keys):
            other = seen.setdefault((scope, key), binding_id)
            if other != binding_id and (binding_id in keymap or other in keymap):
                changed = binding_id if binding_id in keymap else other
                out.append(
                    (
                        _("keymap: {key} is bound to both {other} and {binding_id}").format(
                            key=repr(key), other=other, binding_id=binding_id
                        ),
                        changed,
                    )
                )
    return out


# ------------------------------------------------------------------------ lines


class _KeyLines:
    """Line numbers of ``key = …`` in each table: tomllib does not report them."""

    _HEADER = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$")
    _KEY = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=""")

    def __init__(self, text: str) -> None:
        self._lines: dict[tuple[str, str], int] = {}
        table = ""
        for number, line in enumerate(text.splitlines(), 1):
            header = self._HEADER.match(line)
            if header:
                table = header.group(1).strip().strip("\"'")
                continue
            key = self._KEY.match(line)
            if key:
                name = key.group(1)
                if name[:1] in "\"'":
                    name = name[1:-1]
                self._lines.setdefault((table, name), number)

    def find(self, table: str, key: str) -> int | None:
        return self._lines.get((table, key))


# ------------------------------------------------------------------------ flags


def merge_flags(
    settings: Settings,
    *,
    proxy: str | None = None,
    theme: str | None = None,
    prefetch: bool | None = None,
    cache_size: int | None = None,
    ambiguous_width: int | None = None,
    environ: Mapping[str, str] | None = None,
    lang: str | None = None,
    script: str | None = None,
) -> Settings:
    """Command-line flags over the file; the environment's proxy noted where it applies."""
    if proxy is not None and proxy.strip():
        settings.override("proxy", proxy.strip(), ValueSource.FLAG, "--proxy")
    elif settings.proxy is None:
        from tui.core.config import PROXY_ENV

        env = os.environ if environ is None else environ
        for name in PROXY_ENV:
            if env.get(name, "").strip():
                settings.sources["proxy"] = Provenance(ValueSource.ENVIRONMENT, f"${name}")
                break
    if theme is not None:
        settings.override("theme", theme, ValueSource.FLAG, "--theme")
    if prefetch is not None:
        settings.override("prefetch", prefetch, ValueSource.FLAG, "--no-prefetch")
    if cache_size is not None:
        settings.override("cache_size", cache_size, ValueSource.FLAG, "--cache-size")
    _merge_lang(settings, lang, os.environ if environ is None else environ)
    if script is not None:
        settings.override("script", script, ValueSource.FLAG, "--script")
    if ambiguous_width is not None:
        flag = "--ambiguous-width"
        settings.override("ambiguous_width", ambiguous_width, ValueSource.FLAG, flag)
    return settings


def _merge_lang(settings: Settings, lang: str | None, env: Mapping[str, str]) -> None:
    """--lang, else the file's ``lang``, else the environment's, else the default."""
    from tui.i18n import DEFAULT_LANGUAGE, language_from_environment, normalize_language

    if lang is not None:
        settings.override("lang", normalize_language(lang) or lang, ValueSource.FLAG, "--lang")
    elif settings.lang is None:
        found = language_from_environment(env)
        if found is not None:
            settings.override("lang", found[0], ValueSource.ENVIRONMENT, found[1])
        else:
            settings.lang = DEFAULT_LANGUAGE


def run_config(options: Any, *, as_example: bool, write: Any, warn: Any) -> int:
    """``goodnews-tui config [--example]``; exit 2 when the file has problems."""
    from tui.core.config import SpecKind, parse_mirror_spec
    from tui.core.mirror import chain_for

    settings: Settings = options.settings
    if as_example:
        write(example())
        return 0
    for problem in settings.notices:
        warn(problem)
    spec = parse_mirror_spec(options.mirror)
    chain = (
        tuple(b.url for b in chain_for(spec, options))
        if spec.kind is not SpecKind.DIR
        else (str(spec.path),)
    )
    write(render_settings(settings, chain))
    return 2 if settings.problems else 0


# ------------------------------------------------------------------------ output


def _toml_value(value: Any) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def render_settings(settings: Settings, default_mirrors: tuple[str, ...]) -> str:
    """The effective settings as TOML, each value with where it came from."""
    lines = [
        _("# settings file: {path} ({note})").format(path=settings.path, note=_path_note(settings))
    ]
    proxy = settings.proxy
    source = settings.source_of("proxy")
    if proxy is None and source.source is ValueSource.ENVIRONMENT:
        from tui.core.config import _shown

        proxy = _shown(os.environ.get(source.detail.lstrip("$"), ""))
    shown: dict[str, Any] = {
        "mirrors": settings.mirrors or default_mirrors,
        "proxy": proxy or "",
        "theme": settings.theme if settings.theme is not None else "textual-dark",
        "reader_width": settings.reader_width or 0,
        "prefetch": settings.prefetch,
        "prefetch_jobs": settings.prefetch_jobs,
        "cache_size": settings.cache_size,
        "lang": settings.lang or "zh-Hans",
        "script": settings.script,
        "save_dir": str(settings.save_dir) if settings.save_dir else "",
        "save_format": settings.save_format,
        "ambiguous_width": settings.ambiguous_width,
    }
    for key in KEYS:
        lines.append(f"{key} = {_toml_value(shown[key])}  # {settings.source_of(key)}")
    lines.append("")
    lines.append(_("[keymap]  # binding id = keys; goodnews-tui keys lists every id"))
    for binding_id, default in known_bindings().items():
        keys = settings.keymap.get(binding_id, default)
        source = settings.source_of(f"keymap.{binding_id}")
        lines.append(f"{_toml_value(binding_id)} = {_toml_value(keys)}  # {source}")
    return "\n".join(lines) + "\n"


def _path_note(settings: Settings) -> str:
    exists = settings.path is not None and settings.path.is_file()
    how = {
        ValueSource.FLAG: _("from --config"),
        ValueSource.ENVIRONMENT: _("from ${name}").format(name=CONFIG_ENV),
        ValueSource.DEFAULT: _("the default place"),
    }[settings.path_source]
    note = _("read") if exists else _("not present")
    return f"{how}, {note}"


# i18n: english: a settings file is shared and diffed; its comments are the same for all.
EXAMPLE = """\
# goodnews-tui settings: save as {path}
# (or anywhere, then run goodnews-tui --config FILE or set $GOODNEWS_TUI_CONFIG).
# Every key is optional; command-line flags win over this file. Check it with
# `goodnews-tui config`, and test the mirror chain with `goodnews-tui doctor`.

# Where pages come from, tried in this order; replaces the default chain. The endpoint
# that answered last is tried first. Three forms:
#   raw layout:       "https://raw.githubusercontent.com"  (<base>/<owner>/<repo>/<ref>/<path>)
#   jsDelivr layout:  "https://fastly.jsdelivr.net/gh"     (<base>/<owner>/<repo>@<ref>/<path>)
#   prefix proxy:     "https://PROXY/https://raw.githubusercontent.com"  (gh-proxy style)
mirrors = [
    "https://raw.githubusercontent.com",
    "https://fastly.jsdelivr.net/gh",
]

# A proxy for every request: http://, https://, socks5:// or socks5h:// (DNS through the
# proxy). Empty: use $HTTPS_PROXY / $ALL_PROXY from the environment. $NO_PROXY is honoured.
proxy = ""

# Any Textual theme: {themes}.
theme = "textual-dark"

# The reader's text width in columns (20 to 400); 0 = as wide as the pane.
reader_width = 0

# Fetch an index's articles in the background, and how many at a time (1 to 16).
prefetch = true
prefetch_jobs = 4

# The page cache's size limit in MiB.
cache_size = 500

# The interface language: zh-Hans, zh-Hant or en. Without it: $GOODNEWS_TUI_LANG, then
# $LANGUAGE/$LC_ALL/$LC_MESSAGES/$LANG, then Simplified Chinese.
lang = "zh-Hans"
# The script pages are shown in: "original" (as the mirror has them), "simplified",
# "traditional" or "taiwan" (traditional with Taiwan's phrasing). The c key cycles them.
script = "original"
# Where w saves an article and W exports a list; empty: the downloads folder (else
# documents, else home). w saves "markdown" or "text".
save_dir = ""
save_format = "markdown"

# Cells your terminal draws East Asian ambiguous-width characters (“ ” ‘ ’ … — · ⏎) in:
# 1, or 2 for a terminal set to draw them double-width, so that text stays aligned.
ambiguous_width = 1

# Keys: binding id = comma-separated Textual key names. `goodnews-tui keys` lists the ids
# and their keys. Examples:
[keymap]
# "screen.back" = "backspace,ctrl+o"
# "reader.next_link" = "n,tab"
# "app.quit" = "q,ctrl+q"
"""


def example() -> str:
    """The complete commented example ``config --example`` prints (valid, all defaults)."""
    return EXAMPLE.format(path=default_config_path(), themes=", ".join(THEMES))


__all__ = [
    "CONFIG_ENV",
    "Problem",
    "Provenance",
    "Settings",
    "ValueSource",
    "config_path",
    "example",
    "keymap_clashes",
    "known_bindings",
    "load_settings",
    "merge_flags",
    "render_settings",
    "run_config",
    "valid_key",
]
