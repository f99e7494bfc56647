"""What the app knows across pages: articles it has parsed, their tags, and what was read.

The mirror has no tag pages, so a tag's related list can only be built from articles the app
has already seen. This library remembers them (title, date, category, tags) together with the
index entries it has listed and the read state, in one SQLite file next to the cache, so that
related lists survive restarts. SQLite gives atomic writes and safe concurrent use by two
processes; nothing is pickled.

At the mirror's scale (15,000 articles, tags on 5,000 of them, tens of thousands of index
entries) nothing here may scan a whole table per call:

- "entries whose title holds this tag" is answered by an FTS5 table (``entry_titles``, rowid
  = the entry's rowid) in the same database. ``unicode61`` cannot split Chinese, so titles
  are indexed with every CJK character spaced apart (:func:`fts_text`): each is one token, a
  Chinese string of any length is a phrase query (:func:`fts_phrase`), Latin words stay
  whole. The phrase narrows the candidates and the old ``LIKE`` then runs on those few rows
  only, so the answer is exactly the substring rule's. If FTS5 is missing or the table is
  damaged, the library falls back to the ``LIKE`` scan with a warning and rebuilds the table
  on the next start (the ``meta`` table records the index's version and health). The full
  text search of issue 11 is meant to reuse the same pieces: :func:`fts_text` and
  :func:`fts_phrase` for tokens and queries, ``meta`` for its version, writes kept in a
  savepoint so a broken index never loses the rows it indexes.
- Full-text search (issue 11) keeps every parsed article's title, body, tags, source and
  category in ``texts`` and ``bodies`` (plain rows: the source of truth, what snippets are cut
  from and what a rebuild reads) and indexes them in a contentless FTS5 table
  (``article_search``, rowid = ``texts.id``) with the same one-token-per-CJK-character rule,
  after folding traditional characters to simplified (:mod:`tui.core.fold`), so the index
  holds no second copy of the text. Contentless rows are deleted by giving FTS5 the old tokens
  again, which :func:`search_tokens` recomputes from ``texts``; the index's version in
  ``meta`` includes the folding's, and a damaged or stale index is rebuilt from the rows with
  a warning. Sync hands in :class:`ArticleRecord` values whose tokens were computed in a parse
  worker (:func:`article_record`), so the event loop's process only runs SQL.
- Read state lives in memory (loaded once, kept current by :meth:`Library.mark_read` and
  :meth:`Library.mark_unread`) because the list draws ask for it per frame. Marks made by
  another process show after a restart.
- Batched calls (:meth:`Library.known_keys`, :meth:`Library.record_many`) serve prefetch and
  sync, which handle hundreds of pages at once.

One connection is shared by the event loop and worker threads behind a lock; every wait is
bounded (the lock, SQLite's busy timeout) and every failure becomes a line in ``warnings``,
never an exception, because the library only ever adds to what the app can show.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import date
from functools import cache
from pathlib import Path
from typing import NamedTuple

from tui.core.lazy import LazyMap
from tui.core.models import Article, Entry
from tui.core.urls import PageRef, plain_key_in, ref_of_key
from tui.i18n import _

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    key TEXT PRIMARY KEY,
    repo TEXT NOT NULL,
    title TEXT NOT NULL,
    published TEXT,
    category TEXT,
    seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS tags (
    key TEXT NOT NULL,
    tag TEXT NOT NULL,
    pos INTEGER NOT NULL,
    PRIMARY KEY (key, tag)
);
CREATE INDEX IF NOT EXISTS tags_by_tag ON tags (tag);
CREATE TABLE IF NOT EXISTS entries (
    key TEXT PRIMARY KEY,
    repo TEXT NOT NULL,
    title TEXT NOT NULL,
    seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS reads (
    key TEXT PRIMARY KEY,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS texts (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    repo TEXT NOT NULL,
    title TEXT NOT NULL,
    source TEXT,
    category TEXT,
    published TEXT,
    tags TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS texts_by_repo ON texts (repo, source, published);
CREATE TABLE IF NOT EXISTS bodies (
    id INTEGER PRIMARY KEY,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS stars (
    key TEXT PRIMARY KEY,
    repo TEXT NOT NULL,
    title TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS opened (
    key TEXT PRIMARY KEY,
    repo TEXT NOT NULL,
    title TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS opened_by_time ON opened (repo, at);
CREATE TABLE IF NOT EXISTS visits (
    place TEXT PRIMARY KEY,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS listings (
    list TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (list, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entries_by_seen ON entries (seen);
"""

LIBRARY_FILE = "library.sqlite3"

# The title index. Bump TITLE_INDEX_VERSION whenever fts_text or the tokenizer changes: a
# library built by another version is then rebuilt on open.
TITLE_INDEX = "entry_titles"
TITLE_INDEX_VERSION = "2"  # 2: titles folded to simplified (tui.core.fold)
TITLE_INDEX_DAMAGED = "damaged"
TOKENIZER = "unicode61 remove_diacritics 2"
_CREATE_TITLE_INDEX = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TITLE_INDEX} USING fts5(title, tokenize='{TOKENIZER}')"
)

_SHADOW_TABLES = ("data", "idx", "content", "docsize", "config")

# The article search index: columns in this order everywhere (tokens, bm25 weights).
SEARCH_INDEX = "article_search"
SEARCH_INDEX_VERSION = "1"
SEARCH_COLUMNS = ("title", "body", "tags", "source", "category")
# bm25 weights per column: a word in the title or a tag says more than one in the body.
SEARCH_WEIGHTS = (8.0, 1.0, 5.0, 3.0, 3.0)
# A query matching more than this many articles is "common": a word nearly everywhere, whose
# bm25 is flat (its weight falls to nothing as it nears every article) and whose ranking
# and full count cost most. Its matches are listed newest first and counted up to this many
# ("1,000+"): the count stops early and the date sort needs no bm25. Ranking costs about
# 4 us a match on top of the match itself (15,000 articles: 4 ms for 1,000 matches, 50 to
# 75 ms for all 15,000); fewer matches than this rank and count exactly as always.
COMMON_MATCHES = 1_000
# Recency: a match's bm25 score is divided by 1 + age / RECENCY_DAYS, so at equal relevance
# the newer article wins and a year-old one needs about twice the relevance to rank level.
RECENCY_DAYS = 365.0
_CREATE_SEARCH_INDEX = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_INDEX} USING fts5("
    + ", ".join(SEARCH_COLUMNS)
    + f", content='', tokenize='{TOKENIZER}')"
)
_TAG_SEPARATOR = "\n"

# Keys per query in batched look-ups: far below SQLite's variable limit, large enough that
# 15,000 keys cost 30 statements.
BATCH = 500
# Longest wait for another thread's library call; SQLite's own busy timeout bounds waits on
# other processes.
LOCK_TIMEOUT = 10.0
BUSY_TIMEOUT = 5.0
_MAX_WARNINGS = 50

# Characters that get a token each: CJK radicals to Yi, Hangul, compatibility ideographs,
# vertical and full-width forms, the supplementary ideograph planes. Spacing a character
# that unicode61 treats as a separator anyway (CJK punctuation) is harmless.
_CJK_RANGES = (
    "\u2e80-\ua4cf\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    "\U00020000-\U0003ffff"
)


@cache
def _cjk_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """One CJK character, and the runs ``fts_text`` cuts text into; compiled on first use:
    the two classes take about 10 ms to compile, on the way to the first frame otherwise."""
    return (
        re.compile(f"[{_CJK_RANGES}]"),
        re.compile(f"[{_CJK_RANGES}]|[^{_CJK_RANGES}]+"),
    )


