"""Resolution of news temporal expressions against the publication date (kg.annotate.timex)."""
from __future__ import annotations

from datetime import date

import pytest

from kg.annotate.timex import TimeSpan, resolve

TUESDAY = date(2018, 9, 4)      # a Tuesday in early September
NEW_YEAR = date(2019, 1, 2)     # a Wednesday, two days into a year
LEAP_MARCH = date(2020, 3, 1)   # a Sunday just after a leap day
SATURDAY = date(2021, 7, 31)    # a Saturday, last day of a month


def day(y: int, m: int, d: int) -> TimeSpan:
    return TimeSpan(date(y, m, d), date(y, m, d))


def span(a: tuple[int, int, int], b: tuple[int, int, int]) -> TimeSpan:
    return TimeSpan(date(*a), date(*b))


# --- TimeSpan ---------------------------------------------------------------------------------

def test_timespan_is_day_only_when_bounds_coincide():
    assert day(2018, 9, 3).is_day
    assert not span((2018, 9, 3), (2018, 9, 4)).is_day


def test_timespan_rejects_end_before_begin():
    with pytest.raises(ValueError):
        span((2018, 9, 4), (2018, 9, 3))


# --- weekdays ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Monday", day(2018, 9, 3)),
    ("on Friday", day(2018, 8, 31)),
    ("Sunday", day(2018, 9, 2)),
    ("Wednesday", day(2018, 8, 29)),
])
def test_bare_weekday_means_most_recent_past_day(text, expected):
    assert resolve(text, TUESDAY) == expected


def test_bare_weekday_equal_to_anchor_weekday_is_the_anchor_day():
    assert resolve("on Tuesday", TUESDAY) == day(2018, 9, 4)
    assert resolve("Tuesday", TUESDAY, future=True) == day(2018, 9, 4)


@pytest.mark.parametrize("text, expected", [
    ("Monday", day(2018, 9, 10)),
    ("on Friday", day(2018, 9, 7)),
    ("Wednesday", day(2018, 9, 5)),
])
def test_bare_weekday_in_future_clause_means_next_such_day(text, expected):
    assert resolve(text, TUESDAY, future=True) == expected


def test_weekday_crosses_year_boundary_backwards():
    # 2019-01-02 is a Wednesday; the Friday before it is 2018-12-28.
    assert resolve("Friday", NEW_YEAR) == day(2018, 12, 28)


def test_weekday_crosses_month_boundary_forwards():
    assert resolve("Monday", SATURDAY, future=True) == day(2021, 8, 2)


def test_weekday_with_part_of_day_names_that_day():
    assert resolve("Friday night", TUESDAY) == day(2018, 8, 31)
    assert resolve("Monday morning", NEW_YEAR) == day(2018, 12, 31)


def test_last_and_next_weekday_ignore_tense_and_skip_the_anchor_day():
    assert resolve("last Tuesday", TUESDAY, future=True) == day(2018, 8, 28)
    assert resolve("next Tuesday", TUESDAY) == day(2018, 9, 11)
    assert resolve("next Monday", TUESDAY) == day(2018, 9, 10)


def test_this_weekday_is_in_the_anchor_week():
    assert resolve("this Friday", TUESDAY) == day(2018, 9, 7)
    assert resolve("this Monday", TUESDAY) == day(2018, 9, 3)


# --- deictic days ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, offset", [
    ("today", 0), ("this morning", 0), ("tonight", 0), ("yesterday", -1),
    ("yesterday afternoon", -1), ("last night", -1), ("tomorrow", 1),
])
def test_deictic_day_words_count_from_the_anchor(text, offset):
    for anchor in (TUESDAY, NEW_YEAR, LEAP_MARCH):
        got = resolve(text, anchor)
        assert got is not None and got.is_day
        assert (got.begin - anchor).days == offset


def test_yesterday_on_first_of_march_in_leap_year_is_february_29():
    assert resolve("yesterday", LEAP_MARCH) == day(2020, 2, 29)


# --- calendar weeks, months, years ---------------------------------------------------------------

def test_weeks_run_monday_to_sunday_around_the_anchor():
    assert resolve("this week", TUESDAY) == span((2018, 9, 3), (2018, 9, 9))
    assert resolve("last week", TUESDAY) == span((2018, 8, 27), (2018, 9, 2))
    assert resolve("next week", TUESDAY) == span((2018, 9, 10), (2018, 9, 16))


