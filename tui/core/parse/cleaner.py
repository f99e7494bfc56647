"""The cleaner: one HTML tree in, body blocks with numbered links out, boilerplate dropped.

Noise is recognised by structure wherever the pages allow it: hidden or zero-size elements,
script/ad/form machinery, Markdown headings made of links (nav lines and promo blocks: the
body's own subheadings are HTML), and the share block, found as the self-link or QR image
of the page and cut together with everything after it. Only the solicitation and copyright
lines have no structure of their own; they are matched by a few phrases.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, PageElement, ProcessingInstruction

from tui.core.models import Block, BlockType, Category, Link, Span, SpanKind
from tui.core.models import Tag as TagModel
from tui.core.parse.markdown import MD_ATTR
from tui.core.parse.tags import is_tag_url, tag_name_from_url
from tui.core.text import join_whitespace, normalise_space, sanitise
from tui.core.urls import MIRROR_HOSTS, LinkKind, PageRef, resolve

__all__ = ["CleanResult", "clean", "renumber"]

_DROP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "iframe", "object", "embed", "input",
        "button", "select", "textarea", "ins", "svg", "audio", "video", "source", "track",
        "head", "title", "meta", "link", "base", "canvas", "map", "area", "param", "option",
    }
)  # fmt: skip
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "header", "footer", "aside", "nav",
        "figure", "figcaption", "center", "table", "thead", "tbody", "tfoot", "tr", "td", "th",
        "ul", "ol", "li", "dl", "dt", "dd", "pre", "address", "blockquote", "form",
        "fieldset", "details", "summary", "caption", "body", "html",
        "h1", "h2", "h3", "h4", "h5", "h6",
    }
)  # fmt: skip
_PAGE_LEVEL = frozenset({"body", "html", "[document]"})
# Link texts of the footer nav that other mirror repositories' pages end with.
_NAV_WORDS = re.compile(
    r"首页|手机上长按|禁闻聚合|翻墙|Web代理|九评共产党|目录|上一[章页篇节]|下一[章页篇节]"
)
# A footer or header line of one nav link (#### [返回目录](../README.md)), or of one beside the
# share text (手机上长按此链接分享): its link texts are these words, and it stands at the page's
# top or end (a document's own link lists have one link a line too).
_NAV_LINK = re.compile(
    r"\s*(?:返回目录|返回首页|返回上[一层]?[级页层]?|返回|目录|首页|上一[章页篇节]|下一[章页篇节]"
    r"|翻墙必看视频|翻墙教程|翻墙|禁闻聚合|Web代理|九评共产党)[^\n]{0,24}\Z"
)
_SHARE_TEXT = re.compile(r"[\s|｜\-–—·•/、,，:：\u00a0]*手机上长按[^\n]{0,30}\Z")
_EMPHASIS = frozenset({"strong", "b", "em", "i", "u", "mark", "cite"})
_SKIP_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_ZERO = re.compile(r"^\s*0+(?:\.0*)?\s*(?:px)?\s*$", re.I)
# Ad slots and ad widgets, by class or id.
_AD_MARK = re.compile(
    r"(?:^|[\s_-])(?:ads?|adsbygoogle|advert\w*|single_ad|taboola\w*|sponsor\w*)(?:$|[\s_-])"
    r"|div-gpt-ad|adsbygoogle|taboola",
    re.I,
)
_SEPARATORS = re.compile(r"^[\s|｜\-–—·•/、,，:：\u00a0]*$")
# Solicitation, copyright and share lines: the only noise without a structure of its own.
_NOISE_TEXT = re.compile(
    r"手机上长按并复制|原文地址（需翻墙访问）|原文地址[:：]|本文短网址|诚征荣誉会员"
    r"|严禁建立镜像网站|禁止建立鏡像網站|希望之声版权所有|版权所有，任何形式转载"
    # the same lines on traditional-character pages
    r"|手機上長按並複製|原文地址（需翻牆訪問）|本文短網址|誠徵榮譽會員"
    r"|嚴禁建立鏡像網站|禁止建立镜像网站|希望之聲版權所有|版權所有，任何形式轉載"
)
# The site's own banners: donate, subscribe, donate-a-car (by their file names).
_BANNER = re.compile(r"donate|subscribe|cardonation|give1car", re.I)
_ORIGINAL = re.compile(r"原文地址[^:：\n]{0,12}[:：]\s*(https?://[^\s<>\"'）)]+)")
_URL = re.compile(r"https?://[^\s<>\"'）)]+")
_CLAUSE_END = ("：", ":", "；", ";", "，", ",", "、")
_QUOTE_END = ("。", "！", "？", "…", ".", "!", "?", *_CLAUSE_END)
_SAFE_SCHEMES = frozenset({"http", "https", "mailto", ""})
# The source credit that closes S pages, "来源:" before a link to the site's tag page.
# Also 本文来源于, （转自, 稿源：, and a second credit after the first: 来源：甲、乙.
_CREDIT = re.compile(
    r"(?:(?<!图片)(?<!圖片)(?:来源|來源)\s*(?:[:：]|于|於)|转自|轉自|转载自|轉載自|稿源\s*[:：]"
    r"|摘自|选自|選自)\s*(?:[^\s。：:]{1,20}\s*[、，,/／]\s*)*\Z"
)
# A line after an image that is no caption line but the body: a dateline, a long paragraph.
_NOT_CAPTION = re.compile(r"\s*【|[^\n]{160}").match
# A short bold paragraph is a subheading, except a byline or an appeal to click.
# (behind a bracket or a symbol: 【作者：某】, ▶ 点击欣赏; 作者 某, 某报记者某某报导)
_NOT_SUBHEADING = re.compile(
    r"^[\s【（(\[「『〔▶►▷◆■●★※]*(?:"
    r"(?:作者|撰文|撰稿|文|编译|編譯|记者|記者|编辑|編輯|翻译|翻譯|整理|采访|採訪|口述|摄影|攝影)"
    r"\s*[:：/／\s]"
    r"|请?点击|請?點擊"
    r"|[^\s，。：:]{0,8}?(?:记者|記者)[^\s，。：:]{1,12}?(?:综合|綜合)?(?:报导|报道|報導|報道)"
    r")"
)


@dataclass(slots=True)
class CleanResult:
    blocks: list[Block] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    tags: list[TagModel] = field(default_factory=list)
    title: str | None = None
    category: Category | None = None
    original_url: str | None = None
    warnings: list[str] = field(default_factory=list)
    alts: dict[int, str] = field(default_factory=dict)  # id(image block) -> alt text


@dataclass(slots=True)
class _LinkCtx:
    href: str
    index: int | None = None  # provisional index into _Walker.links, allocated on first text
    kind: SpanKind = SpanKind.LINK


def _attr(el: Tag, name: str) -> str:
    value = el.attrs.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = " ".join(value)
    return sanitise(str(value))


# Tags whose end the walk must see (besides links and captions): blocks, emphasis, bare <ok>.
_EXIT_WORK = _BLOCK_TAGS | _EMPHASIS | {"ok"}
_HIDING_KEYS = frozenset({"style", "hidden", "class", "id", "width", "height"})  # all it reads


def _is_hidden(el: Tag) -> bool:
    attrs = el.attrs
    if not attrs:
        return False
    style = attrs.get("style")
    if style and _HIDDEN_STYLE.search(str(style)):
        return True
    if "hidden" in attrs:
        return True
    for key in ("class", "id"):
        v = attrs.get(key)
        if v and _AD_MARK.search(str(v)):
            return True
    if el.name == "img":
        w, h = attrs.get("width"), attrs.get("height")
        if (w is not None and _ZERO.match(str(w))) or (h is not None and _ZERO.match(str(h))):
            return True
    return False


def _has_class(el: Tag, word: str) -> bool:
    cls = el.attrs.get("class")
    return bool(cls) and word in str(cls).lower()


def _has_id(el: Tag, word: str) -> bool:
    """(RFA pages mark their caption by id: ``<div id="headerimgcaption">``.)"""
    ident = el.attrs.get("id")
    return bool(ident) and word in str(ident).lower()


def _is_nav_line(el: Tag, only: bool, rest: str) -> bool:
    """Whether ``el`` (a Markdown line of links, ``rest`` its text outside them) is made of
    nav links only, beside separators or the share text."""
    if not (only or _SHARE_TEXT.match(rest)):
        return False
    links = _anchors(el)
    return bool(links) and all(_NAV_LINK.match(a.get_text()) for a in links)


def _link_only(el: Tag) -> tuple[bool, int, str]:
    """Whether every visible text of ``el`` is inside a link (or a separator), the count,
    and the text outside the links."""
    anchors = 0
    outside: list[str] = []
    # One walk (bs4's find_all would walk twice and test every node through its filters).
    stack: list[tuple[PageElement, bool]] = [(child, False) for child in reversed(el.contents)]
    while stack:
        node, inside = stack.pop()
        if isinstance(node, Tag):
            is_a = node.name == "a"
            anchors += is_a
            stack.extend((child, inside or is_a) for child in reversed(node.contents))
        elif not inside:
            outside.append(str(node))
    if not anchors:
        return False, 0, ""
    rest = "".join(outside)
    return bool(_SEPARATORS.match(rest)), anchors, rest


class _Walker:
    """One pass over the tree; state lives here, never at module level."""

    def __init__(self, base: PageRef, home: PageRef | None, origin: str | None) -> None:
        self.base = base
        self.home = home
        self.origin = origin
        self.article = False  # an article's body: its nav paragraphs go
        self.blocks: list[Block] = []
        self.links: list[Link] = []
        self.pieces: list[tuple[str, SpanKind, int | None]] = []
        self.piece_type = BlockType.PARAGRAPH
        self.has_text = False
        # Whether the block so far has text outside bold, and bold text of its own (not a
        # link's): a short bold paragraph is a subheading. S pages write bold as a bare <ok>.
        self.plain = False
        self.bold = False
        self.bare_ok = 0
        self.alts: dict[int, str] = {}
        self.nav_links: list[Tag] = []
        # A document's one-link nav lines: their blocks, cut if they open or close the page.
        self.nav_start: dict[int, int] = {}
        self.nav_blocks: set[int] = set()
        self.heading: list[int] = []
        self.heading_md: list[bool] = []  # each of ``heading``: a Markdown line (#### 标题)
        self.md_headings: set[int] = set()  # ids of the blocks those made
        self.quote = 0
        self.items = 0
        self.emph = 0
        self.link_stack: list[_LinkCtx] = []
        self.link_text: dict[int, list[str]] = {}
        self.caption_for: Block | None = None
        self.caption_until: Tag | None = None
        self.caption_depth = 0
        self.block_stack: list[Tag] = []
        self.noise_until: Tag | None = None

    # ----------------------------------------------------------------- links

    def _make_link(self, href: str, text: str) -> Link | None:
        href = href.strip()
        if not href:
            return None
        if not href.startswith(("https://", "http://")):
            # (an http(s) URL needs no look at its scheme; one that urlsplit rejects is
            # rejected below as well, by is_tag_url and resolve)
            try:
                scheme = urlsplit(href).scheme.lower()
            except ValueError:
                return None
            if scheme not in _SAFE_SCHEMES:
                return None
        if is_tag_url(href):
            url = href
            if href.startswith("/") and not href.startswith("//") and self.origin:
                url = urljoin(self.origin, href)
            elif href.startswith("//"):
                url = "https:" + href
            return Link(0, text, LinkKind.TAG, url, url)
        if href.startswith("/") and not href.startswith("//"):
            url = urljoin(self.origin, href) if self.origin else href
            return Link(0, text, LinkKind.EXTERNAL, url, url)
        try:
            target = resolve(self.base, href)
        except ValueError:
            return None
        if target is None:
            return None
        return Link.from_target(target, text, self.home)

    def _after_credit(self) -> bool:
        tail = "".join([p[0] for p in self.pieces[-8:]])
        return _CREDIT.search(tail) is not None

    def _current_link(self) -> tuple[SpanKind, int | None]:
        for ctx in reversed(self.link_stack):
            if ctx.index is None:
                link = self._make_link(ctx.href, "")
                if link is None:
                    ctx.index = -1
                    continue
                if link.kind is LinkKind.TAG and self._after_credit():
                    # 来源:<span href=/news/gb/tag/看中国>: the source credit, not a tag
                    link = Link(0, "", LinkKind.EXTERNAL, link.url, link.url)
                ctx.index = len(self.links)
                ctx.kind = SpanKind.TAG if link.kind is LinkKind.TAG else SpanKind.LINK
                self.links.append(link)
                self.link_text[ctx.index] = []
            if ctx.index >= 0:
                return ctx.kind, ctx.index
        return SpanKind.TEXT, None

    # ------------------------------------------------------------------ text

    def text(self, s: str) -> None:
        if self.noise_until is not None:
            return
        if not s:
            return
        if s.isspace():
            if self.pieces:
                self.pieces.append((s, SpanKind.TEXT, None))
            if self.link_stack:
                for ctx in reversed(self.link_stack):
                    if ctx.index is not None and ctx.index >= 0:
                        # Whitespace between two parts of a link's text: part of its text.
                        self.link_text[ctx.index].append(s)
                        break
            return
        if not self.has_text:
            self.piece_type = self._block_type()
            self.has_text = True
        kind, idx = SpanKind.TEXT, None
        if self.link_stack:
            kind, idx = self._current_link()
        if kind is SpanKind.TEXT and self.emph:
            kind = SpanKind.EMPHASIS
        if not (self.emph or self.bare_ok):
            self.plain = True
        elif idx is None:
            self.bold = True
        if idx is not None:
            self.link_text[idx].append(s)
        self.pieces.append((sanitise(s), kind, idx))

    def _block_type(self) -> BlockType:
        if self.heading:
            return BlockType.HEADING
        if self.items:
            return BlockType.LIST_ITEM
        if self.quote:
            return BlockType.QUOTE
        return BlockType.PARAGRAPH

    def _spans(self) -> list[Span]:
        pieces = self.pieces
        self.pieces = []
        self.has_text = False
        if len(pieces) == 1:
            full, kind0, idx0 = pieces[0]
            if not full or full.isspace():
                return []
            chunk = _collapse(full)
            return [Span(chunk, kind0, idx0 + 1 if idx0 is not None else None)] if chunk else []
        full = "".join([p[0] for p in pieces])
        if not full or full.isspace():
            return []
        _, kind0, idx0 = pieces[0]
        if all(p[1] is kind0 and p[2] == idx0 for p in pieces):
            # One run of one kind (most paragraphs): the same whitespace rule over the whole.
            chunk = _collapse(full, _edges(pieces) if len(pieces) > 1 else ())
            return [Span(chunk, kind0, idx0 + 1 if idx0 is not None else None)] if chunk else []
        spans: list[Span] = []
        n = len(full)
        pos = 0
        for text, kind, idx in pieces:
            start, end = pos, pos + len(text)
            pos = end
            out: list[str] = []
            i = 0
            for m in _WS.finditer(text):
                out.append(text[i : m.start()])
                s, e = start + m.start(), start + m.end()
                # Extend the run across piece boundaries to see its real neighbours.
                rs = s
                while rs > 0 and full[rs - 1] in _WS_CHARS:
                    rs -= 1
                re_ = e
                while re_ < n and full[re_] in _WS_CHARS:
                    re_ += 1
                if rs < s:
                    # This run continues one that began in an earlier piece: emitted there.
                    i = m.end()
                    continue
                before = full[rs - 1] if rs > 0 else ""
                after = full[re_] if re_ < n else ""
                # A run that starts this text node or reaches its end touches a tag.
                edge = s == start or re_ >= end
                out.append(join_whitespace(before, full[rs:re_], after, edge))
                i = m.end()
            out.append(text[i:])
            chunk = "".join(out)
            if not chunk:
                continue
            if (
                spans
                and spans[-1].kind is kind
                and spans[-1].link == (idx + 1 if idx is not None else None)
            ):
                spans[-1].text += chunk
            else:
                spans.append(Span(chunk, kind, idx + 1 if idx is not None else None))
        # A separating space at the edge of a link belongs outside it.
        for i, span in enumerate(spans):
            if span.link is not None and span.text.endswith(" ") and i + 1 < len(spans):
                span.text = span.text[:-1]
                nxt = spans[i + 1]
                if nxt.kind is SpanKind.TEXT:
                    nxt.text = " " + nxt.text
                else:
                    spans.insert(i + 1, Span(" "))
        return [s for s in spans if s.text]

    def flush(self) -> None:
        if not self.pieces:
            return
        btype = self.piece_type
        subheading = self.bold and not self.plain
        self.plain = self.bold = False
        spans = self._spans()
        if not spans:
            return
        text = spans[0].text if len(spans) == 1 else "".join([s.text for s in spans])
        if self.article and btype is BlockType.PARAGRAPH and _is_nav_paragraph(spans, text):
            return
        if _NOISE_TEXT.search(text):
            # The rest of this container is the same appeal/footer: drop it all.
            if self.block_stack:
                self.noise_until = self.block_stack[-1]
            return
        if self.caption_for is not None and not self.caption_depth and _NOT_CAPTION(text):
            self.caption_for = self.caption_until = None  # the line after the image is body
        if self.caption_for is not None:
            cap = self.caption_for
            if cap.spans:
                cap.spans.append(Span(" "))
            cap.spans.extend(spans)
            if not self.caption_depth:
                # (a caption line, not a caption element: one line, then the body)
                self.caption_for = self.caption_until = None
            return
        level = self.heading[-1] if btype is BlockType.HEADING and self.heading else None
        if (
            btype is BlockType.PARAGRAPH
            and subheading
            and len(text) <= 40
            and not _ends_clause(text)
            and not _NOT_SUBHEADING.match(text)
        ):
            # A paragraph that is one short bold phrase is how N pages write subheadings.
            btype, level = BlockType.HEADING, 4
        block = Block(btype, spans, level)
        if level is not None and self.heading_md and self.heading_md[-1]:
            self.md_headings.add(id(block))
        self.blocks.append(block)

    def line_break(self) -> None:
        if self.heading:
            # A <br> in a heading separates its parts: an ideographic space between Chinese
            # ones (an ASCII one would read as a stray gap), a space between Latin words.
            self.text("\u3000")
        else:
            self.flush()

    def image(self, el: Tag) -> None:
        src = _attr(el, "src").strip()
        if not src or src.startswith("data:"):  # a lazy-loaded image: its placeholder
            src = _attr(el, "data-src").strip() or _attr(el, "data-original").strip()
        if not src or self.noise_until is not None:
            return
        alt = normalise_space(_attr(el, "alt"))
        if alt and _NOISE_TEXT.search(alt):
            return
        if _BANNER.search(src.rpartition("/")[2]):
            return  # a donate / subscribe banner of the site, not the article's picture
        if src.startswith("//"):
            src = "https:" + src
        elif src.startswith("/") and self.origin:
            src = urljoin(self.origin, src)
        elif not src.startswith(("http://", "https://", "/")):
            try:
                target = resolve(self.base, src)
            except ValueError:
                target = None
            if target is None or urlsplit(target.url).scheme not in ("http", "https"):
                return
            src = target.url
        self.flush()
        block = Block(BlockType.IMAGE, [], None, src)
        block_alt = alt
        self.blocks.append(block)
        self.alts[id(block)] = block_alt
        container = self.block_stack[-1] if self.block_stack else None
        if container is None or container.name in _PAGE_LEVEL:
            # A bare top-level image: what follows is the body, not its caption.
            return
        self.caption_for = block
        self.caption_until = container

    def _media(self, url: str) -> None:
        """An audio/video player: keep its media file as a link, drop its controls."""
        link = self._make_link(sanitise(url), "音频")
        if link is None or self.noise_until is not None:
            return
        self.flush()
        self.links.append(link)
        self.blocks.append(
            Block(BlockType.PARAGRAPH, [Span("音频", SpanKind.LINK, len(self.links))])
        )

    # ------------------------------------------------------------------ walk

    def walk(self, root: Tag, drop_link_headings: bool) -> None:
        self.article = drop_link_headings
        # Entries are nodes to enter, or (tag, href, caption) to leave: the exit reuses what
        # the entry read from the attributes. Most tags carry none; their tests are skipped.
        stack: list[Any] = [root]
        pop = stack.pop
        push = stack.append
        text = self.text
        while stack:
            node = pop()
            cls = node.__class__
            if cls is NavigableString:
                # (whitespace between blocks, outside links, adds nothing: text() skips it)
                if self.pieces or self.link_stack or not node.isspace():
                    text(str(node))
                continue
            if cls is tuple:
                self._exit(*node)
                continue
            if cls is not Tag and not isinstance(node, Tag):
                if isinstance(node, NavigableString) and not isinstance(node, _SKIP_STRINGS):
                    text(str(node))
                continue
            name = node.name
            if name in _DROP_TAGS:
                continue
            attrs = node.attrs
            if attrs and not _HIDING_KEYS.isdisjoint(attrs) and _is_hidden(node):
                continue
            if name == "br":
                self.line_break()
                continue
            if name == "img":
                self.image(node)
                continue
            if name == "hr":
                if self.pieces:
                    self.flush()
                continue
            href = None
            caption = name == "figcaption"
            nav_line = False
            if attrs:
                if MD_ATTR in attrs and (name in _HEADINGS or name == "p"):
                    only, count, rest = _link_only(node)
                    if drop_link_headings:
                        if (name != "p" and count) or (only and count >= 2):
                            if count >= 2:
                                self.nav_links.append(node)
                            continue
                    elif only and count >= 2 and _NAV_WORDS.search(node.get_text()):
                        continue  # a document's footer nav (its link lists are content)
                    elif count <= 2 and _is_nav_line(node, only, rest):
                        nav_line = True
                media = attrs.get("data-url-h") or attrs.get("data-url-l")
                if media:
                    self._media(str(media))
                href = attrs.get("href")
                caption = caption or _has_class(node, "caption") or _has_id(node, "caption")
            if name in _BLOCK_TAGS:
                if self.pieces:
                    self.flush()
                if self.caption_for is not None and not caption and not self.caption_depth:
                    # A block after an image is the body again: an image's own caption
                    # is a caption element or the line right after it, not its container.
                    self.caption_for = self.caption_until = None
                self.block_stack.append(node)
                level = _HEADINGS.get(name)
                if level is not None:
                    self.heading.append(level)
                    self.heading_md.append(bool(attrs) and MD_ATTR in attrs)
                elif name == "blockquote":
                    self.quote += 1
                elif name in ("li", "dd", "dt"):
                    self.items += 1
                if nav_line:
                    self.nav_start[id(node)] = len(self.blocks)
            if caption:
                if self.pieces:
                    self.flush()
                self.caption_depth += 1
                last = self.blocks[-1] if self.blocks else None
                if last is not None and last.type is BlockType.IMAGE and not last.spans:
                    self.caption_for = last
                    self.caption_until = node
            if name in _EMPHASIS:
                self.emph += 1
            if href is not None:
                self.link_stack.append(_LinkCtx(sanitise(str(href))))
            elif name == "ok":
                self.bare_ok += 1
            if href is not None or caption or name in _EXIT_WORK:
                # (the caption's end is always one of these: a caption or a block tag)
                push((node, href, caption))
            contents = node.contents
            if contents:
                stack.extend(reversed(contents))

    def _exit(self, node: Tag, href: object, caption: bool) -> None:
        name = node.name
        if href is not None and self.link_stack:
            ctx = self.link_stack.pop()
            if ctx.index is not None and ctx.index >= 0:
                texts = self.link_text.get(ctx.index, [])
                full = "".join(texts)
                text = _collapse(full, _edges(texts) if len(texts) > 1 else ())
                self.links[ctx.index].text = sanitise(normalise_space(text))
        if name in _EMPHASIS:
            self.emph -= 1
        elif name == "ok" and href is None:
            self.bare_ok -= 1
        if caption:
            if self.pieces:
                self.flush()
            self.caption_depth -= 1
        if name in _BLOCK_TAGS:
            if self.pieces:
                self.flush()
            if self.block_stack and self.block_stack[-1] is node:
                self.block_stack.pop()
            if self.nav_start:
                start = self.nav_start.pop(id(node), None)
                if start is not None:
                    self.nav_blocks.update(range(start, len(self.blocks)))
            if name in _HEADINGS and self.heading:
                self.heading.pop()
                self.heading_md.pop()
            elif name == "blockquote":
                self.quote -= 1
            elif name in ("li", "dd", "dt"):
                self.items -= 1
            if self.noise_until is node:
                self.noise_until = None
        if self.caption_until is node:
            if self.pieces:
                self.flush()
            self.caption_for = None
            self.caption_until = None


# A run of whitespace. Written [c][c]* rather than [c]+: a pattern that opens with a character
# class lets the regex engine skip to candidates; one that opens with a repeat tries a match
# at every position, four times slower on Chinese text, where runs are few.
_WS_CLASS = r"[ \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
_WS = re.compile(_WS_CLASS + _WS_CLASS + "*")
_WS_STR = " \t\n\r\f\v\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_WS_CHARS = frozenset(
    " \t\n\r\f\v\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)


_SELF_LINK_TAGS = frozenset({"a", "img", "ok", "span"})
_ASCII_ESCAPE = re.compile(r"%[0-7][0-9A-Fa-f]")  # an escape that unquote turns into ASCII


def _edges(pieces: Sequence[str] | Sequence[tuple[str, SpanKind, int | None]]) -> list[int]:
    """Offsets in the joined text where one text node ends and the next begins (a tag)."""
    marks: list[int] = []
    pos = 0
    for piece in pieces:
        pos += len(piece if isinstance(piece, str) else piece[0])
        marks.append(pos)
    return marks


def _collapse(text: str, edges: Sequence[int] = ()) -> str:
    """Each whitespace run of ``text`` as ``join_whitespace`` says, seen from its neighbours.

    ``edges`` (sorted offsets of tag boundaries in ``text``) tell markup whitespace from the
    author's.
    """
    inner = text.strip(_WS_STR)  # a run at either edge has no neighbour there: it goes
    if not _WS.search(inner):
        return inner
    lead = len(text) - len(text.lstrip(_WS_STR)) if edges else 0
    out: list[str] = []
    i = 0
    n = len(inner)
    for m in _WS.finditer(inner):
        s, e = m.start(), m.end()
        out.append(inner[i:s])
        edge = False
        if edges:
            k = bisect_left(edges, s + lead)
            edge = k < len(edges) and edges[k] <= e + lead
        out.append(
            join_whitespace(inner[s - 1] if s else "", inner[s:e], inner[e] if e < n else "", edge)
        )
        i = e
    out.append(inner[i:])
    return "".join(out)


def _is_nav_paragraph(spans: list[Span], text: str) -> bool:
    """A paragraph of an article made of nav links alone (首页 | 大陆新闻 | 热点推荐, written
    in HTML, or one 返回首页 link), beside separators: the site's nav, not its body."""
    if spans[0].kind is not SpanKind.LINK or len(text) > 120:
        return False
    links = set()
    for span in spans:
        if span.kind is SpanKind.LINK:
            links.add(span.link)
        elif not _SEPARATORS.match(span.text):
            return False
    if len(links) >= 2:
        return _NAV_WORDS.search(text) is not None
    return len(text.strip()) <= 8 and _NAV_LINK.match(text) is not None


