"""Saving pages outside the app: clean Markdown, plain text, EPUB, and safe file names.

Page text is untrusted twice over here: it becomes *file content* (where Markdown or XHTML
would interpret it) and *file names* (where a title such as ``../../.bashrc`` or ``CON``
could write somewhere else or nowhere). So every text is escaped for the format it lands
in, and every file name is made from the title by ``safe_name`` and written only by
``write_new``, which creates a new file (never overwrites, never follows a link) in the
chosen directory and checks that it is there.

``dump --format markdown`` prints ``page_markdown``: the same writer as the reader's ``w``.
"""

from __future__ import annotations

import os
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Literal
from urllib.parse import quote
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from tui.core.models import Article, Block, BlockType, Document, Home, Index, Link, Page, SpanKind
from tui.core.text import sanitise
from tui.core.urls import PageRef
from tui.i18n import N_, _, ngettext

__all__ = [
    "MAX_NAME_BYTES",
    "Exported",
    "SaveFormat",
    "default_save_dir",
    "list_epub",
    "list_markdown",
    "page_markdown",
    "page_text",
    "safe_name",
    "write_new",
]

SaveFormat = Literal["markdown", "text"]
SAVE_FORMATS: tuple[str, ...] = ("markdown", "text")
EXTENSIONS = {"markdown": ".md", "text": ".txt", "epub": ".epub"}

#: Most file systems allow 255 bytes a name; room is left for ``-NN`` and the extension.
MAX_NAME_BYTES = 200
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{p}{n}" for p in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")}
)
# Characters no portable file name may hold (Windows' set plus the path separators).
_FORBIDDEN = re.compile(r'[/\\:*?"<>|]')
_SPACES = re.compile(r"\s+")


# ----------------------------------------------------------------------- file names


def default_save_dir() -> Path:
    """Where saved articles go without a setting: downloads, else documents, else home.

    platformdirs names the folder even when it does not exist (a server with no desktop),
    so each candidate must exist to be chosen.
    """
    import platformdirs

    for where in (platformdirs.user_downloads_dir, platformdirs.user_documents_dir):
        try:
            path = Path(where())
        except Exception:  # noqa: BLE001 - an odd platform setup: try the next
            continue
        if path.is_dir():
            return path
    return Path.home()


def _clip_bytes(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, never inside a character."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", "ignore")


def safe_name(title: str, extension: str, *, number: int = 1, limit: int = MAX_NAME_BYTES) -> str:
    """A file name made from ``title`` that names one file in one directory, on any system.

    No separators, no control/format characters (bidi overrides, zero-width), no leading
    dot (hidden files, ``..``), no trailing dot or space (Windows drops them), no reserved
    device name (``CON``, ``nul.txt``), at most ``limit`` bytes; ``number`` > 1 adds
    ``-N`` for the N-th file of the same title.
    """
    text = unicodedata.normalize("NFC", sanitise(title))
    text = "".join(
        " " if unicodedata.category(c) in ("Zl", "Zp") else c
        for c in text
        if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn") or c in "\t\n"
    )
    text = _SPACES.sub(" ", _FORBIDDEN.sub("_", text)).strip()
    text = text.lstrip(". ").rstrip(". ")
    suffix = f"-{number}" if number > 1 else ""
    text = _clip_bytes(text, max(1, limit - len((suffix + extension).encode("utf-8"))))
    text = text.rstrip(". ") or "untitled"
    if text.split(".", 1)[0].strip().upper() in _RESERVED:
        text = "_" + text
    return f"{text}{suffix}{extension}"


@dataclass(frozen=True, slots=True)
class Exported:
    """What was written where; ``missing`` counts list entries that were not at hand."""

    paths: tuple[Path, ...]
    written: int
    missing: int = 0


class OutsideDirectory(OSError):
    """A file name that would land outside the chosen directory (never written)."""


