"""The gold readers and scorers of ``bench/extraction.py``, on tiny inline samples."""
from __future__ import annotations

import io
import sys
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import extraction as bx  # noqa: E402
from kg.annotate.model import Annotations, Entity, Event, Span  # noqa: E402
from kg.annotate.timex import TimeSpan  # noqa: E402

CONLL = """#begin document (corpus_apple/1); part 000
corpus_apple/1\t0\t0\tApple\t(cross_ORG1)
corpus_apple/1\t0\t1\tsues\t(cross_OTH2)
corpus_apple/1\t0\t2\tCisco\t(cross_ORG3)

corpus_apple/1\t1\t0\tJanuary\t-
corpus_apple/1\t1\t1\t12\t-
corpus_apple/1\t1\t2\t,\t-
corpus_apple/1\t1\t3\t2007\t-

corpus_apple/1\t2\t0\tSteve\t(cross_PER4
corpus_apple/1\t2\t1\tJobs\tcross_PER4)
corpus_apple/1\t2\t2\tsaid\t(cross_SPE5)
corpus_apple/1\t2\t3\t``\t-
corpus_apple/1\t2\t4\tits\t(cross_ORG1)
corpus_apple/1\t2\t5\tcase\t-
corpus_apple/1\t2\t6\t''\t-
corpus_apple/1\t2\t7\t.\t-
#end document
"""


def _mention(sent, tokens, words, kind, head_pos="PROPN"):
    return {"conll_doc_key": "corpus_apple/1", "sent_id": sent, "tokens_number": tokens,
            "tokens_str": words, "mention_type": kind, "mention_head_pos": head_pos,
            "mention_head": words.split()[-1]}


def _meantime(tmp_path: Path):
    path = tmp_path / "meantime.conll"
    path.write_text(CONLL, encoding="utf-8")
    entities = [_mention(0, [0], "Apple", "ORG"), _mention(0, [2], "Cisco", "ORG"),
                _mention(2, [0, 1], "Steve Jobs", "PER"), _mention(2, [4], "its", "ORG", "PRON"),
                _mention(0, [0], "Apple", "PRO")]
    events = [_mention(0, [1], "sues", "OTH", "VERB"), _mention(2, [2], "said", "SPE", "VERB")]
    return bx.meantime_documents(bx.read_conll(path), entities, events)


def test_detokenize_keeps_token_offsets():
    tokens = ["Apple", "'s", "``", "iPhone", "''", "(", "new", ")", "costs", "$", "499", "."]
    text, spans = bx.detokenize(tokens)
    assert text == 'Apple\'s "iPhone" (new) costs $499.'
    assert [text[s:e] for s, e in spans] == ["Apple", "'s", '"', "iPhone", '"', "(", "new", ")",
                                             "costs", "$", "499", "."]


def test_meantime_reader_builds_text_dct_and_gold_spans(tmp_path):
    corpus = _meantime(tmp_path)
    doc, = corpus.docs
    assert doc.dct == date(2007, 1, 12)
    assert doc.text == 'Apple sues Cisco\n\nSteve Jobs said "its case".'
    got = {(e.kind, doc.text[e.span[0]:e.span[1]], e.named) for e in doc.entities}
    assert got == {("organization", "Apple", True), ("organization", "Cisco", True),
                   ("person", "Steve Jobs", True), ("organization", "its", False)}
    assert [doc.text[s:e] for s, e in doc.events] == ["sues", "said"]
    assert not any("differ" in note for note in corpus.notes)


def test_entity_scores_exact_overlap_and_names(tmp_path):
    doc, = _meantime(tmp_path).docs
    text = doc.text
    jobs = text.index("Jobs")
    predicted = {("organization", (0, 5)), ("person", (jobs, jobs + 4)),
                 ("organization", (text.index("its"), text.index("its") + 3)),
                 ("place", (text.index("Cisco"), text.index("Cisco") + 5))}
    scores = bx.score_entities(doc.entities, predicted)
    org_all = scores[("organization", "all", "exact")]
    assert (org_all.right_predicted, org_all.predicted, org_all.found_gold, org_all.gold) == (2, 2, 2, 3)
    person_exact = scores[("person", "all", "exact")]
    assert person_exact.precision == 0 and person_exact.recall == 0
    person_overlap = scores[("person", "all", "overlap")]
    assert person_overlap.f1 == 1.0
    names = scores[("organization", "names", "exact")]
    # "its" matches a non-name gold mention: left out of precision, and not part of the gold
    assert (names.right_predicted, names.predicted, names.found_gold, names.gold) == (1, 1, 1, 2)
    assert scores[("place", "all", "exact")].precision == 0.0


def test_head_match_takes_a_name_inside_the_gold_noun_phrase_that_covers_its_head(tmp_path):
    doc, = _meantime(tmp_path).docs
    text = doc.text
    jobs = text.index("Jobs")

    def person(start: int, end: int) -> bx.PRF:
        return bx.score_entities(doc.entities, {("person", (start, end))})[("person", "all", "head")]

    assert person(jobs, jobs + 4).f1 == 1.0  # the head word alone
    assert person(jobs - 6, jobs + 4).f1 == 1.0  # the whole mention
    assert person(jobs - 6, jobs - 1).f1 == 0.0  # "Steve" leaves the head out
    assert person(jobs, jobs + 9).f1 == 0.0  # "Jobs said" runs past the mention


