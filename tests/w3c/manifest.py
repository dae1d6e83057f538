"""Reading the W3C test manifests into plain records.

Each manifest is parsed with its own ``file://`` IRI as base, so every file a test names (query,
data, expected result) resolves to a ``file://`` IRI; the query suite also names each data
graph by that IRI in the store. A test keeps its W3C IRI, which the expected-failure table uses
as its key, and a short id (``aggregates/agg01``) for test names and reports.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from rdflib import RDF, RDFS, BNode, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
DAWGT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")

_QUERY_KINDS = {
    MF.QueryEvaluationTest: "evaluation",
    MF.CSVResultFormatTest: "evaluation",
    MF.PositiveSyntaxTest11: "syntax",
    MF.NegativeSyntaxTest11: "bad syntax",
}


def path_of(iri: str) -> Path:
    """The local file a ``file://`` IRI names."""
    return Path(unquote(urlsplit(iri).path))


@dataclass(frozen=True)
class QueryTest:
    """A query evaluation or query syntax test."""

    iri: str
    id: str
    name: str
    kind: str
    """"evaluation", "syntax" (must be accepted) or "bad syntax" (must be refused)."""
    approval: str
    """The dawgt:approval local name ("Approved", "Proposed", ...), "unclassified" when there is none."""
    query: str
    """The query file's IRI, which is also the query's base IRI."""
    data: tuple[str, ...] = ()
    """qt:data files: merged into the default graph."""
    graph_data: tuple[str, ...] = ()
    """qt:graphData files: each a named graph named by its own IRI."""
    result: str | None = None


@dataclass(frozen=True)
class Expected:
    """What the answer to one request must be (an ``ht:Response``)."""

    statuses: tuple[str, ...]
    """Local names in the http-statusCodes vocabulary: "OK", "NoContent", "StatusCode4xx", ..."""
    boolean: bool | None = None
    format: str | None = None
    """"boolean", "tabular" or "RDF"."""
    location: str | None = None
    """A template variable that takes the answer's Location header for the requests after it."""
    content_type: str | None = None
    body: str | None = None
    """An RDF graph the answer must be isomorphic to, in ``content_type``."""


@dataclass(frozen=True)
class Request:
    """One ``ht:Request`` of a protocol or graph store test, with the answer it must get."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: str | None
    encoding: str
    expected: Expected

    def header(self, name: str) -> str | None:
        return next((value for field, value in self.headers if field.lower() == name.lower()), None)


@dataclass(frozen=True)
class HttpTest:
    """A protocol or graph store protocol test: requests sent in order on one connection."""

    iri: str
    id: str
    name: str
    approval: str
    requests: tuple[Request, ...]
    graph_data: tuple[tuple[str, str], ...] = ()
    """(graph name, file IRI) pairs the test needs in the store before it starts."""


def read(manifest: Path) -> tuple[Graph, URIRef]:
    """The manifest's triples and its own IRI."""
    iri = manifest.resolve().as_uri()
    return Graph().parse(manifest, format="turtle", publicID=iri), URIRef(iri)


def manifests(top: Path) -> Iterator[tuple[Graph, URIRef]]:
    """``top`` and the manifests it includes (mf:include), depth first."""
    graph, iri = read(top)
    yield graph, iri
    for included in _list(graph, graph.value(iri, MF.include)):
        yield from manifests(path_of(str(included)))


def query_tests(top: Path) -> list[QueryTest]:
    """The query evaluation and syntax tests of ``top`` and the manifests it includes."""
    tests = []
    for graph, manifest in manifests(top):
        for entry in _list(graph, graph.value(manifest, MF.entries)):
            kind = _QUERY_KINDS.get(graph.value(entry, RDF.type))
            if kind is None:
                continue
            action = graph.value(entry, MF.action)
            common = _common(graph, manifest, entry)
            if kind == "evaluation":
                result = graph.value(entry, MF.result)
                tests.append(QueryTest(**common, kind=kind, query=str(graph.value(action, QT.query)),
                                       data=_files(graph, action, QT.data),
                                       graph_data=_files(graph, action, QT.graphData),
                                       result=None if result is None else str(result)))
            else:
                tests.append(QueryTest(**common, kind=kind, query=str(action)))
    return tests


