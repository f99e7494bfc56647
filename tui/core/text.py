"""Text utilities shared by the parser and the UI: sanitising, CJK-aware joining and wrapping.

Mirror pages are prettified HTML, so every inline element sits on its own indented line.
Joining those soft breaks the way a browser would for Latin text puts stray spaces between
Chinese characters; these helpers join them the way a Chinese reader expects. Widths are
terminal cells (wide CJK characters take two), computed without Rich so that the headless
core stays importable without the UI. ``wrap_runs`` is the one wrap engine and
``NO_LINE_START``/``NO_LINE_END`` the one line-breaking table: the reader's layout and
``dump`` both wrap with them, so the two never break a line differently by accident.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Sequence
from functools import cache

__all__ = [
    "ambiguous_characters",
    "ambiguous_width",
    "cell_width",
    "char_width",
    "is_link_number",
    "is_wide",
    "join_soft_breaks",
    "join_whitespace",
    "link_number",
    "normalise_space",
    "NO_LINE_END",
    "NO_LINE_START",
    "NUMBER_FORM",
    "Line",
    "Run",
    "one_line",
    "sanitise",
    "set_ambiguous_width",
    "wrap",
    "wrap_runs",
]

# C0 (except \t and \n), DEL, C1, zero-width characters, bidi embeddings/overrides/isolates,
# directional marks, the BOM and lone surrogates. Any of these could reorder or hide text,
# and C0/C1 could carry a terminal escape sequence.
_UNSAFE_CHARS = (
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]"
)
_LINE_SEPARATORS = "\r\n?|[\u2028\u2029\x85]"
# Either of the two above: one search tells clean text (nearly all of it) to pass unchanged.
_ANY_UNSAFE = re.compile(f"{_UNSAFE_CHARS[:-1]}\r\u2028\u2029]")
# Runs written [c][c]* rather than [c]+: a pattern that opens with a character class lets the
# regex engine skip to candidates, one that opens with a repeat is tried at every position
# (four times slower on Chinese text, where runs are few).
_WS_CHARS = r"[ \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"


# The patterns below compile on first use, not at import: ``_ANY_UNSAFE`` alone decides
# that the titles of the first frame are clean, and the others cost 2 ms of the start.
@cache
def _unsafe() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(the unsafe characters, the line separators)."""
    return re.compile(_UNSAFE_CHARS), re.compile(_LINE_SEPARATORS)


@cache
def _ws_run() -> re.Pattern[str]:
    """A run of whitespace, NBSP and the ideographic space included."""
    return re.compile(_WS_CHARS * 2 + "*")


# Punctuation that is ambiguous-width in Unicode but behaves as full-width in Chinese text:
# no space is wanted next to it when a soft break is joined.
_CJK_PUNCT = frozenset("“”‘’·…—―‧・•")

# The one line-breaking table (kinsoku) for the reader and ``dump``: closing brackets, stops
# and marks that may not begin a line, and opening brackets and quotes that may not end one.
NO_LINE_START = frozenset(
    "，。、；：？！）》」』】〕〗〙〛〉］｝｣”’〞…‥·・％—‐〜‼⁇⁈⁉,.;:?!)]}%"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿーゝゞヽヾ々"
)
NO_LINE_END = frozenset("（《「『【〔〖〘〚〈［｛｢“‘〝([{")

# How the app writes its own link numbers: in braces, so that a page's own footnote
# markers (``[5]``, which the sources print in square brackets) never look like one.
NUMBER_FORM = "{{{}}}"
_NUMBER = re.compile(r"\{\d+\}")
# A run of the sources' own footnote markers (``[5][21]``): glued to the text before it.
_FOOTNOTES = re.compile(r"(?:\[\d+\])+[,.;:)\]]*")


def link_number(n: int) -> str:
    """The mark the app writes beside link ``n`` (the reader and ``dump`` alike)."""
    return NUMBER_FORM.format(n)


def is_link_number(text: str) -> bool:
    """Whether ``text`` is exactly one of the app's link marks (``{7}``)."""
    return _NUMBER.fullmatch(text) is not None


