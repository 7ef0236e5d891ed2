"""Spelling suggestions ("did you mean") for the FTS5 baseline, from its word counts.

A word of the query that the corpus lacks, or has fewer than 5 times, is replaced by the
commonest word one edit away (a letter dropped, added, changed, or two swapped) when that
word is at least 20 times as common: the corpus's own typos are rare, real words are not.
"""

from __future__ import annotations

import re
import sqlite3
import string

_WORD = re.compile(r"[^\W_]+")  # what unicode61 calls a token


def _edits(word: str) -> set[str]:
    """Words one edit away: a letter dropped, added, changed, or two letters swapped."""
    letters = string.ascii_lowercase
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in letters}
            | {a + c + b for a, b in splits for c in letters})


def suggest(conn: sqlite3.Connection, query: str) -> str | None:
    """The query with unknown or very rare words replaced by a much commoner word one edit
    away, or None when nothing changes."""
    out, changed = query, False
    for word in dict.fromkeys(_WORD.findall(query.lower())):
        if len(word) < 4 or word.isdigit():
            continue
        row = conn.execute("SELECT n FROM words WHERE word = ?", (word,)).fetchone()
        n = row[0] if row else 0
        if n >= 5:
            continue
        cands = sorted(_edits(word) - {word})
        best = conn.execute(
            f"SELECT word, n FROM words WHERE word IN ({','.join('?' * len(cands))}) "
            "ORDER BY n DESC, word LIMIT 1", cands).fetchone()
        if best and best[1] >= 20 * max(n, 1):  # corpus typos are rare; real words are not
            out = re.sub(rf"\b{re.escape(word)}\b", best[0], out, flags=re.IGNORECASE)
            changed = True
    return out if changed else None
