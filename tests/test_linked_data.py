"""Resource documents that page their incoming links and answer revalidation by date, on a real server.

The store is made quickly with ``kg load`` from N-Quads written here: one person mentioned by
more articles and events than a page holds, and one place where more events happened than a
page holds, each article in its own named graph as the pipeline stores it. The checks walk the
pages as clients do: by the ``Link`` header, by ``hydra:next`` in the data, and by the HTML
pages' links.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import html
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from html.parser import HTMLParser
from pathlib import Path

import subprocess

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Dataset, Graph, Literal, Namespace, URIRef

from conftest import ok, run_kg, serve
from kg.describe import PAGE_SIZE
from kg.iris import Minter
from kg.store.embedded import to_oxigraph
from kg.vocab import KG, SCHEMA, SEM
from oxigraph_server import NOT_INSTALLED, oxigraph_command, oxigraph_server

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
BASE = "http://127.0.0.1:5000/"
"""What ``kg serve`` mints under when no setting says otherwise."""
MINTER = Minter(BASE)
PERSON = MINTER.person("Ada Quill")
PLACE = MINTER.place("Lowmarsh")
ARTICLES, EVENTS, UNDATED_EVENTS = 230, 120, 2
FIRST_DAY = dt.date(2020, 1, 1)


@dataclass(frozen=True)
class Crowd:
    """What the generated data says links to the person and to the place, with each one's date."""

    person_links: dict[URIRef, str | None]
    place_links: dict[URIRef, str | None]
    newest: dt.datetime


def _article(data: Dataset, number: int, published: str) -> tuple[URIRef, Graph]:
    article = MINTER.article(f"https://news.example.org/crowd/story-{number}")
    graph = data.graph(MINTER.graph(article))
    graph.add((graph.identifier, RDF.type, KG.ArticleGraph))
    graph.add((graph.identifier, KG.article, article))
    graph.add((article, RDF.type, SCHEMA.NewsArticle))
    graph.add((article, SCHEMA.headline, Literal(f"Story number {number}", lang="en")))
    graph.add((article, SCHEMA.datePublished, Literal(published, datatype=XSD.dateTime)))
    graph.add((article, SCHEMA.mentions, PERSON))
    graph.add((PERSON, RDF.type, SCHEMA.Person))
    graph.add((PERSON, SCHEMA.name, Literal("Ada Quill")))
    return article, graph


def write_crowd(path: Path) -> Crowd:
    """N-Quads at ``path``: articles mentioning the person (dated by the minute), and in some of
    them events with the person as actor, at the place (dated by the day), two of them undated."""
    data = Dataset()
    person_links: dict[URIRef, str | None] = {}
    place_links: dict[URIRef, str | None] = {}
    for number in range(ARTICLES):
        published = f"{FIRST_DAY + dt.timedelta(days=number)}T08:{number % 60:02d}:00+00:00"
        article, graph = _article(data, number, published)
        person_links[article] = published
        if number >= EVENTS + UNDATED_EVENTS:
            continue
        event = MINTER.event(article, 1)
        graph.add((article, SCHEMA.mentions, event))
        graph.add((event, RDF.type, SEM.Event))
        graph.add((event, RDFS.label, Literal(f"Meeting number {number}", lang="en")))
        graph.add((event, SEM.hasActor, PERSON))
        graph.add((event, KG.hasAgent, PERSON))  # two links from one resource: one item, not two
        stamp = None
        if number < EVENTS:
            stamp = str(FIRST_DAY + dt.timedelta(days=2 * number + 1))
            graph.add((event, SEM.hasTimeStamp, Literal(stamp, datatype=XSD.date)))
            graph.add((event, SEM.hasPlace, PLACE))
            graph.add((PLACE, RDF.type, SCHEMA.Place))
            graph.add((PLACE, SCHEMA.name, Literal("Lowmarsh")))
            place_links[event] = stamp
        person_links[event] = stamp
    write_nquads(data, path)
    newest = max(dt.datetime.fromisoformat(date) for date in person_links.values() if date and "T" in date)
    return Crowd(person_links, place_links, newest)


