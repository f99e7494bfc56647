"""The interface language: gettext-style lookup of the English source strings.

Readers are Chinese, so the interface is Simplified Chinese unless something says otherwise
(``--lang``, ``lang =`` in the settings file, ``$GOODNEWS_TUI_LANG``, then the POSIX locale
variables); the msgids are the English strings, so English needs no catalogue at all.

The catalogues are the gettext convention's ``tui/locale/<lang>/LC_MESSAGES/goodnews.po``
read directly by a small reader on the first lookup: no ``msgfmt`` or Babel is needed on a
fresh clone or in a wheel, and reading the one small file costs about a millisecond, once
(measured in the README). Nothing is read at import time and English never reads a file.

No Textual import: the core's messages (errors, notes, CLI output) are translated here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

LANGUAGES = ("zh-Hans", "zh-Hant", "en")
DEFAULT_LANGUAGE = "zh-Hans"
LANG_ENV = "GOODNEWS_TUI_LANG"
DOMAIN = "goodnews"
LOCALE_DIR = Path(__file__).parent / "locale"
#: The locale variables in POSIX order of precedence for messages (LANGUAGE is a list).
LOCALE_ENV = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_ALIASES = {
    "zh-hans": "zh-Hans",
    "zh-cn": "zh-Hans",
    "zh-sg": "zh-Hans",
    "zh-my": "zh-Hans",
    "zh": "zh-Hans",
    "zh-hant": "zh-Hant",
    "zh-tw": "zh-Hant",
    "zh-hk": "zh-Hant",
    "zh-mo": "zh-Hant",
    "en": "en",
}


def normalize_language(value: str) -> str | None:
    """``zh-Hans``/``zh-Hant``/``en`` for a language tag or locale name, else ``None``.

    Accepts what people and locales write: ``zh_CN.UTF-8``, ``zh_TW``, ``zh-Hant-HK``,
    ``zh_Hans``, ``en_GB``, ``C``. The script subtag wins over the region (``zh-Hant-CN``).
    """
    tag = value.strip().split(".", 1)[0].split("@", 1)[0].replace("_", "-").lower()
    if not tag:
        return None
    parts = tag.split("-")
    if parts[0] == "en":
        return "en"
    if parts[0] != "zh":
        return None
    for part in parts[1:]:
        if part in ("hans", "hant"):
            return _ALIASES[f"zh-{part}"]
    return _ALIASES.get("-".join(parts[:2]), "zh-Hans")


def language_from_environment(environ: Mapping[str, str]) -> tuple[str, str] | None:
    """(language, variable) from ``$GOODNEWS_TUI_LANG`` or the locale, ``None`` if silent.

    As gettext does: ``LANGUAGE`` is a colon-separated list whose first known entry wins,
    and it is ignored when the locale is C/POSIX. A C/POSIX locale says nothing about the
    reader, so it gives ``None`` (the default, Simplified Chinese); a locale of a language
    without a catalogue (``fr_FR``) gives English, the language of the msgids.
    """
    own = environ.get(LANG_ENV, "").strip()
    if own and normalize_language(own):
        return normalize_language(own) or DEFAULT_LANGUAGE, f"${LANG_ENV}"
    locale_name = ""
    for name in LOCALE_ENV[1:]:
        if environ.get(name, "").strip():
            locale_name = environ[name].strip()
            break
    if locale_name.split(".", 1)[0] in ("C", "POSIX"):
        return None
    for name in LOCALE_ENV:
        value = environ.get(name, "").strip()
        if not value:
            continue
        entries = value.split(":") if name == "LANGUAGE" else [value]
        for entry in entries:
            if entry.split(".", 1)[0] in ("C", "POSIX"):
                return None
            language = normalize_language(entry)
            if language:
                return language, f"${name}"
        if name != "LANGUAGE":
            return "en", f"${name}"  # a locale we have no catalogue for: the msgids
    return None


# ------------------------------------------------------------------------ catalogues


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(text: str) -> str:
    body = text.strip()
    if len(body) < 2 or body[0] != '"' or body[-1] != '"':
        raise ValueError(f"not a quoted PO string: {text!r}")  # i18n: not shown
    body = body[1:-1]
    if "\\" not in body:
        return body
    import re  # only a few msgids hold escapes; the app has imported re by then anyway

    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


def read_po(text: str) -> dict[str, list[str]]:
    """msgid -> msgstr forms of a PO file; untranslated and fuzzy entries are left out.

    Enough of the format for catalogues written by ``scripts/i18n.py`` and by hand:
    comments, ``msgctxt`` (ignored), plurals, continued strings. The header (msgid "")
    is kept out too: the plural rule is the language's, below.
    """
    out: dict[str, list[str]] = {}
    entry: dict[str, str] = {}
    field = ""
    fuzzy = False
    has_str = False  # the entry has a msgstr: a new msgid or comment starts the next one

    def finish() -> None:
        nonlocal entry, fuzzy, has_str
        msgid = entry.get("msgid", "")
        forms = [entry[k] for k in sorted(entry) if k.startswith("msgstr")]
        if msgid and not fuzzy and forms and all(forms):
            out[msgid] = forms
        entry, fuzzy, has_str = {}, False, False

    # Read at the first lookup, which is on the way to the first frame: one pass, no
    # per-line scans of the entry.
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        first = line[0]
        if first == "#":
            if has_str:
                finish()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            continue
        if first == '"':
            if field:
                entry[field] += _unquote(line)
            continue
        keyword, _space, rest = line.partition(" ")
        if has_str and (keyword == "msgid" or keyword == "msgctxt"):
            finish()
        field = "msgstr_0" if keyword == "msgstr" else keyword.replace("[", "_").replace("]", "")
        if field.startswith("msgstr"):
            has_str = True
        entry[field] = _unquote(rest)
    if entry:
        finish()
    return out


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language.replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.po"


def compiled_path(po: Path) -> Path:
    """Where ``scripts/i18n.py`` keeps the catalogue ``po`` already read, as JSON."""
    return po.with_suffix(".json")


def source_stamp(po: bytes) -> str:
    """What a compiled catalogue records of the .po it was read from (its size and CRC):
    a .po edited since is read as it is now, never through a stale copy."""
    import zlib

    return f"{len(po)}:{zlib.crc32(po):08x}"


def read_catalogue(po: Path) -> dict[str, list[str]]:
    """The .po file's table: from its compiled copy when that was made from these very
    bytes (a JSON read, a tenth of parsing the .po, on the way to the first frame), else
    parsed from the .po."""
    data = po.read_bytes()
    try:
        import json

        compiled = json.loads(compiled_path(po).read_bytes())
        if compiled.get("source") == source_stamp(data):
            table = compiled["table"]
            if all(
                isinstance(forms, list) and all(isinstance(f, str) for f in forms)
                for forms in table.values()
            ):
                return table
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        pass  # no usable copy: the .po itself
    return read_po(data.decode("utf-8"))


def compile_catalogue(po: Path) -> dict[str, Any]:
    """The compiled copy of ``po`` (written beside it by ``scripts/i18n.py``)."""
    data = po.read_bytes()
    return {"source": source_stamp(data), "table": read_po(data.decode("utf-8"))}


def _load(language: str) -> dict[str, list[str]]:
    if language == "en":
        return {}
    try:
        return read_catalogue(catalogue_path(language))
    except (OSError, ValueError):
        return {}  # a broken install shows English rather than failing to start


class _Translator:
    """The process's interface language and its catalogue, read on the first lookup."""

    def __init__(self) -> None:
        self.language: str | None = None
        self.table: dict[str, list[str]] | None = None

    def current(self) -> str:
        if self.language is None:
            import os

            found = language_from_environment(os.environ)
            self.language = found[0] if found else DEFAULT_LANGUAGE
        return self.language

    def lookup(self) -> dict[str, list[str]]:
        table = self.table
        if table is None:
            table = self.table = _load(self.current())
        return table


