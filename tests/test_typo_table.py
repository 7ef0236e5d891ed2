"""Tests for msqa_search.lexicon.typo_table: the memory-mapped vocabulary and its typo table."""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

# bench/ is a folder of the project, not part of the installed package.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import typo_table as bench_typo_table  # noqa: E402
from bench.generate import generate_threads, write_corpus  # noqa: E402
from msqa_search import read_threads  # noqa: E402
from msqa_search.lexicon import typo_table, vocabulary_file  # noqa: E402
from msqa_search.errors import IndexDamagedError  # noqa: E402
from msqa_search.lexicon.spelling import fuzzy_variants  # noqa: E402
from msqa_search.lexicon.typo_table import Vocabulary  # noqa: E402
from msqa_search.lexicon.vocabulary_file import vocabulary_path, write_vocabulary  # noqa: E402

from budget import examples  # noqa: E402

SEEDS = ROOT / "seeds"
REALPAGES = ROOT / ".." / "shared" / "realpages"
_WORD = re.compile(r"\w+")

# Few letters, so that random words are often within a typo or two of each other; the
# non-ASCII ones take two or three bytes in UTF-8, and "İ" lowercases to two characters.
LETTERS = "abcéßøİ"
words = st.text(alphabet=LETTERS, min_size=1, max_size=12)
long_words = st.text(alphabet="ab", min_size=29, max_size=36)  # around vocabulary_file.LONGEST
vocabularies = st.dictionaries(
    st.one_of(words, long_words), st.integers(0, 2**31 - 1), max_size=60
)
queries = st.one_of(words, long_words, st.text(alphabet=LETTERS + "\ud800", max_size=10))
distances = st.one_of(st.none(), st.integers(-1, 3))


def _opened(folder: str, counts, max_distance: int = 2) -> Vocabulary:
    write_vocabulary(Path(folder) / "v", counts, max_distance=max_distance)
    return Vocabulary.open(Path(folder) / "v")


