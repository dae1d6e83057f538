"""``/dumps/``: the whole graph as gzip-compressed Turtle (the union) and N-Quads (per article graph).

Downloads carry the dump's SHA-256 as ETag and its making time as Last-Modified, and honour
conditional and range requests, so an interrupted download of a large dump can resume.
"""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, jsonify, render_template, request, send_file, url_for

from kg.dumps import FILE_NAMES, MEDIA_TYPES, current_dump
from kg.sparql import choose
from server import context

blueprint = Blueprint("dumps", __name__)

DESCRIPTIONS = {
    "turtle": "all triples, the union of the article graphs (Turtle)",
    "nquads": "all quads, each article in its named graph (N-Quads)",
}
LISTINGS = ("text/html", "application/xhtml+xml", "application/json")


@blueprint.route("/dumps/")
def listing() -> Response:
    dumps = [current_dump(context.store(), context.settings().dumps, format) for format in FILE_NAMES]
    if choose(request.headers.get("Accept", "*/*"), LISTINGS) == "application/json":
        response = jsonify(dumps=[
            {"url": url_for(".download", name=dump.file, _external=True), "file": dump.file, "format": dump.format,
             "media_type": MEDIA_TYPES[dump.format], "compression": "gzip", "size": dump.size,
             "count": dump.count, "sha256": dump.sha256, "modified": dump.modified}
            for dump in dumps
        ])
    else:
        response = Response(render_template("dumps.html", dumps=dumps, descriptions=DESCRIPTIONS),
                            mimetype="text/html")
    response.headers["Vary"] = "Accept"
    return response


@blueprint.route("/dumps/<name>")
def download(name: str) -> Response:
    formats = {file_name: format for format, file_name in FILE_NAMES.items()}
    if name not in formats:
        abort(404, description=f"there is no dump called {name}; see /dumps/")
    directory = context.settings().dumps
    info = current_dump(context.store(), directory, formats[name])
    # The file is what it is named: gzip. Sent as the data's own media type, clients would take the
    # compressed bytes for Turtle or N-Quads.
    return send_file(directory / info.file, mimetype="application/gzip", conditional=True, etag=info.sha256,
                     last_modified=dt.datetime.fromisoformat(info.modified), download_name=info.file)
