"""The parsed-model store: models read back exactly, misses on any change, never breaks."""

from __future__ import annotations

import json
import pickle
import sqlite3
from pathlib import Path

import pytest

import tui.core.pages as pages_module
from tests.corpus import CorpusPage, pages
from tui.core import parsed as parsed_module
from tui.core.cache import CacheUnavailable
from tui.core.library import Library
from tui.core.mirror import SAMPLE_HOME, sample_mirror
from tui.core.models import Article, Entry, Index
from tui.core.pages import PageService
from tui.core.parse import parse_page, to_json
from tui.core.parsed import ParsedStore, decode, encode, parse_with_store
from tui.core.urls import DEFAULT_HOME, PageRef

SAMPLE_ARTICLE = PageRef("goodnews-sample", "goodnews", "master", "pages/nsc422/n14200030.md")


def sample_text(ref: PageRef) -> str:
    root = sample_mirror().source.root  # type: ignore[attr-defined]
    return (root / ref.raw_path).read_text("utf-8")


@pytest.mark.corpus
@pytest.mark.parametrize("page", pages(), ids=lambda p: p.ref.path)
def test_every_corpus_page_reads_back_as_parsed(page: CorpusPage) -> None:
    """Through JSON and back, the model is the one the parser made: same fields, same
    ``dump --json``."""
    model = parse_page(page.ref, page.text(), DEFAULT_HOME)
    back = decode(json.loads(json.dumps(encode(model))))
    assert back == model
    assert to_json(back, DEFAULT_HOME) == to_json(model, DEFAULT_HOME)


def test_long_sample_article_and_big_index_read_back() -> None:
    article = parse_page(SAMPLE_ARTICLE, sample_text(SAMPLE_ARTICLE), SAMPLE_HOME)
    assert isinstance(article, Article) and len(article.blocks) > 1000
    assert decode(json.loads(json.dumps(encode(article)))) == article
    lines = [f"#### [标题 {i}](../pages/nsc413/n{13500000 + i}.md?t=1) " for i in range(3000)]
    index_ref = DEFAULT_HOME.with_path("indexes/E大陆新闻.md")
    index = parse_page(index_ref, "\n\n".join(lines) + "\n", DEFAULT_HOME)
    assert isinstance(index, Index) and len(index.entries) == 3000
    back = decode(json.loads(json.dumps(encode(index))))
    assert back == index
    assert [e.url for e in back.entries[:3]] == [e.url for e in index.entries[:3]]


def test_index_columns_keep_every_kind_of_entry() -> None:
    """External links, entries of other repositories, targets that are not the path and
    URLs made on first use all come back; a title with a line break is never stored in
    columns (the store is then skipped) and a column that does not add up is refused."""
    other = PageRef("begood0513", "basic", "master", "README.md")
    entries = [
        Entry("本站", "pages/a/1.md", None, DEFAULT_HOME.with_path("pages/a/1.md")),
        Entry("外链", "https://example.org/x", None, None),
        Entry("他库", "../../basic/master/README.md", "https://u.example/r", other),
        Entry("", "pages/a/2.md#p", None, DEFAULT_HOME.with_path("pages/a/2.md")),
    ]
    index = Index(DEFAULT_HOME.with_path("indexes/E大陆新闻.md"), "大陆", "E", entries, [])
    data = json.loads(json.dumps(encode(index)))
    back = decode(data)
    assert back == index
    assert [(e.target, e.ref, e._url) for e in back.entries] == [
        (e.target, e.ref, e._url) for e in entries
    ]
    one_repo = Index(index.ref, "大陆", "E", [entries[0], entries[3]], [])
    assert decode(json.loads(json.dumps(encode(one_repo)))) == one_repo
    empty = Index(index.ref, "空", "E", [], [])
    assert decode(json.loads(json.dumps(encode(empty)))) == empty
    broken = Index(index.ref, "x", "E", [Entry("一\n二", "pages/a/1.md", None, entries[0].ref)], [])
    with pytest.raises(ValueError):
        encode(broken)
    data[5]["n"] += 1
    with pytest.raises(ValueError):
        decode(data)
    data[5]["n"] -= 1
    data[5]["p"] = data[5]["p"].replace("pages/a/1.md", "pages/../1.md")
    with pytest.raises(ValueError):
        decode(data)


