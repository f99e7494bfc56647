"""The interface language: catalogues complete and in step with the sources, the lint that
keeps English literals out of what readers see, language detection, and the CLI speaking
Simplified Chinese, Traditional Chinese and English.

Expected Chinese text is read from the catalogues themselves (through ``tui.i18n``), so
these tests hold the code to the catalogue, not to a copy of its wording.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.corpus import ROOT
from tui import i18n
from tui.i18n import _, language_from_environment, ngettext, normalize_language, read_po

CJK = re.compile(r"[\u4e00-\u9fff]")


def _tool():
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "scripts" / "i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["i18n_tool"] = module
    spec.loader.exec_module(module)
    return module


tool = _tool()


# ------------------------------------------------------------------------ catalogues


def test_no_user_visible_literal_escapes_the_catalogue():
    escapes = tool.lint_all()
    assert not escapes, "\n".join(map(str, escapes))


def test_the_lint_flags_what_a_reader_would_see(tmp_path):
    """The lint itself: sinks, raised messages and f-strings flag; data and _() do not."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from tui.i18n import _\n"
        "def f(app, n, message):\n"
        '    app.notify("Saved the page")\n'  # 3: a sink
        '    raise ValueError(f"bad width {n}")\n'  # 4: a shown exception
        '    app.notify(_("Saved the page"))\n'
        '    if "timed out" in message:\n'  # data: compared with a library's text
        "        pass\n"
        '    css = "$text-muted"\n'
        '    label = "offline copy"\n'  # 9: reads as words
        '    sql = "SELECT key FROM Cache"\n'
        '    raise TypeError("developer only text")\n'
        '    hint = "not for readers at all"  # i18n: not shown\n',
        "utf-8",
    )
    nodes = tool.lint_nodes(sample)
    assert [n.lineno for n in nodes] == [3, 4, 9]


def test_pending_files_exist():
    """Phase 2 takes files off the list as it converts them (``lint --pending`` shows
    what each still holds); a name that no longer exists must leave it too."""
    for name in sorted(tool.PENDING):
        assert (ROOT / name).is_file(), f"{name} is pending but does not exist"


def test_every_msgid_is_translated_with_the_same_placeholders():
    problems = tool.check()
    assert not problems, "\n".join(problems)


def test_catalogues_hold_exactly_the_msgids_of_the_sources():
    """Run ``scripts/i18n.py extract`` after changing strings: no msgid missing or stale."""
    used = set(tool.extract(tool.sources()))
    pot = set(read_po_all(tool.POT))
    assert pot == used
    for language in tool.TRANSLATED:
        assert set(tool.read_translations(language)) == used, language


def read_po_all(path: Path) -> list[str]:
    # The template has no translations, so read its msgids without the reader's filter.
    text = path.read_text("utf-8")
    found = re.findall(r'^msgid (".*")$', text, re.M)
    return [i18n._unquote(m) for m in found if m != '""']


def test_zh_hant_is_what_the_conversion_script_makes():
    """zh_Hant is generated (``hant``): hand edits belong in ``HANT_FIXES``, not the file."""
    import opencc

    convert = opencc.OpenCC("s2twp").convert
    hans = tool.read_translations("zh_Hans")
    hant = tool.read_translations("zh_Hant")
    for msgid, forms in hans.items():
        expected = []
        for form in forms:
            text = convert(form)
            for wrong, right in tool.HANT_FIXES.items():
                text = text.replace(wrong, right)
            expected.append(text)
        assert hant[msgid] == expected, msgid


def test_zh_hant_is_traditional_and_differs_from_zh_hans():
    import opencc

    to_traditional = opencc.OpenCC("s2t").convert
    hans = tool.read_translations("zh_Hans")
    hant = tool.read_translations("zh_Hant")
    assert sum(hans[m] != hant[m] for m in hans) > len(hans) // 2
    for msgid, forms in hant.items():
        assert to_traditional(forms[0]) == forms[0], (msgid, forms[0])


# ------------------------------------------------------------------------ the module