# A styled run of one line: (text, role, link number or None); a line is a tuple of runs.
Run = tuple[str, str, int | None]
Line = tuple[Run, ...]

# Characters two cells wide that CJK text breaks between (a run of them is one token).
_WIDE = (
    "\u2e80-\u303e\u3041-\u3096\u309b-\u3247\u3250-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff01-\uff60\uffe0-\uffe6"
)


def sanitise(text: str) -> str:
    """Remove every character that could act on a terminal or hide/reorder text.

    Newlines and tabs are kept (they carry structure); other line separators become \\n.
    """
    if text.isascii() and text.isprintable() or _ANY_UNSAFE.search(text) is None:
        return text
    unsafe, separators = _unsafe()
    return unsafe.sub("", separators.sub("\n", text))


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


# Blocks whose East Asian ambiguous-width characters text uses and some terminals (a CJK
# locale, "ambiguous characters are double-width") draw two cells wide: Latin-1 signs,
# Greek and Cyrillic, general punctuation (“ ” ‘ ’ … — ‥ ※ •), letterlike signs, arrows,
# maths, enclosed numbers. Box drawing, blocks and shapes (U+2500-U+25FF) are left out:
# the interface draws its frames with them, as one cell, whatever the terminal does.
_AMBIGUOUS_BLOCKS = (
    (0x00A1, 0x00FF),
    (0x0391, 0x0451),
    (0x2010, 0x2044),
    (0x2100, 0x23FF),
    (0x2460, 0x24FF),
)


@cache
def ambiguous_characters() -> frozenset[str]:
    """The characters that ``ambiguous_width = 2`` counts as two cells (plus ⏎, which
    Unicode calls neutral but the same terminals draw wide)."""
    found = {
        chr(o)
        for start, end in _AMBIGUOUS_BLOCKS
        for o in range(start, end + 1)
        if unicodedata.east_asian_width(chr(o)) == "A" and not unicodedata.combining(chr(o))
    }
    return frozenset(found | {"⏎"})


class _Widths:
    """Which characters count two cells besides the wide ones: one terminal per process,
    so one setting (``set_ambiguous_width``) that every width here follows."""

    ambiguous: frozenset[str] = frozenset()


def set_ambiguous_width(cells: int) -> None:
    """Count East Asian ambiguous-width characters as ``cells`` (1, the default, or 2)."""
    _Widths.ambiguous = ambiguous_characters() if cells == 2 else frozenset()


def ambiguous_width() -> int:
    """The cells an ambiguous-width character counts now (1 or 2)."""
    return 2 if _Widths.ambiguous else 1


def char_width(ch: str) -> int:
    """Cells taken by one character: 0 for combining marks and controls, 2 for wide ones
    (and for ambiguous-width ones under ``set_ambiguous_width(2)``)."""
    o = ord(ch)
    if 0x20 <= o < 0x7F:
        return 1
    if 0x4E00 <= o <= 0x9FFF or 0x3000 <= o <= 0x303E or 0xFF01 <= o <= 0xFF60:
        return 2  # the common case in this mirror: ideographs, CJK and fullwidth punctuation
    if o < 0x20 or 0x7F <= o < 0xA0:
        return 0
    if ch in _Widths.ambiguous:
        return 2
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def cell_width(text: str) -> int:
    """Width of ``text`` in terminal cells."""
    if text.isascii():
        return len(text)
    return sum(map(char_width, text))


# What join_whitespace needs to know of a neighbour: 0 Latin (anything not CJK), 1 a CJK
# character, 2 full-width punctuation (it carries its own spacing, so nothing is ever added
# beside it). Remembered per character: the same few hundred recur on every page.
_CLASS: dict[str, int] = {}


def _classify(ch: str) -> int:
    cls = _CLASS.get(ch)
    if cls is None:
        if ch in _CJK_PUNCT:
            cls = 2
        elif is_wide(ch):
            cls = 2 if unicodedata.category(ch)[0] in "PS" else 1
        else:
            cls = 0
        if len(_CLASS) < 65536:
            _CLASS[ch] = cls
    return cls


