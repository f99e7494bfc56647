"""URLs as they are handed to the user (copied, opened in a browser).

The mirror appends cache-busters to its links (``?t=10261602``, ``?n13573222``); they
belong to the mirror's bookkeeping, not to the address, so what is copied leaves them out.
Any other query (a video id, a search) is kept as it was.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

_BUSTER = re.compile(r"(?:t=\d*|n\d+)\Z")


def without_cache_buster(url: str) -> str:
    """``url`` without the mirror's cache-buster query parts; unchanged if it has none."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.query:
        return url
    kept = [p for p in parts.query.split("&") if p and not _BUSTER.match(p)]
    return urlunsplit(parts._replace(query="&".join(kept)))