def test_stored_entries_are_made_as_they_are_asked_for_and_checked_up_front() -> None:
    """A 15,000-entry index read back makes no entry until one is asked for (the rows
    drawn), yet is the parsed list in every way a reader of it sees: items, slices, the
    targets the duplicate check reads, equality, pickling to another process. Whatever
    would fail when an entry is made fails when the model is read back (a miss)."""
    from tui.core.parsed import StoredEntries
    from tui.nav.places import index_rows, unique_entries

    lines = [f"#### [标题 {i}](../pages/nsc413/n{13500000 + i}.md?t=1) " for i in range(15_000)]
    index_ref = DEFAULT_HOME.with_path("indexes/E大陆新闻.md")
    index = parse_page(index_ref, "\n\n".join(lines) + "\n", DEFAULT_HOME)
    assert isinstance(index, Index)
    data = json.loads(json.dumps(encode(index)))
    back = decode(data)
    assert isinstance(back, Index) and isinstance(back.entries, StoredEntries)
    entries = back.entries
    assert entries.made() == 0 and len(entries) == 15_000
    assert entries.targets == [e.target for e in index.entries]
    assert unique_entries(entries) is entries and entries.made() == 0
    expected = {e.ref.key: (e.ref.repo_id, e.title) for e in index.entries if e.ref}
    assert entries.keyed_titles() == expected and entries.made() == 0
    rows = index_rows(back)
    assert [r.ref for r in rows[100:140]] == [e.ref for e in index.entries[100:140]]
    assert entries.made() == 40
    assert entries[-1] == index.entries[-1] and entries[3] is entries[3]
    assert back == index and entries.made() == 15_000
    moved = pickle.loads(pickle.dumps(back))
    assert moved == index and isinstance(moved.entries, list)
    # Read back when an index lists a page twice: the first stays, as parsed.
    twice = Index(index_ref, "x", "E", [*index.entries[:3], index.entries[1]], [])
    again = decode(json.loads(json.dumps(encode(twice))))
    assert list(unique_entries(again.entries)) == index.entries[:3]
    # Refused when read back, never when drawn.
    mixed = Index(
        index_ref,
        "x",
        "E",
        [index.entries[0], Entry("外链", "https://example.org/x", None, None)],
        [],
    )
    other = PageRef("begood0513", "basic", "master", "README.md")
    mixed.entries.append(Entry("他库", "../../basic/master/README.md", None, other))
    good = json.loads(json.dumps(encode(mixed)))
    stored = decode(good).entries
    assert stored.keyed_titles() == {  # type: ignore[attr-defined]
        e.ref.key: (e.ref.repo_id, e.title) for e in mixed.entries if e.ref
    }
    for damage, why in (
        (lambda d: d[5].update(r=[0, -1, 7]), "repository number"),  # not there
        (lambda d: d[5].update(x={"2": d[5]["x"]["2"]}), "external entry"),  # no target
        (lambda d: d[5].update(r=5), "repository number"),  # one for all, not there either
        (lambda d: d[5].update(p="\n" + d[5]["p"].split("\n", 1)[1]), "mirror path"),
    ):
        assert len(good[5]["r"]) == 3 and set(good[5]["x"]) == {"1", "2"}
        bad = json.loads(json.dumps(good))
        damage(bad)
        with pytest.raises(ValueError, match=why):
            decode(bad)
    assert decode(good) == mixed


def test_a_model_that_cannot_be_stored_is_parsed_again(tmp_path: Path) -> None:
    store = ParsedStore(tmp_path / "parsed")
    ref = DEFAULT_HOME.with_path("indexes/E大陆新闻.md")
    entry = Entry("一\n二", "pages/a/1.md", None, DEFAULT_HOME.with_path("pages/a/1.md"))
    page = Index(ref, "x", "E", [entry], [])
    store.put(ref, DEFAULT_HOME, "text", page)
    assert store.get(ref, DEFAULT_HOME, "text") is None


