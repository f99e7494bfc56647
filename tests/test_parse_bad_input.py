"""Malformed, hostile and degenerate pages: the parser returns a model, never raises."""

from __future__ import annotations

import json
import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.dump import dump_json, dump_text
from tui.core.errors import BadContent
from tui.core.models import Article, Document, Index, Page
from tui.core.parse import MAX_CHARS, parse_page, to_json
from tui.core.urls import PageRef

ARTICLE = PageRef("begood0513", "goodnews", "master", "pages/p1/123.md")
INDEX = PageRef("begood0513", "goodnews", "master", "indexes/E测试.md")
HOME = PageRef("begood0513", "goodnews", "master", "README.md")
OTHER = PageRef("begood0513", "basic", "master", "pages/intro.md")
REFS = (ARTICLE, INDEX, HOME, OTHER)
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def strings(obj: object) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for k, v in obj.items() for s in (k, *strings(v))]
    if isinstance(obj, list):
        return [s for v in obj for s in strings(v)]
    return []


def check_safe(page: Page) -> None:
    data = to_json(page, HOME)
    json.dumps(data, ensure_ascii=False)
    for s in strings(data):
        assert not UNSAFE.search(s), repr(s)
    for out in (dump_text(page, HOME, 40), dump_json(page, HOME)):
        assert not UNSAFE.search(out.replace("\n", "")), repr(out[:200])


def test_empty_page() -> None:
    for ref in REFS:
        page = parse_page(ref, "")
        assert page.warnings
        check_safe(page)


def test_whitespace_only_page() -> None:
    page = parse_page(ARTICLE, " \n\t\n\u3000\n")
    assert isinstance(page, Document)
    assert page.warnings


def test_unclosed_and_malformed_html() -> None:
    text = (
        "### 标题\n---\n<div><p>第一段<span>没有关闭<ok href='x'>链接\n"
        "<p>第二段</br></br><img><figcaption>说明</img><a name=x></ok><h4>小标题<table><td>"
    )
    page = parse_page(ARTICLE, text)
    assert isinstance(page, Article)
    assert page.title == "标题"
    body = "".join(b.text for b in page.blocks)
    assert "第一段" in body and "第二段" in body and "小标题" in body
    check_safe(page)


def test_ten_thousand_nested_divs() -> None:
    text = "### 深\n---\n" + "<div>" * 10_000 + "里面的文字" + "</div>" * 10_000
    page = parse_page(ARTICLE, text)
    assert isinstance(page, Article)
    assert "里面的文字" in "".join(b.text for b in page.blocks)


def test_ten_thousand_unclosed_inline_elements() -> None:
    text = "### 深\n---\n<p>" + "<span><ok href='/news/gb/tag/x'>" * 10_000 + "字"
    page = parse_page(ARTICLE, text)
    assert isinstance(page, Article)
    check_safe(page)


