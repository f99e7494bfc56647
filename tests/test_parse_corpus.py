"""Reading-quality bars on every page of ``../shared/corpus``.

Every expectation is computed from the raw page with an oracle that shares no code with
the cleaner: BeautifulSoup over the raw text (no Markdown rendering), regular expressions for
Markdown lines, and the tag URL shapes of GUIDE section 1. No corpus text is stored here,
and no rule names a particular page, so the same checks apply to pages not yet seen.
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment

from tests.corpus import CorpusPage, pages
from tui.core.models import Article, BlockType, Home, Index, Page
from tui.core.parse import DirectoryNames, parse_page, to_json
from tui.core.parse.dirnames import is_directory_code
from tui.core.urls import DEFAULT_HOME, LinkKind, resolve

HOME = DEFAULT_HOME
WS = re.compile(r"[\s\u00a0\u3000\u200b]+")
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
MD_HEADING = re.compile(r"^\s{0,3}#{1,6}[ \t]+(.*?)\s*#*\s*$", re.M)
MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)[^)]*\)")
ORIGINAL = re.compile(r"原文地址[^:：\n]*[:：]\s*(https?://[^\s<>\"'）)]+)")
# Tag pages of the original sites (GUIDE section 1), absolute or site-relative.
TAG_URL = re.compile(
    r"^(?:https?://[^/]*epochtimes\.com)?/(?:gb|b5)/tag/[^/]+\.html?$"
    r"|^(?:https?://[^/]*ntdtv\.com)/(?:gb|b5)/[^/]+\.htm$"
    r"|^(?:https?://[^/]*secretchina\.com)?/news/(?:gb|b5)/tag/[^/]+/?$",
    re.I,
)
NOISE_MARKERS = ("手机上长按", "本文短网址", "荣誉会员", "原文地址", "div-gpt-ad", "adsbygoogle")
# Paragraphs an honest reader drops: share block, short-URL box, appeals, copyright lines.
NOISE_PARAGRAPH = re.compile("|".join(NOISE_MARKERS) + "|版权所有|严禁建立镜像网站")
HIDDEN = re.compile(r"display\s*:\s*none", re.I)
DROPPED = ("script", "style", "ins", "button", "input", "iframe", "noscript")
EDITOR = re.compile(r"责任编辑\s*[：:]")
# Promotion lines of the issue 13 list: subscribe appeals, Shen Yun / social link lines,
# new-book and series appeals (whole patterns, never a word a real paragraph may use).
PROMO = re.compile(
    r"订阅(?:YouTube|Youtube|youtube|Telegram|telegram|油管)(?:频道|群组|群)?[：:]"
    r"|^(?:干净世界|乾淨世界|IG|脸书|臉書|推特|Instagram|Facebook)[：:]"
    r"|欢迎您?(?:现场)?观看神韵演出|欢迎欣赏更多神韵作品|^[（(]?点阅.{0,40}新书"
    r"|点击这里查看.{0,40}系列文章"
)
CREDIT = re.compile(r"(?<!图片)来源[:：]$")
DATELINE = re.compile(
    r"【[^【】\d〇零一二三四五六七八九十]*?(\d{4}|[〇零一二三四五六七八九]{4})年"
    r"(\d{1,2}|[一二三四五六七八九十]{1,3})月(\d{1,2}|[一二三四五六七八九十]{1,3})日"
)
URL_DATE = re.compile(
    r"^https?://[^/]*(?:epochtimes|ntdtv|soundofhope|secretchina)\.(?:com|org)"
    r"/(?:news/)?(?:gb|b5)/(\d{2}|\d{4})/(\d{1,2})/(\d{1,2})/"
)
CN = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


def squash(text: str) -> str:
    return WS.sub("", html.unescape(text))


@cache
def parsed(page: CorpusPage) -> Page:
    return parse_page(page.ref, page.text(), HOME)


@cache
def raw_soup(page: CorpusPage) -> BeautifulSoup:
    """The raw page as HTML, hidden elements and machinery removed (the oracle's view)."""
    soup = BeautifulSoup(page.text(), "lxml")
    for el in soup.find_all(DROPPED):
        el.decompose()
    for el in soup.find_all(style=HIDDEN):
        el.decompose()
    return soup


def article_text(article: Article) -> str:
    parts = [article.lead_image.caption] if article.lead_image else []
    parts += [b.text for b in article.blocks]
    return squash("".join(parts))


def body_paragraphs(page: CorpusPage) -> list[str]:
    """Every non-empty ``<p>`` of the body, up to the editor's byline that closes it (the
    editor moves to the metadata; promotion lines go)."""
    out: list[str] = []
    for p in raw_soup(page).find_all("p"):
        text = squash(p.get_text())
        if not text or NOISE_PARAGRAPH.search(text):
            continue
        if EDITOR.search(text) and len(text) <= 80:
            break
        lines = [t for t in map(squash, lines_of(p)) if t]
        if any(PROMO.search(t) for t in lines):
            out.extend(t for t in lines if not PROMO.search(t))
        else:
            out.append(text)
    return out


def lines_of(el: Tag) -> list[str]:
    """The element's text cut at each <br>, the lines a reader sees."""
    lines = [""]
    for d in el.descendants:
        if isinstance(d, Tag):
            if d.name == "br":
                lines.append("")
        elif isinstance(d, NavigableString) and not isinstance(d, Comment):
            lines[-1] += str(d)
    return lines


def editor_lines(page: CorpusPage) -> list[str]:
    """Short paragraphs that are only an editor's line (they must not stay in the body)."""
    out = []
    for p in raw_soup(page).find_all("p"):
        text = squash(p.get_text())
        if EDITOR.match(text) and len(text) <= 40:
            out.append(text)
    return out


def cn_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return int("".join(str(CN[c]) for c in text))
    tens, _, units = text.partition("十")
    return (CN[tens] if tens else 1) * 10 + (CN[units] if units else 0)


def expected_dates(page: CorpusPage) -> set[tuple[int, int, int]]:
    """The dateline's date and the original URL's (RFA's numbers are no date)."""
    text = page.text()
    out = set()
    m = DATELINE.search(text)
    if m:
        out.add(tuple(cn_number(g) for g in m.groups()))
    original = ORIGINAL.search(text)
    if original and (u := URL_DATE.match(original.group(1))):
        y, mo, d = (int(g) for g in u.groups())
        out.add((y + 2000 if y < 100 else y, mo, d))
    return out  # type: ignore[return-value]


def html_headings(page: CorpusPage) -> list[str]:
    out: list[str] = []
    for h in raw_soup(page).find_all(re.compile(r"^h[1-6]$")):
        text = squash(h.get_text())
        if text:
            out.append(text)
    return out


def captions(page: CorpusPage) -> list[str]:
    out: list[str] = []
    soup = raw_soup(page)
    for el in soup.find_all(True):
        if el.name == "figcaption" or "caption" in str(el.get("class", "")).lower():
            text = squash(el.get_text())
            if text:
                out.append(text)
    return out


def tag_names(page: CorpusPage) -> list[str]:
    names: list[str] = []
    for el in raw_soup(page).find_all(href=True):
        href = str(el["href"]).strip()
        if not TAG_URL.match(unquote(href)):
            continue
        before = el.previous_sibling
        if isinstance(before, str) and CREDIT.search(squash(before)):
            continue  # the source credit, 来源:<span href=…/tag/看中国>, is no tag
        name = squash(el.get_text())
        if not name:
            name = squash(unquote(href).rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0])
        if name and name not in names:
            names.append(name)
    return names


