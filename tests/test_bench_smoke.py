"""The benchmark harness works at a tiny size: generator, parser and FTS5 baseline agree."""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import pytest

from msqa_search import Doctor, parse_thread, read_threads

# bench/ is a folder of the project, not part of the installed package: make it
# importable however pytest was started.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import fts5, fts5_cli, generate, measure, pages, queries, workers  # noqa: E402

ANSWERS = 200
SEED = 3


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def as_doctor(spec: pages.DoctorSpec | None) -> Doctor | None:
    """The Doctor record the parser should make of a generated card."""
    if spec is None:
        return None
    return Doctor(name=spec.name, credentials=spec.credentials, city=spec.city,
                  specialty=spec.specialty, rating=spec.rating, reviews=spec.reviews)


@pytest.fixture(scope="module")
def specs() -> list[pages.ThreadSpec]:
    return list(generate.generate_specs(ANSWERS, SEED))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    generate.write_corpus(ANSWERS, SEED, out)
    return out


@pytest.fixture(scope="module")
def threads(corpus):
    return read_threads(generate.corpus_folders(corpus))


@pytest.fixture(scope="module")
def db(threads, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fts5") / "answers.db"
    fts5.build(threads, path)
    return path


class TestGenerate:
    def test_same_seed_same_corpus(self):
        """Generation is deterministic for a seed, and another seed gives another corpus."""
        first = list(generate.generate_threads(ANSWERS, SEED))
        assert first == list(generate.generate_threads(ANSWERS, SEED))
        assert first != list(generate.generate_threads(ANSWERS, SEED + 1))

    def test_exact_size_and_names(self, specs):
        """The corpus has exactly the answers asked for, 1-15 a thread, in NNNNNNN_<hex> files."""
        assert ANSWERS == sum(len(s.answers) for s in specs)
        assert all(1 <= len(s.answers) <= 15 for s in specs)
        names = [name for name, _ in generate.generate_threads(ANSWERS, SEED)]
        assert all(re.fullmatch(r"\d{7}_[0-9a-f]{16}\.txt", n) for n in names)
        assert [f"{s.id}.txt" for s in specs] == names

    def test_every_page_parses_as_generated(self, specs):
        """parse_thread reads every generated page back into the generated records."""
        for spec in specs:
            thread = parse_thread(pages.render(spec), thread_id=spec.id)
            expected = [(a.position, a.title, collapse(a.body), as_doctor(a.doctor))
                        for a in spec.answers]
            got = [(a.position, a.title, collapse(a.body), a.doctor) for a in thread.answers]
            assert (spec.title, spec.body, spec.declared_answers, expected) == (
                thread.title, collapse(thread.body), thread.declared_answers, got)

    def test_written_corpus_reads_back(self, corpus, threads, specs):
        """The files on disk, in folders of 1000, read back as the generated threads."""
        assert ["0000"] == [p.name for p in generate.corpus_folders(corpus)]
        assert [s.id for s in specs] == [t.id for t in threads]
        assert ANSWERS == sum(len(t.answers) for t in threads)



MIX_TOTAL = 40


@pytest.fixture(scope="module")
def mix(corpus, db) -> list[queries.Query]:
    with closing(fts5.connect(db)) as conn:
        return queries.build_mix(workers.corpus_files(corpus), conn, total=MIX_TOTAL, seed=2)


class TestQueryMix:

    def test_deterministic(self, corpus, db, mix):
        """The same corpus and seed give the same mix; another seed another one."""
        with closing(fts5.connect(db)) as conn:
            files = workers.corpus_files(corpus)
            assert mix == queries.build_mix(files, conn, total=MIX_TOTAL, seed=2)
            assert mix != queries.build_mix(files, conn, total=MIX_TOTAL, seed=3)

    def test_every_query_distinct_and_kinds_as_shared(self, mix):
        """Every query text is distinct, and each kind has its share of the mix."""
        assert len(mix) == len({q.text for q in mix})
        got = {k: sum(q.kind == k for q in mix) for k in queries.KINDS}
        assert queries.counts(MIX_TOTAL) == got and MIX_TOTAL == sum(got.values())

    def test_kinds_interleave(self, mix):
        """The kinds are shuffled together, not run one block after another."""
        changes = sum(a.kind != b.kind for a, b in zip(mix, mix[1:]))
        assert changes > len(queries.KINDS)

    def test_a_third_hold_a_rare_word(self, mix, threads):
        """At least a third of the plain-style queries hold a word that appears in fewer
        than 5 answers (titles and bodies), counted here over the parsed records."""
        plain = [q for q in mix if q.kind in ("plain", "filtered", "faceted", "grouped")]
        rare = [q for q in plain if q.rare is not None]
        assert 3 * len(rare) >= len(plain)
        texts = [set(re.findall(r"[a-z]+", f"{a.title} {a.body}".lower()))
                 for t in threads for a in t.answers]
        for q in rare:
            assert q.rare in q.text.split()
            assert 1 <= sum(q.rare in words for words in texts) < queries.RARE_DF

    def test_query_words_come_from_answers(self, mix, threads):
        """Plain and phrase words are words of the answers; misspelled queries hold a word
        of no answer's vocabulary list."""
        words = {w for t in threads for a in t.answers
                 for w in re.findall(r"[a-z]+", f"{a.title} {a.body}".lower())}
        known = queries._known()
        for q in mix:
            typed = re.findall(r"[a-z]+", q.text)
            if q.kind == "misspelled":
                assert any(w not in known for w in typed)
            elif not (q.kind == "phrase" and all(w in known for w in typed)):
                assert set(typed) <= words

    def test_filters_name_specialties_of_the_corpus(self, mix, threads):
        """Filtered queries name a specialty some answer has, and a minimum rating."""
        held = {a.doctor.specialty for t in threads for a in t.answers if a.doctor}
        filtered = [q for q in mix if q.kind == "filtered"]
        assert filtered and all(q.specialty in held and q.min_rating for q in filtered)


class TestMeasure:
    def test_tree_memory_counts_grandchildren(self):
        """The launcher's tree sampling sees the memory of a process the command starts."""
        child = "x = bytearray(120_000_000); import time; time.sleep(0.6)"
        cmd = [sys.executable, "-c",
               f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}])"]
        fig = measure.run_measured(cmd, tree=True)
        assert 0 == fig.returncode and fig.tree_peak_mb >= 120

    def test_percentile_interpolates(self):
        """Percentiles interpolate between the closest ranks."""
        assert (1.0, 2.5, 4.0) == tuple(measure.percentile([4, 1, 3, 2], p) for p in (0, 50, 100))


