"""The home page's direct line reader must agree with the markdown-it path, always."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.corpus import ROOT, pages
from tui.core.parse.home import _fast_lines, parse_home
from tui.core.urls import PageRef

SAMPLE_HOME = PageRef("goodnews-sample", "goodnews", "master", "README.md")
SAMPLE_FILE = ROOT / "tui" / "sample" / SAMPLE_HOME.raw_path


def homes() -> list[tuple[PageRef, str]]:
    corpus = [(p.ref, p.text()) for p in pages("home")]
    return [*corpus, (SAMPLE_HOME, SAMPLE_FILE.read_text(encoding="utf-8"))]


def test_real_homes_take_the_direct_path_and_agree() -> None:
    for ref, text in homes():
        assert _fast_lines(text) is not None, ref
        fast = parse_home(ref, text, ref)
        full = parse_home(ref, text, ref, fast=False)
        assert fast == full
        assert len(fast.sections) >= 3


def test_parsing_the_home_page_does_not_load_markdown_it(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from tui.core.parse import parse_page;"
        "from tui.core.urls import PageRef;"
        f"ref = PageRef('goodnews-sample', 'goodnews', 'master', 'README.md');"
        f"page = parse_page(ref, Path({str(SAMPLE_FILE)!r}).read_text(encoding='utf-8'), ref);"
        "assert page.kind == 'home', page.kind;"
        "print(sorted(m for m in ('markdown_it', 'bs4', 'lxml') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"


TITLES = st.sampled_from(["大纪元新闻网", "看中国", "Sec *x*", "a_b", "新闻 &amp; 评论", "", "`c`"])
SEPS = st.sampled_from([" &nbsp;-&nbsp; ", " - ", " ", " &nbsp;|&nbsp; ", " | ", "&bogus ", "\\|"])
TEXTS = st.sampled_from(["头条", "港澳新闻", "x", "*em*", "a[b]", "", "法轮功 真相", "<b>b</b>"])
HREFS = st.sampled_from(
    [
        "indexes/E头条.md?t=1",
        "indexes/S看大陆.md",
        "../../../basic/blob/master/README.md?t=2",
        "pages/nsc424/n1.md?t=3",
        "http://203.0.113.5:81/youtube.html?1",
        "https://example.com/路径",
        "https://example.com/a%zz",
        "https://github.com/x/y/blob/master/a.png",
        "<indexes/E.md>",
        'indexes/E.md "title"',
        "#top",
    ]
)
LINK = st.builds(lambda t, h: f"[{t}]({h})", TEXTS, HREFS)
PLAIN = st.sampled_from(
    [
        "",
        "",
        "---",
        "===",
        "> quote [a](indexes/E.md)",
        "- [item](indexes/N.md)",
        "1. [item](indexes/H.md)",
        '<img src="x.png" width="260px"/> &nbsp; <img src="y.png"/>',
        "<div>",
        "</div>",
        "<!-- c -->",
        "```",
        "#####联系邮箱：someone@example.com",
        "    #### [indented](indexes/E.md)",
        "![img](a.png)",
        "<https://example.com>",
        "#### closing #",
        "plain text line",
    ]
)


@st.composite
def link_line(draw: st.DrawFn) -> str:
    marker = draw(st.sampled_from(["#### ", "### ", "####", "", "  #### "]))
    links = draw(st.lists(LINK, min_size=0, max_size=4))
    sep = draw(SEPS)
    return (
        marker
        + draw(TITLES)
        + draw(SEPS)
        + sep.join(links)
        + draw(st.sampled_from(["", " ", "\r"]))
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(link_line(), PLAIN), min_size=1, max_size=12))
def test_direct_path_agrees_with_markdown_it(lines: list[str]) -> None:
    text = "\n".join(lines)
    ref = PageRef("begood0513", "goodnews", "master", "README.md")
    assert parse_home(ref, text, ref) == parse_home(ref, text, ref, fast=False)
