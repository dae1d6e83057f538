"""A small language guess for readers whose pages do not declare one.

It counts the commonest function words of a few languages; it only answers when one language
clearly wins, so short or mixed texts get no language rather than a wrong one.
"""
from __future__ import annotations

import re

_FUNCTION_WORDS = {
    "en": "the of and to in is that for on was with as by said has have from are be it at".split(),
    "de": "der die und das den von zu ist nicht mit dem sich des auf für ein eine im sie".split(),
    "fr": "le la les de des et est un une du en que pour dans qui pas sur au avec".split(),
    "es": "el la los las de del y que en un una es por para con no se su al".split(),
    "pt": "o a os as de do da e que em um uma para com não por se na no dos".split(),
    "it": "il la di che e un una per con non del della sono è al si da gli le".split(),
    "nl": "de het een en van in is dat op te zijn voor met die niet aan er ook".split(),
}
_LANGUAGES_OF: dict[str, list[str]] = {}
for _language, _words in _FUNCTION_WORDS.items():
    for _word in _words:
        _LANGUAGES_OF.setdefault(_word, []).append(_language)
_WORD = re.compile(r"[^\W\d_]+")


def guess_language(text: str, *, minimum_hits: int = 10) -> str | None:
    """The BCP 47 tag of the clear winner, or None."""
    counts = dict.fromkeys(_FUNCTION_WORDS, 0)
    for word in _WORD.findall(text.lower()):
        for language in _LANGUAGES_OF.get(word, ()):
            counts[language] += 1
    ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)
    (best, hits), (_, runner_up) = ranked[0], ranked[1]
    if hits >= minimum_hits and hits >= 1.5 * runner_up:
        return best
    return None
