"""Simplified and traditional Chinese folded together, one character for one character.

The mirror is mostly simplified with some traditional pages, and a reader may type either
script: search must treat 臺灣 and 台湾 as the same word. OpenCC converts whole phrases with
context, which can change a text's length and convert a query differently from the text it
should match; search needs neither. So the folding here is OpenCC's traditional-to-simplified
conversion applied to each character alone, kept in a translation table: the same character
always folds the same way, lengths never change (a snippet found in the folded text is at the
same offsets in the original), and ``str.translate`` runs it at C speed.

OpenCC (the ``opencc`` package) is imported only when the table is first needed: the browser
starts and ``dump`` runs without it. Without OpenCC the table is empty, folding is the identity
and searches still work within one script; :data:`FOLD_VERSION` then differs, so an index
built either way is rebuilt when the other is used.
"""

from __future__ import annotations

import threading

# Code points whose simplified form is looked up: the CJK unified ideographs (basic block and
# extensions A-B), compatibility ideographs. Other scripts fold to themselves.
_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2A6DF))

_lock = threading.Lock()
_table: dict[int, int] | None = None
_version: str | None = None


def _build() -> tuple[dict[int, int], str]:
    try:
        import opencc
    except ImportError:
        return {}, "none"
    try:
        converter = opencc.OpenCC("t2s")
        chars = [chr(c) for lo, hi in _RANGES for c in range(lo, hi + 1)]
        # One character per line: OpenCC's phrase rules never see a neighbour.
        converted = converter.convert("\n".join(chars)).split("\n")
    except Exception:  # noqa: BLE001 - a broken install: search still works per script
        return {}, "none"
    if len(converted) != len(chars):
        return {}, "none"
    table = {
        ord(a): ord(b) for a, b in zip(chars, converted, strict=True) if len(b) == 1 and b != a
    }
    return table, f"opencc-{getattr(opencc, '__version__', '?')}-{len(table)}"


def _ensure() -> dict[int, int]:
    global _table, _version
    if _table is None:
        with _lock:
            if _table is None:
                _table, _version = _build()
    return _table


def fold(text: str) -> str:
    """``text`` with every traditional character replaced by its simplified form.

    Same length as ``text``, character for character, so offsets carry over.
    """
    return text.translate(_ensure())


def fold_version() -> str:
    """What the folding depends on (OpenCC's version and table size), for index versions."""
    _ensure()
    assert _version is not None
    return _version
