"""Typo variants: the words of an index that a typed word may misspell, or be misspelled
as, or be another form of; the planner (query.py) searches them with the word."""

from __future__ import annotations

from .spelling import MIN_LENGTH, edit_distance, max_typos

__all__ = ["typo_variants", "word_form"]


def typo_variants(stats, speller, word: str) -> list[str]:
    """Words of the index that ``word`` may be a misspelling of, or that misspell it.

    A known word (listed, or frequent in the index) is not taken for a typo, so "side"
    is never searched as "site": it gets only the index's misspellings of it (unknown
    words with no nearer correction: "spasticty" for "spasticity") and its other forms
    (word_form: "amnesic" for "amnesia"). An unknown word ("liposuciton") is matched
    to its known neighbours first, then to the corpus words more frequent than itself
    ("aphthous" for "apthous"). The word must be long enough to carry a typo.

    Args:
        stats: the index's term statistics (``plan.TermStats``: ``typo_variants``).
        speller: the known words (``plan.KnownWords``).
        word: the word as typed.

    Returns:
        The variants, best first.
    """
    if max_typos(word) <= 0 or not word.isalpha():
        return []
    lowered = word.lower()
    variants = [v for v in stats.typo_variants(word) if len(v) >= MIN_LENGTH and v.isalpha()]
    if speller.is_known(word):
        return [v for v in variants if word_form(lowered, v)
                or (not speller.is_known(v) and speller.suggest(v) in (None, lowered))]
    typed_df = speller.df(lowered)
    found = [v for v in variants if speller.is_known(v) or speller.df(v) > typed_df]
    order = {v: i for i, v in enumerate(found)}  # nearest first, as stats.typo_variants gives them
    distance = {v: edit_distance(lowered, v, max_typos(word)) for v in found}
    return sorted(found, key=lambda v: (not speller.is_known(v), distance[v], not speller.is_listed(v),
                                        -speller.df(v), order[v]))


def word_form(a: str, b: str) -> bool:
    """Two forms of one word: a shared start of five letters or more, and at most two
    letters after it on each side ("amnesia" and "amnesic", "colour" and "colours"; not
    "laser" and "layer")."""
    shared = 0
    while shared < min(len(a), len(b)) and a[shared] == b[shared]:
        shared += 1
    return shared >= 5 and max(len(a), len(b)) - shared <= 2
