"""Dereferenceable resources: ``/id/...`` names a thing, ``/doc/...`` is the document about it.

``GET /id/x`` answers 303 See Other to ``/doc/x``, whatever host and port the server runs on:
the path, resolved against the configured base IRI, names the resource. The document is
negotiated (HTML, Turtle, JSON-LD, N-Triples, RDF/XML), or fixed by an extension
(``/doc/x.ttl``).
"""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from rdflib import Graph

from kg.describe import describe, is_known
from kg.sparql import choose
from kg.vocab import PREFIXES, SCHEMA
from server import context
from server.views import page_view

blueprint = Blueprint("linked_data", __name__)

SERIALIZATIONS = {  # media type: (rdflib format, extension)
    "text/turtle": ("turtle", "ttl"),
    "application/ld+json": ("json-ld", "jsonld"),
    "application/n-triples": ("nt", "nt"),
    "application/rdf+xml": ("xml", "rdf"),
}
OFFERED = ("text/html", "application/xhtml+xml", *SERIALIZATIONS)
EXTENSIONS = {extension: media_type for media_type, (_, extension) in SERIALIZATIONS.items()} | {
    "html": "text/html"
}


@blueprint.route("/id/<path:key>")
def resource(key: str) -> Response:
    resource_iri = context.minter().resource(key)
    if resource_iri is None or not is_known(context.store(), resource_iri):
        abort(404, description=f"nothing is known about the resource id/{key}")
    return redirect(url_for(".document", key=key), code=303)


@blueprint.route("/doc/<path:key>")
def document(key: str) -> Response:
    graph = describe_or_none(key)
    media_type = None
    if graph is None and "." in key:
        stem, extension = key.rsplit(".", 1)
        if extension in EXTENSIONS:
            graph, media_type = describe_or_none(stem), EXTENSIONS[extension]
            key = stem
    if graph is None:
        abort(404, description=f"nothing is known about the resource id/{key}")
    if media_type is None:
        media_type = choose(request.headers.get("Accept", "*/*"), OFFERED)
        if media_type is None:
            response = Response(
                "this document is available as " + ", ".join(OFFERED[:1] + OFFERED[2:]) + "\n",
                status=406, mimetype="text/plain")
            response.headers["Vary"] = "Accept"
            return response
    subject = context.minter().resource(key)
    if media_type in ("text/html", "application/xhtml+xml"):
        view = page_view(context.store(), context.queries(), graph, subject, context.settings().base)
        body = render_template(view.template, view=view, jsonld=_script_safe(serialize(graph, "application/ld+json")))
        response = Response(body, mimetype="text/html")
    else:
        response = Response(serialize(graph, media_type), content_type=_with_charset(media_type))
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = ", ".join(
        f'<{url_for(".document", key=f"{key}.{extension}")}>; rel="alternate"; type="{alternate}"'
        for alternate, (_, extension) in SERIALIZATIONS.items()
    )
    response.add_etag()  # a crawler revalidating an unchanged document gets 304 and no body
    return response.make_conditional(request)


def describe_or_none(key: str) -> Graph | None:
    resource_iri = context.minter().resource(key)
    if resource_iri is None:
        return None
    graph = describe(context.store(), resource_iri)
    return graph if len(graph) else None


JSON_LD_CONTEXT = {"@vocab": str(SCHEMA)} | {prefix: iri for prefix, iri in PREFIXES.items() if prefix != "schema"}
"""schema.org as the vocabulary, so documents read as plain schema.org JSON-LD ("headline",
"@type": "NewsArticle") for search engines and web developers; our other vocabularies by prefix."""


def serialize(graph: Graph, media_type: str) -> str:
    rdflib_format = SERIALIZATIONS[media_type][0]
    if rdflib_format == "json-ld":
        return graph.serialize(format="json-ld", context=JSON_LD_CONTEXT, auto_compact=True)
    return graph.serialize(format=rdflib_format)


def _with_charset(media_type: str) -> str:
    return media_type + "; charset=utf-8" if media_type.startswith("text/") else media_type


def _script_safe(text: str) -> str:
    """JSON that cannot close the ``<script>`` element it is embedded in."""
    return json.dumps(json.loads(text), ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")