# LIKE's case folding (ASCII letters only), for the last word on what a title holds.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

_ARTICLES_WITH_TAG = (
    "SELECT a.key, a.title, a.published, a.category, x.source FROM tags t"
    " JOIN articles a ON a.key = t.key LEFT JOIN texts x ON x.key = a.key"
    " WHERE t.tag = ? AND a.repo = ? AND a.key != ?"
    " ORDER BY a.published IS NULL, a.published DESC, a.title"
)
# The phrase holds folded tokens, so the exact substring check is made in Python on folded
# titles (``LIKE`` on the stored titles would miss the other script's).
_ENTRIES_MATCHING = (
    "SELECT e.key, e.title FROM entries e"
    f" WHERE e.rowid IN (SELECT rowid FROM {TITLE_INDEX} WHERE {TITLE_INDEX} MATCH ?)"
    " AND e.repo = ?"
    " ORDER BY e.seen DESC, e.title"
)
_SOURCES = (
    "SELECT t.source, count(*) AS n FROM articles a LEFT JOIN texts t ON t.key = a.key"
    " WHERE a.repo = ? GROUP BY coalesce(t.source, '') ORDER BY n DESC, t.source"
)
_ALL_ARTICLES = (
    "SELECT a.key, a.title, a.published, a.category, t.source FROM articles a"
    " LEFT JOIN texts t ON t.key = a.key"
    " JOIN (SELECT coalesce(t2.source, '') AS s, count(*) AS n FROM articles a2"
    " LEFT JOIN texts t2 ON t2.key = a2.key WHERE a2.repo = ? GROUP BY s) g"
    " ON g.s = coalesce(t.source, '')"
    " WHERE a.repo = ?"
)
_ALL_ARTICLES_ORDER = (
    " ORDER BY g.n DESC, g.s, a.published IS NULL, a.published DESC, a.title LIMIT ? OFFSET ?"
)
_ENTRIES_LIKE = (
    "SELECT key, title FROM entries WHERE repo = ? AND gn_fold(title) LIKE ? ESCAPE '\\'"
    " ORDER BY seen DESC, title"
)
# Tags are stored folded (one tag in either script is one tag); this meta row says with
# which folding, so a library written before (or with another OpenCC) is refolded once.
TAGS_FOLD = "tags_fold"


class Known(NamedTuple):
    """An article the app knows of, from having parsed it or having seen it in an index."""

    ref: PageRef
    title: str
    published: date | None = None
    category: str | None = None
    parsed: bool = True
    source: str | None = None


class Marked(NamedTuple):
    """An article of the Starred or History place: when it was starred or last opened."""

    ref: PageRef
    title: str
    at: float
    published: date | None = None
    source: str | None = None


class LibraryBusy(sqlite3.OperationalError):
    """Another thread held the library longer than LOCK_TIMEOUT (handled like any SQLite error)."""


def fts_text(text: str) -> str:
    """``text`` as the FTS index stores it: every CJK character a token of its own.

    unicode61 keeps a run of Chinese as one token, so no query shorter than a whole run
    could match; one token per character makes any substring a phrase of tokens.
    """
    return " ".join(_cjk_patterns()[1].findall(text))


def fts_phrase(text: str) -> str | None:
    """An FTS5 query for the titles holding ``text``, or None when ``text`` has no token.

    The whole string is one quoted phrase (inner quotes doubled), so operators, columns,
    brackets or quotes in a tag are just characters. A trailing Latin word or number is a
    prefix, so ``iPhone`` still finds ``iPhone15`` as ``LIKE`` did; a match inside a Latin
    word (``Phone`` in ``iPhone``) is what one token per word cannot give.
    """
    if not any(c.isalnum() for c in text):
        return None
    phrase = '"' + fts_text(text).replace('"', '""') + '"'
    last = text.rstrip()[-1:]
    if last.isalnum() and not _cjk_patterns()[0].match(last):
        phrase += "*"
    return phrase


def _fold(text: str) -> str:
    from tui.core.fold import fold

    return fold(text)


def _sql_fold(text: str | None) -> str | None:
    return _fold(text) if isinstance(text, str) else text


