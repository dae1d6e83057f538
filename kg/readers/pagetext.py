"""Reader for the text of a rendered news page, as a browser's "save as text" gives it.

Such pages (DW's among them) follow one layout, which this reader follows rather than any one
page: navigation chrome, the section, the headline, a date line, the lead, the article's short
link, images as a caption line followed by an ``Image: credit`` line, body paragraphs with
subheadings and "Read more" teasers, a closing credits line such as ``dv/aw (AFP, AP, dpa,
Reuters)``, then the site's footer.
"""
from __future__ import annotations

import datetime as dt
import re

from kg.article import Article, Image, Paragraph, RelatedLink
from kg.language import guess_language
from kg.readers.errors import ReadError
from kg.readers.publishers import publisher_of
from kg.readers.urls import URL_LINE, last_segment, unwrap_proxy

_CHROME = re.compile(r"^(?:\d+\.\s*)?Skip to\b", re.IGNORECASE)
_BOILERPLATE = re.compile(
    r"(?:\bsign up\b|\bnewsletter\b|\bsubscribe\b|^Advertisement$|^Send us your feedback"
    r"|^(?:Share|Print|Permalink)$|\bcookies?\b.*\b(?:accept|consent)\b)",
    re.IGNORECASE,
)
_CREDIT = re.compile(r"^(?:Image|Images|Photo|Picture|Bild|Foto|Fotos)\s*:\s*(?P<credit>.+)$", re.IGNORECASE)
_READ_MORE = re.compile(
    r"^(?:Read more|Read also|Also read|Related|Lesen Sie (?:auch|mehr)|Mehr dazu)\s*:\s*(?P<title>.+)$",
    re.IGNORECASE,
)
_MEDIA = re.compile(
    r"^(?:Infographic|Graphic|Map|Chart|Video|Watch video|Audio|Listen to audio|Gallery|Picture gallery"
    r"|Photo gallery)\b",
    re.IGNORECASE,
)
_AGENCY = r"[A-Za-z][\w.&'-]*(?: [\w.&'-]+){0,2}"
_CREDITS = re.compile(
    rf"^(?P<initials>[a-z]{{1,4}}(?:\s*/\s*[a-z]{{1,4}})*)?\s*\((?P<agencies>{_AGENCY}(?:\s*,\s*{_AGENCY})*)\)$"
    r"|^(?P<only_initials>[a-z]{1,4}(?:\s*/\s*[a-z]{1,4})+)$"
)
_CLOSERS = "\"'”’)»"
_CLAUSE_END = (".", ",", ":", ";")
_MAX_HEADER_LINES = 3

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan", "januar", "janvier", "enero"),
            ("february", "feb", "februar", "février", "febrero"),
            ("march", "mar", "märz", "mars", "marzo"),
            ("april", "apr", "avril", "abril"),
            ("may", "mai", "mayo"),
            ("june", "jun", "juni", "juin", "junio"),
            ("july", "jul", "juli", "juillet", "julio"),
            ("august", "aug", "août", "agosto"),
            ("september", "sep", "sept", "septembre", "septiembre"),
            ("october", "oct", "oktober", "octobre", "octubre"),
            ("november", "nov", "novembre", "noviembre"),
            ("december", "dec", "dezember", "décembre", "diciembre"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[^\W\d_]{3,10})\.?"
_DATE_PATTERNS = [
    re.compile(rf"^{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})"),  # September 4, 2018
    re.compile(rf"^(?P<day>\d{{1,2}})\.?\s+{_MONTH}\s+(?P<year>\d{{4}})"),  # 4 September 2018, 4. September 2018
    re.compile(r"^(?P<year>\d{4})-(?P<month_number>\d{2})-(?P<day>\d{2})"),  # 2018-09-04
    re.compile(r"^(?P<day>\d{1,2})\.(?P<month_number>\d{1,2})\.(?P<year>\d{4})"),  # 04.09.2018
]
_TIME = re.compile(r"(?P<hour>\d{1,2}):(?P<minute>\d{2})\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?\s*(?P<utc>UTC|GMT)?")
_DATE_PREFIX = re.compile(r"^(?:Date|Datum|Published|Updated)\s*:?\s*", re.IGNORECASE)


