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

What is left is the per-node work itself, so it is kept to the objects and links: the
callbacks are closures over local state (no attribute look-ups), one lxml parser and its
target serve every document of a thread (building a parser costs lxml an
``inspect.getfullargspec`` of the target, 0.1 ms), and the empty document is set up with
bs4's own ``reset`` rather than by parsing "" (another parser and another 0.1 ms).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.builder._lxml import LXMLTreeBuilder
from bs4.element import AttributeValueList, CData, Comment, Doctype, ProcessingInstruction
from lxml import etree

__all__ = ["build_soup"]

_STRIP_SPACES = str.maketrans("", "", "\x20\x0a\x09\x0c\x0d")  # bs4's ASCII_SPACES
_INTERESTING = {NavigableString, CData}
_CHUNK = 512  # bs4's LXMLTreeBuilder.CHUNK_SIZE: libxml2 sees the text cut the same way


def _empty_soup() -> BeautifulSoup:
    """``BeautifulSoup("", "lxml", multi_valued_attributes=None)``, without parsing "".

    The same steps ``BeautifulSoup.__init__`` takes for a str, minus the feed of nothing.
    """
    builder = LXMLTreeBuilder(multi_valued_attributes=None)
    soup = BeautifulSoup.__new__(BeautifulSoup)
    soup.element_classes = {}
    soup.builder = builder
    soup.is_xml = builder.is_xml
    soup.known_xml = soup.is_xml
    soup._namespaces = {}
    soup.parse_only = None
    soup.markup = None
    soup.original_encoding = None
    soup.declared_html_encoding = None
    soup.contains_replacement_characters = False
    soup.reset()
    builder.initialize_soup(soup)
    builder.reset()
    builder.soup = None
    return soup


