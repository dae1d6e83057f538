"""The text the annotate stage reads, and how its offsets map to the article.

An article is annotated as one text: headline, lead and body paragraphs joined by blank
lines. Each part is parsed on its own (a headline is not the first word of the lead's
sentence), and every offset counts characters from the start of the whole text.
"""
from __future__ import annotations

from dataclasses import dataclass

from kg.article import Article

SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Part:
    text: str
    offset: int
    kind: str
    """``headline``, ``lead``, ``subheading`` or ``paragraph``."""


def parts(article: Article) -> list[Part]:
    """The article's annotated parts with their offsets in :func:`annotated_text`."""
    pieces = [(article.headline, "headline"), (article.lead, "lead")]
    pieces += [(p.text, "subheading" if p.is_subheading else "paragraph") for p in article.paragraphs]
    result, offset = [], 0
    for text, kind in pieces:
        if not text:
            continue
        result.append(Part(text, offset, kind))
        offset += len(text) + len(SEPARATOR)
    return result


def annotated_text(article: Article) -> str:
    return SEPARATOR.join(part.text for part in parts(article))


def split_text(text: str) -> list[Part]:
    """The parts of a plain text: its paragraphs, as blank lines separate them."""
    result, offset = [], 0
    for piece in text.split(SEPARATOR):
        if piece.strip():
            result.append(Part(piece, offset, "paragraph"))
        offset += len(piece) + len(SEPARATOR)
    return result
