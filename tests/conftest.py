"""Shared fixtures (a loopback server over the corpus, fast network policies) and the ``corpus``
marker that lets the suite run on a checkout without the corpus.

Which tests need the corpus is found here, once, so test modules need no bookkeeping. A test
is marked ``corpus`` when it

- uses the ``corpus_server`` fixture (directly or through another fixture),
- is parametrized with pages of the corpus (``tests.corpus.CorpusPage`` values), or
- refers, in its own code, in a function of its module that it calls, or in one of its
  fixtures, to ``tests.corpus``'s ``CORPUS``, ``MIRROR_ROOT``, ``manifest``, ``pages`` or
  ``require_corpus``, or to a module-level name computed from them (``ARTICLE = pages(...)``),
- or carries ``@pytest.mark.corpus`` explicitly (for what the above cannot see).

A marked test calls ``require_corpus()`` before it starts: skipped with one reason when the
corpus is missing, failed instead when ``GOODNEWS_REQUIRE_CORPUS=1`` (CI). Under that variable
the run also fails if any corpus test was skipped for another reason, so CI always runs them.
"""

from __future__ import annotations

import ast
import dis
import inspect
import os
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import corpus
from tests.corpus_server import CorpusServer
from tui.core.fetch import FetchPolicy
from tui.i18n import LANG_ENV, set_language

# The suite asserts English messages (the msgids); tests about the language choose one
# themselves. Set in the environment too, for subprocesses (the CLI, worker processes).
os.environ[LANG_ENV] = "en"


@pytest.fixture(autouse=True)
def english_interface(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts in English, whatever an earlier test or the host locale chose."""
    monkeypatch.setenv(LANG_ENV, "en")
    set_language("en")
    yield
    set_language("en")


#: Short timeouts and near-zero backoff so fault tests finish in well under a second.
FAST_POLICY = FetchPolicy(
    connect_timeout=1.0,
    read_timeout=1.0,
    attempt_timeout=2.0,
    deadline=4.0,
    retries=2,
    backoff_base=0.01,
    backoff_cap=0.05,
    retry_after_cap=2.0,
)

TESTS_DIR = Path(__file__).resolve().parent
CORPUS_FIXTURES = frozenset({"corpus_server"})
#: Objects of tests.corpus whose use means "this test reads the corpus".
CORPUS_OBJECTS = (corpus.CORPUS, corpus.MIRROR_ROOT)
CORPUS_FUNCTIONS = (corpus.manifest, corpus.pages, corpus.require_corpus)


@pytest.fixture
def corpus_server() -> Iterator[CorpusServer]:
    """A started ``CorpusServer`` (see its module docstring); stopped after the test."""
    corpus.require_corpus()
    server = CorpusServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fast_policy() -> FetchPolicy:
    return FAST_POLICY


# ------------------------------------------------------------------ the corpus marker


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "corpus: needs the real corpus ($GOODNEWS_CORPUS or ../shared/corpus); "
        "skipped without it, a failure under GOODNEWS_REQUIRE_CORPUS=1",
    )


def pytest_report_header(config: pytest.Config) -> str:
    state = "found" if corpus.corpus_available() else "NOT FOUND, corpus tests skip"
    required = f", {corpus.REQUIRE_ENV}=1" if corpus.corpus_required() else ""
    return f"corpus: {corpus.CORPUS} ({state}{required})"


def _corpus_names(module: types.ModuleType) -> frozenset[str]:
    """Module-level names that hold corpus objects or values computed from them."""
    cached = getattr(module, "__corpus_names__", None)
    if cached is not None:
        return cached
    names = {
        name
        for name, value in vars(module).items()
        if any(value is obj for obj in CORPUS_OBJECTS + CORPUS_FUNCTIONS)
    }
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError, SyntaxError):
        tree = None
    if tree is not None:
        assigns = [
            (node.targets if isinstance(node, ast.Assign) else [node.target], node.value)
            for node in tree.body
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None
        ]
        changed = True
        while changed:  # ARTICLES = pages(...); ALL = ARTICLES + ...: follow the chain
            changed = False
            for targets, value in assigns:
                used = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
                if not used & names:
                    continue
                for target in targets:
                    for n in ast.walk(target):
                        if isinstance(n, ast.Name) and n.id not in names:
                            names.add(n.id)
                            changed = True
    result = frozenset(names)
    module.__corpus_names__ = result  # type: ignore[attr-defined]
    return result


_IMPORTS_CORPUS = "<imports tests.corpus>"


def _global_names(code: types.CodeType) -> Iterator[str]:
    """Globals a function reads, its nested functions and comprehensions included."""
    for instruction in dis.get_instructions(code):
        if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME"):
            yield str(instruction.argval)
        elif instruction.opname == "IMPORT_NAME" and instruction.argval == corpus.__name__:
            yield _IMPORTS_CORPUS  # ``from tests.corpus import ...`` inside the function
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _global_names(const)


def _reads_corpus(function: object, seen: set[int]) -> bool:
    """Whether ``function`` (or a function of its module that it calls) uses the corpus."""
    function = inspect.unwrap(function)  # type: ignore[arg-type]
    code = getattr(function, "__code__", None)
    module = inspect.getmodule(function)
    if code is None or module is None or id(code) in seen:
        return False
    seen.add(id(code))
    corpus_names = _corpus_names(module)
    for name in _global_names(code):
        if name in corpus_names or name == _IMPORTS_CORPUS:
            return True
        value = vars(module).get(name)
        if (
            isinstance(value, types.FunctionType)
            and value.__module__ == module.__name__
            and _reads_corpus(value, seen)
        ):
            return True
    return False


def _defined_in_tests(function: object) -> bool:
    try:
        return Path(inspect.getfile(function)).resolve().is_relative_to(TESTS_DIR)  # type: ignore[arg-type]
    except (TypeError, OSError):
        return False


def _needs_corpus(item: pytest.Item) -> bool:
    if item.get_closest_marker("corpus") is not None:
        return True
    if not isinstance(item, pytest.Function):
        return False
    if CORPUS_FIXTURES & set(item.fixturenames):
        return True
    callspec = getattr(item, "callspec", None)
    if callspec is not None and any(
        isinstance(v, corpus.CorpusPage) for v in callspec.params.values()
    ):
        return True
    seen: set[int] = set()
    if _reads_corpus(item.function, seen):
        return True
    for name in item.fixturenames:
        for fixturedef in item._fixtureinfo.name2fixturedefs.get(name, ()):
            if _defined_in_tests(fixturedef.func) and _reads_corpus(fixturedef.func, seen):
                return True
    return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("corpus") is None and _needs_corpus(item):
            item.add_marker(pytest.mark.corpus)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("corpus") is not None:
        corpus.require_corpus()


#: Node ids of corpus tests that were skipped in this run (for the CI check below).
_skipped_corpus_tests: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and "corpus" in report.keywords:
        _skipped_corpus_tests.append(report.nodeid)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    if corpus.corpus_required() and _skipped_corpus_tests:
        terminalreporter.write_line(
            f"{corpus.REQUIRE_ENV}=1 but {len(_skipped_corpus_tests)} corpus test(s) "
            "were skipped; CI must run them all:",
            red=True,
        )
        for nodeid in _skipped_corpus_tests:
            terminalreporter.write_line(f"  {nodeid}", red=True)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Under CI a skipped corpus test is a failure of the run, whatever else passed.
    if corpus.corpus_required() and _skipped_corpus_tests and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
