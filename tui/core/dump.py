"""Plain-text and JSON renderings of a parsed page, for ``goodnews-tui dump`` and pipes.

The text form follows ``lynx -dump``: the page reads top to bottom in a pager, links are
marked ``[n]`` where they occur and listed with their targets at the end, so a reader can
grep, diff or translate a page without the UI. Widths are terminal cells (CJK aware).
"""

from __future__ import annotations

import json

from tui.core.models import (
    Article,
    Block,
    BlockType,
    Document,
    Home,
    Index,
    Link,
    Page,
)
from tui.core.parse.jsonout import to_json
from tui.core.text import cell_width, sanitise, wrap
from tui.core.urls import PageRef

__all__ = ["dump_json", "dump_text", "render_dump"]


def _inline(block: Block) -> str:
    """Block text with ``[n]`` before each link or tag, the way lynx numbers references."""
    out: list[str] = []
    last: int | None = None
    for span in block.spans:
        if span.link is not None and span.link != last:
            out.append(f"[{span.link}]")
        last = span.link
        out.append(span.text)
    return "".join(out)


def _para(text: str, width: int, first: str = "", rest: str | None = None) -> list[str]:
    rest = first if rest is None else rest
    inner = max(10, width - max(cell_width(first), cell_width(rest)))
    lines = wrap(text, inner)
    return [(first if i == 0 else rest) + line for i, line in enumerate(lines)]


def _blocks(blocks: list[Block], width: int) -> list[str]:
    out: list[str] = []
    for block in blocks:
        text = _inline(block)
        if block.type is BlockType.HEADING:
            lines = _para(text, width)
            if not lines:
                continue
            out.append("")
            out.extend(lines)
            out.append("-" * min(width, max(cell_width(line) for line in lines)))
        elif block.type is BlockType.IMAGE:
            label = "[图片] "
            out.append("")
            out.extend(_para(text or (block.src or ""), width, label, " " * len(label)))
        elif block.type is BlockType.QUOTE:
            out.append("")
            out.extend(_para(text, width, "  > "))
        elif block.type is BlockType.LIST_ITEM:
            out.extend(_para(text, width, "  * ", "    "))
        else:
            out.append("")
            out.extend(_para(text, width))
    return out


def _links(links: list[Link], width: int) -> list[str]:
    if not links:
        return []
    out = ["", "Links:"]
    for link in links:
        label = f"{link.n:>4}. "
        target = link.target + (f"#{link.anchor}" if link.anchor else "")
        text = f"[{link.kind.value}] {link.text} <{target}>" if link.text else f"<{target}>"
        out.extend(_para(text, width, label, " " * len(label)))
    return out


def _warnings(warnings: list[str]) -> list[str]:
    if not warnings:
        return []
    return ["", "Warnings:", *(f"  ! {w}" for w in warnings)]


def _article(page: Article, width: int) -> list[str]:
    out = _para(page.title, width)
    meta = [
        x
        for x in (
            page.source,
            page.published.isoformat() if page.published else None,
            page.category.title if page.category else None,
        )
        if x
    ]
    if meta:
        out.append(" · ".join(meta))
    out.append("=" * min(width, max([cell_width(line) for line in out] or [1])))
    if page.lead_image is not None:
        out.append("")
        cap = page.lead_image.caption or page.lead_image.alt or page.lead_image.src
        out.extend(_para(cap, width, "[图片] ", "       "))
    out.extend(_blocks(page.blocks, width))
    if page.tags:
        out += ["", "Tags:"]
        numbers = {link.url: link.n for link in page.links if link.kind.value == "tag"}
        for tag in page.tags:
            n = numbers.get(tag.url)
            out.extend(_para(f"{tag.name}" + (f" [{n}]" if n else ""), width, "   # ", "     "))
    extra = []
    if page.editor:
        extra.append(f"Editor: {page.editor}")
    if page.original_url:
        extra.append(f"Original: {page.original_url}")
    if extra:
        out.append("")
        for line in extra:
            out.extend(_para(line, width))
    out += _links(page.links, width)
    return out + _warnings(page.warnings)


def _index(page: Index, width: int) -> list[str]:
    head = page.title + (f" ({page.family})" if page.family else "")
    out = [*_para(head, width), "=" * min(width, cell_width(head)), ""]
    for i, entry in enumerate(page.entries, 1):
        label = f"{i:>4}. "
        out.extend(_para(entry.title, width, label, " " * len(label)))
        mark = "external: " if entry.external else ""
        out.extend(_para(mark + entry.target, width, " " * len(label)))
    return out + _warnings(page.warnings)


def _home(page: Home, width: int, home: PageRef | None) -> list[str]:
    out = [page.title, "=" * cell_width(page.title)]
    n = 0
    for section in page.sections:
        out += ["", section.title]
        for cat in section.categories:
            n += 1
            label = f"{n:>4}. "
            out.extend(_para(f"{cat.title} <{cat.ref.target(home)}>", width, label, "      "))
    out += _links(page.links, width)
    return out + _warnings(page.warnings)


def _document(page: Document, width: int) -> list[str]:
    out: list[str] = []
    if page.title:
        out += _para(page.title, width)
        out.append("=" * min(width, cell_width(page.title)))
    out += _blocks(page.blocks, width)
    out += _links(page.links, width)
    return out + _warnings(page.warnings)


def dump_text(page: Page, home: PageRef | None = None, width: int = 80) -> str:
    """The page as wrapped plain text (lynx -dump style), ending with one newline."""
    width = max(20, width)
    if isinstance(page, Article):
        lines = _article(page, width)
    elif isinstance(page, Index):
        lines = _index(page, width)
    elif isinstance(page, Home):
        lines = _home(page, width, home)
    else:
        lines = _document(page, width)
    while lines and not lines[0].strip():
        lines.pop(0)
    return sanitise("\n".join(line.rstrip() for line in lines).strip("\n") + "\n")


def dump_json(page: Page, home: PageRef | None = None) -> str:
    """The page as one JSON object (schema in the README), non-ASCII kept readable."""
    return json.dumps(to_json(page, home), ensure_ascii=False, indent=2) + "\n"


def render_dump(page: Page, home: PageRef | None, *, as_json: bool, width: int = 80) -> str:
    return dump_json(page, home) if as_json else dump_text(page, home, width)