def _like_pattern(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _split_tags(text: str | None) -> tuple[str, ...]:
    return tuple(t for t in (text or "").split(_TAG_SEPARATOR) if t)


def _date(text: object) -> date | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _readable_key(key: str, repo_id: str) -> bool:
    """A stored key that names a page: one string test for the usual keys of the list's own
    repository, the full reading for anything else."""
    return plain_key_in(key, repo_id) or ref_of_key(key) is not None


def _known_of_row(row: tuple[object, ...]) -> Known:
    """A related list's row: ``(key, title, published, category, source)`` of an article,
    ``(key, title)`` of an index entry; its key was checked when it was listed."""
    key, title = row[0], row[1]
    assert isinstance(key, str) and isinstance(title, str)
    ref = ref_of_key(key)
    assert ref is not None
    if len(row) == 2:
        return Known(ref, title, parsed=False)
    _key, _title, published, category, source = row
    return Known(ref, title, _date(published), category, source=source or None)  # type: ignore[arg-type]


def _marks(n: int) -> str:
    return ",".join("?" * n)


class ArticleRecord(NamedTuple):
    """What the library keeps of a parsed article: small, picklable, made where it was parsed.

    ``tokens`` are the search index's column values (:func:`search_tokens`); a parse worker
    computes them so the process holding the library only writes rows.
    """

    key: str
    repo: str
    title: str
    published: str | None
    category: str | None
    source: str | None
    tags: tuple[str, ...]
    body: str
    tokens: tuple[str, ...] | None = None


class SearchRow(NamedTuple):
    """One match of :meth:`Library.search_rows`, best first; ``total`` counts all matches,
    or is the cap when ``capped`` (more matches than that: a common query, newest first)."""

    key: str
    title: str
    source: str | None
    category: str | None
    published: date | None
    tags: tuple[str, ...]
    body: str
    score: float
    total: int
    capped: bool = False


def article_body(article: Article) -> str:
    """The article's searchable text: lead caption and blocks, one per line."""
    parts = (
        [article.lead_image.caption] if article.lead_image and article.lead_image.caption else []
    )
    parts += [text for text in (block.text for block in article.blocks) if text]
    return "\n".join(parts)


def search_tokens(
    title: str, body: str, tags: Iterable[str], source: str | None, category: str | None
) -> tuple[str, ...]:
    """The index's column values: folded to simplified, one token per CJK character.

    Deterministic by design: deleting a row of a contentless index means handing FTS5 the
    same tokens again.
    """
    from tui.core.fold import fold

    values = (title, body, _TAG_SEPARATOR.join(tags), source or "", category or "")
    return tuple(fts_text(fold(value)) for value in values)


def article_record(article: Article, *, tokens: bool = True) -> ArticleRecord:
    """The library's record of ``article`` (with its index tokens unless ``tokens=False``)."""
    body = article_body(article)
    tags = tuple(dict.fromkeys(tag.name for tag in article.tags))
    category = article.category.title if article.category else None
    return ArticleRecord(
        key=article.ref.key,
        repo=article.ref.repo_id,
        title=article.title,
        published=article.published.isoformat() if article.published else None,
        category=category,
        source=article.source,
        tags=tags,
        body=body,
        tokens=search_tokens(article.title, body, tags, article.source, category)
        if tokens
        else None,
    )


class Library:
    """Tags -> articles, index entries and read state. ``path=None`` keeps all in memory."""

    def __init__(self, path: Path | None = None, *, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.clock = clock  # when things are read, starred, visited (fixed in snapshots)
        self.warnings: list[str] = []
        self._lock = threading.RLock()
        self._reads_lock = threading.Lock()  # only ever held to swap the read set
        self._db = self._open(path)
        # Reads go through a connection of each thread's own, opened on its first read, so
        # that they never wait behind a write on the main one (an index of 15,000 entries
        # being recorded) nor behind another thread's long read: with WAL, readers see the
        # last committed state meanwhile. The event loop's short reads (the marks of the
        # rows being drawn) waited 30 ms behind a related list's query when the readers
        # shared one connection (bench/scale.py). An in-memory library has one connection
        # only: then every read shares the main one.
        self._db_file: str | None = self._file_of(self._db)
        self._local = threading.local()  # .reader: this thread's reader connection
        self._readers: dict[threading.Thread, sqlite3.Connection] = {}  # to close them all
        self._readers_lock = threading.Lock()  # held to open, forget or close readers
        self._titles_indexed = self._prepare_title_index()
        self._search_ready = self._prepare_search_index()
        self._fold_checked = False
        self._tags_checked = False
        self._reads: frozenset[str] = self._load_reads()
        self._stars: frozenset[str] = self._load_keys("SELECT key FROM stars")

    # -- opening ------------------------------------------------------------------------

    def _open(self, path: Path | None) -> sqlite3.Connection:
        if path is None:
            return self._connect(":memory:")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            return self._connect(str(path))
        except sqlite3.OperationalError as exc:
            # Locked by another process, unreadable, read-only: the file may be fine, so it
            # is left where it is.
            self._warn(
                _("The library cannot be opened ({error}); read state lasts this session.").format(
                    error=exc
                )
            )
            return self._connect(":memory:")
        except sqlite3.DatabaseError as exc:
            aside = path.with_name(f"{path.name}.corrupt-{int(time.time())}")
            try:
                path.rename(aside)
                db = self._connect(str(path))
                self._warn(
                    _("The library was damaged ({error}); started a new one.").format(error=exc)
                )
                return db
            except (OSError, sqlite3.Error):
                pass
        except OSError:
            pass
        self._warn(_("The library cannot be saved here; read state lasts this session only."))
        return self._connect(":memory:")

    @staticmethod
    def _connect(where: str) -> sqlite3.Connection:
        db = sqlite3.connect(
            where, timeout=BUSY_TIMEOUT, check_same_thread=False, isolation_level=None
        )
        # Folding in SQL, for the title scan without an index; OpenCC loads on first call.
        db.create_function("gn_fold", 1, _sql_fold, deterministic=True)
        try:
            if where != ":memory:":
                db.execute("PRAGMA journal_mode=WAL")
                # With WAL, NORMAL keeps the file consistent on a crash and spares an fsync
                # per article opened (marking it read); at worst the last marks are lost.
                db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(SCHEMA)
            db.execute("SELECT count(*) FROM articles").fetchone()
        except BaseException:
            db.close()
            raise
        return db

    def _prepare_title_index(self) -> bool:
        """Make the title index usable: create, back-fill or rebuild it; False if it cannot be.

        It is rebuilt when it was built by another version, when a session found it damaged,
        or when it does not cover the entries (written by a version without it, or rowids
        renumbered by a VACUUM): same row count and same largest rowid, checked in a few ms.
        """
        damage: sqlite3.Error | None = None
        try:
            with self._locked() as db:
                if self._title_index_current(db):
                    return True
        except sqlite3.Error as exc:
            damage = exc  # damaged or of an unknown kind: built anew below
        try:
            self._rebuild_index(TITLE_INDEX, self._rebuild_title_index)
            if damage is not None:
                self._warn(
                    _("The title index was damaged ({problem}); it has been rebuilt.").format(
                        problem=damage
                    )
                )
            return True
        except (sqlite3.Error, UnicodeError) as exc:
            self._warn(
                _(
                    "The title index is not available ({error}); related lists will be slower."
                ).format(error=exc)
            )
            return False

    @staticmethod
    def _title_index_current(db: sqlite3.Connection) -> bool:
        db.execute(_CREATE_TITLE_INDEX)
        state = db.execute("SELECT value FROM meta WHERE name = ?", (TITLE_INDEX,)).fetchone()
        if state is None or state[0] != TITLE_INDEX_VERSION:
            return False
        ours = db.execute("SELECT count(*), max(rowid) FROM entries").fetchone()
        theirs = db.execute(f"SELECT count(*), max(rowid) FROM {TITLE_INDEX}").fetchone()
        return bool(ours == theirs)

    def _rebuild_index(self, name: str, rebuild: Callable[[sqlite3.Connection], None]) -> None:
        """Build an FTS index anew. SQLite cannot even drop an FTS5 table whose index is
        damaged: then its schema row is unlinked, the file reopened, and it is built again."""
        with self._locked() as db:
            try:
                rebuild(db)
            except sqlite3.Error:
                if self.path is None or not self._unlink_index(db, name):
                    raise
                db.close()
                self._db = self._connect(str(self.path))
                rebuild(self._db)

    @staticmethod
    def _unlink_index(db: sqlite3.Connection, name: str) -> bool:
        """Remove the schema row of a title index that SQLite cannot load, so it can go.

        A virtual table's row owns no pages, so deleting it is safe; its shadow tables become
        plain tables that the rebuild drops, on a new connection that no longer sees the
        virtual table. The schema version is bumped so that other connections reload too.
        """
        with suppress(sqlite3.Error):
            db.execute("PRAGMA writable_schema=OFF")  # whatever happens below
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("PRAGMA writable_schema=ON")
            gone = db.execute(
                "DELETE FROM sqlite_master WHERE type = 'table' AND name = ? AND rootpage = 0"
                " AND sql LIKE 'CREATE VIRTUAL TABLE%'",
                (name,),
            ).rowcount
            version = db.execute("PRAGMA schema_version").fetchone()[0]
            db.execute(f"PRAGMA schema_version = {int(version) + 1}")
            db.execute("PRAGMA writable_schema=OFF")
            db.execute("COMMIT")
            return gone > 0
        except sqlite3.Error:
            with suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            with suppress(sqlite3.Error):
                db.execute("PRAGMA writable_schema=OFF")
            return False

    def _rebuild_title_index(self, db: sqlite3.Connection) -> None:
        with self._transaction(db):
            db.execute(f"DROP TABLE IF EXISTS {TITLE_INDEX}")
            for shadow in _SHADOW_TABLES:  # left behind by _unlink_index
                db.execute(f"DROP TABLE IF EXISTS {TITLE_INDEX}_{shadow}")
            db.execute(_CREATE_TITLE_INDEX)
            db.executemany(
                f"INSERT INTO {TITLE_INDEX} (rowid, title) VALUES (?, ?)",
                [
                    (rowid, fts_text(_fold(title)))
                    for rowid, title in db.execute(
                        "SELECT rowid, title FROM entries ORDER BY rowid"
                    ).fetchall()
                ],
            )
            db.execute(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)", (TITLE_INDEX, TITLE_INDEX_VERSION)
            )

    def _title_index_failed(self, db: sqlite3.Connection, exc: Exception) -> None:
        """Stop using the title index this session and have the next start rebuild it."""
        self._titles_indexed = False
        self._warn(
            _("The title index is damaged ({error}); it will be rebuilt on the next start.").format(
                error=exc
            )
        )
        # Best effort: without it the next start trusts the index and fails over again.
        with suppress(sqlite3.Error):
            db.execute(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)", (TITLE_INDEX, TITLE_INDEX_DAMAGED)
            )

    def _prepare_search_index(self) -> bool:
        """Make the search index usable (the title index's pattern); False if it cannot be.

        Only what is cheap is checked here (version, row count, largest id): the folding's
        version needs OpenCC, which the browser must not load at start, so it is checked at
        the first search or write (:meth:`_check_fold`).
        """
        damage: sqlite3.Error | str | None = None
        try:
            with self._locked() as db:
                problem = self._search_index_problem(db)
                if problem == "":
                    return True
                damage = problem
        except sqlite3.Error as exc:
            damage = exc
        try:
            self._rebuild_index(SEARCH_INDEX, self._rebuild_search_index)
            if damage is not None:
                self._warn(
                    _("The search index was damaged ({problem}); it has been rebuilt.").format(
                        problem=damage
                    )
                )
            return True
        except (sqlite3.Error, UnicodeError) as exc:
            self._warn(
                _("The search index is not available ({error}); search is off.").format(error=exc)
            )
            return False

    @staticmethod
    def _search_index_problem(db: sqlite3.Connection) -> str | None:
        """ "" when the index is current, None when it is new or of another version (built
        without a word), else what is wrong with it (rebuilt with a warning)."""
        db.execute(_CREATE_SEARCH_INDEX)
        state = db.execute("SELECT value FROM meta WHERE name = ?", (SEARCH_INDEX,)).fetchone()
        if state is not None and state[0] == TITLE_INDEX_DAMAGED:
            return _("found damaged in an earlier session")
        if state is None or state[0].partition("/")[0] != SEARCH_INDEX_VERSION:
            return None
        ours = db.execute("SELECT count(*), max(id) FROM texts").fetchone()
        theirs = db.execute(f"SELECT count(*), max(id) FROM {SEARCH_INDEX}_docsize").fetchone()
        if ours != theirs:
            return _("it does not cover the library's articles")
        # FTS5 keeps its structure record at id 10 from the table's creation on: reading it
        # says the index is there and readable, where counting every block (the old check)
        # cost 10-17 ms of each start at 15,000 articles and missed an emptied table.
        found = db.execute(f"SELECT 1 FROM {SEARCH_INDEX}_data WHERE id = 10").fetchone()
        return "" if found is not None else _("its structure record is missing")

    def _check_fold(self) -> None:
        """Rebuild the index once if it was built with another folding (OpenCC changed)."""
        if self._fold_checked or not self._search_ready:
            return
        from tui.core.fold import fold_version

        self._fold_checked = True
        wanted = f"{SEARCH_INDEX_VERSION}/{fold_version()}"
        try:
            with self._locked() as db:
                state = db.execute(
                    "SELECT value FROM meta WHERE name = ?", (SEARCH_INDEX,)
                ).fetchone()
                if state is not None and state[0] == wanted:
                    return
                self._rebuild_search_index(db)
        except (sqlite3.Error, UnicodeError) as exc:
            self._search_failed(self._db, exc)

    def _rebuild_search_index(self, db: sqlite3.Connection) -> None:
        from tui.core.fold import fold_version

        with self._transaction(db):
            db.execute(f"DROP TABLE IF EXISTS {SEARCH_INDEX}")
            for shadow in _SHADOW_TABLES:
                db.execute(f"DROP TABLE IF EXISTS {SEARCH_INDEX}_{shadow}")
            db.execute(_CREATE_SEARCH_INDEX)
            rows = db.execute(
                "SELECT t.id, t.title, coalesce(b.body, ''), t.tags, t.source, t.category"
                " FROM texts t LEFT JOIN bodies b ON b.id = t.id ORDER BY t.id"
            )
            insert = f"INSERT INTO {SEARCH_INDEX} (rowid, {', '.join(SEARCH_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)"
            while chunk := rows.fetchmany(BATCH):
                db.executemany(
                    insert,
                    [
                        (rid, *search_tokens(title, body, _split_tags(tags), source, category))
                        for rid, title, body, tags, source, category in chunk
                    ],
                )
            db.execute(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                (SEARCH_INDEX, f"{SEARCH_INDEX_VERSION}/{fold_version()}"),
            )
        self._fold_checked = True

    def _search_failed(self, db: sqlite3.Connection, exc: Exception) -> None:
        """Stop using the search index this session and have the next start rebuild it."""
        self._search_ready = False
        self._warn(
            _(
                "The search index is damaged ({error}); it will be rebuilt on the next start."
            ).format(error=exc)
        )
        with suppress(sqlite3.Error):
            db.execute(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)", (SEARCH_INDEX, TITLE_INDEX_DAMAGED)
            )

    def rebuild_search_index(self) -> bool:
        """Build the search index anew from the stored text (``sync --reindex``)."""
        try:
            self._rebuild_index(SEARCH_INDEX, self._rebuild_search_index)
            self._search_ready = True
            return True
        except (sqlite3.Error, UnicodeError) as exc:
            self._warn(_("The search index could not be rebuilt: {error}").format(error=exc))
            return False

    @property
    def search_ready(self) -> bool:
        """Whether the search index answers (False: search returns nothing, with a warning)."""
        return self._search_ready

    def _load_reads(self) -> frozenset[str]:
        return self._load_keys("SELECT key FROM reads")

    def _load_keys(self, sql: str) -> frozenset[str]:
        try:
            with self._locked() as db:
                return frozenset(str(row[0]) for row in db.execute(sql))
        except sqlite3.Error as exc:
            self._warn(_("Could not read the library: {error}").format(error=exc))
            return frozenset()

    # -- plumbing -----------------------------------------------------------------------

    def _warn(self, text: str) -> None:
        if len(self.warnings) < _MAX_WARNINGS and text not in self.warnings:
            self.warnings.append(text)

    @staticmethod
    def _file_of(db: sqlite3.Connection) -> str | None:
        try:
            row = db.execute("PRAGMA database_list").fetchone()
        except sqlite3.Error:
            return None
        return str(row[2]) if row is not None and row[2] else None

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """A connection for reads only: this thread's reader where there is a file."""
        reader: sqlite3.Connection | None = getattr(self._local, "reader", None)
        if reader is None and self._db_file is not None:
            reader = self._open_reader()
        if reader is None:
            with self._locked() as db:
                yield db
            return
        if self._db_file is None:  # closed meanwhile: what callers handle, not a crash
            raise sqlite3.ProgrammingError(_("the library is closed"))
        yield reader

    def _open_reader(self) -> sqlite3.Connection | None:
        """This thread's reader connection; those of threads that have ended are closed."""
        with self._readers_lock:
            if self._db_file is None:
                return None
            for thread in [t for t in self._readers if not t.is_alive()]:
                with suppress(sqlite3.Error):
                    self._readers.pop(thread).close()
            try:
                reader = sqlite3.connect(
                    self._db_file,
                    timeout=BUSY_TIMEOUT,
                    check_same_thread=False,  # closed by close(), from another thread
                    isolation_level=None,
                )
                reader.create_function("gn_fold", 1, _sql_fold, deterministic=True)
                reader.execute("PRAGMA query_only=ON")
            except sqlite3.Error:
                self._db_file = None  # the main connection serves reads too
                return None
            self._readers[threading.current_thread()] = reader
        self._local.reader = reader
        return reader

    @contextmanager
    def _locked(self) -> Iterator[sqlite3.Connection]:
        if not self._lock.acquire(timeout=LOCK_TIMEOUT):
            raise LibraryBusy(_("the library is busy"))
        try:
            yield self._db
        finally:
            self._lock.release()

    @contextmanager
    def _transaction(self, db: sqlite3.Connection) -> Iterator[None]:
        # IMMEDIATE takes the write lock first, so a read-then-write transaction waits for
        # another process (bounded by the busy timeout) instead of failing half-way.
        db.execute("BEGIN IMMEDIATE")
        try:
            yield
            db.execute("COMMIT")
        except BaseException:
            with suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise

    @property
    def titles_indexed(self) -> bool:
        """Whether related lists use the title index (False: the slower ``LIKE`` scan)."""
        return self._titles_indexed

    # -- articles -----------------------------------------------------------------------

    def record(self, article: Article) -> None:
        """Remember a parsed article and its tags (replacing what was known of it)."""
        self.record_many([article])

    def record_many(self, articles: Iterable[Article]) -> None:
        """Remember several parsed articles in one transaction (one fsync, one lock wait)."""
        self.record_records([article_record(a) for a in articles])

    def record_records(self, records: Iterable[ArticleRecord]) -> None:
        """Remember articles, their tags and their text, and index the text for search.

        The rows and the index change in one transaction; the index's part is a savepoint, so
        a damaged index costs search (rebuilt on the next start), never the rows. An article
        recorded again with the same text leaves its index rows untouched.
        """
        latest = {r.key: r for r in records}
        if not latest:
            return
        self._check_fold()
        now = time.time()
        rows = [(r.key, r.repo, r.title, r.published, r.category, now) for r in latest.values()]
        self._check_tags_fold()
        tags = [
            (key, _fold(tag), pos) for key, r in latest.items() for pos, tag in enumerate(r.tags)
        ]
        try:
            with self._locked() as db, self._transaction(db):
                db.executemany("INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?)", rows)
                db.executemany("DELETE FROM tags WHERE key = ?", [(key,) for key in latest])
                db.executemany("INSERT OR IGNORE INTO tags VALUES (?, ?, ?)", tags)
                self._store_texts(db, latest)
        except sqlite3.OperationalError as exc:  # the database's fault (locked, full): all
            self._warn(_("Could not save to the library: {error}").format(error=exc))
        except (sqlite3.Error, UnicodeError) as exc:
            if len(latest) == 1:
                self._warn(_("Could not save to the library: {error}").format(error=exc))
                return
            # One record's own fault (text that cannot be stored): the others still are.
            for record in latest.values():
                self.record_records([record])

    def _store_texts(self, db: sqlite3.Connection, latest: dict[str, ArticleRecord]) -> None:
        old: dict[str, tuple[int, str, str, str, str | None, str | None]] = {}
        keys = list(latest)
        for start in range(0, len(keys), BATCH):
            chunk = keys[start : start + BATCH]
            for rid, key, title, body, tag_text, source, category in db.execute(
                "SELECT t.id, t.key, t.title, coalesce(b.body, ''), t.tags, t.source, t.category"
                f" FROM texts t LEFT JOIN bodies b ON b.id = t.id WHERE t.key IN ({_marks(len(chunk))})",
                chunk,
            ):
                old[key] = (rid, title, body, tag_text, source, category)
        removed: list[tuple[int, tuple[str, ...]]] = []
        added: list[tuple[int, tuple[str, ...]]] = []
        for key, r in latest.items():
            tag_text = _TAG_SEPARATOR.join(r.tags)
            before = old.get(key)
            if before is None:
                rid = db.execute(
                    "INSERT INTO texts (key, repo, title, source, category, published, tags)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (key, r.repo, r.title, r.source, r.category, r.published, tag_text),
                ).lastrowid
                assert rid is not None
                db.execute("INSERT OR REPLACE INTO bodies VALUES (?, ?)", (rid, r.body))
            else:
                rid = before[0]
                db.execute(
                    "UPDATE texts SET repo = ?, title = ?, source = ?, category = ?,"
                    " published = ?, tags = ? WHERE id = ?",
                    (r.repo, r.title, r.source, r.category, r.published, tag_text, rid),
                )
                if before[1:] == (r.title, r.body, tag_text, r.source, r.category):
                    continue  # same text: the index rows stay
                db.execute("INSERT OR REPLACE INTO bodies VALUES (?, ?)", (rid, r.body))
                _, title, body, tag_text_before, source, category = before
                removed.append(
                    (
                        rid,
                        search_tokens(title, body, _split_tags(tag_text_before), source, category),
                    )
                )
            tokens = r.tokens or search_tokens(r.title, r.body, r.tags, r.source, r.category)
            added.append((rid, tokens))
        if self._search_ready:
            self._index_texts(db, removed, added)

    def _index_texts(
        self,
        db: sqlite3.Connection,
        removed: list[tuple[int, tuple[str, ...]]],
        added: list[tuple[int, tuple[str, ...]]],
    ) -> None:
        if not removed and not added:
            return
        columns = ", ".join(SEARCH_COLUMNS)
        db.execute("SAVEPOINT search")
        try:
            if removed:
                db.executemany(
                    f"INSERT INTO {SEARCH_INDEX} ({SEARCH_INDEX}, rowid, {columns})"
                    " VALUES ('delete', ?, ?, ?, ?, ?, ?)",
                    [(rid, *tokens) for rid, tokens in sorted(removed)],
                )
            db.executemany(
                f"INSERT INTO {SEARCH_INDEX} (rowid, {columns}) VALUES (?, ?, ?, ?, ?, ?)",
                [(rid, *tokens) for rid, tokens in sorted(added)],
            )
            db.execute("RELEASE search")
        except sqlite3.Error as exc:
            db.execute("ROLLBACK TO search")
            db.execute("RELEASE search")
            self._search_failed(db, exc)

    # -- search and the whole library ---------------------------------------------------

    def search_rows(
        self,
        match: str | None,
        *,
        repo_id: str | None = None,
        before: date | None = None,
        after: date | None = None,
        limit: int = 20,
        offset: int = 0,
        today: date | None = None,
        common: int = COMMON_MATCHES,
        bodies: bool = True,
    ) -> list[SearchRow]:
        """Articles matching the FTS5 expression ``match`` (built by ``tui.core.search``),
        best first: bm25 over the weighted columns, divided by 1 + age / RECENCY_DAYS.
        ``bodies=False``: rows without their body text (no snippets to cut: the app's list).

        A common query, one matching more than ``common`` articles, is listed newest first
        instead (score 0.0) and counted only that far: its rows say ``total=common``,
        ``capped=True``. ``match=None`` lists the articles the other filters allow, newest
        first. Any SQLite failure is a warning and no rows; a damaged index is rebuilt on
        the next start.
        """
        self._check_fold()
        if match is not None and not self._search_ready:
            return []
        where = ["(:repo IS NULL OR t.repo = :repo)"]
        if before is not None:
            where.append("t.published < :before")
        if after is not None:
            where.append("t.published > :after")
        cap = max(1, common)
        params: dict[str, object] = {
            "repo": repo_id,
            "before": before.isoformat() if before else None,
            "after": after.isoformat() if after else None,
            "today": (today or date.today()).isoformat(),
            "limit": max(0, limit),
            "offset": max(0, offset),
            "match": match,
            "cap": cap + 1,
        }
        condition = " AND ".join(where)
        weights = ", ".join(str(w) for w in SEARCH_WEIGHTS)
        newest = " ORDER BY t.published IS NULL, t.published DESC, t.id DESC"
        page = " LIMIT :limit OFFSET :offset"  # i18n: not shown
        columns = "t.id, t.key, t.title, t.source, t.category, t.published, t.tags"
        common_sql = ""
        # The total is counted apart: a window count over the ranked rows cost a third more.
        # With a match it is counted first, up to the cap: past it the query is common.
        if match is None:
            sql = f"SELECT {columns}, 0.0 FROM texts t WHERE {condition}{newest}{page}"
            count_sql = f"SELECT count(*) FROM texts t WHERE {condition}"
        else:
            sql = (
                f"WITH hits AS (SELECT rowid AS id, bm25({SEARCH_INDEX}, {weights}) AS score"
                f" FROM {SEARCH_INDEX} WHERE {SEARCH_INDEX} MATCH :match)"
                f" SELECT {columns},"
                " h.score / (1.0 + max(0.0, julianday(:today) - coalesce(julianday(t.published),"
                f" julianday(:today) - {RECENCY_DAYS * 3})) / {RECENCY_DAYS}) AS ranked"
                f" FROM hits h JOIN texts t ON t.id = h.id WHERE {condition}"
                f" ORDER BY ranked, t.published DESC, t.id DESC{page}"
            )
            # Matches sorted by date alone: no bm25, and the sort keeps only the page.
            common_sql = (
                f"SELECT {columns}, 0.0 FROM texts t WHERE t.id IN"
                f" (SELECT rowid FROM {SEARCH_INDEX} WHERE {SEARCH_INDEX} MATCH :match)"
                f" AND {condition}{newest}{page}"
            )
            # Only up to the cap: a common query stops there, long before its last match.
            if repo_id is None and before is None and after is None:
                hits = f"{SEARCH_INDEX} WHERE {SEARCH_INDEX} MATCH :match"  # i18n: not shown
            else:
                hits = (  # i18n: not shown
                    f"{SEARCH_INDEX} h JOIN texts t ON t.id = h.rowid"
                    f" WHERE {SEARCH_INDEX} MATCH :match AND {condition}"
                )
            count_sql = f"SELECT count(*) FROM (SELECT 1 FROM {hits} LIMIT :cap)"
        capped = False
        try:
            with self._locked() as db:
                if match is None:
                    rows = db.execute(sql, params).fetchall()
                    total = int(db.execute(count_sql, params).fetchone()[0]) if rows else 0
                else:
                    total = int(db.execute(count_sql, params).fetchone()[0])
                    capped = total > cap
                    rows = (
                        db.execute(common_sql if capped else sql, params).fetchall()
                        if total
                        else []
                    )
                    total = min(total, cap)
                ids = [row[0] for row in rows]
                texts = (
                    dict(
                        db.execute(
                            f"SELECT id, body FROM bodies WHERE id IN ({_marks(len(ids))})", ids
                        )
                    )
                    if ids and bodies
                    else {}
                )
        except (sqlite3.Error, UnicodeError) as exc:
            message = str(exc).lower()
            if match is not None and ("malformed" in message or "corrupt" in message):
                with suppress(LibraryBusy), self._locked() as db:
                    self._search_failed(db, exc)
            else:
                self._warn(_("Could not search the library: {error}").format(error=exc))
            return []
        return [
            SearchRow(
                key,
                title,
                source,
                category,
                _date(published),
                _split_tags(tag_text),
                texts.get(rid, ""),
                float(score),
                total,
                capped,
            )
            for rid, key, title, source, category, published, tag_text, score in rows
        ]

    def article_text(self, ref: PageRef) -> str | None:
        """The stored body text of an article (None if unknown): for in-reader highlights."""
        try:
            with self._locked() as db:
                row = db.execute(
                    "SELECT b.body FROM texts t JOIN bodies b ON b.id = t.id WHERE t.key = ?",
                    (ref.key,),
                ).fetchone()
        except (sqlite3.Error, UnicodeError) as exc:
            self._warn(_("Could not read the library: {error}").format(error=exc))
            return None
        return None if row is None else str(row[0])

    def article_sources(self, repo_id: str) -> list[tuple[str | None, int]]:
        """Every source of ``repo_id``'s known articles with its count, largest first."""
        try:
            with self._locked() as db:
                rows = db.execute(_SOURCES, (repo_id,)).fetchall()
        except (sqlite3.Error, UnicodeError) as exc:
            self._warn(_("Could not read the library: {error}").format(error=exc))
            return []
        return [(source, int(n)) for source, n in rows]

    def all_articles(
        self, repo_id: str, limit: int | None = None, offset: int = 0, *, source: str | None = None
    ) -> list[Known]:
        """Every article of ``repo_id`` the library knows, grouped by source (largest group
        first, as :meth:`article_sources` orders them), newest first within a group.

        ``source`` keeps one group; ``limit``/``offset`` page through a long list.
        """
        sql = _ALL_ARTICLES + (" AND coalesce(t.source, '') = ?" if source is not None else "")
        sql += _ALL_ARTICLES_ORDER
        args: list[object] = [repo_id, repo_id]
        if source is not None:
            args.append(source)
        args += [-1 if limit is None else max(0, limit), max(0, offset)]
        try:
            with self._locked() as db:
                rows = db.execute(sql, args).fetchall()
        except (sqlite3.Error, UnicodeError) as exc:
            self._warn(_("Could not read the library: {error}").format(error=exc))
            return []
        out: list[Known] = []
        for key, title, published, category, src in rows:
            ref = ref_of_key(key)
            if ref is not None:
                out.append(Known(ref, title, _date(published), category, source=src))
        return out

    def dates_and_sources(self, keys: Sequence[str]) -> dict[str, tuple[str | None, str | None]]:
        """Publication date (ISO) and source of the known articles among ``keys``: what an
        index page does not say, for the rows being drawn (a screenful: one query)."""
        wanted = list(dict.fromkeys(keys))[:BATCH]
        if not wanted:
            return {}
        try:
            with self._reading() as db:
                rows = db.execute(
                    "SELECT a.key, a.published, t.source FROM articles a"
                    " LEFT JOIN texts t ON t.key = a.key"
                    f" WHERE a.key IN ({_marks(len(wanted))})",
                    wanted,
                ).fetchall()
        except (sqlite3.Error, UnicodeError, LibraryBusy):
            return {}
        return {str(k): (str(d) if d else None, str(src) if src else None) for k, d, src in rows}

    def known_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` are articles already parsed and recorded (for prefetch's to-do)."""
        return set(self._known_rows("key", keys))

    def known_categories(self, keys: Iterable[str]) -> dict[str, str | None]:
        """The recorded category of each of ``keys`` that is an article already recorded."""
        return self._known_rows("key, category", keys)  # i18n: not shown

    def _known_rows(self, columns: str, keys: Iterable[str]) -> dict[str, str | None]:
        wanted = list(dict.fromkeys(keys))
        found: dict[str, str | None] = {}
        try:
            for start in range(0, len(wanted), BATCH):
                chunk = wanted[start : start + BATCH]
                # The lock is taken per batch so that the event loop's calls slip in between.
                with self._locked() as db:
                    rows = db.execute(
                        f"SELECT {columns} FROM articles WHERE key IN ({_marks(len(chunk))})",
                        chunk,
                    ).fetchall()
                for row in rows:
                    found[str(row[0])] = row[1] if len(row) > 1 else None
        except (sqlite3.Error, UnicodeError) as exc:
            self._warn(_("Could not read the library: {error}").format(error=exc))
        return found

    # -- index entries ------------------------------------------------------------------

    def record_entries(self, entries: Iterable[Entry], index: PageRef | None = None) -> None:
        """Remember index entries, so related lists can offer articles not fetched yet;
        with ``index``, also that they are what that index lists now (its unread count).

        Only new entries and changed titles are written: re-listing an unchanged
        15,000-entry index reads once and writes nothing (it used to rewrite every row,
        about 55 ms under the write lock while the browser wanted to read). An entry keeps
        its rowid (upsert, not replace), so its title index row changes only with its title;
        ``seen`` is when an entry was first listed or last retitled.
        """
        now = self.clock()
        keyed = getattr(entries, "keyed_titles", None)  # entries read back from the store
        if keyed is not None:
            latest: dict[str, tuple[str, str]] = keyed()
        else:
            latest = {e.ref.key: (e.ref.repo_id, e.title) for e in entries if e.ref is not None}
        if index is not None:
            self._record_listing(index, list(latest))
        if not latest:
            return
        try:
            with self._locked() as db:
                before = self._titles_of(db, list(latest))
                changed = [k for k, (_, title) in latest.items() if before.get(k) != title]
                if not changed:
                    return
                rows = [(k, latest[k][0], latest[k][1], now) for k in changed]
                with self._transaction(db):
                    db.executemany(
                        "INSERT INTO entries VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET"
                        " repo = excluded.repo, title = excluded.title, seen = excluded.seen",
                        rows,
                    )
                    if self._titles_indexed:
                        self._index_titles(db, changed)
        except (sqlite3.Error, UnicodeError) as exc:
            self._warn(_("Could not save to the library: {error}").format(error=exc))

    @staticmethod
    def _titles_of(db: sqlite3.Connection, keys: list[str]) -> dict[str, str]:
        # One statement over a JSON array, not a query per 500 keys: SQLite walks the keys
        # without the interpreter in between (15,000 keys: 30 round trips saved).
        rows = db.execute(
            "SELECT key, title FROM entries WHERE key IN (SELECT value FROM json_each(?))",
            (json.dumps(keys, ensure_ascii=False),),
        ).fetchall()
        return dict(rows)

    def _index_titles(self, db: sqlite3.Connection, keys: list[str]) -> None:
        """(Re)index the titles of ``keys``; a failure costs the index, never the entries."""
        if not keys:
            return
        db.execute("SAVEPOINT titles")
        try:
            rows: list[tuple[int, str]] = []
            for start in range(0, len(keys), BATCH):
                chunk = keys[start : start + BATCH]
                rows += db.execute(
                    f"SELECT rowid, title FROM entries WHERE key IN ({_marks(len(chunk))})", chunk
                ).fetchall()
            # An entry keeps its rowid, so REPLACE swaps its old title row for the new one.
            # In rowid order: FTS5 flushes its pending terms whenever a rowid goes backwards,
            # which made unsorted batches more than twice as slow.
            rows.sort()
            db.executemany(
                f"INSERT OR REPLACE INTO {TITLE_INDEX} (rowid, title) VALUES (?, ?)",
                [(rowid, fts_text(_fold(title))) for rowid, title in rows],
            )
            db.execute("RELEASE titles")
        except sqlite3.Error as exc:
            db.execute("ROLLBACK TO titles")
            db.execute("RELEASE titles")
            self._title_index_failed(db, exc)

    def related(self, tag: str, repo_id: str, exclude: PageRef | None = None) -> Sequence[Known]:
        """Articles carrying ``tag`` (newest first), then index entries whose title holds it.

        No duplicates, never ``exclude``; entries are listed most recently seen first. The
        mirror files some articles in two directories (``pages/nf4514/`` and
        ``pages/nsc412/``): a copy, the same title published the same day, is listed once,
        and so is an index entry titled as an article already listed. The ``Known`` of each
        is made when first asked for (``LazyMap``): a tag carried by 5,000 articles shows a
        screenful of them, and making all 5,000 cost 40-70 ms.
        """
        skip = exclude.key if exclude else ""
        seen: set[str] = {skip}
        copies: set[tuple[object, object]] = set()  # (title, published) of the rows listed
        titles: set[object] = set()
        out: list[tuple[object, ...]] = []
        self._check_tags_fold()
        folded = _fold(tag)  # either script names the same tag
        try:
            with self._reading() as db:
                rows = db.execute(_ARTICLES_WITH_TAG, (folded, repo_id, skip)).fetchall()
        except (sqlite3.Error, UnicodeError) as exc:
            self._warn(_("Could not read the library: {error}").format(error=exc))
            rows = []
        for row in rows:
            key, title, published = row[0], row[1], row[2]
            if key in seen or not _readable_key(key, repo_id):
                continue
            seen.add(key)
            if title and (title, published) in copies:
                continue  # the same article filed in another directory
            copies.add((title, published))
            titles.add(title)
            out.append(row)
        if tag:
            try:
                entries = self._entries_holding(tag, repo_id)
            except (sqlite3.Error, UnicodeError) as exc:
                self._warn(_("Could not read the library: {error}").format(error=exc))
                entries = []
            # SQL strings end at a NUL, so LIKE alone would let such a tag match anything.
            needle = folded.translate(_ASCII_LOWER)
            for key, title in entries:
                if key in seen or not _readable_key(key, repo_id):
                    continue
                if needle not in _fold(title).translate(_ASCII_LOWER):
                    continue
                seen.add(key)
                if title and title in titles:
                    continue  # an article already listed, or its copy
                titles.add(title)
                out.append((key, title))
        return LazyMap(out, _known_of_row)

    def _entries_holding(self, tag: str, repo_id: str) -> list[tuple[str, str]]:
        folded = _fold(tag)
        pattern = _like_pattern(folded)
        phrase = fts_phrase(folded)
        if self._titles_indexed and phrase is not None:
            try:
                with self._reading() as db:
                    return db.execute(_ENTRIES_MATCHING, (phrase, repo_id)).fetchall()
            except LibraryBusy:
                raise  # busy is not damaged
            except sqlite3.Error as exc:
                with self._locked() as db:
                    self._title_index_failed(db, exc)
        # No token to look up (a tag made of punctuation) or no index: the full scan.
        with self._reading() as db:
            return db.execute(_ENTRIES_LIKE, (repo_id, pattern)).fetchall()

    def _check_tags_fold(self) -> None:
        """Refold the stored tags once if they were stored unfolded or with another folding.

        Checked at the first related list or write, not on open: the folding's version
        needs OpenCC, which the browser must not load at start.
        """
        if self._tags_checked:
            return
        from tui.core.fold import fold_version

        wanted = fold_version()
        try:
            with self._locked() as db:
                # Marked checked once done (under the lock): a related list asked meanwhile
                # from another thread waits for the refolded tags instead of reading old ones.
                if self._tags_checked:
                    return
                try:
                    self._refold_tags(db, wanted)
                finally:
                    self._tags_checked = True
        except (sqlite3.Error, UnicodeError) as exc:
            self._warn(_("Could not update the library's tags: {error}").format(error=exc))

    def _refold_tags(self, db: sqlite3.Connection, wanted: str) -> None:
        state = db.execute("SELECT value FROM meta WHERE name = ?", (TAGS_FOLD,)).fetchone()
        if state is not None and state[0] == wanted:
            return
        if db.execute("SELECT 1 FROM tags LIMIT 1").fetchone() is None:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (TAGS_FOLD, wanted))
            return  # nothing to refold (a new library): no transaction either
        with self._transaction(db):
            rows = db.execute("SELECT key, tag, pos FROM tags").fetchall()
            db.execute("DELETE FROM tags")
            db.executemany(
                "INSERT OR IGNORE INTO tags VALUES (?, ?, ?)",
                [(key, _fold(tag), pos) for key, tag, pos in rows],
            )
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (TAGS_FOLD, wanted))

    # -- read state ---------------------------------------------------------------------

    def mark_read(self, ref: PageRef) -> None:
        """Mark read at once in memory (the UI redraws from it), then on disk."""
        with self._reads_lock:
            self._reads = self._reads | {ref.key}
        self._write_read_state(
            "INSERT OR REPLACE INTO reads VALUES (?, ?)", (ref.key, self.clock())
        )

    def mark_unread(self, ref: PageRef) -> None:
        """Undo :meth:`mark_read` (a reader's "keep unread"), in memory first as well."""
        with self._reads_lock:
            self._reads = self._reads - {ref.key}
        self._write_read_state("DELETE FROM reads WHERE key = ?", (ref.key,))

    def _write_read_state(self, sql: str, args: tuple[object, ...]) -> None:
        try:
            with self._locked() as db:
                db.execute(sql, args)
        except (sqlite3.Error, UnicodeError) as exc:
            self._warn(_("Could not save to the library: {error}").format(error=exc))

    def read_keys(self) -> frozenset[str]:
        """Keys of read articles: a snapshot that later marks do not change, at no cost."""
        return self._reads

    def opened(self, ref: PageRef, title: str) -> None:
        """An article was shown in the reader: read, and first in the History place.

        Apart from :meth:`mark_read`, so that marking a whole list read (or pressing ``m``)
        never floods the history with articles nobody opened.
        """
        now = self.clock()
        with self._reads_lock:
            self._reads = self._reads | {ref.key}
        try:
            with self._locked() as db, self._transaction(db):
                db.execute("INSERT OR REPLACE INTO reads VALUES (?, ?)", (ref.key, now))
                db.execute(
                    "INSERT OR REPLACE INTO opened VALUES (?, ?, ?, ?)",
                    (ref.key, ref.repo_id, title, now),
                )
        except (sqlite3.Error, UnicodeError) as exc:
            self._warn(_("Could not save to the library: {error}").format(error=exc))

    def mark_all_read(self, keys: Iterable[str]) -> list[str]:
        """Mark every key read in one statement (a list may hold 15,000); returns the keys
        that were unread before, which is what an undo gives to :meth:`mark_all_unread`.
        Blocking: call it off the event loop."""
        wanted = list(dict.fromkeys(keys))
        with self._reads_lock:
            before = self._reads
            fresh = [k for k in wanted if k not in before]
            self._reads = before | frozenset(fresh)
        if fresh:
            self._write_read_state(
                "INSERT OR IGNORE INTO reads (key, at) SELECT value, ? FROM json_each(?)",
                (self.clock(), json.dumps(fresh)),
            )
        return fresh

    def mark_all_unread(self, keys: Iterable[str]) -> None:
        """Undo :meth:`mark_all_read` (one statement, like it)."""
        gone = list(dict.fromkeys(keys))
        if not gone:
            return
        with self._reads_lock:
            self._reads = self._reads - frozenset(gone)
        self._write_read_state(
            "DELETE FROM reads WHERE key IN (SELECT value FROM json_each(?))", (json.dumps(gone),)
        )

    def history(self, repo_id: str, limit: int = 1000) -> list[Marked]:
        """Articles opened in the reader, most recent first, each with when."""
        return self._marked(
            "SELECT o.key, o.title, o.at, t.published, t.source FROM opened o"
            " LEFT JOIN texts t ON t.key = o.key WHERE o.repo = ? ORDER BY o.at DESC, o.rowid DESC LIMIT ?",
            (repo_id, max(0, limit)),
        )

    # -- stars --------------------------------------------------------------------------

    def star(self, ref: PageRef, title: str) -> None:
        """Star an article (kept in memory too: every drawn row asks)."""
        with self._reads_lock:
            self._stars = self._stars | {ref.key}
        self._write_read_state(
            "INSERT OR REPLACE INTO stars VALUES (?, ?, ?, ?)",
            (ref.key, ref.repo_id, title, self.clock()),
        )

    def unstar(self, ref: PageRef) -> None:
        with self._reads_lock:
            self._stars = self._stars - {ref.key}
        self._write_read_state("DELETE FROM stars WHERE key = ?", (ref.key,))

    def starred_keys(self) -> frozenset[str]:
        """Keys of starred articles: a snapshot, at no cost (asked per drawn frame)."""
        return self._stars

    def starred(self, repo_id: str | None = None) -> list[Marked]:
        """Starred articles, most recently starred first (of every repository by default)."""
        return self._marked(
            "SELECT s.key, coalesce(t.title, s.title), s.at, t.published, t.source FROM stars s"
            " LEFT JOIN texts t ON t.key = s.key WHERE (? IS NULL OR s.repo = ?)"
            " ORDER BY s.at DESC, s.rowid DESC",
            (repo_id, repo_id),
        )

    def _marked(self, sql: str, args: tuple[object, ...]) -> list[Marked]:
        try:
            with self._locked() as db:
                rows = db.execute(sql, args).fetchall()
        except (sqlite3.Error, UnicodeError) as exc:
            self._warn(_("Could not read the library: {error}").format(error=exc))
            return []
        out: list[Marked] = []
        for key, title, at, published, source in rows:
            ref = ref_of_key(key)
            if ref is not None:
                out.append(Marked(ref, title, float(at), _date(published), source))
        return out

    # -- lists: what they hold, unread counts, visits -----------------------------------

    def _record_listing(self, index: PageRef, keys: list[str]) -> None:
        """Make ``keys`` the listing of ``index``: only the difference is written."""
        try:
            with self._locked() as db:
                before = {
                    str(row[0])
                    for row in db.execute("SELECT key FROM listings WHERE list = ?", (index.key,))
                }
                now = set(keys)
                if now == before:
                    return
                with self._transaction(db):
                    db.execute(
                        "DELETE FROM listings WHERE list = ? AND key IN"
                        " (SELECT value FROM json_each(?))",
                        (index.key, json.dumps(sorted(before - now))),
                    )
                    db.execute(
                        "INSERT OR IGNORE INTO listings SELECT ?, value FROM json_each(?)",
                        (index.key, json.dumps(sorted(now - before))),
                    )
        except (sqlite3.Error, UnicodeError) as exc:
            self._warn(_("Could not save to the library: {error}").format(error=exc))

    def unread_counts(self) -> dict[str, int]:
        """Unread articles per index key, for every index whose entries are known: one
        grouped query (the home list asks once per showing)."""
        try:
            with self._locked() as db:
                rows = db.execute(
                    "SELECT l.list, count(r.key IS NULL OR NULL) FROM listings l"
                    " LEFT JOIN reads r ON r.key = l.key GROUP BY l.list"
                ).fetchall()
        except (sqlite3.Error, UnicodeError) as exc:
            self._warn(_("Could not read the library: {error}").format(error=exc))
            return {}
        return {str(key): int(n) for key, n in rows}

    def visit(self, place: str) -> float | None:
        """Record a visit of ``place`` now; returns the previous one's time (None: first)."""
        try:
            with self._locked() as db:
                row = db.execute("SELECT at FROM visits WHERE place = ?", (place,)).fetchone()
                db.execute("INSERT OR REPLACE INTO visits VALUES (?, ?)", (place, self.clock()))
        except (sqlite3.Error, UnicodeError) as exc:
            self._warn(_("Could not save to the library: {error}").format(error=exc))
            return None
        return None if row is None else float(row[0])

    def listed_since(self, index: PageRef, since: float) -> frozenset[str]:
        """Keys of ``index`` first listed (or retitled) after ``since``: what is new there."""
        try:
            with self._locked() as db:
                rows = db.execute(
                    "SELECT e.key FROM entries e WHERE e.seen > ? AND e.key IN"
                    " (SELECT key FROM listings WHERE list = ?)",
                    (since, index.key),
                ).fetchall()
        except (sqlite3.Error, UnicodeError) as exc:
            self._warn(_("Could not read the library: {error}").format(error=exc))
            return frozenset()
        return frozenset(str(row[0]) for row in rows)

    def close(self) -> None:
        """Close the file; later calls only warn, and read marks then last in memory."""
        with self._readers_lock:
            readers, self._readers, self._db_file = list(self._readers.values()), {}, None
        for reader in readers:
            with suppress(sqlite3.Error):
                reader.close()
        with suppress(sqlite3.Error), self._locked() as db:
            db.close()
