"""CJK typography of the one wrap engine: kinsoku, numbers kept with their text, no short
last lines, unsplit tag chips, the app's own number form, and ambiguous-width terminals.

Rules are checked on the corpus's real paragraphs (every article, reader and ``dump``
layouts, three widths) and on small synthetic ones that pin each rule down.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.corpus import ROOT, pages
from tui.core.dump import dump_text
from tui.core.layout import _block_lines, followed_notice, plain_marks, reader_marks, tag_chips
from tui.core.models import Article, Block, BlockType, Document, Link, Span, SpanKind, Tag
from tui.core.parse import parse_page
from tui.core.text import (
    NO_LINE_END,
    NO_LINE_START,
    Line,
    Run,
    ambiguous_width,
    cell_width,
    is_link_number,
    is_wide,
    link_number,
    set_ambiguous_width,
    wrap,
    wrap_runs,
)
from tui.core.urls import LinkKind, PageRef
from tui.i18n import _

READER = reader_marks()
PLAIN = plain_marks()

NUMBER = re.compile(r"\{\d+\}")
REF = PageRef("o", "r", "main", "pages/a/1.md")
WIDTHS = (24, 40, 72)


def text_of(line: Line) -> str:
    return "".join(run[0] for run in line)


def content(line: Line) -> str:
    """A line's text without the indent or label a block kind puts before it."""
    runs = line
    if runs and not runs[0][0].strip(" │>•*") or runs[:1] and runs[0][0] in ("[图] ", "[图片] "):
        runs = runs[1:]
    return text_of(runs)


def corpus_blocks() -> list[Block]:
    blocks: list[Block] = []
    for page in pages("article", "other"):
        parsed = parse_page(page.ref, page.text(), page.ref)
        if isinstance(parsed, Article | Document):
            blocks.extend(b for b in parsed.blocks if b.text.strip())
    return blocks


# ---------------------------------------------------------------------- the corpus


def test_kinsoku_and_numbers_hold_on_every_real_paragraph() -> None:
    """No opening mark ends a line, no closing mark or number starts one after CJK text,
    no line is too wide (the reader's one hanging mark aside), on every corpus paragraph."""
    blocks = corpus_blocks()
    assert len(blocks) > 2000
    checked = 0
    for block in blocks:
        for width in WIDTHS:
            for marks in (READER, PLAIN):
                lines = _block_lines(block, width, marks)
                texts = [text_of(line) for line in lines]
                for i, (line, text) in enumerate(zip(lines, texts, strict=True)):
                    limit = width + 2 if marks.hang and text[-1:] in NO_LINE_START else width
                    assert cell_width(text) <= limit, (width, text)
                    if i + 1 < len(lines):
                        assert text.rstrip()[-1:] not in NO_LINE_END, (width, texts[i : i + 2])
                        if not marks.hang:  # dump's number sticks to the text after it
                            assert not is_link_number(text.split()[-1][-5:].lstrip("，。")), text
                    if i == 0:
                        continue
                    body = [run for run in line if run[0].strip()]
                    if marks.hang:  # the reader's number follows its text
                        start = 1 if len(body) > 1 and not body[0][0].strip(" │") else 0
                        assert body[start][1] != "marker", (width, texts[i - 1 : i + 1])
                    first = content(line).lstrip()
                    if is_wide(texts[i - 1].rstrip()[-1:] or "a"):
                        assert first[:1] not in NO_LINE_START, (width, texts[i - 1 : i + 1])
                checked += len(lines)
    assert checked > 50_000


def test_no_short_last_line_where_the_line_above_can_give_way() -> None:
    """A paragraph never ends on one or two characters below a line of CJK text that is
    full enough to hand a few down (at least half the width kept, kinsoku respected)."""
    short = 0
    for block in corpus_blocks():
        if block.type is not BlockType.PARAGRAPH:
            continue
        for width in WIDTHS:
            for marks in (READER, PLAIN):
                texts = [text_of(line) for line in _block_lines(block, width, marks)]
                if len(texts) < 2:
                    continue
                last = NUMBER.sub("", texts[-1]).strip()
                above = texts[-2]
                givable = above[-4:]
                if (
                    0 < len(last) <= 2
                    and all(is_wide(ch) and ch not in NO_LINE_START | NO_LINE_END for ch in givable)
                    and cell_width(above) >= width - 2
                ):
                    short += 1
                    print(width, marks.hang, texts[-2:])
    assert short == 0


