"""The SPARQL 1.1 Protocol query endpoint (read-only).

A query comes by GET (``?query=``), by POST as a form, or by POST directly as
``application/sparql-query``. The answer's format follows the Accept header (q-values
honoured), or a ``format`` parameter for browsers and scripts. Every query runs under a time
limit, lowered per request with ``timeout`` (seconds), in a runner that can stop it. A large
answer is streamed as the worker serializes it (see :class:`kg.store.workers.QueryWorkers`).
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from urllib.parse import urljoin

from flask import Blueprint, Response, render_template, request
from rdflib import RDF, Graph, Namespace, URIRef

from kg.config import Settings
from kg.sparql import (FORMAT_NAMES, GRAPH_FORMATS, SOLUTION_FORMATS, NotAcceptable, QueryRequest, QuerySyntaxError,
                       StreamedAnswer, choose, services)
from kg.store.workers import QueryBusy, QueryFailed, QueryTimeout
from server import context
from server.linked_data import SERIALIZATIONS, serialize

blueprint = Blueprint("sparql", __name__)
log = logging.getLogger(__name__)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
_FORMAT_IRIS = {
    "application/sparql-results+json": FORMATS.SPARQL_Results_JSON,
    "application/sparql-results+xml": FORMATS.SPARQL_Results_XML,
    "text/csv": FORMATS.SPARQL_Results_CSV,
    "text/tab-separated-values": FORMATS.SPARQL_Results_TSV,
    "text/turtle": FORMATS.Turtle,
    "application/n-triples": FORMATS["N-Triples"],
    "application/ld+json": FORMATS["JSON-LD"],
    "application/rdf+xml": FORMATS.RDF_XML,
    "application/n-quads": FORMATS["N-Quads"],
    "application/trig": FORMATS.TriG,
}

_READ_ONLY = ("this endpoint is read-only: maintainers send SPARQL updates to /update "
              "with their token (Authorization: Bearer)")
_FORM = "application/x-www-form-urlencoded"
_DIRECT = "application/sparql-query"


def service_description(endpoint: str, settings: Settings) -> Graph:
    """The SPARQL 1.1 Service Description of this endpoint, as a client reaches it."""
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("formats", FORMATS)
    service, dataset = URIRef(endpoint), URIRef(settings.base + "dataset")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    if settings.service_allowlist:
        graph.add((service, SD.feature, SD.BasicFederatedQuery))
    for media_type in (*SOLUTION_FORMATS, *GRAPH_FORMATS):
        if media_type in _FORMAT_IRIS:
            graph.add((service, SD.resultFormat, _FORMAT_IRIS[media_type]))
    graph.add((service, SD.defaultDataset, dataset))  # described in VoID and DCAT at /dataset
    graph.add((dataset, RDF.type, SD.Dataset))
    if settings.update_token:
        updates = URIRef(urljoin(endpoint, "update"))
        graph.add((updates, RDF.type, SD.Service))
        graph.add((updates, SD.endpoint, updates))
        graph.add((updates, SD.supportedLanguage, SD.SPARQL11Update))
        graph.add((updates, SD.feature, SD.UnionDefaultGraph))
        graph.add((updates, SD.defaultDataset, dataset))
    return graph


def _error(status: int, message: str) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


def _with_read_headers(response: Response) -> Response:
    response.headers["Vary"] = "Accept"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@blueprint.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    if request.method == "POST":
        media_type = request.mimetype
        if media_type == _DIRECT:
            params = request.args
            texts = [request.get_data(as_text=True)]
        elif media_type == _FORM:
            params = request.form
            texts = params.getlist("query")
        elif media_type == "application/sparql-update":
            return _error(403, _READ_ONLY)
        else:
            return _error(415, f"POST a query as {_DIRECT} or as a {_FORM} form, not as {media_type or 'no type'}")
    else:
        params = request.args
        texts = params.getlist("query")

    if "update" in params or "update" in request.args:
        return _error(403, _READ_ONLY)
    if not texts:
        if request.method == "GET":
            offered = ("text/html", *SERIALIZATIONS)
            chosen = choose(request.headers.get("Accept", "*/*"), offered)
            if chosen == "text/html":
                return _with_read_headers(Response(render_template("query.html")))
            if chosen is not None:
                description = service_description(request.base_url, context.settings())
                return _with_read_headers(Response(serialize(description, chosen), content_type=chosen))
        return _error(400, "missing the 'query' parameter: send a SPARQL query as ?query=...")
    if len(texts) > 1:
        return _error(400, "more than one 'query' parameter: send exactly one query")
    settings = context.settings()
    if len(texts[0]) > settings.max_query_chars:
        status = 414 if request.method == "GET" else 413
        return _error(status, f"the query has {len(texts[0])} characters; at most {settings.max_query_chars} are accepted")
    refused = [target for target in services(texts[0]) if target not in settings.service_allowlist]
    if refused:
        return _error(403, f"SERVICE {refused[0]} is not allowed: this endpoint calls no other endpoint "
                           f"unless its operator lists it")
    timeout = None
    if "timeout" in params:
        try:
            timeout = float(params["timeout"])
        except ValueError:
            timeout = -1.0
        if not timeout > 0:
            return _error(400, f"timeout must be a positive number of seconds, not {params['timeout']!r}")

    accept = request.headers.get("Accept", "*/*")
    if requested := params.get("format") or request.args.get("format"):
        if requested not in FORMAT_NAMES and requested not in FORMAT_NAMES.values():
            return _error(400, f"unknown format {requested!r}; use one of {', '.join(FORMAT_NAMES)}")
        accept = FORMAT_NAMES.get(requested, requested)
    query = QueryRequest(
        text=texts[0],
        accept=accept,
        default_graphs=tuple(params.getlist("default-graph-uri")),
        named_graphs=tuple(params.getlist("named-graph-uri")),
        base_iri=request.base_url,
    )
    try:
        answer = context.queries().stream(query, timeout)
    except QuerySyntaxError as error:
        return _error(400, str(error))
    except NotAcceptable as error:
        return _with_read_headers(_error(406, str(error)))
    except QueryTimeout as error:
        return _error(503, str(error))
    except QueryBusy as error:
        response = _error(503, str(error))
        response.headers["Retry-After"] = str(max(1, round(settings.query_wait)))
        return response
    except QueryFailed as error:
        return _error(500, f"the query failed: {error}")
    body = _sent_on(answer.chunks) if isinstance(answer, StreamedAnswer) else answer.body
    return _with_read_headers(Response(body, content_type=answer.media_type))


def _sent_on(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The answer's chunks; when one fails (the time limit, the byte cap) the error is logged and
    raised on, so the server breaks the transfer off instead of ending it as if complete."""
    try:
        yield from chunks
    except (QueryTimeout, QueryFailed) as error:
        log.warning("a streamed answer broke off: %s", error)
        raise
