"""Index pages: one Markdown heading per entry, each made of exactly one link."""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING, NamedTuple

from tui.core.models import Entry, Index, Link
from tui.core.parse.dirnames import majority_directory, majority_of
from tui.core.parse.markdown import parse_tokens
from tui.core.text import _ANY_UNSAFE, normalise_space, one_line, sanitise
from tui.core.urls import LinkKind, PageRef, plain_md_path, plain_repo, resolve, within_repo
from tui.i18n import _

if TYPE_CHECKING:
    from markdown_it.token import Token

__all__ = ["inline_links", "link_from_href", "parse_index"]

FAMILIES = frozenset("ENHS")

# The usual entry line, ``#### [title](../pages/x/N.md?t=1)``, read without markdown-it when
# nothing in the title or href could mean more than plain text: no emphasis, code, entities,
# escapes, HTML or brackets in the title; a relative href of URL-safe characters (so
# markdown-it's link normalisation would leave it as it is). Anything else takes the full path.
# One search over the page finds them all (``^`` and ``$`` at line breaks).
_FAST_LINE = re.compile(
    r"^#{1,6}[ \t]+\[([^\[\]\\`<>*_&!~\n]*)\]"
    r"\(((?![/])[A-Za-z0-9_.~/\-]+(?:\?[A-Za-z0-9_.~/\-=&+,]*)?)\)[ \t]*$",
    re.M,
)
# Constructs that can run across blank lines and swallow a heading line: fenced code and the
# HTML blocks that end at a marker, not at a blank line. With any of them, no fast path.
_SPANNING = re.compile(r"^[ \t]*(?:```|~~~|<(?:script|pre|style|textarea|!|\?))", re.M | re.I)


def _spanning(text: str) -> bool:
    """Whether ``text`` has a construct of ``_SPANNING``: three plain substring looks first
    (a megabyte in well under a millisecond), the pattern only when one of them is there."""
    return ("```" in text or "~~~" in text or "<" in text) and _SPANNING.search(text) is not None


def inline_links(inline: Token) -> tuple[str, list[tuple[str, str]]]:
    """The text outside links and the (text, href) pairs of an inline token, in order."""
    outside: list[str] = []
    links: list[tuple[str, str]] = []
    href: str | None = None
    buf: list[str] = []
    for child in inline.children or ():
        if child.type == "link_open":
            href = str(child.attrGet("href") or "")
            buf = []
        elif child.type == "link_close":
            if href is not None:
                links.append((normalise_space(sanitise("".join(buf))), href))
            href = None
        elif child.type in ("text", "code_inline"):
            (buf if href is not None else outside).append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            (buf if href is not None else outside).append(" ")
        elif child.type == "image":
            (buf if href is not None else outside).append(child.content)
    return normalise_space(sanitise("".join(outside))), links


def link_from_href(base: PageRef, href: str, text: str, home: PageRef | None) -> Link | None:
    try:
        target = resolve(base, href)
    except ValueError:
        return None
    if target is None:
        return None
    return Link.from_target(target, text, home)


def _heading_text(inline: Token) -> str:
    parts: list[str] = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return normalise_space(sanitise("".join(parts)))


def index_title(ref: PageRef) -> tuple[str, str | None]:
    """``E专栏文集.md`` -> (专栏文集, E): the one-letter prefix names the source family."""
    stem = one_line(posixpath.splitext(ref.name)[0])  # a decoded path: anything can be in it
    if len(stem) > 1 and stem[0] in FAMILIES and not stem[1].isascii():
        return stem[1:], stem[0]
    return stem.lstrip("-_") or stem, None


class _Fast(NamedTuple):
    """The entry lines read directly: where each starts in the page, its raw title and its
    href, in page order; and the rest of the page (None when nothing is left there)."""

    starts: list[int]
    raws: list[str]
    hrefs: list[str]
    rest: str | None


