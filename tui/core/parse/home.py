"""The home page: one Markdown heading per section, its category links after the title."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from tui.core.models import Category, Home, Section
from tui.core.parse.index import inline_links, link_from_href
from tui.core.parse.markdown import parse_tokens
from tui.core.text import normalise_space, sanitise
from tui.core.urls import LinkKind, PageRef
from tui.i18n import _

__all__ = ["parse_home"]

_TRIM = re.compile(r"^[\s\-–—|:：·•]+|[\s\-–—|:：·•]+$")

# The home page is parsed on every start, before the first paint: reading its usual lines
# directly saves loading markdown-it then. A line is read directly only when nothing on it
# could mean more than plain text and links; otherwise the whole page takes the full path.
_LINK = re.compile(r"\[([^\[\]\\`<>*_!~\n]*)\]\(([^()\s<>\\\"`{}|^\[\]]+)\)")
_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+|\Z)")
_BAD_LINE = re.compile(r"!\[|`|\\|<[A-Za-z/!?]|^ {0,3}(?:>|[-+*][ \t]|\d{1,9}[.)])")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$", re.M)
_SPANNING = re.compile(r"^[ \t]*(?:```|~~~|<(?:script|pre|style|textarea|!|\?))", re.M | re.I)
_LOOSE_AMP = re.compile(r"&(?![A-Za-z][A-Za-z0-9]*;|#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};)")
_BAD_PCT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# Links that need no "](": autolinks and reference definitions.
_OTHER_LINKS = re.compile(
    r"<[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*>|<[^\s<>@]+@[^\s<>]+>|^ {0,3}\[[^\]]+\]:", re.M
)

Line = tuple[bool, str, list[tuple[str, str]]]  # heading?, text before the first link, links


def _fast_lines(text: str) -> list[Line] | None:
    """The link-bearing lines of a plain home page, or None when markdown-it is needed."""
    if _SETEXT.search(text) or _SPANNING.search(text) or _OTHER_LINKS.search(text):
        return None
    out: list[Line] = []
    html_block = False
    for raw in text.split("\n"):
        line = raw.rstrip("\r")
        if not line.strip():
            html_block = False
            continue
        if line.lstrip(" ").startswith("<"):
            html_block = True  # an HTML block may run to the next blank line: links there are HTML
        if "](" not in line:
            continue
        if html_block or _BAD_LINE.search(line) or _LOOSE_AMP.search(line):
            return None
        heading = _HEADING.match(line)
        body = line[heading.end() :] if heading else line
        if heading and body.rstrip().endswith("#"):
            return None  # a closing sequence of #s: leave it to markdown-it
        links = list(_LINK.finditer(body))
        rest = _LINK.sub("", body)
        if len(links) != body.count("](") or "[" in rest or "]" in rest:
            return None
        lead = body[: links[0].start()] if links else ""
        if "*" in lead or "_" in lead:
            return None  # emphasis in a section title
        lead = html.unescape(lead)
        out.append((heading is not None, lead, [(m.group(1), m.group(2)) for m in links]))
    return out


def _token_lines(text: str) -> Iterator[Line]:
    tokens = parse_tokens(text)
    for i, tok in enumerate(tokens):
        if tok.type != "inline" or not tok.children:
            continue
        heading = i > 0 and tokens[i - 1].type == "heading_open"
        _outside, links = inline_links(tok)
        if not links:
            continue
        lead: list[str] = []
        for child in tok.children:
            if child.type == "link_open":
                break
            if child.type == "text":
                lead.append(child.content)
        yield heading, "".join(lead), links


def _safe_for_fast(ref: PageRef, lines: list[Line], home: PageRef | None) -> bool:
    """Non-page hrefs keep their spelling in the model: only plain ASCII ones may skip markdown-it."""
    for _heading, _lead, links in lines:
        for _text, href in links:
            link = link_from_href(ref, href, "", home)
            if (link is None or link.kind is not LinkKind.PAGE) and (
                not href.isascii() or _BAD_PCT.search(href)
            ):
                return False
    return True


def parse_home(ref: PageRef, text: str, home: PageRef | None, *, fast: bool = True) -> Home:
    page = Home(ref=ref)
    lines = _fast_lines(text) if fast else None
    if lines is None or not _safe_for_fast(ref, lines, home):
        lines = list(_token_lines(text))
    else:
        lines = [
            (heading, lead, [(normalise_space(sanitise(t)), h) for t, h in links])
            for heading, lead, links in lines
        ]
    n = 0
    for heading, lead, links in lines:
        # The section title is the text before the first link.
        title = _TRIM.sub("", lead).strip()
        section = Section(title) if heading and title else None
        for text_, href in links:
            link = link_from_href(ref, href, text_, home)
            if link is None or not text_:
                continue
            if (
                link.kind is LinkKind.PAGE
                and link.ref is not None
                and link.ref.same_repo(ref)
                and section is not None
            ):
                section.categories.append(Category(text_, link.ref))
            else:
                n += 1
                link.n = n
                page.links.append(link)
        if section is not None and section.categories:
            page.sections.append(section)
    if not page.sections:
        page.warnings.append(_("no sections found"))
    return page
