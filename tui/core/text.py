"""Text utilities shared by the parser and the UI: sanitising, CJK-aware joining and wrapping.

Mirror pages are prettified HTML, so every inline element sits on its own indented line.
Joining those soft breaks the way a browser would for Latin text puts stray spaces between
Chinese characters; these helpers join them the way a Chinese reader expects. Widths are
terminal cells (wide CJK characters take two), computed without Rich so that the headless
core stays importable without the UI.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

__all__ = [
    "cell_width",
    "char_width",
    "is_wide",
    "join_soft_breaks",
    "join_whitespace",
    "normalise_space",
    "sanitise",
    "wrap",
]

# C0 (except \t and \n), DEL, C1, zero-width characters, bidi embeddings/overrides/isolates,
# directional marks, the BOM and lone surrogates. Any of these could reorder or hide text,
# and C0/C1 could carry a terminal escape sequence.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]"
)
_LINE_SEPARATORS = re.compile("\r\n?|[\u2028\u2029\x85]")
_WS_RUN = re.compile(r"[ \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_WS_NO_IDEO = re.compile(r"[ \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f]+")

# Punctuation that is ambiguous-width in Unicode but behaves as full-width in Chinese text:
# no space is wanted next to it when a soft break is joined.
_CJK_PUNCT = frozenset("“”‘’·…—―‧・•")

# Characters that should not begin a wrapped line (closing brackets and stops).
_NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉”’…·・％,.;:?!)]}")


def sanitise(text: str) -> str:
    """Remove every character that could act on a terminal or hide/reorder text.

    Newlines and tabs are kept (they carry structure); other line separators become \\n.
    """
    if text.isascii() and text.isprintable():
        return text
    return _UNSAFE.sub("", _LINE_SEPARATORS.sub("\n", text))


def one_line(text: str) -> str:
    """``sanitise``, then tabs and line breaks as spaces: for text shown on a single line.

    Widgets apply it to every string they draw, page text or not (error messages quote
    page paths), so that nothing reaching the terminal can act on it.
    """
    if text.isascii() and text.isprintable():
        return text
    return sanitise(text).replace("\n", " ").replace("\t", " ")


def is_wide(ch: str) -> bool:
    """True for characters a terminal draws two cells wide (CJK ideographs, kana, fullwidth)."""
    return ord(ch) >= 0x1100 and unicodedata.east_asian_width(ch) in "WF"


def _cjkish(ch: str) -> bool:
    return is_wide(ch) or ch in _CJK_PUNCT


def char_width(ch: str) -> int:
    """Cells taken by one character: 0 for combining marks and controls, 2 for wide ones."""
    o = ord(ch)
    if 0x20 <= o < 0x7F:
        return 1
    if 0x4E00 <= o <= 0x9FFF or 0x3000 <= o <= 0x303E or 0xFF01 <= o <= 0xFF60:
        return 2  # the common case in this mirror: ideographs, CJK and fullwidth punctuation
    if o < 0x20 or 0x7F <= o < 0xA0:
        return 0
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def cell_width(text: str) -> int:
    """Width of ``text`` in terminal cells."""
    if text.isascii():
        return len(text)
    return sum(map(char_width, text))


def join_whitespace(before: str, run: str, after: str) -> str:
    """What a whitespace ``run`` between characters ``before`` and ``after`` becomes.

    A run containing a line break is a soft break of the source markup: it disappears next to
    CJK text and full-width punctuation and is one space between Latin words. A run without a
    line break was typed by the author and stays one space. At a paragraph edge ("" neighbour)
    it disappears.
    """
    if not before or not after:
        return ""
    if ("\n" in run or "\r" in run) and (_cjkish(before) or _cjkish(after)):
        return ""
    if "\u3000" in run and not ("\n" in run or "\r" in run):
        return "\u3000" if (_cjkish(before) and _cjkish(after)) else " "
    return " "


def join_soft_breaks(text: str) -> str:
    """Collapse whitespace CJK-aware (see ``join_whitespace``) and trim both ends."""
    if not text:
        return ""

    def repl(m: re.Match[str]) -> str:
        s, e = m.span()
        before = text[s - 1] if s > 0 else ""
        after = text[e] if e < len(text) else ""
        return join_whitespace(before, m.group(), after)

    return _WS_RUN.sub(repl, text)


def normalise_space(text: str) -> str:
    """Collapse every whitespace run (NBSP and ideographic space included) to one space."""
    return _WS_RUN.sub(" ", text).strip()


@cache
def _token() -> re.Pattern[str]:
    """Compiled on first use: only ``dump`` wraps with it, and compiling costs start-up 3 ms."""
    return re.compile(r"\[\d+\](?:[^\s\u1100-\U0010ffff]+|\S)|\s+|[^\s\u1100-\U0010ffff]+|.", re.S)


def _wrap_line(line: str, width: int) -> list[str]:
    lines: list[str] = []
    cur: list[str] = []
    cur_w = 0
    space = False
    for tok in _token().findall(line):
        if tok.isspace():
            space = bool(cur)
            continue
        if tok.isascii():
            w = len(tok)
        elif len(tok) == 1:
            w = char_width(tok)
        else:
            w = cell_width(tok)
        gap = 1 if space and cur else 0
        space = False
        if cur_w + gap + w <= width:
            if gap:
                cur.append(" ")
            cur.append(tok)
            cur_w += gap + w
            continue
        if w > width:
            # A word longer than the line: fill the current line, then cut it by cells.
            if gap and cur_w + gap < width:
                cur.append(" ")
                cur_w += 1
            for ch in tok:
                cw = char_width(ch)
                if cur_w + cw > width and cur:
                    lines.append("".join(cur))
                    cur, cur_w = [], 0
                cur.append(ch)
                cur_w += cw
            continue
        carry: list[str] = []
        if tok in _NO_LINE_START and cur:
            # Kinsoku: move the last character (and any closing marks after it) down with
            # the punctuation, so that the new line does not start with it.
            j = len(cur)
            while j > 0 and len(cur[j - 1]) == 1 and cur[j - 1] in _NO_LINE_START:
                j -= 1
            if j > 1 and len(cur[j - 1]) == 1 and is_wide(cur[j - 1]):
                carry = cur[j - 1 :]
                del cur[j - 1 :]
        if cur:
            lines.append("".join(cur).rstrip())
        cur = [*carry, tok]
        cur_w = sum(cell_width(t) for t in cur)
    if cur:
        lines.append("".join(cur))
    return lines


def wrap(text: str, width: int) -> list[str]:
    """Wrap ``text`` to lines of at most ``width`` cells.

    CJK text breaks between any two characters, Latin text at spaces (a word longer than the
    line is cut), runs of spaces collapse, and closing punctuation is kept off the start of a
    line by moving one character down with it. ``\\n`` is a hard break. Empty text gives [].
    """
    width = max(1, width)
    if not text:
        return []
    out: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            out.append("")
            continue
        if line.isascii() and len(line) <= width and "  " not in line and line == line.strip():
            out.append(line)
            continue
        out.extend(_wrap_line(line, width))
    return out
