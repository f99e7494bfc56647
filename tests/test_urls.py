"""Every link of every corpus page is classified, and the important ones land right."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

import pytest

from tests.corpus import CORPUS, pages
from tui.core.urls import DEFAULT_HOME, LinkKind, PageRef, parse_ref, parse_url, resolve

MD_LINK = re.compile(r"\]\(\s*([^)\s]+)")
HREF = re.compile(r"""\b(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.IGNORECASE)
BASIC = PageRef("begood0513", "basic", "master", "README.md")
HOME = DEFAULT_HOME


def links(text: str) -> list[str]:
    found = MD_LINK.findall(text)
    for match in HREF.finditer(text):
        found.append(match.group(2) or match.group(3) or match.group(4) or "")
    return [h for h in found if h.strip()]


ALL = [(page.ref, href) for page in pages() for href in links(page.text())]


def test_corpus_has_plenty_of_links():
    assert len(ALL) > 2000
    assert {ref for ref, _ in ALL} == {p.ref for p in pages()}


def test_every_link_is_classified():
    kinds = Counter()
    for base, href in ALL:
        target = resolve(base, href)
        assert target is not None, (base, href)
        assert target.kind in LinkKind
        assert target.url.startswith(("http://", "https://")) or ":" in target.url
        if target.kind is LinkKind.PAGE:
            assert target.ref is not None and target.ref.path.endswith(".md")
            assert "?" not in target.ref.path and "#" not in target.ref.path
            assert ".." not in target.ref.path.split("/")
        kinds[target.kind] += 1
    # resolve() knows pages, images and external URLs; TAG is the parser's word for a URL.
    assert all(kinds[k] > 0 for k in (LinkKind.PAGE, LinkKind.IMAGE, LinkKind.EXTERNAL))


def _is_relative(href: str) -> bool:
    return not urlsplit(href.strip()).scheme and not href.strip().startswith(("#", "/"))


def test_every_relative_md_link_resolves_into_a_mirror_repo():
    relative = [(b, h) for b, h in ALL if _is_relative(h)]
    assert len(relative) > 1000
    for base, href in relative:
        target = resolve(base, href)
        assert target is not None
        path = urlsplit(href).path
        if path.lower().endswith(".md"):
            assert target.kind is LinkKind.PAGE, (base, href)
            assert target.ref is not None and target.ref.owner == "begood0513", (base, href)
        elif path.lower().endswith((".png", ".jpg", ".gif", ".jpeg")):
            assert target.kind is LinkKind.IMAGE, (base, href)


def test_home_links_land_on_existing_indexes():
    home = pages("home")[0]
    targets = [resolve(home.ref, h) for h in links(home.text())]
    index_refs = {t.ref for t in targets if t and t.ref and t.ref.path.startswith("indexes/")}
    assert len(index_refs) >= 30
    for ref in index_refs:
        assert ref.same_repo(HOME)
        assert (CORPUS / ref.raw_path).is_file(), ref


def test_cross_repo_links_from_every_depth_reach_basic():
    seen_from = set()
    for base, href in ALL:
        if "basic/blob/master/README.md" in href and _is_relative(href):
            target = resolve(base, href)
            assert target is not None and target.ref == BASIC, (base, href)
            seen_from.add(base.path.count("/"))
    assert seen_from == {0, 1, 2}  # README, indexes/…, pages/<dir>/…


def test_article_nav_links_reach_home_and_their_index():
    with_index = 0
    for page in pages("article"):
        hrefs = links(page.text())
        up = [h for h in hrefs if h.startswith("../../README.md")]
        if up:
            assert resolve(page.ref, up[0]).ref == HOME  # type: ignore[union-attr]
        # 2018-era pages have a nav line without an index link.
        for href in (h for h in hrefs if h.startswith("../../indexes/")):
            ref = resolve(page.ref, href).ref  # type: ignore[union-attr]
            assert ref is not None and ref.path.startswith("indexes/") and ref.same_repo(HOME)
            assert (CORPUS / ref.raw_path).is_file() or ref.path == "indexes/nsc424.md", ref
            with_index += 1
    assert with_index >= len(pages("article"))


def test_index_entries_reach_articles():
    for page in pages("index"):
        for href in links(page.text()):
            if href.startswith("../pages/"):
                target = resolve(page.ref, href)
                assert target is not None and target.ref is not None
                assert target.ref.same_repo(HOME)
                assert target.ref.path == href[3:].split("?")[0], href


