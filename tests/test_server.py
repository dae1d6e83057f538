"""The HTTP server, started for real (``kg serve``) and spoken to over real HTTP."""
from __future__ import annotations

import csv
import gzip
import hashlib
import html
import http.client
import io
import json
import re
import urllib.parse

import pyoxigraph
import pytest
from rdflib import RDF, Dataset, Graph, Literal, Namespace, URIRef
from SPARQLWrapper import CSV, JSON, JSONLD, POST, POSTDIRECTLY, TSV, TURTLE, XML, SPARQLWrapper

from conftest import HARBOUR_HEADLINE, HARBOUR_URL, MARKUP_BODY_TAG, MARKUP_HEADLINE

SCHEMA = Namespace("https://schema.org/")
PREFIXES = "PREFIX schema: <https://schema.org/>\nPREFIX kg: <https://w3id.org/newskg/ns#>\n"
HEADLINES = PREFIXES + "SELECT ?a ?h WHERE { ?g kg:article ?a . ?a schema:headline ?h } ORDER BY ?h"
CONSTRUCT_HARBOUR = PREFIXES + f"""CONSTRUCT {{ ?a schema:headline ?h ; schema:url ?u }}
WHERE {{ ?a schema:url <{HARBOUR_URL}> ; schema:headline ?h ; schema:url ?u }}"""
COUNT_TRIPLES = "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"
COUNT_QUADS = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"


# --- helpers -----------------------------------------------------------------------------------

class Reply:
    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.status = response.status
        self.headers = response.headers
        self.body = response.read()

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def media_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip()


def request(base: str, method: str, path: str, *, headers: dict[str, str] | None = None,
            body: bytes | str | None = None) -> Reply:
    """One HTTP request, redirects not followed (curl-like)."""
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        return Reply(connection.getresponse())
    finally:
        connection.close()


def get(base: str, path: str, accept: str | None = None) -> Reply:
    return request(base, "GET", path, headers={"Accept": accept} if accept else {})


def client(base: str, query: str, return_format=JSON) -> SPARQLWrapper:
    sparql = SPARQLWrapper(base + "/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(return_format)
    return sparql


def bindings(base: str, query: str) -> list[dict]:
    return client(base, query).queryAndConvert()["results"]["bindings"]


def count(base: str, query: str) -> int:
    (row,) = bindings(base, query)
    return int(row["n"]["value"])


def path_of(iri: str) -> str:
    return urllib.parse.urlsplit(iri).path


@pytest.fixture(scope="module")
def harbour_iri(live_server) -> str:
    rows = bindings(live_server, PREFIXES + f"SELECT ?a WHERE {{ ?g kg:article ?a . ?a schema:url <{HARBOUR_URL}> }}")
    assert len(rows) == 1
    return rows[0]["a"]["value"]


@pytest.fixture(scope="module")
def markup_iri(live_server) -> str:
    rows = bindings(live_server, PREFIXES + "SELECT ?a ?h WHERE { ?g kg:article ?a . ?a schema:headline ?h }")
    (iri,) = [row["a"]["value"] for row in rows if row["h"]["value"] == MARKUP_HEADLINE]
    return iri


def parser_message(query: str) -> str:
    with pytest.raises(SyntaxError) as caught:
        pyoxigraph.Store().query(query)
    return str(caught.value)


# --- SPARQL endpoint ---------------------------------------------------------------------------

def test_select_as_json_lists_ingested_headlines(live_server):
    rows = bindings(live_server, HEADLINES)
    assert sorted(row["h"]["value"] for row in rows) == sorted(live_server.headlines)


def test_select_as_xml(live_server):
    document = client(live_server, HEADLINES, XML).queryAndConvert()
    literals = [node.firstChild.data for node in document.getElementsByTagName("literal")]
    assert sorted(literals) == sorted(live_server.headlines)


def test_select_as_csv(live_server):
    response = client(live_server, HEADLINES, CSV).query().response
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.read().decode("utf-8"))))
    assert sorted(row["h"] for row in rows) == sorted(live_server.headlines)


