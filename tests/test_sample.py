"""Structural checks of the bundled sample mirror (``tui/sample``), over the raw files.

The sample stands in for the real mirror offline and in snapshot tests, so it must have the
real mirror's shape and noise (see ``../shared/corpus/NOTES.md``) while every sentence in it
is our own. These tests read the files with regexes and BeautifulSoup only, never with the
app's parsers, so a parser bug cannot hide a gap in the sample.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

from tests.corpus import pages
from tui.core.urls import LinkKind, PageRef, resolve

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tui" / "sample"
OWNER = "goodnews-sample"
MIRROR = SAMPLE / OWNER / "goodnews" / "master"

MISSING = "pages/nsc413/n14200099.md"  # the deliberate 404, listed in indexes/E头条.md
LONG = "pages/nsc422/n14200030.md"
HOSTILE = "pages/nsc413/n14200066.md"
TRADITIONAL = "pages/soh_gtxw/n4000201.md"
NO_DATELINE = {"pages/p6/2000101.md"}  # a history column, as on real S pages
NO_LEAD = {"pages/nsc415/n14200020.md", "pages/nsc415/n14200025.md", "pages/prog204/a104000115.md"}
NO_LEAD_CAPTION = {"pages/soh_rdzz/n4000110.md"}  # audio programme: bare lead image
NO_EDITOR = {"pages/p1/2000005.md"}  # S footer with 来源: instead

FAMILY_SECTIONS = {
    "大纪元新闻网": "E",
    "新唐人电视台": "N",
    "希望之声SOH": "H",
    "看中国新闻网": "S",
}
TEST_NET = r"(?:203\.0\.113|198\.51\.100)\.\d{1,3}"
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Characters that exist only in traditional script (their simplified forms differ).
TRADITIONAL_ONLY = set(
    "與們這會來說書圖館灣臺東華發開過時區參舉辦為點個對學體歲鄉畫餘幾當錢廣關術藝聲續應題務邊從實現電車氣溫縣陳連覽觀駐講孫輩節這場屆贈單"
)

DATELINE = {
    "E": re.compile(r"【大纪元(\d{4})年(\d{2})月(\d{2})日讯】"),
    "N": re.compile(r"【新唐人北京时间(\d{4})年(\d{2})月(\d{2})日讯】"),
    "H": re.compile(
        r'<span class="content-info-date">\s*【希望之声(\d{4})年(\d{1,2})月(\d{1,2})日】'
    ),
    "S": re.compile(r"【看中国(\d{4})年(\d{2})月(\d{2})日讯】"),
}
ORIGINAL = {
    "E": re.compile(
        r"^原文地址（需翻墙访问）：https://www\.epochtimes\.com/gb/\d{2}/\d{1,2}/\d{1,2}/n\d+\.htm$",
        re.M,
    ),
    "N": re.compile(
        r"^原文地址（需翻墙访问）：https://www\.ntdtv\.com/gb/\d{4}/\d{2}/\d{2}/a\d+\.html$", re.M
    ),
    "H": re.compile(
        r"^原文地址（需翻墙访问）：http://www\.soundofhope\.org/(?:gb|b5)/\d{4}/\d{2}/\d{2}/n\d+\.html$",
        re.M,
    ),
    "S": re.compile(
        r"^原文地址（需翻墙访问）：https://www\.secretchina\.com/news/gb/\d{4}/\d{2}/\d{2}/\d+\.html$",
        re.M,
    ),
}
LEAD = {
    "E": re.compile(
        r'<div><img alt="[^"]*" class="attachment-djy_600_400[^"]*" src="https://i\.epochtimes\.com/[^"]+"/>\n<div class="caption">\n [^<\n]+\n</div></div><hr/>'
    ),
    "N": re.compile(
        r'<div><div class="featured_image">\n <figure>\n  <img alt="[^"]*" src="https://i\.ntdtv\.com/[^"]+"/>\n </figure><br/>\n <span class="caption">\n  [^<\n]+\n </span>'
    ),
    "H": re.compile(
        r'<div class="zhidingtu">\n <div class="ar-wrap-3x2">\n  <img alt="[^"]*" class="ar-wrap-inside-fill" src="http://img\.soundofhope\.org/[^"]+"/>\n </div>\n <div class="caption">\n  [^<\n]+\n </div>'
    ),
    "S": re.compile(
        r'<div class="article_right" style="fone-color:#000">\n <p style="text-align:center">\n  <img alt="[^"]*" src="https://img5\.secretchina\.com/[^"]+"[^>]*/>\n  <br>\n   [^<\n]+\n'
    ),
}
ADS = {
    "N": re.compile(r'<div class="single_ad">'),
    "H": re.compile(
        r'<div class="widget ad-300x250[^"]*">\s*<!--[^>]*-->\s*<ins class="adsbygoogle"'
    ),
    "S": re.compile(r'<div id="div-gpt-ad-\d+-0"'),
}
TAG_RES = {
    "E": re.compile(
        r'<ok href="https://www\.epochtimes\.com/gb/tag/((?:%[0-9A-F]{2})+)\.html">\n\s+([^<\n]+)\n\s+</ok>'
    ),
    "N": re.compile(
        r'<ok href="https://www\.ntdtv\.com/gb/([^"/%.]+)\.htm">\n\s+([^<\n]+)\n\s+</ok>'
    ),
    "S": re.compile(
        r'<span href="https://www\.secretchina\.com/news/gb/tag/([^"/]+)" target="_blank">'
    ),
    "S-relative": re.compile(r'<span href="/news/gb/tag/([^"/]+?) +">'),
}
HREF = re.compile(r"""\]\(([^()\s]+)\)|\b(?:href|src)=(?:"([^"]*)"|'([^']*)')""")


