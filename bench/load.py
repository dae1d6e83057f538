"""Load test of the server: concurrent clients on loopback, bounded in count and time.

    python bench/load.py [--clients 32] [--seconds 60] [--heavy-clients 2]

It ingests the project's example articles (and ``../shared/corpus/text/`` when present) into a
temporary store, starts ``kg serve`` on a free loopback port with a 2 s query time limit, and
drives it with a mix: cheap SPARQL queries, dereferencing of resources (303 and document),
dump downloads, and, from a few clients, heavy queries that must time out. It prints
throughput, p50/p99 latency per kind of request and the number of errors (any status that kind
of request should not get).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-c", "import sys; from kg.cli import main; sys.exit(main(sys.argv[1:]))"]
CHEAP_QUERIES = [
    "PREFIX schema: <https://schema.org/> SELECT ?a ?h { ?a a schema:NewsArticle ; schema:headline ?h } LIMIT 10",
    "PREFIX schema: <https://schema.org/> SELECT ?p ?n { ?p a schema:Person ; schema:name ?n } LIMIT 20",
    "PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/> SELECT ?e ?t { ?e a sem:Event ; sem:eventType ?t } LIMIT 20",
    "ASK { ?s ?p ?o }",
]
HEAVY_QUERY = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?a ?f ?l"
EXPECTED = {"query": {200}, "dereference": {303, 200}, "dump": {200}, "heavy": {503}}


def env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(REPO), KG_QUERY_TIMEOUT="2", KG_QUERY_WORKERS="4", KG_THREADS="16")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(scratch: Path) -> tuple[subprocess.Popen, str]:
    store = scratch / "store"
    sources = [str(REPO / "examples")]
    shared = REPO.parent / "shared" / "corpus" / "text"
    sources += [str(shared)] if shared.is_dir() else []
    subprocess.run([*CLI, "ingest", "--store", str(store), *sources], env=env(), check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen([*CLI, "serve", "--store", str(store), "--port", str(port)], env=env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://{base}/health", timeout=1).read()
            return process, base
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start")


def resources(base: str) -> list[str]:
    query = "SELECT DISTINCT ?s { ?s ?p ?o FILTER(CONTAINS(STR(?s), '/id/')) } LIMIT 200"
    url = f"http://{base}/sparql?" + urllib.parse.urlencode({"query": query})
    rows = json.load(urllib.request.urlopen(url, timeout=10))["results"]["bindings"]
    return [urllib.parse.urlsplit(row["s"]["value"]).path for row in rows]


def client(base: str, heavy: bool, paths: list[str], deadline: float, results: dict, lock: threading.Lock) -> None:
    rng = random.Random()
    connection = http.client.HTTPConnection(base, timeout=30)
    while time.monotonic() < deadline:
        if heavy:
            kind, method, path, body = "heavy", "POST", "/sparql", HEAVY_QUERY
        else:
            kind = rng.choices(["query", "dereference", "dump"], weights=[5, 5, 1])[0]
            if kind == "query":
                method, path, body = "POST", "/sparql", rng.choice(CHEAP_QUERIES)
            elif kind == "dereference":
                method, path, body = "GET", rng.choice(paths), None
            else:
                method, path, body = "GET", rng.choice(["/dumps/kg.ttl.gz", "/dumps/kg.nq.gz"]), None
        headers = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"} \
            if body else {"Accept": "text/turtle"}
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0
            connection.close()
            connection = http.client.HTTPConnection(base, timeout=30)
        elapsed = time.perf_counter() - started
        with lock:
            results[kind].append((elapsed, status))
    connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--heavy-clients", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        process, base = start_server(Path(scratch))
        try:
            paths = resources(base)
            results: dict[str, list] = defaultdict(list)
            lock = threading.Lock()
            deadline = time.monotonic() + args.seconds
            threads = [threading.Thread(target=client, args=(base, n < args.heavy_clients, paths, deadline,
                                                             results, lock)) for n in range(args.clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            health = json.load(urllib.request.urlopen(f"http://{base}/health", timeout=5))
        finally:
            process.terminate()
            process.wait(10)
    total = sum(len(v) for v in results.values())
    errors = sum(1 for kind, rows in results.items() for _, status in rows if status not in EXPECTED[kind])
    print(f"{args.clients} clients ({args.heavy_clients} sending heavy queries) for {args.seconds:g} s on "
          f"{os.cpu_count()} cores: {total} requests, {total / args.seconds:.1f} per second, {errors} errors")
    print(f"  {'kind':12} {'requests':>8} {'p50 ms':>8} {'p99 ms':>8}  statuses")
    for kind, rows in sorted(results.items()):
        times = [elapsed * 1000 for elapsed, _ in rows]
        statuses = defaultdict(int)
        for _, status in rows:
            statuses[status] += 1
        print(f"  {kind:12} {len(rows):8} {statistics.median(times):8.1f} {percentile(times, 0.99):8.1f}  "
              f"{dict(statuses)}")
    cheap = [elapsed * 1000 for kind in ("query", "dereference", "dump") for elapsed, _ in results[kind]]
    print(f"  cheap requests p99: {percentile(cheap, 0.99):.1f} ms (target < 100 ms); "
          f"query workers replaced: {health['query_workers']['replaced']}")


if __name__ == "__main__":
    main()