_translator = _Translator()


def set_language(language: str | None) -> str:
    """Choose the interface language (``None``: from the environment); returns it.

    Called once the command line and settings are read; strings translated before keep
    the language they were made in, so start-up calls this before building anything.
    """
    chosen = normalize_language(language) if language else None
    if language and chosen is None:
        raise ValueError(
            _("unknown language {value}; choose one of: {choices}").format(
                value=repr(language), choices=", ".join(LANGUAGES)
            )
        )
    if chosen != _translator.language or chosen is None:
        _translator.language = chosen
        _translator.table = None
    return _translator.current()


def get_language() -> str:
    """The interface language in effect (deciding it from the environment if not yet set)."""
    return _translator.current()


def _(message: str) -> str:
    """The translation of the English ``message`` in the interface language."""
    forms = _translator.lookup().get(message)
    return forms[0] if forms else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """``singular``/``plural`` chosen by ``n`` and translated (Chinese has one form)."""
    forms = _translator.lookup().get(singular)
    if forms:
        return forms[0] if len(forms) == 1 else forms[0 if n == 1 else 1]
    return singular if n == 1 else plural


def N_(message: str) -> str:
    """Mark a module-level constant for the catalogue; ``_()`` translates it where shown."""
    return message


__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LANG_ENV",
    "N_",
    "_",
    "get_language",
    "language_from_environment",
    "ngettext",
    "normalize_language",
    "read_po",
    "set_language",
]
