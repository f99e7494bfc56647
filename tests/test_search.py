"""Full-text search (issue 11): the library's FTS5 index, queries, folding, ranking, snippets.

Articles come from the bundled sample (parsed by the real parser and synced by the real
crawl) and from the corpus; queries are cut from the articles' own text, never typed in
here, and each answer is checked against the rule it implements: every result holds every
term (after folding), and every article that holds them is found.
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.corpus import pages
from tui.core.fold import fold
from tui.core.library import COMMON_MATCHES, LIBRARY_FILE, SEARCH_INDEX, Library, article_body
from tui.core.mirror import sample_mirror
from tui.core.models import Article
from tui.core.parse import parse_page
from tui.core.search import highlight, match_expression, parse_query, search, snippet
from tui.core.sync import crawl

ROOT = Path(__file__).resolve().parents[1]


@functools.cache
def _s2t() -> object:
    import opencc

    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    return _s2t().convert(text)  # type: ignore[attr-defined]


def sample_library(path: Path | None = None) -> Library:
    """The bundled sample synced into a library by the real crawl (threads, no processes)."""
    lib = Library(path)
    mirror = sample_mirror()
    report = asyncio.run(crawl(mirror, lib, workers=1))
    assert report.new >= 20 and report.fatal is None
    return lib


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Library, list[Article]]:
    lib = sample_library(tmp_path_factory.mktemp("lib") / LIBRARY_FILE)
    home = sample_mirror().home
    articles = []
    for known in lib.all_articles(home.repo_id):
        text = (ROOT / "tui/sample" / known.ref.owner / known.ref.repo).joinpath(
            known.ref.ref, known.ref.path
        )
        page = parse_page(known.ref, text.read_text(encoding="utf-8"), home)
        assert isinstance(page, Article)
        articles.append(page)
    return lib, articles


@functools.cache
def squash(text: str) -> str:
    """Text as a sequence of tokens sees it: folded, lower case, separators dropped."""
    return re.sub(r"[\W_]+", "", fold(text).lower())


def holds(article: Article, term: str) -> bool:
    """The rule the index implements: ``term``'s tokens in a row in one of the columns."""
    columns = [
        article.title,
        article_body(article),
        "\n".join(t.name for t in article.tags),
        article.source or "",
        article.category.title if article.category else "",
    ]
    needle = squash(term)
    return any(needle in squash(c) for c in columns)


def cjk_run(text: str, length: int, skip: int = 1) -> str:
    """A run of ``length`` consecutive Chinese characters of ``text`` (after ``skip``)."""
    runs = [
        text[i : i + length]
        for i in range(len(text) - length + 1)
        if all("\u4e00" <= c <= "\u9fff" for c in text[i : i + length])
    ]
    assert runs, text
    return runs[min(skip, len(runs) - 1)]


def keys(found: object) -> set[str]:
    return {r.ref.key for r in found.results}  # type: ignore[attr-defined]


# -- queries of every length ---------------------------------------------------------------