def parse_date_line(line: str) -> dt.date | dt.datetime | None:
    """The date (with its time, where the line gives one in UTC) of a page's date line."""
    text = _DATE_PREFIX.sub("", line.strip())
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        fields = match.groupdict()
        month = int(fields["month_number"]) if fields.get("month_number") else _MONTHS.get(fields["month"].lower())
        if month is None:
            continue
        try:
            day = dt.date(int(fields["year"]), month, int(fields["day"]))
        except ValueError:
            return None
        rest = text[match.end():]
        if len(rest) > 40:  # a sentence that starts with a date is not a date line
            return None
        time = _TIME.search(rest)
        if time and time.group("utc"):
            hour = int(time.group("hour")) % 12 if time.group("ampm") else int(time.group("hour"))
            if time.group("ampm") and time.group("ampm")[0].lower() == "p":
                hour += 12
            return dt.datetime(day.year, day.month, day.day, hour, int(time.group("minute")), tzinfo=dt.UTC)
        return day
    return None


def _is_title_like(line: str, *, max_words: int = 20) -> bool:
    """Headlines, sections and subheadings: short, and not ending like a sentence or clause."""
    return len(line.split()) <= max_words and not line.rstrip(_CLOSERS).endswith(_CLAUSE_END)


def _lines(text: str) -> list[str]:
    """The page's lines with white space folded and chrome removed; "" marks a paragraph break."""
    lines = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if _CHROME.match(line) or (not line and (not lines or not lines[-1])):
            continue
        lines.append(line)
    return lines


def read_page_text(text: str, source: str) -> Article:
    """Read one rendered page's text into an :class:`Article`."""
    notes: list[str] = []
    lines = _lines(text)
    if not any(lines):
        raise ReadError("the page has no text")

    # Header: the title-like lines (section, headline) up to the date line or the first sentence.
    header: list[str] = []
    published = None
    position = 0
    while position < len(lines):
        line = lines[position]
        if line:
            published = parse_date_line(line)
            if published is not None:
                position += 1
                break
            if not _is_title_like(line) or len(header) == _MAX_HEADER_LINES:
                break
            header.append(line)
        position += 1
    if published is None:
        notes.append("no date line under the headline")
    section = header[0] if len(header) > 1 else None
    headline = header[-1] if header else None

    url = None
    lead = None
    paragraphs: list[Paragraph] = []
    images: list[Image] = []
    media: list[str] = []
    related: list[RelatedLink] = []
    initials: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    credit_line = None
    body = lines[position:]
    index = 0
    while index < len(body):
        line = body[index]
        following = body[index + 1] if index + 1 < len(body) else ""
        index += 1
        if not line:
            continue
        if URL_LINE.match(line):
            address = unwrap_proxy(line)
            if url is None:
                url = address
            elif related and related[-1].url is None:
                related[-1] = RelatedLink(related[-1].title, address)
            continue
        if credit := _CREDIT.match(following):
            images.append(Image(caption=line, credit=credit.group("credit").strip()))
            index += 1
            continue
        if credit := _CREDIT.match(line):
            images.append(Image(caption=None, credit=credit.group("credit").strip()))
            continue
        if teaser := _READ_MORE.match(line):
            related.append(RelatedLink(teaser.group("title").strip()))
            continue
        if credits := _CREDITS.match(line):
            credit_line = line
            initials = tuple(part.strip() for part in (credits.group("initials") or credits.group("only_initials")
                                                       or "").split("/") if part.strip())
            agencies = tuple(part.strip() for part in (credits.group("agencies") or "").split(",") if part.strip())
            dropped = [rest for rest in body[index:] if rest]
            if dropped:
                notes.append(f"dropped {len(dropped)} line(s) of footer after the credits line")
            break
        if _BOILERPLATE.search(line):
            notes.append(f"dropped boilerplate: {line[:60]}")
            continue
        if _MEDIA.match(line) and _is_title_like(line):
            media.append(line)
            continue
        if lead is None and not paragraphs:
            lead = line
            continue
        paragraphs.append(Paragraph(line, is_subheading=not following and _is_title_like(line, max_words=10)))

    # A subheading stands alone and is followed by more text; a trailing title-like line is text.
    if paragraphs and paragraphs[-1].is_subheading:
        paragraphs[-1] = Paragraph(paragraphs[-1].text)
    publisher, alternate_name = publisher_of(url)
    return Article(
        source=source,
        url=url,
        identifier=last_segment(url) if url else None,
        headline=headline,
        section=section,
        published=published,
        language=guess_language(" ".join(filter(None, [headline, lead, *(p.text for p in paragraphs)]))),
        lead=lead,
        paragraphs=tuple(paragraphs),
        images=tuple(images),
        media_captions=tuple(media),
        related=tuple(related),
        author_initials=initials,
        agencies=agencies,
        credit_line=credit_line,
        publisher=publisher,
        publisher_alternate_name=alternate_name,
        notes=tuple(notes),
    )