def test_five_mib_page() -> None:
    para = "<p>\n 这是一个很长的段落，用来测试解析器在大页面上的表现。Latin words too.\n</p>\n"
    text = "### 大页面\n---\n<div>" + para * (5 * 1024 * 1024 // len(para)) + "</div>"
    assert len(text.encode()) >= 5 * 1024 * 1024
    page = parse_page(ARTICLE, text)
    assert isinstance(page, Article)
    assert page.title == "大页面"
    assert len(page.blocks) > 1000
    if len(text) > MAX_CHARS:
        assert any("truncated" in w for w in page.warnings)


def test_binary_junk() -> None:
    rng = random.Random(1234)
    junk = bytes(rng.randrange(256) for _ in range(50_000)).decode("latin-1")
    for ref in REFS:
        page = parse_page(ref, junk)
        check_safe(page)
    page = parse_page(ARTICLE, bytes(range(256)).decode("latin-1") * 10)
    check_safe(page)


def test_page_that_is_only_html() -> None:
    text = "<html><head><title>x</title><script>alert(1)</script></head><body><h1>头</h1>"
    text += "<p>正文 <b>粗</b></p><ins class='adsbygoogle'>广告</ins></body></html>"
    page = parse_page(ARTICLE, text)
    body = "".join(b.text for b in getattr(page, "blocks", []))
    assert "正文" in body and "粗" in body
    assert "alert" not in body and "广告" not in body


def test_markdown_without_title() -> None:
    page = parse_page(ARTICLE, "只有正文，没有标题。\n\n* 一\n* 二\n")
    assert isinstance(page, Article)
    assert page.title  # falls back to the file name
    assert any("title" in w for w in page.warnings)
    assert [b.text for b in page.blocks][-2:] == ["一", "二"]


def test_index_without_entries() -> None:
    page = parse_page(INDEX, "#### 没有链接\n\n随便写点什么\n")
    assert isinstance(page, Index)
    assert page.entries == []
    assert page.warnings


def test_terminal_escapes_are_removed() -> None:
    text = (
        "### 标题\x1b[31m红\u202e反\n---\n"
        "<p>a&#27;[2J b \x9b c \u200b d <ok href='https://x/\x1b]8;;evil\x07'>链接\x1b</ok></p>"
    )
    page = parse_page(ARTICLE, text)
    check_safe(page)
    assert isinstance(page, Article)
    assert "\x1b" not in page.title and "\u202e" not in page.title


def test_markup_in_text_stays_literal() -> None:
    page = parse_page(ARTICLE, "### [@click=app.quit]标题[/]\n---\n<p>[b]粗[/b] &lt;p&gt;</p>")
    assert isinstance(page, Article)
    assert page.title == "[@click=app.quit]标题[/]"
    assert page.blocks[0].text == "[b]粗[/b] <p>"


def test_javascript_links_are_not_links() -> None:
    page = parse_page(ARTICLE, "### t\n---\n<p><a href='javascript:alert(1)'>点</a>我</p>")
    assert isinstance(page, Article)
    assert page.links == []
    assert page.blocks[0].text == "点我"


# ---------------------------------------------------------------- property tests

FRAGMENTS = st.sampled_from(
    [
        "<p>", "</p>", "<div>", "</div>", "<br>", "</br>", "<h4>", "</h4>", "<figure>",
        "<figcaption>", "</figcaption>", "<img src='a.jpg'>", "<img src='x' width='0px'>",
        "<ok href='https://www.epochtimes.com/gb/tag/%E4%BA%BA.html'>", "</ok>",
        "<span href='/news/gb/tag/看中国  '>", "</span>", "<a href='../../README.md?t=1'>",
        "</a>", "<blockquote>", "<li>", "<span style='display:none'>", "<ins>", "<!--",
        "-->", "<script>", "</script>", "&nbsp;", "&amp;", "&#27;", "&#0;", "&#x202e;",
        "\n", "\n\n", "    ", "### ", "#### ", "---\n", "[链接](../x.md)", "* ", "> ",
        "手机上长按", "原文地址（需翻墙访问）：http://x.y/z", "责任编辑：某",
        "【大纪元2022年13月45日讯】", "<hr/>", "<div class='caption'>", "中文", "Latin",
    ]
)  # fmt: skip
PAGES = st.lists(
    st.one_of(FRAGMENTS, st.text(max_size=12)),
    max_size=40,
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=PAGES, ref=st.sampled_from(REFS))
def test_generated_pages_never_raise_and_stay_clean(text: str, ref: PageRef) -> None:
    page = parse_page(ref, text, HOME)
    check_safe(page)
    assert not any("could not parse" in w for w in page.warnings), page.warnings


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=300), ref=st.sampled_from(REFS))
def test_arbitrary_text_never_raises(text: str, ref: PageRef) -> None:
    page = parse_page(ref, text, HOME)
    check_safe(page)


# ------------------------------------------------- the whole ``dump --json`` path (issue 9)

NAME_PARTS = st.sampled_from(
    ["a", "中文", "\u009b", "\u202e", "\u200b", "\x1b[31m", "[", "]", " ", "%2e", "?", "#", "-"]
)
URLISH = st.sampled_from(
    ["http://[", "https://[::1", "http://x.y/", "https://www.epochtimes.com/gb/", "]", ":", "%"]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.lists(NAME_PARTS, min_size=1, max_size=6).map("".join),
    body=PAGES,
    original=st.lists(st.one_of(URLISH, st.text(max_size=6)), max_size=5).map("".join),
    where=st.sampled_from(["pages/p1", "indexes", ""]),
)
def test_dump_json_of_any_file_is_clean(name: str, body: str, original: str, where: str) -> None:
    """A file with a hostile name and a hostile original-URL line, read and dumped as ``dump``."""
    import tempfile
    from pathlib import Path

    from tui.core.mirror import fetch_file

    text = f"### 标题\n---\n\n{body}\n原文地址（需翻墙访问）：{original}\n"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp, "begood0513", "goodnews", "master", where)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name.replace('/', '_')}.md"
        path.write_text(text, encoding="utf-8")
        if "\0" in text:  # binary: refused as a typed failure, never parsed
            with pytest.raises(BadContent):
                fetch_file(path, HOME)
            return
        fetched = fetch_file(path, HOME)
    page = parse_page(fetched.ref, fetched.text, HOME)
    assert not any("could not parse" in w for w in page.warnings), page.warnings
    check_safe(page)
    data = json.loads(dump_json(page, HOME))
    for s in strings(data):
        assert not UNSAFE.search(s), repr(s)


def test_bracket_in_original_url_is_not_a_parse_failure() -> None:
    text = (
        "### 标题\n---\n\n<p>第一段。</p>\n<hr/>原文地址（需翻墙访问）：http://[www.x.com/1.html\n"
    )
    page = parse_page(ARTICLE, text, HOME)
    assert isinstance(page, Article), page.warnings
    assert [b.text for b in page.blocks] == ["第一段。"]