def md_heading_urls(page: CorpusPage) -> set[str]:
    urls: set[str] = set()
    for line in MD_HEADING.findall(page.text()):
        for _text, href in MD_LINK.findall(line):
            target = resolve(page.ref, href)
            if target is not None:
                urls.add(target.url)
    return urls


def strings(obj: object) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in strings(v)]
    if isinstance(obj, list):
        return [s for v in obj for s in strings(v)]
    return []


ARTICLES = pages("article")
INDEXES = pages("index")
ALL = pages()


def ids(items: list[CorpusPage]) -> list[str]:
    return [p.ref.path if p.ref.repo == "goodnews" else p.ref.key for p in items]


@pytest.mark.parametrize("page", ALL, ids=ids(ALL))
def test_every_page_parses_to_safe_json(page: CorpusPage) -> None:
    model = parsed(page)
    data = to_json(model, HOME)
    json.dumps(data, ensure_ascii=False)
    assert data["kind"] == ("document" if page.kind == "other" else page.kind)
    for s in strings(data):
        assert not CONTROL.search(s), s


@pytest.mark.parametrize("page", ARTICLES, ids=ids(ARTICLES))
def test_article_reading_quality(page: CorpusPage) -> None:
    article = parsed(page)
    assert isinstance(article, Article)
    text = page.text()

    heading = MD_HEADING.search(text)
    assert heading is not None
    assert squash(article.title) == squash(heading.group(1))

    # Every body paragraph, in order.
    body = article_text(article)
    pos = 0
    for para in body_paragraphs(page):
        found = body.find(para, pos)
        assert found >= 0, f"missing or out of order: {para[:40]}"
        pos = found + len(para)

    # HTML subheadings are headings (those of the closing solicitation excepted).
    model_headings = {squash(b.text) for b in article.blocks if b.type is BlockType.HEADING}
    for h in html_headings(page):
        if h in body:
            assert h in model_headings, h

    # Captions are captions.
    model_captions = [squash(b.text) for b in article.blocks if b.type is BlockType.IMAGE]
    if article.lead_image:
        model_captions.append(squash(article.lead_image.caption))
    for cap in captions(page):
        assert any(cap in c for c in model_captions), cap

    # No boilerplate survives, neither as text nor as links.
    dumped = json.dumps(to_json(article, HOME), ensure_ascii=False)
    for marker in NOISE_MARKERS:
        assert marker not in dumped, marker
    nav_and_promo = md_heading_urls(page)
    assert not nav_and_promo & {link.url for link in article.links}
    for link in article.links:
        assert link.ref is None or link.ref.path != "README.md" or link.ref.repo != "goodnews"
        assert not link.url.endswith(".md.png")

    # The original-site URL is kept as metadata.
    original = ORIGINAL.search(text)
    assert article.original_url == (original.group(1) if original else None)

    # Every tag, in order, without duplicates; no other link is a tag.
    assert [squash(t.name) for t in article.tags] == tag_names(page)
    for link in article.links:
        if link.kind is LinkKind.TAG:
            assert TAG_URL.match(unquote(link.url)), link.url
    for tag in article.tags:
        assert tag.url.strip() == tag.url


