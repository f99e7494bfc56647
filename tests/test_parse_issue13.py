"""Issue 13's classes of reading faults, one small hand-written page per rule (no corpus text)."""

from __future__ import annotations

from datetime import date

import pytest

from tui.core.models import Article, BlockType, Index
from tui.core.parse import DirectoryNames, parse_page
from tui.core.urls import PageRef

HOME = PageRef("o", "r", "master", "README.md")
ART = HOME.with_path("pages/q7/500.md")


def article(body: str, *, original: str = "", nav: str = "[q7](../../indexes/q7.md)") -> Article:
    text = (
        "### 一个标题\n------------------------\n\n"
        f"#### [首页](../../README.md)  &nbsp;|&nbsp; {nav} | [热点](../../indexes/热点.md)\n\n"
        f"<div>\n{body}\n</div>\n"
    )
    if original:
        text += f"\n<hr/>\n原文地址（需翻墙访问）：{original}\n"
    page = parse_page(ART, text, HOME)
    assert isinstance(page, Article)
    return page


def texts(page: Article) -> list[str]:
    return [b.text for b in page.blocks]


# ------------------------------------------------------------------ dates


def test_dateline_in_chinese_numerals() -> None:
    page = article("<p>【某某网二零二零年二月十日】某地消息，今天天气晴。</p>")
    assert page.published == date(2020, 2, 10)
    assert page.source == "某某网"


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("https://www.epochtimes.com/gb/21/3/5/n1234.htm", date(2021, 3, 5)),
        ("https://www.ntdtv.com/gb/2021/03/05/a1234.html", date(2021, 3, 5)),
        ("https://www.secretchina.com/news/gb/2021/3/5/1234.html", date(2021, 3, 5)),
        ("http://www.soundofhope.org/b5/2019/9/24/n1.html", date(2019, 9, 24)),
    ],
)
def test_date_from_the_original_url(url: str, day: date) -> None:
    page = article("<p>没有电头的一段正文，说了一些事情。</p>", original=url)
    assert page.published == day


def test_rfa_numbers_are_no_date() -> None:
    page = article(
        "<p>一段正文。</p>", original="https://www.rfa.org/mandarin/yataibaodao/2021/03/05/x.html"
    )
    assert page.published is None


def test_the_dateline_wins_over_the_url() -> None:
    page = article(
        "<p>【某某网2021年3月6日讯】正文。</p>",
        original="https://www.epochtimes.com/gb/21/3/5/n1234.htm",
    )
    assert page.published == date(2021, 3, 6)


# ------------------------------------------------------------------ category


def index_of(name: str, dirs: list[str]) -> Index:
    lines = [f"#### [第{i}篇](../pages/{d}/{i}.md?t=1)" for i, d in enumerate(dirs)]
    page = parse_page(HOME.with_path(f"indexes/{name}.md"), "\n\n".join(lines), HOME)
    assert isinstance(page, Index)
    return page


def test_a_directory_code_becomes_the_name_an_index_gives_it() -> None:
    names = DirectoryNames()
    names.learn(index_of("S看某类", ["q7", "q7", "q7", "q8"]))
    names.learn(index_of("q7", ["q7", "q7"]))  # the code's own index names nothing
    names.learn(index_of("热点", ["q1", "q2", "q3", "q7"]))  # a mixed list names nothing
    text = (
        "### 题\n---\n\n#### [首页](../../README.md) | [q7](../../indexes/q7.md)\n\n<p>正文。</p>"
    )
    page = parse_page(ART, text, HOME, names)
    assert isinstance(page, Article)
    assert page.category is not None
    assert page.category.title == "看某类"
    assert page.category.ref.path == "indexes/S看某类.md"


