"""The remote store (kg.store.remote) against a real ``oxigraph serve``, side by side with the embedded store.

The behaviours every store must share run on three stores: the embedded one, and the remote
one writing through the Graph Store Protocol and through SPARQL Update. What only a remote
store has (timeouts, an unreachable server, the whole pipeline over HTTP) runs on it alone.
"""
from __future__ import annotations

import csv
import http.server
import io
import json
import threading
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from rdflib import XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from conftest import HARBOUR, HARBOUR_HEADLINE, free_port, run_kg, serve
from kg.config import Settings
from kg.pipeline import Piped, Preparer, store_all
from kg.sparql import NotAcceptable, QueryRequest, QuerySyntaxError, UpdateRequest
from kg.store import StoreError, open_store, select_text
from kg.store.remote import VERSION_GRAPH, RemoteStore
from kg.store.workers import QueryFailed, QueryTimeout
from kg.vocab import SCHEMA
from oxigraph_server import sparql_server

EX = Namespace("http://example.test/")
G1, G2 = EX["graph/one"], EX["graph/two"]
SHARED_TRIPLE = (EX.dpa, EX.name, Literal("dpa"))
TRICKY = Literal('Quotes " and braces } and\na new line \\ backslash', lang="en")


def graph_of(*triples) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


def nt(graph: Graph) -> str:
    """The graph as the store takes it."""
    return graph.serialize(format="nt")


