"""Large SPARQL answers stream from the query worker to the client, under the same caps."""
from __future__ import annotations

import http.client
import json
import time
import urllib.parse

import pyoxigraph as ox
import pytest

from conftest import ok, run_kg, serve
from kg.store.workers import STREAM_AFTER

TRIPLES = 30_000
MAX_ROWS = 20_000
MAX_BYTES = 3 * STREAM_AFTER


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("streaming")
    data = root / "many.nq"
    graph = ox.NamedNode("http://example.org/graph/many")
    ox.serialize((ox.Quad(ox.NamedNode(f"http://example.org/item/{n}"), ox.NamedNode("http://example.org/says"),
                          ox.Literal(f"item {n} says something of about sixty bytes, more or less"), graph)
                  for n in range(TRIPLES)), str(data), ox.RdfFormat.N_QUADS)
    ok(run_kg("load", "--store", root / "store", data, cwd=root))
    with serve(root / "store", root, {"KG_MAX_ANSWER_ROWS": str(MAX_ROWS), "KG_MAX_ANSWER_BYTES": str(MAX_BYTES),
                                      "KG_QUERY_WORKERS": "2"}) as url:
        yield urllib.parse.urlsplit(url).netloc


def _post(netloc: str, query: str) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    connection = http.client.HTTPConnection(netloc, timeout=60)
    connection.request("POST", "/sparql", query.encode(), {"Content-Type": "application/sparql-query",
                                                          "Accept": "application/sparql-results+json"})
    return connection, connection.getresponse()


def _health(netloc: str) -> dict:
    connection = http.client.HTTPConnection(netloc, timeout=30)
    connection.request("GET", "/health")
    health = json.loads(connection.getresponse().read())
    connection.close()
    return health


def test_a_large_answer_streams_in_chunks_and_arrives_whole(server: str) -> None:
    rows = 15_000
    connection, response = _post(server, f"SELECT ?s ?o WHERE {{ ?s ?p ?o }} LIMIT {rows}")
    assert response.status == 200
    assert response.getheader("Transfer-Encoding") == "chunked" and response.getheader("Content-Length") is None
    body = response.read()
    connection.close()
    assert len(body) > STREAM_AFTER
    assert len(json.loads(body)["results"]["bindings"]) == rows


def test_a_small_answer_comes_whole_with_its_length(server: str) -> None:
    connection, response = _post(server, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 10")
    assert response.status == 200 and int(response.getheader("Content-Length")) == len(response.read())
    connection.close()


def test_a_large_answer_over_the_row_cap_is_refused_before_any_byte_is_sent(server: str) -> None:
    connection, response = _post(server, "SELECT ?s ?o WHERE { ?s ?p ?o }")
    body = response.read()
    connection.close()
    assert response.status == 500 and f"{MAX_ROWS} rows".encode() in body and b"LIMIT" in body


def test_an_answer_passing_the_byte_cap_while_streaming_breaks_off_and_never_looks_complete(server: str) -> None:
    query = (f"SELECT ?s (CONCAT(?o, ?o, ?o, ?o) AS ?long) WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS}")
    connection, response = _post(server, query)
    assert response.status == 200
    with pytest.raises(http.client.IncompleteRead):
        response.read()
    connection.close()
    assert _health(server)["status"] == "ok"


def test_a_client_leaving_halfway_frees_its_worker(server: str) -> None:
    connection, response = _post(server, f"SELECT ?s ?o WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS}")
    assert response.status == 200 and response.read(64 * 1024)
    connection.close()
    deadline = time.monotonic() + 10
    while (workers := _health(server)["query_workers"])["idle"] < workers["workers"]:
        assert time.monotonic() < deadline, f"a worker stayed busy after its client left: {workers}"
        time.sleep(0.1)
