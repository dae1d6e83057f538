"""The ``kg`` command line, run as a real process on real files and stores."""
from __future__ import annotations

import gzip
import subprocess
import sys
import urllib.request

import pyoxigraph
import pytest
from rdflib import Dataset, Graph

from conftest import HARBOUR, MARKUP, free_port, number, ok, run_kg, serve

NO_HEADLINE = """March 2, 2023

The ministry announced on Tuesday that the new rail line to the airport would open three months later than planned.

https://news.example.org/transport/rail-delay-3301

Officials blamed a shortage of parts and said that trains would start running in the summer.

(AFP)
"""

NO_DATE = """Transport

Airport rail line opens late

The ministry announced on Tuesday that the new rail line to the airport would open three months later than planned.

https://news.example.org/transport/rail-delay-3302

Officials blamed a shortage of parts and said that trains would start running in the summer.

(AFP)
"""

COUNT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
COUNT_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
COUNT_ARTICLES = "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?g <https://w3id.org/newskg/ns#article> ?a }"




def dump(store, cwd) -> bytes:
    result = run_kg("dump", "--store", store, "--format", "nquads", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return result.stdout.encode("utf-8")


@pytest.fixture
def articles(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    files = {}
    for name, text in {"harbour.txt": HARBOUR, "markup.txt": MARKUP, "no-headline.txt": NO_HEADLINE,
                       "no-date.txt": NO_DATE}.items():
        files[name] = folder / name
        files[name].write_text(text, encoding="utf-8")
    return files


def test_ingesting_same_file_twice_leaves_triple_and_quad_counts_unchanged(tmp_path, articles):
    store = tmp_path / "store"
    ok(run_kg("ingest", "--store", store, articles["harbour.txt"], cwd=tmp_path))
    before = (number(store, COUNT_TRIPLES, tmp_path), number(store, COUNT_QUADS, tmp_path))
    ok(run_kg("ingest", "--store", store, articles["harbour.txt"], cwd=tmp_path))
    after = (number(store, COUNT_TRIPLES, tmp_path), number(store, COUNT_QUADS, tmp_path))
    assert before[0] > 10
    assert after == before
    assert number(store, COUNT_ARTICLES, tmp_path) == 1


@pytest.mark.parametrize(("name", "field"), [("no-headline.txt", "headline"), ("no-date.txt", "datePublished")])
def test_ingest_refuses_article_missing_field_naming_file_and_field_and_leaves_store_untouched(
        tmp_path, articles, name, field):
    store = tmp_path / "store"
    ok(run_kg("ingest", "--store", store, articles["harbour.txt"], cwd=tmp_path))
    before = dump(store, tmp_path)
    result = run_kg("ingest", "--store", store, articles[name], cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    report = result.stdout + result.stderr
    assert str(articles[name]) in report
    assert field in report
    assert "0 stored" in report and "1 refused" in report
    assert dump(store, tmp_path) == before


def test_ingest_of_folder_with_one_bad_file_stores_the_good_ones(tmp_path, articles):
    articles["no-date.txt"].unlink()
    store = tmp_path / "store"
    result = run_kg("ingest", "--store", store, articles["harbour.txt"].parent, cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "3 read, 2 stored, 0 unchanged, 1 refused" in result.stdout
    assert f"refused {articles['no-headline.txt']}" in result.stdout
    assert number(store, COUNT_ARTICLES, tmp_path) == 2


def test_ingest_with_two_workers_stores_what_one_worker_stores(tmp_path, articles):
    stores = {}
    for workers in (1, 2):
        stores[workers] = tmp_path / f"store-{workers}"
        result = run_kg("ingest", "--workers", workers, "--store", stores[workers], articles["harbour.txt"].parent,
                        cwd=tmp_path)
        assert result.returncode == 1 and "4 read, 2 stored, 0 unchanged, 2 refused" in result.stdout, result.stdout
    assert dump(stores[1], tmp_path) == dump(stores[2], tmp_path)


def test_ingest_refuses_unreadable_files_with_reason_and_goes_on(tmp_path, articles):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    store = tmp_path / "store"
    result = run_kg("ingest", "--store", store, tmp_path / "empty.txt", tmp_path / "picture.txt",
                    articles["markup.txt"], cwd=tmp_path)
    assert result.returncode == 1
    assert "3 read, 1 stored, 0 unchanged, 2 refused" in result.stdout
    assert "empty" in result.stdout and "binary" in result.stdout
    assert number(store, COUNT_ARTICLES, tmp_path) == 1


def test_validate_prints_report_and_stores_nothing(tmp_path, articles):
    store = tmp_path / "would-be-store"
    result = run_kg("validate", articles["harbour.txt"], articles["no-headline.txt"], cwd=tmp_path,
                    env={"KG_STORE": str(store)})
    assert result.returncode == 1
    assert "2 read, 1 valid, 1 refused" in result.stdout
    assert str(articles["no-headline.txt"]) in result.stdout and "headline" in result.stdout
    assert f"refused {articles['harbour.txt']}" not in result.stdout
    assert not store.exists()
    assert not (tmp_path / "kg-store").exists()


def test_validate_of_good_articles_succeeds(tmp_path, articles):
    result = ok(run_kg("validate", articles["harbour.txt"], articles["markup.txt"], cwd=tmp_path))
    assert "2 read, 2 valid, 0 refused" in result.stdout


@pytest.fixture
def filled_store(tmp_path, articles):
    store = tmp_path / "store"
    ok(run_kg("ingest", "--store", store, articles["harbour.txt"], articles["markup.txt"], cwd=tmp_path))
    return store


def test_dump_nquads_to_gz_file_writes_gzip_that_parses_to_all_quads(tmp_path, filled_store):
    target = tmp_path / "x.nq.gz"
    ok(run_kg("dump", "--store", filled_store, "--format", "nquads", "-o", target, cwd=tmp_path))
    with gzip.open(target, "rb") as compressed:
        data = compressed.read()
    dataset = Dataset()
    dataset.parse(data=data, format="nquads")
    quads = [quad for quad in dataset.quads((None, None, None, None)) if quad[3] is not None]
    assert len(quads) == number(filled_store, COUNT_QUADS, tmp_path) > 0
    graphs = {str(quad[3]) for quad in quads}
    assert len([g for g in graphs if "/graph/article/" in g]) == 2
    assert "http://127.0.0.1:5000/graph/ontology" in graphs


def test_dump_turtle_to_file_parses_to_all_distinct_triples(tmp_path, filled_store):
    target = tmp_path / "x.ttl"
    ok(run_kg("dump", "--store", filled_store, "--format", "turtle", "-o", target, cwd=tmp_path))
    assert len(Graph().parse(target, format="turtle")) == number(filled_store, COUNT_TRIPLES, tmp_path)


def test_query_with_syntax_error_exits_nonzero_with_parser_message(tmp_path, filled_store):
    bad = "SELECT ?s WHERE { ?s ?p ?o"
    with pytest.raises(SyntaxError) as parser:
        pyoxigraph.Store().query(bad)
    result = run_kg("query", "--store", filled_store, bad, cwd=tmp_path)
    assert result.returncode != 0
    assert str(parser.value) in result.stderr
    assert result.stdout == ""


def test_query_reads_query_from_stdin(tmp_path, filled_store):
    result = ok(run_kg("query", "--store", filled_store, "-", cwd=tmp_path, input=COUNT_ARTICLES))
    assert int(result.stdout.split()[-1]) == 2


def test_ingest_while_the_server_runs_is_seen_by_the_server(tmp_path, articles):
    store = tmp_path / "store"
    ok(run_kg("ingest", "--store", store, articles["harbour.txt"], cwd=tmp_path))
    with serve(store, tmp_path) as url:
        ok(run_kg("ingest", "--store", store, articles["markup.txt"], cwd=tmp_path))
        result = ok(run_kg("query", "--endpoint", url + "/sparql", COUNT_ARTICLES, cwd=tmp_path))
        assert int(result.stdout.split()[-1]) == 2
        with urllib.request.urlopen(url + "/id/article/news.example.org/tech/city-portal-hack-9902") as response:
            assert response.status == 200  # the redirect to the new article's document was followed


def test_second_writer_is_refused_saying_the_store_is_in_use(tmp_path, articles):
    store = tmp_path / "store"
    ok(run_kg("ingest", "--store", store, articles["harbour.txt"], cwd=tmp_path))
    writer = "import sys, time, pyoxigraph; held = pyoxigraph.Store(sys.argv[1]); print('open', flush=True); time.sleep(60)"
    holder = subprocess.Popen([sys.executable, "-c", writer, str(store / "oxigraph")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        result = run_kg("ingest", "--store", store, articles["markup.txt"], cwd=tmp_path)
        assert result.returncode == 2 and "in use" in result.stderr
    finally:
        holder.kill()
        holder.wait()


def test_query_against_endpoint_answers_from_live_server(tmp_path, live_server):
    result = ok(run_kg("query", "--endpoint", live_server + "/sparql", COUNT_ARTICLES, cwd=tmp_path))
    assert int(result.stdout.split()[-1]) == len(live_server.headlines)


def test_query_against_endpoint_with_syntax_error_exits_nonzero_with_parser_message(tmp_path, live_server):
    bad = "SELECT (COUNT(*) AS ?n WHERE { ?s ?p ?o }"
    with pytest.raises(SyntaxError) as parser:
        pyoxigraph.Store().query(bad)
    result = run_kg("query", "--endpoint", live_server + "/sparql", bad, cwd=tmp_path)
    assert result.returncode != 0
    assert str(parser.value) in result.stderr


def test_query_against_an_endpoint_nobody_answers_says_so_without_a_traceback(tmp_path):
    endpoint = f"http://127.0.0.1:{free_port()}/sparql"
    result = run_kg("query", "--endpoint", endpoint, COUNT_ARTICLES, cwd=tmp_path)
    assert result.returncode == 2
    assert f"the endpoint {endpoint} cannot be reached" in result.stderr and "Traceback" not in result.stderr
