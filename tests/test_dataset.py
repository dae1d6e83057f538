"""Dataset publication over real HTTP: dumps, the VoID/DCAT description, sitemap, ontology and shapes."""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import http.client
import json
import urllib.parse
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest
from rdflib import OWL, RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, SKOS, VOID

from conftest import HARBOUR_URL
from kg.config import Settings
from kg.store import open_store
from kg.store.workers import QueryWorkers
from server import create_app, dataset

SCHEMA = Namespace("https://schema.org/")
KG = Namespace("https://w3id.org/newskg/ns#")
SH = Namespace("http://www.w3.org/ns/shacl#")
# Plain namespaces: pytest probing rdflib's closed ones at module level makes them warn.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
BASE = "http://127.0.0.1:5000/"  # the default base IRI, which the live server mints under
DATASET = URIRef(BASE + "dataset")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
COUNT_TRIPLES = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
COUNT_QUADS = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
COUNT_ARTICLES = "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s a <https://schema.org/NewsArticle> }"
COUNT_GEONAMES = """SELECT (COUNT(*) AS ?n) { ?s <http://www.w3.org/2002/07/owl#sameAs> ?o
                    FILTER(STRSTARTS(STR(?o), "https://sws.geonames.org/")) }"""


class Reply:
    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.status = response.status
        self.headers = response.headers
        self.body = response.read()
        self.media_type = (self.headers.get("Content-Type") or "").split(";")[0].strip()

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def request(base: str, method: str, path: str, headers: dict[str, str] | None = None) -> Reply:
    """One HTTP request, redirects not followed."""
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, path, headers=headers or {})
        return Reply(connection.getresponse())
    finally:
        connection.close()


def get(base: str, path: str, accept: str | None = None) -> Reply:
    return request(base, "GET", path, headers={"Accept": accept} if accept else {})


def count(base: str, query: str) -> int:
    """The ``?n`` the SPARQL endpoint answers to ``query``."""
    reply = get(base, "/sparql?" + urllib.parse.urlencode({"query": query}), accept="application/sparql-results+json")
    assert reply.status == 200, reply.text
    (row,) = json.loads(reply.body)["results"]["bindings"]
    return int(row["n"]["value"])


def graph_of(live_server, path: str, accept: str, rdflib_format: str) -> Graph:
    reply = get(live_server, path, accept=accept)
    assert reply.status == 200, reply.text
    assert reply.media_type == accept
    return Graph().parse(data=reply.body, format=rdflib_format)


@pytest.fixture(scope="module")
def listing(live_server) -> dict[str, dict]:
    """The dumps listing as JSON; asking for it makes the dumps."""
    reply = get(live_server, "/dumps/", accept="application/json")
    assert reply.status == 200 and reply.media_type == "application/json", reply.text
    return {dump["file"]: dump for dump in json.loads(reply.body)["dumps"]}


@pytest.fixture(scope="module")
def void(live_server, listing) -> Graph:
    """The description once the dumps are made, so that every later fetch of it is the same graph."""
    return graph_of(live_server, "/.well-known/void", "text/turtle", "turtle")


# --- VoID and DCAT ---------------------------------------------------------------------------------