@pytest.mark.parametrize("length", [1, 2, 3, 4])
def test_chinese_queries_of_one_to_four_characters(
    sample: tuple[Library, list[Article]], length: int
) -> None:
    lib, articles = sample
    for article in articles[:: max(1, len(articles) // 6)]:
        term = cjk_run(article.title, length)
        found = search(lib, term, limit=100)
        assert article.ref.key in keys(found), term
        expected = {a.ref.key for a in articles if holds(a, term)}
        assert keys(found) == expected, term
        for result in found.results:
            assert result.title.text and result.snippet.text is not None


def test_latin_words_and_mixed_queries(sample: tuple[Library, list[Article]]) -> None:
    lib, articles = sample
    latin = {
        w for a in articles for w in re.findall(r"[A-Za-z]{3,}", f"{a.title} {article_body(a)}")
    }
    assert latin, "the sample has Latin words"
    word = sorted(latin)[0]
    found = search(lib, word.upper(), limit=100)
    assert found.results and keys(found) <= {a.ref.key for a in articles if holds(a, word)}
    article = next(a for a in articles if holds(a, word))
    cjk = next(c for c in article.title if "\u4e00" <= c <= "\u9fff")
    mixed = search(lib, f"{word} {cjk}", limit=100)
    assert article.ref.key in keys(mixed)
    assert all(holds(a, word) and holds(a, cjk) for a in articles if a.ref.key in keys(mixed))


def test_several_terms_mean_all_and_quotes_make_a_phrase(
    sample: tuple[Library, list[Article]],
) -> None:
    lib, articles = sample
    article = articles[0]
    cjk = [c for c in article.title if "\u4e00" <= c <= "\u9fff"]
    a, b = cjk[0] + cjk[1], cjk[-2] + cjk[-1]
    both = search(lib, f"{a} {b}", limit=100)
    assert keys(both) == {x.ref.key for x in articles if holds(x, a) and holds(x, b)}
    phrase = search(lib, f'"{b} {a}"', limit=100)  # the reverse order is not a phrase of it
    assert keys(phrase) == {x.ref.key for x in articles if holds(x, b + a)}


def test_traditional_and_simplified_find_each_other(sample: tuple[Library, list[Article]]) -> None:
    _, articles = sample
    lib = sample_library()  # this test adds an article
    # A title whose characters change in traditional script.
    article = next(a for a in articles if to_traditional(a.title) != a.title)
    simplified = next(
        a.title[i : i + 2]
        for a in [article]
        for i in range(len(a.title) - 1)
        if to_traditional(a.title[i : i + 2]) != a.title[i : i + 2]
        and all("\u4e00" <= c <= "\u9fff" for c in a.title[i : i + 2])
    )
    traditional = to_traditional(simplified)
    assert keys(search(lib, traditional, limit=100)) == keys(search(lib, simplified, limit=100))
    assert article.ref.key in keys(search(lib, traditional, limit=100))
    # And an article written in traditional script is found by a simplified query.
    copy = replace(
        article,
        ref=article.ref.with_path("pages/tw/1.md"),
        title=to_traditional(article.title),
        blocks=[],
    )
    lib.record(copy)
    found = search(lib, simplified, limit=100)
    assert copy.ref.key in keys(found)
    hit = next(r for r in found.results if r.ref.key == copy.ref.key)
    start, end = hit.title.spans[0]
    assert hit.title.text[start:end] == traditional  # highlighted in its own script


def test_qualifiers_narrow_by_tag_source_and_date(sample: tuple[Library, list[Article]]) -> None:
    lib, articles = sample
    tagged = next(a for a in articles if a.tags)
    tag = tagged.tags[0].name
    found = search(lib, f"tag:{tag}", limit=100)
    assert tagged.ref.key in keys(found)
    assert all(any(fold(tag) in fold(t) for t in r.tags) for r in found.results)
    source = next(a.source for a in articles if a.source)
    by_source = search(lib, f'source:"{source}"', limit=100)
    assert keys(by_source) == {a.ref.key for a in articles if a.source and source in a.source}
    dated = sorted({a.published for a in articles if a.published})
    middle = dated[len(dated) // 2]
    before = search(lib, f"before:{middle.isoformat()}", limit=100)
    after = search(lib, f"after:{middle.isoformat()}", limit=100)
    assert keys(before) == {a.ref.key for a in articles if a.published and a.published < middle}
    assert keys(after) == {a.ref.key for a in articles if a.published and a.published > middle}
    assert parse_query("after:2024").after == date(2024, 12, 31)
    assert parse_query("before:2024-02").before == date(2024, 2, 1)


def test_snippets_highlight_the_match_as_ranges_never_markup(
    sample: tuple[Library, list[Article]],
) -> None:
    lib, articles = sample
    article = next(a for a in articles if len(article_body(a)) > 300)
    body = " ".join(article_body(article).split())
    term = cjk_run(body[200:], 3, skip=0)
    found = search(lib, term, limit=100)
    hit = next(r for r in found.results if r.ref.key == article.ref.key)
    assert hit.snippet.spans
    for start, end in hit.snippet.spans:
        assert fold(hit.snippet.text[start:end]) == fold(term)
    assert len(hit.snippet.text) <= 90
    shown = "".join(text for text, _ in hit.snippet.parts())
    assert shown == hit.snippet.text
    # Markup in the text stays text: the spans are data.
    marked = highlight("[b]云溪[/b] [@click=quit]x[/]", parse_query("云溪"))
    assert marked.text == "[b]云溪[/b] [@click=quit]x[/]" and marked.spans == ((3, 5),)
    assert snippet("短文", parse_query("无")).text == "短文"
    # Without snippets (the app's list): the same results, no body read.
    bare = search(lib, term, limit=100, snippets=False)
    assert [(r.ref, r.title, r.score) for r in bare.results] == [
        (r.ref, r.title, r.score) for r in found.results
    ]
    assert all(r.snippet.text == "" for r in bare.results)


def test_newer_articles_rank_first_at_equal_relevance(
    sample: tuple[Library, list[Article]],
) -> None:
    _, articles = sample
    lib = sample_library()  # this test adds articles
    base = articles[0]
    old = replace(base, ref=base.ref.with_path("pages/rk/old.md"), published=date(2016, 1, 1))
    new = replace(base, ref=base.ref.with_path("pages/rk/new.md"), published=date(2024, 6, 1))
    lib.record_many([old, new])
    found = search(lib, base.title, limit=100, today=date(2024, 7, 1))
    order = [r.ref.path for r in found.results]
    assert order.index("pages/rk/new.md") < order.index("pages/rk/old.md")


def test_a_common_query_lists_its_newest_matches_and_counts_to_the_cap(
    sample: tuple[Library, list[Article]],
) -> None:
    lib, articles = sample
    # The character of the sample's titles that most articles hold: common at this scale.
    chars = sorted({c for a in articles for c in a.title if "\u4e00" <= c <= "\u9fff"})
    term = max(chars, key=lambda c: sum(holds(a, c) for a in articles))
    holding = [a for a in articles if holds(a, term)]
    assert len(holding) >= 5, term
    exact = search(lib, term, limit=100)
    assert not exact.total_capped and exact.total == len(holding)
    # Up to the cap a query ranks and counts as always.
    same = search(lib, term, limit=100, common=len(holding))
    assert not same.total_capped and same.total == len(holding)
    assert [(r.ref, r.score) for r in same.results] == [(r.ref, r.score) for r in exact.results]
    # Past it: counted to the cap, newest first, page after page.
    cap = len(holding) - 2
    first = search(lib, term, limit=3, common=cap)
    assert first.total_capped and first.total == cap and len(first.results) == 3
    rest = search(lib, term, limit=100, offset=3, common=cap)
    assert rest.total_capped and not keys(first) & keys(rest)
    assert keys(first) | keys(rest) == {a.ref.key for a in holding}
    listed = first.results + rest.results
    dates = [r.published or date.min for r in listed]
    assert dates == sorted(dates, reverse=True)
    assert all(r.score == 0.0 for r in listed)
    # The qualifiers count too: fewer matches than the cap after them rank as always.
    dated = sorted(a.published for a in holding if a.published)
    after = dated[-3]
    narrowed = search(lib, f"{term} after:{after.isoformat()}", limit=100, common=cap)
    newer = {a.ref.key for a in holding if a.published and a.published > after}
    assert not narrowed.total_capped and narrowed.total == len(newer) and keys(narrowed) == newer


COMMON_WORD = "泛见词"  # in no sample article: the copies below hold it


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library on disk (as the command line finds it) of COMMON_MATCHES + 1 articles
    holding COMMON_WORD, one a day from 2016-01-01 (0.md) on: the newest is the last."""
    cache = tmp_path_factory.mktemp("crowded")
    (cache / "state").mkdir()
    lib = Library(cache / "state" / LIBRARY_FILE)
    home = sample_mirror().home
    lib.record_many(
        Article(
            ref=home.with_path(f"pages/common/{i}.md"),
            title=f"{COMMON_WORD}{i}",
            published=date(2016, 1, 1) + timedelta(days=i),
        )
        for i in range(COMMON_MATCHES + 1)
    )
    lib.close()
    return cache


def test_a_word_in_more_than_1000_articles_comes_newest_first(
    sample: tuple[Library, list[Article]], crowded: Path
) -> None:
    _, articles = sample
    assert not any(holds(a, COMMON_WORD) for a in articles)
    lib = Library(crowded / "state" / LIBRARY_FILE)
    found = search(lib, COMMON_WORD, today=date(2020, 1, 1))
    assert found.total_capped and found.total == COMMON_MATCHES
    newest = [f"pages/common/{i}.md" for i in range(COMMON_MATCHES, COMMON_MATCHES - 20, -1)]
    assert [r.ref.path for r in found.results] == newest
    # The oldest left out: COMMON_MATCHES matches rank by relevance and recency again.
    last = date(2016, 1, 1) + timedelta(days=COMMON_MATCHES)
    ranked = search(lib, f"{COMMON_WORD} before:{last.isoformat()}", today=date(2020, 1, 1))
    assert not ranked.total_capped and ranked.total == COMMON_MATCHES
    assert ranked.results and all(r.score < 0 for r in ranked.results)
    lib.close()


HOSTILE = [
    "",
    " ",
    '"',
    '""',
    '"""',
    "'",
    "*",
    "NEAR(a b)",
    "a AND",
    "OR",
    "NOT x",
    "(",
    ")",
    "title:云溪",
    "{title body}: x",
    "^云",
    "云*",
    "-x",
    "+",
    "\x00",
    "云\x00溪",
    "tag:",
    'tag:"',
    "before:9999-99-99",
    "after:0000",
    "source:*",
    "\u202e云溪",
    "%_\\",
    "云" * 10_000,
    '"' * 10_000,
    "a " * 5_000,
]


@pytest.mark.parametrize("query", HOSTILE, ids=lambda q: repr(q[:12]) + str(len(q)))
def test_hostile_queries_never_raise(sample: tuple[Library, list[Article]], query: str) -> None:
    lib, _ = sample
    found = search(lib, query)
    assert isinstance(found.results, list)
    assert not any("syntax" in w for w in found.warnings), found.warnings
    assert not any("syntax" in w for w in lib.warnings)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=60))
