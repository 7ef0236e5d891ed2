"""Related answers fill a page that the matches leave short (related.py): after every
match, marked, outside the total and the facets, under the query's filters, once each."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from msqa_search import Doctor, Thread, build_index
from msqa_search.cli import cli
from msqa_search.cli.output import RELATED_HEADING

DERM = Doctor(name="Ann Derm", specialty="Dermatologist", city="Austin", rating=4.9, reviews=10)
SURG = Doctor(name="Bob Surg", specialty="Plastic Surgeon", city="Boston", rating=4.5, reviews=20)
OTHER = Doctor(name="Cat Other", specialty="Dermatologist", city="Denver", rating=4.0, reviews=3)

MATCHES = (
    ("Hijiki seaweed carries inorganic arsenic, and the iodine of brown seaweed can upset the thyroid"
     " when eaten daily; rinse and soak it, and keep portions small.", DERM),
    ("I would not eat hijiki: its arsenic content is high. Other seaweed gives the iodine without the"
     " arsenic, though the thyroid still needs watching.", SURG),
)
RELATED = (
    ("Kelp and other brown seaweed are rich in iodine; too much iodine unsettles the thyroid, and some"
     " seaweed holds arsenic as well.", SURG),
    ("Arsenic in seaweed varies by kind; soaking lowers it. Ask your doctor to check your thyroid if you"
     " take iodine supplements.", DERM),
    ("Thyroid patients should count the iodine of seaweed snacks; the arsenic question is separate but"
     " real.", OTHER),
)
UNRELATED = (
    ("Knee surgery recovery takes six weeks of physical therapy before running again.", SURG),
    ("After a knee replacement, walk daily and keep the wound dry until the stitches come out.", DERM),
)


def related_threads() -> list[Thread]:
    from msqa_search import Answer

    def thread(thread_id, title, bodies):
        return Thread(id=thread_id, title=title, answers=[
            Answer(thread_id=thread_id, position=n, title=" ".join(body.split()[:3]), body=body, doctor=doctor)
            for n, (body, doctor) in enumerate(bodies, start=1)])

    return [
        thread("t-hijiki", "Is hijiki safe to eat?", MATCHES),
        thread("t-seaweed", "Seaweed and the thyroid", RELATED),
        # The same doctor's same answer captured on another page, and a copy of a match.
        thread("t-copies", "Seaweed snacks", (RELATED[0], MATCHES[0])),
        thread("t-knee", "Knee recovery", UNRELATED),
    ]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    opened = build_index(related_threads(), tmp_path_factory.mktemp("related") / "index")
    yield opened
    opened.close()


def test_related_answers_follow_the_matches_and_are_marked(index):
    results = index.search("hijiki", limit=10)
    assert results.total == 2
    flags = [hit.related for hit in results.hits]
    assert flags[:2] == [False, False] and all(flags[2:]) and len(flags) > 2
    assert all("hijiki" in hit.body.lower() for hit in results.hits[:2])
    related = results.hits[2:]
    assert all("hijiki" not in hit.body.lower() for hit in related)
    # The seaweed answers first; a knee answer shares only a word ("daily") with the matches.
    assert {hit.body for hit in related[:3]} == {body for body, _ in RELATED}
    assert related[0].score > related[-1].score
    # Once each: the copy of a related answer is folded, the copy of a match never shown.
    bodies = [hit.body for hit in results.hits]
    assert len(bodies) == len(set(bodies))
    assert not any(hit.answer_id == "t-copies#2" for hit in results.hits)


def test_related_answers_are_outside_the_total_and_the_facets(index):
    results = index.search("hijiki", limit=10)
    assert sum(v.count for v in results.facets["specialty"].values) == 2
    assert sum(v.count for v in results.facets["city"].values) == 2


def test_related_answers_obey_the_filters(index):
    results = index.search("hijiki", limit=10, specialty="dermatologist")
    assert results.total == 1
    assert [hit.related for hit in results.hits][:1] == [False]
    assert all(hit.doctor.specialty == "Dermatologist" for hit in results.hits)
    assert any(hit.related for hit in results.hits)
    rated = index.search("hijiki", limit=10, min_rating=4.6)
    assert all(hit.doctor.rating >= 4.6 for hit in rated.hits)


@pytest.mark.parametrize("options", [
    {"related": False}, {"group_by_thread": True}, {"sort": "rating"}, {"sort": "reviews"},
])
def test_no_related_answers_when_asked_or_when_not_ranked_by_relevance(index, options):
    results = index.search("hijiki", limit=10, **options)
    assert not any(hit.related for hit in results.hits)


@pytest.mark.parametrize("query", ['"hijiki"', "hijiki -knee", "body:hijiki", "hijiki OR hijiki"])
def test_expert_queries_get_no_related_answers(index, query):
    results = index.search(query, limit=10)
    assert results.total == 2
    assert not any(hit.related for hit in results.hits)


def test_only_the_page_where_the_matches_end_is_filled(index):
    # 2 matches: with 1 a page, page 1 is full and page 2 ends them exactly: nothing to fill.
    assert [h.related for h in index.search("hijiki", limit=1, page=1).hits] == [False]
    assert [h.related for h in index.search("hijiki", limit=1, page=2).hits] == [False]
    assert index.search("hijiki", limit=1, page=3).hits == ()
    # With 3 a page, the one page holds both matches and one related answer.
    assert [h.related for h in index.search("hijiki", limit=3).hits] == [False, False, True]


def test_a_query_matching_nothing_gets_nothing(index):
    results = index.search("zzyzx", limit=10)
    assert results.total == 0 and results.hits == ()


def test_cli_marks_related_answers_and_scripts_get_only_matches_or_a_flag(index, tmp_path):
    path = str(index.path)
    runner = CliRunner()
    shown = runner.invoke(cli, ["search", "hijiki", "--index", path, "--no-color"])
    assert shown.exit_code == 0, shown.output
    assert RELATED_HEADING.split(":")[0] in shown.output
    related = len(json.loads(runner.invoke(cli, ["search", "hijiki", "--index", path, "--json"]).output)["hits"]) - 2
    assert related >= 3
    assert f"showing 1-2, then {related} related" in " ".join(shown.output.split())
    quiet = runner.invoke(cli, ["search", "hijiki", "--index", path, "--no-related", "--no-color"])
    assert RELATED_HEADING.split(":")[0] not in quiet.output
    assert "showing 1-2\n" in quiet.output
    ids = runner.invoke(cli, ["search", "hijiki", "--index", path, "-l"]).output.split()
    assert sorted(ids) == ["t-hijiki#1", "t-hijiki#2"]
    assert runner.invoke(cli, ["search", "hijiki", "--index", path, "-c"]).output.strip() == "2"
    data = json.loads(runner.invoke(cli, ["search", "hijiki", "--index", path, "--json"]).output)
    assert [hit["related"] for hit in data["hits"]] == [False, False] + [True] * related
    rows = runner.invoke(cli, ["search", "hijiki", "--index", path, "--csv"]).output.splitlines()
    assert rows[0].endswith(",related")