def test_select_as_tsv(live_server):
    response = client(live_server, HEADLINES, TSV).query().response
    assert response.headers["Content-Type"].startswith("text/tab-separated-values")
    lines = response.read().decode("utf-8").splitlines()
    assert lines[0].split("\t") == ["?a", "?h"]
    assert any(line.split("\t")[1].startswith(f'"{HARBOUR_HEADLINE}"') for line in lines[1:])
    assert len(lines) == 1 + len(live_server.headlines)


def test_ask_answers_true_and_false(live_server):
    yes = PREFIXES + f'ASK {{ ?a schema:headline ?h FILTER(STR(?h) = "{HARBOUR_HEADLINE}") }}'
    no = PREFIXES + 'ASK { ?a schema:headline "A headline nobody wrote" }'
    assert client(live_server, yes).queryAndConvert()["boolean"] is True
    assert client(live_server, no).queryAndConvert()["boolean"] is False


def expected_harbour_graph(harbour_iri: str) -> set:
    return {(URIRef(harbour_iri), SCHEMA.headline, Literal(HARBOUR_HEADLINE, lang="en")),
            (URIRef(harbour_iri), SCHEMA.url, URIRef(HARBOUR_URL))}


def test_construct_as_turtle(live_server, harbour_iri):
    response = client(live_server, CONSTRUCT_HARBOUR, TURTLE).query().response
    assert response.headers["Content-Type"].startswith("text/turtle")
    assert set(Graph().parse(data=response.read(), format="turtle")) == expected_harbour_graph(harbour_iri)


def test_construct_as_json_ld(live_server, harbour_iri):
    response = client(live_server, CONSTRUCT_HARBOUR, JSONLD).query().response
    assert response.headers["Content-Type"].startswith("application/ld+json")
    assert set(Graph().parse(data=response.read(), format="json-ld")) == expected_harbour_graph(harbour_iri)


def test_construct_as_n_triples(live_server, harbour_iri):
    sparql = client(live_server, CONSTRUCT_HARBOUR, TURTLE)
    sparql.setOnlyConneg(True)
    sparql.addCustomHttpHeader("Accept", "application/n-triples")
    response = sparql.query().response
    assert response.headers["Content-Type"].startswith("application/n-triples")
    assert set(Graph().parse(data=response.read(), format="nt")) == expected_harbour_graph(harbour_iri)


def test_organization_described_by_two_articles_is_one_solution_of_default_graph(live_server):
    # Both of our own articles name their publisher after the host news.example.org, so the
    # publisher's name is stated in two article graphs; the default graph, their union, is a
    # set of triples and holds that triple once.
    query = PREFIXES + 'SELECT ?o WHERE { ?o schema:name ?n FILTER(STR(?n) = "news.example.org") }'
    assert len(bindings(live_server, query)) == 1


@pytest.mark.parametrize("method", ["GET", "POST form", "POST direct"])
def test_query_by_get_post_form_and_post_direct_all_answer(live_server, method):
    sparql = client(live_server, HEADLINES)
    if method != "GET":
        sparql.setMethod(POST)
    if method == "POST direct":
        sparql.setRequestMethod(POSTDIRECTLY)
    rows = sparql.queryAndConvert()["results"]["bindings"]
    assert sorted(row["h"]["value"] for row in rows) == sorted(live_server.headlines)


