"""What the app knows across pages: articles it has parsed, their tags, and what was read.

The mirror has no tag pages, so a tag's related list can only be built from articles the app
has already seen. This library remembers them (title, date, category, tags) together with the
index entries it has listed and the read state, in one SQLite file next to the cache, so that
related lists survive restarts. SQLite gives atomic writes and safe concurrent use by two
processes; nothing is pickled.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import NamedTuple

from tui.core.models import Article, Entry
from tui.core.urls import PageRef, parse_ref

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
"""

LIBRARY_FILE = "library.sqlite3"


class Known(NamedTuple):
    """An article the app knows of, from having parsed it or having seen it in an index."""

    ref: PageRef
    title: str
    published: date | None = None
    category: str | None = None
    parsed: bool = True


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


class Library:
    """Tags -> articles and read state. ``path=None`` keeps everything in memory."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.warnings: list[str] = []
        self._lock = threading.Lock()
        self._db = self._open(path)

    def _open(self, path: Path | None) -> sqlite3.Connection:
        if path is None:
            return self._connect(":memory:")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            return self._connect(str(path))
        except sqlite3.DatabaseError as exc:
            aside = path.with_name(f"{path.name}.corrupt-{int(time.time())}")
            try:
                path.rename(aside)
                db = self._connect(str(path))
                self.warnings.append(f"The library was damaged ({exc}); started a new one.")
                return db
            except (OSError, sqlite3.Error):
                pass
        except OSError:
            pass
        self.warnings.append(
            "The library cannot be saved here; read state lasts this session only."
        )
        return self._connect(":memory:")

    @staticmethod
    def _connect(where: str) -> sqlite3.Connection:
        db = sqlite3.connect(where, timeout=5.0, check_same_thread=False, isolation_level=None)
        if where != ":memory:":
            db.execute("PRAGMA journal_mode=WAL")
            # With WAL, NORMAL keeps the file consistent on a crash and spares an fsync per
            # article opened (marking it read); at worst the last marks of a crash are lost.
            db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(SCHEMA)
        db.execute("SELECT count(*) FROM articles").fetchone()
        return db

    def _write(self, sql: str, rows: Iterable[tuple[object, ...]]) -> None:
        try:
            with self._lock:
                self._db.execute("BEGIN")
                self._db.executemany(sql, rows)
                self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            self.warnings.append(f"Could not save to the library: {exc}")

    def _rollback(self) -> None:
        try:
            with self._lock:
                self._db.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    def _query(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        try:
            with self._lock:
                return self._db.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            self.warnings.append(f"Could not read the library: {exc}")
            return []

    def record(self, article: Article) -> None:
        """Remember a parsed article and its tags (replacing what was known of it)."""
        key = article.ref.key
        published = article.published.isoformat() if article.published else None
        category = article.category.title if article.category else None
        try:
            with self._lock:
                self._db.execute("BEGIN")
                self._db.execute(
                    "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?)",
                    (key, article.ref.repo_id, article.title, published, category, time.time()),
                )
                self._db.execute("DELETE FROM tags WHERE key = ?", (key,))
                self._db.executemany(
                    "INSERT OR IGNORE INTO tags VALUES (?, ?, ?)",
                    [(key, tag.name, pos) for pos, tag in enumerate(article.tags)],
                )
                self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            self.warnings.append(f"Could not save to the library: {exc}")

    def record_entries(self, entries: Iterable[Entry]) -> None:
        """Remember index entries, so related lists can offer articles not fetched yet."""
        now = time.time()
        rows = [(e.ref.key, e.ref.repo_id, e.title, now) for e in entries if e.ref is not None]
        if rows:
            self._write("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)", rows)

    def is_known(self, ref: PageRef) -> bool:
        return bool(self._query("SELECT 1 FROM articles WHERE key = ?", (ref.key,)))

    def related(self, tag: str, repo_id: str, exclude: PageRef | None = None) -> list[Known]:
        """Articles carrying ``tag`` (newest first), then index entries whose title holds it."""
        skip = exclude.key if exclude else ""
        rows = self._query(
            "SELECT a.key, a.title, a.published, a.category FROM tags t"
            " JOIN articles a ON a.key = t.key"
            " WHERE t.tag = ? AND a.repo = ? AND a.key != ?"
            " ORDER BY a.published IS NULL, a.published DESC, a.title",
            (tag, repo_id, skip),
        )
        seen: set[str] = {skip}
        out: list[Known] = []
        for key, title, published, category in rows:
            ref = parse_ref(str(key))
            if ref is None or str(key) in seen:
                continue
            seen.add(str(key))
            out.append(Known(ref, str(title), _date(published), category))  # type: ignore[arg-type]
        if tag:
            pattern = "%" + tag.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            for key, title in self._query(
                "SELECT key, title FROM entries WHERE repo = ? AND title LIKE ? ESCAPE '\\'"
                " ORDER BY seen DESC, title",
                (repo_id, pattern),
            ):
                ref = parse_ref(str(key))
                if ref is None or str(key) in seen:
                    continue
                seen.add(str(key))
                out.append(Known(ref, str(title), parsed=False))
        return out

    def mark_read(self, ref: PageRef) -> None:
        self._write("INSERT OR REPLACE INTO reads VALUES (?, ?)", [(ref.key, time.time())])

    def is_read(self, ref: PageRef) -> bool:
        return bool(self._query("SELECT 1 FROM reads WHERE key = ?", (ref.key,)))

    def read_keys(self) -> set[str]:
        return {str(row[0]) for row in self._query("SELECT key FROM reads")}

    def close(self) -> None:
        with self._lock:
            self._db.close()