# ---------------------------------------------------------------------- each rule


def test_opening_brackets_and_quotes_never_end_a_line() -> None:
    # The example: "…中共病毒（" / "COVID-19）疫情".
    text = "当局以防控中共病毒（COVID-19）疫情为由封城，并称“动态清零”是唯一选择"
    for width in range(12, 40):
        for hang in (True, False):
            lines = [text_of(line) for line in wrap_runs([(text, "body", None)], width, hang=hang)]
            assert "".join(lines).replace(" ", "") == text.replace(" ", "")
            assert all(line[-1] not in NO_LINE_END for line in lines[:-1]), (width, lines)
            assert all(line[0] not in NO_LINE_START for line in lines[1:]), (width, lines)


def test_closing_marks_and_small_kana_never_start_a_line() -> None:
    for text in (
        "云溪市图书馆开放了。」读者说好",
        "云溪市図書館のキャッシュ、ちょっと",
        "城市旧影……终于",
    ):
        for width in range(6, 30):
            lines = wrap(text, width)
            assert "".join(lines) == text
            assert all(line[0] not in NO_LINE_START for line in lines[1:]), (width, lines)
            assert all(cell_width(line) <= width for line in lines)


def test_reader_hangs_at_most_one_mark() -> None:
    # Five ideographs fill width 10: "。" may hang, "」" after it may not.
    one = [text_of(line) for line in wrap_runs([("云溪市图书。馆开放", "body", None)], 10)]
    assert one == ["云溪市图书。", "馆开放"]
    two = [text_of(line) for line in wrap_runs([("云溪市图书。」馆开", "body", None)], 10)]
    assert two == ["云溪市图", "书。」馆开"]
    assert all(cell_width(line) <= 12 for line in one + two)


def test_a_link_number_stays_with_its_text_in_the_reader() -> None:
    # The number would fall to the next line alone: the link's last character comes with it.
    runs: list[Run] = [
        ("前文前文", "body", None),
        ("云溪", "link", 7),
        (link_number(7), "marker", 7),
    ]
    for width in range(8, 20):
        lines = wrap_runs(runs, width)
        for line in lines[1:]:
            assert line[0][1] != "marker", (width, lines)
        assert "".join(text_of(line) for line in lines) == "前文前文云溪{7}"
    lines = wrap_runs(runs, 12)
    # "溪" goes down with the number, then "文云" too, so that the last line is not short.
    assert [text_of(line) for line in lines] == ["前文前", "文云溪{7}"]
    styled = [(ch, role, n) for text, role, n in lines[1] for ch in text]
    assert styled == [("文", "body", None), ("云", "link", 7), ("溪", "link", 7)] + [
        (ch, "marker", 7) for ch in "{7}"
    ]
    # After a Latin word the whole word comes down.
    latin = wrap_runs(
        [("前文前文前 ", "body", None), ("COVID", "link", 3), ("{3}", "marker", 3)], 14
    )
    assert [text_of(line) for line in latin] == ["前文前文前", "COVID{3}"]


def test_a_pages_own_footnotes_stay_with_the_text_they_follow() -> None:
    # The example: "控制朝鲜。[5][21]" never leaves "[5][21]" at a line start.
    # (Below 14 cells "鲜。[5][21]" no longer fits beside the next line's start: the push
    # is bounded, so there the markers may begin a line rather than overflow it.)
    text = "他说中方应当控制朝鲜。[5][21]此后"
    for width in range(14, 40):
        for hang in (True, False):
            lines = [text_of(line) for line in wrap_runs([(text, "body", None)], width, hang=hang)]
            assert "".join(lines) == text
            assert not any(line.startswith("[") for line in lines[1:]), (width, lines)