class _Builder:
    """An lxml feed parser and the callbacks that grow one soup; reused document after
    document (one per thread: the state is the document under construction)."""

    def __init__(self) -> None:
        proto = _empty_soup().builder
        containers: dict[str, type[NavigableString]] = dict(proto.string_containers)
        void: set[str] = proto.empty_element_tags or set()
        keep_space: set[str] = proto.preserve_whitespace_tags
        template: dict[str, Any] = {
            "parser_class": BeautifulSoup,
            "namespace": None,
            "prefix": None,
            "sourceline": None,
            "sourcepos": None,
            "attribute_value_list_class": AttributeValueList,
            "known_xml": False,
            "hidden": False,
            "cdata_list_attributes": None,
            "preserve_whitespace_tags": keep_space,
            "_namespaces": {"xml": "http://www.w3.org/XML/1998/namespace"},
        }
        new_str = str.__new__
        new_tag = Tag.__new__

        # The document under construction: its open tags, the last node made (bs4 leaves
        # the document itself out of the element chain), the text not yet made a string,
        # the string class in force, and the depth inside whitespace-keeping tags.
        stack: list[Any] = []
        parts: list[str] = []
        current: Any = None
        last: Any = None
        preserve = 0
        string_class: type[NavigableString] = NavigableString
        # The open tags that change the string class or keep whitespace (rare), each with
        # the class in force before it and whether it keeps whitespace.
        special = set(containers) | set(keep_space)
        specials: list[tuple[Tag, type[NavigableString], bool]] = []

        def begin(soup: BeautifulSoup) -> None:
            nonlocal current, last, preserve, string_class
            stack[:] = [soup]
            specials.clear()
            parts.clear()
            current = soup
            last = None
            preserve = 0
            string_class = NavigableString

        def release() -> None:
            nonlocal current, last
            stack.clear()
            specials.clear()
            current = last = None

        def add(text: str, cls: type[NavigableString]) -> None:
            # str.__new__ plus the attributes NavigableString.__new__ and setup() would set
            nonlocal last
            s = new_str(cls, text)
            siblings = current.contents
            prev = siblings[-1] if siblings else None
            s.__dict__ = {
                "hidden": False,
                "parent": current,
                "previous_element": last,
                "next_element": None,
                "previous_sibling": prev,
                "next_sibling": None,
            }
            if last is not None:
                last.next_element = s
            if prev is not None:
                prev.next_sibling = s
            siblings.append(s)
            last = s

        def flush() -> None:
            # the pending text as a string: add(text, classes[-1]), written out (most nodes)
            nonlocal last
            text = parts[0] if len(parts) == 1 else "".join(parts)
            parts.clear()
            if not preserve and text.isspace() and not text.translate(_STRIP_SPACES):
                text = "\n" if "\n" in text else " "  # bs4's endData rule
            s = new_str(string_class, text)
            siblings = current.contents
            prev = siblings[-1] if siblings else None
            s.__dict__ = {
                "hidden": False,
                "parent": current,
                "previous_element": last,
                "next_element": None,
                "previous_sibling": prev,
                "next_sibling": None,
            }
            if last is not None:
                last.next_element = s
            if prev is not None:
                prev.next_sibling = s
            siblings.append(s)
            last = s

        def start(name: str, attrib: Any) -> None:
            nonlocal current, last, preserve, string_class
            if parts:
                flush()
            own = containers.get(name) if name in special else None
            parent = current
            siblings = parent.contents
            prev = siblings[-1] if siblings else None
            tag = new_tag(Tag)
            tag.__dict__ = dict(
                template,
                name=name,
                # lxml hands each start its own dict (an immutable mapping when empty)
                attrs=attrib if attrib.__class__ is dict else {},
                contents=[],
                can_be_empty_element=name in void,
                interesting_string_types=_INTERESTING if own is None else {own},
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
            last = tag
            stack.append(tag)
            current = tag
            if name in special:
                keeps = name in keep_space
                specials.append((tag, string_class, keeps))
                if own is not None:
                    string_class = own
                if keeps:
                    preserve += 1

        def end(name: str) -> None:
            nonlocal current, preserve, string_class
            if parts:
                flush()
            tag = stack.pop()
            current = stack[-1]
            if specials and specials[-1][0] is tag:
                _, string_class, keeps = specials.pop()
                if keeps:
                    preserve -= 1

        def comment(text: str) -> None:
            if parts:
                flush()
            add(text, Comment)

        def doctype(name: str, pubid: str | None, system: str | None) -> None:
            if parts:
                flush()
            add(str(Doctype.for_name_and_ids(name, pubid, system)), Doctype)

        def pi(target: str, data: str | None = None) -> None:
            if parts:
                flush()
            add(target + " " + data if data else target, ProcessingInstruction)

        def close() -> None:
            if parts:
                flush()

        class _Target:
            pass

        target = _Target()
        target.start = start  # type: ignore[attr-defined]
        target.end = end  # type: ignore[attr-defined]
        target.data = parts.append  # type: ignore[attr-defined]
        target.comment = comment  # type: ignore[attr-defined]
        target.doctype = doctype  # type: ignore[attr-defined]
        target.pi = pi  # type: ignore[attr-defined]
        target.close = close  # type: ignore[attr-defined]
        self.begin: Callable[[BeautifulSoup], None] = begin
        self.release: Callable[[], None] = release
        self.parser = etree.HTMLParser(target=target, recover=True)


_local = threading.local()


def build_soup(html: str) -> BeautifulSoup:
    """The tree ``BeautifulSoup(html, "lxml", multi_valued_attributes=None)`` would build."""
    if not html:
        return BeautifulSoup("", "lxml", multi_valued_attributes=None)
    builder: _Builder | None = getattr(_local, "builder", None)
    if builder is None:
        builder = _local.builder = _Builder()
    soup = _empty_soup()
    builder.begin(soup)
    parser = builder.parser
    _local.builder = None  # in use: a failure below leaves a parser in an unknown state
    try:
        for i in range(0, len(html), _CHUNK):
            parser.feed(html[i : i + _CHUNK])
        parser.close()
    except (UnicodeDecodeError, LookupError, etree.ParserError):
        # where bs4 would give up on lxml and try its next strategy, let bs4 decide
        return BeautifulSoup(html, "lxml", multi_valued_attributes=None)
    builder.release()  # let go of the document
    _local.builder = builder
    return soup
