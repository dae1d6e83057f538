"""Batch ingest as newsrooms run it: reruns, updates, deletes, reports, standard input, globs,
and a run killed in the middle."""
from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import json
import signal
import subprocess
import time

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from conftest import HARBOUR, HARBOUR_URL, MARKUP, kg_command, kg_env, number, ok, run_kg
from kg.config import Settings
from kg.pipeline import Piped, Preparer, store_all
from kg.store import open_store
from kg.vocab import SCHEMA

ARTICLES = "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?g <https://w3id.org/newskg/ns#article> ?a }"




def quads(store, cwd) -> set:
    data = Dataset()
    data.parse(data=ok(run_kg("dump", "--store", store, "--format", "nquads", cwd=cwd)).stdout, format="nquads")
    return {quad for quad in data.quads((None, None, None, None)) if quad[3] is not None}


def copies(folder, count: int) -> list:
    """``count`` distinct articles: the harbour article under as many URLs."""
    folder.mkdir()
    paths = []
    for copy in range(count):
        path = folder / f"article-{copy:03d}.txt"
        path.write_text(HARBOUR.replace("hydrogen-ferries-7731", f"hydrogen-ferries-7731-{copy}"), encoding="utf-8")
        paths.append(path)
    return paths


def test_rerun_of_unchanged_articles_writes_nothing_and_says_unchanged(tmp_path):
    (tmp_path / "a.txt").write_text(HARBOUR, encoding="utf-8")
    store = tmp_path / "store"
    ok(run_kg("ingest", "--store", store, tmp_path / "a.txt", cwd=tmp_path))
    version = (store / "version").read_text()
    result = ok(run_kg("ingest", "--store", store, tmp_path / "a.txt", cwd=tmp_path))
    assert "1 read, 0 stored, 1 unchanged, 0 refused" in result.stdout
    assert (store / "version").read_text() == version


def test_changed_article_replaces_its_graph_and_gets_a_modification_date(tmp_path):
    page = tmp_path / "a.txt"
    page.write_text(HARBOUR, encoding="utf-8")
    store = tmp_path / "store"
    ok(run_kg("ingest", "--store", store, page, cwd=tmp_path))
    page.write_text(HARBOUR.replace("up to 300 passengers", "up to 350 passengers"), encoding="utf-8")
    assert "1 stored" in ok(run_kg("ingest", "--store", store, page, cwd=tmp_path)).stdout
    body = ok(run_kg("query", "--store", store,
                     "SELECT ?b ?m { ?a <https://schema.org/articleBody> ?b ; <https://schema.org/dateModified> ?m }",
                     cwd=tmp_path)).stdout
    assert "350 passengers" in body and "300 passengers" not in body
    assert '"^^<http://www.w3.org/2001/XMLSchema#date>' in body
    assert number(store, ARTICLES, tmp_path) == 1


def test_a_newer_reading_of_an_unchanged_article_keeps_the_modification_date_it_had(tmp_path):
    # A graph is replaced when our reading of the article changes (a newer annotator), but only
    # a change in what the article says makes it modified.
    settings = Settings()
    preparer = Preparer(settings.base, settings.nlp_model)
    store = open_store(tmp_path / "store")

    def ingest(text: str, day: dt.date, reread: bool = False) -> list[str]:
        ((outcome, triples),) = preparer(Piped(text.encode("utf-8"), "harbour.txt"))
        if reread:  # what a newer annotator adds: one more statement about the article
            extra = Graph().add((triples.article, SCHEMA.keywords, Literal("ferries"))).serialize(format="nt")
            triples = dataclasses.replace(triples, ntriples=triples.ntriples + extra, digest=Literal("newer reading"))
        return [outcome.status for outcome in store_all([(outcome, triples)], store, preparer.minter, today=day)]

    def modified() -> list:
        return [o for _, _, o in store.triples(None, SCHEMA.dateModified)]

    try:
        assert ingest(HARBOUR, dt.date(2024, 1, 1)) == ["stored"] and modified() == []
        assert ingest(HARBOUR, dt.date(2024, 1, 2), reread=True) == ["stored"] and modified() == []
        changed = HARBOUR.replace("up to 300 passengers", "up to 350 passengers")
        assert ingest(changed, dt.date(2024, 1, 3)) == ["stored"]
        assert modified() == [Literal("2024-01-03", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))]
        assert ingest(changed, dt.date(2024, 1, 4), reread=True) == ["stored"]
        assert modified() == [Literal("2024-01-03", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))]
    finally:
        store.close()