TIMEML = """<?xml version='1.0' encoding='utf-8'?>
<TimeML><DOCID>7495</DOCID>
<DCT><TIMEX3 functionInDocument="CREATION_TIME" tid="t0" type="DATE" value="2007-01-12">2007-01-12</TIMEX3></DCT>
<TEXT><s id="0">Cisco <EVENT eid="e1">sues</EVENT> Apple</s><s id="1">January 12 , 2007</s><s id="2">Cisco <EVENT eid="e2">filed</EVENT> a suit on Wednesday and <EVENT eid="e3">said</EVENT> it had <EVENT eid="e4">talked</EVENT> since 2006 .</s></TEXT></TimeML>"""

TIMELINE = """Cisco
1\t2007-01-10\t7495-2-filed\t7495-0-sues
2\t2006-XX-XX\t7495-2-talked
3\tXXXX-XX-XX\t7495-2-said
4\t2007-01-12\t7495-2-missing
"""


def test_timeline_reader_and_anchoring():
    tml = bx.read_timeml(TIMEML)
    assert tml.dct == date(2007, 1, 12)
    assert (2, 1) in tml.event_tokens and (2, 0) not in tml.event_tokens
    corpus = bx.timeline_documents([("corpus_1/x.tml", tml)], bx.read_timeline_refs(TIMELINE.splitlines()))
    doc, = corpus.docs
    assert doc.text.startswith("Cisco sues Apple\n\nCisco filed a suit")
    assert {g.label: g.value for g in doc.timed} == {
        "7495-0-sues": "2007-01-10", "7495-2-filed": "2007-01-10", "7495-2-talked": "2006-XX-XX"}
    assert "1 undated" in corpus.notes[0] and "1 not found" in corpus.notes[0]

    def event(word, begin, end=None):
        start = doc.text.index(word)
        time = TimeSpan(begin, end or begin) if begin else None
        return Event("x", Span(start, start + len(word), word), Span(0, 1, ""), time=time)

    events = [event("filed", date(2007, 1, 10)), event("talked", date(2006, 1, 1), date(2006, 12, 31)),
              event("Apple", None)]
    score = bx.score_anchoring(doc.timed, events)
    assert (score.dated, score.covered, score.begin_right, score.within_right) == (3, 2, 2, 2)


def test_anchor_granularity():
    assert bx.anchor_matches("2008-03", TimeSpan(date(2008, 3, 5), date(2008, 3, 5))) == (True, True)
    assert bx.anchor_matches("2008-03-XX", TimeSpan(date(2008, 1, 1), date(2008, 12, 31))) == (False, True)
    assert bx.anchor_matches("2008-03-02", TimeSpan(date(2008, 3, 1), date(2008, 3, 1))) == (False, False)
    assert bx.anchor_matches("2008-03-02", None) == (False, False)


class StandIn:
    """A trivial annotator: spaCy-free, every capitalised word an organization, every word ending
    in -ed an event dated to publication."""

    def annotate_text(self, text, published):
        entities, events = [], []
        for i, word in enumerate(text.split(" ")):
            start = sum(len(w) + 1 for w in text.split(" ")[:i])
            span = Span(start, start + len(word), word)
            if word[:1].isupper():
                entities.append(Entity("organization", word, [span]))
            if word.endswith(("ed", "es")):
                events.append(Event("x", span, span, time=TimeSpan(published, published)))
        return Annotations(entities=entities, events=events)


def test_report_runs_end_to_end(tmp_path):
    meantime = _meantime(tmp_path)
    meantime.docs = meantime.docs * 2  # one dev, one held-out document
    timeline = bx.timeline_documents([("a.tml", bx.read_timeml(TIMEML))],
                                     bx.read_timeline_refs(TIMELINE.splitlines()))
    timeline.docs = timeline.docs * 2
    mt = bx.run_meantime(meantime, StandIn(), bx.SPLITS, None)
    tl = bx.run_timeline(timeline, StandIn(), bx.SPLITS, None)
    out = io.StringIO()
    bx.print_report(meantime, mt, timeline, tl, bx.SPLITS, out=out)
    report = out.getvalue()
    assert "held-out entity F1 (exact / head / overlap):" in report and "person" in report
    assert "held-out event mention F1" in report
    assert "held-out event anchoring accuracy" in report and "(n=" in report
    assert "documents/s" in report


def test_multiword_timeline_words_and_annotated_precision():
    tml = bx.read_timeml("<TimeML><DOCID>1</DOCID><TEXT><s id=\"2\">Airbus announced job cuts and "
                         "<EVENT eid=\"e1\">job</EVENT> <EVENT eid=\"e2\">cuts</EVENT> .</s></TEXT></TimeML>")
    assert bx.find_word(tml, 2, "job_cuts") == [(5, 2)]
    assert bx.find_word(tml, 2, "announced") == [(1, 1)]
    score = bx.prf([(0, 5)], [(0, 5), (10, 15), (20, 25)], bx.overlaps, regions=[(0, 5), (21, 22)])
    assert (score.predicted, score.predicted_in_regions, score.right_in_regions) == (3, 2, 1)
    assert score.precision_annotated == 0.5
