"""Markdown, text and EPUB export of real corpus articles, and file names from hostile titles.

The Markdown is read back with a CommonMark parser (markdown-it, as Textual ships it): what
a reader's Markdown viewer would show is what is checked, not the characters we wrote.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from tests.corpus import pages
from tui.core.export import (
    MAX_NAME_BYTES,
    article_markdown,
    list_epub,
    list_markdown,
    page_text,
    safe_name,
    write_new,
)
from tui.core.models import Article, BlockType, SpanKind
from tui.core.parse import parse_page
from tui.core.urls import DEFAULT_HOME

ARTICLES = pages("article")
NOW = datetime(2024, 4, 1, 12, 0, tzinfo=UTC)


def parse(page) -> Article:
    article = parse_page(page.ref, page.text(), DEFAULT_HOME)
    assert isinstance(article, Article)
    return article


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def blocks_of(markdown: str) -> list[tuple[str, str, list[Token]]]:
    """(block type, its shown text, its inline children) in order, as a viewer shows them."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    out = []
    for i, token in enumerate(tokens):
        if token.type != "inline":
            continue
        opener = tokens[i - 1]
        shown = "".join(
            child.content for child in token.children or [] if child.type in ("text", "code_inline")
        )
        kind = opener.tag if opener.type == "heading_open" else "p"
        out.append((kind, shown, token.children or []))
    return out


def hrefs(children: list[Token]) -> list[str]:
    return [unquote(str(c.attrs["href"])) for c in children if c.type == "link_open"]


@pytest.mark.parametrize("page", ARTICLES, ids=lambda p: p.ref.path)
def test_markdown_keeps_title_body_headings_links_and_tags(page) -> None:
    article = parse(page)
    markdown = article_markdown(article, DEFAULT_HOME)
    tokens = MarkdownIt("commonmark").parse(markdown)
    # Page text never passes through as HTML, whatever it held.
    assert not [t for t in tokens if t.type == "html_block"]
    for token in tokens:
        assert not [c for c in token.children or [] if c.type == "html_inline"], page.ref.path
    shown = blocks_of(markdown)
    assert shown[0][0] == "h1" and squash(shown[0][1]) == squash(article.title)
    texts = [squash(text) for _kind, text, _children in shown]
    # Every body block, in order, as its own block (images show their caption).
    position = 0
    placed = []
    for block in article.blocks:
        want = squash(block.text)
        if not want:
            continue
        found = next((i for i in range(position, len(texts)) if texts[i] == want), None)
        assert found is not None, (page.ref.path, block.type, block.text[:40])
        placed.append((block, shown[found]))
        if block.type is BlockType.HEADING:
            assert shown[found][0] in ("h2", "h3", "h4"), block.text
        position = found + 1
    # Each link span is a Markdown link to the link's URL.
    links = {link.n: link for link in article.links}
    for block, (_kind, _text, children) in placed:
        want = [
            unquote(links[s.link].url)
            for s in block.spans
            if s.kind in (SpanKind.LINK, SpanKind.TAG) and s.link in links and s.text.strip()
        ]
        if want and block.type is not BlockType.IMAGE:
            got = hrefs(children)
            assert [unquote(h).split("#")[0] for h in got] == [w.split("#")[0] for w in want]
    # The tags line names every tag, in order, each linked where the page numbered it.
    if article.tags:
        tag_line = next(b for b in shown if b[1].startswith("Tags: "))
        names = tag_line[1].removeprefix("Tags: ").split(" · ")
        assert names == [t.name for t in article.tags]
    # The metadata: date, category, original URL and the mirror page.
    meta = markdown.split("\n\n")[1]
    if article.published:
        assert f"- Date: {article.published.isoformat()}" in meta
    if article.original_url:
        assert "- Original: <" in meta
    mirror = re.search(r"^- Mirror: <([^>]+)>$", meta, re.M)
    assert mirror is not None and unquote(mirror.group(1)) == unquote(article.ref.blob_url)


