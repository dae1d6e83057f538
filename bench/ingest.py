"""Ingest throughput: articles per second for each stage and end to end, with 1 and 2 workers.

    python bench/ingest.py [--articles N] [--stage-articles M] [--workers 1,2]

The corpus is the real rendered-page articles of ``../shared/corpus/text/`` (the project's own
shorter examples when that folder is absent), repeated under distinct URLs in a temporary
folder until it holds N articles, so every copy is a new article to the store. Stage figures
come from one process running the stages of ``kg.pipeline`` on M articles; end-to-end figures
from the real ``kg ingest`` command on a fresh store.

Each figure comes twice: articles per second by the wall clock, and CPU milliseconds per
article (``time.process_time``; for ``kg ingest``, its own and its workers' CPU time). On a
machine shared with other work the wall clock measures the neighbours too; CPU time is what
the code costs, and with W workers on W idle cores the end-to-end rate approaches W * 1000 /
(CPU ms per article). The load average is printed before and after so a reader can tell.
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kg.config import load  # noqa: E402
from kg.mapping import map_article  # noqa: E402
from kg.pipeline import Preparer, publishable  # noqa: E402
from kg.readers import read_path  # noqa: E402
from kg.store import open_store  # noqa: E402
from kg.validation import validate  # noqa: E402

STAGES = ["read", "annotate", "map", "validate", "digest", "store"]

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


class Clocks:
    """Wall-clock and CPU seconds spent in each stage."""

    def __init__(self) -> None:
        self.wall = dict.fromkeys(STAGES, 0.0)
        self.cpu = dict.fromkeys(STAGES, 0.0)
        self._marks = (time.perf_counter(), time.process_time())

    def lap(self, stage: str) -> None:
        """Charge the time since the last lap to ``stage``."""
        now = (time.perf_counter(), time.process_time())
        self.wall[stage] += now[0] - self._marks[0]
        self.cpu[stage] += now[1] - self._marks[1]
        self._marks = now


def stage_times(paths: list[Path], store_dir: Path) -> Clocks:
    """The stages as :class:`kg.pipeline.Preparer` and ``store_all`` run them, timed one by one."""
    settings = load()
    preparer = Preparer(settings.base, settings.nlp_model)
    annotator, minter = preparer.annotator, preparer.minter
    store = open_store(store_dir)
    try:
        (article,) = read_path(paths[0])  # the first article warms the caches (gazetteer, shapes)
        validate(map_article(article, minter, annotator.annotate(article)))
        clocks = Clocks()
        for path in paths:
            (article,) = read_path(path)
            clocks.lap("read")
            annotations = annotator.annotate(article)
            clocks.lap("annotate")
            mapped = map_article(article, minter, annotations)
            clocks.lap("map")
            problems = validate(mapped)
            clocks.lap("validate")
            triples = publishable(mapped, article)
            clocks.lap("digest")
            if not problems:
                store.replace_graph(triples.name, triples.ntriples)
            clocks.lap("store")
    finally:
        store.close()
    return clocks


def end_to_end(folder: Path, store_dir: Path, workers: int, *options: str) -> tuple[float, float, float]:
    """(articles per second, seconds, CPU seconds of every process) of ``kg ingest [options]`` on a
    fresh store."""
    command = [sys.executable, "-c", "import sys; from kg.cli import main; sys.exit(main(sys.argv[1:]))",
               "ingest", "--store", str(store_dir), "--workers", str(workers), *options, str(folder)]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"kg ingest failed:\n{result.stdout}\n{result.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return len(list(folder.glob("*.txt"))) / elapsed, elapsed, cpu


def announced_corpus(folder: Path, count: int) -> list[Path]:
    """:func:`make_corpus`, with a line saying what the corpus and the machine are."""
    paths = make_corpus(folder, count)
    words = sum(len(path.read_text().split()) for path in paths) / len(paths)
    print(f"corpus: {len(paths)} articles of {words:.0f} words on average, from {len(sources())} sources; "
          f"{os.cpu_count()} cores; load average {load_average()}")
    return paths


def load_average() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--stage-articles", type=int, default=200, help="articles for the per-stage timing")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts for end-to-end runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "corpus"
        folder.mkdir()
        paths = announced_corpus(folder, args.articles)
        staged = paths[:args.stage_articles]
        clocks = stage_times(staged, Path(scratch) / "stages")
        print(f"per stage, one process, {len(staged)} articles:  articles/s   CPU ms/article")
        rows = [(stage, clocks.wall[stage], clocks.cpu[stage]) for stage in STAGES]
        for stage, wall, cpu in [*rows, ("all stages", sum(clocks.wall.values()), sum(clocks.cpu.values()))]:
            print(f"  {stage:28} {len(staged) / wall:10.1f} {1000 * cpu / len(staged):12.1f}")
        print("end to end, kg ingest, including start-up:  articles/s   CPU ms/article (all processes)")
        for workers in (int(w) for w in args.workers.split(",")):
            rate, elapsed, cpu = end_to_end(folder, Path(scratch) / f"store-{workers}", workers)
            print(f"  {workers} worker(s) {f'({elapsed:.1f} s)':16} {rate:10.1f} {1000 * cpu / len(paths):12.1f}"
                  "   target >= 20 articles/s")
        print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
