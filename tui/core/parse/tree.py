"""A BeautifulSoup tree built from libxml2's parse events, without bs4's generic builder.

``BeautifulSoup(html, "lxml")`` is fed by libxml2 through lxml's parser-target callbacks,
and each callback walks bs4's general bookkeeping (parse-only filters, namespace maps,
tag counters, entity substitution, string-container stacks): on the mirror's articles
that costs ten times what libxml2 itself spends. ``build_soup`` receives the very same
events, fed in the same 512-character chunks, and makes from them the very objects bs4's
builder would (same classes, attributes, links between elements, whitespace folding and
string containers), so the cleaner keeps BeautifulSoup as its API.
``tests/test_parse_tree.py`` proves the two trees identical on every corpus and sample page
and on hostile input.
"""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import AttributeValueList, CData, Comment, Doctype, ProcessingInstruction
from lxml import etree

__all__ = ["build_soup"]

_STRIP_SPACES = str.maketrans("", "", "\x20\x0a\x09\x0c\x0d")  # bs4's ASCII_SPACES
_INTERESTING = {NavigableString, CData}
_CHUNK = 512  # bs4's LXMLTreeBuilder.CHUNK_SIZE: libxml2 sees the text cut the same way


class _Target:
    """lxml parser target: one per document, the tree under construction and its cursor."""

    def __init__(self, soup: BeautifulSoup) -> None:
        builder = soup.builder
        self.soup = soup
        self.void = builder.empty_element_tags or set()
        self.keep_space = builder.preserve_whitespace_tags
        self.containers: dict[str, type[NavigableString]] = dict(builder.string_containers)
        self.stack: list[Any] = [soup]
        self.current: Any = soup
        self.last: Any = None  # bs4 leaves the document itself out of the element chain
        self.parts: list[str] = []
        self.preserve = 0
        self.classes: list[type[NavigableString]] = [NavigableString]
        self.template: dict[str, Any] = {
            "parser_class": BeautifulSoup,
            "namespace": None,
            "prefix": None,
            "sourceline": None,
            "sourcepos": None,
            "attribute_value_list_class": AttributeValueList,
            "known_xml": False,
            "hidden": False,
            "cdata_list_attributes": None,
            "preserve_whitespace_tags": self.keep_space,
            "_namespaces": {"xml": "http://www.w3.org/XML/1998/namespace"},
        }

    def _flush(self) -> None:
        text = "".join(self.parts)
        self.parts = []
        if text.isspace() and not self.preserve and not text.translate(_STRIP_SPACES):
            text = "\n" if "\n" in text else " "  # bs4's endData rule
        self._string(text, self.classes[-1])

    def _string(self, text: str, cls: type[NavigableString]) -> None:
        # str.__new__ plus the attributes NavigableString.__new__ and setup() would set
        s = str.__new__(cls, text)
        parent = self.current
        last = self.last
        siblings = parent.contents
        prev = siblings[-1] if siblings else None
        s.__dict__.update(
            hidden=False,
            parent=parent,
            previous_element=last,
            next_element=None,
            previous_sibling=prev,
            next_sibling=None,
        )
        if last is not None:
            last.next_element = s
        if prev is not None:
            prev.next_sibling = s
        siblings.append(s)
        self.last = s

    def start(self, name: str, attrib: Any, nsmap: Any = None) -> None:
        if self.parts:
            self._flush()
        tag = Tag.__new__(Tag)
        own = self.containers.get(name)
        parent = self.current
        last = self.last
        siblings = parent.contents
        prev = siblings[-1] if siblings else None
        tag.__dict__ = dict(
            self.template,
            name=name,
            attrs=dict(attrib),
            contents=[],
            can_be_empty_element=name in self.void,
            interesting_string_types={own} if own is not None else _INTERESTING,
            parent=parent,
            previous_element=last,
            next_element=None,
            previous_sibling=prev,
            next_sibling=None,
        )
        if last is not None:
            last.next_element = tag
        if prev is not None:
            prev.next_sibling = tag
        siblings.append(tag)
        self.last = tag
        self.stack.append(tag)
        self.current = tag
        self.classes.append(own if own is not None else self.classes[-1])
        if name in self.keep_space:
            self.preserve += 1

    def end(self, name: str) -> None:
        if self.parts:
            self._flush()
        tag = self.stack.pop()
        self.current = self.stack[-1]
        self.classes.pop()
        if tag.name in self.keep_space:
            self.preserve -= 1

    def data(self, text: str) -> None:
        self.parts.append(text)

    def comment(self, text: str) -> None:
        if self.parts:
            self._flush()
        self._string(text, Comment)

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        if self.parts:
            self._flush()
        self._string(str(Doctype.for_name_and_ids(name, pubid, system)), Doctype)

    def pi(self, target: str, data: str | None = None) -> None:
        if self.parts:
            self._flush()
        self._string(target + " " + data if data else target, ProcessingInstruction)

    def close(self) -> BeautifulSoup:
        if self.parts:
            self._flush()
        return self.soup


def build_soup(html: str) -> BeautifulSoup:
    """The tree ``BeautifulSoup(html, "lxml", multi_valued_attributes=None)`` would build."""
    soup = BeautifulSoup("", "lxml", multi_valued_attributes=None)
    if not html:
        return soup
    target = _Target(soup)
    parser = etree.HTMLParser(target=target, recover=True)
    try:
        for i in range(0, len(html), _CHUNK):
            parser.feed(html[i : i + _CHUNK])
        parser.close()
    except (UnicodeDecodeError, LookupError, etree.ParserError):
        # where bs4 would give up on lxml and try its next strategy, let bs4 decide
        return BeautifulSoup(html, "lxml", multi_valued_attributes=None)
    return soup