def http_tests(top: Path) -> list[HttpTest]:
    """The protocol or graph store protocol tests of ``top`` and the manifests it includes."""
    tests = []
    for graph, manifest in manifests(top):
        for entry in _list(graph, graph.value(manifest, MF.entries)):
            connection = graph.value(entry, MF.action)
            requests = tuple(_request(graph, node) for node in _list(graph, graph.value(connection, HT.requests)))
            graph_data = tuple(sorted((str(graph.value(data, RDFS.label)), str(graph.value(data, UT.graph)))
                                      for data in graph.objects(entry, UT.graphData)))
            tests.append(HttpTest(**_common(graph, manifest, entry), requests=requests, graph_data=graph_data))
    return tests


def entry_names(top: Path) -> list[tuple[str, str, str]]:
    """(IRI, id, name) of every entry of a manifest whose tests are described in words only
    (the service description suite)."""
    graph, manifest = read(top)
    return [(str(entry), _id(manifest, entry), str(graph.value(entry, MF.name)))
            for entry in _list(graph, graph.value(manifest, MF.entries))]


def _common(graph: Graph, manifest: URIRef, entry: Node) -> dict[str, str]:
    approval = graph.value(entry, DAWGT.approval)
    return {"iri": str(entry), "id": _id(manifest, entry), "name": str(graph.value(entry, MF.name)),
            "approval": "unclassified" if approval is None else _local(approval)}


def _id(manifest: URIRef, entry: Node) -> str:
    """``folder/name``: the manifest's folder and the entry's local name."""
    return f"{path_of(str(manifest)).parent.name}/{_local(entry)}"


def _local(iri: Node) -> str:
    text = str(iri)
    return text[max(text.rfind("#"), text.rfind("/")) + 1:]


def _files(graph: Graph, action: Node, predicate: URIRef) -> tuple[str, ...]:
    files = []
    for node in graph.objects(action, predicate):
        if isinstance(node, BNode):
            raise ValueError(f"{predicate} of {action} names its graph indirectly; the reader expects a file IRI")
        files.append(str(node))
    return tuple(sorted(files))


def _list(graph: Graph, head: Node | None) -> list[Node]:
    return [] if head is None else list(Collection(graph, head))


def _request(graph: Graph, node: Node) -> Request:
    body = graph.value(node, HT.body)
    return Request(
        method=str(graph.value(node, HT.methodName)),
        path=str(graph.value(node, HT.absolutePath)),
        headers=_headers(graph, node),
        body=None if body is None else str(graph.value(body, CNT.chars)),
        encoding=str(graph.value(body, CNT.characterEncoding) or "UTF-8") if body is not None else "UTF-8",
        expected=_expected(graph, graph.value(node, HT.resp)),
    )


def _headers(graph: Graph, node: Node) -> tuple[tuple[str, str], ...]:
    return tuple((str(graph.value(header, HT.fieldName)), str(graph.value(header, HT.fieldValue)))
                 for header in _list(graph, graph.value(node, HT.headers)))


def _expected(graph: Graph, response: Node) -> Expected:
    boolean = graph.value(response, MF.expectedBoolean)
    format = graph.value(response, MF.expectedFormat)
    location = graph.value(response, MF.expectedLocation)
    body = graph.value(response, HT.body)
    content_type = dict((name.lower(), value) for name, value in _headers(graph, response)).get("content-type")
    return Expected(
        statuses=tuple(sorted(_local(status) for status in graph.objects(response, MF.expectedStatus))),
        boolean=None if boolean is None else bool(boolean.toPython()),
        format=None if format is None else str(format),
        location=None if location is None else str(location),
        content_type=content_type,
        body=None if body is None else str(graph.value(body, CNT.chars)),
    )