def _ends_clause(text: str) -> bool:
    """Whether a bold line ends as a label, a list item (：；，、) or quoted speech does
    (…说：“好。”), not as a subheading may: one can be a question, an exclamation, or a
    quoted phrase (“标题”)."""
    text = text.rstrip()
    if text.endswith(("”", "」", "’")):
        return text[:-1].rstrip().endswith(_QUOTE_END)
    return text.endswith(_CLAUSE_END)


def _self_reference(soup: BeautifulSoup, base: PageRef) -> Tag | None:
    """The share block's self-link or QR image of the page, if the page has one."""
    own = base.path
    name = own.rsplit("/", 1)[-1]
    # Along the element chain (document order, as ``descendants`` goes, without its generator).
    el: Any = soup.contents[0] if soup.contents else None
    while el is not None:
        cls = el.__class__
        if (
            (cls is Tag or (cls is not NavigableString and isinstance(el, Tag)))
            and el.name in _SELF_LINK_TAGS
            and _points_here(el, base, name)
        ):
            return el
        el = el.next_element
    return None


def _points_here(el: Tag, base: PageRef, name: str) -> bool:
    """Whether ``el`` links to page ``base`` (file name ``name``) or is its QR image."""
    url = el.attrs.get("src") if el.name == "img" else el.attrs.get("href")
    if not url:
        return False
    url = str(url).strip()
    if name not in url and (
        "%" not in url
        # Escapes of non-ASCII bytes decode to non-ASCII characters only, so they cannot
        # spell an ASCII name that the URL does not already hold: no decoding needed.
        or (name.isascii() and _ASCII_ESCAPE.search(url) is None)
        or name not in unquote(url)
    ):
        return False  # cannot point at this page: skip resolving it (long pages have thousands)
    if el.name == "img":
        if not url.lower().endswith(".md.png"):
            return False
        try:
            target = resolve(base, url)
        except ValueError:
            return False
        if target is not None and target.ref is not None:
            path = target.ref.path
            if path[:-4] == base.path and target.ref.repo == base.repo:
                return True
        return False
    try:
        target = resolve(base, url)
    except ValueError:
        return False
    return (
        target is not None
        and target.ref == base
        and target.anchor is None
        and urlsplit(url).scheme in ("http", "https")
    )


