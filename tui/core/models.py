"""Typed, headless models of the mirror's pages: what the parsers produce and the UI shows.

All text in these models is already cleaned: no HTML, no control characters, no terminal
escapes. It is still untrusted and must be shown as plain text, never as markup.

The records made by the thousand (spans, blocks, links, tags, index entries) have slots;
the ones made once a page do not: a slotted dataclass is built twice at import, 0.3 ms
apiece on the way to the first frame (bench/ui.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from tui.core.urls import LinkKind, PageRef, Target


class SpanKind(StrEnum):
    TEXT = "text"
    EMPHASIS = "emphasis"
    LINK = "link"
    TAG = "tag"


@dataclass(slots=True)
class Span:
    """A run of inline text. ``link`` is the 1-based number of the link in ``Page.links``."""

    text: str
    kind: SpanKind = SpanKind.TEXT
    link: int | None = None


class BlockType(StrEnum):
    PARAGRAPH = "paragraph"
    HEADING = "heading"
    IMAGE = "image"
    QUOTE = "quote"
    LIST_ITEM = "list_item"


@dataclass(slots=True)
class Block:
    """One block of the body in reading order. For an image, ``spans`` hold its caption."""

    type: BlockType
    spans: list[Span] = field(default_factory=list)
    level: int | None = None
    src: str | None = None

    @property
    def text(self) -> str:
        return "".join([span.text for span in self.spans])


@dataclass(slots=True)
class Link:
    """A numbered link of a page. ``target`` is a mirror path, ``owner/repo@ref:path``, or a URL."""

    n: int
    text: str
    kind: LinkKind
    target: str
    url: str
    ref: PageRef | None = None
    anchor: str | None = None

    @classmethod
    def from_target(cls, target: Target, text: str, home: PageRef | None) -> Link:
        """The one conversion of a resolved target: pages print relative to ``home``'s repo.

        Numbered 0 here: the parser numbers links in reading order once it keeps them.
        """
        if target.kind is LinkKind.PAGE and target.ref is not None:
            return cls(
                0,
                text,
                LinkKind.PAGE,
                target.ref.target(home),
                target.url,
                target.ref,
                target.anchor,
            )
        # An external URL keeps its fragment in itself: an anchor beside it would be
        # appended a second time (glossary.html#37#37).
        kind = LinkKind.IMAGE if target.kind is LinkKind.IMAGE else LinkKind.EXTERNAL
        return cls(0, text, kind, target.url, target.url, target.ref, None)


@dataclass(slots=True)
class Tag:
    """A tag link of an article: the name shown, and the mirror's URL for it."""

    name: str
    url: str


@dataclass
class Category:
    """The category an article belongs to: its name and the index that lists it."""

    title: str
    ref: PageRef


@dataclass
class Section:
    """A heading of the home page and the categories listed under it."""

    title: str
    categories: list[Category] = field(default_factory=list)


@dataclass
class LeadImage:
    """The image an article opens with: its address, caption and alt text."""

    src: str
    caption: str
    alt: str = ""


@dataclass(slots=True, init=False)
class Entry:
    """One entry of an index: an article of the mirror, or an external link (never fetched).

    ``url`` is made on first use: a 15,000-entry index would otherwise percent-encode
    15,000 blob URLs that only "copy the link" ever asks for.
    """

    title: str
    target: str
    ref: PageRef | None
    _url: str | None = field(repr=False, compare=False)

    def __init__(
        self, title: str, target: str, url: str | None = None, ref: PageRef | None = None
    ) -> None:
        self.title = title
        self.target = target
        self.ref = ref
        self._url = url

    @property
    def url(self) -> str:
        """The entry's blob URL (a mirror page) or its external URL."""
        if self._url is None:
            self._url = self.ref.blob_url if self.ref is not None else self.target
        return self._url

    @property
    def external(self) -> bool:
        return self.ref is None


@dataclass
class Home:
    """The mirror's home page: sections of categories, and the other links it has."""

    ref: PageRef
    sections: list[Section] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    kind: str = "home"

    @property
    def title(self) -> str:
        return "首页"


@dataclass
class Index:
    """A category index: the articles (and external links) it lists, in its order."""

    ref: PageRef
    title: str
    family: str | None = None
    #: A list when parsed; read back from the store, a sequence that makes each entry
    #: when first asked for (``parsed.StoredEntries``).
    entries: Sequence[Entry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    kind: str = "index"
    #: The ``pages/<dir>`` most of its entries live in ("" for a mixed list), worked out
    #: where the index is parsed; None: not yet (``dirnames.majority_directory``).
    directory: str | None = None


@dataclass
class Article:
    """A cleaned article: its metadata and body blocks, tags and numbered links."""

    ref: PageRef
    title: str
    source: str | None = None
    published: date | None = None
    category: Category | None = None
    lead_image: LeadImage | None = None
    blocks: list[Block] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    original_url: str | None = None
    editor: str | None = None
    warnings: list[str] = field(default_factory=list)
    kind: str = "article"


@dataclass
class Document:
    """Any other page (a README of another repository, a letter): blocks and links."""

    ref: PageRef
    title: str | None = None
    blocks: list[Block] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    kind: str = "document"


Page = Home | Index | Article | Document
