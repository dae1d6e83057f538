"""SPARQL Update at /update and the Graph Store Protocol at /store, on a real server and store."""
from __future__ import annotations

import json
from email.message import Message
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from SPARQLWrapper import POST, SPARQLWrapper

from conftest import HARBOUR_HEADLINE, INLINE_ARTICLES, ok, run_kg, serve
from kg.store import open_store

TOKEN = "s3cret-maintainer-token"
EX = "http://example.org/"


def _request(method: str, url: str, body: bytes | None = None, *, token: str | None = TOKEN,
             headers: dict[str, str] | None = None) -> tuple[int, Message, bytes]:
    headers = dict(headers or {})
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _update(server: str, text: str, **parameters: str) -> tuple[int, bytes]:
    url = server + "update" + ("?" + urllib.parse.urlencode(parameters) if parameters else "")
    status, _, body = _request("POST", url, text.encode(), headers={"Content-Type": "application/sparql-update"})
    return status, body


def _select(server: str, query: str) -> list[dict[str, str]]:
    url = server + "sparql?" + urllib.parse.urlencode({"query": query})
    status, _, body = _request("GET", url, token=None, headers={"Accept": "application/sparql-results+json"})
    assert status == 200, body
    return [{name: cell["value"] for name, cell in row.items()} for row in json.loads(body)["results"]["bindings"]]


