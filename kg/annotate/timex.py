"""Resolve English temporal expressions in news text against the article's publication date.

A DATE mention such as "on Monday", "last week" or "in the coming days" only means something
relative to when the article was written. `resolve` turns the mention's text into inclusive
calendar bounds (`TimeSpan`) using that publication date as the anchor, following the
conventions of news writing:

* A bare weekday points to the most recent such day (past or present reporting) or to the next
  one (`future=True`, a planned event). A weekday equal to the anchor's is the anchor day itself
  in both cases: agency style (AP) names the weekday instead of writing "today", so "on Tuesday"
  in an article of Tuesday is that Tuesday, and a day a week ahead would be "next Tuesday".
* Weeks run Monday to Sunday (ISO 8601), so they compare with TimeML's YYYY-Www values.
* "earlier this year" runs from the year's first day to the anchor, "later this month" from the
  anchor to the month's last day.
* Vague windows have fixed, documented widths (see `_VAGUE_WINDOWS`): "the coming days" is the
  seven days after the anchor, "recent days" the seven before it.
* Qualifiers that narrow a span without saying how much ("early", "late", "mid", "the end of")
  are dropped: the span returned is the one that contains the time, never a guessed part of it.
* A month and day without a year take the anchor's year or the one before, whichever is nearer
  the anchor ("December 28" in January is last year's, "June 1" in May this year's); with
  `future=True`, the first occurrence on or after the anchor. A bare month is the most recent
  such month up to the anchor's (the next from it with `future=True`).

Anything not covered returns None rather than a guess: a wrong date in the graph is worse than
a missing one.
"""
from __future__ import annotations

import calendar
import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta
from collections.abc import Callable, Iterable

log = logging.getLogger(__name__)

__all__ = ["TimeSpan", "resolve"]


@dataclass(frozen=True)
class TimeSpan:
    """A resolved time: a single day when begin == end, else inclusive bounds."""

    begin: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.begin:
            raise ValueError(f"TimeSpan ends before it begins: {self.begin} > {self.end}")

    @property
    def is_day(self) -> bool:
        """True when the span is one calendar day, the precision of "on Monday"."""
        return self.begin == self.end


# --- vocabulary -------------------------------------------------------------------------------

_WEEKDAYS = {name: i for i, name in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
_WEEKDAYS.update({"mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3,
                  "fri": 4, "sat": 5, "sun": 6})

_MONTHS = {name: i + 1 for i, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"))}
_MONTHS.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
                "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12})

_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
            "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
            "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
            "fifty": 50, "hundred": 100}

# Leading words that frame a mention without changing which time it names. "before" and
# "after" are listed so that a mention starting with them is refused: it names an open bound.
_PREFIX_WORDS = frozenset({
    "on", "in", "at", "since", "by", "until", "till", "til", "through", "from", "during",
    "within", "over", "of", "for", "the", "early", "late", "mid", "around", "about", "as",
    "starting", "beginning", "ending", "before", "after", "earlier", "later",
})
# Words that keep their meaning: "earlier this year" is its own span, "later this week" too.
_KEEP_WITH = {"earlier": ("this",), "later": ("this",)}

_MODIFIER_OF = re.compile(
    r"^(?:the\s+)?(?:very\s+)?(?:start|beginning|end|middle|first half|second half|"
    r"first part|last part|latter part|turn|close|rest|remainder)\s+of\s+")

_PART_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night|overnight|noon|midday|lunchtime))?"

# Vague windows, in days counted from the anchor (inclusive on both ends).
_VAGUE_WINDOWS: dict[tuple[str, str], tuple[int, int]] = {
    ("future", "day"): (1, 7),
    ("future", "week"): (1, 28),
    ("future", "month"): (1, 91),
    ("past", "day"): (-7, -1),
    ("past", "week"): (-28, -1),
    ("past", "month"): (-91, -1),
}

_YEAR_MIN, _YEAR_MAX = 1000, 2999


# --- calendar helpers --------------------------------------------------------------------------

def _month_span(year: int, month: int) -> TimeSpan:
    return TimeSpan(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))


def _year_span(year: int) -> TimeSpan:
    return TimeSpan(date(year, 1, 1), date(year, 12, 31))


def _week_span(day: date) -> TimeSpan:
    monday = day - timedelta(days=day.weekday())
    return TimeSpan(monday, monday + timedelta(days=6))


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _day(d: date) -> TimeSpan:
    return TimeSpan(d, d)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    if "-" in word:  # "twenty-one"
        parts = [_NUMBERS.get(p) for p in word.split("-")]
        if len(parts) == 2 and all(p is not None for p in parts) and parts[0] >= 20:
            return parts[0] + parts[1]  # type: ignore[operator]
        return None
    return _NUMBERS.get(word)


