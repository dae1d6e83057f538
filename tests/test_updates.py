"""SPARQL Update on the embedded store keeps its default graph the set union of the named graphs."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.sparql import QueryRequest, QuerySyntaxError, UpdateRefused, UpdateRequest
from kg.store.embedded import EmbeddedStore

DEFAULT_TARGET = "http://example.org/graph/default"
PROLOGUE = "PREFIX : <http://example.org/> "
SEED = PROLOGUE + """INSERT DATA {
    GRAPH :g1 { :a :p :b . :a :p :c . _:x :q 1 }
    GRAPH :g2 { :a :p :b . :d :p :e }
}"""

# Each update is run after SEED; the union invariant and the expected effect are checked.
UPDATES = {
    "DELETE DATA { GRAPH :g1 { :a :p :b } }": ":a :p :b in :g2",
    "DELETE DATA { GRAPH :g1 { :a :p :b } GRAPH :g2 { :a :p :b } }": "no :a :p :b",
    "DELETE WHERE { GRAPH ?g { :a :p ?o } }": "no :a :p ?o",
    "DELETE { GRAPH :g1 { ?s ?p ?o } } WHERE { GRAPH :g2 { ?s ?p ?o } }": ":a :p :b in :g2",
    "INSERT { GRAPH :g3 { ?s :r ?o } } WHERE { ?s :p ?o }": "3 :r",
    "WITH :g2 DELETE { ?s :p ?o } INSERT { ?o :p ?s } WHERE { ?s :p ?o }": ":b :p :a in :g2",
    "COPY :g1 TO :g2": "no :d :p :e",
    "MOVE :g2 TO :g4": ":d :p :e in :g4",
    "ADD :g2 TO DEFAULT": ":d :p :e in default target",
    "COPY DEFAULT TO :g5": ":d :p :e in :g5",
    "CLEAR GRAPH :g2": "no :d :p :e",
    "CLEAR NAMED": "empty",
    "DROP ALL": "empty",
    "CLEAR DEFAULT": ":a :p :b in :g1",
    "INSERT DATA { :loose :p :e } ; DELETE { ?s :p :e } WHERE { ?s :p :e FILTER(?s = :d) }": ":loose :p :e in default target",
}
EXPECTATIONS = {
    ":a :p :b in :g2": "ASK { GRAPH :g2 { :a :p :b } FILTER NOT EXISTS { GRAPH :g1 { :a :p :b } } :a :p :b }",
    "no :a :p :b": "ASK { FILTER NOT EXISTS { :a :p :b } }",
    "no :a :p ?o": "ASK { FILTER NOT EXISTS { :a :p ?o } }",
    "3 :r": "ASK { { SELECT (COUNT(*) AS ?n) WHERE { GRAPH :g3 { ?s :r ?o } } } FILTER(?n = 3) }",
    ":b :p :a in :g2": "ASK { GRAPH :g2 { :b :p :a } :b :p :a FILTER NOT EXISTS { :d :p :e } }",
    "no :d :p :e": "ASK { FILTER NOT EXISTS { :d :p :e } }",
    ":d :p :e in :g4": "ASK { GRAPH :g4 { :d :p :e } :d :p :e FILTER NOT EXISTS { GRAPH :g2 { ?s ?p ?o } } }",
    ":d :p :e in default target": "ASK { GRAPH <http://example.org/graph/default> { :d :p :e } }",
    ":d :p :e in :g5": "ASK { GRAPH :g5 { :d :p :e . :a :p :c } }",
    "empty": "ASK { FILTER NOT EXISTS { ?s ?p ?o } }",
    ":a :p :b in :g1": "ASK { GRAPH :g1 { :a :p :b } :a :p :b }",
    ":loose :p :e in default target": "ASK { GRAPH <http://example.org/graph/default> { :loose :p :e } :d :p :e }",
}


def _update(store: EmbeddedStore, text: str) -> None:
    store.update(UpdateRequest(PROLOGUE + text, DEFAULT_TARGET))


def _union_is_the_default_graph(path: Path) -> None:
    database = ox.Store.read_only(str(path / "oxigraph"))
    default = {(q.subject, q.predicate, q.object) for q in database.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    union = {(q.subject, q.predicate, q.object) for q in database if not isinstance(q.graph_name, ox.DefaultGraph)}
    assert default == union
    assert not [g for g in database.named_graphs() if g.value.startswith("urn:x-kg:before:")]


@pytest.mark.parametrize("update", UPDATES)
def test_each_kind_of_update_keeps_the_default_graph_the_union(tmp_path: Path, update: str) -> None:
    store = EmbeddedStore(tmp_path)
    store.update(UpdateRequest(SEED, DEFAULT_TARGET))
    _update(store, update)
    answer = store.query(_ask(EXPECTATIONS[UPDATES[update]]))
    store.close()
    assert answer.body == b'{"head":{},"boolean":true}'
    _union_is_the_default_graph(tmp_path)


def _ask(text: str) -> QueryRequest:
    return QueryRequest(PROLOGUE + text, accept="application/sparql-results+json")


@pytest.mark.parametrize("update, error", [
    ("INSERT { GRAPH ?g { :x :y :z } } WHERE { GRAPH ?g { ?s ?p ?o } } ; INSERT DATA { :a :b :c }", None),
    ("DELETE { ?s ?p ?o } INSERT { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }", UpdateRefused),
    ("MOVE DEFAULT TO :g9", UpdateRefused),
    ("LOAD <http://example.org/remote.ttl> INTO GRAPH :g9", UpdateRefused),
    ("INSERT DATA { :a :b }", QuerySyntaxError),
])
def test_updates_the_union_cannot_honour_are_refused_whole(tmp_path: Path, update: str, error) -> None:
    store = EmbeddedStore(tmp_path)
    store.update(UpdateRequest(SEED, DEFAULT_TARGET))
    before = store.quad_count()
    if error is None:
        _update(store, update)
        assert store.quad_count() > before
    else:
        with pytest.raises(error):
            _update(store, update)
        assert store.quad_count() == before
    store.close()
    _union_is_the_default_graph(tmp_path)