# ------------------------------------------------------------------ helpers


def rel(path: Path) -> str:
    return path.relative_to(MIRROR).as_posix()


def ref_of(path: Path) -> PageRef:
    owner, repo, ref, *rest = path.relative_to(SAMPLE).parts
    return PageRef(owner, repo, ref, "/".join(rest))


def family(page: str) -> str:
    d = page.split("/")[1]
    if d.startswith(("nsc", "nf")):
        return "E"
    if d.startswith("prog"):
        return "N"
    if d.startswith("soh_"):
        return "H"
    assert re.fullmatch(r"p\d|recommended", d), d
    return "S"


@cache
def text(page: str) -> str:
    return (MIRROR / page).read_bytes().decode("utf-8")


@cache
def articles() -> tuple[str, ...]:
    return tuple(sorted(rel(p) for p in MIRROR.glob("pages/*/*.md")))


@cache
def indexes() -> tuple[str, ...]:
    return tuple(sorted(rel(p) for p in MIRROR.glob("indexes/*.md")))


def index_entries(index: str) -> list[tuple[str, str]]:
    """(title, href) of every ``#### [title](href)`` entry line of an index."""
    out = []
    for line in text(index).splitlines()[1:]:
        m = re.match(r"^#### (?:推荐内容：)?\[(.*)\]\(([^()\s]+)\)\s*$", line)
        if m:
            out.append((m.group(1), m.group(2)))
    return out


def listed_pages() -> set[str]:
    found = set()
    for index in indexes():
        base = ref_of(MIRROR / index)
        for _, href in index_entries(index):
            target = resolve(base, href)
            if target and target.ref and target.ref.repo == "goodnews":
                found.add(target.ref.path)
    return found


def tags_of(page: str) -> list[str]:
    t = text(page)
    names = [unquote(m.group(1)) for m in TAG_RES["E"].finditer(t)]
    names += [m.group(1) for m in TAG_RES["N"].finditer(t)]
    names += [m.group(1) for m in TAG_RES["S"].finditer(t)]
    names += [m.group(1) for m in TAG_RES["S-relative"].finditer(t)]
    return names


def page_date(page: str) -> date:
    """Publication date, from the original-site URL (every page has one)."""
    m = re.search(r"原文地址（需翻墙访问）：(\S+)", text(page))
    assert m, page
    url = m.group(1)
    if "epochtimes" in url:
        y, mo, d = re.search(r"/gb/(\d{2})/(\d{1,2})/(\d{1,2})/", url).groups()
        return date(2000 + int(y), int(mo), int(d))
    y, mo, d = re.search(r"/(\d{4})/(\d{2})/(\d{2})/", url).groups()
    return date(int(y), int(mo), int(d))


def body(page: str) -> str:
    """The page without its title line."""
    return text(page).split("\n", 1)[1]