def test_void_is_a_void_and_dcat_dataset_with_title_licence_endpoint_and_uri_space(void):
    types = set(void.objects(DATASET, RDF.type))
    assert {VOID.Dataset, DCAT.Dataset} <= types
    assert void.value(DATASET, DCTERMS.title) is not None
    assert void.value(DATASET, DCTERMS.description) is not None
    assert void.value(DATASET, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef(BASE + "sparql")
    assert void.value(DATASET, VOID.uriSpace) == Literal(BASE + "id/")
    assert {URIRef(str(SCHEMA)), URIRef("https://w3id.org/newskg/ns")} <= set(void.objects(DATASET, VOID.vocabulary))


def test_void_lists_both_dumps_as_data_dumps_and_distributions(void):
    dumps = {URIRef(BASE + "dumps/kg.ttl.gz"), URIRef(BASE + "dumps/kg.nq.gz")}
    assert set(void.objects(DATASET, VOID.dataDump)) == dumps
    distributions = list(void.objects(DATASET, DCAT.distribution))
    assert {void.value(d, DCAT.downloadURL) for d in distributions} == dumps
    assert all(void.value(d, DCAT.mediaType) is not None for d in distributions)


def test_void_triples_equal_the_endpoints_distinct_triple_count(live_server, void):
    assert int(void.value(DATASET, VOID.triples)) == count(live_server, COUNT_TRIPLES) > 0
    for statistic in (VOID.entities, VOID.distinctSubjects, VOID.properties, VOID.classes):
        assert int(void.value(DATASET, statistic)) > 0


def test_void_has_a_news_article_class_partition_with_the_right_count(live_server, void):
    partitions = [p for p in void.objects(DATASET, VOID.classPartition) if void.value(p, VOID["class"]) == SCHEMA.NewsArticle]
    assert len(partitions) == 1 and isinstance(partitions[0], URIRef)
    assert int(void.value(partitions[0], VOID.entities)) == count(live_server, COUNT_ARTICLES) > 0
    headline = [p for p in void.objects(DATASET, VOID.propertyPartition) if void.value(p, VOID.property) == SCHEMA.headline]
    assert len(headline) == 1 and int(void.value(headline[0], VOID.triples)) > 0


def test_void_geonames_linkset_counts_the_endpoints_geonames_same_as_links(live_server, void):
    linksets = [s for s in void.subjects(RDF.type, VOID.Linkset) if void.value(s, VOID.linkPredicate) == OWL.sameAs]
    geonames = [s for s in linksets
                if any(void.value(t, VOID.uriSpace) == Literal("https://sws.geonames.org/")
                       for t in void.objects(s, VOID.target))]
    assert len(geonames) == 1
    assert DATASET in set(void.objects(geonames[0], VOID.target))
    assert int(void.value(geonames[0], VOID.triples)) == count(live_server, COUNT_GEONAMES)


def test_void_example_resources_are_articles(void):
    examples = list(void.objects(DATASET, VOID.exampleResource))
    assert examples and all(str(e).startswith(BASE + "id/article/") for e in examples)


def test_void_parses_as_json_ld_ntriples_and_rdf_xml_to_the_same_graph(live_server, void):
    for accept, rdflib_format in (("application/ld+json", "json-ld"), ("application/n-triples", "nt"),
                                  ("application/rdf+xml", "xml")):
        assert isomorphic(graph_of(live_server, "/dataset", accept, rdflib_format), void), accept


def test_well_known_void_and_dataset_agree(live_server, void):
    assert isomorphic(graph_of(live_server, "/dataset", "text/turtle", "turtle"), void)
    assert isomorphic(Graph().parse(data=get(live_server, "/dataset.ttl").body, format="turtle"), void)


def test_dataset_description_has_no_blank_nodes(void):
    assert not any(isinstance(term, BNode) for triple in void for term in triple)


# --- Dumps -----------------------------------------------------------------------------------------

def test_dump_listing_as_json_has_sha256_of_the_downloaded_files_and_matching_counts(live_server, listing):
    assert set(listing) == {"kg.ttl.gz", "kg.nq.gz"}
    for name, dump in listing.items():
        reply = get(live_server, f"/dumps/{name}")
        assert reply.status == 200
        assert dump["sha256"] == hashlib.sha256(reply.body).hexdigest()
        assert dump["size"] == len(reply.body)
        assert urllib.parse.urlsplit(dump["url"]).path == f"/dumps/{name}"
    assert listing["kg.ttl.gz"]["count"] == count(live_server, COUNT_TRIPLES) > 0
    assert listing["kg.nq.gz"]["count"] == count(live_server, COUNT_QUADS) > 0
    turtle = Graph().parse(data=gzip.decompress(get(live_server, "/dumps/kg.ttl.gz").body), format="turtle")
    assert len(turtle) == listing["kg.ttl.gz"]["count"]


def test_dump_listing_html_shows_the_counts(live_server, listing):
    reply = get(live_server, "/dumps/", accept="text/html")
    assert reply.status == 200 and reply.media_type == "text/html"
    assert f"{listing['kg.nq.gz']['count']:,}" in reply.text


def test_void_distributions_give_the_size_and_sha256_of_made_dumps(void, listing):
    sizes = {str(void.value(d, DCAT.downloadURL)).rsplit("/", 1)[1]: void.value(d, DCAT.byteSize)
             for d in void.objects(DATASET, DCAT.distribution)}
    assert {name: int(size) for name, size in sizes.items()} == {name: d["size"] for name, d in listing.items()}
    spdx = Namespace("http://spdx.org/rdf/terms#")
    digests = {str(void.value(checksum, spdx.checksumValue)) for d in void.objects(DATASET, DCAT.distribution)
               for checksum in void.objects(d, spdx.checksum)}
    assert digests == {d["sha256"] for d in listing.values()}


def test_dump_range_request_gets_206_with_100_bytes(live_server, listing):
    reply = request(live_server, "GET", "/dumps/kg.ttl.gz", headers={"Range": "bytes=0-99"})
    assert reply.status == 206
    assert len(reply.body) == 100
    assert reply.headers["Content-Range"] == f"bytes 0-99/{listing['kg.ttl.gz']['size']}"


def test_dump_answers_304_to_its_etag_and_gives_its_making_time(live_server, listing):
    first = get(live_server, "/dumps/kg.ttl.gz")
    assert first.headers["ETag"].strip('"') == listing["kg.ttl.gz"]["sha256"]
    assert first.media_type == "application/gzip"
    made = listing["kg.ttl.gz"]["modified"]
    assert parsedate_to_datetime(first.headers["Last-Modified"]) == dt.datetime.fromisoformat(made)
    again = request(live_server, "GET", "/dumps/kg.ttl.gz", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status == 304 and again.body == b""


# --- Sitemap ---------------------------------------------------------------------------------------

def test_sitemap_parses_as_xml_and_lists_the_home_page_and_the_articles_doc_page(live_server):
    reply = get(live_server, "/sitemap.xml")
    assert reply.status == 200 and reply.media_type == "application/xml"
    root = ET.fromstring(reply.body)
    assert root.tag == SITEMAP + "urlset"
    urls = {url.findtext(SITEMAP + "loc"): url.findtext(SITEMAP + "lastmod") for url in root.iter(SITEMAP + "url")}
    assert live_server + "/" in urls
    harbour = live_server + "/doc/article/" + HARBOUR_URL.removeprefix("https://")
    assert harbour in urls
    assert urls[harbour].startswith("2021-03-18")
    assert any("/doc/place/" in url for url in urls)
    assert len(urls) <= 50_000


def test_sitemap_pages_beyond_the_last_are_404(live_server):
    assert get(live_server, "/sitemap-1.xml").status == 200
    assert get(live_server, "/sitemap-2.xml").status == 404


# --- Ontology and shapes ---------------------------------------------------------------------------

def test_ontology_as_turtle_has_the_article_graph_class_and_the_event_type_scheme(live_server):
    ontology = graph_of(live_server, "/ontology", "text/turtle", "turtle")
    assert (KG.ArticleGraph, RDF.type, OWL.Class) in ontology
    assert (KG.EventTypes, RDF.type, SKOS.ConceptScheme) in ontology


def test_shapes_ttl_extension_parses_and_has_node_shapes(live_server):
    reply = get(live_server, "/shapes.ttl")
    assert reply.status == 200 and reply.media_type == "text/turtle"
    shapes = Graph().parse(data=reply.body, format="turtle")
    assert len(set(shapes.subjects(RDF.type, SH.NodeShape))) >= 2


def test_ontology_and_shapes_extensions_give_each_format(live_server):
    for path in ("/ontology", "/shapes", "/dataset"):
        for extension, rdflib_format in (("jsonld", "json-ld"), ("nt", "nt"), ("rdf", "xml")):
            reply = get(live_server, f"{path}.{extension}")
            assert reply.status == 200, (path, extension)
            assert len(Graph().parse(data=reply.body, format=rdflib_format)) > 0
    assert get(live_server, "/ontology.exe").status == 404


@pytest.mark.parametrize("path, expected", [
    ("/dataset", "schema:NewsArticle"), ("/.well-known/void", "GeoNames"),
    ("/ontology", "article graph"), ("/shapes", "exactly one headline"), ("/ontology.html", "trigger lemma"),
])
def test_html_variants_answer_200_with_text_html(live_server, path, expected):
    reply = get(live_server, path, accept="text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
    assert reply.status == 200
    assert reply.media_type == "text/html"
    assert expected in reply.text


def test_home_page_links_to_dataset_ontology_shapes_and_sitemap(live_server):
    reply = get(live_server, "/", accept="text/html")
    for path in ("/dataset", "/ontology", "/shapes", "/sitemap.xml"):
        assert f'href="{path}"' in reply.text


def test_unacceptable_format_is_406(live_server):
    assert get(live_server, "/dataset", accept="image/png").status == 406


def test_dataset_literal_counts_are_integers(void):
    assert void.value(DATASET, VOID.triples).datatype == XSD.integer


def test_sitemap_over_the_page_limit_becomes_an_index_of_pages_holding_every_url_once(live_server, monkeypatch):
    store = open_store(live_server.store, read_only=True)
    queries = QueryWorkers(live_server.store, 1, 10, 10, 1 << 20, 100_000)
    try:
        client = create_app(Settings(store=live_server.store), store, queries).test_client()
        whole = ET.fromstring(client.get("/sitemap.xml").data)
        expected = [loc.text.removeprefix("http://localhost") for loc in whole.iter(SITEMAP + "loc")]
        monkeypatch.setattr(dataset, "SITEMAP_URLS", 10)
        index = ET.fromstring(client.get("/sitemap.xml").data)
        assert index.tag == SITEMAP + "sitemapindex"
        pages = [loc.text.removeprefix("http://localhost") for loc in index.iter(SITEMAP + "loc")]
        assert len(pages) == (len(expected) + 9) // 10 > 1
        urls = []
        for page in pages:
            urlset = ET.fromstring(client.get(page).data)
            urls += [loc.text.removeprefix("http://localhost") for loc in urlset.iter(SITEMAP + "loc")]
        assert urls == expected
        assert client.get(f"/sitemap-{len(pages) + 1}.xml").status_code == 404
    finally:
        queries.close()
        store.close()
