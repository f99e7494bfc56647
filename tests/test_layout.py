"""The reader's wrapping: nothing lost, nothing too wide, CJK broken anywhere, Latin at spaces."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.layout import NO_LINE_START, layout_article, wrap_runs
from tui.core.models import Article, Block, BlockType, Link, Span, SpanKind, Tag
from tui.core.text import cell_width
from tui.core.urls import LinkKind, PageRef

ALPHABET = st.sampled_from(
    list("云溪市图书馆开放，。、：“”（）abc xyz 1234-.,!?") + ["🔥", "ｶ", "\u3000"]
)
REF = PageRef("o", "r", "main", "pages/a/1.md")


def line_text(line: tuple[tuple[str, str, int | None], ...]) -> str:
    return "".join(run[0] for run in line)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(ALPHABET, min_size=0, max_size=60), min_size=1, max_size=4), st.integers(4, 40)
)
def test_wrap_keeps_every_character_and_respects_the_width(texts: list[str], width: int) -> None:
    runs = [(text, "body", None) for text in texts]
    lines = wrap_runs(runs, width)
    out = "".join(line_text(line) for line in lines)
    # Whitespace may go at line breaks (and a line of only whitespace is dropped).
    assert "".join(out.split()) == "".join("".join(texts).split())
    for line in lines:
        text = line_text(line)
        over = cell_width(text) - width
        if over > 0:
            # Only closing punctuation may hang past the edge, or a lone over-wide character.
            assert text[-1] in NO_LINE_START or cell_width(text) <= 2, (text, width)
        assert not text.endswith(" ")


def test_cjk_breaks_anywhere_and_latin_at_spaces() -> None:
    lines = wrap_runs([("云溪市图书馆新馆开放首周接待读者", "body", None)], 10)
    assert [line_text(line) for line in lines] == ["云溪市图书", "馆新馆开放", "首周接待读", "者"]
    lines = wrap_runs([("alpha beta gamma delta", "body", None)], 11)
    assert [line_text(line) for line in lines] == ["alpha beta", "gamma delta"]
    # Full-width closing punctuation hangs instead of starting a line.
    lines = wrap_runs([("云溪市图书。馆", "body", None)], 10)
    assert line_text(lines[0]) == "云溪市图书。"


def test_article_layout_numbers_links_and_records_their_lines() -> None:
    article = Article(
        REF,
        "标题",
        source="大纪元",
        blocks=[
            Block(BlockType.PARAGRAPH, [Span("正文" * 40)]),
            Block(
                BlockType.PARAGRAPH, [Span("前文"), Span("云溪市", SpanKind.TAG, 1), Span("后文")]
            ),
        ],
        tags=[Tag("云溪市", "https://www.epochtimes.com/gb/tag/x.html")],
        links=[Link(1, "云溪市", LinkKind.TAG, "u", "https://www.epochtimes.com/gb/tag/x.html")],
    )
    layout = layout_article(article, 30)
    texts = [line_text(line) for line in layout.lines]
    assert texts[0] == "标题" and texts[1] == "大纪元"
    assert "云溪市[1]" in texts[layout.link_lines[1]]
    assert any(t.startswith("标签") and "云溪市" in t for t in texts)


def test_in_page_links_of_corpus_pages_find_their_headings() -> None:
    from tests.corpus import pages
    from tui.core.layout import anchor_block
    from tui.core.models import BlockType
    from tui.core.parse import parse_page

    checked = 0
    for page in pages("article"):
        article = parse_page(page.ref, page.text(), page.ref)
        headings = {" ".join(b.text.split()) for b in article.blocks if b.type is BlockType.HEADING}
        for link in article.links:
            if link.ref != page.ref or not link.anchor:
                continue
            if " ".join(link.text.split()) in headings:
                index = anchor_block(article.blocks, link.text)
                assert index is not None
                assert article.blocks[index].type is BlockType.HEADING
                checked += 1
    assert checked >= 10  # the 2018 book chapters carry tables of contents
