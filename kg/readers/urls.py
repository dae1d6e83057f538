"""Addresses as pages print them: wrapped in web proxies, with tracking noise."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

# A proxy or archive carries the real address inside its path: ".../https/p.dw.com/p/34FAo",
# ".../https://example.org/x", ".../http:/example.org/x". The inner scheme is followed by a host.
_INNER_URL = re.compile(r"/(https?)(?::)?/{1,2}(?=[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d+)?(?:/|$))")


def unwrap_proxy(url: str) -> str:
    """The real address behind any number of proxy wrappers; the input when there is none."""
    while True:
        parts = urlsplit(url)
        match = _INNER_URL.search(url, len(parts.scheme) + 3 + len(parts.netloc))
        if not parts.netloc or not match:
            return url
        url = f"{match.group(1)}://{url[match.end():]}"


def host(url: str) -> str:
    """The host name without ``www.`` and port, lower-cased."""
    name = (urlsplit(url).hostname or "").lower()
    return name.removeprefix("www.")


def last_segment(url: str) -> str | None:
    """The last non-empty path segment, which news sites use as the article's identifier."""
    segments = [segment for segment in urlsplit(url).path.split("/") if segment]
    return segments[-1] if segments else None


URL_LINE = re.compile(r"^https?://\S+$")
