"""The suites: which manifests, the store each needs, and running one W3C test over HTTP.

Query evaluation: every data file of the suite is loaded into a named graph named by the file's
own IRI before the server starts, and each query names its dataset with ``default-graph-uri``
(the qt:data files, or a graph that does not exist when there are none) and ``named-graph-uri``
(the qt:graphData files), since the store's own default graph is the union of everything. A query
with its own FROM / FROM NAMED gets no protocol dataset. A query without BASE gets its file's IRI
as BASE, which a W3C test may rely on.

Protocol and graph store protocol: the manifests' requests are replayed as written, the paths
mapped onto this server: ``/sparql/`` to ``/sparql`` for queries and ``/update`` for updates,
``/gsp`` to ``/store``, every request carrying the maintainers' token. Each record starts from a
clean dataset (``DROP ALL``, then its ut:graphData graphs put back through the graph store).
"""
from __future__ import annotations

import contextlib
import http.client
import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph, Namespace, URIRef
from werkzeug.http import parse_options_header

from conftest import serve
from kg.store import open_store
from w3c import SPARQL11
from w3c.manifest import HttpTest, QueryTest, Request, path_of
from w3c.results import GRAPH_TYPES, SOLUTION_TYPES, Mismatch, compare, expected_answer, received_answer

QUERY_SUITES = {
    "query": SPARQL11 / "manifest-sparql11-query.ttl",
    "result formats": SPARQL11 / "manifest-sparql11-results.ttl",
}
PROTOCOL = SPARQL11 / "protocol" / "manifest.ttl"
GRAPH_STORE = SPARQL11 / "graph-store-protocol" / "manifest.ttl"
SERVICE_DESCRIPTION = SPARQL11 / "service-description" / "manifest.ttl"
NOT_RUN = {
    "update evaluation": "outside this issue's scope; worth running, as /update rewrites updates to keep the "
                         "union default graph",
    "entailment": "outside the scope: the endpoint evaluates under simple entailment only",
    "federated query": "outside the scope: SERVICE is refused unless allowed, and its tests need other endpoints",
    "http-rdf-update": "deprecated by the W3C in favour of graph-store-protocol, which runs",
}

TOKEN = "w3c-suite-token"
"""The maintainers' token of the servers the protocol and graph store suites run against."""


@contextlib.contextmanager
def empty_server(root: Path) -> Iterator[str]:
    """``kg serve`` on an empty store in ``root``, with updates open to :data:`TOKEN`."""
    open_store(root / "store").close()  # kg serve serves only a store that exists
    with serve(root / "store", root, env={"KG_UPDATE_TOKEN": TOKEN}) as url:
        yield url


EMPTY_GRAPH = "urn:x-w3c-suite:empty"
"""A graph nothing is loaded into: the default graph of tests that have no qt:data."""

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
_UPLOAD_TYPES = {".nt": "application/n-triples", ".ttl": "text/turtle", ".rdf": "application/rdf+xml"}
_RDF_ANSWERS = ("application/rdf+xml", "text/turtle", "application/n-triples")
"""The formats the protocol suite accepts for graphs (RDFa, also named there, is not offered)."""
_TABLES = ("application/sparql-results+xml", "application/sparql-results+json", "text/csv",
           "text/tab-separated-values")
# Strings, IRIs and comments of a query, so that keywords are found only in its code.
_NOT_CODE = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|'
                       r'<[^<>"{}|^`\\\s]*>|#[^\n]*')
_KEYWORD_START = r"(?<![?$:\w])"


# --- Stores ------------------------------------------------------------------------------------

def load_graphs(store_path: Path, graphs: Iterable[tuple[str, str]]) -> int:
    """Load each (graph name, file IRI) into the embedded store at ``store_path``; the quads loaded.

    The files are first read here, each against its own IRI (the base of its relative IRIs), into
    one N-Quads file, loaded in one pass: a bulk load per file made the setup five times slower.
    """
    quads = (ox.Quad(triple.subject, triple.predicate, triple.object, ox.NamedNode(name))
             for name, file in sorted(set(graphs))
             for triple in ox.parse(path=path_of(file), base_iri=file, rename_blank_nodes=True))
    store = open_store(store_path)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            dataset = Path(scratch) / "graphs.nq"
            ox.serialize(quads, dataset, ox.RdfFormat.N_QUADS)
            return store.load(dataset)
    finally:
        store.close()


def query_graphs(tests: Iterable[QueryTest]) -> set[tuple[str, str]]:
    """Every data file of the tests, as a graph named by its own IRI."""
    return {(file, file) for test in tests for file in (*test.data, *test.graph_data)}


def http_graphs(tests: Iterable[HttpTest]) -> set[tuple[str, str]]:
    """Every graph the tests name (ut:graphData), with the file that holds it."""
    return {pair for test in tests for pair in test.graph_data}


