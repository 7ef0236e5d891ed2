"""Highlights (engine/highlight.py, engine/fragments.py) are what Whoosh's context
fragmenter and fragment choice give over the text analyzer's tokens: on generated answers,
on texts past Whoosh's character limit, and on drawn texts of awkward tokens."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import highlight as wh
from whoosh.lang.porter2 import exceptional_forms

from budget import examples
from msqa_search import parse_thread
from msqa_search.engine.analysis import stem, stemmed_analyzer
from msqa_search.engine.highlight import highlights, related
from msqa_search.lexicon.stem_exceptions import load_stem_exceptions

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import generate, vocab  # noqa: E402


def whoosh_highlights(text, terms, phrases=frozenset(), top=3, size=240, unmarked=frozenset()):
    """Highlights as Whoosh made them: the analyzer's tokens, ContextFragmenter and
    top_fragments with BasicFragmentScorer, in text order."""
    if top <= 0:
        return ()
    tokens = [t.copy() for t in stemmed_analyzer()(text, chars=True, positions=True, removestops=False)]
    marked: dict[str, bool] = {}
    for token in tokens:
        found = marked.get(token.text)
        if found is None:
            found = marked[token.text] = (not token.stopped and token.text not in unmarked
                                          and related(token.text, terms))
        token.matched = found
    for phrase in phrases:
        n = len(phrase)
        for i in range(len(tokens) - n + 1):
            if all(tokens[i + k].text == phrase[k] for k in range(n)):
                for k in range(n):
                    tokens[i + k].matched = tokens[i + k].text not in unmarked
    fragmenter = wh.ContextFragmenter(maxchars=size, surround=size // 3)
    fragments = wh.top_fragments(fragmenter.fragment_tokens(text, iter(tokens)), top,
                                 wh.BasicFragmentScorer(), wh.FIRST, minscore=1)
    result = []
    for fragment in fragments:
        pieces, at = [], fragment.startchar
        for token in fragment.matches:
            if token.startchar < at:
                continue
            if token.startchar > at:
                pieces.append((text[at:token.startchar], False))
            pieces.append((text[token.startchar:token.endchar], True))
            at = token.endchar
        if at < fragment.endchar:
            pieces.append((text[at:fragment.endchar], False))
        result.append(tuple(pieces))
    if not result and text:
        cut = text[:size]
        if len(text) > size:
            cut = cut.rsplit(" ", 1)[0]
        result.append(((cut, False),))
    return tuple(result)


def stems_of(text: str) -> list[str]:
    return [t.text for t in stemmed_analyzer()(text, removestops=False)]


def draw_query(rng: random.Random, text: str):
    """Terms, phrases and unmarked stems for ``text``: some of its own stems, their close
    relatives, a stem it lacks, adjacent stems as phrases."""
    words = stems_of(text) or ["botox"]
    terms = set(rng.sample(words, min(len(words), rng.choice((1, 1, 2, 3, 5)))))
    for word in list(terms):
        if rng.random() < 0.3 and len(word) > 5:
            terms.add(word[:-1])
        if rng.random() < 0.2:
            terms.add(word + "i")
    if rng.random() < 0.3:
        terms.add("zzzq")
    phrases = set()
    for _ in range(rng.choice((0, 0, 1, 2))):
        n = rng.choice((2, 2, 3))
        if len(words) >= n:
            i = rng.randrange(len(words) - n + 1)
            phrases.add(tuple(words[i:i + n]))
    unmarked = set()
    if rng.random() < 0.3:
        unmarked.add(rng.choice(words))
    if rng.random() < 0.3:
        unmarked.update(("the", "is", "not"))
    return frozenset(terms), frozenset(phrases), frozenset(unmarked)


@pytest.fixture(scope="module")
def bodies() -> list[str]:
    threads = [parse_thread(text, thread_id=name[:-4]) for name, text in generate.generate_threads(600, 3)]
    return [a.body for t in threads for a in t.answers] + [t.title for t in threads]


class TestSameAsWhoosh:
    @pytest.mark.parametrize(("top", "size"), [(3, 240), (1, 240), (5, 80), (2, 30), (3, 600)])
    def test_generated_answers(self, bodies, top, size):
        """Every generated answer gives Whoosh's fragments for words it holds and lacks."""
        rng = random.Random(top * 1000 + size)
        for body in bodies:
            terms, phrases, unmarked = draw_query(rng, body)
            assert whoosh_highlights(body, terms, phrases, top, size, unmarked) == \
                highlights(body, terms, phrases, top, size, unmarked), (body, terms, phrases, unmarked)

    @pytest.mark.slow
    def test_past_the_character_limit(self, bodies):
        """A text longer than Whoosh's 32768-character limit is fragmented up to it only."""
        rng = random.Random(5)
        text = " ".join(bodies)[:40000]
        for _ in range(20):
            terms, phrases, unmarked = draw_query(rng, text[32000:33500])
            for top, size in ((3, 240), (40, 240), (10, 5000)):
                assert whoosh_highlights(text, terms, phrases, top, size, unmarked) == \
                    highlights(text, terms, phrases, top, size, unmarked)


