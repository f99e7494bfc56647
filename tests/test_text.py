"""CJK-aware joining, sanitising and wrapping (shared by the parser and the reader)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.text import (
    NO_LINE_END,
    NO_LINE_START,
    cell_width,
    join_soft_breaks,
    normalise_space,
    one_line,
    sanitise,
    wrap,
    wrap_runs,
)


def test_soft_breaks_vanish_between_cjk() -> None:
    assert join_soft_breaks("中共\n  高官\n 刘荣") == "中共高官刘荣"
    assert join_soft_breaks("首场“\n 家长\n ”10月") == "首场“家长”10月"


def test_soft_breaks_are_one_space_between_latin_words() -> None:
    assert join_soft_breaks("Ed\n   Hernandez  said") == "Ed Hernandez said"
    assert join_soft_breaks("  leading and trailing \n") == "leading and trailing"


def test_soft_break_next_to_cjk_and_latin() -> None:
    # This test once said "在\n COVID-19\n 常态化" -> "在COVID-19常态化" for plain text. Plain
    # text has no tags, so its line breaks are the author's own (a Markdown paragraph's lines,
    # unprettified HTML): one space between Han and Latin, as a browser shows them. The old
    # result belongs to the prettifier's breaks at tag boundaries (``edges``): the mirror's
    # authors glue Han and Latin, and the prettifier's line says nothing about the source.
    assert join_soft_breaks("在\n COVID-19\n 常态化") == "在 COVID-19 常态化"
    assert join_soft_breaks("原文\nA Poignant Memory\n刊登于") == "原文 A Poignant Memory 刊登于"
    # The same text as three text nodes (in<span>COVID-19</span>...): the breaks go.
    text = "在\n COVID-19\n 常态化"
    assert join_soft_breaks(text, edges=[2, 12]) == "在COVID-19常态化"
    # A space typed before the break is the author's, tag or not.
    assert join_soft_breaks("原文 \n A Poignant", edges=[3]) == "原文 A Poignant"
    # Full-width punctuation carries its own spacing: nothing beside it, text node or not.
    assert join_soft_breaks("原文“\nThe States\n”刊于") == "原文“The States”刊于"
    assert join_soft_breaks("Web3\n，最近") == "Web3，最近"


def test_tag_edge_spaces_inside_cjk_sentences_go() -> None:
    # A page minified after prettifying squeezes each tag's line break to one space:
    # 世界 <a> 法轮大法 </a> 日. Between CJK characters at a tag that space is markup.
    text = "世界 法轮大法 日"
    assert join_soft_breaks(text, edges=[3, 7]) == "世界法轮大法日"
    # Inside one text node the same spaces were typed and stay.
    assert join_soft_breaks(text) == text
    # Between Han and Latin a single space at a tag is kept: the author may have typed it.
    assert join_soft_breaks("原文 A Poignant 刊登于", edges=[3, 13]) == "原文 A Poignant 刊登于"


def test_hashtags_stay_apart() -> None:
    # #法轮功\n#真相 (one tag link per line): a break before "#" starts a new word.
    assert join_soft_breaks("#法轮功\n #真相", edges=[4]) == "#法轮功 #真相"
    assert join_soft_breaks("#法轮功\n#真相") == "#法轮功 #真相"
    assert join_soft_breaks("#法轮功 #真相") == "#法轮功 #真相"
    # An opening bracket keeps what follows it: （#真相 has no gap.
    assert join_soft_breaks("（\n#真相）", edges=[1]) == "（#真相）"


def test_typed_spaces_between_cjk_stay() -> None:
    assert join_soft_breaks("习近平 李克强") == "习近平 李克强"
    assert join_soft_breaks("目\u3000录") == "目\u3000录"


def test_sanitise_strips_controls_zero_width_and_bidi() -> None:
    dirty = "a\x1b[31mb\x07c\x9bd\u200be\u202ef\u2066g\ufeffh\x00i\r\nj\tk"
    assert sanitise(dirty) == "a[31mbcdefghi\nj\tk"
    assert sanitise("plain ascii") == "plain ascii"


def test_normalise_space() -> None:
    assert normalise_space(" a\u00a0\u00a0b \u3000c\n") == "a b c"


def test_cell_width() -> None:
    assert cell_width("abc") == 3
    assert cell_width("中文") == 4
    assert cell_width("ａ") == 2  # fullwidth Latin
    assert cell_width("e\u0301") == 1  # combining accent
    assert cell_width("") == 0


def test_wrap_cjk_breaks_anywhere_within_width() -> None:
    text = "这是一个很长的中文段落，需要在任何两个汉字之间断开，而不是在空格处。" * 3
    lines = wrap(text, 20)
    assert all(cell_width(line) <= 20 for line in lines)
    assert "".join(lines) == text
    assert len(lines) >= len(text) * 2 // 20


def test_wrap_latin_at_spaces() -> None:
    lines = wrap("the quick brown fox jumps over the lazy dog", 10)
    assert lines == ["the quick", "brown fox", "jumps over", "the lazy", "dog"]


def test_wrap_cuts_words_longer_than_the_line() -> None:
    url = "https://example.com/" + "x" * 50
    lines = wrap(url, 16)
    assert all(cell_width(line) <= 16 for line in lines)
    assert "".join(lines) == url


def test_wrap_keeps_closing_punctuation_off_line_starts() -> None:
    text = "一二三四五六七八九，十一二三四五六七八九。"
    for width in range(4, 24, 2):
        for line in wrap(text, width)[1:]:
            assert line[0] not in "，。", (width, line)


def test_wrap_hard_breaks_and_empty() -> None:
    assert wrap("", 10) == []
    assert wrap("a\n\nb", 10) == ["a", "", "b"]


def test_wrap_mixed_text_stays_within_width() -> None:
    text = "吴佳颖（Hilary Wu）教授目前是有照肾脏营养师, 曾在台湾及美国学术界任职[12]学校营养"
    for width in range(2, 40):
        lines = wrap(text, width)
        assert all(cell_width(line) <= width for line in lines), (width, lines)
        assert normalise_space("".join(lines)).replace(" ", "") == text.replace(" ", "")


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200), width=st.integers(min_value=2, max_value=60))
def test_wrap_never_exceeds_width_and_loses_no_text(text: str, width: int) -> None:
    text = sanitise(text)
    lines = wrap(text, width)
    for line in lines:
        assert cell_width(line) <= width, (line, width)
    joined = "".join(lines)
    assert "".join(text.split()) == "".join(joined.split())


def test_wrap_keeps_every_character_of_a_long_mixed_paragraph() -> None:
    """A long paragraph of Chinese and Latin wraps within the width, nothing lost (its speed
    over 2,000 paragraphs: bench/core.py)."""
    para = (
        "【大纪元2022年10月26日讯】首场“家长生存妙招”10月19日由吴佳颖主讲，Latin words here. " * 3
    )
    lines = wrap(para, 80)
    assert len(lines) > 1 and all(cell_width(line) <= 80 for line in lines)
    assert "".join("".join(lines).split()) == "".join(para.split())


def plain(lines: list[tuple[tuple[str, str, int | None], ...]]) -> list[str]:
    return ["".join(run[0] for run in line) for line in lines]


def test_wrap_is_the_run_engine_with_one_run() -> None:
    text = "云溪市图书馆新馆开放首周，接待读者逾两万人次。Latin words wrap at spaces too."
    for width in range(4, 40):
        assert wrap(text, width) == plain(wrap_runs([(text, "body", None)], width, hang=False))


def test_strict_wrap_moves_a_character_down_with_closing_punctuation() -> None:
    # Width 10 holds five ideographs: "。" would start line two; "书" comes down with it.
    assert wrap("云溪市图书。馆开放", 10) == ["云溪市图", "书。馆开放"]
    # The reader's hang mode keeps the line and lets the mark hang past the edge instead.
    assert plain(wrap_runs([("云溪市图书。馆开放", "body", None)], 10)) == [
        "云溪市图书。",
        "馆开放",
    ]
    # One mark at most: a second closing mark is pushed down with the character before.
    assert plain(wrap_runs([("云溪市图书。」馆开", "body", None)], 10)) == [
        "云溪市图",
        "书。」馆开",
    ]
    # A run of closing marks moves as one, with the character before it.
    assert wrap("云溪市图书。」馆", 10) == ["云溪市图", "书。」馆"]
    # ASCII stops count too: "..." is not left alone at a line start.
    assert wrap("城市旧影...）", 12) == ["城市旧", "影...）"]


def test_strict_wrap_keeps_opening_marks_off_line_ends() -> None:
    for width in range(6, 30):
        for text in (
            "云溪市图书馆新馆（开放首周）接待读者",
            "他说：“云溪市图书馆新馆开放”，读者",
            "标题(图)标题(组图)",
        ):
            lines = wrap(text, width)
            assert "".join(lines) == text
            for line in lines[:-1]:
                assert line[-1] not in NO_LINE_END, (width, lines)
            for line in lines[1:]:
                assert line[0] not in NO_LINE_START, (width, lines)


def test_strict_wrap_keeps_a_link_marker_with_its_text() -> None:
    text = "前文前文前文{12}云溪市后文"
    for width in range(8, 24):
        lines = wrap(text, width)
        assert "".join(lines) == text
        assert not any(line.endswith("}") for line in lines[:-1]), (width, lines)
    # In one plain run (hang mode, no glue) the mark is a word like any other.
    assert plain(wrap_runs([("前文前{1}云溪市", "body", None)], 10)) == ["前文前{1}", "云溪市"]
    assert wrap("前文前{1}云溪市", 10) == ["前文前", "{1}云溪市"]


def test_indent_and_rest() -> None:
    runs = [("云溪市图书馆新馆开放首周接待读者", "caption", None)]
    lines = wrap_runs(runs, 16, "[图片] ", rest="       ", indent_role="caption", hang=False)
    assert plain(lines) == [
        "[图片] 云溪市图",
        "       书馆新馆",
        "       开放首周",
        "       接待读者",
    ]
    assert all(cell_width(text) <= 16 for text in plain(lines))
    assert lines[0][0] == ("[图片] ", "caption", None) and lines[1][0][1] == "caption"
    # Without ``rest`` the continuation lines are indented by as many spaces as ``indent``.
    assert plain(wrap_runs([("alpha beta gamma", "body", None)], 10, "• ")) == [
        "• alpha",
        "  beta",
        "  gamma",
    ]


def test_styled_runs_keep_their_roles_across_a_moved_character() -> None:
    runs = [("云溪市图", "body", None), ("书", "link", 3), ("。馆", "body", None)]
    lines = wrap_runs(runs, 10, hang=False)
    assert lines == [(("云溪市图", "body", None),), (("书", "link", 3), ("。馆", "body", None))]


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(st.sampled_from(list("云溪市图书馆，。（）“”《》[]12 ab")), max_size=80),
    width=st.integers(min_value=4, max_value=40),
)
def test_strict_kinsoku_loses_nothing_and_never_overflows(text: str, width: int) -> None:
    lines = wrap(text, width)
    assert all(cell_width(line) <= width for line in lines), (lines, width)
    assert "".join(text.split()) == "".join("".join(lines).split())


def test_one_line_leaves_nothing_that_can_act_on_a_terminal() -> None:
    assert one_line("plain [bold]text[/]") == "plain [bold]text[/]"  # markup is just text
    hostile = "a\x1b]0;title\x07b\x9b2J\tc\nd\u202ee\u2028f"
    out = one_line(hostile)
    assert out == "a]0;titleb2J c de f"  # the bidi override goes, the separator is a space
    assert all(ch.isprintable() for ch in out)
    assert one_line("云溪\n快讯") == "云溪 快讯"
