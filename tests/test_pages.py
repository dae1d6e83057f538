"""The HTML pages of articles, people, organizations, places and events, over real HTTP.

The resources are found with SPARQL on the live server's own endpoint, then their pages are
fetched as a browser would (``/id/...`` answers 303 to ``/doc/...``).
"""
from __future__ import annotations

import html
import json
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from conftest import HARBOUR_HEADLINE, MARKUP_BODY_TAG, MARKUP_HEADLINE, SHARED_MISSING

PREFIXES = """PREFIX schema: <https://schema.org/>
PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
PREFIX gaf: <http://groundedannotationframework.org/gaf#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
DW_URL = "https://p.dw.com/p/34FAo"


# --- helpers shared with test_browser.py -------------------------------------------------------

def select(base: str, query: str) -> list[dict[str, str]]:
    """The rows of a SELECT query on the live server's endpoint, as plain strings."""
    url = base + "/sparql?" + urllib.parse.urlencode({"query": PREFIXES + query, "format": "json"})
    with urllib.request.urlopen(url, timeout=30) as response:
        rows = json.load(response)["results"]["bindings"]
    return [{name: value["value"] for name, value in row.items()} for row in rows]


def first(base: str, query: str) -> dict[str, str]:
    rows = select(base, query)
    assert rows, f"the live store has no answer to:\n{query}"
    return rows[0]


def path_of(iri: str) -> str:
    """Our resources by path, as the pages link them."""
    return urllib.parse.urlsplit(iri).path


def article_iri(base: str, headline: str) -> str:
    return first(base, f"""SELECT ?a WHERE {{ ?a a schema:NewsArticle ; schema:headline ?h
        FILTER (STR(?h) = {json.dumps(headline)}) }}""")["a"]


def dw_article(base: str) -> str:
    return first(base, f"SELECT ?a WHERE {{ ?a schema:url <{DW_URL}> }}")["a"]


def requires_shared(server) -> None:
    if not server.has_shared:
        pytest.skip(SHARED_MISSING)


@dataclass
class Page:
    status: int
    media_type: str
    text: str
    elements: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    scripts: list[tuple[dict[str, str | None], str]] = field(default_factory=list)

    def json_ld(self) -> object:
        blocks = [body for attrs, body in self.scripts if attrs.get("type") == "application/ld+json"]
        assert len(blocks) == 1, "a page embeds exactly one JSON-LD block"
        return json.loads(blocks[0])

    def hrefs(self) -> set[str]:
        return {attrs["href"] or "" for tag, attrs in self.elements if tag == "a" and "href" in attrs}


