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
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.ingest import announced_corpus, end_to_end, load_average  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts of the local cluster")
    args = parser.parse_args()
    counts = [int(count) for count in args.workers.split(",")]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "corpus"
        folder.mkdir()
        paths = announced_corpus(folder, args.articles)
        print("kg ingest --cluster local, including cluster start-up and model loading:  "
              "articles/s   CPU ms/article (all processes)")
        rates = []
        for workers in counts:
            rate, elapsed, cpu = end_to_end(folder, Path(scratch) / f"store-{workers}", workers, "--cluster", "local")
            rates.append(rate)
            print(f"  {workers} worker(s) {f'({elapsed:.1f} s)':16} {rate:10.1f} {1000 * cpu / len(paths):12.1f}")
        if len(rates) > 1:
            print(f"{counts[-1]} workers / {counts[0]} worker(s): {rates[-1] / rates[0]:.2f}x")
        print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
