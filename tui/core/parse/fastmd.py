"""markdown-it's HTML for the mirror's usual Markdown, without running markdown-it.

An article is mostly raw HTML that markdown-it passes through untouched, a few ATX headings
(title, nav and promo lines) and paragraphs of text with inline HTML; markdown-it spends most
of its time scanning all of it character by character in Python. ``render`` produces the
very string ``markdown.render_md`` would (``tests/test_parse_fastmd.py`` proves it on every
corpus and sample page and on hostile input) for documents made only of those constructs,
and returns None as soon as it meets anything else (lists, quotes, fences, reference
definitions, setext headings, emphasis, code, escapes, images, autolinks, comments, complex
links): the caller then runs markdown-it on the whole page, so nothing is ever guessed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it.common.entities import entities
from markdown_it.common.html_re import HTML_TAG_RE
from markdown_it.common.normalize_url import normalizeLink, validateLink
from markdown_it.common.utils import escapeHtml, fromCodePoint, isValidEntityCode, mdTrim
from markdown_it.rules_block.html_block import HTML_SEQUENCES

__all__ = ["render"]

_MD = ' data-md="1"'
# Block openers that this renderer leaves to markdown-it (at any indent: the parser runs
# with indented code disabled, so indentation never stops a block from starting).
_BAIL_OPENER = r"[ \t]*(?:>|[-*+](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|```|~~~)"
# Such a line first in the text, and one after a newline: the literal "\n" lets the regex
# engine skip from line to line (a "^" under re.M is tried at every character).
_BAIL_FIRST = re.compile(_BAIL_OPENER, re.M)
_BAIL_LINE = re.compile("\n" + _BAIL_OPENER, re.M)
_HR = re.compile(r"[ ]*([-*_])(?:[ \t]*\1){2,}[ \t]*\Z")
_ATX = re.compile(r"[ ]*(#{1,6})(?:[ \t]|\Z)")
_SETEXT = re.compile(r"[ ]{0,3}(?:=+|-+)[ \t]*\Z")
_HTML_SPANNING = HTML_SEQUENCES[:5]  # end at a marker, not at a blank line
_HTML_BLOCK = HTML_SEQUENCES[5][0]  # may interrupt a paragraph
_HTML_LINE = HTML_SEQUENCES[6][0]  # may not
# [*_`\\]|!\[|<[!?], opened by one character class so that the search skips to candidates
_INLINE_BAIL = re.compile(r"[*_`\\!<](?:(?<=[*_`\\])|(?<=!)\[|(?<=<)[!?])")
_INLINE_SPECIAL = re.compile(r"[<&\[\n]")
_LINK = re.compile(r"\[([^\[\]\\\n<`]*)\]\(([^\s()<>\\]*)\)")
_AUTOLINK = re.compile(r"<[a-zA-Z][a-zA-Z0-9+.\-]{1,31}:[^<>\x00-\x20]*>")
_EMAIL = re.compile(
    r"<[a-zA-Z0-9.!#$%&\'*+\/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*>"
)
_DIGITAL = re.compile(r"&#((?:x[a-f0-9]{1,6}|[0-9]{1,7}));", re.IGNORECASE)
_NAMED = re.compile(r"&([a-z][a-z0-9]{1,31});", re.IGNORECASE)


class _Bail(Exception):
    """Something markdown-it must decide."""


@lru_cache(maxsize=4096)
def _open_a(dest: str) -> str | None:
    """markdown-it's ``<a href="…">`` for a link to ``dest``, or None when it would refuse the
    link (cached: the nav and promo lines of every page repeat the same few dozen)."""
    href = normalizeLink(dest)
    return f'<a href="{escapeHtml(href)}">' if validateLink(href) else None


def _inline(src: str) -> str:
    if _INLINE_BAIL.search(src):
        raise _Bail
    m = _INLINE_SPECIAL.search(src)
    if m is None:
        return escapeHtml(src)  # plain text (a link's, mostly): what the loop would give
    out: list[str] = []
    pending: list[str] = []
    pos = 0
    n = len(src)
    while True:
        if pos:
            m = _INLINE_SPECIAL.search(src, pos)
        if m is None:
            pending.append(src[pos:])
            break
        i = m.start()
        if i > pos:
            pending.append(src[pos:i])
        ch = src[i]
        if ch == "\n":
            text = "".join(pending)
            pending = []
            if text.endswith("  "):
                out.append(escapeHtml(text.rstrip(" ")))
                out.append("<br />\n")
            else:
                out.append(escapeHtml(text[:-1] if text.endswith(" ") else text))
                out.append("\n")
            pos = i + 1
            while pos < n and src[pos] in " \t":
                pos += 1
            continue
        if ch == "&":
            em = _DIGITAL.match(src, i) if src.startswith("&#", i) else _NAMED.match(src, i)
            if em is None or (em.re is _NAMED and em.group(1) not in entities):
                pending.append("&")
                pos = i + 1
                continue
            if pending:
                out.append(escapeHtml("".join(pending)))
                pending = []
            if em.re is _NAMED:
                out.append(escapeHtml(entities[em.group(1)]))
            else:
                g = em.group(1)
                code = int(g[1:], 16) if g[0] in "xX" else int(g, 10)
                out.append(escapeHtml(fromCodePoint(code if isValidEntityCode(code) else 0xFFFD)))
            pos = em.end()
            continue
        if ch == "[":
            lm = _LINK.match(src, i)
            if lm is None:
                raise _Bail
            opening = _open_a(lm.group(2))
            if opening is None:
                raise _Bail
            if pending:
                out.append(escapeHtml("".join(pending)))
                pending = []
            out.append(f"{opening}{_inline(lm.group(1))}</a>")
            pos = lm.end()
            continue
        # "<"
        if _AUTOLINK.match(src, i) or _EMAIL.match(src, i):
            raise _Bail
        nxt = src[i + 1 : i + 2]
        tm = (
            HTML_TAG_RE.match(src, i)
            if i + 2 < n and (nxt == "/" or ("a" <= (nxt.lower()) <= "z"))
            else None
        )
        if tm is None:
            pending.append("<")
            pos = i + 1
            continue
        if pending:
            out.append(escapeHtml("".join(pending)))
            pending = []
        out.append(tm.group(0))
        pos = tm.end()
    if pending:
        out.append(escapeHtml("".join(pending)))
    return "".join(out)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _heading(line: str) -> str | None:
    m = _ATX.match(line)
    if m is None:
        return None
    level = len(m.group(1))
    body = line[m.end(1) :].rstrip(" \t")
    stripped = body.rstrip("#")
    if len(stripped) < len(body) and stripped and stripped[-1] in " \t":
        body = stripped
    tag = f"h{level}"
    return f"<{tag}{_MD}>{_inline(mdTrim(body))}</{tag}>\n"


def render(text: str) -> str | None:
    """markdown-it's HTML for ``text``, or None when markdown-it must render it."""
    if "]:" in text or "\t" in text or _needs_md(text):
        return None
    lines = text.split("\n")
    last_lf = lines[-1] == ""
    if last_lf:
        lines.pop()  # a final newline ends the last line, it does not start one
    try:
        return _render(lines, last_lf)
    except _Bail:
        return None


