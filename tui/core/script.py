"""Showing pages in another Chinese script: simplified, traditional, or Taiwan's phrasing.

The mirror is mostly simplified with some traditional pages; a reader used to the other
script reads faster in it. OpenCC converts whole phrases with context (``s2t``, ``s2twp``
with Taiwan's vocabulary, ``t2s``), which is right for reading and wrong for identity: only
the text a reader sees is converted, never a link target, URL, page key or tag URL, so a
converted page opens the same pages and a converted tag the same related list (the library
folds both scripts together for that, :mod:`tui.core.fold`).

OpenCC (the ``opencc`` package) is imported when a converter is first asked for, never at
start-up: building one costs 20-40 ms, converting is fast (a 26,000-character chapter in
about 3 ms), so an article is converted when it is shown and kept per (page key, script).
Without OpenCC every script shows the original text.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from enum import StrEnum
from functools import partial
from typing import Any, TypeVar

from tui.core.lazy import LazyMap
from tui.core.models import (
    Article,
    Block,
    Category,
    Document,
    Entry,
    Index,
    LeadImage,
    Page,
    Section,
    Span,
    Tag,
)
from tui.i18n import N_, _


class Script(StrEnum):
    """The script pages are shown in; ``original`` shows them as the mirror has them."""

    ORIGINAL = "original"
    SIMPLIFIED = "simplified"
    TRADITIONAL = "traditional"
    TAIWAN = "taiwan"


SCRIPTS: tuple[Script, ...] = tuple(Script)
#: OpenCC's configuration for each script.
CONFIGS: dict[Script, str] = {
    Script.SIMPLIFIED: "t2s",
    Script.TRADITIONAL: "s2t",
    Script.TAIWAN: "s2twp",
}


class _Labels(Mapping[Script, str]):
    """Script names translated on each lookup: the language may change after import."""

    def __init__(self, names: dict[Script, str]) -> None:
        self._names = names

    def __getitem__(self, script: Script) -> str:
        return _(self._names[script])

    def __iter__(self) -> Iterator[Script]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


#: How each script is named in notices and the header (short: the header is one line).
LABELS: Mapping[Script, str] = _Labels(
    {
        Script.ORIGINAL: N_("original script"),
        Script.SIMPLIFIED: N_("simplified"),
        Script.TRADITIONAL: N_("traditional"),
        Script.TAIWAN: N_("traditional (Taiwan)"),
    }
)
# Joins texts converted in one call: OpenCC's phrases never span a line break.
_SEPARATOR = "\n"

Convert = Callable[[str], str]

_lock = threading.Lock()
_converters: dict[Script, Convert | None] = {}


def parse_script(value: str) -> Script:
    """``value`` as a script, or ``ValueError`` naming the choices (a usage error)."""
    try:
        return Script(value.strip().lower())
    except ValueError:
        choices = ", ".join(SCRIPTS)
        raise ValueError(
            _("unknown script {value}; choose one of: {choices}").format(
                value=repr(value), choices=choices
            )
        ) from None


def next_script(script: Script) -> Script:
    """The script after ``script`` in the cycle original -> simplified -> traditional ->
    Taiwan -> original."""
    return SCRIPTS[(SCRIPTS.index(script) + 1) % len(SCRIPTS)]


def converter_ready(script: Script) -> bool:
    """Whether converting to ``script`` costs no OpenCC import or dictionary load now."""
    return script is Script.ORIGINAL or script in _converters


def converter(script: Script) -> Convert | None:
    """The converter to ``script`` (None for the original, or when OpenCC is missing).

    Built once per script behind a lock, so a warm-up thread and the event loop never build
    one twice.
    """
    if script is Script.ORIGINAL:
        return None
    found = _converters.get(script, False)
    if found is not False:
        return found  # type: ignore[return-value]
    with _lock:
        if script not in _converters:
            _converters[script] = _build(CONFIGS[script])
        return _converters[script]


def _build(config: str) -> Convert | None:
    try:
        import opencc
    except ImportError:
        return None
    try:
        return opencc.OpenCC(config).convert
    except Exception:  # noqa: BLE001 - a broken install: the original text is shown
        return None


def convert_text(text: str, script: Script) -> str:
    """``text`` in ``script`` (unchanged for the original script or without OpenCC)."""
    convert = converter(script)
    return convert(text) if convert is not None and text else text


def convert_many(texts: Sequence[str], script: Script) -> list[str]:
    """Each of ``texts`` in ``script``, in one OpenCC call where possible.

    One call per text costs about 10 µs of overhead: for a 2,000-paragraph article that is
    most of the time, so the texts go through joined by line breaks (phrases never span
    one) and are split again; a text holding a line break itself is converted alone.
    """
    convert = converter(script)
    if convert is None or not texts:
        return list(texts)
    if any(_SEPARATOR in text for text in texts):
        return [convert(text) if text else text for text in texts]
    out = convert(_SEPARATOR.join(texts)).split(_SEPARATOR)
    if len(out) != len(texts):  # never seen; the safe path if a dictionary ever did
        return [convert(text) if text else text for text in texts]
    return out


# ----------------------------------------------------------------------------- pages


def convert_page(page: Page, script: Script) -> Page:
    """A copy of ``page`` with every text a reader sees in ``script``: titles, metadata,
    paragraphs, headings, captions, tags, link texts, entry titles. Targets, URLs, refs
    and warnings are the same objects; ``page`` itself is never changed."""
    if converter(script) is None:
        return page
    texts: list[str] = []
    _copy(page, _collect(texts))
    converted = iter(convert_many(texts, script))
    return _copy(page, lambda text: next(converted) if text else text)


def _collect(texts: list[str]) -> Convert:
    def take(text: str) -> str:
        if text:
            texts.append(text)
        return text

    return take


def _opt(text: str | None, f: Convert) -> str | None:
    return f(text) if text else text


def _copy(page: Page, f: Convert) -> Page:
    """``page`` rebuilt with ``f`` applied to each shown text, always in the same order
    (so a first pass can collect the texts and a second hand out their conversions)."""
    if isinstance(page, Index):
        entries = [Entry(f(e.title), e.target, e._url, e.ref) for e in page.entries]
        return replace(page, title=f(page.title), family=_opt(page.family, f), entries=entries)
    links = [replace(link, text=f(link.text)) for link in page.links]
    if isinstance(page, Article):
        return replace(
            page,
            title=f(page.title),
            source=_opt(page.source, f),
            category=_category(page.category, f),
            lead_image=_lead(page.lead_image, f),
            blocks=_blocks(page.blocks, f),
            tags=[Tag(f(tag.name), tag.url) for tag in page.tags],
            links=links,
            editor=_opt(page.editor, f),
        )
    if isinstance(page, Document):
        return replace(page, title=_opt(page.title, f), blocks=_blocks(page.blocks, f), links=links)
    sections = [
        Section(f(s.title), [Category(f(c.title), c.ref) for c in s.categories])
        for s in page.sections
    ]
    return replace(page, sections=sections, links=links)


def _category(category: Category | None, f: Convert) -> Category | None:
    return Category(f(category.title), category.ref) if category is not None else None


def _lead(lead: LeadImage | None, f: Convert) -> LeadImage | None:
    return LeadImage(lead.src, f(lead.caption), f(lead.alt)) if lead is not None else None


def _blocks(blocks: list[Block], f: Convert) -> list[Block]:
    # One block for one block: in-page anchors and saved positions name blocks by index.
    return [
        Block(b.type, [Span(f(s.text), s.kind, s.link) for s in b.spans], b.level, b.src)
        for b in blocks
    ]


class ModelCache:
    """Converted pages by (page key, script), the last few kept: going back to an article,
    or switching scripts and back, costs nothing. An entry is for the very model it was
    made from: a reloaded page (a new model) is converted anew."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, Script], tuple[Page, Page]] = OrderedDict()

    def get(self, page: Page, script: Script) -> Page:
        """``page`` shown in ``script``: converted now, or as it was converted before."""
        if script is Script.ORIGINAL:
            return page
        key = (page.ref.key, script)
        found = self._items.get(key)
        if found is not None and found[0] is page:
            self._items.move_to_end(key)
            return found[1]
        converted = convert_page(page, script)
        self._items[key] = (page, converted)
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return converted

    def clear(self) -> None:
        self._items.clear()