def test_markdown_escapes_what_would_be_syntax() -> None:
    article = parse(ARTICLES[0])
    article.title = "*not emphasis* [not a link](x) <b>no html</b> # \\ `code`"
    article.blocks[0].spans[0].text = "1. not a list\n# not a heading\n> not a quote"
    markdown = article_markdown(article)
    shown = blocks_of(markdown)
    assert shown[0][1] == article.title
    tokens = MarkdownIt("commonmark").parse(markdown)
    kinds = {t.type for t in tokens}
    assert not kinds & {"ordered_list_open", "blockquote_open", "html_block"}
    assert sum(1 for t in tokens if t.type == "heading_open" and t.tag == "h1") == 1


def test_plain_text_save_is_the_dump_text() -> None:
    from tui.core.dump import dump_text

    article = parse(ARTICLES[0])
    assert page_text(article, DEFAULT_HOME) == dump_text(article, DEFAULT_HOME, 80)


def test_list_markdown_has_every_article_with_unique_link_labels() -> None:
    articles = [parse(p) for p in ARTICLES[:12]]
    markdown = list_markdown("看官场", articles, DEFAULT_HOME, missing=3, now=NOW)
    shown = blocks_of(markdown)
    assert shown[0] == ("h1", "看官场", shown[0][2])
    assert "3 not saved" in shown[1][1]
    titles = [squash(text) for kind, text, _c in shown if kind == "h2"]
    assert titles == [squash(a.title) for a in articles]
    labels = re.findall(r"^\[([^\]]+)\]: <", markdown, re.M)
    assert len(labels) == len(set(labels)) == sum(len(a.links) for a in articles)


def test_epub_is_a_well_formed_book() -> None:
    articles = [parse(p) for p in ARTICLES[:20]]
    data = list_epub("看官场 <&>", articles, now=NOW, identifier="urn:uuid:test")
    with zipfile.ZipFile(BytesIO(data)) as book:
        infos = book.infolist()
        assert infos[0].filename == "mimetype"
        assert infos[0].compress_type == zipfile.ZIP_STORED and not infos[0].extra
        assert book.read("mimetype") == b"application/epub+zip"
        assert data[30:38] == b"mimetype"  # the name right after the first local header
        names = set(book.namelist())
        container = ElementTree.fromstring(book.read("META-INF/container.xml"))
        ns = {"c": "urn:oasis:names:tc:opendocument:xmlns:container"}
        rootfile = container.find(".//c:rootfile", ns)
        assert rootfile is not None
        opf_path = rootfile.attrib["full-path"]
        assert rootfile.attrib["media-type"] == "application/oebps-package+xml"
        opf = ElementTree.fromstring(book.read(opf_path))
        o = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
        assert opf.attrib["version"] == "3.0"
        unique = opf.attrib["unique-identifier"]
        ident = opf.find(f".//dc:identifier[@id='{unique}']", o)
        assert ident is not None and ident.text == "urn:uuid:test"
        assert opf.findtext(".//dc:title", namespaces=o) == "看官场 <&>"
        assert opf.findtext(".//dc:language", namespaces=o) == "zh"
        modified = opf.find(".//opf:meta[@property='dcterms:modified']", o)
        assert modified is not None and modified.text == "2024-04-01T12:00:00Z"
        base = opf_path.rsplit("/", 1)[0] + "/"
        items = {i.attrib["id"]: i.attrib for i in opf.findall(".//opf:manifest/opf:item", o)}
        for item in items.values():
            assert base + item["href"] in names
        navs = [i for i in items.values() if i.get("properties") == "nav"]
        assert len(navs) == 1
        spine = [r.attrib["idref"] for r in opf.findall(".//opf:spine/opf:itemref", o)]
        assert len(spine) == len(articles) and all(ref in items for ref in spine)
        x = {"h": "http://www.w3.org/1999/xhtml"}
        nav = ElementTree.fromstring(book.read(base + navs[0]["href"]))
        toc = nav.findall(".//h:nav/h:ol/h:li/h:a", x)
        assert [a.attrib["href"] for a in toc] == [items[ref]["href"] for ref in spine]
        assert ["".join(a.itertext()) for a in toc] == [a.title for a in articles]
        for ref, article in zip(spine, articles, strict=True):
            chapter = ElementTree.fromstring(book.read(base + items[ref]["href"]))
            text = squash("".join(chapter.itertext()))
            assert squash(article.title) in text
            for block in article.blocks:
                assert squash(block.text) in text


