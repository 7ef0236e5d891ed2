"""Typo tolerance with known words: real words that are rare in an index are never
taken for typos; typos find the right word; corrections are searched when they find
clearly more, and suggested only when they find answers."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from msqa_search import build_index
from msqa_search.cli import cli
from msqa_search.lexicon.known_words import ENGLISH, MEDICAL, KnownList, english_words, write_known_words
from msqa_search.lexicon.speller import Speller
from msqa_search.lexicon.typo_table import Vocabulary
from msqa_search.lexicon.vocabulary_file import write_vocabulary

# Real words the issue saw taken for typos, each with the more frequent neighbour that
# used to win.
RARE_REAL_WORDS = {
    "sneezing": "sleeping", "scabs": "scars", "bleaching": "breathing", "milk": "mild",
    "pumping": "plumping", "heat": "heal", "sleeping": "seeing", "side": "site",
    "last": "lash", "laser": "layer", "boob": "book", "filler": "fuller",
}
# A typo (once in the corpus, as doctors misspell too) -> the word meant (frequent).
TYPOS = {
    "liposuciton": "liposuction", "hyperpigmantation": "hyperpigmentation",
    "juvaderm": "juvederm", "restalyne": "restylane", "latise": "latisse",
}


@pytest.fixture(scope="module")
def rare_words_index(tmp_path_factory, make_thread):
    """Each real word in one answer, its neighbour in eight."""
    threads = []
    for n, (word, neighbour) in enumerate(RARE_REAL_WORDS.items()):
        bodies = [f"The patient mentioned {word} at the visit."]
        bodies += [f"Answer {i} talks about {neighbour} only." for i in range(8)]
        threads.append(make_thread(f"rare{n}", *bodies))
    index = build_index(threads, tmp_path_factory.mktemp("rare") / "index")
    yield index
    index.close()


@pytest.fixture(scope="module")
def typo_index(tmp_path_factory, make_thread):
    """Each right word in six answers, its typo in one other."""
    threads = []
    for n, (typo, right) in enumerate(TYPOS.items()):
        bodies = [f"Answer {i} explains {right} in detail." for i in range(6)]
        bodies.append(f"I had {typo} last spring.")
        threads.append(make_thread(f"typo{n}", *bodies))
    bodies = [f"Answer {i}: blepharoplasty asymmetry is common early on." for i in range(5)]
    bodies.append("Blepharoplasy asymetry happens.")
    bodies += [f"See a neurologist, answer {i}." for i in range(3)]
    threads.append(make_thread("bleph", *bodies))
    index = build_index(threads, tmp_path_factory.mktemp("typos") / "index")
    yield index
    index.close()


@pytest.mark.parametrize("word", sorted(RARE_REAL_WORDS))
def test_rare_real_word_is_searched_as_typed(rare_words_index, word):
    """A real word in one answer is not corrected and gets no typo alternatives."""
    results = rare_words_index.search(word)
    exact = rare_words_index.search(word, synonyms=False)
    assert (exact.total, None, None) == (results.total, results.suggestion, results.searched)
    assert "(typo:" not in rare_words_index.explain(word)


@pytest.mark.parametrize(("typo", "right"), sorted(TYPOS.items()))
def test_typo_finds_the_right_word(typo_index, typo, right):
    """A typo that the corpus holds once is searched as the frequent right word (with
    the typo as its misspelling), though the typed query finds an answer."""
    results = typo_index.search(typo, limit=20)
    exact = typo_index.search(typo, limit=20, exact_spelling=True)
    assert (right, right) == (results.suggestion, results.searched)
    assert (1, None, right) == (exact.total, exact.searched, exact.suggestion)
    assert 7 == results.total == results.typed_total
    assert f"(typo: {right})" in typo_index.explain(typo)


def test_two_typos_in_one_query(typo_index):
    """Both words of "blepharoplasy asymetry" are corrected."""
    results = typo_index.search("blepharoplasy asymetry")
    assert ("blepharoplasty asymmetry", 6) == (results.searched, results.total)


def test_cli_says_which_query_it_searched(typo_index):
    """The CLI prints the correction line; JSON carries the typed total."""
    runner = CliRunner()
    result = runner.invoke(cli, ["search", "restalyne", "--index", str(typo_index.path), "--no-facets"])
    assert 0 == result.exit_code, result.output
    assert ("Showing results for 'restylane'; search instead for 'restalyne' with --exact-spelling."
            == result.stdout.splitlines()[0])
    result = runner.invoke(cli, ["search", "restalyne", "--index", str(typo_index.path), "--json"])
    assert '"searched": "restylane"' in result.stdout and '"typed_total": 7' in result.stdout
    result = runner.invoke(cli, ["search", "restalyne", "--index", str(typo_index.path), "--exact-spelling",
                                 "--no-facets"])
    assert "Did you mean 'restylane'?" == result.stdout.splitlines()[0]
    # The one match, then related answers fill the page.
    assert "1 answer matches 'restalyne'; showing 1-1, then" in " ".join(result.stdout.split())


def test_no_suggestion_that_finds_nothing(typo_index):
    """"neuro" is not offered as "neuron", a word of no answer."""
    results = typo_index.search("neuro")
    assert (None, None) == (results.suggestion, results.searched)


def test_known_list_flags(tmp_path):
    """The known-word file written at build time answers for English and medical words."""
    write_known_words(tmp_path)
    known = KnownList.open(tmp_path)
    assert "sneezing" in known and "Juvederm" in known and "juvaderm" not in known
    assert ENGLISH == known.flags("milk") and MEDICAL & known.flags("juvederm")
    assert len(english_words()) > 80_000


class _NoScan(Vocabulary):
    def __iter__(self):
        raise AssertionError("the vocabulary was read whole")


def test_speller_never_reads_the_whole_vocabulary(tmp_path):
    """Speller answers from the typo table of a memory-mapped vocabulary."""
    write_vocabulary(tmp_path / "v", {"restylane": 12, "restalyne": 1, "milk": 1, "mild": 30})
    vocabulary = _NoScan.open(tmp_path / "v")
    speller = Speller({"restylane", "milk", "mild"}, vocabulary, candidates=())
    assert ("restylane", None) == (speller.suggest("restalyne"), speller.suggest("milk"))
    assert not speller.is_known("restalyne") and speller.is_known("restylane")


def test_check_verifies_the_vocabulary_files(build, make_thread):
    """The vocabulary files are in the generation's manifest: damage is reported."""
    index = build([make_thread("t", "Restylane lasts months.", "Juvederm too.")])
    generation = index.path / index.stats().generation
    assert [] == index.check()
    for name in ("words.msqa-vocabulary", "known.msqa-vocabulary"):
        data = (generation / name).read_bytes()
        (generation / name).write_bytes(data[:-8])
        assert any(name in problem for problem in index.check())
        (generation / name).write_bytes(data)
