"""Ingest throughput on a local Dask cluster: articles per second with 1 and with 2 workers.

    python bench/cluster.py [--articles N] [--workers 1,2]

The corpus is made as ``bench/ingest.py`` makes it: the articles of ``../shared/corpus/text/``
(or the project's examples) copied under distinct URLs into a temporary folder until it holds
N articles. Each figure is the real ``kg ingest --cluster local --workers W`` on a fresh store,
timed from start to exit, so it includes starting the cluster and loading the NLP model once
per worker; the last line is the ratio of the last worker count's rate to the first's. As in
``bench/ingest.py``, the CPU milliseconds per article of all its processes (the workers too)
and the load average before and after are printed, since a shared machine's wall clock
measures the neighbours too.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.ingest import load_average, make_corpus, sources  # noqa: E402


def cluster_ingest(folder: Path, store: Path, workers: int) -> tuple[float, float, float]:
    """(articles per second, seconds, CPU seconds of every process) of ``kg ingest --cluster local``
    on a fresh store."""
    command = [sys.executable, "-c", "import sys; from kg.cli import main; sys.exit(main(sys.argv[1:]))",
               "ingest", "--store", str(store), "--cluster", "local", "--workers", str(workers), str(folder)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"kg ingest --cluster failed:\n{result.stdout}\n{result.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return len(list(folder.glob("*.txt"))) / elapsed, elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts of the local cluster")
    args = parser.parse_args()
    counts = [int(count) for count in args.workers.split(",")]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "corpus"
        folder.mkdir()
        paths = make_corpus(folder, args.articles)
        words = sum(len(path.read_text().split()) for path in paths) / len(paths)
        print(f"corpus: {len(paths)} articles of {words:.0f} words on average, from {len(sources())} sources; "
              f"{os.cpu_count()} cores; load average {load_average()}")
        print("kg ingest --cluster local, including cluster start-up and model loading:  "
              "articles/s   CPU ms/article (all processes)")
        rates = []
        for workers in counts:
            rate, elapsed, cpu = cluster_ingest(folder, Path(scratch) / f"store-{workers}", workers)
            rates.append(rate)
            print(f"  {workers} worker(s) {f'({elapsed:.1f} s)':16} {rate:10.1f} {1000 * cpu / len(paths):12.1f}")
        if len(rates) > 1:
            print(f"{counts[-1]} workers / {counts[0]} worker(s): {rates[-1] / rates[0]:.2f}x")
        print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