# ------------------------------------------------------------------ home


def test_home_has_family_sections_with_category_links():
    home = text("README.md")
    sections = dict(re.findall(r"^#### ?(\S+) &nbsp;-&nbsp; (.+)$", home, re.M))
    families = [name for name in sections if name in FAMILY_SECTIONS]
    assert len(families) >= 3, sections.keys()
    for name in families:
        links = re.findall(r"\[([^\]]+)\]\(indexes/([^)]+\.md)\?t=\d+\)", sections[name])
        assert links, name
        assert "&nbsp;|&nbsp;" in sections[name] or len(links) == 1
        for _, target in links:
            assert target[0] == FAMILY_SECTIONS[name], (name, target)
            assert (MIRROR / "indexes" / target).is_file(), target
    cross = next(v for k, v in sections.items() if "必看" in k)
    assert re.search(r"\]\(\.\./\.\./\.\./basic/blob/master/README\.md\?t=\d+\)", cross)
    assert re.search(r"\]\(https?://[^)]+\)", cross)


# ------------------------------------------------------------------ indexes


def test_index_set():
    stems = [Path(i).stem for i in indexes()]
    lettered = [s for s in stems if s[0] in "ENHS"]
    assert len(lettered) >= 4
    assert {s[0] for s in lettered} == set("ENHS")


@pytest.mark.parametrize("index", indexes())
def test_index_structure(index: str):
    t = text(index)
    lines = t.splitlines()
    stem = Path(index).stem
    entries = index_entries(index)
    assert entries, index
    if stem.startswith(("热点", "-")):  # absolute blob URLs, no blank lines, as on the real ones
        assert all(
            h.startswith(f"https://github.com/{OWNER}/goodnews/blob/master/pages/")
            for _, h in entries
        )
        return
    assert re.match(r"^####  \[[^\]]+\]\((\.\./){4}basic/blob/master/README\.md\?t=\d+\)", lines[0])
    pages_ = [h for _, h in entries if h.startswith("../pages/")]
    assert pages_, index
    assert all(re.fullmatch(r"\.\./pages/[^/]+/[^/]+\.md\?t=\d+", h) for h in pages_)
    assert re.search(r"^#### \[[^\n]+\]\(\.\./pages/[^)]+\) \n\n", t, re.M)  # blank-line separated
    promos = [h for _, h in entries if re.match(rf"http://{TEST_NET}:\d+/", h)]
    tracker = re.search(
        r"<img src='http://tracker\.invalid/[^']+' width='0px' height='0px'/>\s*$", t
    )
    if stem[0] in "ENS":
        assert len(promos) == 1, index
        assert tracker, index
    elif stem[0] == "H":
        assert not promos and not tracker, index
    elif stem.startswith("p"):
        assert not promos, index
    # newest first (the deliberate 404 has no date)
    dates = [page_date(h[3:].split("?")[0]) for h in pages_ if h[3:].split("?")[0] != MISSING]
    assert dates == sorted(dates, reverse=True), index


# ------------------------------------------------------------------ articles


def test_article_counts():
    arts = articles()
    assert len(arts) >= 24
    per = defaultdict(int)
    for a in arts:
        per[family(a)] += 1
    assert set(per) == set("ENHS") and min(per.values()) >= 4, per
    listed = listed_pages()
    assert set(arts) <= listed, set(arts) - listed


def _paragraph_spans_lines(t: str) -> bool:
    soup = BeautifulSoup(t, "html.parser")
    for p in soup.find_all("p"):
        raw = str(p)
        texts = [ln for ln in raw.splitlines() if ln.strip() and not ln.strip().startswith("<")]
        if len(texts) >= 2:
            return True
    return False