def test_delete_removes_the_article_and_what_only_it_stated(tmp_path):
    (tmp_path / "a.txt").write_text(HARBOUR, encoding="utf-8")
    (tmp_path / "b.txt").write_text(MARKUP, encoding="utf-8")
    store = tmp_path / "store"
    ok(run_kg("ingest", "--store", store, tmp_path / "b.txt", cwd=tmp_path))
    only_b = quads(store, tmp_path)
    ok(run_kg("ingest", "--store", store, tmp_path / "a.txt", cwd=tmp_path))
    ok(run_kg("delete", "--store", store, HARBOUR_URL, cwd=tmp_path))
    assert quads(store, tmp_path) == only_b
    mentions_agency = 'ASK { ?o <https://schema.org/name> "Reuters" }'  # credited by the deleted article only
    assert ok(run_kg("query", "--store", store, mentions_agency, cwd=tmp_path)).stdout.split()[-1] == "false"
    missing = run_kg("delete", "--store", store, HARBOUR_URL, cwd=tmp_path)
    assert missing.returncode == 1 and "no article" in missing.stdout


UNADDRESSED_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Harbour bridge to close to cars</title>
<meta name="date" content="2023-03-14"></head><body><article><h1>Harbour bridge to close to cars</h1>
<p>The city council voted on Tuesday night to close the old harbour bridge to cars from next spring, after
engineers found that its steel girders had corroded far more than expected.</p>
<p>Cyclists and pedestrians will still be able to cross while a new bridge is planned, the council said, and
buses will be diverted over the ring road for at least three years.</p></article></body></html>"""


def test_page_without_an_address_is_stored_under_its_text_wherever_it_is_read_from(tmp_path):
    # Saved pages often name no address of their own; such a page is still published, and the
    # same page found again in another folder is the same article, not a second one.
    for folder, text in (("a", UNADDRESSED_PAGE), ("b", UNADDRESSED_PAGE),
                         ("c", UNADDRESSED_PAGE.replace("three years", "four years"))):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "bridge.html").write_text(text, encoding="utf-8")
    store, report = tmp_path / "store", tmp_path / "report.jsonl"
    first = ok(run_kg("ingest", "--store", store, "--report", report, tmp_path / "a", cwd=tmp_path))
    assert "1 read, 1 stored" in first.stdout
    [line] = [json.loads(line) for line in report.read_text().splitlines()]
    assert "/id/article/unaddressed/" in line["article"]
    assert any("no web address" in note for note in line["notes"])
    again = ok(run_kg("ingest", "--store", store, tmp_path / "b" / "bridge.html", cwd=tmp_path / "b"))
    assert "1 read, 0 stored, 1 unchanged" in again.stdout
    assert "1 stored" in ok(run_kg("ingest", "--store", store, tmp_path / "c", cwd=tmp_path)).stdout
    assert number(store, ARTICLES, tmp_path) == 2


def test_a_large_batch_prints_the_first_notes_and_leaves_the_rest_to_the_report(tmp_path):
    copies(tmp_path / "in", 22)  # each copy notes the footer lines it dropped
    report = tmp_path / "report.jsonl"
    result = ok(run_kg("export", "-o", tmp_path / "kg.nq.gz", "--report", report, tmp_path / "in", cwd=tmp_path))
    printed = [line for line in result.stdout.splitlines() if line.startswith("note ")]
    assert len(printed) == 20 and "... and 2 more notes; --report FILE lists them all" in result.stdout
    assert sum(len(json.loads(line)["notes"]) for line in report.read_text().splitlines()) == 22


def test_report_lists_every_article_with_status_and_reasons(tmp_path):
    (tmp_path / "a.txt").write_text(HARBOUR, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    report = tmp_path / "report.jsonl"
    result = run_kg("ingest", "--store", tmp_path / "store", "--report", report, tmp_path / "a.txt",
                    tmp_path / "empty.txt", cwd=tmp_path)
    assert result.returncode == 1
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    assert [(line["file"], line["status"]) for line in lines] == [
        (str(tmp_path / "a.txt"), "stored"), (str(tmp_path / "empty.txt"), "refused")]
    assert lines[0]["article"].endswith("/id/article/news.example.org/business/hydrogen-ferries-7731")
    assert lines[1]["reasons"] == ["the file is empty"]


def test_standard_input_and_unexpanded_globs_are_inputs(tmp_path):
    folder = tmp_path / "in"
    copies(folder, 2)
    store = tmp_path / "store"
    result = ok(run_kg("ingest", "--store", store, str(folder / "*.txt"), cwd=tmp_path))
    assert "2 read, 2 stored" in result.stdout
    piped = ok(run_kg("ingest", "--store", store, "-", input=MARKUP, cwd=tmp_path))
    assert "1 read, 1 stored" in piped.stdout
    assert number(store, ARTICLES, tmp_path) == 3


@pytest.mark.parametrize("workers", [1, 2])
def test_killed_ingest_leaves_whole_articles_and_a_rerun_completes_without_duplicates(tmp_path, workers):
    paths = copies(tmp_path / "in", 40)
    reference = tmp_path / "reference"
    ok(run_kg("ingest", "--store", reference, "--workers", 1, tmp_path / "in", cwd=tmp_path, timeout=120))
    expected = quads(reference, tmp_path)
    assert len({quad[3] for quad in expected}) == len(paths) + 1  # each copy its own article, and the ontology

    store, report = tmp_path / "store", tmp_path / "report.jsonl"
    process = subprocess.Popen(kg_command("ingest", "--store", store, "--workers", workers, "--report", report,
                                          tmp_path / "in"), cwd=tmp_path, env=kg_env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not report.exists() or len(report.read_text().splitlines()) < 5):
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    reported = [json.loads(line) for line in report.read_text().splitlines() if line.endswith("}")]
    assert 5 <= len(reported) < len(paths), "the run was not interrupted in the middle"

    partial = quads(store, tmp_path)
    graphs = {quad[3] for quad in partial}
    for graph in graphs:  # every article present is whole: exactly its quads in the uninterrupted store
        assert {q for q in partial if q[3] == graph} == {q for q in expected if q[3] == graph}
    stored = {line["article"] for line in reported if line["status"] == "stored"}
    assert stored <= {str(g).replace("/graph/", "/id/") for g in graphs}, "a reported article was lost"

    rerun = ok(run_kg("ingest", "--store", store, "--workers", workers, tmp_path / "in", cwd=tmp_path, timeout=120))
    assert "40 read" in rerun.stdout and "0 refused" in rerun.stdout
    assert quads(store, tmp_path) == expected


def test_json_lines_export_stores_good_records_and_refuses_the_broken_line(tmp_path):
    record = {"uri": "https://cms.example.org/news/{n}", "headline": "Ferry line {n} reopens",
              "versioncreated": "2024-05-0{n}T08:00:00Z", "body_text": "The ferry line reopened on Monday.",
              "byline": "By Ana Lima", "copyrightholder": "Example Post", "language": "en"}
    lines = [json.dumps({k: v.format(n=n) for k, v in record.items()}) for n in (1, 2)]
    export = tmp_path / "export.jsonl"
    export.write_text("\n".join([lines[0], '{"headline": "broken', lines[1]]) + "\n", encoding="utf-8")
    result = run_kg("ingest", "--store", tmp_path / "store", export, cwd=tmp_path)
    assert result.returncode == 1
    assert "3 read, 2 stored, 0 unchanged, 1 refused" in result.stdout
    assert f"refused {export}#2" in result.stdout and "line 2 is not valid JSON" in result.stdout
    authors = ok(run_kg("query", "--store", tmp_path / "store",
                        "SELECT DISTINCT ?n { ?a <https://schema.org/author> ?p . ?p <https://schema.org/name> ?n }",
                        cwd=tmp_path)).stdout
    assert '"Ana Lima"' in authors


def test_export_writes_the_validated_graphs_a_store_would_hold(tmp_path):
    folder = tmp_path / "in"
    copies(folder, 3)
    (folder / "empty.txt").write_bytes(b"")
    export = tmp_path / "kg.nq.gz"
    result = run_kg("export", "-o", export, folder, cwd=tmp_path)
    assert result.returncode == 1 and "4 read, 3 valid, 1 refused" in result.stdout
    exported = Dataset()
    exported.parse(data=gzip.decompress(export.read_bytes()), format="nquads")
    store = tmp_path / "store"
    run_kg("ingest", "--store", store, folder, cwd=tmp_path)
    assert {quad for quad in exported.quads((None, None, None, None)) if quad[3] is not None} == quads(store, tmp_path)