def test_corpus_articles_are_reachable_from_some_index():
    linked = {
        t.ref
        for page in pages("index", "home")
        for h in links(page.text())
        if (t := resolve(page.ref, h)) is not None and t.ref is not None
    }
    articles = {p.ref for p in pages("article")}
    assert len(articles & linked) >= len(articles) * 0.9


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("../../README.md?n13573222", HOME),
        ("../../indexes/E大陆新闻.md?n13852629", HOME.with_path("indexes/E大陆新闻.md")),
        (
            "https://github.com/begood0513/goodnews/blob/master/pages/../pages/recommended/a102577520.md?t=1",
            HOME.with_path("pages/recommended/a102577520.md"),
        ),
        (
            "https://github.com/begood0513/goodnews/blob/master/pages/recommended/406691.md?989425",
            HOME.with_path("pages/recommended/406691.md"),
        ),
        ("../../../../../basic/blob/master/README.md?x", BASIC),
        (
            "https://github.com/gfw-breaker/banned-news/blob/master/pages/link.md",
            PageRef("gfw-breaker", "banned-news", "master", "pages/link.md"),
        ),
    ],
)
def test_known_links_from_an_article(href: str, expected: PageRef):
    base = HOME.with_path("pages/nsc423/n13573222.md")
    target = resolve(base, href)
    assert target is not None and target.kind is LinkKind.PAGE and target.ref == expected


@pytest.mark.parametrize(
    ("href", "kind"),
    [
        (
            "http://209.250.226.216:10000/videos/res1/news/../../res/Communist/index.html",
            "external",
        ),
        ("http://209.250.226.216:81/youtube.html?10261602", "external"),
        ("https://www.epochtimes.com/gb/tag/%E4%BA%8C%E5%8D%81%E5%A4%A7.html", "external"),
        ("https://www.ntdtv.com/gb/银保监会.htm", "external"),
        ("/news/gb/tag/看中国  ", "external"),
        ("https://github.com/gfw-breaker/guides/wiki", "external"),
        ("https://cdn.jsdelivr.net/gh/begood0513/goodnews/pages/p1/1020087.md.png", "image"),
        ("http://gfw-breaker.win/goodnews/indexes/p1.md", "external"),
    ],
)
def test_external_and_image_links(href: str, kind: str):
    base = HOME.with_path("pages/p1/1020087.md")
    target = resolve(base, href)
    assert target is not None and target.kind == kind
    assert target.kind is not LinkKind.PAGE or target.ref is not None


def test_anchor_is_kept_and_stays_on_the_page():
    base = HOME.with_path("pages/nsc422/n10421536.md")
    target = resolve(base, "#_Toc514855534")
    assert target is not None and target.ref == base and target.anchor == "_Toc514855534"
    nine = resolve(HOME, "../../../9ping.md/blob/master/README.md#九评之一评共产党是什么")
    assert nine is not None and nine.ref == PageRef("begood0513", "9ping.md", "master", "README.md")
    assert nine.anchor == "九评之一评共产党是什么"


def test_page_urls_of_all_three_forms_agree():
    ref = HOME.with_path("pages/p1/1020087.md")
    fastly = ref.cdn_url.replace("cdn.jsdelivr.net", "fastly.jsdelivr.net")
    assert fastly != ref.cdn_url
    for url in (ref.blob_url, ref.raw_url, ref.cdn_url, fastly, ref.blob_url + "?t=1"):
        assert parse_url(url) == ref
    assert parse_ref("pages/p1/1020087.md?t=10261602") == ref
    assert parse_ref(ref.key) == ref
    assert parse_ref("indexes/%E7%9C%8B.md") == HOME.with_path("indexes/看.md")


# ---------------------------------------------------------------- hostile URLs (issue 9)

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tui.core.urls import check_segments  # noqa: E402

URL_PARTS = st.sampled_from(
    [
        "https://github.com/", "https://raw.githubusercontent.com/", "https://cdn.jsdelivr.net/gh/",
        "..", "%2e%2e", "%2E", ".", "/", "//", "?", "#", "%3F", "%23", "%2F", "%25", "@", "[",
        "]", ":", "blob/", "raw/", "master", "o", "r", "x.md", "README.md", "中文", "\\", " ",
        "%00", "~", "-",
    ]
)  # fmt: skip
HREFS = st.lists(URL_PARTS, min_size=1, max_size=14).map("".join)


def _stays_under(url: str, prefix: str) -> None:
    import httpx

    parsed = httpx.URL(url)  # what would go on the wire, dot segments normalised
    assert parsed.raw_path.decode().startswith(prefix), (url, parsed.raw_path)
    assert b"?" not in parsed.raw_path and not parsed.fragment, url