def test_an_index_knows_its_directory_from_the_parse_and_keeps_it_when_stored() -> None:
    """Worked out where the index is parsed (a worker), so that learning from a
    15,000-entry index on the browser's loop costs nothing; the stored model keeps it."""
    from tui.core.parsed import decode, encode

    named, mixed = index_of("S看某类", ["q7", "q7", "q7", "q8"]), index_of("热点", ["q1", "q2"])
    assert (named.directory, mixed.directory) == ("q7", "")
    back = decode(encode(named))
    assert isinstance(back, Index) and back == named and back.directory == "q7"
    # Told "q7", learning takes it as said, without looking at the entries again.
    told = Index(ref=named.ref, title="看别类", entries=[], directory="q7")
    names = DirectoryNames()
    names.learn(told)
    found = names.lookup(ART.with_path("pages/q7/9.md"))
    assert found is not None and found.title == "看别类"


def test_the_code_stays_when_nothing_names_it() -> None:
    text = (
        "### 题\n---\n\n#### [首页](../../README.md) | [q7](../../indexes/q7.md)\n\n<p>正文。</p>"
    )
    page = parse_page(ART, text, HOME, DirectoryNames())
    assert isinstance(page, Article) and page.category is not None
    assert page.category.title == "q7"


def test_an_article_that_names_its_category_names_its_directory() -> None:
    names = DirectoryNames()
    names.learn(article("<p>正文。</p>", nav="[看某类](../../indexes/S看某类.md)"))
    assert (found := names.lookup(ART.with_path("pages/q7/9.md"))) is not None
    assert found.title == "看某类"


# ------------------------------------------------------------------ editor and credit


def test_the_editor_line_is_metadata_not_a_paragraph() -> None:
    page = article("<p>正文一段。</p>\n<p>责任编辑：某甲#</p>")
    assert page.editor == "某甲"
    assert not any("责任编辑" in t for t in texts(page))


def test_short_form_editor() -> None:
    page = article("<p>正文一段。</p>\n<p>责编: 某乙</p>")
    assert page.editor == "某乙"


def test_editor_glued_to_the_credit() -> None:
    page = article(
        '<p>正文一段。</p>\n<p>\n 责任编辑:某丙\n来源:\n <span href="/news/gb/tag/某报  ">\n  某报\n </span>\n</p>',
        original="https://www.secretchina.com/news/gb/2021/3/5/1.html",
    )
    assert page.editor == "某丙"
    assert page.tags == []


def test_a_credit_is_no_tag_but_a_tag_is() -> None:
    page = article(
        '<p>这里提到<span href="https://www.secretchina.com/news/gb/tag/某人">某人</span>。</p>\n'
        '<p>来源:<span href="/news/gb/tag/某报">某报</span></p>\n'
        '<p>（图片来源：<span href="/news/gb/tag/某图">某图</span>）</p>',
        original="https://www.secretchina.com/news/gb/2021/3/5/1.html",
    )
    assert [t.name for t in page.tags] == ["某人", "某图"]


# ------------------------------------------------------------------ promotion lines


def test_promotion_lines_are_dropped() -> None:
    page = article(
        "<p>正文讲到一个视频平台YouTube的事。</p>\n"
        "<p>欢迎订阅YouTube频道：https://www.youtube.com/x</p>\n"
        "<p>订阅Telegram群组：https://t.me/x</p>\n"
        "<p>脸书：https://www.facebook.com/x</p>\n"
        "<p>（点阅某某编辑部新书《某书》）</p>\n"
        "<p>点击这里查看某某系列文章。</p>\n"
        "<p>结尾一段。</p>"
    )
    assert texts(page) == ["正文讲到一个视频平台YouTube的事。", "结尾一段。"]


# ------------------------------------------------------------------ subheadings


@pytest.mark.parametrize(
    "html",
    [
        "<p><strong>“一个带引号的小标题”</strong></p>",
        '<p><strong>小标题提到<ok href="https://www.ntdtv.com/gb/某词.htm">某词</ok></strong></p>',
        "<p><ok>不带链接的小标题</ok></p>",
    ],
)
def test_bold_paragraphs_that_are_subheadings(html: str) -> None:
    page = article(f"<p>第一段正文。</p>\n{html}\n<p>第二段正文。</p>")
    assert [b.type for b in page.blocks] == [
        BlockType.PARAGRAPH,
        BlockType.HEADING,
        BlockType.PARAGRAPH,
    ]


