"""Pass rates per W3C suite, printed at the end of a test run and by ``bench/w3c.py``.

Each W3C test records its suite as the user property :data:`SUITE`, so the summary can count
pytest's reports without knowing the test modules.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

SUITE = "w3c suite"
_OUTCOMES = {"passed": "passed", "xfailed": "expected", "skipped": "skipped", "failed": "failed",
             "error": "failed", "xpassed": "failed"}


@dataclass
class Tally:
    passed: int = 0
    expected: int = 0
    """Expected failures (listed in :mod:`w3c.expected_failures`)."""
    skipped: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.passed + self.expected + self.skipped + self.failed


def line(suite: str, tally: Tally) -> str:
    """``W3C <suite>: <passed>/<total> passed (<x>%), <n> expected failures`` and what else happened."""
    rate = 100 * tally.passed / tally.total if tally.total else 0.0
    text = f"W3C {suite}: {tally.passed}/{tally.total} passed ({rate:.1f}%), {tally.expected} expected failures"
    extra = [f"{count} {what}" for what, count in (("skipped", tally.skipped), ("failed", tally.failed)) if count]
    return ", ".join([text, *extra])


def tallies(stats: dict[str, list]) -> dict[str, Tally]:
    """The tally of each suite, from the reports a pytest terminal reporter keeps by category."""
    counted: dict[str, Tally] = defaultdict(Tally)
    for category, outcome in _OUTCOMES.items():
        for report in stats.get(category, ()):
            suite = dict(getattr(report, "user_properties", ())).get(SUITE)
            if suite:
                setattr(counted[suite], outcome, getattr(counted[suite], outcome) + 1)
    return dict(counted)


def summary(stats: dict[str, list]) -> Iterable[str]:
    """One line per suite that ran, in a stable order."""
    return [line(suite, tally) for suite, tally in sorted(tallies(stats).items())]
