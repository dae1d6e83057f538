"""The embedded store (kg.store.open_store): named graphs, union queries, answer formats, dumps."""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph
import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from kg.sparql import NotAcceptable, QueryRequest, QuerySyntaxError
from kg.store import StoreError, open_store

EX = Namespace("http://example.test/")
G1, G2 = EX["graph/one"], EX["graph/two"]
SHARED_TRIPLE = (EX.dpa, EX.name, Literal("dpa"))


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


@pytest.fixture
def store(tmp_path):
    opened = open_store(tmp_path / "store")
    yield opened
    opened.close()


def select(store, text: str) -> list[dict]:
    answer = store.query(QueryRequest(text, "application/sparql-results+json"))
    return json.loads(answer.body)["results"]["bindings"]


def one_number(store, text: str) -> int:
    (row,) = select(store, text)
    (value,) = row.values()
    return int(value["value"])


def test_replacing_a_graph_twice_with_same_content_leaves_same_count(store):
    store.replace_graph(G1, nt(FIRST))
    once = (store.count(), store.quad_count())
    store.replace_graph(G1, nt(FIRST))
    assert (store.count(), store.quad_count()) == once == (len(FIRST), len(FIRST))


def test_a_graph_that_is_not_n_triples_is_refused_and_the_stored_one_kept(store):
    store.replace_graph(G1, nt(FIRST))
    with pytest.raises(ValueError, match="not N-Triples"):
        store.replace_graph(G1, "<http://example.test/a> <http://example.test/headline> unquoted words .\n")
    assert store.count() == len(FIRST)
    assert set(store.triples(EX.a)) == {triple for triple in FIRST if triple[0] == EX.a}


def test_replacing_with_different_content_removes_old_triples(store):
    store.replace_graph(G1, nt(FIRST))
    tricky = Literal('Quotes " and braces } and\na new line \\ backslash', lang="en")
    store.replace_graph(G1, nt(graph_of((EX.c, EX.headline, tricky))))
    assert store.triples(EX.a) == []
    assert store.triples(EX.c, EX.headline) == [(EX.c, EX.headline, tricky)]
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


def test_queries_see_union_of_named_graphs_as_default_graph(store):
    store.replace_graph(G1, nt(FIRST))
    store.replace_graph(G2, nt(SECOND))
    rows = select(store, "SELECT ?h WHERE { ?article <http://example.test/headline> ?h }")
    assert {row["h"]["value"] for row in rows} == {"Rivers rise in the north", "Markets close higher"}


def test_triple_stated_in_two_graphs_is_one_solution_of_default_graph_query(store):
    # The default graph is the union (an RDF merge, a set) of the named graphs, not a bag of quads.
    store.replace_graph(G1, nt(FIRST))
    store.replace_graph(G2, nt(SECOND))
    rows = select(store, "SELECT ?n WHERE { <http://example.test/dpa> <http://example.test/name> ?n }")
    assert [row["n"]["value"] for row in rows] == ["dpa"]
    assert one_number(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == store.count()


def test_default_graph_uri_restricts_the_default_graph(store):
    store.replace_graph(G1, nt(FIRST))
    store.replace_graph(G2, nt(SECOND))
    answer = store.query(QueryRequest("SELECT ?h WHERE { ?a <http://example.test/headline> ?h }",
                                      "application/sparql-results+json", default_graphs=(str(G2),)))
    rows = json.loads(answer.body)["results"]["bindings"]
    assert [row["h"]["value"] for row in rows] == ["Markets close higher"]


def test_count_is_distinct_triples_and_quad_count_counts_each_graph(store):
    store.replace_graph(G1, nt(FIRST))
    store.replace_graph(G2, nt(SECOND))
    assert store.count() == len(FIRST) + len(SECOND) - 1
    assert store.quad_count() == len(FIRST) + len(SECOND)
    assert store.count() == one_number(store, "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }")
    assert store.quad_count() == one_number(store, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")


def test_triples_are_distinct_across_graphs_and_honour_limit(store):
    store.replace_graph(G1, nt(FIRST))
    store.replace_graph(G2, nt(SECOND))
    assert store.triples(EX.dpa) == [SHARED_TRIPLE]
    assert len(store.triples(None, EX.source, EX.dpa)) == 2
    assert len(store.triples(limit=2)) == 2


# --- Answer formats ------------------------------------------------------------------------------

SELECT_HEADLINES = "SELECT ?a ?h WHERE { ?a <http://example.test/headline> ?h } ORDER BY ?h"


@pytest.fixture
def filled(store):
    store.replace_graph(G1, nt(FIRST))
    store.replace_graph(G2, nt(SECOND))
    return store


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


def test_select_answers_csv_when_accepted(filled):
    answer = filled.query(QueryRequest(SELECT_HEADLINES, "text/csv"))
    assert answer.media_type.split(";")[0] == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.body.decode("utf-8"))))
    assert rows[0] == ["a", "h"]
    assert rows[1] == [str(EX.b), "Markets close higher"]


