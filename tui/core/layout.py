"""Lay out a cleaned page as wrapped, styled lines: the one renderer of the reader and ``dump``.

Headless on purpose: the reader widget only turns these lines into strips, so wrapping (the
costly part for a 2,000-paragraph article) is testable and measurable without a terminal,
and ``dump`` prints the same lines as plain text (``Marks`` says how each shows what colour
cannot). Wrapping is ``text.wrap_runs``, the one wrap engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from tui.core.models import Article, Block, BlockType, Document, Link, Span, SpanKind
from tui.core.text import (
    NO_LINE_END,
    NO_LINE_START,
    Line,
    Run,
    cell_width,
    link_number,
    wrap_runs,
)
from tui.i18n import N_, _

__all__ = [
    "NO_LINE_END",
    "NO_LINE_START",
    "plain_marks",
    "reader_marks",
    "Layout",
    "Line",
    "Marks",
    "Run",
    "anchor_block",
    "layout_article",
    "layout_body",
    "layout_document",
    "layout_head",
    "layout_message",
    "followed_notice",
    "link_kind_label",
    "tag_chips",
    "tag_numbers",
    "wrap_runs",
]


class Marks(NamedTuple):
    """What a layout writes in characters: the reader also has colour, ``dump`` has only text.

    Everything else (what is shown, in what order, numbered how, wrapped how) is the same
    for both, so the reader and ``dump`` cannot drift apart.
    """

    image: tuple[str, str]  # prefix of a caption's first line, and of the lines after it
    quote: tuple[str, str]
    item: tuple[str, str]
    marker_first: bool  # ``{n}`` before a link's text (lynx) rather than after it
    hang: bool  # closing punctuation may hang past the width (the reader keeps a margin)
    src_fallback: bool  # an image without a caption shows its address
    rule: str  # the character that underlines headings ("" for none)


def reader_marks() -> Marks:
    """The reader's marks, in the interface language (asked for at each layout: the
    language may change while the app runs)."""
    return Marks((_("[img] "), ""), ("│ ", "  "), ("• ", "  "), False, True, False, "")


def plain_marks() -> Marks:
    """``dump``'s marks: captions hang under their label, whatever its width."""
    label = _("[image] ")
    return Marks(
        (label, " " * cell_width(label)),
        ("  > ", "  > "),
        ("  * ", "    "),
        True,
        False,
        False,
        "-",
    )


@dataclass
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

    def extend(self, other: Layout) -> None:
        """Append ``other``'s lines, keeping the first line of each link and block."""
        base = len(self.lines)
        if other.lines and not other.lines[0] and (not self.lines or not self.lines[-1]):
            other_lines, skip = other.lines[1:], 1  # no double blank where the two meet
        else:
            other_lines, skip = other.lines, 0
        for n, line in other.link_lines.items():
            self.link_lines.setdefault(n, base + line - skip)
        for i, line in other.block_lines.items():
            self.block_lines[i] = base + line - skip
        self.lines.extend(other_lines)

    def text(self) -> list[str]:
        """The lines as plain text, trailing spaces dropped (what ``dump`` prints)."""
        return ["".join(run[0] for run in line).rstrip() for line in self.lines]


ROLE_BY_SPAN = {
    SpanKind.TEXT: "body",
    SpanKind.EMPHASIS: "emph",
    SpanKind.LINK: "link",
    SpanKind.TAG: "tag",
}


def _span_runs(spans: Sequence[Span], base: str, marks: Marks) -> list[Run]:
    """Runs of a block's spans with ``{n}`` once per link: before its text or after it.

    The app's numbers are written in braces (``text.link_number``) and, in the reader, in
    their own ``marker`` role, so a page's own footnote markers (``[5]``, body text) never
    pass for one: typing 5 then Enter follows the link marked ``{5}``.
    """
    if len(spans) == 1 and spans[0].link is None:  # most paragraphs: one plain run
        role = ROLE_BY_SPAN.get(spans[0].kind, "body")
        if role in ("body", "emph") and base != "body":
            role = base if role == "body" else role
        return [(spans[0].text, role, None)]
    runs: list[Run] = []
    last: int | None = None
    for i, span in enumerate(spans):
        role = ROLE_BY_SPAN.get(span.kind, "body")
        if role in ("body", "emph") and base != "body":
            role = base if role == "body" else role
        link = span.link
        if link is None:
            runs.append((span.text, role, None))
        elif marks.marker_first:
            # One run, so that the marker wraps with the first characters of its text.
            text = span.text if link == last else f"{link_number(link)}{span.text}"
            runs.append((text, role, link))
        else:
            runs.append((span.text, role, link))
            if i + 1 == len(spans) or spans[i + 1].link != link:
                runs.append((link_number(link), "marker", link))
        last = link
    return runs


