"""Faults of the machine under the store: a full disk and a read-only file system give clear
errors, not tracebacks, and corrupt nothing. The file systems are real (tmpfs mounts); the
tests skip with a message where this machine does not allow mounting."""
from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import pytest
from rdflib import Dataset

from conftest import HARBOUR, run_kg


@pytest.fixture
def mount(tmp_path):
    mounted = []

    def make(options: str) -> Path:
        point = tmp_path / f"mount-{uuid.uuid4().hex[:8]}"
        point.mkdir()
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], capture_output=True,
                                text=True)
        if result.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({result.stderr.strip() or 'mount failed'})")
        mounted.append(point)
        return point

    yield make
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def articles(folder: Path, count: int) -> Path:
    folder.mkdir()
    for number in range(count):
        (folder / f"a{number:03d}.txt").write_text(
            HARBOUR.replace("hydrogen-ferries-7731", f"hydrogen-ferries-7731-{number}"), encoding="utf-8")
    return folder


def graphs(store: Path, cwd: Path) -> dict:
    result = run_kg("dump", "--store", store, "--format", "nquads", cwd=cwd)
    assert result.returncode == 0, result.stderr
    data = Dataset()
    data.parse(data=result.stdout, format="nquads")
    found: dict = {}
    for quad in data.quads((None, None, None, None)):
        if quad[3] is not None:
            found.setdefault(quad[3], set()).add(quad[:3])
    return found


def test_full_disk_stops_the_run_with_a_clear_error_and_keeps_what_was_stored_whole(tmp_path, mount):
    folder = articles(tmp_path / "in", 150)
    reference = tmp_path / "reference"
    assert run_kg("ingest", "--store", reference, "--workers", 1, folder, cwd=tmp_path, timeout=300).returncode == 0
    expected = graphs(reference, tmp_path)

    store, report = mount("size=3m") / "store", tmp_path / "report.jsonl"
    result = run_kg("ingest", "--store", store, "--workers", 1, "--report", report, folder, cwd=tmp_path, timeout=300)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "is full" in result.stderr and "Traceback" not in result.stderr
    stored = [json.loads(line)["article"] for line in report.read_text().splitlines()]
    assert 0 < len(stored) < 150

    present = graphs(store, tmp_path)  # the store still opens, and every article in it is whole
    assert len(present) >= len(stored)
    for name, triples in present.items():
        assert triples == expected[name]


def test_read_only_file_system_is_a_clear_error(tmp_path, mount):
    folder = articles(tmp_path / "in", 1)
    result = run_kg("ingest", "--store", mount("ro,size=1m") / "store", folder, cwd=tmp_path)
    assert result.returncode == 2
    assert "cannot be written" in result.stderr and "Traceback" not in result.stderr
