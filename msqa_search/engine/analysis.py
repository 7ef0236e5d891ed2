"""The text analyzer of the index and of queries: tokens, function words, stems."""

from __future__ import annotations

import re
from functools import lru_cache

from whoosh.analysis import Analyzer, LowercaseFilter, RegexTokenizer, Token
from whoosh.lang.porter2 import stem as porter_stem

from ..lexicon.stem_exceptions import kept_whole, stem_exception

__all__ = [
    "NEGATIONS",
    "STOP_WORDS",
    "TOKEN_PATTERN",
    "TextAnalyzer",
    "name_analyzer",
    "raw_analyzer",
    "stem",
    "stemmed_analyzer",
    "text_analyzer",
]

# Function words dropped from text and queries. Negations stay: "not a contraindication"
# must not match like "a contraindication".
STOP_WORDS = frozenset(
    "a an and are as at be been but by can could did do does for from had has have he her"
    " him his how i if in into is it its may me might my of on or our she should so than"
    " that the their them then there these they this those to us was we were what when"
    " where which who whom why will with would you your".split()
)
NEGATIONS = frozenset("no not nor never none without cannot against".split())
# "Ms." as a title before a name is its own token, so it never matches MS the disease.
# The title keeps the one space after it ("ms " / "ms. "), which no other token has.
TOKEN_PATTERN = r"Ms\.?[ \n](?=[A-Z][a-z])|\w+(?:\.?\w+)*"


class TextAnalyzer(Analyzer):
    """Tokenise, lowercase, drop function words (not negations), then stem: one pass.

    Does what ``RegexTokenizer | LowercaseFilter | StopFilter | StemFilter`` does, in one
    generator instead of four, with an unbounded stem cache; indexing spends a third of
    its time here. It also replays the tokens of the text it analysed last, as each
    answer of a thread repeats the thread's question.
    """

    def __init__(self, stem: bool = True):
        self.stem = stem
        self._setup()

    def _setup(self) -> None:
        self._finditer = re.compile(TOKEN_PATTERN).finditer
        self._stems: dict[str, str] = {}
        self._last: tuple | None = None

    def __getstate__(self) -> dict:
        return {"stem": self.stem}

    def __setstate__(self, state: dict) -> None:
        self.stem = state["stem"]
        self._setup()

    def __eq__(self, other) -> bool:
        return other.__class__ is self.__class__ and other.stem == self.stem

    def __hash__(self) -> int:
        return hash((self.__class__, self.stem))

    def __repr__(self) -> str:
        return f"TextAnalyzer(stem={self.stem})"

    def has_morph(self) -> bool:
        return self.stem

    def words(self, value: str, removestops: bool = True) -> list[tuple[str, int, int, bool]]:
        """``(term, start, end, stopped)`` for each token of ``value``, cached for one text."""
        key = (value, removestops)
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        stems, stemming = self._stems, self.stem
        out = []
        for m in self._finditer(value):
            word = m.group().lower()
            stopped = word in STOP_WORDS or len(word) < 2
            if stopped and removestops:
                continue
            if stemming:
                term = stems.get(word)
                if term is None:
                    term = stems[word] = stem(word)
            else:
                term = word
            out.append((term, m.start(), m.end(), stopped))
        self._last = (key, out)
        return out

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        pos = start_pos
        for term, start, end, stopped in self.words(value, removestops):
            token.text = term
            token.boost = 1.0
            token.stopped = stopped
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = pos
                if not stopped:
                    pos += 1
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


def text_analyzer(stem: bool = True) -> TextAnalyzer:
    """The analyzer of the text fields (``stem=False``: the same, unstemmed)."""
    return TextAnalyzer(stem)


def name_analyzer():
    return RegexTokenizer(r"\w+") | LowercaseFilter()


@lru_cache(maxsize=1)
def raw_analyzer() -> TextAnalyzer:
    """The shared unstemmed analyzer (query words, typo handling)."""
    return text_analyzer(stem=False)


@lru_cache(maxsize=1)
def stemmed_analyzer() -> TextAnalyzer:
    """The shared stemmed analyzer (as the text fields are indexed)."""
    return text_analyzer()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Porter2 stem of one lowercased word, or of the word whose stem it takes
    (lexicon.stem_exceptions); a word kept whole is its own stem."""
    head = stem_exception(word) or word
    return head if kept_whole(head) else porter_stem(head)
