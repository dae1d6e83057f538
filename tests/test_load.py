"""``kg load``: restoring a dump into a fresh store gives back the same data, and bad input is refused."""
from __future__ import annotations

import gzip

import pyoxigraph as ox

from conftest import HARBOUR, number, ok, run_kg

COUNT_DEFAULT = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
GRAPH = "https://news.example.org/graph/extra"




def quads(store, cwd) -> ox.Dataset:
    """The store's named-graph quads, blank nodes canonicalized so that two loads compare equal."""
    data = ok(run_kg("dump", "--store", store, "--format", "nquads", cwd=cwd)).stdout.encode("utf-8")
    dataset = ox.Dataset(ox.parse(data, ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return dataset


def test_loading_a_dump_into_a_fresh_store_restores_quads_and_default_graph(tmp_path):
    article = tmp_path / "harbour.txt"
    article.write_text(HARBOUR, encoding="utf-8")
    original, restored, dump = tmp_path / "original", tmp_path / "restored", tmp_path / "x.nq.gz"
    ok(run_kg("ingest", "--store", original, article, cwd=tmp_path))
    ok(run_kg("dump", "--store", original, "--format", "nquads", "-o", dump, cwd=tmp_path))
    before = quads(original, tmp_path)

    result = ok(run_kg("load", "--store", restored, dump, cwd=tmp_path))

    assert f"loaded {len(before)} quads from {dump}" in result.stdout
    assert quads(restored, tmp_path) == before
    assert number(restored, COUNT_DEFAULT, tmp_path) == number(original, COUNT_DEFAULT, tmp_path) > 0


def test_turtle_loads_into_the_graph_given_and_the_default_graph(tmp_path):
    data = tmp_path / "extra.ttl"
    data.write_text('<https://example.org/a> <https://example.org/p> "one", "two" .\n', encoding="utf-8")
    store = tmp_path / "store"
    ok(run_kg("load", "--store", store, "--graph", GRAPH, data, cwd=tmp_path))
    assert number(store, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}", tmp_path) == 2
    assert number(store, COUNT_DEFAULT, tmp_path) == 2


def test_turtle_without_graph_is_refused(tmp_path):
    data = tmp_path / "extra.ttl"
    data.write_text('<https://example.org/a> <https://example.org/p> "one" .\n', encoding="utf-8")
    result = run_kg("load", "--store", tmp_path / "store", data, cwd=tmp_path)
    assert result.returncode == 2
    assert "--graph" in result.stderr and str(data) in result.stderr


def test_broken_file_is_refused_naming_the_position(tmp_path):
    data = tmp_path / "broken.nq.gz"
    with gzip.open(data, "wt", encoding="utf-8") as output:
        output.write(f'<https://example.org/a> <https://example.org/p> "one" <{GRAPH}> .\n'
                     f'<https://example.org/a> <https://example.org/p> "two <{GRAPH}> .\n')
    result = run_kg("load", "--store", tmp_path / "store", data, cwd=tmp_path)
    assert result.returncode == 2
    assert str(data) in result.stderr and "line 2" in result.stderr


def test_unknown_extension_and_missing_file_are_refused(tmp_path):
    unknown = tmp_path / "data.csv"
    unknown.write_text("a,b\n", encoding="utf-8")
    for path, message in ((unknown, "cannot tell the RDF format"), (tmp_path / "absent.nq", "no file")):
        result = run_kg("load", "--store", tmp_path / "store", path, cwd=tmp_path)
        assert result.returncode == 2
        assert message in result.stderr and str(path) in result.stderr