@pytest.mark.parametrize("page", articles())
def test_article_template(page: str):
    fam = family(page)
    t = text(page)
    lines = t.split("\n")
    assert lines[0].startswith("### ") and len(lines[0]) > 5
    assert lines[1] == "------------------------"
    nav = lines[3]
    assert re.match(r"^#### \[首页\]\(\.\./\.\./README\.md(\?\w+)?\)", nav), nav
    assert re.search(r"\[[^\]]+\]\(\.\./\.\./indexes/[^)]+\.md(\?\w+)?\)", nav)
    assert re.search(r"\[法轮功真相\]\((\.\./){5}basic/blob/master/README\.md(\?\w+)?\)", nav)
    assert t.count(nav) == 2, "nav line top and bottom"
    # lead image with its caption
    if page not in NO_LEAD:
        if page in NO_LEAD_CAPTION:
            assert "ar-wrap-inside-fill" in t
        else:
            assert LEAD[fam].search(t), page
    # promo block
    promo_at = t.find("#### [ 💌 ")
    if fam == "H":
        assert promo_at < 0
    else:
        assert promo_at > 0
        assert re.search(
            rf"#### \[ 💌 [^\]]+\]\(https://github\.com/{OWNER}/goodnews/blob/master/quit/letter\.md(\?\w+)?\)",
            t,
        )
        assert re.search(rf"#### \[ 🎬 [^\]]+\]\(http://{TEST_NET}:10000/", t)
        assert re.search(r"#### \[ 🔥 [^\]]+\]\(", t)
        if fam == "S":
            assert t.rfind('<div id="txt-mid1-t21-2017">', 0, promo_at) > 0
    # ads and hidden spans
    if fam in ADS:
        assert ADS[fam].search(t), page
    if fam in "HS":
        assert 'class="adsbygoogle"' in t
    if fam == "S":
        assert re.search(r'<span id="hideid"[^>]*style="[^"]*display:none;', t)
        assert "本文短网址:" in t and re.search(r"<input [^>]*value=\"http://kzg\.io/\w+\"/>", t)
        assert "【诚征荣誉会员】" in t
    # share block, original URL, closing rule + nav, tracker
    url = f"https://github.com/{OWNER}/goodnews/blob/master/{page}"
    assert f"<hr/>\n手机上长按并复制下列链接或二维码分享本文章：<br/>\n{url} <br/>\n" in t
    assert re.search(rf"<a href='{re.escape(url)}'><img src='[^']+\.md\.png'/></a> <br/>", t)
    assert ORIGINAL[fam].search(t), page
    assert f"------------------------\n{nav}\n" in t
    assert t.endswith(
        f"<img src='http://tracker.invalid/goodnews/{page}' width='0px' height='0px'/>"
    )
    # dateline, editor, soft line breaks
    m = DATELINE[fam].search(t)
    if page in NO_DATELINE:
        assert not m
    else:
        assert m, page
        assert date(*map(int, m.groups())) == page_date(page)
        assert m.group(1) == "2024"
    if page not in NO_EDITOR:
        assert re.search(r"责任编辑[：:]", t), page
    assert _paragraph_spans_lines(t), page


def test_some_pages_have_subheads_and_figures():
    all_text = "".join(text(a) for a in articles())
    assert all_text.count("<h4>") >= 10
    assert re.search(r"<figure[^>]*>.*?<figcaption[^>]*>\s*[^<\s]", all_text, re.S)
    assert "<strong>" in all_text and "video_fit_container" in all_text
    assert "soh-audio-player" in all_text


# ------------------------------------------------------------------ tags and links


def test_all_three_tag_markups_present():
    all_text = "".join(text(a) for a in articles())
    for kind, rx in TAG_RES.items():
        assert rx.search(all_text), kind
    # link text of E tags is the decoded URL name
    for m in TAG_RES["E"].finditer(all_text):
        assert unquote(m.group(1)) == m.group(2).strip()


def test_tags_are_shared_across_articles():
    where: dict[str, set[str]] = defaultdict(set)
    for a in articles():
        for name in tags_of(a):
            where[name].add(a)
    shared = {name: len(arts) for name, arts in where.items() if len(arts) >= 2}
    assert len(shared) >= 3, shared
    assert len(where["云溪市"]) >= 6
    for name in ("天气", "图书馆", "茶文化", "历史"):
        assert len(where[name]) >= 3, name
    # a shared tag appears in more than one markup
    assert any(len({family(a) for a in arts}) >= 3 for arts in where.values()), (
        "a tag shared by E, N and S articles"
    )


