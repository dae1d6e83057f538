"""The cost of running queries in killable worker processes instead of in the server process.

    python bench/workers.py [--queries 2000]

It ingests the project's example articles into a temporary store and times the same cheap
queries run directly on the embedded store and through the query worker pool, printing the
median and p99 per query and the overhead.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kg.sparql import QueryRequest  # noqa: E402
from kg.store import open_store  # noqa: E402
from kg.store.workers import QueryWorkers  # noqa: E402

QUERIES = [
    "ASK { ?s ?p ?o }",
    "PREFIX schema: <https://schema.org/> SELECT ?a ?h { ?a a schema:NewsArticle ; schema:headline ?h } LIMIT 10",
    "PREFIX schema: <https://schema.org/> SELECT ?p ?n { ?p a schema:Person ; schema:name ?n } LIMIT 20",
]


def timings(run, count: int) -> list[float]:
    spent = []
    for number in range(count):
        started = time.perf_counter()
        run(QueryRequest(QUERIES[number % len(QUERIES)], "application/sparql-results+json"))
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        store_dir = Path(scratch) / "store"
        subprocess.run([sys.executable, "-c", "import sys; from kg.cli import main; sys.exit(main(sys.argv[1:]))",
                        "ingest", "--store", str(store_dir), str(REPO / "examples")], check=True, capture_output=True,
                       env=dict(os.environ, PYTHONPATH=str(REPO)))
        store = open_store(store_dir, read_only=True)
        workers = QueryWorkers(store_dir, 2, 30, 5, 64 << 20, 1_000_000)
        try:
            timings(store.query, 50), timings(workers.query, 50)  # warm both
            direct, pooled = timings(store.query, args.queries), timings(workers.query, args.queries)
        finally:
            workers.close()
            store.close()
    for name, values in (("in process", direct), ("worker pool", pooled)):
        ordered = sorted(values)
        print(f"{name:12} median {statistics.median(values):6.3f} ms   p99 {ordered[int(0.99 * len(ordered))]:6.3f} ms")
    print(f"overhead of the worker pool: {statistics.median(pooled) - statistics.median(direct):.3f} ms per query "
          f"(median), ratio {statistics.median(pooled) / statistics.median(direct):.2f}x, {args.queries} queries")


if __name__ == "__main__":
    main()