FIRST = graph_of(
    (EX.a, EX.headline, Literal("Rivers rise in the north", lang="en")),
    (EX.a, EX.views, Literal(42)),
    (EX.a, EX.source, EX.dpa),
    SHARED_TRIPLE,
)
SECOND = graph_of(
    (EX.b, EX.headline, Literal("Markets close higher", lang="en")),
    (EX.b, EX.source, EX.dpa),
    SHARED_TRIPLE,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One SPARQL server for the module (Oxigraph unless KG_TEST_QUERY_URL names another);
    each test empties it first."""
    with sparql_server(tmp_path_factory.mktemp("oxigraph"), tmp_path_factory.mktemp("oxigraph-logs")) as running:
        yield running


def remote(server, writes: str = "gsp", **options) -> RemoteStore:
    server.update("DROP ALL")
    if writes == "gsp":
        return RemoteStore(server.query_url, graph_store_url=server.graph_store_url, **options)
    return RemoteStore(server.query_url, update_url=server.update_url, **options)


@pytest.fixture(params=["embedded", "remote-gsp", "remote-update"])
def store(request, tmp_path):
    if request.param == "embedded":
        opened = open_store(tmp_path / "store")
    else:
        opened = remote(request.getfixturevalue("server"), request.param.removeprefix("remote-"))
    yield opened
    opened.close()


@pytest.fixture
def filled(store):
    store.replace_graph(G1, nt(FIRST))
    store.replace_graph(G2, nt(SECOND))
    return store


def select(store, text: str) -> list[dict]:
    answer = store.query(QueryRequest(text, "application/sparql-results+json"))
    return json.loads(answer.body)["results"]["bindings"]


def one_number(store, text: str) -> int:
    (row,) = select(store, text)
    (value,) = row.values()
    return int(value["value"])


# --- What every store does -----------------------------------------------------------------------

def test_replacing_a_graph_twice_with_same_content_leaves_same_count(store):
    store.replace_graph(G1, nt(FIRST))
    once = (store.count(), store.quad_count())
    store.replace_graph(G1, nt(FIRST))
    assert (store.count(), store.quad_count()) == once == (len(FIRST), len(FIRST))


def test_replacing_with_different_content_removes_old_triples(store):
    store.replace_graph(G1, nt(FIRST))
    store.replace_graph(G1, nt(graph_of((EX.c, EX.headline, TRICKY))))
    assert store.triples(EX.a) == []
    assert store.triples(EX.c, EX.headline) == [(EX.c, EX.headline, TRICKY)]
    assert store.triples(None, None, TRICKY) == [(EX.c, EX.headline, TRICKY)]
    assert store.count() == 1
    assert store.graph_names() == [G1]


def test_remove_graph_deletes_only_that_graph(store):
    store.replace_graph(G1, nt(FIRST))
    store.replace_graph(G2, nt(SECOND))
    assert store.remove_graph(G1) is True
    assert store.graph_names() == [G2]
    assert store.triples(EX.a) == []
    assert set(store.triples()) == set(SECOND)
    assert store.remove_graph(G1) is False


def test_queries_see_union_of_named_graphs_as_default_graph(filled):
    rows = select(filled, "SELECT ?h WHERE { ?article <http://example.test/headline> ?h }")
    assert {row["h"]["value"] for row in rows} == {"Rivers rise in the north", "Markets close higher"}


def test_default_graph_uri_restricts_the_default_graph(filled):
    answer = filled.query(QueryRequest("SELECT ?h WHERE { ?a <http://example.test/headline> ?h }",
                                       "application/sparql-results+json", default_graphs=(str(G2),)))
    rows = json.loads(answer.body)["results"]["bindings"]
    assert [row["h"]["value"] for row in rows] == ["Markets close higher"]


def test_count_is_distinct_triples_and_quad_count_counts_each_graph(filled):
    assert filled.count() == len(FIRST) + len(SECOND) - 1
    assert filled.quad_count() == len(FIRST) + len(SECOND)
    assert filled.count() == one_number(
        filled, "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }") - (
        1 if isinstance(filled, RemoteStore) else 0)  # the remote store's version triple


def test_triples_are_distinct_across_graphs_and_honour_limit(filled):
    assert filled.triples(EX.dpa) == [SHARED_TRIPLE]
    assert filled.triples(*SHARED_TRIPLE) == [SHARED_TRIPLE]
    assert filled.triples(EX.a, EX.views, Literal(42)) == [(EX.a, EX.views, Literal(42))]
    assert filled.triples(EX.a, EX.views, Literal(43)) == []
    assert len(filled.triples(None, EX.source, EX.dpa)) == 2
    assert len(filled.triples(limit=2)) == 2
    assert len(filled.triples(None, EX.name, limit=5)) == 1


SELECT_HEADLINES = "SELECT ?a ?h WHERE { ?a <http://example.test/headline> ?h } ORDER BY ?h"
CONSTRUCT_FIRST = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <http://example.test/graph/one> { ?s ?p ?o } }"


def test_store_select_gives_terms_as_stored_and_leaves_unbound_variables_out(store):
    stamp = Literal("2021-03-18T09:45:00Z", datatype=XSD.dateTime, normalize=False)  # rdflib's own: +00:00
    store.replace_graph(G1, nt(graph_of((EX.a, EX.headline, Literal("Rivers rise", lang="en")),
                                        (EX.a, EX.published, stamp), (EX.a, EX.views, Literal(42)))))
    rows = store.select("SELECT ?p ?o ?missing WHERE { <http://example.test/a> ?p ?o } ORDER BY ?p")
    assert rows == [{"p": EX.headline, "o": Literal("Rivers rise", lang="en")},
                    {"p": EX.published, "o": stamp}, {"p": EX.views, "o": Literal(42)}]
    assert str(rows[1]["o"]) == "2021-03-18T09:45:00Z"
    assert select_text(store, "SELECT ?o WHERE { ?s <http://example.test/views> ?o }") == [{"o": "42"}]
    with pytest.raises(QuerySyntaxError):
        store.select("SELECT ?s WHERE { ?s")


def test_select_answers_json_by_default(filled):
    answer = filled.query(QueryRequest(SELECT_HEADLINES))
    assert answer.media_type.startswith("application/sparql-results+json")
    rows = json.loads(answer.body)["results"]["bindings"]
    assert [row["h"]["value"] for row in rows] == ["Markets close higher", "Rivers rise in the north"]
    assert rows[0]["h"]["xml:lang"] == "en"


def test_select_answers_xml_when_accepted(filled):
    answer = filled.query(QueryRequest(SELECT_HEADLINES, "application/sparql-results+xml"))
    assert answer.media_type.startswith("application/sparql-results+xml")
    root = ET.fromstring(answer.body)
    literals = [element.text for element in root.iter("{http://www.w3.org/2005/sparql-results#}literal")]
    assert literals == ["Markets close higher", "Rivers rise in the north"]


def test_select_answers_csv_and_tsv_when_accepted(filled):
    answer = filled.query(QueryRequest(SELECT_HEADLINES, "text/csv"))
    assert answer.media_type.split(";")[0] == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.body.decode("utf-8"))))
    assert rows[:2] == [["a", "h"], [str(EX.b), "Markets close higher"]]
    answer = filled.query(QueryRequest(SELECT_HEADLINES, "text/tab-separated-values"))
    assert answer.media_type.split(";")[0] == "text/tab-separated-values"
    lines = answer.body.decode("utf-8").splitlines()
    assert lines[1].split("\t") == [f"<{EX.b}>", '"Markets close higher"@en']


def test_accept_q_values_pick_the_preferred_format(filled):
    answer = filled.query(QueryRequest(SELECT_HEADLINES, "text/csv;q=0.4, application/sparql-results+xml;q=0.9"))
    assert answer.media_type.startswith("application/sparql-results+xml")


def test_ask_answers_boolean(filled):
    yes = filled.query(QueryRequest("ASK { ?s <http://example.test/source> <http://example.test/dpa> }"))
    no = filled.query(QueryRequest("ASK { ?s <http://example.test/source> <http://example.test/nobody> }"))
    assert json.loads(yes.body)["boolean"] is True
    assert json.loads(no.body)["boolean"] is False


@pytest.mark.parametrize(("accept", "rdflib_format"), [
    ("text/turtle", "turtle"),
    ("application/n-triples", "nt"),
    ("application/ld+json", "json-ld"),
])
def test_construct_answers_graph_in_accepted_format(filled, accept, rdflib_format):
    answer = filled.query(QueryRequest(CONSTRUCT_FIRST, accept))
    assert answer.media_type.split(";")[0] == accept
    assert isomorphic(Graph().parse(data=answer.body, format=rdflib_format), FIRST)


@pytest.mark.parametrize(("query", "accept", "kind"), [
    (SELECT_HEADLINES, "image/png", "table"),
    (SELECT_HEADLINES, "text/turtle", "table"),
    ("PREFIX ex: <http://example.test/>\n# a comment\n" + CONSTRUCT_FIRST, "text/csv", "graph"),
    ("ASK { ?s ?p ?o }", "application/ld+json", "table"),
])
def test_unacceptable_format_raises_not_acceptable(filled, query, accept, kind):
    with pytest.raises(NotAcceptable) as caught:
        filled.query(QueryRequest(query, accept))
    assert caught.value.kind == kind


def test_syntax_error_raises_query_syntax_error_with_parser_message(filled):
    with pytest.raises(QuerySyntaxError, match="expected"):
        filled.query(QueryRequest("SELECT ?s WHERE { ?s ?p }"))


def test_version_changes_after_each_write_and_not_after_reads(store):
    versions = [store.version()]
    store.replace_graph(G1, nt(FIRST))
    versions.append(store.version())
    store.count()
    store.triples(EX.a)
    select(store, SELECT_HEADLINES)
    assert store.version() == versions[-1]
    store.replace_graph(G1, nt(FIRST))
    versions.append(store.version())
    store.remove_graph(G1)
    versions.append(store.version())
    store.remove_graph(G1)  # nothing removed, nothing changed
    assert store.version() == versions[-1]
    assert len(set(versions)) == len(versions)


def test_turtle_dump_parses_back_to_count_distinct_triples(filled):
    output = io.BytesIO()
    filled.dump(output, "turtle")
    parsed = Graph().parse(data=output.getvalue(), format="turtle")
    assert len(parsed) == filled.count()
    assert set(parsed) == set(FIRST) | set(SECOND)


def test_nquads_dump_parses_back_to_quad_count_quads_in_their_graphs(filled):
    output = io.BytesIO()
    filled.dump(output, "nquads")
    dataset = Dataset()
    dataset.parse(data=output.getvalue(), format="nquads")
    quads = [quad for quad in dataset.quads((None, None, None, None)) if quad[3] is not None]
    assert len(quads) == filled.quad_count()
    assert set(dataset.graph(URIRef(G1))) == set(FIRST)
    assert set(dataset.graph(URIRef(G2))) == set(SECOND)


# --- What differs on a remote Oxigraph server ----------------------------------------------------

def test_oxigraph_union_is_a_bag_and_shows_the_version_triple_but_store_reads_are_sets(server):
    if not server.is_oxigraph:
        pytest.skip(f"checks the Oxigraph server's own union default graph, not {server.version}")
    # Documented in kg.store.remote: pins Oxigraph's behaviour, so a change there shows here.
    store = remote(server)
    store.replace_graph(G1, nt(FIRST))
    store.replace_graph(G2, nt(SECOND))
    rows = select(store, "SELECT ?n WHERE { <http://example.test/dpa> <http://example.test/name> ?n }")
    assert [row["n"]["value"] for row in rows] == ["dpa", "dpa"]
    assert one_number(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }") == store.quad_count() + 1
    assert VERSION_GRAPH not in store.graph_names()
    assert store.triples(VERSION_GRAPH) == []


def test_adding_to_a_graph_merges_and_keeps_the_union_a_set(store):
    assert not store.has_graph(G1)
    store.add_to_graph(G1, nt(FIRST))
    store.add_to_graph(G1, nt(SECOND))
    assert store.has_graph(G1)
    assert one_number(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {G1.n3()} {{ ?s ?p ?o }} }}") == 6
    assert store.count() == 6


@pytest.mark.parametrize("kind", ["embedded", "remote-update"])
def test_an_update_runs_with_its_using_graph_and_changes_the_version(kind, request, tmp_path):
    store = open_store(tmp_path / "store") if kind == "embedded" else remote(request.getfixturevalue("server"), "update")
    store.replace_graph(G1, nt(FIRST))
    store.replace_graph(G2, nt(SECOND))
    before = store.version()
    store.update(UpdateRequest(f"INSERT {{ GRAPH {EX.copied.n3()} {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o }}",
                               default_target=str(EX["graph/default"]), using_graphs=(str(G2),)))
    assert one_number(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {EX.copied.n3()} {{ ?s ?p ?o }} }}") == 3
    assert store.version() != before
    with pytest.raises(QuerySyntaxError):
        store.update(UpdateRequest("INSERT DATA { GRAPH <x:g> { <x:a> <x:b> } }", default_target=str(EX["graph/default"])))
    store.close()


def test_remote_answers_over_the_row_cap_are_refused_in_words(server):
    store = remote(server, max_answer_rows=2)
    store.replace_graph(G1, nt(FIRST))
    with pytest.raises(QueryFailed, match="more than the 2"):
        store.query(QueryRequest("SELECT * WHERE { ?s ?p ?o }"))


def test_remote_store_without_write_urls_refuses_writes_in_words(server):
    store = RemoteStore(server.query_url)
    with pytest.raises(StoreError, match="read-only"):
        store.replace_graph(G1, nt(FIRST))


def test_query_past_its_timeout_raises_query_timeout_promptly(server):
    store = remote(server)
    store.replace_graph(G1, nt(graph_of(*((EX[f"s{i}"], EX.n, Literal(i)) for i in range(30)))))
    cartesian = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(6)) + " }"
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="time limit of 1 s"):
        store.query(QueryRequest(cartesian), timeout=1)
    assert time.monotonic() - started < 5
    assert store.status()["timed_out"] == 1


def test_unreachable_server_raises_query_failed_in_words():
    store = RemoteStore(f"http://127.0.0.1:{free_port()}/query", timeout=5)
    with pytest.raises(QueryFailed, match="cannot be reached"):
        store.query(QueryRequest("ASK {}"))


def test_basic_auth_is_sent_when_credentials_are_given():
    seen: list[str | None] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen.append(self.headers.get("Authorization"))
            self.rfile.read(int(self.headers["Content-Length"]))
            body = b'{"head":{},"boolean":true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler) as httpd:
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        try:
            store = RemoteStore(f"http://127.0.0.1:{httpd.server_port}/query", username="reader", password="s3cret")
            answer = store.query(QueryRequest("ASK {}"))
        finally:
            httpd.shutdown()
    assert answer.media_type == "application/sparql-results+json"
    assert seen == ["Basic cmVhZGVyOnMzY3JldA=="]  # base64 of reader:s3cret


def test_pipeline_stores_an_article_that_queries_on_the_server_find(server):
    store = remote(server, "update")
    settings = Settings()
    preparer = Preparer(settings.base, settings.nlp_model)
    prepared = preparer(Piped(HARBOUR.encode("utf-8"), "harbour.txt"))
    outcomes = list(store_all(prepared, store, preparer.minter))
    assert [outcome.status for outcome in outcomes] == ["stored"], outcomes
    rows = select(store, f"SELECT ?h WHERE {{ ?article a {SCHEMA.NewsArticle.n3()} ; {SCHEMA.headline.n3()} ?h }}")
    assert HARBOUR_HEADLINE in {row["h"]["value"] for row in rows}
    again = list(store_all(preparer(Piped(HARBOUR.encode("utf-8"), "harbour.txt")), store, preparer.minter))
    assert [outcome.status for outcome in again] == ["unchanged"]


def test_kg_ingest_and_kg_serve_work_on_the_remote_store(server, tmp_path):
    """The whole product on a remote server: ingest with --store-url, then serve and query it."""
    server.update("DROP ALL")
    article = tmp_path / "harbour.txt"
    article.write_text(HARBOUR, encoding="utf-8")
    writes = {"KG_STORE_GRAPH_STORE_URL": server.graph_store_url}
    result = run_kg("ingest", "--store-url", server.query_url, "--store", tmp_path / "local", article,
                    cwd=tmp_path, env=writes)
    assert result.returncode == 0 and "1 stored" in result.stdout, result.stdout + result.stderr
    with serve(tmp_path / "local", tmp_path, {"KG_STORE_URL": server.query_url}) as url:
        query = urllib.parse.urlencode({"query": 'ASK { ?a <https://schema.org/headline> '
                                                 '"Port city bets on hydrogen ferries"@en }'})
        with urllib.request.urlopen(f"{url}/sparql?{query}") as response:
            assert json.load(response)["boolean"] is True
        with urllib.request.urlopen(url + "/id/article/news.example.org/business/hydrogen-ferries-7731") as page:
            assert b"Port city bets on hydrogen ferries" in page.read()