class TestFts5:
    def test_facet_counts_add_up(self, db):
        """A faceted query's counts per facet each add up to the total, bands included."""
        with closing(fts5.connect(db)) as conn:
            result = fts5.search(conn, "botox filler", facets=True)
            assert 0 < result.total and len(result.hits) == 10
            assert {"specialty", "city", "rating"} == set(result.facets)
            for values in result.facets.values():
                assert result.total == sum(n for _, n in values)
            bands = {v for v, _ in result.facets["rating"]}
            assert bands <= {"4.8-5.0", "4.5-4.8", "4.0-4.5", "below 4.0", "unrated"}

    def test_total_is_the_match_count(self, db):
        """The total equals FTS5's own count of the ORed words in the text columns."""
        with closing(fts5.connect(db)) as conn:
            result = fts5.search(conn, "botox filler", facets=False, spelling=False)
            (count,) = conn.execute(
                "SELECT count(*) FROM answers_fts WHERE answers_fts MATCH ?",
                ['{title body q_title q_body} : ("botox" OR "filler")']).fetchone()
        assert count == result.total

    def test_filters_hold_for_every_hit(self, db):
        """Specialty and minimum rating filters hold for every hit."""
        with closing(fts5.connect(db)) as conn:
            result = fts5.search(conn, "botox filler injection", specialty="Plastic Surgeon",
                                 min_rating=4.5, facets=True)
        assert result.hits
        assert all(h.specialty == "Plastic Surgeon" and h.rating >= 4.5 for h in result.hits)
        assert [("Plastic Surgeon", result.total)] == result.facets["specialty"]

    def test_update_replaces_threads(self, db, threads, tmp_path):
        """Updating a thread replaces its answers; the index stays consistent."""
        copy = tmp_path / "copy.db"
        copy.write_bytes(db.read_bytes())
        changed = workers.changed(threads[:2])
        with closing(fts5.connect(copy)) as conn:
            fts5.update(conn, changed)
            conn.execute("INSERT INTO answers_fts (answers_fts) VALUES ('integrity-check')")
            stored = conn.execute("SELECT count(*) FROM answers WHERE thread_id IN (?, ?)",
                                  [t.id for t in changed]).fetchone()[0]
            hits = fts5.search(conn, '"came back for a follow up"', facets=False).total
        assert sum(len(t.answers) for t in changed) == stored == hits

    def test_grouped_hits_are_one_per_thread(self, db):
        """Grouped by thread, each hit comes from another thread."""
        with closing(fts5.connect(db)) as conn:
            result = fts5.search(conn, "botox", group_by_thread=True, facets=False)
        ids = [h.thread_id for h in result.hits]
        assert len(ids) == len(set(ids)) > 0

    def test_cli_prints_hits_and_facets(self, db, capsys):
        """The baseline CLI prints hits and facet tables and exits 0 on a match."""
        assert 0 == fts5_cli.main(["botox", "--db", str(db)])
        out = capsys.readouterr().out
        assert " answers match 'botox'" in out and "\nspecialty:\n" in out

    def test_sqlite_has_fts5(self):
        """The Python's SQLite has FTS5 (the baseline needs it)."""
        with closing(sqlite3.connect(":memory:")) as conn:
            conn.execute("CREATE VIRTUAL TABLE t USING fts5 (a, tokenize='porter unicode61')")


@pytest.mark.slow
class TestWholeBenchmark:
    def test_runs_end_to_end_at_a_tiny_size(self, tmp_path):
        """python -m bench.run at 300 answers measures both sides and writes the report."""
        from bench import run

        assert 0 == run.main(["--answers", "300", "--out", str(tmp_path), "--queries", "24",
                              "--cli-runs", "2"])
        results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
        assert set(queries.KINDS) == set(results["queries"])
        for side in ("msqa", "fts5"):
            assert results["cli"][side]["seconds_p50"] > 0
            assert results[side]["build_peak_mb"] > 0
        assert {"met", "ratio", "target"} == set(results["targets"][0])
        assert "## Targets" in (tmp_path / "results.md").read_text(encoding="utf-8")