# ----------------------------------------------------------------------------- rows


# A list row: a named tuple with a ``title`` and an optional ``note`` (source, date).
R = TypeVar("R")


class ScriptRows(LazyMap[R, R]):
    """Rows with their titles and notes in a script, each converted when first asked for.

    A 15,000-entry index shows a screenful: converting only the rows drawn keeps opening it
    as fast as in the original script. ``base`` is the rows as built (for the next script).
    """

    __slots__ = ("base", "script")

    def __init__(self, base: Sequence[R], script: Script) -> None:
        super().__init__(base, partial(_row_in, script=script), getattr(base, "openable", None))
        self.base = base
        self.script = script


def _row_in(row: R, script: Script) -> R:
    shown: Any = row
    changed: dict[str, str] = {"title": convert_text(shown.title, script)}
    if shown.note:
        changed["note"] = convert_text(shown.note, script)
    return shown._replace(**changed)


def rows_in(rows: Sequence[R], script: Script) -> Sequence[R]:
    """``rows`` shown in ``script``: the rows as built for the original script, else a lazy
    converted view of them (never a view of a view)."""
    base = rows.base if isinstance(rows, ScriptRows) else rows
    if script is Script.ORIGINAL or converter(script) is None:
        return base
    return ScriptRows(base, script)


__all__ = [
    "CONFIGS",
    "LABELS",
    "SCRIPTS",
    "ModelCache",
    "Script",
    "ScriptRows",
    "convert_many",
    "convert_page",
    "convert_text",
    "converter",
    "converter_ready",
    "next_script",
    "parse_script",
    "rows_in",
]
