"""Read stage: turn an input into :class:`~kg.article.Article` records.

The format is recognised from the content, not the file name: JSON records (an object, an
array or JSON Lines; :mod:`kg.readers.records`), a saved HTML page (:mod:`kg.readers.html`),
or the text of a rendered news page (:mod:`kg.readers.pagetext`).
"""
from __future__ import annotations

import re
from pathlib import Path

from kg.article import Article
from kg.readers.errors import ReadError
from kg.readers.html import read_html
from kg.readers.pagetext import read_page_text
from kg.readers.records import read_records

__all__ = ["ReadError", "read_bytes", "read_data", "read_path"]


_HTML_START = re.compile(rb"^(?:<\?xml[^>]*>\s*|<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL)


def _opening(data: bytes) -> bytes:
    return data.removeprefix(b"\xef\xbb\xbf").lstrip()


def _is_json(data: bytes) -> bool:
    return _opening(data)[:1] in (b"{", b"[")


def _is_html(data: bytes) -> bool:
    opening = _opening(data)[:4096]
    return bool(_HTML_START.match(opening)) or b"<head" in opening.lower() or b"<body" in opening.lower()


def read_bytes(data: bytes, source: str) -> Article:
    """Read the one article of a page from the bytes of an input; raise :class:`ReadError` saying why not."""
    if not data.strip():
        raise ReadError("the file is empty")
    if b"\x00" in data[:4096]:
        raise ReadError("not a text file (binary content)")
    if _is_json(data):
        raise ReadError("a file of JSON records may hold several articles; read it with read_data")
    if _is_html(data):
        return read_html(data, source)  # it reads the page's declared charset itself
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReadError(f"not UTF-8 text (bad byte at offset {error.start})") from None
    return read_page_text(text, source)


def read_data(data: bytes, source: str) -> list[Article | ReadError]:
    """The articles of an input: one for a page; one per record, each read or refused on its own,
    for a file of records."""
    if data.strip() and _is_json(data):
        return read_records(data, source)
    return [read_bytes(data, source)]


def read_path(path: Path) -> list[Article | ReadError]:
    """The articles of a file (see :func:`read_data`)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ReadError(f"cannot read the file: {error.strerror}") from None
    return read_data(data, str(path))
