"""Ingest throughput: articles per second for each stage and end to end, with 1 and 2 workers.

    python bench/ingest.py [--articles N] [--workers 1,2]

The corpus is the real rendered-page articles of ``../shared/corpus/text/`` (the project's own
shorter examples when that folder is absent), repeated under distinct URLs in a temporary
folder until it holds N articles, so every copy is a new article to the store. Stage figures come from one process
timing each stage; end-to-end figures from the real ``kg ingest`` command on a fresh store.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kg.config import load  # noqa: E402
from kg.iris import Minter  # noqa: E402
from kg.mapping import map_article  # noqa: E402
from kg.readers import read_path  # noqa: E402
from kg.store import open_store  # noqa: E402
from kg.validation import validate  # noqa: E402

_URL_LINE = re.compile(r"^(https?://\S+?)/*$", re.MULTILINE)


def sources() -> list[Path]:
    shared = sorted((REPO.parent / "shared" / "corpus" / "text").glob("*.txt"))
    return shared or sorted((REPO / "examples").glob("*.txt"))


def make_corpus(folder: Path, count: int) -> list[Path]:
    """``count`` article files, copies of the sources, each with its own short link."""
    texts = [path.read_text(encoding="utf-8") for path in sources()]
    paths = []
    for number in range(count):
        text = _URL_LINE.sub(lambda m: f"{m.group(1)}-copy{number}", texts[number % len(texts)], count=1)
        path = folder / f"article-{number:05d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def stage_rates(paths: list[Path], store_dir: Path) -> dict[str, float]:
    from kg.annotate import Annotator

    settings = load()
    annotator, minter = Annotator(settings.nlp_model), Minter(settings.base)
    seconds = dict.fromkeys(["read", "annotate", "map", "validate", "store"], 0.0)
    store = open_store(store_dir)
    try:
        for path in paths:
            started = time.perf_counter()
            (article,) = read_path(path)
            read = time.perf_counter()
            annotations = annotator.annotate(article)
            annotated = time.perf_counter()
            mapped = map_article(article, minter, annotations)
            mapped_at = time.perf_counter()
            problems = validate(mapped)
            validated = time.perf_counter()
            if not problems:
                store.replace_graph(mapped.name, mapped.graph)
            stored = time.perf_counter()
            for stage, (begin, end) in {"read": (started, read), "annotate": (read, annotated),
                                        "map": (annotated, mapped_at), "validate": (mapped_at, validated),
                                        "store": (validated, stored)}.items():
                seconds[stage] += end - begin
    finally:
        store.close()
    return {stage: len(paths) / spent for stage, spent in seconds.items()} | {
        "all stages, one process": len(paths) / sum(seconds.values())}


def end_to_end(folder: Path, store_dir: Path, workers: int) -> tuple[float, float]:
    """(articles per second, seconds) of ``kg ingest`` on a fresh store."""
    command = [sys.executable, "-c", "import sys; from kg.cli import main; sys.exit(main(sys.argv[1:]))",
               "ingest", "--store", str(store_dir), "--workers", str(workers), str(folder)]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"kg ingest failed:\n{result.stdout}\n{result.stderr}")
    return len(list(folder.glob("*.txt"))) / elapsed, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--stage-articles", type=int, default=200, help="articles for the per-stage timing")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts for end-to-end runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "corpus"
        folder.mkdir()
        paths = make_corpus(folder, args.articles)
        words = sum(len(path.read_text().split()) for path in paths) / len(paths)
        print(f"corpus: {len(paths)} articles of {words:.0f} words on average, from {len(sources())} sources; "
              f"{os.cpu_count()} cores")
        print("per stage (one process, articles per second):")
        for stage, rate in stage_rates(paths[:args.stage_articles], Path(scratch) / "stages").items():
            print(f"  {stage:24} {rate:8.1f}")
        print("end to end, kg ingest (articles per second, including start-up):")
        for workers in (int(w) for w in args.workers.split(",")):
            rate, elapsed = end_to_end(folder, Path(scratch) / f"store-{workers}", workers)
            print(f"  {workers} worker(s)               {rate:8.1f}   ({elapsed:.1f} s)   target >= 20")


if __name__ == "__main__":
    main()
