"""A JavaScript client queries our endpoint unchanged: Comunica (``@comunica/query-sparql``).

``tests/comunica_query.mjs`` runs under Node.js with the package ``npm ci`` installed, and
prints the solutions in the shape of SPARQL JSON results; they must be those SPARQLWrapper gets
for the same query, term for term (IRIs, language tags, datatypes). Skipped, with the reason,
where Node.js or the package is missing.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter

import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from conftest import REPO_ROOT
from server.query_page import EXAMPLES

SCRIPT = REPO_ROOT / "tests" / "comunica_query.mjs"
COMUNICA = REPO_ROOT / "node_modules" / "@comunica" / "query-sparql"


@pytest.fixture(scope="module")
def node() -> str:
    path = shutil.which("node")
    if path is None:
        pytest.skip("Node.js is not installed (no node on PATH): the Comunica client cannot run")
    if not COMUNICA.is_dir():
        pytest.skip(f"Comunica is not installed ({COMUNICA} is missing): run npm ci (make test does)")
    return path


def select(endpoint: str, query: str) -> list[dict]:
    """The solutions of ``query`` on the server at ``endpoint``, asked with SPARQLWrapper."""
    client = SPARQLWrapper(endpoint + "/sparql", returnFormat=JSON)
    client.setQuery(query)
    return client.queryAndConvert()["results"]["bindings"]


def comunica(node: str, endpoint: str, query: str) -> list[dict]:
    result = subprocess.run([node, SCRIPT, endpoint, query], cwd=REPO_ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, f"comunica_query.mjs exited with {result.returncode}:\n{result.stderr}"
    return json.loads(result.stdout)


def solutions(rows: list[dict]) -> Counter:
    """Solutions as a multiset, so that the order of rows an ORDER BY leaves open does not matter."""
    return Counter(json.dumps(row, sort_keys=True) for row in rows)


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.title for example in EXAMPLES])
def test_comunica_gets_what_sparqlwrapper_gets(node, live_server, example):
    expected = select(live_server, example.query)
    if live_server.has_shared:
        assert expected, f"the example {example.title!r} answers nothing on the test articles"
    assert solutions(comunica(node, live_server + "/sparql", example.query)) == solutions(expected)
