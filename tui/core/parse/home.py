"""The home page: one Markdown heading per section, its category links after the title."""

from __future__ import annotations

import re

from tui.core.models import Category, Home, LinkType, Section
from tui.core.parse.index import inline_links, link_from_href
from tui.core.parse.markdown import parse_tokens
from tui.core.urls import PageRef

__all__ = ["parse_home"]

_TRIM = re.compile(r"^[\s\-–—|:：·•]+|[\s\-–—|:：·•]+$")


def parse_home(ref: PageRef, text: str, home: PageRef | None) -> Home:
    page = Home(ref=ref)
    tokens = parse_tokens(text)
    n = 0
    for i, tok in enumerate(tokens):
        if tok.type != "inline" or not tok.children:
            continue
        heading = i > 0 and tokens[i - 1].type == "heading_open"
        outside, links = inline_links(tok)
        if not links:
            continue
        # The section title is the text before the first link.
        lead: list[str] = []
        for child in tok.children:
            if child.type == "link_open":
                break
            if child.type == "text":
                lead.append(child.content)
        title = _TRIM.sub("", "".join(lead)).strip()
        section = Section(title) if heading and title else None
        for text_, href in links:
            link = link_from_href(ref, href, text_, home)
            if link is None or not text_:
                continue
            if (
                link.kind is LinkType.PAGE
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
        page.warnings.append("no sections found")
    return page
