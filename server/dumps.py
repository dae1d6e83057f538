"""``/dumps/``: the whole graph as gzip-compressed Turtle (the union) and N-Quads (per article graph)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, send_file

from kg.dumps import FILE_NAMES, current_dump
from server import context

blueprint = Blueprint("dumps", __name__)

DESCRIPTIONS = {
    "turtle": "all triples, the union of the article graphs (Turtle)",
    "nquads": "all quads, each article in its named graph (N-Quads)",
}
MEDIA_TYPES = {"turtle": "text/turtle", "nquads": "application/n-quads"}


@blueprint.route("/dumps/")
def listing() -> str:
    dumps = [current_dump(context.store(), context.settings().dumps, format) for format in FILE_NAMES]
    return render_template("dumps.html", dumps=dumps, descriptions=DESCRIPTIONS)


@blueprint.route("/dumps/<name>")
def download(name: str) -> Response:
    formats = {file_name: format for format, file_name in FILE_NAMES.items()}
    if name not in formats:
        abort(404, description=f"there is no dump called {name}; see /dumps/")
    directory = context.settings().dumps
    info = current_dump(context.store(), directory, formats[name])
    response = send_file(directory / info.file, mimetype=MEDIA_TYPES[info.format], conditional=True,
                         etag=info.sha256, download_name=info.file)
    return response
