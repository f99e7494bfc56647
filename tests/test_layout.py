"""The reader's wrapping: nothing lost, nothing too wide, CJK broken anywhere, Latin at spaces."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.corpus import pages
from tui.core.dump import dump_text
from tui.core.layout import (
    NO_LINE_START,
    Layout,
    layout_article,
    layout_body,
    layout_document,
    plain_marks,
    reader_marks,
    wrap_runs,
)
from tui.core.models import Article, Block, BlockType, Document, Link, Span, SpanKind, Tag
from tui.core.parse import parse_page
from tui.core.text import NO_LINE_START as TEXT_NO_LINE_START
from tui.core.text import cell_width
from tui.core.urls import LinkKind, PageRef
from tui.i18n import _

PLAIN = plain_marks()  # in the suite's language (English)
READER = reader_marks()

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
    assert [line_text(line) for line in lines] == ["云溪市图书", "馆新馆开放", "首周接", "待读者"]
    lines = wrap_runs([("alpha beta gamma delta", "body", None)], 11)
    assert [line_text(line) for line in lines] == ["alpha beta", "gamma delta"]
    # Full-width closing punctuation hangs instead of starting a line.
    lines = wrap_runs([("云溪市图书。馆开放", "body", None)], 10)
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
    assert "云溪市{1}" in texts[layout.link_lines[1]]
    assert any(t.startswith(_("Tags")) and "云溪市" in t for t in texts)


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


MARKER = re.compile(r"\{(\d+)\}")


def test_one_table_and_one_engine() -> None:
    import tui.core.layout as layout
    import tui.core.text as text

    assert NO_LINE_START is TEXT_NO_LINE_START
    assert layout.wrap_runs is text.wrap_runs


def split_link_article() -> Article:
    # One link whose text is split in two spans (plain, then emphasised), then a tag.
    spans = [
        Span("前文"),
        Span("云溪", SpanKind.LINK, 1),
        Span("日报", SpanKind.EMPHASIS, 1),
        Span("中文"),
        Span("图书馆", SpanKind.TAG, 2),
        Span("后文"),
    ]
    return Article(
        REF,
        "标题",
        blocks=[
            Block(BlockType.HEADING, [Span("小标题")], level=4),
            Block(BlockType.PARAGRAPH, spans),
            Block(BlockType.IMAGE, [], src="https://example.org/a.jpg"),
            Block(BlockType.QUOTE, [Span("引文" * 30)]),
        ],
        links=[
            Link(1, "云溪日报", LinkKind.EXTERNAL, "https://example.org/", "https://example.org/"),
            Link(2, "图书馆", LinkKind.TAG, "https://x/tag/t", "https://x/tag/t"),
        ],
        tags=[Tag("图书馆", "https://x/tag/t")],
    )


def test_a_link_is_numbered_once_however_many_spans_it_has() -> None:
    article = split_link_article()
    reader = [line_text(line) for line in layout_article(article, 60).lines]
    assert "前文云溪日报{1}中文图书馆{2}后文" in reader
    plain = layout_body(article, 60, PLAIN).text()
    assert "前文{1}云溪日报中文{2}图书馆后文" in plain


def test_plain_marks_write_what_colour_shows() -> None:
    article = split_link_article()
    plain = layout_body(article, 40, PLAIN)
    text = plain.text()
    assert text[:2] == ["小标题", "------"]  # headings are underlined, as wide as they are
    joined = "\n".join(text)
    assert (
        PLAIN.image[0].strip() in joined and "https://example.org/a.jpg" not in joined
    )  # in Links:
    quote = [line for line in text if line.startswith("  > ")]
    assert len(quote) >= 2 and all(cell_width(line) <= 40 for line in quote)
    reader = [line_text(line) for line in layout_body(article, 40, READER).lines]
    assert READER.image[0].strip() in reader and "小标题" in reader and "------" not in reader
    first = next(i for i, line in enumerate(reader) if line.startswith("│ "))
    assert len(reader) - first == 4 and all(line.startswith("  ") for line in reader[first + 1 :])
    # Block and link lines point at the same lines in both.
    for layout in (plain, layout_body(article, 40, READER)):
        lines = [line_text(line) for line in layout.lines]
        assert lines[layout.block_lines[1]].startswith("前文")
        assert "云溪" in lines[layout.link_lines[1]] and "图书馆" in lines[layout.link_lines[2]]


def test_extend_keeps_link_and_block_lines() -> None:
    article = split_link_article()
    full = layout_article(article, 40)
    body = layout_body(article, 40)
    offset = full.lines.index(body.lines[0])
    assert full.lines[offset : offset + len(body.lines)] == body.lines
    for n, line in body.link_lines.items():
        assert full.link_lines[n] == min(line + offset, full.link_lines[n])
    assert {i: line + offset for i, line in body.block_lines.items()} == full.block_lines
    joined = Layout(40)
    joined.add([(("a", "body", None),)])
    joined.blank()
    other = Layout(40)
    other.add([(("b", "link", 5),)])
    joined.extend(other)
    assert joined.text() == ["a", "", "b"] and joined.link_lines == {5: 2}


def bare(text: str) -> str:
    """Text without the marks either layout adds, whitespace or link numbers."""
    for mark in (PLAIN.image[0].strip(), READER.image[0].strip(), "│", ">", "-"):
        text = text.replace(mark, "")
    return MARKER.sub("", "".join(text.split()))


@pytest.mark.parametrize("page", pages("article", "other"), ids=lambda p: p.ref.key)
def test_dump_and_reader_agree_on_real_pages(page) -> None:
    """dump prints the reader's own layout: the same text and the same links numbered."""
    parsed = parse_page(page.ref, page.text(), page.ref)
    if not isinstance(parsed, Article | Document):
        pytest.skip("a list page: dump lists its entries, the reader does not lay it out")
    # Without the addresses dump shows for uncaptioned images, the bodies match exactly.
    captions = PLAIN._replace(src_fallback=False)
    spans = {s.link for b in parsed.blocks for s in b.spans if s.link is not None}
    for width in (24, 72):
        out = dump_text(parsed, page.ref, width)
        assert all(cell_width(line) <= width for line in out.splitlines()), width
        reader_body, plain_body = layout_body(parsed, width), layout_body(parsed, width, captions)
        reader_text = "".join(line_text(line) for line in reader_body.lines)
        plain_text = "".join(plain_body.text())
        assert bare(reader_text) == bare(plain_text)
        # Numbers come from the layouts' runs, not from the text.
        assert set(reader_body.link_lines) == set(plain_body.link_lines) == spans
        flat = "".join(plain_text.replace("  > ", "").split())  # a quote's "> " may cut a word
        assert all(f"{{{n}}}" in flat for n in spans)
        reader = (
            layout_article(parsed, width)
            if isinstance(parsed, Article)
            else layout_document(parsed, width)
        )
        for n in reader.link_lines:
            assert f"{n:>4}. " in out  # every link the reader numbers is in dump's Links list


