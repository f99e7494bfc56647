"""``fastmd.render`` gives markdown-it's own HTML, or None: never a different answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus import pages
from tui.core.parse import _prepare
from tui.core.parse.fastmd import render
from tui.core.parse.markdown import render_md

SAMPLE = Path(__file__).resolve().parents[1] / "tui" / "sample" / "goodnews-sample"


def agrees(text: str) -> bool:
    """True when the fast path answered (and then it must equal markdown-it)."""
    fast = render(text)
    if fast is not None:
        assert fast == render_md(text)
    return fast is not None


CASES = [
    "### 标题\n------------------------\n\n#### [首页](../../README.md?x)  &nbsp;|&nbsp; [类](../../indexes/E类.md)\n",
    "<div class=\"a\">\n <p>\n  文字\n </p>\n</div>\n\n 缩进的文字 <ok href='x'>\n  标签\n </ok>\n 之后\n",
    "<div>\n\n    四格缩进的 <b>HTML</b>\n</div>",
    "一行  \n硬换行 \n软换行\n\t制表",
    "段落\n<div>打断段落</div>\n段落\n<span>不打断</span>",
    "段落\n---\n",
    "段落\n===\n",
    "* 列表\n* 两项",
    "1. 一\n2. 二",
    "> 引用",
    "```\ncode\n```",
    "[ref]: http://x\n\n[ref]",
    "*强调* 与 _下划线_ 与 `代码` 与 \\转义",
    "![图](a.png)",
    "<http://auto.link> <a@b.cd>",
    "<!-- 注释 -->\n\n文字",
    "<script>\n\nx\n\n</script>",
    "#### [  💌  推广](https://github.com/x/y/blob/master/quit/letter.md) \n",
    "#### [链接](javascript:alert(1))",
    "#### [中文链接](../../indexes/S看官场.md?t=1)",
    "#### 标题 ###\n# \n####### 七个",
    "&copy; &bogus; &#0; &#x110000; &#65; & ;",
    'a <b c="d\ne">跨行属性</b> f',
    "[未闭合 [嵌套](x)] 与 [文字] 与 ]",
    "文字\n    #### 懒惰续行\n",
    "末尾无换行的<div>块</div>",
    "<div>\n块\n</div>\n\n\n\n",
]


@pytest.mark.parametrize("text", CASES, ids=range(len(CASES)))
def test_cases_agree_with_markdown_it(text: str) -> None:
    agrees(text)


def test_the_usual_article_shape_takes_the_fast_path() -> None:
    assert agrees(CASES[0] + "\n" + CASES[1])


def test_lists_quotes_fences_and_references_are_left_to_markdown_it() -> None:
    for text in ("* 列表\n* 两项", "> 引用", "```\ncode\n```", "[ref]: http://x\n\n[ref]"):
        assert render(text) is None


@pytest.mark.parametrize("path", sorted(SAMPLE.rglob("*.md")), ids=lambda p: p.name)
def test_sample_pages(path: Path) -> None:
    agrees(_prepare(path.read_text("utf-8"), []))


@pytest.mark.corpus
def test_corpus_pages_mostly_fast_and_always_equal() -> None:
    articles = pages("article")
    fast = sum(agrees(_prepare(p.text(), [])) for p in articles)
    for page in pages():
        agrees(_prepare(page.text(), []))
    assert fast >= 0.9 * len(articles)