@pytest.mark.parametrize("page", ARTICLES, ids=ids(ARTICLES))
def test_article_metadata(page: CorpusPage) -> None:
    article = parsed(page)
    assert isinstance(article, Article)
    text = page.text()
    dates = expected_dates(page)
    if dates:
        # a date wherever the dateline or the original URL carries one
        assert article.published is not None
        got = (article.published.year, article.published.month, article.published.day)
        assert got in dates
    if DATELINE.search(text):
        assert article.source
    nav = MD_HEADING.search(text, MD_HEADING.search(text).end())  # type: ignore[union-attr]
    index_links = [
        (t, h) for t, h in MD_LINK.findall(nav.group(1) if nav else "") if "/indexes/" in h
    ]
    if index_links:
        assert article.category is not None
        assert squash(article.category.title) == squash(index_links[0][0])
        target = resolve(page.ref, index_links[0][1])
        assert target is not None and target.ref == article.category.ref
    if EDITOR.search(text):
        assert article.editor
        assert "来源" not in article.editor and not article.editor.endswith(("#", "＃"))
    # the editor once: in the metadata, not again as a body paragraph
    body = {squash(b.text) for b in article.blocks}
    for line in editor_lines(page):
        assert line not in body, line
    # no promotion line of the issue 13 list
    for block in article.blocks:
        assert not PROMO.search(squash(block.text)), block.text[:40]
    numbers = [link.n for link in article.links]
    assert numbers == list(range(1, len(numbers) + 1))
    used = {s.link for b in article.blocks for s in b.spans if s.link is not None}
    assert used <= set(numbers)


@pytest.mark.parametrize("page", INDEXES, ids=ids(INDEXES))
def test_index_entries(page: CorpusPage) -> None:
    index = parsed(page)
    assert isinstance(index, Index)
    expected: list[tuple[str, str, bool]] = []
    for line in MD_HEADING.findall(page.text()):
        links = MD_LINK.findall(line)
        if len(links) != 1:
            continue
        title, href = links[0]
        target = resolve(page.ref, html.unescape(href))
        assert target is not None
        if target.kind is LinkKind.PAGE and target.ref is not None:
            expected.append((squash(title), target.ref.target(HOME), False))
        else:
            expected.append((squash(title), target.url, True))
    got = [(squash(e.title), e.target, e.external) for e in index.entries]
    assert got == expected
    stem = page.ref.name.removesuffix(".md")
    assert stem.endswith(index.title)
    if index.family:
        assert stem == index.family + index.title


def test_home_sections_and_categories() -> None:
    (page,) = pages("home")
    home = parsed(page)
    assert isinstance(home, Home)
    expected: list[tuple[str, str]] = []
    for line in MD_HEADING.findall(page.text()):
        for title, href in MD_LINK.findall(line):
            target = resolve(page.ref, href)
            if target and target.ref and target.ref.same_repo(page.ref) and target.is_page:
                expected.append((squash(title), target.ref.target(HOME)))
    got = [(squash(c.title), c.ref.target(HOME)) for s in home.sections for c in s.categories]
    assert got == expected
    assert all(s.title and s.categories for s in home.sections)
    assert all(link.ref is None or not link.ref.same_repo(page.ref) for link in home.links)


@cache
def corpus_names() -> DirectoryNames:
    """What the corpus's indexes call its directories (the page service learns the same)."""
    names = DirectoryNames()
    for page in INDEXES:
        names.learn(parsed(page))
    return names


@pytest.mark.parametrize("page", ARTICLES, ids=ids(ARTICLES))
def test_category_is_named_where_an_index_names_it(page: CorpusPage) -> None:
    names = corpus_names()
    article = parse_page(page.ref, page.text(), HOME, names)
    assert isinstance(article, Article)
    if article.category is None:
        return
    known = names.lookup(page.ref)
    if known is not None:
        assert not is_directory_code(article.category.title, page.ref, article.category)
        assert article.category.title == known.title
