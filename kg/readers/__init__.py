"""Read stage: turn an input file into an :class:`~kg.article.Article`.

The format is recognised from the content, not the file name.
"""
from __future__ import annotations

from pathlib import Path

from kg.article import Article
from kg.readers.errors import ReadError
from kg.readers.pagetext import read_page_text

__all__ = ["ReadError", "read_bytes", "read_data", "read_path"]


def read_bytes(data: bytes, source: str) -> Article:
    """Read the one article of a page from the bytes of an input; raise :class:`ReadError` saying why not."""
    if not data.strip():
        raise ReadError("the file is empty")
    if b"\x00" in data[:4096]:
        raise ReadError("not a text file (binary content)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReadError(f"not UTF-8 text (bad byte at offset {error.start})") from None
    opening = text.lstrip()[:200].lower()
    if opening.startswith(("<!doctype html", "<html")) or opening.startswith(("{", "[")):
        raise ReadError("HTML pages and JSON records are not supported yet; give the page's text")
    return read_page_text(text, source)


def read_data(data: bytes, source: str) -> list[Article | ReadError]:
    """The articles of an input: one for a page; one per record, each read or refused on its own,
    for a file of records."""
    return [read_bytes(data, source)]


def read_path(path: Path) -> list[Article | ReadError]:
    """The articles of a file (see :func:`read_data`)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ReadError(f"cannot read the file: {error.strerror}") from None
    return read_data(data, str(path))