def join_whitespace(before: str, run: str, after: str, edge: bool = False) -> str:
    """What a whitespace ``run`` between characters ``before`` and ``after`` becomes.

    The rule follows from what the mirror's pages are. Their HTML is prettified: every inline
    tag on its own line and every text node stripped of its edge whitespace (or, on pages
    minified afterwards, that indentation squeezed to one space), so whitespace at a tag
    boundary (``edge``) is the prettifier's and says nothing about the source. Inside one
    text node, whitespace is the author's, and these authors glue Han and Latin: in the
    corpus, text nodes join a CJK character and a Latin letter or digit directly about 3,000
    times and with a space 9 times. Hence:

    - At a paragraph edge ("" neighbour) every run disappears.
    - A soft break or tag-edge run before ``#`` (or ``＃``) is one space: hashtags are
      separate words.
    - Between two non-CJK characters every run is one space (Latin words).
    - Next to full-width punctuation (“”，。（ …) a soft break or tag-edge run disappears;
      between two CJK characters too (``世界<a>法轮大法</a>日``, ``中共\n高官``).
    - Between a CJK character and a Latin one: a line break at a tag edge disappears, the
      authors' convention (``在<span>COVID-19</span>常态化``); a line break inside one text
      node is the author's own and is one space, as CSS's segment-break rule renders it
      (``原文\nA Poignant Memory\n刊登于``); an ASCII space typed before the break, or a
      space without a break, is the author's and stays one space.
    - A run without a line break inside one text node was typed by the author and stays:
      one space, or an ideographic space between CJK characters when it holds one.
    """
    if not before or not after:
        return ""
    brk = "\n" in run or "\r" in run
    if not brk and not edge:
        if "\u3000" in run:
            return "\u3000" if (_cjkish(before) and _cjkish(after)) else " "
        return " "
    if (after == "#" or after == "＃") and before not in NO_LINE_END:
        return " "
    cb, ca = _classify(before), _classify(after)
    if not (cb or ca):
        return " "
    if (cb and ca) or cb == 2 or ca == 2:
        if not brk and "\u3000" in run:
            return "\u3000" if (cb and ca) else " "
        return ""
    # One CJK character and one Latin: only a break the prettifier made at a tag goes.
    if brk and edge and run[0] not in " \t":
        return ""
    return " "


def join_soft_breaks(text: str, edges: Sequence[int] = ()) -> str:
    """Collapse whitespace CJK-aware (see ``join_whitespace``) and trim both ends.

    ``edges``: offsets in ``text`` where one text node ends and the next begins (tag
    boundaries); a run touching one is judged as markup whitespace. Plain text has none.
    """
    if not text:
        return ""
    marks = sorted(edges)

    def repl(m: re.Match[str]) -> str:
        s, e = m.span()
        before = text[s - 1] if s > 0 else ""
        after = text[e] if e < len(text) else ""
        return join_whitespace(before, m.group(), after, _touches(marks, s, e))

    return _ws_run().sub(repl, text)


def _touches(marks: Sequence[int], start: int, end: int) -> bool:
    """Whether a sorted offset of ``marks`` lies in ``[start, end]``."""
    if not marks:
        return False
    i = bisect_left(marks, start)
    return i < len(marks) and marks[i] <= end


