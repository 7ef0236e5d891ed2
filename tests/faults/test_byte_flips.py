"""Damaged index files, at random and by design: only the library's own errors, and check() finds them."""

from __future__ import annotations


import contextlib
import gc
import json
import os
import pickle
import random
import shutil
import signal
import struct
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from faultlib import SEEDS, run_cli

from msqa_search import IndexDamagedError, build_index, open_index, read_threads
from msqa_search.errors import MsqaError


def current(root: Path) -> Path:
    return root / (root / "CURRENT").read_text(encoding="utf-8").strip()


def exercise(root: Path) -> list[str]:
    """Open the index and use every public read; the names of the errors the library raised."""
    errors = []
    calls = (
        lambda ix: ix.search("botox"), lambda ix: ix.search("bot*"), lambda ix: ix.search('"botox cosmetic"'),
        lambda ix: ix.search("botx"), lambda ix: ix.search("botox", facets=("city", "doctor"), sort="rating"),
        lambda ix: ix.search("rating:[4 TO]"), lambda ix: ix.stats(),
        lambda ix: ix.answer(ix.columns().answer_ids[0]), lambda ix: ix.values("city"),
        lambda ix: ix.similar(ix.columns().answer_ids[-1]), lambda ix: ix.check(),
    )
    try:
        index = open_index(root)
    except MsqaError as e:
        return [type(e).__name__]
    with index:
        for call in calls:
            try:
                call(index)
            except MsqaError as e:
                errors.append(type(e).__name__)
    return errors


#: The kinds of file an index holds, by what they hold. Every file of a generation has one.
ROLES = ("current", "toc", "terms", "postings", "stored", "lengths", "id column", "columns", "meta",
         "vocabulary", "word lists")


