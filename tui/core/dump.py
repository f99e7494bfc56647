"""Plain-text and JSON renderings of a parsed page, for ``goodnews-tui dump`` and pipes.

The text form follows ``lynx -dump``: the page reads top to bottom in a pager, links are
marked ``{n}`` where they occur and listed with their targets at the end, so a reader can
grep, diff or translate a page without the UI. Widths are terminal cells (CJK aware).
"""

from __future__ import annotations

import json

from tui.core.layout import (
    Layout,
    layout_body,
    layout_head,
    link_kind_label,
    plain_marks,
    tag_numbers,
)
from tui.core.models import Article, Document, Home, Index, Link, Page
from tui.core.parse.jsonout import to_json
from tui.core.text import cell_width, link_number, sanitise, wrap_runs
from tui.core.urls import PageRef
from tui.i18n import _

__all__ = ["DUMP_FORMATS", "dump_json", "dump_text", "render_dump"]


def _para(text: str, width: int, first: str = "", rest: str | None = None) -> list[str]:
    """``text`` wrapped with a hanging label (``rest`` defaults to ``first`` again)."""
    if not text.strip():
        return []
    rest = first if rest is None else rest
    lines = wrap_runs([(text, "", None)], width, first, rest=rest, hang=False)
    return ["".join(run[0] for run in line) for line in lines]


def _links(links: list[Link], width: int) -> list[str]:
    if not links:
        return []
    out = ["", _("Links:")]
    for link in links:
        label = f"{link.n:>4}. "
        target = link.target + (f"#{link.anchor}" if link.anchor else "")
        kind = link_kind_label(link.kind.value)
        text = f"[{kind}] {link.text} <{target}>" if link.text else f"<{target}>"
        out.extend(_para(text, width, label, " " * len(label)))
    return out


def _warnings(warnings: list[str]) -> list[str]:
    if not warnings:
        return []
    return ["", _("Warnings:"), *(f"  ! {w}" for w in warnings)]


def _ruled(head: list[str], width: int) -> list[str]:
    """A title block underlined with ``=`` as wide as its widest line."""
    return [*head, "=" * min(width, max([cell_width(line) for line in head] or [1]))]


def _body(page: Article | Document, width: int) -> list[str]:
    """The reader's own layout of the body (``plain_marks``), as plain lines."""
    body: Layout = layout_body(page, width, plain_marks())
    return ["", *body.text()] if body.lines else []


def _article(page: Article, width: int) -> list[str]:
    out = _ruled(layout_head(page, width, plain_marks()).text(), width)
    out += _body(page, width)
    if page.tags:
        out += ["", _("Tags:")]
        numbers = tag_numbers(page)
        for tag in page.tags:
            n = numbers.get(tag.url)
            chip = f"{tag.name}" + (f" {link_number(n)}" if n else "")
            out.extend(_para(chip, width, "   # ", "     "))
    extra = []
    if page.editor:
        extra.append(_("Editor: {value}").format(value=page.editor))
    if page.original_url:
        extra.append(_("Original: {value}").format(value=page.original_url))
    if extra:
        out.append("")
        for line in extra:
            out.extend(_para(line, width))
    out += _links(page.links, width)
    return out + _warnings(page.warnings)


def _index(page: Index, width: int) -> list[str]:
    head = page.title + (f" ({page.family})" if page.family else "")
    out = [*_para(head, width), "=" * min(width, cell_width(head)), ""]
    for i, entry in enumerate(page.entries, 1):
        label = f"{i:>4}. "
        out.extend(_para(entry.title, width, label, " " * len(label)))
        mark = _("external: ") if entry.external else ""
        out.extend(_para(mark + entry.target, width, " " * len(label)))
    return out + _warnings(page.warnings)


def _home(page: Home, width: int, home: PageRef | None) -> list[str]:
    title = _("Home")  # the model's title is the mirror's own word, kept in --format json
    out = [title, "=" * cell_width(title)]
    n = 0
    for section in page.sections:
        out += ["", section.title]
        for cat in section.categories:
            n += 1
            label = f"{n:>4}. "
            out.extend(_para(f"{cat.title} <{cat.ref.target(home)}>", width, label, "      "))
    out += _links(page.links, width)
    return out + _warnings(page.warnings)


def _document(page: Document, width: int) -> list[str]:
    out = _ruled(_para(page.title, width), width) if page.title else []
    out += _body(page, width)
    out += _links(page.links, width)
    return out + _warnings(page.warnings)


def dump_text(page: Page, home: PageRef | None = None, width: int = 80) -> str:
    """The page as wrapped plain text (lynx -dump style), ending with one newline."""
    width = max(20, width)
    if isinstance(page, Article):
        lines = _article(page, width)
    elif isinstance(page, Index):
        lines = _index(page, width)
    elif isinstance(page, Home):
        lines = _home(page, width, home)
    else:
        lines = _document(page, width)
    while lines and not lines[0].strip():
        lines.pop(0)
    return sanitise("\n".join(line.rstrip() for line in lines).strip("\n") + "\n")


def dump_json(page: Page, home: PageRef | None = None) -> str:
    """The page as one JSON object (schema in the README), non-ASCII kept readable."""
    return json.dumps(to_json(page, home), ensure_ascii=False, indent=2) + "\n"


DUMP_FORMATS = ("text", "markdown", "json")


def render_dump(
    page: Page,
    home: PageRef | None,
    *,
    as_json: bool = False,
    width: int = 80,
    format: str | None = None,
) -> str:
    """What ``goodnews-tui dump`` prints for one parsed page: the one place its output is
    made, as wrapped text (``width`` cells), JSON, or the Markdown that ``w`` saves;
    ``home`` lets page targets print relative to the mirror. ``as_json`` is the old
    spelling of ``format="json"``."""
    chosen = format or ("json" if as_json else "text")
    if chosen == "json":
        return dump_json(page, home)
    if chosen == "markdown":
        from tui.core.export import page_markdown

        return page_markdown(page, home)
    return dump_text(page, home, width)