def test_a_short_last_line_takes_characters_from_the_line_above() -> None:
    # The example: "定。" alone on the last line.
    text = "编辑部把十二章合为一篇，方便读者一次读完，这是大家共同的决定。"
    for width in (16, 20, 24, 28, 30, 40, 60):
        lines = wrap(text, width)
        assert "".join(lines) == text
        assert len(lines) == 1 or len(lines[-1]) >= 3, (width, lines)
        assert all(cell_width(line) <= width for line in lines)
        assert all(line[0] not in NO_LINE_START for line in lines[1:])
    # Greedy would end "…共同的决" / "定。": the "决" comes down to keep "定。" company.
    assert wrap(text, 20) == [
        "编辑部把十二章合为一",
        "篇，方便读者一次读",
        "完，这是大家共同的",
        "决定。",
    ]
    assert wrap(text, 60)[-1] == "决定。"  # 60 cells: greedy leaves "定。" alone
    # Nothing to mend: the last line is long enough as it is.
    assert wrap(text, 40) == ["编辑部把十二章合为一篇，方便读者一次读", "完，这是大家共同的决定。"]


def test_the_line_above_keeps_at_least_half_the_width() -> None:
    # "书馆" come down to join "新"; "云溪市图" keeps more than half the width.
    assert wrap("云溪市图书馆新", 12) == ["云溪市图", "书馆新"]
    # A line of two could only give by emptying itself: the short line stays.
    assert wrap("云溪市", 4) == ["云溪", "市"]
    # A Latin line above: words break at spaces only, nothing is pulled.
    assert wrap("alpha beta gamma 云", 16) == ["alpha beta gamma", "云"]


def test_tag_chips_never_split() -> None:
    # The example: "陈文清 [6]   看中国" / "[7]".
    chips = [
        ((f" {name} ", "tag", n), n) for n, name in ((6, "陈文清"), (7, "看中国"), (8, "习近平"))
    ]
    for width in range(16, 60):
        lines = tag_chips(chips, width)
        joined = [text_of(line) for line in lines]
        for n, name in ((6, "陈文清"), (7, "看中国"), (8, "习近平")):
            holder = [t for t in joined if f" {name} {{{n}}}" in t]
            assert len(holder) == 1, (width, joined)
        assert all(cell_width(t) <= width for t in joined), (width, joined)
        assert joined[0].startswith(_("Tags") + " ")
        assert all(t.startswith(" " * 5) for t in joined[1:]), joined
    # On a line too narrow for a chip, it is wrapped, its number with its last character.
    narrow = [text_of(line) for line in tag_chips(chips, 12)]
    assert all(not t.strip().startswith("{") for t in narrow), narrow
    # A chip wider than the line is wrapped on its own and still carries its number.
    long = tag_chips([((" " + "长" * 20 + " ", "tag", 1), 1)], 16)
    assert "".join(text_of(line) for line in long).count("{1}") == 1


def test_link_numbers_are_written_apart_from_footnotes() -> None:
    spans = [Span("朝鲜。[5]"), Span("云溪", SpanKind.LINK, 5), Span("后文")]
    article = Article(
        REF,
        "标题",
        blocks=[Block(BlockType.PARAGRAPH, spans)],
        tags=[Tag("云溪", "https://www.epochtimes.com/gb/tag/x.html")],
        links=[Link(5, "云溪", LinkKind.EXTERNAL, "https://example.org/", "https://example.org/")],
    )
    out = dump_text(article, None, 40)
    assert "朝鲜。[5]{5}云溪后文" in out  # dump: the number before the link, in braces
    reader = [text_of(line) for line in _block_lines(article.blocks[0], 40, READER)]
    assert reader == ["朝鲜。[5]云溪{5}后文"]
    line = _block_lines(article.blocks[0], 40, READER)[0]
    assert [run for run in line if run[1] == "marker"] == [("{5}", "marker", 5)]
    assert is_link_number("{5}") and not is_link_number("[5]")


def test_the_followed_notice_names_number_and_text() -> None:
    link = Link(
        12, "  云溪\n日报  ", LinkKind.EXTERNAL, "https://example.org/", "https://example.org/"
    )
    assert followed_notice(link) == "Following link {12}: 云溪 日报"
    long = Link(3, "长" * 500, LinkKind.EXTERNAL, "u", "u")
    notice = followed_notice(long)
    assert notice.endswith("…") and cell_width(notice) <= len("Following link {3}: ") + 40


# ---------------------------------------------------------------------- properties