def _needs_md(text: str) -> bool:
    """A line that starts a list, quote or fence (an hr made of "- - -" does not)."""
    starts = [m.start() + 1 for m in _BAIL_LINE.finditer(text)]
    if _BAIL_FIRST.match(text):
        starts.insert(0, 0)
    for start in starts:
        end = text.find("\n", start)
        line = text[start : end if end >= 0 else len(text)]
        if not _HR.match(line):
            return True
    return False


def _render(lines: list[str], last_lf: bool) -> str:
    out: list[str] = []
    i = 0
    n = len(lines)
    blank = [not line.strip(" \t") for line in lines]
    while i < n:
        line = lines[i]
        if blank[i]:
            i += 1
            continue
        content = line.lstrip(" ")
        if content[0] == "<":
            for seq in _HTML_SPANNING:
                if seq[0].search(content):
                    raise _Bail
            if _HTML_BLOCK.search(content) or _HTML_LINE.search(content):
                j = i + 1
                while j < n and not blank[j]:
                    j += 1
                # raw HTML is passed through as written, down to a missing final newline
                out.append("\n".join(lines[i:j]) + ("\n" if j < n or last_lf else ""))
                i = j
                continue
        if content[0] == "#":
            h = _heading(line)
            if h is not None:
                out.append(h)
                i += 1
                continue
        if _HR.match(line):
            out.append(f"<hr{_MD} />\n")
            i += 1
            continue
        j = i + 1
        while j < n:
            nxt = lines[j]
            if blank[j]:
                break
            if _indent(nxt) > 3:
                j += 1
                continue
            if _SETEXT.match(nxt):
                raise _Bail
            body = nxt.lstrip(" ")
            if body[0] == "#" and _ATX.match(nxt):
                break
            if body[0] == "<":
                if any(seq[0].search(body) for seq in _HTML_SPANNING):
                    raise _Bail
                if _HTML_BLOCK.search(body):
                    break
            if _HR.match(nxt):
                break
            j += 1
        content = mdTrim("\n".join(lines[i:j]))
        out.append(f"<p{_MD}>{_inline(content)}</p>\n")
        i = j
    return "".join(out)