@pytest.mark.parametrize(
    "html",
    [
        "<p><strong>作者：某丁</strong></p>",
        "<p><strong>点击欣赏影片预告</strong></p>",
        "<p><strong>他说：“好。”</strong></p>",
        '<p><strong><ok href="https://example.org/x">只是一个链接</ok></strong></p>',
        "<p><b>１</b><b>.涉农和扶贫部门；</b></p>",
        "<p><strong>一、首先要做的是：</strong></p>",
        "<p><strong>粗体</strong>之后还有普通文字</p>",
    ],
)
def test_bold_paragraphs_that_are_not(html: str) -> None:
    page = article(f"<p>第一段正文。</p>\n{html}\n<p>第二段正文。</p>")
    assert BlockType.HEADING not in [b.type for b in page.blocks]


# ------------------------------------------------------------------ links


def test_an_external_fragment_is_not_repeated() -> None:
    page = article('<p>见<ok href="https://example.org/words.html#12">词条</ok>一文。</p>')
    (link,) = page.links
    assert link.target == "https://example.org/words.html#12"
    assert link.anchor is None
    in_page = article('<p>见<ok href="../q7/501.md#part">另一篇</ok>。</p>').links[0]
    assert (in_page.target, in_page.anchor) == ("pages/q7/501.md", "part")


# ------------------------------------------------------------------ lead image and title


def test_a_bare_top_level_image_does_not_swallow_the_body() -> None:
    text = (
        "### 题\n---\n\n"
        '<img alt="图的说明" src="https://img.example/a.jpg"/>\n'
        "<p>第一段正文。</p>\n<p>第二段正文。</p>\n"
    )
    page = parse_page(ART, text, HOME)
    assert isinstance(page, Article) and page.lead_image is not None
    assert page.lead_image.caption == ""
    assert page.lead_image.alt == "图的说明"
    assert texts(page) == ["第一段正文。", "第二段正文。"]


def test_a_page_without_a_title_line_takes_its_h1_or_the_lead_alt() -> None:
    with_h1 = parse_page(ART, '<h1 class="title">正式的标题</h1>\n<p>正文。</p>', HOME)
    assert isinstance(with_h1, Article)
    assert with_h1.title == "正式的标题"
    assert "正式的标题" not in texts(with_h1)
    with_alt = parse_page(
        ART,
        '<div><img alt="图里的标题" src="https://img.example/a.jpg"/></div>\n<p>正文。</p>',
        HOME,
    )
    assert isinstance(with_alt, Article)
    assert with_alt.title == "图里的标题"
    assert not with_alt.warnings


def test_a_documents_footer_nav_goes_its_link_lists_stay() -> None:
    doc = HOME.with_path("docs/a.md")
    text = (
        "# 文集\n\n[第一章](c1.md) | [第二章](c2.md)\n\n正文一段。\n\n"
        "[首页](README.md) | [手机上长按此链接分享](a.md)\n"
    )
    page = parse_page(doc, text, HOME)
    shown = [b.text for b in page.blocks]
    assert any("第一章" in t for t in shown)
    assert not any("首页" in t for t in shown)


# ------------------------------------------------------------------ spacing


def test_prettified_tag_lines_join_without_spaces_next_to_chinese() -> None:
    # The mirror's prettifier puts every inline tag on its own line: those breaks are markup.
    page = article(
        "<p>\n 云溪\n <span>\n  馆藏\n </span>\n 新增\n"
        ' <span href="https://www.secretchina.com/news/gb/tag/Foo">\n  Foo3\n </span>\n'
        " 数据库，\n <b>\n  Bar\n </b>\n 。\n</p>"
    )
    assert texts(page) == ["云溪馆藏新增Foo3数据库，Bar。"]


def test_the_authors_own_breaks_and_spaces_between_chinese_and_latin_stay() -> None:
    # A Markdown paragraph's line breaks inside one text node are the author's.
    page = article("</div>\n\n原文\nSome Old Story\n登在某报。\n\n<div>")
    assert "原文 Some Old Story 登在某报。" in texts(page)
    typed = article('<p>原文 <a href="https://example.org/s">Some Old Story</a> 登在某报。</p>')
    assert texts(typed) == ["原文 Some Old Story 登在某报。"]
    before_break = article('<p>原文 \n<a href="https://example.org/s">Some Old Story</a>\n。</p>')
    assert texts(before_break) == ["原文 Some Old Story。"]


