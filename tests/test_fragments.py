"""Fragments do not win, and identical answers are shown once."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from msqa_search import Answer, Doctor, Thread, build_index
from msqa_search.cli import cli

COMPLETE = (
    "Botox relaxes the muscle that lifts the brow when it spreads a little too low, and the"
    " heaviness you notice usually settles within four to six weeks as the effect wears off."
    " Eye drops that lift the lid can help meanwhile; see your injector for a check.",
    "What you describe is common after a first treatment with Botox near the forehead. It is"
    " temporary, it does not damage the nerve, and a careful plan of dose and placement next"
    " time avoids it. Keep your follow up appointment and ask about the drops.",
    "A heavy lid after Botox is a known and passing effect of the toxin reaching the muscle of"
    " the upper lid. Nothing has been harmed. It fades as the nerve endings sprout again over"
    " the coming weeks, and apraclonidine drops lift the lid a millimetre or two meanwhile.",
)
#: A copy the page cuts off at 140 characters, in the middle of a word.
CUT = ("Botox spreading to the lid muscle is the usual reason for this and it fades over the"
       " coming weeks, though drops can help while you wait for the eff")[:140]


def fragment_threads() -> list[Thread]:
    """Answers with the same title and the same matched word: three complete, one of a
    single word, one cut short by the page copy."""
    bodies = [*COMPLETE, "Botox.", CUT]
    answers = [
        Answer(thread_id="t1", position=n, title="Botox and a heavy lid", body=body, cut=body is CUT)
        for n, body in enumerate(bodies, start=1)
    ]
    other = Thread(id="t2", title="Filler question", answers=[
        Answer(thread_id="t2", position=1, body="Fillers last about a year in the cheeks, less in the lips."),
    ])
    return [Thread(id="t1", title="Heavy eyelid after injections", answers=answers), other]


@pytest.fixture(scope="module")
def fragment_index(tmp_path_factory):
    index = build_index(fragment_threads(), tmp_path_factory.mktemp("fragments") / "index")
    yield index
    index.close()


class TestFragmentPrior:
    @pytest.mark.parametrize("query", ["botox", "botox lid", "title:botox OR body:botox"])
    def test_complete_answers_rank_first(self, fragment_index, query):
        """Every complete answer outranks the one-word answer and the cut one."""
        results = fragment_index.search(query, limit=10, facets=())
        order = [h.answer_id for h in results.hits]
        assert ({"t1#1", "t1#2", "t1#3"}, {"t1#4", "t1#5"}) == (set(order[:3]), set(order[3:5]))

    def test_fragments_still_found(self, fragment_index):
        """The prior only orders: the one-word answer is still the only match of its word."""
        results = fragment_index.search("botox", limit=10, facets=())
        assert 5 == results.total


DOCTOR = Doctor(name="Dr. Ada Stone", specialty="Dermatologist", city="Austin")
SAME = ("Lidocaine in the syringe makes filler injections far more comfortable, and the"
        " numbness wears off within an hour or so after the treatment.")


def duplicate_threads() -> list[Thread]:
    """One doctor's answer captured on two pages (with different spacing and case), the
    same words by another doctor, and a short answer the same doctor gave twice."""
    return [
        Thread(id="p1", title="Does filler hurt?", answers=[
            Answer(thread_id="p1", position=1, body=SAME, doctor=DOCTOR),
            Answer(thread_id="p1", position=2, body="Filler hurts little. Yes.", doctor=DOCTOR),
        ]),
        Thread(id="p2", title="Is filler painful?", answers=[
            Answer(thread_id="p2", position=1, body="Filler hurts little. Yes.", doctor=DOCTOR),
            Answer(thread_id="p2", position=2, body="  " + SAME.upper().replace(" ", "  "), doctor=DOCTOR),
            Answer(thread_id="p2", position=3, body=SAME, doctor=Doctor(name="Dr. Ben Hale")),
        ]),
    ]


@pytest.fixture(scope="module")
def duplicate_index(tmp_path_factory):
    path = tmp_path_factory.mktemp("duplicates") / "index"
    index = build_index(duplicate_threads(), path)
    yield path, index
    index.close()


class TestDuplicates:
    def test_shown_once_with_the_others_named(self, duplicate_index):
        """The same doctor's same answer is one hit naming the other copy; another
        doctor's identical words and short answers stay apart; totals and facets count
        each set once."""
        _, index = duplicate_index
        results = index.search("filler lidocaine", limit=10, facets=("doctor",), facet_size=None)
        shown = {h.answer_id: h.also for h in results.hits}
        stone = next(h.answer_id for h in results.hits if h.answer_id in ("p1#1", "p2#2"))
        copy = ({"p1#1", "p2#2"} - {stone}).pop()
        doctors = {v.value: v.count for v in results.facets["doctor"].values}
        assert ({stone: (copy,), "p1#2": (), "p2#1": (), "p2#3": ()}, 4, 1, {"Dr. Ada Stone": 3, "Dr. Ben Hale": 1}) == (
            shown, results.total, results.folded, doctors)

    def test_cli_says_also_in(self, duplicate_index):
        """The text output names the other copy and the count of folded copies; --json carries both."""
        path, _ = duplicate_index
        runner = CliRunner()
        text = runner.invoke(cli, ["search", "lidocaine", "--index", str(path)], catch_exceptions=False)
        data = json.loads(runner.invoke(cli, ["search", "lidocaine", "--index", str(path), "--json"],
                                        catch_exceptions=False).stdout)
        first = data["hits"][0]
        assert ("also in: " + ", ".join(first["also"]) in text.stdout, "(1 identical copy shown once)" in text.stdout,
                1, len(first["also"])) == (True, True, data["folded"], 1)
