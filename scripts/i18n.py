"""Catalogue tooling: extract msgids from the sources, regenerate zh_Hant, lint, check.

    uv run python scripts/i18n.py extract   # tui/**/*.py -> goodnews.pot, merged into each .po
    uv run python scripts/i18n.py hant      # zh_Hant .po from zh_Hans with OpenCC s2twp
    uv run python scripts/i18n.py check     # untranslated msgids, placeholder mismatches
    uv run python scripts/i18n.py lint      # user-visible literals not wrapped in _()
    uv run python scripts/i18n.py lint --pending   # what the PENDING files still hold

    uv run python scripts/i18n.py compile   # goodnews.json beside each .po (extract and
                                             # hant do it too; check says when one is stale)

Only the standard library and ``opencc`` (already a dependency): no msgfmt, no Babel. The
app reads each .po's compiled copy (``goodnews.json``, the table ``tui.i18n.read_po``
makes, stamped with the size and CRC of the .po it came from) and the .po itself when the
copy is missing or stale, so an edited .po is never shown through an old copy. The tests
call the same functions (``tests/test_i18n.py``), so the catalogues never drift from the
sources.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tui"
LOCALE = PACKAGE / "locale"
POT = LOCALE / "goodnews.pot"
TRANSLATED = ("zh_Hans", "zh_Hant")
PLURAL_FORMS = {"zh_Hans": "nplurals=1; plural=0;", "zh_Hant": "nplurals=1; plural=0;"}

#: Files whose strings are still English literals (phase 2 converts them, one by one: take
#: a file off this list, wrap its strings, run ``extract``, translate, run ``hant``).
PENDING = frozenset(
    {
        # Landed from the parallel work of issue 12 during phase 1:
    }
)

#: Files whose messages never reach a reader, with the reason.
NOT_SHOWN = {
    "tui/core/parsed.py": "its ValueErrors (a damaged stored page) are caught: the page is parsed",
}

TRANSLATORS = {"_", "N_"}
PLURAL = "ngettext"
#: Calls whose string arguments reach the reader: (positional indexes, keywords).
SINKS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "notify": ((0,), ("message", "title")),
    "print": ((0, 1, 2, 3), ()),
    "_error": ((0,), ()),
    "_warn": ((0,), ()),
    "warn": ((0,), ()),
    "error": ((0,), ()),
    "Binding": ((2,), ("description", "tooltip")),
    "Static": ((0,), ()),
    "Label": ((0,), ()),
    "Content": ((0,), ()),
    "assemble": ((0, 1, 2, 3, 4, 5), ()),
    "set_title": ((0,), ()),
    "set_message": ((0,), ()),
    "add_argument": ((), ("help",)),
    "add_parser": ((), ("help", "description")),
    "add_subparsers": ((), ("help", "title", "description")),
    "ArgumentParser": ((), ("description", "epilog")),
    "_Parser": ((), ("description", "epilog")),
    "Problem": ((2,), ("message",)),
    "problem": ((1,), ()),
}
#: Exceptions whose text is for developers, never shown to a reader.
DEVELOPER_ERRORS = {
    "AssertionError",
    "AttributeError",
    "KeyError",
    "IndexError",
    "NotImplementedError",
    "TypeError",
    "RuntimeError",
    "StopIteration",
}
#: Text that looks like words but is not interface text: SQL, and what other libraries say
#: (matched against their messages, so it must stay as they write it).
NOT_TEXT = re.compile(
    r"^\s*\(?:?\w*\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|PRAGMA|WITH|ORDER BY|AND|OR|WHERE"
    r"|BEGIN|COMMIT|SAVEPOINT|RELEASE|ROLLBACK|IS NULL)\b"
)
#: ``not shown``: data despite the words; ``english``: text kept English on purpose (why
#: follows on the line). The comment sits on the literal's lines or the line above.
PRAGMA = re.compile(r"#\s*i18n: (not shown|english)")
WORDS = re.compile(r"[A-Za-z]{2,}[,;:.!?'\")]*\s+[(\"'\[]*[A-Za-z]{2,}")
#: Calls whose string arguments are patterns or SQL, never interface text.
REGEX_CALLS = {
    "compile",
    "search",
    "match",
    "fullmatch",
    "sub",
    "findall",
    "finditer",
    "split",
    "execute",
    "executemany",
    "executescript",
}
WORD = re.compile(r"[A-Za-z]{2,}")
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)?(?:![rsa])?(?::[^{}]*)?\}")


def relative(path: Path) -> str:
    return path.resolve().relative_to(ROOT).as_posix()


def sources(root: Path = PACKAGE) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "sample" not in p.parts)


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


# ------------------------------------------------------------------------ extraction


@dataclass
class Message:
    msgid: str
    plural: str | None = None
    places: list[str] = field(default_factory=list)


def extract(paths: Iterable[Path]) -> dict[str, Message]:
    """Every msgid given to ``_``/``N_``/``ngettext`` as a literal, in source order."""
    found: dict[str, Message] = {}
    for path in paths:
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = _name(node.func)
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            plural: str | None = None
            if name == PLURAL and len(node.args) >= 2:
                second = node.args[1]
                if isinstance(second, ast.Constant) and isinstance(second.value, str):
                    plural = second.value
            elif name not in TRANSLATORS:
                continue
            message = found.setdefault(first.value, Message(first.value, plural))
            message.plural = message.plural or plural
            message.places.append(f"{relative(path)}:{node.lineno}")
    return dict(sorted(found.items(), key=lambda item: _order(item[1].places[0])))


def _order(place: str) -> tuple[str, int]:
    path, _, line = place.rpartition(":")
    return path, int(line)


# ------------------------------------------------------------------------ lint


@dataclass(frozen=True)
class Escape:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r} is shown but not wrapped in _()"


def _literal_text(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def _literals(node: ast.AST) -> Iterator[ast.expr]:
    """String literals in ``node`` that are not inside a translation call."""
    if isinstance(node, ast.Call) and _name(node.func) in (*TRANSLATORS, PLURAL):
        return
    if isinstance(node, (ast.Constant, ast.JoinedStr)):
        if _literal_text(node) is not None:  # type: ignore[arg-type]
            yield node  # type: ignore[misc]
        return
    if isinstance(node, (ast.Compare, ast.Subscript)):
        return  # compared with or used as a key: data, not text
    if isinstance(node, ast.Call) and _name(node.func) in REGEX_CALLS:
        return  # regular expressions
    if isinstance(node, ast.Tuple) and node.elts:
        yield from _literals(node.elts[0])  # (text, style) pairs of Content.assemble
        return
    for child in ast.iter_child_nodes(node):
        yield from _literals(child)


def _docstrings(tree: ast.AST) -> set[int]:
    out: set[int] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body
        ):
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def lint(path: Path) -> list[Escape]:
    return [
        Escape(relative(path), node.lineno, _literal_text(node) or "") for node in lint_nodes(path)
    ]


def lint_nodes(path: Path) -> list[ast.expr]:
    """Literals a reader would see untranslated: at a sink, or anything that reads as words.

    A sink (``notify``, ``print``, argparse help, ``Binding`` descriptions, a raised
    exception's message...) flags any literal with a word in it; elsewhere a literal
    flags when it holds two words, which is how interface text looks and identifiers,
    CSS names and keys do not. What is data despite the words (compared with a library's
    message, a regex, SQL) carries the comment ``# i18n: not shown`` on its line.
    """
    source = path.read_text("utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    skip = _docstrings(tree)
    flagged: dict[int, ast.expr] = {}
    at_sink: set[int] = set()

    def sink_args(node: ast.Call) -> Iterator[ast.expr]:
        positions, keywords = SINKS.get(_name(node.func), ((), ()))
        for index in positions:
            if index < len(node.args):
                yield node.args[index]
        for keyword in node.keywords:
            if keyword.arg in keywords:
                yield keyword.value

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for arg in sink_args(node):
                for literal in _literals(arg):
                    at_sink.add(id(literal))
        elif (
            isinstance(node, ast.Raise)
            and isinstance(node.exc, ast.Call)
            and _name(node.exc.func) not in DEVELOPER_ERRORS
        ):
            for arg in node.exc.args:
                for literal in _literals(arg):
                    at_sink.add(id(literal))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) in (*TRANSLATORS, PLURAL):
            for arg in node.args:
                for inner in ast.walk(arg):
                    skip.add(id(inner))
        regex = isinstance(node, ast.Call) and _name(node.func) in REGEX_CALLS
        developer = isinstance(node, ast.Assert) or (
            isinstance(node, ast.Raise)
            and isinstance(node.exc, ast.Call)
            and _name(node.exc.func) in DEVELOPER_ERRORS
        )
        if isinstance(node, (ast.Compare, ast.Subscript)) or regex or developer:
            for inner in ast.walk(node):
                skip.add(id(inner))
        if isinstance(node, ast.JoinedStr):
            for inner in node.values:
                skip.add(id(inner))
    for node in ast.walk(tree):
        text = _literal_text(node) if isinstance(node, ast.expr) else None
        if text is None or id(node) in skip:
            continue
        assert isinstance(node, ast.expr)
        # In an f-string a placeholder stands for a word: "{n} new, {m} updated" is text.
        words = text.replace("{}", "xx") if isinstance(node, ast.JoinedStr) else text
        shown = (
            WORD.search(text) if id(node) in at_sink else WORD.search(text) and WORDS.search(words)
        )
        if not shown or NOT_TEXT.match(text):
            continue
        end = getattr(node, "end_lineno", node.lineno) or node.lineno
        if any(PRAGMA.search(lines[n - 1]) for n in range(node.lineno - 1, end + 1) if n > 0):
            continue
        flagged.setdefault(node.lineno * 10000 + node.col_offset, node)
    return [node for _line, node in sorted(flagged.items())]


def lint_all(paths: Iterable[Path] | None = None) -> list[Escape]:
    out: list[Escape] = []
    for path in paths if paths is not None else sources():
        if relative(path) not in PENDING and relative(path) not in NOT_SHOWN:
            out.extend(lint(path))
    return out


# ------------------------------------------------------------------------ .po files


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    if "\n" not in text:
        return f'"{escaped}"'.replace("\n", "\\n")
    parts = escaped.split("\n")
    lines = ['""'] + [f'"{p}\\n"' for p in parts[:-1]] + ([f'"{parts[-1]}"'] if parts[-1] else [])
    return "\n".join(lines)


def write_po(
    path: Path,
    messages: dict[str, Message],
    translations: dict[str, list[str]],
    language: str | None,
) -> None:
    header = [
        "# goodnews-tui interface messages. Generated by scripts/i18n.py: edit msgstr only.",
        'msgid ""',
        'msgstr ""',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
    ]
    if language:
        header += [f'"Language: {language}\\n"', f'"Plural-Forms: {PLURAL_FORMS[language]}\\n"']
    out = ["\n".join(header)]
    for message in messages.values():
        forms = translations.get(message.msgid, [])
        block = [f"#: {' '.join(message.places[:4])}"]
        if PLACEHOLDER.search(message.msgid):
            block.append("#, python-brace-format")
        block.append(f"msgid {_quote(message.msgid)}")
        if message.plural is not None:
            block.append(f"msgid_plural {_quote(message.plural)}")
            block.append(f"msgstr[0] {_quote(forms[0] if forms else '')}")
        else:
            block.append(f"msgstr {_quote(forms[0] if forms else '')}")
        out.append("\n".join(block))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(out) + "\n", "utf-8")


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "goodnews.po"


def read_translations(language: str) -> dict[str, list[str]]:
    sys.path.insert(0, str(ROOT))
    from tui.i18n import read_po

    path = po_path(language)
    return read_po(path.read_text("utf-8")) if path.exists() else {}


def write_compiled(language: str) -> None:
    """The app's copy of the language's .po, read in a tenth of the time (JSON)."""
    import json

    sys.path.insert(0, str(ROOT))
    from tui.i18n import compile_catalogue, compiled_path

    po = po_path(language)
    text = json.dumps(compile_catalogue(po), ensure_ascii=False, indent=0, sort_keys=True)
    compiled_path(po).write_text(text + "\n", "utf-8")


def stale_compiled() -> list[str]:
    """Translated languages whose compiled copy is missing or not made from their .po."""
    import json

    sys.path.insert(0, str(ROOT))
    from tui.i18n import compile_catalogue, compiled_path

    stale = []
    for language in TRANSLATED:
        po = po_path(language)
        try:
            current = json.loads(compiled_path(po).read_text("utf-8")) == compile_catalogue(po)
        except (OSError, ValueError):
            current = False
        if not current:
            stale.append(language)
    return stale


def command_compile() -> int:
    for language in TRANSLATED:
        write_compiled(language)
    print(f"compiled: {', '.join(TRANSLATED)}")
    return 0


def command_extract() -> int:
    messages = extract(sources())
    write_po(POT, messages, {}, None)
    for language in TRANSLATED:
        write_po(po_path(language), messages, read_translations(language), language)
        write_compiled(language)
    missing = check(messages)
    print(f"{len(messages)} msgids; {len(missing)} problems (run check)")
    return 0


#: Where s2twp's output is not what Traditional Chinese software says (checked by hand, in
#: order: a later fix may rely on an earlier one).
HANT_FIXES: dict[str, str] = {
    "字首映象": "前綴鏡像",  # prefix mirror
    "映象": "鏡像",  # a mirror site is 鏡像 in Taiwan too; 映象 is an optical image
    "這隻能": "這只能",  # 只 (only) mistaken for the measure word 隻
    "文本": "文字",
    "響應": "回應",
    "超時": "逾時",
    "示例": "範例",
    "頭部": "標頭",  # HTTP headers
    "獲取": "取得",
    "演示": "示範",
    # A server "answered" (傳回); 返回 alone is the interface's Back, as in Taiwan.
    "返回 HTTP": "傳回 HTTP",
    "返回了": "傳回了",
    "返回“": "傳回“",
    "解壓": "解壓縮",
    "後臺": "背景",  # in the background
    "窄屏": "窄螢幕",
    "選中": "選取",  # the selected link or entry
    "當前": "目前",
    "“": "「",
    "”": "」",
}


def command_hant() -> int:
    import opencc

    convert = opencc.OpenCC("s2twp").convert
    hans = read_translations("zh_Hans")
    messages = extract(sources())
    hant: dict[str, list[str]] = {}
    for msgid, forms in hans.items():
        converted = []
        for form in forms:
            text = convert(form)
            for wrong, right in HANT_FIXES.items():
                text = text.replace(wrong, right)
            converted.append(text)
        hant[msgid] = converted
    write_po(po_path("zh_Hant"), messages, hant, "zh_Hant")
    for language in TRANSLATED:  # zh_Hans's .po may have been edited by hand since
        write_compiled(language)
    print(f"zh_Hant: {len(hant)} translations from zh_Hans")
    return 0


def placeholders(text: str) -> set[str]:
    return {m.group(1) or "" for m in PLACEHOLDER.finditer(text)}


def check(messages: dict[str, Message] | None = None) -> list[str]:
    """Every msgid translated in each language, with the same {placeholders}."""
    messages = messages if messages is not None else extract(sources())
    problems: list[str] = []
    for language in TRANSLATED:
        table = read_translations(language)
        for msgid, message in messages.items():
            forms = table.get(msgid)
            if not forms:
                problems.append(f"{language}: untranslated: {msgid!r} ({message.places[0]})")
                continue
            wanted = placeholders(msgid) | placeholders(message.plural or "")
            for form in forms:
                if placeholders(form) != wanted:
                    problems.append(f"{language}: placeholders differ: {msgid!r} -> {form!r}")
    for language in stale_compiled():
        problems.append(f"{language}: goodnews.json is not made from goodnews.po (run compile)")
    return problems


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "extract":
        return command_extract()
    if command == "hant":
        return command_hant()
    if command == "compile":
        return command_compile()
    if command == "check":
        problems = check()
        print("\n".join(problems) or "every msgid is translated")
        return 1 if problems else 0
    if command == "lint":
        if argv[1:2] == ["--pending"]:  # what phase 2 still has to convert, file by file
            for name in sorted(PENDING):
                found = lint(ROOT / name)
                print(f"{name}: {len(found)}")
                print("".join(f"  {e}\n" for e in found), end="")
            return 0
        escapes = lint_all()
        print("\n".join(map(str, escapes)) or "no untranslated interface text")
        return 1 if escapes else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