def test_this_week_on_a_sunday_ends_on_the_anchor():
    assert resolve("this week", LEAP_MARCH) == span((2020, 2, 24), (2020, 3, 1))


def test_last_week_crosses_year_boundary():
    assert resolve("last week", NEW_YEAR) == span((2018, 12, 24), (2018, 12, 30))


def test_last_month_in_january_is_previous_december():
    assert resolve("last month", NEW_YEAR) == span((2018, 12, 1), (2018, 12, 31))


def test_last_month_in_leap_march_ends_on_february_29():
    assert resolve("last month", LEAP_MARCH) == span((2020, 2, 1), (2020, 2, 29))
    assert resolve("last month", date(2019, 3, 15)) == span((2019, 2, 1), (2019, 2, 28))


def test_this_and_next_month_follow_the_calendar():
    assert resolve("this month", TUESDAY) == span((2018, 9, 1), (2018, 9, 30))
    assert resolve("next month", date(2018, 12, 20)) == span((2019, 1, 1), (2019, 1, 31))


def test_year_words_name_whole_calendar_years():
    assert resolve("last year", NEW_YEAR) == span((2018, 1, 1), (2018, 12, 31))
    assert resolve("this year", TUESDAY) == span((2018, 1, 1), (2018, 12, 31))
    assert resolve("next year", TUESDAY) == span((2019, 1, 1), (2019, 12, 31))


def test_earlier_this_period_runs_from_its_start_to_the_anchor():
    assert resolve("earlier this year", TUESDAY) == span((2018, 1, 1), (2018, 9, 4))
    assert resolve("earlier this month", TUESDAY) == span((2018, 9, 1), (2018, 9, 4))
    assert resolve("earlier this week", TUESDAY) == span((2018, 9, 3), (2018, 9, 4))
    assert resolve("earlier in the year", TUESDAY) == span((2018, 1, 1), (2018, 9, 4))


def test_later_this_period_runs_from_the_anchor_to_its_end():
    assert resolve("later this year", TUESDAY) == span((2018, 9, 4), (2018, 12, 31))
    assert resolve("later this month", LEAP_MARCH) == span((2020, 3, 1), (2020, 3, 31))


def test_weekend_words_name_saturday_and_sunday():
    assert resolve("last weekend", TUESDAY) == span((2018, 9, 1), (2018, 9, 2))
    assert resolve("over the weekend", TUESDAY) == span((2018, 9, 1), (2018, 9, 2))
    assert resolve("the weekend", TUESDAY, future=True) == span((2018, 9, 8), (2018, 9, 9))
    assert resolve("this weekend", SATURDAY) == span((2021, 7, 31), (2021, 8, 1))


# --- vague windows -------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "in the coming days", "the coming days", "coming days", "in the next few days",
])
def test_coming_days_are_the_week_after_the_anchor(text):
    assert resolve(text, TUESDAY) == span((2018, 9, 5), (2018, 9, 11))


def test_coming_weeks_are_four_weeks_after_the_anchor():
    assert resolve("in the coming weeks", NEW_YEAR) == span((2019, 1, 3), (2019, 1, 30))


@pytest.mark.parametrize("text", ["recent days", "in recent days", "the past few days"])
def test_recent_days_are_the_week_before_the_anchor(text):
    assert resolve(text, NEW_YEAR) == span((2018, 12, 26), (2019, 1, 1))


def test_past_week_is_rolling_while_last_week_is_calendar():
    assert resolve("the past week", TUESDAY) == span((2018, 8, 28), (2018, 9, 3))
    assert resolve("the past year", LEAP_MARCH) == span((2019, 3, 1), (2020, 2, 29))
    assert resolve("the last two weeks", TUESDAY) == span((2018, 8, 21), (2018, 9, 3))


# --- counted offsets ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("two days ago", day(2018, 12, 31)),
    ("3 days ago", day(2018, 12, 30)),
    ("a week ago", span((2018, 12, 24), (2018, 12, 30))),
    ("two months ago", span((2018, 11, 1), (2018, 11, 30))),
    ("twenty-one years ago", span((1998, 1, 1), (1998, 12, 31))),
])
def test_units_ago_count_back_from_the_anchor(text, expected):
    assert resolve(text, NEW_YEAR) == expected


def test_in_n_days_counts_forward_but_a_bare_duration_does_not_resolve():
    assert resolve("in three days", TUESDAY) == day(2018, 9, 7)
    assert resolve("in two weeks' time", TUESDAY) == span((2018, 9, 17), (2018, 9, 23))
    assert resolve("three days", TUESDAY) is None


