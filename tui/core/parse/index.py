"""Index pages: one Markdown heading per entry, each made of exactly one link."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from tui.core.models import Entry, Index, Link, LinkType
from tui.core.parse.markdown import parse_tokens
from tui.core.text import normalise_space, sanitise
from tui.core.urls import LinkKind, PageRef, resolve

if TYPE_CHECKING:
    from markdown_it.token import Token

__all__ = ["inline_links", "link_from_href", "parse_index"]

FAMILIES = frozenset("ENHS")


def inline_links(inline: Token) -> tuple[str, list[tuple[str, str]]]:
    """The text outside links and the (text, href) pairs of an inline token, in order."""
    outside: list[str] = []
    links: list[tuple[str, str]] = []
    href: str | None = None
    buf: list[str] = []
    for child in inline.children or ():
        if child.type == "link_open":
            href = str(child.attrGet("href") or "")
            buf = []
        elif child.type == "link_close":
            if href is not None:
                links.append((normalise_space(sanitise("".join(buf))), href))
            href = None
        elif child.type in ("text", "code_inline"):
            (buf if href is not None else outside).append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            (buf if href is not None else outside).append(" ")
        elif child.type == "image":
            (buf if href is not None else outside).append(child.content)
    return normalise_space(sanitise("".join(outside))), links


def link_from_href(base: PageRef, href: str, text: str, home: PageRef | None) -> Link | None:
    try:
        target = resolve(base, href)
    except ValueError:
        return None
    if target is None:
        return None
    if target.kind is LinkKind.PAGE and target.ref is not None:
        return Link(
            0, text, LinkType.PAGE, target.ref.target(home), target.url, target.ref, target.anchor
        )
    kind = LinkType.IMAGE if target.kind is LinkKind.IMAGE else LinkType.EXTERNAL
    return Link(0, text, kind, target.url, target.url, target.ref, target.anchor)


def _heading_text(inline: Token) -> str:
    parts: list[str] = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return normalise_space(sanitise("".join(parts)))


def index_title(ref: PageRef) -> tuple[str, str | None]:
    """``E专栏文集.md`` -> (专栏文集, E): the one-letter prefix names the source family."""
    stem = posixpath.splitext(ref.name)[0]
    if len(stem) > 1 and stem[0] in FAMILIES and not stem[1].isascii():
        return stem[1:], stem[0]
    return stem.lstrip("-_") or stem, None


def parse_index(ref: PageRef, text: str, home: PageRef | None) -> Index:
    title, family = index_title(ref)
    index = Index(ref=ref, title=title, family=family)
    tokens = parse_tokens(text)
    for i, tok in enumerate(tokens):
        if tok.type != "inline" or i == 0 or tokens[i - 1].type != "heading_open":
            continue
        outside, links = inline_links(tok)
        if len(links) != 1:
            continue  # the cross-repo header line, or a heading without a link
        entry_text, href = links[0]
        if "[" in outside or "]" in outside:
            # Unbalanced brackets in a title split it at the last "[": show it whole.
            entry_text = _heading_text(tok) or entry_text
        link = link_from_href(ref, href, entry_text, home)
        if link is None or not entry_text:
            continue
        if link.kind is LinkType.PAGE and link.ref is not None:
            index.entries.append(Entry(entry_text, link.target, link.url, link.ref))
        else:
            index.entries.append(Entry(entry_text, link.url, link.url, None))
    if not index.entries:
        index.warnings.append("no entries found")
    return index
