"""简/繁 conversion (issue 12, item 8): converted copies of real pages, the library treating
both scripts as one tag, ``dump --script`` through the command line, and OpenCC kept out of
start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import opencc
import pytest

from tests.corpus import MIRROR_ROOT, ROOT, pages
from tui.core.fold import fold
from tui.core.library import LIBRARY_FILE, Library
from tui.core.models import Article, Block, BlockType, Entry, Home, Index, Span
from tui.core.parse import parse_page
from tui.core.script import (
    SCRIPTS,
    ModelCache,
    Script,
    ScriptRows,
    convert_many,
    convert_page,
    convert_text,
    next_script,
    parse_script,
    rows_in,
)
from tui.core.urls import PageRef
from tui.nav.places import index_rows

ARTICLES = pages("article")
HOME = PageRef("begood0513", "goodnews", "master", "README.md")
S2T = opencc.OpenCC("s2t")
T2S = opencc.OpenCC("t2s")


def parsed(page: object) -> object:
    return parse_page(page.ref, page.text(), HOME)  # type: ignore[attr-defined]


def first_article_with_tags() -> Article:
    for page in ARTICLES:
        article = parsed(page)
        if not isinstance(article, Article) or len(article.tags) < 2 or not article.links:
            continue
        if S2T.convert(article.title) != article.title and any(
            S2T.convert(t.name) != t.name for t in article.tags
        ):
            return article
    raise AssertionError("no corpus article with tags")


def traditional_index_title() -> tuple[PageRef, str]:
    """A real index entry written in traditional characters (NOTES.md: S看世界's titles):
    the one with the most characters that simplify."""
    found: list[tuple[int, str, PageRef]] = []
    for page in pages("index"):
        index = parsed(page)
        if isinstance(index, Index):
            for entry in index.entries:
                changed = sum(a != b for a, b in zip(entry.title, fold(entry.title), strict=True))
                if entry.ref is not None and changed:
                    found.append((changed, entry.title, entry.ref))
    assert found, "no traditional title in the corpus indexes"
    changed, title, ref = max(found, key=lambda f: f[0])
    assert changed >= 3
    return ref, title


# -- the conversion itself ---------------------------------------------------------------


def test_parse_and_cycle() -> None:
    assert parse_script(" Traditional ") is Script.TRADITIONAL
    with pytest.raises(ValueError, match="original, simplified, traditional, taiwan"):
        parse_script("klingon")
    seen = [Script.ORIGINAL]
    for _ in SCRIPTS:
        seen.append(next_script(seen[-1]))
    assert seen == [*SCRIPTS, Script.ORIGINAL]


def test_article_texts_are_converted_and_targets_are_not() -> None:
    article = first_article_with_tags()
    shown = convert_page(article, Script.TRADITIONAL)
    assert isinstance(shown, Article) and shown is not article
    assert shown.title == S2T.convert(article.title) != article.title
    assert [b.text for b in shown.blocks] == [S2T.convert(b.text) for b in article.blocks]
    assert [t.name for t in shown.tags] == [S2T.convert(t.name) for t in article.tags]
    assert [t.url for t in shown.tags] == [t.url for t in article.tags]
    for before, after in zip(article.links, shown.links, strict=True):
        assert (after.n, after.kind, after.target, after.url, after.ref, after.anchor) == (
            before.n,
            before.kind,
            before.target,
            before.url,
            before.ref,
            before.anchor,
        )
        assert after.text == S2T.convert(before.text)
    assert [b.src for b in shown.blocks] == [b.src for b in article.blocks]
    assert [[s.link for s in b.spans] for b in shown.blocks] == [
        [s.link for s in b.spans] for b in article.blocks
    ]
    assert shown.original_url == article.original_url and shown.ref == article.ref
    if article.lead_image is not None:
        assert shown.lead_image is not None and shown.lead_image.src == article.lead_image.src
        assert shown.lead_image.caption == S2T.convert(article.lead_image.caption)
    if article.category is not None:
        assert shown.category is not None and shown.category.ref == article.category.ref
    assert convert_page(article, Script.ORIGINAL) is article


def test_taiwan_phrasing_differs_from_plain_traditional() -> None:
    # s2twp changes vocabulary as well as characters (软件 -> 軟體), s2t only characters.
    assert convert_text("软件", Script.TRADITIONAL) == "軟件"
    assert convert_text("软件", Script.TAIWAN) == "軟體"


def test_a_traditional_corpus_title_becomes_simplified() -> None:
    _, title = traditional_index_title()
    simplified = convert_text(title, Script.SIMPLIFIED)
    assert simplified == T2S.convert(title) != title
    assert fold(simplified) == simplified  # nothing traditional is left


def test_every_corpus_page_converts_without_losing_text() -> None:
    for page in pages("home", "index", "article"):
        model = parsed(page)
        shown = convert_page(model, Script.TRADITIONAL)  # type: ignore[arg-type]
        assert type(shown) is type(model)
        if isinstance(model, Index):
            assert isinstance(shown, Index)
            assert [e.target for e in shown.entries] == [e.target for e in model.entries]
            assert [e.title for e in shown.entries] == [S2T.convert(e.title) for e in model.entries]
        if isinstance(model, Home):
            assert isinstance(shown, Home)
            assert [c.ref for s in shown.sections for c in s.categories] == [
                c.ref for s in model.sections for c in s.categories
            ]
        if isinstance(model, Article):
            assert isinstance(shown, Article) and len(shown.blocks) == len(model.blocks)


def test_texts_holding_line_breaks_convert_one_by_one() -> None:
    texts = ["国家\n图书馆", "", "软件", "历史"]
    assert convert_many(texts, Script.TRADITIONAL) == [S2T.convert(t) for t in texts]


def test_rows_are_converted_lazily_and_keep_their_refs() -> None:
    page = next(p for p in pages("index"))
    index = parsed(page)
    assert isinstance(index, Index)
    rows = index_rows(index)
    shown = rows_in(rows, Script.TRADITIONAL)
    assert isinstance(shown, ScriptRows) and len(shown) == len(rows)
    assert shown.made() == 0  # nothing converted before it is drawn
    assert shown[0].title == S2T.convert(rows[0].title) and shown[0].ref == rows[0].ref
    assert shown[-1].ref == rows[-1].ref
    assert shown.made() == 2
    assert rows_in(shown, Script.ORIGINAL) is rows  # never a view of a view
    again = rows_in(shown, Script.SIMPLIFIED)
    assert isinstance(again, ScriptRows) and again.base is rows


def test_the_cache_keeps_one_conversion_per_model_and_script() -> None:
    article = first_article_with_tags()
    cache = ModelCache(size=2)
    first = cache.get(article, Script.TRADITIONAL)
    assert cache.get(article, Script.TRADITIONAL) is first
    assert cache.get(article, Script.TAIWAN) is not first
    reloaded = replace(article)  # a new model of the same page (a reload)
    assert cache.get(reloaded, Script.TRADITIONAL) is not first
    assert cache.get(article, Script.ORIGINAL) is article


def long_article(paragraphs: int = 2000) -> Article:
    """A 2,000-paragraph article made of the corpus's own paragraphs, repeated."""
    texts = [b.text for page in ARTICLES[:20] for b in parsed(page).blocks if b.text.strip()]  # type: ignore[attr-defined]
    assert texts
    blocks = [Block(BlockType.PARAGRAPH, [Span(texts[i % len(texts)])]) for i in range(paragraphs)]
    return Article(HOME.with_path("pages/p1/long.md"), "长文", blocks=blocks)


def test_a_2000_paragraph_article_converts_block_for_block() -> None:
    """Every paragraph of a long article is converted, none lost or merged (how fast is
    bench/core.py's to say)."""
    article = long_article()
    shown = convert_page(article, Script.TRADITIONAL)
    assert isinstance(shown, Article) and len(shown.blocks) == len(article.blocks) == 2000
    changed = [
        (a.text, b.text)
        for a, b in zip(article.blocks, shown.blocks, strict=True)
        if a.text != b.text
    ]
    assert changed and all(len(a) == len(b) for a, b in changed)
    assert convert_page(article, Script.ORIGINAL) is article


# -- one tag in either script ----------------------------------------------------------


def tagged(n: int, tag: str, title: str) -> Article:
    from tui.core.models import Tag

    ref = HOME.with_path(f"pages/p1/{n}.md")
    return Article(ref, title, tags=[Tag(tag, f"https://example.org/tag/{n}")])


def test_related_lists_treat_both_scripts_as_one_tag(tmp_path: Path) -> None:
    lib = Library(tmp_path / LIBRARY_FILE)
    lib.record_many([tagged(1, "习近平", "一"), tagged(2, "習近平", "二"), tagged(3, "台湾", "三")])
    for asked in ("习近平", "習近平"):
        assert {k.ref.path for k in lib.related(asked, HOME.repo_id)} == {
            "pages/p1/1.md",
            "pages/p1/2.md",
        }
    assert [k.ref.path for k in lib.related("臺灣", HOME.repo_id)] == ["pages/p1/3.md"]


def test_index_titles_match_a_tag_in_the_other_script(tmp_path: Path) -> None:
    ref, title = traditional_index_title()
    lib = Library(tmp_path / LIBRARY_FILE)
    lib.record_entries([Entry(title, ref.path, ref=ref)])
    at = next(i for i, (a, b) in enumerate(zip(title, fold(title), strict=True)) if a != b)
    piece = fold(title)[max(0, at - 1) : at + 2]
    assert piece not in title  # a simplified query, a traditional title
    for library in (lib, Library(tmp_path / LIBRARY_FILE)):  # and after a restart
        assert [k.ref for k in library.related(piece, ref.repo_id)] == [ref]
        assert [k.ref for k in library.related(S2T.convert(piece), ref.repo_id)] == [ref]


def test_tags_stored_before_folding_are_refolded_once(tmp_path: Path) -> None:
    path = tmp_path / LIBRARY_FILE
    lib = Library(path)
    lib.record_many([tagged(1, "習近平", "一")])
    lib._db.execute("UPDATE tags SET tag = '習近平'")  # as a library of an older version
    lib._db.execute("DELETE FROM meta WHERE name = 'tags_fold'")
    lib.close()
    reopened = Library(path)
    assert [k.ref.path for k in reopened.related("习近平", HOME.repo_id)] == ["pages/p1/1.md"]
    assert reopened._db.execute("SELECT tag FROM tags").fetchall() == [("习近平",)]


def test_search_finds_a_simplified_word_with_a_traditional_query(tmp_path: Path) -> None:
    from tui.core.search import search

    article = first_article_with_tags()
    lib = Library(tmp_path / LIBRARY_FILE)
    lib.record(article)
    tag = next(t.name for t in article.tags if S2T.convert(t.name) != t.name)
    traditional = S2T.convert(tag)
    for query in (traditional, T2S.convert(tag), f"tag:{traditional}"):
        found = search(lib, query, repo_id=HOME.repo_id).results
        assert [r.ref for r in found] == [article.ref], query


# -- the command line ----------------------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    env.pop("GOODNEWS_TUI_CACHE_DIR", None)
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def test_dump_script_traditional_converts_text_and_json_strings_not_urls() -> None:
    article = first_article_with_tags()
    path = article.ref.path
    plain = run("dump", "--mirror", str(MIRROR_ROOT), "--json", path)
    shown = run("dump", "--mirror", str(MIRROR_ROOT), "--script", "traditional", "--json", path)
    assert plain.returncode == 0 and shown.returncode == 0, shown.stderr
    before, after = json.loads(plain.stdout), json.loads(shown.stdout)
    assert after["title"] == S2T.convert(before["title"]) != before["title"]
    assert [t["name"] for t in after["tags"]] == [S2T.convert(t["name"]) for t in before["tags"]]
    assert [t["url"] for t in after["tags"]] == [t["url"] for t in before["tags"]]
    for a, b in zip(after["links"], before["links"], strict=True):
        assert {k: v for k, v in a.items() if k != "text"} == {
            k: v for k, v in b.items() if k != "text"
        }
    text = run(
        "dump", "--mirror", str(MIRROR_ROOT), "--script", "traditional", "--width", "80", path
    )
    assert text.returncode == 0 and S2T.convert(article.title) in text.stdout
    assert (article.original_url or "") in text.stdout


def test_script_from_the_settings_file_and_a_bad_value(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('script = "taiwan"\n', "utf-8")
    result = run("--config", str(config), "dump", "--sample", "--width", "80", "README.md")
    assert result.returncode == 0, result.stderr
    assert "編輯" in result.stdout  # the sample's 编辑推荐 section, converted
    shown = run("--config", str(config), "config")
    assert 'script = "taiwan"' in shown.stdout and "file" in shown.stdout
    flag = run("--config", str(config), "dump", "--sample", "--script", "original", "README.md")
    assert "编辑" in flag.stdout  # the flag wins over the file
    config.write_text('script = "klingon"\n', "utf-8")
    bad = run("--config", str(config), "config")
    assert bad.returncode == 2 and "unknown script 'klingon'" in bad.stderr
    usage = run("dump", "--sample", "--script", "klingon", "README.md")
    assert usage.returncode == 2 and "unknown script" in usage.stderr


# -- start-up ------------------------------------------------------------------------


def test_importing_the_app_does_not_import_opencc() -> None:
    probe = (
        "import sys\nimport tui.app, tui.cli, tui.core.script, tui.screens.browser\n"
        "print('opencc' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