# --- Query evaluation and syntax ---------------------------------------------------------------

def run_query_test(base: str, test: QueryTest) -> None:
    """Send the test's query to ``base``/sparql; raise :class:`Mismatch` unless the answer is right."""
    text = path_of(test.query).read_text(encoding="utf-8")
    code = _code(text)
    if not re.search(_KEYWORD_START + r"BASE\s*<", code, re.IGNORECASE):
        text = f"BASE {URIRef(test.query).n3()}\n{text}"
    fields = [("query", text)]
    if not re.search(_KEYWORD_START + r"FROM\b", code, re.IGNORECASE):
        fields += [("default-graph-uri", graph) for graph in test.data or (EMPTY_GRAPH,)]
        fields += [("named-graph-uri", graph) for graph in test.graph_data]
    if test.kind != "evaluation":
        status, _, body = _post_form(base + "/sparql", fields, "*/*")
        if test.kind == "syntax" and not 200 <= status < 300:
            raise Mismatch(f"a valid query was refused with {status}: {body[:500].decode(errors='replace')}")
        if test.kind == "bad syntax" and status != 400:
            raise Mismatch(f"an invalid query got {status}, not 400 Bad Request")
        return
    result = path_of(test.result)
    expected = expected_answer(result)
    accept = SOLUTION_TYPES.get(result.suffix.lstrip("."), "application/sparql-results+json")
    status, content_type, body = _post_form(base + "/sparql", fields, f"{accept}, application/n-triples")
    if status != 200:
        raise Mismatch(f"the endpoint answered {status}: {body[:1000].decode(errors='replace')}")
    compare(expected, received_answer(content_type, body), ordered=orders_solutions(text))


def orders_solutions(query: str) -> bool:
    """Whether the query's own solutions are ordered: an ORDER BY outside every group (a
    subquery's ORDER BY orders only what the subquery passes on)."""
    depth = 0
    code = _code(query)
    for token in re.finditer(r"[{}]|" + _KEYWORD_START + r"ORDER\s+BY\b", code, re.IGNORECASE):
        if token.group() == "{":
            depth += 1
        elif token.group() == "}":
            depth -= 1
        elif depth == 0:
            return True
    return False


def _code(query: str) -> str:
    return _NOT_CODE.sub(lambda match: "<>" if match.group().startswith("<") else " ", query)


def _post_form(url: str, fields: list[tuple[str, str]], accept: str) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


# --- Protocol and graph store protocol ---------------------------------------------------------

@dataclass(frozen=True)
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def excerpt(self) -> str:
        return self.body[:500].decode(errors="replace").strip()


def reset(base: str, graph_data: Iterable[tuple[str, str]]) -> None:
    """Empty the store (``DROP ALL``), then put each (graph name, file IRI) back through the graph store."""
    answer = _send(base, "POST", "/update", {"Content-Type": "application/sparql-update"}, b"DROP ALL")
    if answer.status >= 300:
        raise AssertionError(f"DROP ALL before the test failed with {answer.status}: {answer.excerpt()}")
    for name, file in graph_data:
        path = path_of(file)
        answer = _send(base, "PUT", "/store?" + urllib.parse.urlencode({"graph": name}),
                       {"Content-Type": _UPLOAD_TYPES[path.suffix]}, path.read_bytes())
        if answer.status >= 300:
            raise AssertionError(f"putting {path.name} as <{name}> failed with {answer.status}: {answer.excerpt()}")


def run_http_record(base: str, test: HttpTest) -> None:
    """Reset the dataset to the test's graphs, then replay its requests."""
    reset(base, test.graph_data)
    run_http_test(base, test)


def run_http_test(base: str, test: HttpTest) -> None:
    """Replay the test's requests in order; raise :class:`Mismatch` at the first wrong answer."""
    variables: dict[str, str] = {}

    def filled(text: str) -> str:
        for name, value in variables.items():
            text = text.replace(name, value)
        return text

    for number, request in enumerate(test.requests, 1):
        path = filled(_route(test, request))
        body = None if request.body is None else filled(request.body).encode(request.encoding)
        answer = _send(base, request.method, path, dict(request.headers), body)
        problem = _problem(request, answer)
        if problem:
            raise Mismatch(f"request {number} of {len(test.requests)}, {request.method} {path}, got {answer.status}: "
                           f"{problem}\n{answer.excerpt()}")
        if request.expected.location:
            variables[request.expected.location] = answer.headers["Location"]


def _route(test: HttpTest, request: Request) -> str:
    """The request's path on this server."""
    if request.path.startswith("/gsp"):
        return "/store" + request.path.removeprefix("/gsp")
    if request.path.startswith("/sparql/"):
        return ("/update" if _is_update(test, request) else "/sparql") + request.path.removeprefix("/sparql/")
    raise ValueError(f"{test.id}: a request path must start with /sparql/ or /gsp, not {request.path}")


