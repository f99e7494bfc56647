"""Small, hand-written pages for the parser's rules (no corpus text)."""

from __future__ import annotations

import pytest

from tui.core.models import Article, BlockType, Document, Home, Index, SpanKind
from tui.core.parse import is_tag_url, parse_page
from tui.core.urls import LinkKind, PageRef

HOME = PageRef("o", "r", "master", "README.md")
ART = HOME.with_path("pages/d1/100.md")


@pytest.mark.parametrize(
    "url",
    [
        "https://www.epochtimes.com/gb/tag/%E4%BA%BA.html",
        "http://www.epochtimes.com/gb/tag/人.html",
        "https://www.ntdtv.com/gb/银保监会.htm",
        "https://www.ntdtv.com/gb/《大汉风》.htm",
        "https://www.secretchina.com/news/gb/tag/上海",
        "/news/gb/tag/看中国  ",
        "  https://www.secretchina.com/news/gb/tag/COVID-19 ",
    ],
)
def test_tag_urls(url: str) -> None:
    assert is_tag_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.ntdtv.com/gb/2022/10/25/a103559823.html",
        "https://www.epochtimes.com/gb/22/10/25/n13852629.htm",
        "https://www.secretchina.com/news/gb/2022/10/26/1020087.html",
        "https://twitter.com/hashtag/HongKong",
        "https://example.com/gb/tag/x.html",
        "javascript:alert(1)",
        "",
    ],
)
def test_not_tag_urls(url: str) -> None:
    assert not is_tag_url(url)


PAGE = """### 标题
------------------------

#### [首页](../../README.md?x1)  &nbsp;|&nbsp; [分类](../../indexes/E分类.md?x1) | [外站](https://example.org/)

<div><img alt="图" src="https://img.example/a.jpg"/>
<div class="caption">
 题图说明
</div></div><hr/>

#### [ 💌 推广](https://github.com/o/r/blob/master/quit/letter.md?x1)

<div><p>
 【大纪元2022年10月26日讯】中文
 <ok href="https://www.epochtimes.com/gb/tag/%E6%A0%87%E7%AD%BE.html">
  标签
 </ok>
 继续，Latin
 words
 <ok href="https://example.org/story">here</ok>.
</p>
<div id="div-gpt-ad-1-0"></div>
<span style="display:none">隐藏</span>
<p><strong>短小标题</strong></p>
<blockquote><p>引用</p></blockquote>
<figure><img src="https://img.example/b.jpg"/><figcaption>图二说明</figcaption></figure>
<p>责任编辑：某某#</p>
<p>请关注我们 <ok href="https://example.org/donate">捐款</ok></p>
</div>
<hr/>
手机上长按并复制下列链接或二维码分享本文章：<br/>
https://github.com/o/r/blob/master/pages/d1/100.md <br/>
<a href='https://github.com/o/r/blob/master/pages/d1/100.md'><img src='https://cdn.jsdelivr.net/gh/o/r/pages/d1/100.md.png'/></a> <br/>
原文地址（需翻墙访问）：https://www.epochtimes.com/gb/22/10/26/n1.htm

------------------------
#### [首页](../../README.md?x1)

<img src='http://tracker.example/x' width='0px' height='0px'/>"""


def test_article_model() -> None:
    page = parse_page(ART, PAGE, HOME)
    assert isinstance(page, Article)
    assert page.title == "标题"
    assert page.source == "大纪元"
    assert page.published is not None and page.published.isoformat() == "2022-10-26"
    assert page.category is not None
    assert (page.category.title, page.category.ref.path) == ("分类", "indexes/E分类.md")
    assert page.lead_image is not None
    assert (page.lead_image.caption, page.lead_image.alt) == ("题图说明", "图")
    assert page.original_url == "https://www.epochtimes.com/gb/22/10/26/n1.htm"
    assert page.editor == "某某"
    texts = [(b.type, b.text) for b in page.blocks]
    assert texts == [
        (BlockType.PARAGRAPH, "【大纪元2022年10月26日讯】中文标签继续，Latin words here."),
        (BlockType.HEADING, "短小标题"),
        (BlockType.QUOTE, "引用"),
        (BlockType.IMAGE, "图二说明"),
        # the editor's line moved to the metadata (issue 13): not shown twice
    ]
    assert [t.name for t in page.tags] == ["标签"]
    kinds = [(link.n, link.kind, link.text) for link in page.links]
    assert kinds == [(1, LinkKind.TAG, "标签"), (2, LinkKind.EXTERNAL, "here")]
    spans = page.blocks[0].spans
    assert [(s.kind, s.link) for s in spans if s.link] == [(SpanKind.TAG, 1), (SpanKind.LINK, 2)]


def test_index_model() -> None:
    text = (
        "#### [a](../../../../x/blob/master/README.md?t=1) | [b](../../../../y/blob/master/README.md)\n\n"
        "#### [第一篇](../pages/d1/1.md?t=1)\n\n"
        "#### [推广](http://192.0.2.1:81/v.html?1)\n"
        "#### [第二篇](https://github.com/o/r/blob/master/pages/../pages/d2/2.md?t=2)\n"
        "<img src='http://tracker.example/i' width='0px' height='0px'/>"
    )
    page = parse_page(HOME.with_path("indexes/N新闻.md"), text, HOME)
    assert isinstance(page, Index)
    assert (page.title, page.family) == ("新闻", "N")
    got = [(e.title, e.target, e.external) for e in page.entries]
    assert got == [
        ("第一篇", "pages/d1/1.md", False),
        ("推广", "http://192.0.2.1:81/v.html?1", True),
        ("第二篇", "pages/d2/2.md", False),
    ]


def test_home_model() -> None:
    text = (
        "#### 新闻网 &nbsp;-&nbsp; [头条](indexes/E头条.md?t=1) &nbsp;|&nbsp; [港澳](indexes/E港澳.md?t=1)\n\n"
        "#### 必看 - [真相](../../../basic/blob/master/README.md?t=1)\n"
    )
    page = parse_page(HOME, text, HOME)
    assert isinstance(page, Home)
    assert [(s.title, [c.ref.path for c in s.categories]) for s in page.sections] == [
        ("新闻网", ["indexes/E头条.md", "indexes/E港澳.md"])
    ]
    assert [(link.n, link.target) for link in page.links] == [(1, "o/basic@master:README.md")]


def test_document_keeps_link_headings() -> None:
    page = parse_page(
        PageRef("o", "basic", "master", "README.md"), "#### [章一](c/1.md)\n#### [章二](c/2.md)\n"
    )
    assert isinstance(page, Document)
    assert [b.text for b in page.blocks] == ["章一", "章二"]
    assert [link.target for link in page.links] == [
        "o/basic@master:c/1.md",
        "o/basic@master:c/2.md",
    ]