def _document_frequencies(texts) -> Counter:
    """Each word of the texts (lowercased ``\\w+``, as the index build counts them)
    with the number of texts holding it."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(_WORD.findall(text.lower())))
    return counts


def _query_words(vocabulary: Counter, n: int) -> list[str]:
    """Words of the vocabulary and misspellings of them: a letter dropped, doubled,
    swapped with the next one."""
    chosen = sorted(vocabulary)[:: max(1, len(vocabulary) // n)]
    found = set(chosen)
    for w in chosen:
        if len(w) > 3:
            found.update((w[:2] + w[3:], w[:3] + w[2:], w[:2] + w[3] + w[2] + w[4:]))
    return sorted(found)


def _assert_same_variants(vocabulary: Vocabulary, counts, queries) -> None:
    # fuzzy_variants over the words sharing the first letter: the same as over all
    # words, without scanning all of them for every query.
    by_letter: dict[str, list[str]] = {}
    for w in counts:
        by_letter.setdefault(w[:1], []).append(w)
    expected = {
        (q, d): fuzzy_variants(q, by_letter.get(q.lower()[:1], ()), d)
        for q in queries for d in (None, 1, 2)
    }
    assert expected == {(q, d): vocabulary.typo_variants(q, d) for q, d in expected}


class TestTypoVariants:
    @settings(max_examples=examples(300), deadline=None)
    @given(vocabularies, st.lists(queries, max_size=8), st.data())
    def test_same_as_fuzzy_variants(self, counts, extra_queries, data):
        """typo_variants gives what fuzzy_variants gives over the whole vocabulary,
        whatever distance the table was written for."""
        queries = extra_queries + [data.draw(st.sampled_from(sorted(counts)))] if counts else extra_queries
        distance = data.draw(distances)
        with tempfile.TemporaryDirectory() as folder:
            vocabulary = _opened(folder, counts, data.draw(st.sampled_from([2, 2, 1, 0, 3])))
            expected = [fuzzy_variants(q, counts, distance) for q in queries]
            assert expected == [vocabulary.typo_variants(q, distance) for q in queries]

    def test_same_as_fuzzy_variants_on_a_generated_corpus(self, tmp_path):
        """On the words of 1000 generated answers (typos included), both agree."""
        counts = _document_frequencies(text for _, text in generate_threads(1000, seed=7))
        write_vocabulary(tmp_path / "v", counts)
        _assert_same_variants(Vocabulary.open(tmp_path / "v"), counts, _query_words(counts, 150))

    def test_same_as_fuzzy_variants_on_the_seeds(self, tmp_path):
        """On the words of the seed threads, both agree for every word."""
        threads = read_threads([SEEDS])
        counts = _document_frequencies(
            f"{a.title} {a.body} {t.title}" for t in threads for a in t.answers)
        write_vocabulary(tmp_path / "v", counts)
        _assert_same_variants(Vocabulary.open(tmp_path / "v"), counts, _query_words(counts, 10**6))

    @pytest.mark.skipif(not REALPAGES.is_dir(), reason="../shared/realpages is not there")
    @pytest.mark.slow  # a real-page corpus or the benchmark; the full run has it
    def test_same_as_fuzzy_variants_on_real_pages(self, tmp_path):
        """On the words of the real pages, both agree."""
        texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(REALPAGES.iterdir())]
        counts = _document_frequencies(texts)
        write_vocabulary(tmp_path / "v", counts)
        _assert_same_variants(Vocabulary.open(tmp_path / "v"), counts, _query_words(counts, 150))

    def test_hash_collisions_change_nothing(self, tmp_path, monkeypatch):
        """With a hash that collides all the time, the words found are still checked."""
        collide = lambda text: len(text) % 3  # noqa: E731
        monkeypatch.setattr(vocabulary_file, "delete_hash", collide)  # the writer's
        monkeypatch.setattr(typo_table, "delete_hash", collide)  # the reader's
        counts = {"botox": 3, "botax": 1, "bottox": 1, "boxer": 2, "spasticity": 1, "spasticty": 1}
        vocabulary = _opened(tmp_path, counts)
        _assert_same_variants(vocabulary, counts, ["botox", "spasticity", "boxes", "bot"])

    def test_long_query_words_are_answered_by_a_scan(self, tmp_path):
        """Words longer than the table holds still find their variants."""
        long = "b" + "a" * vocabulary_file.LONGEST
        counts = {long: 1, long + "c": 1, long[:-1]: 1, "b" + "c" * 40: 1}
        vocabulary = _opened(tmp_path, counts)
        assert [long[:-1], long + "c"] == vocabulary.typo_variants(long)


class TestLookups:
    @settings(max_examples=examples(100), deadline=None)
    @given(vocabularies, st.lists(words, max_size=5))
    def test_df_contains_len_iteration_and_prefixes(self, counts, others):
        """df, in, len, iteration, items and prefixes answer as the mapping written does."""
        probes = sorted(counts) + others
        with tempfile.TemporaryDirectory() as folder:
            vocabulary = _opened(folder, counts)
            expected = (
                len(counts), sorted(counts), [counts.get(w, 0) for w in probes],
                [w in counts for w in probes], dict(counts),
                {p: sorted(w for w in counts if w.startswith(p)) for p in ["", *(w[:2] for w in probes)]},
            )
            assert expected == (
                len(vocabulary), list(vocabulary), [vocabulary.df(w) for w in probes],
                [w in vocabulary for w in probes], dict(vocabulary),
                {p: vocabulary.words_with_prefix(p) for p in expected[5]},
            )

    def test_empty_vocabulary(self, tmp_path):
        """An empty vocabulary opens and has nothing."""
        vocabulary = _opened(tmp_path, {})
        assert (0, [], 0, False, [], []) == (
            len(vocabulary), list(vocabulary), vocabulary.df("botox"), "botox" in vocabulary,
            vocabulary.words_with_prefix("b"), vocabulary.typo_variants("botox"),
        )

    def test_missing_word(self, tmp_path):
        """Indexing by a word not written raises KeyError; df and get give 0."""
        vocabulary = _opened(tmp_path, {"botox": 2})
        with pytest.raises(KeyError):
            vocabulary["botax"]
        assert (2, 0, 0) == (vocabulary["botox"], vocabulary.df("botax"), vocabulary.get("botax", 0))

    def test_non_strings_are_not_contained(self, tmp_path):
        """``in`` with something other than a word is False, not an error."""
        vocabulary = _opened(tmp_path, {"botox": 1})
        assert (False, False, False) == (
            None in vocabulary, b"botox" in vocabulary, "\ud800" in vocabulary)

    def test_a_fresh_process_gives_the_same_answers(self, tmp_path):
        """A file written here and opened in another process answers the same."""
        counts = _document_frequencies(text for _, text in generate_threads(300, seed=3))
        queries = _query_words(counts, 50)
        vocabulary = _opened(tmp_path, counts)
        here = [[q, vocabulary.df(q), vocabulary.typo_variants(q)] for q in queries]
        script = (
            "import json, sys\n"
            "from msqa_search.lexicon.typo_table import Vocabulary\n"
            "v = Vocabulary.open(sys.argv[1])\n"
            "print(json.dumps([[q, v.df(q), v.typo_variants(q)] for q in json.loads(sys.argv[2])]))\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / "v"), json.dumps(queries)],
            capture_output=True, text=True, check=True, cwd=ROOT,
        )
        assert here == json.loads(out.stdout)


class TestWriteErrors:
    @pytest.mark.parametrize(
        ("counts", "options", "message"),
        [
            ({"botox": 1}, {"max_distance": -1}, "max_distance must be >= 0, not -1"),
            ({"": 1, "botox": 1}, {}, "the vocabulary holds an empty word"),
            ({"botox": 2**31}, {}, "document frequencies must be between 0 and 2**31 - 1"),
            ({"botox": -1}, {}, "document frequencies must be between 0 and 2**31 - 1"),
        ],
    )
    def test_bad_input(self, tmp_path, counts, options, message):
        """What cannot be written is refused with a ValueError, and nothing is written."""
        with pytest.raises(ValueError) as info:
            write_vocabulary(tmp_path / "v", counts, **options)
        assert (message, []) == (str(info.value), list(tmp_path.iterdir()))


def _damaged_message(path: Path, why: str) -> str:
    return f"the vocabulary file {path} is damaged: {why}; rebuild the index"


class TestDamagedFiles:
    COUNTS = {"botox": 3, "botax": 1, "bottox": 2, "spasticity": 4}

    @pytest.fixture
    def path(self, tmp_path) -> Path:
        return write_vocabulary(tmp_path / "v", self.COUNTS)

    def _patch(self, path: Path, at: int, data: bytes) -> None:
        raw = bytearray(path.read_bytes())
        raw[at:at + len(data)] = data
        path.write_bytes(bytes(raw))

    def _header(self, path: Path) -> tuple:
        return struct.unpack_from("<8sIIII3Q", path.read_bytes())

    def test_missing(self, tmp_path):
        """A missing file is an IndexDamagedError naming it."""
        with pytest.raises(IndexDamagedError) as info:
            Vocabulary.open(tmp_path / "v")
        path = vocabulary_path(tmp_path / "v")
        assert (f"cannot read the vocabulary file {path}: No such file or directory;"
                " rebuild the index", str(path)) == (str(info.value), info.value.path)

    @pytest.mark.parametrize("keep", [0, 10, 63, 64, 100, -1])
    def test_truncated(self, path, keep):
        """A file cut anywhere is detected on open."""
        raw = path.read_bytes()
        size = len(raw) + keep if keep < 0 else keep
        path.write_bytes(raw[:size])
        why = ("not a vocabulary file (bad header)" if size < 64
               else f"{size} bytes where the header announces {len(raw)} (truncated)")
        with pytest.raises(IndexDamagedError) as info:
            Vocabulary.open(tmp_path_of(path))
        assert _damaged_message(path, why) == str(info.value)

    def test_trailing_data(self, path):
        """Bytes after the announced end are detected too."""
        size = path.stat().st_size
        with open(path, "ab") as f:
            f.write(b"\0")
        with pytest.raises(IndexDamagedError) as info:
            Vocabulary.open(tmp_path_of(path))
        assert _damaged_message(
            path, f"{size + 1} bytes where the header announces {size} (trailing data)"
        ) == str(info.value)

    @pytest.mark.parametrize(
        ("at", "data", "why"),
        [
            (0, b"NOTAVOCB", "not a vocabulary file (bad header)"),
            (8, struct.pack("<I", 9), "format version 9, this version reads 1"),
            (24, struct.pack("<Q", 5), None),  # one word more than written: sizes differ
        ],
    )
    def test_bad_header(self, path, at, data, why):
        """A header of another format, version or size is detected on open."""
        size = path.stat().st_size
        self._patch(path, at, data)
        if why is None:
            expected = size + 8 + 4 + 4  # an offset more, a df more and its padding
            why = f"{size} bytes where the header announces {expected} (truncated)"
        with pytest.raises(IndexDamagedError) as info:
            Vocabulary.open(tmp_path_of(path))
        assert _damaged_message(path, why) == str(info.value)

    def test_offsets_not_matching_the_words(self, path):
        """Offsets that do not end at the word data's end are detected on open."""
        n = self._header(path)[5]
        self._patch(path, 64 + 8 * n, struct.pack("<Q", 1))
        with pytest.raises(IndexDamagedError) as info:
            Vocabulary.open(tmp_path_of(path))
        assert _damaged_message(path, "word offsets do not match the word data") == str(info.value)

    def test_a_word_outside_the_data(self, path):
        """An offset pointing past the word data is an error when the word is read."""
        self._patch(path, 64 + 8, struct.pack("<Q", 10**6))
        vocabulary = Vocabulary.open(tmp_path_of(path))
        with pytest.raises(IndexDamagedError) as info:
            list(vocabulary)
        assert _damaged_message(path, "word 0 lies outside the word data") == str(info.value)

    def test_a_word_that_is_not_utf8(self, path):
        """Word data that is not UTF-8 is an error when the word is read."""
        size = path.stat().st_size
        blob_bytes = self._header(path)[6]
        start = size - blob_bytes - (-blob_bytes % 8)
        self._patch(path, start, b"\xff")
        vocabulary = Vocabulary.open(tmp_path_of(path))
        with pytest.raises(IndexDamagedError) as info:
            list(vocabulary)
        assert _damaged_message(path, "word 0 is not UTF-8") == str(info.value)

    def test_a_table_pointing_past_the_words(self, path):
        """Word ids past the last word are an error when variants are looked up."""
        n, _, n_keys = self._header(path)[5:]
        ids_at = 64 + 8 * (n + 1) + (4 * n + (-4 * n % 8)) + 8 * n_keys
        self._patch(path, ids_at, np.full(n_keys, 99, dtype="<u4").tobytes())
        vocabulary = Vocabulary.open(tmp_path_of(path))
        with pytest.raises(IndexDamagedError) as info:
            vocabulary.typo_variants("botox")
        assert _damaged_message(path, "the typo table points past the last word") == str(info.value)


def tmp_path_of(path: Path) -> Path:
    """The path prefix a vocabulary file was written for."""
    return path.with_name(path.name[: -len(vocabulary_file.SUFFIX)])


@pytest.mark.slow  # a real-page corpus or the benchmark; the full run has it
class TestBenchmark:
    def test_runs_at_a_tiny_size(self, tmp_path, capsys):
        """The benchmark runs on a small corpus, the table and the scan agreeing."""
        write_corpus(200, 5, tmp_path)
        assert 0 == bench_typo_table.main(["--corpus", str(tmp_path), "--words", "30", "--repeat", "1"])
        lines = capsys.readouterr().out.splitlines()
        assert ["corpus", "build:", "file", "open:", "typo", "table:", "scan,", "scan,",
                "fresh", "fresh", "fresh", "(.msqa-vocabulary"] == [
            line.split()[0] for line in lines]