def write_nquads(data: Dataset, path: Path) -> None:
    ox.serialize((ox.Quad(*map(to_oxigraph, quad)) for quad in data.quads()), str(path), ox.RdfFormat.N_QUADS)


@pytest.fixture(scope="module")
def crowd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Crowd]]:
    """``kg serve`` on a store loaded with the crowd; yields its base URL and what links where."""
    root = tmp_path_factory.mktemp("crowd")
    expected = write_crowd(root / "crowd.nq")
    ok(run_kg("load", "--store", root / "store", root / "crowd.nq", cwd=root))
    with serve(root / "store", root) as url:
        yield url, expected


@dataclass
class Answer:
    status: int
    headers: Message
    """Looked up by name whatever its case."""
    text: str


def get(url: str, accept: str = "text/turtle", headers: dict[str, str] | None = None) -> Answer:
    request = urllib.request.Request(url, headers={"Accept": accept, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Answer(response.status, response.headers, response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read().decode("utf-8"))


def document_url(server: str, resource: URIRef) -> str:
    return server + urllib.parse.urlsplit(resource).path.replace("/id/", "/doc/", 1)


def link_header(answer: Answer, relation: str) -> str | None:
    """The target of the ``Link`` header's link with ``rel=relation``."""
    for part in answer.headers.get("Link", "").split(","):
        target, _, parameters = part.partition(";")
        if f'rel="{relation}"' in parameters:
            return target.strip().strip("<>")
    return None


def local(iri: URIRef) -> str:
    """Our IRI, minted under the base, as a path on whatever server runs (the tests' is on another port)."""
    parts = urllib.parse.urlsplit(iri)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def incoming(graph: Graph, resource: URIRef) -> list[URIRef]:
    """The resources the document says link to ``resource``."""
    return sorted(set(graph.subjects(None, resource)) - {resource}, key=str)


def walk_pages(server: str, resource: URIRef) -> list[tuple[Answer, Graph]]:
    """Every page of ``resource``'s document, following the Link header's ``next``, checking
    that the data's ``hydra:next`` names the same page."""
    pages, url = [], document_url(server, resource)
    while url:
        answer = get(url)
        assert answer.status == 200, answer.text
        graph = Graph().parse(data=answer.text, format="turtle")
        pages.append((answer, graph))
        following = link_header(answer, "next")
        assert [local(target) for target in graph.objects(None, HYDRA.next)] == ([following] if following else [])
        url = urllib.parse.urljoin(url, following) if following else None
        assert len(pages) <= 10, "the next links do not end"
    return pages


def newest_first(dates: list[str | None]) -> bool:
    """Dated ones from the newest down, then the undated ones."""
    dated = [date for date in dates if date is not None]
    moments = [dt.datetime.fromisoformat(date if "T" in date else date + "T00:00:00+00:00") for date in dated]
    return dates[:len(dated)] == dated and moments == sorted(moments, reverse=True)


# --- paging of incoming links in the data -------------------------------------------------------

def test_following_next_links_visits_every_incoming_link_once_newest_first(crowd):
    server, expected = crowd
    pages = walk_pages(server, PERSON)
    total = len(expected.person_links)
    sizes = [len(incoming(graph, PERSON)) for _, graph in pages]
    assert sizes == [PAGE_SIZE] * (total // PAGE_SIZE) + ([total % PAGE_SIZE] if total % PAGE_SIZE else [])
    seen = [subject for _, graph in pages for subject in incoming(graph, PERSON)]
    assert len(seen) == len(set(seen)) == total and set(seen) == set(expected.person_links)
    in_page_order = []
    for _, graph in pages:
        members = set(graph.objects(None, HYDRA.member))
        assert members == set(incoming(graph, PERSON))
        in_page_order += sorted(members, key=lambda subject: expected.person_links[subject] or "", reverse=True)
    assert newest_first([expected.person_links[subject] for subject in in_page_order])
    assert {int(value) for _, graph in pages for value in graph.objects(None, HYDRA.totalItems)} == {total}


def test_the_resource_iri_redirects_to_the_page_it_was_asked_for(crowd):
    server, _ = crowd
    request = urllib.request.Request(server + local(PERSON) + "?page=2", method="HEAD")
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(request, timeout=30)
    assert answer.value.code == 303
    assert answer.value.headers["Location"].endswith(urllib.parse.urlsplit(document_url(server, PERSON)).path + "?page=2")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_pages_name_their_neighbours_in_hydra_and_in_link_headers(crowd):
    server, _ = crowd
    pages = walk_pages(server, PERSON)
    last = len(pages)
    second, graph = pages[1]
    view = URIRef(document_url(BASE.rstrip("/"), PERSON) + "?page=2")
    assert (None, HYDRA.view, view) in graph and (view, RDF.type, HYDRA.PartialCollectionView) in graph
    assert graph.value(view, HYDRA.previous) == URIRef(document_url(BASE.rstrip("/"), PERSON))
    assert graph.value(view, HYDRA.last) == URIRef(document_url(BASE.rstrip("/"), PERSON) + f"?page={last}")
    assert link_header(second, "prev") == urllib.parse.urlsplit(document_url(server, PERSON)).path
    assert link_header(pages[0][0], "prev") is None and link_header(pages[-1][0], "next") is None
    assert link_header(second, "alternate").endswith("?page=2")


def test_extension_keeps_its_format_along_the_next_links(crowd):
    server, _ = crowd
    first = get(document_url(server, PERSON) + ".jsonld", accept="text/html")
    assert first.status == 200 and first.headers["Content-Type"].startswith("application/ld+json")
    following = get(urllib.parse.urljoin(server, link_header(first, "next")), accept="text/html")
    assert following.status == 200 and following.headers["Content-Type"].startswith("application/ld+json")
    assert json.loads(following.text)


def test_a_document_asked_for_again_is_the_one_kept_and_each_format_is_kept_apart(crowd):
    server, _ = crowd

    def kept() -> dict[str, int]:
        return json.loads(get(server + "/health", accept="application/json").text)["documents"]

    url = document_url(server, PLACE) + "?page=2"  # in N-Triples and RDF/XML, which no other test asks for
    before = kept()
    first, again = get(url, accept="application/n-triples"), get(url, accept="application/n-triples")
    other_format = get(url, accept="application/rdf+xml")
    after = kept()
    assert first.status == again.status == other_format.status == 200
    assert again.text == first.text and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Link"] == first.headers["Link"] and "<rdf:RDF" in other_format.text
    assert (after["misses"] - before["misses"], after["hits"] - before["hits"]) == (2, 1)


def test_document_with_few_links_has_no_pages(crowd):
    server, expected = crowd
    article = next(iter(expected.person_links))
    answer = get(document_url(server, article))
    graph = Graph().parse(data=answer.text, format="turtle")
    assert answer.status == 200 and link_header(answer, "next") is None
    assert not list(graph.subjects(RDF.type, HYDRA.PartialCollectionView))


def test_page_past_the_end_is_404_saying_how_many_pages_there_are(crowd):
    server, expected = crowd
    pages = -(-len(expected.person_links) // PAGE_SIZE)
    answer = get(document_url(server, PERSON) + f"?page={pages + 1}")
    assert answer.status == 404
    assert f"there is no page {pages + 1}" in answer.text and f"on {pages} pages" in answer.text


@pytest.mark.parametrize("page", ["0", "-1", "two", "1.5", "", "٣"])
def test_bad_page_number_is_400_saying_what_a_page_is(crowd, page):
    server, _ = crowd
    answer = get(document_url(server, PERSON) + "?" + urllib.parse.urlencode({"page": page}))
    assert answer.status == 400
    assert "page must be a whole number from 1 up" in html.unescape(answer.text)


def test_two_page_parameters_are_400(crowd):
    server, _ = crowd
    answer = get(document_url(server, PERSON) + "?page=1&page=2")
    assert answer.status == 400 and "more than one page parameter" in answer.text


def test_a_remote_store_pages_and_dates_the_same(crowd, tmp_path):
    server, _ = crowd
    command = oxigraph_command()
    if command is None:
        pytest.skip(NOT_INSTALLED)
    data = tmp_path / "crowd.nq"
    write_crowd(data)
    subprocess.run([command, "load", "--location", tmp_path / "remote", "--file", data], check=True,
                   capture_output=True)
    with oxigraph_server(tmp_path / "remote", tmp_path) as remote, \
            serve(tmp_path / "unused", tmp_path, {"KG_STORE_URL": remote.query_url}) as remote_server:
        pages = walk_pages(remote_server, PERSON)
        embedded = walk_pages(server, PERSON)
        assert [sorted(incoming(graph, PERSON)) for _, graph in pages] == \
               [sorted(incoming(graph, PERSON)) for _, graph in embedded]
        assert pages[0][0].headers["Last-Modified"] == embedded[0][0].headers["Last-Modified"]
        assert len(html_pages(remote_server, PLACE)) == len(html_pages(server, PLACE))


# --- Last-Modified and If-Modified-Since --------------------------------------------------------

def test_last_modified_is_the_newest_article_and_if_modified_since_revalidates(crowd):
    server, expected = crowd
    url = document_url(server, PERSON)
    first = get(url)
    modified = email.utils.parsedate_to_datetime(first.headers["Last-Modified"])
    assert modified == expected.newest
    assert get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]}).status == 304
    earlier = email.utils.format_datetime(modified - dt.timedelta(seconds=1), usegmt=True)
    assert get(url, headers={"If-Modified-Since": earlier}).status == 200
    # the entity tag is asked first (RFC 9110, 13.2.2): another tag means modified, whatever the date
    assert get(url, headers={"If-Modified-Since": first.headers["Last-Modified"],
                             "If-None-Match": '"another"'}).status == 200


def test_article_last_modified_is_its_own_date(crowd):
    server, expected = crowd
    article, published = next(iter(expected.person_links.items()))
    answer = get(document_url(server, article))
    assert email.utils.parsedate_to_datetime(answer.headers["Last-Modified"]) == dt.datetime.fromisoformat(published)


NEWER_RECORD = {
    "uri": "https://news.example.org/crowd/ada-quill-returns",
    "headline": "Ada Quill returns to the council",
    "firstcreated": "2024-05-02T10:30:00Z",
    "byline": "Ada Quill",
    "language": "en",
    "body_text": "The council welcomed its former chair back on Thursday.\n\n"
                 "Members said the budget would be discussed next week.",
}


def test_ingesting_a_newer_article_changes_etag_and_last_modified(tmp_path):
    data = tmp_path / "few.nq"
    dataset = Dataset()
    _article(dataset, 1, "2021-06-01T09:00:00+00:00")
    write_nquads(dataset, data)
    store = tmp_path / "store"
    ok(run_kg("load", "--store", store, data, cwd=tmp_path))
    record = tmp_path / "newer.json"
    record.write_text(json.dumps(NEWER_RECORD), encoding="utf-8")
    with serve(store, tmp_path) as server:
        url = document_url(server, PERSON)
        before = get(url)
        assert before.status == 200
        assert before.headers["Last-Modified"] == "Tue, 01 Jun 2021 09:00:00 GMT"

        ok(run_kg("ingest", "--store", store, record, cwd=tmp_path, timeout=120))

        after = get(url)
        newer = MINTER.article(NEWER_RECORD["uri"])
        assert newer in incoming(Graph().parse(data=after.text, format="turtle"), PERSON)
        assert after.headers["Last-Modified"] == "Thu, 02 May 2024 10:30:00 GMT"
        assert after.headers["ETag"] != before.headers["ETag"]
        assert get(url, headers={"If-Modified-Since": before.headers["Last-Modified"]}).status == 200
        assert get(url, headers={"If-None-Match": before.headers["ETag"]}).status == 200
        assert get(url, headers={"If-None-Match": after.headers["ETag"]}).status == 304


# --- the HTML pages ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Anchor:
    href: str
    rel: str | None
    within: tuple[str, ...]
    """The class attributes of the elements around it, outermost first."""


class _Anchors(HTMLParser):
    VOID = {"meta", "link", "br", "img", "input", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, str]] = []
        self.found: list[Anchor] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "a":
            self.found.append(Anchor(attributes.get("href") or "", attributes.get("rel"),
                                     tuple(classes for _, classes in self.open)))
        elif tag not in self.VOID:
            self.open.append((tag, attributes.get("class") or ""))

    def handle_endtag(self, tag: str) -> None:
        if any(name == tag for name, _ in self.open):
            while self.open.pop()[0] != tag:
                pass


