"""The page-text reader (kg.readers): rendered news pages it has never seen become Article records."""
from __future__ import annotations

import datetime as dt

import pytest

from kg.readers import ReadError, read_bytes, read_path
from kg.readers.urls import unwrap_proxy


def read(text: str, source: str = "page.txt"):
    return read_bytes(text.encode("utf-8"), source)


def page(*, section: str | None = "Science", headline: str = "Glaciers in the Alps shrink faster than expected",
         date_line: str | None = "June 7, 2022",
         url: str = "https://www.dw.com/en/glaciers-shrink/a-61234567",
         middle: str = "", credits: str | None = "jb/rt (AFP, dpa)", footer: str = "") -> str:
    """A page in the rendered-text layout, assembled from parts the tests vary one at a time."""
    parts = ["1. Skip to content", "2. Skip to main menu", "3. Skip to more sites"]
    if section:
        parts.append(section)
    parts += ["", headline, ""]
    if date_line is not None:
        parts += [date_line, ""]
    parts += [
        "Researchers measured the ice of twenty glaciers and found that they lost more mass than in any year before.",
        "",
        url,
        "",
        "The team said that the warm spring and the dry winter had both played a part in the loss.",
        "",
        middle,
        "",
        "The next measurements are planned for the autumn, when the melting season is over.",
        "",
    ]
    if credits:
        parts += [credits, ""]
    parts.append(footer)
    return "\n".join(parts)


# --- Header: section, headline, date -----------------------------------------------------------

@pytest.mark.parametrize("section", ["Science", "Politics", "Culture & Arts", "Middle East"])
def test_section_is_the_title_line_above_the_headline(section):
    article = read(page(section=section))
    assert article.section == section
    assert article.headline == "Glaciers in the Alps shrink faster than expected"


def test_page_without_section_line_has_headline_and_no_section():
    article = read(page(section=None))
    assert article.headline == "Glaciers in the Alps shrink faster than expected"
    assert article.section is None


def test_headline_ending_with_question_mark_is_kept_as_headline():
    headline = "Can cities keep cool without air conditioning?"
    article = read(page(headline=headline))
    assert article.headline == headline
    assert article.section == "Science"
    assert article.published == dt.date(2022, 6, 7)


@pytest.mark.parametrize(("date_line", "expected"), [
    ("June 7, 2022", dt.date(2022, 6, 7)),
    ("7 June 2022", dt.date(2022, 6, 7)),
    ("2022-06-07", dt.date(2022, 6, 7)),
    ("07.06.2022", dt.date(2022, 6, 7)),
    ("Date 07.06.2022", dt.date(2022, 6, 7)),
    ("Sept. 30, 2019", dt.date(2019, 9, 30)),
])
def test_date_line_gives_publication_date(date_line, expected):
    published = read(page(date_line=date_line)).published
    assert published == expected
    assert not isinstance(published, dt.datetime)


@pytest.mark.parametrize(("date_line", "expected"), [
    ("07.06.2022 14:05 UTC", dt.datetime(2022, 6, 7, 14, 5, tzinfo=dt.timezone.utc)),
    ("2022-06-07 08:30 UTC", dt.datetime(2022, 6, 7, 8, 30, tzinfo=dt.timezone.utc)),
    ("June 7, 2022, 2:15 PM UTC", dt.datetime(2022, 6, 7, 14, 15, tzinfo=dt.timezone.utc)),
    ("June 7, 2022 12:40 AM UTC", dt.datetime(2022, 6, 7, 0, 40, tzinfo=dt.timezone.utc)),
])
def test_date_line_with_utc_time_gives_utc_datetime(date_line, expected):
    published = read(page(date_line=date_line)).published
    assert isinstance(published, dt.datetime)
    assert published == expected
    assert published.utcoffset() == dt.timedelta(0)


def test_date_line_with_local_time_gives_only_the_date():
    assert read(page(date_line="07.06.2022 14:05 CEST")).published == dt.date(2022, 6, 7)


def test_page_without_date_line_has_no_date_and_keeps_headline():
    article = read(page(date_line=None))
    assert article.published is None
    assert article.headline == "Glaciers in the Alps shrink faster than expected"


def test_impossible_calendar_date_is_not_a_date():
    assert read(page(date_line="31.02.2022")).published is None


# --- Lead, URL, identifier, publisher ----------------------------------------------------------

def test_lead_is_first_paragraph_and_not_part_of_body():
    article = read(page())
    assert article.lead.startswith("Researchers measured the ice of twenty glaciers")
    assert "Researchers measured" not in article.body
    assert article.body.startswith("The team said that the warm spring")


