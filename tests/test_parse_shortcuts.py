"""The parser's shortcuts answer what the long way answers.

Each fast path of the article pipeline skips work on a proof that the work cannot change the
result (a URL that cannot be a tag page, an escape that cannot spell a file name, a regex
reshaped so the engine can skip ahead). These tests hold each shortcut to the plain form it
replaces, on generated input built from the characters that matter.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.parse import article, cleaner, fastmd, tags
from tui.core.parse.tree import _empty_soup
from tui.core.text import _ws_run
from tui.core.urls import DEFAULT_HOME, PageRef, _resolve_url, resolve

# The plain forms (as they were written before the shortcuts).
WS = re.compile(r"[ \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
INLINE_BAIL = re.compile(r"[*_`\\]|!\[|<[!?]")
BAIL_LINE = re.compile(r"^[ \t]*(?:>|[-*+](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|```|~~~)", re.M)


def pieces(*alphabet: str, max_size: int = 12) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(alphabet), max_size=max_size).map("".join)


# Tag-page shapes (host, optional /news, the gb/b5 segment as written or escaped, the rest)
# and free mixtures of the same parts.
SEGMENTS = st.sampled_from(["gb", "GB", "b5", "B5", "%67b", "g%62", "%67%62", "%62%35", "g"])
SHAPED = st.builds(
    lambda host, news, seg, tag, name: f"{host}/{news}{seg}/{tag}{name}",
    st.sampled_from(["", "https://www.epochtimes.com", "http://ntdtv.com", "//secretchina.com"]),
    st.sampled_from(["", "news/", "%6Eews/"]),
    SEGMENTS,
    st.sampled_from(["", "tag/", "t%61g/"]),
    st.sampled_from(["看.html", "x.htm", "%E7%9C%8B/", "x.html?y", "a/b.htm"]),
)
URLS = SHAPED | pieces(
    "https://", "http://", "//", "/", "www.epochtimes.com", "ntdtv.com", "secretchina.com",
    "gb", "GB", "b5", "B5", "g", "b", "5", "news", "tag", "%67", "%62", "%2F", "%2f",
    "%E7%9C%8B", "看", "x.html", ".htm", "?", "#", "[", "]", " ", "n1.md", "%",
)  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(URLS)
def test_tag_url_prefilter(url: str) -> None:
    assert tags.is_tag_url(url) == (tags._match_split(url) is not None)


NAMES = st.sampled_from(["n13852629.md", "5n1.md", "E5.md", "a.md", "看.md"])
SELF_URLS = pieces(
    "%E5", "%e4%b8%ad", "%41", "%45", "%35", "%61", "%6E", "%6e", "%2E", "%2F", "%", "%G1",
    "%FF", "%C3", "n", "n1", "13852629", "3852629", ".md", "md", "/", "5", "E", "E5", "5.md",
    "a", "n13852629.md", "看", "%E7%9C%8B",
)  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(SELF_URLS, NAMES)
def test_escapes_that_cannot_spell_the_name(url: str, name: str) -> None:
    """Where the self-link search skips decoding, decoding would not have found the name."""
    if name not in url and name.isascii() and cleaner._ASCII_ESCAPE.search(url) is None:
        assert name not in unquote(url)


TEXT = pieces(
    " ", "\n", "\t", "\u3000", "\u00a0", "\u2009", "文", "a", "*", "_", "`", "\\", "!", "[",
    "<", "?", ">", "-", "+", "1", "12", ".", ")", "```", "~~~", "#", "- - -",
    "订阅", "欢迎", "YouTube", "频道", "：", ":", "神韵", "晚会，每年一套全新节目", "观看",
    "演出", "IG", "脸书", "点阅", "新书", "点击这里查看", "系列文章", "请关注我们", "Facebook",
    "主页", "您", "现场", "欣赏更多", "作品",
    max_size=16,
)  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(TEXT)
def test_reshaped_regexes(text: str) -> None:
    runs = [m.span() for m in WS.finditer(text)]
    assert [m.span() for m in cleaner._WS.finditer(text)] == runs
    assert [m.span() for m in _ws_run().finditer(text)] == runs
    assert (fastmd._INLINE_BAIL.search(text) is None) == (INLINE_BAIL.search(text) is None)
    # the cheap look before the promotion patterns never turns one of them away
    folded = text.translate(article._FOLD)
    if article._PROMO_HINTS.search(text) is None:
        assert article._PROMO_START.match(folded) is None
        assert article._PROMO.search(folded) is None
        head = article._PROMO_HEAD.match(folded)
        assert head is None or not folded[head.end() :].strip()


@settings(max_examples=1000, deadline=None)
@given(TEXT)
def test_block_openers_line_by_line(text: str) -> None:
    starts = [m.start() for m in BAIL_LINE.finditer(text)]
    found = [m.start() + 1 for m in fastmd._BAIL_LINE.finditer(text)]
    if fastmd._BAIL_FIRST.match(text):
        found.insert(0, 0)
    assert found == starts


def test_empty_soup_is_bs4s() -> None:
    """build_soup's document starts as bs4's own empty one, attribute for attribute."""
    mine = vars(_empty_soup())
    theirs = vars(BeautifulSoup("", "lxml", multi_valued_attributes=None))
    assert mine.keys() == theirs.keys()
    for key, value in mine.items():
        if key == "builder":
            assert type(value) is type(theirs[key])
        else:
            assert value == theirs[key], key


BASES = [
    DEFAULT_HOME.with_path(p)
    for p in ("README.md", "pages/nsc413/n13573222.md", "indexes/E专栏文集.md", "a/b/c/d.md")
]
ESCAPED_HREFS = pieces(
    "../", "./", "/", "..", ".", "pages/", "indexes/", "E", "x", "%E4%B8%93", "%e6%a0%8f",
    "%E4%B8", "%FF", "%C3%A9", "%41", "%2F", "%2E", "中", ".md", ".MD", "?n1", "?a=b&c",
    "#top", "//", "~",
)  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(ESCAPED_HREFS, st.sampled_from(BASES))
def test_escaped_md_links_resolve_as_joined_urls(href: str, base: PageRef) -> None:
    """A link with escaped (Chinese) file names resolves as the blob-URL join resolves it."""
    if href.strip():
        assert resolve(base, href) == _resolve_url(base, href.strip())