def write_new(directory: Path, title: str, extension: str, data: bytes) -> Path:
    """Write ``data`` to a new file named from ``title`` in ``directory``; its path.

    The file is created exclusively (``O_EXCL``: an existing file, or a symbolic link put
    in its place, is never written through), so two saves of one title make ``x.md`` and
    ``x-2.md``. The resolved path is checked to lie directly in the resolved directory.
    """
    directory = Path(directory).expanduser()
    directory.mkdir(parents=True, exist_ok=True)
    root = directory.resolve(strict=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0)
    for number in range(1, 10_000):
        name = safe_name(title, extension, number=number)
        path = root / name
        if os.path.lexists(path):
            continue  # taken, maybe by a symbolic link: never written through
        if path.parent != root or path.resolve().parent != root:
            raise OutsideDirectory(
                _("{name} would not be in {folder}").format(name=repr(name), folder=root)
            )
        try:
            fd = os.open(path, flags, 0o644)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        return path
    raise FileExistsError(
        _("too many files named like {name} in {folder}").format(
            name=safe_name(title, extension), folder=root
        )
    )


# ----------------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!{}&])")
_LINE_START = re.compile(r"^(\s*)(\d+(?=[.)])|(?=[-+=]))(.)")


def md_escape(text: str) -> str:
    """Page text as literal Markdown: no emphasis, links, raw HTML or block syntax."""
    text = sanitise(text).replace("\r", "")
    out = []
    for line in text.split("\n"):
        line = _MD_SPECIAL.sub(r"\\\1", line)
        line = _LINE_START.sub(lambda m: f"{m.group(1)}{m.group(2)}\\{m.group(3)}", line)
        out.append(line)
    return "  \n".join(out)


def md_url(url: str) -> str:
    """A URL safe between ``<`` and ``>``: spaces, angle brackets and controls encoded."""
    return quote(sanitise(url).strip(), safe="/:?#[]@!$&'()*+,;=%~-._")


def _link_url(link: Link) -> str:
    if link.anchor and "#" not in link.url:
        return f"{link.url}#{link.anchor}"
    return link.url


class _Refs:
    """Reference-style link labels: ``[text][p3]`` in the text, definitions at the end."""

    def __init__(self, links: Sequence[Link], prefix: str) -> None:
        self.links = {link.n: link for link in links}
        self.prefix = prefix

    def label(self, n: int) -> str:
        return f"{self.prefix}{n}"

    def definitions(self) -> list[str]:
        out = []
        for n, link in sorted(self.links.items()):
            title = sanitise(link.text).replace('"', "'").replace("\n", " ").strip()
            shown = f' "{title}"' if title else ""
            out.append(f"[{self.label(n)}]: <{md_url(_link_url(link))}>{shown}")
        return out


def _flanking_break(char: str) -> bool:
    """Whitespace or punctuation: what CommonMark's emphasis rules look at."""
    return not char or char.isspace() or unicodedata.category(char)[0] in "PS"


def _emphasis(text: str, before: str, after: str) -> str:
    """``*text*`` where a viewer will show it as emphasis, else the text alone.

    CommonMark only honours ``*`` that "flank" the text: ``*（注）*中文`` stays literal
    asterisks, which is worse than no emphasis for a reader of CJK text.
    """
    core = text.strip()
    lead, tail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    if not core:
        return text
    before = lead[-1:] or before
    after = tail[:1] or after
    opens = not _flanking_break(core[0]) or _flanking_break(before)
    closes = not _flanking_break(core[-1]) or _flanking_break(after)
    return f"{lead}*{core}*{tail}" if opens and closes else text


def _md_spans(block: Block, refs: _Refs) -> str:
    parts: list[tuple[str, bool]] = []  # (Markdown, is emphasis still to be decided)
    for span in block.spans:
        text = md_escape(span.text)
        if span.kind in (SpanKind.LINK, SpanKind.TAG) and span.link in refs.links:
            shown = text.strip() or md_escape(refs.links[span.link].target)
            parts.append((f"[{shown}][{refs.label(span.link)}]", False))
        else:
            parts.append((text, span.kind is SpanKind.EMPHASIS))
    out: list[str] = []
    for i, (text, emphasis) in enumerate(parts):
        if emphasis:
            before = out[-1][-1:] if out and out[-1] else ""
            after = next((p[0][:1] for p in parts[i + 1 :] if p[0]), "")
            text = _emphasis(text, before, after)
        out.append(text)
    return "".join(out).strip()