def _block_lines(block: Block, width: int, marks: Marks) -> list[Line]:
    hang = marks.hang
    if block.type is BlockType.PARAGRAPH:  # first: nearly every block is one
        return wrap_runs(_span_runs(block.spans, "body", marks), width, hang=hang)
    if block.type is BlockType.HEADING:
        return wrap_runs(_span_runs(block.spans, "heading", marks), width, hang=hang)
    if block.type is BlockType.IMAGE:
        first, rest = marks.image
        runs = _span_runs(block.spans, "caption", marks)
        if not block.text.strip():
            if not (marks.src_fallback and block.src):
                return [((first.rstrip(), "caption", None),)]
            runs = [(block.src, "caption", None)]
        return wrap_runs(runs, width, first, rest=rest, indent_role="caption", hang=hang)
    if block.type is BlockType.QUOTE:
        first, rest = marks.quote
        runs = _span_runs(block.spans, "quote", marks)
        return wrap_runs(runs, width, first, rest=rest, hang=hang)
    if block.type is BlockType.LIST_ITEM:
        first, rest = marks.item
        return wrap_runs(_span_runs(block.spans, "body", marks), width, first, rest=rest, hang=hang)
    return wrap_runs(_span_runs(block.spans, "body", marks), width, hang=hang)


def tag_numbers(article: Article) -> dict[str, int]:
    """The link number of each tag, by URL: tags are listed apart from where they occur."""
    return {link.url: link.n for link in article.links if link.kind == "tag"}


#: How a link's kind is named to a reader (the links view, ``dump``); ``dump --json`` and
#: the links filter keep the English value.
LINK_KINDS = {
    "tag": N_("tag"),
    "article": N_("article"),
    "index": N_("index"),
    "page": N_("page"),
    "in-page": N_("in-page"),
    "external": N_("external"),
    "image": N_("image"),
}


def link_kind_label(kind: str) -> str:
    """The kind in the interface language (an unknown kind as it is)."""
    label = LINK_KINDS.get(kind)
    return _(label) if label else kind


def followed_notice(link: Link, limit: int = 40) -> str:
    """What the reader says on following a link by its typed number: the number in the
    page's own form and the link's text, since a page's footnote ``[5]`` is not link 5."""
    text = " ".join(link.text[: limit * 2].split()) or link.target[: limit * 2]
    if cell_width(text) > limit:
        while cell_width(text) > limit - 1:
            text = text[:-1]
        text += "…"
    return _("Following link {number}: {text}").format(number=link_number(link.n), text=text)


def layout_head(article: Article, width: int, marks: Marks | None = None) -> Layout:
    """Title and metadata line (source · date · category)."""
    marks = marks or reader_marks()
    out = Layout(width)
    out.add(wrap_runs([(article.title or _("(untitled)"), "title", None)], width, hang=marks.hang))
    meta = [part for part in (article.source, _date(article), _category(article)) if part]
    if meta:
        out.add(wrap_runs([(" · ".join(meta), "meta", None)], width, hang=marks.hang))
    return out


def layout_body(
    page: Article | Document, width: int, marks: Marks | None = None, blocks: int | None = None
) -> Layout:
    """The lead image's caption (articles) and the body blocks, numbered and wrapped (the
    first ``blocks`` of them only, when given)."""
    marks = marks or reader_marks()
    out = Layout(width)
    lead = page.lead_image if isinstance(page, Article) else None
    if lead is not None:
        caption = lead.caption or lead.alt or (lead.src if marks.src_fallback else "")
        if caption:
            first, rest = marks.image
            runs: list[Run] = [(caption, "caption", None)]
            out.add(
                wrap_runs(runs, width, first, rest=rest, indent_role="caption", hang=marks.hang)
            )
    _add_blocks(out, page.blocks if blocks is None else page.blocks[:blocks], width, marks)
    return out