def test_post_direct_over_raw_http_answers(live_server):
    reply = request(live_server, "POST", "/sparql", body=HEADLINES.encode("utf-8"),
                    headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert reply.status == 200 and reply.media_type == "text/csv"
    assert HARBOUR_HEADLINE in reply.text


def test_syntax_error_is_400_with_parser_message(live_server):
    bad = "SELECT ?s WHERE { ?s ?p "
    reply = get(live_server, "/sparql?" + urllib.parse.urlencode({"query": bad}))
    assert reply.status == 400
    assert parser_message(bad) in reply.text


def test_post_as_text_plain_is_415(live_server):
    reply = request(live_server, "POST", "/sparql", body=HEADLINES.encode("utf-8"),
                    headers={"Content-Type": "text/plain"})
    assert reply.status == 415


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_update_request_is_refused_403_and_changes_nothing(live_server, method):
    before = count(live_server, COUNT_QUADS)
    update = {"update": "INSERT DATA { <http://example.test/s> <http://example.test/p> 'x' }"}
    if method == "GET":
        reply = get(live_server, "/sparql?" + urllib.parse.urlencode(update))
    else:
        reply = request(live_server, "POST", "/sparql", body=urllib.parse.urlencode(update),
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status == 403
    assert count(live_server, COUNT_QUADS) == before


def test_format_parameter_overrides_accept(live_server):
    path = "/sparql?" + urllib.parse.urlencode({"query": HEADLINES, "format": "csv"})
    reply = get(live_server, path, accept="application/sparql-results+json")
    assert reply.status == 200
    assert reply.media_type == "text/csv"
    assert next(csv.reader(io.StringIO(reply.text))) == ["a", "h"]


def test_unknown_format_parameter_is_400(live_server):
    reply = get(live_server, "/sparql?" + urllib.parse.urlencode({"query": HEADLINES, "format": "png"}))
    assert reply.status == 400
    assert "png" in reply.text


def test_accept_image_png_on_select_is_406(live_server):
    reply = get(live_server, "/sparql?" + urllib.parse.urlencode({"query": HEADLINES}), accept="image/png")
    assert reply.status == 406


def test_missing_query_is_400(live_server):
    assert get(live_server, "/sparql", accept="application/sparql-results+json").status == 400


def test_browser_without_query_gets_query_form(live_server):
    reply = get(live_server, "/sparql", accept="text/html")
    assert reply.status == 200 and reply.media_type == "text/html"
    assert "<form" in reply.text


# --- Linked data ---------------------------------------------------------------------------------

def test_article_iri_redirects_303_to_its_document(live_server, harbour_iri):
    reply = get(live_server, path_of(harbour_iri), accept="text/turtle")
    assert reply.status == 303
    location = urllib.parse.urljoin(live_server + path_of(harbour_iri), reply.headers["Location"])
    assert urllib.parse.urlsplit(location).path == path_of(harbour_iri).replace("/id/", "/doc/", 1)


def test_following_redirect_with_turtle_gives_article_description(live_server, harbour_iri):
    location = get(live_server, path_of(harbour_iri), accept="text/turtle").headers["Location"]
    reply = get(live_server, urllib.parse.urljoin(path_of(harbour_iri), location), accept="text/turtle")
    assert reply.status == 200 and reply.media_type == "text/turtle"
    graph = Graph().parse(data=reply.body, format="turtle")
    assert str(graph.value(URIRef(harbour_iri), SCHEMA.headline)) == HARBOUR_HEADLINE
    assert graph.value(URIRef(harbour_iri), SCHEMA.url) == URIRef(HARBOUR_URL)


def doc_path(iri: str) -> str:
    return path_of(iri).replace("/id/", "/doc/", 1)


def test_document_as_html_shows_headline(live_server, harbour_iri):
    reply = get(live_server, doc_path(harbour_iri), accept="text/html")
    assert reply.status == 200 and reply.media_type == "text/html"
    assert f"<h1>{html.escape(HARBOUR_HEADLINE)}</h1>" in reply.text


def test_id_with_html_accept_also_redirects_303(live_server, harbour_iri):
    reply = get(live_server, path_of(harbour_iri), accept="text/html")
    assert reply.status == 303
    assert doc_path(harbour_iri) in reply.headers["Location"]


@pytest.mark.parametrize(("extension", "media_type", "rdflib_format"), [
    ("ttl", "text/turtle", "turtle"),
    ("jsonld", "application/ld+json", "json-ld"),
    ("nt", "application/n-triples", "nt"),
    ("rdf", "application/rdf+xml", "xml"),
])
def test_document_extension_overrides_accept(live_server, harbour_iri, extension, media_type, rdflib_format):
    reply = get(live_server, f"{doc_path(harbour_iri)}.{extension}", accept="text/html")
    assert reply.status == 200
    assert reply.media_type == media_type
    graph = Graph().parse(data=reply.body, format=rdflib_format)
    assert str(graph.value(URIRef(harbour_iri), SCHEMA.headline)) == HARBOUR_HEADLINE


def test_document_sends_vary_and_alternate_links(live_server, harbour_iri):
    reply = get(live_server, doc_path(harbour_iri), accept="text/turtle")
    assert "Accept" in reply.headers.get("Vary", "")
    link = reply.headers.get("Link", "")
    alternates = re.findall(r'<([^>]+)>;\s*rel="alternate";\s*type="([^"]+)"', link)
    types = {media_type for _, media_type in alternates}
    assert {"text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"} <= types
    for target, media_type in alternates:
        followed = get(live_server, urllib.parse.urljoin(doc_path(harbour_iri), target))
        assert followed.status == 200 and followed.media_type == media_type


def test_unknown_resource_is_404(live_server):
    assert get(live_server, "/id/article/news.example.org/never/published-0000", accept="text/turtle").status == 404
    assert get(live_server, "/doc/article/news.example.org/never/published-0000", accept="text/turtle").status == 404


def test_document_with_unacceptable_type_is_406(live_server, harbour_iri):
    assert get(live_server, doc_path(harbour_iri), accept="image/png").status == 406


def test_organization_shared_by_articles_is_dereferenceable(live_server, harbour_iri):
    rows = bindings(live_server, PREFIXES + f"SELECT DISTINCT ?o WHERE {{ <{harbour_iri}> schema:sourceOrganization ?o . "
                                            '?o schema:name "AFP" }')
    (org,) = [row["o"]["value"] for row in rows]
    reply = get(live_server, doc_path(org), accept="text/turtle")
    assert reply.status == 200
    graph = Graph().parse(data=reply.body, format="turtle")
    assert (URIRef(harbour_iri), SCHEMA.sourceOrganization, URIRef(org)) in graph


# --- Markup in articles is shown, never run ------------------------------------------------------

def test_html_document_escapes_markup_from_article(live_server, markup_iri):
    reply = get(live_server, doc_path(markup_iri), accept="text/html")
    assert reply.status == 200
    page = reply.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert MARKUP_BODY_TAG not in page


def test_embedded_json_ld_cannot_close_its_script_element(live_server, markup_iri):
    page = get(live_server, doc_path(markup_iri), accept="text/html").text
    opening = '<script type="application/ld+json">'
    assert page.count(opening) == 1
    embedded = page.split(opening, 1)[1].split("</script>", 1)[0]
    assert "<script" not in embedded.lower() and "</script" not in embedded.lower()
    assert "<img" not in embedded
    graph = Graph().parse(data=embedded, format="json-ld")
    assert str(graph.value(URIRef(markup_iri), SCHEMA.headline)) == MARKUP_HEADLINE


def test_home_page_lists_article_headlines_escaped(live_server):
    reply = get(live_server, "/", accept="text/html")
    assert reply.status == 200
    for headline in live_server.headlines:
        assert html.escape(headline, quote=False) in reply.text
    assert "<script>alert" not in reply.text


# --- Dumps and health ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dump_files(live_server) -> dict[str, bytes]:
    files = {}
    for name in ("kg.ttl.gz", "kg.nq.gz"):
        reply = get(live_server, f"/dumps/{name}")
        assert reply.status == 200, reply.text
        files[name] = reply.body
    return files


def test_turtle_dump_has_the_distinct_triples_the_endpoint_counts(live_server, dump_files):
    graph = Graph().parse(data=gzip.decompress(dump_files["kg.ttl.gz"]), format="turtle")
    assert len(graph) == count(live_server, COUNT_TRIPLES) > 0


def test_nquads_dump_has_the_quads_the_endpoint_counts(live_server, dump_files):
    dataset = Dataset()
    dataset.parse(data=gzip.decompress(dump_files["kg.nq.gz"]), format="nquads")
    quads = [quad for quad in dataset.quads((None, None, None, None)) if quad[3] is not None]
    assert len(quads) == count(live_server, COUNT_QUADS)
    # Articles share their agencies' descriptions, so there are more quads than distinct triples.
    assert len(quads) > count(live_server, COUNT_TRIPLES)


def test_dump_listing_names_both_dumps_with_their_sha256(live_server, dump_files):
    reply = get(live_server, "/dumps/", accept="text/html")
    assert reply.status == 200
    for name, data in dump_files.items():
        assert name in reply.text
        assert hashlib.sha256(data).hexdigest() in reply.text


def test_dump_download_answers_304_to_its_etag(live_server, dump_files):
    first = get(live_server, "/dumps/kg.nq.gz")
    etag = first.headers["ETag"]
    assert etag
    again = request(live_server, "GET", "/dumps/kg.nq.gz", headers={"If-None-Match": etag})
    assert again.status == 304
    assert again.body == b""


def test_unknown_dump_is_404(live_server):
    assert get(live_server, "/dumps/kg.rdf.gz").status == 404


def test_health_is_json_ok(live_server):
    reply = get(live_server, "/health")
    assert reply.status == 200 and reply.media_type == "application/json"
    assert json.loads(reply.body)["status"] == "ok"


@pytest.mark.parametrize(("accept", "rdflib_format"), [("text/turtle", "turtle"), ("application/rdf+xml", "xml"),
                                                        ("application/ld+json", "json-ld")])
def test_endpoint_without_query_describes_itself_as_a_sparql_service(live_server, accept, rdflib_format):
    reply = get(live_server, "/sparql", accept=accept)
    assert reply.status == 200 and reply.media_type == accept
    description = Graph().parse(data=reply.text, format=rdflib_format)
    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = URIRef(live_server + "/sparql")
    assert (service, RDF.type, sd.Service) in description
    assert (service, sd.endpoint, service) in description
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in description
    assert (service, sd.resultFormat, URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in description
    assert (service, sd.feature, sd.UnionDefaultGraph) in description


def test_document_revalidation_with_its_etag_gets_304(live_server, harbour_iri):
    document = path_of(harbour_iri).replace("/id/", "/doc/", 1) + ".ttl"
    first = get(live_server, document)
    etag = first.headers["ETag"]
    assert first.status == 200 and etag
    assert request(live_server, "GET", document, headers={"If-None-Match": etag}).status == 304
    assert request(live_server, "GET", document, headers={"If-None-Match": '"other"'}).status == 200


def test_json_ld_document_reads_as_plain_schema_org(live_server, harbour_iri):
    document = path_of(harbour_iri).replace("/id/", "/doc/", 1) + ".jsonld"
    data = json.loads(get(live_server, document).text)
    assert data["@context"]["@vocab"] == "https://schema.org/"
    nodes = data.get("@graph", [data])
    article = next(node for node in nodes if node["@id"] == harbour_iri)
    assert article["@type"] == "NewsArticle" and "headline" in article and "datePublished" in article


def test_site_icon_is_linked_from_pages_and_found_at_the_address_browsers_guess(live_server):
    home = get(live_server, "/", "text/html")
    icon = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)"', home.text)
    assert icon, "the pages link no icon"
    guessed = get(live_server, "/favicon.ico")
    assert guessed.status == 301 and urllib.parse.urlsplit(guessed.headers["Location"]).path == icon.group(1)
    served = get(live_server, icon.group(1))
    assert served.status == 200 and served.media_type == "image/svg+xml" and b"<svg" in served.body
