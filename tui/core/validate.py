"""Is this reply a mirror page? Decided before anything is cached or shown.

Captive portals, broken proxies and misconfigured servers answer with status 200 and an
HTML error page. Stored as the article it would stay for 30 days and push out the good
offline copy, so a reply has to look like what the mirror serves (Markdown text of the
expected kind) before it becomes a page; otherwise it is an ``ErrorPage`` failure, which
the facade answers like a network failure: with the stale copy, overwriting nothing.
"""

from __future__ import annotations

import re

from tui.core.errors import ErrorPage
from tui.core.kinds import PageKind, detect_kind
from tui.core.urls import PageRef
from tui.i18n import _

#: How much of the start of a page the shape checks look at (they never scan a whole page).
HEAD_CHARS = 4096
#: Error pages are short; a real mirror page that mentions "502 Bad Gateway" is not.
ERROR_PAGE_MAX = 600

_HTML_DOCUMENT = ("<!doctype", "<html", "<?xml", "<head", "<body")
_ERROR_STATUS = re.compile(
    r"\b(?:[45]\d\d)\b\s*[:\-–]?\s*(?:bad\s+gateway|not\s+found|service\s+(?:temporarily\s+)?"
    r"unavailable|gateway\s+time-?out|internal\s+server\s+error|forbidden|too\s+many\s+requests"
    r"|unauthori[sz]ed|bad\s+request|proxy|error)",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+\S", re.MULTILINE)
_LINK = re.compile(r"\]\(|href\s*=", re.IGNORECASE)
# Declared types a mirror page may come with; anything else (JSON, images, archives) is not.
_TEXT_TYPES = ("text/",)


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def check_page(kind: PageKind | None, text: str, content_type: str | None = None) -> None:
    """Raise ``ErrorPage`` unless ``text`` can be a mirror page of ``kind``.

    ``kind`` is what the path promises (``kinds.kind_by_path``), ``None`` when only the
    text can tell; then only the generic checks run. ``content_type`` is the reply's
    header; ``None`` or empty is accepted (local servers often send none).
    """
    media = _media_type(content_type)
    if media and not media.startswith(_TEXT_TYPES):
        raise ErrorPage(_("the mirror sent {media} instead of a text page").format(media=media))
    head = text[:HEAD_CHARS].lstrip("\ufeff \t\r\n")
    lower = head[:64].lower()
    if lower.startswith(_HTML_DOCUMENT):
        raise ErrorPage(_("the mirror sent an error page (an HTML document) instead of the page"))
    stripped = text.strip()
    if len(stripped) <= ERROR_PAGE_MAX and _ERROR_STATUS.search(stripped):
        raise ErrorPage(
            _("the mirror sent an error page ({stripped}) instead of the page").format(
                stripped=_quote(stripped)
            )
        )
    if not stripped:
        return  # an empty file is a page; the parser says it is empty
    if kind is PageKind.ARTICLE and _HEADING.search(head) is None and "<" not in head:
        raise ErrorPage(_("the mirror sent something that is not an article (no title line)"))
    if kind in (PageKind.INDEX, PageKind.HOME) and _LINK.search(text) is None:
        raise ErrorPage(
            _("the mirror sent something that is not a {value} page (no links)").format(
                value=kind.value
            )
        )


def _quote(text: str) -> str:
    """A few words of the error page for the message, never its markup or control bytes."""
    words = re.sub(r"<[^>]*>", " ", text)
    words = "".join(ch if ch.isprintable() else " " for ch in words)
    words = " ".join(words.split())
    return f"“{words[:60]}”" if words else _("an empty reply")


def same_kind(ref: PageRef, old: str, new: str) -> bool:
    """Whether ``new`` may replace the cached ``old``: both read as the same kind of page.

    A root README that stops linking category indexes (a truncated or substituted copy)
    would otherwise turn the home page into a plain document and lose the offline home.
    """
    return detect_kind(ref, old) is detect_kind(ref, new)


__all__ = ["ERROR_PAGE_MAX", "check_page", "same_kind"]