def normalise_space(text: str) -> str:
    """Collapse every whitespace run (NBSP and ideographic space included) to one space."""
    return _ws_run().sub(" ", text).strip()


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(tokens, glued tokens, wide start, rare), compiled on first use: they cost 4 ms.

    Break opportunities: a space, a run of wide characters (CJK text breaks between any two
    of them), or a word of anything else. In glued tokens a link number ``{n}`` also sticks
    to what follows it, so that ``dump``'s ``{n}`` never ends a line apart from its link.
    "Rare" finds characters that may be wide without being in ``_WIDE`` (emoji, Hangul
    jamo…): text without them needs no second look at its words.
    """
    words = rf"[ \t]|[{_WIDE}]+|[^ \t{_WIDE}]+"
    return (
        re.compile(words),
        re.compile(rf"\{{\d+\}}[ \t]?(?:[^ \t{_WIDE}]+|[^ \t])|{words}"),
        re.compile(f"[{_WIDE}]"),
        re.compile(f"[^\x00-\u10ff\u2000-\u2064\u2066-\u206f{_WIDE}]"),
    )


def _tokens(text: str, glue: bool) -> list[str]:
    """Spaces, runs of wide characters, and words (split further if they hide wide chars)."""
    token_re, glued_re, wide_re, rare_re = _patterns()
    tokens: list[str] = (glued_re if glue else token_re).findall(text)
    if text.isascii() or rare_re.search(text) is None:
        return tokens  # the common case: every wide character is in a run of its own
    out: list[str] = []
    for token in tokens:
        if token.isascii() or wide_re.match(token) or (glue and token[0] == "{"):
            out.append(token)
            continue
        # A word with rarer wide characters (emoji…): each of those is its own token.
        word: list[str] = []
        for ch in token:
            if is_wide(ch):
                if word:
                    out.append("".join(word))
                    word.clear()
                out.append(ch)
            else:
                word.append(ch)
        if word:
            out.append("".join(word))
    return out


def _cut(line: list[Run], left: int) -> list[Run]:
    """Pop the last ``left`` characters off ``line`` as runs of their own, roles kept."""
    moved: list[Run] = []
    while left:
        run_text, role, link = line.pop()
        if len(run_text) > left:
            line.append((run_text[:-left], role, link))
            run_text = run_text[-left:]
        moved.append((run_text, role, link))
        left -= len(run_text)
    moved.reverse()
    return moved


def _starts_marker(runs: Sequence[Run], offset: int) -> bool:
    """Whether the character at ``offset`` of ``runs``' text begins a ``marker`` run."""
    at = 0
    for text, role, _link in runs:
        if at == offset:
            return role == "marker"
        at += len(text)
        if at > offset:
            return False
    return False


def _tail(
    line: list[Run], floor: int, nxt: str, room: int, back: bool, piece: bool = False
) -> list[Run]:
    """Cut off the end of ``line`` that must move down to the next line with ``nxt``.

    Kinsoku both ways: when ``nxt`` may not begin a line (``back``: closing punctuation, a
    link number, a page's own ``[5]`` footnotes) the character before it moves down with it
    (a Latin word moves whole), and an opening bracket or quote never ends a line. Nothing
    moves when it would leave the line empty or not fit in ``room`` cells beside ``nxt``:
    that bound is what keeps every line within the width. The first ``floor`` runs are the
    line's indent and never move. ``piece``: ``nxt`` continues a word cut by characters
    (a long URL), of which only the last character moves.
    """
    text = "".join(run[0] for run in line[floor:])
    cut = len(text)
    if back:
        runs = line[floor:]
        j = len(text.rstrip(" \t"))  # a tag chip's text ends in a space before its number
        while j > 1:
            while j > 0 and text[j - 1] in NO_LINE_START:
                j -= 1
            if j <= 1:
                break
            if piece or is_wide(text[j - 1]):
                k = j - 1
            else:  # a Latin word moves whole; one cut by characters, its last character
                k = j - 1
                while k > 0 and text[k - 1] not in " \t" and not is_wide(text[k - 1]):
                    k -= 1
                k = k or j - 1
            cut = k
            # What moves may itself begin with a closing mark or the reader's number
            # (``之中。”[11]{19}``, ``旨》{4}``): then the character before it goes too.
            if text[k] not in NO_LINE_START and not _starts_marker(runs, k):
                break
            j = k
    k = cut
    while k > 0 and text[k - 1] in " \t":
        k -= 1  # an opening quote the author put a space after (``说：“ 这些``) still counts
    m = k
    while m > 0 and text[m - 1] in NO_LINE_END:
        m -= 1
    if 0 < m < k:
        cut = m
    if cut == len(text) or cut == 0 or cell_width(text[cut:]) + cell_width(nxt) > room:
        return []
    return _cut(line, len(text) - cut)