def _split_fast(text: str) -> _Fast:
    """Entry lines read directly, and the rest of the page for markdown-it.

    A line is read directly only when it must be a heading whatever surrounds it: it matches
    ``_FAST_LINE`` and follows a blank line, another such line, or the start of the page.
    The rest keeps its line numbers (read lines become empty, which only separates blocks).
    """
    starts: list[int] = []
    raws: list[str] = []
    hrefs: list[str] = []
    if _spanning(text):
        return _Fast(starts, raws, hrefs, text)
    pieces: list[str] = []
    kept = 0  # text[kept:] is not yet in pieces
    after = -1  # where the last line read ends (at its line break)
    for m in _FAST_LINE.finditer(text):
        start = m.start()
        if start and start - 1 != after and (start < 2 or text[start - 2] != "\n"):
            # Not the page's first line, nor after a line read or an empty line: read it
            # only after a line of spaces alone.
            above = text[text.rfind("\n", 0, start - 1) + 1 : start - 1]
            if above and not above.isspace():
                continue
        starts.append(start)
        raw, href = m.groups()
        raws.append(raw)
        hrefs.append(href)
        pieces.append(text[kept:start])
        kept = after = m.end()
    if not starts:
        return _Fast(starts, raws, hrefs, text)
    pieces.append(text[kept:])
    rest = "".join(pieces)
    return _Fast(starts, raws, hrefs, rest if rest.strip() else None)


def _offsets_of_lines(text: str, lines: list[int]) -> list[int]:
    """Where each of ``lines`` (numbers from 0, ascending) starts in ``text``."""
    out: list[int] = []
    at, line = 0, 0
    for want in lines:
        while line < want:
            found = text.find("\n", at)
            if found < 0:
                at = len(text)
                break
            at, line = found + 1, line + 1
        out.append(at)
    return out


def _entry(
    ref: PageRef, entry_text: str, href: str, home: PageRef | None, safe: bool = False
) -> Entry | None:
    """``safe``: ``href`` is known to be made of URL-safe characters (``_FAST_LINE``)."""
    if not entry_text:
        return None
    if safe:  # _FAST_LINE's href is _PLAIN_MD_HREF's, less the ".md" suffix
        head = href.partition("?")[0]
        path = head if head.lower().endswith(".md") else None
    else:
        path = plain_md_path(href)
    inside = within_repo(ref.path, path) if path is not None and plain_repo(ref) else None
    if inside is not None:
        # The usual entry, a page of this repository: what ``resolve`` would conclude,
        # without a Target and a Link on the way; the blob URL is made when asked for.
        page = PageRef.checked(ref.owner, ref.repo, ref.ref, inside)
        if page is not None:
            return Entry(entry_text, page.target(home), None, page)
    link = link_from_href(ref, href, entry_text, home)
    if link is None or not entry_text:
        return None
    if link.kind is LinkKind.PAGE and link.ref is not None:
        return Entry(entry_text, link.target, link.url, link.ref)
    return Entry(entry_text, link.url, link.url, None)


# Anything in a title that sanitise or normalise_space would change: a character they
# remove or a whitespace other than a single inner space (line breaks separate titles).
# The spaces out of place are looked for as substrings: one character class scans fast,
# an alternation of it with ``^ `` and `` $`` is tried at every position (5x slower).
_NOT_CLEAN = re.compile(
    f"{_ANY_UNSAFE.pattern[:-1]}\t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
)


def _all_clean(titles: str) -> bool:
    """Whether every line of ``titles`` is already what ``normalise_space(sanitise(line))``
    makes of it (``\r`` is a line break to ``sanitise``, and unclean here)."""
    if "  " in titles or "\n " in titles or " \n" in titles:
        return False
    if titles[:1] == " " or titles[-1:] == " ":
        return False
    return _NOT_CLEAN.search(titles) is None