def test_any_text_is_a_safe_query(sample: tuple[Library, list[Article]], text: str) -> None:
    lib, _ = sample
    found = search(lib, text, limit=5)
    assert len(found.results) <= 5
    expression = match_expression(parse_query(text))
    if expression is not None:  # every term is quoted: SQLite accepts it
        db = sqlite3.connect(":memory:")
        db.execute("CREATE VIRTUAL TABLE t USING fts5(title, body, tags, source, category)")
        db.execute("SELECT * FROM t WHERE t MATCH ?", (expression,)).fetchall()


# -- the index's life ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "damage",
    [
        # blocks zeroed and half the documents' sizes gone: the counts disagree
        (
            f"UPDATE {SEARCH_INDEX}_data SET block = zeroblob(length(block)) WHERE id > 10",
            f"DELETE FROM {SEARCH_INDEX}_docsize WHERE id % 2 = 0",
        ),
        # emptied: no structure record
        (f"DELETE FROM {SEARCH_INDEX}_data",),
    ],
    ids=["damaged", "emptied"],
)
def test_an_index_damaged_between_runs_is_rebuilt_with_a_warning(
    tmp_path: Path, damage: tuple[str, ...]
) -> None:
    path = tmp_path / LIBRARY_FILE
    lib = sample_library(path)
    term = lib.all_articles(sample_mirror().home.repo_id)[0].title[:2]
    want = keys(search(lib, term, limit=100))
    assert want
    lib.close()
    db = sqlite3.connect(path, isolation_level=None)
    for statement in damage:
        db.execute(statement)
    db.close()
    again = Library(path)
    assert any("search index" in w for w in again.warnings)
    assert keys(search(again, term, limit=100)) == want
    again.close()