class _Elements(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page, self.script = page, None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.elements.append((tag, dict(attrs)))
        if tag == "script":
            self.script = (dict(attrs), [])

    def handle_data(self, data: str) -> None:
        if self.script is not None:
            self.script[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.script is not None:
            self.page.scripts.append((self.script[0], "".join(self.script[1])))
            self.script = None


def fetch_page(base: str, iri: str) -> Page:
    """The HTML page of one of our resources, checked for what every page must be."""
    request = urllib.request.Request(base + path_of(iri), headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=30) as response:
        page = Page(response.status, response.headers.get_content_type(), response.read().decode("utf-8"))
    parser = _Elements(page)
    parser.feed(page.text)
    parser.close()
    assert page.status == 200 and page.media_type == "text/html"
    assert page.json_ld()
    return page


# --- article pages -----------------------------------------------------------------------------

def test_article_page_shows_the_story(live_server):
    page = fetch_page(live_server, article_iri(live_server, HARBOUR_HEADLINE))
    assert f"<h1>{HARBOUR_HEADLINE}</h1>" in page.text
    assert "Example Photo Agency/J. Doe" in page.text  # image credit
    assert "A ferry leaves the Eastharbour terminal at dawn" in page.text  # caption
    assert "<h2>Costs and doubts</h2>" in page.text  # the subheading
    assert "The mayor answered that the review would be published before the summer." in page.text
    assert 'datetime="2021-03-18T09:45:00' in page.text and "18 March 2021" in page.text
    assert "/id/place/eastharbour" in page.hrefs()
    assert "Shipyards look for new orders" in page.text  # "Read more"


def test_dw_article_page_links_people_places_events_and_quotes(live_server):
    requires_shared(live_server)
    article = dw_article(live_server)
    page = fetch_page(live_server, article)
    assert "Getty Images/AFP/O. H. Kadour" in page.text
    people = select(live_server, f"SELECT ?p WHERE {{ <{article}> schema:mentions ?p . ?p a schema:Person }}")
    assert people and {path_of(row["p"]) for row in people} <= page.hrefs()
    places = select(live_server, f"SELECT ?p WHERE {{ <{article}> schema:mentions ?p . ?p a schema:Place }}")
    assert {path_of(row["p"]) for row in places} <= page.hrefs()
    event = first(live_server, f"""SELECT ?e ?type WHERE {{ <{article}> schema:mentions ?e .
        ?e a sem:Event ; sem:eventType/<http://www.w3.org/2004/02/skos/core#prefLabel> ?type }} LIMIT 1""")
    assert path_of(event["e"]) in page.hrefs() and html.escape(event["type"], quote=False) in page.text
    assert "terrorists must be purged" in page.text
    assert "/id/person/mohammad-javad-zarif" in page.hrefs()


def test_markup_article_page_shows_markup_as_text(live_server):
    page = fetch_page(live_server, article_iri(live_server, MARKUP_HEADLINE))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert html.escape(MARKUP_BODY_TAG) in page.text
    assert "<script>alert" not in page.text
    assert all(attrs.get("type") == "application/ld+json" for attrs, _ in page.scripts)
    assert not [(tag, name) for tag, attrs in page.elements for name in attrs if name.lower().startswith("on")]
    assert MARKUP_HEADLINE in json.dumps(page.json_ld())  # the JSON-LD still says what the article says


# --- people, organizations, places, events -----------------------------------------------------

def test_person_page_lists_articles_and_events_with_roles(live_server):
    requires_shared(live_server)
    row = first(live_server, """SELECT ?p ?name ?a WHERE { ?a schema:mentions ?p . ?p a schema:Person ;
        schema:name ?name . ?e sem:hasActor ?p } ORDER BY ?name LIMIT 1""")
    page = fetch_page(live_server, row["p"])
    assert f"<h1>{html.escape(row['name'], quote=False)}</h1>" in page.text
    assert path_of(row["a"]) in page.hrefs()
    assert 'class="tag role"' in page.text


def test_organization_page_lists_its_articles(live_server):
    row = first(live_server, """SELECT ?o ?name ?a WHERE { ?a a schema:NewsArticle ;
        (schema:mentions|schema:publisher|schema:sourceOrganization) ?o . ?o a schema:Organization ;
        schema:name ?name } ORDER BY ?name LIMIT 1""")
    page = fetch_page(live_server, row["o"])
    assert f"<h1>{html.escape(row['name'], quote=False)}</h1>" in page.text
    assert path_of(row["a"]) in page.hrefs()


def test_place_page_shows_articles_and_geonames(live_server):
    row = first(live_server, """SELECT ?p ?name ?a WHERE { ?a schema:mentions ?p . ?p a schema:Place ;
        schema:name ?name } ORDER BY ?name LIMIT 1""")
    page = fetch_page(live_server, row["p"])
    assert f"<h1>{html.escape(row['name'], quote=False)}</h1>" in page.text
    assert path_of(row["a"]) in page.hrefs()


def test_place_page_shows_the_events_there_on_a_timeline(live_server):
    requires_shared(live_server)
    row = first(live_server, "SELECT ?p ?e ?label WHERE { ?e sem:hasPlace ?p ; rdfs:label ?label } LIMIT 1")
    page = fetch_page(live_server, row["p"])
    assert path_of(row["e"]) in page.hrefs()
    assert html.escape(row["label"], quote=False) in page.text
    assert 'class="events timeline"' in page.text
    country = fetch_page(live_server, first(live_server, "SELECT ?p WHERE { ?p a schema:Country }")["p"])
    assert "https://sws.geonames.org/" in " ".join(country.hrefs())


def test_event_page_highlights_its_trigger_in_the_sentence(live_server):
    article = article_iri(live_server, HARBOUR_HEADLINE)
    row = first(live_server, f"""SELECT ?e ?sentence ?mention ?headline ?lead ?body WHERE {{
        <{article}> schema:mentions ?e ; schema:headline ?headline ; schema:description ?lead ; schema:articleBody ?body .
        ?e a sem:Event ; schema:description ?sentence ; gaf:denotedBy ?mention }} LIMIT 1""")
    start, end = map(int, row["mention"].rsplit("#char=", 1)[1].split(","))
    trigger = "\n\n".join((row["headline"], row["lead"], row["body"]))[start:end]
    page = fetch_page(live_server, row["e"])
    assert f'<mark class="trigger">{html.escape(trigger)}</mark>' in page.text
    before, after = row["sentence"].split(trigger, 1)
    assert f'<span class="sentence">{html.escape(before)}<mark class="trigger">' in page.text
    assert f"</mark>{html.escape(after)}</span>" in page.text
    assert path_of(article) in page.hrefs()


def test_event_page_of_the_markup_article_is_escaped(live_server):
    article = article_iri(live_server, MARKUP_HEADLINE)
    event = first(live_server, f"SELECT ?e WHERE {{ <{article}> schema:mentions ?e . ?e a sem:Event }} LIMIT 1")
    page = fetch_page(live_server, event["e"])
    assert "<mark" in page.text and "<script>alert" not in page.text
    assert not [(tag, name) for tag, attrs in page.elements for name in attrs if name.lower().startswith("on")]


def test_dw_event_page_shows_actors_roles_and_time(live_server):
    requires_shared(live_server)
    row = first(live_server, """PREFIX kg: <https://w3id.org/newskg/ns#>
        SELECT ?e ?agent WHERE { ?e kg:hasAgent ?agent ; kg:hasTarget ?target ; sem:hasTimeStamp ?t } LIMIT 1""")
    page = fetch_page(live_server, row["e"])
    assert path_of(row["agent"]) in page.hrefs()
    assert "<small>agent</small>" in page.text and "<small>target</small>" in page.text
    assert "<dt>When</dt>" in page.text


def test_other_resources_keep_the_property_table(live_server):
    requires_shared(live_server)
    quote = first(live_server, "SELECT ?q WHERE { ?q a schema:Quotation } LIMIT 1")["q"]
    page = fetch_page(live_server, quote)
    assert 'class="properties"' in page.text and "schema:spokenByCharacter" in page.text