def test_select_answers_tsv_when_accepted(filled):
    answer = filled.query(QueryRequest(SELECT_HEADLINES, "text/tab-separated-values"))
    assert answer.media_type.split(";")[0] == "text/tab-separated-values"
    lines = answer.body.decode("utf-8").splitlines()
    assert lines[0].split("\t") == ["?a", "?h"]
    assert lines[1].split("\t") == [f"<{EX.b}>", '"Markets close higher"@en']


def test_accept_q_values_pick_the_preferred_format(filled):
    answer = filled.query(QueryRequest(SELECT_HEADLINES, "text/csv;q=0.4, application/sparql-results+xml;q=0.9"))
    assert answer.media_type.startswith("application/sparql-results+xml")


def test_ask_answers_boolean(filled):
    yes = filled.query(QueryRequest("ASK { ?s <http://example.test/source> <http://example.test/dpa> }"))
    no = filled.query(QueryRequest("ASK { ?s <http://example.test/source> <http://example.test/nobody> }"))
    assert json.loads(yes.body)["boolean"] is True
    assert json.loads(no.body)["boolean"] is False


CONSTRUCT_FIRST = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <http://example.test/graph/one> { ?s ?p ?o } }"


@pytest.mark.parametrize(("accept", "rdflib_format"), [
    ("text/turtle", "turtle"),
    ("application/n-triples", "nt"),
    ("application/ld+json", "json-ld"),
])
def test_construct_answers_graph_in_accepted_format(filled, accept, rdflib_format):
    answer = filled.query(QueryRequest(CONSTRUCT_FIRST, accept))
    assert answer.media_type.split(";")[0] == accept
    parsed = Graph().parse(data=answer.body, format=rdflib_format)
    assert isomorphic(parsed, FIRST)


def test_construct_answers_turtle_by_default(filled):
    answer = filled.query(QueryRequest(CONSTRUCT_FIRST))
    assert answer.media_type.split(";")[0] == "text/turtle"


@pytest.mark.parametrize(("query", "accept"), [
    (SELECT_HEADLINES, "image/png"),
    (SELECT_HEADLINES, "text/turtle"),
    (CONSTRUCT_FIRST, "text/csv"),
    ("ASK { ?s ?p ?o }", "application/ld+json"),
])
def test_unacceptable_format_raises_not_acceptable(filled, query, accept):
    with pytest.raises(NotAcceptable):
        filled.query(QueryRequest(query, accept))


def test_syntax_error_raises_query_syntax_error_with_parser_message(filled):
    bad = "SELECT ?s WHERE { ?s ?p }"
    with pytest.raises(SyntaxError) as parser:
        pyoxigraph.Store().query(bad)
    with pytest.raises(QuerySyntaxError) as caught:
        filled.query(QueryRequest(bad))
    assert str(parser.value) in str(caught.value)


# --- Versions, locking, persistence, dumps -------------------------------------------------------

def test_version_changes_after_each_write_and_not_after_reads(store):
    versions = [store.version()]
    store.replace_graph(G1, nt(FIRST))
    versions.append(store.version())
    store.count()
    select(store, SELECT_HEADLINES)
    assert store.version() == versions[-1]
    store.replace_graph(G1, nt(FIRST))
    versions.append(store.version())
    store.remove_graph(G1)
    versions.append(store.version())
    assert len(set(versions)) == len(versions)


def test_second_open_of_store_in_use_raises_store_error_saying_in_use(tmp_path):
    first = open_store(tmp_path / "store")
    try:
        with pytest.raises(StoreError, match="in use"):
            open_store(tmp_path / "store")
    finally:
        first.close()


def test_read_only_open_of_missing_store_raises_store_error(tmp_path):
    with pytest.raises(StoreError):
        open_store(tmp_path / "nothing-here", read_only=True)


def test_data_persists_after_close_and_reopen(tmp_path):
    first = open_store(tmp_path / "store")
    first.replace_graph(G1, nt(FIRST))
    version = first.version()
    first.close()
    again = open_store(tmp_path / "store", read_only=True)
    try:
        assert set(again.triples()) == set(FIRST)
        assert again.graph_names() == [G1]
        assert again.version() == version
    finally:
        again.close()


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
