"""Lay out a cleaned page as wrapped, styled lines for the reader.

Headless on purpose: the reader widget only turns these lines into strips, so wrapping (the
costly part for a 2,000-paragraph article) is testable and measurable without a terminal.
Wrapping is CJK-aware: CJK text breaks between any two characters, Latin text at spaces, and
closing full-width punctuation is kept off the start of a line by letting it hang.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from tui.core.models import Article, Block, BlockType, Document, Span, SpanKind
from tui.core.text import cell_width as text_width
from tui.core.text import char_width, is_wide

# A styled run of one line: (text, role, link number or None).
Run = tuple[str, str, int | None]
Line = tuple[Run, ...]

NO_LINE_START = frozenset("，。、；：？！）」』】》〉”’・…—,.;:?!)]}%")
OPEN_PUNCT = frozenset("（「『【《〈“‘([{")


_WIDE = (
    "\u2e80-\u303e\u3041-\u3096\u309b-\u3247\u3250-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff01-\uff60\uffe0-\uffe6"
)
# Break opportunities: a space, a run of characters that are all two cells wide (CJK text
# breaks between any two of them), or a word of anything else.


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(tokens, wide start), compiled on first use: the large classes cost start-up 4 ms."""
    return re.compile(f"[ \t]|[{_WIDE}]+|[^ \t{_WIDE}]+"), re.compile(f"[{_WIDE}]")


def _tokens(text: str) -> Iterable[str]:
    """Spaces, runs of wide characters, and words (split further if they hide wide chars)."""
    token_re, wide_re = _patterns()
    for token in token_re.findall(text):
        if token.isascii() or wide_re.match(token):
            yield token
            continue
        # A word with rarer wide characters (emoji…): each of those is its own token.
        word: list[str] = []
        for ch in token:
            if is_wide(ch):
                if word:
                    yield "".join(word)
                    word.clear()
                yield ch
            else:
                word.append(ch)
        if word:
            yield "".join(word)


def wrap_runs(
    runs: Sequence[tuple[str, str, int | None]], width: int, indent: str = ""
) -> list[Line]:
    """Greedy wrap of styled runs into lines at most ``width`` cells (punctuation may hang).

    Runs of wide characters are placed a line's worth at a time rather than character by
    character: this is the reader's hot path for long CJK articles.
    """
    width = max(width, 4)
    wide_start = _patterns()[1].match
    lines: list[Line] = []
    current: list[Run] = [(indent, "body", None)] if indent else []
    used = text_width(indent)
    cont_indent = " " * used if indent else ""
    ci = len(cont_indent)
    parts: list[str] = []  # text of the current run not yet flushed
    pending_style: tuple[str, int | None] = ("body", None)

    def flush() -> None:
        if parts:
            current.append(("".join(parts), pending_style[0], pending_style[1]))
            parts.clear()

    def newline() -> None:
        nonlocal current, used
        flush()
        # Trailing spaces are dropped so lines end cleanly.
        while current and current[-1][0].endswith(" "):
            text, role, link = current[-1]
            stripped = text.rstrip(" ")
            if stripped:
                current[-1] = (stripped, role, link)
                break
            current.pop()
        lines.append(tuple(current))
        current = [(cont_indent, "body", None)] if cont_indent else []
        used = ci

    for text, role, link in runs:
        if not text:
            continue
        flush()
        pending_style = (role, link)
        for token in _tokens(text):
            if token == " " or token == "\t":
                if used == ci and lines:
                    continue  # no leading space on a continuation line
                if used + 1 > width:
                    newline()
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
                    if ch in NO_LINE_START and used > ci:
                        pass  # hang closing punctuation rather than start a line with it
                    elif width - ci < 2:
                        if used + 2 > width:
                            newline()
                    elif used > ci:
                        newline()
                    parts.append(ch)
                    used += 2
                    i += 1
                continue
            w = len(token) if token.isascii() else text_width(token)
            if used + w <= width:
                parts.append(token)
                used += w
                continue
            if w <= 2 and token in NO_LINE_START and used > ci:
                parts.append(token)  # hang closing punctuation
                used += w
                continue
            if w > width - ci:
                # A word longer than a line: break it by characters.
                for ch in token:
                    cw = char_width(ch)
                    if used + cw > width:
                        newline()
                    parts.append(ch)
                    used += cw
                continue
            if used > ci:
                newline()
            parts.append(token)
            used += w
    flush()
    if current and any(run[0].strip() for run in current):
        newline()
    return lines


@dataclass(slots=True)
class Layout:
    """Wrapped lines; for each link number and each body block, the line it starts on."""

    width: int
    lines: list[Line] = field(default_factory=list)
    link_lines: dict[int, int] = field(default_factory=dict)
    block_lines: dict[int, int] = field(default_factory=dict)

    def add(self, new: Iterable[Line]) -> None:
        for line in new:
            for _text, _role, link in line:
                if link is not None and link not in self.link_lines:
                    self.link_lines[link] = len(self.lines)
            self.lines.append(line)

    def blank(self) -> None:
        if self.lines and self.lines[-1]:
            self.lines.append(())


ROLE_BY_SPAN = {
    SpanKind.TEXT: "body",
    SpanKind.EMPHASIS: "emph",
    SpanKind.LINK: "link",
    SpanKind.TAG: "tag",
}


