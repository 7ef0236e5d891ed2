"""SQLite FTS5 baseline: the library's work (index, BM25 search, filters, facets) in SQL.

One row per answer in ``answers`` (question text copied onto each answer, as the library
indexes it), an external-content FTS5 index over title, body, question title, question
body and doctor name with ``porter unicode61``, and a ``words`` table of raw word counts
for "did you mean". Records are read by attribute only (``thread.id``, ``answer.doctor``
...), so both ``msqa_search.Thread`` and ``bench.generate.ThreadSpec`` work.

Plain queries are bags of words: every token is quoted and the tokens are ORed, as the
library ORs terms and ranks by BM25; ``"quoted text"`` is an FTS5 phrase. Both search the
text columns (answer title and body, question), as the library does.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from msqa_search.columns import rating_band

from .fts5_spelling import suggest

# BM25 weights per FTS column: title, body, q_title, q_body, doctor; the library's field
# boosts (title 2, body 1, question 0.5).
BM25_WEIGHTS = (2.0, 1.0, 0.5, 0.5, 1.0)
# Plain words search the text columns only, as the library's do (the doctor column is
# for doctor-name lookups).
TEXT_COLUMNS = "{title body q_title q_body}"
FACETS = ("specialty", "city", "rating")
# Facet name -> column holding the facet's display value.
_FACET_COLUMNS = {"specialty": "specialty", "city": "city", "rating": "rating_band",
                  "doctor": "doctor"}

SCHEMA = f"""
-- The small columns that filters and facets read come first: SQLite reads a row's
-- columns in order, and the long texts spill into overflow pages (3x slower facets).
CREATE TABLE answers (
    id INTEGER PRIMARY KEY,            -- rowid, shared with the FTS index
    answer_id TEXT NOT NULL UNIQUE,    -- "<thread_id>#<position>"
    thread_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    doctor TEXT NOT NULL,              -- name, or 'unknown'
    specialty TEXT NOT NULL,           -- display string, or 'unknown'
    city TEXT NOT NULL,                -- display string, or 'unknown'
    rating REAL, reviews INTEGER,
    rating_band TEXT NOT NULL,         -- '4.8-5.0' ... 'below 4.0', 'unrated'
    title TEXT NOT NULL, body TEXT NOT NULL,
    q_title TEXT NOT NULL, q_body TEXT NOT NULL
);
CREATE INDEX answers_thread ON answers (thread_id);
CREATE VIRTUAL TABLE answers_fts USING fts5 (
    title, body, q_title, q_body, doctor,
    content='answers', content_rowid='id', tokenize='porter unicode61'
);
INSERT INTO answers_fts (answers_fts, rank)
    VALUES ('rank', 'bm25({", ".join(map(str, BM25_WEIGHTS))})');
