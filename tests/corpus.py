"""Access to the real mirror pages (never copied into the project), and what to do without them.

The corpus is ``$GOODNEWS_CORPUS`` when set, else ``../shared/corpus`` beside the repository;
this module is the one place that knows. A fresh clone has no corpus, and the suite must still
collect and run there, so nothing here fails at import time:

- ``manifest()`` and ``pages()`` return a single placeholder page while the corpus is missing,
  so module-level ``pages("article")[0]`` and ``@pytest.mark.parametrize("page", pages())``
  still collect; a parametrized corpus test then collapses to one item, which is skipped.
- Inside a running test, ``pages()``, ``manifest()`` and the placeholder's ``text()`` call
  ``require_corpus()``, which skips the test with ``SKIP_REASON`` (or fails it when
  ``$GOODNEWS_REQUIRE_CORPUS=1``, as CI sets: there a missing corpus is a broken checkout,
  not a reason to run fewer tests).
- ``tests/conftest.py`` marks tests that need the corpus (``corpus`` marker) and calls
  ``require_corpus()`` before each of them.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from tui.core.urls import PageRef

ROOT = Path(__file__).resolve().parents[1]
CORPUS_ENV = "GOODNEWS_CORPUS"
REQUIRE_ENV = "GOODNEWS_REQUIRE_CORPUS"
SKIP_REASON = "corpus not found: set GOODNEWS_CORPUS or place ../shared/corpus"


def corpus_dir() -> Path:
    """Where the corpus should be, whether or not it is there (env var first, then beside us)."""
    configured = os.environ.get(CORPUS_ENV, "").strip()
    if configured:
        return Path(configured).expanduser().absolute()
    return ROOT.parent / "shared" / "corpus"


CORPUS = corpus_dir()
MIRROR_ROOT = CORPUS / "begood0513" / "goodnews" / "master"


def corpus_available() -> bool:
    """The manifest is what every corpus test starts from, so its presence is the test."""
    return (CORPUS / "MANIFEST.tsv").is_file()


def corpus_required() -> bool:
    """CI sets this so that a missing corpus fails the run instead of silently shrinking it."""
    return os.environ.get(REQUIRE_ENV, "").strip() not in ("", "0")


def _in_test() -> bool:
    # pytest sets this during each test's setup, call and teardown, never during collection.
    return "PYTEST_CURRENT_TEST" in os.environ


def require_corpus() -> Path:
    """The corpus directory; skips the calling test (fails it under CI) when it is missing."""
    if corpus_available():
        return CORPUS
    if corpus_required():
        pytest.fail(f"{SKIP_REASON} ({REQUIRE_ENV}=1; looked in {CORPUS})", pytrace=False)
    pytest.skip(SKIP_REASON)


@dataclass(frozen=True, slots=True)
class CorpusPage:
    ref: PageRef
    kind: str  # home, index, article, other, missing
    chars: int

    @property
    def file(self) -> Path:
        return CORPUS / self.ref.raw_path

    def text(self) -> str:
        if self is PLACEHOLDER:
            # Module-level code (e.g. a list of every page's links) may read it while
            # collecting: give it nothing. A running test that reaches it is skipped.
            if _in_test():
                require_corpus()
            return ""
        return self.file.read_bytes().decode("utf-8")


#: Stands for "every page" while the corpus is missing; its path doubles as the test id.
PLACEHOLDER = CorpusPage(PageRef("begood0513", "goodnews", "master", "corpus-not-found"), "", 0)


@cache
def _read_manifest() -> tuple[CorpusPage, ...]:
    rows: list[CorpusPage] = []
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            owner, repo = row["owner/repo"].split("/", 1)
            ref = PageRef(owner, repo, "master", row["path"])
            rows.append(CorpusPage(ref, row["kind"], int(row["chars"])))
    return tuple(rows)


def manifest() -> tuple[CorpusPage, ...]:
    """Every row of MANIFEST.tsv (refs at ``master``); ``(PLACEHOLDER,)`` without a corpus."""
    if corpus_available():
        return _read_manifest()
    if _in_test():
        require_corpus()
    return (PLACEHOLDER,)


def pages(*kinds: str) -> list[CorpusPage]:
    """Manifest rows of the given kinds (all present pages when none given).

    Without a corpus this is ``[PLACEHOLDER]`` whatever the kinds, so that ``pages(...)[0]``
    and parametrizing over it still collect.
    """
    rows = manifest()
    if rows == (PLACEHOLDER,):
        return [PLACEHOLDER]
    wanted = set(kinds) or {"home", "index", "article", "other"}
    return [p for p in rows if p.kind in wanted]