# --- normalisation -----------------------------------------------------------------------------

def _normalise(expression: str) -> str:
    """Lower-case, undo tokeniser spacing ("June 6 , 2005") and trim punctuation."""
    text = expression.strip().lower().replace("\u2019", "'").replace("\u2013", "-")
    text = re.sub(r"\s+([,.])", r"\1", text)
    text = re.sub(r"\b(mid)-", r"\1 ", text)
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"\s+", " ", text)
    return text.strip(" ,.;:!?\"'()")


def _strip_prefixes(text: str) -> tuple[str, bool]:
    """Drop framing words; return the core and whether a span-narrowing qualifier was dropped."""
    narrowed = False
    while True:
        match = _MODIFIER_OF.match(text)
        if match:
            text, narrowed = text[match.end():], True
            continue
        head, _, rest = text.partition(" ")
        if not rest or head not in _PREFIX_WORDS:
            return text, narrowed
        if head in _KEEP_WITH and rest.split(" ", 1)[0] in _KEEP_WITH[head]:
            return text, narrowed
        if head in ("before", "after"):
            return "", narrowed  # "before Monday" is not Monday: a bound we do not model
        narrowed = narrowed or head in ("early", "late", "mid")
        text = rest


# --- rules: each takes the core text and returns a span or None --------------------------------

def _deictic(text: str, anchor: date, future: bool) -> TimeSpan | None:
    """today / tonight / this morning / yesterday / tomorrow / last night."""
    if re.fullmatch(r"today" + _PART_OF_DAY + r"|tonight|this (?:morning|afternoon|evening)", text):
        return _day(anchor)
    if re.fullmatch(r"yesterday" + _PART_OF_DAY + r"|last night", text):
        return _day(anchor - timedelta(days=1))
    if re.fullmatch(r"tomorrow" + _PART_OF_DAY, text):
        return _day(anchor + timedelta(days=1))
    if text == "day before yesterday":
        return _day(anchor - timedelta(days=2))
    if text == "day after tomorrow":
        return _day(anchor + timedelta(days=2))
    return None


def _weekday(text: str, anchor: date, future: bool) -> TimeSpan | None:
    """Monday, last Friday, next Tuesday, this Thursday, Friday night."""
    match = re.fullmatch(r"(?:(last|past|previous|next|this|coming)\s+)?([a-z]+)\.?" + _PART_OF_DAY,
                         text)
    if not match or match.group(2) not in _WEEKDAYS:
        return None
    which, target = match.group(1), _WEEKDAYS[match.group(2)]
    if which == "this":
        return _day(_week_span(anchor).begin + timedelta(days=target))
    if which in ("last", "past", "previous"):
        back = (anchor.weekday() - target) % 7 or 7
        return _day(anchor - timedelta(days=back))
    if which in ("next", "coming"):
        ahead = (target - anchor.weekday()) % 7 or 7
        return _day(anchor + timedelta(days=ahead))
    if future:
        return _day(anchor + timedelta(days=(target - anchor.weekday()) % 7))
    return _day(anchor - timedelta(days=(anchor.weekday() - target) % 7))


def _weekend(text: str, anchor: date, future: bool) -> TimeSpan | None:
    """this/last/next weekend, and "the weekend" read by tense."""
    match = re.fullmatch(r"(?:(last|past|previous|this|next|coming)\s+)?weekend", text)
    if not match:
        return None
    saturday = _week_span(anchor).begin + timedelta(days=5)
    which = match.group(1)
    if which is None:  # "(over) the weekend"
        if anchor.weekday() >= 5:
            which = "this"
        else:
            which = "next" if future else "last"
    offset = {"last": -7, "past": -7, "previous": -7, "this": 0, "next": 7, "coming": 7}[which]
    if which in ("next", "coming") and anchor.weekday() < 5:
        offset = 0  # said on a weekday, "next weekend" is the coming one
    start = saturday + timedelta(days=offset)
    return TimeSpan(start, start + timedelta(days=1))


def _relative_unit(text: str, anchor: date, future: bool) -> TimeSpan | None:
    """last/this/next week|month|year (calendar units), earlier/later this week|month|year.

    "the following week" is left out: it counts from the story's time, not the anchor.
    """
    match = re.fullmatch(
        r"(?:(earlier|later)\s+)?(?:(last|previous|this|current|next|coming)\s+)?"
        r"(week|month|year)", text)
    if not match or not (match.group(1) or match.group(2)):
        return None
    part, which, unit = match.groups()
    if part and which not in ("this", "current"):
        return None
    step = {"last": -1, "previous": -1, "this": 0, "current": 0, "next": 1, "coming": 1}[which]
    if unit == "week":
        span = _week_span(anchor + timedelta(weeks=step))
    elif unit == "month":
        span = _month_span(*_shift_month(anchor.year, anchor.month, step))
    else:
        span = _year_span(anchor.year + step)
    if part == "earlier":
        return TimeSpan(span.begin, anchor)
    if part == "later":
        return TimeSpan(anchor, span.end)
    return span