def read_toc(generation: Path):
    """The table of contents of a generation, read by Whoosh."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    from msqa_search.engine.schema import SCHEMA

    number = int(next(generation.glob("_MAIN_*.toc")).stem.rsplit("_", 1)[1])
    return TOC.read(FileStorage(str(generation)), "MAIN", number, schema=SCHEMA)


def segment_order(generation: Path) -> list[str]:
    """The segments of a generation as its table of contents lists them (their names are
    random, their order is not)."""
    return [segment.segment_id() for segment in read_toc(generation).segments]


def files_by_role(root: Path) -> dict[str, list[Path]]:
    """The files of the current generation (and CURRENT) of each role, segment files in
    the order of the table of contents, so that a seed picks the same file in every build."""
    generation = current(root)
    order = segment_order(generation)

    def per_segment(suffix: str) -> list[Path]:
        return [generation / f"{segment}{suffix}" for segment in order]

    found = {
        "current": [root / "CURRENT"],
        "toc": sorted(generation.glob("_MAIN_*.toc")),
        "terms": per_segment(".trm"),
        "postings": per_segment(".pst"),
        "stored": per_segment("._stored.col"),
        "lengths": [p for segment in order for p in sorted(generation.glob(f"{segment}._*_len.col"))],
        "id column": per_segment(".answer_id.col"),
        "columns": [generation / "columns.msqa-columns"],
        "meta": [generation / "msqa-index.json"],
        "vocabulary": [generation / "words.msqa-vocabulary"],
        "word lists": [generation / "known.msqa-vocabulary", generation / "medical.msqa-vocabulary"],
    }
    return found


def flip_bits(target: Path, rng: random.Random, flips: int) -> list[int]:
    """Flip ``flips`` distinct random bits of ``target``; distinct, so that two flips of
    one bit never cancel out. Returns the bits flipped."""
    data = bytearray(target.read_bytes())
    bits = rng.sample(range(len(data) * 8), min(flips, len(data) * 8))
    for bit in bits:
        data[bit // 8] ^= 1 << (bit % 8)
    target.write_bytes(bytes(data))
    return bits


class _Hang(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: int, what: str) -> Iterator[None]:
    """Fail (rather than wait for ever) when the block takes more than ``seconds``."""
    def expired(signum, frame):
        raise _Hang(what)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    except _Hang:
        pytest.fail(f"{what}: still running after {seconds} s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def unraisable(monkeypatch) -> list:
    """What the garbage collector could not report (a file left open: ResourceWarning)."""
    found: list = []
    monkeypatch.setattr(sys, "unraisablehook", found.append)
    return found


def run_flips(template: Path, tmp_path: Path, role: str, trials: int, unraisable: list) -> Counter:
    """``trials`` damaged copies of ``template``, each with 1 to 8 bits flipped in one file of
    ``role``; every public read of each must give results or a library error, close every
    file it opened, and end; check() must report every flip. Returns the first error of
    each copy ("none" for none)."""
    rng = random.Random(f"{role}-{trials}")
    outcomes: Counter = Counter()
    for trial in range(trials):
        root = tmp_path / f"trial-{trial}"
        shutil.copytree(template, root)
        target = rng.choice(files_by_role(root)[role])
        bits = flip_bits(target, rng, rng.choice((1, 1, 2, 8)))
        what = f"{role} trial {trial}: bits {bits} of {target.name}"
        with time_limit(60, what):
            try:
                errors = exercise(root)
            except Exception as e:  # noqa: BLE001 - reported with the flip that caused it
                raise AssertionError(f"{what}: {type(e).__name__}: {e}") from e
            assert set(errors) <= LIBRARY_ERRORS, what
            if role != "current":
                try:
                    with open_index(root) as index:
                        problems = index.check()
                    assert problems, f"{what}: check() found nothing wrong"
                except IndexDamagedError:
                    pass
        gc.collect()
        assert not unraisable, f"{what}: {unraisable[0].exc_value}"
        outcomes[errors[0] if errors else "none"] += 1
        shutil.rmtree(root)
    return outcomes


#: The errors a damaged copy may give: damage, or what the damage makes the index say
#: (a flipped schema number, an answer id the columns name but the documents lack).
LIBRARY_ERRORS = {"IndexDamagedError", "IndexSchemaError", "AnswerNotFoundError"}


class TestByteFlips:
    """Random bit flips in every kind of index file give library errors only, leave no file
    open, and check() reports each."""

    def test_every_file_has_a_role(self, two_segment_index):
        """The roles cover every file of a generation, so no kind of file goes unflipped."""
        by_role = files_by_role(two_segment_index)
        assert sorted(by_role) == sorted(ROLES)
        listed = {p for paths in by_role.values() for p in paths}
        present = {p for p in current(two_segment_index).iterdir() if p.name != "MAIN_WRITELOCK"}
        assert present | {two_segment_index / "CURRENT"} == listed
        assert all(p.exists() for p in listed)

    @pytest.mark.parametrize("role", ROLES)
    def test_a_few_flips(self, two_segment_index, tmp_path, role, unraisable):
        """3 damaged copies per kind of file: library errors only, no file left open."""
        outcomes = run_flips(two_segment_index, tmp_path, role, 3, unraisable)
        assert sum(outcomes.values()) == 3

    @pytest.mark.slow
    @pytest.mark.parametrize("role", ROLES)
    def test_many_flips(self, two_segment_index, tmp_path, role, unraisable):
        """MANY_FLIPS damaged copies per kind of file: library errors only, ever."""
        outcomes = run_flips(two_segment_index, tmp_path, role, MANY_FLIPS, unraisable)
        assert sum(outcomes.values()) == MANY_FLIPS


#: Copies per kind of file in the slow run (11 kinds: 440 flips, about 2 minutes on two
#: cores, so that CI stays within its time); MSQA_FLIPS raises it for a longer campaign.
MANY_FLIPS = int(os.environ.get("MSQA_FLIPS", "40"))


def in_process(*args) -> tuple[int, str, str]:
    """Run msqa-search in this process; a raw exception fails the test."""
    from click.testing import CliRunner

    from msqa_search.cli import cli

    result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="msqa-search")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def in_a_process(*args) -> tuple[int, str, str]:
    """Run msqa-search as a real process."""
    result = run_cli(*args)
    return result.returncode, result.stdout, result.stderr


def run_cli_flips(template: Path, tmp_path: Path, role: str, trials: int, run, unraisable: list) -> Counter:
    """``trials`` damaged copies of ``template`` (a flip in one file of ``role`` each),
    searched, counted and checked through the command line: each command finds hits
    (0), none (1), or fails with one line on stderr and exit status 2 (the damaged-index
    error or another of the library's), never with a traceback. Returns the exit codes."""
    rng = random.Random(f"cli-{role}-{trials}")
    codes: Counter = Counter()
    for trial in range(trials):
        root = tmp_path / f"cli-trial-{trial}"
        shutil.copytree(template, root)
        target = rng.choice(files_by_role(root)[role])
        bits = flip_bits(target, rng, rng.choice((1, 1, 2, 8)))
        for command in (("botox",), ("stats",), ("check",)):
            what = f"{role} trial {trial}: bits {bits} of {target.name}: msqa-search {' '.join(command)}"
            with time_limit(120, what):
                code, out, err = run(*command, "--index", root)
            assert "Traceback" not in out + err, what
            assert code in (0, 1, 2), what
            assert err.count("\n") <= 1, what
            if code == 2:
                assert err.startswith("Error: ") and "Rebuild it with `msqa-search index --rebuild" in err, what
            codes[code] += 1
        gc.collect()
        assert not unraisable, f"{role} trial {trial}: {unraisable[0].exc_value}"
        shutil.rmtree(root)
    return codes


class TestByteFlipsCommandLine:
    """The same flips through `msqa-search`: results, or the one-line error and exit 2."""

    @pytest.mark.parametrize("role", ROLES)
    def test_a_few_flips(self, two_segment_index, tmp_path, role, unraisable):
        """A damaged copy per kind of file, the command line run in this process."""
        codes = run_cli_flips(two_segment_index, tmp_path, role, 1, in_process, unraisable)
        assert sum(codes.values()) == 3

    @pytest.mark.slow
    @pytest.mark.parametrize("role", ROLES)
    def test_real_processes(self, two_segment_index, tmp_path, role, unraisable):
        """3 damaged copies per kind of file, through real `msqa-search` processes."""
        codes = run_cli_flips(two_segment_index, tmp_path, role, 3, in_a_process, unraisable)
        assert sum(codes.values()) == 9


#: Pickles that make the unpickler raise what garbled bytes made it raise in the random runs.
GARBLED_PICKLES = {
    "ValueError": b"\x80\x02\x84\xff\xff\xff\x7f",  # an unregistered extension code
    "TypeError": b"\x80\x02}]]s.",  # a list as a dict key
    "AttributeError": b"\x80\x04}(K\x01\x90.",  # set items added to a dict
}


def overwrite(path: Path, position: int, payload: bytes) -> None:
    """Write ``payload`` over the bytes at ``position``; the file keeps its size."""
    data = bytearray(path.read_bytes())
    assert position + len(payload) <= len(data)
    data[position:position + len(payload)] = payload
    path.write_bytes(bytes(data))


def garble_terms_header(root: Path, payload: bytes) -> Path:
    """Garble the pickled header (the field map) at the end of the terms file of the last
    segment, so that the first segment opens and the second trips over it."""
    terms = files_by_role(root)["terms"][-1]
    data = terms.read_bytes()
    (length,) = struct.unpack("!i", data[-4:])
    assert len(payload) <= length
    overwrite(terms, len(data) - 4 - length, payload)
    return terms


class TestGarbledPickles:
    """What garbled pickles raise (ValueError, TypeError, AttributeError...) is damage, and a
    reader that trips over one closes every file it opened."""

    @pytest.mark.parametrize("payload", GARBLED_PICKLES.values(), ids=GARBLED_PICKLES)
    def test_terms_file_of_a_later_segment(self, two_segment_index, payload, unraisable):
        """A garbled terms header in the second segment: IndexDamagedError from every read,
        and neither segment's files left open."""
        garble_terms_header(two_segment_index, payload)
        assert set(exercise(two_segment_index)) == {"IndexDamagedError"}
        gc.collect()
        assert [str(u.exc_value) for u in unraisable] == []

    @pytest.mark.parametrize("payload", GARBLED_PICKLES.values(), ids=GARBLED_PICKLES)
    def test_segment_list(self, two_segment_index, payload, unraisable):
        """A garbled segment list in the table of contents: IndexDamagedError on open."""
        toc = files_by_role(two_segment_index)["toc"][0]
        data = toc.read_bytes()
        pickled = pickle.dumps(read_toc(toc.parent).segments, -1)  # the last thing in the file
        assert data.endswith(pickled)
        overwrite(toc, len(data) - len(pickled), payload)
        with pytest.raises(IndexDamagedError):
            open_index(two_segment_index)
        gc.collect()
        assert [str(u.exc_value) for u in unraisable] == []

    @pytest.mark.parametrize("command", ["search", "stats"])
    def test_command_line(self, two_segment_index, command):
        """Through the command line: one line on stderr, exit status 2, no traceback."""
        garble_terms_header(two_segment_index, GARBLED_PICKLES["ValueError"])
        args = ("botox",) if command == "search" else ()
        result = run_cli(command, *args, "--index", two_segment_index)
        assert (result.returncode, result.stdout) == (2, "")
        assert result.stderr.startswith(f"Error: the index at {two_segment_index} is damaged (")
        assert result.stderr.count("\n") == 1


#: Where each field of a columns file's header lies (column_file.py), and its struct format.
HEADER_FIELDS = {"magic": (0, "8s"), "format": (8, "<I"), "arrays": (12, "<I"), "documents": (16, "<Q"),
                 "segments": (24, "<I"), "id bytes": (32, "<Q"), "thread values": (104, "<Q"),
                 "thread bytes": (112, "<Q")}


def rewrite_columns_header(root: Path, field: str, change) -> None:
    """Change one field of the columns file's header; the file keeps its size."""
    path = current(root) / "columns.msqa-columns"
    at, form = HEADER_FIELDS[field]
    data = bytearray(path.read_bytes())
    (value,) = struct.unpack_from(form, data, at)
    struct.pack_into(form, data, at, change(value))
    path.write_bytes(bytes(data))


def rewrite_meta(root: Path, change) -> None:
    path = current(root) / "msqa-index.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(change(meta)), encoding="utf-8")


class TestWrongHeaders:
    """Structurally valid JSON with the wrong shape is damage, not a TypeError."""

    @pytest.mark.parametrize(("field", "change"), [
        ("magic", lambda v: b"{\"format\""), ("format", lambda v: 3), ("arrays", lambda v: v + 1),
        ("documents", lambda v: v + 1), ("documents", lambda v: 2**63), ("segments", lambda v: v + 1),
        ("id bytes", lambda v: v - 8), ("thread values", lambda v: v + 1), ("thread values", lambda v: 0),
        ("thread bytes", lambda v: v + 8),
    ], ids=["not columns", "older format", "arrays", "documents", "documents huge", "segments", "id bytes",
            "thread values", "table emptied", "table bytes"])
    def test_columns_header(self, seed_index, field, change):
        """A columns header with a wrong value: IndexDamagedError from every call."""
        rewrite_columns_header(seed_index, field, change)
        assert set(exercise(seed_index)) == {"IndexDamagedError"}

    @pytest.mark.parametrize("content", ["[1, 2]", "null", '"text"', "[" * 50000 + "]" * 50000,
                                         '{"schema": 2, "files": []}', '{"schema": 2, "segments": {"x": "y"}}'])
    def test_meta_file(self, seed_index, content):
        """A meta file that is a list, null, deeply nested or malformed: one library error."""
        (current(seed_index) / "msqa-index.json").write_text(content, encoding="utf-8")
        errors = exercise(seed_index)
        assert errors and set(errors) <= {"IndexDamagedError", "IndexSchemaError"}

    @pytest.mark.parametrize("section", ["segment list", "table offsets", "id offsets", "thread places"])
    def test_columns_section(self, seed_index, section):
        """A garbled segment list, offsets past their data or table places out of range:
        IndexDamagedError, at open or on first use."""
        from msqa_search.column_file import open_columns

        path = current(seed_index) / "columns.msqa-columns"
        columns = open_columns(path)
        documents, threads = columns.size, len(columns.tables["thread"])
        del columns
        data = bytearray(path.read_bytes())
        arrays = 128 + 80 * struct.unpack_from("<I", data, 24)[0]
        if section == "segment list":
            data[128:132] = b"\xff\xfe\xfd\xfc"
        elif section == "table offsets":  # the last table's (thread) offsets end 8-aligned before its blob
            blob = struct.unpack_from("<Q", data, 112)[0]
            end = len(data) - blob - (-blob % 8)
            struct.pack_into("<Q", data, end - 16, 10**9)
        elif section == "id offsets":
            struct.pack_into("<Q", data, arrays + 4 * documents * 14 + 8, 10**9)
        else:
            struct.pack_into("<i", data, arrays + 4 * documents * 4, threads)
        path.write_bytes(bytes(data))
        assert set(exercise(seed_index)) == {"IndexDamagedError"}

    def test_forged_document_count_is_refused(self, seed_index):
        """A meta file and TOC agreeing on a huge document count are refused before any allocation."""
        from whoosh.filedb.filestore import FileStorage
        from whoosh.index import TOC

        from msqa_search.engine.schema import SCHEMA

        generation = current(seed_index)
        storage = FileStorage(str(generation))
        toc_path = next(generation.glob("_MAIN_*.toc"))
        number = int(toc_path.stem.rsplit("_", 1)[1])
        toc = TOC.read(storage, "MAIN", number, schema=SCHEMA)
        for segment in toc.segments:
            segment._doccount = 10**9
        toc_path.unlink()
        TOC(SCHEMA, toc.segments, number).write(storage, "MAIN")
        rewrite_meta(seed_index, lambda m: {k: v for k, v in m.items() if k not in ("segments", "checksum", "files")})
        with pytest.raises(IndexDamagedError) as caught:
            open_index(seed_index)
        assert "more than its columns hold" in str(caught.value)


class TestCheck:
    """SearchIndex.check() and `msqa-search check` verify the index in full."""

    def test_sound_index(self, two_segment_index):
        """A fresh index (built, then updated) checks clean; the command prints ok and exits 0."""
        with open_index(two_segment_index) as index:
            assert index.check() == []
        result = run_cli("check", "--index", two_segment_index)
        assert (result.returncode, result.stdout, result.stderr) == (0, "ok\n", "")

    def test_flip_in_a_posting_file_is_reported(self, seed_index):
        """One flipped bit in the postings: check() names the file; the command lists it and exits 2."""
        pst = next(current(seed_index).glob("*.pst"))
        data = bytearray(pst.read_bytes())
        data[len(data) // 2] ^= 1
        pst.write_bytes(bytes(data))
        with open_index(seed_index) as index:
            problems = index.check()
        assert problems[0] == f"{current(seed_index).name}/{pst.name} does not match its checksum"
        result = run_cli("check", "--index", seed_index)
        assert result.returncode == 2
        assert result.stdout.splitlines()[0] == problems[0]
        assert result.stderr.startswith(f"Error: the index at {seed_index} is damaged (")
        assert result.stderr.count("\n") == 1

    def test_meta_edited_by_hand_is_reported(self, seed_index):
        """A meta file changed without its checksum: open refuses it as damage."""
        rewrite_meta(seed_index, lambda m: {**m, "written": 0})
        with pytest.raises(IndexDamagedError) as caught:
            open_index(seed_index)
        assert "does not match its checksum" in str(caught.value)

    def test_stray_file_is_reported(self, seed_index):
        """A file the index did not write, inside a generation, is a problem check() names."""
        (current(seed_index) / "extra.bin").write_bytes(b"x")
        with open_index(seed_index) as index:
            assert index.check() == [f"{current(seed_index).name}/extra.bin is not a file this index wrote"]

    def test_rebuild_after_damage_checks_clean(self, seed_index):
        """The cure named by the message works: rebuild, then check is clean."""
        pst = next(current(seed_index).glob("*.pst"))
        pst.write_bytes(pst.read_bytes()[::-1])
        build_index(read_threads([SEEDS]), seed_index).close()
        with open_index(seed_index) as index:
            assert index.check() == []