def test_an_index_damaged_while_running_costs_search_not_the_rows(tmp_path: Path) -> None:
    path = tmp_path / LIBRARY_FILE
    lib = sample_library(path)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute(f"DELETE FROM {SEARCH_INDEX}_data")
    db.close()
    term = lib.all_articles(sample_mirror().home.repo_id)[0].title[:2]
    found = search(lib, term)  # must not raise, whatever it finds
    assert isinstance(found.results, list)
    lib.close()
    again = Library(path)
    assert again.search_ready
    assert search(again, term).results


def test_reindex_rebuilds_from_the_stored_text(tmp_path: Path) -> None:
    lib = sample_library(tmp_path / LIBRARY_FILE)
    term = lib.all_articles(sample_mirror().home.repo_id)[0].title[:3]
    before = keys(search(lib, term, limit=100))
    assert lib.rebuild_search_index()
    assert keys(search(lib, term, limit=100)) == before


def test_all_articles_grouped_by_source_newest_first(sample: tuple[Library, list[Article]]) -> None:
    lib, articles = sample
    repo = sample_mirror().home.repo_id
    groups = lib.article_sources(repo)
    assert sum(n for _, n in groups) == len(lib.all_articles(repo)) == len(articles)
    assert [n for _, n in groups] == sorted((n for _, n in groups), reverse=True)
    listed = lib.all_articles(repo)
    order = [k.source for k in listed]
    assert order == sorted(order, key=[s for s, _ in groups].index)
    for source, _ in groups:
        dates = [k.published for k in listed if k.source == source and k.published]
        assert dates == sorted(dates, reverse=True)
    assert lib.all_articles(repo, limit=3, offset=2) == listed[2:5]
    only = lib.all_articles(repo, source=groups[0][0])
    assert len(only) == groups[0][1]