def test_non_tag_links_in_bodies():
    all_text = "".join(text(a) for a in articles())
    assert re.search(r'<ok href="https://www\.epochtimes\.com/gb/\d+/\d+/\d+/n\d+\.htm">', all_text)
    assert re.search(r'<ok href="https://i\.[a-z]+\.com/[^"]+\.jpe?g"', all_text)
    assert '<ok href="#_Toc1">' in all_text and '<a name="_Toc1">' in all_text
    assert re.search(r'<ok href="\.\./p1/\d+\.md">', all_text)
    assert re.search(r'<(ok|span) href="(\.\./){5}basic/blob/master/[^"]+">', all_text)
    assert re.search(r'<ok href="https://www\.example\.org/[^"]+"', all_text)
    assert re.search(r'<span href="https?://(?!www\.secretchina\.com)[^"]+"', all_text)


def _sample_files() -> list[Path]:
    return sorted(p for p in SAMPLE.rglob("*.md"))


def test_every_sample_link_resolves_except_the_deliberate_404():
    missing: dict[str, list[str]] = defaultdict(list)
    checked = 0
    for file in _sample_files():
        base = ref_of(file)
        t = file.read_text(encoding="utf-8")
        for m in HREF.finditer(t):
            href = next(g for g in m.groups() if g is not None)
            target = resolve(base, href)
            if target is None or target.kind is not LinkKind.PAGE or target.ref is None:
                continue
            if target.ref.owner != OWNER:
                continue
            checked += 1
            if not (SAMPLE / target.ref.raw_path).is_file():
                missing[target.ref.path].append(str(file.relative_to(SAMPLE)))
    assert checked > 200
    assert set(missing) == {MISSING}, dict(missing)
    assert all("indexes/" in f for f in missing[MISSING])


def test_cross_repo_pages():
    basic = SAMPLE / OWNER / "basic" / "master" / "README.md"
    soup = BeautifulSoup(basic.read_text(encoding="utf-8"), "html.parser")
    t = soup.get_text()
    assert re.search(r"^# \S", t, re.M)
    assert re.search(r"^- \[", t, re.M)
    assert len(re.findall(r"\]\(", t)) >= 3
    letter = (MIRROR / "quit" / "letter.md").read_bytes()
    assert b"\r\n" in letter and b"\n" not in letter.replace(b"\r\n", b"")


# ------------------------------------------------------------------ special pages


def test_long_article():
    t = text(LONG)
    assert len(re.findall(r"<p[\s>]", t)) >= 2000
    assert 150_000 <= len(t.encode("utf-8")) <= 320_000
    assert LONG in listed_pages()


def test_hostile_article():
    title, rest = text(HOSTILE).split("\n", 1)
    items = [
        "[@click=app.quit]x[/]",
        "[bold red]rich tag[/]",
        "[link=https://example.invalid]x[/link]",
        "\x1b[31m",
        "\u202e",
        "<script>",
    ]
    for item in items:
        assert item in title, item
        assert item in rest, item
    for part in (title, rest):
        assert re.search("[\u200b\u200c\u200d\ufeff]", part)
    assert HOSTILE in listed_pages()
    assert any("[@click=app.quit]" in t for i in indexes() for t, _ in index_entries(i))


def test_traditional_article():
    def score(s: str) -> int:
        return sum(ch in TRADITIONAL_ONLY for ch in s)

    title, rest = text(TRADITIONAL).split("\n", 1)
    assert score(title) >= 5 and score(rest) >= 40
    assert "soundofhope.org/b5/" in rest
    others = [a for a in articles() if a != TRADITIONAL]
    assert all(score(text(a).split("\n", 1)[0]) == 0 for a in others)


def test_deliberate_404_is_listed_and_absent():
    assert not (MIRROR / MISSING).exists()
    assert MISSING in listed_pages()


def test_dates_are_fixed_in_2024():
    for a in articles():
        assert page_date(a).year == 2024, a


# ------------------------------------------------------------------ anti-copy


def _markup_only(line: str) -> bool:
    """A bare HTML tag line without any CJK text (structure, not prose)."""
    return line.startswith("<") and line.endswith(">") and not CJK.search(line)


@pytest.mark.corpus
def test_no_corpus_line_is_copied():
    corpus_lines: set[str] = set()
    for page in pages():
        for line in page.text().splitlines():
            line = line.strip()
            if len(line) >= 40:
                corpus_lines.add(line)
    assert len(corpus_lines) > 1000
    copied = []
    for file in _sample_files():
        for line in file.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if len(line) >= 40 and line in corpus_lines and not _markup_only(line):
                copied.append((file.name, line[:80]))
    assert not copied, copied