def _previous_hr(el: PageElement) -> Tag | None:
    """``el.find_previous("hr")``, without bs4's filter machinery."""
    node = el.previous_element
    while node is not None:
        if isinstance(node, Tag) and node.name == "hr":
            return node
        node = node.previous_element
    return None


def _anchors(el: Tag) -> list[Tag]:
    """``el.find_all("a")`` (document order), without bs4's filter machinery."""
    out: list[Tag] = []
    stack: list[PageElement] = list(reversed(el.contents))
    while stack:
        node = stack.pop()
        if isinstance(node, Tag):
            if node.name == "a":
                out.append(node)
            if node.contents:
                stack.extend(reversed(node.contents))
    return out


def _cut_share_block(soup: BeautifulSoup, base: PageRef) -> str | None:
    """Remove the share block and everything after it; return the original-site URL."""
    anchor = _self_reference(soup, base)
    start: Tag | None = None
    if anchor is not None:
        hr = _previous_hr(anchor)
        start = hr if hr is not None else anchor
    else:
        marker = soup.find(string=_ORIGINAL)
        if marker is None:
            return None
        start = _previous_hr(marker) or marker.parent
        if start is None:
            return None
    texts: list[str] = []
    el: PageElement | None = start.next_element
    while el is not None:
        if isinstance(el, NavigableString) and not isinstance(el, _SKIP_STRINGS):
            texts.append(str(el))
        el = el.next_element
    text = sanitise(" ".join(texts))
    original = None
    m = _ORIGINAL.search(text)
    if m:
        original = m.group(1)
    else:
        for u in _URL.findall(text):
            try:
                host = (urlsplit(u).hostname or "").lower()
            except ValueError:
                continue
            if host and host not in MIRROR_HOSTS and not host.endswith("gfw-breaker.win"):
                original = u
    if original is not None:
        try:
            urlsplit(original)
        except ValueError:  # "http://[x" would fail every later use of the URL
            original = None
    node: Tag | None = start
    while node is not None and node.name not in ("body", "html", "[document]"):
        for sib in list(node.next_siblings):
            sib.extract()
        node = node.parent
    start.extract()
    return original