def test_one_day_ago_lands_on_leap_day():
    assert resolve("one day ago", LEAP_MARCH) == day(2020, 2, 29)


# --- explicit dates --------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "September 3, 2018", "3 September 2018", "Sept. 3, 2018", "Sep 3rd 2018",
    "the 3rd of September 2018", "2018-09-03", "Monday, September 3, 2018",
    "September 3 , 2018",
])
def test_full_explicit_date_ignores_the_anchor(text):
    assert resolve(text, date(2005, 6, 6)) == day(2018, 9, 3)


@pytest.mark.parametrize("text", ["September 3", "Sept. 3", "3 September", "on Sept 3"])
def test_month_day_without_year_takes_the_anchor_year_when_past(text):
    assert resolve(text, TUESDAY) == day(2018, 9, 3)


def test_month_day_without_year_in_january_refers_to_last_december():
    assert resolve("December 28", NEW_YEAR) == day(2018, 12, 28)


def test_month_day_shortly_after_anchor_stays_in_the_anchor_year():
    assert resolve("June 1", date(2009, 5, 7)) == day(2009, 6, 1)


def test_month_day_without_year_in_future_clause_is_next_occurrence():
    assert resolve("September 3", TUESDAY, future=True) == day(2019, 9, 3)
    assert resolve("January 5", date(2018, 12, 20), future=True) == day(2019, 1, 5)


def test_february_29_without_year_goes_to_a_leap_year():
    assert resolve("February 29", LEAP_MARCH) == day(2020, 2, 29)
    assert resolve("February 29", date(2021, 3, 1)) == day(2020, 2, 29)
    assert resolve("February 29", date(2021, 3, 1), future=True) == day(2024, 2, 29)


def test_impossible_dates_are_not_resolved():
    assert resolve("February 29, 2019", TUESDAY) is None
    assert resolve("September 31", TUESDAY) is None
    assert resolve("2018-13-01", TUESDAY) is None


def test_slashed_numeric_dates_resolve_only_when_unambiguous():
    assert resolve("09/03/2018", TUESDAY) is None
    assert resolve("13/09/2018", TUESDAY) == day(2018, 9, 13)
    assert resolve("09/13/2018", TUESDAY) == day(2018, 9, 13)


def test_month_with_year_is_the_whole_month():
    assert resolve("September 2018", NEW_YEAR) == span((2018, 9, 1), (2018, 9, 30))
    assert resolve("February 2020", TUESDAY) == span((2020, 2, 1), (2020, 2, 29))
    assert resolve("March of 2008", TUESDAY) == span((2008, 3, 1), (2008, 3, 31))


def test_bare_month_is_most_recent_up_to_the_anchor_month():
    assert resolve("in March", TUESDAY) == span((2018, 3, 1), (2018, 3, 31))
    assert resolve("September", TUESDAY) == span((2018, 9, 1), (2018, 9, 30))
    assert resolve("in November", TUESDAY) == span((2017, 11, 1), (2017, 11, 30))


def test_bare_month_in_future_clause_is_next_from_the_anchor_month():
    assert resolve("in March", TUESDAY, future=True) == span((2019, 3, 1), (2019, 3, 31))
    assert resolve("in November", TUESDAY, future=True) == span((2018, 11, 1), (2018, 11, 30))


def test_bare_year_is_the_whole_year():
    assert resolve("2017", TUESDAY) == span((2017, 1, 1), (2017, 12, 31))
    assert resolve("since 2005", TUESDAY) == span((2005, 1, 1), (2005, 12, 31))


def test_narrowing_qualifiers_keep_the_containing_span():
    assert resolve("early September", TUESDAY) == span((2018, 9, 1), (2018, 9, 30))
    assert resolve("mid-2017", TUESDAY) == span((2017, 1, 1), (2017, 12, 31))
    assert resolve("late last year", NEW_YEAR) == span((2018, 1, 1), (2018, 12, 31))
    assert resolve("by the end of the year", TUESDAY) == span((2018, 1, 1), (2018, 12, 31))


# --- refusals --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "", "now", "recently", "the following week", "the same day", "the year",
    "before Monday", "three years", "summer", "Apple", "the 1,442.82 points",
])
def test_unresolvable_expressions_return_none(text):
    assert resolve(text, TUESDAY) is None