def _vague_window(text: str, anchor: date, future: bool) -> TimeSpan | None:
    """the coming days / the next few weeks / recent days / the past few weeks."""
    match = re.fullmatch(
        r"(?:(coming|next|upcoming|following|recent|past|last)\s+)?(?:(few|several|couple of)\s+)?"
        r"(days|weeks|months)", text)
    if not match or not match.group(1):
        return None
    direction, _, unit = match.groups()
    if direction == "following":
        return None
    side = "future" if direction in ("coming", "next", "upcoming") else "past"
    if direction in ("past", "last") and not match.group(2):
        return None  # "the past days" is unusual; keep to the attested forms
    first, last = _VAGUE_WINDOWS[(side, unit[:-1])]
    return TimeSpan(anchor + timedelta(days=first), anchor + timedelta(days=last))


def _rolling(text: str, anchor: date, future: bool) -> TimeSpan | None:
    """"the past week", "the last two years": that length, ending the day before the anchor.

    "last week" is the previous calendar week (`_relative_unit`); "past" and counted forms are
    read as rolling windows, which is how news uses them ("sales rose 5% in the past year").
    """
    match = re.fullmatch(r"(past|last)\s+(?:(\d+|[a-z-]+)\s+)?(day|week|month|year)s?", text)
    if not match or (match.group(1) == "last" and match.group(2) is None):
        return None
    count = 1 if match.group(2) is None else _number(match.group(2))
    if count is None:
        return None
    unit = match.group(3)
    if unit == "day":
        start = anchor - timedelta(days=count)
    elif unit == "week":
        start = anchor - timedelta(weeks=count)
    else:
        months = count * (12 if unit == "year" else 1)
        y, m = _shift_month(anchor.year, anchor.month, -months)
        start = date(y, m, min(anchor.day, calendar.monthrange(y, m)[1]))
    return TimeSpan(start, anchor - timedelta(days=1))


def _ago(text: str, anchor: date, future: bool) -> TimeSpan | None:
    """N days/weeks/months/years ago; N weeks from now ("in N days" is rewritten to this).

    Days give that day; weeks, months and years give the calendar unit that holds it, as
    TimeML does ("two years ago" in 2018 is 2016).
    """
    match = re.fullmatch(r"(\d+|[a-z-]+)\s+(day|week|month|year)s?\s+(ago|from now|hence)", text)
    if not match:
        return None
    sign = -1 if match.group(3) == "ago" else 1
    count = _number(match.group(1))
    if count is None:
        return None
    unit = match.group(2)
    if unit == "day":
        return _day(anchor + timedelta(days=sign * count))
    if unit == "week":
        return _week_span(anchor + timedelta(weeks=sign * count))
    if unit == "month":
        return _month_span(*_shift_month(anchor.year, anchor.month, sign * count))
    return _year_span(anchor.year + sign * count)