CREATE TABLE words (word TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
"""
_FTS_COLUMNS = "title, body, q_title, q_body, doctor"
_INSERT = ("INSERT INTO answers (answer_id, thread_id, position, title, body, q_title, "
           "q_body, doctor, specialty, city, rating, reviews, rating_band) "
           "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")
_WORD = re.compile(r"[^\W_]+")  # what unicode61 calls a token


def _rows(thread):
    for a in thread.answers:
        d = a.doctor
        rating = d.rating if d else None
        yield (f"{thread.id}#{a.position}", thread.id, a.position, a.title, a.body,
               thread.title, thread.body, (d and d.name) or "unknown",
               (d and d.specialty) or "unknown", (d and d.city) or "unknown",
               rating, d.reviews if d else None, rating_band(rating))


def _words(thread) -> Counter:
    text = " ".join([thread.title, thread.body]
                    + [f"{a.title} {a.body}" for a in thread.answers])
    return Counter(_WORD.findall(text.lower()))


def _add(conn: sqlite3.Connection, threads) -> None:
    """Insert threads into the content table, the FTS index and the word counts."""
    counts: Counter = Counter()
    for thread in threads:
        conn.executemany(_INSERT, _rows(thread))
        counts.update(_words(thread))
    conn.executemany("INSERT INTO words VALUES (?, ?) ON CONFLICT (word) DO UPDATE "
                     "SET n = n + excluded.n", counts.items())


def connect(db_path: str | os.PathLike) -> sqlite3.Connection:
    """Open an existing baseline database."""
    if not Path(db_path).exists():
        raise FileNotFoundError(db_path)
    return sqlite3.connect(db_path)


def build(records, db_path: str | os.PathLike) -> int:
    """Build the baseline database from parsed threads; returns the number of answers."""
    db_path = Path(db_path)
    tmp = db_path.with_name(db_path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    try:
        # No fsync or rollback journal, as with Whoosh: a failed build is redone.
        conn.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
        _add(conn, records)
        # One pass over the content table is faster than a trigger per row.
        conn.execute("INSERT INTO answers_fts (answers_fts) VALUES ('rebuild')")
        conn.execute("INSERT INTO answers_fts (answers_fts) VALUES ('optimize')")
        conn.commit()
        (n,) = conn.execute("SELECT count(*) FROM answers").fetchone()
    finally:
        conn.close()
    os.replace(tmp, db_path)
    return n


def update(conn: sqlite3.Connection, threads) -> int:
    """Replace threads by id (delete their answers, insert the new ones); returns answers."""
    threads = list(threads)
    with conn:
        for thread in threads:
            old = conn.execute(f"SELECT id, {_FTS_COLUMNS} FROM answers WHERE thread_id = ?",
                               (thread.id,)).fetchall()
            # External content: the index must be told the old text to remove it.
            conn.executemany(f"INSERT INTO answers_fts (answers_fts, rowid, {_FTS_COLUMNS}) "
                             "VALUES ('delete', ?, ?, ?, ?, ?, ?)", old)
            if old:  # take the old words out of the counts (question text counted once)
                gone = Counter(_WORD.findall(" ".join(
                    [old[0][3], old[0][4]] + [f"{r[1]} {r[2]}" for r in old]).lower()))
                conn.executemany("UPDATE words SET n = n - ? WHERE word = ?",
                                 [(n, w) for w, n in gone.items()])
            conn.execute("DELETE FROM answers WHERE thread_id = ?", (thread.id,))
            first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM answers").fetchone()[0]
            _add(conn, [thread])
            conn.execute(f"INSERT INTO answers_fts (rowid, {_FTS_COLUMNS}) "
                         f"SELECT id, {_FTS_COLUMNS} FROM answers WHERE id >= ?", (first,))
        conn.execute("DELETE FROM words WHERE n <= 0")
    return sum(len(t.answers) for t in threads)


# -- search ---------------------------------------------------------------------------


@dataclass
class Hit:
    answer_id: str
    thread_id: str
    title: str
    thread_title: str
    doctor: str
    city: str
    specialty: str
    rating: float | None
    reviews: int | None
    snippet: str


@dataclass
class Result:
    query: str
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    suggestion: str | None = None
    searched: str | None = None  # the suggestion, when the query itself had no hits

    @property
    def ids(self) -> list[str]:
        return [h.answer_id for h in self.hits]


def match_expression(query: str) -> str:
    """FTS5 MATCH text for a user query: quoted phrases stay phrases, the rest are ORed
    single tokens (each quoted, so no word is read as FTS5 syntax), all restricted to the
    text columns."""
    parts = []
    for phrase, words in re.findall(r'"([^"]*)"|([^"]+)', query):
        if phrase:
            tokens = _WORD.findall(phrase)
            if tokens:
                parts.append('"' + " ".join(tokens) + '"')
        else:
            parts.extend(f'"{t}"' for t in _WORD.findall(words))
    return f"{TEXT_COLUMNS} : ({' OR '.join(parts)})" if parts else ""


def _where(specialty, min_rating, join: bool = False):
    """FROM ... WHERE for the match and filters; joins the content table only when needed
    (a join costs a row lookup per match: 46 ms instead of 6 ms to count 72k matches)."""
    sql, params = "answers_fts MATCH :q", {}
    if specialty is not None:
        sql += " AND a.specialty = :specialty"
        params["specialty"] = specialty
    if min_rating is not None:
        sql += " AND a.rating >= :min_rating"
        params["min_rating"] = min_rating
    if join or params:
        return "FROM answers_fts JOIN answers a ON a.id = answers_fts.rowid WHERE " + sql, params
    return "FROM answers_fts WHERE " + sql, params


def search(conn: sqlite3.Connection, query: str, limit: int = 10, specialty: str | None = None,
           min_rating: float | None = None, facets=True, group_by_thread: bool = False,
           page: int = 1, spelling: bool = True) -> Result:
    """BM25-ranked answers for ``query``, with optional filters and facet counts.

    ``facets`` is True (specialty, city, rating), False/() for none, or facet names
    (``doctor`` too). With ``group_by_thread`` each hit is the best answer of one thread.
    With ``spelling``, words missing from the corpus get a suggestion, and a query with no
    hits is searched again as the suggestion.
    """
    names = FACETS if facets is True else tuple(facets or ())
    result = _search(conn, query, limit, specialty, min_rating, names, group_by_thread, page)
    if spelling:
        result.suggestion = suggest(conn, query)
        if result.total == 0 and result.suggestion:
            again = _search(conn, result.suggestion, limit, specialty, min_rating, names,
                            group_by_thread, page)
            again.query, again.suggestion = query, result.suggestion
            again.searched = result.suggestion
            result = again
    return result


def _search(conn, query, limit, specialty, min_rating, names, group_by_thread, page) -> Result:
    expr = match_expression(query)
    if not expr:
        return Result(query, 0, [], {n: [] for n in names})
    frm, params = _where(specialty, min_rating, join=group_by_thread)
    params.update(q=expr, limit=limit, offset=(page - 1) * limit)
    if group_by_thread:
        # SQLite takes a bare column from the row that holds the min(): the best answer.
        # The total counts threads, as the library's does when grouping.
        rows = conn.execute(f"SELECT answers_fts.rowid, min(rank) AS best, count(*) OVER () "
                            f"{frm} GROUP BY a.thread_id ORDER BY best LIMIT :limit OFFSET :offset",
                            params).fetchall()
        rowids = [r[0] for r in rows]
        total = rows[0][2] if rows else conn.execute(
            f"SELECT count(DISTINCT a.thread_id) {frm}", params).fetchone()[0]
    else:
        rowids = [r[0] for r in conn.execute(
            f"SELECT answers_fts.rowid {frm} ORDER BY rank LIMIT :limit OFFSET :offset", params)]
        total = None
    counts: dict[str, list[tuple[str, int]]] = {}
    if names:
        # One GROUP BY over all the facet columns, then each facet's counts summed from
        # the groups: one sort instead of one per facet (103 ms instead of 127 ms for
        # three facets over 72k matches).
        cols = ", ".join(f"a.{_FACET_COLUMNS[n]}" for n in names)
        by = ", ".join(str(i) for i in range(1, len(names) + 1))
        joined = _where(specialty, min_rating, join=True)[0]
        tallies: list[Counter] = [Counter() for _ in names]
        for *values, n in conn.execute(f"SELECT {cols}, count(*) {joined} GROUP BY {by}", params):
            for tally, value in zip(tallies, values, strict=True):
                tally[value] += n
        counts = {name: sorted(t.items(), key=lambda vc: (-vc[1], vc[0]))
                  for name, t in zip(names, tallies, strict=True)}
        if total is None:
            total = sum(n for _, n in counts[names[0]])
    if total is None:
        total = 0
        if rowids or page > 1:
            total = conn.execute(f"SELECT count(*) {frm}", params).fetchone()[0]
    return Result(query, total or 0, _hits(conn, expr, rowids), counts)


def facet_counts_of(conn: sqlite3.Connection, answer_ids, names=FACETS) -> dict:
    """GROUP BY counts of facets over the given answers (for checking another engine's
    counts on its own match set)."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS picked (answer_id TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM picked")
    conn.executemany("INSERT OR IGNORE INTO picked VALUES (?)", ((i,) for i in answer_ids))
    counts = {}
    for name in names:
        col = _FACET_COLUMNS[name]
        counts[name] = conn.execute(
            f"SELECT {col}, count(*) FROM answers JOIN picked USING (answer_id) "
            f"GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
    conn.commit()
    return counts


def _hits(conn, expr: str, rowids: list[int]) -> list[Hit]:
    """Display fields and a body snippet for the hits, in rank order."""
    if not rowids:
        return []
    marks = ",".join("?" * len(rowids))
    rows = conn.execute(
        "SELECT a.id, a.answer_id, a.thread_id, a.title, a.q_title, a.doctor, a.city, "
        "a.specialty, a.rating, a.reviews, snippet(answers_fts, 1, '[', ']', '...', 16) "
        f"FROM answers_fts JOIN answers a ON a.id = answers_fts.rowid "
        f"WHERE answers_fts MATCH ? AND answers_fts.rowid IN ({marks})", [expr, *rowids])
    by_id = {r[0]: Hit(*r[1:]) for r in rows}
    return [by_id[i] for i in rowids if i in by_id]
