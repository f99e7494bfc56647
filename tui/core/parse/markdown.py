"""Markdown to one HTML tree: the page's Markdown structure and its raw HTML, parsed together.

The mirror mixes Markdown and HTML freely, and HTML blocks end at blank lines, so the body
of an article arrives as many fragments (and S pages even embed Markdown inside a ``<div>``).
Rendering the Markdown with raw HTML passed through and parsing the result once lets the
cleaner see a single tree in which a promo block inside a ``<div>`` is still inside it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported on first use: start-up never pays for markdown-it or bs4
    from bs4 import BeautifulSoup
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

__all__ = ["MD_ATTR", "markdown", "parse_tokens", "render_md", "to_html", "to_soup"]

# Attribute set on elements that come from Markdown syntax (not from the page's own HTML):
# nav lines and promo blocks are Markdown headings, body subheadings are HTML.
MD_ATTR = "data-md"


@cache
def markdown() -> MarkdownIt:
    """The shared, configured parser (built once; MarkdownIt is not mutated after this)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    # Mirror HTML is indented by its prettifier; after a blank line an indented line would
    # otherwise turn the rest of the HTML into a code block shown as escaped markup.
    md.disable(["code"])
    return md


def parse_tokens(text: str) -> list[Token]:
    return markdown().parse(text)


def render_md(text: str) -> str:
    """markdown-it's HTML for ``text``, Markdown-made blocks marked with ``MD_ATTR``."""
    md = markdown()
    tokens = md.parse(text)
    for tok in tokens:
        if tok.type in ("heading_open", "paragraph_open", "hr"):
            tok.attrSet(MD_ATTR, "1")
    return md.renderer.render(tokens, md.options, {})


# A Markdown line (a heading, a rule, a link) right under a line of HTML, with no blank line
# between: Markdown takes it as part of the HTML block and passes it through as text (the
# page would show "#### [标题](…)"). The mirror's pages mean a new block there.
_GLUED = re.compile(
    r"(>[ \t]*)\n(?=#{1,6}[ \t]|(?:-{3,}|\*{3,}|_{3,})[ \t]*$|\[[^\]\n]*\]\()", re.M
)


def unglue(text: str) -> str:
    """``text`` with a blank line between a line of HTML and a Markdown line under it."""
    if ">\n#" in text or ">\n[" in text or ">\n-" in text or ">\n*" in text or ">\n_" in text:
        return _GLUED.sub("\\1\n\n", text)
    return text


def to_html(text: str) -> str:
    """``render_md(text)``, through the fast renderer whenever the page allows it."""
    from tui.core.parse.fastmd import render

    text = unglue(text)
    html = render(text)
    return html if html is not None else render_md(text)


def to_soup(text: str) -> BeautifulSoup:
    """Render ``text`` (Markdown with raw HTML) and parse the result as one HTML document."""
    from tui.core.parse.tree import build_soup

    return build_soup(to_html(text))