def _breakable(text: str, c: int, numbers: Sequence[tuple[int, int, bool]]) -> bool:
    """Whether a line may break before ``text[c]``: the kinsoku rules, never inside a link
    number or between it and the text it numbers (``numbers``: spans, and whether each is
    the reader's, which follows its text), and only where CJK text breaks (Latin words
    break at spaces, which the greedy pass used)."""
    ch, before = text[c], text[c - 1]
    if ch in NO_LINE_START or before in NO_LINE_END or ch == " " or before == " ":
        return False
    if ch == "[" and c + 1 < len(text) and text[c + 1].isdigit():
        return False  # a page's own footnote marker stays with the text before it
    for s, e, follows in numbers:
        if s < c < e or (c == s and follows) or (c == e and not follows):
            return False
    return is_wide(ch) or is_wide(before)


def _pull_down(lines: list[Line], width: int, floors: tuple[int, int]) -> None:
    """Give a paragraph's one- or two-character last line company from the line above.

    Characters come down from the end of the line before (at a place the kinsoku rules
    allow) until the last line holds three; the line above keeps at least half the width
    and the last line never grows past it. When no such place exists nothing changes.
    """
    prev_floor, last_floor = floors
    last = lines[-1]
    if len(last) == last_floor + 1:
        last_text = last[-1][0]
        if len(last_text) > 2 and "{" not in last_text:
            return  # nearly every paragraph: one run, long enough
    last_text = "".join(run[0] for run in last[last_floor:] if run[1] != "marker")
    if len(last_text) > 2 and "{" not in last_text:
        return
    short = len(_NUMBER.sub("", last_text).strip())
    if not 0 < short <= 2:
        return
    prev = list(lines[-2])
    text = "".join(run[0] for run in prev[prev_floor:])
    numbers: list[tuple[int, int, bool]] = []
    if "{" in text:
        for m in _NUMBER.finditer(text):
            numbers.append((m.start(), m.end(), _starts_marker(prev[prev_floor:], m.start())))
    last_width = sum(cell_width(run[0]) for run in last)
    half = (width + 1) // 2
    kept = cell_width(text)  # the width of text[:c], kept up to date as c goes down
    moved = 0  # characters of text[c:] outside link numbers
    for c in range(len(text) - 1, max(0, len(text) - 10), -1):
        kept -= char_width(text[c])
        if not any(s <= c < e for s, e, _follows in numbers):
            moved += 1
        if short + moved < 3 or not _breakable(text, c, numbers):
            continue
        if kept < half or last_width + cell_width(text[c:]) > width:
            return
        down = _cut(prev, len(text) - c)
        lines[-2] = tuple(prev)
        lines[-1] = (*last[:last_floor], *down, *last[last_floor:])
        return


