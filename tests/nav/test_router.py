"""The router decides where a target opens before anything is fetched."""

from __future__ import annotations

from tui.core.models import Link
from tui.core.urls import LinkKind, PageRef
from tui.nav.places import PlaceKind, Row, RowKind
from tui.nav.router import Pane, Route, Router

HOME = PageRef("begood0513", "goodnews", "master", "README.md")
ARTICLE = HOME.with_path("pages/nsc423/n13573222.md")
INDEX = HOME.with_path("indexes/E专栏文集.md")
BASIC = PageRef("begood0513", "basic", "master", "README.md")

router = Router(HOME)


def test_pages_route_by_their_kind() -> None:
    assert router.page(HOME).pane is Pane.LIST
    assert router.page(HOME).place is not None and router.page(HOME).place.kind is PlaceKind.HOME
    route = router.page(INDEX, "专栏文集")
    assert route.pane is Pane.LIST and route.place is not None
    assert route.place.kind is PlaceKind.INDEX and route.place.title == "专栏文集"
    assert router.page(ARTICLE) == Route(Pane.READER, ref=ARTICLE)
    # Another repository's README is read in the reader (its text may still make it a list).
    assert router.page(BASIC).pane is Pane.READER


def test_a_link_to_the_page_shown_stays_in_the_page() -> None:
    route = router.page(ARTICLE, "第一章", current=ARTICLE)
    assert route.pane is Pane.IN_PAGE and route.anchor == "第一章"
    assert router.page(ARTICLE, current=HOME.with_path("pages/x/1.md")).pane is Pane.READER


def test_links_tags_and_rows() -> None:
    tag = Link(1, " 香港 ", LinkKind.TAG, "https://www.epochtimes.com/gb/tag/香港.html", "u")
    route = router.link(tag, ARTICLE)
    assert route.pane is Pane.LIST and route.place is not None
    assert route.place.kind is PlaceKind.RELATED and route.place.tag == "香港"
    page = Link(2, "x", LinkKind.PAGE, INDEX.path, INDEX.blob_url, INDEX)
    assert router.link(page, ARTICLE).pane is Pane.LIST
    out = Link(3, "cnn", LinkKind.EXTERNAL, "https://cnn.com/", "https://cnn.com/")
    assert router.link(out, ARTICLE) == Route(Pane.EXTERNAL, url="https://cnn.com/")
    assert router.row(Row(RowKind.EXTERNAL, "v", url="http://1.2.3.4/")).url == "http://1.2.3.4/"
    assert router.row(Row(RowKind.ARTICLE, "a", ARTICLE)).ref == ARTICLE
    assert router.row(Row(RowKind.INDEX, "头条", INDEX)).place.kind is PlaceKind.INDEX  # type: ignore[union-attr]
