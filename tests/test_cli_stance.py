"""The command line's view of how the doctors split: show THREAD_ID, --stance,
--facet stance, --group-by-thread and their JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from msqa_search import read_thread, thread_consensus, to_dict
from msqa_search.cli import cli
from msqa_search.index_stance import labels

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_A = "000_19f0a23f49198bfd"
SEED_B = "001_7bed0a8b883f696a"
WORDS = {"for": "yes", "against": "no", "conditional": "only if", "unclear": "no position"}


@pytest.fixture
def run(index_dir):
    """Run msqa-search against the seed index."""

    def run(*args: str, ok: bool = True):
        return CliRunner().invoke(cli, list(args), prog_name="msqa-search",
                                  env={"MSQA_SEARCH_INDEX": str(index_dir)}, catch_exceptions=not ok)

    return run


def consensus_of(thread_id: str):
    return thread_consensus(read_thread(SEEDS / f"{thread_id}.txt"))


class TestShowThread:
    @pytest.mark.parametrize("thread_id", [SEED_A, SEED_B])
    def test_split_comes_first(self, run, thread_id):
        """show THREAD_ID prints the split, one line per target, right after the title
        and the answer count."""
        result = run("show", thread_id)
        consensus = consensus_of(thread_id)
        lines = result.stdout.splitlines()
        at = lines.index(f"{len(consensus.stances) // len(consensus.targets)} answers") + 1
        assert (0, consensus.summary.split("; ")) == (result.exit_code, lines[at:at + len(consensus.targets)])

    def test_split_line_reads_as_counts(self, run):
        """The split line of the first seed names the counts per label in words."""
        counts = consensus_of(SEED_A).counts["botox"]
        lines = run("show", SEED_A).stdout.splitlines()
        line = lines[lines.index("9 answers") + 1]
        assert line.startswith(f"Botox: {counts['for']} yes, {counts['against']} no, {counts['conditional']} only if")

    def test_each_answer_shows_its_stance_and_sentence(self, run):
        """Every answer of the thread has a line with its label and its evidence sentence."""
        output = " ".join(run("show", SEED_B).stdout.split())
        for item in consensus_of(SEED_B).stances:
            stance = item.stance
            head = f"{stance.target.capitalize()}: {WORDS[stance.label]}"
            assert head in output
            if stance.evidence:
                assert f"{head}" in output and f"“{' '.join(stance.evidence.split())}”" in output

    def test_evidence_is_highlighted_in_colour(self, run, index_dir):
        """With --color, the evidence sentence is styled as a match."""
        result = CliRunner().invoke(cli, ["show", SEED_A, "--color", "--index", str(index_dir)], color=True)
        evidence = next(s.stance.evidence for s in consensus_of(SEED_A).stances if s.stance.evidence)
        first_words = " ".join(evidence.split()[:3])
        assert "\x1b[33m\x1b[1m" in result.output and first_words in result.output

    def test_json_carries_the_consensus(self, run):
        """show THREAD_ID --json holds the thread and its consensus record."""
        data = json.loads(run("show", SEED_A, "--json").stdout)
        assert to_dict(consensus_of(SEED_A)) == data["consensus"]


class TestSearchStance:
    @pytest.mark.parametrize("label", ["for", "against", "conditional", "unclear"])
    def test_filter(self, run, label):
        """--stance LABEL keeps only answers taking it; their JSON carries the stances."""
        result = run("botox", "--stance", label, "--limit", "100", "--json", ok=True)
        stances = {s.answer_id: [] for c in (consensus_of(SEED_A), consensus_of(SEED_B)) for s in c.stances}
        for c in (consensus_of(SEED_A), consensus_of(SEED_B)):
            for s in c.stances:
                stances[s.answer_id].append(s.stance)
        if result.exit_code == 1:
            hits = []
        else:
            hits = json.loads(result.stdout)["hits"]
        everything = json.loads(run("botox", "--limit", "100", "--json").stdout)["hits"]
        expected = [h["answer_id"] for h in everything if label in labels(stances[h["answer_id"]])]
        assert (expected, [[to_dict(s) for s in stances[h["answer_id"]]] for h in hits]) == (
            [h["answer_id"] for h in hits], [h["stances"] for h in hits])

    def test_facet(self, run):
        """--facet stance prints the stance counts on one line, as the other facets."""
        data = json.loads(run("botox", "--facet", "stance", "--json").stdout)
        text = run("botox", "--facet", "stance").stdout
        line = "Stance: " + " · ".join(f"{v['value']} {v['count']}" for v in data["facets"]["stance"]["values"])
        assert (["stance"], line) == (list(data["facets"]), text.splitlines()[-1])

    def test_group_by_thread_shows_each_split(self, run):
        """--group-by-thread prints each thread's split on one line under its question."""
        text = " ".join(run("botox", "--group-by-thread", "--snippets", "0").stdout.split())
        data = json.loads(run("botox", "--group-by-thread", "--json").stdout)
        splits = [f"Split: {consensus_of(t).summary}" for t in (SEED_A, SEED_B)]
        assert (all(s in text for s in splits), {t: to_dict(consensus_of(t)) for t in (SEED_A, SEED_B)}) == (
            True, data["consensus"])

    def test_no_split_without_grouping(self, run):
        """A search without --group-by-thread prints no split lines."""
        assert "Split:" not in run("botox").stdout

    def test_bad_stance_is_a_usage_error(self, run):
        """An unknown --stance value is a usage error: exit 2, one line, no traceback."""
        result = run("botox", "--stance", "maybe", ok=False)
        assert (2, "Error: Invalid value for '--stance': 'maybe' is not one of 'for', 'against', 'conditional', 'unclear'.") == (
            result.exit_code, result.stderr.splitlines()[-1])

    def test_values_stance(self, run):
        """`values stance` lists the labels with their answer counts."""
        data = json.loads(run("values", "stance", "--json").stdout)
        assert {"for", "against", "conditional"} <= {v["value"] for v in data}