def _md_blocks(blocks: Iterable[Block], refs: _Refs, top: int, article: bool) -> list[str]:
    out: list[str] = []
    for block in blocks:
        text = _md_spans(block, refs)
        if block.type is BlockType.HEADING:
            level = block.level or 4
            # Articles use h4 for subheadings; documents keep their own levels below the title.
            depth = top + 1 + max(0, level - 4) if article else top + max(0, level - 1)
            if text:
                out.append(f"{'#' * min(6, max(top + 1, depth))} {text}")
        elif block.type is BlockType.IMAGE:
            image = f"![{text}](<{md_url(block.src)}>)" if block.src else ""
            out.append("\n\n".join(p for p in (image, f"*{text}*" if text else "") if p))
        elif block.type is BlockType.QUOTE:
            out.append("\n".join("> " + line for line in text.split("\n")))
        elif block.type is BlockType.LIST_ITEM:
            out.append("- " + text.replace("\n", "\n  "))
        elif text:
            out.append(text)
    return [b for b in out if b]


def _meta(article: Article) -> list[str]:
    """The metadata list, labelled in the interface language of the moment of export."""
    rows = [
        (N_("Source: {value}"), article.source),
        (N_("Date: {value}"), article.published.isoformat() if article.published else None),
        (N_("Category: {value}"), article.category.title if article.category else None),
        (N_("Editor: {value}"), article.editor),
    ]
    out = ["- " + _(label).format(value=md_escape(value)) for label, value in rows if value]
    if article.original_url:
        out.append("- " + _("Original: {value}").format(value=f"<{md_url(article.original_url)}>"))
    return out


def article_markdown(
    page: Article | Document, home: PageRef | None = None, *, top: int = 1, prefix: str = ""
) -> str:
    """An article (or another page of text) as clean Markdown: title, metadata, body,
    tags, and its links as reference definitions. ``top`` is the title's heading level and
    ``prefix`` makes link labels unique when several pages share one file."""
    refs = _Refs(page.links, prefix)
    title = page.title or page.ref.name
    parts = [f"{'#' * top} {md_escape(title)}"]
    article = isinstance(page, Article)
    meta = _meta(page) if isinstance(page, Article) else []
    meta.append("- " + _("Mirror: {value}").format(value=f"<{md_url(page.ref.blob_url)}>"))
    parts.append("\n".join(meta))
    if isinstance(page, Article):
        lead = page.lead_image
        if lead is not None and lead.src:
            caption = md_escape(lead.caption or lead.alt)
            parts.append(f"![{caption}](<{md_url(lead.src)}>)")
            if caption:
                parts.append(f"*{caption}*")
    parts += _md_blocks(page.blocks, refs, top, article)
    if isinstance(page, Article) and page.tags:
        by_url = {link.url: link.n for link in page.links if link.kind == "tag"}
        chips = []
        for tag in page.tags:
            n = by_url.get(tag.url)
            name = md_escape(tag.name)
            chips.append(f"[{name}][{refs.label(n)}]" if n in refs.links else name)
        parts.append(_("Tags: {tags}").format(tags=" · ".join(chips)))
    definitions = refs.definitions()
    if definitions:
        parts.append("\n".join(definitions))
    return "\n\n".join(parts) + "\n"


def _list_markdown_page(page: Index | Home, home: PageRef | None) -> str:
    out = [f"# {md_escape(page.title)}"]
    if isinstance(page, Index):
        items = [
            f"{i}. [{md_escape(e.title)}](<{md_url(e.url)}>)" for i, e in enumerate(page.entries, 1)
        ]
        if items:
            out.append("\n".join(items))
    else:
        for section in page.sections:
            out.append(f"## {md_escape(section.title)}")
            cats = [
                f"- [{md_escape(c.title)}](<{md_url(c.ref.blob_url)}>)" for c in section.categories
            ]
            if cats:
                out.append("\n".join(cats))
    return "\n\n".join(out) + "\n"