def anchors(text: str) -> list[Anchor]:
    parser = _Anchors()
    parser.feed(text)
    parser.close()
    return parser.found


def html_pages(server: str, resource: URIRef) -> list[str]:
    """Every HTML page of ``resource``, following the "Older" links (``rel="next"``)."""
    pages, url = [], document_url(server, resource)
    while url:
        answer = get(url, accept="text/html")
        assert answer.status == 200, answer.text
        pages.append(answer.text)
        older = [anchor.href for anchor in anchors(answer.text) if anchor.rel == "next"]
        url = urllib.parse.urljoin(url, older[0]) if older else None
        assert len(pages) <= 10, "the Older links do not end"
    return pages


def test_person_pages_list_every_article_and_event_once_with_counts(crowd):
    server, expected = crowd
    pages = html_pages(server, PERSON)
    assert len(pages) == -(-len(expected.person_links) // PAGE_SIZE)
    listed = [anchor.href for page in pages for anchor in anchors(page)
              if anchor.href.startswith(("/id/article/", "/id/event/"))]
    assert len(listed) == len(set(listed))
    assert set(listed) == {urllib.parse.urlsplit(iri).path for iri in expected.person_links}
    assert (f"{len(expected.person_links)} resources link here: {ARTICLES} articles, "
            f"{EVENTS + UNDATED_EVENTS} events.") in pages[0]
    assert f"Page 1 of {len(pages)} shows 1–{PAGE_SIZE}, newest first." in pages[0]
    newer = [[anchor.href for anchor in anchors(page) if anchor.rel == "prev"] for page in pages]
    assert newer[0] == [] and newer[1] == [urllib.parse.urlsplit(document_url(server, PERSON)).path]


def test_place_timeline_pages_hold_every_event_once(crowd):
    server, expected = crowd
    pages = html_pages(server, PLACE)
    assert len(pages) == -(-EVENTS // PAGE_SIZE) > 1
    per_page = [[anchor.href for anchor in anchors(page)
                 if "events timeline" in anchor.within and anchor.href.startswith("/id/event/")] for page in pages]
    assert [len(events) for events in per_page] == [PAGE_SIZE, EVENTS - PAGE_SIZE]
    date_of = {urllib.parse.urlsplit(event).path: date for event, date in expected.place_links.items()}
    assert {href for events in per_page for href in events} == set(date_of)
    first_page = [date_of[href] for href in per_page[0]]
    assert first_page == sorted(first_page)  # a timeline: oldest first on the page
    assert min(first_page) > max(date_of[href] for href in per_page[1])  # and the newest events on the first page
    assert f"{EVENTS} resources link here: {EVENTS} events." in pages[0]
    # no article links to the place: with several pages, the page says so of itself only
    assert "None on this page." in pages[0] and "No article mentions" not in pages[0]