def _count_default(server: str) -> int:
    return int(_select(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"])


@pytest.fixture(scope="module")
def writable_server(tmp_path_factory: pytest.TempPathFactory):
    store = tmp_path_factory.mktemp("maintained") / "store"
    open_store(store).close()
    with serve(store, tmp_path_factory.mktemp("logs"), env={"KG_UPDATE_TOKEN": TOKEN}) as url:
        yield url + "/", store


@pytest.fixture
def server(writable_server) -> str:
    url, _ = writable_server
    status, body = _update(url, "CLEAR ALL")
    assert status == 204, body
    return url


def test_writing_is_off_without_a_configured_token(tmp_path: Path) -> None:
    store = tmp_path / "store"
    open_store(store).close()
    with serve(store, tmp_path) as url:
        status, _, body = _request("POST", url + "/update", b"CLEAR ALL",
                                   headers={"Content-Type": "application/sparql-update"})
        assert status == 403 and b"update_token" in body
        status, _, body = _request("PUT", url + "/store?graph=" + EX + "g", b"", headers={"Content-Type": "text/turtle"})
        assert status == 403


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_writes_without_the_right_bearer_token_are_refused(server: str, token: str | None) -> None:
    status, headers, body = _request("POST", server + "update", b"INSERT DATA { GRAPH <http://example.org/g> "
                                     b"{ <http://example.org/a> <http://example.org/b> 1 } }", token=token,
                                     headers={"Content-Type": "application/sparql-update"})
    assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
    assert b"Authorization: Bearer" in body
    assert _count_default(server) == 0


def test_the_query_endpoint_refuses_updates_and_names_the_update_service(server: str) -> None:
    for body, content_type in ((b"update=CLEAR+ALL", "application/x-www-form-urlencoded"),
                               (b"CLEAR ALL", "application/sparql-update")):
        status, _, answer = _request("POST", server + "sparql", body, headers={"Content-Type": content_type})
        assert status == 403 and b"/update" in answer


def test_the_default_graph_stays_the_set_union_of_the_named_graphs_through_updates(server: str) -> None:
    triple = f"<{EX}a> <{EX}p> <{EX}b> ."
    assert _update(server, f"INSERT DATA {{ GRAPH <{EX}g1> {{ {triple} }} GRAPH <{EX}g2> {{ {triple} }} }}")[0] == 204
    assert _count_default(server) == 1  # stated by two graphs, one triple in the union
    assert _update(server, f"DELETE DATA {{ GRAPH <{EX}g1> {{ {triple} }} }}")[0] == 204
    assert _count_default(server) == 1  # still stated by g2
    assert _update(server, f"DROP GRAPH <{EX}g2>")[0] == 204
    assert _count_default(server) == 0


def test_a_later_operation_reads_what_an_earlier_one_wrote_in_the_same_request(server: str) -> None:
    status, body = _update(server, f"""PREFIX ex: <{EX}>
        INSERT DATA {{ GRAPH ex:people {{ ex:ada a ex:Person }} }} ;
        INSERT {{ GRAPH ex:index {{ ?who ex:listed true }} }} WHERE {{ ?who a ex:Person }}""")
    assert status == 204, body
    rows = _select(server, f"SELECT ?who WHERE {{ GRAPH <{EX}index> {{ ?who <{EX}listed> true }} }}")
    assert rows == [{"who": EX + "ada"}]


def test_writes_to_the_default_graph_are_kept_in_a_named_graph_of_their_own(server: str) -> None:
    assert _update(server, f"INSERT DATA {{ <{EX}a> <{EX}p> 'loose' }}")[0] == 204
    rows = _select(server, "SELECT ?g WHERE { GRAPH ?g { ?s ?p 'loose' } }")
    assert len(rows) == 1 and rows[0]["g"].endswith("/graph/default")
    assert _update(server, "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(?o = 'loose') }")[0] == 204
    assert _count_default(server) == 0


def test_using_graph_uri_sets_the_dataset_of_the_where_clause(server: str) -> None:
    assert _update(server, f"INSERT DATA {{ GRAPH <{EX}one> {{ <{EX}x> a <{EX}Doc> }} "
                           f"GRAPH <{EX}two> {{ <{EX}y> a <{EX}Doc> }} }}")[0] == 204
    status, body = _update(server, f"INSERT {{ GRAPH <{EX}out> {{ ?d a <{EX}Copied> }} }} WHERE {{ ?d a <{EX}Doc> }}",
                           **{"using-graph-uri": EX + "one"})
    assert status == 204, body
    assert _select(server, f"SELECT ?d WHERE {{ ?d a <{EX}Copied> }}") == [{"d": EX + "x"}]
    status, body = _update(server, f"INSERT {{ ?d a <{EX}Other> }} USING <{EX}two> WHERE {{ ?d a <{EX}Doc> }}",
                           **{"using-graph-uri": EX + "one"})
    assert status == 400 and b"USING" in body


@pytest.mark.parametrize("update, words", [
    ("INSERT DATA { <http://example.org/a> ", b"syntax error"),
    ("LOAD <http://example.org/data.ttl>", b"LOAD is not supported"),
    ("DROP GRAPH <http://example.org/never-made>", b"does not exist"),
])
def test_a_refused_update_changes_nothing_and_says_why(server: str, update: str, words: bytes) -> None:
    assert _update(server, f"INSERT DATA {{ GRAPH <{EX}kept> {{ <{EX}a> <{EX}p> 1 }} }}")[0] == 204
    status, body = _update(server, f"INSERT DATA {{ GRAPH <{EX}kept> {{ <{EX}a> <{EX}p> 2 }} }} ; {update}")
    assert status == 400 and words in body, body
    assert _select(server, f"SELECT ?o WHERE {{ <{EX}a> <{EX}p> ?o }}") == [{"o": "1"}]


def test_updates_are_posted_not_got(server: str) -> None:
    status, headers, _ = _request("GET", server + "update?update=CLEAR+ALL")
    assert status == 405 and "POST" in headers["Allow"]


def test_sparqlwrapper_sends_an_update_with_the_token(server: str) -> None:
    client = SPARQLWrapper(server + "sparql", updateEndpoint=server + "update")
    client.addCustomHttpHeader("Authorization", f"Bearer {TOKEN}")
    client.setMethod(POST)
    client.setQuery(f"INSERT DATA {{ GRAPH <{EX}wrapped> {{ <{EX}s> <{EX}p> 'via SPARQLWrapper' }} }}")
    client.query()
    assert _select(server, "SELECT ?s WHERE { ?s ?p 'via SPARQLWrapper' }") == [{"s": EX + "s"}]


# --- Graph Store Protocol ------------------------------------------------------------------------

_TURTLE = f"@prefix ex: <{EX}> . ex:ada a ex:Person ; ex:name \"Ada\" ; ex:knows [ ex:name \"Bob\" ] ."


def _graph(body: bytes, format: str = "turtle") -> Graph:
    return Graph().parse(data=body, format=format)


def test_put_get_post_delete_a_graph_by_its_iri(server: str) -> None:
    address = server + "store?" + urllib.parse.urlencode({"graph": EX + "people"})
    put = {"Content-Type": "text/turtle"}
    assert _request("PUT", address, _TURTLE.encode(), headers=put)[0] == 201
    assert _request("PUT", address, _TURTLE.encode(), headers=put)[0] == 204
    status, headers, body = _request("GET", address, headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert isomorphic(_graph(body), _graph(_TURTLE.encode()))

    more = f"<{EX}bob> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{EX}Person> .".encode()
    assert _request("POST", address, more, headers={"Content-Type": "application/n-triples"})[0] == 204
    _, _, body = _request("GET", address, headers={"Accept": "application/n-triples"})
    assert (URIRef(EX + "bob"), None, None) in _graph(body, "nt") and len(_graph(body, "nt")) == 5

    assert _request("DELETE", address)[0] == 204
    assert _request("GET", address)[0] == 404
    assert _request("DELETE", address)[0] == 404
    assert _count_default(server) == 0


def test_a_graph_named_by_its_path_under_store(server: str) -> None:
    address = server + "store/person/1.ttl"
    assert _request("PUT", address, _TURTLE.encode(), headers={"Content-Type": "text/turtle"})[0] == 201
    status, _, body = _request("GET", server + "store?" + urllib.parse.urlencode({"graph": address}))
    assert status == 200 and isomorphic(_graph(body), _graph(_TURTLE.encode()))
    assert _request("HEAD", address)[0] == 200


def test_post_to_the_store_creates_a_graph_and_says_where(server: str) -> None:
    status, headers, _ = _request("POST", server + "store", _TURTLE.encode(), headers={"Content-Type": "text/turtle"})
    assert status == 201
    created = headers["Location"]
    status, _, body = _request("GET", server + "store?" + urllib.parse.urlencode({"graph": created}))
    assert status == 200 and isomorphic(_graph(body), _graph(_TURTLE.encode()))


def test_the_default_graph_reads_as_the_union_and_writes_to_its_own_graph(server: str) -> None:
    assert _request("PUT", server + "store?graph=" + EX + "g", f"<{EX}a> <{EX}p> 1 .".encode(),
                    headers={"Content-Type": "text/turtle"})[0] == 201
    assert _request("PUT", server + "store?default", f"<{EX}b> <{EX}p> 2 .".encode(),
                    headers={"Content-Type": "text/turtle"})[0] == 204
    _, _, body = _request("GET", server + "store?default", headers={"Accept": "application/n-triples"})
    assert len(_graph(body, "nt")) == 2
    assert _request("DELETE", server + "store?default")[0] == 204
    _, _, body = _request("GET", server + "store?default", headers={"Accept": "application/n-triples"})
    assert len(_graph(body, "nt")) == 1


@pytest.mark.parametrize("body, content_type, status, words", [
    (b"<a> <b> .", "text/turtle", 400, b"does not parse"),
    (b"{}", "application/x-unknown", 415, b"text/turtle"),
])
def test_a_bad_graph_body_is_refused_and_the_graph_kept(server: str, body: bytes, content_type: str,
                                                        status: int, words: bytes) -> None:
    address = server + "store?graph=" + EX + "kept"
    assert _request("PUT", address, _TURTLE.encode(), headers={"Content-Type": "text/turtle"})[0] == 201
    answer_status, _, answer = _request("PUT", address, body, headers={"Content-Type": content_type})
    assert answer_status == status and words in answer
    _, _, kept = _request("GET", address)
    assert isomorphic(_graph(kept), _graph(_TURTLE.encode()))


def test_a_graph_name_that_is_not_an_absolute_iri_is_refused(server: str) -> None:
    status, _, body = _request("GET", server + "store?graph=not%20an%20iri")
    assert status == 400 and b"absolute IRI" in body


def test_kg_ingest_writes_the_store_between_maintainers_writes(writable_server, tmp_path: Path) -> None:
    url, store = writable_server
    assert _update(url, f"INSERT DATA {{ GRAPH <{EX}mended> {{ <{EX}a> <{EX}p> 1 }} }}")[0] == 204
    (tmp_path / "harbour.txt").write_text(INLINE_ARTICLES["harbour.txt"])
    ok(run_kg("ingest", "--store", store, tmp_path / "harbour.txt"))
    rows = _select(url, f"SELECT ?a WHERE {{ ?a <https://schema.org/headline> ?h FILTER(STR(?h) = {json.dumps(HARBOUR_HEADLINE)}) }}")
    assert len(rows) == 1
    assert _update(url, f"DROP GRAPH <{EX}mended>")[0] == 204


def test_a_protocol_dataset_holds_only_the_graphs_it_names(server: str) -> None:
    assert _update(server, f"INSERT DATA {{ GRAPH <{EX}one> {{ <{EX}a> <{EX}p> 1 }} "
                           f"GRAPH <{EX}two> {{ <{EX}b> <{EX}p> 2 }} }}")[0] == 204

    def rows(query: str, **dataset: str) -> list[dict[str, str]]:
        url = server + "sparql?" + urllib.parse.urlencode({"query": query, **dataset})
        status, _, body = _request("GET", url, token=None, headers={"Accept": "application/sparql-results+json"})
        assert status == 200, body
        return json.loads(body)["results"]["bindings"]

    assert rows("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", **{"default-graph-uri": EX + "one"}) == []
    assert rows("SELECT ?s WHERE { ?s ?p ?o }", **{"named-graph-uri": EX + "two"}) == []
    assert len(rows("SELECT ?s WHERE { ?s ?p ?o }", **{"default-graph-uri": EX + "one"})) == 1