def page_markdown(page: Page, home: PageRef | None = None) -> str:
    """Any page as Markdown: what ``w`` saves and ``dump --format markdown`` prints."""
    if isinstance(page, Article | Document):
        return article_markdown(page, home)
    return _list_markdown_page(page, home)


def page_text(page: Page, home: PageRef | None = None, width: int = 80) -> str:
    """The plain-text save: ``dump``'s own text, so a saved file reads like the dump."""
    from tui.core.dump import dump_text

    return dump_text(page, home, width)


def list_markdown(
    title: str,
    pages: Sequence[Article | Document],
    home: PageRef | None = None,
    *,
    missing: int = 0,
    now: datetime | None = None,
) -> str:
    """A list's articles in one Markdown file: a contents list, then each article."""
    when = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    exported = ngettext(
        "{count} article, exported {when}.", "{count} articles, exported {when}.", len(pages)
    )
    head = [f"# {md_escape(title)}", exported.format(count=len(pages), when=when)]
    if missing:
        head[-1] += " " + ngettext(
            "{count} not saved: it was not in the cache.",
            "{count} not saved: they were not in the cache.",
            missing,
        ).format(count=missing)
    contents = [f"{i}. {md_escape(p.title or p.ref.name)}" for i, p in enumerate(pages, 1)]
    if contents:
        head.append("\n".join(contents))
    body = [article_markdown(p, home, top=2, prefix=f"a{i}-") for i, p in enumerate(pages, 1)]
    return "\n\n".join(head) + "\n\n" + "\n---\n\n".join(body)


# ----------------------------------------------------------------------- EPUB

# i18n: not shown (EPUB markup)
_CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""

_CSS = """body { line-height: 1.6; }
h1 { font-size: 1.4em; }
.meta, .caption { color: #555; font-size: 0.9em; }
.tags { font-size: 0.9em; }
"""

# XML 1.0 refuses most C0 controls even as references; sanitise leaves \t and \n only.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(text: str) -> str:
    return xml_escape(_XML_BAD.sub("", sanitise(text)))


def _xa(text: str) -> str:
    return quoteattr(_XML_BAD.sub("", sanitise(text)))