# ----------------------------------------------------------------------- file names

HOSTILE = [
    "../x",
    "../../../../etc/passwd",
    "/abs/path",
    "C:\\Windows\\system32",
    "CON",
    "con.txt",
    "Nul",
    "COM1",
    "lpt9.tar",
    ".hidden",
    "..",
    ".",
    "   ",
    "",
    "title.",
    "a\x00b\x1b[31mc\x7f",
    "left\u202eright\u200b\ufeff",
    "line\nbreak\ttab",
    'what?*:"<>|',
    "标" * 300,
    "a" * 300,
]


@pytest.mark.parametrize("title", HOSTILE)
def test_safe_names_from_hostile_titles(title: str, tmp_path: Path) -> None:
    name = safe_name(title, ".md")
    assert name.endswith(".md") and len(name.encode("utf-8")) <= MAX_NAME_BYTES
    stem = name.removesuffix(".md")
    assert stem and not stem.startswith((".", " ")) and not stem.endswith((".", " "))
    assert not re.search(r'[/\\:*?"<>|\x00-\x1f\x7f\u200b\u202a-\u202e\ufeff]', name)
    reserved = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10))}
    reserved |= {f"LPT{i}" for i in range(1, 10)}
    assert stem.split(".")[0].upper() not in reserved
    path = write_new(tmp_path, title, ".md", b"x")
    assert path.parent == tmp_path.resolve() and path.read_bytes() == b"x"
    assert list(tmp_path.iterdir()) == [path]


def test_long_cjk_titles_are_cut_on_a_character() -> None:
    name = safe_name("标" * 300, ".md", number=12)
    assert name.endswith("-12.md") and len(name.encode()) <= MAX_NAME_BYTES
    name.encode("utf-8").decode("utf-8")  # whole characters only
    assert safe_name("彭定康仗义执言", ".md") == "彭定康仗义执言.md"


def test_names_never_collide_and_links_are_never_followed(tmp_path: Path) -> None:
    first = write_new(tmp_path, "同名", ".md", b"1")
    second = write_new(tmp_path, "同名", ".md", b"2")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("keep")
    (tmp_path / "同名-3.md").symlink_to(outside)
    third = write_new(tmp_path, "同名", ".md", b"3")
    assert [p.name for p in (first, second, third)] == ["同名.md", "同名-2.md", "同名-4.md"]
    assert outside.read_text() == "keep" and first.read_bytes() == b"1"


def test_a_missing_folder_is_made_and_a_file_in_its_place_refused(tmp_path: Path) -> None:
    path = write_new(tmp_path / "a" / "b", "x", ".txt", b"x")
    assert path == (tmp_path / "a" / "b" / "x.txt").resolve()
    (tmp_path / "file").write_text("")
    with pytest.raises(OSError):
        write_new(tmp_path / "file", "x", ".txt", b"x")


EPUBCHECK = Path("/usr/share/java/epubcheck.jar")


@pytest.mark.skipif(
    not (EPUBCHECK.is_file() and shutil.which("java")), reason="epubcheck (and java) not installed"
)
@pytest.mark.parametrize("count", [30])
def test_epubcheck_finds_nothing_wrong(count: int, tmp_path: Path) -> None:
    articles = [parse(p) for p in ARTICLES[:count]]
    book = tmp_path / "book.epub"
    book.write_bytes(list_epub("看官场", articles, now=NOW))
    result = subprocess.run(
        ["java", "-jar", str(EPUBCHECK), str(book)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 fatals / 0 errors / 0 warnings" in result.stdout
