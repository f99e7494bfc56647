"""What the core writes for people follows the interface language: ``dump``'s labels, saved
and exported files, script names, link kinds and the library's warnings. What programs
read (``dump --json``, the link kinds inside it) stays the same in every language.

Expected labels are read from the catalogues through ``tui.i18n`` in the language under
test, so the tests hold the code to the catalogue, not to a copy of its wording.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from io import BytesIO

import pytest

from tests.corpus import ROOT
from tui.core.export import list_epub, list_markdown
from tui.core.layout import LINK_KINDS, link_kind_label
from tui.core.library import Library
from tui.core.models import Article
from tui.core.parse import parse_page
from tui.core.script import LABELS, Script, parse_script
from tui.core.text import cell_width
from tui.core.urls import DEFAULT_HOME, parse_ref
from tui.i18n import _, set_language

CJK = re.compile(r"[\u4e00-\u9fff]")
LANGUAGES = ("zh-Hans", "zh-Hant", "en")
#: A sample article with tags, an editor, an original URL and links.
ARTICLE = "pages/nsc413/n14200007.md"
SAMPLE = ROOT / "tui" / "sample" / "goodnews-sample" / "goodnews" / "master"


def dump(language: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "tui", "--lang", language, "--sample", "dump", *args, ARTICLE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def label(msgid: str) -> str:
    """The text of ``msgid`` before its placeholder, in the current language."""
    return _(msgid).partition("{")[0]


def sample_article() -> Article:
    ref = parse_ref(ARTICLE, DEFAULT_HOME)
    page = parse_page(ref, (SAMPLE / ARTICLE).read_text("utf-8"), DEFAULT_HOME)
    assert isinstance(page, Article) and page.tags and page.editor and page.original_url
    return page


@pytest.mark.parametrize("language", LANGUAGES)
def test_dump_text_labels_speak_the_language(language: str) -> None:
    out = dump(language).splitlines()
    set_language(language)
    for msgid in ("Tags:", "Links:"):
        assert _(msgid) in out, msgid
    for msgid in ("Editor: {value}", "Original: {value}"):
        assert any(line.startswith(label(msgid)) for line in out), msgid
    assert bool(CJK.search(_("Tags:") + _("Links:"))) is (language != "en")
    if language != "en":
        assert "Tags:" not in out and "Links:" not in out
    # Link kinds in the link list are named in the language too.
    tag = "[" + link_kind_label("tag") + "]"
    assert any(tag in line for line in out)


def test_dump_text_differs_only_in_its_labels() -> None:
    """The page's own text is never translated: every line that is not a label is equal."""
    english, chinese = dump("en").splitlines(), dump("zh-Hans").splitlines()
    assert len(english) == len(chinese)
    differ = [(e, c) for e, c in zip(english, chinese, strict=True) if e != c]
    assert differ  # the labels
    set_language("zh-Hans")
    labels = (
        _("Tags:"),
        _("Links:"),
        label("Editor: {value}"),
        label("Original: {value}"),
        *(f"[{link_kind_label(kind)}]" for kind in LINK_KINDS),
    )
    assert all(any(x in c for x in labels) for _e, c in differ), differ


@pytest.mark.parametrize("language", LANGUAGES)
def test_dump_markdown_labels_speak_the_language(language: str) -> None:
    out = dump(language, "--format", "markdown").splitlines()
    set_language(language)
    for msgid in ("Source: {value}", "Date: {value}", "Editor: {value}", "Original: {value}"):
        assert any(line.startswith("- " + label(msgid)) for line in out), msgid
    assert any(line.startswith(label("Mirror: {value}")) for line in (x[2:] for x in out))
    assert any(line.startswith(label("Tags: {tags}")) for line in out)


def test_dump_json_of_an_article_is_the_same_in_every_language() -> None:
    outputs = [json.loads(dump(language, "--format", "json")) for language in LANGUAGES]
    assert outputs[0] == outputs[1] == outputs[2]
    kinds = {link["kind"] for link in outputs[0]["links"]}
    assert "tag" in kinds  # the kinds stay the English values


@pytest.mark.parametrize("language", LANGUAGES)
def test_exported_files_are_labelled_at_export_time(language: str) -> None:
    article = sample_article()
    set_language(language)
    markdown = list_markdown("L", [article], missing=2)
    assert label("Source: {value}") + article.source in markdown
    assert label("Tags: {tags}") in markdown
    head = markdown.splitlines()[2]
    assert head.startswith(label("{count} article, exported {when}.").replace("{count}", "1"))
    book = zipfile.ZipFile(BytesIO(list_epub("L", [article])))
    chapter = book.read("OEBPS/c0001.xhtml").decode("utf-8")
    assert f'<p class="tags">{label("Tags: {tags}")}' in chapter
    assert label("Editor: {value}") + article.editor in chapter
    # The same process switching language labels the next export in the new one.
    set_language("en")
    assert "- Source: " in list_markdown("L", [article])


def test_script_labels_follow_a_language_switch() -> None:
    set_language("zh-Hans")
    chinese = LABELS[Script.TRADITIONAL]
    assert CJK.search(chinese) and chinese == _("traditional")
    with pytest.raises(ValueError) as error:
        parse_script("klingon")
    assert CJK.search(str(error.value)) and "'klingon'" in str(error.value)
    set_language("en")
    assert LABELS[Script.TRADITIONAL] == "traditional"
    assert dict(LABELS)[Script.TAIWAN] == "traditional (Taiwan)" and len(LABELS) == 4


def test_link_kinds_fit_the_links_view_column_in_every_language() -> None:
    from tui.screens.links import KIND_COLUMN

    for language in LANGUAGES:
        set_language(language)
        assert all(cell_width(link_kind_label(k)) < KIND_COLUMN for k in LINK_KINDS)
    assert link_kind_label("something-new") == "something-new"


@pytest.mark.parametrize("language", ["zh-Hans", "en"])
def test_library_warnings_speak_the_language(language: str, tmp_path) -> None:
    """A library that cannot be created (its folder is a file) says so in the language."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", "utf-8")
    set_language(language)
    library = Library(blocker / "library.sqlite3")
    assert library.warnings, "the library should have warned"
    expected = (
        label("The library cannot be opened ({error}); read state lasts this session."),
        _("The library cannot be saved here; read state lasts this session only."),
    )
    assert any(w.startswith(expected) for w in library.warnings), library.warnings
    assert bool(CJK.search(library.warnings[0])) is (language != "en")