def _xhtml(title: str, body: str) -> str:
    return (
        # i18n: not shown (EPUB markup)
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" '
        'xmlns:epub="http://www.idpf.org/2007/ops" lang="zh" xml:lang="zh">\n'
        f'<head><meta charset="UTF-8"/><title>{_x(title)}</title>'
        '<link rel="stylesheet" type="text/css" href="style.css"/></head>\n'
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def _html_spans(block: Block, links: dict[int, Link]) -> str:
    out = []
    for span in block.spans:
        text = _x(span.text)
        link = links.get(span.link) if span.link is not None else None
        if span.kind in (SpanKind.LINK, SpanKind.TAG) and link is not None:
            out.append(f"<a href={_xa(_link_url(link))}>{text}</a>")
        elif span.kind is SpanKind.EMPHASIS:
            out.append(f"<em>{text}</em>")
        else:
            out.append(text)
    return "".join(out).strip().replace("\n", "<br/>")


def _chapter(page: Article | Document) -> str:
    links = {link.n: link for link in page.links}
    title = page.title or page.ref.name
    body = [f"<h1>{_x(title)}</h1>"]
    if isinstance(page, Article):
        meta = [
            p
            for p in (
                page.source,
                page.published.isoformat() if page.published else None,
                page.category.title if page.category else None,
            )
            if p
        ]
        if meta:
            body.append(f'<p class="meta">{_x(" · ".join(meta))}</p>')
        if page.lead_image is not None and page.lead_image.caption:
            body.append(f'<p class="caption">{_x(page.lead_image.caption)}</p>')
    for block in page.blocks:
        text = _html_spans(block, links)
        if not text:
            continue
        if block.type is BlockType.HEADING:
            body.append(f"<h2>{text}</h2>")
        elif block.type is BlockType.IMAGE:
            body.append(f'<p class="caption">{text}</p>')  # images stay remote: not packed
        elif block.type is BlockType.QUOTE:
            body.append(f"<blockquote><p>{text}</p></blockquote>")
        elif block.type is BlockType.LIST_ITEM:
            body.append(f"<ul><li>{text}</li></ul>")
        else:
            body.append(f"<p>{text}</p>")
    if isinstance(page, Article):
        if page.tags:
            tags = _("Tags: {tags}").format(tags=_x(" · ".join(t.name for t in page.tags)))
            body.append(f'<p class="tags">{tags}</p>')
        extra = []
        if page.editor:
            extra.append(_("Editor: {value}").format(value=_x(page.editor)))
        if page.original_url:
            url = page.original_url
            extra.append(_("Original: {value}").format(value=f"<a href={_xa(url)}>{_x(url)}</a>"))
        if extra:
            body.append(f'<p class="meta">{"<br/>".join(extra)}</p>')
    return _xhtml(title, "\n".join(body))


def list_epub(
    title: str,
    pages: Sequence[Article | Document],
    *,
    now: datetime | None = None,
    identifier: str | None = None,
) -> bytes:
    """The articles as an EPUB 3 book: ``mimetype`` first and stored, the container, the
    package (OPF) with its manifest and spine, a navigation document, one XHTML chapter
    per article. Images are not packed (they live on the original sites)."""
    when = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    book_id = identifier or f"urn:uuid:{uuid.uuid4()}"
    chapters = [(f"c{i:04d}.xhtml", p) for i, p in enumerate(pages, 1)]
    manifest = [
        # i18n: not shown (EPUB markup)
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
        # i18n: not shown (EPUB markup)
        '<item id="css" href="style.css" media-type="text/css"/>',
        *(
            # i18n: not shown (EPUB markup)
            f'<item id="c{i}" href="{name}" media-type="application/xhtml+xml"/>'
            for i, (name, _p) in enumerate(chapters, 1)
        ),
    ]
    # i18n: not shown (EPUB markup)
    spine = [f'<itemref idref="c{i}"/>' for i in range(1, len(chapters) + 1)]
    if not spine:
        # i18n: not shown (EPUB markup)
        spine = ['<itemref idref="nav"/>']
    opf = (
        # i18n: not shown (EPUB markup)
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
        'unique-identifier="book-id" xml:lang="zh">\n'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        f'<dc:identifier id="book-id">{_x(book_id)}</dc:identifier>\n'
        f"<dc:title>{_x(title)}</dc:title>\n<dc:language>zh</dc:language>\n"
        f'<meta property="dcterms:modified">{when}</meta>\n</metadata>\n'
        f"<manifest>\n{chr(10).join(manifest)}\n</manifest>\n"
        f"<spine>\n{chr(10).join(spine)}\n</spine>\n</package>\n"
    )
    toc = "\n".join(
        f"<li><a href={_xa(name)}>{_x(p.title or p.ref.name)}</a></li>" for name, p in chapters
    )
    nav_list = f"<ol>\n{toc}\n</ol>" if toc else '<ol><li><a href="nav.xhtml">—</a></li></ol>'
    # i18n: not shown (EPUB markup)
    nav = _xhtml(title, f'<nav epub:type="toc" id="toc"><h1>{_x(title)}</h1>\n{nav_list}\n</nav>')
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip", zipfile.ZIP_STORED)
        deflate = zipfile.ZIP_DEFLATED
        book.writestr("META-INF/container.xml", _CONTAINER, deflate)
        book.writestr("OEBPS/content.opf", opf, deflate)
        book.writestr("OEBPS/nav.xhtml", nav, deflate)
        book.writestr("OEBPS/style.css", _CSS, deflate)
        for name, page in chapters:
            book.writestr(f"OEBPS/{name}", _chapter(page), deflate)
    return buffer.getvalue()