def _is_update(test: HttpTest, request: Request) -> bool:
    """Whether a request names an update: by its media type or fields; failing both (the
    malformed requests of ``bad_update_*``), by the test's own name."""
    media_type = parse_options_header(request.header("content-type") or "")[0].lower()
    fields = set(urllib.parse.parse_qs(urllib.parse.urlsplit(request.path).query))
    if media_type == "application/x-www-form-urlencoded" and request.body:
        fields |= set(urllib.parse.parse_qs(request.body))
    if media_type == "application/sparql-query" or "query" in fields:
        return False
    if media_type == "application/sparql-update" or fields & {"update", "using-graph-uri", "using-named-graph-uri"}:
        return True
    return "update" in test.id.split("/")[-1]


def _send(base: str, method: str, path: str, headers: dict[str, str], body: bytes | None) -> Answer:
    """One request on a fresh connection, exactly as given (no header or encoding added but the token)."""
    location = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(location.hostname, location.port, timeout=60)
    try:
        connection.request(method, path, body=body, headers={**headers, "Authorization": f"Bearer {TOKEN}"})
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def _problem(request: Request, answer: Answer) -> str | None:
    """What is wrong with the answer to ``request``, in words; None when nothing is."""
    expected = request.expected
    if not any(_status_matches(name, answer.status) for name in expected.statuses):
        return f"expected status {' or '.join(expected.statuses)}"
    content_type = answer.headers.get("Content-Type", "")
    media_type = parse_options_header(content_type)[0].lower()
    if expected.format:
        allowed = {"boolean": _TABLES[:2], "tabular": _TABLES, "RDF": _RDF_ANSWERS}[expected.format]
        if media_type not in allowed:
            return f"expected a {expected.format} answer in {', '.join(allowed)}, not {content_type or 'no type'}"
        received = received_answer(content_type, answer.body)
        if expected.format == "boolean" and not isinstance(received, bool):
            return "expected a boolean answer"
        if expected.boolean is not None and received is not expected.boolean:
            return f"expected the answer {str(expected.boolean).lower()}"
    if expected.content_type:
        wanted, parameters = parse_options_header(expected.content_type)
        given = parse_options_header(content_type)[1]
        if media_type != wanted.lower() or any(given.get(name, "").lower() != value.lower()
                                               for name, value in parameters.items()):
            return f"expected Content-Type {expected.content_type}, not {content_type or 'none'}"
    if expected.body is not None:
        try:
            compare(received_answer(expected.content_type, expected.body.encode()),
                    received_answer(content_type, answer.body), ordered=False)
        except Mismatch as mismatch:
            return str(mismatch)
    if expected.location and "Location" not in answer.headers:
        return "expected a Location header"
    return None


def _status_matches(name: str, status: int) -> bool:
    """Whether ``status`` is the http-statusCodes term ``name`` (a code's name or a class, StatusCode4xx)."""
    if match := re.fullmatch(r"StatusCode(\d)xx", name):
        return status // 100 == int(match.group(1))
    return status == HTTPStatus[re.sub(r"(?<=[a-z])(?=[A-Z])", "_", name).upper()]


# --- Service description -----------------------------------------------------------------------

def run_service_description_test(base: str, test_id: str) -> None:
    """The three conformance criteria of SPARQL 1.1 Service Description, as the W3C validator
    (github.com/kasei/sparql11-sdvalidator) checks them: a GET of the endpoint returns RDF; it
    has a triple ``?service sd:endpoint <endpoint URL>``; every sd:NamedGraph has an sd:name."""
    url = base + "/sparql"
    request = urllib.request.Request(url, headers={"Accept": "text/turtle, application/rdf+xml;q=0.9, "
                                                             "application/n-triples;q=0.8"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            content_type, body = response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        raise Mismatch(f"GET {url} answered {error.code}: {error.read()[:500].decode(errors='replace')}") from None
    if parse_options_header(content_type)[0].lower() not in GRAPH_TYPES:
        raise Mismatch(f"GET {url} answered {content_type or 'no type'}, not RDF")
    description = received_answer(content_type, body)
    assert isinstance(description, Graph)
    name = test_id.split("/")[-1]
    if name == "has-endpoint-triple":
        if (None, SD.endpoint, URIRef(url)) not in description:
            raise Mismatch(f"no triple ?service sd:endpoint <{url}> in\n{description.serialize(format='nt')}")
    elif name == "conforms-to-schema":
        unnamed = [graph for graph in description.subjects(RDF.type, SD.NamedGraph)
                   if (graph, SD.name, None) not in description]
        if unnamed:
            raise Mismatch(f"sd:NamedGraph without sd:name: {', '.join(map(str, unnamed))}")
    elif name != "returns-rdf":
        raise ValueError(f"no check is known for the service description test {test_id}")