def test_a_minified_page_has_no_spaces_around_tags_in_chinese_sentences() -> None:
    # Prettified then minified: every tag's line break squeezed to one space, on one line.
    page = article(
        '<p> 全城 <a href="https://example.org/a"> 图书馆 </a> 今日开放， '
        '<span href="https://www.secretchina.com/news/gb/tag/某人"> 某人 </span> 到场 </p>'
    )
    assert texts(page) == ["全城图书馆今日开放，某人到场"]
    assert [link.text for link in page.links] == ["图书馆", "某人"]


@pytest.mark.parametrize("mark", ["#", "＃"])  # ASCII and full-width hashtags
def test_hashtags_do_not_run_together(mark: str) -> None:
    page = article(
        f'<p>\n <a href="https://example.org/t/1">\n  {mark}云溪\n </a>\n'
        f' <a href="https://example.org/t/2">\n  {mark}图书馆\n </a>\n {mark}开放日\n</p>'
    )
    assert texts(page) == [f"{mark}云溪 {mark}图书馆 {mark}开放日"]


def test_a_link_made_of_several_nodes_is_named_like_its_text() -> None:
    page = article(
        '<p>见<a href="https://example.org/a">\n <b>\n  云溪\n </b>\n 书馆\n</a>和'
        '<a href="https://example.org/b"><b>Old</b> <b>Story</b></a></p>'
    )
    assert [link.text for link in page.links] == ["云溪书馆", "Old Story"]


def test_a_line_break_in_a_heading_separates_its_parts() -> None:
    page = article("<h4>云溪书馆<br/>新馆开放</h4><h4>Old<br/>Story</h4>")
    assert texts(page) == ["云溪书馆\u3000新馆开放", "Old Story"]


# ------------------------------------------------------------------ review: captions


def test_an_image_in_a_container_does_not_take_the_container_as_its_caption() -> None:
    page = article(
        '<div class="post_content"><img alt="一座新楼的外景。" src="https://img.example/a.jpg"/>'
        "<p>【某某台2022年10月25日讯】第一段正文。</p><p>第二段正文。</p>"
        "<p>记者：某甲　责编：某乙　网编：某丙</p></div>"
    )
    assert page.lead_image is not None
    assert page.lead_image.caption == ""
    assert page.lead_image.alt == "一座新楼的外景。"
    assert texts(page)[:2] == ["【某某台2022年10月25日讯】第一段正文。", "第二段正文。"]
    assert page.published == date(2022, 10, 25)
    assert page.editor == "某乙"


def test_an_image_in_the_middle_of_the_body_keeps_the_paragraphs_after_it() -> None:
    page = article(
        '<div><p>第一段。</p><img src="https://img.example/b.jpg"/><p>第二段。</p><p>第三段。</p></div>'
    )
    assert texts(page) == ["第一段。", "", "第二段。", "第三段。"]
    assert page.blocks[1].type is BlockType.IMAGE


def test_caption_markup_and_a_caption_line_after_an_image_stay_captions() -> None:
    page = article(
        '<p><img alt="x" src="https://img.example/c.jpg"/><br/>图中是一座桥。（示意图）</p>'
        "<p>正文一段。</p>"
        '<div><img src="https://img.example/d.jpg"/><div class="caption">第二张图的说明</div>'
        "<p>正文二段。</p></div>"
    )
    assert page.lead_image is not None and page.lead_image.caption == "图中是一座桥。（示意图）"
    assert texts(page) == ["正文一段。", "第二张图的说明", "正文二段。"]


# ------------------------------------------------------------------ review: the editor


def test_an_editor_line_at_the_top_does_not_delete_the_body() -> None:
    page = article("<p>责任编辑：某甲</p><p>【某某台2022年10月25日讯】第一段。</p><p>第二段。</p>")
    assert page.editor == "某甲"
    assert texts(page) == ["【某某台2022年10月25日讯】第一段。", "第二段。"]


