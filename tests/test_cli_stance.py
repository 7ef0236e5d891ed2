"""The command line's view of how the doctors split: show THREAD_ID, --stance,
--facet stance, --group-by-thread and their JSON."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from msqa_search import Answer, Doctor, Stance, Thread, build_index, read_thread, thread_consensus, to_dict
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


# Synthetic threads: one whose answers take no position, one whose question names two
# treatments, and one whose evidence sentences carry control sequences.
SILENT = "syn_silent"
TWO = "syn_two"
HOSTILE = "syn_hostile"
TITLE_SEQ = "\x1b]0;owned\x07"
CLEAR = "\x1b[2J"
C1_CSI = "\x9b31m"
RLO = "\u202e"
# What must never reach a terminal from a file: ESC, BEL, C1 controls, bidi overrides.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def synthetic_threads() -> list[Thread]:
    def thread(thread_id, title, *bodies):
        doctor = Doctor(name="Ann Example", specialty="Dermatologist")
        return Thread(id=thread_id, title=title, answers=[
            Answer(thread_id=thread_id, position=i, body=body, doctor=doctor) for i, body in enumerate(bodies, start=1)])

    return [
        thread(SILENT, "What does a swollen cheek look like after a facial?",
               "Every face is different.", "Photos would help here.", "I see many patients in my clinic."),
        thread(TWO, "Can I have Restylane or Botox with MS?",
               "Restylane is fine with MS. I would avoid Botox.",
               "Botox is safe with MS. Restylane is contraindicated.",
               "Both are fine with MS."),
        thread(HOSTILE, "Can I have Botox with MS?",
               f"Botox is safe with MS{TITLE_SEQ} in my view{RLO}.",
               f"Botox is contraindicated{CLEAR} with MS{C1_CSI}."),
    ]


@pytest.fixture(scope="module")
def synthetic_index(tmp_path_factory) -> Path:
    """An index of the synthetic threads, built once for this module."""
    path = tmp_path_factory.mktemp("stance-synthetic") / "index"
    build_index(synthetic_threads(), path).close()
    return path


@pytest.fixture
def syn(synthetic_index):
    """Run msqa-search against the synthetic index."""

    def run(*args: str, color: bool = False):
        return CliRunner().invoke(cli, list(args), prog_name="msqa-search", color=color, catch_exceptions=False,
                                  env={"MSQA_SEARCH_INDEX": str(synthetic_index), "NO_COLOR": None})

    return run


def synthetic_consensus(thread_id: str):
    return thread_consensus(next(t for t in synthetic_threads() if t.id == thread_id))


def csv_of(stdout: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(stdout)))


def stances_of(hit: dict) -> list[Stance]:
    return [Stance(**s) for s in hit["stances"]]


def expected_cells(stances: list[Stance]) -> dict[str, str]:
    """The stance cells of a CSV row, spelled out from the hit's stances."""
    def key(target, value, sep):
        return f"{target}{sep}{value}" if target else value

    return {
        "stance": ";".join(key(s.target, s.label, ":") for s in stances),
        "stance_condition": ";".join(key(s.target, s.condition, ":") for s in stances if s.condition),
        "stance_evidence": "\n".join(key(s.target, s.evidence, ": ") for s in stances if s.evidence),
    }


