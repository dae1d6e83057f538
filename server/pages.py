"""The home page, the site icon and the health check."""
from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, redirect, render_template, url_for

from kg.sparql import QueryRequest
from server import context
from server.html import href

blueprint = Blueprint("pages", __name__)

LATEST_ARTICLES = """
PREFIX schema: <https://schema.org/>
PREFIX kg: <https://w3id.org/newskg/ns#>
SELECT ?article ?headline ?date WHERE {
  ?graph kg:article ?article .
  ?article schema:headline ?headline ; schema:datePublished ?date .
} ORDER BY DESC(?date) LIMIT 50
"""


@blueprint.route("/")
def home() -> str:
    answer = context.queries().query(QueryRequest(LATEST_ARTICLES, "application/sparql-results+json"))
    base = context.settings().base
    articles = [
        {"href": href(row["article"]["value"], base), "headline": row["headline"]["value"],
         "date": row["date"]["value"]}
        for row in json.loads(answer.body)["results"]["bindings"]
    ]
    return render_template("home.html", articles=articles)


@blueprint.route("/favicon.ico")
def favicon() -> Response:
    """Browsers and crawlers ask for this address whatever the page says; send them to the icon."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@blueprint.route("/health")
def health() -> Response:
    return jsonify(status="ok", store_version=context.store().version(), query_workers=context.queries().status(),
                   documents=context.documents().status())