def test_an_editor_quoted_in_a_sentence_is_body() -> None:
    said = "他说：“当年我的责编：老张，很好。”"
    page = article(f"<p>第一段。</p><p>{said}</p><p>第二段。</p>")
    assert page.editor is None
    assert texts(page) == ["第一段。", said, "第二段。"]


def test_an_editor_line_at_the_end_takes_the_end_matter_with_it() -> None:
    # (a video's 点击欣赏 label in the body is body; after the byline it is end matter)
    page = article(
        "<p>第一段。</p><p>责任编辑：某甲</p><p>网编：某丙</p><p>点击欣赏影片预告</p>"
        "<p>欢迎订阅YouTube频道：https://www.youtube.com/x</p>"
    )
    assert page.editor == "某甲"
    assert texts(page) == ["第一段。"]


@pytest.mark.parametrize("gap", [" ", "\u3000"])
def test_a_byline_of_credits_is_metadata(gap: str) -> None:
    page = article(f"<p>第一段。</p><p>记者：某甲{gap}责编：某乙{gap}网编：某丙</p>")
    assert page.editor == "某乙"
    assert texts(page) == ["第一段。"]


def test_a_reporters_credit_with_the_editor_is_metadata() -> None:
    page = article("<p>第一段。</p><p>（记者某丁报导／责任编辑：某戊）</p>")
    assert page.editor == "某戊"
    assert texts(page) == ["第一段。"]


@pytest.mark.parametrize(
    "line",
    ["责任编辑：某甲。", "责任编辑：某甲◆", "责任编辑：某甲★", "责任编辑：某甲~",
     "责任编辑：某甲（完）", "责任编辑：某甲(完)", "責任編輯：某甲（完）"],
)  # fmt: skip
def test_end_marks_are_no_part_of_the_editors_name(line: str) -> None:
    page = article(f"<p>第一段。</p><p>{line}</p>")
    assert page.editor == "某甲"
    assert texts(page) == ["第一段。"]


# ------------------------------------------------------------------ review: promotion


@pytest.mark.parametrize(
    "line",
    [
        "<p>歡迎訂閱YouTube頻道：https://www.youtube.com/x</p>",
        "<p>訂閱Telegram群組：https://t.me/x</p>",
        "<p>歡迎您觀看神韻演出</p>",
        "<p>歡迎欣賞更多神韻作品</p>",
        "<p>（點閱某某編輯部新書《某書》）</p>",
        "<p>點擊這裡查看某某系列文章。</p>",
        "<p>欢迎订阅某某台YouTube频道：https://www.youtube.com/x</p>",
        "<p>欢迎订阅某某台YouTube频道 https://www.youtube.com/x</p>",
        "<p>Telegram群组：https://t.me/x</p>",
        "<p>干净世界 https://www.ganjing.com/x</p>",
        "<p>X（推特）：https://x.com/x</p>",
        '<p>欢迎订阅YouTube频道：<br/><a href="https://www.youtube.com/x">https://www.youtube.com/x</a></p>',
        '<p>干净世界：</p><p><a href="https://www.ganjing.com/x">https://www.ganjing.com/x</a></p>',
        '<p>脸书：<a href="https://www.facebook.com/x">某台主页</a></p>',
    ],
)
def test_promotion_lines_in_their_other_forms_are_dropped(line: str) -> None:
    page = article(f"<p>第一段。</p>{line}<p>结尾一段。</p>")
    assert texts(page) == ["第一段。", "结尾一段。"]


@pytest.mark.parametrize(
    "line",
    [
        "脸书：今天宣布裁员一万人，股价上涨。",
        "IG：一款流行应用的新功能引起争议。",
        "他说，如果大家欢迎订阅YouTube频道：那就好。",
        "干净世界：这是一个平台的名字。",
    ],
)
def test_paragraphs_that_only_look_like_promotion_stay(line: str) -> None:
    page = article(f"<p>第一段。</p><p>{line}</p><p>结尾一段。</p>")
    assert texts(page) == ["第一段。", line, "结尾一段。"]


# ------------------------------------------------------------------ review: bylines


