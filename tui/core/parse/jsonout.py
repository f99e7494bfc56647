"""The stable JSON form of a page (``dump --json``); the schema is documented in the README."""

from __future__ import annotations

from typing import Any

from tui.core.models import Article, Block, Document, Home, Index, Link, Page
from tui.core.text import one_line, sanitise
from tui.core.urls import PageRef

__all__ = ["to_json"]


def _block(block: Block) -> dict[str, Any]:
    out: dict[str, Any] = {"type": block.type.value, "text": block.text}
    if block.level is not None:
        out["level"] = block.level
    if block.src is not None:
        out["src"] = block.src
    spans = [
        {"text": s.text, "kind": s.kind.value, **({"link": s.link} if s.link else {})}
        for s in block.spans
    ]
    if len(spans) > 1 or (spans and spans[0]["kind"] != "text"):
        out["spans"] = spans
    return out


def _link(link: Link) -> dict[str, Any]:
    out: dict[str, Any] = {
        "n": link.n,
        "text": link.text,
        "kind": link.kind.value,
        "target": link.target,
    }
    if link.anchor:
        out["anchor"] = link.anchor
    return out


def _target(ref: PageRef, home: PageRef | None) -> str:
    return ref.target(home)


# Identities and addresses: one line, whatever the file name held.
_ONE_LINE_KEYS = frozenset({"ref", "target", "url", "src", "original_url", "anchor"})


def _clean(value: Any, key: str | None = None) -> Any:
    """Every string of the output cleaned, not only the parsed text.

    ``ref`` and ``target`` come from file names and links, which the page text's cleaning
    never saw: U+009B (CSI) or U+202E (bidi override) in a file name would reach whoever
    reads the JSON on a terminal.
    """
    if isinstance(value, str):
        return one_line(value) if key in _ONE_LINE_KEYS else sanitise(value)
    if isinstance(value, dict):
        return {k: _clean(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v, key) for v in value]
    return value


def to_json(page: Page, home: PageRef | None = None) -> dict[str, Any]:
    """A plain dict (JSON-ready) of ``page``; page targets are relative to ``home``'s repo.

    Every string in it is cleaned (``text.sanitise``), identities included.
    """
    return _clean(_to_json(page, home))


def _to_json(page: Page, home: PageRef | None) -> dict[str, Any]:
    ref = page.ref.key
    if isinstance(page, Article):
        return {
            "kind": "article",
            "ref": ref,
            "title": page.title,
            "source": page.source,
            "published": page.published.isoformat() if page.published else None,
            "category": (
                {"title": page.category.title, "ref": _target(page.category.ref, home)}
                if page.category
                else None
            ),
            "original_url": page.original_url,
            "editor": page.editor,
            "lead_image": (
                {"src": page.lead_image.src, "caption": page.lead_image.caption}
                if page.lead_image
                else None
            ),
            "blocks": [_block(b) for b in page.blocks],
            "tags": [{"name": t.name, "url": t.url} for t in page.tags],
            "links": [_link(link) for link in page.links],
            "warnings": list(page.warnings),
        }
    if isinstance(page, Index):
        return {
            "kind": "index",
            "ref": ref,
            "title": page.title,
            "family": page.family,
            "entries": [
                {"title": e.title, "target": e.target, "external": e.external} for e in page.entries
            ],
            "warnings": list(page.warnings),
        }
    if isinstance(page, Home):
        return {
            "kind": "home",
            "ref": ref,
            "sections": [
                {
                    "title": s.title,
                    "categories": [
                        {"title": c.title, "target": _target(c.ref, home)} for c in s.categories
                    ],
                }
                for s in page.sections
            ],
            "links": [_link(link) for link in page.links],
            "warnings": list(page.warnings),
        }
    assert isinstance(page, Document)
    return {
        "kind": "document",
        "ref": ref,
        "title": page.title,
        "blocks": [_block(b) for b in page.blocks],
        "links": [_link(link) for link in page.links],
        "warnings": list(page.warnings),
    }
