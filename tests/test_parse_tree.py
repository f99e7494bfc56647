"""``tree.build_soup`` makes the tree BeautifulSoup's own lxml builder makes, node for node.

Compared on every corpus and sample page (as the cleaner sees them, Markdown rendered) and
on hostile HTML: classes, names, attributes, strings and every link between elements.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from tests.corpus import pages
from tui.core.parse import _prepare
from tui.core.parse.markdown import to_html
from tui.core.parse.tree import build_soup

SAMPLE = Path(__file__).resolve().parents[1] / "tui" / "sample" / "goodnews-sample"


def _short(node: object) -> tuple[str, str, int] | None:
    """A node named cheaply (str() of a tag serialises its whole subtree)."""
    if node is None:
        return None
    if isinstance(node, Tag):
        return ("tag", node.name, len(node.contents))
    return (type(node).__name__, str(node)[:30], 0)


def shape(soup: BeautifulSoup) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for el in [soup, *soup.descendants]:
        links = tuple(
            _short(getattr(el, a))
            for a in (
                "parent",
                "next_element",
                "previous_element",
                "next_sibling",
                "previous_sibling",
            )
        )
        if isinstance(el, Tag):
            out.append(
                (
                    "tag",
                    el.name,
                    tuple(el.attrs.items()),
                    el.can_be_empty_element,
                    tuple(sorted(c.__name__ for c in el.interesting_string_types)),
                    len(el.contents),
                    links,
                )
            )
        else:
            out.append(("string", type(el).__name__, str(el), links))
    return out


def same_tree(html: str) -> None:
    want = BeautifulSoup(html, "lxml", multi_valued_attributes=None)
    got = build_soup(html)
    assert shape(got) == shape(want)
    assert got.get_text() == want.get_text()
    assert str(got) == str(want)


HOSTILE = [
    "",
    " ",
    "\n\n",
    "<!DOCTYPE html><html><body>x</body></html>",
    "<?php echo 1 ?>after",
    "<!--only a comment-->",
    "<p>a</p><!--z--> tail",
    "<pre>  \n </pre><p> \n </p><textarea>  </textarea>",
    "<script> var a = '<p>'; </script><style> p {} </style><template> t </template>",
    "a<b>c<i>d",
    "<table><tr><td>x</table>y",
    "<svg><circle r='1'/></svg>",
    "<p x=1 x=2 Y='3'>dup</p>",
    "&nbsp;&amp;&#27;&#x1b;",
    "<![CDATA[x]]>",
    "<p>\x0c</p>",
    "<html><head><title>t</title></head> <body> x </body> </html> <!--after-->",
    "<br></br><img><figcaption>c</figcaption></img>",
    "<div>" * 300 + "deep" + "</div>" * 300,
    "<span><ok href='/news/gb/tag/x'>" * 2000 + "字",
    "<p>" + "很长的段落。" * 3000 + "</p>",
    "<ruby>字<rt>zi</rt><rp>(</rp></ruby>",
]


@pytest.mark.parametrize("html", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_html(html: str) -> None:
    same_tree(html)


@pytest.mark.parametrize("path", sorted(SAMPLE.rglob("*.md")), ids=lambda p: p.name)
def test_sample_pages(path: Path) -> None:
    same_tree(to_html(_prepare(path.read_text("utf-8"), [])))


@pytest.mark.corpus
def test_corpus_pages() -> None:
    for page in pages():
        same_tree(to_html(_prepare(page.text(), [])))