@pytest.mark.parametrize(
    "line",
    ["【作者：某丁】", "（作者：某丁）", "撰稿：某丁", "作者 某丁", "某报记者某丁报导",
     "请点击欣赏影片预告", "▶ 点击欣赏影片预告"],
)  # fmt: skip
def test_bold_bylines_and_appeals_are_no_subheadings(line: str) -> None:
    page = article(f"<p>第一段正文。</p><p><strong>{line}</strong></p><p>第二段正文。</p>")
    assert BlockType.HEADING not in [b.type for b in page.blocks]


# ------------------------------------------------------------------ review: titles


def test_a_body_only_page_does_not_take_a_subheading_as_its_title() -> None:
    page = parse_page(ART, "<h4>一个小标题</h4>\n<p>正文。</p>", HOME)
    assert isinstance(page, Article)
    assert page.title == "500"
    assert texts(page) == ["一个小标题", "正文。"]
    h2 = parse_page(ART, "<h2>一个正题</h2>\n<p>正文。</p>", HOME)
    assert isinstance(h2, Article) and h2.title == "一个正题"


@pytest.mark.parametrize(
    "alt", ["图片", "a103.jpg", "image", "IMG_20", "https://img.example/a.jpg"]
)
def test_a_generic_alt_text_is_no_title(alt: str) -> None:
    page = parse_page(
        ART, f'<div><img alt="{alt}" src="https://img.example/a.jpg"/></div>\n<p>正文。</p>', HOME
    )
    assert isinstance(page, Article)
    assert page.title == "500"


# ------------------------------------------------------------------ review: datelines


@pytest.mark.parametrize(
    ("line", "day", "source"),
    [
        ("【某某网二○二二年十月廿五日】", date(2022, 10, 25), "某某网"),
        ("【某某网二〇二二年十月卅日】", date(2022, 10, 30), "某某网"),
        ("（某某网2022年10月25日讯）", date(2022, 10, 25), "某某网"),
        ("【某某台美国东部时间2022年10月25日讯】", date(2022, 10, 25), "某某台"),
        ("【某某台日本时间2022年10月25日讯】", date(2022, 10, 25), "某某台"),
    ],
)
def test_datelines_in_their_other_forms(line: str, day: date, source: str) -> None:
    page = article(f"<p>{line}某地消息，今天天气晴。</p>")
    assert (page.published, page.source) == (day, source)


def test_a_date_in_round_brackets_is_no_dateline() -> None:
    page = article("<p>他提到那次会议（某地2022年10月25日）的结果。</p>")
    assert page.published is None


# ------------------------------------------------------------------ review: credits


@pytest.mark.parametrize(
    "credit",
    [
        '<p>本文来源于<span href="/news/gb/tag/某报">某报</span></p>',
        '<p>（转自<span href="/news/gb/tag/某报">某报</span>）</p>',
        '<p>稿源：<span href="/news/gb/tag/某报">某报</span></p>',
        '<p>来源：<span href="/news/gb/tag/某报">某报</span>、'
        '<span href="/news/gb/tag/某刊">某刊</span></p>',
    ],
)
def test_other_credit_wordings_are_no_tags(credit: str) -> None:
    page = article(
        f'<p>这里提到<span href="/news/gb/tag/某人">某人</span>。</p>{credit}',
        original="https://www.secretchina.com/news/gb/2021/3/5/1.html",
    )
    assert [t.name for t in page.tags] == ["某人"]


# ------------------------------------------------------------------ review: documents' nav


def test_a_documents_one_link_nav_lines_go_at_its_top_and_end() -> None:
    doc = HOME.with_path("docs/b.md")
    text = (
        "# 文集\n\n#### [返回目录](../README.md)\n\n"
        "#### [第一章](c1.md)\n#### [目录之外的一章](c2.md)\n\n正文一段。\n\n"
        "#### [翻墙必看视频](https://example.org/v.html)\n\n"
        "[上一章](c1.md) | [下一章](c3.md)\n\n"
        "[首页](../README.md) | 手机上长按此链接分享\n"
    )
    page = parse_page(doc, text, HOME)
    assert page.title == "文集"
    assert [b.text for b in page.blocks] == ["第一章", "目录之外的一章", "正文一段。"]