class TestCsvStance:
    def test_columns_end_with_the_stance(self, run):
        """The CSV header ends with the stance, stance_condition and stance_evidence columns,
        then whether the hit is a related answer."""
        header = run("botox", "--csv", "--limit", "1").stdout.splitlines()[0].split(",")
        assert ["snippet", "stance", "stance_condition", "stance_evidence", "related"] == header[-5:]

    def test_seed_rows_carry_each_hit_stances(self, run):
        """Each CSV row's stance cells spell out the stances of the same hit in --json."""
        hits = json.loads(run("botox", "--limit", "100", "--json").stdout)["hits"]
        rows = csv_of(run("botox", "--limit", "100", "--csv").stdout)
        got = [{k: row[k] for k in ("stance", "stance_condition", "stance_evidence")} for row in rows]
        assert [expected_cells(stances_of(h)) for h in hits] == got

    def test_conditional_names_its_clinician(self, run):
        """A conditional stance that names a clinician puts it in stance_condition."""
        rows = csv_of(run("botox", "--limit", "100", "--csv").stdout)
        conditional = [r for r in rows if "conditional" in r["stance"]]
        assert conditional and {"botox:neurologist"} == {r["stance_condition"] for r in conditional if r["answer_id"].startswith(SEED_A)}

    def test_two_targets(self, syn):
        """With two targets, each cell has one entry per target in the question's order;
        the evidence is one line per target and parses back."""
        rows = {r["answer_id"]: r for r in csv_of(syn("mS", "--csv", "--limit", "100").stdout)}
        consensus = synthetic_consensus(TWO)
        by_answer: dict[str, list[Stance]] = {}
        for item in consensus.stances:
            by_answer.setdefault(item.answer_id, []).append(item.stance)
        by_answer = {a: sorted(s, key=lambda s: consensus.targets.index(s.target)) for a, s in by_answer.items()}
        assert ("restylane", "botox") == consensus.targets
        assert {a: expected_cells(s) for a, s in by_answer.items()} == {
            a: {k: rows[a][k] for k in ("stance", "stance_condition", "stance_evidence")} for a in by_answer}
        assert ["restylane: Restylane is fine with MS.", "botox: I would avoid Botox."] == (
            rows[f"{TWO}#1"]["stance_evidence"].split("\n"))

    def test_no_target_is_a_bare_label(self, syn):
        """A question naming no treatment gives a bare label and no evidence."""
        rows = csv_of(syn("photos", "--csv").stdout)
        assert [(f"{SILENT}#2", "unclear", "", "")] == [
            (r["answer_id"], r["stance"], r["stance_condition"], r["stance_evidence"]) for r in rows]


class TestJsonlConsensus:
    def test_group_by_thread_carries_the_consensus(self, run):
        """--jsonl --group-by-thread: each line is the hit of --json plus its thread's consensus."""
        data = json.loads(run("botox", "--group-by-thread", "--json").stdout)
        lines = [json.loads(x) for x in run("botox", "--group-by-thread", "--jsonl").stdout.splitlines()]
        expected = [{**hit, "consensus": data["consensus"][hit["thread_id"]]} for hit in data["hits"]]
        assert (expected, {SEED_A, SEED_B}) == (lines, {x["thread_id"] for x in lines})

    def test_consensus_is_the_thread_split(self, run):
        """The consensus a line carries is the thread's split as judged from its file."""
        lines = [json.loads(x) for x in run("botox", "--group-by-thread", "--jsonl").stdout.splitlines()]
        assert {x["thread_id"]: to_dict(consensus_of(x["thread_id"])) for x in lines} == {
            x["thread_id"]: x["consensus"] for x in lines}

    def test_no_consensus_without_grouping(self, run):
        """Without --group-by-thread, --jsonl lines are the hits alone."""
        lines = [json.loads(x) for x in run("botox", "--jsonl", "--limit", "100").stdout.splitlines()]
        assert [] == [x for x in lines if "consensus" in x]


class TestShowSynthetic:
    def test_no_position_hides_the_split(self, syn):
        """A thread whose answers take no position: no split, the count of those without
        one said, and each answer marked as taking none."""
        lines = " ".join(syn("show", SILENT).stdout.split())
        assert ("The question: too few answers take a position to show a split (3 of 3 took no position)"
                in lines, lines.count("The question: no position"), " yes" in lines) == (True, 3, False)

    def test_no_position_json(self, syn):
        """show --json for it: enough is false, every answer counted unclear, no evidence."""
        consensus = json.loads(syn("show", SILENT, "--json").stdout)["consensus"]
        assert ({"": False}, {"": {"for": 0, "against": 0, "conditional": 0, "unclear": 3}}, [None] * 3) == (
            consensus["enough"], consensus["counts"], [s["stance"]["evidence"] for s in consensus["stances"]])
        assert to_dict(synthetic_consensus(SILENT)) == consensus

    def test_two_targets_text(self, syn):
        """A question naming two treatments: one split line per target, then each answer's
        stance on each, with the sentence that shows it."""
        lines = syn("show", TWO).stdout.splitlines()
        consensus = synthetic_consensus(TWO)
        at = lines.index("3 answers") + 1
        assert (("restylane", "botox"), consensus.summary.split("; ")) == (consensus.targets, lines[at:at + 2])
        stance_lines = [x.strip() for x in lines[at + 2:] if x.strip().startswith(("Restylane: ", "Botox: "))]
        assert [f"{s.stance.target.capitalize()}: {WORDS[s.stance.label]} — “{s.stance.evidence}”"
                for answer in (1, 2, 3) for s in consensus.stances if s.answer_id == f"{TWO}#{answer}"] == stance_lines

    def test_two_targets_json(self, syn):
        """show THREAD_ID --json for it: the targets in order, the counts per target, and
        show ANSWER_ID --json the answer's stance on each."""
        data = json.loads(syn("show", TWO, "--json").stdout)["consensus"]
        answer = json.loads(syn("show", f"{TWO}#2", "--json").stdout)
        assert (["restylane", "botox"], to_dict(synthetic_consensus(TWO))) == (data["targets"], data)
        assert [("restylane", "against"), ("botox", "for")] == [(s["target"], s["label"]) for s in answer["stances"]]


