"""Known words: a general English word list and the curated medical list, in a file
that opens without parsing.

The English list is the frequency dictionary shipped with ``symspellpy`` (MIT licence;
82,765 words drawn from the intersection of Google Books n-grams and SCOWL); the medical
list is ``data/medical_words.txt``. Parsing both takes a tenth of a second, so it is
done once per process at build time, and each generation of an index holds the result
as ``known.msqa-vocabulary`` (lexicon.typo_table's format, no typo table, each word's
count being its source flags). A query looks its words up in the memory-mapped file.
"""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .spelling import load_medical_words
from .typo_table import Vocabulary
from .vocabulary_file import vocabulary_path, write_vocabulary

__all__ = ["ENGLISH", "KNOWN_PREFIX", "MEDICAL", "MEDICAL_PREFIX", "KnownList", "english_words",
           "medical_words", "open_medical_table", "write_known_words"]

KNOWN_PREFIX = "known"
"""The file prefix in a generation folder (``known.msqa-vocabulary``)."""
MEDICAL_PREFIX = "medical"
"""The medical words with their typo table (``medical.msqa-vocabulary``): corrections
that the index may lack (it may hold only misspellings of a drug name)."""
ENGLISH = 1
"""Flag of a word of the general English list."""
MEDICAL = 2
"""Flag of a word of the curated medical list."""
_ENGLISH_LIST = "frequency_dictionary_en_82_765.txt"


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The words of symspellpy's English frequency dictionary, lowercased."""
    text = resources.files("symspellpy").joinpath(_ENGLISH_LIST).read_text(encoding="utf-8")
    return frozenset(line.split(" ", 1)[0].lower() for line in text.splitlines() if line.strip())


@lru_cache(maxsize=1)
def medical_words() -> frozenset[str]:
    """The curated medical list (``spelling.load_medical_words()``), read once a process."""
    return load_medical_words()


@lru_cache(maxsize=1)
def _known_file() -> bytes:
    flags: dict[str, int] = {}
    for word in english_words():
        flags[word] = ENGLISH
    for word in medical_words():
        flags[word] = flags.get(word, 0) | MEDICAL
    with tempfile.TemporaryDirectory() as tmp:
        path = write_vocabulary(Path(tmp) / KNOWN_PREFIX, flags, max_distance=0)
        return path.read_bytes()


@lru_cache(maxsize=1)
def _medical_file() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_vocabulary(Path(tmp) / MEDICAL_PREFIX, {w: 0 for w in medical_words()})
        return path.read_bytes()


def write_known_words(folder: Path) -> None:
    """Write the known-word file and the medical typo table into a generation folder
    (each a new inode, whole or not at all; built once a process)."""
    for prefix, data in ((KNOWN_PREFIX, _known_file), (MEDICAL_PREFIX, _medical_file)):
        path = vocabulary_path(folder / prefix)
        tmp = path.with_name(path.name + ".tmp")
        try:
            tmp.write_bytes(data())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


def open_medical_table(folder: Path) -> Vocabulary:
    """The medical words of a generation with their typo table (memory-mapped).

    Raises:
        IndexDamagedError: The file is missing or damaged.
    """
    return Vocabulary.open(folder / MEDICAL_PREFIX)


class KnownList:
    """The known words of a generation, memory-mapped: ``word in known`` is a binary search.

    Args:
        vocabulary: The opened ``known.msqa-vocabulary`` file.
        extra: More known words (e.g. a user's word list), held in memory.
    """

    def __init__(self, vocabulary: Vocabulary, extra: frozenset[str] = frozenset()):
        self._vocabulary = vocabulary
        self._extra = extra

    @classmethod
    def open(cls, folder: Path) -> KnownList:
        """Open the file ``write_known_words`` wrote into ``folder``.

        Raises:
            IndexDamagedError: The file is missing or damaged.
        """
        return cls(Vocabulary.open(folder / KNOWN_PREFIX))

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        word = word.lower()
        return word in self._extra or word in self._vocabulary

    def flags(self, word: str) -> int:
        """ENGLISH and/or MEDICAL for a listed word, 0 otherwise."""
        return self._vocabulary.df(word.lower())