def test_unproxied_url_is_kept_and_gives_identifier_and_publisher_host():
    article = read(page(url="https://news.example.org/world/election-results-2231"))
    assert article.url == "https://news.example.org/world/election-results-2231"
    assert article.identifier == "election-results-2231"
    assert article.publisher == "news.example.org"
    assert "https://" not in article.body


def test_dw_short_link_behind_other_proxy_host_is_unwrapped():
    article = read(page(url="https://mirror.example.com/https/p.dw.com/p/4aB7c"))
    assert article.url == "https://p.dw.com/p/4aB7c"
    assert article.identifier == "4aB7c"
    assert article.publisher == "Deutsche Welle"
    assert article.publisher_alternate_name == "DW"
    assert "mirror.example.com" not in repr(article)


@pytest.mark.parametrize(("wrapped", "real"), [
    ("https://proxy.example:443/https/p.dw.com/p/x", "https://p.dw.com/p/x"),
    ("https://web.archive.org/web/2018/https://www.dw.com/en/a/b", "https://www.dw.com/en/a/b"),
    ("https://web.archive.org/web/20180904101500/http://www.dw.com/en/a/b", "http://www.dw.com/en/a/b"),
    ("https://proxy.example/http:/example.org/story/12", "http://example.org/story/12"),
    ("https://outer.example/https/inner.example/https/news.example.org/a/1", "https://news.example.org/a/1"),
])
def test_unwrap_proxy_finds_real_address(wrapped, real):
    assert unwrap_proxy(wrapped) == real


@pytest.mark.parametrize("plain", [
    "https://www.dw.com/en/trump-warns/a-45346543",
    "https://news.example.org/blog/https-everywhere-at-last",
    "http://example.org/",
])
def test_unwrap_proxy_leaves_unwrapped_address_unchanged(plain):
    assert unwrap_proxy(plain) == plain


# --- Images, media, teasers, subheadings -------------------------------------------------------

def test_page_without_image_has_no_images():
    assert read(page()).images == ()


def test_two_images_keep_their_captions_and_credits_out_of_body():
    middle = "\n".join([
        "A research station on the edge of the ice field",
        "Image: Example Images/K. Berger",
        "",
        "Scientists say that the meltwater raised the level of the lakes below the glaciers by several metres.",
        "",
        "Meltwater runs off the tongue of a glacier",
        "Photo: Mountain Press/A. Rossi",
    ])
    article = read(page(middle=middle))
    assert [(image.caption, image.credit) for image in article.images] == [
        ("A research station on the edge of the ice field", "Example Images/K. Berger"),
        ("Meltwater runs off the tongue of a glacier", "Mountain Press/A. Rossi"),
    ]
    assert "research station" not in article.body
    assert "Example Images" not in article.body and "Mountain Press" not in article.body
    assert "Scientists say that the meltwater" in article.body


def test_media_caption_is_kept_out_of_body():
    article = read(page(middle="Infographic, Glaciers of the eastern Alps"))
    assert article.media_captions == ("Infographic, Glaciers of the eastern Alps",)
    assert "Infographic" not in article.body
    assert article.images == ()


def test_read_more_teasers_become_related_links_not_body():
    middle = "\n".join([
        "Read more: Ski resorts look for snow higher up",
        "",
        "Local guides said that routes over the ice had to be moved twice this summer.",
        "",
        "Read more: Why alpine lakes are getting warmer",
        "https://proxy.example:443/https/www.dw.com/en/alpine-lakes/a-60000001",
    ])
    article = read(page(middle=middle))
    assert [(link.title, link.url) for link in article.related] == [
        ("Ski resorts look for snow higher up", None),
        ("Why alpine lakes are getting warmer", "https://www.dw.com/en/alpine-lakes/a-60000001"),
    ]
    assert "Read more" not in article.body
    assert "Ski resorts" not in article.body
    assert "alpine-lakes" not in article.body
    assert "Local guides said" in article.body
    assert article.url == "https://www.dw.com/en/glaciers-shrink/a-61234567"


def test_subheading_is_marked_and_kept_in_body():
    middle = "\n".join([
        "What comes next",
        "",
        "Experts expect the smallest glaciers to vanish within two decades, and the larger ones to follow.",
    ])
    article = read(page(middle=middle))
    subheadings = [paragraph.text for paragraph in article.paragraphs if paragraph.is_subheading]
    assert subheadings == ["What comes next"]
    assert "What comes next" in article.body
    assert all(not p.is_subheading for p in article.paragraphs if p.text != "What comes next")


# --- Credits, footer, chrome -------------------------------------------------------------------