def _span_runs(spans: Iterable[Span], base: str = "body") -> list[Run]:
    runs: list[Run] = []
    for span in spans:
        role = ROLE_BY_SPAN.get(span.kind, "body")
        if role in ("body", "emph") and base != "body":
            role = base if role == "body" else role
        runs.append((span.text, role, span.link))
        if span.link is not None:
            runs.append((f"[{span.link}]", "marker", span.link))
    return runs


def _block_lines(block: Block, width: int) -> list[Line]:
    if block.type is BlockType.HEADING:
        return wrap_runs(_span_runs(block.spans, "heading"), width)
    if block.type is BlockType.IMAGE:
        caption = block.text.strip()
        if not caption:
            return [((("[图]", "caption", None)),)]
        return wrap_runs([("[图] ", "caption", None), *_span_runs(block.spans, "caption")], width)
    if block.type is BlockType.QUOTE:
        return wrap_runs(_span_runs(block.spans, "quote"), width, indent="│ ")
    if block.type is BlockType.LIST_ITEM:
        return wrap_runs(_span_runs(block.spans), width, indent="• ")
    return wrap_runs(_span_runs(block.spans), width)


def _age(when: datetime, now: datetime) -> str:
    seconds = max(0, int((now - when).total_seconds()))
    if seconds < 90:
        return "just now"
    if seconds < 90 * 60:
        return f"{seconds // 60} min ago"
    if seconds < 36 * 3600:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} days ago"


def stale_note(fetched_at: datetime, now: datetime) -> str:
    return f"Offline: showing a copy saved {_age(fetched_at, now)}. Press r to retry."


def layout_article(article: Article, width: int, notes: Sequence[str] = ()) -> Layout:
    """The reader's view of an article: title, metadata, lead image, body, tags, source."""
    out = Layout(width)
    out.add(wrap_runs([(article.title or "(untitled)", "title", None)], width))
    meta = [part for part in (article.source, _date(article), _category(article)) if part]
    if meta:
        out.add(wrap_runs([(" · ".join(meta), "meta", None)], width))
    for note in notes:
        out.add(wrap_runs([(note, "warning", None)], width))
    out.blank()
    if article.lead_image is not None and (article.lead_image.caption or article.lead_image.alt):
        caption = article.lead_image.caption or article.lead_image.alt
        out.add(wrap_runs([("[图] ", "caption", None), (caption, "caption", None)], width))
        out.blank()
    _add_blocks(out, article.blocks, width)
    if article.tags:
        out.blank()
        runs: list[Run] = [("标签 ", "meta", None)]
        numbers = {link.url: link.n for link in article.links if link.kind == "tag"}
        for i, tag in enumerate(article.tags):
            n = numbers.get(tag.url)
            if i:
                runs.append(("  ", "meta", None))
            runs.append((f" {tag.name} ", "tag", n))
            if n is not None:
                runs.append((f"[{n}]", "marker", n))
        out.add(wrap_runs(runs, width))
    tail = []
    if article.editor and not any("责任编辑" in b.text for b in article.blocks[-3:]):
        tail.append(f"责任编辑：{article.editor}")
    if article.original_url:
        tail.append(f"原文：{article.original_url}")
    if tail:
        out.blank()
        for line in tail:
            out.add(wrap_runs([(line, "meta", None)], width))
    return out


def layout_document(doc: Document, width: int, notes: Sequence[str] = ()) -> Layout:
    out = Layout(width)
    out.add(wrap_runs([(doc.title or doc.ref.path, "title", None)], width))
    out.add(wrap_runs([(doc.ref.key, "meta", None)], width))
    for note in notes:
        out.add(wrap_runs([(note, "warning", None)], width))
    out.blank()
    _add_blocks(out, doc.blocks, width)
    return out


def layout_message(title: str, lines: Sequence[str], width: int, role: str = "error") -> Layout:
    """A failure or notice shown in the reader instead of a page."""
    out = Layout(width)
    out.add(wrap_runs([(title, role, None)], width))
    out.blank()
    for line in lines:
        out.add(wrap_runs([(line, "body", None)], width))
    return out


def _add_blocks(out: Layout, blocks: Iterable[Block], width: int) -> None:
    previous: BlockType | None = None
    for i, block in enumerate(blocks):
        if not block.text.strip() and block.type is not BlockType.IMAGE:
            continue
        if not (block.type is BlockType.LIST_ITEM and previous is BlockType.LIST_ITEM):
            out.blank()
        out.block_lines[i] = len(out.lines)
        out.add(_block_lines(block, width))
        previous = block.type


def _date(article: Article) -> str | None:
    return article.published.isoformat() if article.published else None


def _category(article: Article) -> str | None:
    return article.category.title if article.category else None


def anchor_block(blocks: Sequence[Block], text: str) -> int | None:
    """The block an in-page link (``#_Toc…``) means: the heading that carries its text.

    The mirror's pages lost their anchor names on the way, but a table of contents repeats
    each heading's text, so the heading is found by that text (a non-heading block as a
    last resort, after the first one, which is usually the table of contents itself).
    """
    want = " ".join(text.split())
    if not want:
        return None
    fallback: int | None = None
    seen = 0
    for i, block in enumerate(blocks):
        have = " ".join(block.text.split())
        if have != want:
            continue
        if block.type is BlockType.HEADING:
            return i
        seen += 1
        if seen == 2 and fallback is None:
            fallback = i
    return fallback
