"""Remote failover, local folders (clone and raw layout) and their safety boundary."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from tests.corpus import CORPUS, MIRROR_ROOT, pages
from tests.corpus_server import CorpusServer
from tui.core.errors import NetworkUnavailable, NotFound, OutsideMirror, ServerError, TooLarge
from tui.core.mirror import SAMPLE_HOME, Origin, sample_mirror
from tui.core.source import DEFAULT_BASES, BaseURL, LocalSource, RemoteSource
from tui.core.urls import DEFAULT_HOME, PageRef, resolve

BASIC = PageRef("begood0513", "basic", "master", "README.md")
HOME = DEFAULT_HOME


def test_default_bases_are_raw_then_fastly_cdn():
    # cdn.jsdelivr.net is the host filtered networks block first; fastly.jsdelivr.net is
    # the one jsDelivr points readers to (issue 10).
    article = HOME.with_path("pages/p1/1020087.md")
    assert [b.url_for(article) for b in DEFAULT_BASES] == [
        article.raw_url,
        article.cdn_url.replace("://cdn.jsdelivr.net/", "://fastly.jsdelivr.net/"),
    ]


async def test_failover_from_failing_first_base(corpus_server, fast_policy):
    with CorpusServer() as broken:
        broken.set_fault("500")
        source = RemoteSource(
            [BaseURL(broken.base_url), BaseURL(corpus_server.base_url)], policy=fast_policy
        )
        try:
            response = await source.fetch(HOME)
            assert response.text == pages("home")[0].text()
            assert broken.count(HOME) == fast_policy.retries + 1
            # The base that answered is tried first next time.
            await source.fetch(BASIC)
            assert broken.count(BASIC) == 0 and corpus_server.count(BASIC) == 1
        finally:
            await source.aclose()


async def test_failover_from_dead_first_base(corpus_server, fast_policy):
    dead = CorpusServer().start()
    dead_url = dead.base_url
    dead.stop()
    source = RemoteSource([BaseURL(dead_url), BaseURL(corpus_server.base_url)], policy=fast_policy)
    try:
        response = await source.fetch(HOME)
    finally:
        await source.aclose()
    assert response.text == pages("home")[0].text()


async def test_no_failover_on_not_found(corpus_server, fast_policy):
    with CorpusServer() as second:
        source = RemoteSource(
            [BaseURL(corpus_server.base_url), BaseURL(second.base_url)], policy=fast_policy
        )
        try:
            with pytest.raises(NotFound):
                await source.fetch(HOME.with_path("pages/none/000.md"))
        finally:
            await source.aclose()
        assert second.count() == 0


async def test_all_bases_failing_names_each(fast_policy):
    dead = [CorpusServer().start() for _ in range(2)]
    urls = [d.base_url for d in dead]
    for d in dead:
        d.stop()
    source = RemoteSource([BaseURL(u) for u in urls], policy=fast_policy)
    try:
        with pytest.raises(NetworkUnavailable) as info:
            await source.fetch(HOME)
    finally:
        await source.aclose()
    assert "\n" not in str(info.value)
    assert str(info.value).count("could not connect") == 2


async def test_server_error_on_single_base_is_typed(corpus_server, fast_policy):
    corpus_server.set_fault("503")
    source = RemoteSource.from_base_url(corpus_server.base_url, policy=fast_policy)
    try:
        with pytest.raises(ServerError):
            await source.fetch(HOME)
    finally:
        await source.aclose()


# --------------------------------------------------------------------------- local


async def test_raw_layout_folder_reads_every_page():
    source = LocalSource(CORPUS)
    assert source.raw_layout and source.home == HOME
    for page in pages():
        response = await source.fetch(page.ref)
        assert response.text == page.text(), page.ref
    for page in pages("missing"):
        with pytest.raises(NotFound):
            await source.fetch(page.ref)


async def test_raw_layout_cross_repo_link_reaches_sibling():
    source = LocalSource(CORPUS)
    article = next(p for p in pages("article") if "basic/blob/master/README.md" in p.text())
    href = re.search(r"\]\(([./]+basic/blob/master/README\.md[^)]*)\)", article.text())
    assert href is not None
    target = resolve(article.ref, href.group(1))
    assert target is not None and target.ref == BASIC
    response = await source.fetch(target.ref)
    assert response.text == (CORPUS / BASIC.raw_path).read_text(encoding="utf-8")


async def test_clone_folder_reads_own_repo_only():
    source = LocalSource(MIRROR_ROOT)
    assert not source.raw_layout
    assert source.home == HOME
    response = await source.fetch(HOME.with_path("indexes/p1.md"))
    assert response.text == (MIRROR_ROOT / "indexes" / "p1.md").read_text(encoding="utf-8")
    with pytest.raises(NotFound):
        await source.fetch(BASIC)


def test_clone_named_by_git_remote_and_branch(tmp_path: Path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text(
        '[remote "origin"]\n\turl = https://github.com/someone/othermirror.git\n'
    )
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / "README.md").write_text("# x\n")
    assert LocalSource(tmp_path).home == PageRef("someone", "othermirror", "main", "README.md")


def _unchecked(owner: str, repo: str, ref: str, path: str) -> PageRef:
    """A ref that skipped PageRef's own checks (``_make``), to test the folder's second line."""
    return PageRef._make((owner, repo, ref, path))


ESCAPES = [
    ("begood0513", "goodnews", "master", "../../../../etc/passwd"),
    ("begood0513", "goodnews", "master", "/etc/passwd"),
    ("begood0513", "goodnews", "master", "pages/../../x.md"),
    ("..", "..", "..", "etc/passwd"),
    ("begood0513", "goodnews", "master/../../..", "x.md"),
]


@pytest.mark.parametrize("parts", ESCAPES)
def test_pageref_refuses_escaping_segments(parts: tuple[str, str, str, str]):
    with pytest.raises(ValueError, match="not a mirror page"):
        PageRef(*parts)
    assert PageRef.checked(*parts) is None


@pytest.mark.parametrize(
    "ref",
    [
        *(_unchecked(*parts) for parts in ESCAPES),
        HOME.with_path("a\\..\\..\\x"),
    ],
)
async def test_escapes_are_refused(ref: PageRef):
    source = LocalSource(CORPUS)
    with pytest.raises(OutsideMirror) as info:
        await source.fetch(ref)
    assert info.value.exit_code == 4
    assert not source.exists(ref)


async def test_symlink_out_of_the_root_is_refused(tmp_path: Path):
    secret = tmp_path / "secret.md"
    secret.write_text("outside")
    root = tmp_path / "mirror"
    (root / "pages").mkdir(parents=True)
    (root / "README.md").write_text("# home\n")
    (root / "pages" / "leak.md").symlink_to(secret)
    (root / "pages" / "linkdir").symlink_to(tmp_path)
    (root / "pages" / "inside.md").symlink_to(root / "README.md")
    source = LocalSource(root)
    with pytest.raises(OutsideMirror):
        await source.fetch(source.home.with_path("pages/leak.md"))
    with pytest.raises(OutsideMirror):
        await source.fetch(source.home.with_path("pages/linkdir/secret.md"))
    inside = await source.fetch(source.home.with_path("pages/inside.md"))
    assert inside.text == "# home\n"


async def test_hostile_links_never_escape(tmp_path: Path):
    source = LocalSource(CORPUS)
    article = pages("article")[0].ref
    for href in ("../" * 12 + "etc/passwd.md", "/etc/passwd", "file:///etc/passwd"):
        target = resolve(article, href)
        if target is not None and target.ref is not None:
            assert target.ref.owner != ".."
            with pytest.raises((NotFound, OutsideMirror)):
                await source.fetch(target.ref)


async def test_local_size_limit(tmp_path: Path):
    (tmp_path / "README.md").write_bytes(b"x" * 2048)
    source = LocalSource(tmp_path, max_bytes=1024)
    with pytest.raises(TooLarge):
        await source.fetch(source.home)


async def test_sample_mirror_is_a_local_raw_layout():
    mirror = sample_mirror()
    assert mirror.home == SAMPLE_HOME and mirror.label == "sample"
    assert mirror.is_cached(mirror.home)
    if not (Path(mirror.source.root) / SAMPLE_HOME.raw_path).is_file():  # type: ignore[attr-defined]
        pytest.skip("sample content not written yet")
    fetched = await mirror.get(mirror.home)
    assert fetched.origin is Origin.LOCAL and fetched.text


def test_local_source_rejects_missing_root(tmp_path: Path):
    with pytest.raises(NotFound):
        LocalSource(tmp_path / "nope")


def test_unreadable_is_not_followed_outside(tmp_path: Path):
    # A folder holding only a symlink to "/" must not be browsable through it.
    (tmp_path / "README.md").write_text("# h\n")
    os.symlink("/", tmp_path / "root")
    source = LocalSource(tmp_path)
    assert not source.exists(source.home.with_path("root/etc/passwd"))


async def test_no_network_fails_fast_with_default_policy():
    # What a first run without network does: both default-style bases refuse at once.
    dead = [CorpusServer().start() for _ in range(2)]
    urls = [d.base_url for d in dead]
    for d in dead:
        d.stop()
    source = RemoteSource([BaseURL(u) for u in urls])
    started = time.monotonic()
    try:
        with pytest.raises(NetworkUnavailable):
            await source.fetch(HOME)
    finally:
        await source.aclose()
    assert time.monotonic() - started < 3