def _iso(text: str, anchor: date, future: bool) -> TimeSpan | None:
    """2018-09-03, 2018-09, and unambiguous slashed dates (13/09/2018, 2018/09/03)."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})|(\d{4})/(\d{1,2})/(\d{1,2})", text)
    if match:
        y, m, d = (int(g) for g in (match.groups()[:3] if match.group(1) else match.groups()[3:]))
        day = _safe_date(y, m, d)
        return _day(day) if day else None
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if match:
        y, m = int(match.group(1)), int(match.group(2))
        return _month_span(y, m) if 1 <= m <= 12 else None
    match = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
    if match:
        a, b, y = (int(g) for g in match.groups())
        if a == b or (a > 12) != (b > 12):  # only one reading is a valid date
            month, day = (b, a) if a > 12 else (a, b)
            found = _safe_date(y, month, day)
            return _day(found) if found else None
    return None


_MONTH_RE = r"([a-z]+)\.?"
_DAY_RE = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR_RE = r"(\d{4})"


def _month_day(text: str, anchor: date, future: bool) -> TimeSpan | None:
    """September 3 / Sept. 3, 2018 / 3 September 2018 / the 3rd of September / Monday, Sept. 3."""
    text = re.sub(r"^(?:" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")\.?,?\s+", "",
                  text)
    patterns = (
        (rf"{_MONTH_RE}\s+(?:the\s+)?{_DAY_RE}(?:,?\s+{_YEAR_RE})?", ("m", "d", "y")),
        (rf"(?:the\s+)?{_DAY_RE}\s+(?:of\s+)?{_MONTH_RE}(?:,?\s+{_YEAR_RE})?", ("d", "m", "y")),
    )
    for pattern, order in patterns:
        match = re.fullmatch(pattern, text)
        if not match:
            continue
        parts = dict(zip(order, match.groups()))
        month = _MONTHS.get(parts["m"])
        if month is None:
            continue
        day = int(parts["d"])
        if parts["y"]:
            found = _safe_date(int(parts["y"]), month, day)
            return _day(found) if found else None
        found = _nearest_month_day(month, day, anchor, future)
        return _day(found) if found else None
    return None


def _nearest_month_day(month: int, day: int, anchor: date, future: bool) -> date | None:
    """The year for a month and day written without one.

    Planned (`future`): the first occurrence on or after the anchor. Otherwise the nearest
    occurrence in the anchor's year or the year before, so "December 28" in an article of
    January 3 is last year's, while "the June 1 deadline" in May stays in the anchor's year
    (a year-old date would be the wilder guess). February 29 falls back to the last leap year.
    """
    if future:
        years: Iterable[int] = range(anchor.year, anchor.year + 9)
        return next((d for y in years if (d := _safe_date(y, month, day)) and d >= anchor), None)
    candidates = [d for y in (anchor.year, anchor.year - 1) if (d := _safe_date(y, month, day))]
    if candidates:
        return min(candidates, key=lambda d: (abs((d - anchor).days), d > anchor))
    return next((d for y in range(anchor.year - 2, anchor.year - 9, -1)
                 if (d := _safe_date(y, month, day))), None)


def _month_year(text: str, anchor: date, future: bool) -> TimeSpan | None:
    """September 2018 / March / last March / next September."""
    match = re.fullmatch(rf"(?:(last|next|this)\s+)?{_MONTH_RE}(?:,?\s+(?:of\s+)?{_YEAR_RE})?", text)
    if not match:
        return None
    which, name, year = match.groups()
    month = _MONTHS.get(name)
    if month is None or (which and year):
        return None
    if year:
        return _month_span(int(year), month)
    if which == "this":
        return _month_span(anchor.year, month)
    if which == "last":
        y = anchor.year if month < anchor.month else anchor.year - 1
        return _month_span(y, month)
    if which == "next":
        y = anchor.year if month > anchor.month else anchor.year + 1
        return _month_span(y, month)
    if future:
        y = anchor.year if month >= anchor.month else anchor.year + 1
    else:
        y = anchor.year if month <= anchor.month else anchor.year - 1
    return _month_span(y, month)


def _year(text: str, anchor: date, future: bool) -> TimeSpan | None:
    """2017 / the year 2017 / the 1990s / 1990s."""
    match = re.fullmatch(r"(?:(?:the\s+)?year\s+)?(\d{4})", text)
    if match:
        year = int(match.group(1))
        return _year_span(year) if _YEAR_MIN <= year <= _YEAR_MAX else None
    match = re.fullmatch(r"(\d{3})0'?s", text)
    if match:
        start = int(match.group(1)) * 10
        if _YEAR_MIN <= start <= _YEAR_MAX:
            return TimeSpan(date(start, 1, 1), date(start + 9, 12, 31))
    return None


_RULES: tuple[Callable[[str, date, bool], TimeSpan | None], ...] = (
    _deictic, _weekday, _weekend, _relative_unit, _vague_window, _rolling, _ago, _iso,
    _month_day, _month_year, _year,
)


def resolve(expression: str, anchor: date, *, future: bool = False) -> TimeSpan | None:
    """Resolve `expression` (the text of a DATE mention, e.g. "Monday", "on Friday", "last month",
    "the coming days", "September 3", "3 September 2018", "2017", "two days ago", "yesterday",
    "next week", "earlier this year", "this week", "Sept. 3") relative to `anchor`, the article's
    publication date. `future` says the clause is about something planned or future (tense hint):
    a bare weekday then means the next such day after the anchor instead of the most recent one.
    Returns None for what it cannot resolve (never guesses wildly)."""
    text = _normalise(expression)
    # "in two weeks" counts forward from the anchor; without its "in" it would be a duration.
    counted = re.fullmatch(r"in\s+(\S+)\s+((?:day|week|month|year)s?)(?:'?\s+time)?", text)
    if counted and _number(counted.group(1)) is not None:
        text = f"{counted.group(1)} {counted.group(2)} from now"
    text = re.sub(r"^(earlier|later)\s+in\s+the\s+(week|month|year)$", r"\1 this \2", text)
    text, narrowed = _strip_prefixes(text)
    if not text:
        return None
    if narrowed and text in ("week", "month", "year"):
        text = "this " + text  # "the end of the year" names this year; "the year" alone nothing
    for rule in _RULES:
        span = rule(text, anchor, future)
        if span is not None:
            return span
    log.debug("unresolved temporal expression %r (anchor %s)", expression, anchor)
    return None