def test_a_nav_word_link_in_the_middle_of_a_document_stays() -> None:
    doc = HOME.with_path("docs/c.md")
    text = "# 文集\n\n正文一段。\n\n#### [首页](../README.md)\n\n正文二段。\n"
    page = parse_page(doc, text, HOME)
    assert [b.text for b in page.blocks] == ["正文一段。", "首页", "正文二段。"]


# ------------------------------------------------------------------ review: image links


def test_an_image_without_a_caption_is_listed_among_the_links() -> None:
    from tui.core.urls import LinkKind

    page = article(
        '<p>见<a href="https://example.org/s">一文</a>。</p>'
        '<div><img alt="桥" src="https://img.example/b.jpg"/></div><p>正文。</p>'
        '<figure><img src="https://img.example/c.jpg"/><figcaption>有说明的图</figcaption></figure>'
        '<p><a href="https://img.example/d.jpg"><img src="https://img.example/d.jpg"/></a></p>'
    )
    assert [(link.n, link.kind, link.url) for link in page.links] == [
        (1, LinkKind.EXTERNAL, "https://example.org/s"),
        (2, LinkKind.IMAGE, "https://img.example/b.jpg"),
        (3, LinkKind.IMAGE, "https://img.example/d.jpg"),
    ]
    assert page.links[1].text == "桥"


def test_a_dateline_or_a_long_line_right_after_an_image_is_body() -> None:
    long = "这是一段很长的正文，" * 20
    page = article(
        '<div><img src="https://img.example/a.jpg"/><br/>【某某台2022年10月25日讯】第一段。<br/>'
        f'第二段。</div><div><img src="https://img.example/b.jpg"/><br/>{long}</div>'
    )
    assert page.lead_image is not None and page.lead_image.caption == ""
    assert texts(page) == ["【某某台2022年10月25日讯】第一段。", "第二段。", "", long]
    assert page.published == date(2022, 10, 25)


@pytest.mark.parametrize(
    "html",
    ["<p><strong>当局为何这样做？</strong></p>", "<p><ok>居民：我们不能再等了！</ok></p>"],
)
def test_a_question_or_an_exclamation_in_bold_is_a_subheading(html: str) -> None:
    page = article(f"<p>第一段正文。</p>\n{html}\n<p>第二段正文。</p>")
    assert [b.type for b in page.blocks] == [
        BlockType.PARAGRAPH,
        BlockType.HEADING,
        BlockType.PARAGRAPH,
    ]


def test_a_caption_marked_by_its_id_is_the_lead_caption() -> None:
    """RFA copies mark the lead image's caption by id, not by class."""
    page = article(
        '<div id="headerimg"><img alt="河边的新楼。" src="https://example.org/a.jpg"/>'
        '<div id="headerimgcontents"><div id="headerimgcaption"><span>河边的新楼。</span>'
        "</div></div></div>\n<p>正文第一段，说的是新楼。</p>"
    )
    assert page.lead_image is not None and page.lead_image.caption == "河边的新楼。"
    assert [b.text for b in page.blocks] == ["正文第一段，说的是新楼。"]


def test_markdown_lines_right_under_html_are_read_as_markdown() -> None:
    """A promo heading or a rule right under a line of HTML (no blank line between) is a
    Markdown line, not text: the promo goes, nothing shows as "#### [..](..)"."""
    text = (
        "### 一个标题\n------------------------\n\n"
        "<div><p>【本报2024年3月1日讯】正文第一段。</p></div><hr/>\n"
        "#### [ 💌 退出中共组织，请点这里](https://github.com/begood0513/basic/blob/master/quit/letter.md)\n"
        "<p>正文第二段。</p>\n"
        "---\n"
        "[首页](../../README.md) | [热点](../../indexes/热点.md)\n"
    )
    page = parse_page(ART, text, HOME)
    assert isinstance(page, Article)
    shown = [b.text for b in page.blocks]
    assert not any("#" in t or "](" in t or t.strip("-") == "" for t in shown), shown
    assert any("正文第一段" in t for t in shown) and any("正文第二段" in t for t in shown)
    assert not any("退出中共组织" in t for t in shown), shown


