"""Articles: the cleaned body plus the metadata a reader wants (source, date, editor, tags)."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from tui.core.models import Article, BlockType, Document, LeadImage
from tui.core.parse.cleaner import clean, renumber
from tui.core.parse.markdown import to_soup
from tui.core.text import one_line
from tui.core.urls import PageRef

__all__ = ["parse_article", "parse_document"]

# 【大纪元2022年10月25日讯】, 【新唐人北京时间2022年07月03日讯】, 【希望之声2019年9月24日】
_DATELINE = re.compile(
    r"【\s*(?P<src>[^【】\d\s]{1,12}?)\s*(?:北京时间|台北时间|香港时间|美东时间)?\s*"
    r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
)
_EDITOR = re.compile(r"责任编辑\s*[：:]\s*([^#＃◇）)\]】/／\s]+(?:[ ·][^#＃◇）)\]】/／\s]+)*)")
_SOURCES_BY_HOST = (
    ("epochtimes.com", "大纪元"),
    ("ntdtv.com", "新唐人"),
    ("soundofhope.org", "希望之声"),
    ("secretchina.com", "看中国"),
    ("rfa.org", "自由亚洲电台"),
    ("voachinese.com", "美国之音"),
    ("minghui.org", "明慧网"),
)
_SOURCES_BY_FAMILY = {"E": "大纪元", "N": "新唐人", "H": "希望之声", "S": "看中国"}


def _source_from_host(url: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    for suffix, name in _SOURCES_BY_HOST:
        if host == suffix or host.endswith("." + suffix):
            return name
    return None


def parse_article(ref: PageRef, text: str, home: PageRef | None) -> Article:
    soup = to_soup(text)
    res = clean(soup, ref, home, article=True)
    warnings = list(res.warnings)
    title = res.title
    if not title:
        warnings.append("no title heading; using the file name")
        title = one_line(ref.name.removesuffix(".md"))
    blocks = res.blocks
    lead: LeadImage | None = None
    lead_spans = None
    if blocks and blocks[0].type is BlockType.IMAGE and blocks[0].src:
        first = blocks.pop(0)
        lead = LeadImage(first.src or "", first.text.strip(), res.alts.get(id(first), ""))
        lead_spans = first.spans
    if not any(b.type is not BlockType.IMAGE for b in blocks):
        warnings.append("no body text found")
    published = None
    source = None
    for block in blocks[:6]:
        m = _DATELINE.search(block.text)
        if m:
            source = m.group("src")
            try:
                published = date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
            except ValueError:
                warnings.append("dateline with an impossible date")
            break
    if source is None:
        source = _source_from_host(res.original_url)
    if source is None and res.category is not None:
        letter = res.category.ref.name[:1]
        source = _SOURCES_BY_FAMILY.get(letter)
    editor = None
    for i in range(len(blocks) - 1, -1, -1):
        m = _EDITOR.search(blocks[i].text)
        if m:
            editor = m.group(1).strip()
            if len(blocks[i].text) <= 80:
                # The editor's byline closes the article; what follows is the edition's
                # solicitation (follow us, donate, subscribe banners).
                del blocks[i + 1 :]
            break
    links, tags = renumber(blocks, res.links, lead_spans)
    return Article(
        ref=ref,
        title=title,
        source=source,
        published=published,
        category=res.category,
        lead_image=lead,
        blocks=blocks,
        tags=tags,
        links=links,
        original_url=res.original_url,
        editor=editor,
        warnings=warnings,
    )


def parse_document(ref: PageRef, text: str, home: PageRef | None) -> Document:
    soup = to_soup(text)
    res = clean(soup, ref, home, article=False)
    links, _tags = renumber(res.blocks, res.links, None)
    warnings = list(res.warnings)
    if not res.blocks and not res.title:
        warnings.append("empty page")
    return Document(ref=ref, title=res.title, blocks=res.blocks, links=links, warnings=warnings)