def test_models_kept_together_are_written_at_once_and_cost_only_themselves_when_bad(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``put_many`` (a prefetch batch's models): one transaction for all; a model that
    cannot be encoded, or whose write fails, costs only itself."""
    from tui.core.parsed import model_key

    store = ParsedStore(tmp_path / "parsed")
    refs = [
        SAMPLE_ARTICLE,
        *(SAMPLE_HOME.with_path(f"pages/nsc413/n142000{n}.md") for n in ("01", "07")),
    ]
    texts = {ref: sample_text(ref) for ref in refs}
    models = {ref: parse_page(ref, texts[ref], SAMPLE_HOME) for ref in refs}
    keys = {ref: model_key(ref, SAMPLE_HOME, texts[ref]) for ref in refs}
    bad_ref = DEFAULT_HOME.with_path("indexes/E大陆新闻.md")
    entry = Entry("一\n二", "pages/a/1.md", None, DEFAULT_HOME.with_path("pages/a/1.md"))
    bad = Index(bad_ref, "x", "E", [entry], [])  # refused by ``encode``
    cache = store._open()
    transactions: list[object] = []
    real_transact, real_set = cache.transact, cache.set

    def counted(*args: object, **kwargs: object) -> object:
        transactions.append(args)
        return real_transact(*args, **kwargs)

    monkeypatch.setattr(cache, "transact", counted)
    store.put_many(
        [(keys[refs[0]], models[refs[0]]), ("bad", bad), (keys[refs[1]], models[refs[1]])]
    )
    assert len(transactions) == 1
    again = ParsedStore(tmp_path / "parsed")
    for ref in refs[:2]:
        assert again.get(ref, SAMPLE_HOME, texts[ref]) == models[ref]
    assert again.get(bad_ref, DEFAULT_HOME, "text") is None

    # A write that fails for one model's sake (its file, say) rolls the transaction back;
    # the others are then put one by one.
    def failing(key: str, value: object, **kwargs: object) -> object:
        if key == keys[refs[1]]:
            raise OSError("no room for this one")
        return real_set(key, value, **kwargs)

    monkeypatch.setattr(cache, "set", failing)
    for ref in refs:
        cache.delete(keys[ref])
    store.put_many([(keys[ref], models[ref]) for ref in refs])
    fresh = ParsedStore(tmp_path / "parsed")
    assert fresh.get(refs[0], SAMPLE_HOME, texts[refs[0]]) == models[refs[0]]
    assert fresh.get(refs[1], SAMPLE_HOME, texts[refs[1]]) is None
    assert fresh.get(refs[2], SAMPLE_HOME, texts[refs[2]]) == models[refs[2]]


def test_store_hit_then_miss_on_changed_text(tmp_path: Path) -> None:
    store = ParsedStore(tmp_path / "parsed")
    text = sample_text(SAMPLE_ARTICLE)
    assert store.get(SAMPLE_ARTICLE, SAMPLE_HOME, text) is None
    first = parse_with_store(store, SAMPLE_ARTICLE, text, SAMPLE_HOME)
    again = ParsedStore(tmp_path / "parsed")  # another process, say
    assert again.get(SAMPLE_ARTICLE, SAMPLE_HOME, text) == first
    assert again.hits == 1
    changed = text.replace("。", "．", 1)
    assert changed != text
    assert again.get(SAMPLE_ARTICLE, SAMPLE_HOME, changed) is None
    # Another home prints links differently: not the same model.
    assert again.get(SAMPLE_ARTICLE, DEFAULT_HOME, text) is None


def test_a_parser_change_misses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ParsedStore(tmp_path / "parsed")
    text = sample_text(SAMPLE_ARTICLE)
    parse_with_store(store, SAMPLE_ARTICLE, text, SAMPLE_HOME)
    assert store.get(SAMPLE_ARTICLE, SAMPLE_HOME, text) is not None
    monkeypatch.setattr(parsed_module, "_version", "another-parser")
    assert store.get(SAMPLE_ARTICLE, SAMPLE_HOME, text) is None


def test_a_model_is_kept_per_interface_language(tmp_path: Path) -> None:
    """A model's warnings are written in the interface language: one parsed in Chinese is
    not shown to an English reader, who gets the page parsed again in English."""
    from tui.core.parse import parse_page
    from tui.i18n import get_language, set_language

    store = ParsedStore(tmp_path / "parsed")
    ref = SAMPLE_HOME.with_path("pages/x/无题.md")
    text = "没有标题行的一段正文，足够长，足够长，足够长。\n"
    was = get_language()
    try:
        set_language("zh-Hans")
        chinese = parse_with_store(store, ref, text, SAMPLE_HOME, parse_page)
        assert chinese.warnings and store.get(ref, SAMPLE_HOME, text) == chinese
        set_language("en")
        assert store.get(ref, SAMPLE_HOME, text) is None
        english = parse_with_store(store, ref, text, SAMPLE_HOME, parse_page)
        assert english.warnings != chinese.warnings
        assert all(w.isascii() for w in english.warnings), english.warnings
    finally:
        set_language(was)


def test_parser_version_follows_the_parser_source() -> None:
    version = parsed_module.parser_version()
    assert len(version) == 16 and version == parsed_module.parser_version()


def test_damaged_and_planted_values_are_misses(tmp_path: Path) -> None:
    store = ParsedStore(tmp_path / "parsed")
    text = sample_text(SAMPLE_ARTICLE)
    key = parsed_module.model_key(SAMPLE_ARTICLE, SAMPLE_HOME, text)
    parse_with_store(store, SAMPLE_ARTICLE, text, SAMPLE_HOME)
    cache = store._open()
    cache.set(key, ["article", ["..", "x", "y", "z"]])  # not a model
    assert store.get(SAMPLE_ARTICLE, SAMPLE_HOME, text) is None
    assert key not in cache  # dropped, so the next parse stores a good one
    # A pickle planted in the database is refused, not loaded.
    db_key, raw = cache._disk.put(key)
    store.close()
    db = sqlite3.connect(tmp_path / "parsed" / "cache.db")
    db.execute(
        "INSERT INTO Cache (key, raw, store_time, expire_time, access_time, access_count,"
        " tag, size, mode, filename, value) VALUES (?, ?, 0, NULL, 0, 0, NULL, 0, 4, NULL, ?)",
        (db_key, raw, pickle.dumps(["article"])),
    )
    db.commit()
    db.close()
    reopened = ParsedStore(tmp_path / "parsed")
    with pytest.raises(CacheUnavailable):  # what the store's get catches
        reopened._open().get(key, retry=False)
    assert reopened.get(SAMPLE_ARTICLE, SAMPLE_HOME, text) is None
    # and parsing still works through it
    assert parse_with_store(reopened, SAMPLE_ARTICLE, text, SAMPLE_HOME).title


def test_an_unusable_directory_is_only_misses(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    store = ParsedStore(blocker / "parsed")
    text = sample_text(SAMPLE_ARTICLE)
    page = parse_with_store(store, SAMPLE_ARTICLE, text, SAMPLE_HOME)
    assert isinstance(page, Article)
    assert store.get(SAMPLE_ARTICLE, SAMPLE_HOME, text) is None


async def test_page_service_parses_a_page_once_across_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second run (a new service, nothing in memory) reads the model back instead of
    parsing the page again."""
    calls: list[str] = []
    real = pages_module.parse_page

    def counting(ref: PageRef, text: str, home: PageRef | None = None, names: object = None):
        calls.append(ref.path)
        return real(ref, text, home)

    monkeypatch.setattr(pages_module, "parse_page", counting)
    loaded = []
    for _ in range(2):
        service = PageService(
            sample_mirror(None), Library(None), parsed=ParsedStore(tmp_path / "parsed")
        )
        loaded.append(await service.get(SAMPLE_ARTICLE))
        await service.aclose()
    assert calls == [SAMPLE_ARTICLE.path]
    assert loaded[0].page == loaded[1].page


def test_reads_open_no_diskcache_store_until_a_write(tmp_path: Path) -> None:
    """A start that finds its first screen's model reads it through a plain read-only
    connection: diskcache's opening writes its settings (and waits on other writers)."""
    text = sample_text(SAMPLE_ARTICLE)
    writer = ParsedStore(tmp_path / "parsed")
    model = parse_with_store(writer, SAMPLE_ARTICLE, text, SAMPLE_HOME)
    store = ParsedStore(tmp_path / "parsed")
    assert store.peek(SAMPLE_ARTICLE, SAMPLE_HOME, text) is None  # nothing open yet
    assert store.get(SAMPLE_ARTICLE, SAMPLE_HOME, text) == model
    assert store._cache is None and store._reader is not None
    assert store.peek(SAMPLE_ARTICLE, SAMPLE_HOME, text) == model  # open for reading now
    # What another process (the first store) writes since is read too.
    other = SAMPLE_ARTICLE.with_path("pages/nsc413/n14200001.md")
    other_text = sample_text(other)
    other_model = parse_with_store(writer, other, other_text, SAMPLE_HOME)
    assert store.get(other, SAMPLE_HOME, other_text) == other_model
    # A write opens the store itself; reads go on through the reader.
    changed = text.replace("。", "．", 1)
    assert parse_with_store(store, SAMPLE_ARTICLE, changed, SAMPLE_HOME).title
    assert store._cache is not None
    assert store.get(SAMPLE_ARTICLE, SAMPLE_HOME, changed) is not None
    # A damaged model read through the reader is dropped all the same.
    key = parsed_module.model_key(other, SAMPLE_HOME, other_text)
    writer._open().set(key, ["article", ["..", "x", "y", "z"]])
    assert store.get(other, SAMPLE_HOME, other_text) is None
    assert key not in writer._open()
    store.close()
    writer.close()


def test_no_database_yet_reads_through_the_store_it_creates(tmp_path: Path) -> None:
    store = ParsedStore(tmp_path / "parsed")
    text = sample_text(SAMPLE_ARTICLE)
    assert store.get(SAMPLE_ARTICLE, SAMPLE_HOME, text) is None  # no cache.db: no reader
    assert store._reader is None
    model = parse_with_store(store, SAMPLE_ARTICLE, text, SAMPLE_HOME)
    assert store.get(SAMPLE_ARTICLE, SAMPLE_HOME, text) == model


def test_a_worker_process_speaks_the_language_of_the_process_that_started_it() -> None:
    """Prefetch and sync parse in worker processes: their models' warnings, and the keys
    they are kept under, are in the app's language, whatever the environment says."""
    from tui.core.workers import process_pool, stop_pool
    from tui.i18n import get_language, set_language

    was = get_language()
    try:
        for language in ("en", "zh-Hant"):
            set_language(language)
            pool = process_pool(1)
            try:
                assert pool.submit(get_language).result(timeout=60) == language
            finally:
                stop_pool(pool)
    finally:
        set_language(was)