@pytest.mark.parametrize(
    "nav",
    [
        '<p><a href="../../README.md">首页</a> | <a href="../../indexes/E大陆新闻.md">大陆新闻</a>'
        ' | <a href="../../indexes/热点推荐.md">热点推荐</a></p>',
        "[返回首页](../../README.md)",
    ],
)
def test_an_articles_nav_paragraph_goes(nav: str) -> None:
    page = article(f"<p>正文第一段。</p>\n\n{nav}\n\n<p>正文第二段。</p>")
    assert [b.text for b in page.blocks] == ["正文第一段。", "正文第二段。"]


def test_a_paragraph_of_links_that_is_body_stays() -> None:
    body = (
        '<p><a href="https://example.org/a">报告全文</a>、<a href="https://example.org/b">附录</a>'
        '</p>\n<p>他在<a href="../../README.md">首页</a>上写道，事情还没有结束。</p>'
    )
    page = article(body)
    assert len(page.blocks) == 2, [b.text for b in page.blocks]


@pytest.mark.parametrize(
    "line",
    [
        "新唐人YouTube频道：https://www.youtube.com/c/example",
        "关注新唐人Telegram频道：https://t.me/example",
        "▶ 点击订阅新唐人YouTube频道",
        "新唐人脸书：https://www.facebook.com/example",
        "加入新唐人Telegram群组 https://t.me/example2",
    ],
)
def test_closing_channel_lines_with_the_channels_name_go(line: str) -> None:
    url = line[line.find("http") :] if "http" in line else ""
    html = f'<a href="{url}">{line}</a>' if url else line
    page = article(f"<p>正文第一段。</p>\n<p>责任编辑：王明</p>\n<p>{html}</p>")
    assert [b.text for b in page.blocks] == ["正文第一段。"], [b.text for b in page.blocks]


def test_a_traditional_character_footer_goes() -> None:
    page = article(
        "<p>正文第一段。</p>\n<div><p>本文短網址: https://example.org/s/1</p>"
        "<p>版權所有，任何形式轉載需本網站同意。嚴禁建立鏡像網站。</p>"
        "<p>【誠徵榮譽會員】溝通交流，才能產生力量。</p></div>"
    )
    assert [b.text for b in page.blocks] == ["正文第一段。"], [b.text for b in page.blocks]


def test_a_title_line_of_four_hashes_is_the_title() -> None:
    """The page's own title line, written #### instead of ###, is still its title; an <h4>
    of the body is not (test_a_body_only_page_does_not_take_a_subheading_as_its_title)."""
    text = "#### 网传一封公开信\n\n<p>【本报2024年3月1日讯】正文第一段。</p>\n<h4>小标题</h4>\n<p>第二段。</p>\n"
    page = parse_page(ART, text, HOME)
    assert isinstance(page, Article)
    assert page.title == "网传一封公开信"
    assert [b.text for b in page.blocks if b.type is BlockType.HEADING] == ["小标题"]


def test_a_lazy_loaded_image_is_its_real_picture_and_banners_go() -> None:
    page = article(
        "<p>正文第一段。</p>\n"
        '<figure><img src="data:image/gif;base64,R0lGOD" data-src="https://example.org/p/1.jpg"/>'
        "<figcaption>新楼的正门。</figcaption></figure>\n"
        "<p>正文第二段。</p>\n"
        '<p><a href="https://example.org/donate/"><img src="https://example.org/i/donate-SF-1.png"/>'
        '</a><a href="https://example.org/s"><img src="https://example.org/i/Subscribe-SF.jpg"/></a></p>'
    )
    images = [(b.src, b.text) for b in page.blocks if b.type is BlockType.IMAGE]
    if page.lead_image is not None:  # the first picture may lead the article
        images.insert(0, (page.lead_image.src, page.lead_image.caption))
    assert images == [("https://example.org/p/1.jpg", "新楼的正门。")]
    assert [b.text for b in page.blocks if b.type is BlockType.PARAGRAPH] == [
        "正文第一段。",
        "正文第二段。",
    ]