def _category(nav: list[Tag], base: PageRef, home: PageRef | None) -> Category | None:
    for heading in nav:
        for a in _anchors(heading):
            href = str(a.attrs.get("href", "")).strip()
            try:
                target = resolve(base, href)
            except ValueError:
                continue
            if target is None or target.ref is None or target.kind is not LinkKind.PAGE:
                continue
            ref = target.ref
            if not ref.same_repo(base) or ref.path == base.path or "/" not in ref.path:
                continue
            title = normalise_space(sanitise(a.get_text()))
            if title:
                return Category(title, ref)
    return None


def _cut_nav_lines(blocks: list[Block], nav: set[int]) -> list[Block]:
    """A document's blocks without the nav lines that open it (after its title) or end it."""
    end = len(blocks)
    while end and end - 1 in nav:
        end -= 1
    start = 1 if blocks and blocks[0].type is BlockType.HEADING and 0 not in nav else 0
    top = start
    while top < end and top in nav:
        top += 1
    return blocks[:start] + blocks[top:end]


def renumber(
    blocks: list[Block],
    links: list[Link],
    lead_caption: list[Span] | None,
    alts: dict[int, str] | None = None,
    lead_image: tuple[str, str] | None = None,
) -> tuple[list[Link], list[TagModel]]:
    """Number the links that survived cleaning in reading order, one number per distinct link;
    then the images without a caption (``lead_image``: the lead's src and alt, when it has
    none), whose address the page shows nowhere else (``alts``: their alt texts, by id)."""
    mapping: dict[int, int] = {}
    by_key: dict[tuple[str, str, str], int] = {}
    out: list[Link] = []
    spans_seq: list[list[Span]] = []
    if lead_caption:
        spans_seq.append(lead_caption)
    spans_seq.extend(b.spans for b in blocks)
    for spans in spans_seq:
        for span in spans:
            if span.link is None:
                continue
            old = span.link
            new = mapping.get(old)
            if new is None:
                link = links[old - 1]
                text = link.text
                if link.kind is LinkKind.TAG and not text:
                    text = tag_name_from_url(link.url)
                key = (link.kind.value, link.url, text)
                new = by_key.get(key)
                if new is None:
                    new = len(out) + 1
                    out.append(
                        Link(new, text, link.kind, link.target, link.url, link.ref, link.anchor)
                    )
                    by_key[key] = new
                mapping[old] = new
            span.link = new
    uncaptioned = [(lead_image[0], lead_image[1])] if lead_image else []
    uncaptioned += [
        (b.src, (alts or {}).get(id(b), ""))
        for b in blocks
        if b.type is BlockType.IMAGE and b.src and not b.spans
    ]
    if uncaptioned:
        known = {link.url for link in out}
        for src, alt in uncaptioned:
            if src not in known:
                known.add(src)
                out.append(Link(len(out) + 1, alt, LinkKind.IMAGE, src, src))
    tags: list[TagModel] = []
    seen: set[str] = set()
    for link in out:
        if link.kind is LinkKind.TAG:
            name = link.text or tag_name_from_url(link.url)
            if name and name not in seen:
                seen.add(name)
                tags.append(TagModel(name, link.url))
    return out, tags


