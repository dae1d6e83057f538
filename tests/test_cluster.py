"""``kg ingest --cluster``: the stages before the store on a real Dask cluster.

A local cluster of worker processes (``--cluster local``) and a real scheduler with a real
worker, started as ``dask scheduler`` and ``dask worker`` processes on loopback ports. Nothing
is mocked; a worker is killed for real with SIGKILL.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from distributed import Client
from rdflib import Dataset
from rdflib.compare import to_isomorphic

from conftest import HARBOUR, INLINE_ARTICLES, free_port, kg_command, kg_env, ok, run_kg, stop
from kg.store import open_store
from oxigraph_server import oxigraph_server

SUMMARY = "{read} read, {stored} stored, {unchanged} unchanged, {refused} refused"


def write_inputs(folder: Path) -> Path:
    """Our good articles and bad inputs of several kinds: an empty file, a binary file, a records
    file with one invalid record and one that is not a record."""
    folder.mkdir()
    for name, text in INLINE_ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02 not text")
    (folder / "records.json").write_text(json.dumps([{"headline": "No date, no publisher, no address"}, 7]),
                                         encoding="utf-8")
    return folder


def graphs(path: Path) -> dict[str, object]:
    """Each named graph of the store, in a canonical form that compares equal up to blank nodes."""
    store, dump = open_store(path, read_only=True), io.BytesIO()
    try:
        store.dump(dump, "nquads")
    finally:
        store.close()
    data = Dataset()
    data.parse(data=dump.getvalue(), format="nquads")
    return {str(graph.identifier): to_isomorphic(graph) for graph in data.graphs() if len(graph)}


def report(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_cluster_ingest_stores_and_reports_what_the_normal_ingest_does_and_reruns_unchanged(tmp_path):
    """Good articles, bad inputs and a path that does not exist, with and without ``--cluster``."""
    write_inputs(tmp_path / "articles")
    on_cluster = run_kg("ingest", "--store", "cluster-store", "--cluster", "local", "--workers", 2,
                        "--report", "cluster.jsonl", "articles", "missing.txt", cwd=tmp_path, timeout=120)
    normal = run_kg("ingest", "--store", "normal-store", "--workers", 1, "--report", "normal.jsonl", "articles",
                    "missing.txt", cwd=tmp_path)

    assert on_cluster.returncode == normal.returncode == 1, on_cluster.stdout + on_cluster.stderr
    assert on_cluster.stdout == normal.stdout
    assert on_cluster.stderr == ""
    assert report(tmp_path / "cluster.jsonl") == report(tmp_path / "normal.jsonl")
    stored = [line for line in report(tmp_path / "cluster.jsonl") if line["status"] == "stored"]
    assert len(stored) == len(INLINE_ARTICLES)
    stored_graphs = graphs(tmp_path / "cluster-store")
    assert {line["article"].replace("/id/", "/graph/", 1) for line in stored} <= set(stored_graphs)
    assert stored_graphs == graphs(tmp_path / "normal-store")
    assert not list(tmp_path.glob("kg-partitions-*")), "the partitions folder was left behind"

    version = (tmp_path / "cluster-store" / "version").read_text()
    again = run_kg("ingest", "--store", "cluster-store", "--cluster", "local", "--workers", 1, "articles",
                   "missing.txt", cwd=tmp_path, timeout=120)
    assert again.returncode == 1
    refused = sum(1 for line in report(tmp_path / "normal.jsonl") if line["status"] == "refused")
    assert SUMMARY.format(read=len(stored) + refused, stored=0, unchanged=len(stored), refused=refused) in again.stdout
    assert (tmp_path / "cluster-store" / "version").read_text() == version


def test_failed_cluster_tasks_refuse_every_input_of_their_batch_with_the_reason(tmp_path):
    """Every task fails on its worker: the NLP model it is told to load is not installed there."""
    articles = write_inputs(tmp_path / "articles")
    result = run_kg("ingest", "--store", "store", "--cluster", "local", "--workers", 1, "--report", "report.jsonl",
                    "articles", cwd=tmp_path, env={"KG_NLP_MODEL": "no_such_model"}, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = report(tmp_path / "report.jsonl")
    assert sorted(line["file"] for line in lines) == sorted(f"articles/{path.name}" for path in articles.iterdir())
    for line in lines:
        assert line["status"] == "refused"
        assert line["reasons"] == ["the cluster task for its batch failed: RuntimeError: the NLP model "
                                   "'no_such_model' is not installed; install it with pip"]
    assert SUMMARY.format(read=len(lines), stored=0, unchanged=0, refused=len(lines)) in result.stdout
    assert [name for name in graphs(tmp_path / "store") if "/graph/article/" in name] == []


# --- A real scheduler at an address ------------------------------------------------------------


def dask_process(kind: str, *args: object, logs: Path, within: Sequence[str] = ()) -> subprocess.Popen:
    """``dask scheduler`` or ``dask worker``, run by this Python (through the command prefix
    ``within``), its output in ``logs``."""
    with (logs / f"dask-{kind}-{time.monotonic_ns()}.log").open("wb") as log:
        return subprocess.Popen([*within, sys.executable, "-m", f"distributed.cli.dask_{kind}", *map(str, args)],
                                env=kg_env(), stdout=log, stderr=subprocess.STDOUT)


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory) -> Iterator[str]:
    """A Dask scheduler on a free loopback port, without workers; yields its address."""
    address = f"tcp://127.0.0.1:{free_port()}"
    process = dask_process("scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                           "--no-dashboard", logs=tmp_path_factory.mktemp("scheduler"))
    try:
        with Client(address, timeout=30):
            pass
        yield address
    finally:
        stop(process)


@contextlib.contextmanager
def worker(scheduler: str, logs: Path, within: Sequence[str] = ()) -> Iterator[Client]:
    """One ``dask worker`` (under its nanny, which restarts it when it dies) with one thread;
    yields a client of the scheduler once the worker has joined."""
    process = dask_process("worker", scheduler, "--nthreads", 1, "--no-dashboard", logs=logs, within=within)
    try:
        with Client(scheduler, timeout=30) as client:
            client.wait_for_workers(1, timeout=60)
            yield client
    finally:
        stop(process)


def test_cluster_at_an_address_without_workers_is_refused_in_words(scheduler, tmp_path):
    write_inputs(tmp_path / "articles")
    result = run_kg("ingest", "--store", "store", "--cluster", scheduler, "articles", cwd=tmp_path)
    assert result.returncode == 2
    assert f"the Dask scheduler at {scheduler} has no workers" in result.stderr


def test_partitions_folder_that_a_worker_cannot_see_is_refused_before_any_work(scheduler, tmp_path):
    """The worker runs in a mount namespace of its own where an empty tmpfs covers the
    partitions folder: a real folder on a filesystem the worker does not share."""
    partitions = tmp_path / "partitions"
    partitions.mkdir()
    hide = ["unshare", "--mount", "--propagation", "private", "sh", "-c", 'mount -t tmpfs none "$0" && exec "$@"',
            str(partitions)]
    if subprocess.run([*hide, "true"], capture_output=True).returncode != 0:
        pytest.skip("this machine does not let the tests make a mount namespace (unshare --mount, as root)")
    write_inputs(tmp_path / "articles")
    with worker(scheduler, tmp_path, within=hide):
        result = run_kg("ingest", "--store", "store", "--cluster", scheduler, "--partitions", partitions, "articles",
                        cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "is not visible to the worker(s) tcp://" in result.stderr
    assert "--partitions must name a folder on a filesystem that the workers and this machine share" in result.stderr
    assert result.stdout == "" and not (tmp_path / "store" / "version").exists(), "something was stored"


def test_scheduler_at_an_address_runs_again_the_batches_of_a_killed_worker_into_a_remote_store(scheduler, tmp_path):
    """``--cluster ADDRESS`` with ``--partitions`` and ``--store-url``: the one worker is killed
    while it holds batches; its nanny starts it again, the scheduler gives it the batches again,
    and every article reaches the remote store."""
    write_inputs(tmp_path / "articles")
    (tmp_path / "articles" / "harbour-copy.txt").write_text(HARBOUR.replace("7731", "7732"), encoding="utf-8")
    partitions = tmp_path / "partitions"
    with oxigraph_server(tmp_path / "oxigraph", tmp_path) as server, worker(scheduler, tmp_path) as client:
        ingest = subprocess.Popen(kg_command("ingest", "--store-url", server.query_url, "--cluster", scheduler,
                                             "--partitions", partitions, "--report", "report.jsonl", "articles"),
                                  cwd=tmp_path, env=kg_env({"KG_STORE_GRAPH_STORE_URL": server.graph_store_url}),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            while not (busy := any(client.processing().values())) and ingest.poll() is None \
                    and time.monotonic() < deadline:
                time.sleep(0.05)
            assert busy, "the worker was never given a batch"
            (killed,) = client.run(os.getpid).values()
            os.kill(killed, signal.SIGKILL)
            stdout, stderr = ingest.communicate(timeout=120)
        finally:
            if ingest.poll() is None:
                stop(ingest)
        assert killed not in client.run(os.getpid).values(), "the worker was not replaced"
        assert ingest.returncode == 1, stdout + stderr
        stored = {line["file"]: line["article"] for line in report(tmp_path / "report.jsonl")
                  if line["status"] == "stored"}
        assert set(stored) == {f"articles/{name}" for name in [*INLINE_ARTICLES, "harbour-copy.txt"]}
        on_server = ok(run_kg("query", "--endpoint", server.query_url,
                              "SELECT DISTINCT ?a WHERE { ?g <https://w3id.org/newskg/ns#article> ?a }", cwd=tmp_path))
        assert set(on_server.stdout.split()[1:]) == {f"<{article}>" for article in stored.values()}
    assert list(partitions.iterdir()) == []
