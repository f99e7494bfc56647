"""What the indexes of a mirror tree call its page directories, for tests that check that an
article is recorded under its category's name, not its directory code (issue 13)."""

from __future__ import annotations

from pathlib import Path

from tui.core.library import Library
from tui.core.models import Index
from tui.core.parse import DirectoryNames, parse_page
from tui.core.parse.dirnames import directory_of
from tui.core.urls import PageRef


def index_names(base: Path, home: PageRef) -> DirectoryNames:
    """The names that the indexes under ``base`` (a repository's files) give."""
    names = DirectoryNames()
    for path in sorted((base / "indexes").glob("*.md")):
        ref = home.with_path(f"indexes/{path.name}")
        page = parse_page(ref, path.read_text(encoding="utf-8"), home)
        if isinstance(page, Index):
            names.learn_index(page)
    return names


def check_named(library: Library, base: Path, home: PageRef) -> int:
    """Assert that no article of ``library`` whose directory an index names is recorded
    under the directory's code; returns how many are recorded under the index's name."""
    names = index_names(base, home)
    named = 0
    for known in library.all_articles(home.repo_id):
        category = names.lookup(known.ref)
        if category is not None:
            assert known.category != directory_of(known.ref), known.ref.path
            named += known.category == category.title
    return named