def layout_article(
    article: Article, width: int, notes: Sequence[str] = (), *, blocks: int | None = None
) -> Layout:
    """The reader's view of an article: title, metadata, lead image, body, tags, source.

    With ``blocks``, its beginning only: the head and the first ``blocks`` body blocks,
    laid out exactly as in the whole (what a long article shows while the rest is laid out).
    """
    out = layout_head(article, width)
    for note in notes:
        out.add(wrap_runs([(note, "warning", None)], width))
    out.blank()
    out.extend(layout_body(article, width, blocks=blocks))
    if blocks is not None and blocks < len(article.blocks):
        return out
    if article.tags:
        out.blank()
        numbers = tag_numbers(article)
        chips: list[tuple[Run, int | None]] = []
        for tag in article.tags:
            n = numbers.get(tag.url)
            chips.append(((f" {tag.name} ", "tag", n), n))
        out.add(tag_chips(chips, width))
    tail = []
    if article.editor and not any("责任编辑" in b.text for b in article.blocks[-3:]):
        tail.append(_("Editor: {editor}").format(editor=article.editor))
    if article.original_url:
        tail.append(_("Original: {url}").format(url=article.original_url))
    if tail:
        out.blank()
        for line in tail:
            out.add(wrap_runs([(line, "meta", None)], width))
    return out


def tag_chips(
    chips: Sequence[tuple[Run, int | None]], width: int, label: str | None = None
) -> list[Line]:
    """Tag chips (a tag's run and its link number) packed into lines, never split.

    A chip goes to the next line whole when it does not fit (lines after the first are
    indented under the label); only a chip wider than a whole line is wrapped, on its own.
    """
    if label is None:
        label = _("Tags") + " "
    indent = " " * cell_width(label)
    lines: list[Line] = []
    current: list[Run] = [(label, "meta", None)]
    used = cell_width(label)
    bare = True  # nothing but the label or indent on the current line yet
    for run, n in chips:
        chip = [run] if n is None else [run, (link_number(n), "marker", n)]
        size = sum(cell_width(part[0]) for part in chip)
        gap = 0 if bare else 2
        if not bare and used + gap + size > width:
            lines.append(tuple(current))
            current, used, bare, gap = [(indent, "meta", None)], len(indent), True, 0
        if bare and used + size > width:
            # Too wide for any line: wrapped, its padding dropped so that the number
            # stays with the tag's last character.
            chip[0] = (run[0].rstrip(), run[1], run[2])
            wrapped = wrap_runs(chip, width, current[0][0], indent_role="meta", rest=indent)
            lines.extend(wrapped[:-1])
            current = list(wrapped[-1])
            used = sum(cell_width(part[0]) for part in current)
            bare = False
            continue
        if gap:
            current.append(("  ", "meta", None))
        current.extend(chip)
        used += gap + size
        bare = False
    lines.append(tuple(current))
    return lines


def layout_document(doc: Document, width: int, notes: Sequence[str] = ()) -> Layout:
    out = Layout(width)
    out.add(wrap_runs([(doc.title or doc.ref.path, "title", None)], width))
    out.add(wrap_runs([(doc.ref.key, "meta", None)], width))
    for note in notes:
        out.add(wrap_runs([(note, "warning", None)], width))
    out.blank()
    out.extend(layout_body(doc, width))
    return out


def layout_message(title: str, lines: Sequence[str], width: int, role: str = "error") -> Layout:
    """A failure or notice shown in the reader instead of a page."""
    out = Layout(width)
    out.add(wrap_runs([(title, role, None)], width))
    out.blank()
    for line in lines:
        out.add(wrap_runs([(line, "body", None)], width))
    return out


def _add_blocks(out: Layout, blocks: Iterable[Block], width: int, marks: Marks) -> None:
    previous: BlockType | None = None
    rule = marks.rule
    for i, block in enumerate(blocks):
        if not block.text.strip() and block.type is not BlockType.IMAGE:
            continue
        if not (block.type is BlockType.LIST_ITEM and previous is BlockType.LIST_ITEM):
            out.blank()
        out.block_lines[i] = len(out.lines)
        lines = _block_lines(block, width, marks)
        out.add(lines)
        if rule and block.type is BlockType.HEADING and lines:
            longest = max(cell_width("".join(run[0] for run in line)) for line in lines)
            out.add([((rule * min(width, longest), "rule", None),)])
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