ALPHABET = list("云溪市图书馆开放读者，。、：；？！“”‘’（）《》「」……—ab xyz12[]ッー")
ROLES = ("body", "link", "emph")


@st.composite
def run_lists(draw: st.DrawFn) -> list[Run]:
    runs: list[Run] = []
    for i in range(draw(st.integers(1, 6))):
        text = draw(st.text(st.sampled_from(ALPHABET), min_size=1, max_size=30))
        role = draw(st.sampled_from(ROLES))
        if role == "link":
            runs.append((text, "link", i))
            runs.append((link_number(i), "marker", i))
        else:
            runs.append((text, role, None))
    return runs


def flat(lines: list[Line]) -> list[tuple[str, str, int | None]]:
    return [
        (ch, role, link) for line in lines for text, role, link in line for ch in text if ch != " "
    ]


@settings(max_examples=400, deadline=None)
@given(run_lists(), st.integers(4, 50), st.booleans())
def test_no_line_too_wide_and_nothing_lost_or_reordered(
    runs: list[Run], width: int, hang: bool
) -> None:
    lines = wrap_runs(runs, width, hang=hang)
    # Every character, in order, with its role and link (spaces may go at line breaks).
    assert flat(lines) == [(ch, r, n) for t, r, n in runs for ch in t if ch != " "]
    for line in lines:
        text = text_of(line)
        over = cell_width(text) - width
        if over > 0:
            # Only the reader hangs, one closing mark of at most two cells, or a lone
            # character wider than a two-cell line.
            assert hang and text[-1] in NO_LINE_START and over <= 2 or cell_width(text) <= 2, (
                text,
                width,
            )


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from(ALPHABET), max_size=120), st.integers(4, 50))
def test_plain_wrap_never_exceeds_the_width(text: str, width: int) -> None:
    lines = wrap(text, width)
    assert all(cell_width(line) <= width or len(line) == 1 for line in lines), (lines, width)
    assert "".join("".join(lines).split()) == "".join(text.split())


# ---------------------------------------------------------------------- ambiguous width


@pytest.fixture
def wide_ambiguous():
    set_ambiguous_width(2)
    try:
        yield
    finally:
        set_ambiguous_width(1)


def test_ambiguous_characters_count_two_cells_when_asked(wide_ambiguous: None) -> None:
    assert ambiguous_width() == 2
    assert cell_width("“云”…—·⏎") == 14
    assert cell_width("abc") == 3 and cell_width("│") == 1  # frames stay one cell
    text = "他说：“云溪市图书馆新馆开放”……读者‘很多’"
    for width in range(8, 30):
        lines = wrap(text, width)
        assert all(cell_width(line) <= width for line in lines), (width, lines)
        assert "".join(lines) == text


def test_ambiguous_width_defaults_to_one_cell() -> None:
    assert ambiguous_width() == 1
    assert cell_width("“云”…") == 5


def _python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_rich_measures_ambiguous_characters_as_the_core_does() -> None:
    # In a fresh interpreter: the switch is process-wide, as the terminal is.
    out = _python(
        "from rich.cells import cell_len\n"
        "from rich.segment import Segment\n"
        "from tui.widgets.ambiguous import widen_ambiguous\n"
        "from tui.core.text import cell_width\n"
        "before = cell_len('“云”…·α')\n"
        "widen_ambiguous()\n"
        "s = '“云”…·α'\n"
        "print(before, cell_len(s), cell_width(s), Segment(s).cell_length, cell_len('│▎ab'))\n"
    )
    assert out.split() == ["7", "12", "12", "12", "4"]


def test_dump_follows_the_ambiguous_width_flag() -> None:
    page = "pages/nsc422/n14200030.md"
    code = (
        "import sys\nfrom tui.cli import main\n"
        f"sys.exit(main(['--sample', '--ambiguous-width', sys.argv[1], 'dump', '--width', '30', '{page}']))\n"
    )
    outs = {}
    for cells in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-c", code, cells],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        outs[cells] = result.stdout
    assert outs["1"] != outs["2"]
    set_ambiguous_width(2)
    try:
        assert all(cell_width(line) <= 30 for line in outs["2"].splitlines())
    finally:
        set_ambiguous_width(1)
