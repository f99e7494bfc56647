"""Full-text search over every article the library knows: queries, ranking, snippets.

A query is typed by a reader, so it is data, never FTS5 syntax: every term becomes a quoted
phrase (:func:`tui.core.library.fts_phrase`) of folded tokens, and whatever cannot be a term
(punctuation alone, a bad date) is dropped rather than raising. The grammar is the small one
search boxes share:

- words separated by spaces must all match (``台湾 经济``); Chinese needs no spaces, a run of
  any length is a phrase of its characters, so 1- to 4-character queries all work;
- ``"quoted words"`` must match as a phrase;
- ``tag:X``, ``source:X`` narrow to a tag or a source (a substring of its tokens, folded);
  ``before:DATE`` and ``after:DATE`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) to dates,
  both exclusive (``after:2024`` is 2025 on).

Results rank by relevance and recency (:meth:`tui.core.library.Library.search_rows`), except
for a common query: one that matches more than :data:`~tui.core.library.COMMON_MATCHES`
(1,000) articles lists them newest first, and its total says "more than 1,000"
(``total_capped``). Such a word is in most articles, so relevance hardly tells them apart
(bm25 weighs a word by its rarity), and ranking or counting them all would cost the most.

Simplified and traditional characters fold together (:mod:`tui.core.fold`) in the query as in
the index. Snippets are cut from the stored original text around the first match and carry
the matches as character ranges, never as markup: the UI styles them, ``--json`` prints them.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from tui.core.library import _CJK_RANGES, COMMON_MATCHES, Library, fts_phrase
from tui.core.urls import PageRef, ref_of_key

MAX_QUERY = 1_000  # characters of a query that are read; the rest is ignored
MAX_TERMS = 16
SNIPPET_CHARS = 80  # about two lines of the list pane
DEFAULT_LIMIT = 20

_TOKEN = re.compile(r'(\w+):"([^"]*)"?|"([^"]*)"?|(\S+)')
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_QUALIFIERS = ("tag", "source", "before", "after")
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: phrases that must all match, and the qualifiers that narrow them."""

    terms: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    before: date | None = None
    after: date | None = None

    @property
    def empty(self) -> bool:
        return not (self.terms or self.tags or self.sources or self.before or self.after)


@dataclass(frozen=True, slots=True)
class Highlighted:
    """Text with the character ranges ``[start, end)`` that matched the query."""

    text: str
    spans: tuple[tuple[int, int], ...] = ()

    def parts(self) -> list[tuple[str, bool]]:
        """The text cut at the highlights: ``(piece, matched)`` in order."""
        out: list[tuple[str, bool]] = []
        at = 0
        for start, end in self.spans:
            if start > at:
                out.append((self.text[at:start], False))
            out.append((self.text[start:end], True))
            at = end
        if at < len(self.text):
            out.append((self.text[at:], False))
        return out

    def to_json(self) -> dict[str, object]:
        return {"text": self.text, "highlights": [list(s) for s in self.spans]}


@dataclass(frozen=True, slots=True)
class SearchResult:
    ref: PageRef
    title: Highlighted
    source: str | None
    category: str | None
    published: date | None
    tags: tuple[str, ...]
    snippet: Highlighted
    score: float

    def to_json(self) -> dict[str, object]:
        return {
            "ref": self.ref.key,
            "title": self.title.text,
            "title_highlights": [list(s) for s in self.title.spans],
            "source": self.source,
            "category": self.category,
            "published": self.published.isoformat() if self.published else None,
            "tags": list(self.tags),
            "snippet": self.snippet.to_json(),
            "score": round(self.score, 4),
        }


@dataclass(slots=True)
class SearchResults:
    query: Query
    results: list[SearchResult] = field(default_factory=list)
    total: int = 0
    #: A common query: more than ``total`` articles match, listed newest first.
    total_capped: bool = False
    warnings: list[str] = field(default_factory=list)


def _parse_date(text: str, *, end: bool) -> date | None:
    m = _DATE.fullmatch(text)
    if m is None:
        return None
    try:
        year = int(m[1])
        month = int(m[2]) if m[2] else (12 if end else 1)
        day = int(m[3]) if m[3] else (calendar.monthrange(year, month)[1] if end else 1)
        return date(year, month, day)
    except ValueError:
        return None


def parse_query(text: str) -> Query:
    """Read a query as typed; never raises, whatever the text (hostile input included)."""
    terms: list[str] = []
    tags: list[str] = []
    sources: list[str] = []
    before: date | None = None
    after: date | None = None
    # Control characters are never part of a word (and SQL strings would end at a NUL).
    for m in _TOKEN.finditer(_CONTROLS.sub(" ", text[:MAX_QUERY])):
        name, value = m[1], m[2]
        if m[4] is not None and ":" in m[4]:
            head, _, rest = m[4].partition(":")
            if head.lower() in _QUALIFIERS and rest:
                name, value = head, rest
        if name is not None and name.lower() in _QUALIFIERS:
            kind = name.lower()
            if kind == "tag":
                tags.append(value)
            elif kind == "source":
                sources.append(value)
            elif kind == "before":
                before = _parse_date(value, end=False) or before
            else:
                after = _parse_date(value, end=True) or after
            continue
        term = m[3] if m[3] is not None else (m[0] if name is None else f"{name}:{value}")
        terms.append(term)
    keep = lambda items: tuple(t for t in items if fts_phrase(t) is not None)[:MAX_TERMS]  # noqa: E731
    return Query(keep(terms), keep(tags), keep(sources), before, after)


