"""A damaged index gives one clear error that names the command that fixes it; that command works."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from faultlib import SEEDS, attempt, run_cli

from msqa_search import (
    IndexDamagedError,
    IndexNotFoundError,
    IndexSchemaError,
    MsqaError,
    open_index,
)
from msqa_search.cli.app import cli_message
from msqa_search.errors import rebuild_hint
from msqa_search.engine.schema import SCHEMA_VERSION

SEED_ANSWERS = 16


def current(path: Path) -> Path:
    return path / (path / "CURRENT").read_text(encoding="utf-8").strip()


def one(path: Path, pattern: str) -> Path:
    """The first file of the current generation matching ``pattern``."""
    found = sorted(current(path).glob(pattern))
    assert found, f"no {pattern} in {current(path)}"
    return found[0]


def truncate(pattern: str, fraction: float):
    def damage(path: Path) -> None:
        file = one(path, pattern)
        data = file.read_bytes()
        file.write_bytes(data[: int(len(data) * fraction)])

    return damage


def garble(pattern: str):
    """Replace the file's bytes with seeded random bytes of the same length."""

    def damage(path: Path) -> None:
        file = one(path, pattern)
        rng = random.Random(file.name)
        file.write_bytes(bytes(rng.randrange(256) for _ in range(file.stat().st_size)))

    return damage


def remove(pattern: str):
    def damage(path: Path) -> None:
        one(path, pattern).unlink()

    return damage


def set_schema(value):
    def damage(path: Path) -> None:
        meta = current(path) / "msqa-index.json"
        data = json.loads(meta.read_text(encoding="utf-8"))
        data["schema"] = value
        meta.write_text(json.dumps(data), encoding="utf-8")

    return damage


def remove_generation(path: Path) -> None:
    shutil.rmtree(current(path))


def write_current(text: bytes):
    def damage(path: Path) -> None:
        (path / "CURRENT").write_bytes(text)

    return damage


def foreign_folder(path: Path) -> None:
    shutil.rmtree(path)
    path.mkdir()
    (path / "notes.txt").write_text("my notes\n", encoding="utf-8")
    (path / "photos").mkdir()


def file_instead(path: Path) -> None:
    shutil.rmtree(path)
    path.write_text("not an index\n", encoding="utf-8")


DAMAGES = {
    "segment truncated to nothing": (truncate("*.pst", 0), IndexDamagedError),
    "segment truncated to half": (truncate("*.pst", 0.5), IndexDamagedError),
    "segment garbled": (garble("*.pst"), IndexDamagedError),
    "segment missing": (remove("*.pst"), IndexDamagedError),
    "toc truncated to nothing": (truncate("*.toc", 0), IndexDamagedError),
    "toc truncated to half": (truncate("*.toc", 0.5), IndexDamagedError),
    "toc garbled": (garble("*.toc"), IndexDamagedError),
    "toc missing": (remove("*.toc"), IndexDamagedError),
    "columns truncated to nothing": (truncate("*.msqa-columns", 0), IndexDamagedError),
    "columns truncated to half": (truncate("*.msqa-columns", 0.5), IndexDamagedError),
    "columns cut in the arrays": (truncate("*.msqa-columns", 0.98), IndexDamagedError),
    "columns garbled": (garble("*.msqa-columns"), IndexDamagedError),
    "columns missing": (remove("*.msqa-columns"), IndexDamagedError),
    "meta truncated to nothing": (truncate("msqa-index.json", 0), IndexDamagedError),
    "meta truncated to half": (truncate("msqa-index.json", 0.5), IndexDamagedError),
    "meta garbled": (garble("msqa-index.json"), IndexDamagedError),
    "meta missing": (remove("msqa-index.json"), IndexDamagedError),
    "generation folder missing": (remove_generation, IndexDamagedError),
    "CURRENT garbled": (write_current(b"\x00\xff\xfe garbage \x89PNG"), IndexDamagedError),
    "CURRENT empty": (write_current(b""), IndexDamagedError),
    "CURRENT points outside": (write_current(b"../../etc\n"), IndexDamagedError),
    "CURRENT names a missing generation": (write_current(b"gen-999999\n"), IndexDamagedError),
    "older schema": (set_schema(SCHEMA_VERSION - 1), IndexSchemaError),
    "newer schema": (set_schema(SCHEMA_VERSION + 1), IndexSchemaError),
    "schema not a number": (set_schema(str(SCHEMA_VERSION)), IndexSchemaError),
    "foreign folder": (foreign_folder, IndexNotFoundError),
}


def first_error(path: Path) -> tuple[MsqaError | None, list[str]]:
    """The library error from opening the index or from its first searches and stats, and
    the files the failed attempt left open. Errors other than MsqaError propagate."""

    def use() -> None:
        with open_index(path) as index:
            index.search("botox")
            index.search("botox", specialty="dermatologist", sort="rating")
            index.stats()

    error, leaks = attempt(use)
    if error is not None and not isinstance(error, MsqaError):
        raise error
    return error, leaks