# Words that stress the tokenizer and the fragmenter: function words, one-letter words,
# titles, dotted words, words longer than any fragment, non-ASCII letters, words the
# stemming exceptions rewrite, and words that stem to a function word's stem ("doe", "does").
WORDS = ["botox", "Botox", "botoxes", "swelling", "swollen", "swell", "droop", "droopy",
         "bruise", "bruising", "the", "is", "not", "a", "I", "x", "5", "does", "doe", "Ms.",
         "Ms", "ms", "Smith", "e.g", "u.s.a", "dying", "die", "lying", "sky", "skies",
         "İstanbul", "Σίσυφος", "ΣΑΣ", "Über", "straße", "K", "breastfed", "breastfeeding",
         "y" * 90, "injection" * 30, "no", "cannot", "multiple", "sclerosis", "Oedematous", "edema"]
SEPARATORS = [" ", " ", " ", ", ", ". ", "\n", "\n\n", "..", " - ", "", "'"]


@st.composite
def texts(draw):
    n = draw(st.integers(0, 60))
    parts = []
    for _ in range(n):
        parts.append(draw(st.sampled_from(WORDS)))
        parts.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(parts)


class TestDrawnTexts:
    @settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(text=texts(), seed=st.integers(0, 2**16), top=st.integers(0, 4),
           size=st.sampled_from([1, 3, 12, 40, 90, 240]))
    def test_awkward_tokens(self, text, seed, top, size):
        """Drawn texts of awkward tokens give Whoosh's fragments."""
        terms, phrases, unmarked = draw_query(random.Random(seed), text)
        assert whoosh_highlights(text, terms, phrases, top, size, unmarked) == \
            highlights(text, terms, phrases, top, size, unmarked)


    def test_an_exception_with_another_first_letter(self):
        """A word the stemming exceptions stem as a word with another first letter is
        marked by that word's stem."""
        text = "The lid looked oedematous, and edema of the lid settles."
        expected = ((("The lid looked ", False), ("oedematous", True), (", and ", False), ("edema", True),
                     (" of the lid settles", False)),)
        assert expected == whoosh_highlights(text, frozenset({stem("edema")}))
        assert expected == highlights(text, frozenset({stem("edema")}))


def starts_as_its_word(word: str) -> bool:
    """The stem of ``word`` starts with the word's first two letters, or is its first."""
    term = stem(word)
    return term[:2] == word[:2] or term == word[:1]


class TestStemInitial:
    def test_a_stem_starts_with_its_word(self):
        """Each word the stemming exceptions and Porter2's exceptional forms leave alone
        stems to its own first two letters (or its first), the premise of stemming only
        the words that start as a wanted stem does."""
        exceptions = {*load_stem_exceptions(), *exceptional_forms}
        words = [*vocab.english_words(), *" ".join(vocab.MEDICAL_TERMS).split(), *WORDS,
                 *(w + s for w in ("cr", "tr", "i", "y", "ye", "ss", "e", "a", "ay", "ya")
                   for s in ("ies", "ied", "y", "sses", "ing", "ingly", "ed", "edly", "eed", "s", "bbing"))]
        bad = [w for w in {w.lower() for w in words} if w not in exceptions and not starts_as_its_word(w)]
        assert [] == bad

    @settings(max_examples=examples(2000), deadline=None)
    @given(word=st.text(alphabet="aeiouybcdlnrstgmpy", min_size=1, max_size=9))
    def test_drawn_words(self, word):
        """So does every drawn word of letters Porter2 treats specially."""
        assert word in exceptional_forms or starts_as_its_word(word)