def match_expression(query: Query) -> str | None:
    """The FTS5 expression for ``query``'s terms and qualifiers (None: no text condition)."""
    from tui.core.fold import fold

    parts: list[str] = []
    for term in query.terms:
        phrase = fts_phrase(fold(term))
        if phrase:
            parts.append(phrase)
    for column, values in (("tags", query.tags), ("source", query.sources)):
        for value in values:
            phrase = fts_phrase(fold(value))
            if phrase:
                parts.append(f"{column} : {phrase}")
    return " AND ".join(parts) if parts else None


def _needles(query: Query) -> list[str]:
    from tui.core.fold import fold

    out = {fold(t).translate(_ASCII_LOWER).strip() for t in query.terms}
    return sorted((n for n in out if n), key=len, reverse=True)


def highlight(text: str, query: Query) -> Highlighted:
    """``text`` with every occurrence of the query's terms marked (folded, ASCII case-blind)."""
    return Highlighted(text, _spans(text, _needles(query)))


@cache
def _needle_pattern(needle: str) -> re.Pattern[str] | None:
    """Where the index matches ``needle`` (folded, lower case), as a pattern over text
    folded the same way: its tokens in order with anything but tokens between them (the
    index keeps no punctuation or space: 台湾经济 matches 台湾，经济), a Latin word whole
    (``art`` is not in ``start``), the last one as a prefix as ``fts_phrase`` makes it."""
    latin = f"[^\\W_{_CJK_RANGES}]"
    tokens = [t for t in re.findall(f"[{_CJK_RANGES}]|{latin}+", needle) if t.isalnum()]
    if not tokens:
        return None
    prefix = bool(re.search(f"{latin}\\Z", needle.rstrip()))
    parts = []
    for i, token in enumerate(tokens):
        if re.match(f"[{_CJK_RANGES}]", token):
            parts.append(re.escape(token))
            continue
        whole = "" if prefix and i == len(tokens) - 1 else f"(?!{latin})"
        parts.append(f"(?<!{latin}){re.escape(token)}{whole}")
    return re.compile("[\\W_]*".join(parts))


def _spans(text: str, needles: list[str]) -> tuple[tuple[int, int], ...]:
    if not needles or not text:
        return ()
    from tui.core.fold import fold

    folded = fold(text).translate(_ASCII_LOWER)  # same length as ``text``
    found: list[tuple[int, int]] = []
    for needle in needles:
        pattern = _needle_pattern(needle)
        if pattern is not None:
            found.extend(m.span() for m in pattern.finditer(folded) if m.end() > m.start())
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def snippet(body: str, query: Query, width: int = SNIPPET_CHARS) -> Highlighted:
    """About ``width`` characters of ``body`` around its first match, on one line."""
    text = " ".join(body.split())
    spans = _spans(text, _needles(query))
    if not spans:
        cut = text[:width]
        return Highlighted(cut + ("…" if len(text) > width else ""))
    first = spans[0][0]
    start = max(0, first - width // 4)
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    piece = text[start:end]
    lead = "…" if start > 0 else ""
    tail = "…" if end < len(text) else ""
    shift = len(lead) - start
    kept = tuple(
        (max(s, start) + shift, min(e, end) + shift) for s, e in spans if s < end and e > start
    )
    return Highlighted(lead + piece + tail, kept)


def search(
    library: Library,
    text: str,
    *,
    repo_id: str | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
    today: date | None = None,
    common: int = COMMON_MATCHES,
    snippets: bool = True,
) -> SearchResults:
    """The articles matching ``text``, best first, with highlighted titles and snippets
    (``snippets=False``: empty ones, and the bodies are not read).

    When more than ``common`` articles match, they come newest first and ``total`` is
    ``common`` with ``total_capped``. Never raises for any query; problems (no index, a damaged one) are ``warnings``.
    """
    query = parse_query(text)
    out = SearchResults(query)
    if query.empty:
        return out
    match = match_expression(query)
    if match is None and not (query.before or query.after):
        return out
    seen = len(library.warnings)
    rows = library.search_rows(
        match,
        repo_id=repo_id,
        before=query.before,
        after=query.after,
        limit=limit,
        offset=offset,
        today=today,
        common=common,
        bodies=snippets,
    )
    out.warnings.extend(library.warnings[seen:])
    for row in rows:
        ref = ref_of_key(row.key)
        if ref is None:
            continue
        out.total, out.total_capped = row.total, row.capped
        out.results.append(
            SearchResult(
                ref=ref,
                title=highlight(row.title, query),
                source=row.source,
                category=row.category,
                published=row.published,
                tags=row.tags,
                snippet=snippet(row.body, query),
                score=row.score,
            )
        )
    return out