def parse_index(ref: PageRef, text: str, home: PageRef | None) -> Index:
    title, family = index_title(ref)
    index = Index(ref=ref, title=title, family=family)
    fast = _split_fast(text)
    entries: list[Entry] = []
    at: list[int] = []  # where each of ``entries`` starts in the page
    # The loop below runs once per entry (15,000 on the largest lists): what every entry
    # shares is worked out once, and the usual entry goes straight to its Entry.
    plain = plain_repo(ref)
    owner, repo, branch, base_path = ref
    in_home = home is not None and ref.same_repo(home)
    folders: dict[str, str | None] = {}  # "../pages/x" -> "pages/x": a few per index
    # One look at all the titles together: nearly always none needs cleaning, and then
    # 15,000 separate sanitise + normalise_space calls are saved.
    clean = _all_clean("\n".join(fast.raws)) if fast.raws else False
    repo_ok = plain and PageRef.checked(owner, repo, branch, "x.md") is not None
    make = tuple.__new__
    counts: dict[str, int] = {}  # entries read the usual way, per folder ("pages/x/")
    usual = 0  # how many: when they are all, ``counts`` tells the majority directory
    for start, raw, href in zip(fast.starts, fast.raws, fast.hrefs, strict=True):
        title = raw if clean else normalise_space(sanitise(raw))
        if not title:
            continue
        entry = None
        if plain:
            path = href.partition("?")[0]  # _FAST_LINE's href: URL-safe characters only
            inside = None
            trusted = False  # ``inside`` is a folder from within_repo plus a plain name
            if path.lower().endswith(".md"):
                folder, _slash, name = path.rpartition("/")
                if folder and name not in (".md", "..md") and name[0] != ".":
                    if folder not in folders:
                        probe = within_repo(base_path, f"{folder}/x.md")
                        folders[folder] = probe[:-4] if probe is not None else None
                    where = folders[folder]
                    if where is not None:
                        inside = f"{where}{name}"
                        if repo_ok:
                            trusted = True
                            counts[where] = counts.get(where, 0) + 1
                            usual += 1
                else:
                    inside = within_repo(base_path, path)
            if inside is None:
                page = None
            elif trusted:
                # What ``PageRef.checked`` would refuse cannot be here: the folder came
                # out of ``within_repo`` whole and the name is URL-safe characters
                # (``_FAST_LINE``) without a slash or a leading dot.
                page = make(PageRef, (owner, repo, branch, inside))
            else:
                page = PageRef.checked(owner, repo, branch, inside)
            if page is not None:
                entry = Entry(title, page.path if in_home else page.key, None, page)
        if entry is None:
            entry = _entry(ref, title, href, home, safe=True)
        if entry is not None:
            entries.append(entry)
            at.append(start)
    tokens = parse_tokens(fast.rest) if fast.rest is not None else []
    more: list[Entry] = []
    lines: list[int] = []  # the line each of ``more`` starts on
    for i, tok in enumerate(tokens):
        if tok.type != "inline" or i == 0 or tokens[i - 1].type != "heading_open":
            continue
        outside, links = inline_links(tok)
        if len(links) != 1:
            continue  # the cross-repo header line, or a heading without a link
        entry_text, href = links[0]
        if "[" in outside or "]" in outside:
            # Unbalanced brackets in a title split it at the last "[": show it whole.
            entry_text = _heading_text(tok) or entry_text
        entry = _entry(ref, entry_text, href, home)
        if entry is not None:
            more.append(entry)
            lines.append(tok.map[0] if tok.map else 0)
    if entries and more:  # both kinds: back into page order (one entry per line)
        starts = at + _offsets_of_lines(text, lines)
        everything = entries + more
        entries = [everything[i] for i in sorted(range(len(starts)), key=starts.__getitem__)]
    index.entries = entries or more
    if usual == len(index.entries):
        index.directory = majority_of(counts)
    else:
        index.directory = majority_directory(index.entries)
    if not index.entries:
        index.warnings.append(_("no entries found"))
    return index