def assert_inert(text: str) -> None:
    """No control sequence from the file is in ``text`` (the CLI's own colour codes aside)."""
    found = UNSAFE.search(re.sub(r"\x1b\[[0-9;]*m", "", text))
    assert found is None, f"{found[0]!r} reached the terminal: {text!r}"


class TestEvidenceIsSafe:
    def test_evidence_holds_the_sequences(self):
        """The synthetic evidence sentences carry the control sequences (else the tests below prove nothing)."""
        evidence = " ".join(s.stance.evidence or "" for s in synthetic_consensus(HOSTILE).stances)
        assert all(seq in evidence for seq in (TITLE_SEQ, CLEAR, C1_CSI, RLO))

    @pytest.mark.parametrize("args", [
        ["show", HOSTILE], ["show", f"{HOSTILE}#1"], ["show", f"{HOSTILE}#2"], ["show", HOSTILE, "--color"],
        ["botox", "--group-by-thread"], ["botox", "--csv"], ["botox", "--csv", "--group-by-thread"],
    ], ids=["show-thread", "show-answer-1", "show-answer-2", "show-colour", "search-grouped", "csv", "csv-grouped"])
    def test_text_and_csv(self, syn, args):
        """Evidence sentences reach text and CSV output with their controls written as escapes."""
        result = syn(*args, color="--color" in args)
        assert_inert(result.stdout)
        if "show" in args:
            assert "\\x1b]0;owned\\x07" in result.stdout or "\\x1b[2J" in result.stdout
        else:
            rows = csv_of(result.stdout) if "--csv" in args else None
            assert rows is None or any("\\x1b" in r["stance_evidence"] for r in rows)

    @pytest.mark.parametrize("args", [
        ["show", HOSTILE, "--json"], ["show", f"{HOSTILE}#1", "--json"], ["botox", "--json", "--group-by-thread"],
        ["botox", "--jsonl"], ["botox", "--jsonl", "--group-by-thread"],
    ], ids=["show-thread", "show-answer", "search", "jsonl", "jsonl-grouped"])
    def test_json_escapes_and_keeps(self, syn, args):
        """JSON output holds the controls as JSON escapes: inert on a terminal, the same text once parsed."""
        result = syn(*args)
        assert_inert(result.stdout)
        shown = f"{HOSTILE}#1" if f"{HOSTILE}#1" in args else HOSTILE
        evidence = {s.stance.evidence for s in synthetic_consensus(HOSTILE).stances if s.answer_id.startswith(shown)}
        docs = [json.loads(x) for x in result.stdout.splitlines()] if "--jsonl" in args else [json.loads(result.stdout)]
        assert evidence <= set(evidence_values(docs)) and len(evidence) == (1 if shown.endswith("#1") else 2)


def evidence_values(data) -> list[str]:
    """Every ``evidence`` string anywhere in parsed JSON."""
    if isinstance(data, dict):
        return [v for k, v in data.items() if k == "evidence" and isinstance(v, str)] + [
            x for v in data.values() for x in evidence_values(v)]
    if isinstance(data, list):
        return [x for v in data for x in evidence_values(v)]
    return []
