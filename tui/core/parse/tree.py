"""A BeautifulSoup tree built from lxml's own tree, without BeautifulSoup's builder.

``BeautifulSoup(html, "lxml")`` drives libxml2 through Python callbacks, one per start tag,
end tag and run of text, and each callback walks bs4's generic bookkeeping: on the mirror's
articles that is 13x the cost of libxml2 parsing the same HTML into its own tree. Here
libxml2 builds its tree in C and one walk turns it into the very objects bs4's builder would
have made (same classes, attributes, links between elements, whitespace folding and string
containers), so the cleaner keeps BeautifulSoup as its API. ``tests/test_parse_tree.py``
proves the two trees identical on every corpus page and on hostile input.
"""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import AttributeValueList, CData, Comment, Doctype, ProcessingInstruction
from lxml import etree

__all__ = ["build_soup"]

_ASCII_SPACES = "\x20\x0a\x09\x0c\x0d"
_STRIP_SPACES = str.maketrans("", "", _ASCII_SPACES)
_INTERESTING = {NavigableString, CData}


class _Builder:
    """One conversion; holds the document-order cursor that bs4 calls the most recent element."""

    def __init__(self, soup: BeautifulSoup) -> None:
        self.soup = soup
        builder = soup.builder
        self.void = builder.empty_element_tags or set()
        self.preserve = builder.preserve_whitespace_tags
        self.containers: dict[str, type[NavigableString]] = dict(builder.string_containers)
        self.last: Any = None  # bs4 leaves the document itself out of the element chain
        self.template = {
            "parser_class": BeautifulSoup,
            "namespace": None,
            "prefix": None,
            "sourceline": None,
            "sourcepos": None,
            "attribute_value_list_class": AttributeValueList,
            "known_xml": False,
            "hidden": False,
            "cdata_list_attributes": None,
            "preserve_whitespace_tags": self.preserve,
        }
        self.namespaces = {"xml": "http://www.w3.org/XML/1998/namespace"}

    def link(self, node: Any, parent: Tag) -> None:
        node.parent = parent
        last = self.last
        node.previous_element = last
        if last is not None:
            last.next_element = node
        node.next_element = None
        siblings = parent.contents
        if siblings:
            prev = siblings[-1]
            node.previous_sibling = prev
            prev.next_sibling = node
        else:
            node.previous_sibling = None
        node.next_sibling = None
        siblings.append(node)
        self.last = node

    def string(self, text: str, parent: Tag, cls: type[NavigableString], preserve: bool) -> None:
        if not preserve and not text.translate(_STRIP_SPACES):
            text = "\n" if "\n" in text else " "
        # str.__new__ and the attributes NavigableString.__new__/setup would set, in one go
        s = str.__new__(cls, text)
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

    def element(self, el: Any, parent: Tag, cls: type[NavigableString], preserve: bool) -> None:
        tag_name = el.tag
        if not isinstance(tag_name, str):
            if tag_name is etree.Comment:
                self.string(el.text or "", parent, Comment, True)
            elif tag_name is etree.ProcessingInstruction:
                self._pi(el, parent)
            # entities and other node kinds: libxml2's HTML parser does not make them
            if el.tail:
                self.string(el.tail, parent, cls, preserve)
            return
        tag = Tag.__new__(Tag)
        d = tag.__dict__
        d.update(self.template)
        contents: list[Any] = []
        own = self.containers.get(tag_name)
        last = self.last
        siblings = parent.contents
        prev = siblings[-1] if siblings else None
        d.update(
            name=tag_name,
            _namespaces=self.namespaces,
            attrs=dict(el.attrib) if len(el.attrib) else {},
            contents=contents,
            can_be_empty_element=tag_name in self.void,
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
        inner_cls = own if own is not None else cls
        inner_preserve = preserve or tag_name in self.preserve
        text = el.text
        if text:
            self.string(text, tag, inner_cls, inner_preserve)
        for child in el:
            self.element(child, tag, inner_cls, inner_preserve)
        if el.tail:
            self.string(el.tail, parent, cls, preserve)

    def _pi(self, el: Any, parent: Tag) -> None:
        # bs4's lxml builder writes a PI back as "target text" (no "?>")
        text = el.target + (" " + el.text if el.text else "")
        self.string(text, parent, ProcessingInstruction, True)


def _parser() -> etree.HTMLParser:
    return etree.HTMLParser(recover=True, remove_comments=False, default_doctype=False)


def build_soup(html: str) -> BeautifulSoup:
    """The tree ``BeautifulSoup(html, "lxml", multi_valued_attributes=None)`` would build."""
    soup = BeautifulSoup("", "lxml", multi_valued_attributes=None)
    if not html:
        return soup
    parser = _parser()
    try:
        root = etree.fromstring(html, parser)
    except (etree.ParserError, ValueError):
        root = None
    if root is None or any(e.level_name == "FATAL" for e in parser.error_log):
        # Nothing to build (bs4's own way costs nothing then), or libxml2 gave up part of
        # the page (nesting deeper than 256): bs4's event-driven build keeps all of it.
        return BeautifulSoup(html, "lxml", multi_valued_attributes=None)
    doc = root.getroottree()
    b = _Builder(soup)
    docinfo = doc.docinfo
    if docinfo.doctype:
        b.link(
            Doctype.for_name_and_ids(
                docinfo.root_name or "", docinfo.public_id, docinfo.system_url
            ),
            soup,
        )
    before = list(root.itersiblings(preceding=True))
    for el in reversed(before):
        b.element(el, soup, NavigableString, False)
    b.element(root, soup, NavigableString, False)
    for el in root.itersiblings():
        b.element(el, soup, NavigableString, False)
    return soup
