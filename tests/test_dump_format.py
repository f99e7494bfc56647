"""``dump --format text|markdown|json`` through the real command line (``--json`` its alias)."""

from __future__ import annotations

import json

from tests.corpus import MIRROR_ROOT, pages
from tests.test_cli import one_line_error, run
from tui.core.export import page_markdown
from tui.core.parse import parse_page
from tui.core.urls import DEFAULT_HOME

ARTICLE = pages("article")[0]
SAMPLE_ARTICLE = "pages/nsc413/n14200001.md"


def dump(*args: str) -> str:
    result = run("dump", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_markdown_is_what_w_saves_for_a_corpus_article() -> None:
    out = dump("--mirror", str(MIRROR_ROOT), "--format", "markdown", ARTICLE.ref.path)
    article = parse_page(ARTICLE.ref, ARTICLE.text(), DEFAULT_HOME)
    assert out == page_markdown(article, DEFAULT_HOME)
    assert out.startswith(f"# {article.title}")


def test_json_and_its_alias_agree_and_text_is_the_default() -> None:
    base = ("--sample", "--width", "72")
    as_format = json.loads(dump(*base, "--format", "json", SAMPLE_ARTICLE))
    assert as_format == json.loads(dump(*base, "--json", SAMPLE_ARTICLE))
    assert as_format["kind"] == "article"
    assert dump(*base, "--format", "text", SAMPLE_ARTICLE) == dump(*base, SAMPLE_ARTICLE)
    assert dump(*base, "--json", "--format", "json", SAMPLE_ARTICLE)


def test_markdown_of_lists_links_every_entry() -> None:
    out = dump("--sample", "--format", "markdown", "indexes/E头条.md")
    lines = [line for line in out.splitlines() if line[:1].isdigit()]
    index = json.loads(dump("--sample", "--json", "indexes/E头条.md"))
    assert len(lines) == len(index["entries"]) and out.startswith("# 头条")


def test_conflicting_or_unknown_formats_are_usage_errors() -> None:
    clash = run("dump", "--sample", "--json", "--format", "text", SAMPLE_ARTICLE)
    assert clash.returncode == 2 and "--json and --format text" in one_line_error(clash)
    unknown = run("dump", "--sample", "--format", "epub", SAMPLE_ARTICLE)
    assert unknown.returncode == 2 and "invalid choice" in one_line_error(unknown)
