"""Who publishes at an address.

Pages in the rendered-text format do not name their publisher; their short link's host does.
Known hosts get the publisher's name; others are named by their host, which is honest and
still one organization per site.
"""
from __future__ import annotations

from kg.readers.urls import host

_KNOWN = {
    "dw.com": ("Deutsche Welle", "DW"),
}


def publisher_of(url: str | None) -> tuple[str | None, str | None]:
    """(name, alternate name) of the publisher at ``url``'s host; (None, None) without a URL."""
    if not url:
        return None, None
    name = host(url)
    for known, publisher in _KNOWN.items():
        if name == known or name.endswith("." + known):
            return publisher
    return name or None, None
