"""The JSON records reader (kg.readers.records): ninjs items and CMS exports become Article records,
one per record, and a bad record is refused on its own, saying which one and why."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from kg.article import Article, Image, Paragraph
from kg.iris import Minter
from kg.mapping import map_article
from kg.readers.errors import ReadError
from kg.readers.records import read_records
from kg.validation import validate

BODY = ("The northern port of Eastharbour wants to replace its diesel ferries with hydrogen boats by the end of "
        "the decade, and the city council voted on Wednesday to fund the first two of them.")

NINJS = {
    "uri": "https://proxy.example.net/https/news.example.org/business/hydrogen-ferries-7731",
    "guid": "urn:newsml:example.org:20210318:ferries",
    "type": "text",
    "firstcreated": "2021-03-18T09:45:00Z",
    "versioncreated": "2021-03-18T11:00:00+01:00",
    "headline": "Port city  bets on\nhydrogen ferries",
    "description_text": "Eastharbour wants hydrogen ferries by 2030.",
    "body_text": f"{BODY}\n\nShipyards say that they are ready for the orders.",
    "byline": "By Ana Lima and Ben Ode",
    "language": "en-GB",
    "subject": [{"name": "Energy", "code": "medtop:20000250"}, {"name": "Transport"}],
    "genre": [{"name": "Business"}],
    "copyrightholder": "Example News",
    "located": "Eastharbour",
    "associations": {
        "featureimage": {
            "type": "picture",
            "description_text": "A ferry leaves the terminal at dawn",
            "copyrightholder": "Example Photo Agency/J. Doe",
            "renditions": {"original": {"href": "https://img.example.org/ferry.jpg"}},
        },
        "related": {"type": "text", "headline": "Shipyards look for new orders"},
    },
}


def read(value, source: str = "export.json") -> list[Article | ReadError]:
    return read_records(json.dumps(value).encode("utf-8"), source)


def read_one(**fields) -> Article:
    [article] = read([fields])
    assert isinstance(article, Article), article
    return article


# --- Shapes of input: one object, an array, JSON Lines -------------------------------------------

def test_single_ninjs_object_becomes_one_article_with_every_field():
    [article] = read(NINJS)
    assert isinstance(article, Article)
    assert article.source == "export.json#1"
    assert article.url == "https://news.example.org/business/hydrogen-ferries-7731"
    assert article.identifier == "urn:newsml:example.org:20210318:ferries"
    assert article.headline == "Port city bets on hydrogen ferries"
    assert article.lead == "Eastharbour wants hydrogen ferries by 2030."
    assert article.published == dt.datetime(2021, 3, 18, 9, 45, tzinfo=dt.UTC)
    assert article.modified == dt.datetime(2021, 3, 18, 10, 0, tzinfo=dt.UTC)
    assert article.paragraphs == (Paragraph(BODY), Paragraph("Shipyards say that they are ready for the orders."))
    assert article.authors == ("Ana Lima", "Ben Ode")
    assert article.language == "en-GB"
    assert article.keywords == ("Energy", "Transport")
    assert article.section == "Business"
    assert article.publisher == "Example News"
    assert article.images == (Image("A ferry leaves the terminal at dawn", "Example Photo Agency/J. Doe",
                                    "https://img.example.org/ferry.jpg"),)


def test_array_gives_one_article_per_record_numbered_from_one():
    articles = read([{"headline": "First"}, {"headline": "Second"}, {"headline": "Third"}])
    assert [article.headline for article in articles] == ["First", "Second", "Third"]
    assert [article.source for article in articles] == ["export.json#1", "export.json#2", "export.json#3"]


def test_empty_array_is_no_articles():
    assert read([]) == []


def test_json_lines_with_a_broken_line_reads_the_others_and_names_the_broken_line():
    data = ('{"headline": "First", "url": "https://news.example.org/a/1"}\n'
            "\n"
            '{"headline": "Second" "url": "https://news.example.org/a/2"}\n'
            '{"headline": "Third", "url": "https://news.example.org/a/3"}\n').encode("utf-8")
    first, broken, third = read_records(data, "feed.jsonl")
    assert (first.headline, first.source) == ("First", "feed.jsonl#1")
    assert isinstance(broken, ReadError)
    assert str(broken).startswith("line 3 is not valid JSON: Expecting ',' delimiter at column ")
    assert broken.source == "feed.jsonl#3"
    assert (third.headline, third.source) == ("Third", "feed.jsonl#4")


def test_json_lines_whose_first_line_is_broken_is_still_read_line_by_line():
    data = b'{"headline": "First",\n{"headline": "Second"}\n{"headline": "Third"}\n'
    broken, second, third = read_records(data, "feed.jsonl")
    assert isinstance(broken, ReadError) and str(broken).startswith("line 1 is not valid JSON")
    assert [second.headline, third.headline] == ["Second", "Third"]


def test_record_that_is_a_number_is_refused_on_its_own():
    first, number, third = read([{"headline": "First"}, 42, {"headline": "Third"}])
    assert isinstance(number, ReadError)
    assert str(number) == "record 2 is not a JSON object but a number"
    assert number.source == "export.json#2"
    assert [first.headline, third.headline] == ["First", "Third"]


@pytest.mark.parametrize("data", [b"Port city bets on hydrogen ferries\n\nThe port...", b'{"headline": "x",',
                                  b"[{\"headline\": \"x\"}", b"   \n"])
def test_input_that_is_not_json_raises(data):
    with pytest.raises(ReadError):
        read_records(data, "page.json")


def test_broken_pretty_printed_json_raises_one_syntax_error_with_its_position():
    data = json.dumps(NINJS, indent=2).replace('"type": "text",', '"type": "text"').encode("utf-8")
    with pytest.raises(ReadError, match=r"^not valid JSON: Expecting ',' delimiter at line \d+ column \d+$"):
        read_records(data, "export.json")


def test_json_that_is_a_bare_value_raises():
    with pytest.raises(ReadError, match="the JSON is a string, not an article record"):
        read_records(b'"just a string"', "export.json")


def test_ninjs_media_item_is_refused_as_not_an_article():
    [picture] = read([{"type": "picture", "headline": "A ferry", "uri": "https://img.example.org/ferry.jpg"}])
    assert isinstance(picture, ReadError)
    assert "'picture' item is media, not an article" in str(picture)


# --- Missing fields stay empty -------------------------------------------------------------------

def test_record_without_headline_reads_with_no_headline():
    article = read_one(url="https://news.example.org/a/1", body_text=BODY)
    assert article.headline is None
    assert article.paragraphs == (Paragraph(BODY),)


def test_unknown_fields_and_dateline_are_ignored():
    article = read_one(headline="Ferries", dateline="EASTHARBOUR, March 18", located="Eastharbour", priority=3)
    assert article.headline == "Ferries"
    assert article.notes == ()


# --- Aliases -------------------------------------------------------------------------------------

def test_cms_aliases_fill_the_same_fields_as_ninjs_names():
    article = read_one(canonical_url="https://news.example.org/business/ferries-7731", title="Ferries",
                       datePublished="2021-03-18", dateModified="2021-03-19", summary="Lead.",
                       authors=[{"name": "Ana Lima"}, "Ben Ode"], lang="de", tags="Energie, Verkehr",
                       section="Wirtschaft", publisher={"name": "Beispiel Zeitung"})
    assert (article.url, article.identifier) == ("https://news.example.org/business/ferries-7731", "ferries-7731")
    assert (article.headline, article.lead) == ("Ferries", "Lead.")
    assert (article.published, article.modified) == (dt.date(2021, 3, 18), dt.date(2021, 3, 19))
    assert article.authors == ("Ana Lima", "Ben Ode")
    assert article.language == "de"
    assert article.keywords == ("Energie", "Verkehr")
    assert article.section == "Wirtschaft"
    assert article.publisher == "Beispiel Zeitung"


def test_ninjs_2_lists_of_role_and_value_give_headline_lead_and_body():
    article = read_one(headlines=[{"role": "sub", "value": "Subtitle"}, {"role": "main", "value": "Ferries"}],
                       descriptions=[{"role": "summary", "value": "Lead."}],
                       bodies=[{"role": "html5", "contenttype": "text/html", "value": "<p>From HTML</p>"},
                               {"role": "text", "contenttype": "text/plain", "value": "From text"}])
    assert (article.headline, article.lead) == ("Ferries", "Lead.")
    assert article.paragraphs == (Paragraph("From text"),)


def test_publisher_comes_from_the_address_when_the_record_names_none():
    article = read_one(url="https://www.dw.com/en/ferries/a-61234567", headline="Ferries")
    assert (article.publisher, article.publisher_alternate_name) == ("Deutsche Welle", "DW")
    assert article.identifier == "a-61234567"


def test_address_that_is_not_a_web_address_is_dropped_with_a_note():
    article = read_one(url="ftp://files.example.org/ferries.txt", headline="Ferries")
    assert article.url is None
    assert any("not a web address" in note for note in article.notes)


def test_ninjs_uri_that_is_a_urn_becomes_the_identifier_and_url_gives_the_address():
    article = read_one(uri="urn:newsml:example.org:ferries", url="https://news.example.org/a/ferries-7731")
    assert article.identifier == "urn:newsml:example.org:ferries"
    assert article.url == "https://news.example.org/a/ferries-7731"


# --- Body ----------------------------------------------------------------------------------------

def test_body_text_splits_at_blank_lines_and_joins_wrapped_lines():
    article = read_one(body_text="First paragraph\nwrapped here.\n\n  \nSecond paragraph.")
    assert article.paragraphs == (Paragraph("First paragraph wrapped here."), Paragraph("Second paragraph."))


def test_body_text_without_blank_lines_splits_at_every_line_break():
    article = read_one(body_text="First paragraph.\nSecond paragraph.\n")
    assert [paragraph.text for paragraph in article.paragraphs] == ["First paragraph.", "Second paragraph."]


def test_body_html_gives_paragraphs_and_flags_subheadings():
    article = read_one(headline="Ferries", body_html=(
        "<h1>Ferries</h1><p>Costs &amp; <b>doubts</b> remain.</p><figure><img src='x.jpg'>"
        "<figcaption>A ferry</figcaption></figure><h2>What comes next</h2><p>A review<br>in summer.</p>"
        "<script>track()</script><blockquote>We are ready.</blockquote>"))
    assert article.paragraphs == (
        Paragraph("Costs & doubts remain."),
        Paragraph("What comes next", is_subheading=True),
        Paragraph("A review in summer."),
        Paragraph("We are ready."),
    )


def test_body_text_wins_over_body_html():
    article = read_one(body_text="Plain.", body_html="<p>Marked up.</p>")
    assert article.paragraphs == (Paragraph("Plain."),)


def test_html_body_without_paragraph_elements_is_read_as_text():
    article = read_one(body="One &amp; only<br><br>Second")
    assert article.paragraphs == (Paragraph("One & only"), Paragraph("Second"))


# --- Authors, keywords, section, language --------------------------------------------------------

@pytest.mark.parametrize(("byline", "authors"), [
    ("By Ana Lima and Ben Ode", ("Ana Lima", "Ben Ode")),
    ("Ana Lima, Ben Ode and Cy Park", ("Ana Lima", "Ben Ode", "Cy Park")),
    ("Ana Lima, Ben Ode, and Cy Park", ("Ana Lima", "Ben Ode", "Cy Park")),
    ("by Ana Lima & Ben Ode", ("Ana Lima", "Ben Ode")),
    ("Ana Lima", ("Ana Lima",)),
    ("Reuters", ("Reuters",)),
])
def test_byline_is_split_into_names(byline, authors):
    assert read_one(byline=byline).authors == authors


def test_author_list_names_are_kept_whole():
    assert read_one(author=["Lima, Ana"]).authors == ("Lima, Ana",)


def test_subject_names_and_keywords_are_gathered_without_duplicates():
    article = read_one(subject=[{"name": "Energy"}, {"code": "medtop:04000000"}, {"name": "Transport"}],
                       keywords=["energy", "Ports"], tags="Hydrogen, Ports")
    assert article.keywords == ("Energy", "Transport", "Ports", "Hydrogen")


def test_section_is_the_first_genre_with_a_note_about_the_rest():
    article = read_one(genre=[{"name": "Business"}, {"name": "Analysis"}])
    assert article.section == "Business"
    assert any("kept the first of 2" in note for note in article.notes)


def test_language_tag_that_is_not_bcp_47_is_dropped_and_the_language_guessed():
    article = read_one(language="English (UK)", body_text=BODY + " The council said that it was ready.")
    assert article.language == "en"
    assert any("not a BCP 47 language tag" in note for note in article.notes)


def test_language_is_guessed_from_the_text_when_absent():
    assert read_one(headline="Ferries", body_text=BODY).language == "en"


# --- Dates -------------------------------------------------------------------------------------

def test_date_only_value_is_a_date():
    article = read_one(firstcreated="2021-03-18")
    assert article.published == dt.date(2021, 3, 18)
    assert not isinstance(article.published, dt.datetime)


def test_datetime_with_z_is_utc():
    assert read_one(firstcreated="2021-03-18T09:45:00Z").published == dt.datetime(2021, 3, 18, 9, 45, tzinfo=dt.UTC)


def test_datetime_with_offset_keeps_the_offset_and_compares_as_utc():
    published = read_one(firstcreated="2021-03-18T11:45:00+02:00").published
    assert published.utcoffset() == dt.timedelta(hours=2)
    assert published == dt.datetime(2021, 3, 18, 9, 45, tzinfo=dt.UTC)


def test_modification_date_is_also_the_publication_date_when_no_first_created_is_given():
    article = read_one(versioncreated="2021-03-18T09:45:00Z")
    assert article.published == article.modified == dt.datetime(2021, 3, 18, 9, 45, tzinfo=dt.UTC)


def test_datetime_without_zone_is_kept_with_a_note():
    article = read_one(firstcreated="2021-03-18T09:45:00")
    assert article.published == dt.datetime(2021, 3, 18, 9, 45)
    assert any("no time zone" in note for note in article.notes)


@pytest.mark.parametrize(("field", "value", "shown"), [
    ("versioncreated", "2018-13-45", "'2018-13-45'"),
    ("firstcreated", "yesterday", "'yesterday'"),
    ("datePublished", "18 March 2021", "'18 March 2021'"),
    ("published", 1616060700, "1616060700"),
])
def test_malformed_date_refuses_the_record_naming_field_and_value(field, value, shown):
    good, bad = read([{"headline": "Fine", "firstcreated": "2021-03-18"}, {"headline": "Bad", field: value}])
    assert good.headline == "Fine"
    assert isinstance(bad, ReadError)
    assert str(bad) == f"record 2: {field!r} is not a date: {shown}"
    assert bad.source == "export.json#2"


def test_field_of_the_wrong_kind_refuses_the_record_naming_it():
    [bad] = read([{"headline": 42}])
    assert str(bad) == "record 1: 'headline' is not text: 42"


# --- Images --------------------------------------------------------------------------------------

def test_association_picture_gives_an_image_with_caption_credit_and_address():
    article = read_one(associations={
        "main": {"type": "picture", "headline": "Ferry at dawn", "creditline": "Example Photo Agency",
                 "uri": "https://img.example.org/ferry.jpg"},
        "video": {"type": "video", "headline": "Watch the ferry"},
    })
    assert article.images == (Image("Ferry at dawn", "Example Photo Agency", "https://img.example.org/ferry.jpg"),)


def test_ninjs_2_association_list_with_rendition_list_gives_an_image():
    article = read_one(associations=[{"type": "picture", "by": "Karl Melander/TT",
                                      "description_text": "A military exercise",
                                      "renditions": [{"name": "r00", "href": "https://img.example.org/r00.jpg"}]}])
    assert article.images == (Image("A military exercise", "Karl Melander/TT", "https://img.example.org/r00.jpg"),)


def test_image_without_credit_is_passed_on_for_the_validator_to_refuse():
    article = read_one(images=[{"caption": "A ferry", "src": "https://img.example.org/ferry.jpg"}],
                       image="https://img.example.org/other.jpg")
    assert article.images == (Image("A ferry", None, "https://img.example.org/ferry.jpg"),
                              Image(None, None, "https://img.example.org/other.jpg"))


# --- Through mapping and validation --------------------------------------------------------------

def test_complete_record_maps_to_a_graph_that_conforms():
    [article] = read(NINJS)
    assert validate(map_article(article, Minter("http://kg.example/"))) == []


def test_record_without_headline_is_refused_by_the_validator_with_a_headline_problem():
    record = {key: value for key, value in NINJS.items() if key != "headline"}
    [article] = read(record)
    problems = validate(map_article(article, Minter("http://kg.example/")))
    assert [problem.field for problem in problems] == ["headline"]


def test_image_without_credit_is_refused_by_the_validator_with_a_credit_problem():
    record = dict(NINJS, associations={"main": {"type": "picture", "description_text": "A ferry"}})
    [article] = read(record)
    problems = validate(map_article(article, Minter("http://kg.example/")))
    assert [problem.field for problem in problems] == ["creditText"]