def wrap_runs(
    runs: Sequence[Run],
    width: int,
    indent: str = "",
    *,
    rest: str | None = None,
    indent_role: str = "body",
    hang: bool = True,
) -> list[Line]:
    """Greedy wrap of styled runs into lines of at most ``width`` cells: the one wrap engine.

    CJK text breaks between any two characters, Latin text at spaces (a word longer than a
    line is cut). Kinsoku (``NO_LINE_START``/``NO_LINE_END``): closing punctuation never
    starts a line and opening brackets and quotes never end one; a link number (a run in
    the ``marker`` role, or dump's ``{n}`` before its text) and a page's own ``[5]``
    footnotes never start or end a line apart from the text they belong to. Where a rule
    bites, characters are pushed down to the next line, a bounded number: never so many that
    the next line would overflow. With ``hang`` (the reader, which keeps a two-cell margin)
    one closing mark may instead hang past the edge, the rest are pushed. A paragraph whose
    last line would hold only one or two characters takes a few down from the line above
    (``_pull_down``). ``indent`` starts the first line and ``rest`` (default: as many
    spaces) the others, in ``indent_role``. Runs of wide characters are placed a line's
    worth at a time rather than character by character: this is the reader's hot path for
    long articles.
    """
    width = max(width, 2)
    wide_start = _patterns()[2].match
    lines: list[Line] = []
    if indent:
        current: list[Run] = [(indent, indent_role, None)]
        floor = 1  # runs at the start of the current line that are its indent
        used = cell_width(indent)
    else:
        current, floor, used = [], 0, 0
    if rest is None:
        rest, ci = " " * used, used
    else:
        ci = cell_width(rest)
    parts: list[str] = []  # text of the current run not yet flushed
    pending_style: tuple[str, int | None] = ("body", None)
    # Only these are shared with the closures below: the loop's own names stay fast locals.
    room, room_ci = width - ci, ci

    def flush() -> None:
        if parts:
            current.append(("".join(parts), pending_style[0], pending_style[1]))
            parts.clear()

    def newline(nxt: str = "", back: bool = False, piece: bool = False) -> None:
        nonlocal current, used, floor
        flush()
        moved = None
        if nxt and (back or current and current[-1][0].rstrip(" \t")[-1:] in NO_LINE_END):
            moved = _tail(current, floor, nxt, room, back, piece)
        # Trailing spaces are dropped so lines end cleanly.
        while current and current[-1][0].endswith(" ") and len(current) > floor:
            text, role, link = current[-1]
            stripped = text.rstrip(" ")
            if stripped:
                current[-1] = (stripped, role, link)
                break
            current.pop()
        lines.append(tuple(current))
        if rest:
            current, floor = [(rest, indent_role, None)], 1
        else:
            current, floor = [], 0
        used = room_ci
        if moved:
            current.extend(moved)
            used += sum(cell_width(run[0]) for run in moved)

    for text, role, link in runs:
        if not text:
            continue
        flush()
        pending_style = (role, link)
        for token in _tokens(text, not hang):
            if token == " " or token == "\t":
                if used == ci and lines:
                    continue  # no leading space on a continuation line
                if used + 1 > width:
                    newline(" ")
                    continue
                parts.append(" ")
                used += 1
                continue
            if wide_start(token):
                i, size = 0, len(token)
                while i < size:
                    fit = (width - used) // 2
                    if fit > 0:
                        take = min(fit, size - i)
                        parts.append(token[i : i + take])
                        used += 2 * take
                        i += take
                        continue
                    ch = token[i]
                    if hang and ch in NO_LINE_START and ci < used <= width:
                        pass  # hang one closing mark rather than start a line with it
                    elif width - ci < 2:
                        if used + 2 > width:
                            newline()
                    elif used > ci:
                        newline(ch, ch in NO_LINE_START)
                    parts.append(ch)
                    used += 2
                    i += 1
                continue
            w = len(token) if token.isascii() else cell_width(token)
            if used + w <= width:
                parts.append(token)
                used += w
                continue
            back = role == "marker" or token[0] in NO_LINE_START or token[0] == "["
            if back and token[0] == "[":
                back = _FOOTNOTES.fullmatch(token) is not None
            if hang and w <= 2 and token in NO_LINE_START and ci < used <= width:
                parts.append(token)  # hang one closing mark
                used += w
                continue
            if w > width - ci:
                # A word longer than a line: break it by characters.
                number = _NUMBER.match(token)  # dump's ``{n}`` before a long URL
                after = number.end() if number else -1
                for at, ch in enumerate(token):
                    cw = char_width(ch)
                    if used + cw > width:
                        if at == after:  # the number alone so far: it goes down
                            newline(ch, True)
                        else:
                            newline(ch, ch in NO_LINE_START, True)
                    parts.append(ch)
                    used += cw
                continue
            if used > ci:
                newline(token, back)
            parts.append(token)
            used += w
    flush()
    if current and any(run[0].strip() for run in current):
        newline()
    if len(lines) > 1:
        first = 1 if indent else 0
        later = 1 if rest else 0
        _pull_down(lines, width, (first if len(lines) == 2 else later, later))
    return lines


def wrap(text: str, width: int) -> list[str]:
    """Plain text wrapped by ``wrap_runs`` (one run, nothing hangs past ``width``).

    ``\\n`` is a hard break; a line of only whitespace stays an empty line. Empty text
    gives [].
    """
    if not text:
        return []
    out: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            out.append("")
            continue
        out.extend(
            "".join(run[0] for run in wrapped)
            for wrapped in wrap_runs([(line, "", None)], width, hang=False)
        )
    return out