def test_read_po_handles_plurals_escapes_continuations_and_fuzzy():
    text = (
        'msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n\n'
        '#: a.py:1\nmsgid "one"\nmsgstr "一"\n\n'
        'msgid "{count} page"\nmsgid_plural "{count} pages"\nmsgstr[0] "{count} 页"\n\n'
        'msgid ""\n"long "\n"line"\nmsgstr "长\\"行\\"\\n"\n\n'
        '#, fuzzy\nmsgid "unsure"\nmsgstr "不确定"\n\n'
        'msgid "untranslated"\nmsgstr ""\n'
    )
    table = read_po(text)
    assert table == {"one": ["一"], "{count} page": ["{count} 页"], "long line": ['长"行"\n']}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("zh_CN.UTF-8", "zh-Hans"),
        ("zh_TW.UTF-8", "zh-Hant"),
        ("zh_HK", "zh-Hant"),
        ("zh-Hant-CN", "zh-Hant"),
        ("zh_Hans", "zh-Hans"),
        ("zh", "zh-Hans"),
        ("en_GB.UTF-8", "en"),
        ("fr_FR", None),
        ("C", None),
        ("", None),
    ],
)
def test_normalize_language(value, expected):
    assert normalize_language(value) == expected


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, None),
        ({"LANG": "C.UTF-8"}, None),
        ({"LANG": "POSIX"}, None),
        ({"LANG": "zh_TW.UTF-8"}, ("zh-Hant", "$LANG")),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, ("zh-Hans", "$LC_MESSAGES")),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_US.UTF-8"}, ("en", "$LC_ALL")),
        ({"LANGUAGE": "fr:zh_TW:en", "LANG": "fr_FR.UTF-8"}, ("zh-Hant", "$LANGUAGE")),
        ({"LANGUAGE": "zh_TW", "LC_ALL": "C"}, None),  # gettext ignores LANGUAGE under C
        ({"LANG": "fr_FR.UTF-8"}, ("en", "$LANG")),  # no French: the msgids' English
        (
            {"GOODNEWS_TUI_LANG": "zh-Hant", "LANG": "en_US.UTF-8"},
            ("zh-Hant", "$GOODNEWS_TUI_LANG"),
        ),
    ],
)
def test_language_from_environment(environ, expected):
    assert language_from_environment(environ) == expected


def test_default_is_simplified_chinese_when_nothing_says_otherwise(monkeypatch):
    for name in ("GOODNEWS_TUI_LANG", *i18n.LOCALE_ENV):
        monkeypatch.delenv(name, raising=False)
    assert i18n.set_language(None) == "zh-Hans"
    monkeypatch.setenv("LANG", "C")
    assert i18n.set_language(None) == "zh-Hans"


def test_lookup_and_plurals_in_each_language():
    table = read_po(i18n.catalogue_path("zh-Hans").read_text("utf-8"))
    i18n.set_language("en")
    assert _("settings") == "settings"
    assert ngettext("{count} day ago", "{count} days ago", 1) == "{count} day ago"
    assert ngettext("{count} day ago", "{count} days ago", 3) == "{count} days ago"
    i18n.set_language("zh-Hans")
    assert _("settings") == table["settings"][0] and CJK.search(_("settings"))
    one = ngettext("{count} day ago", "{count} days ago", 1)
    assert one == ngettext("{count} day ago", "{count} days ago", 3) == table["{count} day ago"][0]
    assert _("a string no catalogue has") == "a string no catalogue has"
    i18n.set_language("zh-Hant")
    hant = read_po(i18n.catalogue_path("zh-Hant").read_text("utf-8"))
    assert _("settings") == hant["settings"][0] != table["settings"][0]
    with pytest.raises(ValueError):
        i18n.set_language("klingon")


