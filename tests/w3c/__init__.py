"""The W3C SPARQL 1.1 test suites, run over HTTP against ``kg serve``.

The suites are read from ``../shared/w3c/sparql11`` (never copied into the repository):
:mod:`w3c.manifest` reads their manifests, :mod:`w3c.results` compares answers the way the
manifests ask, :mod:`w3c.suites` prepares the stores and runs one W3C test against a server,
:mod:`w3c.expected_failures` lists what fails and why, and :mod:`w3c.report` counts pass rates.
The pytest modules ``tests/test_w3c_*.py`` and the command ``bench/w3c.py`` are both thin
layers over these.
"""
from __future__ import annotations

from pathlib import Path

SPARQL11 = Path(__file__).resolve().parents[2].parent / "shared" / "w3c" / "sparql11"
MISSING = f"the W3C SPARQL 1.1 test suites are absent ({SPARQL11} not found)"