@pytest.mark.parametrize("width", [30, 65, 88])
def test_the_beginning_of_a_long_article_is_laid_out_as_in_the_whole(width: int) -> None:
    from tui.core.mirror import SAMPLE_HOME, sample_mirror

    ref = SAMPLE_HOME.with_path("pages/nsc422/n14200030.md")
    text = (sample_mirror().source.root / ref.raw_path).read_text("utf-8")  # type: ignore[attr-defined]
    article = parse_page(ref, text, SAMPLE_HOME)
    assert isinstance(article, Article) and len(article.blocks) > 1000
    whole = layout_article(article, width, ["a note"])
    start = layout_article(article, width, ["a note"], blocks=200)
    assert 0 < len(start.lines) < len(whole.lines)
    assert whole.lines[: len(start.lines)] == start.lines
    assert all(whole.block_lines[i] == line for i, line in start.block_lines.items())
    assert max(start.block_lines) < 200 <= max(whole.block_lines)
    assert all(whole.link_lines[n] == line for n, line in start.link_lines.items())
    # A short article is laid out whole whatever the number: tags and tail included.
    short = Article(
        ref, "短", blocks=[Block(BlockType.PARAGRAPH, [Span("正文")])], tags=[Tag("云", "u")]
    )
    assert layout_article(short, width, blocks=200).lines == layout_article(short, width).lines