def test_credits_line_gives_author_initials_and_agencies_and_is_not_body():
    article = read(page(credits="jb/rt (AFP, dpa, Reuters)"))
    assert article.author_initials == ("jb", "rt")
    assert article.authors == ()
    assert article.agencies == ("AFP", "dpa", "Reuters")
    assert article.credit_line == "jb/rt (AFP, dpa, Reuters)"
    assert "AFP" not in article.body


def test_page_without_credits_line_has_no_author_initials_or_agencies():
    article = read(page(credits=None))
    assert article.author_initials == ()
    assert article.agencies == ()
    assert article.credit_line is None
    assert article.body.endswith("The next measurements are planned for the autumn, when the melting season is over.")


def test_footer_after_credits_line_is_dropped():
    footer = "Every morning our editors send a selection of the news. You can sign up here.\n© 2022 Example Media"
    article = read(page(footer=footer))
    assert "sign up" not in article.body
    assert "Example Media" not in article.body
    assert article.body.endswith("when the melting season is over.")


def test_navigation_chrome_is_dropped():
    article = read(page())
    assert "Skip to" not in article.body
    assert "Skip to" not in (article.lead or "")
    assert "Skip" not in article.headline and "Skip" not in (article.section or "")


def test_german_page_with_bild_credit_and_german_date():
    text = "\n".join([
        "Wissenschaft",
        "",
        "Forscher finden neue Käferart im Stadtpark",
        "",
        "12. März 2019",
        "",
        "Bei einer Zählung im Stadtpark haben Biologen eine Käferart entdeckt, die in der Region bisher nicht "
        "bekannt war. Die Tiere leben in den alten Eichen.",
        "",
        "https://www.dw.com/de/neue-kaeferart/a-47800001",
        "Ein Käfer auf der Rinde einer Eiche",
        "Bild: Beispiel Bildagentur/M. Schulz",
        "",
        "Die Forscher wollen nun im Sommer die Zahl der Tiere bestimmen, um zu sehen, ob die Art sich auf den Park "
        "beschränkt und ob sie geschützt werden muss. Die Stadt hat dafür Geld zugesagt und sich mit dem Verein "
        "für Naturschutz auf einen Plan geeinigt.",
        "",
        "Lesen Sie auch: Wie Städte Insekten helfen können",
        "",
        "Die Ergebnisse sollen im Herbst in einer Fachzeitschrift erscheinen und auch der Stadt vorgelegt werden.",
        "",
        "ms/ab (dpa, epd)",
    ])
    article = read(text, "kaefer.txt")
    assert article.section == "Wissenschaft"
    assert article.headline == "Forscher finden neue Käferart im Stadtpark"
    assert article.published == dt.date(2019, 3, 12)
    assert article.images[0].caption == "Ein Käfer auf der Rinde einer Eiche"
    assert article.images[0].credit == "Beispiel Bildagentur/M. Schulz"
    assert [link.title for link in article.related] == ["Wie Städte Insekten helfen können"]
    assert article.agencies == ("dpa", "epd")
    assert article.language == "de"
    assert "Bild:" not in article.body and "Lesen Sie" not in article.body


def test_byte_order_mark_and_crlf_line_ends_are_read_like_plain_text():
    text = page()
    article = read_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"), "bom.txt")
    assert article == read(text, "bom.txt")


def test_read_path_reads_file_and_records_its_path(tmp_path):
    path = tmp_path / "glaciers.txt"
    path.write_text(page(), encoding="utf-8")
    (article,) = read_path(path)
    assert article.source == str(path)
    assert article.headline == "Glaciers in the Alps shrink faster than expected"


# --- Refusals ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "words"), [
    (b"", "empty"),
    (b"  \n\n\t \n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
    ("Caf\u00e9 opens in the old station".encode("latin-1") + b"\nMore text here.\n", "UTF-8"),
    (b"<!DOCTYPE html>\n<html><head></head><body><nav>Menu</nav></body></html>", "no article text"),
    (b"<html lang='en'><body>News</body></html>", "no article text"),
])
def test_unreadable_input_is_refused_with_message_naming_problem(data, words):
    with pytest.raises(ReadError) as caught:
        read_bytes(data, "bad.txt")
    assert words.lower() in str(caught.value).lower()


def test_missing_file_is_refused_with_read_error(tmp_path):
    with pytest.raises(ReadError, match="cannot read"):
        read_path(tmp_path / "absent.txt")


def test_page_of_only_chrome_is_refused():
    with pytest.raises(ReadError):
        read("1. Skip to content\n2. Skip to main menu\n\n")