class TestDamageInLibrary:
    """open_index or the first search raises one clear error naming the fix."""

    @pytest.mark.parametrize("kind", list(DAMAGES))
    def test_damage_gives_clear_error(self, two_segment_index, kind):
        """The error has the expected type and ends with the rebuild command for this path."""
        damage, expected = DAMAGES[kind]
        damage(two_segment_index)
        error, _ = first_error(two_segment_index)
        assert type(error) is expected, f"{kind}: got {type(error).__name__}: {error}"
        assert str(error).endswith(rebuild_hint(two_segment_index)), str(error)
        assert error.path == str(two_segment_index)
        assert "\n" not in str(error)

    @pytest.mark.parametrize("kind", list(DAMAGES))
    def test_failed_open_leaves_no_file_open(self, two_segment_index, kind):
        """Opening a damaged index and failing closes every file it opened."""
        damage, _ = DAMAGES[kind]
        damage(two_segment_index)
        error, leaks = first_error(two_segment_index)
        assert error is not None
        assert leaks == []

    @pytest.mark.parametrize("damage", [truncate("words.msqa-vocabulary", 0.5), garble("words.msqa-vocabulary"),
                                        remove("words.msqa-vocabulary")], ids=["truncated", "garbled", "missing"])
    def test_damaged_vocabulary_never_escapes_raw(self, two_segment_index, damage):
        """The vocabulary only feeds suggestions: searches answer, or say the index is damaged."""
        damage(two_segment_index)
        try:
            with open_index(two_segment_index) as index:
                results = index.search("botox injection safe")
                assert results.total > 0
                index.search("spasticty")  # a misspelling: the speller reads the vocabulary
        except IndexDamagedError as e:
            assert str(e).endswith(rebuild_hint(two_segment_index))


@pytest.mark.slow
class TestFileInsteadOfFolder:
    def test_error_names_the_fix_and_the_file_is_kept(self, two_segment_index):
        """A file where the index should be: one clear error naming a new folder as the
        fix; --rebuild refuses to replace the file, which stays as it was."""
        file_instead(two_segment_index)
        error, leaks = first_error(two_segment_index)
        assert (type(error), leaks) == (IndexNotFoundError, [])
        assert str(error).endswith("Give the index a folder of its own."), str(error)
        rebuild = run_cli("index", "--rebuild", "--index", two_segment_index, SEEDS)
        assert (rebuild.returncode, len(rebuild.stderr.splitlines())) == (2, 1), rebuild.stderr
        assert "not an index\n" == two_segment_index.read_text(encoding="utf-8")


#: Kinds of damage also run through the CLI in the quick run; the rest only in the full run
#: (each is two subprocesses, and the library tests above cover every kind in-process).
QUICK_CLI_DAMAGES = ("toc garbled", "columns garbled", "CURRENT empty")


@pytest.mark.slow  # CLI processes a case; the quick run keeps the in-process ones
class TestDamageThroughCli:
    """The CLI prints the library's error as one line, exits 2; `index --rebuild` then fixes it."""

    @pytest.mark.parametrize("kind", [
        pytest.param(kind, marks=() if kind in QUICK_CLI_DAMAGES else pytest.mark.slow) for kind in DAMAGES
    ])
    def test_cli_reports_damage_and_rebuild_fixes_it(self, two_segment_index, kind):
        """One line on stderr, no traceback, exit 2; then the named command rebuilds the index."""
        damage, _ = DAMAGES[kind]
        damage(two_segment_index)
        error, _ = first_error(two_segment_index)
        assert error is not None, kind
        result = run_cli("search", "botox", "--index", two_segment_index)
        assert (result.returncode, result.stdout, result.stderr) == (2, "", f"Error: {cli_message(error)}\n")
        assert f"`msqa-search index --rebuild --index {two_segment_index} THREADS...`." in result.stderr
        rebuild = run_cli("index", "--rebuild", "--index", two_segment_index, SEEDS)
        assert (rebuild.returncode, rebuild.stderr) == (0, ""), rebuild.stderr
        with open_index(two_segment_index) as index:
            assert (index.search("botox").total, index.stats().answers) == (SEED_ANSWERS, SEED_ANSWERS)

    def test_cli_damaged_vocabulary_is_one_line_or_works(self, two_segment_index):
        """A garbled vocabulary never shows a traceback through the CLI."""
        garble("words.msqa-vocabulary")(two_segment_index)
        result = run_cli("search", "botox", "--index", two_segment_index)
        assert "Traceback" not in result.stderr
        assert result.returncode == 0 or (result.returncode, len(result.stderr.splitlines())) == (2, 1)