def _origin(url: str | None) -> str | None:
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[x": one bad URL line must not cost the whole article
        return None
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}/"
    return None


def clean(
    soup: BeautifulSoup,
    base: PageRef,
    home: PageRef | None,
    *,
    article: bool,
) -> CleanResult:
    """Turn the page tree into blocks; ``article`` enables nav/promo/title handling."""
    result = CleanResult()
    original = _cut_share_block(soup, base)
    result.original_url = original
    walker = _Walker(base, home, _origin(original))
    root = soup.body or soup
    walker.walk(root, drop_link_headings=article)
    walker.flush()
    blocks = walker.blocks
    if article:
        result.category = _category(walker.nav_links, base, home)
    elif walker.nav_blocks:
        blocks = _cut_nav_lines(blocks, walker.nav_blocks)
    # Title: the first Markdown heading.
    title_idx = None
    for i, block in enumerate(blocks):
        if block.type is BlockType.HEADING:
            # A heading that is only a link is a table-of-contents entry, not a title; an
            # article's <h4> is a subheading of its body, but a Markdown heading line that
            # opens the page (#### 标题) is its title line.
            titled = (block.level or 1) <= 3 or id(block) in walker.md_headings
            if (not article or titled) and any(
                sp.link is None and sp.text.strip() for sp in block.spans
            ):
                title_idx = i
            break
        if block.type is not BlockType.IMAGE:
            break
    if title_idx is not None:
        result.title = blocks[title_idx].text.strip()
        del blocks[title_idx]
    result.blocks = blocks
    result.links = walker.links
    result.alts = walker.alts
    return result