# -- the corpus ----------------------------------------------------------------------------


def test_corpus_articles_are_found_by_their_own_words(tmp_path: Path) -> None:
    lib = Library(tmp_path / LIBRARY_FILE)
    home = pages("home")[0].ref
    parsed = [parse_page(p.ref, p.text(), home) for p in pages("article")]
    articles = [a for a in parsed if isinstance(a, Article)]
    lib.record_many(articles)
    for article in articles:
        body = " ".join(article_body(article).split())
        words = [
            w for w in body.split() if len(w) >= 4 and all("\u4e00" <= c <= "\u9fff" for c in w[:4])
        ]
        if not words:
            continue
        term = words[len(words) // 2][:4]
        for query in (term, to_traditional(term)):
            found = search(lib, query, limit=200)
            assert article.ref.key in keys(found), query
            assert all(holds(a, term) for a in articles if a.ref.key in keys(found))


# -- the command line ----------------------------------------------------------------------


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args], capture_output=True, text=True, cwd=cwd, timeout=60
    )


def test_search_command_prints_results_and_json(tmp_path: Path) -> None:
    synced = run_cli("sync", "--sample", "--cache-dir", str(tmp_path), "--quiet")
    assert synced.returncode == 0, synced.stderr
    lib = Library(tmp_path / "state" / LIBRARY_FILE)
    title = lib.all_articles(sample_mirror().home.repo_id)[0].title
    lib.close()
    term = "".join(c for c in title if "\u4e00" <= c <= "\u9fff")[:2]
    out = run_cli("search", "--cache-dir", str(tmp_path), "--json", "--limit", "3", term)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert 0 < len(data["results"]) <= 3 and data["total"] >= len(data["results"])
    assert data["total_capped"] is False
    first = data["results"][0]
    assert set(first) >= {"ref", "title", "source", "published", "snippet", "tags"}
    for start, end in first["title_highlights"]:
        assert fold(first["title"][start:end]) == fold(term)
    text = run_cli("search", "--cache-dir", str(tmp_path), to_traditional(term))
    assert text.returncode == 0 and f"«{term}»" in text.stdout
    assert run_cli("search", "--cache-dir", str(tmp_path), "--limit", "0", "x").returncode == 2
    nothing = run_cli("search", "--cache-dir", str(tmp_path / "none"), '"')
    assert nothing.returncode == 0 and "Traceback" not in nothing.stderr


def test_search_command_says_a_common_query_is_counted_to_the_cap(crowded: Path) -> None:
    out = run_cli("search", "--cache-dir", str(crowded), "--json", "--limit", "2", COMMON_WORD)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["total"] == COMMON_MATCHES and data["total_capped"] is True
    assert [r["ref"].rsplit("/", 1)[-1] for r in data["results"]] == [
        f"{COMMON_MATCHES}.md",
        f"{COMMON_MATCHES - 1}.md",
    ]
    text = run_cli("search", "--cache-dir", str(crowded), "--limit", "2", COMMON_WORD)
    assert text.returncode == 0, text.stderr
    assert f"more than {COMMON_MATCHES:,} matching, the newest 2 shown" in text.stdout


def test_highlights_are_where_the_index_matches() -> None:
    """The index keeps no punctuation or space and matches Latin words whole (the last one
    as a prefix): highlights follow the same rules, so every match found is lit and
    nothing else is."""

    def lit(text: str, query: str) -> list[str]:
        return [text[a:b] for a, b in highlight(text, parse_query(query)).spans]

    assert lit("台湾，经济增长；台湾经济", '"台湾经济"') == ["台湾，经济", "台湾经济"]
    assert lit("New-York and new york", '"new york"') == ["New-York", "new york"]
    assert lit("start, art, artist", "art") == ["art", "art"]  # a prefix, never inside
    assert lit("smart art", '"art smart"') == []
    assert lit("用iPhone15拍照", "iphone") == ["iPhone"]
    assert lit("臺灣的經濟", "台湾") == ["臺灣"]  # folded, as the index folds
    assert lit("，，，", "，") == []
