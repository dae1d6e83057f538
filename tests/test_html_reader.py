"""The HTML reader (kg.readers.html): saved news pages of any publisher become Article records.

Every page here is written in the test, each showing one metadata convention; the last test
measures the reader on the shared corpus of real pages with the same scoring as
``bench/corpus.py``.
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from kg.iris import Minter
from kg.mapping import map_article
from kg.readers.errors import ReadError
from kg.readers.html import read_html
from kg.validation import validate

REPO_ROOT = Path(__file__).resolve().parents[1]
MANIFEST = REPO_ROOT.parent / "shared" / "corpus" / "html" / "manifest.json"

BODY = """
<p>The city council voted on Tuesday evening to close the old harbour bridge to cars from next spring,
after engineers found that its steel girders had corroded far more than expected.</p>
<p>Cyclists and pedestrians will still be allowed to cross while a replacement is planned, the council said,
and buses will be diverted over the northern ring road for at least three years.</p>
<p>Residents of the harbour district have long complained about traffic on the bridge, and several of them
welcomed the decision, while shop owners on the southern bank fear that they will lose customers.</p>
"""


def html_page(head: str, body: str = BODY, lang: str = "en") -> bytes:
    return (f"<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">{head}</head>"
            f"<body><header><nav><a href=\"/\">Home</a></nav></header><main><article>{body}</article></main>"
            f"<footer>Contact us</footer></body></html>").encode("utf-8")


def json_ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def ingested(article) -> list[str]:
    return [str(problem) for problem in validate(map_article(article, Minter("http://127.0.0.1:5000/")))]


def test_json_ld_graph_gives_the_facts():
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "Organization", "@id": "https://news.example/#org", "name": "Harbour Gazette"},
        {"@type": "Person", "@id": "https://news.example/#jane", "name": "Jane Doe"},
        {"@type": "WebPage", "@id": "https://news.example/city/bridge-closed-123"},
        {"@type": "NewsArticle", "headline": "  Harbour bridge  to close to cars ",
         "datePublished": "2023-03-14T09:30:00+01:00", "dateModified": "2023-03-15T10:00:00Z",
         "author": [{"@id": "https://news.example/#jane"}, {"@type": "Person", "name": "John Roe"}],
         "publisher": {"@id": "https://news.example/#org"}, "articleSection": "City",
         "keywords": "bridge, traffic, council", "description": "The old bridge is corroded.",
         "mainEntityOfPage": {"@id": "https://news.example/city/bridge-closed-123"}, "inLanguage": "en-GB"},
    ]}
    article = read_html(html_page(json_ld(graph) + "<title>Something else | Harbour Gazette</title>"), "p.html")
    assert article.headline == "Harbour bridge to close to cars"
    assert article.published == dt.datetime(2023, 3, 14, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert article.modified == dt.datetime(2023, 3, 15, 10, 0, tzinfo=dt.UTC)
    assert article.authors == ("Jane Doe", "John Roe")
    assert article.publisher == "Harbour Gazette"
    assert article.section == "City"
    assert article.keywords == ("bridge", "traffic", "council")
    assert article.lead == "The old bridge is corroded."
    assert article.url == "https://news.example/city/bridge-closed-123"
    assert article.identifier == "bridge-closed-123"
    assert article.language == "en"
    assert len(article.paragraphs) >= 2 and "steel girders" in article.body
    assert ingested(article) == []


def test_opengraph_only_page():
    head = ('<meta property="og:title" content="Harbour bridge to close">'
            '<meta property="og:url" content="https://www.harbour-news.example/2023/03/bridge">'
            '<meta property="og:site_name" content="Harbour News">'
            '<meta property="article:published_time" content="2023-03-14T09:30:00Z">'
            '<meta property="article:section" content="Local">'
            '<meta property="article:tag" content="bridge"><meta property="article:tag" content="traffic">'
            '<meta property="og:description" content="Engineers found corrosion.">'
            '<meta property="og:locale" content="de_DE">')
    article = read_html(html_page(head, lang=""), "og.html")
    assert article.headline == "Harbour bridge to close"
    assert article.url == "https://www.harbour-news.example/2023/03/bridge"
    assert article.publisher == "Harbour News"
    assert article.published == dt.datetime(2023, 3, 14, 9, 30, tzinfo=dt.UTC)
    assert article.section == "Local"
    assert article.keywords == ("bridge", "traffic")
    assert article.lead == "Engineers found corrosion."
    assert article.language == "de"
    assert ingested(article) == []


def test_meta_only_page_with_title_suffix():
    head = ('<title>Harbour bridge to close | Harbour Gazette</title>'
            '<meta name="author" content="By Jane Doe">'
            '<meta name="description" content="The old bridge is corroded.">'
            '<meta name="keywords" content="bridge, traffic">'
            '<meta name="date" content="2023-03-14">'
            '<meta name="application-name" content="Harbour Gazette">'
            '<link rel="canonical" href="https://gazette.example/city/bridge-123.html">')
    article = read_html(html_page(head), "meta.html")
    assert article.headline == "Harbour bridge to close"
    assert article.authors == ("Jane Doe",)
    assert article.published == dt.date(2023, 3, 14)
    assert article.keywords == ("bridge", "traffic")
    assert article.url == "https://gazette.example/city/bridge-123.html"
    assert article.identifier == "bridge-123.html"
    assert article.publisher == "Harbour Gazette"
    assert ingested(article) == []


def test_publisher_falls_back_to_the_host():
    head = ('<title>Harbour bridge to close</title><meta name="pubdate" content="2023-03-14">'
            '<link rel="canonical" href="https://www.gazette.example/bridge">')
    article = read_html(html_page(head), "host.html")
    assert article.publisher == "gazette.example"


@pytest.mark.parametrize(("author", "expected"), [
    ("By Jane Doe and John Roe", ("Jane Doe", "John Roe")),
    ("Jane Doe, John Roe & Ann Poe", ("Jane Doe", "John Roe", "Ann Poe")),
    ("Perry Bacon, Jr.", ("Perry Bacon Jr.",)),
    ("Jane Doe jane@gazette.example https://gazette.example/jane", ("Jane Doe",)),
    ("Reuters", ("Reuters",)),
    ("Jane Doe, Staff Writer", ("Jane Doe",)),
    ("Jane Doe - Senior Correspondents", ("Jane Doe",)),
    ("Jane Doe for The Daily Planet", ("Jane Doe",)),
    ("Staff", ("Staff",)),
])
def test_bylines_become_names(author, expected):
    head = (f'<title>Harbour bridge to close</title><meta name="author" content="{author}">'
            '<link rel="canonical" href="https://gazette.example/bridge">')
    assert read_html(html_page(head), "a.html").authors == expected


SITE = ('<meta property="og:site_name" content="Harbour Gazette">'
        '<link rel="canonical" href="https://gazette.example/city/bridge">'
        '<meta property="article:published_time" content="2023-03-14T09:30:00+01:00">')


@pytest.mark.parametrize(("author", "expected"), [
    ("Harbour Gazette GmbH, Springfield, Germany", ("Harbour Gazette GmbH",)),
    ("Jane Doe, Harbour Gazette, Palm Springs", ("Jane Doe",)),
    ("Harbour-Gazette-Expertin Jane Doe", ("Jane Doe",)),
    ("Jane Doe Harbour Gazette Staff", ("Jane Doe",)),
])
def test_bylines_lose_the_site_and_its_address(author, expected):
    head = f'<title>Harbour bridge to close</title><meta name="author" content="{author}">' + SITE
    assert read_html(html_page(head), "site.html").authors == expected


@pytest.mark.parametrize(("byline", "expected"), [
    ('<div class="byline">By <a href="/staff/jane-doe">Jane Doe</a> <time>March 14, 2023</time></div>',
     ("Jane Doe",)),
    ('<div data-testid="story-byline"><span>By</span> <span>Jane Doe</span> and <span>John Roe</span>'
     '<div>Updated 3:45 PM</div></div>', ("Jane Doe", "John Roe")),
    ('<p class="article-author">Jane Doe | Palm Springs | 14/03/2023</p>', ("Jane Doe",)),
    ('<div class="byline"><span>Jane Doe</span><span>Staff Writer</span></div>', ("Jane Doe",)),
    ('<div class="author-box"><span class="author-name">Reuters</span></div>', ("Reuters",)),
    ('<div class="autorenzeile">Von Anna Schmidt und Jan Peter Krause, NDR</div>',
     ("Anna Schmidt", "Jan Peter Krause", "NDR")),
    ('<p class="credit">AP</p>', ("AP",)),
])
def test_byline_elements_name_the_authors_the_structured_data_leaves_out(byline, expected):
    head = '<title>Harbour bridge to close</title><meta name="author" content="Harbour Gazette">' + SITE
    article = read_html(html_page(head, f"<h1>Harbour bridge to close</h1>{byline}{BODY}"), "byline.html")
    assert article.authors == expected


def test_structured_bylines_win_over_byline_elements():
    head = '<title>Harbour bridge to close</title><meta name="author" content="Jane Doe">' + SITE
    body = f'<div class="byline">By <a href="/staff/john-roe">John Roe</a></div>{BODY}'
    assert read_html(html_page(head, body), "both.html").authors == ("Jane Doe",)


def test_comment_authors_and_picture_credits_are_not_bylines():
    head = '<title>Harbour bridge to close</title>' + SITE
    body = (f'<figure><img src="/b.jpg"><figcaption>The bridge. <span class="credit">John Roe</span>'
            f'</figcaption></figure>{BODY}<div class="comments"><span class="comment-author">Ann Poe</span>'
            '<p>Finally!</p></div>')
    assert read_html(html_page(head, body), "noise.html").authors == ()


def test_labelled_byline_line_names_the_author():
    head = '<title>Harbour bridge to close</title>' + SITE
    body = f'{BODY}<div class="box"><p>Auteur : Jeanne Dupont</p><p>Édition : Marc Petit</p></div>'
    assert read_html(html_page(head, body), "label.html").authors == ("Jeanne Dupont",)


def test_byline_closing_the_text_becomes_the_author_and_leaves_the_body():
    head = '<title>Harbour bridge to close</title><meta name="author" content="Harbour Gazette">' + SITE
    article = read_html(html_page(head, f"{BODY}<p>Von Anna Schmidt</p>"), "closing.html")
    assert article.authors == ("Anna Schmidt",)
    assert "Anna Schmidt" not in article.body and "steel girders" in article.body


def test_json_ld_author_list_of_strings_and_objects():
    data = {"@context": "https://schema.org", "@type": "ReportageNewsArticle", "headline": "Bridge",
            "datePublished": "2023-03-14", "author": ["By Jane Doe", {"@type": "Person", "name": "John Roe"}],
            "url": "https://gazette.example/bridge"}
    article = read_html(html_page(json_ld([data])), "list.html")
    assert article.authors == ("Jane Doe", "John Roe")


@pytest.mark.parametrize(("value", "expected"), [
    ("2023-03-14T09:30:00+0200", dt.datetime(2023, 3, 14, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))),
    ("2023-03-14T09:30:00.000Z", dt.datetime(2023, 3, 14, 9, 30, tzinfo=dt.UTC)),
    ("Tue, 14 Mar 2023 09:30:00 -0500", dt.datetime(2023, 3, 14, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))),
    ("2023-03-14T09:30:00", dt.date(2023, 3, 14)),  # a time without a zone names no instant
])
def test_timezone_datetimes(value, expected):
    head = (f'<title>Bridge</title><meta property="article:published_time" content="{value}">'
            '<link rel="canonical" href="https://gazette.example/bridge">')
    published = read_html(html_page(head), "d.html").published
    assert published == expected
    assert type(published) is type(expected)


def test_utc_date_takes_the_offset_of_the_local_clock_the_page_shows():
    head = ('<title>Bridge</title><meta property="article:published_time" content="2023-03-15T03:30:15Z">'
            '<link rel="canonical" href="https://gazette.example/bridge">')
    body = f'<p>March 14, 2023 <time datetime="2023-03-14 22:30:15">10:30 p.m.</time></p>{BODY}'
    published = read_html(html_page(head, body), "local.html").published
    assert published == dt.datetime(2023, 3, 15, 3, 30, 15, tzinfo=dt.UTC)
    assert published.date() == dt.date(2023, 3, 14) and published.utcoffset() == dt.timedelta(hours=-5)


def test_utc_date_on_the_hour_keeps_utc():
    head = ('<title>Bridge</title><meta property="article:published_time" content="2023-03-15T03:00:00Z">'
            '<link rel="canonical" href="https://gazette.example/bridge">')
    body = f'<p><time datetime="2023-03-14 22:00:00">Related, 10 p.m.</time></p>{BODY}'
    assert read_html(html_page(head, body), "hour.html").published.utcoffset() == dt.timedelta(0)


def test_kicker_in_the_heading_is_left_out_of_the_headline():
    head = ('<meta property="og:title" content="Corrosion: Harbour bridge to close to cars">'
            '<meta property="article:published_time" content="2023-03-14"><link rel="canonical" href="https://g.example/b">')
    for h1 in ('<h1><span class="article-kicker">Corrosion</span><span>Harbour bridge to close to cars</span></h1>',
               '<h1><span>Corrosion</span><span class="visually-hidden">: </span>'
               '<span>Harbour bridge to close to cars</span></h1>'):
        article = read_html(html_page(head, h1 + BODY), "kicker.html")
        assert article.headline == "Harbour bridge to close to cars"
        assert article.paragraphs[0].text.startswith("The city council voted")


def test_the_heading_like_the_structured_headline_is_chosen_among_several_and_copies_of_it():
    head = ('<meta property="og:title" content="Harbour bridge closes to cars">'
            '<meta property="article:published_time" content="2023-03-14"><link rel="canonical" href="https://g.example/b">')
    body = ('<h1><a href="/">Harbour Gazette</a></h1><h1>Harbour bridge to close to cars</h1>'
            '<h1 class="print-only">Harbour bridge to close to cars</h1>' + BODY)
    assert read_html(html_page(head, body), "h1s.html").headline == "Harbour bridge to close to cars"


@pytest.mark.parametrize(("h1", "title", "expected"), [
    ("Corrosion: Bridge to close", "Corrosion: Bridge to close", "Corrosion: Bridge to close"),
    ("City news: Bridge to close", "Bridge to close", "Bridge to close"),
])
def test_heading_that_adds_words_wins_only_where_another_copy_states_them(h1, title, expected):
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Bridge to close",
            "datePublished": "2023-03-14", "url": "https://gazette.example/bridge"}
    head = json_ld(data) + f'<meta property="og:title" content="{title}">'
    assert read_html(html_page(head, f"<h1>{h1}</h1>{BODY}"), "adds.html").headline == expected


def test_truncated_structured_headline_is_made_whole():
    head = ('<meta property="og:title" content="Harbour bridge to close to cars after engineers find...">'
            '<meta property="article:published_time" content="2023-03-14"><link rel="canonical" href="https://g.example/b">')
    body = "<h1>Harbour bridge to close to cars after engineers find corrosion</h1>" + BODY
    assert read_html(html_page(head, body), "cut.html").headline == \
        "Harbour bridge to close to cars after engineers find corrosion"


def test_chinese_page_loses_an_unnamed_site_suffix_and_is_valid():
    body = ("<p>市议会周二晚间投票决定，从明年春天起禁止汽车通行旧港口大桥，因为工程师发现其钢梁的腐蚀程度远超预期。</p>"
            "<p>市议会表示，在规划新桥期间，骑自行车的人和行人仍可通行，公交车将至少改道三年。</p>")
    head = ('<title>旧港口大桥将禁止汽车通行-海港网</title>'
            '<meta name="description" content="旧港口大桥将禁止汽车通行 ---市议会周二晚间投票决定禁止汽车通行。">'
            '<meta name="date" content="2023-03-14"><link rel="canonical" href="https://haigang.example/c_123.htm">')
    article = read_html(html_page(head, body, lang="zh-CN"), "zh.html")
    assert article.headline == "旧港口大桥将禁止汽车通行"
    assert article.language == "zh"
    assert ingested(article) == []


def test_share_links_give_the_address_of_a_page_that_states_none():
    links = ('<a href="https://social.example/submit?url=https%3A%2F%2Fgazette.example%2Fcity%2Fbridge&title=x">Share</a>'
             '<a href="https://other.example/share?u=https%3A%2F%2Fgazette.example%2Fcity%2Fbridge">Post</a>')
    head = '<title>Harbour bridge to close</title><meta name="date" content="2023-03-14">'
    article = read_html(html_page(head, BODY + links), "shared.html")
    assert article.url == "https://gazette.example/city/bridge"
    assert any("share links" in note for note in article.notes)
    lone = read_html(html_page(head, BODY + links.split("</a>")[0] + "</a>"), "lone.html")
    assert lone.url is None
    assert ingested(lone) == []


def test_address_without_a_scheme_is_read_as_https():
    head = ('<title>Bridge</title><meta name="date" content="2023-03-14">'
            '<meta property="og:url" content="www.gazette.example/city/bridge.html">')
    assert read_html(html_page(head), "noscheme.html").url == "https://www.gazette.example/city/bridge.html"


def test_uncredited_image_is_left_out_with_a_note():
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Bridge",
            "datePublished": "2023-03-14", "image": ["https://gazette.example/bridge.jpg"],
            "url": "https://gazette.example/bridge", "publisher": {"name": "Harbour Gazette"}}
    article = read_html(html_page(json_ld(data) + '<meta property="og:image" content="https://g.example/x.jpg">'),
                        "img.html")
    assert article.images == ()
    assert any("without a credit" in note for note in article.notes)
    assert ingested(article) == []


def test_credited_json_ld_image():
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Bridge",
            "datePublished": "2023-03-14", "url": "https://gazette.example/bridge",
            "publisher": {"name": "Harbour Gazette"},
            "image": {"@type": "ImageObject", "url": "https://gazette.example/bridge.jpg",
                      "caption": "The bridge at dusk", "creditText": "Photo: A. Smith/Harbour Gazette"}}
    article = read_html(html_page(json_ld(data)), "credit.html")
    assert article.images[0].credit == "Photo: A. Smith/Harbour Gazette"
    assert article.images[0].caption == "The bridge at dusk"
    assert article.images[0].url == "https://gazette.example/bridge.jpg"
    assert ingested(article) == []


def test_non_english_page_records_its_language():
    body = ("<p>Der Stadtrat hat am Dienstagabend beschlossen, die alte Hafenbrücke ab dem nächsten Frühjahr "
            "für Autos zu sperren, nachdem Ingenieure festgestellt hatten, dass die Stahlträger stark korrodiert "
            "sind.</p><p>Radfahrer und Fußgänger dürfen die Brücke weiterhin überqueren, sagte die Stadt, und "
            "die Busse werden für mindestens drei Jahre über den nördlichen Ring umgeleitet.</p>")
    head = ('<title>Hafenbrücke wird für Autos gesperrt</title><meta name="date" content="2023-03-14">'
            '<link rel="canonical" href="https://zeitung.example/hafenbruecke">')
    article = read_html(html_page(head, body, lang="de-DE"), "de.html")
    assert article.language == "de"
    assert "Stahlträger" in article.body


@pytest.mark.parametrize(("data", "message"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not an HTML page"),
    (b"just some words, no markup at all", "not an HTML page"),
    (b"", "empty"),
    (b"<html><head></head><body><nav><a href='/'>Home</a></nav></body></html>", "no article text found"),
])
def test_what_is_not_an_article_is_refused_with_a_reason(data, message):
    with pytest.raises(ReadError, match=message) as caught:
        read_html(data, "bad.html")
    assert caught.value.source == "bad.html"


def test_garbled_html_never_raises_anything_but_read_error():
    for data in (b"<html><body><p>" + b"<div>" * 5000 + b"text", b"<html>\xff\xfe\x00garbage",
                 b"<html><head><meta charset='no-such-charset'><title>T</title></head><body><p>x</p>",
                 b"<?xml version='1.0' encoding='utf-8'?><html><body><p>" + b"word " * 200 + b"</p></body></html>"):
        try:
            read_html(data, "g.html")
        except ReadError as error:
            assert str(error)


def test_cp1252_page_is_decoded():
    head = ('<title>Caf\xe9 owners \u201cwelcome\u201d the decision</title><meta name="date" content="2023-03-14">'
            '<link rel="canonical" href="https://gazette.example/cafe">')
    page = (f"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">{head}"
            f"</head><body><article>{BODY}<p>The caf\xe9 will stay open \u2013 for now.</p></article></body></html>")
    article = read_html(page.encode("cp1252"), "cp.html")
    assert article.headline == "Café owners “welcome” the decision"
    assert "café will stay open – for now" in article.body


def test_undeclared_non_utf8_page_falls_back_to_cp1252():
    page = ("<html><head><title>Caf\xe9 news</title></head><body><article>" + BODY
            + "</article></body></html>").encode("cp1252")
    assert read_html(page, "x.html").headline == "Café news"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_corpus", REPO_ROOT / "bench" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the bench loads
    spec.loader.exec_module(module)
    return module


def test_corpus_bench_matches_an_instant_to_a_day_it_falls_on_in_some_time_zone_only_when_asked():
    falls_on = _bench().falls_on
    bogota_evening = dt.datetime(2022, 5, 5, 21, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert falls_on(bogota_evening, dt.date(2022, 5, 5), any_zone=False)
    assert not falls_on(bogota_evening, dt.date(2022, 5, 6), any_zone=False)
    assert falls_on(bogota_evening, dt.date(2022, 5, 6), any_zone=True)  # 02:00 UTC on the 6th
    assert not falls_on(bogota_evening, dt.date(2022, 5, 7), any_zone=True)
    assert not falls_on(bogota_evening.replace(tzinfo=None), dt.date(2022, 5, 6), any_zone=True)  # no zone, no shift
    assert falls_on(dt.date(2022, 5, 5), dt.date(2022, 5, 5), any_zone=True)
    assert not falls_on(dt.date(2022, 5, 5), dt.date(2022, 5, 6), any_zone=True)


@pytest.mark.skipif(not MANIFEST.is_file(), reason=f"the shared HTML corpus is absent ({MANIFEST} not found)")
def test_shared_corpus_floors():
    bench = _bench()
    figures = bench.rates(bench.score_corpus(MANIFEST.parent, workers=2))
    share = bench.Rates.share
    # Floors a little below the measured figures (see bench/corpus.py for what each counts).
    assert share(figures.ingested) >= 0.96
    assert share(figures.headline) >= 0.85
    assert share(figures.date) >= 0.87
    assert share(figures.date_any_zone) >= 0.89
    assert share(figures.authors) >= 0.78