@settings(max_examples=300, deadline=None)
@given(href=HREFS, base=st.sampled_from([HOME, HOME.with_path("pages/p1/1.md"), BASIC]))
def test_any_href_resolves_to_a_valid_ref_or_none(href: str, base: PageRef) -> None:
    target = resolve(base, href)
    for ref in (target.ref if target else None, parse_url(href), parse_ref(href, base)):
        if ref is None:
            continue
        assert check_segments(*ref) is None, ref
        owner, repo, name, _ = ref.quoted
        _stays_under(ref.raw_url, f"/{owner}/{repo}/{name}/")
        _stays_under(ref.blob_url, f"/{owner}/{repo}/blob/{name}/")
        _stays_under(ref.cdn_url, f"/gh/{owner}/{repo}@{name}/")


@settings(max_examples=200, deadline=None)
@given(owner=HREFS, repo=HREFS, ref=HREFS, path=HREFS)
def test_pageref_accepts_only_safe_segments(owner: str, repo: str, ref: str, path: str) -> None:
    made = PageRef.checked(owner, repo, ref, path)
    if made is None:
        return
    for segment in (owner, repo, ref):
        assert segment not in (".", "..") and not set(segment) & set("/\\?#%")
    assert ".." not in path.split("/") and not path.startswith("/")
    _stays_under(made.raw_url, "/")
    assert made.raw_url.count("/") == 6 + path.count("/")  # https:// host owner repo ref


KEY_PARTS = st.sampled_from(
    [
        "begood0513", "goodnews", "/", "@", ":", "master", "pages", "p2", "1.md", "..", ".",
        "%2e", "%41", " ", "\t", "中文", "?", "#", "//", "a@b", "\x00", "-", "_",
    ]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(key=st.lists(KEY_PARTS, min_size=1, max_size=12).map("".join))
def test_ref_of_key_is_parse_ref_for_any_key(key: str) -> None:
    """The fast path for library keys answers as ``parse_ref`` does, for any text."""
    from tui.core.urls import ref_of_key

    assert ref_of_key(key) == parse_ref(key)


def test_ref_of_key_reads_keys_back() -> None:
    from tui.core.urls import ref_of_key

    for ref in (HOME.with_path("pages/p2/1020149.md"), BASIC, HOME.with_path("indexes/E文集.md")):
        assert ref_of_key(ref.key) == ref == parse_ref(ref.key)
    for odd in ("begood0513/goodnews@master:pages/../x.md", "o/r@m:/x.md", "o/r@m:a%2Fb.md"):
        assert ref_of_key(odd) == parse_ref(odd)


SEGMENT = st.lists(KEY_PARTS, min_size=1, max_size=4).map("".join)


@settings(max_examples=500, deadline=None)
@given(owner=SEGMENT, repo=SEGMENT, name=SEGMENT, path=st.lists(SEGMENT, max_size=4))
def test_ref_of_key_is_parse_ref_for_key_shaped_text(
    owner: str, repo: str, name: str, path: list[str]
) -> None:
    from tui.core.urls import ref_of_key

    key = f"{owner}/{repo}@{name}:{'/'.join(path)}"
    assert ref_of_key(key) == parse_ref(key)


@settings(max_examples=500, deadline=None)
@given(path=st.lists(SEGMENT, max_size=4), tail=st.lists(KEY_PARTS, max_size=3).map("".join))
def test_a_plain_key_is_one_ref_of_key_reads_as_it_is(path: list[str], tail: str) -> None:
    """``plain_key_in`` never vouches for a key that ``ref_of_key`` would refuse or read as
    another page: what it passes reads back to itself."""
    from tui.core.urls import plain_key_in, ref_of_key

    for key in (f"{HOME.repo_id}:{'/'.join(path)}", f"{HOME.repo_id}:{'/'.join(path)}{tail}"):
        if plain_key_in(key, HOME.repo_id):
            ref = ref_of_key(key)
            assert ref is not None and ref.key == key and ref.repo_id == HOME.repo_id


def test_plain_key_in_takes_the_repositorys_usual_keys_only() -> None:
    from tui.core.urls import plain_key_in

    assert plain_key_in(HOME.with_path("pages/p2/1020149.md").key, HOME.repo_id)
    assert plain_key_in(HOME.with_path("indexes/E文集.md").key, HOME.repo_id)
    assert not plain_key_in(BASIC.key, HOME.repo_id)  # another repository
    for odd in ("pages/../x.md", "/x.md", "a%2Fb.md", "./x.md", "", "x.md "):
        assert not plain_key_in(f"{HOME.repo_id}:{odd}", HOME.repo_id), odd
    assert not plain_key_in(f"{HOME.repo_id}x:pages/a.md", HOME.repo_id)  # a longer ref