def test_import_reads_no_catalogue_and_english_never_does():
    code = (
        "import tui.i18n as m, sys\n"
        "assert m._translator.table is None\n"
        "m.set_language('en'); m._('settings'); assert m._translator.table == {}\n"
        "m.set_language('zh-Hans'); m._('settings'); assert len(m._translator.table) > 100\n"
        "assert 'textual' not in sys.modules and 'gettext' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# ------------------------------------------------------------------------ CLI


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", **env}
    environ.pop("GOODNEWS_TUI_CACHE_DIR", None)
    for name, value in env.items():
        if not value:
            environ.pop(name)
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def expected_usage_error(language: str, spec: str) -> str:
    i18n.set_language(language)
    reason = _("bad mirror {spec}: expected github:<owner>/<repo>[@ref]").format(spec=repr(spec))
    message = _("{exc} (see {prog} --help)").format(exc=reason, prog="goodnews-tui")
    return _("{prog}: error: {message}").format(prog="goodnews-tui", message=message)


@pytest.mark.parametrize("language", ["zh-Hans", "zh-Hant", "en"])
def test_cli_errors_speak_the_chosen_language_with_the_same_exit_code(language):
    result = run("--lang", language, "--mirror", "github:nobody", "dump", "README.md")
    assert result.returncode == 2
    assert result.stderr.strip() == expected_usage_error(language, "github:nobody")
    assert bool(CJK.search(result.stderr)) is (language != "en")


def test_cli_language_from_the_locale_and_by_default():
    traditional = run(
        "--mirror", "github:x", "dump", "p.md", GOODNEWS_TUI_LANG="", LANG="zh_TW.UTF-8"
    )
    assert traditional.stderr.strip() == expected_usage_error("zh-Hant", "github:x")
    default = run("--mirror", "github:x", "dump", "p.md", GOODNEWS_TUI_LANG="", LANG="C.UTF-8")
    assert default.stderr.strip() == expected_usage_error("zh-Hans", "github:x")


def test_cli_help_in_chinese_names_the_same_options():
    i18n.set_language("zh-Hans")
    result = run("--lang", "zh-Hans", "dump", "--help")
    assert result.returncode == 0
    assert _("wrap width (default: terminal)") in result.stdout and "--width" in result.stdout
    assert _("usage: ").strip() in result.stdout and "usage:" not in result.stdout


def test_settings_file_lang_and_flag_precedence(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('lang = "zh-Hant"\n', "utf-8")
    shown = run("config", "--config", str(config), GOODNEWS_TUI_LANG="", LANG="en_US.UTF-8")
    assert shown.returncode == 0, shown.stderr
    line = next(x for x in shown.stdout.splitlines() if x.startswith("lang ="))
    assert line.startswith('lang = "zh-Hant"') and f"{config}:1" in line
    assert CJK.search(shown.stdout.splitlines()[0])  # the comment line is translated
    flagged = run("--lang", "en", "config", "--config", str(config))
    line = next(x for x in flagged.stdout.splitlines() if x.startswith("lang ="))
    assert line == 'lang = "en"  # flag (--lang)'
    config.write_text('lang = "klingon"\n', "utf-8")
    bad = run("--lang", "en", "config", "--config", str(config))
    assert bad.returncode == 2 and "unknown language 'klingon'" in bad.stderr


def test_json_output_is_the_same_in_every_language():
    """Keys and values of ``dump --json`` are an interface: no language changes them."""
    outputs = []
    for language in ("en", "zh-Hans", "zh-Hant"):
        result = run("--lang", language, "--sample", "dump", "--json", "README.md")
        assert result.returncode == 0, result.stderr
        outputs.append(json.loads(result.stdout))
    assert outputs[0] == outputs[1] == outputs[2]


def test_settings_problems_are_translated(tmp_path):
    from tui.core.settings import load_settings

    config = tmp_path / "config.toml"
    config.write_text("prefetch = 3\n", "utf-8")
    i18n.set_language("zh-Hans")
    (problem,) = load_settings(config).problems
    detail = _("must be true or false")
    assert problem.message == _("{key}: {exc}; using the default").format(
        key="prefetch", exc=detail
    )
    assert CJK.search(problem.message)


def test_a_compiled_catalogue_is_read_only_when_made_from_the_po_as_it_is(tmp_path):
    po = tmp_path / "goodnews.po"
    po.write_text('msgid "one"\nmsgstr "一"\n', "utf-8")
    compiled = i18n.compiled_path(po)
    assert i18n.read_catalogue(po) == {"one": ["一"]}  # no copy: the .po
    made = i18n.compile_catalogue(po)
    assert made["table"] == {"one": ["一"]}
    # A copy stamped for these bytes is what is read (told apart here by its table).
    compiled.write_text(json.dumps({**made, "table": {"one": ["壹"]}}), "utf-8")
    assert i18n.read_catalogue(po) == {"one": ["壹"]}
    # The .po edited since (same length, other bytes): the copy is stale, the .po is read.
    po.write_text('msgid "one"\nmsgstr "二"\n', "utf-8")
    assert i18n.read_catalogue(po) == {"one": ["二"]}
    for damaged in ("{", '{"source": 1}', json.dumps({**made, "table": {"one": [1]}}), "[]"):
        compiled.write_text(damaged, "utf-8")
        assert i18n.read_catalogue(po) == {"one": ["二"]}


def test_the_shipped_compiled_catalogues_are_current():
    assert tool.stale_compiled() == []
    for language in ("zh-Hans", "zh-Hant"):
        po = i18n.catalogue_path(language)
        assert i18n.read_catalogue(po) == read_po(po.read_text("utf-8"))
